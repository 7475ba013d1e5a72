""" "so what are my options then?" right after a refusal: what she can still do
(``bot.services.address_options``: a shipped order's address that could not change); and
"it's fine, never worn, tags still on" or "so what can i do then" right after a return was
refused, whatever the engine made of it (a did-you-mean among complaints and order look-ups
before): that refusal again, why, and a supervisor (``ReturnFlow.pushed_back``). Her parcel
refused on the shop's check (told by a notice, ``bot/notices.py``) and argued with right after
("i never wore it!", "凭什么说我穿过"): a colleague offered to check it again."""

from __future__ import annotations

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.types import Message

from bot.filters import HasText
from bot.flows.base import Flows
from bot.flows.returns import ANOTHER_MEANT, ARGUED_TURNS, ReturnFlow
from bot.services import address_options, choices
from bot.services.conversation import Conversation
from bus import Bus
from intents import Decision


class OptionsAsked(Filter):
    """A shipped order's address change was just refused, and she asks what she can do."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        return conv is not None and address_options.asked(conv, message.text)


class ReturnRefusalArgued(Filter):
    """A return was refused lately and the engine is not sure of another question (not a
    return's): whether she argues with the refusal ("but it's never been worn") or asks what
    she can do is ``ReturnFlow.pushed_back``'s to tell (the handler passes on when not)."""

    async def __call__(
        self, message: Message, conv: Conversation | None = None, decision: Decision | None = None
    ) -> bool:
        if conv is None or conv.memory.return_refused is None:
            return False
        return not (
            decision is not None
            and decision.outcome == "accept"
            and (decision.intent or "").split(".")[0] not in ("returns", "complaint")
        )


class CheckRefusalDisputed(Filter):
    """Her returned parcel was refused on the shop's check a message or two ago (a notice said
    so) and she argues with it or asks what she can do; not when she tells a fault."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        if conv is None or conv.memory.check_refused is None:
            return False
        told, _ = conv.memory.check_refused
        text = message.text or ""
        return (
            conv.memory.turns - told <= ARGUED_TURNS
            and choices.return_cause(text) not in ("quality", "wrong_item")
            and (choices.pushes_back(text) or address_options.options_asked(text))
        )


class AnotherMeantAfterRefusal(Filter):
    """A return was refused lately and she says she meant another item ("oh sorry i meant the
    jeans from my other order"), whatever the engine made of it (a size question)."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        if conv is None or conv.memory.return_refused is None:
            return False
        return ANOTHER_MEANT.search(message.text or "") is not None


def get_router() -> Router:
    router = Router(name=__name__)

    @router.message(HasText(), OptionsAsked())
    async def handle_options_asked(message: Message, conv: Conversation, rpc: Bus) -> None:
        await address_options.say_options(conv, rpc)

    @router.message(HasText(), AnotherMeantAfterRefusal())
    async def handle_another_meant(message: Message, flows: Flows) -> None:
        if not await flows.get(ReturnFlow).another_meant(message.text or ""):
            raise SkipHandler  # no one order of hers holds what she names: the intents take it

    @router.message(HasText(), CheckRefusalDisputed())
    async def handle_check_disputed(message: Message, conv: Conversation) -> None:
        assert conv.memory.check_refused is not None
        _, return_no = conv.memory.check_refused
        conv.memory.check_refused = None
        await conv.say(
            conv.t("returns.check_disputed", return_no=return_no),
            reply_markup=conv.offer_human("ineligible"),
        )

    @router.message(HasText(), ReturnRefusalArgued())
    async def handle_return_refusal_argued(message: Message, flows: Flows) -> None:
        if not await flows.get(ReturnFlow).pushed_back(message.text or ""):
            raise SkipHandler  # no argument with it (or a fault told): the intents take it

    return router
