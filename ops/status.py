"""``kefu status [--json] [--check] [--watch]``: the shared summary (``monitor.status``) as a rich
table, JSON, or a table refreshed in place; ``--check`` fails when any alert rule is active."""

from __future__ import annotations

import argparse
import asyncio
import json

from aio_pika.abc import AbstractRobustConnection
from aio_pika.exceptions import AMQPError
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from bus.connection import Broker
from bus.rpc import RpcClient
from monitor.alerts import evaluate
from monitor.status import StatusSummary, ago, collect_status, headline, process_rows, summary_json
from ops.broker import require_broker
from ops.settings import OpsSettings

STATE_STYLE = {"ok": "green", "MISSING": "bold red", "stopped": "dim"}


def render(summary: StatusSummary, alerts: list[str]) -> Group:
    """The summary as rich renderables: the headline, processes, queues, alerts."""
    parts: list[object] = [Text("\n".join(headline(summary)))]
    rows = process_rows(summary)
    if rows:
        processes = Table(title="processes (from their heartbeats)", title_justify="left")
        for column in ("process", "state", "up", "last heartbeat"):
            processes.add_column(column)
        for process, state, up, seen in rows:
            processes.add_row(
                process, Text(state, style=STATE_STYLE.get(state, "")), up, f"{seen} ago"
            )
        parts.append(processes)
    if summary.queues:
        queues = Table(title="queues", title_justify="left")
        queues.add_column("queue")
        for column in ("messages", "unacked", "consumers", "oldest", "in/s"):
            queues.add_column(column, justify="right")
        for q in summary.queues:
            idle = q.role != "dead" and q.consumers == 0
            dead = q.role == "dead" and q.messages > 0
            queues.add_row(
                q.name if q.present else f"{q.name} (absent)",
                Text(str(q.messages), style="bold red" if dead else ""),
                str(q.unacked),
                Text(str(q.consumers), style="bold red" if idle else ""),
                ago(q.oldest_s),
                f"{q.in_rate:.1f}",
            )
        parts.append(queues)
    parts.append(
        Text("alerts: none", style="green")
        if not alerts
        else Text("\n".join(["alerts:", *(f"  ! {a}" for a in alerts)]), style="bold red")
    )
    return Group(*parts)  # type: ignore[arg-type]


async def status_once(
    settings: OpsSettings, rpc: RpcClient, amqp: AbstractRobustConnection | None
) -> tuple[StatusSummary, list[str]]:
    monitor = settings.monitor
    summary = await collect_status(monitor, settings.bus.topology, rpc, amqp=amqp)
    evaluation = evaluate(summary, monitor)
    return summary, [f"{c.title}: {c.detail}" for c in evaluation.active.values()]


async def cmd_status(args: argparse.Namespace) -> int:
    settings = OpsSettings()
    bus = settings.bus
    await require_broker(bus.broker)
    rpc = RpcClient(bus.broker, timeout=bus.rpc_timeout, topology=bus.topology)
    await rpc.connect(wait=3)
    amqp = await _connect(bus.broker)
    try:
        if args.watch:
            return await _watch(settings, rpc, amqp, args.interval)
        summary, alerts = await status_once(settings, rpc, amqp)
    finally:
        await rpc.close()
        if amqp is not None:
            await amqp.close()
    if args.json:
        print(json.dumps(summary_json(summary, alerts), indent=2, ensure_ascii=False))
    else:
        Console().print(render(summary, alerts))
    if summary.broker_error and not args.json:
        return 2
    return 1 if args.check and alerts else 0


async def _connect(broker: Broker) -> AbstractRobustConnection | None:
    try:
        async with asyncio.timeout(3):
            return await broker.connect("kefu-status")
    except (AMQPError, OSError, ConnectionError, TimeoutError):
        return None


async def _watch(
    settings: OpsSettings,
    rpc: RpcClient,
    amqp: AbstractRobustConnection | None,
    interval: float,
) -> int:
    console = Console()
    summary, alerts = await status_once(settings, rpc, amqp)
    with Live(render(summary, alerts), console=console, refresh_per_second=4) as live:
        try:
            while True:
                await asyncio.sleep(interval)
                summary, alerts = await status_once(settings, rpc, amqp)
                live.update(render(summary, alerts))
        except (KeyboardInterrupt, asyncio.CancelledError):
            pass
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = sub.add_parser(
        "status", help="queues, workers, tickets, processes and alerts at a glance"
    )
    status.add_argument("--json", action="store_true")
    status.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when any alert rule is active (no worker, a backed-up queue, dead "
        "letters, a ticket over the SLA, failing bus calls)",
    )
    status.add_argument("--watch", action="store_true", help="refresh in place (Ctrl-C stops)")
    status.add_argument("--interval", type=float, default=2.0, help="--watch refresh, seconds")
    status.set_defaults(run=cmd_status, uses_broker=True)
