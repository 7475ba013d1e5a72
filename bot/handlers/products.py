"""Product facts: material, care, stock of a size or colour. The steps are
``bot.flows.products``."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText, InState
from bot.flows.base import Flows
from bot.flows.products import (
    SHEER,
    STOCK_WORDS,
    ProductFacts,
    ProductQuestion,
    asks_price,
    asks_to_buy,
    names_a_product,
    product_words,
)
from bot.keyboards import ProductCategoryCallback, ProductPickCallback
from bot.routing import IntentRoute
from bot.services.memory import ChatMemory
from intents import Decision

HAS_IT = re.compile(r"有[^，。,.!?！？]{0,16}[吗嘛么麼]")


class StockQuestion(Filter):
    """A message the intent engine could not place that asks whether something is in stock
    ("黑色M还有吗", "do you have the jeans in 32?"), or whether it can be bought in another size
    ("could i buy the floral dress in another size", ``asks_to_buy``): the catalogue answers
    it."""

    async def __call__(
        self, message: Message, decision: Decision | None = None, memory: ChatMemory | None = None
    ) -> bool:
        if decision is None or decision.outcome == "accept" or not message.text:
            return False
        lowered = message.text.lower()
        slots = decision.slots
        if not any(word in lowered for word in STOCK_WORDS) and not asks_to_buy(message.text):
            if not HAS_IT.search(message.text):
                return False
            # "卫衣有黑色XL吗": a size or colour had in a yes/no question; "有T恤吗", "有什么
            # 卫衣": a garment the shop may sell
            return bool(
                slots.size or slots.color or names_a_product(product_words(message.text, slots))
            )
        # about something: a size or colour, a product's name, or the product just talked about
        # ("有没有人在" is not a stock question)
        return bool(
            slots.size
            or slots.color
            or product_words(message.text, slots)
            or (memory is not None and memory.product is not None)
        )


class PriceQuestion(Filter):
    """A message the intent engine could not place that asks what an item costs ("多少钱",
    "ok how much" after the jeans; "卫衣多少钱"): the product in view, or the one it names."""

    async def __call__(
        self, message: Message, decision: Decision | None = None, memory: ChatMemory | None = None
    ) -> bool:
        if decision is None or decision.outcome == "accept" or not message.text:
            return False
        if not asks_price(message.text) or decision.slots.region is not None:
            return False  # "多少钱到新疆": postage
        about = memory is not None and memory.product is not None
        return about or names_a_product(product_words(message.text, decision.slots))


class SheerQuestion(Filter):
    """A message the intent engine could not place that asks whether an item shows through
    ("is it see through" after the linen shirt, "亚麻衬衫透不透"): the item's facts answer it."""

    async def __call__(
        self, message: Message, decision: Decision | None = None, memory: ChatMemory | None = None
    ) -> bool:
        if decision is None or decision.outcome == "accept" or not message.text:
            return False
        if not SHEER.search(message.text):
            return False
        about = memory is not None and memory.product is not None
        return about or bool(product_words(message.text, decision.slots))


def get_routers() -> tuple[Router, Router, Router]:
    """(the flow's state and button handlers, the intent handlers, the stock questions the
    engine could not place — to go before the "did you mean" fallback)."""
    flows = Router(name=f"{__name__}.flows")
    flows.message.filter(InState(ProductQuestion))
    router = Router(name=__name__)
    stock = Router(name=f"{__name__}.stock")

    @router.message(IntentRoute("quality.material"))
    async def handle_material_question(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(ProductFacts).start(message.text or "", decision.slots)

    @router.message(IntentRoute("color.options"))
    async def handle_colour_options(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(ProductFacts).start(message.text or "", decision.slots, aspect="stock")

    @stock.message(StockQuestion())
    async def handle_stock_question(
        message: Message, flows: Flows, decision: Decision, memory: ChatMemory
    ) -> None:
        text, slots = message.text or "", decision.slots
        flow = flows.get(ProductFacts)
        named = None
        if not (slots.size or slots.color or memory.product):
            named = await flow.named(text, slots)
            if not named[1]:
                raise SkipHandler  # "有没有人在": no product in it, for "did you mean…?"
        await flow.start(text, slots, aspect="stock", named=named)

    @stock.message(PriceQuestion())
    async def handle_price_question(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(ProductFacts).start(message.text or "", decision.slots, aspect="price")

    @stock.message(SheerQuestion())
    async def handle_sheer_question(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(ProductFacts).start(message.text or "", decision.slots, aspect="sheer")

    @flows.message(ProductQuestion.waiting_for_product, HasText())
    async def on_product_named(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ProductFacts).product_named(message.text or "", decision)

    @flows.callback_query(ProductQuestion.waiting_for_product, ProductPickCallback.filter())
    async def on_product_picked(
        query: CallbackQuery, callback_data: ProductPickCallback, flows: Flows
    ) -> None:
        await flows.get(ProductFacts).product_picked(callback_data.product_id)

    @flows.callback_query(ProductQuestion.waiting_for_product, ProductCategoryCallback.filter())
    async def on_category_picked(
        query: CallbackQuery, callback_data: ProductCategoryCallback, flows: Flows
    ) -> None:
        await flows.get(ProductFacts).category_picked(callback_data.category)

    return flows, router, stock
