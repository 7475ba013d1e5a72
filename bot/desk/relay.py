"""Copying messages between a customer's chat and their ticket's topic.

``copyMessage`` keeps media and formatting and does not show where the message came from (the
customer never sees the agents' group). An album arrives as one update per item: the items of
one album are collected for a moment (``ALBUM_WAIT_S`` after the last one) and copied together
with ``copyMessages``, so that it stays an album on the other side; anything else is copied at
once. The transcript is written per message as it arrives, before the copy.

Albums are collected per bot process. With several processes and no partitioning of updates
by chat (docs/bot.md), the items of one album can land on different processes and arrive as
two smaller albums; every item still arrives once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter

logger = logging.getLogger(__name__)

ALBUM_WAIT_S = 0.6

# (bot, ids) → None; raises what the Bot API raised
Flush = Callable[[Bot, list[int]], Awaitable[None]]


@dataclass
class _Album:
    bot: Bot
    flush: Flush
    ids: list[int] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


class AlbumCollector:
    """Collects the message ids of one album (by a key that names source, target and album)
    and hands them to ``flush`` once no new item came for ``wait`` seconds."""

    def __init__(self, wait: float = ALBUM_WAIT_S) -> None:
        self.wait = wait
        self._albums: dict[tuple[object, ...], _Album] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, key: tuple[object, ...], bot: Bot, message_id: int, flush: Flush) -> None:
        album = self._albums.get(key)
        if album is None:
            album = self._albums[key] = _Album(bot, flush)
        album.ids.append(message_id)
        if album.timer is not None:
            album.timer.cancel()
        album.timer = asyncio.get_running_loop().call_later(self.wait, self._due, key)

    def _due(self, key: tuple[object, ...]) -> None:
        album = self._albums.pop(key, None)
        if album is None:
            return
        task = asyncio.create_task(self._flush(album), name="album-flush")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush(self, album: _Album) -> None:
        try:
            await album.flush(album.bot, sorted(set(album.ids)))
        except Exception:
            logger.exception("an album could not be relayed")

    async def drain(self) -> None:
        """Flush what is collected now (shutdown, tests)."""
        for key in list(self._albums):
            album = self._albums.get(key)
            if album is not None and album.timer is not None:
                album.timer.cancel()
            self._due(key)
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


async def with_retry(call: Callable[[], Awaitable[object]], attempts: int = 2) -> object:
    """One more try after Telegram's flood-control pause (``retry_after``), capped at 10 s."""
    for attempt in range(attempts):
        try:
            return await call()
        except TelegramRetryAfter as exc:
            if attempt + 1 >= attempts:
                raise
            await asyncio.sleep(min(exc.retry_after, 10))
    raise AssertionError("unreachable")


def reason_of(exc: TelegramAPIError) -> str:
    """The Bot API's own description, without our URLs or tokens (safe to show agents)."""
    with contextlib.suppress(Exception):
        return exc.message[:200]
    return type(exc).__name__
