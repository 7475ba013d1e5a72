"""Copying messages between a customer's chat and their ticket's topic.

``copyMessage`` keeps media and formatting and does not show where the message came from (the
customer never sees the agents' group). An album arrives as one update per item: the items of
one album are collected for a moment (``ALBUM_WAIT_S`` after the last one) and copied together
with ``copyMessages``, so that it stays an album on the other side; anything else is copied at
once. The transcript is written per message as it arrives, before the copy.

The moment counts from when no item of the album is still on its way: a chat's updates are
handled one at a time (the dispatcher's per-chat lock), and each item's turn writes the
transcript over the bus before it is collected, so under load the next item could wait longer
than the moment for its turn and the album left in two. Every album item's update is counted
from its arrival (before the lock, :meth:`AlbumCollector.arriving`) to its end, and an album is
not copied while one of its items is still counted.

Albums are collected per bot process. With several processes and no partitioning of updates
by chat (docs/bot.md), the items of one album can land on different processes and arrive as
two smaller albums; every item still arrives once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.types import TelegramObject, Update

logger = logging.getLogger(__name__)

ALBUM_WAIT_S = 0.6

# (bot, ids) → None; raises what the Bot API raised
Flush = Callable[[Bot, list[int]], Awaitable[None]]


# (the chat an album was sent in, its media_group_id)
Origin = tuple[int, str]


@dataclass
class _Album:
    bot: Bot
    flush: Flush
    origin: Origin | None
    ids: list[int] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


class AlbumCollector:
    """Collects the message ids of one album (by a key that names source, target and album)
    and hands them to ``flush`` once no new item came for ``wait`` seconds."""

    def __init__(self, wait: float = ALBUM_WAIT_S) -> None:
        self.wait = wait
        self._albums: dict[tuple[object, ...], _Album] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._arriving: Counter[Origin] = Counter()

    @contextlib.contextmanager
    def arriving(self, origin: Origin) -> Iterator[None]:
        """An item of the album ``origin`` is on its way (its update, from before the chat's
        lock to its end): the album is not copied meanwhile; when the last item on its way is
        done, the moment starts again."""
        self._arriving[origin] += 1
        try:
            yield
        finally:
            self._arriving[origin] -= 1
            if self._arriving[origin] <= 0:
                del self._arriving[origin]
                for key, album in self._albums.items():
                    if album.origin == origin and album.timer is None:
                        album.timer = asyncio.get_running_loop().call_later(
                            self.wait, self._due, key
                        )

    def add(
        self,
        key: tuple[object, ...],
        bot: Bot,
        message_id: int,
        flush: Flush,
        origin: Origin | None = None,
    ) -> None:
        """Collect ``message_id`` into the album ``key``; ``origin`` (the chat it was sent in,
        its media_group_id) ties it to the items still on their way (:meth:`arriving`)."""
        album = self._albums.get(key)
        if album is None:
            album = self._albums[key] = _Album(bot, flush, origin)
        album.ids.append(message_id)
        if album.timer is not None:
            album.timer.cancel()
        album.timer = asyncio.get_running_loop().call_later(self.wait, self._due, key)

    def _due(self, key: tuple[object, ...], *, now: bool = False) -> None:
        album = self._albums.get(key)
        if album is None:
            return
        if not now and album.origin is not None and self._arriving[album.origin] > 0:
            album.timer = None  # an item is still on its way: its end starts the moment again
            return
        del self._albums[key]
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
            self._due(key, now=True)
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


class AlbumArrivals(BaseMiddleware):
    """Outer update middleware, before every other (the chat's lock among them): an album
    item's update is counted from its arrival to its end (:meth:`AlbumCollector.arriving`)."""

    def __init__(self, albums: AlbumCollector) -> None:
        self.albums = albums

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        message = event.message if isinstance(event, Update) else None
        if message is None or message.media_group_id is None:
            return await handler(event, data)
        with self.albums.arriving((message.chat.id, message.media_group_id)):
            return await handler(event, data)


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
