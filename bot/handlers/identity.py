"""A shared contact: linking the chat to the customer (``bot.flows.identity``), then going on
with the flow that waited for it."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot import keyboards
from bot.filters import HasContact, HasText, InState
from bot.flows import identity
from bot.flows.address import AddressFlow
from bot.flows.base import Flows, Identity
from bot.flows.returns import ReturnFlow, return_invited
from bot.services import topic
from bot.services.conversation import Conversation
from bus import Bus
from intents import Decision, IntentEngine, Slots
from intents.slots import only_last4


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
    if pending and announces_contact(pending):
        pending = None  # "我把手机号发你": what it announced has come; nothing else asked
        conv.memory.pending_text = None
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
    router.message.filter(InState(Identity.waiting_for_contact), HasText())

    @router.message()
    async def handle_text_while_waiting(
        message: Message, conv: Conversation, flows: Flows, decision: Decision | None = None
    ) -> None:
        if await flows.get(AddressFlow).kept_while_paused(message.text or ""):
            # the new address, typed before the contact: shown to confirm once it is shared
            text = f"{conv.t('address.kept')}\n{conv.t('contact.still_needed')}"
            await conv.say(text, reply_markup=keyboards.share_contact(conv.t))
            return
        if decision is not None and decision.outcome == "accept" and not only_last4(
            message.text or ""
        ):
            raise SkipHandler
        # (her phone's last four alone, "手机尾号5280", is read as a look-up of her order since
        # round 24: here it is the proof she offers instead of the contact — the change waits,
        # and the look-up took its place)
        await conv.say(conv.t("contact.still_needed"), reply_markup=keyboards.share_contact(conv.t))

    return router


_ANNOUNCES = re.compile(
    r"^(?:你好|您好|hi|hello|hey)?[\s,，.!！]*"
    r"(?:我(?:把|的)?(?:手机号?码?|电话(?:号码)?|联系方式)(?:是|发(?:给)?你|给你)"
    r"|(?:my )?(?:phone|mobile|cell)(?: number)?(?: is|:)|here'?s my (?:phone|number|contact))",
    re.IGNORECASE,
)
_OTHER_ASK = re.compile(r"[?？吗]|查|看|退|换|改|取消|订单|\b(?:order|check|return|cancel)\b", re.I)


def announces_contact(text: str) -> bool:
    """ "你好 我把手机号发你", "my phone number is 183 6480 5280": her number announced or typed,
    nothing asked beside it."""
    return _ANNOUNCES.search(text.strip()) is not None and _OTHER_ASK.search(text) is None


class AnnouncesContact(Filter):
    """Her phone announced or typed, the engine unsure (a confident question goes its way)."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is not None and decision.outcome == "accept":
            return False
        return announces_contact(message.text or "")


def get_announce_router() -> Router:
    """ "我把手机号发你" / a phone typed: the button that shares her contact (a number typed
    proves nothing: anyone can type one), and the question she had waits (it heard "did you
    mean…?", then "sorry, I didn't understand" once the contact came — jobs batch 6)."""
    router = Router(name=f"{__name__}.announce")

    @router.message(HasText(), AnnouncesContact())
    async def handle_contact_announced(message: Message, conv: Conversation) -> None:
        await conv.say(conv.t("contact.prompt"), reply_markup=keyboards.share_contact(conv.t))

    return router
