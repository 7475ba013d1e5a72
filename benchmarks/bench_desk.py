"""The agents' desk, timed end to end, against a bare aiogram bot doing the same Telegram work.

Everything goes through aiogram's real aiohttp session to the local fake Bot API
(``tests/fakes/telegram_api.py``); the worker is a real ``python -m worker`` process on a temp
SQLite database and the RabbitMQ at ``AMQP_URL``. Times are taken where Telegram would see
them: when the fake receives the customer's or the agent's message, and when it receives the
bot's call that delivers it (the card's ``sendMessage``, the relay's ``copyMessage``).

* **escalation → card**: ``--customers`` customers (default 50) ask for a person at the same
  moment; from each message to their topic's context card (ticket in the worker, the
  ``ticket.opened`` event, ``createForumTopic``, the compare-and-set bind, the card).
* **relay in / out**: a customer's message to the copy in their topic, and an agent's message
  to the copy in the customer's chat; one at a time (latency), ``--messages`` each.

Rows: **bare aiogram** (one handler: ``createForumTopic`` + ``sendMessage`` for an
escalation, ``copyMessage`` for a relay; no bus, no database), **Kefu, one bot process**
(polling, memory storage), **Kefu, two bot processes** (two dispatchers — each its own Bot
session, bus client, Redis storage client and desk consumer — sharing Redis behind a
round-robin update source that ignores chats). The two "processes" share this benchmark's
event loop with the fake Bot API, so their row shows what the shared state costs (Redis, the
competing consumers, the compare-and-set), not a scaling figure. A report: exit code 0
whatever the figures.

```
.venv/bin/python benchmarks/bench_desk.py                 # 50 customers, 100 messages each way
.venv/bin/python benchmarks/bench_desk.py --customers 20 --messages 30 --json
```
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import Message

from bot.dispatcher import create_dispatcher
from bot.settings import BotSettings
from bus.contracts import ListQueue
from bus.errors import BusError
from bus.rpc import RpcClient
from bus.settings import BusSettings
from intents import IntentEngine
from tests.e2e.desk import AGENTS, BotProcesses, always_open_replies, redis_url
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support.topology import drop

ROOT = Path(__file__).resolve().parents[1]
AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
AGENT_ID = 9_900_001
WAIT = 60.0


@dataclass
class Figures:
    row: str
    escalation_p50_ms: float
    escalation_p99_ms: float
    escalation_max_ms: float
    relay_in_p50_ms: float
    relay_in_p99_ms: float
    relay_out_p50_ms: float
    relay_out_p99_ms: float


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


class Clock:
    """Times the fake Bot API's calls as they arrive, indexed for the measurements."""

    def __init__(self, fake: FakeTelegramAPI) -> None:
        self.cards: dict[str, float] = {}  # customer name → card time
        self.copies: dict[tuple[int, int], float] = {}  # (from chat, message id) → copy time
        original = fake.call

        async def timed(method: str, params: dict[str, Any]):
            call = await original(method, params)
            now = time.perf_counter()
            if not call.ok:
                return call
            lowered = method.lower()
            if lowered == "sendmessage" and params.get("chat_id") == AGENTS:
                text = params.get("text") or ""
                if "🆕" in text or "NEW" in text:
                    for line in text.splitlines():
                        if "（Telegram）" in line or "(Telegram)" in line:
                            name = line.split("：", 1)[-1].split("（", 1)[0]
                            self.cards.setdefault(name, now)
            elif lowered == "copymessage":
                self.copies.setdefault((params["from_chat_id"], params["message_id"]), now)
            elif lowered == "copymessages":
                for message_id in params.get("message_ids") or []:
                    self.copies.setdefault((params["from_chat_id"], message_id), now)
            return call

        fake.call = timed  # type: ignore[method-assign]


async def wait_for(fake: FakeTelegramAPI, ready: Callable[[], Any], what: str) -> None:
    await fake.wait_until(ready, WAIT, what)


def bare_router(topic_of: dict[int, int], customer_of: dict[int, int]) -> Router:
    """What the desk does on Telegram, and nothing else."""
    router = Router(name="bare")

    @router.message(F.chat.type == "private", F.text.startswith("我要转人工"))
    async def escalate(message: Message, bot: Bot) -> None:
        name = message.from_user.first_name if message.from_user else "?"
        topic = await bot.create_forum_topic(AGENTS, f"{name} · 转人工")
        topic_of[message.chat.id] = topic.message_thread_id
        customer_of[topic.message_thread_id] = message.chat.id
        await bot.send_message(
            AGENTS, f"🆕 工单\n客户：{name}（Telegram）", message_thread_id=topic.message_thread_id
        )

    @router.message(F.chat.type == "private")
    async def relay_in(message: Message, bot: Bot) -> None:
        await bot.copy_message(
            AGENTS,
            message.chat.id,
            message.message_id,
            message_thread_id=topic_of[message.chat.id],
        )

    @router.message(F.chat.id == AGENTS)
    async def relay_out(message: Message, bot: Bot) -> None:
        chat = customer_of.get(message.message_thread_id or 0)
        if chat is not None:
            await bot.copy_message(chat, AGENTS, message.message_id)

    return router


