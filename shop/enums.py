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
    "already_returned",
]
"""Why an exchange is refused (the worker decides, the bot words each one).
``<kind>_no_exchange``: the shop's policy does not exchange that kind of item as a rule.
``already_returned``: the item is (being) returned for a refund."""
EXCHANGE_REASONS: tuple[ExchangeReason, ...] = get_args(ExchangeReason)

AddressChangeReason = Literal["not_paid", "already_shipped", "closed", "unknown_region"]
"""Why an order's address can no longer be changed by the customer (``unknown_region``: the new
address names a province the shop does not know, so it is not stored)."""
ADDRESS_CHANGE_REASONS: tuple[AddressChangeReason, ...] = get_args(AddressChangeReason)

TicketReason = Literal[
    "customer_asked",
    "low_confidence",
    "complaint",
    "quality",
    "ineligible",
    "unavailable",
    "not_received",
    "missing_item",
    "wrong_item",
    "gift",
    "discount",
    "cancel_one_item",
    "other",
]
"""Why a chat was handed to a person. ``not_received``: the courier shows the parcel delivered
but the customer has not got it (the ticket names the order; its courier and tracking number
go with it); ``missing_item``: the parcel came without something the order has (the ticket
names the order); ``wrong_item``: the parcel holds another item, size or colour than the order
(the shop's mistake, not a defect: the ticket names the order, a photo of what came joins it);
``gift``, ``discount``: a request only a person may grant (the policy's
``prices``: agents may add a small gift, any discount is the supervisor's);
``cancel_one_item``: one item of an order of several to come off before it ships (the worker
cancels whole orders only; the ticket names the order)."""
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

# ── returns, refunds and changes before shipping ────────────────────────────────────────

ReturnCause = Literal["size", "changed_mind", "not_as_described", "quality", "wrong_item", "other"]
"""Why the customer sends an item back (what the shop asks first, to offer another size or
style). ``quality`` and ``wrong_item`` are the shop's fault (``SELLER_FAULT``): the shop pays
the postage and lifts the kind's refusal, subject to a check when the parcel arrives."""
RETURN_CAUSES: tuple[ReturnCause, ...] = get_args(ReturnCause)
SELLER_FAULT: frozenset[ReturnCause] = frozenset({"quality", "wrong_item"})

ReturnReason = Literal[
    "order_not_paid",
    "not_delivered_yet",
    "order_closed",
    "window_expired",
    "regular_no_return",
    "custom_no_return",
    "proxy_no_return",
    "not_fit_for_resale",
    "already_returned",
    "already_exchanged",
    "quantity_too_large",
    "item_not_in_order",
]
"""Why an item cannot be returned for a refund (the worker decides, the bot words each one).
``<kind>_no_return``: the shop's policy does not take that kind back as a rule (custom-made
items are never refunded, proxy purchases never returned) unless there is a quality problem;
``already_returned``: a return of the item is under way, or every unit was refunded;
``already_exchanged``: the item is (being) exchanged; ``quantity_too_large``: more units than
are left to return."""
RETURN_REASONS: tuple[ReturnReason, ...] = get_args(ReturnReason)

ReturnState = Literal["awaiting_return", "received", "refunded", "cancelled"]
"""A return's life: the customer sends the parcel, the shop receives and checks it, refunds;
or it is cancelled. ``awaiting_return`` and ``received`` are live."""
RETURN_STATES: tuple[ReturnState, ...] = get_args(ReturnState)
LIVE_RETURN_STATES: tuple[ReturnState, ...] = ("awaiting_return", "received")

ReturnRefusal = Literal[
    "worn", "washed", "tags_removed", "damaged", "not_our_item", "incomplete", "other"
]
"""Why a returned parcel failed its check when it arrived (DOMAIN: what comes back must be fit
for resale — tags on, unworn, unwashed): worn, washed, its tags removed, damaged after
delivery, not the item we sent, parts missing, or another reason the shop writes down. The
return is then closed without a refund (``cancelled`` with this reason), and the customer is
told why and that a person looks at it if she disagrees."""
RETURN_REFUSALS: tuple[ReturnRefusal, ...] = get_args(ReturnRefusal)

InspectionOutcome = Literal["accepted", "refused"]
"""What the shop's check of a returned parcel decided."""

AfterSalesRefusal = Literal[
    "not_found",
    "not_awaiting_parcel",
    "already_received",
    "not_received_yet",
    "already_refunded",
    "return_cancelled",
    "amount_mismatch",
    "not_shipped_yet",
    "already_shipped",
    "exchange_cancelled",
]
"""Why the shop's own after-sales step (receiving a parcel, issuing a refund, shipping an
exchange's replacement) is refused: the number names nothing; the step was done already, or
its record is past it (a refunded return is not received again), or not there yet (a refund
before its parcel is received); the amount given is not the refund's."""
AFTER_SALES_REFUSALS: tuple[AfterSalesRefusal, ...] = get_args(AfterSalesRefusal)

