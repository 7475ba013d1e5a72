"""Proving who the customer is: their own Telegram contact links the chat to their orders.

A contact that is not the sender's own (``contact.user_id`` differs from the sender) is
refused and nothing is linked. Without a link, order number + last four phone digits open an
order for reading; changing one (address, exchange) takes the link. When a flow stopped to ask
for the contact (``bot.services.orders.ask_for_contact``), it goes on from where it stopped
once the contact is linked.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from pydantic import ValidationError

from bot import keyboards
from bot.filters import HasContact
from bot.handlers import exchange, orders
from bot.services.conversation import Conversation
from bot.services.orders import show_order_choices
from bot.states import ExchangeRequest, Identity, OrderQuery
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


async def resume_after_link(
    conv: Conversation, rpc: Bus, state: FSMContext, policy: ShopPolicy, resume: dict[str, Any]
) -> None:
    """Go on with the flow that stopped for the contact (see ``ask_for_contact``)."""
    await state.update_data(resume=None)
    flow = resume.get("flow")
    order_no = resume.get("order_no")
    if flow == "exchange":
        # The exchange draft is still in the FSM data: its terms and the confirmation again.
        await exchange.quote(conv, rpc, state, policy)
    elif flow == "exchange_order" and order_no:
        await exchange.start_with_order_no(conv, rpc, state, policy, order_no, None)
    elif flow == "address" and order_no and resume.get("draft"):
        await orders.submit_address(conv, rpc, state, order_no, resume["draft"])
    elif flow in ("address", "order") and order_no:
        intent = "order.change_address" if flow == "address" else resume.get("intent")
        await orders.find_and_present(
            conv,
            rpc,
            state,
            policy,
            intent=intent or "order.status",
            order_no=order_no,
            last4=None,
        )
    else:
        await state.clear()


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
        try:
            request = LinkCustomer(
                telegram_user_id=conv.user_id, phone=normalize_phone(contact.phone_number)
            )
        except ValidationError as exc:
            # Not a phone number we could hold (a forged or odd contact). The error never
            # shows its input; the number itself is not logged either.
            logger.info(
                "contact from user %s has no usable phone number (%s)",
                conv.user_id,
                ", ".join(str(e["type"]) for e in exc.errors(include_input=False)),
            )
            await conv.say(conv.t("contact.unknown_phone"), reply_markup=ReplyKeyboardRemove())
            return
        reply = await rpc.call(request)
        if not isinstance(reply, CustomerLinked):
            await conv.say(conv.t("contact.unknown_phone"), reply_markup=ReplyKeyboardRemove())
            if (await state.get_data()).get("resume"):
                # A change was waiting for this verification: a person can still help.
                await state.clear()
                await conv.say(
                    conv.t("contact.not_order_owner"),
                    reply_markup=keyboards.offer_human(conv.t, "other"),
                )
            return
        conv.memory.set("linked", True)
        logger.info("user %s linked to customer %s", conv.user_id, reply.customer_id)
        await conv.say(conv.t("contact.linked"), reply_markup=ReplyKeyboardRemove())
        current = await state.get_state()
        resume = (await state.get_data()).get("resume")
        if current == Identity.waiting_for_contact.state and resume:
            await resume_after_link(conv, rpc, state, policy, resume)
            return
        flow = _FLOW_OF_STATE.get(current or "")
        if flow is None:
            return
        found = await show_order_choices(conv, rpc, flow, ask_contact=False)
        if found is None or found.order is None:
            return
        # One order only: the flow goes on with it at once.
        if flow == "x":
            await exchange.with_order(conv, rpc, state, found.order, policy)
        else:
            data = await state.get_data()
            await state.clear()
            await orders.present(
                conv, found.order, data.get("intent", "order.status"), policy, state, found.access
            )

    return router
