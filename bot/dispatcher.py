"""The one factory that wires the bot: what ``python -m bot`` and every test call."""

from __future__ import annotations

import logging

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from bot.flood import FloodCounter, RedisFlood
from bot.flows.shipping import REGIONAL
from bot.handlers import get_routers
from bot.middlewares import ChatContextMiddleware, FloodMiddleware, IntentMiddleware
from bot.notices import install_notices
from bot.ops import install_ops
from bot.propagation import LeanDispatcher
from bot.routing import bind_routes
from bot.services.several import NEVER_ALSO
from bot.settings import BotSettings
from bot.storage import ExpiringMemoryStorage
from bus import Bus
from intents import IntentEngine
from replies.render import Replies

logger = logging.getLogger(__name__)

NO_DESK_WARNING = (
    "AGENTS_CHAT_ID is not set: there is no agents' desk. A customer who asks for a person gets "
    "a ticket that only the worker's database holds (kefu tickets), and is told that nobody is "
    "live in her chat; the shop's staff answer it with `kefu tickets reply`, which the bot "
    "passes on to her. To hand chats to people, make a Telegram supergroup with topics, add "
    "the bot as an admin that may manage topics, set AGENTS_CHAT_ID to the group's id and "
    "restart the bot (docs/desk.md)."
)


def intent_tables(
    engine: IntentEngine, locales: list[str], default_locale: str
) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, str]]]:
    """From the intent catalogue: each intent's title in every locale (for "did you mean"; a
    locale whose language the catalogue has no titles in gets the default locale's) and its
    (group, action)."""
    titles: dict[str, dict[str, str]] = {}
    actions: dict[str, tuple[str, str]] = {}
    for intent in engine.catalog.intents:
        by_language: dict[str, str] = intent.title.model_dump()  # {"zh": …, "en": …}
        fallback = by_language.get(default_locale.split("_")[0], intent.title.zh)
        titles[intent.id] = {
            locale: by_language.get(locale.split("_")[0], fallback) for locale in locales
        }
        actions[intent.id] = (intent.group, str(intent.action))
    return titles, actions


def create_dispatcher(
    settings: BotSettings,
    *,
    rpc: Bus,
    engine: IntentEngine,
    replies: Replies,
    storage: BaseStorage | None = None,
    events_isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    """A dispatcher with every router and middleware.

    ``rpc`` is a connected :class:`bus.rpc.RpcClient` (or anything with its ``call``),
    ``engine`` an :class:`intents.IntentEngine`, ``replies`` a :class:`replies.render.Replies`;
    ``storage`` defaults to the bot's in-process one (``bot.storage``: idle chats expire, chat
    memories kept live); pass aiogram's ``RedisStorage`` for several processes.
    Handlers receive ``rpc``, ``engine``, ``replies``, ``policy`` and ``settings``. With
    ``AGENTS_CHAT_ID`` set the agents' desk is installed too (bot/desk, handlers get ``desk``).
    ``events_isolation``: the default keeps one update per chat at a time (in Redis with a
    Redis storage); the update partitions order chats by themselves and pass aiogram's
    ``DisabledEventIsolation``. With a Redis storage flood control counts in Redis too.
    """
    if settings.default_locale not in replies.locales:
        raise ValueError(
            f"KEFU_DEFAULT_LOCALE={settings.default_locale!r} has no reply templates "
            f"(the locales are {', '.join(replies.locales)})"
        )
    storage = storage or ExpiringMemoryStorage(
        settings.chat_ttl_s, max_keys=settings.memory_storage_keys
    )
    # One update per chat at a time, across processes when the storage is Redis.
    isolation = events_isolation or (
        storage.create_isolation() if isinstance(storage, RedisStorage) else SimpleEventIsolation()
    )
    # aiogram's dispatcher, its walk through the routers without the per-level copies
    dp = LeanDispatcher(storage=storage, events_isolation=isolation)
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
    flood: FloodCounter | None = None
    if isinstance(storage, RedisStorage):  # several bot processes: one count per customer
        flood = RedisFlood(
            storage.redis, settings.flood_rate, settings.flood_window_s, prefix=settings.bus.prefix
        )
    dp.update.outer_middleware(
        FloodMiddleware(settings.flood_rate, settings.flood_window_s, counter=flood)
    )
    titles, actions = intent_tables(engine, replies.locales, settings.default_locale)
    desk = None
    if settings.agents_chat_id is not None:
        from bot.desk import install_desk

        # before the intent match: whether a person has the chat is known to it (a second
        # question in a message is never answered by the bot during a handoff)
        desk = install_desk(dp, settings, rpc=rpc, replies=replies, storage=storage, titles=titles)
    else:
        # (the console plays the desk itself: it never gets here)
        logger.warning(NO_DESK_WARNING)
        from bot.services.staff import install_staff_answers

        install_staff_answers(dp, settings, rpc=rpc, replies=replies, storage=storage)
    intent_middleware = IntentMiddleware(engine)
    dp.update.outer_middleware(intent_middleware)
    # Every pressed button is answered (the spinner stops) before its handler runs; a handler
    # with the flag {"callback_answer": {"pre": False}} answers with a text of its own.
    dp.callback_query.middleware(CallbackAnswerMiddleware(pre=True))
    # Per-turn events, heartbeat, the ops chat (/status, alerts); before the routers, so that
    # /status in the ops chat is never read as a customer's question.
    install_ops(dp, settings, rpc=rpc, engine=engine)
    # the shop's after-sales steps told to the customer in her chat (off the turn's path)
    install_notices(dp, settings, replies=replies, storage=storage)

    dp.include_routers(*get_routers(titles, actions, desk=desk))
    # Every catalogue intent reaches exactly one handler, or the bot does not start.
    routes = bind_routes(dp.sub_routers, engine.catalog)
    # what a second question in one message may be answered as: the policy's own answers
    intent_middleware.answerable = frozenset(
        intent
        for intent, handler in routes.items()
        if handler.endswith((".handle_policy_question", ".handle_bargain")) or intent in REGIONAL
    )
    # what may be asked aside while a job waits (answered, the job kept): the same answers
    dp["asides"] = intent_middleware.answerable - NEVER_ALSO
    intent_middleware.titles = titles
    intent_middleware.order_jobs = frozenset(
        intent for intent, (_, action) in actions.items() if action in ("lookup", "exchange")
    )
    logger.debug("dispatcher ready: %d intents routed", len(routes))
    return dp
