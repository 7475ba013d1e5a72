"""The helper every handler and flow answers through.

:class:`Conversation` speaks in the chat's language, sends replies (split at Telegram's
4096-character limit) and records both sides of the chat in the chat memory's bounded
transcript (``bot.services.memory``), which goes into a ticket when the chat is escalated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.types import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from bot import keyboards
from bot.services.memory import ChatMemory, Offer
from bot.services.offers import offer_in
from replies.render import Replies

if TYPE_CHECKING:
    from bot.desk.service import Desk
    from bus.contracts import OrderSummary
    from bus.errors import BusError

MESSAGE_LIMIT = 4096

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
    ui_cache: keyboards.KeyboardCache | None = None
    desk: Desk | None = None  # the agents' desk (bot/desk) when AGENTS_CHAT_ID is set
    orders: list[OrderSummary] | None = field(default=None, init=False)
    """The customer's latest orders as the worker listed them in this update (once a turn:
    ``bot.services.orders.list_orders``)."""
    orders_failed: BusError | None = field(default=None, init=False)
    """Why the worker could not list them this turn (it is not asked again in the turn)."""
    offer: Offer | None = field(default=None, init=False)
    """What the bot's last message offered, for this update only (``bot.services.offers``):
    taken out of the chat memory as the update starts, so any update answers it or drops it."""
    heard_text: str = field(default="", init=False)
    """What the customer sent in this update, as the transcript has it (``heard``)."""
    waiting_aside: int | None = field(default=None, init=False)
    """A job waits at its question (this message id) while a question asked aside is
    answered in this update: the answer is followed by a pointer back to it
    (``bot.flows.base.Flow.step_aside``)."""

    def __post_init__(self) -> None:
        if self.memory.offer is not None:
            self.offer, self.memory.offer = self.memory.offer, None

    def feedback(self, intent: str) -> InlineKeyboardMarkup:
        """The solved / not solved buttons for an answer to ``intent`` (cached per language)."""
        return keyboards.feedback(self.t, intent, self.ui_cache, self.locale)

    def offer_human(self, reason: str) -> InlineKeyboardMarkup:
        """ "Talk to a person?" yes / no for a ticket of ``reason`` (cached per language)."""
        return keyboards.offer_human(self.t, reason, self.ui_cache, self.locale)

    def t(self, key: str, **values: Any) -> str:
        """A UI text from replies/ in this chat's language (values are HTML-escaped)."""
        return self.replies.text(key, self.locale, **values)

    def t_person(self, key: str, **values: Any) -> str:
        """A text that says what a person does next ("a colleague answers you here"): without
        the agents' desk nobody can answer in this chat, so its ``<key>.no_desk`` wording."""
        return self.t(key if self.desk is not None else f"{key}.no_desk", **values)

    async def say(
        self,
        text: str,
        reply_markup: Markup | None = None,
        *,
        reply_to: int | None = None,
        aside: bool = False,
    ) -> Message:
        """Send ``text`` (split when long; the keyboard goes with the last part), as a reply to
        the chat's message ``reply_to`` when given (sent anyway if it is gone). ``aside``: a
        word said in passing (an apology, "slow down", a thanks acknowledged) — the question the
        bot asked before stays the one a job waits at (``ChatMemory.last_said``)."""
        parts = split_text(text)
        message: Message | None = None
        for i, part in enumerate(parts):
            markup = reply_markup if i == len(parts) - 1 else None
            quoted = (
                ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
                if reply_to is not None and i == 0
                else None
            )
            message = await self.bot.send_message(
                self.chat_id, part, reply_markup=markup, reply_parameters=quoted
            )
        assert message is not None
        if not aside:
            self.memory.last_said = message.message_id
        self.memory.record("bot", text, self.transcript_limit)
        if reply_markup is not None and (offered := offer_in(reply_markup)) is not None:
            offered.message_id = message.message_id
            self.memory.offer = offered  # a bare yes or no in the next message answers it
        return message

    def heard(self, text: str) -> None:
        self.heard_text = text
        self.memory.record("customer", text, self.transcript_limit)
