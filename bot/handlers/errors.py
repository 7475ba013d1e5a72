"""Errors: the customer always gets an answer and a way forward, never silence.

A bus outage or timeout says "temporarily unavailable" and offers a person; anything else is
logged with its traceback and answered with an apology. (A pressed button has been answered by
``CallbackAnswerMiddleware`` already, whatever the handler did.)
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import ErrorEvent

from bot.services import outcomes
from bot.services.conversation import Conversation
from bot.settings import BotSettings
from bus.errors import BusRemoteError, BusTimeout, BusUnavailable
from replies.render import Replies

logger = logging.getLogger(__name__)


def _chat_id(event: ErrorEvent) -> int | None:
    update = event.update
    if update.message is not None:
        return update.message.chat.id
    if update.callback_query is not None and update.callback_query.message is not None:
        return update.callback_query.message.chat.id
    return None


async def _apologise_without_context(
    event: ErrorEvent, bot: Bot, replies: Replies, settings: BotSettings, key: str
) -> None:
    """The failure came before the chat's context existed (e.g. the FSM storage is down):
    answer in the bot's default language rather than not at all."""
    chat_id = _chat_id(event)
    if chat_id is None:
        return
    try:
        await bot.send_message(chat_id, replies.text(key, settings.default_locale))
    except Exception:
        logger.exception("could not even apologise in chat %s", chat_id)


def get_router() -> Router:
    router = Router(name=__name__)

    @router.errors(ExceptionTypeFilter(BusUnavailable, BusTimeout))
    async def on_bus_unavailable(
        event: ErrorEvent,
        bot: Bot,
        replies: Replies,
        settings: BotSettings,
        conv: Conversation | None = None,
    ) -> None:
        logger.warning(
            "bus unavailable while handling update %s: %s", event.update.update_id, event.exception
        )
        if conv is None:
            await _apologise_without_context(event, bot, replies, settings, "unavailable")
            return
        await outcomes.unavailable(conv)
        await conv.memory.save()

    @router.errors()
    async def on_error(
        event: ErrorEvent,
        bot: Bot,
        replies: Replies,
        settings: BotSettings,
        conv: Conversation | None = None,
        state: FSMContext | None = None,
    ) -> None:
        kind = "remote" if isinstance(event.exception, BusRemoteError) else "internal"
        logger.error(
            "%s error handling update %s",
            kind,
            event.update.update_id,
            exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
        )
        if conv is None:
            await _apologise_without_context(event, bot, replies, settings, "error.generic")
            return
        if state is not None:
            await state.clear()  # never leave the customer stuck in a broken flow
        try:
            await conv.say(conv.t("error.generic"), reply_markup=conv.offer_human("other"))
            await conv.memory.save()
        except Exception:
            logger.exception("could not even apologise in chat %s", conv.chat_id)

    return router
