"""Proving who the customer is: their own Telegram contact links the chat to their orders.

A contact that is not the sender's own (``contact.user_id`` differs from the sender) is
refused and nothing is linked. Without a link, order number + last four phone digits open an
order for reading; changing one (address, exchange, a change request) takes the link. Once the
contact is linked, the flow that paused for it — or the one the customer was in when they
shared it — goes on (``bot.flows.base.resume``).
"""

from __future__ import annotations

import logging
import re

from aiogram.fsm.context import FSMContext
from aiogram.types import Contact, ReplyKeyboardRemove
from pydantic import ValidationError

from bot import keyboards
from bot.flows.base import Identity, resume
from bot.services import outcomes
from bot.services.conversation import Conversation
from bot.services.parcels import record_return_parcel
from bus import Bus
from bus.contracts import CustomerLinked, LinkCustomer

logger = logging.getLogger(__name__)


def normalize_phone(raw: str) -> str:
    """Telegram sends ``8613900000001`` or ``+86 139...``: keep the digits and a leading +."""
    digits = re.sub(r"\D", "", raw)
    return f"+{digits}" if raw.strip().startswith("+") else digits


async def contact_shared(
    conv: Conversation, rpc: Bus, state: FSMContext, contact: Contact, sender_id: int
) -> bool:
    """Link the chat to the contact's customer; ``True`` when a flow went on with it (the one
    that paused for it, or the one she was in)."""
    if contact.user_id != sender_id:
        logger.info("refused a contact that is not the sender's own (user %s)", conv.user_id)
        await conv.say(conv.t("contact.not_own"), reply_markup=keyboards.share_contact(conv.t))
        return False
    try:
        request = LinkCustomer(
            telegram_user_id=conv.user_id, phone=normalize_phone(contact.phone_number)
        )
    except ValidationError as exc:
        # Not a phone number we could hold (a forged or odd contact). The error never shows its
        # input; the number itself is not logged either.
        logger.info(
            "contact from user %s has no usable phone number (%s)",
            conv.user_id,
            ", ".join(str(e["type"]) for e in exc.errors(include_input=False)),
        )
        await conv.say(conv.t("contact.unknown_phone"), reply_markup=ReplyKeyboardRemove())
        return False
    reply = await rpc.call(request)
    if not isinstance(reply, CustomerLinked):
        await conv.say(conv.t("contact.unknown_phone"), reply_markup=ReplyKeyboardRemove())
        if await state.get_state() == Identity.waiting_for_contact.state:
            # A change was waiting for this verification: a person can still help.
            await state.clear()
            await outcomes.not_order_owner(conv)
        return False
    conv.memory.linked = True
    logger.info("user %s linked to customer %s", conv.user_id, reply.customer_id)
    await conv.say(conv.t("contact.linked"), reply_markup=ReplyKeyboardRemove())
    went_on = await resume(conv, rpc, state)
    if conv.memory.parcel is not None:  # the return's tracking number sent before: kept now
        tracking_no, return_no = conv.memory.parcel
        await record_return_parcel(conv, rpc, tracking_no, return_no)
        went_on = True
    return went_on
