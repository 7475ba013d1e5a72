"""Tickets and the agents' desk: one state machine per customer chat, owned by the worker.

```
bot ─tickets.open─► waiting ─tickets.take / an agent's first reply─► with_agent
         ▲              │                                                │
         └── closed ◄───┴──── tickets.close (customer withdrew) ◄────────┘ (agent closed)
```

Every transition is a command run exactly once per idempotency key (``ShopService.
_run_command``: the change and its ``processed_commands`` row commit together) and publishes an
event. The database itself keeps the two invariants the desk relies on under any concurrency:
one live ticket per customer chat and one ticket per forum topic (partial unique indexes); a
command that loses such a race starts again and reads what the winner left. Mutating commands
lock the ticket row (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers), because the
transcript is a JSON list that is read, extended and written back.

The queue is the waiting tickets, oldest first. The expected wait comes from recent
first-response times: the median of the last ``RECENT_RESPONSES`` first responses of the last
day, times the customer's turn among the agents who took tickets in the last hour
(``ceil(position / agents)``), less what they have already waited. With no recent history, or
when the customer has already waited longer than that, there is no figure: the desk never
makes one up. A waiting customer is told again when their place or expected wait changes by
more than ``_changed_much`` allows; the command that caused the change returns those updates
(``queue_updates``) for the bot process that ran it to send, so each goes out once.
"""

from __future__ import annotations

import logging
import math
import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from bus import contracts as c
from bus.errors import Refusal
from shop.masking import mask_phone
from worker.db.models import Customer, Order, ProcessedCommand, Remark, Ticket, TicketReveal
from worker.db.queries import aware, latest_returns, order_summary
from worker.db.reads import Reads
from worker.rules import mask_name
from worker.service import ShopService, request_hash

logger = logging.getLogger(__name__)

RECENT_RESPONSES = 20
RESPONSE_HISTORY = timedelta(days=1)
AGENTS_WINDOW = timedelta(hours=1)
CARD_ORDERS = 5


