"""``python -m bot --partitions`` (or ``KEFU_BOT_MODE=partitions``): a bot process behind the
webhook ingress (``python -m bot.ingress``), taking Telegram's updates from the broker.

The ingress publishes each update to one of ``KEFU_UPDATE_PARTITIONS`` durable queues, chosen
by its chat. Every bot process consumes every partition queue; the queues have *single active
consumer*, so the broker delivers each partition to exactly one process at a time and moves it
(with its unacknowledged updates, in order) to another when that process dies or loses its
connection. That is what keeps a chat's updates one at a time and in order across processes —
no lock store is involved (the dispatcher runs without event isolation here).

In the process, a partition's updates are handed to one *lane* per chat: different chats of a
partition are handled side by side (up to ``KEFU_PARTITION_PREFETCH`` updates taken ahead),
one chat's strictly one after another. At most ``KEFU_PARTITION_CONCURRENCY`` updates are
handled at once over all partitions; the rest wait in their lanes *before* their handling
starts. A process that takes more than it can handle therefore answers later, rather than
starting hundreds of updates whose bus calls then time out behind each other (the load run
of issue 12: with 16 partitions × 32 taken ahead, one busy process had up to 512 updates
half-handled, and look-ups waited out their 5 s deadline in its own event loop).

Each update is fed to aiogram's dispatcher and acknowledged only once it has been handled: a
process killed mid-stream loses nothing; what it had not acknowledged is delivered again to the
process that takes its partitions over.

An update delivered again after it was handled (the ack lost with a connection, Telegram
sending it twice through the ingress) is recognised by its ``update_id`` and acknowledged
without being handled again: the handled ids are remembered for ``KEFU_UPDATE_DEDUPE_S`` in
Redis (``REDIS_URL``, shared by the processes) or, for a single process, in memory. The one
case this cannot cover is a process killed in the instant between Telegram accepting a reply
and the update being noted as handled: that update is handled, and its reply sent, again.

**Sharing the partitions.** RabbitMQ makes the first process to consume a partition its active
consumer and keeps it there while it lives, so a process started first would hold every
partition and the others only stand by. The processes therefore agree on a split: each notes
itself in Redis every ``KEFU_PARTITION_REBALANCE_S`` (:class:`RedisMembers`, on Redis's clock,
forgotten after three missed beats), and partition *p* belongs to the *p mod n*-th of the *n*
live processes in sorted order. When the set of processes changes, a process *hands over* each
partition it does not own (it may be the active consumer there): it stops starting that
partition's updates, lets the ones being handled finish, and closes the partition's channel —
the broker puts back what the process held unacknowledged, in order, before it makes the next
waiting consumer active — then consumes the partition again, now at the back of the line. Every
process but the owner does that once, and the owner never does, so the owner ends up at the
front: the active consumer. A process that still gets updates of a partition it does not own
(it had handed over before the owner had registered) hands it over again, at most once per
five beats. Without Redis there is one process and nothing to share.

A malformed update (not JSON, no ``update_id``, not an update aiogram can read, larger than
``KEFU_MAX_MESSAGE_BYTES``) or one whose handling raised past the dispatcher's error handlers
is dead-lettered to ``{p}.updates.dead`` and the partition carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import secrets
import socket
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from aio_pika.exceptions import AMQPError
from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from prometheus_client import Counter, Gauge, Histogram
from pydantic import ValidationError

from bot.expiring import ExpiringMap
from bus import amqp, updates
from bus.amqp import Consumer, Delivery
from bus.settings import BusSettings

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

UPDATES = Counter(
    "kefu_bot_partition_updates_total",
    "Updates taken from the partitions, by outcome (handled, duplicate, dead_lettered, "
    "put_back: not started because its channel went and the broker took it back).",
    ["outcome"],
)
HANDLE_SECONDS = Histogram(
    "kefu_bot_partition_update_seconds",
    "From an update's delivery to its ack (its wait behind the chat's earlier ones included).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
HANDOVERS = Counter(
    "kefu_bot_partition_handovers_total",
    "Partitions this process handed over to the process that owns them (or tried to: "
    "outcome handed_over, or busy when an update being handled did not finish in time).",
    ["outcome"],
)
PROCESSES = Gauge(
    "kefu_bot_partition_processes",
    "Bot processes sharing the update partitions, as this process last saw them in Redis.",
)
OWNED = Gauge(
    "kefu_bot_partitions_owned",
    "Update partitions this process owns in the split (it is their active consumer once the "
    "others have handed them over).",
)


# ── handled update ids ───────────────────────────────────────────────────────────────────


class UpdateLog(Protocol):
    """Which ``update_id`` s were handled in the last ``window`` seconds."""

    async def seen(self, update_id: int) -> bool: ...

    async def done(self, update_id: int) -> None: ...


UPDATES_REMEMBERED = 100_000
"""Handled ids one process keeps in memory at most (a few MB): at more updates per window than
this, the oldest are forgotten before the window is over."""


class MemoryUpdateLog:
    """One process's handled ids (one bot process consuming the partitions without Redis), at
    most ``size`` of them."""

    def __init__(
        self, window: float, *, size: int = UPDATES_REMEMBERED, clock: Any = time.monotonic
    ) -> None:
        self.window = window
        self._done: ExpiringMap[int, bool] = ExpiringMap(window, size, clock=clock)

    async def seen(self, update_id: int) -> bool:
        return self._done.get(update_id) is not None

    async def done(self, update_id: int) -> None:
        self._done.put(update_id, True)

    def __len__(self) -> int:
        return len(self._done)


class RedisUpdateLog:
    """Handled ids as Redis keys that expire after ``window`` (one ``SET … EX`` per update,
    one ``EXISTS`` per delivery). Redis unreachable: the update is handled (a repeat is
    better than a customer left unanswered) and the error logged."""

    def __init__(self, redis: Redis, window: float, *, prefix: str, bot_id: int) -> None:
        self.window = window
        self._redis = redis
        self._prefix = f"{prefix}:update:{bot_id}:"
        self._ttl = max(1, int(window))

    async def seen(self, update_id: int) -> bool:
        try:
            return bool(await self._redis.exists(f"{self._prefix}{update_id}"))
        except Exception as exc:  # redis.RedisError, OSError
            logger.warning("update log: Redis unavailable (%s); handling update %d", exc, update_id)
            return False

    async def done(self, update_id: int) -> None:
        try:
            await self._redis.set(f"{self._prefix}{update_id}", b"1", ex=self._ttl)
        except Exception as exc:
            logger.warning("update log: could not note update %d as handled (%s)", update_id, exc)


# ── the processes sharing the partitions ─────────────────────────────────────────────────


class Members(Protocol):
    """The bot processes consuming the partitions, each noting itself every beat."""

    async def beat(self, member: str) -> list[str] | None:
        """Note ``member`` alive; the live members, sorted (``None``: not known just now)."""
        ...

    async def leave(self, member: str) -> None: ...


# One round trip on Redis's clock: note the member, forget those silent past the TTL, list them.
_BEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
return redis.call('ZRANGE', KEYS[1], 0, -1)
"""


