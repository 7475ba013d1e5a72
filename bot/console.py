"""The console chat: a person types as a customer in the terminal, through the same
dispatcher and handlers as on Telegram.

:class:`ConsoleSession` is the in-process session of ``bot.local`` that also prints what the
bot sends (HTML turned into plain text, keyboards as numbered choices). :func:`run_console`
reads lines from stdin and feeds each one to the dispatcher as a Telegram update: a number
picks a choice, ``/contact PHONE`` shares one's own contact, ``/photo`` sends a sample photo,
``/quit`` or end of input leaves.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import logging
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from aiogram import Bot, Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
)

from bot.local import LocalSession, local_bot

logger = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]+>")


def html_to_text(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


@dataclass(frozen=True)
class Choice:
    """A numbered choice: an inline button (callback data) or a reply-keyboard button."""

    label: str
    callback_data: str | None = None
    message_id: int | None = None
    request_contact: bool = False


class ConsoleSession(LocalSession):
    """Prints the bot's messages; keeps the numbered choices of the latest keyboard."""

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__()
        self.out = out or sys.stdout
        self.choices: list[Choice] = []

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> Any:
        if isinstance(method, SendMessage):
            return self._send(method)
        if isinstance(method, EditMessageText):
            self._print(f"客服 › {html_to_text(method.text or '')}")
            self._show_keyboard(method.reply_markup, method.message_id)
            return True
        if isinstance(method, EditMessageReplyMarkup):
            if method.reply_markup is None:
                self.choices = [c for c in self.choices if c.message_id != method.message_id]
            return True
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                self._print(f"客服 › {method.text}")
            return True
        logger.debug("console: %s is not shown", type(method).__name__)
        return self.answer(method)

    def _send(self, method: SendMessage) -> Message:
        message = self.sent_message(method)  # kept in self.messages: its choices can be pressed
        self._print(f"客服 › {html_to_text(method.text)}")
        self._show_keyboard(method.reply_markup, message.message_id)
        return message

    def _show_keyboard(self, markup: Any, message_id: int | None) -> None:
        if isinstance(markup, ReplyKeyboardRemove):
            self.choices = [c for c in self.choices if c.message_id is not None]
            return
        choices: list[Choice] = []
        if isinstance(markup, InlineKeyboardMarkup):
            for inline_row in markup.inline_keyboard:
                for inline in inline_row:
                    choices.append(Choice(inline.text, inline.callback_data, message_id))
        elif isinstance(markup, ReplyKeyboardMarkup):
            for row in markup.keyboard:
                for button in row:
                    choices.append(
                        Choice(button.text, request_contact=bool(button.request_contact))
                    )
        if not choices:
            return
        self.choices = choices
        for number, choice in enumerate(choices, 1):
            hint = "  (/contact 你的手机号 / your phone)" if choice.request_contact else ""
            self._print(f"   [{number}] {choice.label}{hint}")


class ConsoleCustomer:
    """Turns what the person types into Telegram updates for the dispatcher."""

    def __init__(self, bot: Bot, session: ConsoleSession, *, user_id: int, language: str | None):
        self.bot = bot
        self.session = session
        self.user = User(
            id=user_id,
            is_bot=False,
            first_name="Console",
            last_name="Customer",
            language_code=language,
        )
        self.chat = Chat(id=user_id, type="private", first_name="Console")
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)

    def _message(self, **fields: Any) -> Message:
        return Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            **fields,
        )

    def _update(self, **fields: Any) -> Update:
        return Update(update_id=next(self._update_ids), **fields, context={"bot": self.bot})

    def update_for(self, line: str) -> Update | None:
        """The update for one typed line (``None``: nothing to send)."""
        text = line.strip()
        if not text:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self.session.choices):
            choice = self.session.choices[int(text) - 1]
            if choice.callback_data is not None:
                message = self.session.messages.get(choice.message_id or 0)
                return self._update(
                    callback_query=CallbackQuery(
                        id=str(next(self._update_ids)),
                        from_user=self.user,
                        chat_instance=str(self.chat.id),
                        message=message,
                        data=choice.callback_data,
                    )
                )
            if choice.request_contact:
                self.session._print("   (/contact 你的手机号 / /contact YOUR_PHONE)")
                return None
            text = choice.label
        if text.startswith("/contact"):
            phone = text.removeprefix("/contact").strip()
            if not re.fullmatch(r"\+?\d{6,15}", phone):
                self.session._print("   /contact 13900000001")
                return None
            return self._update(
                message=self._message(
                    contact=Contact(
                        phone_number=phone,
                        first_name=self.user.first_name,
                        user_id=self.user.id,
                    )
                )
            )
        if text == "/photo":
            return self._update(
                message=self._message(
                    photo=[
                        PhotoSize(
                            file_id=f"console-photo-{next(self._message_ids)}",
                            file_unique_id="console",
                            width=800,
                            height=600,
                        )
                    ],
                    caption="console sample photo",
                )
            )
        return self._update(message=self._message(text=text))


async def _read_line(stream: TextIO) -> str:
    return await asyncio.get_running_loop().run_in_executor(None, stream.readline)


async def run_console(
    dp: Dispatcher,
    *,
    banner: str = "",
    user_id: int = 10_001,
    language: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Chat in the terminal until ``/quit`` or end of input."""
    stdin = stdin or sys.stdin
    session = ConsoleSession(stdout)
    bot = local_bot(session)
    customer = ConsoleCustomer(bot, session, user_id=user_id, language=language)
    if banner:
        session._print(html_to_text(banner))
    try:
        while True:
            session.out.write("你 › ")
            session.out.flush()
            line = await _read_line(stdin)
            if not line or line.strip() in ("/quit", "/exit"):
                break
            update = customer.update_for(line)
            if update is not None:
                await dp.feed_update(bot, update)
    finally:
        session._print("")
        await bot.session.close()
