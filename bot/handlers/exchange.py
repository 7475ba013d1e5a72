"""The exchange flow: order → item → new size/colour → fit for resale? → terms → RMA.

The worker decides eligibility (``exchanges.quote``) and creates the exchange
(``exchanges.create``, a command with an idempotency key kept in the FSM data so that a retry
of the same confirmation never creates two). An ineligible item gets the reason in plain words
and an offer of a person. Creating one takes the order's verified customer: a customer who
proved the order by its phone digits is asked for their contact at the confirmation, and once
it is linked the confirmation comes back (``identity`` resumes it with :func:`quote`).
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import keyboards
from bot.filters import HasText, IntentIs
from bot.keyboards import (
    ConfirmExchangeCallback,
    ItemPickCallback,
    OrderPickCallback,
    ResaleCallback,
    VariantPickCallback,
)
from bot.services.conversation import Conversation, ask_again_or_step_aside
from bot.services.escalation import call_command, idempotency_key
from bot.services.orders import answer_lookup, ask_for_contact, lookup, show_order_choices
from bot.states import ExchangeRequest
from bus import Bus
from bus.contracts import (
    ContactRequired,
    CreateExchange,
    ExchangeCreated,
    ExchangeRejected,
    ExchangeTerms,
    GetProduct,
    OrderView,
    ProductFound,
    QuoteExchange,
    Throttled,
)
from intents import Decision
from intents.slots import answered_last4, order_number
from shop.policy import ShopPolicy

logger = logging.getLogger(__name__)


async def _ineligible(conv: Conversation, reasons: list[str]) -> None:
    await conv.say(
        conv.replies.exchange_refused(reasons, conv.locale),
        reply_markup=keyboards.offer_human(conv.t, "ineligible"),
    )


async def with_order(
    conv: Conversation, rpc: Bus, state: FSMContext, order: OrderView, policy: ShopPolicy
) -> None:
    """The order is known: pick the item (or take the only one)."""
    candidates = [i for i in order.items if not i.exchanged] or list(order.items)
    await state.update_data(order_no=order.order_no)
    if len(candidates) == 1:
        await with_item(conv, rpc, state, order, candidates[0].item_id, policy)
        return
    await state.set_state(ExchangeRequest.waiting_for_item)
    await conv.say(
        conv.t("choose.item"),
        reply_markup=keyboards.items(
            (i.item_id, f"{i.product_name} {i.size}/{i.color}"[:60]) for i in candidates
        ),
    )


async def with_item(
    conv: Conversation,
    rpc: Bus,
    state: FSMContext,
    order: OrderView,
    item_id: int,
    policy: ShopPolicy,
) -> None:
    item = next((i for i in order.items if i.item_id == item_id), None)
    if item is None:
        await _ineligible(conv, ["item_not_in_order"])
        return
    await state.update_data(
        item_id=item.item_id,
        item_title=f"{item.product_name} {item.size}/{item.color}",
        old_size=item.size,
        old_color=item.color,
    )
    reply = await rpc.call(GetProduct(product_id=item.product_id))
    variants = reply.product.variants if isinstance(reply, ProductFound) else []
    options = [v for v in variants if v.stock > 0 and (v.size, v.color) != (item.size, item.color)]
    data = await state.get_data()
    wanted_size, wanted_color = data.get("new_size"), data.get("new_color")
    if wanted_size or wanted_color:
        size = wanted_size or item.size
        color = wanted_color or item.color
        await state.update_data(new_size=size, new_color=color)
        await ask_resale(conv, state)
        return
    if not options:
        await _ineligible(conv, ["out_of_stock"])
        await state.clear()
        return
    await state.set_state(ExchangeRequest.waiting_for_variant)
    await conv.say(
        conv.t("choose.size"),
        reply_markup=keyboards.variants(
            (v.size, v.color, f"{v.size} / {v.color}") for v in options
        ),
    )


async def ask_resale(conv: Conversation, state: FSMContext) -> None:
    await state.set_state(ExchangeRequest.waiting_for_resale)
    await conv.say(
        conv.t("exchange.fit_question"),
        reply_markup=keyboards.yes_no(conv.t, lambda fit: ResaleCallback(fit=fit)),
    )


def _request_fields(conv: Conversation, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "order_no": data["order_no"],
        "telegram_user_id": conv.user_id,
        "phone_last4": conv.memory.proof_for(data["order_no"]),
        "item_id": data["item_id"],
        "new_size": data.get("new_size"),
        "new_color": data.get("new_color"),
        "fit_for_resale": bool(data.get("fit_for_resale")),
    }


async def quote(conv: Conversation, rpc: Bus, state: FSMContext, policy: ShopPolicy) -> None:
    data = await state.get_data()
    reply = await rpc.call(QuoteExchange(**_request_fields(conv, data)))
    if isinstance(reply, ContactRequired):
        await ask_for_contact(conv, state, reply.reason, {"flow": "exchange"})
        return
    if isinstance(reply, Throttled):
        await state.clear()
        await conv.say(conv.t("order.throttled", minutes=max(1, reply.retry_after_s // 60)))
        return
    if not isinstance(reply, ExchangeTerms):
        await state.clear()
        await conv.say(conv.t("order.not_found"))
        return
    if not reply.eligible:
        logger.info("exchange refused for chat %s: %s", conv.chat_id, ",".join(reply.reasons))
        await state.clear()
        await _ineligible(conv, list(reply.reasons))
        return
    new_variant = f"{data.get('new_size')} / {data.get('new_color')}"
    await state.set_state(ExchangeRequest.waiting_for_confirm)
    await state.update_data(key=data.get("key") or idempotency_key(conv.user_id))
    await conv.say(
        conv.replies.exchange_quote(
            conv.locale,
            item=data.get("item_title", ""),
            new_variant=new_variant,
            postage_payer=reply.postage_payer,
            deadline=reply.deadline,
        ),
        reply_markup=keyboards.confirm_exchange(conv.t),
    )


async def start_with_order_no(
    conv: Conversation,
    rpc: Bus,
    state: FSMContext,
    policy: ShopPolicy,
    order_no: str,
    last4: str | None,
) -> None:
    result = await lookup(rpc, conv, order_no, last4)
    if result.needs_proof:
        await state.set_state(ExchangeRequest.waiting_for_last4)
        await state.update_data(order_no=order_no)
    elif result.not_found:
        await state.set_state(ExchangeRequest.waiting_for_order)
    resume = {"flow": "exchange_order", "order_no": order_no}
    if await answer_lookup(conv, result, state, resume):
        return
    assert result.order is not None
    await with_order(conv, rpc, state, result.order, policy)


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(StateFilter(ExchangeRequest))
    router = Router(name=__name__)

    @router.message(IntentIs("returns.exchange"))
    async def handle_exchange_request(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
        decision: Decision,
    ) -> None:
        slots = decision.slots
        await state.clear()
        await state.update_data(new_size=slots.size, new_color=slots.color)
        order_no = slots.order_no
        if order_no is not None:
            await start_with_order_no(conv, rpc, state, policy, order_no, slots.phone_last4)
            return
        await conv.say(conv.replies.answer("returns.exchange", conv.locale))
        await state.set_state(ExchangeRequest.waiting_for_order)
        found = await show_order_choices(conv, rpc, "x")
        if found is not None and found.order is not None:
            await with_order(conv, rpc, state, found.order, policy)

    @flows.message(StateFilter(ExchangeRequest.waiting_for_order), HasText())
    async def on_exchange_order(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
        decision: Decision | None = None,
    ) -> None:
        order_no = order_number(message.text or "")
        if order_no is None:
            await ask_again_or_step_aside(conv, state, decision, "ask.order_no")
            return
        await start_with_order_no(
            conv, rpc, state, policy, order_no, answered_last4(message.text or "")
        )

    @flows.message(StateFilter(ExchangeRequest.waiting_for_last4), HasText())
    async def on_exchange_last4(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
        decision: Decision | None = None,
    ) -> None:
        last4 = answered_last4(message.text or "")
        if last4 is None:
            await ask_again_or_step_aside(conv, state, decision, "ask.phone_last4")
            return
        data = await state.get_data()
        await start_with_order_no(conv, rpc, state, policy, data["order_no"], last4)

    @flows.callback_query(OrderPickCallback.filter(F.flow == "x"))
    async def on_exchange_order_picked(
        query: CallbackQuery,
        callback_data: OrderPickCallback,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
    ) -> None:
        await query.answer()
        await start_with_order_no(conv, rpc, state, policy, callback_data.order_no, None)

    @flows.callback_query(StateFilter(ExchangeRequest.waiting_for_item), ItemPickCallback.filter())
    async def on_item_picked(
        query: CallbackQuery,
        callback_data: ItemPickCallback,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
    ) -> None:
        await query.answer()
        data = await state.get_data()
        result = await lookup(rpc, conv, data["order_no"])
        if result.locked:
            resume = {"flow": "exchange_order", "order_no": data["order_no"]}
            await answer_lookup(conv, result, state, resume)
            return
        if await answer_lookup(conv, result):
            await state.clear()
            return
        assert result.order is not None
        await with_item(conv, rpc, state, result.order, callback_data.item_id, policy)

    @flows.callback_query(
        StateFilter(ExchangeRequest.waiting_for_variant), VariantPickCallback.filter()
    )
    async def on_variant_picked(
        query: CallbackQuery,
        callback_data: VariantPickCallback,
        conv: Conversation,
        state: FSMContext,
    ) -> None:
        await query.answer()
        await state.update_data(new_size=callback_data.size, new_color=callback_data.color)
        await ask_resale(conv, state)

    @flows.message(StateFilter(ExchangeRequest.waiting_for_variant), HasText())
    async def on_variant_typed(
        message: Message, conv: Conversation, state: FSMContext, decision: Decision
    ) -> None:
        slots = decision.slots
        if not (slots.size or slots.color):
            await conv.say(conv.t("choose.size"))
            return
        data = await state.get_data()
        await state.update_data(
            new_size=slots.size or data.get("old_size"),
            new_color=slots.color or data.get("old_color"),
        )
        await ask_resale(conv, state)

    @flows.callback_query(StateFilter(ExchangeRequest.waiting_for_resale), ResaleCallback.filter())
    async def on_resale_answered(
        query: CallbackQuery,
        callback_data: ResaleCallback,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
    ) -> None:
        await query.answer()
        await state.update_data(fit_for_resale=callback_data.fit)
        await quote(conv, rpc, state, policy)

    @flows.callback_query(
        StateFilter(ExchangeRequest.waiting_for_confirm), ConfirmExchangeCallback.filter()
    )
    async def on_confirm_exchange(
        query: CallbackQuery,
        callback_data: ConfirmExchangeCallback,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
    ) -> None:
        await query.answer()
        if not callback_data.confirm:
            await state.clear()
            await conv.say(conv.t("cancelled"))
            return
        data = await state.get_data()
        key = data.get("key") or idempotency_key(conv.user_id)
        reply = await call_command(
            conv, rpc, CreateExchange(idempotency_key=key, **_request_fields(conv, data))
        )
        if isinstance(reply, ContactRequired):
            # The draft stays in the FSM; once the contact is linked, the confirmation comes
            # back under a fresh key (this one now stands for the refused request).
            await state.update_data(key=None)
            await ask_for_contact(conv, state, reply.reason, {"flow": "exchange"})
            return
        await state.clear()
        if isinstance(reply, ExchangeCreated):
            logger.info("exchange %s created for chat %s", reply.exchange.rma_no, conv.chat_id)
            await conv.say(
                conv.replies.exchange_created(
                    conv.locale, rma_no=reply.exchange.rma_no, postage_payer=reply.postage_payer
                )
            )
        elif isinstance(reply, ExchangeRejected):
            await _ineligible(conv, list(reply.reasons))
        elif isinstance(reply, Throttled):
            await conv.say(conv.t("order.throttled", minutes=max(1, reply.retry_after_s // 60)))
        else:
            await conv.say(conv.t("order.not_found"))

    return flows, router
