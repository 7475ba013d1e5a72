"""Service levels: every bot process looks at the worker's ``tickets.due`` every few seconds.

* A ticket waiting longer than ``HANDOFF_SLA_SECONDS`` (and again every as long) is raised in
  the group's General topic, mentioning who is on shift when ``HANDOFF_SHIFTS`` says; within
  the shop's service hours only (nobody is there to take it otherwise: the customer was told
  when people are back). One message lists every ticket due in that round.
* An agent who leaves the customer waiting ``HANDOFF_IDLE_SECONDS`` is reminded in the topic,
  and raised in General (with who is on shift) where the other agents see it.
* A ticket without a topic after ``TOPICLESS_S`` gets one (an event lost on the way).

With several bot processes each alert is posted once: before posting, a process claims it with
``tickets.claim_alert``, a compare-and-set on the ticket's alert count; the others see they
lost and stay quiet. Alerts are counted on the ticket (for reports) and in
``kefu_desk_alerts_total``.
"""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from prometheus_client import Counter

from bot.desk import texts
from bot.desk.topics import TOPICLESS_S, ensure_topic
from bus.contracts import AlertClaimed, ClaimAlert, DueTickets, ListDue, TicketView
from bus.errors import BusError
from replies.render import Html

if TYPE_CHECKING:
    from bot.desk.service import Desk

logger = logging.getLogger(__name__)

ALERTS = Counter("kefu_desk_alerts_total", "Service-level alerts posted, by kind.", ["kind"])


class ServiceLevels:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.settings = desk.settings

    async def run(self, bot: Bot) -> None:
        interval = self.settings.desk_check_interval
        while True:
            try:
                await self.tick(bot)
            except asyncio.CancelledError:
                raise
            except BusError as exc:
                logger.info("service levels: the worker is not answering (%s)", exc)
            except Exception:
                logger.exception("service levels: this round failed")
            await asyncio.sleep(interval)

    async def tick(self, bot: Bot) -> None:
        due = await self.desk.rpc.call(
            ListDue(
                sla_s=self.settings.handoff_sla_s,
                idle_s=self.settings.handoff_idle_s,
                topicless_s=TOPICLESS_S,
            )
        )
        assert isinstance(due, DueTickets)
        for ticket in due.topicless:
            try:
                await ensure_topic(self.desk, bot, ticket.ticket_no)
            except (BusError, TelegramAPIError) as exc:
                logger.warning("no topic yet for %s: %s", ticket.ticket_no, exc)
        now = datetime.now(UTC)
        if due.sla and self.desk.policy.is_open(now):
            claimed = [
                claim.ticket
                for ticket in due.sla
                if (claim := await self._claim(ticket, "sla")) is not None
            ]
            if claimed:
                await self._raise(bot, claimed, now)
        for ticket in due.idle:
            claim = await self._claim(ticket, "idle")
            if claim is not None:
                await self._remind(bot, claim.ticket, now)

    async def _claim(self, ticket: TicketView, alert: str) -> AlertClaimed | None:
        seen = ticket.sla_alerts if alert == "sla" else ticket.idle_reminders
        reply = await self.desk.rpc.call(
            ClaimAlert(
                idempotency_key=f"claim:{uuid4().hex}",
                ticket_no=ticket.ticket_no,
                alert=alert,  # type: ignore[arg-type]
                seen=seen,
            )
        )
        if not isinstance(reply, AlertClaimed) or not reply.claimed:
            return None
        ALERTS.labels(alert).inc()
        if reply.queue_updates:
            assert self.desk.bot is not None
            await self.desk.tell_queue(self.desk.bot, reply.queue_updates)
        return reply

    async def _raise(self, bot: Bot, tickets: list[TicketView], now: datetime) -> None:
        desk = self.desk
        limit = texts.duration(desk.replies, desk.locale, self.settings.handoff_sla_s)
        lines = [
            desk.t(
                "desk.sla.alert",
                count=len(tickets),
                limit=limit,
                mentions=self._mentions(now),
            )
        ]
        for ticket in tickets:
            lines.append(
                desk.t(
                    "desk.sla.line",
                    ticket_no=ticket.ticket_no,
                    customer=texts.mask_name(ticket.customer_name),
                    waited=texts.duration(desk.replies, desk.locale, texts.waited(ticket, now)),
                    alerts=ticket.sla_alerts,
                )
            )
        await desk.post(bot, "\n".join(lines))
        logger.info("service level: %d ticket(s) raised in the group", len(tickets))

    async def _remind(self, bot: Bot, ticket: TicketView, now: datetime) -> None:
        desk = self.desk
        if ticket.topic_id is None or ticket.agent_id is None:
            return
        mention = Html(
            f'<a href="tg://user?id={ticket.agent_id}">'
            f"{html.escape(ticket.agent_name or str(ticket.agent_id))}</a>"
        )
        waited = texts.duration(desk.replies, desk.locale, self.settings.handoff_idle_s)
        await desk.post(
            bot,
            desk.t("desk.idle", agent=mention, waited=waited, ticket_no=ticket.ticket_no),
            ticket.topic_id,
        )
        # …and in General, where the others (and whoever is on shift) see it too.
        await desk.post(
            bot,
            desk.t(
                "desk.idle.general",
                agent=mention,
                waited=waited,
                ticket_no=ticket.ticket_no,
                mentions=self._mentions(now),
            ),
        )

    def _mentions(self, now: datetime) -> Html:
        local = now.astimezone(self.desk.policy.service_hours.zone)
        found = []
        for shift in self.settings.handoff_shifts:
            if not shift.on_duty(local):
                continue
            if shift.mention.startswith("@"):
                found.append(shift.mention)
            else:
                found.append(f'<a href="tg://user?id={shift.mention}">{shift.mention}</a>')
        return Html(" ".join(found))
