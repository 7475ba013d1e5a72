"""Where the bot keeps its chats (FSM state and :class:`bot.services.memory.ChatMemory`), and
for how long: a chat nobody touched for ``KEFU_CHAT_TTL_S`` is forgotten, in memory as in
Redis, so that the store holds the active conversations, not every customer ever seen
(about 7 KiB each).

- Redis (``REDIS_URL``): aiogram's ``RedisStorage`` with the TTL on the state and data keys;
  every write sets it again (the chat memory is written on every customer message). Its
  client (shared with flood control and the handled-update log) draws on a *blocking* pool of
  ``KEFU_REDIS_MAX_CONNECTIONS``: under a burst a command waits for a free connection (up to
  ``KEFU_REDIS_POOL_TIMEOUT_S``). redis-py's default pool raises ``Too many connections`` at
  its hundredth connection instead — under load that failed customers' updates outright.
- Memory: :class:`ExpiringMemoryStorage`, aiogram's ``MemoryStorage`` that notes when each key
  was last read or written and drops the idle ones as it goes (a sweep at most every tenth
  of the TTL, costing only the expired keys).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import BlockingConnectionPool, Redis

from bot.settings import BotSettings


class ExpiringMemoryStorage(MemoryStorage):
    """``MemoryStorage`` whose keys expire ``ttl`` seconds after they were last used."""

    def __init__(self, ttl: float, *, clock: Any = time.monotonic) -> None:
        super().__init__()
        self.ttl = ttl
        self._clock = clock
        self._used: OrderedDict[StorageKey, float] = OrderedDict()  # oldest use first
        self._next_sweep = clock() + ttl / 10

    def _use(self, key: StorageKey) -> None:
        now = self._clock()
        self._used[key] = now
        self._used.move_to_end(key)
        if now >= self._next_sweep:
            self.sweep(now)

    def sweep(self, now: float | None = None) -> int:
        """Forget the keys idle for ``ttl`` seconds; returns how many."""
        now = self._clock() if now is None else now
        self._next_sweep = now + self.ttl / 10
        forgotten = 0
        while self._used:
            key, used = next(iter(self._used.items()))
            if now - used < self.ttl:
                break
            del self._used[key]
            self.storage.pop(key, None)
            forgotten += 1
        return forgotten

    def __len__(self) -> int:
        return len(self.storage)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        self._use(key)
        await super().set_state(key, state)

    async def get_state(self, key: StorageKey) -> str | None:
        self._use(key)
        return await super().get_state(key)

    async def set_data(self, key: StorageKey, data: Any) -> None:
        self._use(key)
        await super().set_data(key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self._use(key)
        return await super().get_data(key)


def make_storage(settings: BotSettings) -> BaseStorage:
    """Redis when ``REDIS_URL`` is set (several bot processes), memory otherwise; both forget
    a chat idle for ``KEFU_CHAT_TTL_S``."""
    ttl = settings.chat_ttl_s
    if not settings.redis_url:
        return ExpiringMemoryStorage(ttl)
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_pool_timeout_s,
    )
    # with_destiny: the bot keeps its chat memory apart from the FSM data (see ChatMemory).
    return RedisStorage(
        Redis.from_pool(pool),  # the client owns the pool: storage.close() closes both
        key_builder=DefaultKeyBuilder(with_destiny=True),
        state_ttl=int(ttl),
        data_ttl=int(ttl),
    )
