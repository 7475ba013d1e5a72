"""The alert rules and the incident book (monitor/alerts.py): each rule and its threshold, one
alert per incident and one recovery, unknown is not clear, a symptom held back while its cause
is announced, and the book surviving a trip through the broker (JSON)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bus.contracts import OpsSnapshot, RpcWindow, TicketCounts
from monitor.alerts import IncidentBook, evaluate
from monitor.settings import MonitorSettings
from monitor.status import QueueStatus, StatusSummary

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SETTINGS = MonitorSettings(
    OPS_QUEUE_DEPTH_MAX=100,
    OPS_QUEUE_AGE_MAX_SECONDS=60,
    OPS_RPC_ERROR_RATE_MAX=0.05,
    OPS_RPC_MIN_CALLS=20,
    HANDOFF_SLA_SECONDS=120,
)


def queues(**changes: dict) -> tuple[QueueStatus, ...]:
    base = {
        "kefu.queries": QueueStatus("kefu.queries", "queries", True, consumers=2),
        "kefu.commands": QueueStatus("kefu.commands", "commands", True, consumers=2),
        "kefu.desk.tickets": QueueStatus("kefu.desk.tickets", "desk", False),
        "kefu.ops.events": QueueStatus("kefu.ops.events", "ops", True, consumers=2),
        "kefu.commands.dead": QueueStatus("kefu.commands.dead", "dead", True),
    }
    for name, fields in changes.items():
        q = base[name.replace("_", ".")]
        base[q.name] = QueueStatus(**{**q.__dict__, **fields})
    return tuple(base.values())


def snapshot(*, waiting_since: datetime | None = None, calls: int = 0, failed: int = 0):
    return OpsSnapshot(
        at=NOW,
        tickets=TicketCounts(
            open=1, waiting=1 if waiting_since else 0, oldest_waiting_since=waiting_since
        ),
        processes=[],
        rpc=RpcWindow(window_s=300, calls=calls, failed=failed),
    )


def summary(qs=None, snap=None, broker_error=None) -> StatusSummary:
    return StatusSummary(
        at=NOW,
        prefix="kefu",
        queues=queues() if qs is None else qs,
        broker="RabbitMQ 3.10.8",
        broker_error=broker_error,
        snapshot=snap if snap is not None else snapshot(),
        sla_s=120,
    )


def active(s: StatusSummary) -> set[str]:
    return set(evaluate(s, SETTINGS).active)


def test_a_healthy_shop_raises_nothing():
    assert active(summary()) == set()


def test_no_worker_is_one_condition_and_no_desk_is_none():
    idle = queues(kefu_queries={"present": False, "consumers": 0}, kefu_commands={"consumers": 0})
    assert active(summary(idle)) == {"no_worker"}


def test_depth_and_age_thresholds():
    assert active(summary(queues(kefu_commands={"messages": 100}))) == set()
    assert active(summary(queues(kefu_commands={"messages": 101}))) == {"queue_depth:kefu.commands"}
    assert active(summary(queues(kefu_commands={"oldest_s": 61.0}))) == {"queue_age:kefu.commands"}


def test_dead_letters_until_the_queue_is_empty():
    assert active(summary(queues(kefu_commands_dead={"messages": 3}))) == {
        "dead_letters:kefu.commands.dead"
    }


def test_a_customer_waiting_beyond_the_sla():
    assert active(summary(snap=snapshot(waiting_since=NOW - timedelta(seconds=100)))) == set()
    assert active(summary(snap=snapshot(waiting_since=NOW - timedelta(seconds=121)))) == {
        "ticket_sla"
    }


def test_bus_errors_need_enough_calls_and_a_high_enough_share():
    assert active(summary(snap=snapshot(calls=10, failed=10))) == set()
    assert active(summary(snap=snapshot(calls=100, failed=5))) == set()
    assert active(summary(snap=snapshot(calls=100, failed=6))) == {"rpc_errors"}


def test_one_alert_per_incident_and_one_recovery():
    book = IncidentBook()
    failing = summary(queues(kefu_commands={"messages": 500}))
    opened, resolved = book.update(evaluate(failing, SETTINGS), NOW)
    assert [i.key for i in opened] == ["queue_depth:kefu.commands"] and resolved == []
    for minute in range(1, 5):  # still failing: nothing more to say
        assert book.update(evaluate(failing, SETTINGS), NOW + timedelta(minutes=minute)) == ([], [])
    opened, resolved = book.update(evaluate(summary(), SETTINGS), NOW + timedelta(minutes=5))
    assert opened == [] and [i.key for i in resolved] == ["queue_depth:kefu.commands"]


def test_unknown_is_not_clear():
    book = IncidentBook()
    late = summary(snap=snapshot(waiting_since=NOW - timedelta(minutes=10)))
    book.update(evaluate(late, SETTINGS), NOW)
    assert set(book.open) == {"ticket_sla"}
    no_snapshot = StatusSummary(at=NOW, prefix="kefu", queues=queues(), snapshot=None)
    assert book.update(evaluate(no_snapshot, SETTINGS), NOW) == ([], [])
    assert set(book.open) == {"ticket_sla"}


def test_failing_calls_are_not_announced_while_no_worker_is():
    book = IncidentBook()
    idle = queues(kefu_queries={"present": False, "consumers": 0})
    outage = summary(idle, snap=snapshot(calls=100, failed=100))
    opened, _ = book.update(evaluate(outage, SETTINGS), NOW, hold_s=300)
    assert [i.key for i in opened] == ["no_worker"]
    # the worker is back; the window still holds the outage's failures
    back = summary(snap=snapshot(calls=100, failed=100))
    opened, resolved = book.update(evaluate(back, SETTINGS), NOW + timedelta(minutes=1), hold_s=300)
    assert opened == [] and [i.key for i in resolved] == ["no_worker"]
    # a window later, failing calls are news of their own
    opened, _ = book.update(evaluate(back, SETTINGS), NOW + timedelta(minutes=7), hold_s=300)
    assert [i.key for i in opened] == ["rpc_errors"]


def test_the_book_survives_json():
    book = IncidentBook()
    book.update(evaluate(summary(queues(kefu_commands={"messages": 500})), SETTINGS), NOW)
    again = IncidentBook.from_json(book.to_json())
    assert again.open == book.open
    assert IncidentBook.from_json(b"not json").open == {}


def test_update_partitions_without_a_bot_alert_only_when_customers_wait():
    parked = QueueStatus("kefu.commands.retry", "retry", True, messages=3)
    idle = QueueStatus("kefu.updates.0", "updates", True)
    waiting = QueueStatus("kefu.updates.1", "updates", True, messages=4)
    served = QueueStatus("kefu.updates.2", "updates", True, messages=9, consumers=1)
    # The retry queue has no consumer by design; an empty partition nobody consumes is fine
    # (no ingress in use, or its bots between restarts).
    assert active(summary((*queues(), parked, idle, served))) == set()
    s = evaluate(summary((*queues(), idle, waiting, served)), SETTINGS)
    assert set(s.active) == {"no_bot"}
    assert "kefu.updates.1" in s.active["no_bot"].title
    assert "kefu.updates.0" not in s.active["no_bot"].title


def test_the_staff_answers_queue_is_the_bots_not_a_missing_worker():
    """`{p}.tickets.staff_replies` (a shop without the desk) is consumed by bot processes: none
    consuming is no worker problem, and a backlog there says to start a bot without the desk."""
    from bus.topology import Topology
    from monitor.alerts import what_to_do
    from monitor.status import _role

    name = Topology().staff_replies_queue
    assert _role(Topology(), name) == "desk"
    staff = QueueStatus(name, "desk", True, consumers=0)
    assert active(summary((*queues(), staff))) == set()
    backlog = QueueStatus(name, "desk", True, consumers=0, messages=101)
    assert active(summary((*queues(), backlog))) == {f"queue_depth:{name}"}
    advice = what_to_do(f"queue_depth:{name}") or ""
    assert "python -m bot without AGENTS_CHAT_ID" in advice
