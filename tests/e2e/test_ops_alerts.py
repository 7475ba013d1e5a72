"""Ops, as an engineer meets them: a real worker stopped (ours only, never the shared broker),
``kefu status --json`` / ``--check`` run as a command, the ops chat of the fake Bot API.

- a stopped worker shows zero consumers and a rising commands queue, ``--check`` fails;
- the ops chat gets exactly one alert and, once a worker is back, exactly one recovery — with
  two alert loops running (two bot processes), and with the one that posted the alert gone
  before the recovery (the other takes over and knows the incident);
- ``/status`` in the ops chat is the same summary; a bot process that died without a goodbye
  shows up as missing.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pexpect
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.dispatcher import create_dispatcher
from bot.ops.alerts import AlertLoop
from bot.settings import BotSettings
from bus.contracts import UrgeOrder
from bus.errors import BusTimeout
from bus.heartbeat import Heartbeat
from bus.outbox import EventOutbox
from bus.rpc import RpcClient
from bus.settings import BusSettings
from monitor.settings import MonitorSettings
from replies.render import Replies
from shop.policy import load_policy
from tests.e2e.conftest import engine
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support.cli import run_kefu
from tests.support.polling import eventually
from tests.support.topology import new_prefix
from worker import Worker, create_worker
from worker.settings import WorkerSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")

OPS_CHAT = -100_777_000
ADMIN = 4_242_001
MGMT_URL = f"http://127.0.0.1:{os.environ.get('KEFU_MGMT_PORT', '15672')}/api"
CHECK_S = 0.4
BEAT_S = 1.0
"""This module's worker and bot beat once a second. Nothing here waits on their beats (workers
are counted by their consumers); at 0.3 s the worker's beats and gauge refreshes, stored by
this same process, were the load that delayed the dying process's beats on a busy machine."""


@dataclass
class Ops:
    fake: FakeTelegramAPI
    bus: BusSettings
    monitor: MonitorSettings
    worker_settings: WorkerSettings
    worker: Worker | None
    bot: Bot
    dp: Dispatcher
    rpc: RpcClient

    def ops_texts(self) -> list[str]:
        return [m.text for m in self.fake.messages(OPS_CHAT)]

    def alerts(self) -> list[str]:
        return [t for t in self.ops_texts() if t.startswith("🔴")]

    def recoveries(self) -> list[str]:
        return [t for t in self.ops_texts() if t.startswith("✅")]

    async def start_worker(self) -> None:
        self.worker = create_worker(self.worker_settings)
        await self.worker.start()

    async def stop_worker(self) -> None:
        assert self.worker is not None
        await self.worker.stop()
        self.worker = None


