"""What the worker keeps for ops: customer turns, answer ratings and process heartbeats off the
events exchange, and the snapshot ``kefu status`` and the ops chat show.

The workers compete for one durable queue (``{p}.ops.events``, ``bus.events.EventConsumer``);
each event is stored once by its id (``INSERT … ON CONFLICT DO NOTHING``), so a redelivery after
a crash, or the same event handled by two workers, changes nothing. Heartbeats update the
process's row and, for bots, add their bus-call counters to ``process_beats`` (kept a day), from
which the snapshot computes the error rate over a window.

The worker also keeps the ticket gauges (``kefu_tickets``, ``kefu_tickets_oldest_wait_seconds``)
current and the handoff wait histogram, for Prometheus.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bus import contracts as c
from bus.contracts.ops import ProcessState
from worker.db.models import (
    AnswerRating,
    ConversationTurn,
    ProcessBeat,
    ProcessRecord,
    Ticket,
)
from worker.db.queries import aware
from worker.db.session import Database

logger = logging.getLogger(__name__)

MISSING_AFTER_BEATS = 3
"""A process silent for this many of its heartbeat intervals (without saying it was stopping)
is missing."""
SHOWN_FOR = timedelta(hours=24)
"""Processes seen (alive or missing) within this long are in the snapshot; stopped ones for an
hour."""
STOPPED_SHOWN_FOR = timedelta(hours=1)
BEATS_KEPT = timedelta(hours=24)
PROCESSES_KEPT = timedelta(days=7)
WAITING_STATES = ("open", "waiting")
"""Ticket states in which nobody has taken the customer yet (the desk's ``waiting``; before the
desk, every live ticket is ``open``)."""

TURNS_STORED = Counter(
    "kefu_turns_stored_total",
    "Customer turns the worker stored, by intent group and outcome.",
    ["group", "outcome"],
)
TICKETS = Gauge("kefu_tickets", "Live tickets by state (waiting, open).", ["state"])
HANDOFF_WAIT = Histogram(
    "kefu_handoff_wait_seconds",
    "How long customers waited for a person (opened to taken), from ticket.taken events.",
    buckets=(10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200),
)
OLDEST_WAITING = Gauge(
    "kefu_tickets_oldest_wait_seconds",
    "How long the longest-waiting customer has waited for a person (0: nobody waits).",
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class _TurnGroup:
    """Turns waiting to be stored together, and the ids that were new, once written."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.ids: set[str] = set()
        self.stored: asyncio.Future[set[str]] = asyncio.get_running_loop().create_future()


