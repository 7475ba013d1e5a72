"""Customers: linking a Telegram user to the customer with a verified phone."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from bus.contracts.base import PHONE_PATTERN, Contract, Request, TelegramUserId


class CustomerLinked(Contract):
    kind: Literal["linked"] = "linked"
    customer_id: int
    display_name: str


class CustomerUnknown(Contract):
    kind: Literal["unknown"] = "unknown"


class LinkCustomer(Request[CustomerLinked | CustomerUnknown]):
    """Bind a Telegram user to the customer with this phone. The caller vouches that the
    contact was verified as the sender's own."""

    METHOD: ClassVar[str] = "customers.link"
    telegram_user_id: TelegramUserId
    phone: str = Field(pattern=PHONE_PATTERN)
