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
from intents import Decision


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
    async def handle_regional_question(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(ShippingFlow).ask(decision.intent, decision.slots.region)

    return flows, router
