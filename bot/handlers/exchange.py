"""Exchanges: the customer asks for another size or colour; the steps are
``bot.flows.exchange``."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText, InState
from bot.flows.base import Flows
from bot.flows.exchange import ExchangeFlow, ExchangeRequest
from bot.flows.products import ProductFacts, asks_to_buy
from bot.flows.size import SizeFlow
from bot.keyboards import (
    ConfirmExchangeCallback,
    ConfirmSizeCallback,
    ItemPickCallback,
    OrderPickCallback,
    ResaleCallback,
    VariantPickCallback,
)
from bot.routing import IntentRoute
from bot.services.sizes import size_wish, step_told, wanted_color
from intents import Decision
from intents.garments import names_a_garment

# "can i get the next size up", "swap it for one size bigger", "换大一号": another size of hers
# asked for (a shopper's "should i get a size up?" is a fit question)
_ANOTHER_ASKED = re.compile(
    r"\b(?:can|could|may) (?:i|we) (?:please )?(?:get|have|swap|change|exchange|switch)\b"
    r"|\bi'?d like\b|\bi want (?:a|the|to)\b|\b(?:swap|exchange|switch)\b"
    r"|\bchange (?:it|them|this)\b|换",
    re.IGNORECASE,
)


class SizeStepAsked(Filter):
    """ "the tee runs small, can i get the next size up": an exchange one size up (or down) of
    her item, though the engine heard a fit question (or was torn between the two)."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        text = message.text
        if decision is None or not text or decision.slots.height_cm is not None:
            return False
        if decision.outcome == "accept":
            placed = decision.group == "size"
        elif decision.outcome == "clarify":
            placed = any(c.intent == "returns.exchange" for c in decision.candidates[:2])
        else:
            placed = False
        return (
            placed
            # (a size named beside the step — "a bit small, can i get it in light blue XL" —
            # is the wish, and still an exchange)
            and (size_wish(text).step != 0 or step_told(text))
            and _ANOTHER_ASKED.search(text) is not None
            and not asks_to_buy(text)
        )


async def handle_size_step_asked(message: Message, flows: Flows, decision: Decision) -> None:
    await flows.get(ExchangeFlow).start(decision.slots, message.text or "")


