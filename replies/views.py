"""Plain input models for the composite replies (order card, order list).

The bot converts the bus contracts into these, so that ``replies/`` never imports ``bus/``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from shop.enums import OrderState


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderItemView(_View):
    title: str
    size: str
    color: str
    quantity: int = Field(ge=1)
    price_yuan: Decimal = Field(ge=0)  # unit price


class OrderView(_View):
    order_no: str
    state: OrderState
    items: list[OrderItemView] = Field(default_factory=list)
    courier: str | None = None
    tracking_no: str | None = None
    created_at: datetime
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    delivered_at: datetime | None = None
    total: Decimal | None = Field(default=None, ge=0)
    """What the customer paid (items and postage); None: the items' sum."""
    postage: Decimal | None = Field(default=None, ge=0)
    dispatch_due_by: datetime | None = None
    """Not shipped yet: when it ships at the latest (the shop's promise)."""
    delivery_due_by: datetime | None = None
    """In transit: when it arrives at the latest (the courier's usual time)."""

    @property
    def total_yuan(self) -> Decimal:
        if self.total is not None:
            return self.total
        return sum((i.price_yuan * i.quantity for i in self.items), Decimal(0))
