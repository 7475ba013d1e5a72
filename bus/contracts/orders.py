"""Orders: look-up, list, address change, and the replies every order method shares.

No contract ever carries a full phone number or address back to the bot: order views hold
masked receiver data only (``138****5678``, the street masked), because the bot renders and
logs them. The new address a customer gives goes one way only, bot → worker; the bot shows
the customer what they typed, parsed, before it is sent (docs/bus.md, "Addresses").
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from bus.contracts.base import (
    LAST4_PATTERN,
    ORDER_NO_PATTERN,
    PHONE_PATTERN,
    Command,
    Contract,
    Request,
    TelegramUserId,
)
from shop.enums import (
    AddressChangeReason,
    AttentionCode,
    ItemKind,
    OrderState,
    ReturnCause,
    ReturnPostagePayer,
    ReturnRefusal,
    ReturnState,
)

# ── views ────────────────────────────────────────────────────────────────────────────────


class OrderItemView(Contract):
    item_id: int
    product_id: int
    product_name: str
    product_name_en: str = Field(
        default="", max_length=100, description="The product's English name; empty when none."
    )
    kind: ItemKind
    sku: str
    size: str
    color: str
    price: Decimal
    quantity: int
    exchanged: bool = False
    returned: bool = Field(default=False, description="A return of it exists (not cancelled).")


class ReturnPhotoView(Contract):
    """A photo the customer sent for her return (``returns.keep_photo``): Telegram's reference
    to resend it, its caption, when it came."""

    file_id: str = Field(max_length=200)
    caption: str | None = Field(default=None, max_length=1024)
    received_at: datetime


class OrderReturnItem(Contract):
    """An item of a return: what goes back, why, and who pays for sending it back (two items
    of one return may go back for two causes)."""

    product_name: str
    product_name_en: str = ""
    size: str
    color: str
    quantity: int
    cause: ReturnCause
    return_postage_payer: ReturnPostagePayer


class OrderReturnView(Contract):
    """A return of the order's (``orders.lookup`` with ``with_returns``): where its refund is,
    and its items with their causes (the agents' desk shows them)."""

    return_no: str
    state: ReturnState
    created_at: datetime
    refund_amount: Decimal
    return_tracking_no: str | None = Field(
        default=None, description="The parcel coming back, once the customer gave its number."
    )
    received_at: datetime | None = None
    refunded_at: datetime | None = None
    refusal: ReturnRefusal | None = Field(
        default=None,
        description="The parcel failed its check on arrival: why (the return is cancelled, "
        "without a refund).",
    )
    photos: list[ReturnPhotoView] = Field(
        default_factory=list, description="The photos she sent for it, oldest first."
    )
    return_postage_payer: ReturnPostagePayer | None = Field(
        default=None, description="Who pays for sending the parcel back."
    )
    items: list[OrderReturnItem] = Field(
        default_factory=list, description="What goes back, each with its own cause."
    )


class OrderAttention(Contract):
    """Something about the order that needs attention, decided by the worker from the policy
    (the bot words it, apologises and offers to urge the warehouse or a person)."""

    code: AttentionCode
    due_by: datetime = Field(
        description="dispatch_overdue: when it was promised to ship; transit_overdue: when it "
        "usually arrives by."
    )
    days_late: int = Field(ge=0, description="Whole days past due_by.")
    seller_pays_postage: bool = Field(
        default=False,
        description="A proxy purchase still unshipped past the policy's "
        "returns.proxy_late_ship_days: the shop bears the postage.",
    )


class OrderReturnBrief(Contract):
    """An order's newest return (cancelled ones skipped), in a list of orders: enough to offer
    the orders whose refund is under way when a refund is asked about."""

    return_no: str
    state: ReturnState
    created_at: datetime
    refunded_at: datetime | None = None


class OrderSummary(Contract):
    order_no: str
    state: OrderState
    created_at: datetime
    total: Decimal = Field(description="The items' sum; ``total + postage`` is what was paid.")
    postage: Decimal = Field(default=Decimal(0), description="The order's postage.")
    delivered_at: datetime | None = None
    return_until: datetime | None = Field(
        default=None,
        description="Delivered: until when an item of it may still be sent back for a refund "
        "without the shop at fault (the policy's window for its items' kinds). None: not "
        "delivered, closed, or nothing in it is returned that way (custom-made, proxy).",
    )
    exchange_until: datetime | None = Field(
        default=None,
        description="Delivered: until when an item of it may still be exchanged without a "
        "quality problem (the policy's window for its items' kinds: custom-made and regular "
        "differ). None: not delivered, closed, or nothing in it has a window (proxy).",
    )
    latest_return: OrderReturnBrief | None = Field(
        default=None, description="Its newest return that is not cancelled, if any."
    )
    item_count: int
    first_item_name: str
    item_names: list[str] = Field(
        default_factory=list,
        description="Every item's product name, in the order's order (older workers send none).",
    )
    item_names_en: list[str] = Field(
        default_factory=list, description="The same in English ('' where a product has none)."
    )


class OrderView(Contract):
    order_no: str
    state: OrderState
    created_at: datetime
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    total: Decimal
    postage: Decimal
    items: list[OrderItemView]
    courier: str | None = None
    tracking_no: str | None = None
    receiver_name_masked: str
    phone_masked: str
    province: str
    city: str | None = None
    district: str | None = None
    address_masked: str = Field(
        description="City and district in full (when known), the street masked."
    )
    buyer_message: str | None = None
    dispatch_due_by: datetime | None = Field(
        default=None, description="Paid, not shipped: by when the shop promised to ship it."
    )
    delivery_due_by: datetime | None = Field(
        default=None, description="Shipped, not delivered: by when its courier usually arrives."
    )
    attention: list[OrderAttention] = Field(default_factory=list)
    returns: list[OrderReturnView] = Field(
        default_factory=list,
        description="The order's returns, newest first — only when the look-up asked for them.",
    )
    address_refusal: AddressChangeReason | None = Field(
        default=None,
        description="Why the customer can no longer change the address (the worker decides); "
        "None: ``orders.change_address`` will take a new one.",
    )

    @property
    def address_changeable(self) -> bool:
        return self.address_refusal is None


class DaySpan(Contract):
    """An inclusive span of whole days (the policy's), e.g. 1–5."""

    min: int = Field(ge=0)
    max: int = Field(ge=0)


# ── replies every order method may give ──────────────────────────────────────────────────


class OrderNotFound(Contract):
    """The one answer for a missing order *and* someone else's order: numbers can't be probed."""

    kind: Literal["not_found"] = "not_found"


class Throttled(Contract):
    kind: Literal["throttled"] = "throttled"
    retry_after_s: int


class NotLinked(Contract):
    kind: Literal["not_linked"] = "not_linked"


class ContactRequired(Contract):
    """Only the order's verified customer (their own Telegram contact, linked) may go on.

    ``write``: the asker proved the order with the phone's last four digits, which is enough
    to read it but never to change it (address, exchange, and every later write).
    ``last4_locked``: too many wrong answers for this order number; its last-four route is
    closed for a while, whoever asks (a missing order number answers the same).
    """

    kind: Literal["contact_required"] = "contact_required"
    reason: Literal["write", "last4_locked"]


# ── orders.lookup / orders.list ──────────────────────────────────────────────────────────


class OrderFound(Contract):
    kind: Literal["found"] = "found"
    order: OrderView
    access: Literal["owner", "last4"] = Field(
        default="last4",
        description="owner: the asker is the order's verified customer and may change it; "
        "last4: proven by the phone's last four digits, enough to read it only.",
    )


class LookupOrder(Request[OrderFound | OrderNotFound | Throttled | ContactRequired]):
    """One order, only for its own customer: linked by ``telegram_user_id``, or proven by the
    last four digits of the order's phone. Anything else answers ``OrderNotFound``."""

    METHOD: ClassVar[str] = "orders.lookup"
    # 3: attention flags, due dates; 4: items' English names; 5: the order's returns on request;
    # 6: the returns' photos
    SCHEMA_VERSION: ClassVar[int] = 8  # 7: its returns' items' causes; 8: a refused return's reason
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    with_returns: bool = Field(
        default=False, description="Also the order's returns (a refund asked about)."
    )


class OrderList(Contract):
    kind: Literal["orders"] = "orders"
    orders: list[OrderSummary]


class ListOrders(Request[OrderList | NotLinked]):
    METHOD: ClassVar[str] = "orders.list"
    # 3: each summary's postage, delivery time, return window and newest return;
    # 4: its exchange window; 5: ``limit`` None, every order
    SCHEMA_VERSION: ClassVar[int] = 5
    telegram_user_id: TelegramUserId
    limit: int | None = Field(
        default=10,
        ge=1,
        description="Her latest ``limit`` orders, newest first; None: every order of hers (an "
        "item named — 'my blazer' — may be in any of them, however old).",
    )


# ── orders.change_address ────────────────────────────────────────────────────────────────


class AddressChanged(Contract):
    kind: Literal["address_changed"] = "address_changed"
    order: OrderView
    region_changed: bool = Field(
        default=False,
        description="The new address is in another postage group (e.g. 江苏 → 新疆): postage "
        "or courier may differ; the remark asks the warehouse to check.",
    )


class AddressChangeRefused(Contract):
    kind: Literal["address_refused"] = "address_refused"
    reason: AddressChangeReason


class ChangeAddress(
    Command[AddressChanged | AddressChangeRefused | OrderNotFound | Throttled | ContactRequired]
):
    """A new delivery address (and receiver) for a paid, unshipped order: the order's verified
    customer only. The phone the order was placed with, which proves it, never changes.

    Structured as the parser (``intents.address``) reads it and the customer confirmed it:
    ``province`` in any spelling (浙江省, 浙江, Zhejiang), ``city`` and ``district`` where the
    address has them (Hong Kong has neither; 东莞 has no district), ``street`` the rest.
    ``receiver_name`` / ``receiver_phone`` None: the receiver stays as on the order."""

    METHOD: ClassVar[str] = "orders.change_address"
    # 3: structured address, attention; 4: English names; 5: the order view's returns;
    # 6: the returns' photos
    SCHEMA_VERSION: ClassVar[int] = 8  # 7: its returns' items' causes; 8: a refused return's reason
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    receiver_name: str | None = Field(default=None, min_length=1, max_length=50)
    receiver_phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    province: str = Field(min_length=2, max_length=20)
    city: str | None = Field(default=None, min_length=2, max_length=30)
    district: str | None = Field(default=None, min_length=2, max_length=30)
    street: str = Field(min_length=2, max_length=150)
