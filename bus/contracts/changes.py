"""Changes to an order before it ships, and what the customer asks of the warehouse: a size
or colour change, cancelling, another courier, urging. Commands of the order's verified
customer only; every refusal is data with its reasons."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from bus.contracts.base import (
    LAST4_PATTERN,
    ORDER_NO_PATTERN,
    Command,
    Contract,
    RowId,
    TelegramUserId,
)
from bus.contracts.orders import ContactRequired, DaySpan, OrderNotFound, OrderView, Throttled
from shop.enums import (
    CancelRefusal,
    CourierCode,
    CourierRequestRefusal,
    OrderChangeReason,
    RefundCause,
    RefundState,
    UrgeRefusal,
    UrgeStage,
)


class _OrderCommandFields(Contract):
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)


_Proof = OrderNotFound | Throttled | ContactRequired

# ── orders.modify_item ───────────────────────────────────────────────────────────────────


class ItemModified(Contract):
    kind: Literal["item_modified"] = "item_modified"
    order: OrderView
    item_id: int
    old_sku: str
    new_sku: str


class ItemModifyRefused(Contract):
    kind: Literal["modify_refused"] = "modify_refused"
    reasons: list[OrderChangeReason]
    needs_supervisor: bool = False


class ModifyItem(_OrderCommandFields, Command[ItemModified | ItemModifyRefused | _Proof]):
    """Another size and/or colour of the same product for an item of a paid, unshipped order:
    the new one's units are taken from stock (checked and held atomically), the old one's put
    back, and the warehouse told by a purple remark."""

    METHOD: ClassVar[str] = "orders.modify_item"
    # 3: the order view's items' English names; 4: its returns; 5: the returns' photos
    SCHEMA_VERSION: ClassVar[int] = 7  # 6: its returns' items' causes; 7: a refused return's reason
    item_id: RowId
    new_size: str | None = Field(default=None, min_length=1, max_length=10)
    new_color: str | None = Field(default=None, min_length=1, max_length=20)

    @model_validator(mode="after")
    def _changes_something(self) -> ModifyItem:
        if self.new_size is None and self.new_color is None:
            raise ValueError("give new_size, new_color or both")
        return self


# ── orders.cancel ────────────────────────────────────────────────────────────────────────


class RefundView(Contract):
    refund_no: str
    order_no: str
    amount: Decimal
    refund_to: Literal["original_payment"] = "original_payment"
    cause: RefundCause
    state: RefundState
    created_at: datetime


class OrderCancelled(Contract):
    kind: Literal["order_cancelled"] = "order_cancelled"
    order: OrderView
    refund: RefundView | None = Field(
        default=None, description="Paid orders: the refund of what was paid (items + postage)."
    )
    refund_arrival_days: DaySpan | None = Field(
        default=None, description="From the refund until the money shows (the policy's)."
    )


class CancelRefused(Contract):
    kind: Literal["cancel_refused"] = "cancel_refused"
    reason: CancelRefusal
    next_step: Literal["return_after_delivery"] | None = Field(
        default=None, description="already_shipped: a return once it is delivered."
    )


class CancelOrder(_OrderCommandFields, Command[OrderCancelled | CancelRefused | _Proof]):
    """Close an unpaid order, or a paid one that has not shipped (with a refund). Shipped
    orders are refused: the way forward is a return after delivery."""

    METHOD: ClassVar[str] = "orders.cancel"
    # 3: the order view's items' English names; 4: its returns; 5: the returns' photos
    SCHEMA_VERSION: ClassVar[int] = 7  # 6: its returns' items' causes; 7: a refused return's reason
    note: str = Field(default="", max_length=200, description="Why, in the customer's words.")


# ── orders.request_courier ───────────────────────────────────────────────────────────────


class CourierRequestRecorded(Contract):
    """Recorded as a remark for the warehouse; the warehouse confirms. Not a promise that the
    parcel goes by that courier."""

    kind: Literal["courier_requested"] = "courier_requested"
    courier: CourierCode
    extra_cost: bool = Field(
        description="SF at SF's own published price (the policy's sf_on_request): the "
        "difference is the customer's."
    )
    confirmed_by: Literal["warehouse"] = "warehouse"


class CourierRequestRefused(Contract):
    kind: Literal["courier_refused"] = "courier_refused"
    reasons: list[CourierRequestRefusal]


class RequestCourier(
    _OrderCommandFields, Command[CourierRequestRecorded | CourierRequestRefused | _Proof]
):
    """Ask for the parcel to go by another courier ("改发顺丰，差价我补")."""

    METHOD: ClassVar[str] = "orders.request_courier"
    courier: CourierCode


# ── orders.urge ──────────────────────────────────────────────────────────────────────────


class OrderUrged(Contract):
    kind: Literal["urged"] = "urged"
    stage: UrgeStage
    urged_at: datetime
    already_today: bool = Field(
        default=False,
        description="Urged already today (the shop's day): nothing new was written; urged_at "
        "is that first time.",
    )
    overdue: bool = Field(description="Past the dispatch promise or the courier's usual time.")
    due_by: datetime | None = None


class UrgeRefused(Contract):
    kind: Literal["urge_refused"] = "urge_refused"
    reason: UrgeRefusal


class UrgeOrder(_OrderCommandFields, Command[OrderUrged | UrgeRefused | _Proof]):
    """Urge the warehouse to ship (paid) or to chase the courier (shipped, not delivered): a
    red remark, once per order per day."""

    METHOD: ClassVar[str] = "orders.urge"


# ── orders.confirm_receipt ───────────────────────────────────────────────────────────────


ReceiptRefusal = Literal["not_shipped", "order_closed"]


class ReceiptConfirmed(Contract):
    kind: Literal["receipt_confirmed"] = "receipt_confirmed"
    order: OrderView
    already: bool = Field(
        default=False,
        description="Confirmed (completed) before: nothing new was written.",
    )


class ReceiptRefused(Contract):
    kind: Literal["receipt_refused"] = "receipt_refused"
    reason: ReceiptRefusal = Field(
        description="not_shipped: unpaid or not shipped yet, nothing to receive; order_closed: "
        "cancelled or closed."
    )


class ConfirmReceipt(_OrderCommandFields, Command[ReceiptConfirmed | ReceiptRefused | _Proof]):
    """The customer confirms she has the parcel (确认收货): a shipped order becomes completed,
    delivered now if the courier had not said so (its return and exchange windows start then).
    The order's verified customer only; a completed order answers ``already``."""

    METHOD: ClassVar[str] = "orders.confirm_receipt"
    SCHEMA_VERSION: ClassVar[int] = 5  # 3: the returns' photos; 4: their items' causes; 5: refusal
