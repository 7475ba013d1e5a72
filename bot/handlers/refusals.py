""" "so what are my options then?" right after a refusal: what she can still do
(``bot.services.address_options``: a shipped order's address that could not change)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from bot.filters import HasText
from bot.services import address_options
from bot.services.conversation import Conversation
from bus import Bus


class OptionsAsked(Filter):
    """A shipped order's address change was just refused, and she asks what she can do."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        return conv is not None and address_options.asked(conv, message.text)


def get_router() -> Router:
    router = Router(name=__name__)

    @router.message(HasText(), OptionsAsked())
    async def handle_options_asked(message: Message, conv: Conversation, rpc: Bus) -> None:
        await address_options.say_options(conv, rpc)

    return router
