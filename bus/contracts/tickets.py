"""Tickets and the agents' desk: a chat handed to a person, and everything the desk does with it.

One state machine per customer chat, owned by the worker (``worker/tickets.py``)::

    bot ─tickets.open─► waiting ─tickets.take (or an agent's first reply)─► with_agent
        ─tickets.close─► closed ─► bot.     (tickets.close from waiting: the customer withdrew)

The database keeps at most one live (not closed) ticket per chat and one ticket per forum
topic. Every transition is a command with an idempotency key and publishes an event
(``bus.contracts.events``). The desk's enumerations (``TicketState``, ``ClosedBy``,
``AlertKind``, ``RemarkFlag``) are the shop's (``shop.enums``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, model_validator

from bus.contracts.base import (
    MAX_ROW_ID,
    ORDER_NO_PATTERN,
    ChatId,
    Command,
    Contract,
    Request,
    TelegramUserId,
)
from bus.contracts.orders import OrderFound, OrderNotFound, OrderSummary
from shop.enums import AlertKind, ClosedBy, RemarkFlag, TicketReason, TicketState

LOCALE_PATTERN = r"^[a-z]{2}(_[A-Z]{2})?$"
TICKET_NO_PATTERN = r"^T\d{8,16}$"
MessageId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
"""A Telegram message or forum-topic id (positive, 32 bits)."""


class TranscriptLine(Contract):
    role: Literal["customer", "bot", "agent", "system"]
    text: str = Field(max_length=4096)
    at: datetime
    message_id: MessageId | None = Field(
        default=None,
        description="The customer's Telegram message (customer lines): the desk copies it into "
        "the ticket's topic when it arrived before the topic existed.",
    )
    internal: bool = Field(default=False, description="An agents' note (//): never relayed.")


class Attachment(Contract):
    kind: Literal["photo", "video", "voice", "document", "sticker", "other"]
    file_id: str = Field(max_length=200)
    caption: str | None = Field(default=None, max_length=1024)


class QueuePlace(Contract):
    """Where a waiting ticket stands: 1 is next."""

    position: int = Field(ge=1)
    expected_wait_s: int | None = Field(
        default=None,
        description="From recent first-response times; None: no recent history, or the ticket "
        "has already waited longer than they suggest (never a made-up figure).",
    )

    @property
    def expected_minutes(self) -> int | None:
        """The expected wait as the customer hears it (``heard_minutes``)."""
        return None if self.expected_wait_s is None else heard_minutes(self.expected_wait_s)


def heard_minutes(wait_s: int) -> int:
    """An expected wait as the customer is told it: whole minutes, at least one ("about 1
    minute" for 5 seconds). The desk says "sorry for the wait" only once that has passed."""
    return max(1, round(wait_s / 60))


class QueueUpdate(Contract):
    """A waiting customer whose place or expected wait changed enough to tell them."""

    ticket_no: str
    chat_id: ChatId
    locale: str
    place: QueuePlace
    overdue: bool = Field(
        default=False, description="They have waited longer than we said: apologise."
    )


class TicketOpened(Contract):
    kind: Literal["ticket_opened"] = "ticket_opened"
    ticket_no: str
    opened_at: datetime
    already_open: bool = False
    state: TicketState = "waiting"
    place: QueuePlace | None = Field(default=None, description="Set while the ticket waits.")
    agent_name: str | None = None


class OpenTicket(Command[TicketOpened]):
    """Escalate a chat to a person; one live ticket per customer chat (re-opening answers the
    live one, adding the new transcript and attachments to it)."""

    METHOD: ClassVar[str] = "tickets.open"
    telegram_user_id: TelegramUserId
    chat_id: ChatId
    customer_name: str = Field(default="", max_length=100)
    reason: TicketReason
    intent: str | None = Field(default=None, max_length=60)
    confidence: float | None = Field(default=None, ge=0, le=1)
    locale: str = Field(default="zh_CN", pattern=LOCALE_PATTERN)
    order_no: str | None = Field(default=None, pattern=ORDER_NO_PATTERN)
    transcript: list[TranscriptLine] = Field(default=[], max_length=200)
    attachments: list[Attachment] = Field(default=[], max_length=50)


class TicketView(Contract):
    """A ticket as the desk sees it. Customer data is masked; the detail fields (transcript,
    attachments, orders, masked name and phone) are filled only when asked for."""

    ticket_no: str
    state: TicketState
    chat_id: ChatId
    telegram_user_id: TelegramUserId
    customer_name: str = Field(description="The customer's Telegram name, as they set it.")
    locale: str
    reason: TicketReason
    intent: str | None = None
    confidence: float | None = None
    order_no: str | None = None
    opened_at: datetime
    taken_at: datetime | None = None
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: ClosedBy | None = None
    agent_id: TelegramUserId | None = None
    agent_name: str | None = None
    desk_chat_id: int | None = None
    topic_id: int | None = None
    card_message_id: int | None = None
    place: QueuePlace | None = None
    rating: int | None = None
    rating_comment: str | None = None
    sla_alerts: int = 0
    idle_reminders: int = 0
    transcript_length: int = 0
    attachment_count: int = 0
    customer_masked: str | None = Field(
        default=None, description="The shop's customer record, name masked (张**)."
    )
    phone_masked: str | None = None
    transcript: list[TranscriptLine] = Field(default=[])
    attachments: list[Attachment] = Field(default=[])
    orders: list[OrderSummary] = Field(default=[])


class TicketFound(Contract):
    kind: Literal["ticket_found"] = "ticket_found"
    ticket: TicketView


class TicketNotFound(Contract):
    kind: Literal["ticket_not_found"] = "ticket_not_found"


class _TicketSelector(Contract):
    """Exactly one of: the ticket number; the customer chat (its live ticket); the topic."""

    ticket_no: str | None = Field(default=None, pattern=TICKET_NO_PATTERN)
    chat_id: ChatId | None = None
    desk_chat_id: ChatId | None = None
    topic_id: MessageId | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> _TicketSelector:
        given = [
            self.ticket_no is not None,
            self.chat_id is not None,
            self.topic_id is not None or self.desk_chat_id is not None,
        ]
        if sum(given) != 1:
            raise ValueError("give exactly one of ticket_no, chat_id, desk_chat_id+topic_id")
        if (self.topic_id is None) != (self.desk_chat_id is None):
            raise ValueError("a topic is named by desk_chat_id and topic_id together")
        return self


class GetTicket(_TicketSelector, Request[TicketFound | TicketNotFound]):
    """A ticket by number (any state), by topic (any state), or a chat's live ticket."""

    METHOD: ClassVar[str] = "tickets.get"
    SCHEMA_VERSION: ClassVar[int] = 4  # 3, 4: the detail's order summaries as orders.list's
    detail: bool = Field(default=False, description="Transcript, attachments, orders too.")
    transcript_tail: int = Field(default=20, ge=0, le=200)


class TicketList(Contract):
    kind: Literal["tickets"] = "tickets"
    tickets: list[TicketView]


class ListQueue(Request[TicketList]):
    """Waiting tickets, oldest first, each with its place and expected wait."""

    METHOD: ClassVar[str] = "tickets.queue"


class ListMine(Request[TicketList]):
    """An agent's tickets that are with them now, oldest first."""

    METHOD: ClassVar[str] = "tickets.mine"
    agent_id: TelegramUserId


class ListLive(Request[TicketList]):
    """Every live ticket (waiting or with an agent), oldest first; the waiting ones with their
    place in the queue. The desk's ``/open`` and ``kefu tickets``. Workers first: a worker older
    than this method answers ``unknown_method``."""

    METHOD: ClassVar[str] = "tickets.live"
    limit: int = Field(default=50, ge=1, le=200)


class TicketHistory(Request[TicketList]):
    """A conversation: one ticket by number, or a customer chat's latest tickets in any state
    (newest first), each with the tail of its transcript (``detail`` views, masked). The desk's
    ``/history`` and ``kefu tickets show``. An unknown ticket or chat: an empty list."""

    METHOD: ClassVar[str] = "tickets.history"
    ticket_no: str | None = Field(default=None, pattern=TICKET_NO_PATTERN)
    chat_id: ChatId | None = None
    tickets: int = Field(default=3, ge=1, le=20)
    lines: int = Field(default=50, ge=1, le=200)

    @model_validator(mode="after")
    def _one_selector(self) -> TicketHistory:
        if (self.ticket_no is None) == (self.chat_id is None):
            raise ValueError("give exactly one of ticket_no, chat_id")
        return self


class DueTickets(Contract):
    kind: Literal["due"] = "due"
    sla: list[TicketView] = Field(description="Waiting longer than the SLA since the last alert.")
    idle: list[TicketView] = Field(description="A customer waits on a silent agent.")
    topicless: list[TicketView] = Field(description="Waiting without a topic (event lost?).")


class ListDue(Request[DueTickets]):
    """What the desk's service-level loop has to act on now (by the worker's clock)."""

    METHOD: ClassVar[str] = "tickets.due"
    sla_s: int = Field(ge=1)
    idle_s: int = Field(ge=1)
    topicless_s: int = Field(default=30, ge=1)


class LookupTicketOrder(Request[OrderFound | OrderNotFound | TicketNotFound]):
    """An order of this ticket's customer (linked to their Telegram account, or the order they
    proved in the chat), for the agent's ``/order``; anything else answers not found."""

    METHOD: ClassVar[str] = "tickets.order"
    SCHEMA_VERSION: ClassVar[int] = 5  # 3: returns, photos; 4: items' causes; 5: a refusal
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    order_no: str = Field(pattern=ORDER_NO_PATTERN)


class TopicBound(Contract):
    kind: Literal["topic_bound"] = "topic_bound"
    ticket: TicketView = Field(
        description="With its detail, as of the bind: the card shows exactly what nobody "
        "relayed (later customer messages are copied into the bound topic as they come)."
    )


class TopicTaken(Contract):
    """Another topic was bound first (or the ticket closed meanwhile): delete yours."""

    kind: Literal["topic_taken"] = "topic_taken"
    topic_id: int | None
    state: TicketState


class BindTopic(Command[TopicBound | TopicTaken | TicketNotFound]):
    """Compare-and-set: bind this forum topic to a ticket that has none. Binding the topic
    the ticket already has records its card (``card_message_id``)."""

    METHOD: ClassVar[str] = "tickets.set_topic"
    SCHEMA_VERSION: ClassVar[int] = 4  # 3, 4: the detail's order summaries as orders.list's
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    desk_chat_id: ChatId
    topic_id: MessageId
    card_message_id: MessageId | None = None


class TicketTaken(Contract):
    kind: Literal["taken"] = "taken"
    ticket: TicketView
    already: bool = Field(default=False, description="This agent had it already.")
    previous_agent: str | None = Field(default=None, description="Taken over from them.")
    queue_updates: list[QueueUpdate] = Field(default=[])


class TakeRefused(Contract):
    kind: Literal["take_refused"] = "take_refused"
    reason: Literal["closed", "held"]
    agent_name: str | None = Field(default=None, description="Who holds it (reason held).")


class TakeTicket(Command[TicketTaken | TakeRefused | TicketNotFound]):
    """An agent claims a ticket; ``force`` takes it over from another agent (a handover)."""

    METHOD: ClassVar[str] = "tickets.take"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    agent_id: TelegramUserId
    agent_name: str = Field(min_length=1, max_length=100)
    force: bool = False


class TicketReleased(Contract):
    kind: Literal["released"] = "released"
    ticket: TicketView = Field(description="Waiting again, with its place in the queue.")
    queue_updates: list[QueueUpdate] = Field(default=[])


class ReleaseRefused(Contract):
    kind: Literal["release_refused"] = "release_refused"
    reason: Literal["closed", "waiting", "held"]
    agent_name: str | None = Field(default=None, description="Who holds it (reason held).")


class ReleaseTicket(Command[TicketReleased | ReleaseRefused | TicketNotFound]):
    """The agent who has a ticket hands it back to the queue (end of shift, the wrong person
    for it): waiting again, in its place by when the customer asked, for any agent to take."""

    METHOD: ClassVar[str] = "tickets.release"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    agent_id: TelegramUserId


class TicketClosed(Contract):
    kind: Literal["ticket_closed"] = "ticket_closed"
    ticket: TicketView
    already: bool = False
    queue_updates: list[QueueUpdate] = Field(default=[])


class CloseTicket(_TicketSelector, Command[TicketClosed | TicketNotFound]):
    """Close a live ticket: an agent (by number or topic) or the customer (by chat: they
    withdrew their request). The chat goes back to the bot."""

    METHOD: ClassVar[str] = "tickets.close"
    closed_by: ClosedBy
    agent_id: TelegramUserId | None = None
    agent_name: str | None = Field(default=None, max_length=100)


class Appended(Contract):
    kind: Literal["appended"] = "appended"
    ticket: TicketView
    took: bool = Field(default=False, description="An agent's first reply took the ticket.")
    queue_updates: list[QueueUpdate] = Field(default=[])


class AppendRefused(Contract):
    kind: Literal["append_refused"] = "append_refused"
    reason: Literal["closed", "held"]
    agent_name: str | None = None


class AppendToTicket(_TicketSelector, Command[Appended | AppendRefused | TicketNotFound]):
    """Add to a live ticket's transcript: a customer's message (by chat), an agent's message
    or note (by topic; a reply to a waiting ticket takes it, another agent's ticket refuses),
    or a system line (a failed delivery)."""

    METHOD: ClassVar[str] = "tickets.append"
    role: Literal["customer", "agent", "system"]
    agent_id: TelegramUserId | None = None
    agent_name: str | None = Field(default=None, max_length=100)
    lines: list[TranscriptLine] = Field(min_length=1, max_length=20)
    attachments: list[Attachment] = Field(default=[], max_length=10)


class TicketRated(Contract):
    kind: Literal["rated"] = "rated"
    ticket_no: str
    rating: int | None
    comment: str | None


class RatingRefused(Contract):
    kind: Literal["rating_refused"] = "rating_refused"
    reason: Literal["not_closed", "not_yours"]


class RateTicket(Command[TicketRated | RatingRefused | TicketNotFound]):
    """The customer's 1–5 rating of a closed ticket and/or a comment (the later call wins)."""

    METHOD: ClassVar[str] = "tickets.rate"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    chat_id: ChatId = Field(description="The rating customer's chat: must be the ticket's.")
    rating: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, min_length=1, max_length=500)


