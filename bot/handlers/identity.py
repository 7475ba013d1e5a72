"""A shared contact: linking the chat to the customer (``bot.flows.identity``), then going on
with the flow that waited for it."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.filters import HasContact
from bot.flows import identity
from bot.services.conversation import Conversation
from bus import Bus


def get_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasContact())

    @router.message()
    async def handle_contact(
        message: Message, conv: Conversation, rpc: Bus, state: FSMContext
    ) -> None:
        assert message.contact is not None and message.from_user is not None
        await identity.contact_shared(conv, rpc, state, message.contact, message.from_user.id)

    return router
