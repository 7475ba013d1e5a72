"""Returns (退货退款): the quote (may these items come back for a refund, on what terms) and
the return itself, with its own number, the refund and where to send the parcel."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from bus.contracts.base import (
    LAST4_PATTERN,
    ORDER_NO_PATTERN,
    Command,
    Contract,
    Request,
    RowId,
    TelegramUserId,
    since,
)
from bus.contracts.orders import ContactRequired, DaySpan, OrderNotFound, Throttled
from shop.enums import (
    ItemKind,
    ReturnCause,
    ReturnPostagePayer,
    ReturnReason,
    ReturnState,
)

RETURNS_SCHEMA = 3
"""``returns.quote`` and ``returns.create`` speak version 3: a cause per line (the trousers too
small, the shirt's seam open), and who pays each item's postage back in the replies. They
still take version 2 (one cause for the whole return): its replies go without the fields
marked ``since(3)``."""


class ReturnLine(Contract):
    """An item of the order and how many of its units go back, and why (when it is not the
    return's ``cause``: two items sent back for two reasons)."""

    item_id: RowId
    quantity: int = Field(default=1, ge=1, le=99)
    cause: ReturnCause | None = Field(
        default=None, description="None: the return's own ``cause``."
    )


class _ReturnRequestFields(Contract):
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    items: list[ReturnLine] = Field(min_length=1, max_length=20)
    cause: ReturnCause = Field(description="Why the items go back (a line may name its own).")
    fit_for_resale: bool = Field(description="The customer states: tags on, unworn, unwashed.")
    note: str = Field(default="", max_length=500, description="The customer's own words.")

    @field_validator("items")
    @classmethod
    def _each_item_once(cls, items: list[ReturnLine]) -> list[ReturnLine]:
        ids = [line.item_id for line in items]
        if len(set(ids)) != len(ids):
            raise ValueError("an item is listed twice")
        return items

    def cause_of(self, line: ReturnLine) -> ReturnCause:
        return line.cause or self.cause


class ReturnItemTerms(Contract):
    """What the shop decided for one item."""

    item_id: int
    eligible: bool
    reasons: list[ReturnReason] = Field(default_factory=list)
    cause: ReturnCause | None = Field(
        default=None,
        description="Why it goes back (its line's, or the return's).",
        json_schema_extra=since(3),
    )
    return_postage_payer: ReturnPostagePayer | None = Field(
        default=None,
        description="Who pays for sending this item back, by its cause.",
        json_schema_extra=since(3),
    )
    kind: ItemKind | None = Field(default=None, description="None: not an item of the order.")
    product_name: str | None = None
    sku: str | None = None
    quantity: int
    unit_price: Decimal | None = None
    amount: Decimal = Field(description="unit price × quantity; 0 when not eligible.")
    deadline: datetime | None = Field(
        default=None, description="Until when it may be returned (its kind's window)."
    )
    needs_supervisor: bool = False


class ReturnTerms(Contract):
    kind: Literal["return_quote"] = "return_quote"
    eligible: bool
    reasons: list[ReturnReason] = Field(
        default_factory=list, description="Every reason of every item, each once."
    )
    items: list[ReturnItemTerms]
    items_amount: Decimal
    postage_refund: Decimal = Field(
        description="The order's own postage: back only when the whole order comes back, every "
        "item of it by the shop's fault."
    )
    refund_amount: Decimal = Field(description="items_amount + postage_refund.")
    refund_to: Literal["original_payment"] = "original_payment"
    return_postage_payer: ReturnPostagePayer = Field(
        description="Who pays for sending the parcel back: the shop when every item in it is "
        "the shop's fault, else the customer (an item of her own choice is in it; the shop's "
        "items ride along at no charge to her). Each item's own: ``items[].return_postage_payer``."
    )
    seller_postage: Literal["reimbursed", "freight_collect"] | None = Field(
        default=None,
        description="When the shop pays the return postage: reimbursed with the refund, or "
        "sent freight collect (到付).",
    )
    return_address: str
    deadline: datetime | None = None
    refund_process_days: DaySpan = Field(
        description="From the parcel's arrival (and check) until the refund is issued."
    )
    refund_arrival_days: DaySpan = Field(
        description="From issue until the money shows on the customer's side."
    )
    needs_supervisor: bool = False


class QuoteReturn(
    _ReturnRequestFields,
    Request[ReturnTerms | OrderNotFound | Throttled | ContactRequired],
):
    """May these items be returned for a refund, and on what terms. Read access (the order's
    digits open it)."""

    METHOD: ClassVar[str] = "returns.quote"
    SCHEMA_VERSION: ClassVar[int] = RETURNS_SCHEMA
    OLDER_SCHEMAS: ClassVar[frozenset[int]] = frozenset({2})


class ReturnItemView(Contract):
    item_id: int
    product_name: str
    sku: str
    size: str
    color: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    cause: ReturnCause | None = Field(
        default=None, description="Why it goes back.", json_schema_extra=since(3)
    )
    return_postage_payer: ReturnPostagePayer | None = Field(
        default=None, description="Who pays for sending it back.", json_schema_extra=since(3)
    )


class ReturnView(Contract):
    return_no: str
    order_no: str
    state: ReturnState
    cause: ReturnCause = Field(
        description="The return's cause: its items' own when they differ (``items[].cause``)."
    )
    items: list[ReturnItemView]
    items_amount: Decimal
    postage_refund: Decimal
    refund_amount: Decimal
    refund_to: Literal["original_payment"] = "original_payment"
    return_postage_payer: ReturnPostagePayer
    seller_postage: Literal["reimbursed", "freight_collect"] | None = None
    created_at: datetime


class ReturnCreated(Contract):
    kind: Literal["return_created"] = "return_created"
    record: ReturnView
    return_address: str
    refund_process_days: DaySpan
    refund_arrival_days: DaySpan


class ReturnRejected(Contract):
    kind: Literal["return_rejected"] = "return_rejected"
    reasons: list[ReturnReason]
    items: list[ReturnItemTerms]
    needs_supervisor: bool = False


class CreateReturn(
    _ReturnRequestFields,
    Command[ReturnCreated | ReturnRejected | OrderNotFound | Throttled | ContactRequired],
):
    """Re-check the quote and open the return (its number, the refund, where to send it). The
    order's verified customer only."""

    METHOD: ClassVar[str] = "returns.create"
    SCHEMA_VERSION: ClassVar[int] = RETURNS_SCHEMA
    OLDER_SCHEMAS: ClassVar[frozenset[int]] = frozenset({2})


# ── returns.record_tracking ──────────────────────────────────────────────────────────────

RETURN_NO_PATTERN = r"^(RT|RMA)\d{8,20}$"
"""A return's number (RT…) or an exchange's (RMA…)."""
TRACKING_NO_PATTERN = r"^[A-Z0-9]{8,30}$"


class ReturnTrackingRecorded(Contract):
    """The courier's number of the parcel coming back, kept on the return (the warehouse
    matches the parcel by it)."""

    kind: Literal["return_tracking_recorded"] = "return_tracking_recorded"
    return_no: str = Field(description="The return's number (RT…), or the exchange's (RMA…).")
    exchange: bool = Field(default=False, description="The parcel of an exchange.")
    order_no: str
    tracking_no: str
    replaced: str | None = Field(
        default=None, description="The number the return had before, when it was another."
    )


class ReturnTrackingRefused(Contract):
    kind: Literal["return_tracking_refused"] = "return_tracking_refused"
    reason: Literal["no_open_return", "which_return", "not_linked"]
    open_returns: list[str] = Field(
        default_factory=list,
        description="which_return: the customer's returns and exchanges waiting for their "
        "parcel, newest first (their numbers); the request names one of them to go on.",
    )


class RecordReturnTracking(Command[ReturnTrackingRecorded | ReturnTrackingRefused]):
    """"退货寄出了 顺丰 SF…": the linked customer's return or exchange waiting for its parcel
    (the one named, or their only one) gets the tracking number. Only the customer's own."""

    METHOD: ClassVar[str] = "returns.record_tracking"
    telegram_user_id: TelegramUserId
    tracking_no: str = Field(pattern=TRACKING_NO_PATTERN)
    return_no: str | None = Field(default=None, pattern=RETURN_NO_PATTERN)


# ── returns.keep_photo ───────────────────────────────────────────────────────────────────

RT_NO_PATTERN = r"^RT\d{8,20}$"
"""A return's number."""


class ReturnPhotoKept(Contract):
    """The photo is kept with the return (the agents see it where they see the return)."""

    kind: Literal["return_photo_kept"] = "return_photo_kept"
    return_no: str
    order_no: str
    photos: int = Field(description="The return's photos now, this one included.")
    already: bool = Field(
        default=False, description="The same photo (file_unique_id) was kept before: nothing new."
    )


class ReturnPhotoRefused(Contract):
    kind: Literal["return_photo_refused"] = "return_photo_refused"
    reason: Literal["no_open_return", "which_return", "not_linked"]
    open_returns: list[str] = Field(
        default_factory=list,
        description="which_return: the customer's live returns, newest first (their numbers); "
        "the request names one of them to go on.",
    )


class KeepReturnPhoto(Command[ReturnPhotoKept | ReturnPhotoRefused]):
    """A photo for her return ("here's the stain", sent after or before confirming it): kept
    on the linked customer's own return — the one named (any of hers not cancelled), or her
    only live one. Telegram's reference only, never the image; the same photo is kept once."""

    METHOD: ClassVar[str] = "returns.keep_photo"
    telegram_user_id: TelegramUserId
    return_no: str | None = Field(default=None, pattern=RT_NO_PATTERN)
    file_id: str = Field(min_length=1, max_length=200)
    file_unique_id: str = Field(min_length=1, max_length=100)
    caption: str | None = Field(default=None, max_length=1024)
