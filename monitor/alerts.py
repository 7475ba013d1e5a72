"""Alert rules over a status summary, and the incident book that turns them into exactly one
alert when a condition starts and one recovery when it clears.

Rules (thresholds in :class:`monitor.settings.MonitorSettings`, documented in
docs/operations.md):

| key | active when |
|---|---|
| ``broker`` | the management API cannot be read |
| ``no_worker`` | the queries, commands or ops queue has no consumer |
| ``no_bot`` | customer updates wait in an update partition no bot process consumes |
| ``queue_depth:<queue>`` | more than ``OPS_QUEUE_DEPTH_MAX`` messages wait in a work queue |
| ``queue_age:<queue>`` | its oldest message is older than ``OPS_QUEUE_AGE_MAX_SECONDS`` |
| ``dead_letters:<queue>`` | a dead-letter queue holds messages (until replayed or purged) |
| ``ticket_sla`` | a customer has waited for a person longer than ``HANDOFF_SLA_SECONDS`` |
| ``rpc_errors`` | over ``OPS_RPC_ERROR_RATE_MAX`` of the bots' bus calls failed in the window |

What cannot be known (no broker data; no worker to ask about tickets and error rates) is
*unknown*, not clear: an incident open on it stays open, and none is opened.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from monitor.settings import MonitorSettings
from monitor.status import StatusSummary, ago

BROKER_KEYS = ("no_worker", "no_bot", "queue_depth:", "queue_age:", "dead_letters:")
WORKER_KEYS = ("ticket_sla", "rpc_errors")


@dataclass(frozen=True)
class Condition:
    key: str
    title: str
    detail: str


@dataclass(frozen=True)
class Evaluation:
    active: dict[str, Condition]
    unknown: tuple[str, ...] = ()
    """Key prefixes that could not be evaluated this time."""

    def is_unknown(self, key: str) -> bool:
        return any(key == u or (u.endswith(":") and key.startswith(u)) for u in self.unknown)


def evaluate(summary: StatusSummary, settings: MonitorSettings) -> Evaluation:
    active: dict[str, Condition] = {}
    unknown: list[str] = []

    def add(key: str, title: str, detail: str) -> None:
        active[key] = Condition(key, title, detail)

    if summary.broker_error:
        add("broker", "RabbitMQ's management API cannot be read", summary.broker_error)
        # the oldest message's age comes from the management API only
        unknown.append("queue_age:")
    if not summary.queues:
        unknown.extend(BROKER_KEYS)
    else:
        work = [
            q
            for q in summary.queues
            if q.role in ("queries", "commands", "desk", "notices", "ops", "updates")
        ]
        # The desk's queue is the bots' (with AGENTS_CHAT_ID): no consumer there is no desk.
        # The update partitions and the notices are the bots' too.
        idle = [
            q for q in work if q.consumers == 0 and q.role not in ("desk", "notices", "updates")
        ]
        stalled = [q for q in work if q.role == "updates" and q.consumers == 0 and q.messages]
        if stalled:
            add(
                "no_bot",
                "No bot process is consuming " + ", ".join(q.name for q in stalled),
                f"{sum(q.messages for q in stalled)} customer message(s) waiting unanswered",
            )
        if idle:
            waiting = sum(q.messages for q in idle)
            add(
                "no_worker",
                "No worker is consuming " + ", ".join(q.name for q in idle),
                f"{waiting} message(s) waiting; customers asking about orders are told the "
                "service is briefly unavailable",
            )
        for q in work:
            if q.messages > settings.queue_depth_max:
                add(
                    f"queue_depth:{q.name}",
                    f"{q.name} is backing up",
                    f"{q.messages} messages waiting (threshold {settings.queue_depth_max}), "
                    f"{q.consumers} consumer(s)",
                )
            if q.oldest_s is not None and q.oldest_s > settings.queue_age_max_s:
                add(
                    f"queue_age:{q.name}",
                    f"{q.name}: messages are not being taken",
                    f"the oldest has waited {ago(q.oldest_s)} "
                    f"(threshold {ago(settings.queue_age_max_s)})",
                )
        for q in summary.queues:
            if q.role == "dead" and q.messages > 0:
                add(
                    f"dead_letters:{q.name}",
                    f"Dead letters in {q.name}",
                    f"{q.messages} message(s); see kefu dlq list --queue "
                    f"{_dlq_name(summary, q.name)}",
                )
    snapshot = summary.snapshot
    if snapshot is None:
        unknown.extend(WORKER_KEYS)
    else:
        wait = summary.oldest_waiting_s
        if wait is not None and wait > settings.handoff_sla_s:
            add(
                "ticket_sla",
                "A customer is waiting for a person beyond the SLA",
                f"{snapshot.tickets.waiting} waiting, the longest for {ago(wait)} "
                f"(SLA {ago(settings.handoff_sla_s)})",
            )
        rpc = snapshot.rpc
        rate = rpc.error_rate
        if rate is not None and rpc.calls >= settings.rpc_min_calls:
            if rate > settings.rpc_error_rate_max:
                add(
                    "rpc_errors",
                    "Bus calls are failing",
                    f"{rpc.failed} of {rpc.calls} calls in {ago(rpc.window_s)} failed "
                    f"({rate:.1%}, threshold {settings.rpc_error_rate_max:.0%}); "
                    f"{rpc.timeouts} timed out",
                )
    return Evaluation(active, tuple(unknown))


WHAT_TO_DO: dict[str, str] = {
    "broker": "check that RabbitMQ runs (bash scripts/broker.sh status) and that its management "
    "API answers at RABBITMQ_MANAGEMENT_URL with RABBITMQ_MANAGEMENT_USER/_PASSWORD",
    "no_worker": "start a worker: python -m worker (bash scripts/run.sh starts one with the bot); "
    "if one is running, its log says why it stopped consuming (var/log/worker.log under run.sh). "
    "Commands wait in their queue meanwhile; order look-ups fail until then",
    "no_bot": "start a bot process (python -m bot) with this KEFU_BUS_PREFIX: the customers' "
    "messages wait in the partition until one consumes it",
    "queue_depth:": "add a worker (they share the queue), or find the slow handler in the "
    "workers' logs (kefu_rpc_handler_seconds per method)",
    "queue_age:": "add a worker (they share the queue), or find the slow handler in the "
    "workers' logs (kefu_rpc_handler_seconds per method)",
    "dead_letters:": "kefu dlq list says why each one failed; fix the cause, then kefu dlq "
    "replay (a malformed one: kefu dlq show ID, then kefu dlq purge ID)",
    "ticket_sla": "an agent should take them: kefu tickets lists who waits and since when "
    "(/queue in the agents' group)",
    "rpc_errors": "the worker's log names the failing method; kefu status shows whether every "
    "worker is alive; if calls only time out, the worker is slow or RPC_TIMEOUT is too short",
}
"""What an engineer does about each rule, by key (a prefix ending in ``:`` covers its keys)."""


BOTS_QUEUE = (
    "bot processes consume this queue, not workers: start one (python -m bot{desk}) with this "
    "KEFU_BUS_PREFIX, or read a running one's log for why it stopped"
)


def what_to_do(key: str) -> str | None:
    """The next step for an active rule's key, shown under the alert."""
    rule, _, queue = key.partition(":")
    if rule in ("queue_depth", "queue_age") and queue.endswith(".desk.tickets"):
        return BOTS_QUEUE.format(desk=" with AGENTS_CHAT_ID set")
    if rule in ("queue_depth", "queue_age") and queue.endswith(".tickets.staff_replies"):
        return BOTS_QUEUE.format(desk=" without AGENTS_CHAT_ID")
    if rule in ("queue_depth", "queue_age") and ".updates." in queue:
        return BOTS_QUEUE.format(desk="")
    return WHAT_TO_DO.get(key) or WHAT_TO_DO.get(rule + ":")


