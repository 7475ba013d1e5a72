"""The customer's side of a handoff (private chats), ahead of every other router.

While the chat has a live ticket everything the customer sends is recorded in the ticket and
copied into its topic. While nobody has taken it the customer is told her message was added
(in words the first time, then a reaction on it for a while); once an agent has it the bot
says nothing of its own; ``/cancel`` withdraws the request
and ``/human`` says where they stand. A stale button pressed meanwhile gets a short note on the
button itself. When the worker says the ticket is gone (an agent closed it), the message goes
on to the bot's usual handlers.

After a ticket closes the customer may rate it: the stars under the closing message, then one
optional comment (a clear new question instead, about an order, shipping, sizes…, is answered
as one; thanks or a complaint about the service is the comment).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards
from bot.desk.keyboards import RateCallback
from bot.desk.state import Handoff
from bot.filters import HasContact, HasText, InState
from bot.flows import identity
from bot.flows.base import Draft
from bot.flows.returns import wants_a_return
from bot.services import choices
from bot.services.conversation import Conversation
from bus import Bus
from bus.contracts import RateTicket, TicketRated, TicketView
from bus.errors import BusError
from intents import Decision

if TYPE_CHECKING:
    from bot.desk.service import Desk

logger = logging.getLogger(__name__)


async def _relayed(
    message: Message, conv: Conversation, handoff: Handoff, desk: Desk
) -> TicketView | None:
    """Her message on the live ticket: the ticket, or ``None`` when the broker could not take it
    (she hears so). A ticket closed meanwhile skips to the bot's own handlers."""
    try:
        ticket = await desk.relay_from_customer(conv.bot, message, handoff)
    except BusError as exc:
        logger.warning("a message of chat %s could not reach its ticket: %s", conv.chat_id, exc)
        await conv.say(conv.t("handoff.unavailable"))
        return None
    if ticket is None:
        raise SkipHandler  # the ticket is closed: the bot answers (and runs its commands)
    return ticket


class Rating(StatesGroup):
    waiting_for_comment = State()


class RatingDraft(Draft):
    """The ticket a comment after the stars is about."""

    rating_ticket: str | None = None


class InPrivateChat(Filter):
    """A customer's chat, for any kind of update (a desk button in a group is not theirs)."""

    async def __call__(self, event: TelegramObject, event_chat: Chat | None = None) -> bool:
        return event_chat is not None and event_chat.type == "private"


BACK_TO_JOB_TURNS = 3
"""How many messages after a job was left for a person "never mind" still goes back to it."""


class NoPersonAfterAll(Filter):
    """ "不用转了" / "never mind" while waiting for a person (``choices.person_not_needed``)."""

    async def __call__(self, message: Message) -> bool | dict[str, Any]:
        rest = choices.person_not_needed(message.text or "")
        return False if rest is None else {"rest": rest}


class BesideTicket(Filter):
    """A step of a job about an order the bot went on with beside her ticket."""

    async def __call__(
        self,
        event: TelegramObject,
        conv: Conversation | None = None,
        handoff: Handoff | None = None,
        raw_state: Any = None,
    ) -> bool:
        return beside_ticket(conv, handoff, raw_state)


class InHandoff(Filter):
    """The chat has a live ticket (as far as the bot knows; the worker confirms on relay)."""

    async def __call__(self, event: TelegramObject, handoff: Handoff | None = None) -> bool:
        return handoff is not None and handoff.live


BESIDE_TICKET_TURNS = 2
"""Messages after a job began beside a waiting ticket that still go to it with no step of the
job waiting (her contact after "which order?", the order's number)."""


BESIDE_JOBS = frozenset(
    {"returns.exchange", "order.modify", "order.cancel", "order.change_address"}
)
"""Jobs that change an order, which the bot does while a ticket waits (where the order is, or
"我还在等", stay her words to the person)."""


def beside_ticket(conv: Conversation | None, handoff: Handoff | None, raw_state: Any) -> bool:
    """She is on a job about an order the bot went on with while her ticket waits."""
    if conv is None or handoff is None or not handoff.live:
        return False
    memory = conv.memory
    if memory.beside_ticket is None or memory.beside_ticket != handoff.ticket_no:
        return False
    return raw_state is not None or memory.turns - memory.beside_turn <= BESIDE_TICKET_TURNS


LOOKUP_BESIDE = "order.status"
"""Where her parcel is, asked in so many words ("羽绒服KF…发到哪了", "where's my parcel"): a
look-up the bot does beside the ticket too, rather than leave her waiting hours for a person to
read out the courier's scan. "我还在等" / "still waiting" / "it's about my parcel" ask no
where: they stay her words to the person."""

