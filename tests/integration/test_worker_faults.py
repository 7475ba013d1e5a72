"""kill -9 a worker in the middle of 1,000 ``exchanges.create`` commands with a second worker
running (issue 12): every command is applied exactly once, the stock adds up, and every
caller gets its answer (a caller whose call failed or timed out retries with the same key, as
the bot does, and gets the answer the command was applied with).

Both workers are real ``python -m worker`` processes on one database (SQLite: two processes
sharing the file; PostgreSQL: the production setup), competing for the commands queue.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from bus.contracts import CreateExchange, ExchangeCreated, ExchangeRejected
from bus.errors import BusError
from bus.rpc import RpcClient
from bus.settings import BusSettings
from tests.integration.conftest import Shop, create_order, exchange_request, postgres_database
from tests.support.processes import clean_env, spawn, stop_all
from worker import create_worker
from worker.db.models import Customer, Exchange, Order, OrderItem, ProcessedCommand, Variant
from worker.service import utcnow
from worker.settings import WorkerSettings

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240)]

COMMANDS = 1000
STOCK = 700  # fewer units than commands: some are refused, and a unit is never given twice
IN_FLIGHT = 48


async def many_orders(shop: Shop, count: int) -> list[CreateExchange]:
    """One order of one item each (the same product, size M), every one with its own verified
    owner; the exchange to size L of each."""
    first = await create_order(shop, kind="regular", target_stock=STOCK)
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


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_kill_9_a_worker_mid_stream_every_command_once(
    database, amqp_url, amqp_connection, tmp_path
):
    prefix = f"t{uuid4().hex[:12]}"
    if database == "postgresql":
        name = f"kefu_test_{uuid4().hex[:12]}"
        url = await postgres_database(name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    settings = WorkerSettings(database_url=url, bus=BusSettings(amqp_url=amqp_url, prefix=prefix))
    setup = create_worker(settings)
    await setup.seed_demo()
    shop = Shop(setup, rpc=None)  # type: ignore[arg-type]
    requests = await many_orders(shop, COMMANDS)
    env = clean_env(
        DATABASE_URL=url, AMQP_URL=amqp_url, KEFU_BUS_PREFIX=prefix, WORKER_PREFETCH="16"
    )
    workers = [
        await spawn(f"worker-{n}", ["-m", "worker", "--log-level", "INFO"], env, tmp_path)
        for n in range(2)
    ]
    rpc = RpcClient(amqp_url, timeout=5, topology=settings.bus.topology)
    answers: dict[str, object] = {}
    attempts: Counter[str] = Counter()
    try:
        await wait_for_consumers(amqp_connection, settings.bus.topology.commands_queue, 2)
        await rpc.connect(wait=10)
        killed = asyncio.Event()
        todo = iter(requests)

        async def customer(deadline: float) -> None:
            for request in todo:
                while True:  # the bot keeps the key and asks again until it has an answer
                    attempts[request.idempotency_key] += 1
                    try:
                        answers[request.idempotency_key] = await rpc.call(
                            request, deadline=deadline
                        )
                        break
                    except BusError:
                        await asyncio.sleep(0.2)
                if len(answers) == COMMANDS // 3 and not killed.is_set():
                    workers[0].kill()  # mid-stream: it holds up to 16 unacked commands
                    killed.set()

        # Half the callers are impatient (they time out under load and ask again).
        await asyncio.gather(*(customer(1.0 if n % 2 else 8.0) for n in range(IN_FLIGHT)))
        assert killed.is_set() and not workers[0].alive and workers[1].alive, workers[1].tail()
    finally:
        await rpc.close()
        await stop_all(workers)
    survivor = workers[1].log.read_text()
    # The kill hit commands in flight: the broker gave them to the other worker.
    redelivered = survivor.count("redelivered exchanges.create")
    assert redelivered >= 1, "the killed worker held no command: the test proved nothing"

    assert len(answers) == COMMANDS
    created = {k: a for k, a in answers.items() if isinstance(a, ExchangeCreated)}
    refused = {k: a for k, a in answers.items() if isinstance(a, ExchangeRejected)}
    assert len(created) == STOCK and len(refused) == COMMANDS - STOCK, Counter(
        type(a).__name__ for a in answers.values()
    )
    assert all(a.reasons == ["out_of_stock"] for a in refused.values())
    assert len({a.exchange.rma_no for a in created.values()}) == STOCK
    async with setup.db.read() as session:
        exchanges = await session.scalar(select(func.count(Exchange.id)))
        stored = {
            row.key: row.reply
            for row in (
                await session.scalars(
                    select(ProcessedCommand).where(ProcessedCommand.key.in_(list(answers)))
                )
            ).all()
        }
        target = await session.scalar(
            select(Variant).where(Variant.sku == next(iter(created.values())).exchange.new_sku)
        )
    # Applied exactly once each: one processed row per key, one exchange per created answer,
    # one unit held per exchange, none given twice; and each caller got the stored answer.
    assert exchanges == STOCK
    assert len(stored) == COMMANDS
    assert (target.stock, target.held) == (0, STOCK)
    for key, answer in answers.items():
        assert type(answer).model_validate_json(stored[key]) == answer
    print(
        f"\n{database}: {COMMANDS} commands, {redelivered} redelivered to the survivor, "
        f"{sum(attempts.values()) - COMMANDS} calls asked again, "
        f"{sum(1 for n in attempts.values() if n > 1)} commands asked more than once"
    )
    await setup.db.dispose()
    if database == "postgresql":
        await postgres_database(name, drop=True)

