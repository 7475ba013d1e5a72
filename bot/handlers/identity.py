"""A shared contact: linking the chat to the customer (``bot.flows.identity``), then going on
with the flow that waited for it."""

from __future__ import annotations

from typing import Any

from aiogram import Dispatcher, Router
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
from bot.services import topic
from bot.services.conversation import Conversation
from bus import Bus
from intents import Decision, IntentEngine, Slots


def get_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasContact())

    @router.message()
    async def handle_contact(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        state: FSMContext,
        flows: Flows,
        dispatcher: Dispatcher,
        engine: IntentEngine,
        **data: Any,
    ) -> None:
        assert message.contact is not None and message.from_user is not None
        went_on = await identity.contact_shared(
            conv, rpc, state, message.contact, message.from_user.id
        )
        if went_on or not conv.memory.linked or await state.get_state() is not None:
            return
        data.update(rpc=rpc, state=state)
        await go_on_after_contact(message, conv, flows, dispatcher, engine, data)

    return router


async def go_on_after_contact(
    message: Message,
    conv: Conversation,
    flows: Flows,
    dispatcher: Dispatcher,
    engine: IntentEngine,
    data: dict[str, Any],
) -> None:
    """The contact linked, no flow paused for it: what was left waiting outside a flow goes on
    — the one place for them all, since a contact otherwise only says "verified" (a lost parcel
    asked with "did you mean…?" pending heard nothing more). The return rules' invitation to
    send the order: her orders that can go back. A question left with "did you mean…?" (or
    asked beside another one and offered with its button): asked again as she wrote it, now
    that her orders can be seen — answered, or its choices shown again."""
    if return_invited(conv.memory):
        await flows.get(ReturnFlow).invited(Slots())
        return
    pending = conv.memory.pending()
    if not pending:
        if conv.offer is not None and conv.memory.offer is None:
            # the contact shared unasked, with an offer open ("shall I ask a supervisor?"):
            # it is still hers to answer (jobs batch 5: "行 那麻烦帮我问一下" after the contact
            # was the chat's goodbye, the offer gone with the contact's turn)
            conv.memory.offer = conv.offer
        return
    conv.memory.pending_text = None
    decision = topic.follow_up(engine.match(pending), conv.memory)
    topic.remember(decision, conv.memory)
    conv.memory.last_match = (decision.intent, round(float(decision.confidence), 3))
    replay = message.model_copy(update={"text": pending, "contact": None})
    data.pop("decision", None)
    await dispatcher.propagate_event(
        "message",
        replay,
        conv=conv,
        flows=flows,
        dispatcher=dispatcher,
        engine=engine,
        decision=decision,
        **data,
    )


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