_WHERE_ASKED = re.compile(
    r"到哪|在哪|物流(?:信息|到|呢|怎么)|发货了(?:吗|没)|发了(?:吗|没)|寄出(?:了吗|了没|没)"
    r"|到了(?:吗|没)|单号是?多少"
    r"|\bwhere(?:'s| is| are)\b|\btrack(?:ing)?\b|\b(?:shipped|arrived|dispatched) yet\b"
    r"|\bhas (?:it|my \w+(?: \w+)?) (?:shipped|arrived|left)\b",
    re.IGNORECASE,
)


class AnOrderJob(Filter):
    """A job about an order asked in so many words ("能给我换一件灰色的L码吗", "can i at least
    swap them for an XL", "just give me my money back"): an exchange, a return wanted, a
    change, a cancel… or where her parcel is (``LOOKUP_BESIDE``)."""

    async def __call__(
        self, message: Message, decision: Decision | None = None
    ) -> bool | dict[str, Any]:
        if decision is None or decision.outcome != "accept" or decision.intent is None:
            return False
        text = message.text or ""
        if decision.intent == "returns.return":
            return wants_a_return(text, False)
        if decision.intent == LOOKUP_BESIDE:
            where = _WHERE_ASKED.search(text) is not None
            return {"beside_said": "handoff.lookup_beside"} if where else False
        return decision.intent in BESIDE_JOBS


COMMENT_GROUPS = frozenset({"thanks", "greeting", "complaint", "other"})
"""Intent groups a comment on the service reads as ("very patient, thanks", "回复太慢了")."""


def _is_a_question(decision: Decision | None) -> bool:
    return (
        decision is not None
        and decision.outcome == "accept"
        and decision.group not in COMMENT_GROUPS
    )


