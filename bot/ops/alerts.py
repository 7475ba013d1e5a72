"""Alerts in the ops chat: one message when a threshold is crossed, one when it clears.

Every bot process with ``OPS_CHAT_ID`` runs this loop, and exactly one of them evaluates:

- Each process publishes a *tick* every ``OPS_CHECK_SECONDS`` to ``{p}.ops.alerts``, a queue
  with RabbitMQ's *single active consumer*: every process consumes it, the broker delivers to
  one of them only, and hands over to another when that one's channel goes (the process died,
  or lost the broker). The active one checks at most once per interval whatever the number of
  processes ticking.
- The open incidents live in the broker too: ``{p}.ops.alert-state`` keeps one message (a
  newer one pushes the older out), read at each check and written when something changed.
  A process that takes over knows what was already announced and announces nothing twice.

Why not claim through the worker (as the desk's ticket alerts do): the first thing to alert
about is a worker that is not there. The broker is the one part every alert needs anyway — if
it is down, every bot says so in its logs and Prometheus sees the bots' failed calls.

Rules and the incident book: ``monitor/alerts.py``; thresholds: ``monitor/settings.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from datetime import UTC, datetime

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from aio_pika.exceptions import AMQPError
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from prometheus_client import Counter

from bus import Bus
from bus.connection import Broker, as_broker
from bus.topology import Topology
from monitor.alerts import Incident, IncidentBook, alert_text, evaluate, recovery_text
from monitor.settings import MonitorSettings
from monitor.status import collect_status

logger = logging.getLogger(__name__)

OPS_ALERTS = Counter(
    "kefu_ops_alerts_total", "Alerts and recoveries posted in the ops chat.", ["kind"]
)


class AlertLoop:
    def __init__(
        self,
        bot: Bot,
        settings: MonitorSettings,
        *,
        amqp_url: str | Broker,
        topology: Topology,
        rpc: Bus,
    ) -> None:
        assert settings.ops_chat_id is not None
        self.bot = bot
        self.settings = settings
        self.chat_id = settings.ops_chat_id
        self.interval = settings.check_interval_s
        self._broker = as_broker(amqp_url)
        self._topology = topology
        self._rpc = rpc
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._state: AbstractQueue | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._last_check = 0.0
        self._checking = asyncio.Lock()
        self.checks = 0

    def start(self) -> None:
        if not self._tasks:
            self._tasks.append(asyncio.create_task(self._run(), name="ops-alerts"))

    async def _run(self) -> None:
        delay = 0.5
        while self._channel is None:
            try:
                await self._connect()
            except (AMQPError, OSError, ConnectionError) as exc:
                logger.warning("ops alerts cannot connect (%s); retrying in %.1fs", exc, delay)
                await self._close_connection()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)
        while True:
            await self._tick()
            await asyncio.sleep(self.interval)

    async def _connect(self) -> None:
        self._connection = await self._broker.connect(f"kefu-ops-alerts:{self._topology.prefix}")
        channel = await self._connection.channel(publisher_confirms=False)
        await channel.set_qos(prefetch_count=1)
        ticks, self._state = await self._topology.declare_alerts(channel)
        await ticks.consume(self._on_tick)
        self._channel = channel
        logger.info("ops alerts: ticking every %.1fs", self.interval)

    async def _tick(self) -> None:
        channel = self._channel
        if channel is None:
            return
        with contextlib.suppress(AMQPError, ConnectionError, RuntimeError):
            await channel.default_exchange.publish(
                aio_pika.Message(b"tick", expiration=max(1.0, 2 * self.interval)),
                routing_key=self._topology.alerts_queue,
            )

    async def _on_tick(self, message: AbstractIncomingMessage) -> None:
        async with message.process(ignore_processed=True):
            # Ticks from every process come here while this one is the active consumer.
            if time.monotonic() - self._last_check < self.interval * 0.8:
                return
            try:
                await self.check()
            except Exception:
                logger.exception("ops alerts: the check failed")

    async def check(self) -> tuple[list[Incident], list[Incident]]:
        """Evaluate once; post what opened and what cleared; return both."""
        async with self._checking:
            self._last_check = time.monotonic()
            self.checks += 1
            summary = await collect_status(
                self.settings, self._topology, self._rpc, amqp=self._connection
            )
            evaluation = evaluate(summary, self.settings)
            book, stored = await self._load()
            opened, resolved = book.update(evaluation, hold_s=self.settings.rpc_window_s)
            posted_open = []
            for incident in opened:
                if await self._post(alert_text(incident)):
                    OPS_ALERTS.labels("alert").inc()
                    posted_open.append(incident)
                else:  # not announced: try again at the next check
                    del book.open[incident.key]
            posted_resolved = []
            now = datetime.now(UTC)
            for incident in resolved:
                if await self._post(recovery_text(incident, now)):
                    OPS_ALERTS.labels("recovery").inc()
                    posted_resolved.append(incident)
                else:
                    book.open[incident.key] = incident
            if posted_open or posted_resolved or stored is None:
                await self._save(book)
            return posted_open, posted_resolved

    async def _load(self) -> tuple[IncidentBook, bytes | None]:
        if self._state is None:
            return IncidentBook(), None
        message = await self._state.get(no_ack=False, fail=False)
        if message is None:
            return IncidentBook(), None
        body = message.body
        await message.nack(requeue=True)
        return IncidentBook.from_json(body), body

    async def _save(self, book: IncidentBook) -> None:
        if self._channel is None:
            return
        await self._channel.default_exchange.publish(
            aio_pika.Message(
                book.to_json(),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=self._topology.alert_state_queue,
        )

    async def _post(self, text: str) -> bool:
        try:
            await self.bot.send_message(self.chat_id, html.escape(text))
        except (TelegramAPIError, TelegramNetworkError, OSError, TimeoutError) as exc:
            logger.warning("ops alert not posted: %s", type(exc).__name__)
            return False
        return True

    async def _close_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        self._channel = None

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        # Our consumer goes with the channel: another process's loop becomes the active one.
        await self._close_connection()