DATABASE = {"postgres": False}


@contextlib.asynccontextmanager
async def database(directory: Path):
    """A temp SQLite file, or (``--postgres``) a fresh database on the tests' PostgreSQL."""
    if not DATABASE["postgres"]:
        yield f"sqlite+aiosqlite:///{directory / 'desk.db'}"
        return
    from tests.integration.conftest import postgres_database

    name = f"kefu_bench_{uuid.uuid4().hex[:10]}"
    url = await postgres_database(name)
    try:
        yield url
    finally:
        await postgres_database(name, drop=True)


async def start_worker(prefix: str, url: str) -> asyncio.subprocess.Process:
    env = dict(os.environ)
    env.update(AMQP_URL=AMQP_URL, KEFU_BUS_PREFIX=prefix, DATABASE_URL=url)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "worker",
        "--log-level",
        "WARNING",
        cwd=str(ROOT),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    bus = BusSettings(AMQP_URL=AMQP_URL, KEFU_BUS_PREFIX=prefix)
    rpc = RpcClient(bus.url, timeout=2, topology=bus.topology)
    await rpc.connect(wait=10)
    try:
        for _ in range(300):
            with contextlib.suppress(BusError):
                await rpc.call(ListQueue())
                return process
            await asyncio.sleep(0.1)
        raise RuntimeError("the worker did not start")
    finally:
        await rpc.close()


