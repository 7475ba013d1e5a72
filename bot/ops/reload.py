"""A running bot picks up a new intent model, catalogue or taught phrases without a restart.

:class:`IntentReloader` reloads the engine (``IntentEngine.reload``) on ``SIGHUP`` and, every
``KEFU_INTENTS_RELOAD_S`` seconds (0: only on the signal), when one of its files changed
(``reload_if_changed``: a few ``stat`` calls). The files are read in a worker thread; the new
state is swapped in as one object, so a message being matched meanwhile finishes on the old one.

A file that does not load (a half-written model, a broken catalogue, an override naming an
intent that does not exist) keeps the old state: the bot goes on answering with it, logs the
failure at ERROR once per version of the files (with the error, never a customer's words),
counts it (``kefu_bot_intents_reloads_total{result="failed"}``) and, with ``OPS_CHAT_ID``,
says so in the ops chat. The next change to the files is tried again.

``kefu intents teach "phrase" group.name`` then ``kill -HUP <pid>`` (or waiting one interval)
is the whole loop for a shop owner; ``python -m intents train`` writes a new model the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from prometheus_client import Counter

from bot.settings import BotSettings
from intents import IntentEngine

logger = logging.getLogger(__name__)

RELOADS = Counter(
    "kefu_bot_intents_reloads_total",
    "Intent engine reloads by result (ok, failed).",
    ["result"],
)

Notify = Callable[[str], Awaitable[None]]


class IntentReloader:
    """Reloads ``engine`` on SIGHUP and when its files change (see the module docstring)."""

    def __init__(
        self, engine: IntentEngine, interval_s: float, *, notify: Notify | None = None
    ) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self.notify = notify
        self.reloads = 0
        self.failures = 0
        self._failed_at: tuple[float, ...] | None = None  # the files' stamp that failed last
        self._task: asyncio.Task[None] | None = None
        self._signal = False
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task[bool]] = set()

    async def check(self, *, force: bool = False) -> bool:
        """Reload when the files changed (or always, ``force``); ``True`` when it did. Never
        raises: a failure keeps the old state."""
        async with self._lock:
            stamp = self.engine.stamp()
            if not force and (not self.engine.changed() or stamp == self._failed_at):
                return False
            try:
                await asyncio.to_thread(self.engine.reload)
            except Exception as exc:  # a broken file of any kind: keep answering
                RELOADS.labels("failed").inc()
                self.failures += 1
                first = stamp != self._failed_at
                self._failed_at = stamp
                if first or force:
                    text = f"{type(exc).__name__}: {exc}"[:500]
                    logger.error(
                        "intent engine reload failed, still answering with the previous model: %s",
                        text,
                    )
                    await self._say(
                        f"⚠️ Intent model reload failed; the bot keeps the previous model. {text}"
                    )
                return False
            RELOADS.labels("ok").inc()
            self.reloads += 1
            if self._failed_at is not None:
                await self._say("✅ Intent model reloaded after the earlier failure.")
            self._failed_at = None
            info = self.engine.info()
            logger.info(
                "intent engine reloaded: model %s, %d taught phrases",
                info.get("model") or "none",
                info.get("overrides", 0),
            )
            return True

    async def _say(self, text: str) -> None:
        if self.notify is None:
            return
        try:
            await self.notify(text)
        except Exception as exc:  # the ops chat is a courtesy: never fails the reload
            logger.warning("could not post the reload notice: %s", type(exc).__name__)

    def _on_sighup(self) -> None:
        logger.info("SIGHUP: reloading the intent engine")
        task = asyncio.get_running_loop().create_task(self.check(force=True))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.check()

    def start(self, *, handle_signal: bool = True) -> None:
        """Start watching (when the interval is above 0) and take SIGHUP (Linux)."""
        loop = asyncio.get_running_loop()
        if handle_signal and not self._signal:
            loop.add_signal_handler(signal.SIGHUP, self._on_sighup)
            self._signal = True
        if self.interval_s > 0 and self._task is None:
            self._task = loop.create_task(self._watch(), name="intents-reload")

    async def stop(self) -> None:
        if self._signal:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            self._signal = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._pending):
            with contextlib.suppress(Exception):
                await task


def ops_notice(settings: BotSettings) -> Notify | None:
    """A function that posts a line in the ops chat (``OPS_CHAT_ID``), or ``None`` without one
    (or in the console, which has no Telegram)."""
    chat_id = settings.monitor.ops_chat_id
    token = settings.bot_token
    if chat_id is None or token is None:
        return None
    api_url = settings.telegram_api_url

    async def notify(text: str) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else None
        bot = Bot(token.get_secret_value(), session=session)
        try:
            await bot.send_message(chat_id, text)
        finally:
            await bot.session.close()

    return notify
