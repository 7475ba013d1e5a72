"""Issue 11, hole 2: webhook mode without ``WEBHOOK_SECRET`` accepted forged updates (a
contact naming a customer's phone, then ``/orders``: the account was taken over).

Every configuration against the fake Bot API, with the bot's real webhook server: a generated
secret registered with ``setWebhook``, a configured one (registered by the bot, or by the
operator), and none at all (refuses to start). Telegram's own deliveries carry the secret and
are answered; requests without it or with a wrong one are refused before any handler runs.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

import pytest
from aiohttp import ClientSession

from bot.__main__ import WebhookConfigError, make_bot, start_webhook, webhook_secret
from bot.dispatcher import create_dispatcher
from bot.settings import BotSettings
from replies.render import Replies
from shop.policy import load_policy
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support.bot import engine

ROOT = Path(__file__).resolve().parents[2]
CONFIGURED = "shop-secret_0123456789abcdef"
FORGER = 910_001


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoBus:
    """Nothing in these conversations may reach the worker: every call is recorded."""

    def __init__(self) -> None:
        self.calls: list[object] = []

    async def call(self, request: object) -> object:
        self.calls.append(request)
        raise AssertionError(f"a webhook test reached the bus: {request!r}")


def forged_updates(user_id: int) -> list[dict]:
    """The takeover of the report: the sender's own id on someone's phone, then /orders."""
    chat = {"id": user_id, "type": "private", "first_name": "Mallory"}
    sender = {"id": user_id, "is_bot": False, "first_name": "Mallory"}
    base = {"date": int(time.time()), "chat": chat, "from": sender}
    return [
        {
            "update_id": 9_000_001,
            "message": {
                **base,
                "message_id": 1,
                "contact": {
                    "phone_number": "+8613900000001",
                    "first_name": "Mallory",
                    "user_id": user_id,
                },
            },
        },
        {
            "update_id": 9_000_002,
            "message": {
                **base,
                "message_id": 2,
                "text": "/orders",
                "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
            },
        },
    ]


class Running:
    def __init__(self, fake: FakeTelegramAPI, settings: BotSettings) -> None:
        self.fake = fake
        self.settings = settings
        self.bus = NoBus()
        self.bot = make_bot(settings)
        self.dp = create_dispatcher(
            settings, rpc=self.bus, engine=engine(), replies=Replies(load_policy())
        )
        self.runner = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.webhook_port}{self.settings.webhook_path}"

    async def start(self) -> str:
        secret = webhook_secret(self.settings)
        self.runner = await start_webhook(self.dp, self.bot, self.settings, secret)
        return secret

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
        await self.bot.session.close()

    async def post(self, update: dict, secret: str | None) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with ClientSession() as session:
            async with session.post(self.url, json=update, headers=headers) as response:
                return response.status


def settings_for(fake: FakeTelegramAPI, *, base_url: bool, secret: str | None) -> BotSettings:
    port = free_port()
    values = {
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.base_url,
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": port,
        "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}" if base_url else None,
        "WEBHOOK_SECRET": secret,
    }
    return BotSettings(**values)


@pytest.fixture
async def fake():
    api = FakeTelegramAPI(token="737373:WEBHOOK-SEC")
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


async def assert_forgeries_refused(running: Running, secret: str) -> None:
    for update in forged_updates(FORGER):
        assert await running.post(update, None) == 401  # no header
        assert await running.post(update, "guessed-secret-0123456789") == 401  # wrong
        assert await running.post(update, secret[:-1]) == 401  # nearly right
    await running.fake.assert_no_new_messages(FORGER, wait=0.5)
    assert running.bus.calls == []


@pytest.mark.parametrize("configured", [None, CONFIGURED], ids=["generated", "configured"])
async def test_the_bot_registers_its_secret_and_refuses_requests_without_it(fake, configured):
    running = Running(fake, settings_for(fake, base_url=True, secret=configured))
    try:
        secret = await running.start()
        [registered] = [c for c in fake.calls_of("setWebhook") if c.ok]
        assert registered.params["secret_token"] == secret
        if configured is None:
            assert len(secret) >= 32 and secret != CONFIGURED
        else:
            assert secret == CONFIGURED
        info = await fake.call("getWebhookInfo", {})
        assert info.result["url"] == running.url
        await assert_forgeries_refused(running, secret)
        # Telegram's own deliveries carry the secret and are answered.
        fake.user_says("/start", user_id=910_002)
        [welcome] = await fake.wait_for_messages(910_002, timeout=15)
        assert "可芙小店" in welcome.text
    finally:
        await running.stop()


async def test_a_configured_secret_without_a_base_url_serves_and_still_checks(fake):
    """The operator registered the webhook (and its secret) themselves."""
    running = Running(fake, settings_for(fake, base_url=False, secret=CONFIGURED))
    try:
        secret = await running.start()
        assert fake.calls_of("setWebhook") == []
        await assert_forgeries_refused(running, secret)
        await fake.call("setWebhook", {"url": running.url, "secret_token": CONFIGURED})
        fake.user_says("/start", user_id=910_003)
        [welcome] = await fake.wait_for_messages(910_003, timeout=15)
        assert "可芙小店" in welcome.text
    finally:
        await running.stop()


async def test_no_secret_and_no_base_url_refuses_to_start(fake):
    settings = settings_for(fake, base_url=False, secret=None)
    with pytest.raises(WebhookConfigError) as refused:
        webhook_secret(settings)
    assert "WEBHOOK_SECRET" in str(refused.value) and "WEBHOOK_BASE_URL" in str(refused.value)
    # The process says so and exits, before it connects or listens anywhere.
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBHOOK_")}
    env.update(BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.base_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--webhook",
        cwd=str(ROOT),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert b"WEBHOOK_SECRET" in stderr and b"not starting" in stderr
    assert fake.calls_of("setWebhook") == [] and fake.calls_of("getMe") == []


async def test_a_webhook_that_cannot_be_registered_does_not_serve(fake):
    running = Running(fake, settings_for(fake, base_url=True, secret=None))
    fake.fail_next("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host")
    try:
        with pytest.raises(WebhookConfigError) as refused:
            await running.start()
        assert "could not register" in str(refused.value)
        # Nothing listens any more: a forged update cannot even connect.
        with pytest.raises(OSError):
            await running.post(forged_updates(FORGER)[0], None)
    finally:
        await running.stop()


def test_a_weak_configured_secret_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        BotSettings(WEBHOOK_SECRET="secret")
    assert "16 to 256" in str(refused.value)
    assert "'secret'" not in str(refused.value)  # never echoed
