"""Exchanges: the quote (may this item be exchanged, on what terms) and the RMA itself."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from bus.contracts.base import (
    LAST4_PATTERN,
    ORDER_NO_PATTERN,
    Command,
    Contract,
    Request,
    RowId,
    TelegramUserId,
)
from bus.contracts.orders import ContactRequired, OrderNotFound, Throttled
from shop.enums import ExchangeReason, ExchangeState, ItemKind, PostagePayer


class ExchangeView(Contract):
    rma_no: str
    order_no: str
    item_id: int
    old_sku: str
    new_sku: str
    reason: str
    postage_payer: PostagePayer
    state: ExchangeState
    created_at: datetime


class ExchangeTerms(Contract):
    kind: Literal["quote"] = "quote"
    eligible: bool
    reasons: list[ExchangeReason] = Field(default_factory=list)
    item_kind: ItemKind | None = Field(default=None, description="None: not an item of the order.")
    old_sku: str | None = None
    new_sku: str | None = None
    postage_payer: PostagePayer
    return_address: str
    deadline: datetime | None = Field(
        default=None,
        description="Until when the exchange may be requested (the item kind's window).",
    )
    needs_supervisor: bool = False


class _ExchangeRequestFields(Contract):
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    item_id: RowId
    new_size: str | None = Field(default=None, max_length=10)
    new_color: str | None = Field(default=None, max_length=20)
    new_product_id: RowId | None = Field(
        default=None, description="Set for a change of style (换款): refused without a supervisor."
    )
    fit_for_resale: bool = Field(description="The customer states: tags on, unworn, unwashed.")
    quality_problem: bool = False
    reason: str = Field(default="", max_length=500)


class QuoteExchange(
    _ExchangeRequestFields,
    Request[ExchangeTerms | OrderNotFound | Throttled | ContactRequired],
):
    """May this item be exchanged for that variant, and on what terms."""

    METHOD: ClassVar[str] = "exchanges.quote"


class ExchangeCreated(Contract):
    kind: Literal["created"] = "created"
    exchange: ExchangeView
    return_address: str
    postage_payer: PostagePayer


class ExchangeRejected(Contract):
    kind: Literal["rejected"] = "rejected"
    reasons: list[ExchangeReason]


class CreateExchange(
    _ExchangeRequestFields,
    Command[ExchangeCreated | ExchangeRejected | OrderNotFound | Throttled | ContactRequired],
):
    """Re-check the quote, hold one unit of the new variant, create the exchange (RMA)."""

    METHOD: ClassVar[str] = "exchanges.create"