async def kefu(ops: Ops, *args: str) -> tuple[int, str, str]:
    return await run_kefu(
        *args,
        AMQP_URL=ops.bus.url,
        KEFU_BUS_PREFIX=ops.bus.prefix,
        RABBITMQ_MANAGEMENT_URL=MGMT_URL,
        DATABASE_URL=ops.worker_settings.database_url,
        OPS_QUEUE_DEPTH_MAX="1000",
        OPS_QUEUE_AGE_MAX_SECONDS="3600",
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ops(amqp_url, amqp_connection, tmp_path_factory) -> AsyncIterator[Ops]:
    directory: Path = tmp_path_factory.mktemp("ops")
    bus = BusSettings(amqp_url=amqp_url, prefix=new_prefix(), KEFU_HEARTBEAT_S=BEAT_S)
    worker_settings = WorkerSettings(
        database_url=f"sqlite+aiosqlite:///{directory / 'shop.db'}", bus=bus
    )
    worker = create_worker(worker_settings)
    await worker.seed_demo()
    await worker.start()
    fake = FakeTelegramAPI(token="424243:OPS", bot_username="kefu_ops_bot")
    await fake.start()
    fake.add_chat(OPS_CHAT, type="supergroup", title="Kefu ops", bot_status="member")
    monitor = MonitorSettings(
        RABBITMQ_MANAGEMENT_URL=MGMT_URL,
        OPS_CHAT_ID=OPS_CHAT,
        ADMIN_IDS=str(ADMIN),
        OPS_CHECK_SECONDS=CHECK_S,
        OPS_QUEUE_DEPTH_MAX=1000,
        OPS_QUEUE_AGE_MAX_SECONDS=3600,
    )
    settings = BotSettings(KEFU_FLOOD_RATE=30, bus=bus, monitor=monitor)
    bot = make_bot(fake)
    rpc = RpcClient(amqp_url, timeout=5, topology=bus.topology)
    await rpc.connect(wait=10)
    dp = create_dispatcher(settings, rpc=rpc, engine=engine(), replies=Replies(load_policy()))
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    built = Ops(fake, bus, monitor, worker_settings, worker, bot, dp, rpc)
    try:
        yield built
    finally:
        try:
            await dp.stop_polling()
        except RuntimeError:
            pass
        await asyncio.wait_for(polling, 10)
        await bot.session.close()
        await rpc.close()
        if built.worker is not None:
            await built.worker.stop()
        await fake.stop()
        channel = await amqp_connection.channel()
        await bus.topology.delete(channel)
        await channel.close()


def make_bot(fake: FakeTelegramAPI) -> Bot:
    return Bot(
        fake.token,
        session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


async def test_status_in_the_ops_chat_is_the_summary_and_nothing_is_alerted(ops: Ops):
    ops.fake.user_says("/status", user_id=ADMIN, chat_id=OPS_CHAT, chat_type="supergroup")
    [answer] = await ops.fake.wait_for_messages(OPS_CHAT)
    assert f"Kefu status ({ops.bus.prefix})" in answer.text
    assert "workers: 1 on queries, 1 on commands" in answer.text
    assert "tickets: 0 open, 0 waiting" in answer.text
    assert "alerts: none" in answer.text
    assert answer.parse_mode == "HTML"
    # an admin in a private chat gets it too; a customer's /status is not answered as ops
    ops.fake.user_says("/status", user_id=ADMIN)
    [private] = await ops.fake.wait_for_messages(ADMIN)
    assert f"Kefu status ({ops.bus.prefix})" in private.text
    await asyncio.sleep(4 * CHECK_S)
    assert ops.alerts() == [] and ops.recoveries() == []


async def test_a_bot_process_that_died_shows_up_as_missing(ops: Ops):
    outbox = EventOutbox(ops.bus.url, ops.bus.topology, name="doomed-bot")
    outbox.start()
    # Missing after three beats: a second each, so that a beat delayed on a busy machine (the
    # outbox, the broker, the worker's event consumer, its database) is not taken for a death.
    doomed = Heartbeat("bot", outbox.publish, interval=1.0)
    doomed.start()

    async def state() -> str | None:
        _, out, _ = await kefu(ops, "status", "--json")
        found = [p for p in json.loads(out)["processes"] if p["process"] == doomed.process_id]
        return found[0]["state"] if found else None

    # Seen alive while it beats. The first look may come while its latest stored beat is
    # already three beats old (on a loaded machine a beat can take that long from this
    # process's outbox through the broker to the worker's record: "missing" then is the
    # product's honest answer about that record); the condition is to be seen alive, so wait
    # for that look, not for the first one.
    async def alive() -> bool:
        return await state() == "alive"

    await eventually(alive, within=60)
    assert doomed._task is not None
    doomed._task.cancel()  # dies: no goodbye
    await outbox.stop()

    async def missing() -> bool:
        return await state() == "missing"

    await eventually(missing, within=60)


async def test_a_stopped_worker_is_seen_alerted_once_and_recovered_once(ops: Ops, amqp_url):
    # A second bot process's alert loop: only one of the two may post.
    second_bot = make_bot(ops.fake)
    second = AlertLoop(
        second_bot, ops.monitor, amqp_url=amqp_url, topology=ops.bus.topology, rpc=ops.rpc
    )
    second.start()
    first = ops.dp["ops"].alerts
    assert first is not None
    await asyncio.sleep(3 * CHECK_S)
    code, out, err = await kefu(ops, "status", "--json", "--check")
    assert code == 0, (out, err)

    await ops.stop_worker()
    # Customers' commands keep coming: they wait in the durable queue.
    client = RpcClient(amqp_url, timeout=5, topology=ops.bus.topology)
    await client.connect(wait=10)

    async def send_commands(n: int) -> None:
        for _ in range(n):
            with pytest.raises(BusTimeout):
                await client.call(
                    UrgeOrder(
                        idempotency_key=f"ops-test-{uuid4().hex}",
                        order_no="KF00000001",
                        telegram_user_id=1,
                    ),
                    deadline=0.2,
                )

    await send_commands(2)
    code, out, _ = await kefu(ops, "status", "--json", "--check")
    first_look = json.loads(out)
    assert code == 1
    queues = {q["role"]: q for q in first_look["queues"]}
    assert queues["queries"]["consumers"] == 0 and not queues["queries"]["present"]
    assert queues["commands"]["consumers"] == 0
    assert first_look["workers"] == 0
    assert any("No worker is consuming" in a for a in first_look["alerts"])
    assert first_look["tickets"] is None  # nobody to ask: said, not guessed
    await send_commands(3)

    async def risen() -> dict | None:
        _, out, _ = await kefu(ops, "status", "--json")
        look = json.loads(out)
        commands = next(q for q in look["queues"] if q["role"] == "commands")
        return look if commands["messages"] > queues["commands"]["messages"] else None

    await eventually(risen, within=20)

    await ops.fake.wait_until(lambda: ops.alerts(), timeout=15, what="the alert")
    assert len(ops.alerts()) == 1, ops.ops_texts()
    [alert] = ops.alerts()
    # The worker's consumers stop one by one: the alert names whichever of its queues the
    # bot's check saw idle first (once per incident, so later ones don't make a second alert).
    worker_queues = (ops.bus.topology.commands_queue, ops.bus.topology.queries_queue, ".ops.")
    assert "No worker is consuming" in alert and any(q in alert for q in worker_queues)
    assert "what to do: start a worker: python -m worker" in alert  # the next step, not only what

    # The loop that posted goes away (its process died); the other takes over.
    poster = first if first.checks >= second.checks else second
    survivor = second if poster is first else first
    await poster.stop()
    await asyncio.sleep(4 * CHECK_S)
    assert len(ops.alerts()) == 1, ops.alerts()

    await ops.start_worker()
    await ops.fake.wait_until(lambda: ops.recoveries(), timeout=15, what="the recovery")
    await asyncio.sleep(4 * CHECK_S)
    assert len(ops.alerts()) == 1 and len(ops.recoveries()) == 1, ops.ops_texts()
    assert "No worker is consuming" in ops.recoveries()[0]
    assert survivor.checks > 0

    async def drained() -> bool:
        _, out, _ = await kefu(ops, "status", "--json", "--check")
        look = json.loads(out)
        commands = next(q for q in look["queues"] if q["role"] == "commands")
        return commands["messages"] == 0 and look["workers"] == 1

    await eventually(drained, within=20)
    await client.close()
    if survivor is second:
        await second.stop()
    await second_bot.session.close()


async def test_status_watch_refreshes_in_place(ops: Ops):
    """``kefu status --watch`` in a terminal: the table is drawn again in place (rich Live:
    the cursor moves back up over it) with a new time, until Ctrl-C, which ends it cleanly."""
    env = dict(
        os.environ,
        AMQP_URL=ops.bus.url,
        KEFU_BUS_PREFIX=ops.bus.prefix,
        RABBITMQ_MANAGEMENT_URL=MGMT_URL,
        PYTHONUNBUFFERED="1",
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "ops.cli", "status", "--watch", "--interval", "0.3"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(60, 160),
    )
    try:
        stamps = set()
        while len(stamps) < 2:
            await child.expect(r"Kefu status \(\S+\) at (\S+ \S+) UTC", async_=True)
            stamps.add(child.match.group(1))
        await child.expect(r"\x1b\[\d*A", async_=True)  # cursor up: redrawn where it was
        await child.expect("workers: 1 on queries", async_=True)
        child.sendintr()
        await child.expect(pexpect.EOF, async_=True)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
