"""Many orders at once for the fault tests and the load benchmark, and waiting for consumers."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import select

from bus.contracts import CreateExchange
from tests.integration.conftest import Shop, create_order, exchange_request
from worker.db.models import Customer, Order, OrderItem
from worker.service import utcnow


async def many_orders(shop: Shop, count: int, *, stock: int) -> list[CreateExchange]:
    """One order of one item each (the same product, size M), every one with its own verified
    owner; the exchange to size L of each."""
    first = await create_order(shop, kind="regular", target_stock=stock)
    now = utcnow()
    async with shop.db.write() as session:
        variant_id = await session.scalar(
            select(OrderItem.variant_id).where(OrderItem.id == first.item_id)
        )
        customers = [
            Customer(
                name="测试",
                phone=f"1770000{n:04d}",
                telegram_user_id=9_100_000_000 + n,
                created_at=now,
            )
            for n in range(count - 1)
        ]
        session.add_all(customers)
        await session.flush()
        orders = []
        for n, customer in enumerate(customers):
            order = Order(
                order_no=f"KF{71000000 + n:08d}",
                customer_id=customer.id,
                state="shipped",
                created_at=now - timedelta(days=5),
                paid_at=now - timedelta(days=5),
                shipped_at=now - timedelta(days=4),
                delivered_at=now - timedelta(hours=3),
                total=Decimal(300),
                postage=Decimal(0),
                receiver_name="测试",
                receiver_phone=customer.phone,
                province="江苏",
                address="南京市玄武区测试路 1 号",
                courier="中通",
                tracking_no=f"76{n:012d}",
            )
            order.items.append(OrderItem(variant_id=variant_id, price=Decimal(300)))
            orders.append(order)
        session.add_all(orders)
        await session.flush()
        made = [(o.order_no, o.items[0].id, c) for o, c in zip(orders, customers, strict=True)]
    requests = [exchange_request(first, idempotency_key=f"k9-{uuid4().hex}")]
    for order_no, item_id, customer in made:
        requests.append(
            CreateExchange(
                order_no=order_no,
                telegram_user_id=customer.telegram_user_id,
                item_id=item_id,
                new_size="L",
                fit_for_resale=True,
                idempotency_key=f"k9-{uuid4().hex}",
            )
        )
    return requests


async def wait_for_consumers(amqp_connection, queue: str, count: int) -> None:
    async with asyncio.timeout(60):
        while True:
            channel = await amqp_connection.channel()
            try:
                declared = await channel.declare_queue(queue, passive=True)
                if declared.declaration_result.consumer_count >= count:
                    return
            except Exception:
                pass
            finally:
                await channel.close()
            await asyncio.sleep(0.1)
