"""A request for a person or a phone call (``bot.services.person``): while a flow waits for
anything (an order number, the digits, an address, the contact), the wait ends and the request
is handled; outside a flow, when the engine could not place it ("能给个电话吗 打字说不清楚"
heard "did you mean…?"). A confident ``human.agent`` outside a flow is the policy router's."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.filters import HasText
from bot.flows.base import pause_step
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bot.services.person import hand_to_person, person_asked
from bus import Bus
from intents import Decision
from intents.paying import payment_taken_wrongly
from intents.person import Asked, asks_if_bot, person_words


class PersonAsked(Filter):
    """The message asks for a person or a call; ``waiting``: only while the chat is in a flow
    (any step), else only when the engine did not place the message."""

    __slots__ = ("waiting",)

    def __init__(self, *, waiting: bool) -> None:
        self.waiting = waiting

    async def __call__(
        self, message: Message, decision: Decision | None = None, raw_state: str | None = None
    ) -> bool | dict[str, Asked]:
        if self.waiting and raw_state is None:
            return False
        if not self.waiting and decision is not None and decision.outcome == "accept":
            return False
        asked = person_asked(message.text or "", decision)
        return {"asked": asked} if asked is not None else False


async def handle_person_asked(
    message: Message, conv: Conversation, rpc: Bus, state: FSMContext, asked: Asked
) -> None:
    await pause_step(conv, state)  # (for "never mind" to the person: bot.desk.customer)
    await state.clear()  # the wait is over: a person takes it from here
    await hand_to_person(conv, rpc, asked)


class BotAsked(Filter):
    """ "你是机器人吗", "是真人吗", "am i talking to a real person?": who answers, asked — not a
    person asked for (``intents.person.asks_if_bot``), whatever the engine made of it."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is not None and decision.outcome == "accept" and decision.group == "complaint":
            return False  # "is this a bot? it's like talking to a wall": the grievance's
        return message.text is not None and asks_if_bot(message.text)


async def handle_bot_asked(message: Message, conv: Conversation) -> None:
    """Answered honestly — the shop's assistant, a person available — with the offer of one
    (a yes or the button hands the chat over); a flow's wait is kept."""
    await conv.say(conv.t("person.bot_asked"), reply_markup=conv.offer_human("customer_asked"))


ESCALATING = frozenset({"human.agent", "quality.problem"})
"""Intents whose own handlers hand the chat to a person already (with their own words)."""


class PersonInSoManyWords(Filter):
    """A message the engine placed with confidence that also asks for a person in so many words
    ("我要找人工 我的订单一直没发货", "I want a human, my order still hasn't shipped"): the
    person the customer asked for, not the bot's answer to the rest. Complaints and other
    intents that escalate by themselves keep their own handlers."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        text = message.text
        return (
            text is not None
            and decision is not None
            and decision.intent not in ESCALATING
            and decision.group != "complaint"
            and person_words(text)
        )


async def handle_person_in_words(
    message: Message, conv: Conversation, rpc: Bus, decision: Decision
) -> None:
    # what the rest of the message was about goes on the ticket, for the agent
    await hand_to_person(conv, rpc, "person", about=decision.intent or "human.agent")


class PaymentProblem(Filter):
    """Money taken twice, or taken for an order still unpaid, with no flow waiting."""

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        return raw_state is None and payment_taken_wrongly(message.text or "")


async def handle_payment_problem(message: Message, conv: Conversation, rpc: Bus) -> None:
    # (was "did you mean: ways to pay / refund progress?", and nobody looked at her money)
    await conv.say(conv.t_person("person.payment_problem"))
    await open_ticket(conv, rpc, reason="other", intent="payment.methods")


def register_payment_problem(router: Router) -> None:
    """A payment problem, before the router's other handlers (the engine reads the ways to pay
    or the refund in it)."""
    router.message.register(handle_payment_problem, HasText(), PaymentProblem())


def register_in_words(router: Router) -> None:
    """On the router of confidently placed messages, before its other handlers."""
    router.message.register(handle_bot_asked, BotAsked())
    router.message.register(handle_person_in_words, PersonInSoManyWords())


def get_router(*, waiting: bool) -> Router:
    """``waiting=True``: for the routers before the flows; ``False``: after the intents."""
    router = Router(name=f"{__name__}.{'waiting' if waiting else 'unplaced'}")
    router.message.register(handle_bot_asked, BotAsked())
    router.message.register(handle_person_asked, HasText(), PersonAsked(waiting=waiting))
    return router


def get_payment_router() -> Router:
    """A payment problem the engine could not place (after the intents)."""
    router = Router(name=f"{__name__}.payment")
    register_payment_problem(router)
    return router
