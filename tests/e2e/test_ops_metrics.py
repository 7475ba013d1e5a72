"""Metrics, as Prometheus sees them: a worker (``python -m worker``) and a bot (``python -m bot``,
long polling against the fake Bot API, the agents' desk on) as real processes, a scripted
conversation, then a scrape of both metrics endpoints — the named series with the right counts,
no personal data in any label — and the Grafana dashboard checked against what the bot, the
worker and RabbitMQ's prometheus plugin (the shared broker's, on 15692) really expose."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
import yaml
from prometheus_client.parser import text_string_to_metric_families

from bus.contracts import GetOpsSnapshot
from bus.errors import BusError
from bus.rpc import RpcClient
from bus.settings import BusSettings
from tests.e2e.conftest import Customer
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.logscan import SCAN
from tests.support.polling import eventually
from tests.support.topology import new_prefix

pytestmark = pytest.mark.asyncio(loop_scope="session")

ROOT = Path(__file__).resolve().parents[2]
AGENTS = -100_880_000
PROM = f"http://127.0.0.1:{os.environ.get('KEFU_PROM_PORT', '15692')}"
PROMETHEUS_OWN = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped"})
"""Series Prometheus itself makes for every target (the dashboard's "processes up")."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def scrape(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        response.raise_for_status()
        return await response.text()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def total(found, name: str, **labels: str) -> float:
    return sum(
        v
        for (n, have), v in found.items()
        if n == name and all((k, val) in have for k, val in labels.items())
    )


def series_names(text: str) -> set[str]:
    """Every series name a scrape offers: its samples', and each family's with the suffixes
    its type has (a labelled counter nobody has counted yet shows only its HELP and TYPE)."""
    names: set[str] = set()
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "summary": ("_count", "_sum", "_created"),
    }
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        names.update(family.name + s for s in suffixes.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return names


async def start(name: str, args: list[str], env: dict[str, str]):
    with SCAN.log_file(name).open("wb") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=str(ROOT),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )


async def stop(process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


class Running:
    def __init__(self, fake: FakeTelegramAPI, bot_url: str, worker_url: str) -> None:
        self.fake = fake
        self.bot_url = bot_url
        self.worker_url = worker_url


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def running(amqp_url, amqp_connection, tmp_path_factory) -> AsyncIterator[Running]:
    directory = tmp_path_factory.mktemp("metrics")
    prefix = new_prefix()
    bot_port, worker_port = free_port(), free_port()
    fake = FakeTelegramAPI(token="737373:METRICS", bot_username="kefu_metrics_bot")
    await fake.start()
    fake.add_chat(AGENTS, type="supergroup", title="客服工作台", is_forum=True)
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        AMQP_URL=amqp_url,
        KEFU_BUS_PREFIX=prefix,
        KEFU_HEARTBEAT_S="0.5",
        DATABASE_URL=f"sqlite+aiosqlite:///{directory / 'shop.db'}",
    )
    worker = await start(
        "worker-metrics",
        ["-m", "worker", "--seed"],
        dict(env, WORKER_METRICS_PORT=str(worker_port)),
    )
    rpc = RpcClient(amqp_url, timeout=3, topology=BusSettings(KEFU_BUS_PREFIX=prefix).topology)
    await rpc.connect(wait=10)

    async def serving() -> bool:
        try:
            await rpc.call(GetOpsSnapshot())
        except BusError:
            return False
        return True

    await eventually(serving, within=90)
    bot = await start(
        "bot-metrics",
        ["-m", "bot"],
        dict(
            env,
            BOT_TOKEN=fake.token,
            TELEGRAM_API_URL=fake.base_url,
            KEFU_BOT_METRICS_PORT=str(bot_port),
            AGENTS_CHAT_ID=str(AGENTS),
        ),
    )
    try:
        await fake.wait_for_call("getUpdates", timeout=90)
        yield Running(
            fake, f"http://127.0.0.1:{bot_port}/metrics", f"http://127.0.0.1:{worker_port}/metrics"
        )
    finally:
        await stop(bot)
        await stop(worker)
        await rpc.close()
        await fake.stop()
        channel = await amqp_connection.channel()
        await BusSettings(KEFU_BUS_PREFIX=prefix).topology.delete(channel)
        await channel.close()
    assert bot.returncode == 0 and worker.returncode == 0


