"""``kefu report``: what the bot settled on its own, and where it fails — from the turns, ratings
and tickets the worker stored.

Verified containment (the rule the report prints, :data:`CONTAINMENT_RULE`): a conversation is
a customer's turns with less than 30 minutes between them. It counts as *settled by the bot*
when the customer tapped "solved" in it, or when it went quiet for 24 hours with no handoff to
a person, no "not solved", its last question answered, and no return on the same question
(intent group) within 24 hours. Until 24 hours have passed it is *pending*; conversations of
greetings and thanks only are not questions and are not counted.

The SQL is in :func:`load_report_data`; everything else is pure (:func:`build_report`), so the
rule is tested on made-up conversations without a database.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bus.contracts import TURN_OUTCOMES
from worker.db.models import AnswerRating, ConversationTurn, Ticket
from worker.db.queries import aware
from worker.db.session import Database

SESSION_GAP = timedelta(minutes=30)
QUIET = timedelta(hours=24)
RETURN_WINDOW = timedelta(hours=24)
SOCIAL_GROUPS = frozenset({"greeting", "thanks"})
UNPLACED = "(unplaced)"

CONTAINMENT_RULE = (
    "Settled by the bot = the customer tapped “solved”, or the conversation (turns less than "
    "30 min apart) went quiet for 24 h with no handoff to a person, no “not solved”, its last "
    "question answered, and no return on the same question (intent group) within 24 h. "
    "Conversations younger than 24 h are pending; greetings and thanks alone are not counted."
)

Verdict = Literal[
    "solved", "quiet", "escalated", "not_solved", "returned", "unanswered", "pending", "social"
]
SETTLED: frozenset[Verdict] = frozenset({"solved", "quiet"})


@dataclass(frozen=True)
class TurnRow:
    conversation: str
    at: datetime
    outcome: str
    group: str | None = None
    intent: str | None = None
    text: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class RatingRow:
    conversation: str
    at: datetime
    solved: bool
    group: str | None = None


@dataclass(frozen=True)
class TicketRow:
    opened_at: datetime
    first_response_s: int | None
    rating: int | None
    state: str


@dataclass(frozen=True)
class ReportData:
    since: datetime
    now: datetime
    turns: tuple[TurnRow, ...]
    ratings: tuple[RatingRow, ...]
    tickets: tuple[TicketRow, ...]


@dataclass
class Conversation:
    key: str
    turns: list[TurnRow] = field(default_factory=list)
    ratings: list[RatingRow] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        return self.turns[0].at

    @property
    def end(self) -> datetime:
        return self.turns[-1].at

    @property
    def question_groups(self) -> set[str]:
        return {
            t.group
            for t in self.turns
            if t.group and t.group not in SOCIAL_GROUPS and t.outcome != "fallback"
        }

    @property
    def questions(self) -> list[TurnRow]:
        return [t for t in self.turns if t.group not in SOCIAL_GROUPS]


@dataclass(frozen=True)
class Handoffs:
    opened: int
    answered: int
    first_response_p50_s: float | None
    first_response_p90_s: float | None
    sla_s: int
    breaches: int
    """Answered later than the SLA, or still waiting longer than it."""
    rating_avg: float | None
    ratings: int


@dataclass(frozen=True)
class Report:
    since: datetime
    now: datetime
    rule: str
    conversations: int
    counted: int
    pending: int
    verdicts: dict[str, int]
    containment: float | None
    turns: int
    outcomes: dict[str, int]
    rates: dict[str, float | None]
    days: list[date]
    volume: dict[str, dict[date, int]]
    """Intent group → day → turns."""
    answers_rated: int
    answers_solved: int
    handoffs: Handoffs
    unmatched: list[TurnRow]

    @property
    def settled(self) -> int:
        return sum(self.verdicts.get(v, 0) for v in SETTLED)


async def load_report_data(db: Database, since: datetime, now: datetime) -> ReportData:
    """Turns and ratings from ``since`` on (later ones too: a return after the window's end
    still unsettles a conversation in it), tickets opened since then."""
    async with db.read() as session:
        turns = (
            await session.execute(
                select(
                    ConversationTurn.conversation,
                    ConversationTurn.at,
                    ConversationTurn.outcome,
                    ConversationTurn.intent_group,
                    ConversationTurn.intent,
                    ConversationTurn.text,
                    ConversationTurn.candidates,
                )
                .where(ConversationTurn.at >= since)
                .order_by(ConversationTurn.conversation, ConversationTurn.at)
            )
        ).all()
        ratings = (
            await session.execute(
                select(
                    AnswerRating.conversation,
                    AnswerRating.at,
                    AnswerRating.solved,
                    AnswerRating.intent_group,
                ).where(AnswerRating.at >= since)
            )
        ).all()
        tickets = await _tickets(session, since)
    return ReportData(
        since=since,
        now=now,
        turns=tuple(
            TurnRow(r[0], aware(r[1]), r[2], r[3], r[4], r[5], tuple(r[6] or ())) for r in turns
        ),
        ratings=tuple(RatingRow(r[0], aware(r[1]), bool(r[2]), r[3]) for r in ratings),
        tickets=tickets,
    )


async def _tickets(session: AsyncSession, since: datetime) -> tuple[TicketRow, ...]:
    rows = (
        await session.execute(
            select(
                Ticket.opened_at,
                Ticket.first_response_s,
                Ticket.rating,
                Ticket.state,
            ).where(Ticket.opened_at >= since)
        )
    ).all()
    return tuple(TicketRow(aware(r[0]), r[1], r[2], r[3]) for r in rows)


def split_conversations(
    turns: Iterable[TurnRow], ratings: Iterable[RatingRow]
) -> list[Conversation]:
    """Each chat's turns cut where 30 minutes passed without one; a rating belongs to the
    conversation it came in (or right after)."""
    by_chat: dict[str, list[TurnRow]] = defaultdict(list)
    for turn in turns:
        by_chat[turn.conversation].append(turn)
    conversations: list[Conversation] = []
    for key, chat in by_chat.items():
        chat.sort(key=lambda t: t.at)
        current = Conversation(key)
        for turn in chat:
            if current.turns and turn.at - current.end >= SESSION_GAP:
                conversations.append(current)
                current = Conversation(key)
            current.turns.append(turn)
        conversations.append(current)
    per_chat: dict[str, list[Conversation]] = defaultdict(list)
    for conversation in conversations:
        per_chat[conversation.key].append(conversation)
    for rating in ratings:
        candidates = [c for c in per_chat.get(rating.conversation, []) if c.start <= rating.at]
        if candidates:
            candidates[-1].ratings.append(rating)
    return conversations


def verdict(conversation: Conversation, later: Sequence[Conversation], now: datetime) -> Verdict:
    """How this conversation ended, by :data:`CONTAINMENT_RULE`; ``later``: the same chat's
    later conversations."""
    questions = conversation.questions
    if not questions:
        return "social"
    if any(t.outcome == "escalated" for t in conversation.turns):
        return "escalated"
    if conversation.ratings:
        last = max(conversation.ratings, key=lambda r: r.at)
        return "solved" if last.solved else "not_solved"
    groups = conversation.question_groups
    for other in later:
        for turn in other.turns:
            if turn.at - conversation.end > RETURN_WINDOW:
                break
            if turn.group in groups:
                return "returned"
    if questions[-1].outcome in ("fallback", "clarified"):
        return "unanswered"
    if now - conversation.end < QUIET:
        return "pending"
    return "quiet"


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0–1) by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def handoffs(tickets: Sequence[TicketRow], now: datetime, sla_s: int) -> Handoffs:
    responses = [t.first_response_s for t in tickets if t.first_response_s is not None]
    waiting_too_long = [
        t
        for t in tickets
        if t.first_response_s is None
        and t.state in ("open", "waiting")
        and (now - t.opened_at).total_seconds() > sla_s
    ]
    rated = [t.rating for t in tickets if t.rating is not None]
    return Handoffs(
        opened=len(tickets),
        answered=len(responses),
        first_response_p50_s=percentile(responses, 0.5),
        first_response_p90_s=percentile(responses, 0.9),
        sla_s=sla_s,
        breaches=sum(1 for r in responses if r > sla_s) + len(waiting_too_long),
        rating_avg=sum(rated) / len(rated) if rated else None,
        ratings=len(rated),
    )


def build_report(data: ReportData, *, sla_s: int) -> Report:
    conversations = split_conversations(data.turns, data.ratings)
    per_chat: dict[str, list[Conversation]] = defaultdict(list)
    for conversation in conversations:
        per_chat[conversation.key].append(conversation)
    verdicts: Counter[str] = Counter()
    for chat in per_chat.values():
        chat.sort(key=lambda c: c.start)
        for i, conversation in enumerate(chat):
            if conversation.start < data.since:
                continue
            verdicts[verdict(conversation, chat[i + 1 :], data.now)] += 1
    in_window = sum(verdicts.values())
    counted = in_window - verdicts["social"]
    decided = counted - verdicts["pending"]
    settled = verdicts["solved"] + verdicts["quiet"]

    turns = [t for t in data.turns if data.since <= t.at <= data.now]
    outcomes = Counter(t.outcome for t in turns)
    total = len(turns)
    days = _days(data.since, data.now)
    volume: dict[str, dict[date, int]] = defaultdict(lambda: dict.fromkeys(days, 0))
    for turn in turns:
        per_day = volume[turn.group or UNPLACED]
        per_day[turn.at.date()] = per_day.get(turn.at.date(), 0) + 1
    ratings = [r for r in data.ratings if data.since <= r.at <= data.now]
    return Report(
        since=data.since,
        now=data.now,
        rule=CONTAINMENT_RULE,
        conversations=in_window,
        counted=counted,
        pending=verdicts["pending"],
        verdicts=dict(verdicts),
        containment=settled / decided if decided else None,
        turns=total,
        outcomes={o: outcomes.get(o, 0) for o in TURN_OUTCOMES},
        rates={
            "fallback": outcomes["fallback"] / total if total else None,
            "clarify": outcomes["clarified"] / total if total else None,
            "escalation": outcomes["escalated"] / total if total else None,
        },
        days=days,
        volume=dict(sorted(volume.items(), key=lambda kv: -sum(kv[1].values()))),
        answers_rated=len(ratings),
        answers_solved=sum(1 for r in ratings if r.solved),
        handoffs=handoffs(data.tickets, data.now, sla_s),
        unmatched=[t for t in turns if t.outcome in ("fallback", "clarified") and t.text],
    )


def _days(since: datetime, now: datetime) -> list[date]:
    first, last = since.date(), now.date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


async def unmatched_turns(db: Database, since: datetime) -> list[TurnRow]:
    """The fallback and clarify turns since then, with their (anonymised) words."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(
                    ConversationTurn.conversation,
                    ConversationTurn.at,
                    ConversationTurn.outcome,
                    ConversationTurn.intent_group,
                    ConversationTurn.intent,
                    ConversationTurn.text,
                    ConversationTurn.candidates,
                )
                .where(
                    ConversationTurn.at >= since,
                    ConversationTurn.outcome.in_(("fallback", "clarified")),
                    ConversationTurn.text.is_not(None),
                )
                .order_by(ConversationTurn.at)
            )
        ).all()
    return [TurnRow(r[0], aware(r[1]), r[2], r[3], r[4], r[5], tuple(r[6] or ())) for r in rows]
