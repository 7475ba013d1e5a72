"""``bot.expiring.ExpiringMap``, the one expiring, size-capped memory of a bot process, and the
memories built on it: each forgets on time and none grows past its cap."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.desk.service import MEMBER_TTL_S, NON_MEMBER_TTL_S, Members
from bot.expiring import ExpiringMap
from bot.flood import MemoryFlood
from bot.partitions import MemoryUpdateLog
from bot.storage import ExpiringMemoryStorage


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_after_the_ttl_and_the_least_recently_used_go_first():
    clock = Clock()
    kept: ExpiringMap[int, str] = ExpiringMap(60, 2, clock=clock)
    kept.put(1, "one")
    kept.put(2, "two")
    assert kept.get(1) == "one"  # 1 used last: 2 goes first
    kept.put(3, "three")
    assert (kept.get(1), kept.get(2), kept.get(3)) == ("one", None, "three")
    clock.now += 59.9
    assert kept.get(1) == "one"
    clock.now += 0.2
    assert kept.get(1) is None and kept.get(3) is None and len(kept) == 0


def test_a_fixed_ttl_counts_from_the_put_and_a_sliding_one_from_the_last_use():
    clock = Clock()
    fixed: ExpiringMap[str, int] = ExpiringMap(10, 5, clock=clock)
    sliding: ExpiringMap[str, int] = ExpiringMap(10, 5, sliding=True, clock=clock)
    for kept in (fixed, sliding):
        kept.put("a", 1)
    for _ in range(3):  # used every 6 s: 18 s after the put
        clock.now += 6
        fixed.get("a")
        sliding.get("a")
    assert fixed.get("a") is None
    assert sliding.get("a") == 1
    clock.now += 10
    assert sliding.get("a") is None


def test_an_entry_may_have_a_ttl_of_its_own():
    clock = Clock()
    kept: ExpiringMap[int, bool] = ExpiringMap(60, 10, clock=clock)
    kept.put(1, True)
    kept.put(2, False, ttl=10)
    clock.now += 11
    assert kept.get(1) is True
    assert kept.get(2) is None


def test_the_size_is_never_exceeded_and_the_expired_go_first():
    clock = Clock()
    kept: ExpiringMap[int, int] = ExpiringMap(5, 100, sliding=True, clock=clock)
    for n in range(1000):
        kept.put(n, n)
        assert len(kept) <= 100
    assert [kept.get(n) for n in (0, 899, 900, 999)] == [None, None, 900, 999]
    clock.now += 5
    kept.put(-1, -1)  # every write drops what expired at the least recently used end first
    assert len(kept) == 1
    assert kept.sweep() == 0


def test_a_map_needs_a_ttl_and_a_size():
    with pytest.raises(ValueError):
        ExpiringMap(0, 10)
    with pytest.raises(ValueError):
        ExpiringMap(10, 0)


async def test_the_update_log_keeps_at_most_its_size():
    clock = Clock()
    log = MemoryUpdateLog(3600, size=1000, clock=clock)
    for update_id in range(5000):
        await log.done(update_id)
    assert len(log) == 1000
    assert not await log.seen(3999)  # the oldest forgotten first
    assert await log.seen(4000) and await log.seen(4999)


async def test_the_memory_storage_keeps_at_most_its_keys():
    clock = Clock()
    storage = ExpiringMemoryStorage(3600, max_keys=100, clock=clock)
    for chat in range(300):
        key = StorageKey(bot_id=1, chat_id=chat, user_id=chat)
        await storage.set_state(key, "Flow:step")
        clock.now += 1
    assert len(storage) == 100
    # The chats heard from last are the ones kept; a forgotten one starts afresh.
    assert await storage.get_state(StorageKey(bot_id=1, chat_id=299, user_id=299)) == "Flow:step"
    assert await storage.get_state(StorageKey(bot_id=1, chat_id=0, user_id=0)) is None
    assert len(storage) == 100


async def test_the_memory_storage_copies_data_in_and_out():
    storage = ExpiringMemoryStorage(3600)
    key = StorageKey(bot_id=1, chat_id=1, user_id=1)
    data = {"locale": "en"}
    await storage.set_data(key, data)
    data["locale"] = "zh_CN"
    read = await storage.get_data(key)
    read["locale"] = "ja"
    assert await storage.get_data(key) == {"locale": "en"}
    assert await storage.get_value(key, "locale") == "en"
    assert await storage.get_value(key, "missing", "-") == "-"
    with pytest.raises(Exception, match="dict"):
        await storage.set_data(key, ["not", "a", "dict"])  # type: ignore[arg-type]


async def test_flood_control_forgets_idle_users_and_keeps_at_most_its_users():
    clock = Clock()
    flood = MemoryFlood(3, 10, max_users=50, clock=clock)
    for user in range(500):
        assert await flood.hit(user) == "ok"
    assert len(flood) == 50
    assert [await flood.hit(7) for _ in range(5)] == ["ok", "ok", "ok", "warn", "drop"]
    clock.now += 10.5
    await flood.hit(7)  # the rest have been idle a whole window: forgotten
    assert len(flood) == 1


class _Member:
    def __init__(self, status: str) -> None:
        self.status = status


class _Bot:
    """Answers getChatMember from a table and counts the calls."""

    def __init__(self, statuses: dict[int, str]) -> None:
        self.statuses = statuses
        self.asked = 0

    async def get_chat_member(self, chat_id: int, user_id: int) -> _Member:
        self.asked += 1
        return _Member(self.statuses.get(user_id, "left"))


async def test_the_desk_remembers_agents_longer_than_strangers():
    clock = Clock()
    members = Members(-100, clock=clock)
    bot = _Bot({1: "administrator"})
    assert await members.is_agent(bot, 1) is True  # type: ignore[arg-type]
    assert await members.is_agent(bot, 2) is False  # type: ignore[arg-type]
    assert await members.is_agent(bot, 1) and not await members.is_agent(bot, 2)  # type: ignore[arg-type]
    assert bot.asked == 2
    clock.now += NON_MEMBER_TTL_S + 1
    await members.is_agent(bot, 1)  # type: ignore[arg-type]
    await members.is_agent(bot, 2)  # type: ignore[arg-type]
    assert bot.asked == 3  # only the stranger asked again
    clock.now += MEMBER_TTL_S
    await members.is_agent(bot, 1)  # type: ignore[arg-type]
    assert bot.asked == 4
    members._seen.clear()  # forgotten at once: asked again
    await members.is_agent(bot, 1)  # type: ignore[arg-type]
    assert bot.asked == 5
