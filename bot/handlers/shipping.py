"""Shipping questions that depend on the customer's region; the steps are
``bot.flows.shipping``. (The rest of shipping is answered from the policy, ``policy.py``.)"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.types import Message

from bot.filters import HasText
from bot.flows.base import Flows
from bot.flows.shipping import REGIONAL, ShippingFlow, ShippingQuestion
from bot.routing import IntentRoute
from bot.services.answers import answer_from_policy
from bot.services.conversation import Conversation
from intents import Decision
from shop.couriers import couriers_named


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(StateFilter(ShippingQuestion))
    router = Router(name=__name__)

    @flows.message(ShippingQuestion.waiting_for_region, HasText())
    async def on_region(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(ShippingFlow).region_given(decision)

    @router.message(IntentRoute(*REGIONAL))
    async def handle_regional_question(
        message: Message, flows: Flows, conv: Conversation, decision: Decision
    ) -> None:
        text = message.text or ""
        if decision.intent == "shipping.fee" and couriers_named(text):
            # "顺丰要加多少钱", "能不能发顺丰 加多少钱": the postage of that courier is its
            # rule (SF at SF's own price), not the free-shipping table.
            await answer_from_policy(conv, "shipping.courier", text, decision.slots)
            return
        slots = decision.slots
        await flows.get(ShippingFlow).ask(decision.intent, slots.region, slots.spend_yuan)

    return flows, router
