"""The one factory that wires the bot: what ``python -m bot`` and every test call."""

from __future__ import annotations

import logging

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage

from bot.handlers import get_routers
from bot.middlewares import ChatContextMiddleware, FloodMiddleware, IntentMiddleware
from bot.ops import install_ops
from bot.settings import BotSettings
from bus import Bus
from intents import IntentEngine
from replies.render import Replies

logger = logging.getLogger(__name__)


def intent_tables(
    engine: IntentEngine,
) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, str]]]:
    """From the intent catalogue: titles per locale (for "did you mean") and (group, action)."""
    titles: dict[str, dict[str, str]] = {}
    actions: dict[str, tuple[str, str]] = {}
    for intent in engine.catalog.intents:
        titles[intent.id] = {"zh_CN": intent.title_zh, "en": intent.title_en}
        actions[intent.id] = (intent.group, str(intent.action))
    return titles, actions


def create_dispatcher(
    settings: BotSettings,
    *,
    rpc: Bus,
    engine: IntentEngine,
    replies: Replies,
    storage: BaseStorage | None = None,
) -> Dispatcher:
    """A dispatcher with every router and middleware.

    ``rpc`` is a connected :class:`bus.rpc.RpcClient` (or anything with its ``call``),
    ``engine`` an :class:`intents.IntentEngine`, ``replies`` a :class:`replies.render.Replies`;
    ``storage`` defaults to memory (pass aiogram's ``RedisStorage`` for several processes).
    Handlers receive ``rpc``, ``engine``, ``replies``, ``policy`` and ``settings``. With
    ``AGENTS_CHAT_ID`` set the agents' desk is installed too (bot/desk, handlers get ``desk``).
    """
    storage = storage or MemoryStorage()
    dp = Dispatcher(storage=storage)
    dp["rpc"] = rpc
    dp["engine"] = engine
    dp["replies"] = replies
    dp["policy"] = replies.policy
    dp["settings"] = settings

    dp.update.outer_middleware(
        ChatContextMiddleware(
            storage,
            replies,
            transcript_lines=settings.transcript_lines,
            default_locale=settings.default_locale,
        )
    )
    dp.update.outer_middleware(FloodMiddleware(settings.flood_rate, settings.flood_window_s))
    dp.update.outer_middleware(IntentMiddleware(engine))
    # Per-turn events, heartbeat, the ops chat (/status, alerts); before the routers, so that
    # /status in the ops chat is never read as a customer's question.
    install_ops(dp, settings, rpc=rpc, engine=engine)

    titles, actions = intent_tables(engine)
    desk = None
    if settings.agents_chat_id is not None:
        from bot.desk import install_desk

        desk = install_desk(
            dp, settings, rpc=rpc, replies=replies, storage=storage, titles=titles
        )
    dp.include_routers(*get_routers(titles, actions, desk=desk))
    logger.debug("dispatcher ready: %d intents", len(actions))
    return dp
