"""A bot process's consumer of one queue of the worker's events for customers' chats (the
after-sales notices, the staff's answers without the desk): started with the dispatcher,
stopped with it, in the handlers' data under its name."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import Bot, Dispatcher

from bot.settings import BotSettings
from bus.contracts import Event
from bus.events import EventConsumer, EventHandler


class WorkerEvents:
    """One :class:`bus.events.EventConsumer` per bot process on ``queue`` (declared by
    ``declare``); a subclass says which handler takes each event (:meth:`handlers`)."""

    def __init__(
        self,
        settings: BotSettings,
        *,
        queue: str,
        declare: Callable[..., Awaitable[Any]],
        name: str,
    ) -> None:
        self.settings = settings
        self.topology = settings.bus.topology
        self.queue, self.declare, self.name = queue, declare, name
        self._consumer: EventConsumer | None = None
        self.bot: Bot | None = None

    def handlers(self, bot: Bot) -> Mapping[type[Event], EventHandler]:
        raise NotImplementedError

    async def start(self, bot: Bot) -> None:
        if self.bot is not None:
            return
        self.bot = bot
        self._consumer = EventConsumer(
            self.settings.bus.broker,
            self.topology,
            self.queue,
            self.handlers(bot),
            declare=self.declare,
            name=self.name,
            max_body=self.settings.bus.max_message_bytes,
        )
        self._consumer.start()
    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
        self.bot = None

    async def ready(self, wait: float = 10.0) -> None:
        """Wait until the consumer listens (tests)."""
        assert self._consumer is not None, "start() first"
        await asyncio.wait_for(self._consumer.ready.wait(), wait)

    def install(self, dp: Dispatcher, key: str) -> None:
        """``dp[key]``, consuming from the dispatcher's start to its stop."""
        dp[key] = self

        async def on_startup(bot: Bot) -> None:
            await self.start(bot)

        async def on_shutdown() -> None:
            await self.stop()

        dp.startup.register(on_startup)
        dp.shutdown.register(on_shutdown)
