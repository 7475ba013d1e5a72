"""The parts of several bot processes that need no broker: the handled-update log kept in
memory, chat storage that forgets idle chats, flood control's count, the run mode, the
split of the update partitions between processes."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.__main__ import WebhookConfigError, run_mode
from bot.flood import MemoryFlood
from bot.partitions import MemoryUpdateLog, owned_by
from bot.settings import BotSettings
from bot.storage import ExpiringMemoryStorage, make_storage

pytestmark = pytest.mark.asyncio(loop_scope="session")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key(chat: int, destiny: str = "default") -> StorageKey:
    return StorageKey(bot_id=1, chat_id=chat, user_id=chat, destiny=destiny)


async def test_the_update_log_remembers_handled_ids_for_its_window():
    clock = Clock()
    log = MemoryUpdateLog(60, clock=clock)
    assert not await log.seen(7)
    await log.done(7)
    clock.now += 30
    await log.done(8)
    assert await log.seen(7) and await log.seen(8)
    clock.now += 31  # 7 is 61 s old, 8 is 31 s old
    assert not await log.seen(7)
    assert await log.seen(8)
    assert len(log) == 1


async def test_memory_storage_forgets_idle_chats_and_keeps_active_ones():
    clock = Clock()
    storage = ExpiringMemoryStorage(100, clock=clock)
    for chat in range(50):
        await storage.set_data(key(chat, "kefu"), {"locale": "en"})
        await storage.set_state(key(chat), "Flow:step")
    clock.now += 60
    for chat in range(10):  # these ten talk again
        assert await storage.get_data(key(chat, "kefu")) == {"locale": "en"}
        assert await storage.get_state(key(chat)) == "Flow:step"
    clock.now += 50  # the other forty have been idle 110 s
    await storage.get_state(key(0))  # any use sweeps (at most every tenth of the TTL)
    assert len(storage) == 20  # ten chats, state and memory each
    assert await storage.get_data(key(20, "kefu")) == {}  # a forgotten chat starts afresh
    clock.now += 101
    assert storage.sweep() == 21  # everything, the forgotten chat's fresh read included
    assert len(storage) == 0


async def test_storage_follows_the_settings():
    memory = make_storage(BotSettings(KEFU_CHAT_TTL_S=3600))
    assert isinstance(memory, ExpiringMemoryStorage) and memory.ttl == 3600
    redis = make_storage(BotSettings(REDIS_URL="redis://127.0.0.1:1/0", KEFU_CHAT_TTL_S=600))
    try:
        assert (redis.state_ttl, redis.data_ttl) == (600, 600)  # type: ignore[attr-defined]
    finally:
        await redis.close()


async def test_flood_count_warns_once_then_drops_until_the_window_has_room(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("bot.flood.time.monotonic", clock)
    flood = MemoryFlood(3, 10)
    assert [await flood.hit(1) for _ in range(5)] == ["ok", "ok", "ok", "warn", "drop"]
    assert await flood.hit(2) == "ok"  # per user
    clock.now += 10.5
    assert [await flood.hit(1) for _ in range(4)] == ["ok", "ok", "ok", "warn"]


async def test_run_mode_from_flags_and_settings():
    token = {"BOT_TOKEN": "123456:" + "a" * 35}
    assert run_mode(BotSettings()) == "console"
    assert run_mode(BotSettings(**token)) == "polling"
    assert run_mode(BotSettings(**token, KEFU_BOT_MODE="partitions")) == "partitions"
    assert run_mode(BotSettings(**token), webhook=True) == "webhook"
    assert run_mode(BotSettings(**token, KEFU_BOT_MODE="webhook"), partitions=True) == "partitions"
    with pytest.raises(WebhookConfigError, match="BOT_TOKEN"):
        run_mode(BotSettings(KEFU_BOT_MODE="partitions"))
    with pytest.raises(WebhookConfigError):
        run_mode(BotSettings(**token), webhook=True, partitions=True)


async def test_the_split_gives_every_partition_one_owner_and_every_process_its_share():
    members = ["b", "a", "c"]
    shares = [owned_by(m, members, 16) for m in members]
    assert sorted(len(s) for s in shares) == [5, 5, 6]
    assert set().union(*shares) == set(range(16)) and sum(len(s) for s in shares) == 16
    # A process not yet in the list it read counts itself in.
    assert owned_by("a", ["b"], 4) == {0, 2}
    assert owned_by("a", [], 4) == {0, 1, 2, 3}