class RemarkAdded(Contract):
    kind: Literal["remark_added"] = "remark_added"
    order_no: str
    line: str = Field(description="As the shop writes remarks: content — agent — time.")
    flag: RemarkFlag


class NoOrder(Contract):
    """The ticket names no order; the agent has to give the order number."""

    kind: Literal["no_order"] = "no_order"


class AddRemark(Command[RemarkAdded | NoOrder | OrderNotFound | TicketNotFound]):
    """Append a seller's remark (备注) to an order of the ticket's customer."""

    METHOD: ClassVar[str] = "tickets.note"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    order_no: str | None = Field(default=None, pattern=ORDER_NO_PATTERN)
    agent_name: str = Field(min_length=1, max_length=50)
    text: str = Field(min_length=1, max_length=300)
    flag: RemarkFlag = "blue"


class Revealed(Contract):
    """The customer's full contact details. The one reply that carries a full phone number
    and address: the desk shows it in the agents' group only, and nobody logs it."""

    kind: Literal["revealed"] = "revealed"
    customer_phone: str | None = None
    order_no: str | None = None
    receiver_name: str | None = None
    receiver_phone: str | None = None
    address: str | None = None

    def __repr_args__(self) -> Iterator[tuple[str, Any]]:  # never in a traceback or a log
        yield "kind", self.kind