def _seconds(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return max(0, int((aware(later) - aware(earlier)).total_seconds()))


class WaitModel:
    """Expected waits from recent first-response times (see the module docstring)."""

    def __init__(self, median_s: float | None, agents: int) -> None:
        self.median_s = median_s
        self.agents = max(1, agents)

    def place(self, position: int, waited_s: int) -> c.QueuePlace:
        if self.median_s is None:
            return c.QueuePlace(position=position)
        total = self.median_s * math.ceil(position / self.agents)
        remaining = int(total - waited_s)
        return c.QueuePlace(position=position, expected_wait_s=remaining if remaining > 0 else None)


def _ran_out(ticket: Ticket, place: c.QueuePlace, now: datetime) -> bool:
    """The wait we told her has passed with no new figure: "sorry for the wait". She heard whole
    minutes (``c.heard_minutes``: at least one), so a figure of seconds that has run out is not
    yet a wait that ran out: told "about 1 minute" five seconds ago, she has not waited long."""
    if ticket.told_wait_s is None or place.expected_wait_s is not None:
        return False
    since = _seconds(now, ticket.told_at)
    if since is None:  # not known when she was told: the figure going is all there is
        return True
    return since >= c.heard_minutes(ticket.told_wait_s) * 60


def _changed_much(ticket: Ticket, place: c.QueuePlace, now: datetime) -> bool:
    """Is this worth a message to the waiting customer? First in line; a place better by two
    and by a quarter of what we said (#40 hears again at #30, #5 at #3); an estimate that
    appears, or that goes once the wait she heard has passed (``_ran_out``); or one that moved
    from what we said (less the time since) by a minute and half of it."""
    if ticket.told_position is None:
        return True
    moved = ticket.told_position - place.position
    if moved > 0 and (place.position == 1 or moved >= max(2, ticket.told_position // 4)):
        return True
    told, new = ticket.told_wait_s, place.expected_wait_s
    if told is None:
        return new is not None
    if new is None:
        return _ran_out(ticket, place, now)
    promised = told - (_seconds(now, ticket.told_at) or 0)
    return abs(new - promised) >= max(60, told // 2)


def _tell(ticket: Ticket, place: c.QueuePlace, now: datetime) -> None:
    ticket.told_position = place.position
    ticket.told_wait_s = place.expected_wait_s
    ticket.told_at = now


def _dump_lines(lines: Sequence[c.TranscriptLine]) -> list[dict[str, Any]]:
    return [line.model_dump(mode="json", exclude_defaults=True) for line in lines]


def _stored_line(line: dict[str, Any]) -> c.TranscriptLine:
    """A transcript line as stored (JSON: the time is text) back into the strict contract."""
    return c.TranscriptLine.model_validate(line, strict=False)


def _dump_attachments(items: Sequence[c.Attachment]) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json") for item in items]


class TicketDesk:
    """The ``tickets.*`` methods. Commands run through the shop service's exactly-once
    runner, so they share its idempotency rules."""

    def __init__(self, shop: ShopService) -> None:
        self.shop = shop
        self.db = shop.db

    @property
    def now(self) -> datetime:
        return self.shop.clock()

    def routes(self) -> list[c.Route]:
        """The ``tickets.*`` methods and their handlers (checked against their contracts)."""
        return [
            c.OpenTicket.served_by(self.open_ticket),
            c.GetTicket.served_by(self.get_ticket),
            c.ListQueue.served_by(self.list_queue),
            c.ListMine.served_by(self.list_mine),
            c.ListLive.served_by(self.list_live),
            c.TicketHistory.served_by(self.history),
            c.ListDue.served_by(self.list_due),
            c.LookupTicketOrder.served_by(self.lookup_order),
            c.BindTopic.served_by(self.bind_topic),
            c.TakeTicket.served_by(self.take),
            c.ReleaseTicket.served_by(self.release),
            c.CloseTicket.served_by(self.close),
            c.AppendToTicket.served_by(self.append),
            c.RateTicket.served_by(self.rate),
            c.AddRemark.served_by(self.add_remark),
            c.RevealContact.served_by(self.reveal),
            c.ClaimAlert.served_by(self.claim_alert),
            c.ReplyToTicket.served_by(self.staff_reply),
        ]

    # ── reading ──────────────────────────────────────────────────────────────────────────

    @staticmethod
    def _select(selector: Any, *, lock: bool) -> Select[Any]:
        statement = select(Ticket)
        if selector.ticket_no is not None:
            statement = statement.where(Ticket.ticket_no == selector.ticket_no)
        elif selector.chat_id is not None:
            statement = statement.where(
                Ticket.chat_id == selector.chat_id, Ticket.state != "closed"
            )
        else:
            statement = statement.where(
                Ticket.desk_chat_id == selector.desk_chat_id, Ticket.topic_id == selector.topic_id
            )
        return statement.with_for_update() if lock else statement

    async def _load(self, session: AsyncSession, selector: Any, *, lock: bool) -> Ticket | None:
        return await session.scalar(self._select(selector, lock=lock))

    async def _by_no(self, session: AsyncSession, ticket_no: str, *, lock: bool) -> Ticket | None:
        statement = select(Ticket).where(Ticket.ticket_no == ticket_no)
        return await session.scalar(statement.with_for_update() if lock else statement)

    async def _wait_model(self, session: AsyncSession, now: datetime) -> WaitModel:
        recent = (
            await session.scalars(
                select(Ticket.first_response_s)
                .where(
                    Ticket.first_response_s.is_not(None),
                    Ticket.first_response_at >= now - RESPONSE_HISTORY,
                )
                .order_by(Ticket.first_response_at.desc())
                .limit(RECENT_RESPONSES)
            )
        ).all()
        agents = await session.scalar(
            select(func.count(distinct(Ticket.agent_id))).where(
                Ticket.agent_id.is_not(None),
                (Ticket.state == "with_agent") | (Ticket.taken_at >= now - AGENTS_WINDOW),
            )
        )
        seconds = [value for value in recent if value is not None]
        median = statistics.median(seconds) if seconds else None
        return WaitModel(median, agents or 0)

    async def _waiting(self, session: AsyncSession, *, light: bool = False) -> list[Ticket]:
        """The waiting tickets, oldest first; ``light``: for the queue's bookkeeping only (the
        transcripts stay in the database)."""
        statement = select(Ticket).where(Ticket.state == "waiting")
        if light:
            statement = statement.options(
                defer(Ticket.transcript, raiseload=True),
                defer(Ticket.attachments, raiseload=True),
            )
        return list((await session.scalars(statement.order_by(Ticket.opened_at, Ticket.id))).all())

    async def _places(
        self, session: AsyncSession, now: datetime, *, light: bool = False
    ) -> list[tuple[Ticket, c.QueuePlace]]:
        model = await self._wait_model(session, now)
        return [
            (ticket, model.place(position, _seconds(now, ticket.opened_at) or 0))
            for position, ticket in enumerate(await self._waiting(session, light=light), 1)
        ]

    async def _place_of(
        self, session: AsyncSession, ticket: Ticket, now: datetime
    ) -> c.QueuePlace | None:
        if ticket.state != "waiting":
            return None
        ahead = await session.scalar(
            select(func.count(Ticket.id)).where(
                Ticket.state == "waiting",
                (Ticket.opened_at < ticket.opened_at)
                | ((Ticket.opened_at == ticket.opened_at) & (Ticket.id < ticket.id)),
            )
        )
        model = await self._wait_model(session, now)
        return model.place((ahead or 0) + 1, _seconds(now, ticket.opened_at) or 0)

    async def _queue_updates(self, session: AsyncSession, now: datetime) -> list[c.QueueUpdate]:
        """The waiting customers to tell about their new place or wait, marked as told."""
        updates = []
        for ticket, place in await self._places(session, now, light=True):
            if _changed_much(ticket, place, now):
                overdue = _ran_out(ticket, place, now)
                _tell(ticket, place, now)
                updates.append(
                    c.QueueUpdate(
                        ticket_no=ticket.ticket_no,
                        chat_id=ticket.chat_id,
                        locale=ticket.locale,
                        place=place,
                        overdue=overdue,
                    )
                )
        return updates

    async def _customer_id(self, session: AsyncSession, ticket: Ticket) -> int | None:
        if ticket.customer_id is not None:
            return ticket.customer_id
        return await session.scalar(
            select(Customer.id).where(Customer.telegram_user_id == ticket.telegram_user_id)
        )

    async def _order_of(self, session: AsyncSession, ticket: Ticket, order_no: str) -> Order | None:
        """An order this ticket's customer may be served about: their own (linked), or the one
        they proved in the chat (the ticket's order)."""
        order = await session.scalar(select(Order).where(Order.order_no == order_no))
        if order is None:
            return None
        if order_no == ticket.order_no:
            return order
        customer_id = await self._customer_id(session, ticket)
        return order if customer_id is not None and order.customer_id == customer_id else None

    async def _view(
        self,
        session: AsyncSession,
        ticket: Ticket,
        *,
        place: c.QueuePlace | None = None,
        detail: bool = False,
        transcript_tail: int = 20,
    ) -> c.TicketView:
        fields: dict[str, Any] = {}
        if detail:
            customer_id = await self._customer_id(session, ticket)
            customer = await session.get(Customer, customer_id) if customer_id else None
            orders: list[c.OrderSummary] = []
            if customer is not None:
                fields["customer_masked"] = mask_name(customer.name)
                fields["phone_masked"] = mask_phone(customer.phone)
                rows = (
                    await session.scalars(
                        select(Order)
                        .where(Order.customer_id == customer.id)
                        .order_by(Order.created_at.desc(), Order.id.desc())
                        .limit(CARD_ORDERS)
                    )
                ).all()
                latest = await latest_returns(session, [o.id for o in rows])
                orders = [order_summary(o, self.shop.policy, latest.get(o.id)) for o in rows]
            fields["orders"] = orders
            tail = ticket.transcript[-transcript_tail:] if transcript_tail else []
            fields["transcript"] = [_stored_line(line) for line in tail]
            fields["attachments"] = [
                c.Attachment.model_validate(item, strict=False) for item in ticket.attachments
            ]
        return c.TicketView(
            ticket_no=ticket.ticket_no,
            state=ticket.state,
            chat_id=ticket.chat_id,
            telegram_user_id=ticket.telegram_user_id,
            customer_name=ticket.customer_name,
            locale=ticket.locale,
            reason=ticket.reason,
            intent=ticket.intent,
            confidence=ticket.confidence,
            order_no=ticket.order_no,
            opened_at=aware(ticket.opened_at),
            taken_at=aware(ticket.taken_at),
            first_response_at=aware(ticket.first_response_at),
            closed_at=aware(ticket.closed_at),
            closed_by=ticket.closed_by,
            agent_id=ticket.agent_id,
            agent_name=ticket.agent_name,
            desk_chat_id=ticket.desk_chat_id,
            topic_id=ticket.topic_id,
            card_message_id=ticket.card_message_id,
            place=place,
            rating=ticket.rating,
            rating_comment=ticket.rating_comment,
            sla_alerts=ticket.sla_alerts or 0,
            idle_reminders=ticket.idle_reminders or 0,
            transcript_length=len(ticket.transcript),
            attachment_count=len(ticket.attachments),
            **fields,
        )

    async def get_ticket(self, request: c.GetTicket) -> c.TicketFound | c.TicketNotFound:
        if request.chat_id is not None and not await self.db.run_read(
            _has_live_ticket, request.chat_id
        ):
            # The bot asks this for many chats that never escalated: one indexed read.
            return c.TicketNotFound()
        async with self.db.read() as session:
            ticket = await self._load(session, request, lock=False)
            if ticket is None:
                return c.TicketNotFound()
            place = await self._place_of(session, ticket, self.now)
            return c.TicketFound(
                ticket=await self._view(
                    session,
                    ticket,
                    place=place,
                    detail=request.detail,
                    transcript_tail=request.transcript_tail,
                )
            )

    async def list_queue(self, request: c.ListQueue) -> c.TicketList:
        async with self.db.read() as session:
            places = await self._places(session, self.now)
            return c.TicketList(tickets=[await self._view(session, t, place=p) for t, p in places])

    async def list_mine(self, request: c.ListMine) -> c.TicketList:
        async with self.db.read() as session:
            mine = (
                await session.scalars(
                    select(Ticket)
                    .where(Ticket.state == "with_agent", Ticket.agent_id == request.agent_id)
                    .order_by(Ticket.taken_at, Ticket.id)
                )
            ).all()
            return c.TicketList(tickets=[await self._view(session, t) for t in mine])

    async def list_live(self, request: c.ListLive) -> c.TicketList:
        async with self.db.read() as session:
            places = {t.id: p for t, p in await self._places(session, self.now, light=True)}
            live = (
                await session.scalars(
                    select(Ticket)
                    .where(Ticket.state != "closed")
                    .order_by(Ticket.opened_at, Ticket.id)
                    .limit(request.limit)
                )
            ).all()
            return c.TicketList(
                tickets=[await self._view(session, t, place=places.get(t.id)) for t in live]
            )

    async def history(self, request: c.TicketHistory) -> c.TicketList:
        async with self.db.read() as session:
            statement = select(Ticket)
            if request.ticket_no is not None:
                statement = statement.where(Ticket.ticket_no == request.ticket_no)
            else:
                statement = statement.where(Ticket.chat_id == request.chat_id)
            found = (
                await session.scalars(
                    statement.order_by(Ticket.opened_at.desc(), Ticket.id.desc()).limit(
                        request.tickets
                    )
                )
            ).all()
            now = self.now
            return c.TicketList(
                tickets=[
                    await self._view(
                        session,
                        t,
                        place=await self._place_of(session, t, now),
                        detail=True,
                        transcript_tail=request.lines,
                    )
                    for t in found
                ]
            )

    async def list_due(self, request: c.ListDue) -> c.DueTickets:
        now = self.now
        async with self.db.read() as session:
            places = {t.id: p for t, p in await self._places(session, now)}
            live = (
                await session.scalars(
                    select(Ticket)
                    .where(Ticket.state != "closed")
                    .order_by(Ticket.opened_at, Ticket.id)
                )
            ).all()
            sla, idle, topicless = [], [], []
            for ticket in live:
                if (
                    ticket.topic_id is None
                    and (_seconds(now, ticket.opened_at) or 0) >= request.topicless_s
                ):
                    topicless.append(ticket)
                if ticket.state == "waiting":
                    since = ticket.sla_alerted_at or ticket.opened_at
                    if (_seconds(now, since) or 0) >= request.sla_s:
                        sla.append(ticket)
                else:
                    pending = _customer_waits_since(ticket)
                    reminded = aware(ticket.idle_reminded_at)
                    if (
                        pending is not None
                        and (_seconds(now, pending) or 0) >= request.idle_s
                        and (reminded is None or reminded < pending)
                    ):
                        idle.append(ticket)

            async def views(tickets: list[Ticket]) -> list[c.TicketView]:
                return [await self._view(session, t, place=places.get(t.id)) for t in tickets]

            return c.DueTickets(
                sla=await views(sla), idle=await views(idle), topicless=await views(topicless)
            )

    async def lookup_order(
        self, request: c.LookupTicketOrder
    ) -> c.OrderFound | c.OrderNotFound | c.TicketNotFound:
        async with self.db.read() as session:
            ticket = await self._by_no(session, request.ticket_no, lock=False)
            if ticket is None:
                return c.TicketNotFound()
            order = await self._order_of(session, ticket, request.order_no)
            if order is None:
                return c.OrderNotFound()
            # the agent sees the order's returns too, with the photos she sent for them
            view = await self.shop.view_in(session, order.order_no, with_returns=True)
        return c.OrderFound(order=view)

    # ── transitions ──────────────────────────────────────────────────────────────────────

    async def open_ticket(self, request: c.OpenTicket) -> c.TicketOpened:
        async def apply(session: AsyncSession) -> tuple[c.TicketOpened, c.Event | None]:
            now = self.now
            transcript = _dump_lines(request.transcript)
            attachments = _dump_attachments(request.attachments)
            ticket = await session.scalar(
                select(Ticket)
                .where(Ticket.chat_id == request.chat_id, Ticket.state != "closed")
                .with_for_update()
            )
            if ticket is not None:
                ticket.transcript = [*ticket.transcript, *transcript]
                ticket.attachments = [*ticket.attachments, *attachments]
                ticket.last_customer_at = now
                return (
                    c.TicketOpened(
                        ticket_no=ticket.ticket_no,
                        opened_at=aware(ticket.opened_at),
                        already_open=True,
                        state=ticket.state,
                        place=await self._place_of(session, ticket, now),
                        agent_name=ticket.agent_name,
                    ),
                    None,
                )
            customer = await session.scalar(
                select(Customer).where(Customer.telegram_user_id == request.telegram_user_id)
            )
            ticket = Ticket(
                ticket_no=f"pending-{request.idempotency_key}"[:30],
                telegram_user_id=request.telegram_user_id,
                chat_id=request.chat_id,
                customer_id=customer.id if customer else None,
                customer_name=request.customer_name,
                locale=request.locale,
                reason=request.reason,
                intent=request.intent,
                confidence=request.confidence,
                order_no=request.order_no,
                state="waiting",
                opened_at=now,
                last_customer_at=now,
                transcript=transcript,
                attachments=attachments,
                sla_alerts=0,
                idle_reminders=0,
            )
            session.add(ticket)
            await session.flush()
            ticket.ticket_no = f"T{now:%Y%m%d}{ticket.id:05d}"
            place = await self._place_of(session, ticket, now)
            if place is not None:
                _tell(ticket, place, now)
            logger.info("ticket %s opened (%s)", ticket.ticket_no, request.reason)
            return (
                c.TicketOpened(ticket_no=ticket.ticket_no, opened_at=now, place=place),
                c.TicketOpenedEvent(
                    occurred_at=now,
                    ticket_no=ticket.ticket_no,
                    telegram_user_id=request.telegram_user_id,
                    chat_id=request.chat_id,
                    reason=request.reason,
                ),
            )

        return await self.shop._run_command(request, apply)

    async def bind_topic(
        self, request: c.BindTopic
    ) -> c.TopicBound | c.TopicTaken | c.TicketNotFound:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.TopicBound | c.TopicTaken | c.TicketNotFound, c.Event | None]:
            ticket = await self._by_no(session, request.ticket_no, lock=True)
            if ticket is None:
                return c.TicketNotFound(), None
            same = (ticket.desk_chat_id, ticket.topic_id) == (
                request.desk_chat_id,
                request.topic_id,
            )
            if not same and (ticket.topic_id is not None or ticket.state == "closed"):
                return c.TopicTaken(topic_id=ticket.topic_id, state=ticket.state), None
            if not same:
                ticket.desk_chat_id = request.desk_chat_id
                ticket.topic_id = request.topic_id
                logger.info("ticket %s bound to topic %d", ticket.ticket_no, request.topic_id)
            if request.card_message_id is not None:
                ticket.card_message_id = request.card_message_id
            await session.flush()
            place = await self._place_of(session, ticket, self.now)
            # A new bind answers what the card shows; recording the card needs no detail.
            view = await self._view(session, ticket, place=place, detail=not same)
            return c.TopicBound(ticket=view), None

        return await self.shop._run_command(request, apply)

    async def take(self, request: c.TakeTicket) -> c.TicketTaken | c.TakeRefused | c.TicketNotFound:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.TicketTaken | c.TakeRefused | c.TicketNotFound, c.Event | None]:
            now = self.now
            ticket = await self._by_no(session, request.ticket_no, lock=True)
            if ticket is None:
                return c.TicketNotFound(), None
            if ticket.state == "closed":
                return c.TakeRefused(reason="closed"), None
            if ticket.state == "with_agent":
                if ticket.agent_id == request.agent_id:
                    return c.TicketTaken(
                        ticket=await self._view(session, ticket), already=True
                    ), None
                if not request.force:
                    return c.TakeRefused(reason="held", agent_name=ticket.agent_name), None
            previous_id, previous = ticket.agent_id, ticket.agent_name
            was_waiting = ticket.state == "waiting"
            ticket.state = "with_agent"
            ticket.agent_id = request.agent_id
            ticket.agent_name = request.agent_name
            ticket.taken_at = ticket.taken_at or now
            await session.flush()
            updates = await self._queue_updates(session, now) if was_waiting else []
            logger.info("ticket %s taken by agent %s", ticket.ticket_no, request.agent_id)
            return (
                c.TicketTaken(
                    ticket=await self._view(session, ticket),
                    previous_agent=None if was_waiting else previous,
                    queue_updates=updates,
                ),
                c.TicketTakenEvent(
                    occurred_at=now,
                    ticket_no=ticket.ticket_no,
                    agent_id=request.agent_id,
                    waited_s=_seconds(now, ticket.opened_at) or 0,
                    previous_agent_id=None if was_waiting else previous_id,
                ),
            )

        return await self.shop._run_command(request, apply)

    async def release(
        self, request: c.ReleaseTicket
    ) -> c.TicketReleased | c.ReleaseRefused | c.TicketNotFound:
        """Back to the queue, by the agent who has it: waiting again, in its place by when the
        customer asked (ahead of those who asked later), due for the service-level alert at
        once if she has waited that long since, so the group hears of her again."""

        async def apply(
            session: AsyncSession,
        ) -> tuple[c.TicketReleased | c.ReleaseRefused | c.TicketNotFound, c.Event | None]:
            now = self.now
            ticket = await self._by_no(session, request.ticket_no, lock=True)
            if ticket is None:
                return c.TicketNotFound(), None
            if ticket.state != "with_agent":
                closed = ticket.state == "closed"
                return c.ReleaseRefused(reason="closed" if closed else "waiting"), None
            if ticket.agent_id != request.agent_id:
                return c.ReleaseRefused(reason="held", agent_name=ticket.agent_name), None
            ticket.state = "waiting"
            ticket.agent_id = None
            ticket.agent_name = None
            ticket.sla_alerted_at = None
            await session.flush()
            logger.info("ticket %s released by agent %s", ticket.ticket_no, request.agent_id)
            place = await self._place_of(session, ticket, now)
            return (
                c.TicketReleased(
                    ticket=await self._view(session, ticket, place=place),
                    queue_updates=await self._queue_updates(session, now),
                ),
                c.TicketReleasedEvent(
                    occurred_at=now, ticket_no=ticket.ticket_no, agent_id=request.agent_id
                ),
            )

        return await self.shop._run_command(request, apply)

    async def close(self, request: c.CloseTicket) -> c.TicketClosed | c.TicketNotFound:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.TicketClosed | c.TicketNotFound, c.Event | None]:
            now = self.now
            ticket = await self._load(session, request, lock=True)
            if ticket is None:
                return c.TicketNotFound(), None
            if ticket.state == "closed":
                return c.TicketClosed(ticket=await self._view(session, ticket), already=True), None
            was_waiting = ticket.state == "waiting"
            ticket.state = "closed"
            ticket.closed_at = now
            ticket.closed_by = request.closed_by
            if request.closed_by == "agent" and ticket.agent_id is None:
                ticket.agent_id, ticket.agent_name = request.agent_id, request.agent_name
            ticket.handling_s = _seconds(now, ticket.taken_at)
            await session.flush()
            updates = await self._queue_updates(session, now) if was_waiting else []
            logger.info("ticket %s closed by %s", ticket.ticket_no, request.closed_by)
            return (
                c.TicketClosed(ticket=await self._view(session, ticket), queue_updates=updates),
                c.TicketClosedEvent(
                    occurred_at=now,
                    ticket_no=ticket.ticket_no,
                    closed_by=request.closed_by,
                    first_response_s=ticket.first_response_s,
                    handling_s=ticket.handling_s,
                ),
            )

        return await self.shop._run_command(request, apply)

    async def append(
        self, request: c.AppendToTicket
    ) -> c.Appended | c.AppendRefused | c.TicketNotFound:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.Appended | c.AppendRefused | c.TicketNotFound, c.Event | None]:
            now = self.now
            ticket = await self._load(session, request, lock=True)
            if ticket is None:
                return c.TicketNotFound(), None
            if ticket.state == "closed":
                return c.AppendRefused(reason="closed"), None
            took, event, updates = False, None, []
            if request.role == "agent":
                to_customer = any(not line.internal for line in request.lines)
                if to_customer:
                    if ticket.state == "with_agent" and ticket.agent_id != request.agent_id:
                        return c.AppendRefused(reason="held", agent_name=ticket.agent_name), None
                    if ticket.state == "waiting":
                        # An agent's reply to a waiting customer takes the ticket.
                        took = True
                        ticket.state = "with_agent"
                        ticket.agent_id, ticket.agent_name = request.agent_id, request.agent_name
                        ticket.taken_at = now
                        event = c.TicketTakenEvent(
                            occurred_at=now,
                            ticket_no=ticket.ticket_no,
                            agent_id=request.agent_id or 0,
                            waited_s=_seconds(now, ticket.opened_at) or 0,
                        )
                    if ticket.first_response_at is None:
                        ticket.first_response_at = now
                        ticket.first_response_s = _seconds(now, ticket.opened_at)
                    ticket.last_agent_at = now
            elif request.role == "customer":
                ticket.last_customer_at = now
            ticket.transcript = [*ticket.transcript, *_dump_lines(request.lines)]
            if request.attachments:
                ticket.attachments = [
                    *ticket.attachments,
                    *_dump_attachments(request.attachments),
                ]
            await session.flush()
            if took:
                updates = await self._queue_updates(session, now)
            return (
                c.Appended(
                    ticket=await self._view(session, ticket), took=took, queue_updates=updates
                ),
                event,
            )

        return await self.shop._run_command(request, apply)

    async def staff_reply(
        self, request: c.ReplyToTicket
    ) -> c.StaffReplied | c.StaffReplyRefused | c.TicketNotFound:
        """The shop's staff answer a ticket of a shop without the desk (``kefu tickets reply``):
        the answer joins the transcript as an agent's line, the ticket is theirs (``with_agent``,
        its first response timed) or closed with it, and ``ticket.staff_replied`` tells the bot
        to send it to the customer. A ticket in the desk (with a topic) is its agents' to
        answer there."""

        async def apply(
            session: AsyncSession,
        ) -> tuple[c.StaffReplied | c.StaffReplyRefused | c.TicketNotFound, c.Event | None]:
            now = self.now
            ticket = await self._by_no(session, request.ticket_no, lock=True)
            if ticket is None:
                return c.TicketNotFound(), None
            if ticket.state == "closed":
                return c.StaffReplyRefused(reason="closed"), None
            if ticket.topic_id is not None:
                return c.StaffReplyRefused(reason="desk"), None
            line: int | None = None
            if request.text is not None:
                line = len(ticket.transcript)
                said = c.TranscriptLine(role="agent", text=request.text.strip(), at=now)
                ticket.transcript = [*ticket.transcript, *_dump_lines([said])]
                if ticket.first_response_at is None:
                    ticket.first_response_at = now
                    ticket.first_response_s = _seconds(now, ticket.opened_at)
                ticket.last_agent_at = now
                if ticket.state == "waiting":
                    ticket.state = "with_agent"
                    ticket.taken_at = ticket.taken_at or now
                ticket.agent_name = request.staff_name or ticket.agent_name or "staff"
            if request.close:
                ticket.state = "closed"
                ticket.closed_at = now
                ticket.closed_by = "agent"
                ticket.agent_name = request.staff_name or ticket.agent_name or "staff"
                ticket.handling_s = _seconds(now, ticket.taken_at)
            await session.flush()
            logger.info(
                "ticket %s answered by the staff%s", ticket.ticket_no,
                " and closed" if request.close else "",
            )
            return (
                c.StaffReplied(
                    ticket=await self._view(session, ticket), line=line, closed=request.close
                ),
                c.TicketStaffRepliedEvent(
                    occurred_at=now,
                    ticket_no=ticket.ticket_no,
                    chat_id=ticket.chat_id,
                    locale=ticket.locale,
                    line=line,
                    closed=request.close,
                ),
            )

        return await self.shop._run_command(request, apply)

    async def rate(
        self, request: c.RateTicket
    ) -> c.TicketRated | c.RatingRefused | c.TicketNotFound:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.TicketRated | c.RatingRefused | c.TicketNotFound, c.Event | None]:
            now = self.now
            ticket = await self._by_no(session, request.ticket_no, lock=True)
            if ticket is None:
                return c.TicketNotFound(), None
            if ticket.chat_id != request.chat_id:
                return c.RatingRefused(reason="not_yours"), None
            if ticket.state != "closed":
                return c.RatingRefused(reason="not_closed"), None
            if request.rating is not None:
                ticket.rating = request.rating
            if request.comment is not None:
                ticket.rating_comment = request.comment
            ticket.rated_at = now
            return (
                c.TicketRated(
                    ticket_no=ticket.ticket_no,
                    rating=ticket.rating,
                    comment=ticket.rating_comment,
                ),
                c.TicketRatedEvent(
                    occurred_at=now, ticket_no=ticket.ticket_no, rating=ticket.rating
                ),
            )

        return await self.shop._run_command(request, apply)

    async def add_remark(
        self, request: c.AddRemark
    ) -> c.RemarkAdded | c.NoOrder | c.OrderNotFound | c.TicketNotFound:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.RemarkAdded | c.NoOrder | c.OrderNotFound | c.TicketNotFound, c.Event | None]:
            ticket = await self._by_no(session, request.ticket_no, lock=False)
            if ticket is None:
                return c.TicketNotFound(), None
            order_no = request.order_no or ticket.order_no
            if order_no is None:
                return c.NoOrder(), None
            order = await self._order_of(session, ticket, order_no)
            if order is None:
                return c.OrderNotFound(), None
            remark = Remark(
                order_id=order.id,
                content=request.text,
                author=request.agent_name,
                flag=request.flag,
                created_at=self.now,
            )
            session.add(remark)
            await session.flush()
            logger.info("remark added to order %s from ticket %s", order_no, ticket.ticket_no)
            return c.RemarkAdded(order_no=order_no, line=str(remark), flag=request.flag), None

        return await self.shop._run_command(request, apply)

    async def reveal(
        self, request: c.RevealContact
    ) -> c.Revealed | c.NothingToReveal | c.TicketNotFound:
        """Not through the generic runner: its stored reply would keep a copy of the phone and
        address in ``processed_commands``. A repeat of the same key reads them again and writes
        no second audit row; the stored reply says only that it was answered."""
        fingerprint = request_hash(request)
        async with self.db.write() as session:
            done = await session.get(ProcessedCommand, request.idempotency_key)
            if done is not None and (
                done.method != request.METHOD or done.request_hash != fingerprint
            ):
                raise Refusal(
                    "idempotency_conflict",
                    f"this idempotency key was used for another {done.method} request",
                )
            ticket = await self._by_no(session, request.ticket_no, lock=False)
            if ticket is None:
                return c.TicketNotFound()
            customer_id = await self._customer_id(session, ticket)
            customer = await session.get(Customer, customer_id) if customer_id else None
            order = (
                await self._order_of(session, ticket, ticket.order_no) if ticket.order_no else None
            )
            if order is None and customer is not None:
                order = await session.scalar(
                    select(Order)
                    .where(Order.customer_id == customer.id)
                    .order_by(Order.created_at.desc(), Order.id.desc())
                    .limit(1)
                )
            if customer is None and order is None:
                return c.NothingToReveal()
            reply = c.Revealed(
                customer_phone=customer.phone if customer else None,
                order_no=order.order_no if order else None,
                receiver_name=order.receiver_name if order else None,
                receiver_phone=order.receiver_phone if order else None,
                address=f"{order.province} {order.address}" if order else None,
            )
            if done is not None:
                return reply
            now = self.now
            shown = [name for name in ("phone", "address") if name != "address" or order]
            session.add(
                TicketReveal(
                    ticket_id=ticket.id,
                    agent_id=request.agent_id,
                    agent_name=request.agent_name,
                    fields=",".join(shown),
                    revealed_at=now,
                )
            )
            session.add(
                ProcessedCommand(
                    key=request.idempotency_key,
                    method=request.METHOD,
                    request_hash=fingerprint,
                    reply='{"kind": "revealed"}',
                    created_at=now,
                )
            )
        logger.info("ticket %s: contact shown to agent %s", ticket.ticket_no, request.agent_id)
        await self.shop.publish_event(
            c.TicketRevealedEvent(
                occurred_at=now, ticket_no=ticket.ticket_no, agent_id=request.agent_id
            )
        )
        return reply

    async def claim_alert(self, request: c.ClaimAlert) -> c.AlertClaimed | c.TicketNotFound:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.AlertClaimed | c.TicketNotFound, c.Event | None]:
            now = self.now
            ticket = await self._by_no(session, request.ticket_no, lock=True)
            if ticket is None:
                return c.TicketNotFound(), None
            sla = request.alert == "sla"
            count = ticket.sla_alerts if sla else ticket.idle_reminders
            wanted = "waiting" if sla else "with_agent"
            if ticket.state != wanted or count != request.seen:
                return c.AlertClaimed(
                    claimed=False, count=count, ticket=await self._view(session, ticket)
                ), None
            count += 1
            if sla:
                ticket.sla_alerts, ticket.sla_alerted_at = count, now
            else:
                ticket.idle_reminders, ticket.idle_reminded_at = count, now
            await session.flush()
            updates = await self._queue_updates(session, now) if sla else []
            place = await self._place_of(session, ticket, now)
            return (
                c.AlertClaimed(
                    claimed=True,
                    count=count,
                    ticket=await self._view(session, ticket, place=place),
                    queue_updates=updates,
                ),
                c.TicketAlertEvent(
                    occurred_at=now, ticket_no=ticket.ticket_no, alert=request.alert, count=count
                ),
            )

        return await self.shop._run_command(request, apply)


_LIVE_TICKET = select(Ticket.id).where(
    Ticket.chat_id == bindparam("chat_id"), Ticket.state != "closed"
)


def _has_live_ticket(reads: Reads, chat_id: int) -> bool:
    return reads.first(_LIVE_TICKET, {"chat_id": chat_id}) is not None


def _customer_waits_since(ticket: Ticket) -> datetime | None:
    """Since when the customer waits on their agent: their last message after the agent's
    last one, or the taking when the agent has not written yet; None when the agent spoke
    last."""
    agent = aware(ticket.last_agent_at)
    customer = aware(ticket.last_customer_at)
    if agent is None:
        return aware(ticket.taken_at)
    if customer is not None and customer > agent:
        return customer
    return None
