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

A malformed update (not JSON, no ``update_id``, not an update aiogram can read, larger than
``KEFU_MAX_MESSAGE_BYTES``) or one whose handling raised past the dispatcher's error handlers
is dead-lettered to ``{p}.updates.dead`` and the partition carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from aio_pika.exceptions import AMQPError
from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from prometheus_client import Counter, Histogram
from pydantic import ValidationError

from bot.ingress import chat_of
from bus import amqp
from bus.amqp import Consumer, Delivery
from bus.settings import BusSettings

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

UPDATES = Counter(
    "kefu_bot_partition_updates_total",
    "Updates taken from the partitions, by outcome (handled, duplicate, dead_lettered).",
    ["outcome"],
)
HANDLE_SECONDS = Histogram(
    "kefu_bot_partition_update_seconds",
    "From an update's delivery to its ack (its wait behind the chat's earlier ones included).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


# ── handled update ids ───────────────────────────────────────────────────────────────────


class UpdateLog(Protocol):
    """Which ``update_id`` s were handled in the last ``window`` seconds."""

    async def seen(self, update_id: int) -> bool: ...

    async def done(self, update_id: int) -> None: ...


class MemoryUpdateLog:
    """One process's handled ids (one bot process consuming the partitions without Redis)."""

    def __init__(self, window: float, *, clock: Any = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._done: OrderedDict[int, float] = OrderedDict()  # id → when, oldest first

    async def seen(self, update_id: int) -> bool:
        self._forget(self._clock())
        return update_id in self._done

    async def done(self, update_id: int) -> None:
        now = self._clock()
        self._done[update_id] = now
        self._done.move_to_end(update_id)
        self._forget(now)

    def _forget(self, now: float) -> None:
        while self._done:
            oldest, when = next(iter(self._done.items()))
            if now - when < self.window:
                return
            del self._done[oldest]

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


# ── the consumer ─────────────────────────────────────────────────────────────────────────


@dataclass
class _Lane:
    """One chat's updates waiting in this process, handled in order by one task."""

    waiting: deque[tuple[Delivery, dict[str, Any], float]] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


class PartitionConsumer:
    """Consumes every update partition (single active consumer) and feeds the dispatcher."""

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
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.bus = bus
        self.topology = bus.topology
        self.log = log
        self.prefetch = prefetch
        self.workflow_data = dict(workflow_data or {})
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._consumers: list[Consumer] = []
        self._lanes: dict[int, _Lane] = {}
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._handling = 0
        self._ready = asyncio.Event()
        self._connector: asyncio.Task[None] | None = None
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
        """Connect and consume in the background (retrying while the broker is away)."""
        if self._connector is None:
            self._connector = asyncio.create_task(self._connect_forever(), name="bot-partitions")

    async def _connect_forever(self) -> None:
        delay = 0.5
        while not self._stopping:
            try:
                if self._connection is None:
                    self._connection = await self.bus.broker.connect(
                        f"kefu-bot-updates:{self.topology.prefix}"
                    )
                channel = await self._connection.channel(publisher_confirms=False)
                # Per consumer: each partition this process is active on gets this many ahead.
                await channel.set_qos(prefetch_count=self.prefetch)
                await self.topology.declare_updates(channel)
                # In an order of its own: processes started together become the active
                # consumers of different partitions (the first to consume one keeps it).
                queues = list(self.topology.update_queues)
                random.shuffle(queues)
                for queue in queues:
                    consumer = Consumer(channel, queue, self._on_delivery)
                    await consumer.start()
                    self._consumers.append(consumer)
                self._channel = channel
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
                for consumer in self._consumers:
                    await consumer.cancel()
                self._consumers.clear()
                if self._connection is not None:
                    with contextlib.suppress(Exception):
                        await self._connection.close()
                    self._connection = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    async def _on_delivery(self, delivery: Delivery) -> None:
        # No await before the update joins its lane: deliveries arrive (and these callbacks
        # start) in the partition's order, so each chat's lane gets them in that order.
        received = time.perf_counter()
        body = delivery.body
        if len(body) > self.bus.max_message_bytes:
            await self._dead_letter(delivery, None, f"too_large: {len(body)} bytes")
            return
        try:
            update = json.loads(body)
        except ValueError:
            await self._dead_letter(delivery, None, "not JSON")
            return
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            await self._dead_letter(delivery, None, "no update_id")
            return
        chat = chat_of(update)
        key = chat if chat is not None else update_id
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
        lane.waiting.append((delivery, update, received))
        if lane.task is None:
            lane.task = asyncio.create_task(self._run_lane(key, lane), name=f"lane-{key}")

    async def _run_lane(self, key: int, lane: _Lane) -> None:
        try:
            while lane.waiting:
                delivery, update, received = lane.waiting.popleft()
                async with self._slots:
                    self._handling += 1
                    try:
                        await self._handle(delivery, update)
                    finally:
                        self._handling -= 1
                HANDLE_SECONDS.observe(time.perf_counter() - received)
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
        """Stop taking updates, let the lanes finish what they hold (up to ``grace``), close.
        What is not acknowledged by then goes back to its partition, for another process."""
        self._stopping = True
        if self._connector is not None:
            self._connector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connector
        for consumer in self._consumers:
            await consumer.cancel()
        self._consumers.clear()
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
        for lane in list(self._lanes.values()):
            if lane.task is not None:
                lane.task.cancel()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        self._ready.clear()
