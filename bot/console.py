"""The console chat: a person types as a customer in the terminal, through the same
dispatcher and handlers as on Telegram — and, with ``/desk``, as the agent at the agents' desk.

:class:`ConsoleSession` is the in-process session of ``bot.local`` that also prints what
the bot sends (HTML turned into plain text, keyboards as numbered choices) and plays the part
of Telegram for what the desk needs (forum topics, copying messages, the agents' group's
members). :func:`run_console` reads lines from stdin and feeds each one to the dispatcher as a
Telegram update: as the customer (``客服 ›`` lines are what the customer sees), or after
``/desk`` as an agent writing in the current ticket's topic (``工作台 #N ›`` lines are what the
agents' group sees). A number picks a choice, ``/contact PHONE`` shares one's own contact,
``/photo`` sends a sample photo, ``/customer`` goes back to the customer, ``/topic N`` picks
another topic, ``/quit`` or end of input leaves.
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
    CloseForumTopic,
    CopyMessage,
    CopyMessages,
    CreateForumTopic,
    DeleteForumTopic,
    EditForumTopic,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChatMember,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SendSticker,
    SendVideo,
    SendVoice,
    SetMessageReaction,
    TelegramMethod,
)
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    Contact,
    ForumTopic,
    InlineKeyboardMarkup,
    Message,
    MessageId,
    PhotoSize,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
)

from bot.local import LOCAL_BOT, LocalSession, local_bot, next_message_id
from bus.contracts import GetTicket, TicketFound
from bus.errors import BusError

logger = logging.getLogger(__name__)

CONSOLE_AGENTS_CHAT = -1_000_000_000_001
"""The agents' group the console plays when ``AGENTS_CHAT_ID`` is not set."""
CONSOLE_AGENT = User(id=20_001, is_bot=False, first_name="坐席小可", language_code="zh-hans")
_TAG = re.compile(r"<[^>]+>")
_MEDIA = (SendPhoto, SendDocument, SendVoice, SendSticker, SendVideo)


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
    """Prints the bot's messages; keeps the numbered choices of the latest keyboard, per side
    (the customer's chat, the agents' group)."""

    def __init__(self, out: TextIO | None = None, *, desk_chat: int | None = None) -> None:
        super().__init__()
        self.out = out or sys.stdout
        self.desk_chat = desk_chat
        self.choices: list[Choice] = []
        self.desk_choices: list[Choice] = []
        self.inbox: dict[tuple[int, int], Message] = {}  # what people typed, for copies
        self.topics: dict[int, str] = {}

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _prefix(self, chat_id: int | str, thread: int | None = None) -> str:
        if self.desk_chat is not None and int(chat_id) == self.desk_chat:
            return f"工作台 #{thread} › " if thread else "工作台 › "
        return "客服 › "

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> Any:
        if isinstance(method, SendMessage):
            return self._send(method)
        if isinstance(method, EditMessageText):
            self._print(f"{self._prefix(method.chat_id or 0)}{html_to_text(method.text or '')}")
            self._show_keyboard(method.reply_markup, method.message_id, method.chat_id)
            return True
        if isinstance(method, EditMessageReplyMarkup):
            if method.reply_markup is None:
                self.choices = [c for c in self.choices if c.message_id != method.message_id]
                self.desk_choices = [
                    c for c in self.desk_choices if c.message_id != method.message_id
                ]
            else:
                self._show_keyboard(method.reply_markup, method.message_id, method.chat_id)
            return True
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                self._print(f"客服 › {method.text}")
            return True
        if isinstance(method, SetMessageReaction):
            shown = " ".join(getattr(r, "emoji", "?") for r in method.reaction or [])
            self._print(f"客服 › ({shown})")
            return True
        desk = self._desk_request(method)
        if desk is not None:
            return desk
        logger.debug("console: %s is not shown", type(method).__name__)
        return self.answer(method)

    def _desk_request(self, method: TelegramMethod[Any]) -> Any:
        """What the agents' desk asks of Telegram, played here."""
        if isinstance(method, CreateForumTopic):
            thread = next(self._ids)
            self.topics[thread] = method.name
            self._print(f"工作台 › 新话题 #{thread}：{method.name}")
            return ForumTopic(message_thread_id=thread, name=method.name, icon_color=0x6FB9F0)
        if isinstance(method, EditForumTopic):
            if method.name:
                self.topics[method.message_thread_id] = method.name
                self._print(f"工作台 › 话题 #{method.message_thread_id} 改名为：{method.name}")
            return True
        if isinstance(method, CloseForumTopic | DeleteForumTopic):
            self.topics.pop(method.message_thread_id, None)
            return True
        if isinstance(method, GetChatMember):
            if method.user_id == CONSOLE_AGENT.id:
                return ChatMemberMember(user=CONSOLE_AGENT)
            return ChatMemberLeft(user=User(id=method.user_id, is_bot=False, first_name="?"))
        if isinstance(method, CopyMessage):
            return MessageId(
                message_id=self._copy(
                    method.chat_id, method.from_chat_id, method.message_id, method.message_thread_id
                )
            )
        if isinstance(method, CopyMessages):
            return [
                MessageId(
                    message_id=self._copy(
                        method.chat_id, method.from_chat_id, i, method.message_thread_id
                    )
                )
                for i in method.message_ids
            ]
        if isinstance(method, _MEDIA):
            kind = type(method).__name__.removeprefix("Send").lower()
            caption = html_to_text(getattr(method, "caption", None) or "")
            self._print(
                f"{self._prefix(method.chat_id, method.message_thread_id)}[{kind}] "
                f"{caption}".rstrip()
            )
            return self._message(method.chat_id, caption)
        if isinstance(method, SendMediaGroup):
            self._print(
                f"{self._prefix(method.chat_id, method.message_thread_id)}"
                f"[{len(method.media)} photos]"
            )
            return [self._message(method.chat_id, "") for _ in method.media]
        return None

    def _copy(
        self, chat_id: int | str, from_chat: int | str, message_id: int, thread: int | None
    ) -> int:
        source = self.inbox.get((int(from_chat), message_id)) or self.messages.get(message_id)
        if source is None:
            shown = "[message]"
        elif source.text:
            shown = source.text
        else:
            kind = next(
                (
                    k
                    for k in ("photo", "document", "voice", "sticker", "video")
                    if getattr(source, k)
                ),
                "message",
            )
            shown = f"[{kind}] {source.caption or ''}".rstrip()
        self._print(f"{self._prefix(chat_id, thread)}{shown}")
        return next(self._ids)

    def _message(self, chat_id: int | str, text: str) -> Message:
        return Message(
            message_id=next(self._ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            from_user=LOCAL_BOT,
            text=text or None,
        )

    def _send(self, method: SendMessage) -> Message:
        message_id = next(self._ids)
        prefix = self._prefix(method.chat_id, method.message_thread_id)
        replied = method.reply_parameters.message_id if method.reply_parameters else None
        quoted = self.messages.get(replied) if replied is not None else None
        if quoted is not None and quoted.text:  # a reply shows what it quotes, as Telegram does
            line = html_to_text(quoted.text).replace("\n", " ")
            self._print(f"{prefix}┃ {line[:60]}{'…' if len(line) > 60 else ''}")
        self._print(f"{prefix}{html_to_text(method.text)}")
        self._show_keyboard(method.reply_markup, message_id, method.chat_id)
        desk = self.desk_chat is not None and int(method.chat_id) == self.desk_chat
        message = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=int(method.chat_id), type="supergroup" if desk else "private"),
            from_user=LOCAL_BOT,
            text=method.text,
            message_thread_id=method.message_thread_id,
            is_topic_message=True if desk and method.message_thread_id else None,
            reply_markup=(
                method.reply_markup
                if isinstance(method.reply_markup, InlineKeyboardMarkup)
                else None
            ),
        )
        self.messages[message_id] = message
        return message

    def _show_keyboard(
        self, markup: Any, message_id: int | None, chat_id: int | str | None
    ) -> None:
        desk = self.desk_chat is not None and chat_id is not None and int(chat_id) == self.desk_chat
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
        if desk:
            self.desk_choices = choices
        else:
            self.choices = choices
        for number, choice in enumerate(choices, 1):
            hint = "  (/contact 你的手机号 / your phone)" if choice.request_contact else ""
            self._print(f"   [{number}] {choice.label}{hint}")


