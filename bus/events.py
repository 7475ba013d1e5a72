"""Consuming events: a durable queue on the events exchange, shared by competing consumers.

Every process of a service consumes the same queue, so each event is handled by one of them;
an event is acknowledged only after its handler returned, so a process that dies mid-way
leaves it to another (the handler must therefore be safe to run twice, e.g. by a
compare-and-set command). An event that is not valid JSON for its contract goes straight to
the dead-letter queue with the reason; one whose handler keeps failing is retried
``attempts`` times with a growing pause (republished with an attempt counter, so that a
classic queue counts too) and then dead-lettered. The consumer itself never stops on a bad
message.

```
{p}.events ─ routing keys ─► {queue} ──(reject / attempts used up)──► {p}.dlx ─► {queue}.dead
```
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from aio_pika.exceptions import AMQPError
from pydantic import ValidationError

from bus.connection import Broker, as_broker
from bus.contracts import Event
from bus.rpc import DEAD_LETTERS, ERROR_CODE_HEADER, REASON_HEADER
from bus.settings import DEFAULT_MAX_BODY
from bus.topology import Topology

logger = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-kefu-attempts"
EventHandler = Callable[[Any], Awaitable[None]]


class EventConsumer:
    """Handles events of the given types from ``queue`` (declared by ``declare``)."""

    def __init__(
        self,
        amqp_url: str | Broker,
        topology: Topology,
        queue: str,
        handlers: Mapping[type[Event], EventHandler],
        *,
        declare: Callable[[AbstractChannel], Awaitable[Any]],
        prefetch: int = 8,
        attempts: int = 5,
        retry_delay: float = 0.5,
        name: str = "events",
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self._broker = as_broker(amqp_url)
        self._topology = topology
        self._queue_name = queue
        self._handlers = {
            event.ROUTING_KEY: (event, handler) for event, handler in handlers.items()
        }
        self._declare = declare
        self._prefetch = prefetch
        self._attempts = attempts
        self._retry_delay = retry_delay
        self._name = name
        self._max_body = max_body
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._consumer: tuple[AbstractQueue, str] | None = None
        self._starter: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[Any]] = set()
        self.ready = asyncio.Event()

    def start(self) -> None:
        """Connect and consume in the background (retrying while the broker is away)."""
        if self._starter is None:
            self._starter = asyncio.create_task(self._start_forever(), name=f"{self._name}-start")

    async def _start_forever(self) -> None:
        delay = 0.5
        while True:
            try:
                self._connection = await self._broker.connect(
                    f"kefu-{self._name}:{self._topology.prefix}"
                )
                channel = await self._connection.channel(publisher_confirms=True)
                await channel.set_qos(prefetch_count=self._prefetch)
                queue = await self._declare(channel)
                self._consumer = (queue, await queue.consume(self._consume))
                self._channel = channel
                self.ready.set()
                logger.info("%s consumer on %s", self._name, self._queue_name)
                return
            except (AMQPError, OSError, ConnectionError) as exc:
                logger.warning(
                    "%s consumer cannot connect (%s); retrying in %.1fs", self._name, exc, delay
                )
                if self._connection is not None:
                    with contextlib.suppress(Exception):
                        await self._connection.close()
                    self._connection = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    async def _consume(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await self._handle(message)
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        routing_key = message.routing_key or message.type or ""
        known = self._handlers.get(message.type or "") or self._handlers.get(routing_key)
        if known is None:
            await self._dead_letter(message, "unknown_event", f"no handler for {routing_key!r}")
            return
        event_type, handler = known
        if len(message.body) > self._max_body:
            await self._dead_letter(
                message,
                "too_large",
                f"{routing_key}: {len(message.body)} bytes, over the limit of {self._max_body}",
            )
            return
        try:
            event = event_type.model_validate_json(message.body)
        except ValidationError as exc:
            detail = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:5]
            )
            await self._dead_letter(message, "bad_event", detail)
            return
        try:
            await handler(event)
        except asyncio.CancelledError:
            with contextlib.suppress(AMQPError, ConnectionError, RuntimeError):
                await message.nack(requeue=True)
            raise
        except Exception as exc:
            seen = (message.headers or {}).get(ATTEMPTS_HEADER, 0)
            attempt = (seen if isinstance(seen, int) else 0) + 1
            logger.warning(
                "%s: handling %s failed (attempt %d of %d): %s",
                self._name,
                event_type.ROUTING_KEY,
                attempt,
                self._attempts,
                type(exc).__name__,
                exc_info=attempt >= self._attempts,
            )
            if attempt >= self._attempts:
                await self._dead_letter(message, "failed", f"{type(exc).__name__} {attempt}x")
                return
            await asyncio.sleep(min(self._retry_delay * 2 ** (attempt - 1), 15.0))
            await self._retry(message, attempt)
            return
        with contextlib.suppress(AMQPError, ConnectionError, RuntimeError):
            await message.ack()

    async def _retry(self, message: AbstractIncomingMessage, attempt: int) -> None:
        """Back to the end of our queue with the attempt counted, then ack the original."""
        assert self._channel is not None
        headers = dict(message.headers or {})
        headers[ATTEMPTS_HEADER] = attempt
        try:
            await self._channel.default_exchange.publish(
                _copy(message, headers), routing_key=self._queue_name
            )
        except (AMQPError, ConnectionError, RuntimeError):
            with contextlib.suppress(AMQPError, ConnectionError, RuntimeError):
                await message.nack(requeue=True)
            return
        with contextlib.suppress(AMQPError, ConnectionError, RuntimeError):
            await message.ack()

    async def _dead_letter(self, message: AbstractIncomingMessage, code: str, reason: str) -> None:
        logger.warning("%s: dead-lettering %s: %s (%s)", self._name, message.type, code, reason)
        DEAD_LETTERS.labels(self._queue_name, code).inc()
        assert self._channel is not None
        headers = dict(message.headers or {})
        headers.update(
            {
                REASON_HEADER: f"{code}: {reason}"[:1000],
                ERROR_CODE_HEADER: code,
                "x-kefu-source-queue": self._queue_name,
                "x-kefu-dead-at": int(time.time()),
            }
        )
        try:
            exchange = await self._channel.get_exchange(
                self._topology.dead_letter_exchange, ensure=False
            )
            await exchange.publish(_copy(message, headers), routing_key=self._queue_name)
        except (AMQPError, ConnectionError, RuntimeError):
            logger.exception("dead-letter publish failed; rejecting to the queue's DLX")
            with contextlib.suppress(AMQPError, ConnectionError, RuntimeError):
                await message.reject(requeue=False)
            return
        with contextlib.suppress(AMQPError, ConnectionError, RuntimeError):
            await message.ack()

    async def stop(self, grace: float = 5.0) -> None:
        if self._starter is not None:
            self._starter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starter
            self._starter = None
        if self._consumer is not None:
            # Stop taking new events, let those in hand finish; unacked ones go back.
            queue, tag = self._consumer
            with contextlib.suppress(Exception):
                await queue.cancel(tag)
            self._consumer = None
        if self._in_flight:
            _, late = await asyncio.wait(list(self._in_flight), timeout=grace)
            for task in late:  # unacked: the broker hands the event to another consumer
                task.cancel()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        self._channel = None
        self.ready.clear()


def _copy(message: AbstractIncomingMessage, headers: dict[str, Any]) -> aio_pika.Message:
    return aio_pika.Message(
        message.body,
        headers=headers,
        content_type=message.content_type,
        type=message.type,
        message_id=message.message_id,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )
