"""Webhook mode with FSM state in Redis, as real processes: ``python -m bot --webhook`` behind
the fake Bot API; a conversation started on one bot process is finished by another, because
the flow's state lives in Redis (a real redis-server started for this test)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
from pathlib import Path

import pytest
import pytest_asyncio

from tests.e2e.conftest import Customer
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.integration.conftest import create_order, start_shop, stop_shop
from tests.logscan import SCAN
from tests.support import topology

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (bash scripts/redis.sh start installs it)")
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = await asyncio.create_subprocess_exec(
        server,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(directory),
        stdout=asyncio.subprocess.DEVNULL,
    )
    import redis.asyncio as redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            if await client.ping():
                break
        except redis.ConnectionError:
            await asyncio.sleep(0.05)
    await client.aclose()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        await process.wait()


async def start_bot(fake: FakeTelegramAPI, redis_url: str, amqp_url: str, prefix: str):
    port = free_port()
    env = dict(os.environ)
    env.update(
        BOT_TOKEN=fake.token,
        TELEGRAM_API_URL=fake.base_url,
        REDIS_URL=redis_url,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_SECRET="e2e-secret-0123456789",
        AMQP_URL=amqp_url,
        KEFU_BUS_PREFIX=prefix,
    )
    # The process logs at INFO to stderr: into a file the run's privacy scan reads.
    with SCAN.log_file("bot-webhook").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--webhook",
            cwd=str(ROOT),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
    await fake.wait_for_call(
        "setWebhook", timeout=90, predicate=lambda call: str(port) in str(call)
    )
    return process


async def stop_bot(process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


async def test_a_flow_started_on_one_bot_process_finishes_on_another(
    redis_url, amqp_url, amqp_connection, tmp_path_factory
) -> None:
    shop = await start_shop(amqp_url, tmp_path_factory.mktemp("webhook"))
    fake = FakeTelegramAPI(token="515151:WEBHOOK")
    await fake.start()
    prefix = shop.worker.topology.prefix
    first = second = None
    try:
        order = await create_order(shop, kind="regular", state="shipped")
        first = await start_bot(fake, redis_url, amqp_url, prefix)
        customer = Customer(fake, 880_001)
        [ask] = await customer.says(f"订单{order.order_no}到哪了")
        assert "后四位" in ask.text

        await stop_bot(first)  # this process goes; the next one picks the chat up
        second = await start_bot(fake, redis_url, amqp_url, prefix)
        [card] = await customer.says(order.phone[-4:])
        assert order.order_no in card.text
        # The webhook calls carried the secret; the process checked it.
        assert fake.delivered_updates
    finally:
        for process in (first, second):
            if process is not None:
                await stop_bot(process)
        await fake.stop()
        await stop_shop(shop, amqp_connection)


async def test_python_m_bot_long_polling_against_the_bot_api_url(amqp_url) -> None:
    """`BOT_TOKEN=… TELEGRAM_API_URL=… python -m bot`: long polling, as a real process."""
    fake = FakeTelegramAPI(token="626262:POLLING")
    await fake.start()
    prefix = topology.new_prefix()  # no worker serves it: the bot declares its own queues
    env = dict(os.environ)
    env.update(
        BOT_TOKEN=fake.token,
        TELEGRAM_API_URL=fake.base_url,
        AMQP_URL=amqp_url,
        KEFU_BUS_PREFIX=prefix,
    )
    env.pop("REDIS_URL", None)
    with SCAN.log_file("bot-polling").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=str(ROOT),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
    try:
        await fake.wait_for_call("getUpdates", timeout=90)
        customer = Customer(fake, 880_002)
        [welcome] = await customer.says("/start")
        assert "可芙小店" in welcome.text
        [answer] = await customer.says("可以货到付款吗")  # no worker needed for policy
        assert "支付宝" in answer.text
    finally:
        await stop_bot(process)
        await fake.stop()
        topology.drop(prefix)  # (it left two dead-letter queues under a fixed name every run)
    assert process.returncode == 0
