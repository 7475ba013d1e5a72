"""The worker stores turns, ratings and heartbeats off the real events exchange, once each, and
answers ``ops.snapshot`` with the tickets, the processes' health and the bots' error rate
(SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import aio_pika
import pytest
from sqlalchemy import func, select

from bus import contracts as c
from bus.rpc import REASON_HEADER, event_message
from tests.support.polling import eventually as until
from worker.db.models import AnswerRating, ConversationTurn, ProcessRecord, Ticket

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def publish(amqp_connection, shop, *events: c.Event, twice: bool = False) -> None:
    channel = await amqp_connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(shop.worker.topology.events_exchange)
    for event in events:
        for _ in range(2 if twice else 1):
            await exchange.publish(event_message(event), routing_key=event.ROUTING_KEY)
    await channel.close()


def turn(**fields) -> c.TurnRecorded:
    defaults = dict(
        occurred_at=datetime.now(UTC),
        event_id=uuid4().hex,
        conversation=uuid4().hex,
        locale="zh_CN",
        outcome="answered",
        intent="shipping.dispatch_time",
        group="shipping",
        confidence=0.93,
    )
    return c.TurnRecorded(**(defaults | fields))


async def count(shop, model, *where) -> int:
    async with shop.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def has(expected: int, counting) -> bool:
    return await counting >= expected


async def test_a_turn_delivered_twice_is_stored_once(shop, amqp_connection):
    unplaced = turn(outcome="fallback", intent=None, group=None, text="<order> 怎么还没到")
    answered = turn()
    await publish(amqp_connection, shop, unplaced, answered, twice=True)
    ids = (unplaced.event_id, answered.event_id)
    # both stored (not just the first: a busy machine has stored them seconds apart)
    await until(
        lambda: has(2, count(shop, ConversationTurn, ConversationTurn.event_id.in_(ids))), 30
    )
    await asyncio.sleep(0.5)  # the duplicates have had time to arrive
    assert await count(shop, ConversationTurn, ConversationTurn.event_id.in_(ids)) == 2
    async with shop.db.read() as session:
        stored = await session.scalar(
            select(ConversationTurn).where(ConversationTurn.event_id == unplaced.event_id)
        )
    assert stored.text == "<order> 怎么还没到" and stored.outcome == "fallback"


async def test_ratings_are_stored_once(shop, amqp_connection):
    rated = c.AnswerRated(
        occurred_at=datetime.now(UTC),
        event_id=uuid4().hex,
        conversation=uuid4().hex,
        solved=True,
        intent="size.recommend",
        group="size",
    )
    await publish(amqp_connection, shop, rated, twice=True)
    where = AnswerRating.event_id == rated.event_id
    await until(lambda: count(shop, AnswerRating, where))
    await asyncio.sleep(0.3)
    assert await count(shop, AnswerRating, where) == 1


async def test_a_malformed_event_is_dead_lettered_and_the_queue_keeps_going(shop, amqp_connection):
    channel = await amqp_connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(shop.worker.topology.events_exchange)
    await exchange.publish(
        aio_pika.Message(b'{"event_id": "nope"}', type="conversation.turn"),
        routing_key="conversation.turn",
    )
    good = turn()
    await exchange.publish(event_message(good), routing_key=good.ROUTING_KEY)
    dead = await channel.declare_queue(
        shop.worker.topology.dead_letter_queue(shop.worker.topology.ops_queue), passive=True
    )

    # The good turn is stored behind the bad one, and the bad one waits in the dead letters with
    # its reason (generous deadlines: a busy CI machine has held a broker confirm for seconds).
    await until(
        lambda: count(shop, ConversationTurn, ConversationTurn.event_id == good.event_id), 30
    )
    parked = await until(lambda: dead.get(no_ack=True, fail=False), 30)
    assert parked.body == b'{"event_id": "nope"}'
    assert parked.headers[REASON_HEADER].startswith("bad_event: ")
    await channel.close()


def beat(process_id: str, role: str = "bot", *, at: datetime, started: datetime, **stats):
    return c.ProcessHeartbeat(
        occurred_at=at,
        process_id=process_id,
        role=role,
        host="test-host",
        pid=4242,
        started_at=started,
        interval_s=5,
        stats=c.ProcessStats(**stats),
    )


async def test_the_snapshot_tells_alive_missing_and_stopped_processes_and_the_error_rate(
    shop, amqp_connection
):
    now = datetime.now(UTC)
    tag = uuid4().hex[:6]
    alive, missing, stopped = f"bot:alive-{tag}", f"bot:missing-{tag}", f"bot:stopped-{tag}"
    earlier = now - timedelta(minutes=20)
    events = [
        # alive: 100 calls before the window, then 50 more of which 10 failed (4 timeouts)
        beat(alive, at=now - timedelta(minutes=7), started=earlier, rpc_calls=100, rpc_failed=1),
        beat(
            alive,
            at=now - timedelta(seconds=2),
            started=earlier,
            rpc_calls=150,
            rpc_failed=11,
            rpc_timeouts=4,
        ),
        # missing: last heard a minute ago, with a 5 s interval
        beat(missing, at=now - timedelta(minutes=1), started=earlier, rpc_calls=3),
        # stopped: said goodbye
        beat(stopped, at=now - timedelta(seconds=30), started=earlier).model_copy(
            update={"stopping": True}
        ),
    ]
    await publish(amqp_connection, shop, *events)
    ids = (alive, missing, stopped)
    await until(lambda: has(3, count(shop, ProcessRecord, ProcessRecord.process_id.in_(ids))), 30)
    await until(lambda: _stored_stats(shop, alive, 150))  # the later beat has been applied
    await until(lambda: _stopped(shop, stopped))
    snapshot = await shop.rpc.call(c.GetOpsSnapshot(window_s=300))
    states = {p.process_id: p.state for p in snapshot.processes}
    assert states[alive] == "alive"
    assert states[missing] == "missing"
    assert states[stopped] == "stopped"
    # other processes (this module's worker) may add their own calls; ours are all there
    assert snapshot.rpc.calls >= 50 and snapshot.rpc.failed >= 10 and snapshot.rpc.timeouts >= 4
    worker_views = [p for p in snapshot.processes if p.role == "worker"]
    assert any(p.state == "alive" for p in worker_views), "the worker's own heartbeat is stored"


async def _stored_stats(shop, process_id: str, calls: int) -> bool:
    async with shop.db.read() as session:
        row = await session.get(ProcessRecord, process_id)
        return row is not None and row.stats.get("rpc_calls") == calls


async def _stopped(shop, process_id: str) -> bool:
    async with shop.db.read() as session:
        row = await session.get(ProcessRecord, process_id)
        return row is not None and row.stopped_at is not None


async def test_the_snapshot_counts_waiting_tickets_with_the_oldest(shop):
    before = await shop.rpc.call(c.GetOpsSnapshot())
    opened = datetime.now(UTC) - timedelta(hours=3)
    async with shop.db.write() as session:
        session.add(
            Ticket(
                ticket_no=f"T{uuid4().hex[:12]}",
                telegram_user_id=5,
                chat_id=5_000_000 + uuid4().int % 1000,
                reason="customer_asked",
                opened_at=opened,
                transcript=[],
                attachments=[],
            )
        )
    after = await shop.rpc.call(c.GetOpsSnapshot())
    assert after.tickets.open == before.tickets.open + 1
    assert after.tickets.waiting == before.tickets.waiting + 1
    assert after.tickets.oldest_waiting_since is not None
    assert after.tickets.oldest_waiting_since <= opened + timedelta(seconds=1)


async def test_turns_arriving_together_are_stored_in_one_transaction_each_once(shop):
    """record_turn groups the turns that arrive while a group is being written: 60 turns at
    once cost a couple of write transactions, not 60; each caller learns whether its turn was
    new, a turn repeated inside a group is stored once, and one stored before stays once."""
    from sqlalchemy import event

    from worker.ops import OpsRecorder

    recorder = OpsRecorder(shop.db)
    earlier = turn()
    assert await recorder.record_turn(earlier)
    commits: list[int] = []
    engine = shop.db.write_engine.sync_engine
    listener = lambda *args: commits.append(1)  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        turns = [turn() for _ in range(60)]
        results = await asyncio.gather(
            *(recorder.record_turn(t) for t in [*turns, turns[5], earlier])
        )
    finally:
        event.remove(engine, "commit", listener)
    assert results == [True] * 60 + [False, False]
    assert 1 <= len(commits) <= 3
    ids = [t.event_id for t in [*turns, earlier]]
    assert await count(shop, ConversationTurn, ConversationTurn.event_id.in_(ids)) == 61
