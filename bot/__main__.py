"""``python -m bot``: Telegram long polling with ``BOT_TOKEN``; ``--webhook`` serves Telegram
webhooks (aiohttp) for several bot processes; ``--partitions`` takes the updates the webhook
ingress (``python -m bot.ingress``) put on the broker (bot/partitions.py); with no token, a
console chat in this terminal. ``KEFU_BOT_MODE`` (polling, webhook, partitions) says the same
as the flags, for deployments configured by environment.

Webhook mode never runs open: every call must carry the secret token
(``X-Telegram-Bot-Api-Secret-Token``). It is ``WEBHOOK_SECRET`` when set; otherwise the bot
generates a strong one at start and registers it with ``setWebhook`` (which needs
``WEBHOOK_BASE_URL``). When it has neither, or cannot register the webhook, it refuses to
start and says why.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import secrets
import signal
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import DisabledEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web

from bot.dispatcher import create_dispatcher
from bot.ops.reload import IntentReloader, ops_notice
from bot.partitions import (
    MemoryUpdateLog,
    PartitionConsumer,
    RedisMembers,
    RedisUpdateLog,
    UpdateLog,
)
from bot.serving import BoundedRequestHandler, polling_options
from bot.settings import BotSettings
from bot.storage import make_storage
from bus.rpc import RpcClient
from intents import IntentEngine, MatcherConfig
from replies.render import Replies
from shop.policy import load_policy

logger = logging.getLogger("bot")


def make_bot(settings: BotSettings) -> Bot:
    assert settings.bot_token is not None
    api = (
        TelegramAPIServer.from_base(settings.telegram_api_url)
        if settings.telegram_api_url
        else None
    )
    session = AiohttpSession(api=api) if api else AiohttpSession()
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


class WebhookConfigError(RuntimeError):
    """Webhook mode cannot start safely; the message says what to set."""


def webhook_secret(settings: BotSettings) -> str:
    """The secret every webhook call must carry: ``WEBHOOK_SECRET``, or a fresh strong one to
    register with ``setWebhook`` (possible only with ``WEBHOOK_BASE_URL``)."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    if not settings.webhook_base_url:
        raise WebhookConfigError(
            "webhook mode needs WEBHOOK_SECRET (the secret token registered with setWebhook) "
            "or WEBHOOK_BASE_URL (then the bot generates a secret and registers it itself); "
            "without either, anyone could post updates to it, so it does not start"
        )
    return secrets.token_urlsafe(32)  # 43 characters of A-Z a-z 0-9 _ -, as Telegram allows


def build_webhook_app(
    dp: Dispatcher, bot: Bot, settings: BotSettings, secret: str
) -> web.Application:
    """The aiohttp application that takes Telegram's webhook calls: any call without the
    right ``X-Telegram-Bot-Api-Secret-Token`` is answered 401 and never reaches a handler."""
    if not secret:
        raise WebhookConfigError("a webhook without a secret token would accept forged updates")
    app = web.Application()
    # At most KEFU_PARTITION_CONCURRENCY updates handled at once (bot/serving.py).
    BoundedRequestHandler(
        dp, bot, limit=settings.partition_concurrency, secret_token=secret
    ).register(app, path=settings.webhook_path)
    setup_application(app, dp, bot=bot)
    return app


async def start_webhook(
    dp: Dispatcher, bot: Bot, settings: BotSettings, secret: str
) -> web.AppRunner:
    """Listen for webhooks and, with ``WEBHOOK_BASE_URL``, register the webhook and its secret
    with Telegram. Raises :class:`WebhookConfigError` (after closing the listener) when the
    registration fails: a secret Telegram does not know would refuse every update."""
    app = build_webhook_app(dp, bot, settings, secret)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    if settings.webhook_base_url:
        url = settings.webhook_base_url.rstrip("/") + settings.webhook_path
        try:
            await bot.set_webhook(url, secret_token=secret, drop_pending_updates=False)
        except (TelegramAPIError, TelegramNetworkError, OSError, TimeoutError) as exc:
            await runner.cleanup()
            detail = exc.message if isinstance(exc, TelegramAPIError) else type(exc).__name__
            raise WebhookConfigError(
                f"could not register the webhook with Telegram ({detail}); not serving "
                "updates that Telegram would send without our secret"
            ) from None
        logger.info(
            "webhook set%s",
            "" if settings.webhook_secret else " with a secret generated for this process",
        )
    logger.info(
        "serving webhooks on %s:%d%s",
        settings.webhook_host,
        settings.webhook_port,
        settings.webhook_path,
    )
    return runner


async def serve_webhook(dp: Dispatcher, bot: Bot, settings: BotSettings, secret: str) -> None:
    runner = await start_webhook(dp, bot, settings, secret)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Kefu runs on Linux (Debian) only
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


