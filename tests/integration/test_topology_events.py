"""Topology from config (classic or quorum) and events published for whoever listens."""

import asyncio
from uuid import uuid4

import aio_pika
import aiohttp
import pytest

from bus.contracts import ExchangeCreated, ExchangeCreatedEvent, OpenTicket
from bus.topology import Topology
from tests.integration.conftest import exchange_request
from tests.support.topology import new_prefix

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_quorum_commands_queue_when_configured(amqp_connection, management_api):
    topology = Topology(prefix=new_prefix(), queue_type="quorum")
    channel = await amqp_connection.channel()
    try:
        await topology.declare_commands(channel)
        base, auth = management_api
        async with aiohttp.ClientSession(headers=auth) as http:
            async with http.get(f"{base}/queues/%2F/{topology.commands_queue}") as response:
                queue = await response.json()
        assert queue["type"] == "quorum"
        assert queue["arguments"]["x-delivery-limit"] == 5
        assert queue["arguments"]["x-dead-letter-exchange"] == topology.dead_letter_exchange
        assert queue["durable"] is True
    finally:
        await topology.delete(channel)
        await channel.close()


async def test_every_durable_queue_is_quorum_when_configured(amqp_connection, management_api):
    """KEFU_QUEUE_TYPE=quorum (docs/deploy.md): commands, the retry queue, the update
    partitions, the desk's, the notices' and ops' queues and every dead-letter queue are quorum
    queues; the queries queue stays classic and auto-delete (a query nobody serves comes back
    at once)."""
    topology = Topology(prefix=new_prefix(), queue_type="quorum", partitions=3)
    channel = await amqp_connection.channel()
    try:
        await topology.declare_queries(channel)
        await topology.declare_commands(channel)
        await topology.declare_retries(channel)
        await topology.declare_updates(channel)
        await topology.declare_desk(channel)
        await topology.declare_ops_events(channel)
        await topology.declare_staff_replies(channel)
        await topology.declare_notices(channel)
        base, auth = management_api
        async with aiohttp.ClientSession(headers=auth) as http:
            async with http.get(f"{base}/queues/%2F?name={topology.prefix}.") as response:
                listed = await response.json()
        types = {q["name"]: q["type"] for q in listed if q["name"].startswith(topology.prefix)}
        assert types.pop(topology.queries_queue) == "classic"
        assert set(types) == set(topology.queues) - {topology.queries_queue}
        assert set(types.values()) == {"quorum"}, types
        single = {q["name"]: q["arguments"] for q in listed if q["name"] in topology.update_queues}
        assert all(a.get("x-single-active-consumer") is True for a in single.values())
    finally:
        await topology.delete(channel)
        await channel.close()


async def test_exchange_created_and_ticket_events_reach_a_listener(
    shop, amqp_connection, make_order
):
    channel = await amqp_connection.channel()
    events = await channel.get_exchange(shop.worker.topology.events_exchange)
    listener = await channel.declare_queue(exclusive=True, auto_delete=True)
    await listener.bind(events, routing_key="exchange.*")
    await listener.bind(events, routing_key="ticket.#")

    order = await make_order(kind="custom")
    created = await shop.rpc.call(exchange_request(order, idempotency_key=f"event-{uuid4().hex}"))
    assert isinstance(created, ExchangeCreated)
    await shop.rpc.call(
        OpenTicket(
            idempotency_key=f"event-{uuid4().hex}",
            telegram_user_id=42,
            chat_id=42,
            reason="customer_asked",
        )
    )
    received = {}
    async with asyncio.timeout(10):
        while len(received) < 2:
            message = await listener.get(fail=False)
            if message is None:
                await asyncio.sleep(0.05)
                continue
            await message.ack()
            received[message.routing_key] = message
    event = ExchangeCreatedEvent.model_validate_json(received["exchange.created"].body)
    assert event.exchange == created.exchange
    assert received["exchange.created"].delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert b'"chat_id":42' in received["ticket.opened"].body
    await channel.close()


async def test_the_customers_jobs_are_announced_without_personal_data(
    shop, amqp_connection, make_order
):
    from datetime import timedelta

    from bus.contracts import (
        AddOrderNote,
        CancelOrder,
        CreateReturn,
        ModifyItem,
        OrderNoteAddedEvent,
        RequestCourier,
        RequestInvoice,
        ReturnCreatedEvent,
        ReturnLine,
        UrgeOrder,
    )

    channel = await amqp_connection.channel()
    events = await channel.get_exchange(shop.worker.topology.events_exchange)
    listener = await channel.declare_queue(exclusive=True, auto_delete=True)
    for key in ("return.#", "order.#", "invoice.#"):
        await listener.bind(events, routing_key=key)

    def command(kind, order, **fields):
        return kind(
            idempotency_key=f"event-{uuid4().hex}",
            order_no=order.order_no,
            telegram_user_id=order.telegram_user_id,
            **fields,
        )

    delivered = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    returned = await shop.rpc.call(
        command(CreateReturn, delivered, items=[ReturnLine(item_id=delivered.item_id)],
                cause="size", fit_for_resale=True)
    )
    await shop.rpc.call(
        command(RequestInvoice, delivered, title_type="personal", title="张三丰")
    )
    unshipped = await make_order(kind="regular", state="paid", delivered_ago=None)
    await shop.rpc.call(command(ModifyItem, unshipped, item_id=unshipped.item_id, new_size="L"))
    await shop.rpc.call(command(RequestCourier, unshipped, courier="sf"))
    await shop.rpc.call(command(UrgeOrder, unshipped))
    # a note, as the other order commands: published (the words never: they may hold a phone)
    await shop.rpc.call(command(AddOrderNote, unshipped, text="是礼物 放快递柜 打13911112222"))
    await shop.rpc.call(command(CancelOrder, unshipped))
    expected = {
        "return.created",
        "invoice.requested",
        "order.item_modified",
        "order.courier_requested",
        "order.urged",
        "order.note_added",
        "order.cancelled",
    }
    received = {}
    async with asyncio.timeout(10):
        while set(received) != expected:
            message = await listener.get(fail=False)
            if message is None:
                await asyncio.sleep(0.05)
                continue
            await message.ack()
            received[message.routing_key] = message
    event = ReturnCreatedEvent.model_validate_json(received["return.created"].body)
    assert event.record == returned.record
    noted = OrderNoteAddedEvent.model_validate_json(received["order.note_added"].body)
    assert (noted.order_no, noted.flag) == (unshipped.order_no, "red")
    for message in received.values():
        body = message.body.decode()
        assert delivered.phone not in body and unshipped.phone not in body
        assert "测试路" not in body and "张三丰" not in body
        assert "13911112222" not in body and "快递柜" not in body
    await channel.close()
