"""A sale-day load: simulated customers against the whole stack, as real processes.

Telegram is the fake Bot API (``tests/fakes/telegram_api.py``, in this process), delivering
each customer message to the webhook ingress (``python -m bot.ingress``); two bot processes
consume its partitions (``python -m bot --partitions``, chats in a private ``redis-server``);
one, then two workers (``python -m worker``) serve the demo shop from PostgreSQL (the tests'
server, ``scripts/postgres.sh``, on 5433; ``--sqlite`` for a temp SQLite file) over the
RabbitMQ at ``AMQP_URL`` (a unique bus prefix).

Each customer holds a conversation, with a pause to type between turns (``--think``): a policy
question, "where is my order" with its number, the last four digits of the phone it asks for
(an order look-up), a size question (size advice), an exchange (the worker checks what the
order allows), another policy question. A turn's latency runs from the message to the bot's
first reply; a turn is an error when no reply comes within 30 s or the reply is the
"temporarily unavailable" or "something went wrong" one. Printed: turns/s, p50/p99, errors
(must be 0), the RSS of the bot and worker processes idle and with every conversation held
(per 1,000 conversations), Redis's memory, and beside them the bare baselines measured in the
same run: the bare aiogram echo of ``bench_bot.py`` (in this process) and the bare aio-pika
echo of ``bench_bus.py`` (its own run, ``--methods lookup --processes 1``).

The fake Bot API delivers webhooks one at a time, as one Telegram connection would: at most
a few hundred updates a second reach the ingress, whatever the bots could take.

```
.venv/bin/python benchmarks/bench_load.py                    # 1,000 customers, 1 and 2 workers
.venv/bin/python benchmarks/bench_load.py --customers 200 --workers 1
```
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402

from tests.fakes.telegram_api import FakeTelegramAPI, parse_html  # noqa: E402
from tests.support.processes import Service, clean_env, spawn, stop_all  # noqa: E402
from tests.support.redis import free_port, private_redis  # noqa: E402
from tests.support.topology import drop  # noqa: E402

POLICY = ["发什么快递", "几天能发货", "支持货到付款吗", "你们可以七天无理由退货吗", "有没有优惠券"]
SIZES = ["我身高170体重60公斤，卫衣穿什么码", "160cm 50kg 牛仔裤选哪个码", "T恤175 70kg穿多大"]
EXCHANGES = ["我想换个大一码的", "能换个颜色吗"]
TURN_TIMEOUT = 30.0
console = Console(stderr=True)


@dataclass
class Turn:
    kind: str
    latency: float | None  # None: no reply in time
    error: str | None  # None, or why it is one: "no reply", "unavailable", "error.generic"


@dataclass
class RunResult:
    workers: int
    customers: int
    turns: int
    errors: int
    seconds: float
    turns_per_s: float
    p50_ms: float
    p99_ms: float
    by_kind_p50_ms: dict[str, float]
    by_kind_p99_ms: dict[str, float]
    errors_by_kind: dict[str, dict[str, int]]
    cpu_percent: dict[str, float]
    """Each process's CPU over the run, in % of one core (the benchmark's own process —
    fake Telegram and the customers — as ``customers``; the shared broker and PostgreSQL
    include whatever else used them meanwhile)."""
    cpu_wait_percent: dict[str, float]
    """How much of the run each process waited, ready to run, for a CPU (in %)."""
    calls: dict[str, dict[str, float]]
    """Per bus method, from the processes' own metrics: calls, outcomes other than ok, the
    bot's mean round trip and the workers' mean handler time (ms)."""
    rss_mb_idle: dict[str, float]
    rss_mb_loaded: dict[str, float]
    rss_mb_per_1000: dict[str, float]
    redis_mb: float
    redis_commands: dict[str, int]
    """Commands the bots sent Redis over the whole run (start-up included), by command."""
    error_samples: list[str] = field(default_factory=list)


def cpu_seconds(pid: int) -> float:
    """user + system CPU of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_wait_seconds(pid: int) -> float:
    """How long the process's main thread waited, runnable, for a CPU so far (schedstat):
    the sign of a machine busier than its cores."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def listener(port: int) -> int | None:
    """The process listening on a local TCP port (``ss -ltnp``), if it can be told."""
    try:
        out = subprocess.run(
            ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        return None
    found = re.search(r"pid=(\d+)", out)
    return int(found.group(1)) if found else None


def with_children(pid: int) -> list[int]:
    """A process and its children (PostgreSQL's backends are the postmaster's)."""
    pids = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(stat.parent.name))
    return pids


def services_cpu(ports: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of the services the stack shares (their children included)."""
    seconds: dict[str, float] = {}
    for name, port in ports.items():
        pid = listener(port)
        if pid is not None:
            total = 0.0
            for each in with_children(pid):
                with contextlib.suppress(OSError):
                    total += cpu_seconds(each)
            seconds[name] = total
    return seconds


