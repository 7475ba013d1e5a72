"""The shop's shared vocabulary: every enumeration the bot, the worker and the wire agree on.

Each is a ``Literal`` (what pydantic validates and the type checker follows) with the tuple
of its values beside it (for database CHECK constraints, template keys and loops). Adding a
value here adds it everywhere: the contracts accept it, the worker's database allows it, and
the replies' start-up check asks for its wording.
"""

from __future__ import annotations

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

RemarkFlag = Literal["red", "blue", "purple", "green"]
"""The colour of a seller remark's flag (备注旗帜)."""
REMARK_FLAGS: tuple[RemarkFlag, ...] = get_args(RemarkFlag)

RegionGroup = Literal["jzhw", "mainland", "remote", "hmt", "overseas"]
"""Postage groups: 江浙沪皖, the rest of the mainland, remote provinces, HK/Macau/Taiwan, abroad."""
REGION_GROUPS: tuple[RegionGroup, ...] = get_args(RegionGroup)
