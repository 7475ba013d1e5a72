"""Order questions: status, refund progress, address change, cancelling — the customer's own
orders only, found by the Telegram link or by order number + last four phone digits."""

from __future__ import annotations

import logging
import re
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import keyboards
from bot.filters import HasText, IntentIs
from bot.keyboards import OrderPickCallback
from bot.services.conversation import Conversation, ask_again_or_step_aside
from bot.services.escalation import call_command, idempotency_key
from bot.services.orders import (
    answer_lookup,
    ask_for_contact,
    lookup,
    order_card,
    show_order_choices,
)
from bot.states import AddressChange, OrderQuery
from bus import Bus
from bus.contracts import (
    AddressChanged,
    AddressChangeRefused,
    ChangeAddress,
    ContactRequired,
    OrderView,
    Throttled,
)
from intents import Decision
from intents.slots import answered_last4, order_number
from shop.policy import ShopPolicy

logger = logging.getLogger(__name__)

PHONE_RE = re.compile(r"(?<!\d)1\d{10}(?!\d)")  # a mainland mobile number in the address
LOOKUP_INTENTS = ("order.status", "order.change_address", "order.cancel", "returns.refund_progress")
MIN_ADDRESS_CHARS = 6
"""Fewer characters (phone number taken out) cannot be a delivery address: asked again."""


async def present(
    conv: Conversation,
    order: OrderView,
    intent: str,
    policy: ShopPolicy,
    state: FSMContext,
    access: str = "last4",
) -> None:
    """The order card, and what the question needs on top of it. ``access`` is how the order
    was found: only its verified customer ("owner") may change it."""
    await conv.say(order_card(conv, order), reply_markup=conv.feedback(intent))
    if intent == "order.change_address":
        # The worker decides (and says why not) in the order view; the bot only words it.
        if order.address_refusal == "not_paid":
            await conv.say(conv.t("address.refused.not_paid"))
        elif order.address_refusal is not None:
            await conv.say(
                conv.replies.address_refused(order.address_refusal, conv.locale),
                reply_markup=keyboards.offer_human(conv.t, "other"),
            )
        elif access != "owner":
            # Digits open an order for reading only: a change needs the customer's contact,
            # asked before they type an address; the address step follows once linked.
            await ask_for_contact(
                conv, state, "write", {"flow": "address", "order_no": order.order_no}
            )
        else:
            # The customer gives the new address here (orders.change_address).
            await ask_new_address(conv, state, order.order_no)
    elif intent == "order.cancel":
        if order.state == "awaiting_payment":
            await conv.say(conv.t("order.cancel.unpaid", hours=policy.orders.unpaid_close_hours))
        else:
            await conv.say(
                conv.t("order.cancel.by_agent"),
                reply_markup=keyboards.offer_human(conv.t, "other"),
            )
    elif intent == "returns.refund_progress":
        await conv.say(conv.replies.answer("returns.refund_progress", conv.locale))


async def ask_new_address(conv: Conversation, state: FSMContext, order_no: str) -> None:
    await state.set_state(AddressChange.waiting_for_address)
    await state.update_data(order_no=order_no, key=idempotency_key(conv.user_id))
    await conv.say(conv.t("address.ask_new"))


