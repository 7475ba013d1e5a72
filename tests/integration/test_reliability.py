"""Concurrency, redelivery and poison messages: the bus and the worker under bad conditions."""

import asyncio
from datetime import timedelta
from uuid import uuid4

import aio_pika
import pytest
from sqlalchemy import func, select

from bus.contracts import (
    CreateExchange,
    ExchangeCreated,
    ExchangeRejected,
    LookupOrder,
    OrderFound,
    OrderNotFound,
    RemoteError,
)
from bus.errors import BusRemoteError, BusTimeout, BusUnavailable
from bus.rpc import RpcClient
from bus.topology import Topology
from tests.integration.conftest import exchange_request
from tests.support.topology import drop, new_prefix
from worker.db.models import Exchange, ProcessedCommand, Variant

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_fifty_concurrent_exchanges_for_three_units_make_exactly_three(shop, make_order):
    first = await make_order(kind="regular", target_stock=3, delivered_ago=timedelta(hours=3))
    orders = [first] + [
        await make_order(kind="regular", product_id=first.product_id) for _ in range(49)
    ]
    replies = await asyncio.gather(
        *(shop.rpc.call(exchange_request(o, idempotency_key=f"race-{uuid4().hex}")) for o in orders)
    )
    created = [r for r in replies if isinstance(r, ExchangeCreated)]
    rejected = [r for r in replies if isinstance(r, ExchangeRejected)]
    assert len(created) == 3
    assert len(rejected) == 47
    assert all(r.reasons == ["out_of_stock"] for r in rejected)
    assert len({c.exchange.rma_no for c in created}) == 3
    async with shop.db.read() as session:
        target = await session.scalar(
            select(Variant).where(Variant.sku == created[0].exchange.new_sku)
        )
    assert (target.stock, target.held) == (0, 3)


async def test_same_command_sent_twice_makes_one_exchange(shop, make_order):
    order = await make_order(kind="custom")
    command = exchange_request(order, idempotency_key=f"twice-{uuid4().hex}")
    first, second = await asyncio.gather(shop.rpc.call(command), shop.rpc.call(command))
    third = await shop.rpc.call(command)
    assert isinstance(first, ExchangeCreated)
    assert first == second == third
    async with shop.db.read() as session:
        count = await session.scalar(
            select(func.count(Exchange.id)).where(Exchange.order_item_id == order.item_id)
        )
    assert count == 1


async def test_redelivery_after_commit_does_not_apply_twice(shop, make_order, monkeypatch):
    """The worker commits, then dies before its ack: the broker redelivers the command."""
    order = await make_order(kind="custom", target_stock=5)
    original = shop.worker.service.create_exchange
    calls = []

    async def commit_then_crash(request):
        reply = await original(request)
        calls.append(reply)
        if len(calls) == 1:
            raise RuntimeError("the worker failed after its commit, before the ack")
        return reply

    server = shop.worker._server
    crashing = server._handlers.replacing(CreateExchange.served_by(commit_then_crash))
    monkeypatch.setattr(server, "_handlers", crashing)
    reply = await shop.rpc.call(exchange_request(order, idempotency_key=f"redeliver-{uuid4().hex}"))
    assert len(calls) == 2, "the command should have been delivered twice"
    assert isinstance(reply, ExchangeCreated)
    assert calls[0] == calls[1] == reply
    async with shop.db.read() as session:
        count = await session.scalar(
            select(func.count(Exchange.id)).where(Exchange.order_item_id == order.item_id)
        )
        target = await session.scalar(select(Variant).where(Variant.sku == reply.exchange.new_sku))
    assert count == 1
    assert (target.stock, target.held) == (4, 1)


async def dead_letters(amqp_connection, queue_name, expected, within=10.0):
    channel = await amqp_connection.channel()
    queue = await channel.get_queue(queue_name)
    found = []
    async with asyncio.timeout(within):
        while len(found) < expected:
            message = await queue.get(fail=False)
            if message is None:
                await asyncio.sleep(0.05)
                continue
            await message.ack()
            found.append(message)
    await channel.close()
    return found


@pytest.mark.parametrize(
    ("method", "body", "headers", "code"),
    [
        ("orders.lookup", b"\x00\xffnot json at all", {}, "bad_request"),
        ("orders.lookup", b'{"order_no": "KF1", "telegram_user_id": "x"}', {}, "bad_request"),
        ("exchanges.create", b'{"order_no": "KF20260001"}', {}, "bad_request"),
        (
            "orders.lookup",
            b'{"order_no": "KF20260001", "telegram_user_id": 1}',
            {"x-kefu-schema": 99},
            "unsupported_version",
        ),
    ],
)
async def test_poison_message_goes_to_dead_letters_and_worker_keeps_serving(
    shop, amqp_connection, make_order, method, body, headers, code
):
    topology = shop.worker.topology
    source = topology.commands_queue if method == "exchanges.create" else topology.queries_queue
    channel = await amqp_connection.channel()
    exchange = await channel.get_exchange(topology.rpc_exchange)
    await exchange.publish(
        aio_pika.Message(body, type=method, headers=headers, correlation_id="poison"),
        routing_key=method,
    )
    await channel.close()
    [dead] = await dead_letters(amqp_connection, topology.dead_letter_queue(source), 1)
    assert dead.body == body
    assert dead.headers["x-kefu-error-code"] == code
    assert dead.headers["x-kefu-reason"].startswith(code)
    assert dead.headers["x-kefu-method"] == method
    # ...and the worker goes on answering.
    order = await make_order()
    reply = await shop.rpc.call(
        LookupOrder(order_no=order.order_no, telegram_user_id=9, phone_last4=order.phone[-4:])
    )
    assert isinstance(reply, OrderFound)


