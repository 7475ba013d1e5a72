"""The desk as one object per dispatcher: what the routers, the topic keeper and the
service-level loop share, and the actions both sides of a handoff take.

Every state change goes through the worker first (a ``tickets.*`` command with an idempotency
key made from the Telegram update: a redelivered update changes nothing twice); only then does
the desk talk to Telegram. Messages the desk sends on its own (the agent's name to the
customer, the rating request, queue updates) are worded by ``replies/`` in the customer's
language; everything for the agents in ``DESK_LOCALE``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import InlineKeyboardMarkup, Message, ReactionTypeEmoji
from prometheus_client import Counter

from bot.desk import keyboards, texts
from bot.desk.relay import AlbumCollector, reason_of, with_retry
from bot.desk.state import Handoff, HandoffStore
from bot.expiring import ExpiringMap
from bot.handlers.media import her_message_appended
from bot.middlewares import describe_message
from bot.services.conversation import Conversation
from bot.services.memory import ChatMemory
from bot.settings import BotSettings
from bus import Bus
from bus.contracts import (
    Appended,
    AppendRefused,
    AppendToTicket,
    CloseTicket,
    Contract,
    GetTicket,
    QueueUpdate,
    ReleaseTicket,
    TakeTicket,
    TicketClosed,
    TicketFound,
    TicketOpened,
    TicketOpenedEvent,
    TicketReleased,
    TicketTaken,
    TicketView,
    TranscriptLine,
)
from bus.errors import BusError
from bus.events import EventConsumer
from bus.topology import Topology
from replies.render import Html, Replies

logger = logging.getLogger(__name__)

RELAYED = Counter(
    "kefu_desk_relayed_total",
    "Messages relayed between customers and agents, by direction and outcome.",
    ["direction", "outcome"],
)
ACKS = Counter(
    "kefu_desk_acks_total",
    "Acknowledgements of a waiting customer's messages, by kind (text, reaction, short).",
    ["kind"],
)
ACK_REACTION = "✍"
"""The reaction that says "noted" (one of Telegram's standard reaction emoji)."""
MEMBER_TTL_S = 60.0
NON_MEMBER_TTL_S = 10.0
MEMBERS_KEPT = 10_000
AGENT_STATUSES = frozenset({"creator", "administrator", "member"})


@dataclass(frozen=True)
class Agent:
    id: int
    name: str

    @property
    def mention(self) -> Html:
        return Html(f'<a href="tg://user?id={self.id}">{html.escape(self.name)}</a>')


class Members:
    """Who may act as an agent: members of the agents' group, asked with ``getChatMember``
    and remembered briefly (a removed agent loses access within ``MEMBER_TTL_S``)."""

    def __init__(self, chat_id: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.chat_id = chat_id
        self._seen: ExpiringMap[int, bool] = ExpiringMap(MEMBER_TTL_S, MEMBERS_KEPT, clock=clock)

    async def is_agent(self, bot: Bot, user_id: int) -> bool:
        cached = self._seen.get(user_id)
        if cached is not None:
            return cached
        try:
            member = await bot.get_chat_member(self.chat_id, user_id)
        except TelegramAPIError as exc:
            logger.warning("could not check user %s in the agents' group: %s", user_id, exc)
            return False
        ok = member.status in AGENT_STATUSES
        self._seen.put(user_id, ok, ttl=MEMBER_TTL_S if ok else NON_MEMBER_TTL_S)
        return ok


def _describe(message: Message) -> str:
    """The transcript's wording of a message (as the chat memory words it)."""
    return describe_message(message)[:4096]


class Desk:
    """The agents' desk of one dispatcher (one bot process)."""

    def __init__(
        self,
        settings: BotSettings,
        *,
        rpc: Bus,
        replies: Replies,
        storage: BaseStorage,
        titles: Mapping[str, Mapping[str, str]],
    ) -> None:
        assert settings.agents_chat_id is not None
        self.settings = settings
        self.chat_id: int = settings.agents_chat_id
        self.locale = replies.normalize_locale(settings.desk_locale)
        self.rpc = rpc
        self.replies = replies
        self.policy = replies.policy
        self.titles = titles
        self.store = HandoffStore(storage)
        self.members = Members(self.chat_id)
        self.albums = AlbumCollector()
        self.topology: Topology = settings.bus.topology
        self._consumer: EventConsumer | None = None
        self._loop: asyncio.Task[None] | None = None
        self.bot: Bot | None = None

    # ── lifecycle ────────────────────────────────────────────────────────────────────────

    async def start(self, bot: Bot) -> None:
        """Consume new tickets (to open their topics) and watch the service levels."""
        from bot.desk.sla import ServiceLevels
        from bot.desk.topics import ensure_topic

        if self.bot is not None:
            return
        self.bot = bot

        async def on_opened(event: TicketOpenedEvent) -> None:
            await ensure_topic(self, bot, event.ticket_no)

        self._consumer = EventConsumer(
            self.settings.bus.broker,
            self.topology,
            self.topology.desk_queue,
            {TicketOpenedEvent: on_opened},
            declare=self.topology.declare_desk,
            name="desk",
            max_body=self.settings.bus.max_message_bytes,
        )
        self._consumer.start()
        self._loop = asyncio.create_task(ServiceLevels(self).run(bot), name="desk-sla")
        logger.info("agents' desk on chat %s", self.chat_id)

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        await self.albums.drain()
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
        self.bot = None

    async def ready(self, wait: float = 10.0) -> None:
        """Wait until the consumer listens (tests and benchmarks)."""
        assert self._consumer is not None, "start() the desk first"
        await asyncio.wait_for(self._consumer.ready.wait(), wait)

    # ── words ────────────────────────────────────────────────────────────────────────────

    def t(self, key: str, **values: Any) -> Html:
        """A text for the agents, in the desk's language."""
        return self.replies.text(key, self.locale, **values)

    async def post(
        self,
        bot: Bot,
        text: str,
        thread: int | None = None,
        *,
        markup: InlineKeyboardMarkup | None = None,
        reply_to: int | None = None,
    ) -> Message | None:
        """Say something in the agents' group (a topic, or General); never raises."""
        try:
            return await bot.send_message(
                self.chat_id,
                text,
                message_thread_id=thread,
                reply_markup=markup,
                reply_to_message_id=reply_to,
                allow_sending_without_reply=True,
            )
        except TelegramAPIError as exc:
            logger.warning("could not post in the agents' group: %s", reason_of(exc))
            return None

    async def post_long(self, bot: Bot, lines: Sequence[str], thread: int | None = None) -> None:
        """Lines in as few messages as Telegram's length allows (a line is never split)."""
        chunk: list[str] = []
        size = 0
        for line in lines:
            if chunk and size + len(line) + 1 > texts.CARD_LIMIT:
                await self.post(bot, "\n".join(chunk), thread)
                chunk, size = [], 0
            chunk.append(line)
            size += len(line) + 1
        if chunk:
            await self.post(bot, "\n".join(chunk), thread)

    async def tell_customer(
        self,
        bot: Bot,
        ticket: TicketView | QueueUpdate,
        text: str,
        *,
        report: bool = True,
        **kwargs: Any,
    ) -> bool:
        """Send the customer a message of the desk's; a failure is reported in the topic
        (``report``: the agent's own next message would report it anyway)."""
        try:
            await bot.send_message(ticket.chat_id, text, **kwargs)
            return True
        except TelegramAPIError as exc:
            logger.info("desk message to chat %s failed: %s", ticket.chat_id, reason_of(exc))
            topic = getattr(ticket, "topic_id", None)
            if topic is not None and report:
                await self.post(bot, self._undelivered(exc), topic)
            return False

    def _undelivered(self, exc: TelegramAPIError) -> Html:
        if isinstance(exc, TelegramForbiddenError):
            return self.t("desk.blocked")
        return self.t("desk.not_delivered", reason=reason_of(exc))

    def customer_text(self, locale: str, key: str, **values: Any) -> Html:
        return self.replies.text(key, locale, **values)

    # ── the customer's side ──────────────────────────────────────────────────────────────

    async def handoff_of(self, bot: Bot, chat_id: int, memory: ChatMemory) -> Handoff:
        """The chat's handoff, from the cached record or, when that may be stale, the worker."""
        record = await self.store.load(bot.id, chat_id)
        if record.live:
            return record
        pending = memory.ticket_key is not None
        now = time.time()
        if record.fresh(now) and not pending:
            return record
        try:
            found = await self.rpc.call(GetTicket(chat_id=chat_id))
        except BusError:
            return record  # cannot tell: the bot answers meanwhile
        if isinstance(found, TicketFound):
            record.ticket_no = found.ticket.ticket_no
            if pending:
                memory.ticket_key = None  # the queued escalation went through
        record.checked_at = now
        await self.store.save(bot.id, chat_id, record)
        return record

    async def opened(self, conv: Conversation, reply: TicketOpened, *, announce: bool) -> None:
        """A ticket opened (or was there already): the chat is in handoff; tell the customer
        where they are and, outside service hours, when people are back."""
        await self.store.opened(conv.bot.id, conv.chat_id, reply.ticket_no)
        conv.memory.ticket = None
        if not announce:
            return
        now = datetime.now(UTC)
        where, wait = texts.place_parts(self.replies, conv.locale, reply.place)
        if reply.already_open and reply.state == "with_agent":
            text = conv.t("handoff.already_with_agent", agent=reply.agent_name or "")
        elif reply.already_open:
            text = conv.t(
                "handoff.already_waiting", ticket_no=reply.ticket_no, place=where, wait=wait
            )
        elif self.answer_time(now) is None:
            text = conv.t("handoff.opened", ticket_no=reply.ticket_no, place=where, wait=wait)
        else:
            text = conv.t(
                "handoff.opened_closed_hours",
                ticket_no=reply.ticket_no,
                when=self.when_answered(now, conv.locale),
            )
        await conv.say(text)

    def answer_time(self, now: datetime) -> datetime | None:
        """When a person will be there to answer: None for now; otherwise the first moment
        the shop is open (its service hours) with someone on ``HANDOFF_SHIFTS`` on duty — a
        shift starting while the shop is closed (before opening, after closing, on a day off)
        answers only once it opens, and an opening with nobody on shift only once a shift
        starts. Without shifts: the next opening."""
        zone = self.policy.service_hours.zone
        settings = self.settings

        def answered(at: datetime) -> bool:
            return self.policy.is_open(at) and settings.on_duty_at(at, zone)

        if answered(now):
            return None
        local = now.astimezone(zone)
        openings = {
            self.policy.next_opening(
                datetime.combine(local.date() + timedelta(days=offset), dt_time(0), tzinfo=zone)
            )
            for offset in range(9)
        }
        moments = sorted(m for m in openings | set(settings.shift_starts(now, zone)) if m > now)
        found = next((m for m in moments if answered(m)), None)
        if found is not None:
            return found
        # (no shift ever within the service hours: the shop's hours, else the next shift)
        if not self.policy.is_open(now):
            return self.policy.next_opening(now)
        return settings.next_on_duty(now, zone)

    def when_answered(self, now: datetime, locale: str) -> Html:
        """``answer_time`` in the customer's words ("now", "today at 14:00", …)."""
        at = self.answer_time(now)
        if at is None:
            return self.replies.text("ticket.when.now", locale)
        return self.replies.human_reply_time(now, locale, at=at)

    async def acknowledge(self, bot: Bot, message: Message, ticket: TicketView) -> str | None:
        """The customer wrote to a ticket nobody has taken yet: never silence. In words the
        first time ("added to your request; a person answers here, we're open …"), then,
        within ``HANDOFF_ACK_WINDOW_SECONDS``, a reaction on her message (a short line when
        Telegram refuses the reaction). Returns what was done (``text``, ``reaction``,
        ``short``), or None (an agent has it: the agent answers)."""
        if ticket.state != "waiting":
            return None
        chat_id = message.chat.id
        now = time.time()
        record = await self.store.load(bot.id, chat_id)  # after the chat's lock: current
        recent = now - record.acked_at < self.settings.handoff_ack_window_s
        if recent and await self._react(bot, message):
            ACKS.labels("reaction").inc()
            return "reaction"
        if recent:
            kind, text = "short", self.customer_text(ticket.locale, "handoff.added_short")
        else:
            await self.store.acked(bot.id, chat_id, ticket.ticket_no, now)
            moment = datetime.now(UTC)
            if self.answer_time(moment) is None:
                when = self.customer_text(ticket.locale, "handoff.hours")
            else:
                when = self.when_answered(moment, ticket.locale)
            kind = "text"
            text = self.customer_text(
                ticket.locale, "handoff.added", ticket_no=ticket.ticket_no, when=when
            )
        try:
            await bot.send_message(chat_id, text, reply_to_message_id=message.message_id,
                                   allow_sending_without_reply=True)
        except TelegramAPIError as exc:
            logger.info("acknowledgement to chat %s failed: %s", chat_id, reason_of(exc))
            return None
        ACKS.labels(kind).inc()
        return kind

    async def _react(self, bot: Bot, message: Message) -> bool:
        try:
            await bot.set_message_reaction(
                message.chat.id, message.message_id, [ReactionTypeEmoji(emoji=ACK_REACTION)]
            )
            return True
        except TelegramAPIError as exc:
            logger.info("no reaction in chat %s: %s", message.chat.id, reason_of(exc))
            return False

    async def relay_from_customer(
        self, bot: Bot, message: Message, handoff: Handoff
    ) -> TicketView | None:
        """Record the customer's message in the ticket and copy it into the topic: the ticket
        as it is now, or None when it is gone (the chat is the bot's again)."""
        chat_id = message.chat.id
        request = her_message_appended(message)
        reply = await self.rpc.call(request)
        if not isinstance(reply, Appended):
            assert handoff.ticket_no is not None
            await self.store.closed(bot.id, chat_id, handoff.ticket_no, rate=False)
            handoff.ticket_no = None
            return None
        topic = reply.ticket.topic_id
        if topic is None:
            RELAYED.labels("in", "pending").inc()  # the topic keeper copies it after binding
            return reply.ticket
        if message.media_group_id:
            self.albums.add(
                ("in", chat_id, message.media_group_id),
                bot,
                message.message_id,
                lambda b, ids: self._copy_in(b, chat_id, ids, reply.ticket),
                origin=(chat_id, message.media_group_id),
            )
            return reply.ticket
        await self._copy_in(bot, chat_id, [message.message_id], reply.ticket)
        return reply.ticket

    async def _copy_in(self, bot: Bot, chat_id: int, ids: list[int], ticket: TicketView) -> None:
        topic = ticket.topic_id
        try:
            if len(ids) == 1:
                await with_retry(
                    lambda: bot.copy_message(self.chat_id, chat_id, ids[0], message_thread_id=topic)
                )
            else:
                await with_retry(
                    lambda: bot.copy_messages(self.chat_id, chat_id, ids, message_thread_id=topic)
                )
            RELAYED.labels("in", "ok").inc(len(ids))
        except TelegramAPIError as exc:
            RELAYED.labels("in", "failed").inc(len(ids))
            logger.warning("customer message of %s not copied: %s", ticket.ticket_no, exc)
            await self.post(
                bot, self.t("desk.topic_failed", ticket_no=ticket.ticket_no, reason=reason_of(exc))
            )

    async def withdraw(
        self,
        conv: Conversation,
        message: Message,
        handoff: Handoff,
        *,
        said: str = "handoff.withdrawn",
        reply_to: int | None = None,
    ) -> None:
        """The customer's /cancel: the request is withdrawn, the chat is the bot's again
        (``said`` tells her so, a reply to ``reply_to`` if given)."""
        bot = conv.bot
        reply = await self.rpc.call(
            CloseTicket(
                idempotency_key=f"cancel:{conv.chat_id}:{message.message_id}",
                chat_id=conv.chat_id,
                closed_by="customer",
            )
        )
        assert handoff.ticket_no is not None
        await self.store.closed(bot.id, conv.chat_id, handoff.ticket_no, rate=False)
        memory = conv.memory
        if isinstance(reply, TicketClosed) and not (memory.locale or memory.written_locale):
            # "/cancel" (no language in it) from a chat the memory forgot (idle past its TTL; a
            # console restarted): said in the language she asked for the person in, not the
            # bot's default — it was Chinese to an English chat
            written = self.replies.normalize_locale(reply.ticket.locale, "")
            if written:
                memory.written_locale = conv.locale = written
        await conv.say(conv.t(said), reply_to=reply_to)
        if isinstance(reply, TicketClosed) and not reply.already:
            await self._closed_in_topic(bot, reply.ticket, self.t("desk.withdrawn"))
            await self.tell_queue(bot, reply.queue_updates)

    async def nobody_has_it(self, conv: Conversation) -> bool:
        """The chat's ticket waits for an agent (none has taken it yet)."""
        found = await self.rpc.call(GetTicket(chat_id=conv.chat_id))
        return isinstance(found, TicketFound) and found.ticket.state != "with_agent"

    async def tell_place(self, conv: Conversation, handoff: Handoff) -> bool:
        """/human while in handoff: where they stand. ``False``: no ticket after all."""
        found = await self.rpc.call(GetTicket(chat_id=conv.chat_id))
        if not isinstance(found, TicketFound):
            if handoff.ticket_no is not None:
                await self.store.closed(conv.bot.id, conv.chat_id, handoff.ticket_no, rate=False)
            return False
        ticket = found.ticket
        if ticket.state == "with_agent":
            await conv.say(conv.t("handoff.already_with_agent", agent=ticket.agent_name or ""))
            return True
        where, wait = texts.place_parts(self.replies, conv.locale, ticket.place)
        if self.answer_time(datetime.now(UTC)) is not None:
            wait = self.when_answered(datetime.now(UTC), conv.locale)
        await conv.say(
            conv.t("handoff.already_waiting", ticket_no=ticket.ticket_no, place=where, wait=wait)
        )
        return True

    async def rated(self, bot: Bot, ticket_no: str, score: int | None, comment: str | None) -> None:
        """Show the agents what the customer thought, in the (closed) topic."""
        with contextlib.suppress(BusError):
            found = await self.rpc.call(GetTicket(ticket_no=ticket_no))
            if not isinstance(found, TicketFound) or found.ticket.topic_id is None:
                return
            if score is not None:
                note = self.t("desk.rated", stars=texts.stars(self.replies, self.locale, score))
            else:
                note = self.t("desk.rated_comment", comment=comment or "")
            await self.post(bot, note, found.ticket.topic_id)

    async def tell_queue(self, bot: Bot, updates: list[QueueUpdate]) -> None:
        """Tell waiting customers their new place (the worker chose whom: once each)."""
        for update in updates:
            if update.overdue:
                text = self.customer_text(
                    update.locale, "handoff.overdue", position=update.place.position
                )
            else:
                where, wait = texts.place_parts(self.replies, update.locale, update.place)
                text = self.customer_text(update.locale, "handoff.update", place=where, wait=wait)
            await self.tell_customer(bot, update, text)

    # ── the agents' side ─────────────────────────────────────────────────────────────────

    async def take(
        self, bot: Bot, ticket_no: str, agent: Agent, key: str, *, force: bool = False
    ) -> Contract:
        reply = await self.rpc.call(
            TakeTicket(
                idempotency_key=key,
                ticket_no=ticket_no,
                agent_id=agent.id,
                agent_name=agent.name,
                force=force,
            )
        )
        if isinstance(reply, TicketTaken) and not reply.already:
            await self.announce_taken(bot, reply.ticket, reply.previous_agent)
            await self.tell_queue(bot, reply.queue_updates)
        return reply

    async def announce_taken(self, bot: Bot, ticket: TicketView, previous: str | None) -> None:
        agent = ticket.agent_name or ""
        if previous:
            note = self.t("desk.taken_over", agent=agent, previous=previous)
            text = self.customer_text(ticket.locale, "handoff.handover", agent=agent)
        else:
            note = self.t("desk.taken", agent=agent)
            text = self.customer_text(ticket.locale, "handoff.taken", agent=agent)
        if ticket.topic_id is not None:
            await self.post(bot, note, ticket.topic_id)
            await self._card_buttons(bot, ticket, taken=True)
        await self.tell_customer(bot, ticket, text, report=False)

    async def release(self, bot: Bot, ticket_no: str, agent: Agent, key: str) -> Contract:
        """The agent hands the customer back to the queue: the customer hears it plainly (who
        left, her place, that the next colleague answers here and sees it all), the topic and
        General say so, the card can be taken again."""
        reply = await self.rpc.call(
            ReleaseTicket(idempotency_key=key, ticket_no=ticket_no, agent_id=agent.id)
        )
        if not isinstance(reply, TicketReleased):
            return reply
        ticket = reply.ticket
        position = ticket.place.position if ticket.place is not None else 1
        now = datetime.now(UTC)
        await self.tell_customer(
            bot,
            ticket,
            self.customer_text(
                ticket.locale,
                "handoff.released",
                agent=agent.name,
                ticket_no=ticket.ticket_no,
                position=position,
                when=self.when_answered(now, ticket.locale),
            ),
        )
        if ticket.topic_id is not None:
            await self.post(bot, self.t("desk.released", agent=agent.name), ticket.topic_id)
            await self._card_buttons(bot, ticket, taken=False)
        await self.post(
            bot,
            self.t(
                "desk.released.general",
                agent=agent.name,
                ticket_no=ticket.ticket_no,
                customer=texts.mask_name(ticket.customer_name),
                position=position,
            ),
        )
        await self.tell_queue(bot, reply.queue_updates)
        return reply

    async def close(self, bot: Bot, ticket_no: str, agent: Agent, key: str) -> Contract:
        reply = await self.rpc.call(
            CloseTicket(
                idempotency_key=key,
                ticket_no=ticket_no,
                closed_by="agent",
                agent_id=agent.id,
                agent_name=agent.name,
            )
        )
        if isinstance(reply, TicketClosed) and not reply.already:
            ticket = reply.ticket
            await self.store.closed(bot.id, ticket.chat_id, ticket.ticket_no, rate=True)
            await self.tell_customer(
                bot,
                ticket,
                self.customer_text(ticket.locale, "handoff.closed"),
                reply_markup=keyboards.rating(self.replies, ticket.locale, ticket.ticket_no),
            )
            await self._closed_in_topic(bot, ticket, self.t("desk.closed", agent=agent.name))
            await self.tell_queue(bot, reply.queue_updates)
        return reply

    async def _closed_in_topic(self, bot: Bot, ticket: TicketView, note: str) -> None:
        if ticket.topic_id is None:
            return
        await self.post(bot, note, ticket.topic_id)
        if ticket.card_message_id is not None:
            with contextlib.suppress(TelegramAPIError):
                await bot.edit_message_reply_markup(
                    chat_id=self.chat_id, message_id=ticket.card_message_id, reply_markup=None
                )
        name = texts.topic_name(self.replies, self.locale, ticket, self.titles)
        with contextlib.suppress(TelegramAPIError):
            await bot.edit_forum_topic(
                self.chat_id,
                ticket.topic_id,
                name=texts.closed_topic_name(self.replies, self.locale, name),
            )
        with contextlib.suppress(TelegramAPIError):
            await bot.close_forum_topic(self.chat_id, ticket.topic_id)

    async def _card_buttons(self, bot: Bot, ticket: TicketView, *, taken: bool) -> None:
        if ticket.card_message_id is None:
            return
        with contextlib.suppress(TelegramAPIError):
            await bot.edit_message_reply_markup(
                chat_id=self.chat_id,
                message_id=ticket.card_message_id,
                reply_markup=keyboards.card(
                    self.replies, self.locale, ticket.ticket_no, taken=taken
                ),
            )

    async def relay_from_agent(self, bot: Bot, message: Message, agent: Agent) -> None:
        """An agent's message in a topic: recorded (``//`` notes stay internal), then copied
        to that topic's customer, and only to them."""
        assert message.message_thread_id is not None
        text = message.text or message.caption or ""
        internal = text.lstrip().startswith("//")
        reply = await self.rpc.call(
            AppendToTicket(
                idempotency_key=f"out:{self.chat_id}:{message.message_id}",
                desk_chat_id=self.chat_id,
                topic_id=message.message_thread_id,
                role="agent",
                agent_id=agent.id,
                agent_name=agent.name,
                lines=[
                    TranscriptLine(
                        role="agent",
                        text=_describe(message),
                        at=datetime.now(UTC),
                        internal=internal,
                    )
                ],
            )
        )
        thread = message.message_thread_id
        if isinstance(reply, AppendRefused):
            note = (
                self.t("desk.ticket_closed")
                if reply.reason == "closed"
                else self.t("desk.held_by_other", agent=reply.agent_name or "")
            )
            await self.post(bot, note, thread, reply_to=message.message_id)
            return
        if not isinstance(reply, Appended):
            await self.post(bot, self.t("desk.not_a_ticket"), thread, reply_to=message.message_id)
            return
        if internal:
            RELAYED.labels("note", "ok").inc()
            return
        ticket = reply.ticket
        if reply.took:
            await self.announce_taken(bot, ticket, None)
            await self.tell_queue(bot, reply.queue_updates)
        if message.media_group_id:
            self.albums.add(
                ("out", thread, message.media_group_id),
                bot,
                message.message_id,
                lambda b, ids: self._copy_out(b, ids, ticket),
                origin=(message.chat.id, message.media_group_id),
            )
            return
        await self._copy_out(bot, [message.message_id], ticket)

    async def _copy_out(self, bot: Bot, ids: list[int], ticket: TicketView) -> None:
        try:
            if len(ids) == 1:
                await with_retry(lambda: bot.copy_message(ticket.chat_id, self.chat_id, ids[0]))
            else:
                await with_retry(lambda: bot.copy_messages(ticket.chat_id, self.chat_id, ids))
            RELAYED.labels("out", "ok").inc(len(ids))
        except TelegramAPIError as exc:
            RELAYED.labels("out", "failed").inc(len(ids))
            logger.info("agent message for %s not delivered: %s", ticket.ticket_no, exc)
            await self.post(bot, self._undelivered(exc), ticket.topic_id, reply_to=ids[0])
            with contextlib.suppress(BusError):
                await self.rpc.call(
                    AppendToTicket(
                        idempotency_key=f"undelivered:{self.chat_id}:{ids[0]}",
                        ticket_no=ticket.ticket_no,
                        role="system",
                        lines=[
                            TranscriptLine(
                                role="system",
                                text=f"not delivered: {reason_of(exc)}",
                                at=datetime.now(UTC),
                            )
                        ],
                    )
                )

    async def send_canned(
        self, bot: Bot, ticket_no: str, key: str, agent: Agent, idempotency_key: str
    ) -> None:
        """A quick reply from the shop's policy, in the customer's language, as the agent's
        message (it answers the customer, takes a waiting ticket, counts as a response)."""
        canned = self.policy.canned_reply(key)
        found = await self.rpc.call(GetTicket(ticket_no=ticket_no))
        if canned is None or not isinstance(found, TicketFound):
            return
        locale = found.ticket.locale
        text = canned.text.get(locale)
        reply = await self.rpc.call(
            AppendToTicket(
                idempotency_key=idempotency_key,
                ticket_no=ticket_no,
                role="agent",
                agent_id=agent.id,
                agent_name=agent.name,
                lines=[TranscriptLine(role="agent", text=text, at=datetime.now(UTC))],
            )
        )
        thread = found.ticket.topic_id
        if isinstance(reply, AppendRefused):
            note = (
                self.t("desk.ticket_closed")
                if reply.reason == "closed"
                else self.t("desk.held_by_other", agent=reply.agent_name or "")
            )
            await self.post(bot, note, thread)
            return
        if not isinstance(reply, Appended):
            return
        if reply.took:
            await self.announce_taken(bot, reply.ticket, None)
            await self.tell_queue(bot, reply.queue_updates)
        if await self.tell_customer(bot, reply.ticket, html.escape(text, quote=False)):
            RELAYED.labels("canned", "ok").inc()
            await self.post(
                bot,
                self.t(
                    "desk.canned.sent",
                    agent=agent.name,
                    title=canned.title.get(self.locale),
                    text=text,
                ),
                thread,
            )
