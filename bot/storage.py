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
- Memory: :class:`ExpiringMemoryStorage`, aiogram's ``MemoryStorage`` records kept in a
  :class:`bot.expiring.ExpiringMap`: a key idle for the TTL is dropped as the map is used
  (costing only the expired keys), and at most ``KEFU_MEMORY_STORAGE_KEYS`` are kept (the
  least recently used go first), so one long-running process cannot grow without bound. It
  also keeps a chat's :class:`~bot.services.memory.ChatMemory` *as the object* (``keep`` /
  ``kept``): in one process there is nobody to share its JSON with, so a turn neither
  validates it on load nor dumps it on save (about a tenth of a policy turn's own work).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.memory import MemoryStorageRecord
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import BlockingConnectionPool, Redis

from bot.expiring import ExpiringMap
from bot.settings import MEMORY_STORAGE_KEYS, BotSettings


class Kept(Protocol):
    """An object kept live for a key: its stored (JSON-native) form on demand."""

    def stored(self) -> dict[str, Any]: ...


@dataclass
class _Record(MemoryStorageRecord):
    live: Kept | None = None
    """The key's data as a live object (``keep``); ``data`` is then out of date."""


class ExpiringMemoryStorage(BaseStorage):
    """aiogram's ``MemoryStorage`` (a record of state and data per key, made on first use) in
    an :class:`~bot.expiring.ExpiringMap`: a key expires ``ttl`` seconds after it was last
    read or written, and at most ``max_keys`` are kept (the least recently used go first).

    A key's data may be kept as a live object instead (``keep``): ``kept`` gives the object
    back, ``get_data`` its stored form, and ``set_data`` replaces it with plain data again."""

    def __init__(
        self, ttl: float, *, max_keys: int = MEMORY_STORAGE_KEYS, clock: Any = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self._records: ExpiringMap[StorageKey, _Record] = ExpiringMap(
            ttl, max_keys, sliding=True, clock=clock
        )

    def _record(self, key: StorageKey) -> _Record:
        record = self._records.get(key)
        if record is None:
            record = _Record()
            self._records.put(key, record)
        return record

    def kept(self, key: StorageKey) -> Kept | None:
        """The live object kept for ``key``, if any (it expires with the key)."""
        record = self._records.get(key)
        return record.live if record is not None else None

    def keep(self, key: StorageKey, live: Kept) -> None:
        """Keep ``live`` as ``key``'s data: changed in place, it needs no saving."""
        self._record(key).live = live

    def sweep(self) -> int:
        """Forget the keys idle for ``ttl`` seconds (every use does it too); returns how many."""
        return self._records.sweep()

    def __len__(self) -> int:
        return len(self._records)

    async def close(self) -> None:
        pass

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        self._record(key).state = state.state if isinstance(state, State) else state

    async def get_state(self, key: StorageKey) -> str | None:
        return self._record(key).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}"
            )
        record = self._record(key)
        record.data, record.live = data.copy(), None

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = self._record(key)
        return record.live.stored() if record.live is not None else record.data.copy()


def make_storage(settings: BotSettings) -> BaseStorage:
    """Redis when ``REDIS_URL`` is set (several bot processes), memory otherwise; both forget
    a chat idle for ``KEFU_CHAT_TTL_S``."""
    ttl = settings.chat_ttl_s
    if not settings.redis_url:
        return ExpiringMemoryStorage(ttl, max_keys=settings.memory_storage_keys)
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
