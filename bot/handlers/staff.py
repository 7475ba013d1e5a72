"""Her answer to the shop's staff (a shop without the agents' desk): once the staff answered her
ticket (``kefu tickets reply``, ``bot.services.staff``), what she writes next goes on that
ticket — the staff read it with ``kefu tickets show`` and answer again — and she is told it went
to them, instead of the bot taking it as a new question. A plain thanks ("谢谢 解决了",
"thanks, that's sorted") closes the ticket as solved, her words on it. Commands (``/start``,
``/help``…) and a shared contact are the bot's as ever. It stops when the ticket is closed (by
the staff, by her thanks) or ``ANSWER_WINDOW_S`` after the staff's last answer.

Only a chat whose memory has a ticket (``ChatMemory.ticket``), or whose memory is new (the bot
has said nothing in it: forgotten after ``KEFU_CHAT_TTL_S`` while the staff took their time),
reads the record: every other message passes the filter with two attribute checks."""

from __future__ import annotations

import logging
import time
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Filter
from aiogram.types import Message, ReactionTypeEmoji

from bot.handlers.media import her_message_appended
from bot.handlers.thanks import ThanksOnly
from bot.services.conversation import Conversation
from bot.services.staff import StaffAnswers, StaffThread
from bot.settings import BotSettings
from bus import Bus
from bus.contracts import Appended, CloseTicket
from intents import Decision

logger = logging.getLogger(__name__)

ACK_REACTION = "✍"


class AwaitsHerAnswer(Filter):
    """The staff answered her chat's open ticket and wait for her: the message goes to them."""

    async def __call__(
        self,
        message: Message,
        conv: Conversation | None = None,
        staff: StaffAnswers | None = None,
    ) -> bool | dict[str, Any]:
        if conv is None or staff is None:
            return False
        ticket = conv.memory.ticket
        # a chat with a ticket, or one whose memory is new (forgotten after KEFU_CHAT_TTL_S
        # while the staff took their time): the bot has said nothing in it yet
        if ticket is None and conv.memory.last_said is not None:
            return False
        if (message.text or "").startswith("/") or message.contact is not None:
            return False
        thread = await staff.load(conv.bot.id, conv.chat_id)
        if ticket is not None and thread.closed == ticket:
            conv.memory.ticket = None  # the staff closed it: a new escalation is a new ticket
            return False
        if not thread.awaits(ticket or thread.ticket_no, time.time()):
            return False
        conv.memory.ticket = thread.ticket_no  # a forgotten chat knows its ticket again
        return {"staff_thread": thread}


def get_router() -> Router:
    router = Router(name=__name__)

    @router.message(AwaitsHerAnswer())
    async def on_answer_to_staff(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        staff: StaffAnswers,
        staff_thread: StaffThread,
        settings: BotSettings,
        decision: Decision | None = None,
    ) -> None:
        ticket_no = staff_thread.ticket_no
        assert ticket_no is not None
        chat_id = conv.chat_id
        reply = await rpc.call(her_message_appended(message, ticket_no=ticket_no))
        if not isinstance(reply, Appended):
            # closed meanwhile (or gone): the chat is the bot's again, and so is this message
            logger.info("ticket %s of chat %s is no longer open; the bot answers", ticket_no,
                        chat_id)
            staff_thread.ticket_no, staff_thread.closed = None, ticket_no
            await staff.save(conv.bot.id, chat_id, staff_thread)
            conv.memory.ticket = None
            raise SkipHandler
        if await ThanksOnly()(message, decision):
            # "谢谢 解决了": solved; her thanks is on the ticket for the staff to read
            await rpc.call(
                CloseTicket(
                    idempotency_key=f"solved:{chat_id}:{message.message_id}",
                    ticket_no=ticket_no,
                    closed_by="customer",
                )
            )
            staff_thread.ticket_no, staff_thread.closed = None, ticket_no
            await staff.save(conv.bot.id, chat_id, staff_thread)
            conv.memory.ticket = None
            logger.info("ticket %s closed as solved by the customer", ticket_no)
            await conv.say(conv.t("staff.solved", ticket_no=ticket_no))
            return
        now = time.time()
        if now - staff_thread.acked_at < settings.handoff_ack_window_s:
            try:  # said a moment ago: a reaction on this one, not the same words again
                await message.react([ReactionTypeEmoji(emoji=ACK_REACTION)])
                return
            except TelegramAPIError:
                await conv.say(conv.t("staff.added_short"), aside=True)
                return
        staff_thread.acked_at = now
        await staff.save(conv.bot.id, chat_id, staff_thread)
        await conv.say(conv.t("staff.added", ticket_no=ticket_no), aside=True)

    return router
