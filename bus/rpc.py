"""Request/reply over RabbitMQ: our small client and server on aio-pika.

Client: every call is published to the ``{p}.rpc`` exchange with the method as routing key,
``reply_to`` the broker's direct reply-to pseudo-queue and a correlation id; the reply
resolves the future kept under that id. Queries are transient, unconfirmed and expire with
their deadline; commands are persistent and publisher-confirmed. Both are ``mandatory``, so a
request nobody can receive comes back at once as ``BusUnavailable``. Bodies are JSON from
``model_dump_json()``; never pickle.

Server: serves a typed registry (``bus.protocol.Handlers``, built from ``Request.served_by``
pairs and checked at start), validates each request against its contract, dispatches by
method (a query only from the queries queue, a command only from the commands queue),
replies with the same correlation id, and acks only after the handler returned (for
commands: after the database commit). What cannot be handled goes to the dead-letter queue
with the reason in its headers (field names and error types, never values), and the consumer
carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractRobustConnection,
)
from aio_pika.exceptions import AMQPError
from prometheus_client import Counter, Histogram
from pydantic import ValidationError

from bus import amqp
from bus.amqp import Consumer, Delivery
from bus.connection import Broker, as_broker
from bus.contracts import Contract, Event, RemoteError, Request, Route, reply_adapter
from bus.contracts.base import ErrorCode, dump_as_of
from bus.errors import BusDeferred, BusRemoteError, BusTimeout, BusUnavailable, Refusal
from bus.protocol import METHODS, Handlers
from bus.settings import DEFAULT_MAX_BODY
from bus.topology import Topology

logger = logging.getLogger(__name__)

DIRECT_REPLY_TO = "amq.rabbitmq.reply-to"
SCHEMA_HEADER = "x-kefu-schema"
REASON_HEADER = "x-kefu-reason"
ERROR_CODE_HEADER = "x-kefu-error-code"
"""A dead letter's error code (``bad_request``, ``internal``…): ``kefu dlq replay`` reads it."""
RETRIES_HEADER = "x-kefu-retries"
FIRST_FAILED_HEADER = "x-kefu-first-failed-at"
_REPLY_ADAPTERS = {method: reply_adapter(request) for method, request in METHODS.items()}
_METHOD_SHAPE = re.compile(r"[a-z][a-z_]{0,30}\.[a-z][a-z_]{0,30}")
_FIELD_SHAPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")

