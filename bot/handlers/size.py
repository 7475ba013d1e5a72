"""Size advice: height and weight (and fit, when given) against one product's size chart.

The product comes from the customer's order (an order number in the message, or the order
they proved earlier) or by name (``products.search``, then ``products.get``). Whatever is
missing is asked for; 斤 and 米 are understood by the slot extractor.
"""

from __future__ import annotations

import html
import logging

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import keyboards
from bot.filters import HasText, IntentIs
from bot.keyboards import ProductPickCallback
from bot.services.conversation import Conversation, ask_again_or_step_aside
from bot.services.orders import lookup
from bot.states import SizeAdvice
from bus import Bus
from bus.contracts import GetProduct, ProductFound, ProductList, ProductView, SearchProducts
from bus.errors import BusError
from intents import Decision
from intents.slots import Slots, extract_slots
from replies.sizing import SizeChart, SizeRow, recommend_size

logger = logging.getLogger(__name__)

SIZE_FIELDS = ("height_cm", "weight_kg", "fit")


def chart_of(product: ProductView) -> SizeChart | None:
    """The product's chart for replies/sizing; None for one-size items."""
    chart = product.size_chart
    if chart is None:
        return None
    return SizeChart(
        category=chart.category,
        rows=[SizeRow.model_validate(row.model_dump()) for row in chart.rows],
    )


async def _product_from_text(rpc: Bus, text: str) -> list[tuple[int, str]]:
    query = text.strip()[:200]
    if not query:
        return []
    reply = await rpc.call(SearchProducts(query=query, limit=5))
    assert isinstance(reply, ProductList)
    return [(p.product_id, p.name) for p in reply.products]


async def _product_ids_from_order(
    rpc: Bus, conv: Conversation, order_no: str | None
) -> list[tuple[int, str]]:
    order_no = order_no or conv.memory.get("last_order")
    if order_no is None:
        return []
    result = await lookup(rpc, conv, order_no)
    if result.order is None:
        return []
    seen: dict[int, str] = {}
    for item in result.order.items:
        seen.setdefault(item.product_id, item.product_name)
    return list(seen.items())


async def advise(conv: Conversation, rpc: Bus, state: FSMContext, text: str, slots: Slots) -> None:
    """Merge what the message said into the question and answer, or ask for what is missing."""
    data = await state.get_data()
    for name in SIZE_FIELDS:
        value = getattr(slots, name, None)
        if value is not None:
            data[name] = value
    height, weight = data.get("height_cm"), data.get("weight_kg")

    if data.get("product_id") is None:
        order_no = slots.order_no
        try:
            candidates = await _product_ids_from_order(rpc, conv, order_no) if order_no else []
            if not candidates:
                candidates = await _product_from_text(rpc, text)
        except BusError:
            # Height and weight can still be asked for; the chart needs the worker later.
            candidates = []
        if len(candidates) == 1:
            data["product_id"] = candidates[0][0]
        elif candidates:
            data["choices"] = candidates
    await state.set_data(data)

    if height is None or weight is None:
        await state.set_state(SizeAdvice.waiting_for_body)
        await conv.say(
            conv.replies.answer("size.recommend", conv.locale, height_cm=height, weight_kg=weight)
        )
        return
    if data.get("product_id") is None:
        await ask_product(conv, rpc, state, data)
        return
    await recommend(conv, rpc, state, data)


async def ask_product(conv: Conversation, rpc: Bus, state: FSMContext, data: dict) -> None:
    await state.set_state(SizeAdvice.waiting_for_product)
    choices = data.get("choices") or await _product_ids_from_order(rpc, conv, None)
    markup = keyboards.products((pid, name[:60]) for pid, name in choices) if choices else None
    await conv.say(
        conv.replies.answer(
            "size.recommend",
            conv.locale,
            height_cm=data.get("height_cm"),
            weight_kg=data.get("weight_kg"),
        ),
        reply_markup=markup,
    )


async def recommend(conv: Conversation, rpc: Bus, state: FSMContext, data: dict) -> None:
    reply = await rpc.call(GetProduct(product_id=int(data["product_id"])))
    await state.clear()
    if not isinstance(reply, ProductFound) or (chart := chart_of(reply.product)) is None:
        await conv.say(conv.replies.answer("size.chart", conv.locale))
        return
    advice = recommend_size(chart, data.get("height_cm"), data.get("weight_kg"), data.get("fit"))
    logger.info(
        "size advice %s (%s) for product %s", advice.kind, advice.reason, data["product_id"]
    )
    text = conv.replies.render_size_advice(advice, conv.locale)
    await conv.say(
        f"<b>{_escape(reply.product.name)}</b>\n{text}",
        reply_markup=conv.feedback("size.recommend"),
    )


def _escape(value: str) -> str:
    return html.escape(value, quote=False)


async def show_chart(conv: Conversation, rpc: Bus, text: str) -> bool:
    """The size chart of the product named in the message, when there is exactly one."""
    candidates = await _product_from_text(rpc, text)
    if len(candidates) != 1:
        return False
    reply = await rpc.call(GetProduct(product_id=candidates[0][0]))
    if not isinstance(reply, ProductFound) or (chart := chart_of(reply.product)) is None:
        return False
    await conv.say(
        f"<b>{_escape(reply.product.name)}</b>\n"
        + conv.replies.render_size_chart(chart, conv.locale),
        reply_markup=conv.feedback("size.chart"),
    )
    return True


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(StateFilter(SizeAdvice))
    router = Router(name=__name__)

    @flows.message(StateFilter(SizeAdvice.waiting_for_body), HasText())
    async def on_body_measurements(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        decision: Decision | None = None,
    ) -> None:
        slots = decision.slots if decision is not None else extract_slots(message.text or "")
        if slots.height_cm is None and slots.weight_kg is None and slots.fit is None:
            await ask_again_or_step_aside(conv, state, decision, "ask.body")
            return
        await advise(conv, rpc, state, message.text or "", slots)

    @flows.message(StateFilter(SizeAdvice.waiting_for_product), HasText())
    async def on_product_named(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        decision: Decision | None = None,
    ) -> None:
        text = message.text or ""
        candidates = await _product_from_text(rpc, text)
        if not candidates:
            await ask_again_or_step_aside(conv, state, decision, "ask.product_for_size")
            return
        data = await state.get_data()
        if len(candidates) == 1:
            data["product_id"] = candidates[0][0]
            await recommend(conv, rpc, state, data)
            return
        await state.update_data(choices=candidates)
        await conv.say(
            conv.t("ask.product_for_size"),
            reply_markup=keyboards.products((pid, name[:60]) for pid, name in candidates),
        )

    @flows.callback_query(StateFilter(SizeAdvice.waiting_for_product), ProductPickCallback.filter())
    async def on_product_picked(
        query: CallbackQuery,
        callback_data: ProductPickCallback,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
    ) -> None:
        await query.answer()
        data = await state.get_data()
        data["product_id"] = callback_data.product_id
        await recommend(conv, rpc, state, data)

    @router.message(IntentIs("size.recommend"))
    async def handle_size_question(
        message: Message, conv: Conversation, rpc: Bus, state: FSMContext, decision: Decision
    ) -> None:
        await state.clear()
        await advise(conv, rpc, state, message.text or "", decision.slots)

    return flows, router
