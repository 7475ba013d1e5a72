"""What the worker does for one ``orders.lookup``, counted: SQL statements and Python calls.

Timings on this shared two-core machine swing with its load; counts do not. This runs the
worker's whole handling of a look-up in-process — ``RpcServer._handle`` on a delivery as the
broker hands it over (the headers ``RpcClient`` sends), so the request's checks, its
validation, the handler, the metrics, the reply's JSON, its publish and the ack — on a seeded
demo shop, with a stand-in channel that only records the reply and the ack (no broker, no
socket). Per look-up it counts:

* **statements**: every SQL statement the database driver is given (``BEGIN`` and ``COMMIT``
  included), from SQLite's trace callback or SQLAlchemy's ``before_cursor_execute``;
* **Python calls**: function calls the interpreter makes (``sys.setprofile``: Python functions
  and C functions called from Python; what pydantic-core or sqlite3 do inside is not seen);

for three kinds of look-up: the benchmark's (``bench_bus.py``: someone who proved the
order's last four digits before), the order's own linked customer, and the same with the
order's returns (``with_returns``). It also times the same handling in a tight loop (p50 of
``--rounds`` passes over the demo orders, and the thread's CPU time per look-up, which the
machine's load sways less; for orientation only) and checks that every reply is an
``OrderFound``.

```
PYTHONPATH=. .venv/bin/python benchmarks/count_lookup.py
PYTHONPATH=. .venv/bin/python benchmarks/count_lookup.py --database-url postgresql+asyncpg://...
PYTHONPATH=. .venv/bin/python benchmarks/count_lookup.py --dump replies.jsonl  # the reply bytes
```
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiormq
from pamqp import commands
from pamqp.header import ContentHeader
from sqlalchemy import BigInteger, event, literal, update

from bus.contracts import LookupOrder
from bus.rpc import DIRECT_REPLY_TO, SCHEMA_HEADER, RpcServer
from bus.settings import BusSettings
from worker import create_worker
from worker.db.models import Customer
from worker.seed import find_demo_orders
from worker.settings import WorkerSettings

OWNER_BASE = 8_000_000_000
ASKER_BASE = 7_000_000_000


class RecordingChannel(aiormq.Channel):
    """Stands in for the channel a delivery came on: keeps the replies, counts the acks."""

    def __init__(self) -> None:  # no connection: nothing is sent
        self.replies: list[bytes] = []
        self.acks = 0

    async def basic_publish(self, body: bytes, **_: Any) -> None:  # type: ignore[override]
        self.replies.append(body)

    async def basic_ack(self, *_: Any, **__: Any) -> None:  # type: ignore[override]
        self.acks += 1


def delivery(channel: RecordingChannel, request: LookupOrder, tag: int) -> Any:
    """The delivery of ``request`` as the worker gets it, with ``RpcClient``'s properties."""
    properties = commands.Basic.Properties(
        content_type="application/json",
        correlation_id=f"{tag:x}",
        reply_to=DIRECT_REPLY_TO,
        message_type=request.METHOD,
        headers={SCHEMA_HEADER: request.SCHEMA_VERSION},
        delivery_mode=1,
        expiration="5000",
        timestamp=datetime.now(UTC),
    )
    body = request.model_dump_json().encode()
    return aiormq.abc.DeliveredMessage(
        delivery=commands.Basic.Deliver(
            consumer_tag="count", delivery_tag=tag, redelivered=False, exchange="", routing_key=""
        ),
        header=ContentHeader(body_size=len(body), properties=properties),
        body=body,
        channel=channel,
    )


class Statements:
    """Counts the SQL statements the worker's database is given."""

    def __init__(self) -> None:
        self.count = 0
        self.kinds: collections.Counter[str] = collections.Counter()

    def seen(self, sql: str) -> None:
        self.count += 1
        self.kinds[sql.split(None, 1)[0].upper() if sql.strip() else "?"] += 1

    def attach(self, worker: Any) -> None:
        db = worker.db
        if db.is_sqlite:
            db._read_inline(lambda reads: None)  # opens the readers' connection
            assert db._sqlite_reads is not None
            db._sqlite_reads.connection.set_trace_callback(self.seen)
        for engine in {db.engine.sync_engine, db.write_engine.sync_engine}:
            event.listen(
                engine,
                "before_cursor_execute",
                lambda _c, _cur, statement, *_: self.seen(statement),
            )


