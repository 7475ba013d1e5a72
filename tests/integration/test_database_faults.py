"""The worker's database locked or gone (issue 12): clear answers at once, nothing half
written, and every command kept and applied exactly once when the database is back.

- SQLite locked by another process past the busy timeout: commands are answered ``deferred``
  (the caller gets ``BusDeferred``, an accepted command) and retried from the retry queue;
  look-ups keep working meanwhile (WAL readers never wait for the writer).
- PostgreSQL gone (the worker reaches it through a proxy on loopback that is cut, then opened
  again on the same port): look-ups answer ``unavailable`` (``BusUnavailable``) within seconds,
  commands are ``deferred``; commands cut in the middle of their transactions leave nothing
  behind; after it is back every command is applied once and stock adds up.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bus.contracts import ExchangeCreated, ExchangeRejected, LookupOrder, OrderFound
from bus.errors import BusDeferred, BusUnavailable
from tests.integration.conftest import (
    create_order,
    exchange_request,
    postgres_database,
    start_shop,
    stop_shop,
)
from tests.support.tls import tcp_proxy
from worker.db.models import Exchange, ProcessedCommand, Variant

# kill -9, timeouts and a concurrency bound under load: run with the machine to itself
pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.exclusive]

FAST_RETRY = {"retry_delay_s": 0.5, "retry_for_s": 120}


async def exchanges_of(shop, item_ids) -> int:
    async with shop.db.read() as session:
        return await session.scalar(
            select(func.count(Exchange.id)).where(Exchange.order_item_id.in_(item_ids))
        )


async def call_until_applied(shop, command, within: float = 60.0):
    """The customer's retry with the same key, until it is answered."""
    async with asyncio.timeout(within):
        while True:
            try:
                return await shop.rpc.call(command, deadline=10)
            except (BusDeferred, BusUnavailable):
                await asyncio.sleep(0.3)


async def test_sqlite_locked_commands_are_deferred_then_applied_once(
    amqp_url, amqp_connection, tmp_path
):
    shop = await start_shop(amqp_url, tmp_path, sqlite_busy_timeout_s=0.3, **FAST_RETRY)
    try:
        orders = [await create_order(shop, kind="regular") for _ in range(4)]
        commands = [exchange_request(o, idempotency_key=f"lock-{uuid4().hex}") for o in orders]
        path = make_url(shop.worker.settings.database_url).database
        holder = sqlite3.connect(path, isolation_level=None, timeout=5)
        holder.execute("BEGIN IMMEDIATE")  # another process writing, for a long time
        try:
            for command in commands:
                with pytest.raises(BusDeferred) as deferred:
                    await shop.rpc.call(command, deadline=10)
                assert deferred.value.accepted
            # Reads go on: WAL readers never wait for a writer.
            found = await shop.rpc.call(
                LookupOrder(
                    order_no=orders[0].order_no,
                    telegram_user_id=orders[0].telegram_user_id,
                )
            )
            assert isinstance(found, OrderFound)
            await asyncio.sleep(1.0)  # the commands come back from the retry queue, still locked
            assert await exchanges_of(shop, [o.item_id for o in orders]) == 0
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        # Applied by the worker's own retries; the customers' retries get the same answers.
        replies = [await call_until_applied(shop, command) for command in commands]
        assert all(isinstance(r, ExchangeCreated) for r in replies)
        assert await exchanges_of(shop, [o.item_id for o in orders]) == 4
        async with shop.db.read() as session:
            done = await session.scalar(
                select(func.count()).where(
                    ProcessedCommand.key.in_([c.idempotency_key for c in commands])
                )
            )
        assert done == 4
    finally:
        await stop_shop(shop, amqp_connection)


async def test_postgresql_gone_answers_unavailable_defers_commands_and_loses_nothing(
    amqp_url, amqp_connection, tmp_path
):
    name = f"kefu_test_{uuid4().hex[:12]}"
    direct = await postgres_database(name)
    upstream = make_url(direct).port
    async with contextlib.AsyncExitStack() as stack:
        proxy = await stack.enter_async_context(tcp_proxy(upstream))
        via_proxy = make_url(direct).set(port=proxy.port).render_as_string(hide_password=False)
        shop = await start_shop(amqp_url, tmp_path, database_url=via_proxy, **FAST_RETRY)
        try:
            first = await create_order(
                shop, kind="regular", target_stock=30, delivered_ago=timedelta(hours=3)
            )
            orders = [first] + [
                await create_order(shop, kind="regular", product_id=first.product_id)
                for _ in range(39)
            ]
            commands = [
                exchange_request(o, idempotency_key=f"pg-{uuid4().hex}") for o in orders
            ]
            # 40 commands in flight, the database cut in the middle of them.
            pending = [
                asyncio.ensure_future(shop.rpc.call(c, deadline=20)) for c in commands[:20]
            ]
            await asyncio.sleep(0.05)
            assert proxy.stop is not None
            await proxy.stop()
            pending += [
                asyncio.ensure_future(shop.rpc.call(c, deadline=20)) for c in commands[20:]
            ]
            outcomes = await asyncio.gather(*pending, return_exceptions=True)
            assert all(
                isinstance(o, ExchangeCreated | ExchangeRejected | BusDeferred) for o in outcomes
            ), [type(o).__name__ for o in outcomes]
            assert any(isinstance(o, BusDeferred) for o in outcomes)
            # A look-up says "unavailable" at once, not at its deadline.
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(BusUnavailable):
                await shop.rpc.call(
                    LookupOrder(order_no=first.order_no, telegram_user_id=1), deadline=20
                )
            assert loop.time() - started < 8
            await asyncio.sleep(1.5)  # a few retries fail while it is away
            # Back, on the same address.
            await stack.enter_async_context(tcp_proxy(upstream, port=proxy.port))
            replies = [await call_until_applied(shop, command) for command in commands]
        finally:
            await stop_shop(shop, amqp_connection)
    # Checked straight on the server: every command once, and the stock adds up.
    check = await start_shop(amqp_url, tmp_path / "check", database_url=direct)
    try:
        created = [r for r in replies if isinstance(r, ExchangeCreated)]
        rejected = [r for r in replies if isinstance(r, ExchangeRejected)]
        assert len(created) == 30 and len(rejected) == 10
        assert all(r.reasons == ["out_of_stock"] for r in rejected)
        assert len({r.exchange.rma_no for r in created}) == 30
        assert await exchanges_of(check, [o.item_id for o in orders]) == 30
        async with check.db.read() as session:
            target = await session.scalar(
                select(Variant).where(Variant.sku == created[0].exchange.new_sku)
            )
            done = await session.scalar(
                select(func.count()).where(
                    ProcessedCommand.key.in_([c.idempotency_key for c in commands])
                )
            )
        assert (target.stock, target.held) == (0, 30)
        assert done == 40
        # The answers the customers got are the ones stored with the commands.
        again = await asyncio.gather(*(check.rpc.call(c) for c in commands))
        assert again == replies
    finally:
        await stop_shop(check, amqp_connection)
        await postgres_database(name, drop=True)
