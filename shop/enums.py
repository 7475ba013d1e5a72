"""The shop's shared vocabulary: every enumeration the bot, the worker and the wire agree on.

Each is a ``Literal`` (what pydantic validates and the type checker follows) with the tuple
of its values beside it (for database CHECK constraints, template keys and loops). Adding a
value here adds it everywhere: the contracts accept it, the worker's database allows it, and
the replies' start-up check asks for its wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, get_args

DEFAULT_LOCALE = "zh_CN"
"""The locale every shop text must have and replies fall back to."""

ItemKind = Literal["regular", "custom", "proxy"]
"""regular stock, custom-made (定制, the shop's own label), proxy-purchase (代购)."""
ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)

OrderState = Literal["awaiting_payment", "paid", "shipped", "completed", "closed"]
"""The five Taobao back-office states: 等待买家付款, 买家已付款, 卖家已发货, 交易成功, 交易关闭."""
ORDER_STATES: tuple[OrderState, ...] = get_args(OrderState)

ExchangeState = Literal["awaiting_return", "received", "shipped", "done", "cancelled"]
EXCHANGE_STATES: tuple[ExchangeState, ...] = get_args(ExchangeState)

PostagePayer = Literal["customer", "seller", "split"]
"""Who pays an exchange's postage: the customer both ways, the seller both ways, or ``split``
(the customer sends the item back, the seller pays for the replacement)."""
POSTAGE_PAYERS: tuple[PostagePayer, ...] = get_args(PostagePayer)

ExchangeReason = Literal[
    "order_not_paid",
    "not_delivered_yet",
    "order_closed",
    "window_expired",
    "already_exchanged",
    "proxy_no_exchange",
    "regular_no_exchange",
    "custom_no_exchange",
    "size_change_not_allowed",
    "color_change_not_allowed",
    "not_fit_for_resale",
    "out_of_stock",
    "same_variant",
    "style_change_not_allowed",
    "item_not_in_order",
    "variant_not_found",
]
"""Why an exchange is refused (the worker decides, the bot words each one).
``<kind>_no_exchange``: the shop's policy does not exchange that kind of item as a rule."""
EXCHANGE_REASONS: tuple[ExchangeReason, ...] = get_args(ExchangeReason)

AddressChangeReason = Literal["not_paid", "already_shipped", "closed"]
"""Why an order's address can no longer be changed by the customer."""
ADDRESS_CHANGE_REASONS: tuple[AddressChangeReason, ...] = get_args(AddressChangeReason)

TicketReason = Literal[
    "customer_asked", "low_confidence", "complaint", "quality", "ineligible", "unavailable", "other"
]
"""Why a chat was handed to a person."""
TICKET_REASONS: tuple[TicketReason, ...] = get_args(TicketReason)

TicketState = Literal["waiting", "with_agent", "closed"]
"""A ticket's place in the handoff: waiting for a person, with an agent, closed (back to the
bot). One live (not closed) ticket per customer chat."""
TICKET_STATES: tuple[TicketState, ...] = get_args(TicketState)

ClosedBy = Literal["agent", "customer", "system"]
"""Who ended a handoff: an agent closed it, the customer withdrew, or the system."""
CLOSED_BY: tuple[ClosedBy, ...] = get_args(ClosedBy)

AlertKind = Literal["sla", "idle"]
"""The desk's service-level alerts: nobody took the customer in time; their agent went quiet."""

RemarkFlag = Literal["red", "blue", "purple", "green"]
"""The colour of a seller remark's flag (备注旗帜)."""
REMARK_FLAGS: tuple[RemarkFlag, ...] = get_args(RemarkFlag)

RegionGroup = Literal["jzhw", "mainland", "remote", "hmt", "overseas"]
"""Postage groups: 江浙沪皖, the rest of the mainland, remote provinces, HK/Macau/Taiwan, abroad."""
REGION_GROUPS: tuple[RegionGroup, ...] = get_args(RegionGroup)

# ── what the shop sells ──────────────────────────────────────────────────────────────────

ProductCategory = Literal["tops", "trousers", "skirts", "dresses", "outerwear", "accessories"]
"""What the shop sells, by kind of garment; each category has its own size-chart measurements.
Shoes are not a category: a shoe chart measures feet, not bodies (see docs/worker.md)."""
PRODUCT_CATEGORIES: tuple[ProductCategory, ...] = get_args(ProductCategory)

Measurement = Literal[
    "chest_cm", "waist_cm", "hip_cm", "shoulder_cm", "sleeve_cm", "length_cm", "inseam_cm"
]
"""The garment measurements a size chart may carry (laid flat and doubled where it applies),
in the order a chart shows them."""
MEASUREMENTS: tuple[Measurement, ...] = get_args(Measurement)

CATEGORY_MEASUREMENTS: Mapping[ProductCategory, tuple[Measurement, ...]] = MappingProxyType(
    {
        "tops": ("chest_cm", "length_cm", "shoulder_cm"),
        "trousers": ("waist_cm", "hip_cm", "length_cm", "inseam_cm"),
        "skirts": ("waist_cm", "hip_cm", "length_cm"),
        "dresses": ("chest_cm", "waist_cm", "length_cm"),
        "outerwear": ("chest_cm", "length_cm", "shoulder_cm", "sleeve_cm"),
        "accessories": (),  # one size (FREE): no chart
    }
)
"""Exactly the measurements each category's chart carries: no chest on jeans, no inseam on a
coat."""

Fibre = Literal[
    "cotton",
    "linen",
    "silk",
    "wool",
    "cashmere",
    "polyester",
    "nylon",
    "elastane",
    "acrylic",
    "modal",
    "viscose",
    "acetate",
    "leather",
]
"""Fibres of a product's main fabric (the care label's composition)."""
FIBRES: tuple[Fibre, ...] = get_args(Fibre)

CareInstruction = Literal[
    "machine_wash_cold",  # machine wash at 30 °C or below
    "machine_wash_warm",  # machine wash at 40 °C or below
    "hand_wash",  # hand wash, 30 °C or below
    "dry_clean_only",
    "wash_inside_out",
    "wash_dark_separately",
    "no_bleach",
    "no_tumble_dry",
    "tumble_dry_low",
    "line_dry",
    "dry_flat",
    "dry_in_shade",
    "iron_low",
    "iron_medium",
    "iron_high",
    "no_iron",
    "leather_specialist",  # cleaned by a leather specialist only
]
"""Care instructions as codes (the care label's symbols); the bot words them per language."""
CARE_INSTRUCTIONS: tuple[CareInstruction, ...] = get_args(CareInstruction)
