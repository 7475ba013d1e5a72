"""bus.events.EventConsumer on the real broker: competing consumers share a durable queue, an
event is acked only after its handler, a bad event is dead-lettered with its reason, a failing
handler is retried and then dead-lettered, and a consumer that goes away mid-event leaves it to
the other one."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import aio_pika
import pytest

from bus.contracts import TicketOpenedEvent
from bus.events import EventConsumer
from bus.rpc import REASON_HEADER
from bus.topology import Topology
from tests.support.topology import new_prefix

pytestmark = pytest.mark.asyncio(loop_scope="session")


def event(n: int) -> TicketOpenedEvent:
    return TicketOpenedEvent(
        occurred_at=datetime.now(UTC),
        ticket_no=f"T20261201{n:05d}",
        telegram_user_id=n,
        chat_id=n,
        reason="customer_asked",
    )


@pytest.fixture
async def topology(amqp_connection):
    topo = Topology(prefix=new_prefix())
    yield topo
    channel = await amqp_connection.channel()
    await topo.delete(channel)
    await channel.close()


async def publish(amqp_connection, topology: Topology, *bodies: tuple[str, bytes]) -> None:
    channel = await amqp_connection.channel(publisher_confirms=True)
    _, events, _ = await topology.declare_exchanges(channel)
    await topology.declare_desk(channel)
    for routing_key, body in bodies:
        await events.publish(
            aio_pika.Message(
                body, type=routing_key, delivery_mode=aio_pika.DeliveryMode.PERSISTENT
            ),
            routing_key=routing_key,
        )
    await channel.close()


def consumer(amqp_url, topology, handler, **kwargs) -> EventConsumer:
    return EventConsumer(
        amqp_url,
        topology,
        topology.desk_queue,
        {TicketOpenedEvent: handler},
        declare=topology.declare_desk,
        retry_delay=0.01,
        **kwargs,
    )


async def dead_letters(amqp_connection, topology: Topology) -> list[aio_pika.abc.AbstractMessage]:
    channel = await amqp_connection.channel()
    queue = await channel.get_queue(topology.dead_letter_queue(topology.desk_queue))
    found = []
    while (message := await queue.get(fail=False, no_ack=True)) is not None:
        found.append(message)
    await channel.close()
    return found


async def test_competing_consumers_handle_each_event_once(amqp_url, amqp_connection, topology):
    seen: Counter[str] = Counter()
    by_consumer: Counter[str] = Counter()
    done = asyncio.Event()

    def handler(name: str):
        async def handle(e: TicketOpenedEvent) -> None:
            await asyncio.sleep(0.01)
            seen[e.ticket_no] += 1
            by_consumer[name] += 1
            if sum(seen.values()) >= 30:
                done.set()

        return handle

    first = consumer(amqp_url, topology, handler("a"), prefetch=1)
    second = consumer(amqp_url, topology, handler("b"), prefetch=1)
    for c in (first, second):
        c.start()
        await asyncio.wait_for(c.ready.wait(), 10)
    await publish(
        amqp_connection,
        topology,
        *((TicketOpenedEvent.ROUTING_KEY, event(n).model_dump_json().encode()) for n in range(30)),
    )
    await asyncio.wait_for(done.wait(), 15)
    await asyncio.sleep(0.2)
    await first.stop()
    await second.stop()
    assert len(seen) == 30 and set(seen.values()) == {1}
    assert by_consumer["a"] > 0 and by_consumer["b"] > 0


async def test_a_bad_event_is_dead_lettered_and_the_next_one_handled(
    amqp_url, amqp_connection, topology
):
    handled = asyncio.Event()

    async def handle(e: TicketOpenedEvent) -> None:
        handled.set()

    c = consumer(amqp_url, topology, handle)
    c.start()
    await asyncio.wait_for(c.ready.wait(), 10)
    await publish(
        amqp_connection,
        topology,
        (TicketOpenedEvent.ROUTING_KEY, b'{"ticket_no": 1}'),
        (TicketOpenedEvent.ROUTING_KEY, event(1).model_dump_json().encode()),
    )
    await asyncio.wait_for(handled.wait(), 10)
    await c.stop()
    [dead] = await dead_letters(amqp_connection, topology)
    assert dead.headers[REASON_HEADER].startswith("bad_event:")


async def test_an_oversized_event_is_dead_lettered_unparsed_and_the_next_one_handled(
    amqp_url, amqp_connection, topology
):
    handled = asyncio.Event()

    async def handle(e: TicketOpenedEvent) -> None:
        handled.set()

    c = consumer(amqp_url, topology, handle, max_body=64 * 1024)
    c.start()
    await asyncio.wait_for(c.ready.wait(), 10)
    huge = b'{"ticket_no": "' + b"x" * 70_000 + b'"}'
    await publish(
        amqp_connection,
        topology,
        (TicketOpenedEvent.ROUTING_KEY, huge),
        (TicketOpenedEvent.ROUTING_KEY, event(1).model_dump_json().encode()),
    )
    await asyncio.wait_for(handled.wait(), 10)
    await c.stop()
    [dead] = await dead_letters(amqp_connection, topology)
    assert dead.headers[REASON_HEADER] == (
        f"too_large: ticket.opened: {len(huge)} bytes, over the limit of {64 * 1024}"
    )


async def test_a_failing_handler_is_retried_then_dead_lettered(amqp_url, amqp_connection, topology):
    calls: Counter[str] = Counter()
    settled = asyncio.Event()

    async def handle(e: TicketOpenedEvent) -> None:
        calls[e.ticket_no] += 1
        if e.ticket_no.endswith("1") and calls[e.ticket_no] < 3:
            raise ConnectionError("Telegram is away")
        if e.ticket_no.endswith("2"):
            if calls[e.ticket_no] == 3:
                settled.set()
            raise ValueError("always broken")

    c = consumer(amqp_url, topology, handle, attempts=3)
    c.start()
    await asyncio.wait_for(c.ready.wait(), 10)
    await publish(
        amqp_connection,
        topology,
        *((TicketOpenedEvent.ROUTING_KEY, event(n).model_dump_json().encode()) for n in (1, 2)),
    )
    await asyncio.wait_for(settled.wait(), 10)
    await asyncio.sleep(0.3)
    await c.stop()
    assert calls == {"T2026120100001": 3, "T2026120100002": 3}
    [dead] = await dead_letters(amqp_connection, topology)
    assert b"T2026120100002" in dead.body and "ValueError" in dead.headers[REASON_HEADER]


async def test_an_event_left_unacked_by_a_stopped_consumer_goes_to_the_other(
    amqp_url, amqp_connection, topology
):
    started, finished = asyncio.Event(), asyncio.Event()

    async def stuck(e: TicketOpenedEvent) -> None:
        started.set()
        await asyncio.sleep(60)

    async def works(e: TicketOpenedEvent) -> None:
        finished.set()

    first = consumer(amqp_url, topology, stuck)
    first.start()
    await asyncio.wait_for(first.ready.wait(), 10)
    await publish(
        amqp_connection,
        topology,
        (TicketOpenedEvent.ROUTING_KEY, event(7).model_dump_json().encode()),
    )
    await asyncio.wait_for(started.wait(), 10)
    second = consumer(amqp_url, topology, works)
    second.start()
    await asyncio.wait_for(second.ready.wait(), 10)
    await first.stop(grace=0.1)  # the process "dies" with the event in hand
    await asyncio.wait_for(finished.wait(), 10)
    await second.stop()