def new_bot(fake: FakeTelegramAPI) -> Bot:
    return Bot(
        fake.token,
        session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


async def measure(
    row: str,
    fake: FakeTelegramAPI,
    clock: Clock,
    customers: int,
    messages: int,
    user_base: int,
    topic_for: Callable[[int], Any],
) -> Figures:
    """Escalations at once, then relays one at a time."""
    names = {user_base + n: f"顾客{user_base + n}" for n in range(customers)}
    sent: dict[str, float] = {}
    for user_id, name in names.items():
        sent[name] = time.perf_counter()
        fake.user_says("我要转人工", user_id=user_id, first_name=name)
    await wait_for(fake, lambda: all(n in clock.cards for n in names.values()), "every card")
    escalation = [clock.cards[n] - sent[n] for n in names.values()]

    relay_in, relay_out = [], []
    chosen = list(names)[: min(10, customers)]
    topics = {user_id: await topic_for(user_id) for user_id in chosen}
    for n in range(messages):
        user_id = chosen[n % len(chosen)]
        started = time.perf_counter()
        message_id = fake.user_says(f"第{n}条消息", user_id=user_id, first_name=names[user_id])
        await wait_for(fake, lambda u=user_id, m=message_id: (u, m) in clock.copies, "relay in")
        relay_in.append(clock.copies[(user_id, message_id)] - started)
    for n in range(messages):
        user_id = chosen[n % len(chosen)]
        started = time.perf_counter()
        message_id = fake.user_says(
            f"第{n}条回复",
            user_id=AGENT_ID,
            first_name="小美",
            chat_id=AGENTS,
            chat_type="supergroup",
            message_thread_id=topics[user_id],
        )
        await wait_for(fake, lambda m=message_id: (AGENTS, m) in clock.copies, "relay out")
        relay_out.append(clock.copies[(AGENTS, message_id)] - started)
    return Figures(
        row,
        pct(escalation, 0.5),
        pct(escalation, 0.99),
        round(max(escalation) * 1000, 1),
        pct(relay_in, 0.5),
        pct(relay_in, 0.99),
        pct(relay_out, 0.5),
        pct(relay_out, 0.99),
    )


def new_fake() -> tuple[FakeTelegramAPI, Clock]:
    fake = FakeTelegramAPI(token="565656:BENCH", bot_username="kefu_bench_bot")
    return fake, Clock(fake)


async def prepare(fake: FakeTelegramAPI) -> None:
    await fake.start()
    fake.add_chat(AGENTS, type="supergroup", title="客服工作台", is_forum=True)
    fake.add_user(AGENT_ID, "小美")
    fake.set_chat_member(AGENTS, AGENT_ID, "member")


async def bare_row(customers: int, messages: int) -> Figures:
    fake, clock = new_fake()
    await prepare(fake)
    topic_of: dict[int, int] = {}
    customer_of: dict[int, int] = {}
    dp = Dispatcher()
    dp.include_router(bare_router(topic_of, customer_of))
    bot = new_bot(fake)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    try:

        async def topic_for(user_id: int) -> int:
            return topic_of[user_id]

        return await measure("bare aiogram", fake, clock, customers, messages, 100_000, topic_for)
    finally:
        await dp.stop_polling()
        await polling
        await bot.session.close()
        await fake.stop()


def kefu_settings(bus: BusSettings) -> dict[str, Any]:
    return {
        "AGENTS_CHAT_ID": AGENTS,
        "KEFU_FLOOD_RATE": 1000,
        "HANDOFF_SLA_SECONDS": 3600,
        "HANDOFF_IDLE_SECONDS": 3600,
        "bus": bus,
    }


def topic_lookup(fake: FakeTelegramAPI, names: Callable[[int], str]):
    async def topic_for(user_id: int) -> int:
        # The card names the customer: its topic is theirs.
        for message in fake.messages(AGENTS):
            if names(user_id) in message.text and message.message_thread_id:
                return message.message_thread_id
        raise AssertionError(f"no topic for {user_id}")

    return topic_for


@contextlib.asynccontextmanager
async def worker_on_the_bus():
    """A ``python -m worker`` on a fresh database and a bus prefix of its own."""
    prefix = f"bench{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory() as tmp:
        async with database(Path(tmp)) as url:
            worker = await start_worker(prefix, url)
            try:
                yield BusSettings(AMQP_URL=AMQP_URL, KEFU_BUS_PREFIX=prefix), Path(tmp)
            finally:
                worker.terminate()
                await worker.wait()
                with contextlib.suppress(Exception):  # the run's queues, off the broker
                    drop(prefix)


async def kefu_one(customers: int, messages: int, engine: IntentEngine) -> Figures:
    async with worker_on_the_bus() as (bus, _):
        fake, clock = new_fake()
        await prepare(fake)
        rpc = RpcClient(bus.url, timeout=5, topology=bus.topology)
        await rpc.connect(wait=10)
        settings = BotSettings(**kefu_settings(bus))
        dp = create_dispatcher(settings, rpc=rpc, engine=engine, replies=always_open_replies())
        bot = new_bot(fake)
        polling = asyncio.create_task(
            dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
        )
        try:
            for _ in range(200):  # the desk starts with the polling
                if dp["desk"].bot is not None:
                    break
                await asyncio.sleep(0.05)
            await dp["desk"].ready()
            return await measure(
                "Kefu, one bot process",
                fake,
                clock,
                customers,
                messages,
                200_000,
                topic_lookup(fake, lambda u: f"顾客{u}"),
            )
        finally:
            await dp.stop_polling()
            await polling
            await bot.session.close()
            await rpc.close()
            await fake.stop()


async def kefu_two(customers: int, messages: int) -> Figures:
    async with worker_on_the_bus() as (bus, tmp):
        fake, clock = new_fake()
        await prepare(fake)
        try:
            async with redis_url(tmp) as redis:
                processes = BotProcesses(
                    fake, bus, redis, KEFU_FLOOD_RATE=1000, DESK_CHECK_SECONDS=5
                )
                await processes.start()
                try:
                    return await measure(
                        "Kefu, two bot processes",
                        fake,
                        clock,
                        customers,
                        messages,
                        300_000,
                        topic_lookup(fake, lambda u: f"顾客{u}"),
                    )
                finally:
                    await processes.stop()
        finally:
            await fake.stop()


def show(rows: list[Figures]) -> None:
    print(
        f"{'row':<26}{'escalation→card p50/p99/max (ms)':>36}"
        f"{'relay in p50/p99':>20}{'relay out p50/p99':>20}"
    )
    for r in rows:
        print(
            f"{r.row:<26}"
            f"{f'{r.escalation_p50_ms} / {r.escalation_p99_ms} / {r.escalation_max_ms}':>36}"
            f"{f'{r.relay_in_p50_ms} / {r.relay_in_p99_ms}':>20}"
            f"{f'{r.relay_out_p50_ms} / {r.relay_out_p99_ms}':>20}"
        )
    bare = rows[0]
    for r in rows[1:]:
        print(
            f"{r.row}: escalation p50 {r.escalation_p50_ms / bare.escalation_p50_ms:.1f}x, "
            f"relay in p50 {r.relay_in_p50_ms / bare.relay_in_p50_ms:.1f}x, "
            f"relay out p50 {r.relay_out_p50_ms / bare.relay_out_p50_ms:.1f}x the bare bot"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--no-two", action="store_true", help="skip the two-process row")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="the worker on PostgreSQL (KEFU_TEST_POSTGRES_URL, scripts/postgres.sh) "
        "instead of SQLite",
    )
    args = parser.parse_args()
    DATABASE["postgres"] = args.postgres
    engine = IntentEngine.load()
    rows = [await bare_row(args.customers, args.messages)]
    rows.append(await kefu_one(args.customers, args.messages, engine))
    if not args.no_two:
        rows.append(await kefu_two(args.customers, args.messages))
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False))
    else:
        show(rows)


if __name__ == "__main__":
    asyncio.run(main())
