"""Shipping: answers from the policy and, where it matters (postage, free shipping, remote
regions), the customer's region — from the message, from their order, or asked for."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.filters import HasText, IntentIs
from bot.services.conversation import Conversation
from bot.states import ShippingQuestion
from intents import Decision

logger = logging.getLogger(__name__)

REGIONAL = ("shipping.fee", "shipping.region")


async def answer_for_region(conv: Conversation, intent: str, region: str) -> None:
    conv.memory.set("region", region)
    if intent == "shipping.region" and conv.replies.policy.region_group(region) in (
        "jzhw",
        "mainland",
    ):
        # "Do you ship to Shanghai?" — of course; what they want to know is the postage.
        intent = "shipping.fee"
    await conv.say(
        conv.replies.answer(intent, conv.locale, region=region),
        reply_markup=conv.feedback(intent),
    )


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(StateFilter(ShippingQuestion))
    router = Router(name=__name__)

    @flows.message(StateFilter(ShippingQuestion.waiting_for_region), HasText())
    async def on_region(
        message: Message, conv: Conversation, state: FSMContext, decision: Decision
    ) -> None:
        region = decision.slots.region
        if region is None:
            if decision.outcome == "accept" and decision.intent not in REGIONAL:
                await state.clear()
                raise SkipHandler
            await conv.say(conv.t("ask.region"))
            return
        data = await state.get_data()
        await state.clear()
        await answer_for_region(conv, data.get("intent", "shipping.fee"), region)

    @router.message(IntentIs(*REGIONAL))
    async def handle_regional_question(
        message: Message, conv: Conversation, state: FSMContext, decision: Decision
    ) -> None:
        region = decision.slots.region or conv.memory.get("region")
        if region is not None:
            await answer_for_region(conv, decision.intent, region)
            return
        # The general rules first, then the question that makes them precise.
        await conv.say(conv.replies.answer(decision.intent, conv.locale))
        await state.set_state(ShippingQuestion.waiting_for_region)
        await state.update_data(intent=decision.intent)
        await conv.say(conv.t("ask.region"))

    return flows, router
