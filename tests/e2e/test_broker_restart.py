"""RabbitMQ restarted while customers talk, with every Kefu process left running: a private
node (tests/support/broker.py; never the shared broker) under the webhook ingress, a bot
process on its partitions, a long-polling bot, and a worker (SQLite demo shop).

- Before: both bots open tickets (a worker command) normally.
- In the outage: the polling bot answers at once that the system is busy and her request for a
  person was not recorded, and how to ask again (``ticket.failed``); the ingress answers
  Telegram 503, so Telegram keeps the update and sends it again.
- After: nobody restarted anything — ingress, bots and worker reconnected by themselves —
  the ingress's customers written to in the outage get their normal answer (nothing lost),
  and both bots open tickets normally again.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bus.settings import BusSettings
from replies.render import Replies
from shop.policy import load_policy
from tests.fakes.telegram_api import FakeTelegramAPI, parse_html
from tests.support.broker import PrivateBroker
from tests.support.processes import Service, clean_env, spawn, stop_all
from tests.support.redis import free_port
from tests.support.topology import new_prefix
from worker.app import create_worker
from worker.settings import WorkerSettings

# Two starts and a stop of a RabbitMQ node and five Kefu processes: a minute or two on a 2-core
# machine. One of the fault tests, so it runs in CI: in the exclusive phase, with the
# machine to itself (it ran with `-m slow` only, and went red there unseen).
pytestmark = [
    pytest.mark.asyncio(loop_scope="session"), pytest.mark.exclusive, pytest.mark.timeout(480)
]

ASK_FOR_A_PERSON = "怎么联系客服"
TICKET = re.compile(r"^已经为您登记了工单 T\d+，.*我会把回复转到这里", re.S)  # no desk here


async def wait_for_line(service: Service, pattern: str, within: float = 150) -> None:
    async with asyncio.timeout(within):
        while not re.search(pattern, service.tail(200_000)):
            assert service.alive, service.tail()
            await asyncio.sleep(0.1)


async def answer(fake: FakeTelegramAPI, user: int, within: float = 60) -> str:
    [message] = await fake.wait_for_messages(user, count=1, timeout=within)
    return message.text


async def test_restarting_rabbitmq_while_customers_talk(tmp_path: Path):
    # a person asked for in the outage: no ticket can be opened, and she is told so plainly
    not_recorded = parse_html(Replies(load_policy()).text("ticket.failed", "zh_CN"))[0]
    broker = PrivateBroker.create(tmp_path / "rabbit")
    await broker.start()
    prefix = new_prefix()
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    setup = create_worker(
        WorkerSettings(database_url=url, bus=BusSettings(amqp_url=broker.url, prefix=prefix))
    )
    await setup.seed_demo()
    await setup.db.dispose()
    # Telegram keeps an update its webhook refused and tries again (here: for about a minute).
    hooked = FakeTelegramAPI(webhook_attempts=12, webhook_retry_delay=0.05)
    polled = FakeTelegramAPI(token="654321:POLLED")
    await hooked.start()
    await polled.start()
    services: list[Service] = []
    try:
        common = {
            "AMQP_URL": broker.url,
            "KEFU_BUS_PREFIX": prefix,
            "KEFU_UPDATE_PARTITIONS": "4",
            "RPC_TIMEOUT": "3",
        }
        services.append(
            await spawn(
                "worker",
                ["-m", "worker", "--log-level", "INFO"],
                clean_env(**common, DATABASE_URL=url),
                tmp_path,
            )
        )
        hooked_env = {"BOT_TOKEN": hooked.token, "TELEGRAM_API_URL": hooked.base_url}
        partitioned = await spawn(
            "bot-partitions",
            ["-m", "bot", "--partitions"],
            clean_env(**common, **hooked_env),
            tmp_path,
        )
        polling = await spawn(
            "bot-polling",
            ["-m", "bot", "--log-level", "INFO"],
            clean_env(**common, BOT_TOKEN=polled.token, TELEGRAM_API_URL=polled.base_url),
            tmp_path,
        )
        port = free_port()
        ingress = await spawn(
            "ingress",
            ["-m", "bot.ingress"],
            clean_env(
                **common,
                **hooked_env,
                WEBHOOK_SECRET="restart-test-secret-0123456789",
                WEBHOOK_PORT=str(port),
                WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
            ),
            tmp_path,
        )
        services += [partitioned, polling, ingress]
        await wait_for_line(partitioned, "consuming 4 update partitions")
        await wait_for_line(ingress, "webhook registered")
        await wait_for_line(services[0], "serving \\d+ methods")

        users = iter(range(960_001, 960_100))

        async def ask(fake: FakeTelegramAPI) -> int:
            user = next(users)
            fake.user_says(ASK_FOR_A_PERSON, user_id=user)
            return user

        # Before: both bots reach the worker.
        assert TICKET.match(await answer(hooked, await ask(hooked)))
        assert TICKET.match(await answer(polled, await ask(polled)))

        await broker.stop()
        # The outage: the polling bot says so at once; the ingress holds its customers off.
        said = await answer(polled, await ask(polled), within=20)
        assert said.startswith(not_recorded), said
        waiting = [await ask(hooked) for _ in range(3)]
        await asyncio.sleep(1.0)
        assert all(not hooked.messages(user) for user in waiting)

        await broker.start()
        # After: everything reconnected by itself; nothing written in the outage was lost.
        for user in waiting:
            assert TICKET.match(await answer(hooked, user, within=60))
        assert TICKET.match(await answer(hooked, await ask(hooked), within=30))

        async def polled_normally() -> None:
            while True:  # the bot's RPC client may take a few seconds more to be back
                text = await answer(polled, await ask(polled), within=30)
                if TICKET.match(text):
                    return
                assert text.startswith(not_recorded), text
                await asyncio.sleep(1.0)

        await asyncio.wait_for(polled_normally(), 45)
        assert all(service.alive for service in services), [s.tail() for s in services]
        logs = "".join(service.tail(500_000) for service in services)
        # aiormq logs the broker's closing of a connection with its traceback; none of Kefu's
        # own code may appear in one, and no task may have failed unseen.
        assert not re.search(r'File "[^"]*/(bot|bus|worker|shop|intents|replies)/[^"]+"', logs)
        assert "Task exception was never retrieved" not in logs
    finally:
        await stop_all(services)
        await hooked.stop()
        await polled.stop()
        await broker.stop()
