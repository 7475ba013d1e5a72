"""Invoice requests (开发票): recorded with their title and tax number, for the shop's finance
to issue; never a promise the bot makes without a record."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from bus.contracts.base import LAST4_PATTERN, ORDER_NO_PATTERN, Command, Contract, TelegramUserId
from bus.contracts.orders import ContactRequired, OrderNotFound, Throttled
from shop.enums import InvoiceRefusal, InvoiceState, InvoiceTitleType, TaxNoProblem


class InvoiceView(Contract):
    invoice_no: str
    order_no: str
    title_type: InvoiceTitleType
    title: str
    tax_no_masked: str | None = Field(
        default=None, description="The tax number's last four characters only."
    )
    state: InvoiceState
    requested_at: datetime


class InvoiceRequested(Contract):
    kind: Literal["invoice_requested"] = "invoice_requested"
    invoice: InvoiceView


class InvoiceRefused(Contract):
    kind: Literal["invoice_refused"] = "invoice_refused"
    reasons: list[InvoiceRefusal]
    existing_invoice_no: str | None = Field(
        default=None, description="already_requested: the request on record."
    )
    tax_no_problem: TaxNoProblem | None = Field(
        default=None,
        description="tax_no_invalid: what is wrong with the number (its length, a character, "
        "its check character). None whenever the number is not among the reasons: a valid "
        "number is never blamed for a refusal.",
    )


class RequestInvoice(
    Command[InvoiceRequested | InvoiceRefused | OrderNotFound | Throttled | ContactRequired]
):
    """Record an invoice request for a paid order: a person's name (personal) or a company's
    name with its taxpayer number (company). One request per order; a change goes to a person."""

    METHOD: ClassVar[str] = "invoices.request"
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    title_type: InvoiceTitleType
    title: str = Field(min_length=2, max_length=100)
    tax_no: str | None = Field(default=None, pattern=r"^[0-9A-Za-z]{15,20}$")
    own_name: bool = Field(
        default=False,
        description="personal: she asked for her own name on it (\"put it under my name\", "
        "\"写我名字\"): the title is the name the shop has for her, ``title`` only where it "
        "has none.",
    )

    @model_validator(mode="after")
    def _company_has_tax_no(self) -> RequestInvoice:
        if self.title_type == "company" and self.tax_no is None:
            raise ValueError("a company invoice needs tax_no")
        return self
