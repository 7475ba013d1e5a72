"""What the publisher confirm costs an ``orders.lookup`` round trip, in one run.

Serial look-ups against one ``python -m worker`` (seeded demo shop, temp SQLite, unique bus
prefix), in alternating blocks of 100: through ``bus.rpc.RpcClient`` as the bot makes them
(confirmed, mandatory), and the same request — same body, headers, timestamp and expiration,
the reply validated the same way — published on a channel without publisher confirms and not
mandatory. The difference is the most that dropping the confirm on the query path could save
(the second path also skips ``RpcClient``'s own bookkeeping). A report, exit code 0.

```
.venv/bin/python benchmarks/probe_confirms.py --rounds 10
```
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aio_pika

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


async def main_async(rounds: int) -> None:
    from bus.contracts import LookupOrder
    from bus.rpc import _REPLY_ADAPTERS, RpcClient
    from bus.settings import BusSettings
    from bus.topology import Topology
    from worker import create_worker
    from worker.seed import find_demo_orders
    from worker.settings import WorkerSettings

    with tempfile.TemporaryDirectory() as tmp:
        prefix = f"probe{uuid.uuid4().hex[:8]}"
        database_url = f"sqlite+aiosqlite:///{tmp}/shop.db"
        seeder = create_worker(
            WorkerSettings(
                database_url=database_url, bus=BusSettings(amqp_url=AMQP_URL, prefix=prefix)
            )
        )
        await seeder.seed_demo()
        orders = await find_demo_orders(seeder.db)
        await seeder.db.dispose()
        env = dict(
            os.environ, DATABASE_URL=database_url, KEFU_BUS_PREFIX=prefix, AMQP_URL=AMQP_URL
        )
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "worker",
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        topology = Topology(prefix=prefix)
        rpc = RpcClient(AMQP_URL, timeout=10, topology=topology)
        connection = await aio_pika.connect(AMQP_URL)
        try:
            await rpc.connect(wait=10)
            requests = [
                LookupOrder(
                    order_no=o.order_no,
                    telegram_user_id=7_000_000_000 + i,
                    phone_last4=o.phone[-4:],
                )
                for i, o in enumerate(orders)
            ]
            for _ in range(100):  # until the worker serves
                try:
                    await rpc.call(requests[0])
                    break
                except Exception:
                    await asyncio.sleep(0.2)
            channel = await connection.channel(publisher_confirms=False)
            futures: dict[str, asyncio.Future[bytes]] = {}

            async def on_reply(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                future = futures.pop(message.correlation_id or "", None)
                if future is not None:
                    future.set_result(message.body)

            reply_to = await channel.get_queue("amq.rabbitmq.reply-to", ensure=False)
            await reply_to.consume(on_reply, no_ack=True)
            exchange = await channel.get_exchange(topology.rpc_exchange, ensure=False)
            ids = itertools.count()

            async def unconfirmed(request: LookupOrder) -> Any:
                cid = f"u{next(ids)}"
                future = futures[cid] = asyncio.get_running_loop().create_future()
                await exchange.publish(
                    aio_pika.Message(
                        request.model_dump_json().encode(),
                        content_type="application/json",
                        correlation_id=cid,
                        reply_to="amq.rabbitmq.reply-to",
                        type=request.METHOD,
                        headers={"x-kefu-schema": request.SCHEMA_VERSION},
                        expiration=10,
                        timestamp=datetime.now(UTC),
                        delivery_mode=1,
                    ),
                    routing_key=request.METHOD,
                    mandatory=False,
                )
                return _REPLY_ADAPTERS[request.METHOD].validate_json(await future)

            paths = {"RpcClient (confirmed)": rpc.call, "no confirm, not mandatory": unconfirmed}
            latencies: dict[str, list[float]] = {name: [] for name in paths}
            for _ in range(rounds):
                for name, call in paths.items():
                    for i in range(100):
                        started = time.perf_counter()
                        reply = await call(requests[i % len(requests)])
                        latencies[name].append(time.perf_counter() - started)
                        assert reply.kind == "found", reply.kind
            for name, values in latencies.items():
                print(f"{name:<28} p50 {statistics.median(values) * 1000:.3f} ms  n={len(values)}")
        finally:
            worker.terminate()
            await worker.wait()
            await rpc.close()
            await topology.delete(await connection.channel())
            await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="blocks of 100 calls per path")
    asyncio.run(main_async(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
