"""A question the shop's policy answers: the answer for an intent, filled with what the message
and the chat say (region, body, item kind), opening with the yes or no the policy decides for a
"can I…?" question (``replies.verdicts``), said briefly when given in this chat already."""

from __future__ import annotations

import logging

from bot import keyboards
from bot.services.conversation import Conversation
from bot.services.questions import (
    couriers_asked,
    dispatch_days_asked,
    item_kind_named,
    payments_asked,
)
from bot.services.repeats import say_answer
from intents import Slots
from replies.verdicts import YES_NO_INTENTS

logger = logging.getLogger(__name__)

NO_FEEDBACK = frozenset({"greeting.hello", "thanks.bye"})
"""Answers without the "did this help?" buttons."""


async def answer_from_policy(conv: Conversation, intent: str, text: str, slots: Slots) -> None:
    """Say the policy's answer for ``intent`` to the message ``text`` (its ``slots``)."""
    values = slots.model_dump(exclude_none=True)
    region = values.pop("region", None) or conv.memory.region
    kind = item_kind_named(text) if intent in YES_NO_INTENTS else None
    payments = payments_asked(text) if intent == "payment.methods" else frozenset()
    couriers = couriers_asked(text) if intent == "shipping.courier" else frozenset()
    days = dispatch_days_asked(text) if intent == "shipping.dispatch_time" else None
    try:
        answer = conv.replies.answer(
            intent, conv.locale, region=region, item_kind=kind, payments=payments,
            couriers=couriers, days=days, **values,
        )
    except KeyError:
        # The catalogue knows an intent the shop has not written an answer for yet.
        logger.warning("no answer template for intent %s", intent)
        await conv.say(
            conv.t("clarify.offer_human"),
            reply_markup=keyboards.offer_human(conv.t, "low_confidence"),
        )
        return
    markup = None if intent in NO_FEEDBACK else conv.feedback(intent)
    # the same long answer asked again in this chat: briefly, pointing back to it
    decided = intent in YES_NO_INTENTS and (
        conv.replies.verdict(
            intent, item_kind=kind, region=region, payments=payments, couriers=couriers,
            days=days,
        )
        is not None
    )
    await say_answer(conv, intent, answer, markup, decided=decided)