class RedisMembers:
    """Members as a sorted set scored by their last beat (Redis's clock, so hosts' clocks may
    differ). Redis unreachable: ``None`` — the split stays as it was."""

    def __init__(self, redis: Redis, ttl: float, *, prefix: str, bot_id: int) -> None:
        self._redis = redis
        self._key = f"{prefix}:partition-members:{bot_id}"
        self._ttl_ms = max(1, int(ttl * 1000))
        self._script = redis.register_script(_BEAT)

    async def beat(self, member: str) -> list[str] | None:
        try:
            found = await self._script(keys=[self._key], args=[member, self._ttl_ms])
        except Exception as exc:  # redis.RedisError, OSError
            logger.warning("partition members: Redis unavailable (%s); split unchanged", exc)
            return None
        return sorted(m.decode() if isinstance(m, bytes) else str(m) for m in found)

    async def leave(self, member: str) -> None:
        with contextlib.suppress(Exception):
            await self._redis.zrem(self._key, member)


def owned_by(member: str, members: list[str], partitions: int) -> set[int]:
    """The partitions ``member`` owns: the *p mod n*-th of the sorted live members owns *p*."""
    ordered = sorted({*members, member})
    return {p for p in range(partitions) if ordered[p % len(ordered)] == member}


# ── the consumer ─────────────────────────────────────────────────────────────────────────


@dataclass
class _Lane:
    """One chat's updates waiting in this process, handled in order by one task."""

    partition: int
    waiting: deque[tuple[Delivery, dict[str, Any], float]] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None
    handling: bool = False  # an update of it is being handled (not waiting for a slot)


@dataclass
class _Partition:
    """One partition queue as this process consumes it: on a channel of its own, so that
    closing the channel hands it over (with what it holds) without touching the others."""

    number: int
    queue: str
    channel: AbstractChannel | None = None
    consumer: Consumer | None = None
    # Bumped whenever the channel is given up: a delivery of an older one is not handled (the
    # broker has put it back for the next consumer).
    generation: int = 0
    holding: bool = False  # handing over: its updates wait, none is started
    last_delivery: float = 0.0
    last_handover: float = 0.0


