"""The shop's staff answering tickets without the agents' desk (``AGENTS_CHAT_ID`` unset).

```
kefu tickets reply T… "text" ─tickets.staff_reply─► worker ─commit─► ticket.staff_replied
    ─► {p}.tickets.staff_replies (durable; the bot processes compete for it)
    ─► one bot process: tickets.get (the answer's words) ─► sendMessage to her chat
her next message ─► tickets.append (her words on the ticket) ─► "sent to the staff"
```

The event carries numbers, never the staff's words: the bot reads the answer's transcript line
from the worker and frames it in our words, in her chat's language (the ticket's locale). Which
ticket awaits her answer is kept per chat in the FSM storage under its own *destiny* (as the
desk's handoff record is), apart from the chat memory blob, so the consumer writing it can
never be undone by a concurrent save of her chat memory. A customer turn reads it only when her
chat memory has a ticket (``ChatMemory.ticket``): no new work for any other message.

Delivery is at least once: a redelivered event whose answer was sent already (the record's
``last``) is not sent twice. An answer Telegram refuses for good (she blocked the bot) is
recorded on the ticket as a system line, for the staff to see in ``kefu tickets show``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from prometheus_client import Counter

from bot.settings import BotSettings
from bot.worker_events import WorkerEvents
from bus import Bus
from bus.contracts import (
    AppendToTicket,
    Event,
    GetTicket,
    TicketFound,
    TicketStaffRepliedEvent,
    TranscriptLine,
)
from bus.events import EventHandler
from replies.render import Replies

logger = logging.getLogger(__name__)

STAFF_DESTINY = "kefu-staff"
ANSWER_WINDOW_S = 3 * 86_400
"""How long after the staff's last answer her messages go to the ticket (while it is open):
past that, a message of hers is a new question for the bot again."""
TRANSCRIPT_TAIL = 200

STAFF_ANSWERS = Counter(
    "kefu_staff_answers_total",
    "The staff's answers to tickets without the desk, by outcome (sent, undelivered, repeated).",
    ["outcome"],
)


@dataclass
class StaffThread:
    """``ticket_no``: the open ticket whose staff answer awaits her reply (None: none);
    ``until``: when that stops; ``closed``: the ticket the staff closed last (her chat memory
    lets go of it); ``last``: the event delivered last (a redelivery is not sent again);
    ``acked_at``: when she was last told in words that a message went to the staff."""

    ticket_no: str | None = None
    until: float = 0.0
    closed: str | None = None
    last: str | None = None
    acked_at: float = 0.0

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> StaffThread:
        return cls(
            ticket_no=data.get("ticket"),
            until=float(data.get("until", 0.0)),
            closed=data.get("closed"),
            last=data.get("last"),
            acked_at=float(data.get("acked", 0.0)),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket_no,
            "until": self.until,
            "closed": self.closed,
            "last": self.last,
            "acked": self.acked_at,
        }

    def awaits(self, ticket_no: str | None, now: float) -> bool:
        """Her messages go to ``ticket_no`` (her chat's ticket) now."""
        return ticket_no is not None and self.ticket_no == ticket_no and now < self.until


def event_key(event: TicketStaffRepliedEvent) -> str:
    return f"{event.ticket_no}/{event.line}/{int(event.closed)}"


class StaffAnswers(WorkerEvents):
    """Sends the staff's answers to the customers (one consumer per bot process) and keeps,
    per chat, which ticket awaits her answer."""

    def __init__(
        self, settings: BotSettings, *, rpc: Bus, replies: Replies, storage: BaseStorage
    ) -> None:
        topology = settings.bus.topology
        super().__init__(
            settings, queue=topology.staff_replies_queue,
            declare=topology.declare_staff_replies, name="staff-answers",
        )  # fmt: skip
        self.rpc = rpc
        self.replies = replies
        self.storage = storage

    # ── the per-chat record ──────────────────────────────────────────────────────────────

    @staticmethod
    def key(bot_id: int, chat_id: int) -> StorageKey:
        return StorageKey(bot_id=bot_id, chat_id=chat_id, user_id=chat_id, destiny=STAFF_DESTINY)

    async def load(self, bot_id: int, chat_id: int) -> StaffThread:
        return StaffThread.from_data(await self.storage.get_data(self.key(bot_id, chat_id)))

    async def save(self, bot_id: int, chat_id: int, thread: StaffThread) -> None:
        await self.storage.set_data(self.key(bot_id, chat_id), thread.to_data())

    def handlers(self, bot: Bot) -> Mapping[type[Event], EventHandler]:
        async def on_replied(event: TicketStaffRepliedEvent) -> None:
            await self.deliver(bot, event)

        return {TicketStaffRepliedEvent: on_replied}

    # ── delivery ─────────────────────────────────────────────────────────────────────────

    async def deliver(self, bot: Bot, event: TicketStaffRepliedEvent) -> None:
        """Send one answer (or the closing) to the customer; raises to be retried when the
        worker or Telegram is away for now."""
        thread = await self.load(bot.id, event.chat_id)
        key = event_key(event)
        if thread.last == key:
            STAFF_ANSWERS.labels("repeated").inc()
            logger.info("staff answer %s was sent already; not again", key)
            return
        text = await self._answer_text(event) if event.line is not None else None
        locale = self.replies.normalize_locale(event.locale)
        if text is None:
            words = self.replies.text("staff.closed", locale, ticket_no=event.ticket_no)
        else:
            words = self.replies.text(
                "staff.answer_closed" if event.closed else "staff.answer",
                locale,
                ticket_no=event.ticket_no,
                answer=text,  # escaped as every value
            )
        try:
            await bot.send_message(event.chat_id, words)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            # for good (blocked, chat gone): the staff see it on the ticket; nothing to retry
            STAFF_ANSWERS.labels("undelivered").inc()
            logger.info("staff answer on %s not delivered: %s", event.ticket_no, exc.message)
            await self._record_undelivered(event, exc.message)
        else:
            STAFF_ANSWERS.labels("sent").inc()
            logger.info("staff answer on %s sent to chat %s", event.ticket_no, event.chat_id)
        thread.last = key
        if event.closed:
            thread.ticket_no, thread.until, thread.closed = None, 0.0, event.ticket_no
        else:
            thread.ticket_no, thread.until = event.ticket_no, time.time() + ANSWER_WINDOW_S
            thread.acked_at = 0.0
        await self.save(bot.id, event.chat_id, thread)

    async def _answer_text(self, event: TicketStaffRepliedEvent) -> str:
        assert event.line is not None
        reply = await self.rpc.call(
            GetTicket(ticket_no=event.ticket_no, detail=True, transcript_tail=TRANSCRIPT_TAIL)
        )
        if not isinstance(reply, TicketFound):
            raise LookupError(f"ticket {event.ticket_no} is gone")
        ticket = reply.ticket
        first = ticket.transcript_length - len(ticket.transcript)
        if not first <= event.line < ticket.transcript_length:
            raise LookupError(f"ticket {event.ticket_no} has no line {event.line} any more")
        return ticket.transcript[event.line - first].text

    async def _record_undelivered(self, event: TicketStaffRepliedEvent, reason: str) -> None:
        await self.rpc.call(
            AppendToTicket(
                idempotency_key=f"staff-undelivered:{event_key(event)}",
                ticket_no=event.ticket_no,
                role="system",
                lines=[
                    TranscriptLine(
                        role="system",
                        text=f"the staff's answer could not be delivered to the customer: "
                        f"{reason}"[:4096],
                        at=datetime.now(UTC),
                    )
                ],
            )
        )


def install_staff_answers(
    dp: Dispatcher, settings: BotSettings, *, rpc: Bus, replies: Replies, storage: BaseStorage
) -> StaffAnswers:
    """Without the desk: the staff's answers reach the customers (``staff`` in the handlers'
    data), consumed from when the dispatcher starts until it stops."""
    staff = StaffAnswers(settings, rpc=rpc, replies=replies, storage=storage)
    staff.install(dp, "staff")
    return staff
