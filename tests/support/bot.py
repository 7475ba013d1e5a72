"""The bot's dispatcher for unit tests: ``create_dispatcher`` as production builds it, fed the
updates of ``bot.local.LocalCustomer``; what it sends is kept by ``bot.local.LocalSession``.

    harness = Harness(ScriptedWorker(order).bus())
    answers = await harness.say("KF20260001 到哪了")          # the texts the bot sent back
    assert answers[-1] == harness.t("ask.phone_last4")       # the reply key, rendered
    await harness.press("转人工客服")                         # a button of its last messages
"""

from __future__ import annotations

from typing import Any

from aiogram.fsm.storage.base import BaseStorage
from aiogram.methods import SendMessage
from aiogram.types import Message, Update

from bot.dispatcher import create_dispatcher
from bot.local import LocalCustomer, LocalSession, local_bot
from bot.settings import BotSettings
from bus import Bus
from intents import IntentEngine
from replies.render import Replies
from shop.policy import ShopPolicy, load_policy
from tests.logscan import SCAN

_engine: IntentEngine | None = None
_replies: Replies | None = None


def engine() -> IntentEngine:
    """The intent engine, loaded once for the whole run."""
    global _engine
    if _engine is None:
        _engine = IntentEngine.load()
    return _engine


def replies() -> Replies:
    """The replies of the default shop policy, loaded once for the whole run."""
    global _replies
    if _replies is None:
        _replies = Replies(load_policy())
    return _replies


class Harness:
    """One dispatcher, its recording session, and customers talking to it."""

    def __init__(
        self,
        rpc: Bus,
        storage: BaseStorage | None = None,
        *,
        policy: ShopPolicy | None = None,
        **settings: Any,
    ) -> None:
        """``policy``: another shop's (the demo shop's by default)."""
        self.session = LocalSession()
        self.bot = local_bot(self.session)
        self.replies = replies() if policy is None else Replies(policy)
        self.dp = create_dispatcher(
            BotSettings(**settings), rpc=rpc, engine=engine(), replies=self.replies, storage=storage
        )
        self._customers: dict[int, LocalCustomer] = {}

    def customer(self, user_id: int = 5001, language: str | None = "zh-hans") -> LocalCustomer:
        known = self._customers.get(user_id)
        if known is None or known.user.language_code != language:
            known = self._customers[user_id] = LocalCustomer(self.bot, user_id, language=language)
        return known

    def t(self, key: str, locale: str = "zh_CN", **values: Any) -> str:
        """A UI reply as the bot renders it (compare answers with this, not with wording)."""
        return self.replies.text(key, locale, **values)

    async def feed(self, update: Update) -> list[SendMessage]:
        """Handle one update; the messages the bot sent for it."""
        before = len(self.session.sent)
        await self.dp.feed_update(self.bot, update)
        return self.session.sent[before:]

    async def say(
        self, text: str, user_id: int = 5001, language: str | None = "zh-hans"
    ) -> list[str]:
        SCAN.customer_said(text)
        sent = await self.feed(self.customer(user_id, language).says(text))
        return [m.text for m in sent]

    async def share_contact(self, phone: str, user_id: int = 5001) -> list[str]:
        sent = await self.feed(self.customer(user_id).shares_contact(phone))
        return [m.text for m in sent]

    def last_message_with(self, label: str, user_id: int = 5001) -> tuple[Message, str]:
        """The newest message to this chat with a button whose text contains ``label``, and
        that button's callback data."""
        for message in reversed(self.session.messages.values()):
            if message.chat.id != user_id or message.reply_markup is None:
                continue
            for row in message.reply_markup.inline_keyboard:
                for button in row:
                    if label in button.text and button.callback_data is not None:
                        return message, button.callback_data
        raise AssertionError(f"no button {label!r} in the messages to chat {user_id}")

    async def press(self, label: str, user_id: int = 5001) -> list[str]:
        """Press the button ``label`` of the newest message that has one."""
        message, data = self.last_message_with(label, user_id)
        sent = await self.feed(self.customer(user_id).presses(data, message))
        return [m.text for m in sent]


class FailingBus:
    """A bus whose every call raises ``error`` (unit tests of the error paths)."""

    def __init__(self, error: type[Exception] | Any, *args: Any) -> None:
        self.error = error
        self.args = args
        self.calls: list[Any] = []

    async def call(self, request: Any, *, deadline: float | None = None) -> Any:
        self.calls.append(request)
        raise self.error(*self.args)
