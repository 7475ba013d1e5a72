"""Proving who the customer is: their own Telegram contact links the chat to their orders.

A contact that is not the sender's own (``contact.user_id`` differs from the sender) is
refused and nothing is linked. Without a link, order number + last four phone digits work.
"""

from __future__ import annotations

import logging
import re

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove

from bot import keyboards
from bot.filters import HasContact
from bot.handlers import exchange, orders
from bot.services.conversation import Conversation
from bot.services.orders import show_order_choices
from bot.states import ExchangeRequest, OrderQuery
from bus import Bus
from bus.contracts import CustomerLinked, LinkCustomer
from shop.policy import ShopPolicy

logger = logging.getLogger(__name__)

# After linking, a flow that was waiting for an order shows the customer's orders.
_FLOW_OF_STATE = {
    OrderQuery.waiting_for_order.state: "q",
    OrderQuery.waiting_for_last4.state: "q",
    ExchangeRequest.waiting_for_order.state: "x",
    ExchangeRequest.waiting_for_last4.state: "x",
}


def normalize_phone(raw: str) -> str:
    """Telegram sends ``8613900000001`` or ``+86 139...``: keep the digits and a leading +."""
    digits = re.sub(r"\D", "", raw)
    return f"+{digits}" if raw.strip().startswith("+") else digits


def get_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasContact())

    @router.message()
    async def handle_contact(
        message: Message, conv: Conversation, rpc: Bus, state: FSMContext, policy: ShopPolicy
    ) -> None:
        contact = message.contact
        assert contact is not None and message.from_user is not None
        if contact.user_id != message.from_user.id:
            logger.info("refused a contact that is not the sender's own (user %s)", conv.user_id)
            await conv.say(conv.t("contact.not_own"), reply_markup=keyboards.share_contact(conv.t))
            return
        reply = await rpc.call(
            LinkCustomer(telegram_user_id=conv.user_id, phone=normalize_phone(contact.phone_number))
        )
        if not isinstance(reply, CustomerLinked):
            await conv.say(conv.t("contact.unknown_phone"), reply_markup=ReplyKeyboardRemove())
            return
        conv.memory.set("linked", True)
        logger.info("user %s linked to customer %s", conv.user_id, reply.customer_id)
        await conv.say(conv.t("contact.linked"), reply_markup=ReplyKeyboardRemove())
        flow = _FLOW_OF_STATE.get(await state.get_state() or "")
        if flow is None:
            return
        order = await show_order_choices(conv, rpc, flow, ask_contact=False)
        if order is None:
            return
        # One order only: the flow goes on with it at once.
        if flow == "x":
            await exchange.with_order(conv, rpc, state, order, policy)
        else:
            data = await state.get_data()
            await state.clear()
            await orders.present(conv, order, data.get("intent", "order.status"), policy, state)

    return router
