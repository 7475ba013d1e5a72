"""What ops see: one event per customer turn, the customer's verdict on an answer, process
heartbeats, and the worker's snapshot for ``kefu status`` and the bot's ``/status``.

Personal data stays out. A conversation is named by a pseudonymous key (an HMAC of the chat
with the bot's secret, ``bot/ops/turns.py``), never by the chat or user id; a turn carries the
intent, its group and what the bot did with it, and words only when the bot could not place
them (a fallback or a "did you mean…?"), masked by ``intents.anonymize`` in the bot before
they are published. The worker stores them (``worker/ops.py``) for ``kefu report`` and
``kefu intents unmatched``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from bus.contracts.base import Contract, Event, Request

TurnOutcome = Literal["answered", "clarified", "fallback", "escalated"]
"""What the bot did with a customer's turn: answered it (a policy answer, an order, a flow
step), asked "did you mean…?", could not place it, or handed the chat to a person."""
TURN_OUTCOMES: tuple[TurnOutcome, ...] = ("answered", "clarified", "fallback", "escalated")

ProcessRole = Literal["bot", "worker"]
ProcessState = Literal["alive", "missing", "stopped"]

EventId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
"""A fresh uuid4 in hex per event: the worker stores each event once by it."""
ConversationKey = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
"""HMAC-SHA256 of the chat with the bot's secret, 32 hex digits: the same chat always has the
same key, and the key does not lead back to the chat without the secret."""
IntentId = Annotated[str, Field(pattern=r"^[a-z]+\.[a-z0-9_]+$", max_length=60)]
GroupName = Annotated[str, Field(pattern=r"^[a-z]+$", max_length=20)]
Locale = Annotated[str, Field(pattern=r"^[a-z]{2}(?:_[A-Z]{2})?$")]
FlowName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
ProcessId = Annotated[str, Field(pattern=r"^(?:bot|worker):[A-Za-z0-9._-]{1,80}$")]

MAX_TURN_TEXT = 1000


class TurnRecorded(Event):
    """One customer turn (a message or a button press that asked something)."""

    ROUTING_KEY: ClassVar[str] = "conversation.turn"
    event_id: EventId
    conversation: ConversationKey
    locale: Locale
    outcome: TurnOutcome
    intent: IntentId | None = None
    group: GroupName | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    flow: FlowName | None = Field(
        default=None, description="The conversation flow the turn was in or opened (size, …)."
    )
    candidates: list[IntentId] = Field(
        default=[], max_length=3, description="A clarify's choices, best first."
    )
    text: str | None = Field(
        default=None,
        max_length=MAX_TURN_TEXT,
        description="Fallback and clarify turns only: the message, anonymised in the bot.",
    )

    @model_validator(mode="after")
    def _words_only_when_unplaced(self) -> TurnRecorded:
        if self.text is not None and self.outcome not in ("fallback", "clarified"):
            raise ValueError("only fallback and clarify turns carry the (anonymised) words")
        return self


class AnswerRated(Event):
    """The customer pressed "solved" or "not solved" under an answer."""

    ROUTING_KEY: ClassVar[str] = "conversation.rated"
    event_id: EventId
    conversation: ConversationKey
    solved: bool
    intent: IntentId | None = None
    group: GroupName | None = None


class ProcessStats(Contract):
    """Counters since the process started (they only grow; a restart starts again at 0)."""

    rpc_calls: int = Field(default=0, ge=0, description="Bus calls made (bot).")
    rpc_failed: int = Field(
        default=0, ge=0, description="…of which failed: timed out, no worker, an error reply."
    )
    rpc_timeouts: int = Field(default=0, ge=0, description="…of which timed out.")
    requests: int = Field(default=0, ge=0, description="Requests handled (worker).")
    request_errors: int = Field(default=0, ge=0, description="…refused or failed.")
    turns: int = Field(default=0, ge=0, description="Customer turns handled (bot).")
    events_dropped: int = Field(default=0, ge=0, description="Turn events not published (bot).")


class ProcessHeartbeat(Event):
    """Every bot and worker process says it is alive every ``interval_s`` seconds, and
    ``stopping`` when it shuts down cleanly: a process that went silent without saying so
    died."""

    ROUTING_KEY: ClassVar[str] = "process.heartbeat"
    process_id: ProcessId
    role: ProcessRole
    host: str = Field(max_length=100)
    pid: int = Field(ge=0)
    started_at: datetime
    interval_s: float = Field(gt=0, le=3600)
    stopping: bool = False
    stats: ProcessStats = ProcessStats()


# ── the worker's snapshot ────────────────────────────────────────────────────────────────


class TicketCounts(Contract):
    open: int = Field(ge=0, description="Live tickets: waiting for a person or with one.")
    waiting: int = Field(ge=0, description="…of which nobody has taken yet.")
    oldest_waiting_since: datetime | None = None


class ProcessView(Contract):
    """A process as its heartbeats tell: ``missing`` when it has been silent for more than
    three of its intervals without saying it was stopping."""

    process_id: ProcessId
    role: ProcessRole
    host: str
    pid: int
    started_at: datetime
    last_seen_at: datetime
    state: ProcessState
    stats: ProcessStats


class RpcWindow(Contract):
    """The bots' bus calls over the last ``window_s`` seconds, from their heartbeats."""

    window_s: int
    calls: int = 0
    failed: int = 0
    timeouts: int = 0

    @property
    def error_rate(self) -> float | None:
        return self.failed / self.calls if self.calls else None


class OpsSnapshot(Contract):
    kind: Literal["ops_snapshot"] = "ops_snapshot"
    at: datetime
    tickets: TicketCounts
    processes: list[ProcessView]
    rpc: RpcWindow


class GetOpsSnapshot(Request[OpsSnapshot]):
    """Open tickets, the processes' health and the bots' bus error rate: what the worker
    knows for ``kefu status`` and the ops chat."""

    METHOD: ClassVar[str] = "ops.snapshot"
    window_s: int = Field(default=300, ge=10, le=86_400)
