"""Helpers for the agents' desk end-to-end tests: a stack with ``AGENTS_CHAT_ID`` set (a forum
supergroup in the fake Bot API, the bot an admin there), agents who are members of it, and
ways to find a ticket's topic and wait for what appears in it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from sqlalchemy import select

from bus.rpc import RpcClient
from bus.settings import BusSettings
from replies.render import Replies
from shop.policy import ServiceHours, load_policy
from tests.e2e.conftest import Customer, Stack, start_stack
from tests.fakes.telegram_api import FakeTelegramAPI, SentMessage
from worker.db.models import Ticket

AGENTS = -100_555_000_001
WAIT = 15.0
TICKET_NO = re.compile(r"T\d{13,}")
_agent_ids = itertools.count(7_001)


def always_open_replies() -> Replies:
    """The demo shop, with people on duty at any hour: what the tests see does not depend on
    when they run."""
    policy = load_policy()
    hours = ServiceHours(
        timezone=policy.service_hours.timezone,
        days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        open=time(0, 0),
        close=time(23, 59, 59),
    )
    return Replies(policy.model_copy(update={"service_hours": hours}))


def ticket_no_in(text: str) -> str:
    found = TICKET_NO.search(text)
    assert found, f"no ticket number in {text!r}"
    return found.group(0)


@dataclass
class AgentUser:
    """A member of the agents' group."""

    fake: FakeTelegramAPI
    user_id: int
    name: str

    def says(self, text: str, topic: int | None) -> int:
        return self.fake.user_says(
            text,
            user_id=self.user_id,
            chat_id=AGENTS,
            chat_type="supergroup",
            message_thread_id=topic,
            first_name=self.name,
        )

    def sends_photo(self, topic: int, caption: str | None = None) -> int:
        return self.fake.user_sends_photo(
            user_id=self.user_id, chat_id=AGENTS, chat_type="supergroup",
            message_thread_id=topic, caption=caption,
        )

    def sends_album(self, topic: int, count: int = 2) -> list[int]:
        return self.fake.user_sends_album(
            count, user_id=self.user_id, chat_id=AGENTS, chat_type="supergroup",
            message_thread_id=topic,
        )

    def presses(self, message: SentMessage, button: str) -> str:
        return self.fake.user_presses_button(message, button, user_id=self.user_id)


class DeskView:
    """What the agents' group shows."""

    def __init__(self, fake: FakeTelegramAPI) -> None:
        self.fake = fake

    def agent(self, name: str, status: str = "member") -> AgentUser:
        user_id = next(_agent_ids)
        self.fake.add_user(user_id, name)
        self.fake.set_chat_member(AGENTS, user_id, status)
        return AgentUser(self.fake, user_id, name)

    def topics_of(self, ticket_no: str) -> list[int]:
        return [tid for tid, t in self.fake.topics(AGENTS).items() if ticket_no in t["name"]]

    async def topic_of(self, ticket_no: str) -> int:
        """The ticket's one topic, once its card is there."""
        await self.fake.wait_until(
            lambda: any(
                m.message_thread_id == tid and ticket_no in m.text
                for tid in self.topics_of(ticket_no)
                for m in self.fake.messages(AGENTS)
            ),
            WAIT,
            f"the topic and card of {ticket_no}",
        )
        [topic] = self.topics_of(ticket_no)
        return topic

    def in_topic(self, topic: int | None) -> list[SentMessage]:
        return [m for m in self.fake.messages(AGENTS) if m.message_thread_id == topic]

    async def wait_in_topic(
        self, topic: int | None, contains: str = "", *, kind: str | None = None, after: int = 0
    ) -> SentMessage:
        """The first bot message in ``topic`` (None: General) past message id ``after`` that
        contains ``contains`` (and is of ``kind``)."""

        def found() -> SentMessage | None:
            for m in self.in_topic(topic):
                if m.message_id > after and contains in m.text and kind in (None, m.kind):
                    return m
            return None

        return await self.fake.wait_until(found, WAIT, f"{contains!r} in topic {topic}")

    def card(self, topic: int) -> SentMessage:
        return next(m for m in self.in_topic(topic) if m.inline_buttons or "🆕" in m.text)


async def start_desk_stack(
    amqp_url: str, directory: Path, **settings: Any
) -> tuple[Stack, asyncio.Task[None]]:
    fake = FakeTelegramAPI(token="434343:DESK", bot_username="kefu_desk_bot")
    await fake.start()
    fake.add_chat(AGENTS, type="supergroup", title="可芙客服台", is_forum=True)
    options = {
        "AGENTS_CHAT_ID": AGENTS,
        "HANDOFF_SLA_SECONDS": 3600,
        "HANDOFF_IDLE_SECONDS": 3600,
        "DESK_CHECK_SECONDS": 0.2,
        **settings,
    }
    stack, polling = await start_stack(
        amqp_url, directory, fake=fake, replies=always_open_replies(), **options
    )
    await desk_ready(stack)
    return stack, polling