_update_ids = itertools.count(1)


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

    @property
    def choices(self) -> list[Choice]:
        return self.session.choices

    def thread(self) -> int | None:
        return None

    def _message(self, **fields: Any) -> Message:
        thread = self.thread()
        message = Message(
            message_id=next_message_id(),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            message_thread_id=thread,
            is_topic_message=True if thread else None,
            **fields,
        )
        self.session.inbox[(self.chat.id, message.message_id)] = message
        return message

    def _update(self, **fields: Any) -> Update:
        return Update(update_id=next(_update_ids), **fields, context={"bot": self.bot})

    def update_for(self, line: str) -> Update | None:
        """The update for one typed line (``None``: nothing to send)."""
        text = line.strip()
        if not text:
            return None
        choices = self.choices
        if text.isdigit() and 1 <= int(text) <= len(choices):
            choice = choices[int(text) - 1]
            if choice.callback_data is not None:
                message = self.session.messages.get(choice.message_id or 0)
                return self._update(
                    callback_query=CallbackQuery(
                        id=str(next(_update_ids)),
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
                            file_id=f"console-photo-{next_message_id()}",
                            file_unique_id="console",
                            width=800,
                            height=600,
                        )
                    ],
                    caption="console sample photo",
                )
            )
        return self._update(message=self._message(text=text))


