"""Each customer chat's handoff state as the bot remembers it, and the middleware that reads it.

The worker owns the truth (``tickets.get``); the bot keeps a small cached record per customer
chat in the FSM storage (memory, or Redis shared by the bot processes) under its own
*destiny*, apart from the chat memory blob: an agent's ``/close`` in the agents' group updates
the customer's record directly, and a concurrent save of the customer's chat memory can never
overwrite it. The record holds the live ticket, if any; when the chat is believed to have none
that belief is re-checked with the worker after ``RECHECK_S`` (or at once while a ticket
command is still pending), so a lost or raced write costs at most a minute of the bot
answering on its own, and a bot restarted with an empty memory finds the handoff again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import Chat, TelegramObject, User

logger = logging.getLogger(__name__)

DESK_DESTINY = "kefu-desk"
RECHECK_S = 60.0


@dataclass
class Handoff:
    """``ticket_no``: the chat's live ticket (as far as we know); ``rating``: a closed ticket
    whose rating (and comment) the customer may still give; ``acked_at``: when the customer
    was last told in words that a message of hers was added to the waiting ticket."""

    ticket_no: str | None = None
    checked_at: float = 0.0
    rating: str | None = None
    acked_at: float = 0.0

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Handoff:
        return cls(
            ticket_no=data.get("ticket"),
            checked_at=float(data.get("checked", 0.0)),
            rating=data.get("rating"),
            acked_at=float(data.get("acked", 0.0)),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket_no,
            "checked": self.checked_at,
            "rating": self.rating,
            "acked": self.acked_at,
        }

    @property
    def live(self) -> bool:
        return self.ticket_no is not None

    def fresh(self, now: float) -> bool:
        return now - self.checked_at < RECHECK_S


class HandoffStore:
    """Reads and writes the per-chat records (private chats: the user is the chat)."""

    def __init__(self, storage: BaseStorage) -> None:
        self.storage = storage

    @staticmethod
    def key(bot_id: int, chat_id: int) -> StorageKey:
        return StorageKey(bot_id=bot_id, chat_id=chat_id, user_id=chat_id, destiny=DESK_DESTINY)

    async def load(self, bot_id: int, chat_id: int) -> Handoff:
        return Handoff.from_data(await self.storage.get_data(self.key(bot_id, chat_id)))

    async def save(self, bot_id: int, chat_id: int, handoff: Handoff) -> None:
        await self.storage.set_data(self.key(bot_id, chat_id), handoff.to_data())

    async def opened(self, bot_id: int, chat_id: int, ticket_no: str) -> None:
        await self.save(bot_id, chat_id, Handoff(ticket_no=ticket_no, checked_at=time.time()))

    async def acked(self, bot_id: int, chat_id: int, ticket_no: str, at: float) -> None:
        """The customer was told her message was added to ``ticket_no`` (if still hers)."""
        current = await self.load(bot_id, chat_id)
        if current.ticket_no != ticket_no:
            return
        current.acked_at = at
        await self.save(bot_id, chat_id, current)

    async def closed(self, bot_id: int, chat_id: int, ticket_no: str, *, rate: bool) -> None:
        """The ticket closed: the chat is the bot's again (unless it already holds a newer
        ticket), and may rate the closed one."""
        current = await self.load(bot_id, chat_id)
        if current.ticket_no not in (None, ticket_no):
            return
        await self.save(
            bot_id,
            chat_id,
            Handoff(ticket_no=None, checked_at=time.time(), rating=ticket_no if rate else None),
        )


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class HandoffMiddleware(BaseMiddleware):
    """Puts the customer chat's :class:`Handoff` in ``data["handoff"]`` and the desk on the
    conversation (``conv.desk``), for private chats; runs after the chat context."""

    def __init__(self, desk: Any) -> None:
        self.desk = desk

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        conv = data.get("conv")
        if chat is None or user is None or conv is None or chat.type != "private":
            return await handler(event, data)
        conv.desk = self.desk
        data["handoff"] = await self.desk.handoff_of(data["bot"], chat.id, conv.memory)
        return await handler(event, data)