async def desk_ready(stack: Stack) -> None:
    desk = stack.dp["desk"]
    for _ in range(200):
        if desk.bot is not None:
            break
        await asyncio.sleep(0.05)
    await desk.ready()


async def escalate(stack: Stack, customer: Customer, text: str = "我要转人工") -> str:
    """The customer asks for a person; returns the ticket number from the bot's answer."""
    [answer] = await customer.says(text)
    return ticket_no_in(answer.text)


async def ticket_row(stack: Stack, ticket_no: str) -> Ticket:
    async with stack.shop.db.read() as session:
        return await session.scalar(select(Ticket).where(Ticket.ticket_no == ticket_no))


# ── several bot processes ────────────────────────────────────────────────────────────────


@contextlib.asynccontextmanager
async def redis_url(directory: Path) -> AsyncIterator[str]:
    """The shared Redis of scripts/redis.sh (127.0.0.1:6379) when it answers, else a private
    redis-server for these tests. Callers use a key prefix of their own and never flush."""
    import redis.asyncio as redis

    shared = redis.Redis(host="127.0.0.1", port=6379)
    try:
        if await shared.ping():
            yield "redis://127.0.0.1:6379/0"
            return
    except (redis.ConnectionError, OSError):
        pass
    finally:
        await shared.aclose()
    server = shutil.which("redis-server")
    if server is None:
        raise AssertionError("redis-server is not installed (bash scripts/redis.sh start)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(directory), stdout=asyncio.subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(100):
            try:
                if await client.ping():
                    break
            except redis.ConnectionError:
                await asyncio.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        await client.aclose()
        process.terminate()
        await process.wait()


@dataclass
class BotProcess:
    bot: Bot
    dp: Dispatcher
    rpc: RpcClient
    storage: BaseStorage

    @property
    def desk(self) -> Any:
        return self.dp["desk"]


class BotProcesses:
    """``count`` bot processes — each its own Bot session, bus client, FSM storage client and
    desk (consumer, service-level loop) — sharing Redis, behind one update source that hands
    updates out in turn without looking at the chat: a load balancer with no partitioning,
    the hardest case for "one ticket, one topic"."""

    def __init__(
        self, fake: FakeTelegramAPI, bus: BusSettings, redis: str, count: int = 2, **settings: Any
    ) -> None:
        self.fake = fake
        self.bus = bus
        self.redis = redis
        self.count = count
        self.prefix = f"kefu-test-{uuid4().hex[:12]}"
        self.settings = settings
        self.processes: list[BotProcess] = []
        self._poller: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

        from bot.dispatcher import create_dispatcher
        from bot.settings import BotSettings
        from tests.e2e.conftest import engine

        replies = always_open_replies()
        for _ in range(self.count):
            bot = Bot(
                self.fake.token,
                session=AiohttpSession(api=TelegramAPIServer.from_base(self.fake.base_url)),
                default=DefaultBotProperties(parse_mode=ParseMode.HTML),
            )
            rpc = RpcClient(self.bus.url, timeout=5, topology=self.bus.topology)
            await rpc.connect(wait=10)
            storage = RedisStorage.from_url(
                self.redis, key_builder=DefaultKeyBuilder(prefix=self.prefix, with_destiny=True)
            )
            config = BotSettings(
                **{
                    "KEFU_FLOOD_RATE": 30,
                    "AGENTS_CHAT_ID": AGENTS,
                    "HANDOFF_SLA_SECONDS": 3600,
                    "HANDOFF_IDLE_SECONDS": 3600,
                    "DESK_CHECK_SECONDS": 0.2,
                    **self.settings,
                    "bus": self.bus,
                }
            )
            dp = create_dispatcher(config, rpc=rpc, engine=engine(), replies=replies,
                                   storage=storage)
            await dp.emit_startup(bot=bot, **dp.workflow_data)
            await dp["desk"].ready()
            self.processes.append(BotProcess(bot, dp, rpc, storage))
        self._poller = asyncio.create_task(self._poll(), name="round-robin")

    async def _poll(self) -> None:
        bot = self.processes[0].bot
        offset: int | None = None
        turn = itertools.count()
        while True:
            updates = await bot.get_updates(offset=offset, timeout=1)
            for update in updates:
                offset = update.update_id + 1
                process = self.processes[next(turn) % self.count]
                task = asyncio.create_task(process.dp.feed_update(process.bot, update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=10)
        for process in self.processes:
            await process.dp.emit_shutdown(bot=process.bot, **process.dp.workflow_data)
            await process.bot.session.close()
            await process.rpc.close()
            await process.storage.close()


async def hears_added(customer: Customer, ticket_no: str | None = None) -> SentMessage:
    """The one line a customer waiting for a person gets when she writes again: her message
    was added to the ticket (further messages soon after get a reaction, not words)."""
    [added] = await customer.replies()
    assert "已经补充到您的工单" in added.text or added.text.startswith("Got it"), added.text
    if ticket_no is not None:
        assert ticket_no in added.text
    return added
