"""A shared contact: linking the chat to the customer (``bot.flows.identity``), then going on
with the flow that waited for it."""

from __future__ import annotations

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot import keyboards
from bot.filters import HasContact, HasText
from bot.flows import identity
from bot.flows.address import AddressFlow
from bot.flows.base import Flows, Identity
from bot.flows.returns import ReturnFlow, return_invited
from bot.services.conversation import Conversation
from bus import Bus
from intents import Decision, Slots


def get_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasContact())

    @router.message()
    async def handle_contact(
        message: Message, conv: Conversation, rpc: Bus, state: FSMContext, flows: Flows
    ) -> None:
        assert message.contact is not None and message.from_user is not None
        await identity.contact_shared(conv, rpc, state, message.contact, message.from_user.id)
        if conv.memory.linked and return_invited(conv.memory) and await state.get_state() is None:
            # the return rules asked for the order: the contact answers it — her orders that
            # can go back (it only said "verified", and the return was lost)
            await flows.get(ReturnFlow).invited(Slots())

    return router


def get_waiting_router() -> Router:
    """Text while a change waits for the customer's contact: a clear new question is answered
    as any (the change still waits); anything else — an address typed, "yes", words the
    engine can't place — hears that the contact is the one step left, with its button (it
    heard "did you mean…?" before, and the customer was lost)."""
    router = Router(name=f"{__name__}.waiting")
    router.message.filter(StateFilter(Identity.waiting_for_contact), HasText())

    @router.message()
    async def handle_text_while_waiting(
        message: Message, conv: Conversation, flows: Flows, decision: Decision | None = None
    ) -> None:
        if await flows.get(AddressFlow).kept_while_paused(message.text or ""):
            # the new address, typed before the contact: shown to confirm once it is shared
            text = f"{conv.t('address.kept')}\n{conv.t('contact.still_needed')}"
            await conv.say(text, reply_markup=keyboards.share_contact(conv.t))
            return
        if decision is not None and decision.outcome == "accept":
            raise SkipHandler
        await conv.say(conv.t("contact.still_needed"), reply_markup=keyboards.share_contact(conv.t))

    return router
