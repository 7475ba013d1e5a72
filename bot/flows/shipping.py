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
    spend_yuan: int | None = None  # "买1200包邮吗": the amount asked about, kept for the region


class ShippingFlow(Flow):
    states = ShippingQuestion

    async def ask(self, intent: str, region: str | None, spend_yuan: int | None = None) -> None:
        conv = self.conv
        region = region or conv.memory.region
        if region is not None:
            await self.answer(intent, region, spend_yuan)
            return
        # The general rules first (briefly when given in this chat already), then the question
        # that makes them precise.
        await say_answer(conv, intent, conv.replies.answer(intent, conv.locale))
        await self.wait(
            ShippingQuestion.waiting_for_region,
            ShippingDraft(intent=intent, spend_yuan=spend_yuan),
        )
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
        await self.answer(draft.intent, region, decision.slots.spend_yuan or draft.spend_yuan)

    async def answer(self, intent: str, region: str, spend_yuan: int | None = None) -> None:
        """The region's rule; asked about an amount ("买1200包邮吗"), it opens with what that
        amount gets there: free, how far short, or never free to that destination."""
        conv = self.conv
        conv.memory.region = region
        conv.memory.postage_turn = conv.memory.turns
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
        rule = conv.replies.answer(intent, conv.locale, region=region)
        told, conv.memory.postage_told = conv.memory.postage_told, (
            region if intent == "shipping.fee" else None
        )
        if intent == "shipping.fee" and spend_yuan is not None:
            spend = conv.replies.spend_postage(region, spend_yuan, conv.locale)
            if told == region:
                # the region's rule is in the chat already ("那我买1200的呢"): the amount's answer
                await conv.say(spend, reply_markup=conv.feedback(intent))
                return
            opener = spend + "\n"
        await say_answer(
            conv, intent, opener + rule, conv.feedback(intent), decided=bool(opener)
        )

    async def resume(self, at: str) -> None:
        draft = await self.load(ShippingDraft)
        draft.paused_at = None
        region = self.conv.memory.region
        if region is not None:
            await self.finish()
            await self.answer(draft.intent, region, draft.spend_yuan)
            return
        await self.wait(ShippingQuestion.waiting_for_region, draft)
        await self.conv.say(self.conv.t("ask.region"))
