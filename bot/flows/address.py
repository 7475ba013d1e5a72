"""Changing the delivery address of a paid, unshipped order: the order's verified customer
types the new address, the worker changes it (``orders.change_address``, a command with an
idempotency key) or says why not."""

from __future__ import annotations

import logging
import re

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.state import State, StatesGroup

from bot.flows.base import Draft, Flow
from bot.services import outcomes
from bot.services.escalation import call_command, idempotency_key
from bot.services.orders import lookup, order_card
from bus.contracts import (
    AddressChanged,
    AddressChangeRefused,
    ChangeAddress,
    ContactRequired,
    OrderFound,
    OrderView,
)
from intents import Decision

logger = logging.getLogger(__name__)

PHONE_RE = re.compile(r"(?<!\d)1\d{10}(?!\d)")  # a mainland mobile number in the address
MIN_ADDRESS_CHARS = 6
"""Fewer characters (phone number taken out) cannot be a delivery address: asked again."""


class AddressChange(StatesGroup):
    waiting_for_address = State()


class AddressDraft(Draft):
    order_no: str | None = None
    key: str | None = None
    """The idempotency key of the change (kept, so a retry never changes it twice)."""
    province: str | None = None
    address: str | None = None
    phone: str | None = None
    """A mobile number found in the address: the receiver's new phone."""


class AddressFlow(Flow):
    states = AddressChange

    async def draft(self) -> AddressDraft:
        return await self.load(AddressDraft)

    async def start(self, order: OrderView, access: str) -> None:
        """After the order card: can the address change, and may this customer change it?
        The worker decides (``address_refusal`` in the order view); the bot words it."""
        if order.address_refusal is not None:
            await outcomes.address_refused(
                self.conv, AddressChangeRefused(reason=order.address_refusal)
            )
        elif access != "owner":
            # Digits open an order for reading only: the contact first, before the customer
            # types an address for nothing; the address step follows once it is linked.
            draft = AddressDraft(order_no=order.order_no)
            await self.pause_for_contact(draft, "write", AddressChange.waiting_for_address)
        else:
            draft = AddressDraft(order_no=order.order_no, key=idempotency_key(self.conv.user_id))
            await self.wait(AddressChange.waiting_for_address, draft)
            await self.conv.say(self.conv.t("address.ask_new"))

    async def address_typed(self, text: str, decision: Decision | None) -> None:
        """The new address: its province read by the slot extractor, a mobile number in it the
        receiver's phone."""
        province = decision.slots.region if decision is not None else None
        if province is None and decision is not None and decision.outcome == "accept":
            # A clear new question rather than an address: the intent handlers take it.
            await self.finish()
            raise SkipHandler
        text = text.strip()
        phone = PHONE_RE.search(text)
        address = PHONE_RE.sub(" ", text).strip()[:200]
        if province is None or len(address) < MIN_ADDRESS_CHARS:
            await self.conv.say(self.conv.t("address.too_short"))
            return
        draft = await self.draft()
        draft.province, draft.address = province, address
        draft.phone = phone.group(0) if phone else None
        await self.submit(draft)

    async def submit(self, draft: AddressDraft) -> None:
        """Send the change and say how it went. A change the worker wants the contact for
        waits, with the address, for the customer to share it."""
        assert draft.order_no is not None and draft.province and draft.address
        conv = self.conv
        key = draft.key or idempotency_key(conv.user_id)
        request = ChangeAddress(
            idempotency_key=key,
            order_no=draft.order_no,
            telegram_user_id=conv.user_id,
            phone_last4=conv.memory.proof_for(draft.order_no),
            province=draft.province,
            street=draft.address,
            receiver_phone=draft.phone,
        )
        reply = await call_command(conv, self.rpc, request)
        if isinstance(reply, ContactRequired):
            draft.key = None  # this key stands for the refused request now
            await self.pause_for_contact(draft, reply.reason, AddressChange.waiting_for_address)
            return
        if isinstance(reply, AddressChangeRefused) and reply.reason == "unknown_region":
            # Nothing changed: the address again, as a new request.
            await self.wait(
                AddressChange.waiting_for_address, AddressDraft(order_no=draft.order_no)
            )
            await outcomes.address_refused(conv, reply)
            return
        await self.finish()
        if isinstance(reply, AddressChanged):
            logger.info("address changed for order %s by chat %s", draft.order_no, conv.chat_id)
            view = reply.order
            await conv.say(conv.t("address.done", address=f"{view.province} {view.address_masked}"))
        else:
            await outcomes.explain(conv, reply)

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        if draft.province and draft.address:
            await self.submit(draft)  # the address they already typed
            return
        if draft.order_no is None:
            await self.finish()
            return
        # The card again, as the owner sees it now, and the address step.
        result = await lookup(self.rpc, self.conv, draft.order_no)
        if isinstance(result, OrderFound):
            feedback = self.conv.feedback("order.change_address")
            await self.conv.say(order_card(self.conv, result.order), reply_markup=feedback)
            await self.start(result.order, result.access)
        elif isinstance(result, ContactRequired):
            await self.pause_for_contact(draft, result.reason, AddressChange.waiting_for_address)
        else:
            await self.finish()
            await outcomes.explain(self.conv, result)