async def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """A process's Prometheus metrics: (sample name, labels) → value."""
    from aiohttp import ClientSession
    from prometheus_client.parser import text_string_to_metric_families

    async with ClientSession() as session, session.get(f"http://127.0.0.1:{port}/") as response:
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def bus_calls(
    bots: list[dict[tuple[str, tuple[tuple[str, str], ...]], float]],
    workers: list[dict[tuple[str, tuple[tuple[str, str], ...]], float]],
) -> dict[str, dict[str, float]]:
    """Per method: the bots' calls by outcome and mean round trip, the workers' mean handler
    time, summed over the processes."""
    table: dict[str, dict[str, float]] = {}

    def add(method: str, key: str, value: float) -> None:
        row = table.setdefault(method, {})
        row[key] = row.get(key, 0.0) + value

    for metrics in bots:
        for (name, labels), value in metrics.items():
            got = dict(labels)
            if name == "kefu_bus_calls_total":
                add(got["method"], got["outcome"], value)
            elif name in ("kefu_bus_call_seconds_sum", "kefu_bus_call_seconds_count"):
                add(got["method"], name.rsplit("_", 1)[1] + "_rtt", value)
    for metrics in workers:
        for (name, labels), value in metrics.items():
            got = dict(labels)
            if name in ("kefu_rpc_handler_seconds_sum", "kefu_rpc_handler_seconds_count"):
                add(got["method"], name.rsplit("_", 1)[1] + "_handler", value)
    for row in table.values():
        for what in ("rtt", "handler"):
            count = row.pop(f"count_{what}", 0.0)
            total = row.pop(f"sum_{what}", 0.0)
            if count:
                row[f"{what}_ms"] = total / count * 1000
    return table


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def wait_for_line(service: Service, text: str, within: float = 120) -> None:
    async with asyncio.timeout(within):
        while text not in service.tail(500_000):
            if not service.alive:
                raise RuntimeError(f"{service.name} died:\n{service.tail()}")
            await asyncio.sleep(0.2)


async def database(args: argparse.Namespace, directory: Path) -> tuple[str, str | None]:
    if args.sqlite:
        return f"sqlite+aiosqlite:///{directory / 'shop.db'}", None
    from tests.integration.conftest import postgres_database

    name = f"kefu_bench_{uuid.uuid4().hex[:10]}"
    return await postgres_database(name), name


async def demo_orders(url: str, amqp_url: str, prefix: str) -> list[tuple[str, str]]:
    from bus.settings import BusSettings
    from worker import create_worker
    from worker.seed import find_demo_orders
    from worker.settings import WorkerSettings

    worker = create_worker(
        WorkerSettings(database_url=url, bus=BusSettings(amqp_url=amqp_url, prefix=prefix))
    )
    try:
        await worker.seed_demo()
        return [(o.order_no, o.phone[-4:]) for o in await find_demo_orders(worker.db)]
    finally:
        await worker.db.dispose()