async def test_the_metrics_count_a_scripted_conversation(running: Running):
    customer = Customer(running.fake, 991_001)
    [answer] = await customer.says("可以货到付款吗")  # answered (payment)
    assert "支付宝" in answer.text
    await customer.says("今天天气怎么样啊")  # could not be placed
    [card] = await customer.says("KF26200341 尾号5280 到哪了")  # an order look-up
    assert "KF26200341" in card.text
    await customer.says("转人工")  # handed to a person (the desk takes it)
    await asyncio.sleep(1)

    async def stored() -> dict | None:
        found = samples(await scrape(running.worker_url))
        return found if total(found, "kefu_turns_stored_total") >= 4 else None

    worker = await eventually(stored, within=20)

    async def gauged() -> dict | None:
        found = samples(await scrape(running.worker_url))
        return found if value(found, "kefu_tickets", state="waiting") == 1 else None

    worker = await eventually(gauged, within=20)
    bot = samples(await scrape(running.bot_url))

    # the bot: turns by group and outcome, bus calls and their latency per method
    assert value(bot, "kefu_bot_messages_total", group="payment", outcome="answered") == 1
    assert value(bot, "kefu_bot_messages_total", group="other", outcome="fallback") == 1
    assert value(bot, "kefu_bot_messages_total", group="order", outcome="answered") == 1
    assert value(bot, "kefu_bot_messages_total", group="human", outcome="escalated") == 1
    assert total(bot, "kefu_bot_messages_total") == 4
    assert value(bot, "kefu_bus_calls_total", method="orders.lookup", outcome="ok") == 1
    assert value(bot, "kefu_bus_call_seconds_count", method="orders.lookup") == 1
    assert value(bot, "kefu_bus_calls_total", method="tickets.open", outcome="ok") == 1
    assert total(bot, "kefu_bus_calls_total", outcome="timeout") == 0
    assert value(bot, "kefu_events_published_total", event="conversation.turn") == 4
    assert total(bot, "kefu_events_dropped_total") == 0
    # the worker: requests and handler time per method, turns stored, tickets, dead letters
    assert value(worker, "kefu_rpc_requests_total", method="orders.lookup", outcome="ok") == 1
    assert value(worker, "kefu_rpc_handler_seconds_count", method="orders.lookup") == 1
    assert value(worker, "kefu_rpc_requests_total", method="tickets.open", outcome="ok") == 1
    assert value(worker, "kefu_turns_stored_total", group="payment", outcome="answered") == 1
    assert value(worker, "kefu_turns_stored_total", group="human", outcome="escalated") == 1
    assert value(worker, "kefu_tickets", state="open") == 1
    assert value(worker, "kefu_tickets_oldest_wait_seconds") > 0
    assert total(worker, "kefu_dead_letters_total") == 0
    # no personal data in any label: not the customer's words, not a phone or an order number
    for found in (bot, worker):
        for _, labels in found:
            for _, label in labels:
                assert not re.search(r"\d{5,}|KF\d|货到付款|天气", label), label


PROMQL_WORDS = frozenset(
    """sum by without rate increase irate histogram_quantile max min avg count le on ignoring
    group_left group_right bool and or unless offset topk bottomk abs clamp_min clamp_max
    label_replace time vector scalar""".split()
)


def dashboard_series(dashboard: dict) -> set[str]:
    exprs = []

    def walk(panels: list[dict]) -> None:
        for panel in panels:
            exprs.extend(t["expr"] for t in panel.get("targets", []))
            walk(panel.get("panels", []))

    walk(dashboard["panels"])
    assert exprs, "the dashboard has no queries"
    names = set()
    for expr in exprs:
        stripped = re.sub(r'"[^"]*"', '""', expr)  # label values are not series
        stripped = re.sub(r"\{[^}]*\}", "", stripped)  # nor label names
        stripped = re.sub(r"\[[^\]]*\]", "", stripped)  # nor ranges
        stripped = re.sub(r"by \([^)]*\)", "", stripped)  # nor grouping labels
        for word in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", stripped):
            if word not in PROMQL_WORDS:
                names.add(word)
    return names


async def test_the_dashboard_uses_only_series_that_exist(running: Running):
    dashboard = json.loads((ROOT / "deploy/grafana/kefu.json").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "deploy/prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert {"kefu-bot", "kefu-worker", "rabbitmq", "rabbitmq-queues"} <= set(jobs)
    queues = jobs["rabbitmq-queues"]
    detailed = f"{PROM}{queues['metrics_path']}?" + "&".join(
        f"family={f}" for f in queues["params"]["family"]
    )
    exposed = (
        series_names(await scrape(running.bot_url))
        | series_names(await scrape(running.worker_url))
        | series_names(await scrape(f"{PROM}/metrics"))
        | series_names(await scrape(detailed))
        | PROMETHEUS_OWN
    )
    used = dashboard_series(dashboard)
    assert {"kefu_bot_messages_total", "rabbitmq_detailed_queue_messages"} <= used
    missing = sorted(used - exposed)
    assert not missing, f"the dashboard queries series nobody exposes: {missing}"
    jobs_used = set(re.findall(r'job="([^"]+)"', json.dumps(dashboard)))
    assert jobs_used <= set(jobs)