@contextlib.contextmanager
def python_calls() -> Iterator[collections.Counter[str]]:
    counts: collections.Counter[str] = collections.Counter()

    def profile(_frame: Any, what: str, _arg: Any) -> None:
        if what in ("call", "c_call"):
            counts[what] += 1

    sys.setprofile(profile)
    try:
        yield counts
    finally:
        sys.setprofile(None)


async def main(args: argparse.Namespace) -> None:
    directory = Path(tempfile.mkdtemp(prefix="kefu-count-"))
    url = args.database_url or f"sqlite+aiosqlite:///{directory / 'shop.db'}"
    worker = create_worker(WorkerSettings(database_url=url, bus=BusSettings(prefix="count")))
    await worker.seed_demo()
    orders = await find_demo_orders(worker.db)
    async with worker.db.write() as session:  # every demo customer linked to a Telegram id
        await session.execute(
            update(Customer).values(telegram_user_id=literal(OWNER_BASE, BigInteger) + Customer.id)
        )
    server = RpcServer(None, worker.handlers, topology=worker.topology)  # type: ignore[arg-type]
    kinds = {
        "proven last4 (bench_bus)": [
            LookupOrder(
                order_no=o.order_no, telegram_user_id=ASKER_BASE + i, phone_last4=o.phone[-4:]
            )
            for i, o in enumerate(orders)
        ],
        "owner": [
            LookupOrder(order_no=o.order_no, telegram_user_id=OWNER_BASE + o.customer_id)
            for o in orders
        ],
        "owner, with returns": [
            LookupOrder(
                order_no=o.order_no, telegram_user_id=OWNER_BASE + o.customer_id, with_returns=True
            )
            for o in orders
        ],
    }
    channel = RecordingChannel()
    queue = worker.topology.queries_queue
    for request in kinds["proven last4 (bench_bus)"]:  # the proofs, as bench_bus.py's set-up
        await worker.service.lookup_order(request)
    statements = Statements()
    statements.attach(worker)
    tag = 0
    dump = args.dump.open("w") if args.dump else None
    print(f"{len(orders)} demo orders on {url.split(':', 1)[0]}; per look-up:")
    for name, requests in kinds.items():
        for request in requests:  # warm: every statement compiled, every validator built
            tag += 1
            await server._handle(queue, delivery(channel, request, tag))
        channel.replies.clear()
        before_statements, before_acks = statements.count, channel.acks
        statements.kinds.clear()
        with python_calls() as calls:
            for request in requests:
                tag += 1
                await server._handle(queue, delivery(channel, request, tag))
        n = len(requests)
        counted = statements.count - before_statements
        kinds_seen = ", ".join(f"{k} {v / n:g}" for k, v in sorted(statements.kinds.items()))
        found = sum(b'"kind":"found"' in reply for reply in channel.replies)
        assert found == n and channel.acks - before_acks == n, (name, found, channel.acks)
        if dump:
            for reply in channel.replies:
                dump.write(reply.decode() + "\n")
        times = []
        cpu_started = time.thread_time()
        for _ in range(args.rounds):
            for request in requests:
                tag += 1
                message = delivery(channel, request, tag)
                started = time.perf_counter()
                await server._handle(queue, message)
                times.append(time.perf_counter() - started)
        cpu = (time.thread_time() - cpu_started) / len(times)
        channel.replies.clear()
        print(
            f"  {name:<26} statements {counted / n:5.2f} "
            f"({kinds_seen})  Python calls {calls['call'] / n:6.1f} + C calls "
            f"{calls['c_call'] / n:6.1f}  handled p50 {statistics.median(times) * 1e6:5.0f} us, "
            f"CPU {cpu * 1e6:4.0f} us"
        )
    if dump:
        dump.close()
    await worker.db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL database (default: a temp SQLite)")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the orders")
    parser.add_argument("--dump", type=Path, help="write every reply's bytes (one a line)")
    asyncio.run(main(parser.parse_args()))