async def test_caller_gets_bad_request_naming_the_field(shop, amqp_connection):
    body = await shop.rpc.call_raw("orders.lookup", b'{"order_no": 12}')
    error = RemoteError.model_validate_json(body)
    assert error.code == "bad_request"
    assert "order_no" in error.message and "telegram_user_id" in error.message
    topology = shop.worker.topology
    await dead_letters(amqp_connection, topology.dead_letter_queue(topology.queries_queue), 1)


async def test_handler_crash_on_a_query_answers_internal_error_and_dead_letters(
    shop, amqp_connection, monkeypatch
):
    async def broken(request):
        raise RuntimeError("database on fire")

    server = shop.worker._server
    monkeypatch.setattr(
        server, "_handlers", server._handlers.replacing(LookupOrder.served_by(broken))
    )
    with pytest.raises(BusRemoteError) as error:
        await shop.rpc.call(LookupOrder(order_no="KF20260001", telegram_user_id=1))
    assert error.value.code == "internal"
    assert "fire" not in error.value.message  # internals stay in the worker's log
    topology = shop.worker.topology
    [dead] = await dead_letters(
        amqp_connection, topology.dead_letter_queue(topology.queries_queue), 1
    )
    assert dead.headers["x-kefu-error-code"] == "internal"


async def test_no_worker_fails_fast_as_unavailable(amqp_url):
    prefix = new_prefix()
    client = RpcClient(amqp_url, timeout=5, topology=Topology(prefix=prefix))
    await client.connect(wait=10)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(BusUnavailable):
        await client.call(LookupOrder(order_no="KF20260001", telegram_user_id=1))
    assert loop.time() - started < 2.5, "should not wait for the deadline"
    await client.close()
    drop(prefix)  # the client's reply exchange (the run's end checks nothing is left)


async def test_broker_absent_fails_as_unavailable_without_raising_on_connect():
    client = RpcClient("amqp://guest:guest@127.0.0.1:1/", timeout=1)
    await client.connect(wait=0.5)
    assert not client.connected
    with pytest.raises(BusUnavailable):
        await client.call(LookupOrder(order_no="KF20260001", telegram_user_id=1))
    await client.close()


async def test_processed_commands_record_every_applied_command(shop, make_order):
    order = await make_order(kind="custom")
    key = f"record-{uuid4().hex}"
    reply = await shop.rpc.call(exchange_request(order, idempotency_key=key))
    async with shop.db.read() as session:
        row = await session.get(ProcessedCommand, key)
    assert row is not None and row.method == "exchanges.create"
    assert ExchangeCreated.model_validate_json(row.reply) == reply
    # A refused command is a reply too, and is remembered the same way.
    refused_key = f"record-{uuid4().hex}"
    missing = await shop.rpc.call(
        exchange_request(order, idempotency_key=refused_key, order_no="KF99999998")
    )
    assert isinstance(missing, OrderNotFound)
    async with shop.db.read() as session:
        row = await session.get(ProcessedCommand, refused_key)
    assert row is not None and OrderNotFound.model_validate_json(row.reply) == missing


async def test_command_timing_out_without_a_worker_is_accepted_and_applied_later(shop, make_order):
    """A confirmed command outlives its caller's deadline: it waits in the durable queue and
    is applied, once, when a worker comes back; a query in the same situation is not."""
    order = await make_order(kind="custom")
    await shop.worker.stop()
    try:
        command = exchange_request(order, idempotency_key=f"later-{uuid4().hex}")
        with pytest.raises(BusTimeout) as timeout:
            await shop.rpc.call(command, deadline=1.0)
        assert timeout.value.accepted
        with pytest.raises(BusUnavailable):  # queries have no queue without a worker
            await shop.rpc.call(LookupOrder(order_no=order.order_no, telegram_user_id=1))
    finally:
        await shop.worker.start()
    again = await shop.rpc.call(command)  # the retry answers what the queued one did
    assert isinstance(again, ExchangeCreated)
    async with shop.db.read() as session:
        count = await session.scalar(
            select(func.count(Exchange.id)).where(Exchange.order_item_id == order.item_id)
        )
    assert count == 1


@pytest.mark.parametrize("method", ["orders.lookup", "exchanges.create"])
async def test_oversized_message_is_dead_lettered_unparsed_with_its_size(
    shop, amqp_connection, make_order, method
):
    limit = shop.worker.settings.bus.max_message_bytes
    body = b'{"order_no": "' + b"9" * (limit + 10) + b'"}'
    error = RemoteError.model_validate_json(await shop.rpc.call_raw(method, body, deadline=30))
    assert error.code == "too_large"
    assert f"{len(body)} bytes" in error.message and str(limit) in error.message
    topology = shop.worker.topology
    source = topology.commands_queue if method == "exchanges.create" else topology.queries_queue
    [dead] = await dead_letters(amqp_connection, topology.dead_letter_queue(source), 1)
    assert len(dead.body) == len(body)
    assert dead.headers["x-kefu-error-code"] == "too_large"
    assert dead.headers["x-kefu-reason"].startswith(f"too_large: {method}: {len(body)} bytes")
    # The consumer carries on.
    order = await make_order()
    reply = await shop.rpc.call(
        LookupOrder(order_no=order.order_no, telegram_user_id=9, phone_last4=order.phone[-4:])
    )
    assert isinstance(reply, OrderFound)