class PartitionConsumer:
    """Consumes every update partition (single active consumer) and feeds the dispatcher; with
    ``members`` (Redis), shares the partitions with the other processes (module doc)."""

    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        bus: BusSettings,
        log: UpdateLog,
        *,
        prefetch: int = 32,
        concurrency: int = 64,
        workflow_data: Mapping[str, Any] | None = None,
        members: Members | None = None,
        member_id: str | None = None,
        rebalance_every: float = 2.0,
        handover_grace: float = 30.0,
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.bus = bus
        self.topology = bus.topology
        self.log = log
        self.prefetch = prefetch
        self.workflow_data = dict(workflow_data or {})
        self.members = members
        self.member_id = member_id or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.rebalance_every = rebalance_every
        self.handover_grace = handover_grace
        self.handled = 0  # updates this consumer handled (its share of the work)
        self.owned: set[int] = set(range(self.topology.partitions))
        self._seen_members: list[str] | None = None
        self._connection: AbstractRobustConnection | None = None
        self._partitions = {
            n: _Partition(n, self.topology.update_queue(n)) for n in range(self.topology.partitions)
        }
        self._lanes: dict[tuple[int, int], _Lane] = {}
        self._slots = asyncio.Semaphore(concurrency)
        self._handling = 0
        self._ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    @property
    def ready(self) -> asyncio.Event:
        """Set once every partition is being consumed."""
        return self._ready

    @property
    def handling(self) -> int:
        """Updates being handled right now (at most ``concurrency``)."""
        return self._handling

    @property
    def in_flight(self) -> int:
        return sum(len(lane.waiting) + (lane.task is not None) for lane in self._lanes.values())

    def start(self) -> None:
        """Connect and consume in the background (retrying while the broker is away); share
        the partitions with the other processes once consuming."""
        if not self._tasks:
            self._tasks.append(asyncio.create_task(self._run(), name="bot-partitions"))

    async def _run(self) -> None:
        await self._connect_forever()
        if self.members is not None:
            await self._rebalance_forever()

    async def _connect_forever(self) -> None:
        delay = 0.5
        while not self._stopping:
            try:
                if self._connection is None:
                    self._connection = await self.bus.broker.connect(
                        f"kefu-bot-updates:{self.topology.prefix}"
                    )
                    channel = await self._connection.channel(publisher_confirms=False)
                    await self.topology.declare_updates(channel)
                    await channel.close()
                # In an order of its own: processes started together become the active
                # consumers of different partitions (the first to consume one keeps it) until
                # they have agreed on the split.
                order = list(self._partitions.values())
                random.shuffle(order)
                for partition in order:
                    if partition.consumer is None:
                        await self._consume(partition)
                self._ready.set()
                logger.info(
                    "consuming %d update partitions of %s (single active consumer)",
                    self.topology.partitions,
                    self.topology.updates_exchange,
                )
                return
            except (AMQPError, OSError, ConnectionError) as exc:
                logger.warning(
                    "update partitions: cannot reach the broker (%s); retrying in %.1fs",
                    exc,
                    delay,
                )
                for partition in self._partitions.values():
                    await self._give_up_channel(partition)
                if self._connection is not None:
                    with contextlib.suppress(Exception):
                        await self._connection.close()
                    self._connection = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    async def _consume(self, partition: _Partition) -> None:
        """A channel of the partition's own, and a consumer on it (at the back of the line)."""
        assert self._connection is not None
        channel = await self._connection.channel(publisher_confirms=False)
        await channel.set_qos(prefetch_count=self.prefetch)
        generation = partition.generation

        async def on_delivery(delivery: Delivery) -> None:
            await self._on_delivery(partition, generation, delivery)

        consumer = Consumer(channel, partition.queue, on_delivery)
        partition.channel = channel
        await consumer.start()
        partition.consumer = consumer

    async def _give_up_channel(self, partition: _Partition) -> None:
        """Close the partition's channel: the broker puts back what this process held of it,
        in order, and makes the next waiting consumer active. The updates of it waiting here
        are dropped (they are the ones put back)."""
        partition.generation += 1
        consumer, channel = partition.consumer, partition.channel
        partition.consumer = partition.channel = None
        if consumer is not None:
            consumer.detach()
        if channel is not None:
            with contextlib.suppress(Exception):
                await channel.close()
        for key, lane in list(self._lanes.items()):
            if lane.partition == partition.number and lane.task is None:
                del self._lanes[key]

    # ── sharing the partitions ────────────────────────────────────────────────────────

    async def _rebalance_forever(self) -> None:
        assert self.members is not None
        handing: asyncio.Task[None] | None = None
        while not self._stopping:
            members = await self.members.beat(self.member_id)
            # Hand-overs run beside the beats (one waits up to handover_grace for an update
            # being handled): a process that stopped beating for that long would be taken
            # for gone by the others, and the split would move back and forth.
            if members is not None and (handing is None or handing.done()):
                others = self._to_hand_over(members)
                if others:
                    handing = asyncio.create_task(self._hand_over_all(others))
                    self._tasks = [t for t in self._tasks if not t.done()] + [handing]
            # A little jitter: processes started together don't beat in step.
            await asyncio.sleep(self.rebalance_every * random.uniform(0.8, 1.2))

    async def _hand_over_all(self, partitions: list[_Partition]) -> None:
        for partition in partitions:
            if self._stopping:
                return
            await self._hand_over(partition)

    def _to_hand_over(self, members: list[str]) -> list[_Partition]:
        """The partitions this process should hand over now, as the live ``members`` split
        them."""
        now = time.monotonic()
        owned = owned_by(self.member_id, members, self.topology.partitions)
        if members != self._seen_members:
            # Active on any partition, perhaps: hand over each one this process doesn't own.
            changed = self._seen_members is not None or len(members) > 1
            self._seen_members = members
            self.owned = owned
            PROCESSES.set(len(members))
            OWNED.set(len(owned))
            if not changed:
                return []
            logger.info(
                "bot processes sharing the update partitions: %d; this one owns %s",
                len(members),
                ",".join(str(n) for n in sorted(owned)) or "none",
            )
            others = [p for p in self._partitions.values() if p.number not in owned]
        else:
            # Still getting a partition it doesn't own (it handed over before the owner
            # consumed it): once more, not more often than every five beats.
            recent, pause = 2 * self.rebalance_every, 5 * self.rebalance_every
            others = [
                p
                for p in self._partitions.values()
                if p.number not in owned
                and now - p.last_delivery < recent
                and now - p.last_handover > pause
            ]
        return others

    async def _hand_over(self, partition: _Partition) -> None:
        """Let the owner (waiting behind this process) become the partition's active consumer;
        this process consumes it again, at the back of the line."""
        if partition.consumer is None or self._connection is None:
            return
        partition.holding = True
        partition.last_handover = time.monotonic()
        try:
            lanes = [
                lane
                for lane in self._lanes.values()
                if lane.partition == partition.number and lane.task is not None
            ]
            # A lane still waiting for a slot has started nothing: it stops now (its updates
            # stay put for the hand-over), only the updates being handled are waited for.
            for lane in lanes:
                if not lane.handling and lane.task is not None:
                    lane.task.cancel()
            busy = [lane.task for lane in lanes if lane.task is not None and lane.handling]
            if busy:
                _, pending = await asyncio.wait(busy, timeout=self.handover_grace)
                if pending:
                    # Closing now could let the next process handle a chat's later update
                    # while this one still handles its earlier one: try again later.
                    HANDOVERS.labels("busy").inc()
                    logger.warning(
                        "partition %d: an update still being handled after %.0fs; "
                        "not handed over this time",
                        partition.number,
                        self.handover_grace,
                    )
                    return
            await self._give_up_channel(partition)
            HANDOVERS.labels("handed_over").inc()
            try:
                await self._consume(partition)
            except (AMQPError, OSError, ConnectionError) as exc:
                # The connection's own recovery follows; consume it again after that.
                logger.warning("partition %d: cannot consume it again (%s)", partition.number, exc)
                self._tasks.append(
                    asyncio.create_task(self._consume_again(partition), name="partition-again")
                )
        finally:
            if not self._stopping:  # stop() holds every partition until it closes
                partition.holding = False
                self._restart_lanes(partition.number)

    async def _consume_again(self, partition: _Partition) -> None:
        delay = 0.5
        while not self._stopping and partition.consumer is None:
            await asyncio.sleep(delay)
            with contextlib.suppress(AMQPError, OSError, ConnectionError):
                await self._consume(partition)
            delay = min(delay * 2, 15.0)

    def _restart_lanes(self, number: int) -> None:
        for key, lane in self._lanes.items():
            if lane.partition == number and lane.waiting and lane.task is None:
                lane.task = asyncio.create_task(self._run_lane(key, lane), name=f"lane-{key[1]}")

    # ── handling ──────────────────────────────────────────────────────────────────────

    async def _on_delivery(
        self, partition: _Partition, generation: int, delivery: Delivery
    ) -> None:
        # No await before the update joins its lane: deliveries arrive (and these callbacks
        # start) in the partition's order, so each chat's lane gets them in that order.
        if generation != partition.generation:
            return  # its channel was given up: the broker has put it back
        received = time.perf_counter()
        partition.last_delivery = time.monotonic()
        body = delivery.body
        if len(body) > self.bus.max_message_bytes:
            await self._dead_letter(delivery, None, f"too_large: {len(body)} bytes")
            return
        try:
            update = updates.parse(body)
        except updates.MalformedUpdate as exc:
            await self._dead_letter(delivery, None, str(exc))
            return
        key = (partition.number, update.lane)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane(partition.number)
        lane.waiting.append((delivery, update.data, received))
        if lane.task is None and not partition.holding:
            lane.task = asyncio.create_task(self._run_lane(key, lane), name=f"lane-{key[1]}")

    async def _run_lane(self, key: tuple[int, int], lane: _Lane) -> None:
        partition = self._partitions[lane.partition]
        queued = False
        try:
            while lane.waiting and not partition.holding:
                queued = True
                async with self._slots:
                    queued = False
                    if partition.holding or not lane.waiting:
                        break
                    lane.handling = True  # no await between the slot and this
                    delivery, update, received = lane.waiting.popleft()
                    if delivery.channel.is_closed:
                        # Its channel went (a broker restart, a lost connection): the broker
                        # has put it back, for whichever process now consumes the partition.
                        UPDATES.labels("put_back").inc()
                        lane.handling = False
                        continue
                    self._handling += 1
                    try:
                        await self._handle(delivery, update)
                    finally:
                        self._handling -= 1
                        lane.handling = False
                HANDLE_SECONDS.observe(time.perf_counter() - received)
        except asyncio.CancelledError:
            if not queued:
                raise
            # Cancelled while waiting for a slot (a hand-over): nothing of it was started.
        finally:
            lane.task = None
            if not lane.waiting and self._lanes.get(key) is lane:
                del self._lanes[key]

    async def _handle(self, delivery: Delivery, raw: dict[str, Any]) -> None:
        update_id: int = raw["update_id"]
        if await self.log.seen(update_id):
            UPDATES.labels("duplicate").inc()
            logger.info("update %d was handled already; acknowledged again", update_id)
            await amqp.ack(delivery)
            return
        try:
            update = Update.model_validate(raw, context={"bot": self.bot})
        except ValidationError as exc:
            await self._dead_letter(delivery, update_id, f"not an update ({exc.error_count()})")
            return
        try:
            response = await self.dp.feed_update(self.bot, update, **self.workflow_data)
            if isinstance(response, TelegramMethod):
                # A handler answered the way webhooks allow: make the call.
                await self.dp.silent_call_request(bot=self.bot, result=response)
        except Exception:
            # Past the dispatcher's own error handlers: parked, not retried forever.
            logger.exception("update %d failed", update_id)
            await self._dead_letter(delivery, update_id, "failed")
            return
        await self.log.done(update_id)
        self.handled += 1
        UPDATES.labels("handled").inc()
        await amqp.ack(delivery)

    async def _dead_letter(self, delivery: Delivery, update_id: int | None, reason: str) -> None:
        """Rejected without requeue: the partition queue's dead-letter exchange takes it to
        ``{p}.updates.dead`` (its ``x-death`` header says which queue and when)."""
        UPDATES.labels("dead_lettered").inc()
        logger.error(
            "update %s dead-lettered: %s", update_id if update_id is not None else "-", reason
        )
        if update_id is not None:
            await self.log.done(update_id)
        await amqp.reject(delivery, requeue=False)

    async def stop(self, grace: float = 10.0) -> None:
        """Leave the split, stop starting updates, let the ones being handled finish (up to
        ``grace``) and close: what this process held and had not started goes back to its
        partition, in order, for the process that takes the partition over."""
        self._stopping = True
        for partition in self._partitions.values():
            partition.holding = True  # before anything is cancelled: nothing new starts
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.members is not None:
            await self.members.leave(self.member_id)
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
        for lane in list(self._lanes.values()):
            if lane.task is not None:
                lane.task.cancel()
        for partition in self._partitions.values():
            await self._give_up_channel(partition)
        self._lanes.clear()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        self._ready.clear()
