"""Orders: look-up, list, address change, and the replies every order method shares.

No contract ever carries a full phone number or address back to the bot: order views hold
masked receiver data only (``138****5678``), because the bot renders and logs them.
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
from shop.enums import AddressChangeReason, ItemKind, OrderState

# ── views ────────────────────────────────────────────────────────────────────────────────


class OrderItemView(Contract):
    item_id: int
    product_id: int
    product_name: str
    kind: ItemKind
    sku: str
    size: str
    color: str
    price: Decimal
    quantity: int
    exchanged: bool = False


class OrderSummary(Contract):
    order_no: str
    state: OrderState
    created_at: datetime
    total: Decimal
    item_count: int
    first_item_name: str


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
    address_masked: str
    buyer_message: str | None = None
    address_refusal: AddressChangeReason | None = Field(
        default=None,
        description="Why the customer can no longer change the address (the worker decides); "
        "None: ``orders.change_address`` will take a new one.",
    )

    @property
    def address_changeable(self) -> bool:
        return self.address_refusal is None


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
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)


class OrderList(Contract):
    kind: Literal["orders"] = "orders"
    orders: list[OrderSummary]


class ListOrders(Request[OrderList | NotLinked]):
    METHOD: ClassVar[str] = "orders.list"
    telegram_user_id: TelegramUserId
    limit: int = Field(default=10, ge=1, le=50)


# ── orders.change_address ────────────────────────────────────────────────────────────────


class AddressChanged(Contract):
    kind: Literal["address_changed"] = "address_changed"
    order: OrderView


class AddressChangeRefused(Contract):
    kind: Literal["address_refused"] = "address_refused"
    reason: AddressChangeReason


class ChangeAddress(
    Command[AddressChanged | AddressChangeRefused | OrderNotFound | Throttled | ContactRequired]
):
    """A new delivery address (and receiver) for a paid, unshipped order: the order's verified
    customer only. The phone the order was placed with, which proves it, never changes."""

    METHOD: ClassVar[str] = "orders.change_address"
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    receiver_name: str | None = Field(default=None, min_length=1, max_length=50)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    province: str = Field(min_length=2, max_length=20)
    address: str = Field(min_length=4, max_length=200)