class OpsRecorder:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock
        self._beats = 0
        self._turns_pending: _TurnGroup | None = None
        self._turns_lock = asyncio.Lock()
        self._turn_writers: set[asyncio.Task[None]] = set()

    # ── events ──────────────────────────────────────────────────────────────────────────

    def event_handlers(self) -> dict[type[c.Event], Any]:
        return {
            c.TurnRecorded: self.record_turn,
            c.AnswerRated: self.record_rating,
            c.ProcessHeartbeat: self.record_heartbeat,
            c.TicketTakenEvent: self.observe_taken,
        }

    async def observe_taken(self, event: c.TicketTakenEvent) -> None:
        """A customer's wait for a person, into ``kefu_handoff_wait_seconds`` (a handover from
        one agent to another is not a wait)."""
        if event.previous_agent_id is None:
            HANDOFF_WAIT.observe(event.waited_s)

    async def record_turn(self, event: c.TurnRecorded) -> bool:
        """Store a turn once; ``False`` when its id was stored before.

        Turns are stored together: every turn that arrives while the previous group is being
        written joins the next group, one ``INSERT … ON CONFLICT DO NOTHING`` of many rows in
        one transaction, and each caller returns (and its event is acknowledged) once its
        group is committed. One transaction per turn was most of a worker's database round
        trips under load (a turn event for every customer message; the pool's ping, BEGIN,
        INSERT, COMMIT), and the customers' look-ups waited behind them (issue 12's load run).
        """
        pending = self._turns_pending
        if pending is None:
            pending = self._turns_pending = _TurnGroup()
            self._turn_writers.add(asyncio.create_task(self._write_turns(pending)))
        if event.event_id in pending.ids:  # the same event twice in one group: stored once
            await asyncio.shield(pending.stored)
            return False
        pending.ids.add(event.event_id)
        pending.rows.append(
            {
                "event_id": event.event_id,
                "conversation": event.conversation,
                "at": event.occurred_at,
                "locale": event.locale,
                "outcome": event.outcome,
                "intent": event.intent,
                "intent_group": event.group,
                "confidence": event.confidence,
                "flow": event.flow,
                "candidates": list(event.candidates),
                "text": event.text,
            }
        )
        stored = event.event_id in await asyncio.shield(pending.stored)
        if stored:
            TURNS_STORED.labels(event.group or "none", event.outcome).inc()
        return stored

    async def _write_turns(self, group: _TurnGroup) -> None:
        try:
            async with self._turns_lock:  # one group written at a time; the next one fills
                if self._turns_pending is group:
                    self._turns_pending = None
                async with self.db.write() as session:
                    stored = await _insert_many_ignore(session, ConversationTurn, group.rows)
            group.stored.set_result(stored)
        except BaseException as exc:
            group.stored.set_exception(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            self._turn_writers.discard(asyncio.current_task())

    async def record_rating(self, event: c.AnswerRated) -> bool:
        async with self.db.write() as session:
            return await _insert_ignore(
                session,
                AnswerRating,
                event_id=event.event_id,
                conversation=event.conversation,
                at=event.occurred_at,
                solved=event.solved,
                intent=event.intent,
                intent_group=event.group,
            )

    async def record_heartbeat(self, event: c.ProcessHeartbeat) -> None:
        now = event.occurred_at
        values = {
            "last_seen_at": now,
            "interval_s": event.interval_s,
            "stats": event.stats.model_dump(),
            "stopped_at": now if event.stopping else None,
        }
        async with self.db.write() as session:
            dialect = await _dialect(session)
            insert = dialect.insert(ProcessRecord.__table__).values(
                process_id=event.process_id,
                role=event.role,
                host=event.host,
                pid=event.pid,
                started_at=event.started_at,
                **values,
            )
            table = ProcessRecord.__table__
            # One statement, so that two workers storing two beats of a new process at once
            # never both insert; a beat delivered late (older than the stored one) changes
            # nothing.
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=[table.c.process_id],
                    set_={name: insert.excluded[name] for name in values},
                    where=table.c.last_seen_at <= insert.excluded.last_seen_at,
                )
            )
            if event.role == "bot":
                session.add(
                    ProcessBeat(
                        process_id=event.process_id,
                        at=now,
                        rpc_calls=event.stats.rpc_calls,
                        rpc_failed=event.stats.rpc_failed,
                        rpc_timeouts=event.stats.rpc_timeouts,
                    )
                )
            self._beats += 1
            if self._beats % 200 == 1:
                await session.execute(delete(ProcessBeat).where(ProcessBeat.at < now - BEATS_KEPT))
                await session.execute(
                    delete(ProcessRecord).where(ProcessRecord.last_seen_at < now - PROCESSES_KEPT)
                )

    # ── the snapshot ────────────────────────────────────────────────────────────────────

    def routes(self) -> list[c.Route]:
        return [c.GetOpsSnapshot.served_by(self.snapshot)]

    async def snapshot(self, request: c.GetOpsSnapshot) -> c.OpsSnapshot:
        now = self.clock()
        async with self.db.read() as session:
            tickets = await ticket_counts(session)
            processes = await self._processes(session, now)
            rpc = await self._rpc_window(session, now, request.window_s)
        return c.OpsSnapshot(at=now, tickets=tickets, processes=processes, rpc=rpc)

    async def _processes(self, session: AsyncSession, now: datetime) -> list[c.ProcessView]:
        rows = await session.scalars(
            select(ProcessRecord)
            .where(ProcessRecord.last_seen_at >= now - SHOWN_FOR)
            .order_by(ProcessRecord.role.desc(), ProcessRecord.started_at)
        )
        views = []
        for row in rows:
            last_seen = aware(row.last_seen_at)
            if row.stopped_at is not None:
                if now - aware(row.stopped_at) > STOPPED_SHOWN_FOR:
                    continue
                state: ProcessState = "stopped"
            elif (now - last_seen).total_seconds() > MISSING_AFTER_BEATS * row.interval_s:
                state = "missing"
            else:
                state = "alive"
            views.append(
                c.ProcessView(
                    process_id=row.process_id,
                    role=row.role,  # type: ignore[arg-type]
                    host=row.host,
                    pid=row.pid,
                    started_at=aware(row.started_at),
                    last_seen_at=last_seen,
                    state=state,
                    stats=c.ProcessStats.model_validate(row.stats or {}),
                )
            )
        return views

    async def _rpc_window(self, session: AsyncSession, now: datetime, window_s: int) -> c.RpcWindow:
        """The bots' calls in the window: per process, its latest counters minus those at the
        window's start (zero for a process started within it)."""
        start = now - timedelta(seconds=window_s)
        beats = await session.execute(
            select(
                ProcessBeat.process_id,
                ProcessBeat.at,
                ProcessBeat.rpc_calls,
                ProcessBeat.rpc_failed,
                ProcessBeat.rpc_timeouts,
            )
            .where(ProcessBeat.at >= start - timedelta(seconds=window_s))
            .order_by(ProcessBeat.process_id, ProcessBeat.at)
        )
        started = dict(
            (
                await session.execute(
                    select(ProcessRecord.process_id, ProcessRecord.started_at).where(
                        ProcessRecord.role == "bot"
                    )
                )
            ).all()
        )
        per_process: dict[str, list[Any]] = defaultdict(list)
        for beat in beats:
            per_process[beat.process_id].append(beat)
        calls = failed = timeouts = 0
        for process_id, series in per_process.items():
            inside = [b for b in series if aware(b.at) >= start]
            if not inside:
                continue
            before = [b for b in series if aware(b.at) < start]
            began = started.get(process_id)
            if before:
                base = (before[-1].rpc_calls, before[-1].rpc_failed, before[-1].rpc_timeouts)
            elif began is not None and aware(began) >= start:
                base = (0, 0, 0)
            else:
                base = (inside[0].rpc_calls, inside[0].rpc_failed, inside[0].rpc_timeouts)
            last = inside[-1]
            calls += max(0, last.rpc_calls - base[0])
            failed += max(0, last.rpc_failed - base[1])
            timeouts += max(0, last.rpc_timeouts - base[2])
        return c.RpcWindow(window_s=window_s, calls=calls, failed=failed, timeouts=timeouts)

    async def update_gauges(self) -> c.TicketCounts:
        """Refresh the ticket gauges (the worker's ops loop calls this every heartbeat)."""
        async with self.db.read() as session:
            counts = await ticket_counts(session)
        TICKETS.labels("open").set(counts.open)
        TICKETS.labels("waiting").set(counts.waiting)
        oldest = counts.oldest_waiting_since
        OLDEST_WAITING.set(
            max(0.0, (self.clock() - oldest).total_seconds()) if oldest is not None else 0
        )
        return counts


