"""At most ``KEFU_PARTITION_CONCURRENCY`` updates handled at once in long polling and webhook
mode too (``bot/serving.py``), each chat's in order.

Handlers here count themselves and wait at a gate: the count is read once everything that
could start has had its turns of the event loop, so the bound is checked by counting, never by
timing. Long polling runs through aiogram's real client against the fake Bot API; the webhook
calls reach the bot's real webhook application (``bot.__main__.build_webhook_app``) the way
Telegram's do, several at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable

import aiohttp
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.types import Message
from aiohttp import web

from bot.__main__ import build_webhook_app
from bot.serving import polling_options
from bot.settings import BotSettings
from tests.fakes.telegram_api import FakeTelegramAPI

LIMIT = 3
CHATS = [7001, 7002, 7003, 7004, 7005, 7006]  # more chats than slots
TURNS = 2
SECRET = "concurrency-secret_0123456789"
WAIT_S = 30.0  # a bound on a stuck test, never a measured time


class Counting:
    """A dispatcher whose handler counts the updates being handled and waits at ``gate``;
    one update per chat at a time, as ``create_dispatcher`` sets it up in one process."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.entered = 0
        self.done = 0
        self.order: dict[int, list[str]] = defaultdict(list)
        self.gate = asyncio.Event()
        self.changed = asyncio.Condition()
        router = Router()

        @router.message()
        async def handle(message: Message) -> None:
            self.running += 1
            self.entered += 1
            self.most = max(self.most, self.running)
            self.order[message.chat.id].append(message.text or "")
            await self.note()
            try:
                await self.gate.wait()
            finally:
                self.running -= 1
                self.done += 1
                await self.note()

        self.dp = Dispatcher(storage=MemoryStorage(), events_isolation=SimpleEventIsolation())
        self.dp.include_router(router)

    async def note(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(WAIT_S), self.changed:
            await self.changed.wait_for(condition)


async def settle() -> None:
    """Turns of the event loop for whatever is ready to start (no clock involved)."""
    for _ in range(200):
        await asyncio.sleep(0)


def update(update_id: int, chat: int, text: str) -> dict:
    person = {"id": chat, "is_bot": False, "first_name": "顾客"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "顾客"},
            "from": person,
            "text": text,
        },
    }


async def test_long_polling_handles_at_most_the_limit_at_once_in_order_per_chat():
    settings = BotSettings(KEFU_PARTITION_CONCURRENCY=LIMIT)
    counting = Counting()
    async with FakeTelegramAPI() as fake:
        api = TelegramAPIServer.from_base(fake.base_url)
        bot = Bot(fake.token, session=AiohttpSession(api=api))
        for turn in range(TURNS):
            for chat in CHATS:
                fake.user_says(f"turn {turn}", user_id=chat)
        polling = asyncio.create_task(
            counting.dp.start_polling(
                bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=1,
                **polling_options(settings),
            )
        )
        try:
            await counting.until(lambda: counting.entered >= LIMIT)
            await settle()
            # Six chats had an update ready; only three are being handled.
            assert (counting.running, counting.entered) == (LIMIT, LIMIT)
            counting.gate.set()
            await counting.until(lambda: counting.done == len(CHATS) * TURNS)
        finally:
            counting.gate.set()
            await counting.dp.stop_polling()
            await asyncio.wait_for(polling, 10)
            await bot.session.close()
    assert counting.most == LIMIT
    assert dict(counting.order) == {chat: ["turn 0", "turn 1"] for chat in CHATS}


async def test_the_webhook_handles_at_most_the_limit_at_once_in_order_per_chat():
    settings = BotSettings(KEFU_PARTITION_CONCURRENCY=LIMIT)
    counting = Counting()
    bot = Bot("123456:TEST")
    app = build_webhook_app(counting.dp, bot, settings, SECRET)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}{settings.webhook_path}"
    answered: list[int] = []
    ids = iter(range(1, 1000))

    async def customer(http: aiohttp.ClientSession, chat: int) -> None:
        # As Telegram delivers a chat's updates: the next once the last one was answered.
        for turn in range(TURNS):
            body = update(next(ids), chat, f"turn {turn}")
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(url, json=body, headers=headers) as response:
                assert response.status == 200
            answered.append(chat)
            await counting.note()

    try:
        async with aiohttp.ClientSession() as http:
            calls = [asyncio.create_task(customer(http, chat)) for chat in CHATS]
            try:
                await counting.until(lambda: counting.entered >= LIMIT)
                await counting.until(lambda: len(answered) >= LIMIT)
                await settle()
                # Six calls came in at once: three updates are handled, the other three calls
                # wait (unanswered, so Telegram holds back) for a slot.
                assert (counting.running, counting.entered, len(answered)) == (LIMIT,) * 3
                counting.gate.set()
                await asyncio.gather(*calls)
                await counting.until(lambda: counting.done == len(CHATS) * TURNS)
            finally:
                counting.gate.set()
                for call in calls:
                    call.cancel()
    finally:
        await runner.cleanup()
        await bot.session.close()
    assert counting.most == LIMIT
    assert dict(counting.order) == {chat: ["turn 0", "turn 1"] for chat in CHATS}
