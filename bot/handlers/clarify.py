"""Low confidence: "did you mean…?" with the top choices as buttons; after two misses in a
row, the offer of a person. Choosing an intent replays the customer's question with it, so
it goes through the same handlers as a confident match."""

from __future__ import annotations

import logging
import re
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot import keyboards
from bot.filters import HasText, Outcome
from bot.flows.returns import her_own_item
from bot.keyboards import ClarifyCallback, HumanCallback
from bot.ops.turns import TurnNote
from bot.routing import IntentRoute
from bot.services import topic
from bot.services.answers import answer_from_policy
from bot.services.choices import bare_yes_or_no
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bus import Bus
from intents import FALLBACK_INTENT, Decision
from intents.slots import extract_slots, order_number
from shop.enums import TICKET_REASONS

logger = logging.getLogger(__name__)

MISSES_BEFORE_HUMAN = 2
HUMAN_REASONS = frozenset(TICKET_REASONS)


async def missed(conv: Conversation) -> bool:
    """Count a miss; at the second in a row offer a person and return ``True``."""
    if conv.memory.missed() >= MISSES_BEFORE_HUMAN:
        await conv.say(
            conv.t("clarify.offer_human"),
            reply_markup=conv.offer_human("low_confidence"),
        )
        return True
    return False


# "do you refund custom made stuff?", "定制的能退款吗": whether the shop refunds, asked as a rule
_REFUND_RULE = re.compile(
    r"\b(?:do|does|will|would|can|could)\s+(?:you|they|i|we|one)\s+(?:\w+\s+){0,2}?"
    r"(?:refund|get (?:a |my )?(?:refund|money back))|\brefundable\b|\bany refunds?\b"
    r"|(?:能|可以|可不可以|能不能)退款|退不退款|给退款吗",
    re.IGNORECASE,
)
_REFUND_READINGS = frozenset({"returns.refund_progress", "returns.return"})


class RefundRuleAsked(Filter):
    """Whether the shop refunds (an item kind, or at all), the engine torn between where a
    refund is and returns: the return rules answer it, with the policy's yes or no for the kind
    named (batch 7: "do you refund custom made stuff?" heard "did you mean…?"). Her own item
    ("the silk shirt I got") is a return, not this."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is None or decision.outcome != "clarify":
            return False
        top = {c.intent for c in decision.candidates[:2]}
        text = message.text or ""
        return (
            bool(top)
            and top <= _REFUND_READINGS
            and _REFUND_RULE.search(text) is not None
            and not her_own_item(text)
            and order_number(text) is None
        )


def get_router(titles: dict[str, dict[str, str]], actions: dict[str, tuple[str, str]]) -> Router:
    """``titles``: intent → {locale: title}; ``actions``: intent → (group, action)."""
    router = Router(name=__name__)

    @router.message(HasText(), RefundRuleAsked())
    async def handle_refund_rule_asked(
        message: Message, conv: Conversation, decision: Decision
    ) -> None:
        await answer_from_policy(conv, "returns.return", message.text or "", decision.slots)

    @router.message(HasText(), Outcome("clarify", "fallback"))
    @router.message(IntentRoute(FALLBACK_INTENT))  # "other" matched with confidence: unclear too
    async def handle_unclear_question(
        message: Message, conv: Conversation, decision: Decision, turn: TurnNote | None = None
    ) -> None:
        conv.memory.pend(message.text or "")
        choices = [
            (c.intent, titles[c.intent].get(conv.locale) or next(iter(titles[c.intent].values())))
            for c in decision.candidates
            if c.intent in titles and c.intent != FALLBACK_INTENT
        ]
        # "好的", "ok" — and "yes", "对", "不用了" with nothing asked, nothing offered: a nod,
        # nothing missed ("yes" after a job was done heard "did you mean: hello / thanks?")
        nod = bare_yes_or_no(message.text or "")
        if decision.acknowledgement or nod is not None:
            memory = conv.memory
            if memory.clarified_turn is not None and memory.turns - memory.clarified_turn == 1:
                # right after "did you mean one of these?": "yes" picks none of them, "no"
                # says none fits (both heard "great, anything else?", the question dropped)
                memory.clarified_turn = None
                await conv.say(conv.t("clarify.none_fits" if nod is False else "clarify.pick"))
                return
            await conv.say(conv.t("ack.reply"))
            return
        if turn is not None:  # for the ops report: placed with choices, or not at all
            turn.unplaced("clarified" if choices else "fallback")
        if decision.outcome != "clarify" or not choices:
            if await missed(conv):
                return
            if choices:
                conv.memory.clarified_turn = conv.memory.turns
                await conv.say(
                    conv.t("clarify.header"), reply_markup=keyboards.clarify(conv.t, choices)
                )
            else:
                await conv.say(conv.t("clarify.rephrase"))
            return
        conv.memory.clarified_turn = conv.memory.turns
        await conv.say(conv.t("clarify.header"), reply_markup=keyboards.clarify(conv.t, choices))

    @router.message(HasText())
    async def handle_unhandled_question(
        message: Message, conv: Conversation, turn: TurnNote | None = None
    ) -> None:
        """A text no handler took (e.g. a confident intent this bot has no flow for)."""
        topic.forget(conv.memory)
        if turn is not None:
            turn.unplaced("fallback")
        if not await missed(conv):
            await conv.say(conv.t("clarify.rephrase"))

    @router.callback_query(ClarifyCallback.filter())
    async def on_clarify_choice(
        query: CallbackQuery,
        callback_data: ClarifyCallback,
        conv: Conversation,
        dispatcher: Dispatcher,
        turn: TurnNote | None = None,
        **data: Any,
    ) -> None:
        pending = conv.memory.pending_text
        if (
            callback_data.intent not in actions
            or not pending
            or not isinstance(query.message, Message)
        ):
            if turn is not None:  # "none of these", or a button of a question gone since
                turn.unplaced("fallback")
            if not await missed(conv):
                await conv.say(conv.t("clarify.rephrase"))
            return
        conv.memory.misses = 0
        conv.memory.pending_text = None
        group, action = actions[callback_data.intent]
        # The customer's choice, read like a confident match: in the chat's topic (its slots
        # merged the one way every message's are), and the chat's topic from now on.
        decision = topic.follow_up(
            Decision(
                intent=callback_data.intent,
                group=group,
                action=action,
                confidence=1.0,
                outcome="accept",
                candidates=[],
                slots=extract_slots(pending),
            ),
            conv.memory,
        )
        topic.remember(decision, conv.memory)
        replay = query.message.model_copy(update={"text": pending, "from_user": query.from_user})
        data.pop("callback_data", None)
        data.update(conv=conv, dispatcher=dispatcher, decision=decision, turn=turn)
        await dispatcher.propagate_event("message", replay, **data)

    @router.callback_query(HumanCallback.filter())
    async def on_human_offer(
        query: CallbackQuery, callback_data: HumanCallback, conv: Conversation, rpc: Bus
    ) -> None:
        await keyboards.remove_buttons(query.message)
        if not callback_data.accept:
            conv.memory.misses = 0
            await conv.say(conv.t("cancelled"))
            return
        reason = callback_data.reason if callback_data.reason in HUMAN_REASONS else "other"
        await open_ticket(conv, rpc, reason=reason)

    return router
