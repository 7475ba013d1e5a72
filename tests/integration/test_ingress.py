"""The webhook ingress (``bot.ingress``) on the real broker: Telegram's secret is checked, each
update lands whole in its chat's partition queue, and 200 goes back only after the broker has
confirmed it; otherwise 503 (Telegram sends it again)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter

import aio_pika
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.ingress import SECRET_HEADER, Ingress, IngressSettings
from bus.settings import BusSettings
from bus.topology import Topology
from bus.updates import chat_of
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support.processes import ROOT, clean_env
from tests.support.topology import new_prefix

pytestmark = pytest.mark.asyncio(loop_scope="session")

SECRET = "s3cret-token-for-tests_0123456789"


def message(update_id: int, chat_id: int, text: str = "你好") -> dict:
    user = {"id": chat_id, "is_bot": False, "first_name": "测试"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "测试"},
            "from": user,
            "text": text,
        },
    }


def button(update_id: int, chat_id: int) -> dict:
    user = {"id": chat_id, "is_bot": False, "first_name": "测试"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": user,
            "chat_instance": "1",
            "data": "x",
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": chat_id, "type": "private", "first_name": "测试"},
                "text": "?",
            },
        },
    }


@pytest.fixture
async def ingress(amqp_url, amqp_connection):
    bus = BusSettings(amqp_url=amqp_url, prefix=new_prefix(), update_partitions=4)
    settings = IngressSettings(webhook_secret=SECRET, bus=bus)
    ingress = Ingress(settings, SECRET)
    await ingress.connect(wait=10)
    assert ingress.connected
    client = TestClient(TestServer(ingress.app()))
    await client.start_server()
    try:
        yield ingress, client
    finally:
        await client.close()
        await ingress.close()
        channel = await amqp_connection.channel()
        await bus.topology.delete(channel)
        await channel.close()


async def drain(amqp_connection, topology: Topology) -> dict[int, list]:
    channel = await amqp_connection.channel()
    found: dict[int, list] = {}
    for partition in range(topology.partitions):
        queue = await channel.get_queue(topology.update_queue(partition))
        while (got := await queue.get(fail=False, no_ack=True)) is not None:
            found.setdefault(partition, []).append(got)
    await channel.close()
    return found


async def test_every_update_lands_whole_in_its_chats_partition(ingress, amqp_connection):
    ingress, client = ingress
    topology = ingress.topology
    sent = []
    for n, chat in enumerate([101, 202, 303, 404, 505, 101, 202, 101]):
        update = message(1000 + n, chat, text=f"第{n}条") if n % 3 else button(1000 + n, chat)
        body = json.dumps(update, ensure_ascii=False).encode()
        response = await client.post(
            "/telegram/webhook", data=body, headers={SECRET_HEADER: SECRET}
        )
        assert response.status == 200
        sent.append((chat, body))
    found = await drain(amqp_connection, topology)
    for partition, messages in found.items():
        for got in messages:
            update = json.loads(got.body)
            assert topology.partition_of(chat_of(update)) == partition
            assert got.message_id == str(update["update_id"])
            assert got.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    # Whole, and in each chat's order.
    by_chat: dict[int, list[bytes]] = {}
    for messages in found.values():
        for got in messages:
            by_chat.setdefault(chat_of(json.loads(got.body)), []).append(got.body)
    for chat in {c for c, _ in sent}:
        assert by_chat[chat] == [b for c, b in sent if c == chat]


async def test_wrong_or_missing_secret_is_refused_and_published_nowhere(ingress, amqp_connection):
    ingress, client = ingress
    body = json.dumps(message(1, 7)).encode()
    for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}):
        response = await client.post("/telegram/webhook", data=body, headers=headers)
        assert response.status == 401
    assert await drain(amqp_connection, ingress.topology) == {}


async def test_bad_bodies_are_refused(ingress, amqp_connection):
    ingress, client = ingress
    headers = {SECRET_HEADER: SECRET}
    for body in (b"not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}'):
        response = await client.post("/telegram/webhook", data=body, headers=headers)
        assert response.status == 400
    huge = json.dumps({"update_id": 1, "message": {"text": "x" * 2_000_000}}).encode()
    response = await client.post("/telegram/webhook", data=huge, headers=headers)
    assert response.status == 413
    assert await drain(amqp_connection, ingress.topology) == {}


async def test_503_when_the_broker_cannot_take_it(ingress, amqp_connection):
    ingress, client = ingress
    topology = ingress.topology
    body = json.dumps(message(9, 4242)).encode()
    partition = topology.partition_of(4242)
    channel = await amqp_connection.channel()
    await channel.queue_delete(topology.update_queue(partition))  # nothing to route it to
    await channel.close()
    response = await client.post("/telegram/webhook", data=body, headers={SECRET_HEADER: SECRET})
    assert response.status == 503
    assert (await client.get("/healthz")).status == 200
    await ingress.close()  # and with no broker connection at all
    response = await client.post("/telegram/webhook", data=body, headers={SECRET_HEADER: SECRET})
    assert response.status == 503
    assert (await client.get("/healthz")).status == 503


async def test_the_ingress_process_registers_its_webhook_and_takes_telegrams_calls(
    amqp_url, amqp_connection, tmp_path, unused_tcp_port
):
    """``python -m bot.ingress`` as Telegram sees it: it registers the webhook with a secret it
    generated, and the (fake) Bot API's deliveries end up in the partitions."""
    fake = FakeTelegramAPI()
    await fake.start()
    prefix = new_prefix()
    env = clean_env(
        BOT_TOKEN=fake.token,
        TELEGRAM_API_URL=fake.base_url,
        WEBHOOK_BASE_URL=f"http://127.0.0.1:{unused_tcp_port}",
        WEBHOOK_PORT=str(unused_tcp_port),
        AMQP_URL=amqp_url,
        KEFU_BUS_PREFIX=prefix,
        KEFU_UPDATE_PARTITIONS="4",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.ingress", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    topology = Topology(prefix=prefix, partitions=4)
    lines: list[str] = []
    registered = asyncio.Event()

    async def read() -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            lines.append(line.decode())
            if "webhook registered" in lines[-1]:
                registered.set()

    reader = asyncio.create_task(read())
    try:
        await asyncio.wait_for(registered.wait(), 30)
        assert (await fake.call("getWebhookInfo", {})).result["url"].endswith("/telegram/webhook")
        users = [9000 + n for n in range(5)]
        for n, user in enumerate(users):
            fake.user_says(f"问题{n}", user_id=user)
        async with asyncio.timeout(20):
            while len(fake.delivered_updates) < len(users):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        found = await drain(amqp_connection, topology)
        assert sum(len(v) for v in found.values()) == len(users)
        counts = Counter(topology.partition_of(u) for u in users)
        assert {p: len(v) for p, v in found.items()} == dict(counts)
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 20)
        await reader
        await fake.stop()
        channel = await amqp_connection.channel()
        await topology.delete(channel)
        await channel.close()
    text = "".join(lines)
    assert "webhook registered with a generated secret" in text, text
    assert process.returncode == 0, text
    assert fake.token.split(":")[1] not in text  # the token is never logged


async def test_the_ingress_refuses_to_start_without_a_secret(tmp_path):
    env = clean_env(AMQP_URL="amqp://guest:guest@127.0.0.1:1/")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.ingress", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert "WEBHOOK_SECRET" in output.decode()