async def serve_partitions(
    dp: Dispatcher, bot: Bot, settings: BotSettings, storage: BaseStorage
) -> None:
    """Consume the update partitions until SIGINT/SIGTERM (bot/partitions.py)."""
    log: UpdateLog
    members: RedisMembers | None = None
    if isinstance(storage, RedisStorage):
        log = RedisUpdateLog(
            storage.redis, settings.update_dedupe_s, prefix=settings.bus.prefix, bot_id=bot.id
        )
        # The processes on the same Redis share the partitions between them.
        members = RedisMembers(
            storage.redis,
            3 * settings.partition_rebalance_s,
            prefix=settings.bus.prefix,
            bot_id=bot.id,
        )
    else:
        log = MemoryUpdateLog(settings.update_dedupe_s)
        logger.warning(
            "update partitions without REDIS_URL: chats and handled updates are this process's "
            "own; run one such process, or give them all the same Redis"
        )
    workflow = {"dispatcher": dp, "bots": [bot], **dp.workflow_data}
    await dp.emit_startup(bot=bot, **workflow)
    consumer = PartitionConsumer(
        dp,
        bot,
        settings.bus,
        log,
        prefetch=settings.partition_prefetch,
        concurrency=settings.partition_concurrency,
        workflow_data={"bots": [bot]},
        members=members,
        rebalance_every=settings.partition_rebalance_s,
    )
    consumer.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Kefu runs on Linux (Debian) only
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await consumer.stop()
        await dp.emit_shutdown(bot=bot, **workflow)


def run_mode(settings: BotSettings, *, webhook: bool = False, partitions: bool = False) -> str:
    """console, polling, webhook or partitions: the flags win over ``KEFU_BOT_MODE``."""
    if webhook and partitions:
        raise WebhookConfigError("--webhook and --partitions exclude each other")
    mode = "webhook" if webhook else "partitions" if partitions else settings.bot_mode
    if settings.bot_token is None:
        if mode in ("webhook", "partitions"):
            raise WebhookConfigError(f"{mode} mode needs BOT_TOKEN")
        return "console"
    return "polling" if mode == "auto" else mode


async def run(settings: BotSettings, *, webhook: bool = False, partitions: bool = False) -> None:
    mode = run_mode(settings, webhook=webhook, partitions=partitions)
    # Checked before anything is loaded: a webhook that cannot be secured fails at once.
    secret = webhook_secret(settings) if mode == "webhook" else None
    replies = Replies(load_policy(settings.shop_policy))
    # the model's calibrated thresholds; a new model or taught phrase is picked up running
    engine = IntentEngine.load(config=MatcherConfig(), overrides_path=settings.intents_overrides)
    rpc = RpcClient(
        settings.bus.broker, timeout=settings.bus.rpc_timeout, topology=settings.bus.topology
    )
    # Never fails for a missing broker: policy answers work meanwhile, order questions say
    # "temporarily unavailable" until it is there.
    await rpc.connect(wait=3)
    storage = make_storage(settings)
    if mode == "console" and settings.agents_chat_id is None:
        from bot.console import CONSOLE_AGENTS_CHAT

        # The console plays the agents' group too (/desk): the whole handoff on one machine.
        settings = settings.model_copy(update={"agents_chat_id": CONSOLE_AGENTS_CHAT})
    dp = create_dispatcher(
        settings,
        rpc=rpc,
        engine=engine,
        replies=replies,
        storage=storage,
        # The partitions keep each chat's updates in order by themselves (no lock store).
        events_isolation=DisabledEventIsolation() if mode == "partitions" else None,
    )
    reloader = IntentReloader(engine, settings.intents_reload_s, notify=ops_notice(settings))
    reloader.start()  # SIGHUP, and a look at the files every KEFU_INTENTS_RELOAD_S
    if settings.metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.metrics_port, addr="127.0.0.1")  # scrape locally or via a proxy
    try:
        if mode == "console":
            from bot.console import run_console

            locale = settings.default_locale
            policy = replies.policy
            banner = (
                replies.text("console.banner", locale, shop_name=policy.shop_name.get(locale))
                + "\n"
                + replies.text("console.hints", locale)
            )
            ops = dp["ops"]  # turn events and the heartbeat (no dispatcher startup here)
            ops.ensure_started()
            try:
                await run_console(dp, banner=banner, language=None)
            finally:
                await ops.stop()
        else:
            bot = make_bot(settings)
            try:
                if mode == "webhook":
                    assert secret is not None
                    await serve_webhook(dp, bot, settings, secret)
                elif mode == "partitions":
                    await serve_partitions(dp, bot, settings, storage)
                else:
                    await bot.delete_webhook(drop_pending_updates=False)
                    await dp.start_polling(bot, **polling_options(settings))
            finally:
                await bot.session.close()
    finally:
        await reloader.stop()
        await storage.close()
        await rpc.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--webhook", action="store_true", help="serve Telegram webhooks")
    parser.add_argument(
        "--partitions",
        action="store_true",
        help="consume the update partitions of python -m bot.ingress",
    )
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING…")
    args = parser.parse_args(argv)
    settings = BotSettings()
    try:
        mode = run_mode(settings, webhook=args.webhook, partitions=args.partitions)
    except WebhookConfigError as exc:
        parser.error(str(exc))
    console = mode == "console"
    # The console chat shares the terminal: only problems are logged there, to stderr.
    level = args.log_level or ("ERROR" if console else "INFO")
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if console and not args.log_level:
        # aiormq reports every failed reconnect at ERROR; the bus client already says it once.
        logging.getLogger("aiormq").setLevel(logging.CRITICAL)
    if mode == "partitions":
        # One line per update at INFO is aiogram's; at this volume the metrics say it.
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run(settings, webhook=args.webhook, partitions=args.partitions))
    except WebhookConfigError as exc:
        logger.error("not starting: %s", exc)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