ReturnPostagePayer = Literal["customer", "seller"]
"""Who pays for sending a returned item back: the customer, or the shop (its fault)."""
RETURN_POSTAGE_PAYERS: tuple[ReturnPostagePayer, ...] = get_args(ReturnPostagePayer)

RefundState = Literal["pending", "issued"]
REFUND_STATES: tuple[RefundState, ...] = get_args(RefundState)
RefundCause = Literal["cancelled", "returned"]
REFUND_CAUSES: tuple[RefundCause, ...] = get_args(RefundCause)

OrderChangeReason = Literal[
    "order_not_paid",
    "already_shipped",
    "order_closed",
    "item_not_in_order",
    "proxy_item",
    "same_variant",
    "variant_not_found",
    "out_of_stock",
]
"""Why an item's size or colour cannot be changed before shipping. Only a paid order that has
not shipped changes (DOMAIN: item attributes change only then; before payment the customer
cancels and orders again). ``proxy_item``: bought abroad for the order, perhaps already: a
person checks (``needs_supervisor``)."""
ORDER_CHANGE_REASONS: tuple[OrderChangeReason, ...] = get_args(OrderChangeReason)

CancelRefusal = Literal["already_shipped", "order_closed"]
"""Why an order can no longer be cancelled: shipped (the way forward is a return after
delivery), or closed already."""
CANCEL_REFUSALS: tuple[CancelRefusal, ...] = get_args(CancelRefusal)

CourierCode = Literal["default", "sf", "ems"]
"""The shop policy's couriers (``shipping``): its default courier (ZTO in the demo shop), SF on
request, EMS (abroad); their names come from the policy."""
COURIER_CODES: tuple[CourierCode, ...] = get_args(CourierCode)

CourierRequestRefusal = Literal[
    "already_shipped", "order_closed", "same_courier", "not_for_region"
]
"""Why a courier-change request cannot be recorded: the parcel has left, the order is closed,
it already goes by that courier, or the courier does not serve the destination (Hong Kong,
Macau and Taiwan go by SF only, overseas by EMS)."""
COURIER_REQUEST_REFUSALS: tuple[CourierRequestRefusal, ...] = get_args(CourierRequestRefusal)

UrgeStage = Literal["dispatch", "delivery"]
"""What an urge chases: the warehouse to ship a paid order, or the courier to deliver."""
URGE_STAGES: tuple[UrgeStage, ...] = get_args(UrgeStage)

UrgeRefusal = Literal["order_not_paid", "already_delivered", "order_closed"]
URGE_REFUSALS: tuple[UrgeRefusal, ...] = get_args(UrgeRefusal)

AttentionCode = Literal["dispatch_overdue", "transit_overdue"]
"""Why an order needs attention, decided by the worker from the policy: paid and not shipped
past the dispatch promise, or in transit longer than its courier's usual time."""
ATTENTION_CODES: tuple[AttentionCode, ...] = get_args(AttentionCode)

InvoiceTitleType = Literal["personal", "company"]
INVOICE_TITLE_TYPES: tuple[InvoiceTitleType, ...] = get_args(InvoiceTitleType)
InvoiceState = Literal["requested", "issued", "cancelled"]
INVOICE_STATES: tuple[InvoiceState, ...] = get_args(InvoiceState)
InvoiceRefusal = Literal["order_not_paid", "order_closed", "already_requested", "tax_no_invalid"]
"""Why an invoice request is not recorded. ``order_closed``: closed without a sale (cancelled,
refunded); ``tax_no_invalid``: a company title needs a valid taxpayer number."""
INVOICE_REFUSALS: tuple[InvoiceRefusal, ...] = get_args(InvoiceRefusal)
TaxNoProblem = Literal["missing", "length", "characters", "check_character"]
"""What is wrong with a company's taxpayer number (``tax_no_invalid``): none given, not 15, 18
or 20 characters long, a character no such number has, or an 18-character unified social
credit code whose last (check) character does not match the rest — a slip in copying it."""

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


SIZE_LADDER: tuple[str, ...] = ("XXS", "XS", "S", "M", "L", *("X" * n + "L" for n in (1, 2, 3)))
"""Letter sizes from the smallest (XXS … XL, then XL with two and three X's): the order a
"one size up" or "too small" moves along."""

SIZE_LETTERS = "|".join(sorted(SIZE_LADDER, key=len, reverse=True))
"""The letter sizes as a regular-expression alternation, longest first (so that "XL" is not
read as "L")."""
