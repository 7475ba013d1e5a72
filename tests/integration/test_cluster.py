"""A three-node RabbitMQ cluster on this machine (own node names and ports, under a temporary
folder; scripts/broker.sh start and join) with quorum queues for commands and updates: one
node is stopped under load, and nothing is lost (issue 12).

Two worker processes and the webhook ingress connect with AMQP_URL naming the three nodes;
callers send 600 ``exchanges.create`` (asking again with the same key when a call fails, as
the bot does) while "Telegram" posts 600 updates to the ingress (posting again what was not
answered 200, as Telegram does) and two consumers take the update partitions (single active
consumer). The node leading the commands queue is killed (kill -9 of its Erlang VM) a third of
the way in: its clients move to the other nodes, the queues elect a new leader, and the load
goes on on two nodes.

Slow (a cluster takes about half a minute to start): ``pytest -m slow
tests/integration/test_cluster.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bus import amqp
from bus.connection import Broker
from bus.contracts import ExchangeCreated, ExchangeRejected
from bus.errors import BusError
from bus.rpc import RpcClient
from bus.settings import BusSettings
from tests.integration.conftest import Shop
from tests.support.cluster import Node, free_port, start_cluster, stop_nodes
from tests.support.orders import many_orders, wait_for_consumers
from tests.support.processes import clean_env, spawn, stop_all
from tests.support.topology import new_prefix
from worker import create_worker
from worker.db.models import Exchange, ProcessedCommand, Variant
from worker.settings import WorkerSettings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.timeout(900),
]

COMMANDS = 600
STOCK = 450
UPDATES = 600
SECRET = "cluster-test-secret-0123456789"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def cluster():
    base = Path(tempfile.mkdtemp(prefix="kefu-cluster-"))
    nodes = await start_cluster(base, 3)
    try:
        yield nodes
    finally:
        await stop_nodes(nodes)
        shutil.rmtree(base, ignore_errors=True)


async def connections(node: Node, prefix: str) -> list[tuple[str, str]]:
    """(connection name, node) of this test's connections, as the cluster lists them."""
    listed = await node.get("/connections")
    return [
        (name, c["node"])
        for c in listed  # type: ignore[union-attr]
        if (name := c.get("client_properties", {}).get("connection_name", "")).endswith(prefix)
    ]


def update(n: int) -> dict:
    chat = 5_000_000 + n % 150  # 150 customers, four updates each
    return {
        "update_id": 800_000 + n,
        "message": {
            "message_id": n + 1,
            "date": 1_700_000_000,
            "chat": {"id": chat, "type": "private", "first_name": "测试"},
            "from": {"id": chat, "is_bot": False, "first_name": "测试"},
            "text": f"第{n}条",
        },
    }


