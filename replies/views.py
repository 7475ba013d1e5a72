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

    @property
    def total_yuan(self) -> Decimal:
        return sum((i.price_yuan * i.quantity for i in self.items), Decimal(0))
