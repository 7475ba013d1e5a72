"""Handing a chat to a person: a ticket in the worker with the conversation so far.

The ticket (``tickets.open``, persisted by the worker with the transcript and the attachments)
is what an agent acts on. With the agents' desk (``AGENTS_CHAT_ID``, bot/desk) the chat is then
handed to a person in the agents' group and the customer hears their place in line; without
it, nobody can answer in the customer's chat: they are told the ticket is recorded for the
shop's staff (who see it, by the service hours, with ``kefu tickets``) and that no person
replies here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import uuid4

from prometheus_client import Counter

from bot.services import outcomes
from bot.services.conversation import Conversation
from bus import Bus
from bus.contracts import Command, Contract, OpenTicket, TicketOpened
from bus.errors import BusError, BusRemoteError, BusTimeout
from shop.enums import TicketReason

logger = logging.getLogger(__name__)
R = TypeVar("R", bound=Contract)

ESCALATIONS = Counter(
    "kefu_bot_escalations_total",
    "Chats handed to a person, by reason and outcome.",
    ["reason", "outcome"],
)


def idempotency_key(user_id: int) -> str:
    """A fresh key for one customer action; keep it until the action succeeded. It names the
    customer and is random, so two customers can never hold the same key."""
    return f"tg:{user_id}:{uuid4().hex}"


def owns_key(user_id: int, key: str) -> bool:
    """Was ``key`` made for this customer (``idempotency_key``)? A key from anywhere else is
    never sent on their behalf."""
    return key.startswith(f"tg:{user_id}:")


async def call_command(
    conv: Conversation,
    rpc: Bus,
    request: Command[R],
    remember: Callable[[str], None] | None = None,
) -> R:
    """Send a command. If the worker says its key already stands for another request
    (``idempotency_conflict``: a retry whose content changed, e.g. a ticket with more of the
    conversation), this is a new request: it goes once more under a fresh key (passed to
    ``remember``). Never the other request's answer, never an apology for what the customer did
    not do wrong."""
    try:
        return await rpc.call(request)
    except BusRemoteError as exc:
        if exc.code != "idempotency_conflict":
            raise
    logger.info(
        "%s key of chat %s stood for another request; sending it under a fresh key",
        request.METHOD,
        conv.chat_id,
    )
    key = idempotency_key(conv.user_id)
    if remember is not None:
        remember(key)
    return await rpc.call(request.model_copy(update={"idempotency_key": key}))


async def open_ticket(
    conv: Conversation,
    rpc: Bus,
    *,
    reason: TicketReason,
    intent: str | None = None,
    order_no: str | None = None,
    announce: bool = True,
) -> TicketOpened | None:
    """Open (or refresh) the chat's ticket and tell the customer when a person will answer.

    Returns ``None`` when no ticket came back: when the broker holds the command (the worker
    is away) the customer hears it is recorded, otherwise that we are unavailable; both with
    the service hours. The key is kept so that trying again does not open a second ticket.
    """
    memory = conv.memory
    key = memory.ticket_key
    if key is None or not owns_key(conv.user_id, key):
        key = memory.ticket_key = idempotency_key(conv.user_id)
    await memory.save()  # a retry after a crash must find the same key
    last_intent, last_confidence = memory.last_match or (None, None)
    request = OpenTicket(
        idempotency_key=key,
        telegram_user_id=conv.user_id,
        chat_id=conv.chat_id,
        customer_name=conv.user_name[:100],
        reason=reason,
        intent=intent or last_intent,
        confidence=last_confidence if (intent or last_intent) == last_intent else None,
        locale=conv.locale,
        order_no=order_no or memory.last_order,
        transcript=memory.transcript_lines()[-200:],
        attachments=memory.attachments,
    )

    def remember(fresh: str) -> None:
        memory.ticket_key = fresh

    try:
        reply = await call_command(conv, rpc, request, remember=remember)
    except BusTimeout as exc:
        if not exc.accepted:
            await _unreachable(conv, reason, exc, announce)
            return None
        # The broker holds the command durably: the ticket opens when a worker takes it. The
        # key stays, so asking again gives that same ticket, never a second one.
        ESCALATIONS.labels(reason, "queued").inc()
        logger.info("ticket for chat %s queued until a worker takes it", conv.chat_id)
        if announce and conv.desk is None:
            await conv.say(conv.replies.ticket_recorded(None, datetime.now(UTC), conv.locale))
        elif announce:
            await conv.say(
                conv.t("ticket.queued")
                + "\n"
                + conv.replies.human_reply_time(datetime.now(UTC), conv.locale)
            )
        return None
    except BusError as exc:
        await _unreachable(conv, reason, exc, announce)
        return None
    ESCALATIONS.labels(reason, "opened").inc()
    memory.ticket_opened(reply.ticket_no)  # a later refresh sends only what came after
    logger.info(
        "ticket %s %s for chat %s (reason %s)",
        reply.ticket_no,
        "refreshed" if reply.already_open else "opened",
        conv.chat_id,
        reason,
    )
    if conv.desk is not None:
        # The agents' desk takes the chat from here: the customer hears their place in line.
        await conv.desk.opened(conv, reply, announce=announce)
        return reply
    if announce:
        # No desk: nobody can answer in this chat. She hears that the ticket is recorded for
        # the shop's staff, when they will see it, and that no person replies here.
        await conv.say(
            conv.replies.ticket_recorded(reply.ticket_no, datetime.now(UTC), conv.locale)
        )
    return reply


async def _unreachable(conv: Conversation, reason: str, exc: BusError, announce: bool) -> None:
    ESCALATIONS.labels(reason, "unavailable").inc()
    logger.warning("could not open a ticket for chat %s: %s", conv.chat_id, exc)
    if announce:
        await outcomes.unavailable(conv, offer_person=False)