class Customers:
    def __init__(self, fake: FakeTelegramAPI, orders: list[tuple[str, str]], think: float):
        self.fake = fake
        self.orders = orders
        self.think = think
        self.turns: list[Turn] = []
        self.errors: list[str] = []
        from replies.render import Replies
        from shop.policy import load_policy

        replies = Replies(load_policy())
        self.bad = {
            parse_html(replies.text(key, locale))[0]: key
            for key in ("unavailable", "error.generic")
            for locale in ("zh_CN", "en")
        }

    async def turn(self, user: int, kind: str, text: str) -> None:
        before = len(self.fake.messages(user))
        started = time.perf_counter()
        self.fake.user_says(text, user_id=user)
        latency: float | None = None
        try:
            async with asyncio.timeout(TURN_TIMEOUT):
                await self.fake.wait_for_bot_message(user, before)
            latency = time.perf_counter() - started
            await asyncio.sleep(0.15)  # the rest of this turn's replies
        except TimeoutError:
            pass
        said = [m.text for m in self.fake.messages(user)[before:]]
        error = (
            "no reply"
            if latency is None
            else next((self.bad[text] for text in said if text in self.bad), None)
        )
        if error and len(self.errors) < 5:
            self.errors.append(f"{kind}: {text!r} -> {said!r}")
        self.turns.append(Turn(kind, latency, error))

    async def converse(self, user: int, progress: Any, task: Any) -> None:
        rng = random.Random(user)
        order_no, last4 = self.orders[user % len(self.orders)]
        script = [
            ("policy", rng.choice(POLICY)),
            ("lookup", f"{order_no} 到哪了"),
            ("lookup", last4),
            ("size", rng.choice(SIZES)),
            ("exchange", rng.choice(EXCHANGES)),
            ("policy", rng.choice(POLICY)),
        ]
        await asyncio.sleep(rng.uniform(0, self.think * 2))  # customers arrive over time
        for kind, text in script:
            await self.turn(user, kind, text)
            progress.advance(task)
            await asyncio.sleep(rng.uniform(self.think / 2, self.think * 1.5))


