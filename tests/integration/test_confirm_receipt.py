"""``orders.confirm_receipt`` on the bus against the real worker: a shipped order completed
once (a redelivered command answers as before, a second one ``already``), the owner only,
nothing to confirm before shipping or once closed."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select

from bus.contracts import (
    ConfirmReceipt,
    ContactRequired,
    OrderNotFound,
    ReceiptConfirmed,
    ReceiptRefused,
)
from worker.db.models import Order, Remark

pytestmark = pytest.mark.asyncio(loop_scope="session")


def confirm(order, *, key: str | None = None, **fields) -> ConfirmReceipt:
    base = dict(
        idempotency_key=key or f"test-{uuid4().hex}",
        order_no=order.order_no,
        telegram_user_id=order.telegram_user_id,
    )
    base.update(fields)
    return ConfirmReceipt(**base)


async def db_order(shop, order_no: str) -> Order:
    async with shop.db.read() as session:
        return await session.scalar(select(Order).where(Order.order_no == order_no))


async def remarks(shop, order_no: str) -> list[Remark]:
    async with shop.db.read() as session:
        found = await session.scalars(select(Remark).join(Order).where(Order.order_no == order_no))
        return list(found.all())


async def test_a_parcel_on_its_way_is_confirmed_once(shop, make_order) -> None:
    order = await make_order(kind="regular", state="shipped", delivered_ago=None)
    request = confirm(order)
    first = await shop.rpc.call(request)
    assert isinstance(first, ReceiptConfirmed) and not first.already
    assert first.order.state == "completed" and first.order.delivered_at is not None
    row = await db_order(shop, order.order_no)
    assert row.state == "completed" and row.completed_at is not None
    # redelivered (the same key): the stored reply, nothing written twice
    again = await shop.rpc.call(request)
    assert again == first
    # asked again (a new key): already confirmed, nothing written
    later = await shop.rpc.call(confirm(order))
    assert isinstance(later, ReceiptConfirmed) and later.already
    [remark] = await remarks(shop, order.order_no)
    assert "确认收货" in remark.content and remark.flag == "blue"


async def test_a_delivered_order_keeps_its_delivery_time(shop, make_order) -> None:
    order = await make_order(kind="regular", state="shipped", delivered_ago=timedelta(days=2))
    before = (await db_order(shop, order.order_no)).delivered_at
    reply = await shop.rpc.call(confirm(order))
    assert isinstance(reply, ReceiptConfirmed)
    assert (await db_order(shop, order.order_no)).delivered_at == before


async def test_only_her_own_order_and_only_once_shipped(shop, make_order) -> None:
    order = await make_order(kind="regular", state="shipped", delivered_ago=None)
    stranger = await shop.rpc.call(confirm(order, telegram_user_id=order.telegram_user_id + 1))
    assert isinstance(stranger, OrderNotFound)
    by_digits = await shop.rpc.call(
        confirm(order, telegram_user_id=order.telegram_user_id + 1, phone_last4=order.phone[-4:])
    )
    assert isinstance(by_digits, ContactRequired)  # digits read an order, never change it
    assert (await db_order(shop, order.order_no)).state == "shipped"
    paid = await make_order(kind="regular", state="paid", delivered_ago=None)
    assert await shop.rpc.call(confirm(paid)) == ReceiptRefused(reason="not_shipped")
    closed = await make_order(kind="regular", state="closed", delivered_ago=None)
    assert await shop.rpc.call(confirm(closed)) == ReceiptRefused(reason="order_closed")
