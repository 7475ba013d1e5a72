"""The real thing: the bot in-process, polling through aiogram's aiohttp session against the
local fake Bot API, with a real worker (its own SQLite file and bus prefix) on the real
RabbitMQ behind it.

``stack`` is one such setup per test module; ``stack.customer()`` is a new Telegram user
(own chat, own FSM state) with helpers that wait for the bot's replies.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest_asyncio
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from sqlalchemy import select

from bot.dispatcher import create_dispatcher
from bot.settings import BotSettings
from bus.rpc import RpcClient
from replies.render import Replies
from shop.policy import load_policy
from tests.fakes.telegram_api import FakeTelegramAPI, SentMessage, parse_html
from tests.integration.conftest import Shop, create_order, start_shop, stop_shop
from tests.support.bot import engine
from worker.db.models import Exchange, Order, Ticket

_user_ids = itertools.count(700_001)
WAIT = 15.0


@dataclass
class Customer:
    """One Telegram user talking to the bot."""

    fake: FakeTelegramAPI
    user_id: int
    language_code: str | None = "zh-hans"
    history: list[SentMessage] = field(default_factory=list)

    async def replies(self, count: int = 1) -> list[SentMessage]:
        got = await self.fake.wait_for_messages(self.user_id, count=count, timeout=WAIT)
        self.history.extend(got)
        return got

    async def says(self, text: str, replies: int = 1) -> list[SentMessage]:
        self.fake.user_says(text, user_id=self.user_id, language_code=self.language_code)
        return await self.replies(replies)

    async def presses(
        self, message: SentMessage, button: str, replies: int = 1
    ) -> list[SentMessage]:
        self.fake.user_presses_button(message, button, user_id=self.user_id)
        return await self.replies(replies)

    async def presses_data(
        self, message: SentMessage, callback_data: str, replies: int = 1
    ) -> list[SentMessage]:
        self.fake.user_presses(callback_data, message_id=message.message_id, user_id=self.user_id)
        return await self.replies(replies)

    async def shares_contact(
        self, phone: str, *, contact_user_id: int | None = None, replies: int = 1
    ) -> list[SentMessage]:
        self.fake.user_shares_contact(phone, user_id=self.user_id, contact_user_id=contact_user_id)
        return await self.replies(replies)

    async def sends_photo(self, caption: str | None = None, replies: int = 1) -> list[SentMessage]:
        self.fake.user_sends_photo(user_id=self.user_id, caption=caption)
        return await self.replies(replies)

    async def hears_nothing_more(self) -> None:
        await self.fake.assert_no_new_messages(self.user_id, wait=0.5)


@dataclass
class Stack:
    fake: FakeTelegramAPI
    shop: Shop
    bot: Bot
    dp: Dispatcher
    rpc: RpcClient
    replies: Replies

    def customer(self, language_code: str | None = "zh-hans") -> Customer:
        return Customer(self.fake, next(_user_ids), language_code)

    async def make_order(self, **kwargs: Any):
        return await create_order(self.shop, **kwargs)

    async def long_in_transit_order(self, **kwargs: Any):
        """A regular order shipped 26 days ago and never delivered (flagged, its chase offered)."""
        return await create_order(
            self.shop,
            kind="regular",
            state="shipped",
            delivered_ago=None,
            shipped_ago=timedelta(days=26),
            paid_ago=timedelta(days=27),
            **kwargs,
        )

    def t(self, key: str, locale: str = "zh_CN", **values: Any) -> str:
        """A UI reply as the customer reads it (rendered, then shown as Telegram shows HTML):
        compare with this instead of with words of it."""
        return parse_html(self.replies.text(key, locale, **values))[0]

    def answer(self, intent: str, locale: str = "zh_CN", **slots: Any) -> str:
        """An intent's answer as the customer reads it."""
        return parse_html(self.replies.answer(intent, locale, **slots))[0]

    def shown(self, html: str) -> str:
        """Any rendered reply as the customer reads it."""
        return parse_html(html)[0]

    async def exchanges(self, order_no: str) -> list[Exchange]:
        async with self.shop.db.read() as session:
            found = await session.scalars(
                select(Exchange).join(Order).where(Order.order_no == order_no)
            )
            return list(found.all())

    async def tickets(self, chat_id: int) -> list[Ticket]:
        async with self.shop.db.read() as session:
            found = await session.scalars(select(Ticket).where(Ticket.chat_id == chat_id))
            return list(found.all())


async def start_stack(
    amqp_url: str,
    directory: Path,
    *,
    replies: Replies | None = None,
    storage: BaseStorage | None = None,
    shop: Shop | None = None,
    fake: FakeTelegramAPI | None = None,
    **settings: Any,
) -> tuple[Stack, asyncio.Task[None]]:
    """A worker (or ``shop``), the fake Bot API (or ``fake``) and a polling bot; ``settings``
    are BotSettings fields by alias (``AGENTS_CHAT_ID=…``)."""
    shop = shop or await start_shop(amqp_url, directory)
    if fake is None:
        fake = FakeTelegramAPI(token="424242:E2E", bot_username="kefu_e2e_bot")
        await fake.start()
    bot = Bot(
        fake.token,
        session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    # The bot's own bus client, as in production (the shop's client belongs to the tests).
    rpc = RpcClient(amqp_url, timeout=5, topology=shop.worker.topology)
    await rpc.connect(wait=10)
    replies = replies or Replies(load_policy())
    config = BotSettings(**{"KEFU_FLOOD_RATE": 30, **settings, "bus": shop.worker.settings.bus})
    dp = create_dispatcher(config, rpc=rpc, engine=engine(), replies=replies, storage=storage)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    return Stack(fake, shop, bot, dp, rpc, replies), polling


async def stop_stack(stack: Stack, polling: asyncio.Task[None], amqp_connection) -> None:
    """Stop the bot, the fake Bot API and the shop; the shop's queues and exchanges are
    deleted whatever failed before (the run's end checks that none is left)."""
    try:
        try:
            await stack.dp.stop_polling()
        except RuntimeError:
            pass  # polling already ended
        await asyncio.wait_for(polling, 10)
        await stack.bot.session.close()
        await stack.rpc.close()
        await stack.fake.stop()
    finally:
        await stop_shop(stack.shop, amqp_connection)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(amqp_url, amqp_connection, tmp_path_factory) -> AsyncIterator[Stack]:
    built, polling = await start_stack(amqp_url, tmp_path_factory.mktemp("e2e"))
    try:
        yield built
    finally:
        await stop_stack(built, polling, amqp_connection)
