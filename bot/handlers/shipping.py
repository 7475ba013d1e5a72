"""Shipping questions that depend on the customer's region; the steps are
``bot.flows.shipping``. (The rest of shipping is answered from the policy, ``policy.py``.)"""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from bot.filters import HasText, InState
from bot.flows.base import Flows
from bot.flows.shipping import REGIONAL, ShippingFlow, ShippingQuestion
from bot.routing import IntentRoute
from bot.services.answers import answer_from_policy
from bot.services.conversation import Conversation
from intents import Decision
from shop.couriers import couriers_named

# the exact amount asked right after a postage answer ("具体多少钱", "can you tell me the exact
# price"): the engine reads haggling in it
_EXACT = re.compile(
    r"具体(?:是)?(?:多少|金额|运费|价格|价钱)|准确|确切|精确|到底多少"
    r"|\bexact(?:ly)?\b|\bprecise(?:ly)?\b|\bhow much (?:would|will) it (?:be|cost)\b",
    re.IGNORECASE,
)


class ExactPostageAsked(Filter):
    """The exact postage asked a message or two after a postage answer, with no flow waiting."""

    async def __call__(
        self, message: Message, conv: Conversation | None = None, raw_state: str | None = None
    ) -> bool:
        if conv is None or raw_state is not None or not _EXACT.search(message.text or ""):
            return False
        told = conv.memory.postage_turn
        return told is not None and 0 < conv.memory.turns - told <= 2


async def handle_exact_postage(message: Message, conv: Conversation) -> None:
    # the bot has no weights or carriers' price lists: said plainly, and a person offered
    # (the answers used to say "ask me before ordering", and then it could not)
    await conv.say(conv.t("shipping.exact_unknown"), reply_markup=conv.offer_human("other"))


def register_exact(router: Router) -> None:
    """Before the router's other handlers (the engine reads haggling in "the exact price")."""
    router.message.register(handle_exact_postage, HasText(), ExactPostageAsked())


def get_exact_router() -> Router:
    """The exact postage the engine could not place ("那你帮我问一下具体多少钱")."""
    router = Router(name=f"{__name__}.exact")
    register_exact(router)
    return router


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(InState(ShippingQuestion))
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