async def submit_address(
    conv: Conversation, rpc: Bus, state: FSMContext, order_no: str, draft: dict[str, Any]
) -> None:
    """Send the new address (``draft``: province, address, phone) as ``orders.change_address``
    and say how it went. A change the worker wants the contact for waits, with its draft, for
    the customer to share it (then ``identity`` sends it again)."""
    data = await state.get_data()
    key = data.get("key") or idempotency_key(conv.user_id)
    reply = await call_command(
        conv,
        rpc,
        ChangeAddress(
            idempotency_key=key,
            order_no=order_no,
            telegram_user_id=conv.user_id,
            phone_last4=conv.memory.proof_for(order_no),
            province=draft["province"],
            street=draft["address"],
            receiver_phone=draft.get("phone"),
        ),
    )
    if isinstance(reply, ContactRequired):
        await state.update_data(key=None)  # the next try is a new request
        await ask_for_contact(
            conv, state, reply.reason, {"flow": "address", "order_no": order_no, "draft": draft}
        )
        return
    await state.clear()
    if isinstance(reply, AddressChanged):
        logger.info("address changed for order %s by chat %s", order_no, conv.chat_id)
        view = reply.order
        await conv.say(conv.t("address.done", address=f"{view.province} {view.address_masked}"))
    elif isinstance(reply, AddressChangeRefused):
        await conv.say(
            conv.replies.address_refused(reply.reason, conv.locale),
            reply_markup=keyboards.offer_human(conv.t, "other"),
        )
    elif isinstance(reply, Throttled):
        await conv.say(conv.t("order.throttled", minutes=max(1, reply.retry_after_s // 60)))
    else:
        await conv.say(conv.t("order.not_found"))


async def find_and_present(
    conv: Conversation,
    rpc: Bus,
    state: FSMContext,
    policy: ShopPolicy,
    *,
    intent: str,
    order_no: str | None,
    last4: str | None,
) -> None:
    if order_no is None:
        result = await show_order_choices(conv, rpc, "q")
        if result is None:
            await state.set_state(OrderQuery.waiting_for_order)
            await state.update_data(intent=intent)
            return
    else:
        result = await lookup(rpc, conv, order_no, last4)
        if result.needs_proof:
            await state.set_state(OrderQuery.waiting_for_last4)
            await state.update_data(intent=intent, order_no=order_no)
        elif result.not_found:
            await state.set_state(OrderQuery.waiting_for_order)
            await state.update_data(intent=intent)
        resume = {"flow": "order", "intent": intent, "order_no": order_no}
        if await answer_lookup(conv, result, state, resume):
            return
    order = result.order
    assert order is not None
    await state.clear()
    await present(conv, order, intent, policy, state, result.access)


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(StateFilter(OrderQuery, AddressChange))
    router = Router(name=__name__)

    @flows.message(StateFilter(OrderQuery.waiting_for_order), HasText())
    async def on_order_number(
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
        data = await state.get_data()
        await find_and_present(
            conv,
            rpc,
            state,
            policy,
            intent=data.get("intent", "order.status"),
            order_no=order_no,
            last4=answered_last4(message.text or ""),
        )

    @flows.message(StateFilter(OrderQuery.waiting_for_last4), HasText())
    async def on_phone_last4(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
        decision: Decision | None = None,
    ) -> None:
        text = message.text or ""
        data = await state.get_data()
        order_no = order_number(text) or data.get("order_no")
        last4 = answered_last4(text)
        if last4 is None:
            await ask_again_or_step_aside(conv, state, decision, "ask.phone_last4")
            return
        await find_and_present(
            conv,
            rpc,
            state,
            policy,
            intent=data.get("intent", "order.status"),
            order_no=order_no,
            last4=last4,
        )

    @flows.callback_query(OrderPickCallback.filter(F.flow == "q"))
    async def on_order_picked(
        query: CallbackQuery,
        callback_data: OrderPickCallback,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
    ) -> None:
        await query.answer()
        data = await state.get_data()
        await find_and_present(
            conv,
            rpc,
            state,
            policy,
            intent=data.get("intent", "order.status"),
            order_no=callback_data.order_no,
            last4=None,
        )

    @flows.message(StateFilter(AddressChange.waiting_for_address), HasText())
    async def on_new_address(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        decision: Decision | None = None,
    ) -> None:
        text = (message.text or "").strip()
        province = decision.slots.region if decision is not None else None
        if province is None and decision is not None and decision.outcome == "accept":
            # A clear new question rather than an address: the intent handlers take it.
            await state.clear()
            raise SkipHandler
        phone_match = PHONE_RE.search(text)
        address = PHONE_RE.sub(" ", text).strip()[:200]
        if province is None or len(address) < MIN_ADDRESS_CHARS:
            await conv.say(conv.t("address.too_short"))
            return
        data = await state.get_data()
        draft = {
            "province": province,
            "address": address,
            "phone": phone_match.group(0) if phone_match else None,
        }
        await submit_address(conv, rpc, state, data["order_no"], draft)

    @router.message(IntentIs(*LOOKUP_INTENTS))
    async def handle_order_question(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        policy: ShopPolicy,
        decision: Decision,
    ) -> None:
        slots = decision.slots
        order_no = slots.order_no
        await find_and_present(
            conv,
            rpc,
            state,
            policy,
            intent=decision.intent,
            order_no=order_no,
            last4=slots.phone_last4,
        )

    return flows, router
