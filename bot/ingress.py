"""``python -m bot.ingress``: Telegram's webhook in front of several bot processes.

A thin aiohttp service. For every call on ``WEBHOOK_PATH`` it

1. checks Telegram's secret token (``X-Telegram-Bot-Api-Secret-Token`` against
   ``WEBHOOK_SECRET``, in constant time): anything else is answered 401 and goes nowhere;
2. reads the update's chat (the private chat of a message, a button press, an edit...; the
   user when the update has no chat) without building aiogram objects (``bus.updates``, as
   the bot processes read it);
3. publishes the update's JSON, persistent, to ``{p}.updates`` with the chat's partition as
   routing key (``Topology.partition_of``), on a channel with publisher confirms;
4. answers 200 only once the broker has confirmed it. Broker away, no queue for the
   partition, the broker refusing it, or no confirm within ``INGRESS_PUBLISH_TIMEOUT``: 503,
   and Telegram delivers the update again later (the bot handles a repeated ``update_id``
   once).

Why N queues with single active consumer rather than a consistent-hash exchange: every bot
process consumes every partition and the broker itself makes one of them the active consumer
of each, so a chat is never handled by two processes at once and a dead process's partitions
(with their unacked updates) move to the others with no coordination of ours; a
consistent-hash exchange would still need single active consumer on its queues for that, and
a plugin on every broker (managed brokers do not all offer it). The partition is computed here
(crc32 of the chat id, modulo ``KEFU_UPDATE_PARTITIONS``), where it can be tested and read.

With ``BOT_TOKEN`` and ``WEBHOOK_BASE_URL`` it registers the webhook (and its secret) with
Telegram at start; without ``WEBHOOK_SECRET`` it generates one for that (one ingress process;
several must share a configured secret). ``GET /healthz`` answers 200 while the broker is
connected. Prometheus metrics on ``INGRESS_METRICS_PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import logging
import secrets
import signal
import sys

from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from aio_pika.exceptions import AMQPError
from aiohttp import web
from prometheus_client import Counter, Histogram
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.settings import SECRET_SHAPE
from bus import amqp, updates
from bus.settings import BusSettings

logger = logging.getLogger("bot.ingress")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

UPDATES = Counter(
    "kefu_ingress_updates_total",
    "Webhook calls by outcome (published, unauthorized, bad_request, unavailable).",
    ["outcome"],
)
PUBLISH_SECONDS = Histogram(
    "kefu_ingress_publish_seconds",
    "From the call to the broker's confirm.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


class IngressSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    bot_token: SecretStr | None = Field(
        default=None, alias="BOT_TOKEN", description="Only to register the webhook."
    )
    telegram_api_url: str | None = Field(default=None, alias="TELEGRAM_API_URL")
    # Field names spell their variables: with populate_by_name a field called "path" would
    # also read $PATH.
    webhook_host: str = Field(default="127.0.0.1", alias="WEBHOOK_HOST")
    webhook_port: int = Field(default=8080, ge=1, le=65535, alias="WEBHOOK_PORT")
    webhook_path: str = Field(default="/telegram/webhook", alias="WEBHOOK_PATH")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    webhook_base_url: str | None = Field(default=None, alias="WEBHOOK_BASE_URL")
    ingress_publish_timeout: float = Field(
        default=10.0,
        gt=0,
        alias="INGRESS_PUBLISH_TIMEOUT",
        description="Seconds to wait for the broker's confirm before answering 503.",
    )
    ingress_max_update_bytes: int = Field(
        default=1024 * 1024,
        ge=16 * 1024,
        alias="INGRESS_MAX_UPDATE_BYTES",
        description="A bigger body is refused (413); Telegram's updates are a few KiB.",
    )
    ingress_metrics_port: int | None = Field(default=None, alias="INGRESS_METRICS_PORT")
    bus: BusSettings = Field(default_factory=BusSettings)

    @field_validator("webhook_secret")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SECRET_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 16 to 256 of A-Z, a-z, 0-9, _ and -")
        return value


class IngressConfigError(RuntimeError):
    """The ingress cannot start safely; the message says what to set."""


class Ingress:
    """The webhook endpoint and its confirmed publisher."""

    def __init__(self, settings: IngressSettings, secret: str) -> None:
        if not secret:
            raise IngressConfigError("a webhook without a secret token would accept anything")
        self.settings = settings
        self.topology = settings.bus.topology
        self._secret = secret.encode()
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._ready = asyncio.Event()
        self._connector: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return (
            self._ready.is_set()
            and self._connection is not None
            and not self._connection.is_closed
            and self._channel is not None
            and not self._channel.is_closed
        )

    async def connect(self, *, wait: float | None = None) -> None:
        """Connect in the background (retrying while the broker is away)."""
        if self._connector is None:
            self._connector = asyncio.create_task(self._connect_forever(), name="ingress-amqp")
        if wait:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._ready.wait()

    async def _connect_forever(self) -> None:
        delay = 0.5
        while True:
            try:
                if self._connection is None:
                    self._connection = await self.settings.bus.broker.connect(
                        f"kefu-ingress:{self.topology.prefix}"
                    )
                channel = await self._connection.channel(
                    publisher_confirms=True, on_return_raises=True
                )
                await self.topology.declare_updates(channel)
                self._channel = channel
                self._ready.set()
                logger.info(
                    "ingress publishing to %s (%d partitions)",
                    self.topology.updates_exchange,
                    self.topology.partitions,
                )
                return
            except (AMQPError, OSError, ConnectionError) as exc:
                logger.warning(
                    "ingress cannot reach the broker (%s); retrying in %.1fs", exc, delay
                )
                if self._connection is not None:
                    with contextlib.suppress(Exception):
                        await self._connection.close()
                    self._connection = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    async def close(self) -> None:
        if self._connector is not None:
            self._connector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connector
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
        self._ready.clear()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.settings.ingress_max_update_bytes)
        app.router.add_post(self.settings.webhook_path, self.handle)
        app.router.add_get("/healthz", self.health)
        return app

    async def health(self, request: web.Request) -> web.Response:
        return web.Response(status=200 if self.connected else 503)

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            UPDATES.labels("unauthorized").inc()
            return web.Response(status=401)
        try:
            body = await request.read()
            update = updates.parse(body)
        except web.HTTPRequestEntityTooLarge:
            UPDATES.labels("bad_request").inc()
            raise
        except updates.MalformedUpdate as exc:
            UPDATES.labels("bad_request").inc()
            return web.Response(status=400, text=str(exc))
        partition = self.topology.partition_of(update.lane)
        with PUBLISH_SECONDS.time():
            published = await self.publish(body, update.update_id, partition)
        if not published:
            UPDATES.labels("unavailable").inc()
            return web.Response(status=503, text="try again later")
        UPDATES.labels("published").inc()
        return web.Response(status=200)

    async def publish(self, body: bytes, update_id: int, partition: int) -> bool:
        """True once the broker has confirmed the update (persisted in its partition)."""
        channel = self._channel
        if not self.connected or channel is None:
            return False
        properties = amqp.Properties(
            content_type="application/json",
            delivery_mode=2,
            message_id=str(update_id),
            message_type=updates.UPDATE_TYPE,
        )
        try:
            async with asyncio.timeout(self.settings.ingress_publish_timeout):
                await amqp.publish_mandatory(
                    channel,
                    body,
                    exchange=self.topology.updates_exchange,
                    routing_key=str(partition),
                    properties=properties,
                )
        except amqp.Unroutable:
            logger.error("partition %d has no queue: update %d refused", partition, update_id)
            return False
        except amqp.Refused:
            logger.warning("the broker refused update %d; Telegram will resend", update_id)
            return False
        except TimeoutError:
            logger.warning("no confirm for update %d in time; Telegram will resend", update_id)
            return False
        except amqp.CHANNEL_GONE as exc:
            logger.warning("could not publish update %d (%s)", update_id, type(exc).__name__)
            return False
        return True


def ingress_secret(settings: IngressSettings) -> str:
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    if not (settings.webhook_base_url and settings.bot_token):
        raise IngressConfigError(
            "the ingress needs WEBHOOK_SECRET (the secret token registered with setWebhook), "
            "or BOT_TOKEN and WEBHOOK_BASE_URL to generate one and register it itself"
        )
    return secrets.token_urlsafe(32)


async def register_webhook(settings: IngressSettings, secret: str) -> None:
    """setWebhook with our URL and secret (needs BOT_TOKEN and WEBHOOK_BASE_URL)."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

    assert settings.bot_token is not None and settings.webhook_base_url is not None
    api_url = settings.telegram_api_url
    api = TelegramAPIServer.from_base(api_url) if api_url else None
    bot = Bot(
        settings.bot_token.get_secret_value(),
        session=AiohttpSession(api=api) if api else AiohttpSession(),
    )
    url = settings.webhook_base_url.rstrip("/") + settings.webhook_path
    try:
        await bot.set_webhook(url, secret_token=secret, drop_pending_updates=False)
    except (TelegramAPIError, TelegramNetworkError, OSError, TimeoutError) as exc:
        detail = exc.message if isinstance(exc, TelegramAPIError) else type(exc).__name__
        raise IngressConfigError(
            f"could not register the webhook with Telegram ({detail})"
        ) from None
    finally:
        await bot.session.close()
    generated = "" if settings.webhook_secret else " with a generated secret"
    logger.info("webhook registered%s", generated)


async def serve(settings: IngressSettings) -> None:
    secret = ingress_secret(settings)
    ingress = Ingress(settings, secret)
    await ingress.connect(wait=5)
    runner = web.AppRunner(ingress.app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    logger.info(
        "ingress listening on %s:%d%s",
        settings.webhook_host,
        settings.webhook_port,
        settings.webhook_path,
    )
    try:
        if settings.webhook_base_url and settings.bot_token:
            await register_webhook(settings, secret)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()  # finishes the calls in flight (their publishes) first
        await ingress.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.ingress", description=__doc__)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("aiormq").setLevel(logging.WARNING)
    logging.getLogger("aio_pika").setLevel(logging.WARNING)
    settings = IngressSettings()
    if settings.ingress_metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.ingress_metrics_port, addr="127.0.0.1")
    try:
        asyncio.run(serve(settings))
    except IngressConfigError as exc:
        logger.error("not starting: %s", exc)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
