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
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from bus.contracts import ExchangeCreated, ExchangeRejected
from bus.errors import BusError
from bus.rpc import RpcClient
from bus.settings import BusSettings
from tests.integration.conftest import Shop, postgres_database
from tests.support.orders import many_orders, wait_for_consumers
from tests.support.processes import clean_env, spawn, stop_all
from tests.support.topology import drop, new_prefix
from worker import create_worker
from worker.db.models import Exchange, ProcessedCommand, Variant
from worker.settings import WorkerSettings

# kill -9 under load: run with the machine to itself
pytestmark = [
    pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(240), pytest.mark.exclusive
]

COMMANDS = 1000
STOCK = 700  # fewer units than commands: some are refused, and a unit is never given twice
IN_FLIGHT = 48


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_kill_9_a_worker_mid_stream_every_command_once(
    database, amqp_url, amqp_connection, tmp_path
):
    prefix = new_prefix()
    if database == "postgresql":
        name = f"kefu_test_{uuid4().hex[:12]}"
        url = await postgres_database(name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    settings = WorkerSettings(database_url=url, bus=BusSettings(amqp_url=amqp_url, prefix=prefix))
    setup = create_worker(settings)
    await setup.seed_demo()
    shop = Shop(setup, rpc=None)  # type: ignore[arg-type]
    requests = await many_orders(shop, COMMANDS, stock=STOCK)
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
        drop(prefix)  # the workers declared it (the run's end checks nothing is left)
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

