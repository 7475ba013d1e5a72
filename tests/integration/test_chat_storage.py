"""``bot.storage.ChatRedisStorage`` on a real Redis: inside ``batch(chat)`` the chat's FSM state,
data and memory are read in one round trip and written in one at the end, and Redis ends up
holding exactly what aiogram's ``RedisStorage`` would have written; other keys, and writes
after the batch, go to Redis at once."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.fsm.storage.base import DEFAULT_DESTINY, DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bot.desk.state import DESK_DESTINY
from bot.services.memory import MEMORY_DESTINY
from bot.storage import ChatRedisStorage
from tests.support.redis import private_redis

pytestmark = pytest.mark.asyncio(loop_scope="session")

CHAT = 4242
OTHER = 5353


def key(destiny: str = DEFAULT_DESTINY, chat: int = CHAT) -> StorageKey:
    return StorageKey(bot_id=1, chat_id=chat, user_id=chat, destiny=destiny)


async def turn(storage: RedisStorage, chat: int) -> None:
    """What one customer update does to its chat: reads the state and the memory, a flow
    starts and finishes, another waits with a draft, the memory is saved."""
    state, memory = key(chat=chat), key(MEMORY_DESTINY, chat=chat)
    assert await storage.get_state(state) is None
    assert await storage.get_data(memory) == {}
    await storage.set_state(state, None)  # finish() of a flow that never started
    await storage.set_data(state, {})
    await storage.set_state(state, "SizeAdvice:waiting_for_body")
    await storage.set_data(state, {"height_cm": 170})
    draft = await storage.get_data(state)
    draft["weight_kg"] = 60  # the caller's copy: nothing kept changes under it
    assert await storage.get_data(state) == {"height_cm": 170}
    await storage.set_data(state, draft)
    await storage.set_data(memory, {"locale": "zh_CN", "turns": 1})
    assert await storage.get_state(state) == "SizeAdvice:waiting_for_body"


async def stored(client: Redis, chat: int) -> dict[str, tuple[bytes, bool]]:
    """Every key of that chat (by destiny and part): its value and whether it expires."""
    found = {}
    async for name in client.scan_iter(match=f"fsm:{chat}:{chat}:*"):
        found[name.decode().replace(f"fsm:{chat}:{chat}:", "")] = (
            await client.get(name),
            await client.ttl(name) > 0,
        )
    return found


async def calls(client: Redis) -> dict[str, int]:
    stats = await client.info("commandstats")
    return {
        name.removeprefix("cmdstat_"): int(row["calls"])
        for name, row in stats.items()
        if name.removeprefix("cmdstat_") in ("get", "mget", "set", "del")
    }


async def test_one_update_reads_once_writes_once_and_leaves_what_aiogram_would(tmp_path):
    async with private_redis(tmp_path) as url:
        client = Redis.from_url(url)
        builder = DefaultKeyBuilder(with_destiny=True)
        plain = RedisStorage(client, key_builder=builder, state_ttl=600, data_ttl=600)
        batched = ChatRedisStorage(client, key_builder=builder, state_ttl=600, data_ttl=600)
        try:
            await turn(plain, OTHER)
            await client.config_resetstat()
            async with batched.batch(CHAT):
                await turn(batched, CHAT)
                assert await stored(client, CHAT) == {}  # nothing written before the end
            assert await calls(client) == {"mget": 1, "set": 3}  # state, draft, memory
            assert await stored(client, CHAT) == await stored(client, OTHER)
            assert len(await stored(client, CHAT)) == 3

            # The next update finishes the flow: the deletes are sent, once, together.
            await client.config_resetstat()
            async with batched.batch(CHAT):
                assert await batched.get_state(key()) == "SizeAdvice:waiting_for_body"
                await batched.set_state(key(), None)
                await batched.set_data(key(), {})
                assert await batched.get_data(key()) == {}
            assert await calls(client) == {"mget": 1, "del": 2}
            assert set(await stored(client, CHAT)) == {f"{MEMORY_DESTINY}:data"}
        finally:
            await client.aclose()


async def test_other_keys_and_writes_after_the_update_go_to_redis_at_once(tmp_path):
    async with private_redis(tmp_path) as url:
        client = Redis.from_url(url)
        storage = ChatRedisStorage(client, key_builder=DefaultKeyBuilder(with_destiny=True))
        later: list[asyncio.Task[None]] = []
        try:
            async with storage.batch(CHAT):
                # another chat's keys, and the desk's record (the agents' group writes it too)
                await storage.set_data(key(chat=OTHER), {"other": True})
                await storage.set_data(key(DESK_DESTINY), {"ticket": "T-1"})
                assert await client.exists(f"fsm:{OTHER}:{OTHER}:default:data")
                assert await client.exists(f"fsm:{CHAT}:{CHAT}:{DESK_DESTINY}:data")
                gate = asyncio.Event()

                async def after_the_update() -> None:  # a task the update started
                    await gate.wait()
                    await storage.set_data(key(), {"late": True})

                later.append(asyncio.create_task(after_the_update()))
            gate.set()
            await later[0]
            assert await storage.get_data(key()) == {"late": True}
            raw = await client.get(f"fsm:{CHAT}:{CHAT}:default:data")
            assert raw == b'{"late": true}'
        finally:
            await client.aclose()
