"""The shop's own after-sales steps (售后), taken by its people (``kefu returns receive``,
``kefu refunds issue``, ``kefu exchanges receive|ship``): a returned parcel arrived and was
checked, a refund was paid, an exchange's replacement went out. Each is a command (once per
idempotency key) that moves one record one step of its life and refuses any other move
(``AfterSalesRefused``: nothing written); each step done publishes an event the bot tells the
customer of, in her own chat."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from bus.contracts.base import Command, Contract
from shop.enums import (
    AfterSalesRefusal,
    CourierCode,
    ExchangeState,
    InspectionOutcome,
    RefundCause,
    ReturnRefusal,
    ReturnState,
)

RT_NUMBER = r"^RT\d{8,20}$"
RMA_NUMBER = r"^RMA\d{8,20}$"
REFUND_NUMBER = r"^(RT|RF)\d{8,20}$"
"""A refund by its own number (RF…) or its return's (RT…)."""
TRACKING_NUMBER = r"^[A-Z0-9]{8,30}$"
AUTHOR = Field(
    default="售后",
    min_length=1,
    max_length=30,
    description="Who took the step: the remark's author on the order (the shop's format).",
)


class AfterSalesRefused(Contract):
    """The step cannot be taken on that record as it is now: nothing was written."""

    kind: Literal["after_sales_refused"] = "after_sales_refused"
    reason: AfterSalesRefusal
    state: str | None = Field(
        default=None, description="The record's state now (none: no such record)."
    )


# ── returns.receive ──────────────────────────────────────────────────────────────────────


class ReturnReceived(Contract):
    kind: Literal["return_received"] = "return_received"
    return_no: str
    order_no: str
    state: ReturnState = Field(
        description="received (accepted: its refund is pending), or cancelled (refused)."
    )
    outcome: InspectionOutcome
    refusal: ReturnRefusal | None = None
    refund_no: str | None = Field(
        default=None, description="Accepted: the refund (RF…) waiting to be issued."
    )
    refund_amount: Decimal
    received_at: datetime


class ReceiveReturn(Command[ReturnReceived | AfterSalesRefused]):
    """The parcel of a return waiting for it arrived and was checked. Accepted: the return is
    ``received`` and its refund (RF…, the return's amount, to the original payment) is pending
    for finance. Refused (``refusal``: why): the return is closed without a refund
    (``cancelled``), a red remark says why, and she is told so, with a person to take it up if
    she disagrees."""

    METHOD: ClassVar[str] = "returns.receive"
    return_no: str = Field(pattern=RT_NUMBER)
    outcome: InspectionOutcome = "accepted"
    refusal: ReturnRefusal | None = Field(default=None, description="Refused: why.")
    note: str = Field(
        default="", max_length=200, description="What the check found, for the remark."
    )
    by: str = AUTHOR

    @model_validator(mode="after")
    def _refusal_with_refused(self) -> ReceiveReturn:
        if (self.outcome == "refused") != (self.refusal is not None):
            raise ValueError("a refusal reason goes with outcome 'refused', and only with it")
        return self


# ── refunds.issue ────────────────────────────────────────────────────────────────────────


class RefundIssued(Contract):
    kind: Literal["refund_issued"] = "refund_issued"
    refund_no: str
    return_no: str | None = Field(default=None, description="The return it refunds, if any.")
    order_no: str
    cause: RefundCause
    amount: Decimal
    issued_at: datetime
    order_closed: bool = Field(
        default=False, description="Every unit of the order is refunded now: the order closed."
    )


class IssueRefund(Command[RefundIssued | AfterSalesRefused]):
    """Finance paid a refund back to the original payment: the refund is ``issued``; a
    return's refund also makes its return ``refunded`` (its items no longer live), and an
    order whose every unit is refunded closes (DOMAIN: an order closes after a completed
    refund). ``amount``, when given, must be the refund's own (a typo is refused, not paid)."""

    METHOD: ClassVar[str] = "refunds.issue"
    number: str = Field(pattern=REFUND_NUMBER, description="RF… or the return's RT….")
    amount: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=2)
    by: str = AUTHOR


# ── exchanges.receive / exchanges.ship ───────────────────────────────────────────────────


class ExchangeStep(Contract):
    kind: Literal["exchange_step"] = "exchange_step"
    rma_no: str
    order_no: str
    state: ExchangeState
    courier: CourierCode | None = None
    tracking_no: str | None = None
    at: datetime


class ReceiveExchangeParcel(Command[ExchangeStep | AfterSalesRefused]):
    """The exchanged item came back: the exchange is ``received`` (its replacement, held since
    the exchange was made, is to ship)."""

    METHOD: ClassVar[str] = "exchanges.receive"
    rma_no: str = Field(pattern=RMA_NUMBER)
    by: str = AUTHOR


class ShipExchange(Command[ExchangeStep | AfterSalesRefused]):
    """The replacement went out: the exchange is ``shipped`` with its courier and tracking
    number, and the unit held for it leaves the shop."""

    METHOD: ClassVar[str] = "exchanges.ship"
    rma_no: str = Field(pattern=RMA_NUMBER)
    courier: CourierCode = "default"
    tracking_no: str = Field(pattern=TRACKING_NUMBER)
    by: str = AUTHOR
