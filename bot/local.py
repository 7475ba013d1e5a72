"""The bot without Telegram: a session that answers the Bot API in this process, and a customer
whose every action becomes the update Telegram would send.

The console chat (``bot/console.py``), the unit tests (``tests/support/bot.py``) and the
benchmark (``benchmarks/bench_bot.py``) drive the real dispatcher through these: the same
handlers, middlewares and storage as on Telegram, without a network.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import GetMe, SendMessage, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    Update,
    User,
)

LOCAL_BOT = User(id=100000, is_bot=True, first_name="Kefu", username="kefu_local_bot")
LOCAL_TOKEN = f"{LOCAL_BOT.id}:local"  # never sent anywhere: nothing leaves the process

_update_ids = itertools.count(1)
# A customer's message ids go on across runs, as one Telegram chat's do: the console keeps the
# same chat and the demo shop's tickets between runs, and a ticket keys each relayed message by
# its id (a block of 1,000 ids a second, repeating after 11 days; under Telegram's 2³¹).
_message_ids = itertools.count(1_000_000 + int(time.time()) % 1_000_000 * 1_000)


def next_message_id() -> int:
    """A customer's next message id (the console's and the local customers' alike)."""
    return next(_message_ids)


class LocalSession(BaseSession):
    """Answers every request at once: ``sendMessage`` with the message Telegram would return
    (its keyboard kept, so a button on it can be pressed), ``getMe`` with the bot's user,
    anything else ``True``. Every request and sent message is kept (``requests``,
    ``messages``); ``keep=False`` is a null session for benchmarks: it only counts requests
    (``count``) and returns the plainest message."""

    def __init__(self, *, keep: bool = True) -> None:
        super().__init__()
        self.keep = keep
        self.requests: list[TelegramMethod[Any]] = []
        self.count = 0
        self.messages: dict[int, Message] = {}  # what the bot sent, by message id
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
        self.count += 1
        if self.keep:
            self.requests.append(method)
        return self.answer(method)

    def answer(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, SendMessage):
            return self.sent_message(method)
        if isinstance(method, GetMe):
            return LOCAL_BOT
        return True

    def sent_message(self, method: SendMessage) -> Message:
        """The message a ``sendMessage`` made, as Telegram returns it."""
        message = Message(
            message_id=next(self._ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(method.chat_id), type="private"),
            from_user=LOCAL_BOT,
            text=method.text,
            reply_markup=(
                method.reply_markup
                if self.keep and isinstance(method.reply_markup, InlineKeyboardMarkup)
                else None
            ),
        )
        if self.keep:
            self.messages[message.message_id] = message
        return message

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (aiogram's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""  # no files here


def local_bot(session: BaseSession) -> Bot:
    """A bot on ``session``, with the HTML parse mode every Kefu bot uses."""
    return Bot(
        LOCAL_TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


class LocalCustomer:
    """One Telegram user in a private chat with the bot. Each method returns the update
    Telegram would send for what they did; feed it to ``Dispatcher.feed_update``."""

    def __init__(
        self,
        bot: Bot,
        user_id: int,
        *,
        language: str | None = None,
        first_name: str = "客户",
        last_name: str | None = None,
    ) -> None:
        self.bot = bot
        self.user = User(
            id=user_id,
            is_bot=False,
            first_name=first_name,
            last_name=last_name,
            language_code=language,
        )
        self.chat = Chat(id=user_id, type="private", first_name=first_name)

    def _update(self, **fields: Any) -> Update:
        """An update mounted on the bot, as aiogram parses one from the Bot API (every nested
        object knows the bot): the dispatcher takes it as it is. One that isn't mounted is
        rebuilt by ``feed_update`` through a round trip of dump and validation on every
        turn."""
        update = Update(update_id=next(_update_ids), **fields)
        return Update.model_validate(update.model_dump(), context={"bot": self.bot})

    def message(self, **fields: Any) -> Update:
        """A message with these fields (``text=``, ``sticker=``…)."""
        return self._update(
            message=Message(
                message_id=next_message_id(),
                date=datetime.now(UTC),
                chat=self.chat,
                from_user=self.user,
                **fields,
            )
        )

    def says(self, text: str) -> Update:
        return self.message(text=text)

    def shares_contact(self, phone: str, *, contact_user_id: int | None = None) -> Update:
        """Their own contact (another person's with ``contact_user_id``)."""
        user_id = self.user.id if contact_user_id is None else contact_user_id
        contact = Contact(phone_number=phone, first_name=self.user.first_name, user_id=user_id)
        return self.message(contact=contact)

    def sends_photo(self, caption: str | None = None) -> Update:
        file_id = f"local-photo-{next_message_id()}"
        photo = PhotoSize(file_id=file_id, file_unique_id=file_id, width=800, height=600)
        return self.message(photo=[photo], caption=caption)

    def presses(self, callback_data: str, message: Message | None = None) -> Update:
        """A button with ``callback_data``, under ``message`` (one the bot sent)."""
        query = CallbackQuery(
            id=str(next(_update_ids)),
            from_user=self.user,
            chat_instance=str(self.chat.id),
            message=message,
            data=callback_data,
        )
        return self._update(callback_query=query)
