"""How many updates one bot process handles at once, in every mode: at most
``KEFU_PARTITION_CONCURRENCY``.

aiogram itself starts a task per update and never waits: in long polling
(``handle_as_tasks``) and behind its webhook handler (``handle_in_background``) a burst of
updates starts a burst of handlers, whose bus calls then time out behind each other in the
process's own event loop (what issue 12's load run found on the update partitions, which bound
it in ``bot/partitions.py``). Here the same bound holds for the other two modes:

- **Long polling**: aiogram's own ``tasks_concurrency_limit`` of ``Dispatcher.start_polling``
  (aiogram 3.31, the least pyproject.toml allows): the polling loop takes a slot before it
  starts an update's task and stops asking Telegram for more while every slot is taken, so the
  updates not yet handled wait at Telegram, not in the process.
- **Webhook** (one process or several behind a load balancer): aiogram's request handler has
  no such option; :class:`BoundedRequestHandler` takes a slot before it starts the update's
  task and answers Telegram only then. While every slot is taken, Telegram's calls wait —
  at most its ``max_connections`` (40 by default) — and Telegram slows its deliveries down.

A chat's updates keep their order: slots are given in the order they were asked for (asyncio's
semaphore is first come, first served), updates start in that order, and the dispatcher's event
isolation (one update per chat at a time: a lock per chat, in Redis across processes) hands a
chat's lock in that order too. A slot is held from the update's start, its wait for its chat's
earlier update included (aiogram's polling does the same); flood control keeps one chat's burst
short.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.settings import BotSettings


def polling_options(settings: BotSettings) -> dict[str, Any]:
    """The keyword arguments of ``Dispatcher.start_polling`` that bound it (module doc)."""
    return {"handle_as_tasks": True, "tasks_concurrency_limit": settings.partition_concurrency}


class BoundedRequestHandler(SimpleRequestHandler):
    """aiogram's webhook handler (the secret checked in constant time, the update handled in
    the background) with at most ``limit`` updates handled at once: a call waits for a free
    slot before its update starts and before Telegram gets its answer."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        limit: int,
        secret_token: str | None = None,
        **data: Any,
    ) -> None:
        super().__init__(
            dispatcher=dispatcher,
            bot=bot,
            handle_in_background=True,
            secret_token=secret_token,
            **data,
        )
        self.limit = limit
        self._slots = asyncio.Semaphore(limit)

    # aiogram's own method (3.31), the same but for the slot: tests/e2e/test_update_concurrency.py
    # fails if a new aiogram stops calling it.
    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        update = await request.json(loads=bot.session.json_loads)
        await self._slots.acquire()
        task = asyncio.create_task(self._feed(bot, update))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._background_feed_update_tasks.discard)
        return web.json_response({}, dumps=bot.session.json_dumps)

    async def _feed(self, bot: Bot, update: dict[str, Any]) -> None:
        try:
            await self._background_feed_update(bot=bot, update=update)
        finally:
            self._slots.release()