async def ticket_counts(session: AsyncSession) -> c.TicketCounts:
    live = Ticket.state != "closed"
    waiting = Ticket.state.in_(WAITING_STATES)
    row = (
        await session.execute(
            select(
                func.count().filter(live),
                func.count().filter(waiting),
                func.min(Ticket.opened_at).filter(waiting),
            )
        )
    ).one()
    return c.TicketCounts(
        open=row[0] or 0,
        waiting=row[1] or 0,
        oldest_waiting_since=aware(row[2]) if row[2] is not None else None,
    )


async def _dialect(session: AsyncSession) -> Any:
    connection = await session.connection()
    return postgresql if connection.dialect.name == "postgresql" else sqlite


async def _insert_many_ignore(
    session: AsyncSession, model: Any, rows: list[dict[str, Any]]
) -> set[str]:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING event_id`` of many rows; the ids that were
    new."""
    dialect = await _dialect(session)
    table = model.__table__
    result = await session.execute(
        dialect.insert(table).values(rows).on_conflict_do_nothing().returning(table.c.event_id)
    )
    return set(result.scalars())


async def _insert_ignore(session: AsyncSession, model: Any, **values: Any) -> bool:
    """``INSERT … ON CONFLICT DO NOTHING``; ``True`` when the row is new."""
    dialect = await _dialect(session)
    result = await session.execute(
        dialect.insert(model.__table__).values(**values).on_conflict_do_nothing()
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
