"""``kefu report [--since 7d] [--png FILE] [--json]``: verified containment, volume per intent
group per day, fallback / clarify / escalation rates, handoffs (first response p50/p90, SLA
breaches), ratings and the top unmatched topics — from what the worker stored
(``worker/reports.py``)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from ops.settings import OpsSettings
from ops.unmatched import Topic, group_topics
from worker.settings import WorkerSettings

if TYPE_CHECKING:
    from worker.reports import Report

_SPAN = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``7d``, ``24h``, ``90m``, ``2w`` back from now, or an ISO date/time (UTC if no zone)."""
    now = now or datetime.now(UTC)
    match = _SPAN.match(value.strip())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give a span (7d, 24h, 90m, 2w) or a date (2026-11-24)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def outcomes_by_day(report: Report, turns: Any) -> dict[str, list[int]]:
    index = {day: i for i, day in enumerate(report.days)}
    counts = {o: [0] * len(report.days) for o in ("answered", "clarified", "fallback", "escalated")}
    for turn in turns:
        i = index.get(turn.at.date())
        if i is not None and report.since <= turn.at <= report.now:
            counts[turn.outcome][i] += 1
    return counts


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def report_json(report: Report, topics: list[Topic]) -> dict[str, Any]:
    h = report.handoffs
    return {
        "since": report.since.isoformat(),
        "until": report.now.isoformat(),
        "rule": report.rule,
        "containment": report.containment,
        "conversations": {
            "in_window": report.conversations,
            "counted": report.counted,
            "settled": report.settled,
            "pending": report.pending,
            "verdicts": report.verdicts,
        },
        "turns": report.turns,
        "outcomes": report.outcomes,
        "rates": report.rates,
        "volume": {
            group: {day.isoformat(): n for day, n in per_day.items()}
            for group, per_day in report.volume.items()
        },
        "answers": {"rated": report.answers_rated, "solved": report.answers_solved},
        "handoffs": {
            "opened": h.opened,
            "answered": h.answered,
            "first_response_p50_s": h.first_response_p50_s,
            "first_response_p90_s": h.first_response_p90_s,
            "sla_s": h.sla_s,
            "sla_breaches": h.breaches,
            "rating_avg": h.rating_avg,
            "ratings": h.ratings,
        },
        "unmatched": [t.as_dict() for t in topics],
    }


def print_report(report: Report, topics: list[Topic], console: Console, top: int) -> None:
    console.print(
        Text(
            f"Kefu report {report.since:%Y-%m-%d %H:%M} – {report.now:%Y-%m-%d %H:%M} UTC",
            style="bold",
        )
    )
    containment = _pct(report.containment)
    decided = report.counted - report.pending
    console.print(
        f"Verified containment: [bold]{containment}[/bold] "
        f"({report.settled} of {decided} conversations settled by the bot; "
        f"{report.pending} pending)"
    )
    console.print(Text(report.rule, style="dim"))

    verdicts = Table(title="conversations", title_justify="left")
    verdicts.add_column("how it ended")
    verdicts.add_column("conversations", justify="right")
    for key, label in (
        ("solved", "customer tapped “solved”"),
        ("quiet", "quiet 24 h, no handoff, no return"),
        ("returned", "came back on the same question within 24 h"),
        ("unanswered", "last question not placed (fallback or clarify)"),
        ("not_solved", "customer tapped “not solved”"),
        ("escalated", "handed to a person"),
        ("pending", "pending (less than 24 h old)"),
        ("social", "greetings or thanks only (not counted)"),
    ):
        verdicts.add_row(label, str(report.verdicts.get(key, 0)))
    console.print(verdicts)

    rates = Table(title=f"turns: {report.turns}", title_justify="left")
    for column in ("answered", "clarify rate", "fallback rate", "escalation rate"):
        rates.add_column(column, justify="right")
    answered = report.outcomes["answered"]
    rates.add_row(
        str(answered),
        _pct(report.rates["clarify"]),
        _pct(report.rates["fallback"]),
        _pct(report.rates["escalation"]),
    )
    console.print(rates)

    volume = Table(title="turns per intent group per day", title_justify="left")
    volume.add_column("group")
    for day in report.days:
        volume.add_column(day.strftime("%m-%d"), justify="right")
    volume.add_column("total", justify="right")
    for group, per_day in report.volume.items():
        counts = [per_day.get(day, 0) for day in report.days]
        volume.add_row(group, *(str(n) if n else "·" for n in counts), str(sum(counts)))
    console.print(volume)

    h = report.handoffs
    handoffs = Table(title="handoffs to a person", title_justify="left")
    for column in ("opened", "answered", "first response p50", "p90", "over SLA", "rating"):
        handoffs.add_column(column, justify="right")
    handoffs.add_row(
        str(h.opened),
        str(h.answered),
        _seconds(h.first_response_p50_s),
        _seconds(h.first_response_p90_s),
        f"{h.breaches} (SLA {_seconds(h.sla_s)})",
        "–" if h.rating_avg is None else f"{h.rating_avg:.2f} / 5 ({h.ratings})",
    )
    console.print(handoffs)
    solved = f"{report.answers_solved / report.answers_rated:.0%}" if report.answers_rated else "–"
    console.print(
        f"Answers rated: {report.answers_rated}, of which “solved”: {report.answers_solved} "
        f"({solved})"
    )
    print_topics(topics[:top], console, title="top unmatched topics (anonymised)")


def print_topics(topics: list[Topic], console: Console, *, title: str) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("count", justify="right")
    table.add_column("what customers wrote (commonest wording)")
    table.add_column("fallback / clarify", justify="right")
    table.add_column("engine's guess")
    for topic in topics:
        guess = topic.guesses.most_common(1)
        table.add_row(
            str(topic.count),
            topic.example,
            f"{topic.fallback} / {topic.clarified}",
            guess[0][0] if guess else "–",
        )
    if not topics:
        table.add_row("0", "nothing unmatched", "", "")
    console.print(table)


async def cmd_report(args: argparse.Namespace) -> int:
    from ops.charts import render_png
    from worker.db.session import Database
    from worker.reports import build_report, load_report_data

    settings = OpsSettings()
    now = datetime.now(UTC)
    since = parse_since(args.since, now)
    db = Database(WorkerSettings().database_url)
    try:
        data = await load_report_data(db, since, now)
    except SQLAlchemyError as exc:
        print(
            f"cannot read the shop's records ({type(exc).__name__}); run: kefu db upgrade",
            file=sys.stderr,
        )
        return 1
    finally:
        await db.dispose()
    report = build_report(data, sla_s=settings.monitor.handoff_sla_s)
    topics = group_topics(report.unmatched)
    if args.png:
        path = render_png(report, Path(args.png), outcomes_by_day(report, data.turns))
        print(f"chart written to {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(report_json(report, topics[: args.top]), ensure_ascii=False, indent=2))
    else:
        print_report(report, topics, Console(), args.top)
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser(
        "report", help="containment, volumes, rates, handoffs and unmatched topics over a period"
    )
    report.add_argument("--since", default="7d", help="7d (default), 24h, 90m, 2w or a date")
    report.add_argument("--png", metavar="FILE", help="also draw the report as a PNG chart")
    report.add_argument("--json", action="store_true")
    report.add_argument("--top", type=int, default=10, help="unmatched topics shown")
    report.set_defaults(run=cmd_report)
