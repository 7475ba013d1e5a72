"""``python -m bot``: Telegram long polling with ``BOT_TOKEN``; ``--webhook`` serves Telegram
webhooks (aiohttp) for several bot processes; with no token, a console chat in this terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.dispatcher import create_dispatcher
from bot.settings import BotSettings
from bus.rpc import RpcClient
from intents import IntentEngine, MatcherConfig
from replies.policy import load_policy
from replies.render import Replies

logger = logging.getLogger("bot")


def make_storage(settings: BotSettings) -> BaseStorage:
    """Redis when ``REDIS_URL`` is set (several bot processes), memory otherwise."""
    if not settings.redis_url:
        return MemoryStorage()
    from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

    # with_destiny: the bot keeps its chat memory apart from the FSM data (see ChatMemory).
    return RedisStorage.from_url(
        settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True)
    )


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


def make_rpc(settings: BotSettings) -> RpcClient:
    bus = settings.bus
    return RpcClient(
        bus.url,
        timeout=bus.rpc_timeout,
        topology=bus.topology,
    )


def build_webhook_app(dp: Dispatcher, bot: Bot, settings: BotSettings) -> web.Application:
    """The aiohttp application that takes Telegram's webhook calls (checking the secret)."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(
        app, path=settings.webhook_path
    )
    setup_application(app, dp, bot=bot)
    return app


async def serve_webhook(dp: Dispatcher, bot: Bot, settings: BotSettings) -> None:
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    app = build_webhook_app(dp, bot, settings)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    if settings.webhook_base_url:
        url = settings.webhook_base_url.rstrip("/") + settings.webhook_path
        await bot.set_webhook(url, secret_token=secret, drop_pending_updates=False)
        logger.info("webhook set")
    logger.info(
        "serving webhooks on %s:%d%s",
        settings.webhook_host,
        settings.webhook_port,
        settings.webhook_path,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Kefu runs on Linux (Debian) only
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


async def run(settings: BotSettings, *, webhook: bool = False) -> None:
    replies = Replies(load_policy(settings.shop_policy))
    engine = IntentEngine.load(config=MatcherConfig())  # the model's calibrated thresholds
    rpc = make_rpc(settings)
    # Never fails for a missing broker: policy answers work meanwhile, order questions say
    # "temporarily unavailable" until it is there.
    await rpc.connect(wait=3)
    storage = make_storage(settings)
    dp = create_dispatcher(settings, rpc=rpc, engine=engine, replies=replies, storage=storage)
    if settings.metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.metrics_port, addr="127.0.0.1")  # scrape locally or via a proxy
    try:
        if settings.bot_token is None:
            from bot.console import run_console

            locale = settings.default_locale
            policy = replies.policy
            banner = (
                replies.text("console.banner", locale, shop_name=policy.shop_name.get(locale))
                + "\n"
                + replies.text("console.hints", locale)
            )
            await run_console(dp, banner=banner, language=None)
        else:
            bot = make_bot(settings)
            try:
                if webhook:
                    await serve_webhook(dp, bot, settings)
                else:
                    await bot.delete_webhook(drop_pending_updates=False)
                    await dp.start_polling(bot)
            finally:
                await bot.session.close()
    finally:
        await storage.close()
        await rpc.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--webhook", action="store_true", help="serve Telegram webhooks")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING…")
    args = parser.parse_args(argv)
    settings = BotSettings()
    console = settings.bot_token is None
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
    if console and args.webhook:
        parser.error("--webhook needs BOT_TOKEN")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(settings, webhook=args.webhook))


if __name__ == "__main__":
    main()
