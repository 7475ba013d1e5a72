"""One chat's memory and the helper every handler answers through.

:class:`ChatMemory` is the bot's own per-chat record in aiogram's FSM storage (memory, or Redis
when several bot processes share the chats), kept apart from the FSM state/data under its own
*destiny* so that ``state.clear()`` at the end of a flow never forgets the customer's language,
identity or the conversation so far. It is read once per update and written back once when
something changed.

:class:`Conversation` sends replies (split at Telegram's 4096-character limit) and records
both sides of the chat in a bounded transcript, which goes into a ticket when the chat is
escalated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot import keyboards
from bus.contracts import Attachment, TranscriptLine
from intents import Decision
from replies.render import Replies

logger = logging.getLogger(__name__)

MEMORY_DESTINY = "kefu"
MESSAGE_LIMIT = 4096
ATTACHMENT_LIMIT = 50

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a reply into Telegram-sized parts, at a line break or space where there is one.

    Parts never end inside an HTML tag or entity (``<b>``, ``&amp;``): the cut moves back to
    before the tag.
    """
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        opening, entity = window.rfind("<", 0, cut), window.rfind("&", 0, cut)
        if opening > window.rfind(">", 0, cut):
            cut = opening
        if entity > window.rfind(";", 0, cut) and cut - entity < 10:
            cut = entity
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    if rest or not parts:
        parts.append(rest)
    return parts


@dataclass
class ChatMemory:
    """The per-chat record. Values are JSON-native so that Redis storage can hold them."""

    storage: BaseStorage
    key: StorageKey
    data: dict[str, Any]
    dirty: bool = False

    @classmethod
    async def load(cls, storage: BaseStorage, key: StorageKey) -> ChatMemory:
        return cls(storage, key, await storage.get_data(key))

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def set(self, name: str, value: Any) -> None:
        if self.data.get(name) != value:
            self.data[name] = value
            self.dirty = True

    def pop(self, name: str) -> Any:
        if name in self.data:
            self.dirty = True
            return self.data.pop(name)
        return None

    async def save(self) -> None:
        if self.dirty:
            await self.storage.set_data(self.key, dict(self.data))
            self.dirty = False

    # -- identity --------------------------------------------------------------------------
    @property
    def linked(self) -> bool:
        return bool(self.data.get("linked"))

    def proof_for(self, order_no: str) -> str | None:
        """The last four phone digits the customer proved this order with, if any."""
        return (self.data.get("proofs") or {}).get(order_no)

    def remember_proof(self, order_no: str, last4: str | None) -> None:
        proofs = dict(self.data.get("proofs") or {})
        if last4 and proofs.get(order_no) != last4:
            proofs[order_no] = last4
            # A handful is plenty; the oldest go first.
            self.set("proofs", dict(list(proofs.items())[-10:]))
        self.set("last_order", order_no)

    # -- transcript and attachments --------------------------------------------------------
    def record(self, role: str, text: str, limit: int) -> None:
        lines = list(self.data.get("transcript") or [])
        lines.append({"role": role, "text": text[:MESSAGE_LIMIT], "at": _now_iso()})
        self.data["transcript"] = lines[-limit:]  # always new: no need to compare the lists
        self.dirty = True

    def transcript(self) -> list[TranscriptLine]:
        # Stored as JSON (Redis): the time goes back to a datetime for the strict contract.
        return [
            TranscriptLine(
                role=line["role"], text=line["text"], at=datetime.fromisoformat(line["at"])
            )
            for line in self.data.get("transcript") or []
        ]

    def add_attachment(self, kind: str, file_id: str, caption: str | None) -> None:
        items = list(self.data.get("attachments") or [])
        items.append({"kind": kind, "file_id": file_id, "caption": caption})
        self.set("attachments", items[-ATTACHMENT_LIMIT:])

    def attachments(self) -> list[Attachment]:
        return [Attachment.model_validate(item) for item in self.data.get("attachments") or []]


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Conversation:
    """Answers one chat, in the customer's language, and keeps the transcript."""

    bot: Bot
    chat_id: int
    user_id: int
    user_name: str
    locale: str
    memory: ChatMemory
    replies: Replies
    transcript_limit: int = 40
    ui_cache: dict[Any, Any] | None = None
    sent: list[Message] = field(default_factory=list)
    desk: Any = None  # the agents' desk (bot/desk) when AGENTS_CHAT_ID is set

    def feedback(self, intent: str) -> InlineKeyboardMarkup:
        """The solved / not solved buttons for an answer to ``intent`` (cached per language)."""
        return keyboards.feedback(self.t, intent, self.ui_cache, self.locale)

    def t(self, key: str, **values: Any) -> str:
        """A UI text from replies/ in this chat's language (values are HTML-escaped)."""
        return self.replies.text(key, self.locale, **values)

    async def say(self, text: str, reply_markup: Markup | None = None) -> Message:
        """Send ``text`` (split when long; the keyboard goes with the last part)."""
        parts = split_text(text)
        message: Message | None = None
        for i, part in enumerate(parts):
            markup = reply_markup if i == len(parts) - 1 else None
            message = await self.bot.send_message(self.chat_id, part, reply_markup=markup)
        assert message is not None
        self.memory.record("bot", text, self.transcript_limit)
        self.sent.append(message)
        return message

    def heard(self, text: str) -> None:
        self.memory.record("customer", text, self.transcript_limit)


async def ask_again_or_step_aside(
    conv: Conversation, state: FSMContext, decision: Decision | None, ask_key: str
) -> None:
    """The reply lacks what the flow waits for. A clear new question leaves the flow for the
    intent handlers (``SkipHandler``); anything else hears the flow's question again."""
    if decision is not None and decision.outcome == "accept":
        await state.clear()
        raise SkipHandler
    await conv.say(conv.t(ask_key))