class SwapOrChangeTorn(Filter):
    """The engine torn between an exchange and a change on the order, first and second, for
    "could i change my white tee to the grey one? same size": her item named with the colour
    or size she wants — the exchange job, which changes it on the order instead where the
    order has not shipped (it was "did you mean…?", asked again after the contact; jobs batch
    11)."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        text = message.text
        if decision is None or decision.outcome != "clarify" or not text:
            return False
        first = {decision.intent, *(c.intent for c in decision.candidates[:2])}
        return (
            first == {"returns.exchange", "order.modify"}
            and names_a_garment(text)
            and (size_wish(text).said or wanted_color(text) is not None)
        )


def register_swap_torn(router: Router) -> None:
    """On the router after the intents (the engine unsure)."""
    router.message.register(handle_size_step_asked, SwapOrChangeTorn())


# "what size should i swap to?", "应该换什么码": which size she should go for, asked
_WHICH_SIZE = re.compile(
    r"\b(?:what|which) size\b|(?:换|穿|拿|选|买)(?:什么|哪个|哪一个|哪一|多大)(?:码|尺码|号|的)?"
    r"|(?:什么|哪个|多大)(?:码|尺码|号)",
    re.IGNORECASE,
)


async def advise_the_swap(text: str, decision: Decision, flows: Flows) -> bool:
    """ "i got the jeans in L and theyre too small. im 168cm 64kg, what size should i swap
    to?": which size to swap to, her height and weight given — the advice for her first, and
    the swap to it offered (a bare yes takes it: ``bot.handlers.size.AdvisedSizeWanted``). It
    was the exchange rules, and the size she asked about was never said (jobs batch 11)."""
    slots = decision.slots
    if slots.height_cm is None or slots.weight_kg is None or not _WHICH_SIZE.search(text):
        return False
    await flows.get(SizeFlow).start(text, slots, swap=True)
    return True


def register_size_step(router: Router) -> None:
    """On the router of confidently placed messages (before the size answers), and on one after
    the intents (the engine torn between fit and exchange)."""
    router.message.register(handle_size_step_asked, SizeStepAsked())


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(InState(ExchangeRequest))
    router = Router(name=__name__)

    @router.message(IntentRoute(action="exchange"))
    async def handle_exchange_request(
        message: Message, flows: Flows, decision: Decision, lead_part: str | None = None
    ) -> None:
        # asked beside a question, the exchange's own words (bot.services.several)
        text = lead_part or message.text or ""
        if asks_to_buy(text):
            # "can i still buy the floral dress in a different size?": buying one, no order of
            # theirs in it — the item's stock answers, not the exchange rules
            await flows.get(ProductFacts).start(text, decision.slots, aspect="stock")
            return
        if await advise_the_swap(text, decision, flows):
            return
        await flows.get(ExchangeFlow).start(decision.slots, text)

    @flows.message(ExchangeRequest.waiting_for_order, HasText())
    async def on_exchange_order(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ExchangeFlow).number_typed(message.text or "", decision)

    @flows.message(ExchangeRequest.waiting_for_last4, HasText())
    async def on_exchange_last4(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ExchangeFlow).last4_typed(message.text or "", decision)

    @flows.callback_query(OrderPickCallback.filter(F.flow == "x"))
    async def on_exchange_order_picked(
        query: CallbackQuery, callback_data: OrderPickCallback, flows: Flows
    ) -> None:
        await flows.get(ExchangeFlow).order_picked(callback_data.order_no)

    @flows.callback_query(ExchangeRequest.waiting_for_item, ItemPickCallback.filter())
    async def on_item_picked(
        query: CallbackQuery, callback_data: ItemPickCallback, flows: Flows
    ) -> None:
        await flows.get(ExchangeFlow).item_picked(callback_data.item_id)

    @flows.callback_query(ExchangeRequest.waiting_for_variant, VariantPickCallback.filter())
    async def on_variant_picked(
        query: CallbackQuery, callback_data: VariantPickCallback, flows: Flows
    ) -> None:
        await flows.get(ExchangeFlow).variant_picked(callback_data.size, callback_data.color)

    @flows.message(ExchangeRequest.waiting_for_variant, HasText())
    async def on_variant_typed(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(ExchangeFlow).variant_typed(decision.slots, message.text or "")

    # typed instead of pressed: read as the button would be, else asked again
    @flows.message(ExchangeRequest.waiting_for_item, HasText())
    async def on_item_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ExchangeFlow).item_typed(message.text or "", decision)

    @flows.message(ExchangeRequest.waiting_for_size_confirm, HasText())
    async def on_size_confirm_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ExchangeFlow).size_confirm_typed(message.text or "", decision)

    @flows.message(ExchangeRequest.waiting_for_resale, HasText())
    async def on_resale_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ExchangeFlow).resale_typed(message.text or "", decision)

    @flows.message(ExchangeRequest.waiting_for_confirm, HasText())
    async def on_confirm_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ExchangeFlow).confirm_typed(message.text or "", decision)

    @flows.callback_query(ExchangeRequest.waiting_for_resale, ResaleCallback.filter())
    async def on_resale_answered(
        query: CallbackQuery, callback_data: ResaleCallback, flows: Flows
    ) -> None:
        await flows.get(ExchangeFlow).resale_answered(callback_data.fit)

    @flows.callback_query(ExchangeRequest.waiting_for_confirm, ConfirmExchangeCallback.filter())
    async def on_confirm_exchange(
        query: CallbackQuery, callback_data: ConfirmExchangeCallback, flows: Flows
    ) -> None:
        await flows.get(ExchangeFlow).confirmed(callback_data.confirm)

    @flows.callback_query(ExchangeRequest.waiting_for_size_confirm, ConfirmSizeCallback.filter())
    async def on_size_confirmed(
        query: CallbackQuery, callback_data: ConfirmSizeCallback, flows: Flows
    ) -> None:
        await flows.get(ExchangeFlow).size_confirmed(callback_data.confirm)

    return flows, router
