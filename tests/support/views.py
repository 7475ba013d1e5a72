"""Builders for the wire views tests hand to the bot (scripted worker replies)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bus.contracts import OrderView


def order_view(**fields: Any) -> OrderView:
    """A paid demo order KF20260001 of customer 1 (masked as the worker masks), with no items;
    ``fields`` change any field."""
    base: dict[str, Any] = dict(
        order_no="KF20260001",
        state="paid",
        created_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
        total=Decimal(79),
        postage=Decimal(0),
        items=[],
        receiver_name_masked="王**",
        phone_masked="139****0001",
        province="江苏",
        address_masked="南京市鼓楼区****",
    )
    base.update(fields)
    return OrderView(**base)