class NothingToReveal(Contract):
    kind: Literal["nothing_to_reveal"] = "nothing_to_reveal"


class RevealContact(Command[Revealed | NothingToReveal | TicketNotFound]):
    """Show an agent the full phone and address of the ticket's customer; the worker records
    who asked, when, for which ticket (``ticket_reveals``)."""

    METHOD: ClassVar[str] = "tickets.reveal"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    agent_id: TelegramUserId
    agent_name: str = Field(min_length=1, max_length=100)


class AlertClaimed(Contract):
    kind: Literal["alert_claimed"] = "alert_claimed"
    claimed: bool = Field(description="False: another bot process claimed this alert first.")
    count: int
    ticket: TicketView
    queue_updates: list[QueueUpdate] = Field(default=[])


class ClaimAlert(Command[AlertClaimed | TicketNotFound]):
    """Compare-and-set: claim the next service-level alert of a ticket, so that of several bot
    processes exactly one posts it. ``seen`` is the alert count the claimer saw."""

    METHOD: ClassVar[str] = "tickets.claim_alert"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    alert: AlertKind
    seen: int = Field(ge=0)


class StaffReplied(Contract):
    """The staff's answer is on the ticket (and the ticket closed, when asked): the bot serving
    the customer sends it into her chat (``ticket.staff_replied``)."""

    kind: Literal["staff_replied"] = "staff_replied"
    ticket: TicketView
    line: int | None = Field(
        default=None,
        ge=0,
        description="The answer's place in the transcript (0 first); None: closed without words.",
    )
    closed: bool = False


class StaffReplyRefused(Contract):
    kind: Literal["staff_reply_refused"] = "staff_reply_refused"
    reason: Literal["closed", "desk"] = Field(
        description="closed: the ticket is closed already; desk: the ticket is in the agents' "
        "desk (it has a forum topic): agents answer in its topic, not from here."
    )


class ReplyToTicket(Command[StaffReplied | StaffReplyRefused | TicketNotFound]):
    """The shop's staff answer a ticket of a shop without the agents' desk (``kefu tickets
    reply``): the answer goes on the ticket's transcript (an ``agent`` line) and, through the
    ``ticket.staff_replied`` event, into the customer's chat; ``close`` closes the ticket with
    it (or alone, without ``text``). A ticket with a desk topic is refused: its agents answer
    in the topic."""

    METHOD: ClassVar[str] = "tickets.staff_reply"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    text: str | None = Field(default=None, min_length=1, max_length=3500)
    staff_name: str = Field(default="", max_length=100)
    close: bool = False

    @model_validator(mode="after")
    def _says_or_closes(self) -> ReplyToTicket:
        if self.text is None and not self.close:
            raise ValueError("give the text of the answer, or close, or both")
        if self.text is not None and not self.text.strip():
            raise ValueError("the answer is blank")
        return self
