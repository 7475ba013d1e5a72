"""One status summary, built once, shown three ways: ``kefu status`` (a rich table, or JSON), its
``--watch`` (the same table refreshed in place) and the bot's ``/status`` in the ops chat (the
plain text below).

Where each number comes from:

- the queues (messages waiting, unacknowledged, consumers, the oldest message's age, the
  publish rate): RabbitMQ's management API, one request per queue of ours;
- open tickets with the longest wait, every process's health (from its heartbeats) and the
  bots' bus-call error rate: the worker's ``ops.snapshot``. With no worker running there is
  nobody to ask: the summary says so instead of guessing.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from aio_pika.exceptions import AMQPError, ChannelNotFoundEntity

from bus.contracts import GetOpsSnapshot, OpsSnapshot
from bus.errors import BusError
from bus.protocol import Bus
from bus.topology import Topology
from monitor.settings import MonitorSettings

if TYPE_CHECKING:
    import aiohttp  # imported where used: the CLI's other commands start without it

QueueRole = Literal[
    "queries", "commands", "desk", "notices", "ops", "updates", "retry", "dead"
]
SNAPSHOT_DEADLINE = 3.0


@dataclass(frozen=True)
class QueueStatus:
    name: str
    role: QueueRole
    present: bool
    messages: int = 0
    unacked: int = 0
    consumers: int = 0
    oldest_s: float | None = None
    """Age of the oldest waiting message (from its send time), when the broker knows it."""
    in_rate: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "queue": self.name,
            "role": self.role,
            "present": self.present,
            "messages": self.messages,
            "unacked": self.unacked,
            "consumers": self.consumers,
            "oldest_s": None if self.oldest_s is None else round(self.oldest_s, 1),
            "in_rate": round(self.in_rate, 1),
        }


@dataclass(frozen=True)
class StatusSummary:
    at: datetime
    prefix: str
    queues: tuple[QueueStatus, ...] = ()
    broker: str | None = None
    broker_error: str | None = None
    snapshot: OpsSnapshot | None = None
    snapshot_error: str | None = None
    sla_s: int = 120
    extras: dict[str, Any] = field(default_factory=dict)

    def queue(self, role: QueueRole) -> QueueStatus | None:
        return next((q for q in self.queues if q.role == role), None)

    @property
    def workers(self) -> int:
        """Workers consuming queries (the queue goes away with the last of them)."""
        queries = self.queue("queries")
        return queries.consumers if queries else 0

    @property
    def dead_letters(self) -> int:
        return sum(q.messages for q in self.queues if q.role == "dead")

    @property
    def oldest_waiting_s(self) -> float | None:
        if self.snapshot is None or self.snapshot.tickets.oldest_waiting_since is None:
            return None
        return max(0.0, (self.at - self.snapshot.tickets.oldest_waiting_since).total_seconds())


def _role(topology: Topology, name: str) -> QueueRole:
    if name.endswith(".dead"):
        return "dead"
    if name == topology.queries_queue:
        return "queries"
    if name == topology.commands_queue:
        return "commands"
    if name in (topology.desk_queue, topology.staff_replies_queue):
        return "desk"  # the bots' ticket events (with the desk; without it, the staff's answers)
    if name == topology.notices_queue:
        return "notices"  # the bots' (after-sales events told to customers)
    if name == topology.retry_queue:
        return "retry"  # commands parked until their database is back: no consumer by design
    if name in topology.update_queues:
        return "updates"  # the ingress's partitions, consumed by the bot processes
    return "ops"


async def collect_status(
    settings: MonitorSettings,
    topology: Topology,
    bus: Bus | None,
    *,
    amqp: AbstractRobustConnection | None = None,
    http: aiohttp.ClientSession | None = None,
) -> StatusSummary:
    """Ask the broker and the worker at once; a part that cannot be had is reported as such
    (``broker_error``, ``snapshot_error``), never invented.

    With ``amqp``, waiting messages and consumers are counted over AMQP (a passive declare:
    exact now), and the management API adds what only it knows (unacknowledged messages, the
    oldest message's send time, rates; its statistics lag a few seconds)."""
    own = http is None
    session = http or management_session(settings)
    try:
        broker, snapshot, live = await asyncio.gather(
            _broker(session, settings, topology),
            _snapshot(bus, settings),
            _live_counts(amqp, topology),
        )
    finally:
        if own:
            await session.close()
    (version, queues, broker_error), (found, snapshot_error) = broker, snapshot
    if live is not None:
        if broker_error is None:
            queues = tuple(_with_live(q, live.get(q.name)) for q in queues)
        else:  # the management API is down, AMQP is not: the counts still stand
            queues = tuple(
                _with_live(QueueStatus(n, _role(topology, n), present=False), live.get(n))
                for n in topology.queues
            )
    return StatusSummary(
        at=datetime.now(UTC),
        prefix=topology.prefix,
        queues=queues,
        broker=version,
        broker_error=broker_error,
        snapshot=found,
        snapshot_error=snapshot_error,
        sla_s=settings.handoff_sla_s,
    )


async def _live_counts(
    amqp: AbstractRobustConnection | None, topology: Topology
) -> dict[str, tuple[int, int] | None] | None:
    """Queue → (ready messages, consumers) from passive declares; ``None`` for a queue that
    does not exist. A passive declare of a missing queue closes its channel: a fresh one
    then."""
    if amqp is None:
        return None
    counts: dict[str, tuple[int, int] | None] = {}
    channel: AbstractChannel | None = None
    try:
        for name in topology.queues:
            if channel is None or channel.is_closed:
                channel = await amqp.channel(publisher_confirms=False)
            try:
                queue = await channel.declare_queue(name, passive=True)
            except ChannelNotFoundEntity:
                counts[name] = None
                continue
            result = queue.declaration_result
            counts[name] = (int(result.message_count or 0), int(result.consumer_count or 0))
    except (AMQPError, ConnectionError, OSError, RuntimeError):
        return None
    finally:
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(AMQPError, ConnectionError, RuntimeError):
                await channel.close()
    return counts


def _with_live(queue: QueueStatus, live: tuple[int, int] | None) -> QueueStatus:
    if live is None:
        return QueueStatus(queue.name, queue.role, present=False)
    ready, consumers = live
    return replace(queue, present=True, messages=ready + queue.unacked, consumers=consumers)


def management_session(settings: MonitorSettings) -> aiohttp.ClientSession:
    """An HTTP session for the management API (basic auth as a header)."""
    import aiohttp

    pair = f"{settings.management_user}:{settings.management_password.get_secret_value()}"
    token = base64.b64encode(pair.encode()).decode("ascii")
    return aiohttp.ClientSession(
        headers={"Authorization": f"Basic {token}"}, timeout=aiohttp.ClientTimeout(total=5)
    )


async def _broker(
    http: aiohttp.ClientSession, settings: MonitorSettings, topology: Topology
) -> tuple[str | None, tuple[QueueStatus, ...], str | None]:
    import aiohttp

    base = settings.management_url.rstrip("/")
    try:
        overview, *found = await asyncio.gather(
            _get(http, f"{base}/overview"),
            *(_get(http, f"{base}/queues/%2F/{quote(name, safe='')}") for name in topology.queues),
        )
    except (aiohttp.ClientError, TimeoutError) as exc:
        return None, (), f"RabbitMQ management API not reachable at {base}: {type(exc).__name__}"
    now = time.time()
    queues = []
    for name, q in zip(topology.queues, found, strict=True):
        if q is None:
            queues.append(QueueStatus(name, _role(topology, name), present=False))
            continue
        head = q.get("head_message_timestamp")
        queues.append(
            QueueStatus(
                name=name,
                role=_role(topology, name),
                present=True,
                messages=int(q.get("messages") or 0),
                unacked=int(q.get("messages_unacknowledged") or 0),
                consumers=int(q.get("consumers") or 0),
                oldest_s=max(0.0, now - float(head)) if isinstance(head, int | float) else None,
                in_rate=float(
                    (q.get("message_stats") or {}).get("publish_details", {}).get("rate", 0.0)
                ),
            )
        )
    version = f"RabbitMQ {overview.get('rabbitmq_version', '?')} on {overview.get('node', '?')}"
    return version, tuple(queues), None


async def _get(http: aiohttp.ClientSession, url: str) -> Any:
    async with http.get(url) as response:
        if response.status == 404:
            return None
        response.raise_for_status()
        return await response.json()


async def _snapshot(
    bus: Bus | None, settings: MonitorSettings
) -> tuple[OpsSnapshot | None, str | None]:
    if bus is None:
        return None, "not asked"
    try:
        reply = await bus.call(
            GetOpsSnapshot(window_s=settings.rpc_window_s), deadline=SNAPSHOT_DEADLINE
        )
    except BusError as exc:
        return None, f"no worker answered ({type(exc).__name__})"
    return reply, None


# ── the summary in words (the ops chat's /status; the CLI's table uses the same facts) ─────


def ago(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def headline(summary: StatusSummary) -> list[str]:
    """The few lines that say whether customers are being served."""
    lines = [f"Kefu status ({summary.prefix}) at {summary.at:%Y-%m-%d %H:%M:%S} UTC"]
    if summary.broker_error:
        lines.append(summary.broker_error)
    else:
        commands = summary.queue("commands")
        lines.append(f"{summary.broker}")
        lines.append(
            f"workers: {summary.workers} on queries, "
            f"{commands.consumers if commands else 0} on commands · "
            f"dead letters: {summary.dead_letters}"
        )
    snapshot = summary.snapshot
    if snapshot is None:
        lines.append(f"tickets, processes: unknown ({summary.snapshot_error})")
        return lines
    tickets = snapshot.tickets
    wait = summary.oldest_waiting_s
    waiting = f", oldest waiting {ago(wait)} (SLA {ago(summary.sla_s)})" if wait is not None else ""
    lines.append(f"tickets: {tickets.open} open, {tickets.waiting} waiting{waiting}")
    rpc = snapshot.rpc
    rate = f" ({rpc.error_rate:.1%})" if rpc.error_rate is not None else ""
    lines.append(
        f"bots' bus calls in {ago(rpc.window_s)}: {rpc.calls}, {rpc.failed} failed{rate}, "
        f"{rpc.timeouts} timed out"
    )
    return lines


STATE_MARK = {"alive": "ok", "missing": "MISSING", "stopped": "stopped"}


def process_rows(summary: StatusSummary) -> list[tuple[str, str, str, str]]:
    """(process, state, up for, last heartbeat ago) per process the worker knows."""
    if summary.snapshot is None:
        return []
    rows = []
    for p in summary.snapshot.processes:
        rows.append(
            (
                p.process_id,
                STATE_MARK[p.state],
                ago((p.last_seen_at - p.started_at).total_seconds()),
                ago((summary.at - p.last_seen_at).total_seconds()),
            )
        )
    return rows


def render_text(summary: StatusSummary, alerts: list[str] | None = None) -> str:
    """The summary as plain text (monospace), for the ops chat."""
    lines = headline(summary)
    rows = process_rows(summary)
    if rows:
        lines.append("processes:")
        width = max(len(r[0]) for r in rows)
        lines.extend(f"  {r[0]:<{width}}  {r[1]:<8} up {r[2]:<7} beat {r[3]} ago" for r in rows)
    if summary.queues:
        width = max(len(q.name) for q in summary.queues)
        lines.append(f"  {'queue':<{width}} {'msgs':>6} {'unack':>6} {'cons':>5} {'oldest':>7}")
        for q in summary.queues:
            name = q.name if q.present else f"{q.name}"
            shown = "absent" if not q.present else ""
            lines.append(
                f"  {name:<{width}} {q.messages:>6} {q.unacked:>6} {q.consumers:>5} "
                f"{ago(q.oldest_s):>7} {shown}".rstrip()
            )
    if alerts is not None:
        lines.append("alerts: " + ("none" if not alerts else ""))
        lines.extend(f"  ! {a}" for a in alerts)
    return "\n".join(lines)


def summary_json(summary: StatusSummary, alerts: list[str] | None = None) -> dict[str, Any]:
    """The summary as JSON (``kefu status --json``): the older keys (broker, workers,
    dead_letters, queues) stay as they were."""
    snapshot = summary.snapshot
    return {
        "at": summary.at.isoformat(),
        "prefix": summary.prefix,
        "broker": summary.broker or summary.broker_error,
        "broker_ok": summary.broker_error is None,
        "workers": summary.workers,
        "dead_letters": summary.dead_letters,
        "queues": [q.as_dict() for q in summary.queues],
        "worker_snapshot": snapshot is not None,
        "worker_snapshot_error": summary.snapshot_error,
        "tickets": (
            {
                "open": snapshot.tickets.open,
                "waiting": snapshot.tickets.waiting,
                "oldest_waiting_s": (
                    None if summary.oldest_waiting_s is None else round(summary.oldest_waiting_s)
                ),
                "sla_s": summary.sla_s,
            }
            if snapshot
            else None
        ),
        "processes": (
            [
                {
                    "process": p.process_id,
                    "role": p.role,
                    "state": p.state,
                    "started_at": p.started_at.isoformat(),
                    "last_seen_s": round((summary.at - p.last_seen_at).total_seconds(), 1),
                }
                for p in snapshot.processes
            ]
            if snapshot
            else None
        ),
        "rpc": (
            {
                "window_s": snapshot.rpc.window_s,
                "calls": snapshot.rpc.calls,
                "failed": snapshot.rpc.failed,
                "timeouts": snapshot.rpc.timeouts,
                "error_rate": snapshot.rpc.error_rate,
            }
            if snapshot
            else None
        ),
        "alerts": alerts or [],
    }
