"""Bus round trip: ``orders.lookup`` and ``products.search`` through Kefu's bus against a bare
aio-pika echo.

Both sides run in the same invocation, on the same broker, with the same number of calls in
flight and server processes that are real separate processes:

* **bare echo**: the minimal correct aio-pika RPC over direct reply-to. The server is this
  file run as ``--echo-server QUEUE`` (a consumer with the worker's prefetch that answers a
  canned reply of the size of a real ``orders.lookup`` reply, ``mandatory=False``); the
  client publishes to the queue with ``reply_to=amq.rabbitmq.reply-to`` and a correlation id
  and waits on a future.
* **kefu lookup**: ``RpcClient.call(LookupOrder(...))`` against ``python -m worker`` on a seeded
  demo shop (temp SQLite, unique bus prefix), for real orders with their right last four
  phone digits, so every call reads the order from the database.
* **kefu search**: ``RpcClient.call(SearchProducts(...))`` against the same workers, with the
  texts customers name products by (``SEARCH_QUERIES``: names and aliases in Chinese and
  English, a typo, and whole sentences as the bot's size flow sends them today).

Each runs with 1 and then 2 server processes (competing consumers on one queue). Per row:
a warm-up, ``--calls`` calls with ``--in-flight`` (64) outstanding for calls/s and the loaded
p50/p99, then ``--serial-calls`` calls one at a time for the round trip's p50/p99 (at 64 in
flight the latency is mostly queueing, p50 ~ 64 / throughput). The ratios are printed
against the targets (issue 12): kefu p50 within 1.5x of the echo, kefu throughput at least
0.6 of it (the p50 target is judged with one server process, throughput with one and two).
It is a report: the exit code is 0 whatever the figures.

```
.venv/bin/python benchmarks/bench_bus.py                  # 5000 calls per row, 64 in flight
.venv/bin/python benchmarks/bench_bus.py --json           # also one JSON document at the end
.venv/bin/python benchmarks/bench_bus.py --breakdown      # also bare client -> kefu worker
.venv/bin/python benchmarks/bench_bus.py --profile DIR    # cProfile workers and client
```

``--breakdown`` adds a row where the bare client calls the kefu worker directly (no
``RpcClient``), which splits the overhead between the client and the server side, and rows
for the worker's handlers called in-process (no bus at all): the database read alone.
``--methods lookup`` (or ``search``) runs only that method's rows.
``--profile DIR`` runs the workers under cProfile and profiles the client during the kefu
rows, writes the ``.prof`` files to DIR and prints the top functions; its figures are slowed
by the profiler and are not the benchmark's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import itertools
import json
import os
import pstats
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parent.parent
DIRECT_REPLY_TO = "amq.rabbitmq.reply-to"
TARGET_P50_RATIO = 1.5
TARGET_THROUGHPUT_RATIO = 0.6
METHODS = ("lookup", "search")
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


# ── the bare echo server (runs in its own process) ────────────────────────────────────────


async def echo_server(amqp_url: str, queue_name: str, reply: bytes, prefetch: int) -> None:
    """Answer every request on ``queue_name`` with ``reply``, as a bare aio-pika RPC server."""
    connection = await aio_pika.connect_robust(amqp_url)
    channel = await connection.channel(publisher_confirms=False)
    await channel.set_qos(prefetch_count=prefetch)
    queue = await channel.declare_queue(queue_name, durable=False, auto_delete=False)
    exchange = channel.default_exchange

    async def on_request(message: AbstractIncomingMessage) -> None:
        await exchange.publish(
            aio_pika.Message(
                reply, content_type="application/json", correlation_id=message.correlation_id
            ),
            routing_key=message.reply_to or "",
            mandatory=False,
        )
        await message.ack()

    await queue.consume(on_request)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await connection.close()


# ── clients ──────────────────────────────────────────────────────────────────────────────


class BareClient:
    """The minimal correct aio-pika RPC client over direct reply-to."""

    def __init__(
        self, connection: AbstractRobustConnection, routing_key: str, *, method: str | None = None
    ) -> None:
        self._connection = connection
        self._routing_key = routing_key
        self._method = method
        self._futures: dict[str, asyncio.Future[bytes]] = {}
        self._ids = itertools.count()
        self._channel: aio_pika.abc.AbstractChannel | None = None

    async def start(self) -> None:
        self._channel = await self._connection.channel(publisher_confirms=False)
        reply_queue = await self._channel.get_queue(DIRECT_REPLY_TO, ensure=False)
        await reply_queue.consume(self._on_reply, no_ack=True)
        self._exchange = self._channel.default_exchange

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        future = self._futures.pop(message.correlation_id or "", None)
        if future is not None and not future.done():
            future.set_result(message.body)

    async def call(self, body: bytes) -> bytes:
        correlation_id = str(next(self._ids))
        future = asyncio.get_running_loop().create_future()
        self._futures[correlation_id] = future
        await self._exchange.publish(
            aio_pika.Message(
                body,
                content_type="application/json",
                correlation_id=correlation_id,
                reply_to=DIRECT_REPLY_TO,
                type=self._method,
            ),
            routing_key=self._routing_key,
        )
        return await future

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()


# ── measuring ────────────────────────────────────────────────────────────────────────────


@dataclass
class Result:
    """One row: ``p50_ms``/``p99_ms`` one call at a time (the round trip itself),
    ``calls_per_s`` and ``loaded_*`` with ``in_flight`` calls outstanding."""

    name: str
    processes: int
    calls: int
    errors: int
    p50_ms: float
    p99_ms: float
    calls_per_s: float
    loaded_p50_ms: float
    loaded_p99_ms: float
    seconds: float
    client_cpu_us: float | None = None
    server_cpu_us: float | None = None


async def drive(
    call: Callable[[Any], Awaitable[bool]],
    payloads: Sequence[Any],
    calls: int,
    in_flight: int,
) -> tuple[list[float], int, float]:
    """Make ``calls`` calls with ``in_flight`` looping tasks; latencies of the good ones,
    the number of bad ones (wrong reply or an exception) and the wall time."""
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()
    perf = time.perf_counter

    async def loop() -> None:
        nonlocal errors
        while (index := next(counter)) < calls:
            payload = payloads[index % len(payloads)]
            started = perf()
            try:
                good = await call(payload)
            except Exception as exc:
                if errors < 3:
                    print(f"  call failed: {exc!r}", file=sys.stderr)
                errors += 1
                continue
            if good:
                latencies.append(perf() - started)
            else:
                errors += 1

    started = perf()
    await asyncio.gather(*(loop() for _ in range(in_flight)))
    return latencies, errors, perf() - started


def _p50_p99(name: str, latencies: list[float], errors: int) -> tuple[float, float]:
    if len(latencies) < 2:
        raise RuntimeError(f"{name}: {errors} calls failed, {len(latencies)} succeeded")
    p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98]
    return round(statistics.median(latencies) * 1000, 3), round(p99 * 1000, 3)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(
    name: str,
    processes: int,
    call: Callable[[Any], Awaitable[bool]],
    payloads: Sequence[Any],
    args: argparse.Namespace,
    servers: Servers | None = None,
) -> Result:
    """One row measured alone: the loaded phase, then the serial phase."""
    result = await measure_loaded(name, processes, call, payloads, args, servers)
    serial, serial_errors, _ = await drive(call, payloads, args.serial_calls, 1)
    return finish(result, serial, serial_errors, args)


async def measure_loaded(
    name: str,
    processes: int,
    call: Callable[[Any], Awaitable[bool]],
    payloads: Sequence[Any],
    args: argparse.Namespace,
    servers: Servers | None = None,
) -> Result:
    """Warm-up, then ``--calls`` calls with ``--in-flight`` outstanding: calls/s, the loaded
    p50/p99 and the CPU per call. The serial figures are filled in by :func:`finish`."""
    await drive(call, payloads, args.warmup, args.in_flight)
    pids = [p.pid for p in servers.procs] if servers else []
    server_before = sum(cpu_seconds(pid) for pid in pids)
    client_before = time.process_time()
    loaded, errors, seconds = await drive(call, payloads, args.calls, args.in_flight)
    client_cpu = (time.process_time() - client_before) / args.calls * 1e6
    server_cpu = (
        (sum(cpu_seconds(pid) for pid in pids) - server_before) / args.calls * 1e6 if pids else None
    )
    loaded_p50, loaded_p99 = _p50_p99(name, loaded, errors)
    return Result(
        name=name,
        processes=processes,
        calls=args.calls,
        errors=errors,
        p50_ms=0.0,
        p99_ms=0.0,
        calls_per_s=round(len(loaded) / seconds, 1),
        loaded_p50_ms=loaded_p50,
        loaded_p99_ms=loaded_p99,
        seconds=round(seconds, 3),
        client_cpu_us=round(client_cpu),
        server_cpu_us=round(server_cpu) if server_cpu is not None else None,
    )


async def alternate_serial(
    rows: Sequence[Row], args: argparse.Namespace
) -> dict[str, tuple[list[float], int]]:
    """The one-at-a-time round trips of every row, in alternating blocks of ``--block``
    calls (row A's block, row B's, …, then A's again) until each has made
    ``--serial-calls``: whatever the machine does meanwhile (another process waking, the
    CPU's frequency, the broker's housekeeping) falls on every row alike, so their p50s
    compare. Measured one row after the other, minutes apart, the echo's own p50 moved by
    40 % between runs on this machine and the ratio with it."""
    done: dict[str, tuple[list[float], int]] = {row.name: ([], 0) for row in rows}
    for row in rows:  # one short warm-up each: the first calls after the loaded phase
        await drive(row.call, row.payloads, min(args.block, 50), 1)
    remaining = args.serial_calls
    while remaining > 0:
        size = min(args.block, remaining)
        for row in rows:
            latencies, errors, _ = await drive(row.call, row.payloads, size, 1)
            got, bad = done[row.name]
            got.extend(latencies)
            done[row.name] = (got, bad + errors)
        remaining -= size
    return done


def finish(
    result: Result, serial: list[float], serial_errors: int, args: argparse.Namespace
) -> Result:
    p50, p99 = _p50_p99(result.name, serial, serial_errors)
    result.p50_ms, result.p99_ms = p50, p99
    result.errors += serial_errors
    print(
        f"  {result.name:<28} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
        f"{result.calls_per_s:7.0f} calls/s  (at {args.in_flight} in flight: p50 "
        f"{result.loaded_p50_ms:.1f} ms, p99 {result.loaded_p99_ms:.1f} ms; CPU per call: "
        f"client {result.client_cpu_us} us"
        + (f", servers {result.server_cpu_us} us" if result.server_cpu_us is not None else "")
        + ")"
        + (f"  {result.errors} errors" if result.errors else ""),
        flush=True,
    )
    return result


@dataclass
class Row:
    """A setup to measure: its name, the call, the payloads and the server processes."""

    name: str
    processes: int
    call: Callable[[Any], Awaitable[bool]]
    payloads: Sequence[Any]
    servers: Servers | None = None


# ── processes ────────────────────────────────────────────────────────────────────────────


class Servers:
    """Server subprocesses (workers or echo servers), their logs, and their shutdown."""

    def __init__(self, directory: Path, label: str) -> None:
        self.directory = directory
        self.label = label
        self.procs: list[asyncio.subprocess.Process] = []
        self.logs: list[Path] = []
        self._files: list[TextIO] = []

    async def spawn(self, argv: Sequence[str], env: dict[str, str]) -> None:
        log = self.directory / f"{self.label}-{len(self.procs)}.log"
        handle = _open_log(log)
        self._files.append(handle)
        self.logs.append(log)
        self.procs.append(
            await asyncio.create_subprocess_exec(
                *argv,
                cwd=ROOT,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=handle,
                stderr=asyncio.subprocess.STDOUT,
            )
        )

    def check_alive(self) -> None:
        for proc, log in zip(self.procs, self.logs, strict=True):
            if proc.returncode is not None:
                tail = log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.label} exited with {proc.returncode}:\n{tail}")

    async def stop(self) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        self.procs.clear()
        for handle in self._files:
            handle.close()
        self._files.clear()


def _open_log(path: Path) -> TextIO:
    return path.open("w")


async def wait_for_consumers(
    connection: AbstractRobustConnection, queue_name: str, count: int, servers: Servers
) -> None:
    """Until ``queue_name`` has ``count`` consumers (each server process consumes once)."""
    deadline = time.monotonic() + 60
    seen = -1
    while time.monotonic() < deadline:
        servers.check_alive()
        channel = await connection.channel()
        try:
            queue = await channel.declare_queue(queue_name, passive=True)
            seen = queue.declaration_result.consumer_count
        except aio_pika.exceptions.ChannelClosed:
            seen = -1  # not declared yet
        finally:
            with contextlib.suppress(Exception):
                await channel.close()
        if seen >= count:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{queue_name}: {seen} consumers after 60 s, expected {count}")


def worker_env(args: argparse.Namespace, database_url: str, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKER_", "KEFU_"))}
    env.update(
        DATABASE_URL=database_url,
        KEFU_BUS_PREFIX=prefix,
        AMQP_URL=args.amqp_url,
        PYTHONUNBUFFERED="1",
    )
    return env


# ── the run ──────────────────────────────────────────────────────────────────────────────


# What customers name products by: names and aliases in both languages, a typo, and whole
# sentences (the bot's size flow sends the customer's sentence as it is).
SEARCH_QUERIES = (
    "纯棉圆领T恤",
    "卫衣",
    "连帽卫衣",
    "hoodie",
    "jeans",
    "牛仔裤",
    "羽绒服",
    "trench coat",
    "连衣裙",
    "hoddie",
    "T恤是纯棉的吗",
    "我160 100斤穿什么码",
    "牛仔裤M码腰围多少",
    "which size should I take? I'm 170 cm and 60 kg",
    "do you have this dress in black",
)


@dataclass
class Shop:
    database_url: str
    prefix: str
    requests: list[Any]
    bodies: list[bytes]
    reply: bytes
    reply_sizes: tuple[int, int, int]
    prefetch: int
    searches: list[Any]


async def prepare_shop(args: argparse.Namespace, directory: Path) -> Shop:
    """Seed the demo shop; build one request per order and the echo's canned reply."""
    from bus.contracts import LookupOrder, OrderFound, SearchProducts
    from bus.settings import BusSettings
    from worker import create_worker
    from worker.seed import find_demo_orders
    from worker.settings import WorkerSettings

    database_url = f"sqlite+aiosqlite:///{directory / 'shop.db'}"
    prefix = f"bench{uuid.uuid4().hex[:10]}"
    settings = WorkerSettings(
        database_url=database_url, bus=BusSettings(amqp_url=args.amqp_url, prefix=prefix)
    )
    worker = create_worker(settings)
    try:
        await worker.seed_demo()
        orders = await find_demo_orders(worker.db)
        requests = [
            LookupOrder(
                order_no=order.order_no,
                telegram_user_id=7_000_000_000 + index,
                phone_last4=order.phone[-4:],
            )
            for index, order in enumerate(orders)
        ]
        # The replies the worker will send, computed in-process: they must all be found,
        # and the echo answers one of typical size.
        replies = []
        for request in requests:
            reply = await worker.service.lookup_order(request)
            if not isinstance(reply, OrderFound):
                raise RuntimeError(f"demo order {request.order_no} not found: {reply!r}")
            replies.append(reply.model_dump_json().encode())
    finally:
        await worker.db.dispose()
    sizes = sorted(len(r) for r in replies)
    mean = statistics.fmean(sizes)
    typical = min(replies, key=lambda r: abs(len(r) - mean))
    return Shop(
        database_url=database_url,
        prefix=prefix,
        requests=requests,
        bodies=[r.model_dump_json().encode() for r in requests],
        reply=typical,
        reply_sizes=(sizes[0], round(mean), sizes[-1]),
        prefetch=settings.prefetch,
        searches=[SearchProducts(query=q, limit=5) for q in SEARCH_QUERIES],
    )


async def run_in_process(args: argparse.Namespace, shop: Shop) -> list[Result]:
    """The worker's handlers called directly, without the bus: what the database read (or the
    catalogue) and the reply model cost on their own (``--breakdown``)."""
    from bus.contracts import OrderFound, ProductList
    from bus.settings import BusSettings
    from worker import create_worker
    from worker.settings import WorkerSettings

    settings = WorkerSettings(
        database_url=shop.database_url, bus=BusSettings(amqp_url=args.amqp_url, prefix=shop.prefix)
    )
    worker = create_worker(settings)

    async def lookup(request: Any) -> bool:
        return isinstance(await worker.service.lookup_order(request), OrderFound)

    async def search(request: Any) -> bool:
        return isinstance(await worker.service.search_products(request), ProductList)

    results = []
    try:
        if "lookup" in args.methods:
            results.append(
                await measure("lookup in-process (no bus)", 1, lookup, shop.requests, args)
            )
        if "search" in args.methods:
            results.append(
                await measure("search in-process (no bus)", 1, search, shop.searches, args)
            )
        return results
    finally:
        await worker.db.dispose()


@contextlib.asynccontextmanager
async def echo_side(
    args: argparse.Namespace,
    connection: AbstractRobustConnection,
    directory: Path,
    shop: Shop,
    processes: int,
) -> AsyncIterator[list[Row]]:
    """The bare echo servers up and a bare client to call them: one row."""
    queue_name = f"{shop.prefix}.echo"
    reply_file = directory / "echo-reply.json"
    reply_file.write_bytes(shop.reply)
    servers = Servers(directory, f"echo-x{processes}")
    client = BareClient(connection, queue_name)
    try:
        for _ in range(processes):
            await servers.spawn(
                [
                    sys.executable,
                    str(SCRIPT),
                    "--echo-server",
                    queue_name,
                    "--reply-file",
                    str(reply_file),
                    "--prefetch",
                    str(shop.prefetch),
                    "--amqp-url",
                    args.amqp_url,
                ],
                dict(os.environ),
            )
        await wait_for_consumers(connection, queue_name, processes, servers)
        await client.start()

        async def call(body: bytes) -> bool:
            return len(await client.call(body)) == len(shop.reply)

        yield [Row(f"bare echo x{processes}", processes, call, shop.bodies, servers)]
    finally:
        await client.close()
        await servers.stop()
        channel = await connection.channel()
        await channel.queue_delete(queue_name)
        await channel.close()


@contextlib.asynccontextmanager
async def kefu_side(
    args: argparse.Namespace,
    connection: AbstractRobustConnection,
    directory: Path,
    shop: Shop,
    processes: int,
) -> AsyncIterator[list[Row]]:
    """Kefu's workers up and ``RpcClient`` to call them: a row per method, and with
    ``--breakdown`` the bare client against the same workers."""
    from bus.contracts import OrderFound, ProductList
    from bus.rpc import RpcClient
    from bus.topology import Topology

    topology = Topology(prefix=shop.prefix)
    env = worker_env(args, shop.database_url, shop.prefix)
    servers = Servers(directory, f"worker-x{processes}")
    rpc = RpcClient(args.amqp_url, timeout=30, topology=topology)
    bare = BareClient(connection, topology.queries_queue, method="orders.lookup")
    try:
        for index in range(processes):
            argv = [sys.executable]
            if args.profile:
                prof = args.profile / f"worker-x{processes}-{index}.prof"
                argv += ["-m", "cProfile", "-o", str(prof)]
            argv += ["-m", "worker", "--log-level", "WARNING"]
            await servers.spawn(argv, env)
        await wait_for_consumers(connection, topology.queries_queue, processes, servers)
        await rpc.connect(wait=30)
        if not rpc.connected:
            raise RuntimeError("the RPC client could not connect")

        async def lookup(request: Any) -> bool:
            return isinstance(await rpc.call(request), OrderFound)

        async def search(request: Any) -> bool:
            return isinstance(await rpc.call(request), ProductList)

        async def bare_call(body: bytes) -> bool:
            return b'"kind":"found"' in await bare.call(body)

        rows = []
        if "lookup" in args.methods:
            rows.append(Row(f"kefu lookup x{processes}", processes, lookup, shop.requests, servers))
        if "search" in args.methods:
            rows.append(Row(f"kefu search x{processes}", processes, search, shop.searches, servers))
        if args.breakdown and "lookup" in args.methods:
            await bare.start()
            rows.append(
                Row(f"bare client->worker x{processes}", processes, bare_call, shop.bodies, servers)
            )
        yield rows
    finally:
        await bare.close()
        await rpc.close()
        await servers.stop()
        channel = await connection.channel()
        with contextlib.suppress(Exception):
            await topology.delete(channel)
        with contextlib.suppress(Exception):
            await channel.close()


async def run_rows(args: argparse.Namespace, rows: Sequence[Row]) -> list[Result]:
    """Each row's loaded phase alone (throughput needs the machine to itself), then the
    serial phase of all rows in alternating blocks. With ``--profile`` the client is
    profiled during kefu's loaded phases."""
    loaded = []
    for row in rows:
        profiler = cProfile.Profile() if args.profile and row.name.startswith("kefu") else None
        if profiler:
            profiler.enable()
        try:
            loaded.append(
                await measure_loaded(
                    row.name, row.processes, row.call, row.payloads, args, row.servers
                )
            )
        finally:
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile / f"client-{row.name.replace(' ', '-')}.prof")
    serial = await alternate_serial(rows, args)
    return [finish(result, *serial[result.name], args) for result in loaded]


