"""Fire-and-forget events: what the bot publishes must never slow or break a customer's answer.

``outbox.offer(event)`` returns at once: the event goes into a bounded buffer, and a background
task publishes it on the events exchange (persistent, with publisher confirms, so that what
the broker took is not lost). When the buffer is full (the broker is away for long, or slower
than the bot) the event is dropped and counted (``kefu_events_dropped_total``), never waited
for. While the broker is away, events wait in the buffer and go out when it is back.

```python
outbox = EventOutbox(settings.bus.url, topology)
outbox.start()
outbox.offer(TurnRecorded(...))            # never blocks, never raises
await outbox.stop()                        # sends what is buffered (bounded wait)
```
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from aio_pika.abc import AbstractExchange, AbstractRobustConnection
from aio_pika.exceptions import AMQPError
from prometheus_client import Counter

from bus.connection import Broker, as_broker
from bus.contracts import Event
from bus.rpc import event_message
from bus.topology import Topology

logger = logging.getLogger(__name__)

EVENTS_PUBLISHED = Counter(
    "kefu_events_published_total", "Events this process published, by routing key.", ["event"]
)
EVENTS_DROPPED = Counter(
    "kefu_events_dropped_total",
    "Events this process dropped (buffer full or not accepted by the broker), by routing key.",
    ["event"],
)


@dataclass
class OutboxStats:
    published: int = 0
    dropped: int = 0


class EventOutbox:
    def __init__(
        self,
        amqp_url: str | Broker,
        topology: Topology,
        *,
        capacity: int = 10_000,
        name: str = "events",
    ) -> None:
        self._broker = as_broker(amqp_url)
        self._topology = topology
        self._name = name
        self._buffer: asyncio.Queue[tuple[Event, float | None]] = asyncio.Queue(capacity)
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._task: asyncio.Task[None] | None = None
        self.stats = OutboxStats()

    def offer(self, event: Event, *, expiration: float | None = None) -> bool:
        """Buffer ``event`` for publishing; ``False`` (and counted) when the buffer is full."""
        try:
            self._buffer.put_nowait((event, expiration))
        except asyncio.QueueFull:
            self._dropped(event)
            return False
        return True

    async def publish(self, event: Event, *, expiration: float | None = None) -> None:
        """``offer`` as a coroutine (an ``EventPublisher`` for ``bus.heartbeat``)."""
        self.offer(event, expiration=expiration)

    @property
    def pending(self) -> int:
        return self._buffer.qsize()

    def buffered(self) -> list[Event]:
        """The events waiting to be published, oldest first (a dispatcher fed updates
        directly, as unit tests do, never starts publishing: its events stay here)."""
        return [event for event, _ in list(self._buffer._queue)]  # type: ignore[attr-defined]

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"outbox-{self._name}")

    async def _connect(self) -> AbstractExchange:
        delay = 0.5
        while True:
            try:
                if self._connection is None:
                    self._connection = await self._broker.connect(
                        f"kefu-{self._name}:{self._topology.prefix}"
                    )
                channel = await self._connection.channel(publisher_confirms=True)
                _, events, _ = await self._topology.declare_exchanges(channel)
                return events
            except (AMQPError, OSError, ConnectionError) as exc:
                logger.warning(
                    "%s outbox cannot connect (%s); retrying in %.1fs", self._name, exc, delay
                )
                if self._connection is not None:
                    with contextlib.suppress(Exception):
                        await self._connection.close()
                    self._connection = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    async def _run(self) -> None:
        while True:
            event, expiration = await self._buffer.get()
            try:
                await self._send(event, expiration)
            finally:
                self._buffer.task_done()

    async def _send(self, event: Event, expiration: float | None) -> None:
        for attempt in (1, 2):
            if self._exchange is None:
                self._exchange = await self._connect()
            try:
                await self._exchange.publish(
                    event_message(event, expiration=expiration), routing_key=event.ROUTING_KEY
                )
            except (AMQPError, ConnectionError, RuntimeError) as exc:
                logger.warning(
                    "%s outbox: %s not published (%s)",
                    self._name,
                    event.ROUTING_KEY,
                    type(exc).__name__,
                )
                self._exchange = None  # a fresh channel on the robust connection
                if attempt == 2:
                    self._dropped(event)
                continue
            self.stats.published += 1
            EVENTS_PUBLISHED.labels(event.ROUTING_KEY).inc()
            return

    def _dropped(self, event: Event) -> None:
        self.stats.dropped += 1
        EVENTS_DROPPED.labels(event.ROUTING_KEY).inc()

    async def stop(self, grace: float = 3.0) -> None:
        """Publish what is buffered (for up to ``grace`` seconds), then close."""
        if self._task is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(grace):
                    await self._buffer.join()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        self._exchange = None
