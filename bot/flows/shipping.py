"""Shipping questions that depend on the customer's region (postage, free shipping, remote
regions): the region from the message, from the chat (their order's province, a region named
before), or asked for."""

from __future__ import annotations

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.state import State, StatesGroup

from bot.flows.base import Draft, Flow
from bot.services.repeats import say_answer
from intents import Decision

REGIONAL = ("shipping.fee", "shipping.region")
"""The shipping intents whose answer depends on the region."""


class ShippingQuestion(StatesGroup):
    waiting_for_region = State()


class ShippingDraft(Draft):
    intent: str = "shipping.fee"


class ShippingFlow(Flow):
    states = ShippingQuestion

    async def ask(self, intent: str, region: str | None) -> None:
        conv = self.conv
        region = region or conv.memory.region
        if region is not None:
            await self.answer(intent, region)
            return
        # The general rules first (briefly when given in this chat already), then the question
        # that makes them precise.
        await say_answer(conv, intent, conv.replies.answer(intent, conv.locale))
        await self.wait(ShippingQuestion.waiting_for_region, ShippingDraft(intent=intent))
        await conv.say(conv.t("ask.region"))

    async def region_given(self, decision: Decision) -> None:
        region = decision.slots.region
        new_question = decision.outcome == "accept" and decision.intent not in REGIONAL
        if new_question:
            # A clear question of its own ("发货到新疆要多久" while postage waits for the region:
            # the delivery time, not the postage): its own handler answers it, with its region.
            await self.finish()
            raise SkipHandler
        if region is None:
            await self.conv.say(self.conv.t("ask.region"))
            return
        draft = await self.load(ShippingDraft)
        await self.finish()
        await self.answer(draft.intent, region)

    async def answer(self, intent: str, region: str) -> None:
        conv = self.conv
        conv.memory.region = region
        opener = ""
        if intent == "shipping.region" and conv.replies.policy.region_group(region) in (
            "jzhw",
            "mainland",
        ):
            # "Do you ship to Shanghai?" — of course (the yes the policy decides, first); what
            # they want to know is the postage.
            verdict = conv.replies.verdict(intent, region=region)
            opener = conv.replies.verdict_opener(verdict, conv.locale) if verdict else ""
            intent = "shipping.fee"
        await say_answer(
            conv,
            intent,
            opener + conv.replies.answer(intent, conv.locale, region=region),
            conv.feedback(intent),
            decided=bool(opener),
        )

    async def resume(self, at: str) -> None:
        draft = await self.load(ShippingDraft)
        draft.paused_at = None
        region = self.conv.memory.region
        if region is not None:
            await self.finish()
            await self.answer(draft.intent, region)
            return
        await self.wait(ShippingQuestion.waiting_for_region, draft)
        await self.conv.say(self.conv.t("ask.region"))
