"""Flood control's counting: at most ``rate`` updates per ``window`` seconds per user.

:class:`MemoryFlood` counts in this process (one bot process: polling, or the console);
:class:`RedisFlood` counts in Redis, so the limit holds for a customer whose updates reach
several bot processes (webhook mode, or the update partitions moving between processes). Both
give the same verdict for the same updates: ``"ok"`` (handle it), ``"warn"`` (the first one over
the limit: say "slow down" once) or ``"drop"`` (the rest, until the window has room again).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from bot.expiring import ExpiringMap

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

Verdict = Literal["ok", "warn", "drop"]


class FloodCounter(Protocol):
    rate: int
    window: float

    async def hit(self, user_id: int) -> Verdict: ...


@dataclass(slots=True)
class _Window:
    stamps: deque[float] = field(default_factory=deque)  # the counted updates, oldest first
    warned: bool = False


class MemoryFlood:
    """Sliding window per user in this process. A user idle for a whole window is forgotten
    (nothing of theirs would count any more), and at most ``max_users`` are kept (the least
    recently seen go first)."""

    def __init__(
        self,
        rate: int,
        window: float,
        *,
        max_users: int = 100_000,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.rate = rate
        self.window = window
        self.max_users = max_users
        self._clock = clock or time.monotonic
        self._users: ExpiringMap[int, _Window] = ExpiringMap(
            window, max_users, sliding=True, clock=self._clock
        )

    async def hit(self, user_id: int) -> Verdict:
        now = self._clock()
        seen = self._users.get(user_id)
        if seen is None:
            seen = _Window()
            self._users.put(user_id, seen)
        stamps = seen.stamps
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        if len(stamps) >= self.rate:
            if seen.warned:
                return "drop"
            seen.warned = True
            return "warn"
        seen.warned = False
        stamps.append(now)
        return "ok"

    def __len__(self) -> int:
        return len(self._users)


# One round trip, atomic: drop the stamps older than the window, then either count this one
# (and clear the "warned" mark) or, at the limit, set the mark once ("warn") or see it ("drop").
# The clock is Redis's (TIME), the same for every bot process whatever their hosts' clocks.
_HIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', math.ceil(window / 1000)) then
    return 1
  end
  return 2
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
redis.call('DEL', KEYS[2])
return 0
"""
_VERDICTS: dict[int, Verdict] = {0: "ok", 1: "warn", 2: "drop"}


class RedisFlood:
    """The same sliding window in Redis (a sorted set of stamps per user, expiring with the
    window). Redis unreachable: the update is let through (flood control is a courtesy; the
    customer's answer is not) and the error logged."""

    def __init__(self, redis: Redis, rate: int, window: float, *, prefix: str = "kefu") -> None:
        self.rate = rate
        self.window = window
        self._redis = redis
        self._prefix = prefix
        self._script = redis.register_script(_HIT)
        self._window_us = max(1, int(window * 1_000_000))

    async def hit(self, user_id: int) -> Verdict:
        key = f"{self._prefix}:flood:{user_id}"
        # The member must be unique per update: two updates of one microsecond both count.
        member = f"{time.time_ns()}-{secrets.token_hex(4)}"
        try:
            found = await self._script(
                keys=[key, f"{key}:warned"], args=[self._window_us, self.rate, member]
            )
        except Exception as exc:  # redis.RedisError, OSError: never the customer's problem
            logger.warning("flood control: Redis unavailable (%s); update let through", exc)
            return "ok"
        return _VERDICTS.get(int(found), "ok")
