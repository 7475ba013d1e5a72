"""Size questions: advice from height and weight against a product's chart, and the chart
itself. The steps are ``bot.flows.size``."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText, InState
from bot.flows.base import Flows
from bot.flows.exchange import ExchangeFlow
from bot.flows.products import explain_unsold
from bot.flows.size import SizeAdvice, SizeFlow, measurement_named, swap_asked
from bot.handlers.products import PriceQuestion, SheerQuestion, StockQuestion
from bot.keyboards import ProductPickCallback
from bot.routing import IntentRoute
from bot.services.choices import bare_yes_or_no
from bot.services.conversation import Conversation
from bot.services.memory import ChatMemory
from bus import Bus
from intents import Decision
from intents.slots import extract_slots

CHANGE_TO_ADVISED = re.compile(
    r"(?:改|换)成?(?:合适|适合|你说|你推荐|推荐|建议)(?:我)?的|(?:改|换)成?(?:这个|那个)(?:尺码|码|号)"
    r"|\b(?:change|swap|switch|exchange) (?:it|mine|them|my \w+) (?:to|for) (?:that|the one you"
    r" (?:said|suggested|recommended)|the right (?:size|one))\b",
    re.IGNORECASE,
)
"""The change of her item asked, to the size just advised ("帮我改成合适的码")."""

PRODUCT_QUESTIONS = frozenset({"color.options", "quality.material"})
"""Questions about an item that its handlers answer for the item named or in view."""
_UNPLACED_PRODUCT_QUESTIONS = (StockQuestion(), PriceQuestion(), SheerQuestion())


async def asks_of_the_product(
    message: Message, decision: Decision | None, memory: ChatMemory | None
) -> bool:
    """The message asks something of the item it names, that a product question's handler
    answers: its colours or material (the engine sure of it), or — where the engine placed
    nothing — its stock, price or whether it shows through (``bot.handlers.products``)."""
    if decision is not None and decision.outcome == "accept":
        return decision.intent in PRODUCT_QUESTIONS
    for question in _UNPLACED_PRODUCT_QUESTIONS:
        if await question(message, decision, memory):
            return True
    return False


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(InState(SizeAdvice))
    router = Router(name=__name__)

    @flows.message(SizeAdvice.waiting_for_body, HasText())
    async def on_body_measurements(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        text = message.text or ""
        slots = decision.slots if decision is not None else extract_slots(text)
        await flows.get(SizeFlow).body_given(text, slots, decision)

    @flows.message(SizeAdvice.waiting_for_product, HasText())
    async def on_product_named(
        message: Message,
        flows: Flows,
        decision: Decision | None = None,
        memory: ChatMemory | None = None,
    ) -> None:
        advised = await flows.get(SizeFlow).product_named(message.text or "", decision)
        if advised and await asks_of_the_product(message, decision, memory):
            # "那件卫衣有灰色吗" at "which item?": the hoodie's size advice, then the colour
            # asked of it, by the product questions' own handlers (it was left unanswered)
            raise SkipHandler

    @flows.callback_query(SizeAdvice.waiting_for_product, ProductPickCallback.filter())
    async def on_product_picked(
        query: CallbackQuery, callback_data: ProductPickCallback, flows: Flows
    ) -> None:
        await flows.get(SizeFlow).product_picked(callback_data.product_id)

    @router.message(IntentRoute(group="size", action="ask-slot"))
    async def handle_size_question(
        message: Message, conv: Conversation, rpc: Bus, flows: Flows, decision: Decision
    ) -> None:
        # A size for something the shop doesn't sell (shoes): said plainly, no height asked.
        text = message.text or ""
        if await explain_unsold(conv, rpc, text):
            await flows.get(SizeFlow).finish()
            return
        own = extract_slots(text)
        body = (own.height_cm, own.weight_kg, own.waist_cm, own.hip_cm, own.bust_cm)
        if (
            all(value is None for value in body)
            and measurement_named(text) is not None
            and await flows.get(SizeFlow).show_chart(text, decision.slots.size)
        ):
            return  # "那M的腰围呢", "and the waist?" after advice: a measurement, not advice again
        await flows.get(SizeFlow).start(text, decision.slots, swap=swap_asked(text))

    @router.message(IntentRoute("size.chart"))
    async def handle_size_chart(
        message: Message, conv: Conversation, rpc: Bus, flows: Flows, decision: Decision
    ) -> None:
        """The chart of the product named in the message (or the one the chat is about), else
        how charts are measured."""
        if await explain_unsold(conv, rpc, message.text or ""):
            return
        if not await flows.get(SizeFlow).show_chart(message.text or "", decision.slots.size):
            await conv.say(
                conv.replies.answer("size.chart", conv.locale),
                reply_markup=conv.feedback("size.chart"),
            )

    return flows, router


SIZE_QUESTIONS = frozenset({"size.fit", "size.recommend", "size.chart"})


class MeasuredSizeQuestion(Filter):
    """Not a confident intent, but the engine torn between size questions only, with advice
    among its first two, and the customer's height and weight given ("is the hoodie true to
    size? im 165cm 52kg") or a waist, hip or bust she measured ("what size t-shirt for a 34 inch
    bust?"): the advice they gave their measurements for."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is None or decision.outcome == "accept":
            return False
        first = {decision.intent, *(c.intent for c in decision.candidates[:2])}
        slots = decision.slots
        return (
            "size.recommend" in first
            and first <= SIZE_QUESTIONS
            and (
                (slots.height_cm is not None and slots.weight_kg is not None)
                or slots.waist_cm is not None
                or slots.hip_cm is not None
                or slots.bust_cm is not None
            )
        )


def get_measured_router() -> Router:
    """A size question the engine could not place, answered as advice when the height and
    weight came with it (it asked "did you mean: runs big or small / which size for me?")."""
    router = Router(name=f"{__name__}.measured")

    @router.message(HasText(), MeasuredSizeQuestion())
    async def handle_measured_size_question(
        message: Message, flows: Flows, decision: Decision
    ) -> None:
        text = message.text or ""
        await flows.get(SizeFlow).start(text, decision.slots, swap=swap_asked(text))

    return router


class AdvisedSizeWanted(Filter):
    """Her item asked changed to the size just advised ("帮我改成合适的码", "那帮我换成合适的码",
    "change mine to that"), whatever the engine made of it: read as advice asked again, or
    torn between an exchange, advice and a change on the order ("did you mean")."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        product = conv.memory.product if conv is not None else None
        if product is None or not product.advised or conv is None:
            return False
        text = message.text or ""
        if CHANGE_TO_ADVISED.search(text) is not None:
            return True
        # "ok do that" right after the advice offered to swap hers for the size advised
        return product.swap_turn == conv.memory.turns - 1 and bare_yes_or_no(text) is True


def get_advised_change_router() -> Router:
    """Right after size advice, her item changed (or exchanged) to the size advised, read back
    first — before the intents (which advised again, or asked "did you mean")."""
    router = Router(name=f"{__name__}.advised_change")

    @router.message(HasText(), AdvisedSizeWanted())
    async def handle_advised_size_wanted(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        text = message.text or ""
        slots = decision.slots if decision is not None else extract_slots(text)
        product = flows.conv.memory.product
        if product is not None and product.advised and not CHANGE_TO_ADVISED.search(text):
            # a bare yes to the swap offered: hers, to the size advised
            text = f"{product.name} {product.advised}"
            slots = slots.model_copy(update={"size": product.advised})
            product.swap_turn = None
        await flows.get(ExchangeFlow).start(slots, text)

    return router
