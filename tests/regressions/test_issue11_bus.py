"""Issue 11, holes 3–5 on the bus: an idempotency key reused with another request returned
the first one's reply; a command published on a query route was executed; validation errors
echoed their input into logs and dead letters; "1" passed for an integer id and a 20-digit id
reached the database. Real broker, real worker, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from uuid import uuid4

import aio_pika
import pytest
from sqlalchemy import select

from bus.contracts import (
    AddressChanged,
    ChangeAddress,
    LookupOrder,
    OpenTicket,
    OrderFound,
    RemoteError,
    TicketOpened,
    TranscriptLine,
)
from bus.errors import BusRemoteError
from bus.rpc import SCHEMA_HEADER
from tests.integration.conftest import exchange_request
from worker.db.models import Order, ProcessedCommand, Ticket

pytestmark = pytest.mark.asyncio(loop_scope="session")
PHONE = "13912345678"


def ticket(chat: int, key: str, text: str) -> OpenTicket:
    return OpenTicket(
        idempotency_key=key,
        telegram_user_id=chat,
        chat_id=chat,
        reason="customer_asked",
        transcript=[TranscriptLine(role="customer", text=text, at=datetime.now(UTC))],
    )


async def dead_letter_count(amqp_connection, queue_name: str) -> int:
    channel = await amqp_connection.channel()
    try:
        queue = await channel.declare_queue(queue_name, passive=True)
        return queue.declaration_result.message_count
    finally:
        await channel.close()


async def take_dead_letters(amqp_connection, queue_name: str, expected: int):
    channel = await amqp_connection.channel()
    queue = await channel.get_queue(queue_name)
    found = []
    async with asyncio.timeout(10):
        while len(found) < expected:
            message = await queue.get(fail=False)
            if message is None:
                await asyncio.sleep(0.05)
                continue
            await message.ack()
            found.append(message)
    await channel.close()
    return found


async def test_a_key_reused_for_another_customers_ticket_is_refused_not_answered(
    shop, amqp_connection
):
    key = f"tg:1:{uuid4().hex}"
    first_chat, second_chat = (700_000_000 + uuid4().int % 10**8 for _ in range(2))
    request = ticket(first_chat, key, "我的衣服破了个洞")
    first = await shop.rpc.call(request)
    assert isinstance(first, TicketOpened)
    with pytest.raises(BusRemoteError) as conflict:
        await shop.rpc.call(ticket(second_chat, key, "快递一直没到"))
    assert conflict.value.code == "idempotency_conflict"
    assert first.ticket_no not in conflict.value.message
    # The second customer's own (fresh) key opens their own ticket.
    second = await shop.rpc.call(ticket(second_chat, f"tg:2:{uuid4().hex}", "快递一直没到"))
    assert isinstance(second, TicketOpened) and second.ticket_no != first.ticket_no
    # The same request again under its key is a redelivery: the same answer, nothing new.
    assert await shop.rpc.call(request) == first
    async with shop.db.read() as session:
        chats = [first_chat, second_chat]
        tickets = (await session.scalars(select(Ticket).where(Ticket.chat_id.in_(chats)))).all()
        stored = await session.get(ProcessedCommand, key)
    assert sorted(t.chat_id for t in tickets) == sorted([first_chat, second_chat])
    assert stored.request_hash and len(stored.request_hash) == 64
    # Refused, not broken: never retried as internal, never parked as a dead letter.
    await asyncio.sleep(0.3)
    topology = shop.worker.topology
    commands_dead = topology.dead_letter_queue(topology.commands_queue)
    assert await dead_letter_count(amqp_connection, commands_dead) == 0


async def test_a_key_reused_for_another_order_changes_nothing(shop, make_order):
    first = await make_order(state="paid", delivered_ago=None)
    second = await make_order(state="paid", delivered_ago=None, telegram_user_id=None)
    key = f"test-{uuid4().hex}"

    def change(order, user: int) -> ChangeAddress:
        return ChangeAddress(
            idempotency_key=key,
            order_no=order.order_no,
            telegram_user_id=user,
            province="上海",
            street="浦东新区世纪大道 100 号 8 楼",
        )

    assert isinstance(await shop.rpc.call(change(first, first.telegram_user_id)), AddressChanged)
    with pytest.raises(BusRemoteError) as conflict:
        await shop.rpc.call(change(second, second.telegram_user_id))
    assert conflict.value.code == "idempotency_conflict"
    async with shop.db.read() as session:
        saved = await session.scalar(select(Order).where(Order.order_no == second.order_no))
    assert saved.province == "江苏"


async def test_a_key_reused_on_another_method_is_a_conflict_not_an_internal_error(
    shop, make_order, amqp_connection
):
    order = await make_order(kind="custom", state="shipped")
    key = f"test-{uuid4().hex}"
    await shop.rpc.call(exchange_request(order, idempotency_key=key))
    with pytest.raises(BusRemoteError) as conflict:
        await shop.rpc.call(ticket(order.telegram_user_id, key, "我要找人工客服"))
    assert conflict.value.code == "idempotency_conflict"
    await asyncio.sleep(0.3)
    topology = shop.worker.topology
    commands_dead = topology.dead_letter_queue(topology.commands_queue)
    assert await dead_letter_count(amqp_connection, commands_dead) == 0


async def test_a_command_on_the_query_route_is_refused_not_executed(
    shop, make_order, amqp_connection
):
    order = await make_order(state="paid", delivered_ago=None)
    command = ChangeAddress(
        idempotency_key=f"test-{uuid4().hex}",
        order_no=order.order_no,
        telegram_user_id=order.telegram_user_id,
        province="上海",
        street="浦东新区世纪大道 100 号 8 楼",
    )
    topology = shop.worker.topology
    channel = await amqp_connection.channel()
    exchange = await channel.get_exchange(topology.rpc_exchange)
    # Routed as a query (to the transient queries queue), typed as the command.
    await exchange.publish(
        aio_pika.Message(
            command.model_dump_json().encode(),
            type=ChangeAddress.METHOD,
            headers={SCHEMA_HEADER: ChangeAddress.SCHEMA_VERSION},
            correlation_id="forged",
        ),
        routing_key=LookupOrder.METHOD,
    )
    # ...and a query pushed onto the commands queue.
    await exchange.publish(
        aio_pika.Message(
            LookupOrder(order_no=order.order_no, telegram_user_id=1).model_dump_json().encode(),
            type=LookupOrder.METHOD,
            correlation_id="forged-2",
        ),
        routing_key=ChangeAddress.METHOD,
    )
    await channel.close()
    [on_queries] = await take_dead_letters(
        amqp_connection, topology.dead_letter_queue(topology.queries_queue), 1
    )
    [on_commands] = await take_dead_letters(
        amqp_connection, topology.dead_letter_queue(topology.commands_queue), 1
    )
    assert on_queries.headers["x-kefu-error-code"] == "wrong_route"
    assert on_commands.headers["x-kefu-error-code"] == "wrong_route"
    async with shop.db.read() as session:
        saved = await session.scalar(select(Order).where(Order.order_no == order.order_no))
    assert saved.province == "江苏"  # not executed


async def test_strings_are_not_ids_and_huge_ids_are_bad_input_not_a_crash(
    shop, amqp_connection
):
    topology = shop.worker.topology
    queries_dead = topology.dead_letter_queue(topology.queries_queue)
    body = await shop.rpc.call_raw(
        "orders.lookup", b'{"order_no": "KF20260001", "telegram_user_id": "1"}'
    )
    error = RemoteError.model_validate_json(body)
    assert (error.code, error.message) == ("bad_request", "telegram_user_id: int_type")
    body = await shop.rpc.call_raw("products.get", b'{"product_id": 12345678901234567890}')
    error = RemoteError.model_validate_json(body)
    assert error.code == "bad_request" and error.message.startswith("product_id:")
    assert "1234567890" not in error.message
    await take_dead_letters(amqp_connection, queries_dead, 2)
    # The worker goes on serving.
    assert (await shop.rpc.call_raw("products.get", b'{"product_id": 1}')).startswith(b'{"kind"')


async def test_a_rejected_phone_never_reaches_a_log_or_a_dead_letter_reason(
    shop, amqp_connection, caplog
):
    caplog.set_level(logging.INFO)
    body = f'{{"telegram_user_id": 5, "phone": "+86 {PHONE} 转 8"}}'.encode()
    reply = RemoteError.model_validate_json(await shop.rpc.call_raw("customers.link", body))
    assert reply.code == "bad_request" and PHONE not in reply.message
    topology = shop.worker.topology
    [dead] = await take_dead_letters(
        amqp_connection, topology.dead_letter_queue(topology.queries_queue), 1
    )
    assert dead.headers["x-kefu-reason"] == "bad_request: phone: string_pattern_mismatch"
    assert all(PHONE not in record.getMessage() for record in caplog.records)


async def test_the_schema_header_is_compared_as_a_number(shop, make_order, amqp_connection):
    order = await make_order()
    topology = shop.worker.topology
    channel = await amqp_connection.channel()
    exchange = await channel.get_exchange(topology.rpc_exchange)
    request = LookupOrder(order_no=order.order_no, telegram_user_id=order.telegram_user_id)
    answers = {}
    reply_queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    for header in (str(LookupOrder.SCHEMA_VERSION), True):
        await exchange.publish(
            aio_pika.Message(
                request.model_dump_json().encode(),
                type=LookupOrder.METHOD,
                headers={SCHEMA_HEADER: header},
                correlation_id=repr(header),
                reply_to=reply_queue.name,
            ),
            routing_key=LookupOrder.METHOD,
        )
    async with asyncio.timeout(10):
        async with reply_queue.iterator() as replies:
            async for message in replies:
                await message.ack()
                answers[message.correlation_id] = message.body
                if len(answers) == 2:
                    break
    await channel.close()
    as_text = repr(str(LookupOrder.SCHEMA_VERSION))
    assert isinstance(OrderFound.model_validate_json(answers[as_text]), OrderFound)
    assert RemoteError.model_validate_json(answers["True"]).code == "unsupported_version"
    await take_dead_letters(amqp_connection, topology.dead_letter_queue(topology.queries_queue), 1)
