"""``kefu status [--json] [--check] [--watch]``: the shared summary (``monitor.status``) as a rich
table, JSON, or a table refreshed in place; ``--check`` fails when any alert rule is active."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal

from aio_pika.abc import AbstractRobustConnection
from aio_pika.exceptions import AMQPError
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from bus.connection import Broker
from bus.rpc import RpcClient
from monitor.alerts import evaluate, what_to_do
from monitor.status import (
    QueueStatus,
    StatusSummary,
    ago,
    collect_status,
    headline,
    process_rows,
    summary_json,
)
from ops.broker import require_broker
from ops.settings import OpsSettings

STATE_STYLE = {"ok": "green", "MISSING": "bold red", "stopped": "dim"}


class Alert(str):
    """An active rule as ``title: detail`` (what ``--json`` lists), with its next step."""

    todo: str | None = None

    @classmethod
    def of(cls, title: str, detail: str, todo: str | None) -> Alert:
        alert = cls(f"{title}: {detail}")
        alert.todo = todo
        return alert


def verdict(alerts: list[str]) -> Text:
    """The first thing a tired engineer reads: is anything wrong?"""
    if not alerts:
        return Text("✔ all well: nothing below needs you", style="bold green")
    return Text(f"✘ {len(alerts)} problem(s): what and what to do under alerts, below",
                style="bold red")


def _queue_rows(summary: StatusSummary) -> list[tuple[str, QueueStatus | None]]:
    """The queues to show; update partitions that do not exist (polling, no webhook ingress)
    and hold nothing are one line, not one each."""
    partitions = [q for q in summary.queues if q.role == "updates" or (
        q.role == "dead" and q.name == f"{summary.prefix}.updates.dead")]
    unused = bool(partitions) and all(not q.present and not q.messages for q in partitions)
    rows: list[tuple[str, QueueStatus | None]] = []
    for q in summary.queues:
        if unused and q in partitions:
            if q is partitions[0]:
                rows.append((
                    f"{summary.prefix}.updates.* (none: polling)",
                    None,
                ))
            continue
        rows.append((q.name if q.present else f"{q.name} (absent)", q))
    return rows


def render(summary: StatusSummary, alerts: list[str]) -> Group:
    """The summary as rich renderables: the verdict, the headline, processes, queues, alerts."""
    head = headline(summary)
    parts: list[object] = [Text(head[0]), verdict(alerts), Text("\n".join(head[1:]))]
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
        for name, q in _queue_rows(summary):
            if q is None:
                queues.add_row(Text(name, style="dim"), "", "", "", "", "")
                continue
            idle = q.role != "dead" and q.consumers == 0
            dead = q.role == "dead" and q.messages > 0
            queues.add_row(
                name,
                Text(str(q.messages), style="bold red" if dead else ""),
                str(q.unacked),
                Text(str(q.consumers), style="bold red" if idle else ""),
                ago(q.oldest_s),
                f"{q.in_rate:.1f}",
            )
        parts.append(queues)
    if not alerts:
        parts.append(Text("alerts: none", style="green"))
    else:
        shown = Text("alerts:", style="bold red")
        for a in alerts:
            shown.append(f"\n  ! {a}", style="bold red")
            todo = getattr(a, "todo", None)
            if todo:
                shown.append(f"\n    → {todo}")
        parts.append(shown)
    return Group(*parts)  # type: ignore[arg-type]


async def status_once(
    settings: OpsSettings, rpc: RpcClient, amqp: AbstractRobustConnection | None
) -> tuple[StatusSummary, list[str]]:
    monitor = settings.monitor
    summary = await collect_status(monitor, settings.bus.topology, rpc, amqp=amqp)
    evaluation = evaluate(summary, monitor)
    return summary, [
        Alert.of(c.title, c.detail, what_to_do(c.key)) for c in evaluation.active.values()
    ]


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
    """Redraw the status every ``interval`` seconds until Ctrl-C. Ctrl-C sets an event instead
    of cancelling the command's task: a cancellation can be lost in the bus and HTTP clients
    below (before Python 3.12, ``asyncio.wait_for`` swallows one that races its result), and
    the watch then went on after Ctrl-C. A refresh under way when it comes is dropped."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        summary, alerts = await status_once(settings, rpc, amqp)
        with Live(render(summary, alerts), console=Console(), refresh_per_second=4) as live:
            while not stopping.done():
                await asyncio.wait({stopping}, timeout=interval)
                if stopping.done():
                    break
                fresh = asyncio.ensure_future(status_once(settings, rpc, amqp))
                await asyncio.wait({fresh, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not fresh.done():
                    fresh.cancel()  # (not awaited: the cancellation may be the lost kind)
                    break
                live.update(render(*fresh.result()))
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        stopping.cancel()
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
