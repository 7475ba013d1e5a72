"""A special request the customer asks written on her order (备注): "是送人的，包裹里别放价格单",
"放快递柜，别打电话", "add a note: it's a gift, no receipt inside". Recorded as a seller's remark
for the warehouse, appended (never edited), while the order has not shipped. The order's
verified customer only; every refusal is data with its reason."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from bus.contracts.base import LAST4_PATTERN, ORDER_NO_PATTERN, Command, Contract, TelegramUserId
from bus.contracts.orders import ContactRequired, OrderNotFound, Throttled
from shop.enums import RemarkFlag

NOTE_MAX_CHARS = 200
"""The longest note: a remark the warehouse reads at a glance (the remark column holds 500)."""

NoteRefusal = Literal["already_shipped", "order_completed", "order_closed"]
"""already_shipped: the parcel has left (the warehouse packed it already); order_completed:
received; order_closed: cancelled or closed."""


class OrderNoteAdded(Contract):
    """Recorded: the remark as the warehouse sees it on the order."""

    kind: Literal["note_added"] = "note_added"
    order_no: str
    content: str = Field(description="The remark's content (the customer's words, prefixed).")
    flag: RemarkFlag = Field(description="red: a gift or no price inside; blue: the rest.")
    recorded_at: datetime
    already: bool = Field(
        default=False,
        description="The same note was on the order already: nothing new was written.",
    )


class OrderNoteRefused(Contract):
    kind: Literal["note_refused"] = "note_refused"
    reason: NoteRefusal
    tracking_no: str | None = Field(
        default=None, description="already_shipped: the parcel's number, to ask the courier."
    )


class AddOrderNote(
    Command[OrderNoteAdded | OrderNoteRefused | OrderNotFound | Throttled | ContactRequired]
):
    """Append the customer's request to her order as a remark, before it ships (unpaid, or
    paid and not shipped); once per idempotency key, and the same words twice are one note."""

    METHOD: ClassVar[str] = "orders.add_note"
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    text: str = Field(
        min_length=1,
        max_length=NOTE_MAX_CHARS,
        description="What to write, in the customer's words (never logged: it may hold a phone "
        "number or an address).",
    )
