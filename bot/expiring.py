"""``ExpiringMap``: what a bot process remembers for a while, never more than a set number of
entries — chats in the in-memory storage, handled update ids, flood-control windows, who is an
agent, the catalogue's charts. One implementation, so that every such memory of a long-running
process has both an expiry and a size cap.

- Each entry expires ``ttl`` seconds after it was put (``put(..., ttl=...)`` for one entry of
  its own), or, with ``sliding=True``, after it was last read or written (an idle chat).
- Entries are kept least recently used first; at ``size`` entries, putting a new one drops the
  least recently used (expired or not).
- An expired entry is never returned: it is dropped when looked up, and every read or write
  first drops the expired entries at the least recently used end — with one ``ttl`` and
  ``sliding`` that end is exactly the next to expire, so the sweep costs only what it drops.
  Otherwise (a fixed ttl with lookups reordering entries, or ttls per entry) an expired entry
  behind a live one waits for its lookup or for the size cap.

Not thread-safe; one event loop's tasks share it (no await inside).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ExpiringMap(Generic[K, V]):
    """A bounded mapping whose entries expire (module doc)."""

    __slots__ = ("_clock", "_entries", "size", "sliding", "ttl")

    def __init__(
        self,
        ttl: float,
        size: int,
        *,
        sliding: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0 or size < 1:
            raise ValueError("an ExpiringMap needs a positive ttl and size")
        self.ttl = ttl
        self.size = size
        self.sliding = sliding
        self._clock = clock
        # key → (when it expires, value), least recently used first
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The live value under ``key`` (now the most recently used), or ``None``."""
        now = self._clock()
        self._sweep(now)
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= now:
            del self._entries[key]
            return None
        if self.sliding:
            self._entries[key] = (now + self.ttl, value)
        self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V, *, ttl: float | None = None) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` (the map's by default); the least recently
        used entry goes when the map is full."""
        now = self._clock()
        self._sweep(now)
        self._entries[key] = (now + (self.ttl if ttl is None else ttl), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def sweep(self) -> int:
        """Drop the expired entries at the least recently used end; how many."""
        return self._sweep(self._clock())

    def _sweep(self, now: float) -> int:
        dropped = 0
        entries = self._entries
        while entries:
            oldest = next(iter(entries))
            if entries[oldest][0] > now:
                break
            del entries[oldest]
            dropped += 1
        return dropped

    def __len__(self) -> int:
        """Entries held (an expired one not yet swept included)."""
        return len(self._entries)

    def clear(self) -> None:
        """Forget everything (an agent removed from the group: ask Telegram again)."""
        self._entries.clear()
