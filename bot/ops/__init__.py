"""What the bot does for ops (docs/operations.md): one event per customer turn (``turns``),
its process heartbeat, the alert loop that posts in the ops chat (``alerts``) and ``/status``
there (``status``).

``install_ops(dp, settings, rpc=…, engine=…)`` wires it all into a dispatcher: the turn
middleware (after the intent match), the ops router (first, so that ``/status`` is never read
as a customer's question), and the outbox, heartbeat and alert loop started with the
dispatcher (polling or webhook; ``python -m bot`` starts them itself for the console chat).
A dispatcher fed updates directly (unit tests) publishes nothing: its events stay in the
outbox's buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from typing import TYPE_CHECKING, Any

from aio_pika.abc import AbstractRobustConnection
from aio_pika.exceptions import AMQPError
from aiogram import Bot, Dispatcher

from bot.ops.alerts import AlertLoop
from bot.ops.status import get_router
from bot.ops.turns import TurnMiddleware, TurnRecorder
from bus import Bus
from bus.contracts import ProcessHeartbeat, ProcessStats
from bus.heartbeat import Heartbeat
from bus.outbox import EventOutbox

if TYPE_CHECKING:
    from bot.settings import BotSettings
    from intents import IntentEngine

logger = logging.getLogger(__name__)


def conversation_secret(settings: BotSettings) -> bytes:
    """``KEFU_CONVERSATION_SECRET``, or one derived from the bot token (the same for every
    process of one bot, never the token itself), or a fixed one for the local console."""
    if settings.conversation_secret is not None:
        return settings.conversation_secret.get_secret_value().encode()
    token = settings.bot_token.get_secret_value() if settings.bot_token else "console"
    return hashlib.sha256(b"kefu conversation key\x00" + token.encode()).digest()


class OpsRuntime:
    """The bot process's ops parts, started once and stopped with the dispatcher."""

    def __init__(self, settings: BotSettings, *, rpc: Bus, engine: IntentEngine) -> None:
        bus = settings.bus
        self.settings = settings
        self.rpc = rpc
        self.outbox = EventOutbox(
            bus.broker, bus.topology, capacity=settings.events_buffer, name="bot-events"
        )
        groups = {intent.id: intent.group for intent in engine.catalog.intents}
        self.recorder = TurnRecorder(self.outbox, conversation_secret(settings), groups)
        self.heartbeat = Heartbeat("bot", self._beat, interval=bus.heartbeat_s, stats=self._stats)
        self.alerts: AlertLoop | None = None
        self._started = False
        self._connection: AbstractRobustConnection | None = None
        self._connecting = asyncio.Lock()

    async def amqp(self) -> AbstractRobustConnection | None:
        """A connection for counting queues (``/status``); ``None`` while the broker is away."""
        async with self._connecting:
            if self._connection is None:
                try:
                    async with asyncio.timeout(5):
                        self._connection = await self.settings.bus.broker.connect(
                            f"kefu-ops:{self.settings.bus.prefix}"
                        )
                except (AMQPError, OSError, ConnectionError, TimeoutError):
                    return None
            return self._connection

    def _stats(self) -> ProcessStats:
        calls = getattr(self.rpc, "stats", None)
        return ProcessStats(
            rpc_calls=getattr(calls, "calls", 0),
            rpc_failed=getattr(calls, "failed", 0),
            rpc_timeouts=getattr(calls, "timeouts", 0),
            turns=self.recorder.turns,
            events_dropped=self.outbox.stats.dropped,
        )

    async def _beat(self, beat: ProcessHeartbeat) -> None:
        self.outbox.offer(beat, expiration=3 * beat.interval_s)

    def ensure_started(self, bot: Bot | None = None) -> None:
        if not self._started:
            self._started = True
            self.outbox.start()
            self.heartbeat.start()
        monitor = self.settings.monitor
        if bot is not None and self.alerts is None and monitor.ops_chat_id is not None:
            self.alerts = AlertLoop(
                bot,
                monitor,
                amqp_url=self.settings.bus.broker,
                topology=self.settings.bus.topology,
                rpc=self.rpc,
            )
            self.alerts.start()

    async def on_startup(self, bot: Bot, **_: Any) -> None:
        self.ensure_started(bot)

    async def on_shutdown(self, **_: Any) -> None:
        await self.stop()

    async def stop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        if self.alerts is not None:
            await self.alerts.stop()
            self.alerts = None
        if self._started:
            await self.heartbeat.stop()  # the goodbye goes through the outbox…
            await self.outbox.stop()  # …which sends what is buffered
            self._started = False


def install_ops(
    dp: Dispatcher, settings: BotSettings, *, rpc: Bus, engine: IntentEngine
) -> OpsRuntime:
    runtime = OpsRuntime(settings, rpc=rpc, engine=engine)
    dp["ops"] = runtime
    dp.update.outer_middleware(
        TurnMiddleware(runtime.recorder, default_locale=settings.default_locale)
    )
    monitor = settings.monitor
    if monitor.ops_chat_id is not None or monitor.admin_ids:
        dp.include_router(get_router(monitor, settings.bus.topology))
    dp.startup.register(runtime.on_startup)
    dp.shutdown.register(runtime.on_shutdown)
    return runtime