async def test_stop_a_node_under_load_nothing_lost(cluster: list[Node], tmp_path):
    urls = ",".join(node.url for node in cluster)
    prefix = new_prefix()
    bus = BusSettings(amqp_url=urls, prefix=prefix, queue_type="quorum", update_partitions=4)
    topology = bus.topology
    database = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    setup = create_worker(WorkerSettings(database_url=database, bus=bus))
    await setup.seed_demo()
    requests = await many_orders(Shop(setup, rpc=None), COMMANDS, stock=STOCK)  # type: ignore[arg-type]
    env = clean_env(
        DATABASE_URL=database,
        AMQP_URL=urls,
        KEFU_BUS_PREFIX=prefix,
        KEFU_QUEUE_TYPE="quorum",
        KEFU_UPDATE_PARTITIONS="4",
    )
    port = free_port()
    services = [
        await spawn(f"worker-{n}", ["-m", "worker", "--log-level", "INFO"], env, tmp_path)
        for n in range(2)
    ]
    services.append(
        await spawn(
            "ingress",
            ["-m", "bot.ingress"],
            {**env, "WEBHOOK_SECRET": SECRET, "WEBHOOK_PORT": str(port)},
            tmp_path,
        )
    )
    broker = Broker(bus.broker.urls)
    admin = await broker.connect("test-admin")
    rpc = RpcClient(broker, timeout=5, topology=topology)
    received: Counter[int] = Counter()
    consumers = []
    try:
        await wait_for_consumers(admin, topology.commands_queue, 2)
        # The "bot processes": each consumes every partition; one of them is active on each.
        for n in range(2):
            connection = await broker.connect(f"test-bot-{n}")
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=8)
            await topology.declare_updates(channel)

            async def take(delivery: amqp.Delivery) -> None:
                received[json.loads(delivery.body)["update_id"]] += 1
                await amqp.ack(delivery)

            for queue in topology.update_queues:
                consumer = amqp.Consumer(channel, queue, take)
                await consumer.start()
            consumers.append(connection)
        queues = await cluster[1].get(f"/queues/%2F?name={quote(prefix)}")
        types = {q["name"]: q["type"] for q in queues}  # type: ignore[union-attr]
        assert types[topology.commands_queue] == "quorum"
        assert all(types[q] == "quorum" for q in topology.update_queues)
        await rpc.connect(wait=10)

        answers: dict[str, object] = {}
        todo = iter(requests)
        stopped: list[Node] = []
        answered_when_down: list[int] = []
        stopping: list[asyncio.Task[None]] = []
        on_leader: list[tuple[str, str]] = []

        async def customer() -> None:
            for request in todo:
                while True:
                    try:
                        answers[request.idempotency_key] = await rpc.call(request, deadline=5)
                        break
                    except BusError:
                        await asyncio.sleep(0.3)
                if len(answers) == COMMANDS // 3 and not stopping:
                    stopping.append(asyncio.create_task(stop_leader()))

        async def stop_leader() -> None:
            queue = await cluster[0].get(f"/queues/%2F/{quote(topology.commands_queue)}")
            leader = next(n for n in cluster if n.name == queue["leader"])  # type: ignore[index]
            stopped.append(leader)
            on_leader.extend(await connections(leader, prefix))
            await leader.kill()
            answered_when_down.append(len(answers))

        posts = iter(range(UPDATES))
        refused: Counter[int] = Counter()

        async def telegram(http: aiohttp.ClientSession) -> None:
            for n in posts:
                while True:  # Telegram posts an update again until it is answered 200
                    with contextlib.suppress(aiohttp.ClientError):
                        async with http.post(
                            f"http://127.0.0.1:{port}/telegram/webhook",
                            json=update(n),
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                        ) as response:
                            if response.status == 200:
                                break
                            refused[response.status] += 1
                    await asyncio.sleep(0.2)

        async with aiohttp.ClientSession() as http:
            async with asyncio.timeout(30):
                while True:
                    with contextlib.suppress(aiohttp.ClientError):
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                            if health.status == 200:
                                break
                    await asyncio.sleep(0.2)
            await asyncio.gather(
                *(customer() for _ in range(24)), *(telegram(http) for _ in range(8))
            )
        await asyncio.gather(*stopping)
        async with asyncio.timeout(60):
            while len(received) < UPDATES:  # noqa: ASYNC110
                await asyncio.sleep(0.2)
        assert stopped, "no node was stopped"
        # The load went on with the node down, not only while it was stopping.
        assert answered_when_down and answered_when_down[0] < COMMANDS * 0.8
        assert all(s.alive for s in services), [s.tail() for s in services if not s.alive]
        # Clients fail over: both workers and the ingress are connected again, to the nodes
        # left (those that were on the killed node moved).
        survivor = next(n for n in cluster if n not in stopped)
        async with asyncio.timeout(30):
            while True:
                now = await connections(survivor, prefix)
                names = Counter(name for name, _ in now)
                if names[f"kefu-worker:{prefix}"] >= 2 and names[f"kefu-ingress:{prefix}"] >= 1:
                    break
                await asyncio.sleep(0.5)
        assert all(node != stopped[0].name for _, node in now)
    finally:
        await rpc.close()
        for connection in consumers:
            with contextlib.suppress(Exception):
                await connection.close()
        with contextlib.suppress(Exception):
            await admin.close()
        await stop_all(services)

    # Commands: every one answered and applied exactly once, stock adds up.
    assert len(answers) == COMMANDS
    created = [a for a in answers.values() if isinstance(a, ExchangeCreated)]
    rejected = [a for a in answers.values() if isinstance(a, ExchangeRejected)]
    assert (len(created), len(rejected)) == (STOCK, COMMANDS - STOCK)
    async with setup.db.read() as session:
        exchanges = await session.scalar(select(func.count(Exchange.id)))
        done = await session.scalar(
            select(func.count()).where(ProcessedCommand.key.in_(list(answers)))
        )
        target = await session.scalar(
            select(Variant).where(Variant.sku == created[0].exchange.new_sku)
        )
    assert (exchanges, done) == (STOCK, COMMANDS)
    assert (target.stock, target.held) == (0, STOCK)
    # Updates: every one Telegram saw answered 200 reached a consumer (a redelivery may repeat
    # one: the bot's dedupe window is for that).
    assert set(received) == {update(n)["update_id"] for n in range(UPDATES)}
    print(
        f"\nstopped {stopped[0].name} (the commands queue's leader) with "
        f"{answered_when_down[0]} of {COMMANDS} commands answered ({len(on_leader)} of our "
        f"connections were on it and moved); updates answered 503 and "
        f"posted again: {sum(refused.values())}; updates delivered twice: "
        f"{sum(1 for c in received.values() if c > 1)}"
    )
    await setup.db.dispose()