def print_profile(label: str, paths: list[Path], top: int = 25) -> None:
    existing = [str(p) for p in paths if p.exists()]
    if not existing:
        print(f"  (no profile written for {label})")
        return
    out = io.StringIO()
    stats = pstats.Stats(*existing, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(f"\n── profile: {label} ──")
    print(out.getvalue())


def ratios(results: list[Result]) -> list[dict[str, Any]]:
    rows = []
    by_name = {r.name: r for r in results}
    for n, method in itertools.product(sorted({r.processes for r in results}), METHODS):
        echo, kefu = by_name.get(f"bare echo x{n}"), by_name.get(f"kefu {method} x{n}")
        if echo is None or kefu is None:
            continue
        p50 = kefu.p50_ms / echo.p50_ms
        loaded_p50 = kefu.loaded_p50_ms / echo.loaded_p50_ms
        throughput = kefu.calls_per_s / echo.calls_per_s
        rows.append(
            {
                "method": method,
                "processes": n,
                "p50_ratio": round(p50, 2),
                "p50_target": TARGET_P50_RATIO,
                "p50_pass": p50 <= TARGET_P50_RATIO,
                "loaded_p50_ratio": round(loaded_p50, 2),
                "loaded_p50_pass": loaded_p50 <= TARGET_P50_RATIO,
                "throughput_ratio": round(throughput, 2),
                "throughput_target": TARGET_THROUGHPUT_RATIO,
                "throughput_pass": throughput >= TARGET_THROUGHPUT_RATIO,
            }
        )
    return rows


def _verdict(good: bool) -> str:
    return "PASS" if good else "MISS"


def print_report(args: argparse.Namespace, shop: Shop, results: list[Result]) -> list[dict]:
    low, _, high = shop.reply_sizes
    print()
    print(
        "orders.lookup and products.search through Kefu's bus vs a bare aio-pika echo over "
        f"direct reply-to, prefetch {shop.prefetch}"
    )
    print(
        f"p50/p99: {args.serial_calls} calls one at a time (all rows in alternating blocks of "
        f"{args.block}); calls/s and loaded p50/p99: "
        f"{args.calls} calls, {args.in_flight} in flight (after {args.warmup} warm-up)"
    )
    print(
        f"request {len(shop.bodies[0])} B, reply {low}-{high} B (echo answers {len(shop.reply)} "
        f"B), {os.cpu_count()} CPUs" + ("  [PROFILED: figures slowed]" if args.profile else "")
    )
    print()
    header = f"{'setup':<28}{'p50 ms':>8}{'p99 ms':>8}{'calls/s':>9}"
    print(
        f"{header}{'loaded p50':>12}{'loaded p99':>12}{'errors':>8}"
        f"{'client CPU':>12}{'server CPU':>12}"
    )
    for r in results:
        server = f"{r.server_cpu_us} us" if r.server_cpu_us is not None else "-"
        print(
            f"{r.name:<28}{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}{r.calls_per_s:>9.0f}"
            f"{r.loaded_p50_ms:>12.1f}{r.loaded_p99_ms:>12.1f}{r.errors:>8}"
            f"{f'{r.client_cpu_us} us':>12}{server:>12}"
        )
    rows = ratios(results)
    print()
    print(
        f"kefu / echo  p50 (target <= {TARGET_P50_RATIO})   calls/s (target >= "
        f"{TARGET_THROUGHPUT_RATIO})   loaded p50 (<= {TARGET_P50_RATIO})"
    )
    for row in rows:
        print(
            f"{row['method']:<7}x{row['processes']:<4}"
            f"{row['p50_ratio']:>5.2f} {_verdict(row['p50_pass'])}"
            f"{row['throughput_ratio']:>19.2f} {_verdict(row['throughput_pass'])}"
            f"{row['loaded_p50_ratio']:>21.2f} {_verdict(row['loaded_p50_pass'])}"
        )
    return rows


async def bench(args: argparse.Namespace) -> None:
    directory = Path(tempfile.mkdtemp(prefix="kefu-bench-"))
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    connection: AbstractRobustConnection | None = None
    results: list[Result] = []
    try:
        shop = await prepare_shop(args, directory)
        connection = await aio_pika.connect_robust(args.amqp_url)
        if args.breakdown:
            results.extend(await run_in_process(args, shop))
        for n in args.processes:
            print(f"{n} server process{'es' if n > 1 else ''}:", flush=True)
            async with (
                echo_side(args, connection, directory, shop, n) as echo,
                kefu_side(args, connection, directory, shop, n) as kefu,
            ):
                results.extend(await run_rows(args, echo + kefu))
            if args.profile:
                print_profile(
                    f"worker x{n}", [args.profile / f"worker-x{n}-{i}.prof" for i in range(n)]
                )
                print_profile(f"client x{n}", sorted(args.profile.glob(f"client-kefu-*x{n}.prof")))
        rows = print_report(args, shop, results)
        if args.json:
            print(
                json.dumps(
                    {
                        "calls": args.calls,
                        "warmup": args.warmup,
                        "serial_calls": args.serial_calls,
                        "block": args.block,
                        "in_flight": args.in_flight,
                        "prefetch": shop.prefetch,
                        "request_bytes": len(shop.bodies[0]),
                        "reply_bytes": len(shop.reply),
                        "cpus": os.cpu_count(),
                        "profiled": bool(args.profile),
                        "results": [asdict(r) for r in results],
                        "ratios": rows,
                    },
                    indent=2,
                )
            )
    finally:
        if connection is not None:
            await connection.close()
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=5000, help="measured calls per row")
    parser.add_argument("--warmup", type=int, default=500, help="warm-up calls per row")
    parser.add_argument(
        "--serial-calls", type=int, default=1000, help="calls one at a time for p50/p99"
    )
    parser.add_argument("--in-flight", type=int, default=64, help="calls in flight")
    parser.add_argument(
        "--block", type=int, default=50, help="one-at-a-time calls per alternating block"
    )
    parser.add_argument(
        "--processes",
        type=lambda s: [int(n) for n in s.split(",")],
        default=[1, 2],
        help="server process counts to run, comma-separated (default 1,2)",
    )
    parser.add_argument(
        "--amqp-url", default=os.environ.get("AMQP_URL", DEFAULT_AMQP_URL), help="the broker"
    )
    parser.add_argument(
        "--methods",
        type=lambda s: [m for m in s.split(",") if m],
        default=list(METHODS),
        help="bus methods to measure, comma-separated (default lookup,search)",
    )
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time a bare client against the worker"
    )
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="cProfile workers and client into DIR"
    )
    parser.add_argument("--echo-server", metavar="QUEUE", help=argparse.SUPPRESS)
    parser.add_argument("--reply-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prefetch", type=int, default=32, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_server:
        reply = args.reply_file.read_bytes()
        asyncio.run(echo_server(args.amqp_url, args.echo_server, reply, args.prefetch))
        return
    asyncio.run(bench(args))


if __name__ == "__main__":
    main()