def get_routers() -> list[Router]:
    rating = Router(name="bot.desk.rating")
    rating.callback_query.filter(InPrivateChat())

    @rating.callback_query(RateCallback.filter())
    async def on_rating(
        query: CallbackQuery,
        callback_data: RateCallback,
        conv: Conversation,
        state: FSMContext,
        desk: Desk,
    ) -> None:
        await keyboards.remove_buttons(query.message)
        if callback_data.score == 0:
            await conv.say(conv.t("cancelled"))
            return
        reply = await desk.rpc.call(
            RateTicket(
                idempotency_key=f"rate:{conv.chat_id}:cb:{query.id}",
                ticket_no=callback_data.ticket_no,
                chat_id=conv.chat_id,
                rating=callback_data.score,
            )
        )
        if not isinstance(reply, TicketRated):
            logger.info("a rating for %s was refused", callback_data.ticket_no)
            await conv.say(conv.t("button.stale"))
            return
        await state.set_state(Rating.waiting_for_comment)
        await state.set_data(RatingDraft(rating_ticket=callback_data.ticket_no).model_dump())
        await conv.say(conv.t("handoff.rated"))
        await desk.rated(conv.bot, callback_data.ticket_no, callback_data.score, None)

    @rating.message(InState(Rating.waiting_for_comment), HasText())
    async def on_comment(
        message: Message,
        conv: Conversation,
        state: FSMContext,
        desk: Desk,
        decision: Decision | None = None,
    ) -> None:
        ticket_no = RatingDraft.model_validate(await state.get_data()).rating_ticket
        await state.clear()
        if ticket_no is None or _is_a_question(decision):
            raise SkipHandler  # a question, not a comment: answered as one
        reply = await desk.rpc.call(
            RateTicket(
                idempotency_key=f"rate:{conv.chat_id}:{message.message_id}",
                ticket_no=ticket_no,
                chat_id=conv.chat_id,
                comment=(message.text or "")[:500],
            )
        )
        if isinstance(reply, TicketRated):
            await conv.say(conv.t("handoff.comment_thanks"))
            await desk.rated(conv.bot, ticket_no, None, reply.comment)
            return
        raise SkipHandler

    handoff = Router(name="bot.desk.handoff")
    handoff.message.filter(InHandoff())
    handoff.callback_query.filter(InPrivateChat(), InHandoff())

    @handoff.message(Command("cancel"))
    async def cmd_cancel_handoff(
        message: Message, conv: Conversation, state: FSMContext, handoff: Handoff, desk: Desk
    ) -> None:
        await state.clear()
        await desk.withdraw(conv, message, handoff)

    @handoff.message(HasText(), NoPersonAfterAll())
    async def on_no_person_after_all(
        message: Message,
        conv: Conversation,
        state: FSMContext,
        handoff: Handoff,
        desk: Desk,
        rest: str,
    ) -> None:
        """ "哦不用了不用转了 你直接帮我改成L就行", "nah never mind, let's just finish it here"
        while nobody has taken the ticket yet: withdrawn, as /cancel does, and the job she left
        for the person (a return at its question) is where she is again; what else the
        message asks is answered as any message is. It went to the ticket, and she waited."""
        if not await desk.nobody_has_it(conv):
            raise SkipHandler  # an agent is talking with her: her words are for the agent
        await state.clear()
        memory = conv.memory
        paused, memory.before_person = memory.before_person, None
        if paused is None or memory.turns - paused.turn > BACK_TO_JOB_TURNS:
            await desk.withdraw(conv, message, handoff)
            if rest:
                raise SkipHandler  # (the ticket is closed: the relay hands it to the bot)
            return
        # back at the step she left: its question quoted, for her to answer ("你直接帮我改成L
        # 就行" says again what that question asks)
        await state.set_state(paused.state)
        await state.set_data(paused.data)
        memory.left_job = None
        await desk.withdraw(
            conv, message, handoff, said="handoff.withdrawn_back", reply_to=paused.question
        )
        if paused.question is not None:
            memory.last_said = paused.question

    @handoff.message(HasText(), AnOrderJob())
    async def on_order_job_beside_ticket(
        message: Message,
        conv: Conversation,
        handoff: Handoff,
        desk: Desk,
        raw_state: Any = None,
        beside_said: str = "handoff.job_beside",
    ) -> None:
        """A job about an order asked while nobody has taken her ticket yet (the complaint's
        ticket, then "算了 能给我换一件灰色的L码吗"): the bot goes on with it — the exchange she
        can have now is not kept waiting for a person — and her words go on the ticket, so the
        agent who takes it sees what she asked and that the bot has it in hand."""
        if not await desk.nobody_has_it(conv):
            raise SkipHandler  # an agent is talking with her: her words are for the agent
        if beside_ticket(conv, handoff, raw_state) and conv.memory.turns > conv.memory.beside_turn:
            # a step of the job begun beside the ticket ("尾号5280" after the parcel asked, read
            # again as the order's status): told once already, and copied by the next handler
            raise SkipHandler
        ticket = await _relayed(message, conv, handoff, desk)
        if ticket is None:
            return
        conv.memory.beside_ticket = ticket.ticket_no
        conv.memory.beside_turn = conv.memory.turns
        await conv.say(conv.t(beside_said, ticket_no=ticket.ticket_no))
        raise SkipHandler  # the bot's own handlers take the job

    @handoff.message(BesideTicket())
    async def on_job_beside_ticket_goes_on(
        message: Message, conv: Conversation, handoff: Handoff, desk: Desk
    ) -> None:
        """The next steps of that job (her contact, the order, "没穿过", "确认"): the job's. Her
        words are copied to the ticket too (not her contact: the agent needs no phone)."""
        if message.text and conv.memory.turns > conv.memory.beside_turn:
            await _relayed(message, conv, handoff, desk)
        raise SkipHandler

    @handoff.message(HasContact())
    async def on_contact_in_handoff(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        handoff: Handoff,
        desk: Desk,
    ) -> None:
        """Her contact shared while her ticket waits (the complaint's ticket, then her phone):
        it goes on the ticket, and it verifies her as anywhere — a job she asks beside the
        ticket next ("just give me my money back") sees her orders, not "send your order
        number" again (jobs batch 8: the contact only said "added to your request")."""
        ticket = await _relayed(message, conv, handoff, desk)
        if ticket is None or message.contact is None or message.from_user is None:
            return
        await identity.contact_shared(conv, rpc, state, message.contact, message.from_user.id)

    @handoff.message(Command("human"))
    async def cmd_human_in_handoff(
        message: Message, conv: Conversation, handoff: Handoff, desk: Desk
    ) -> None:
        if not await desk.tell_place(conv, handoff):
            raise SkipHandler  # no ticket after all: /human opens one

    @handoff.message(F.text.regexp(r"^/(?!(?:help|lang|language)(?:@\w+)?(?:\s|$))\w"))
    async def on_command_in_handoff(
        message: Message, conv: Conversation, handoff: Handoff, desk: Desk
    ) -> None:
        """ "/close", "/start" typed while waiting for (or talking with) a person: never run
        (the agents see it as her text), and she hears what she can do here — not "added to
        your request"."""
        ticket = await _relayed(message, conv, handoff, desk)
        if ticket is not None:
            await conv.say(conv.t("handoff.command", ticket_no=ticket.ticket_no))

    @handoff.message(~F.text.regexp(r"^/(?:help|lang|language)(?:@\w+)?(?:\s|$)"), ~BesideTicket())
    async def relay_to_agents(
        message: Message, conv: Conversation, handoff: Handoff, desk: Desk
    ) -> None:
        ticket = await _relayed(message, conv, handoff, desk)
        if ticket is not None:
            await desk.acknowledge(conv.bot, message, ticket)  # nobody has it yet: not silence

    @handoff.callback_query(flags={"callback_answer": {"pre": False}})
    async def on_button_in_handoff(
        query: CallbackQuery,
        conv: Conversation,
        callback_answer: CallbackAnswer,
        handoff: Handoff,
        raw_state: Any = None,
    ) -> None:
        if beside_ticket(conv, handoff, raw_state):
            raise SkipHandler  # a button of the job she is on beside her ticket
        callback_answer.text = conv.t("handoff.busy")

    return [rating, handoff]
