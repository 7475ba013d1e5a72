"""Tickets: a chat handed to a person, with the conversation so far."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from bus.contracts.base import ORDER_NO_PATTERN, ChatId, Command, Contract, TelegramUserId
from shop.enums import TicketReason


class TranscriptLine(Contract):
    role: Literal["customer", "bot", "agent"]
    text: str = Field(max_length=4096)
    at: datetime


class Attachment(Contract):
    kind: Literal["photo", "video", "voice", "document", "sticker", "other"]
    file_id: str = Field(max_length=200)
    caption: str | None = Field(default=None, max_length=1024)


class TicketOpened(Contract):
    kind: Literal["ticket_opened"] = "ticket_opened"
    ticket_no: str
    opened_at: datetime
    already_open: bool = False


class OpenTicket(Command[TicketOpened]):
    """Escalate a chat to a person; one open ticket per customer chat (re-opening answers the
    open one)."""

    METHOD: ClassVar[str] = "tickets.open"
    telegram_user_id: TelegramUserId
    chat_id: ChatId
    customer_name: str = Field(default="", max_length=100)
    reason: TicketReason
    intent: str | None = Field(default=None, max_length=60)
    order_no: str | None = Field(default=None, pattern=ORDER_NO_PATTERN)
    transcript: list[TranscriptLine] = Field(default=[], max_length=200)
    attachments: list[Attachment] = Field(default=[], max_length=50)