class ConsoleAgent(ConsoleCustomer):
    """The person at the agents' desk: writes in the current ticket's topic (or, for
    ``/queue``, ``/mine`` and ``/help``, in the group's General topic)."""

    GENERAL = ("/queue", "/mine", "/help")

    def __init__(self, bot: Bot, session: ConsoleSession, *, chat_id: int) -> None:
        super().__init__(bot, session, user_id=CONSOLE_AGENT.id, language="zh-hans")
        self.user = CONSOLE_AGENT
        self.chat = Chat(id=chat_id, type="supergroup", title="客服工作台", is_forum=True)
        self.topic: int | None = None
        self._general = False

    @property
    def choices(self) -> list[Choice]:
        return self.session.desk_choices

    def thread(self) -> int | None:
        return None if self._general else self.topic

    def current_topic(self) -> int | None:
        """The topic chosen with /topic, else the newest one."""
        if self.topic not in self.session.topics:
            self.topic = max(self.session.topics, default=None)
        return self.topic

    def update_for(self, line: str) -> Update | None:
        text = line.strip()
        if text.startswith("/topic"):
            wanted = text.removeprefix("/topic").strip()
            if wanted.isdigit() and int(wanted) in self.session.topics:
                self.topic = int(wanted)
            listing = ", ".join(f"#{t} {n}" for t, n in sorted(self.session.topics.items()))
            self.session._print(f"工作台 › {listing or '—'}")
            return None
        self._general = text.split(" ", 1)[0] in self.GENERAL
        if not self._general and self.current_topic() is None and not text.isdigit():
            return None
        return super().update_for(line)


async def open_ticket_notice(dp: Dispatcher, chat_id: int, locale: str) -> str | None:
    """What the console says once at its start when its chat still has a live ticket from an
    earlier run (the worker keeps it; the console's chat and user id stay the same): every
    message would go to the agents' desk, and the bot would say nothing of its own. ``None``:
    no desk, no live ticket, or the worker can't be asked (the first message finds out)."""
    desk = dp.workflow_data.get("desk")
    replies = dp.workflow_data.get("replies")
    if desk is None or replies is None:
        return None
    try:
        found = await desk.rpc.call(GetTicket(chat_id=chat_id))
    except BusError as exc:
        logger.info("console: its chat's ticket could not be looked up: %s", exc)
        return None
    if not isinstance(found, TicketFound) or found.ticket.state == "closed":
        return None
    ticket = found.ticket
    said_in = replies.normalize_locale(ticket.locale, fallback=locale)  # the ticket's language
    key = (
        "console.open_ticket.with_agent" if ticket.state == "with_agent" else "console.open_ticket"
    )
    text: str = replies.text(
        key, said_in, ticket_no=ticket.ticket_no, agent=ticket.agent_name or ""
    )
    return text


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
    desk = dp.workflow_data.get("desk")
    session = ConsoleSession(stdout, desk_chat=desk.chat_id if desk is not None else None)
    bot = local_bot(session)
    customer = ConsoleCustomer(bot, session, user_id=user_id, language=language)
    agent = ConsoleAgent(bot, session, chat_id=desk.chat_id) if desk is not None else None
    person: ConsoleCustomer = customer
    replies = dp.workflow_data.get("replies")
    locale = replies.normalize_locale(language) if replies is not None else "zh_CN"
    if banner:
        session._print(html_to_text(banner))
    await dp.emit_startup(bot=bot, **dp.workflow_data)
    notice = await open_ticket_notice(dp, user_id, locale)
    if notice is not None:
        session._print(f"客服 › {html_to_text(notice)}")
    try:
        while True:
            if person is agent and agent is not None:
                session.out.write(f"坐席 #{agent.current_topic() or '-'} › ")
            else:
                session.out.write("你 › ")
            session.out.flush()
            line = await _read_line(stdin)
            if not line or line.strip() in ("/quit", "/exit"):
                break
            command = line.strip()
            if agent is not None and replies is not None and command in ("/desk", "/customer"):
                person = agent if command == "/desk" else customer
                key = "console.desk_on" if person is agent else "console.desk_off"
                session._print(html_to_text(replies.text(key, locale)))
                if person is agent and agent.current_topic() is None:
                    session._print(html_to_text(replies.text("console.desk_none", locale)))
                continue
            update = person.update_for(line)
            if update is None and person is agent and replies is not None:
                if agent.current_topic() is None:
                    session._print(html_to_text(replies.text("console.desk_none", locale)))
                continue
            if update is not None:
                await dp.feed_update(bot, update)
    finally:
        session._print("")
        await dp.emit_shutdown(bot=bot, **dp.workflow_data)
        await bot.session.close()