CLIENT_CALLS = Counter(
    "kefu_bus_calls_total", "Bus calls made by this process.", ["method", "outcome"]
)
CLIENT_LATENCY = Histogram(
    "kefu_bus_call_seconds",
    "Round trip of successful bus calls.",
    ["method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
SERVER_REQUESTS = Counter(
    "kefu_rpc_requests_total", "Requests handled by this worker.", ["method", "outcome"]
)
SERVER_LATENCY = Histogram(
    "kefu_rpc_handler_seconds",
    "Time spent in handlers.",
    ["method"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
R = TypeVar("R", bound=Contract)

REDELIVERED = Counter(
    "kefu_rpc_redelivered_total",
    "Commands that came back to a worker after another one died or lost its connection.",
    ["method"],
)
DEAD_LETTERS = Counter(
    "kefu_dead_letters_total", "Messages sent to a dead-letter queue.", ["queue", "reason"]
)


# Metric children per label set, looked up once: ``labels()`` costs more than ``inc()``.
@functools.cache
def _served(method: str, outcome: str) -> Any:
    return SERVER_REQUESTS.labels(method, outcome)


@functools.cache
def _latency(method: str) -> Any:
    return SERVER_LATENCY.labels(method)


@functools.cache
def _called(method: str, outcome: str) -> Any:
    return CLIENT_CALLS.labels(method, outcome)


@functools.cache
def _round_trip_latency(method: str) -> Any:
    return CLIENT_LATENCY.labels(method)


@dataclass
class CallStats:
    """What one client or server did since it started (for its process's heartbeat)."""

    calls: int = 0
    failed: int = 0
    timeouts: int = 0


class RpcClient:
    """Calls bus methods (a :class:`bus.protocol.Bus`). One per process; safe for any number
    of concurrent calls.

    ``connect()`` never raises for an absent broker: the client keeps trying in the
    background and every call meanwhile fails fast with ``BusUnavailable``, so the bot still
    answers policy questions while the broker is down.
    """

    def __init__(
        self,
        amqp_url: str | Broker,
        *,
        timeout: float = 5.0,
        topology: Topology | None = None,
        connection: AbstractRobustConnection | None = None,
    ) -> None:
        self._broker = as_broker(amqp_url)
        self._timeout = timeout
        self._topology = topology or Topology()
        self._connection = connection
        self._own_connection = connection is None
        self._futures: dict[str, asyncio.Future[bytes]] = {}
        self._channel: AbstractChannel | None = None
        self._replies: Consumer | None = None
        self._ids = itertools.count(1)
        self._ready = asyncio.Event()
        self._connector: asyncio.Task[None] | None = None
        self.stats = CallStats()

    @property
    def connected(self) -> bool:
        # The channel too: while a robust connection is reconnecting it is not "closed", but
        # its channel is, and a call must fail at once ("unavailable"), not at its deadline.
        return (
            self._ready.is_set()
            and self._connection is not None
            and not self._connection.is_closed
            and self._channel is not None
            and not self._channel.is_closed
        )

    async def connect(self, *, wait: float | None = None) -> None:
        """Start connecting; with ``wait``, wait that long for the first connection."""
        if self._connector is None:
            self._connector = asyncio.create_task(self._connect_forever(), name="rpc-connect")
        if wait:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._ready.wait()

    async def _connect_forever(self) -> None:
        delay = 0.5
        while True:
            try:
                if self._connection is None:
                    self._connection = await self._broker.connect(
                        f"kefu-rpc:{self._topology.prefix}"
                    )
                await self._open_channel(self._connection)
                self._ready.set()
                logger.info("bus client connected")
                return
            except (AMQPError, OSError, ConnectionError) as exc:
                logger.warning("bus client cannot connect (%s); retrying in %.1fs", exc, delay)
                if self._own_connection and self._connection is not None:
                    with contextlib.suppress(Exception):
                        await self._connection.close()
                    self._connection = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    async def _open_channel(self, connection: AbstractRobustConnection) -> None:
        # Publisher confirms on: aiormq reports a returned (unroutable) message only through
        # its confirmation, and "nobody serves this" must fail at once. The confirm comes
        # back as soon as the broker has routed the request, well before the worker's reply,
        # so it costs frames, not latency.
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        # Declared here too: publishing to a missing exchange would close the channel.
        await channel.declare_exchange(
            self._topology.rpc_exchange, aio_pika.ExchangeType.DIRECT, durable=True
        )
        # Registered again by the Consumer whenever the channel comes back after a reconnect.
        self._replies = Consumer(channel, DIRECT_REPLY_TO, self._on_reply, no_ack=True)
        await self._replies.start()
        channel.close_callbacks.add(self._on_channel_closed)
        self._channel = channel

    async def _on_reply(self, message: Delivery) -> None:
        future = self._futures.pop(message.header.properties.correlation_id or "", None)
        if future is not None and not future.done():
            future.set_result(message.body)

    def _on_channel_closed(self, *_: Any) -> None:
        # Replies for calls in flight went with the channel's reply-to: fail them now
        # rather than at their deadlines.
        for future in self._futures.values():
            if not future.done():
                future.set_exception(BusUnavailable("connection to the broker lost"))
        self._futures.clear()

    async def call(self, request: Request[R], *, deadline: float | None = None) -> R:
        """Send a request and return its parsed reply (one of ``type(request).REPLIES``)."""
        body = await self._round_trip(
            request.METHOD,
            request.KIND,
            request.model_dump_json().encode(),
            schema=request.SCHEMA_VERSION,
            message_id=getattr(request, "idempotency_key", None),
            deadline=deadline,
        )
        reply = _REPLY_ADAPTERS[request.METHOD].validate_json(body)
        if isinstance(reply, RemoteError):
            _called(request.METHOD, reply.code).inc()
            if not request.METHOD.startswith("ops."):
                self.stats.failed += 1
            if reply.code == "unavailable":
                raise BusUnavailable(f"{request.METHOD}: {reply.message}")
            if reply.code == "deferred":
                raise BusDeferred(f"{request.METHOD}: {reply.message}")
            raise BusRemoteError(reply.code, reply.message)
        # The adapter accepts exactly the request's replies (and RemoteError, raised above).
        return cast(R, reply)

    async def call_raw(self, method: str, body: bytes, *, deadline: float | None = None) -> bytes:
        """Send any bytes to a method and return the reply's bytes: ``kefu rpc`` and tests."""
        request = METHODS.get(method)
        kind = request.KIND if request else "query"
        schema = request.SCHEMA_VERSION if request else Contract.SCHEMA_VERSION
        return await self._round_trip(method, kind, body, schema=schema, deadline=deadline)

    async def _round_trip(
        self,
        method: str,
        kind: str,
        body: bytes,
        *,
        schema: int,
        message_id: str | None = None,
        deadline: float | None = None,
    ) -> bytes:
        channel = self._channel
        # The process's own counters (its heartbeat, the ops error rate) count the calls made
        # for customers; ops' own questions (ops.*) are not theirs.
        stats = self.stats if not method.startswith("ops.") else CallStats()
        stats.calls += 1
        if not self.connected or channel is None:
            _called(method, "unavailable").inc()
            stats.failed += 1
            raise BusUnavailable("not connected to the broker")
        deadline = deadline or self._timeout
        correlation_id = f"{next(self._ids):x}"
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._futures[correlation_id] = future
        command = kind == "command"
        properties = amqp.Properties(
            content_type="application/json",
            correlation_id=correlation_id,
            reply_to=DIRECT_REPLY_TO,
            message_type=method,
            message_id=message_id,
            headers={SCHEMA_HEADER: schema},
            delivery_mode=2 if command else 1,
            # A query nobody picked up in time is dropped by the broker; a command waits for
            # a worker however long it takes (its idempotency key makes a retry safe).
            expiration=None if command else str(max(1, int(deadline * 1000))),
            # When it was sent: the management API reports the oldest waiting message's age
            # from it (head_message_timestamp, kefu status and the alerts).
            timestamp=datetime.now(UTC),
        )
        started = time.perf_counter()
        confirmed = False
        try:
            async with asyncio.timeout(deadline):
                await amqp.publish_mandatory(
                    channel,
                    body,
                    exchange=self._topology.rpc_exchange,
                    routing_key=method,
                    properties=properties,
                )
                confirmed = True
                reply = await future
        except TimeoutError:
            _called(method, "timeout").inc()
            stats.failed += 1
            stats.timeouts += 1
            logger.warning(
                "bus call %s timed out after %.1fs [cid=%s]", method, deadline, correlation_id
            )
            raise BusTimeout(
                f"{method}: no reply within {deadline:.1f}s", accepted=command and confirmed
            ) from None
        except amqp.Unroutable:
            _called(method, "unavailable").inc()
            stats.failed += 1
            raise BusUnavailable(f"nobody serves {method}") from None
        except amqp.Refused:
            _called(method, "unavailable").inc()
            stats.failed += 1
            raise BusUnavailable(f"the broker refused {method}") from None
        except BusUnavailable:
            _called(method, "unavailable").inc()
            stats.failed += 1
            raise
        except (AMQPError, ConnectionError, RuntimeError) as exc:
            _called(method, "unavailable").inc()
            stats.failed += 1
            raise BusUnavailable(f"{method}: {exc}") from exc
        finally:
            self._futures.pop(correlation_id, None)
        _called(method, "ok").inc()
        _round_trip_latency(method).observe(time.perf_counter() - started)
        return reply

    async def close(self) -> None:
        if self._connector is not None:
            self._connector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connector
        if self._replies is not None:
            await self._replies.cancel()
            self._replies = None
        if self._channel is not None:
            with contextlib.suppress(Exception):
                await self._channel.close()
            self._channel = None
        self._ready.clear()
        if self._own_connection and self._connection is not None:
            await self._connection.close()
            self._connection = None


class RpcServer:
    """Serves bus methods from a typed registry (:class:`bus.protocol.Handlers`, or the
    ``Request.served_by`` routes to build one from); requests are validated against their
    contract before the handler sees them."""

    def __init__(
        self,
        connection: AbstractRobustConnection,
        handlers: Handlers | Iterable[Route],
        *,
        topology: Topology | None = None,
        prefetch: int = 32,
        max_body: int = DEFAULT_MAX_BODY,
        unavailable: Callable[[BaseException], str | None] = lambda exc: None,
        retry_delay: float = 5.0,
        retry_for: float = 3600.0,
    ) -> None:
        self._connection = connection
        self._handlers = handlers if isinstance(handlers, Handlers) else Handlers(handlers)
        self._max_body = max_body
        self._unavailable = unavailable
        self._retry_delay = retry_delay
        self._retry_for = retry_for
        self._topology = topology or Topology()
        self._queries_queue = self._topology.queries_queue
        self._prefetch = prefetch
        self._channels: list[AbstractChannel] = []
        self._consumers: list[Consumer] = []
        self._dead_letters: AbstractExchange | None = None
        self._retries: AbstractExchange | None = None
        self._confirmed: AbstractChannel | None = None
        self._in_flight: set[asyncio.Task[Any]] = set()
        self.stats = CallStats()
        """``calls``: requests handled; ``failed``: refused, dead-lettered or failed."""

    async def start(self) -> None:
        # Dead letters and events go out on a confirmed channel: they must not be lost.
        confirmed = await self._connection.channel(publisher_confirms=True)
        self._channels.append(confirmed)
        self._confirmed = confirmed
        _, _, self._dead_letters = await self._topology.declare_exchanges(confirmed)
        self._retries = await self._topology.declare_retries(confirmed)
        for declare, name in (
            (self._topology.declare_queries, self._topology.queries_queue),
            (self._topology.declare_commands, self._topology.commands_queue),
        ):
            channel = await self._connection.channel(publisher_confirms=False)
            await channel.set_qos(prefetch_count=self._prefetch)
            await declare(channel)
            consumer = Consumer(channel, name, self._make_consumer(name))
            await consumer.start()
            self._channels.append(channel)
            self._consumers.append(consumer)
        logger.info(
            "serving %d methods on %s (prefetch %d)",
            len(self._handlers),
            self._topology.prefix,
            self._prefetch,
        )

    def _make_consumer(self, queue_name: str) -> amqp.OnDelivery:
        async def consume(message: Delivery) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._in_flight.add(task)
            try:
                await self._handle(queue_name, message)
            finally:
                if task is not None:
                    self._in_flight.discard(task)

        return consume

    async def _handle(self, queue_name: str, message: Delivery) -> None:
        self.stats.calls += 1
        props = message.header.properties
        method = props.message_type or ""
        cid = props.correlation_id or "-"
        route = self._handlers.get(method)
        if route is None:
            await self._refuse(
                queue_name, message, "unknown_method", f"unknown method {shown_method(method)!r}"
            )
            return
        request_type = route.request_type
        arrived_on = "query" if queue_name == self._queries_queue else "command"
        if request_type.KIND != arrived_on:
            # Dispatch is by the message's type, so the queue must agree: a command that came
            # in on the queries route would skip persistence and confirms (and vice versa).
            await self._refuse(
                queue_name,
                message,
                "wrong_route",
                f"{method} is a {request_type.KIND} and came in on the {arrived_on} route",
            )
            return
        if len(message.body) > self._max_body:
            # Checked before parsing: a huge body costs nothing more than its bytes.
            await self._refuse(
                queue_name,
                message,
                "too_large",
                f"{method}: {len(message.body)} bytes, over the limit of {self._max_body}",
            )
            return
        schema = schema_version(props.headers or {}, request_type.SCHEMA_VERSION)
        if schema != request_type.SCHEMA_VERSION and schema not in request_type.OLDER_SCHEMAS:
            await self._refuse(
                queue_name,
                message,
                "unsupported_version",
                f"{method} speaks schema {request_type.SCHEMA_VERSION}, got "
                + (str(schema) if schema is not None else "a header that is not a number"),
            )
            return
        try:
            request = request_type.model_validate_json(message.body)
        except ValidationError as exc:
            await self._refuse(queue_name, message, "bad_request", describe_errors(exc))
            return

        if request_type.KIND == "command" and amqp.redelivered(message):
            # Back from a worker that died or lost its connection before its ack: applied
            # once all the same (the command's key), but worth knowing about.
            logger.info("redelivered %s [cid=%s]", method, cid)
            REDELIVERED.labels(method).inc()
        started = time.perf_counter()
        try:
            reply = await route.handler(request)
        except asyncio.CancelledError:
            await amqp.nack(message, requeue=True)
            raise
        except Refusal as refusal:
            # Well-formed but refused for good (e.g. a key reused for another request):
            # answered, acked, neither retried nor parked.
            logger.warning("refused %s: %s [cid=%s]", method, refusal.code, cid)
            _served(method, refusal.code).inc()
            self.stats.failed += 1
            await self._reply(
                message, RemoteError(code=refusal.code, message=refusal.message[:500])
            )
            await amqp.ack(message)
            return
        except Exception as exc:
            store = self._unavailable(exc)
            if store is not None:
                await self._store_unavailable(queue_name, message, method, request_type, store)
                return
            logger.exception("handler %s failed [cid=%s]", method, cid)
            _served(method, "error").inc()
            self.stats.failed += 1
            if request_type.KIND == "command" and not amqp.redelivered(message):
                # One more try (another worker may succeed); a second failure dead-letters.
                await amqp.nack(message, requeue=True)
            else:
                await self._refuse(
                    queue_name, message, "internal", "the worker could not handle this request"
                )
            return
        _latency(method).observe(time.perf_counter() - started)
        _served(method, "ok").inc()
        older = schema if schema != request_type.SCHEMA_VERSION else None
        await self._reply(message, reply, older=older)
        await amqp.ack(message)

    async def _store_unavailable(
        self,
        queue_name: str,
        message: Delivery,
        method: str,
        request_type: type[Request[Any]],
        what: str,
    ) -> None:
        """The handler's database could not be reached (or stayed locked): nothing was
        written (its transaction is gone with the error). A query is answered
        ``unavailable``; a command is answered ``deferred`` and kept: it goes to the retry
        queue, comes back on the commands queue after ``retry_delay`` and is applied once when
        the database is back. One that keeps failing for ``retry_for`` seconds is
        dead-lettered (``kefu dlq replay`` once the database is fixed)."""
        props = message.header.properties
        cid = props.correlation_id or "-"
        _served(method, "unavailable").inc()
        if request_type.KIND == "query":
            logger.warning("%s: database unavailable (%s) [cid=%s]", method, what, cid)
            await self._reply(
                message,
                RemoteError(
                    code="unavailable", message="the order data is unavailable; try again shortly"
                ),
            )
            await amqp.ack(message)
            return
        headers = dict(props.headers or {})
        first = headers.get(FIRST_FAILED_HEADER)
        now = time.time()
        first_failed = first if isinstance(first, int | float) else now
        tried = headers.get(RETRIES_HEADER)
        retries = (tried if isinstance(tried, int) else 0) + 1
        if now - first_failed >= self._retry_for:
            await self._refuse(
                queue_name,
                message,
                "unavailable",
                f"the database stayed unavailable for {now - first_failed:.0f} s "
                f"({retries} tries; last: {what})",
            )
            return
        logger.warning(
            "%s: database unavailable (%s); retrying in %.0f s (try %d) [cid=%s]",
            method,
            what,
            self._retry_delay,
            retries,
            cid,
        )
        headers.update({FIRST_FAILED_HEADER: int(first_failed), RETRIES_HEADER: retries})
        assert self._retries is not None
        try:
            await self._retries.publish(
                aio_pika.Message(
                    message.body,
                    headers=headers,
                    content_type=props.content_type,
                    correlation_id=props.correlation_id,
                    reply_to=props.reply_to,
                    message_id=props.message_id,
                    type=props.message_type,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    expiration=self._retry_delay,
                ),
                routing_key=method,
            )
        except amqp.CHANNEL_GONE:
            # Not parked: back to the queue (unacked), to be tried again from there.
            logger.warning("%s: could not park it for a retry; requeued [cid=%s]", method, cid)
            await amqp.nack(message, requeue=True)
            return
        await self._reply(
            message,
            RemoteError(
                code="deferred",
                message="the order data is unavailable; the request is kept and will be "
                "applied once when it is back",
            ),
        )
        await amqp.ack(message)

    async def _reply(self, request: Delivery, reply: Contract, *, older: int | None = None) -> None:
        """``older``: the request's schema, when it is an older one the method still takes
        (``OLDER_SCHEMAS``): the reply goes without the fields added since."""
        props = request.header.properties
        if not props.reply_to:
            return
        body = (
            dump_as_of(reply, older) if older is not None else reply.model_dump_json().encode()
        )
        # mandatory=False: a caller that gave up is not an error, and a mandatory reply to
        # the direct reply-to address gets bounced back as well as delivered. Not waiting for
        # the write: the ack that follows is queued behind it on the same channel.
        await amqp.publish_reply(
            request,
            props.reply_to,
            body,
            amqp.Properties(content_type="application/json", correlation_id=props.correlation_id),
        )

    async def _refuse(
        self,
        queue_name: str,
        message: Delivery,
        code: ErrorCode,
        reason: str,
    ) -> None:
        """Answer the caller with an error, park the message in the dead-letter queue with
        the reason, ack the original. Never raises: the consumer must keep going."""
        props = message.header.properties
        method = shown_method(props.message_type or "")
        logger.warning(
            "dead-lettering %s from %s: %s (%s) [cid=%s]",
            method,
            queue_name,
            code,
            reason,
            props.correlation_id,
        )
        # Metric labels stay a closed set: a made-up method name is "unknown".
        SERVER_REQUESTS.labels(method if method in METHODS else "unknown", code).inc()
        DEAD_LETTERS.labels(queue_name, code).inc()
        self.stats.failed += 1
        await self._reply(message, RemoteError(code=code, message=reason[:500]))
        headers = dict(props.headers or {})
        headers.update(
            {
                REASON_HEADER: f"{code}: {reason}"[:1000],
                ERROR_CODE_HEADER: code,
                "x-kefu-source-queue": queue_name,
                "x-kefu-method": method,
                "x-kefu-dead-at": int(time.time()),
            }
        )
        assert self._dead_letters is not None
        try:
            await self._dead_letters.publish(
                aio_pika.Message(
                    message.body,
                    headers=headers,
                    content_type=props.content_type,
                    correlation_id=props.correlation_id,
                    message_id=props.message_id,
                    type=props.message_type,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                ),
                routing_key=queue_name,
            )
        except amqp.CHANNEL_GONE:
            # Could not park it ourselves: let the broker dead-letter it (queue DLX).
            logger.exception("dead-letter publish failed; rejecting to the queue's DLX")
            await amqp.reject(message, requeue=False)
            return
        await amqp.ack(message)

    async def publish_event(self, event: Event, *, expiration: float | None = None) -> None:
        """Publish an event on the topic exchange (persistent, confirmed); ``expiration``:
        seconds after which the broker drops it unconsumed (heartbeats)."""
        assert self._confirmed is not None, "start() the server first"
        exchange = await self._confirmed.get_exchange(self._topology.events_exchange, ensure=False)
        await exchange.publish(
            event_message(event, expiration=expiration), routing_key=event.ROUTING_KEY
        )

    async def stop(self, grace: float = 10.0) -> None:
        """Stop consuming, let handlers in flight finish (up to ``grace``), close channels.

        Commands stop first: what we have not acked goes back to their durable queue. The
        auto-delete queries queue goes when its last consumer does, so queries are served
        until the handlers in flight are done.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        for consumer in reversed(self._consumers):
            if self._in_flight:
                await asyncio.wait(list(self._in_flight), timeout=max(0.0, deadline - loop.time()))
            await consumer.cancel()
        self._consumers.clear()
        if self._in_flight:
            await asyncio.wait(list(self._in_flight), timeout=max(0.0, deadline - loop.time()))
        for channel in self._channels:
            with contextlib.suppress(Exception):
                await channel.close()
        self._channels.clear()


def event_message(event: Event, *, expiration: float | None = None) -> aio_pika.Message:
    """An event as it goes on the wire: JSON, its routing key as ``type``, its schema version
    in the header, its ``event_id`` (when it has one) as the message id."""
    return aio_pika.Message(
        event.model_dump_json().encode(),
        content_type="application/json",
        type=event.ROUTING_KEY,
        message_id=getattr(event, "event_id", None),
        headers={SCHEMA_HEADER: event.SCHEMA_VERSION},
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        expiration=expiration,
        timestamp=int(time.time()),
    )


def shown_method(method: str) -> str:
    """A method name fit for logs, headers and reasons: ours, or shaped like ours. Anything
    else came from whoever published the message and could be any text (a phone number
    included), so it is not repeated."""
    if method in METHODS or _METHOD_SHAPE.fullmatch(method):
        return method
    return "?"


def schema_version(headers: Mapping[str, Any], default: int) -> int | None:
    """The ``x-kefu-schema`` header as a number: an integer, or digits in a string (another
    AMQP client may send one); ``None`` for anything else (a bool is not a version)."""
    value = headers.get(SCHEMA_HEADER, default)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return int(value) if value == int(value) else None
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def describe_errors(exc: ValidationError, limit: int = 5) -> str:
    """Where and what went wrong, never the value: ``order_no: string_pattern_mismatch``.

    Dead-letter reasons and error replies are read by people and land in logs, and a rejected
    value can be a phone number or an address. Location parts that are not field-shaped (an
    unexpected key is chosen by the sender) are shown as ``?``.
    """
    parts = []
    for error in exc.errors(include_url=False, include_context=False, include_input=False)[:limit]:
        where = ".".join(
            str(part) if isinstance(part, int) or _FIELD_SHAPE.fullmatch(str(part)) else "?"
            for part in error["loc"]
        )
        parts.append(f"{where or 'body'}: {error['type']}")
    return "; ".join(parts)
