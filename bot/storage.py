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
- One update at a time (``bot --partitions``): :class:`ChatRedisStorage` keeps the chat's keys
  for the length of one update (``async with storage.batch(chat_id)``). The first read fetches
  the chat's FSM state and data and its chat memory in one ``MGET``; reads after it are
  answered from what was fetched, writes are kept and sent together in one pipeline when the
  update is done (before it is acknowledged), a delete of a key Redis never had is not sent.
  A turn used to cost ten round trips to Redis — three ``GET``, two ``SET``, three ``DEL``,
  flood control and the handled-update log — 30 % of a busy bot process's CPU in the load
  run; now four. This is safe only because a partition gives one chat's updates to one
  process, one at a time, and only the chat's own updates write its FSM state, data and
  memory. Other keys (another chat's, the desk's handoff record, which the agents' group
  writes too) and anything after the update (a task it started) go to Redis at once, as
  without a batch.
- Memory: :class:`ExpiringMemoryStorage`, aiogram's ``MemoryStorage`` that notes when each key
  was last read or written and drops the idle ones as it goes (a sweep at most every tenth
  of the TTL, costing only the expired keys).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from contextvars import ContextVar
from typing import Any, Literal

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    DEFAULT_DESTINY,
    BaseStorage,
    DefaultKeyBuilder,
    StateType,
    StorageKey,
)
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import BlockingConnectionPool, Redis

from bot.services.memory import MEMORY_DESTINY
from bot.settings import BotSettings

logger = logging.getLogger(__name__)


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


_ABSENT = object()
Part = Literal["state", "data"]


@dataclasses.dataclass
class _Batch:
    """One update's view of its chat's keys: what Redis had (``loaded``; ``None`` for no
    key), what the update made of them (``values``), and the writes still to send."""

    chat_id: int
    loaded: dict[str, str | None] = dataclasses.field(default_factory=dict)
    values: dict[str, str | None] = dataclasses.field(default_factory=dict)
    writes: dict[str, Any] = dataclasses.field(default_factory=dict)  # key → its TTL
    open: bool = True


_BATCH: ContextVar[_Batch | None] = ContextVar("kefu_storage_batch", default=None)
_BATCHED = frozenset({DEFAULT_DESTINY, MEMORY_DESTINY})


class ChatRedisStorage(RedisStorage):
    """aiogram's ``RedisStorage`` that can hold one chat's keys for one update (see the
    module docstring); outside :meth:`batch` it is ``RedisStorage`` itself."""

    @contextlib.asynccontextmanager
    async def batch(self, chat_id: int) -> AsyncIterator[None]:
        """The chat's keys read once and written once for what runs inside."""
        batch = _Batch(chat_id)
        token = _BATCH.set(batch)
        try:
            yield
        finally:
            _BATCH.reset(token)
            batch.open = False
            await self._flush(batch)

    def _batch_for(self, key: StorageKey) -> _Batch | None:
        """The update's batch, for the keys only the chat's own updates write: its FSM state
        and data and its chat memory. (The desk's handoff record is also written from the
        agents' group: it is always read and written in Redis itself.)"""
        batch = _BATCH.get()
        if (
            batch is None
            or not batch.open
            or key.chat_id != batch.chat_id
            or key.destiny not in _BATCHED
        ):
            return None
        return batch

    async def _read(self, batch: _Batch, key: StorageKey, part: Part) -> str | None:
        redis_key = self.key_builder.build(key, part)
        if redis_key not in batch.values:
            # The chat's keys an update reads (the FSM state and data, the chat memory), in one
            # round trip, with the one asked for.
            chat: list[tuple[str, Part]] = [
                (DEFAULT_DESTINY, "state"),
                (DEFAULT_DESTINY, "data"),
                (MEMORY_DESTINY, "data"),
            ]
            wanted = {
                self.key_builder.build(dataclasses.replace(key, destiny=destiny), kind)
                for destiny, kind in chat
            }
            wanted.add(redis_key)
            keys = [k for k in wanted if k not in batch.values]
            for name, raw in zip(keys, await self.redis.mget(keys), strict=True):
                value = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                batch.loaded[name] = value
                batch.values[name] = value
        return batch.values[redis_key]

    def _write(self, batch: _Batch, key: StorageKey, part: Part, value: str | None) -> None:
        redis_key = self.key_builder.build(key, part)
        batch.values[redis_key] = value
        batch.writes[redis_key] = self.state_ttl if part == "state" else self.data_ttl

    async def _flush(self, batch: _Batch) -> None:
        commands = 0
        async with self.redis.pipeline(transaction=False) as pipe:
            for redis_key, ttl in batch.writes.items():
                value = batch.values[redis_key]
                if value is None:
                    if batch.loaded.get(redis_key, _ABSENT) is None:
                        continue  # Redis never had it, and nothing was written meanwhile
                    pipe.delete(redis_key)
                else:
                    pipe.set(redis_key, value, ex=ttl)
                commands += 1
            if commands:
                await pipe.execute()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        batch = self._batch_for(key)
        if batch is None:
            await super().set_state(key, state)
            return
        value = state.state if isinstance(state, State) else state
        self._write(batch, key, "state", value)

    async def get_state(self, key: StorageKey) -> str | None:
        batch = self._batch_for(key)
        if batch is None:
            return await super().get_state(key)
        return await self._read(batch, key, "state")

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        batch = self._batch_for(key)
        if batch is None:
            await super().set_data(key, data)
            return
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        self._write(batch, key, "data", self.json_dumps(data) if data else None)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        batch = self._batch_for(key)
        if batch is None:
            return await super().get_data(key)
        raw = await self._read(batch, key, "data")
        return {} if raw is None else dict(self.json_loads(raw))  # a fresh dict, as from Redis


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
    return ChatRedisStorage(
        Redis.from_pool(pool),  # the client owns the pool: storage.close() closes both
        key_builder=DefaultKeyBuilder(with_destiny=True),
        state_ttl=int(ttl),
        data_ttl=int(ttl),
    )
