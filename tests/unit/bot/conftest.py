"""Unit-level bot tests: ``create_dispatcher`` fed updates directly, answers recorded by an
aiogram session that keeps every request instead of sending it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Chat, Message, Update, User

from bot.dispatcher import create_dispatcher
from bot.settings import BotSettings
from intents import IntentEngine
from replies.render import Replies
from shop.policy import load_policy
from tests.logscan import SCAN

BOT_USER = User(id=777, is_bot=True, first_name="Kefu")


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self._ids = itertools.count(1)

    @property
    def sent(self) -> list[SendMessage]:
        return [r for r in self.requests if isinstance(r, SendMessage)]

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> Any:
        self.requests.append(method)
        if isinstance(method, SendMessage):
            return Message(
                message_id=next(self._ids),
                date=datetime.now(UTC),
                chat=Chat(id=int(method.chat_id), type="private"),
                from_user=BOT_USER,
                text=method.text,
            )
        return True

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        yield b""


_engine: IntentEngine | None = None


def engine() -> IntentEngine:
    global _engine
    if _engine is None:
        _engine = IntentEngine.load()
    return _engine


class Harness:
    def __init__(self, rpc: Any, storage: Any = None, **settings: Any) -> None:
        self.session = RecordingSession()
        self.bot = Bot(
            "777:UNIT",
            session=self.session,
            default=DefaultBotProperties(parse_mode=ParseMode.HTML),
        )
        self.replies = Replies(load_policy())
        self.dp: Dispatcher = create_dispatcher(
            BotSettings(**settings),
            rpc=rpc,
            engine=engine(),
            replies=self.replies,
            storage=storage,
        )
        self._ids = itertools.count(1)

    async def say(self, text: str, user_id: int = 5001, language: str = "zh-hans") -> list[str]:
        SCAN.customer_said(text)
        before = len(self.session.sent)
        user = User(id=user_id, is_bot=False, first_name="客户", language_code=language)
        n = next(self._ids)
        message = Message(
            message_id=n,
            date=datetime.now(UTC),
            chat=Chat(id=user_id, type="private"),
            from_user=user,
            text=text,
        )
        await self.dp.feed_update(
            self.bot, Update(update_id=n, message=message, context={"bot": self.bot})
        )
        return [m.text for m in self.session.sent[before:]]


class FailingBus:
    """A bus client whose every call raises ``error`` (unit tests of the error paths)."""

    def __init__(self, error: Callable[[], Exception]) -> None:
        self.error = error
        self.calls: list[Any] = []

    async def call(self, request: Any) -> Any:
        self.calls.append(request)
        raise self.error()


@pytest.fixture
def harness_factory():
    return Harness