def _dlq_name(summary: StatusSummary, dead_queue: str) -> str:
    source = dead_queue.removesuffix(".dead").removeprefix(f"{summary.prefix}.")
    return {"ops.events": "ops", "desk.tickets": "desk"}.get(source, source)


@dataclass(frozen=True)
class Incident:
    key: str
    title: str
    detail: str
    since: datetime


INHIBITED_BY: dict[str, tuple[str, ...]] = {"rpc_errors": ("no_worker", "broker")}
"""A symptom is not announced while its cause is (or was within the error-rate window): with
no worker, every bus call fails, and one alert says so."""


@dataclass
class IncidentBook:
    """The open incidents; ``update`` says which opened and which cleared since last time.

    ``cleared`` remembers when each recently resolved incident ended, for :data:`INHIBITED_BY`.
    """

    open: dict[str, Incident] = field(default_factory=dict)
    cleared: dict[str, datetime] = field(default_factory=dict)

    def update(
        self, evaluation: Evaluation, now: datetime | None = None, *, hold_s: float = 300
    ) -> tuple[list[Incident], list[Incident]]:
        now = now or datetime.now(UTC)
        self.cleared = {k: t for k, t in self.cleared.items() if (now - t).total_seconds() < hold_s}
        opened: list[Incident] = []
        for key, condition in evaluation.active.items():
            if key in self.open or self._inhibited(key, evaluation):
                continue
            incident = Incident(key, condition.title, condition.detail, now)
            self.open[key] = incident
            opened.append(incident)
        resolved = [
            incident
            for key, incident in self.open.items()
            if key not in evaluation.active and not evaluation.is_unknown(key)
        ]
        for incident in resolved:
            del self.open[incident.key]
            self.cleared[incident.key] = now
        return opened, resolved

    def _inhibited(self, key: str, evaluation: Evaluation) -> bool:
        causes = INHIBITED_BY.get(key, ())
        return any(c in self.open or c in evaluation.active or c in self.cleared for c in causes)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "open": {
                    key: dict(asdict(incident), since=incident.since.isoformat())
                    for key, incident in self.open.items()
                },
                "cleared": {key: at.isoformat() for key, at in self.cleared.items()},
            }
        ).encode()

    @classmethod
    def from_json(cls, body: bytes) -> IncidentBook:
        try:
            raw: dict[str, Any] = json.loads(body)
            return cls(
                open={
                    key: Incident(
                        key=key,
                        title=str(value["title"]),
                        detail=str(value["detail"]),
                        since=datetime.fromisoformat(value["since"]),
                    )
                    for key, value in raw.get("open", {}).items()
                },
                cleared={
                    key: datetime.fromisoformat(at) for key, at in raw.get("cleared", {}).items()
                },
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()


def alert_text(incident: Incident) -> str:
    todo = what_to_do(incident.key)
    step = f"\nwhat to do: {todo}" if todo else ""
    return (
        f"🔴 ALERT: {incident.title}\n{incident.detail}{step}\n"
        f"since {incident.since:%H:%M:%S} UTC"
    )


def recovery_text(incident: Incident, now: datetime | None = None) -> str:
    lasted = ((now or datetime.now(UTC)) - incident.since).total_seconds()
    return f"✅ RECOVERED: {incident.title}\nafter {ago(lasted)}"