async def run_stack(args: argparse.Namespace, workers: int, directory: Path) -> RunResult:
    url, pg_name = await database(args, directory)
    prefix = f"load{uuid.uuid4().hex[:10]}"
    orders = await demo_orders(url, args.amqp_url, prefix)
    fake = FakeTelegramAPI(webhook_attempts=20)
    await fake.start()
    services: list[Service] = []
    try:
        async with private_redis(directory) as redis_url:
            common = {
                "AMQP_URL": args.amqp_url,
                "KEFU_BUS_PREFIX": prefix,
                "KEFU_UPDATE_PARTITIONS": str(args.partitions),
                "BOT_TOKEN": fake.token,
                "TELEGRAM_API_URL": fake.base_url,
            }
            ports: dict[str, int] = {}  # each process's metrics, scraped after the run
            for n in range(workers):
                ports[f"worker-{n}"] = free_port()
                env = clean_env(
                    **common, DATABASE_URL=url, WORKER_METRICS_PORT=str(ports[f"worker-{n}"])
                )
                services.append(await spawn(f"worker-{n}", ["-m", "worker"], env, directory))
            bots = []
            for n in range(2):
                ports[f"bot-{n}"] = free_port()
                bot_env = clean_env(
                    **common,
                    REDIS_URL=redis_url,
                    KEFU_BOT_MODE="partitions",
                    KEFU_BOT_METRICS_PORT=str(ports[f"bot-{n}"]),
                )
                bots.append(await spawn(f"bot-{n}", ["-m", "bot"], bot_env, directory))
            services += bots
            port = free_port()
            ingress = await spawn(
                "ingress",
                ["-m", "bot.ingress"],
                clean_env(
                    **common,
                    WEBHOOK_SECRET="bench-load-secret-0123456789",
                    WEBHOOK_PORT=str(port),
                    WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
                ),
                directory,
            )
            services.append(ingress)
            for service in services:
                if service.name.startswith("worker"):
                    await wait_for_line(service, "serving")
                elif service.name.startswith("bot"):
                    await wait_for_line(service, "update partitions")
            await wait_for_line(ingress, "webhook registered")
            idle = {s.name: rss_mb(s.pid) for s in services}
            cpu_before = {s.name: cpu_seconds(s.pid) for s in services}
            cpu_before["customers"] = cpu_seconds(os.getpid())
            waited_before = {s.name: cpu_wait_seconds(s.pid) for s in services}
            waited_before["customers"] = cpu_wait_seconds(os.getpid())
            shared_ports = {
                "redis": int(redis_url.rsplit(":", 1)[1].split("/")[0]),
                "rabbitmq (shared)": urlsplit(args.amqp_url).port or 5672,
            }
            if pg_name:
                shared_ports["postgresql (shared)"] = urlsplit(url).port or 5432
            cpu_before |= services_cpu(shared_ports)
            customers = Customers(fake, orders, args.think)
            users = [2_000_000 + n for n in range(args.customers)]
            total = len(users) * 6
            started = time.perf_counter()
            with Progress(
                TextColumn(f"{workers} worker(s)"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} turns"),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task("turns", total=total)
                await asyncio.gather(*(customers.converse(u, progress, task) for u in users))
            seconds = time.perf_counter() - started
            cpu = {s.name: cpu_seconds(s.pid) for s in services}
            cpu["customers"] = cpu_seconds(os.getpid())
            waited = {s.name: cpu_wait_seconds(s.pid) for s in services}
            waited["customers"] = cpu_wait_seconds(os.getpid())
            cpu |= services_cpu(shared_ports)
            loaded = {s.name: rss_mb(s.pid) for s in services}
            metrics = {name: await scrape(port) for name, port in ports.items()}
            import redis.asyncio as redis

            client = redis.Redis.from_url(redis_url)
            redis_mb = (await client.info("memory"))["used_memory"] / 2**20
            redis_commands = {
                name.removeprefix("cmdstat_"): int(row["calls"])
                for name, row in (await client.info("commandstats")).items()
                if name not in ("cmdstat_info", "cmdstat_ping", "cmdstat_hello", "cmdstat_client")
            }
            await client.aclose()
    finally:
        await stop_all(services)
        await fake.stop()
        with contextlib.suppress(Exception):  # the run's queues and exchanges, off the broker
            drop(prefix)
        if args.logs:
            keep = Path(args.logs) / f"{workers}-workers"
            keep.mkdir(parents=True, exist_ok=True)
            for service in services:
                shutil.copy(service.log, keep / service.log.name)
        if pg_name:
            from tests.integration.conftest import postgres_database

            with contextlib.suppress(Exception):
                await postgres_database(pg_name, drop=True)
    latencies = sorted(t.latency for t in customers.turns if t.latency is not None)
    kinds = sorted({t.kind for t in customers.turns})
    per_1000 = {name: (loaded[name] - idle[name]) * 1000 / args.customers for name in loaded}
    errors_by_kind: dict[str, dict[str, int]] = {}
    for t in customers.turns:
        if t.error:
            reasons = errors_by_kind.setdefault(t.kind, {})
            reasons[t.error] = reasons.get(t.error, 0) + 1

    def p99(values: list[float]) -> float:
        values = sorted(values)
        return values[max(0, int(len(values) * 0.99) - 1)] * 1000 if values else 0.0

    return RunResult(
        workers=workers,
        customers=args.customers,
        turns=len(customers.turns),
        errors=sum(t.error is not None for t in customers.turns),
        seconds=seconds,
        turns_per_s=len(customers.turns) / seconds,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=p99(latencies),
        by_kind_p50_ms={
            kind: statistics.median(
                [t.latency for t in customers.turns if t.kind == kind and t.latency] or [0]
            )
            * 1000
            for kind in kinds
        },
        by_kind_p99_ms={
            kind: p99([t.latency for t in customers.turns if t.kind == kind and t.latency])
            for kind in kinds
        },
        errors_by_kind=errors_by_kind,
        cpu_percent={
            name: (cpu[name] - cpu_before[name]) / seconds * 100
            for name in cpu
            if name in cpu_before
        },
        cpu_wait_percent={
            name: (waited[name] - waited_before[name]) / seconds * 100 for name in waited
        },
        calls=bus_calls(
            [m for name, m in metrics.items() if name.startswith("bot")],
            [m for name, m in metrics.items() if name.startswith("worker")],
        ),
        rss_mb_idle=idle,
        rss_mb_loaded=loaded,
        rss_mb_per_1000=per_1000,
        redis_mb=redis_mb,
        redis_commands=redis_commands,
        error_samples=customers.errors,
    )


async def bare_aiogram_echo() -> dict[str, float]:
    """bench_bot.py's bare aiogram echo, in this process."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_bot

    bot, session = bench_bot.make_bot()
    dp = bench_bot.echo_dispatcher()
    row = await bench_bot.measure(
        "echo", dp, bot, session, lambda n: bench_bot.updates(bot, ["你好"], n, 50), 2000, 16
    )
    return {"p50_ms": row.p50_ms, "p99_ms": row.p99_ms, "updates_per_s": row.updates_per_s}


def bare_bus_echo(amqp_url: str) -> dict[str, float] | None:
    """bench_bus.py's bare aio-pika echo (one server process), in its own run."""
    output = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_bus.py"), "--methods", "lookup",
         "--processes", "1", "--calls", "2000", "--serial-calls", "500", "--warmup", "200",
         "--amqp-url", amqp_url, "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    ).stdout  # fmt: skip
    start = output.find("\n{")
    if start < 0:
        return None
    found = json.loads(output[start:])
    for result in found["results"]:
        if result["name"].startswith("bare echo"):
            return {k: result[k] for k in ("p50_ms", "p99_ms", "calls_per_s")}
    return None


def report(results: list[RunResult], echo: dict[str, float], bus: dict[str, float] | None) -> None:
    print(f"\nload: {results[0].customers} customers, 6 turns each, 2 bot processes")
    print(f"{'workers':>8}{'turns':>8}{'errors':>8}{'turns/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for r in results:
        print(
            f"{r.workers:>8}{r.turns:>8}{r.errors:>8}{r.turns_per_s:>9.1f}"
            f"{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}"
        )
        kinds = ", ".join(
            f"{k} {v:.0f}/{r.by_kind_p99_ms[k]:.0f} ms" for k, v in r.by_kind_p50_ms.items()
        )
        print(f"   p50/p99 by kind: {kinds}")
        for kind, reasons in r.errors_by_kind.items():
            print(
                f"   errors in {kind} turns: " + ", ".join(f"{n} {w}" for w, n in reasons.items())
            )
        print(
            "   CPU (% of a core): " + ", ".join(f"{k} {v:.0f}" for k, v in r.cpu_percent.items())
        )
        print(
            "   waiting for a CPU (% of the run): "
            + ", ".join(f"{k} {v:.0f}" for k, v in r.cpu_wait_percent.items())
        )
        for method, row in sorted(r.calls.items(), key=lambda item: -item[1].get("ok", 0)):
            failed = ", ".join(
                f"{n:.0f} {w}" for w, n in row.items() if w not in ("ok", "rtt_ms", "handler_ms")
            )
            print(
                f"   {method:<24} {row.get('ok', 0):>6.0f} ok"
                f"  round trip {row.get('rtt_ms', 0):7.1f} ms"
                f"  worker {row.get('handler_ms', 0):6.1f} ms" + (f"  ({failed})" if failed else "")
            )
        rows = ", ".join(
            f"{name} {r.rss_mb_idle[name]:.0f}→{r.rss_mb_loaded[name]:.0f} MB "
            f"({r.rss_mb_per_1000[name]:+.1f} MB/1,000)"
            for name in r.rss_mb_loaded
            if not name.startswith("ingress")
        )
        print(f"   RSS idle→loaded: {rows}; Redis {r.redis_mb:.1f} MB")
        commands = sorted(r.redis_commands.items(), key=lambda item: -item[1])
        print(
            f"   Redis: {sum(r.redis_commands.values()) / r.turns:.1f} commands a turn ("
            + ", ".join(f"{name} {n}" for name, n in commands)
            + ")"
        )
        for sample in r.error_samples:
            print(f"   error: {sample}")
    print(
        f"bare aiogram echo (bench_bot, this process): p50 {echo['p50_ms']:.3f} ms, "
        f"{echo['updates_per_s']:.0f} updates/s"
    )
    if bus:
        print(
            f"bare aio-pika echo (bench_bus, 1 server): p50 {bus['p50_ms']:.2f} ms, "
            f"p99 {bus['p99_ms']:.2f} ms, {bus['calls_per_s']:.0f} calls/s"
        )


async def main_async(args: argparse.Namespace) -> None:
    echo = await bare_aiogram_echo()
    bus = None if args.no_bus_baseline else await asyncio.to_thread(bare_bus_echo, args.amqp_url)
    results = []
    for workers in args.workers:
        with tempfile.TemporaryDirectory(prefix="kefu-load-") as directory:
            results.append(await run_stack(args, workers, Path(directory)))
    report(results, echo, bus)
    if args.json:
        print(
            json.dumps(
                {"results": [asdict(r) for r in results], "aiogram_echo": echo, "bus_echo": bus},
                indent=2,
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument(
        "--workers",
        type=lambda s: [int(n) for n in s.split(",")],
        default=[1, 2],
        help="worker counts to run, comma-separated (default 1,2)",
    )
    parser.add_argument("--think", type=float, default=2.0, help="seconds between turns (mean)")
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--sqlite", action="store_true", help="a temp SQLite file, not PostgreSQL")
    parser.add_argument("--no-bus-baseline", action="store_true")
    parser.add_argument(
        "--amqp-url", default=os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--logs", help="copy the processes' logs into this directory")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
