"""The containment rule and the report's figures (worker/reports.py), on made-up conversations:
each verdict of the rule, the 30-minute conversation gap, returns on the same question and on
another, and the percentiles of first responses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from worker.reports import (
    RatingRow,
    ReportData,
    TicketRow,
    TurnRow,
    build_report,
    handoffs,
    percentile,
    split_conversations,
    verdict,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def t(chat: str, hours_ago: float, outcome: str = "answered", group: str | None = "shipping"):
    return TurnRow(chat, NOW - timedelta(hours=hours_ago), outcome, group, f"{group}.x")


def judge(*turns: TurnRow, ratings: tuple[RatingRow, ...] = ()) -> list[str]:
    conversations = split_conversations(turns, ratings)
    conversations.sort(key=lambda c: c.start)
    return [verdict(c, conversations[i + 1 :], NOW) for i, c in enumerate(conversations)]


def test_quiet_for_a_day_after_an_answer_is_settled():
    assert judge(t("a", 30)) == ["quiet"]


def test_younger_than_a_day_is_pending():
    assert judge(t("a", 3)) == ["pending"]


def test_a_tap_on_solved_settles_at_once_and_not_solved_does_not():
    solved = RatingRow("a", NOW - timedelta(hours=2, minutes=59), True, "shipping")
    assert judge(t("a", 3), ratings=(solved,)) == ["solved"]
    not_solved = RatingRow("a", NOW - timedelta(hours=29), False, "shipping")
    assert judge(t("a", 30), ratings=(not_solved,)) == ["not_solved"]


def test_a_handoff_is_not_settled_by_the_bot():
    assert judge(t("a", 30), t("a", 29.9, "escalated", "human")) == ["escalated"]


def test_coming_back_on_the_same_question_within_a_day_unsettles_the_first():
    assert judge(t("a", 40), t("a", 30)) == ["returned", "quiet"]


def test_coming_back_on_another_question_does_not():
    assert judge(t("a", 40), t("a", 30, group="size")) == ["quiet", "quiet"]


def test_coming_back_after_more_than_a_day_does_not():
    assert judge(t("a", 60), t("a", 30)) == ["quiet", "quiet"]


def test_a_conversation_ending_unplaced_is_left_unanswered():
    assert judge(t("a", 30, "fallback", None)) == ["unanswered"]
    # a "did you mean…?" followed by the chosen answer is answered
    assert judge(t("a", 30, "clarified", None), t("a", 29.95)) == ["quiet"]


def test_greetings_alone_are_not_counted():
    assert judge(t("a", 30, group="greeting"), t("a", 29.9, group="thanks")) == ["social"]


def test_turns_30_minutes_apart_are_two_conversations():
    assert len(split_conversations([t("a", 10), t("a", 9.5)], [])) == 2
    assert len(split_conversations([t("a", 10), t("a", 9.6)], [])) == 1


def test_percentiles_interpolate_between_ranks():
    assert percentile([30, 90, 300], 0.5) == 90
    assert percentile([30, 90, 300], 0.9) == pytest.approx(258)
    assert percentile([], 0.5) is None


def test_handoffs_count_breaches_answered_late_and_still_waiting():
    tickets = [
        TicketRow(NOW - timedelta(hours=5), 30, 5, "closed"),
        TicketRow(NOW - timedelta(hours=5), 300, 2, "closed"),
        TicketRow(NOW - timedelta(minutes=10), None, None, "waiting"),  # 600 s > 120
        TicketRow(NOW - timedelta(seconds=30), None, None, "waiting"),  # within the SLA
    ]
    h = handoffs(tickets, NOW, sla_s=120)
    assert (h.opened, h.answered, h.breaches, h.ratings) == (4, 2, 2, 2)
    assert h.rating_avg == 3.5


def test_the_report_counts_rates_and_the_containment():
    turns = (
        t("a", 30),
        t("b", 30, "fallback", None),
        t("c", 30, "clarified", None),
        t("c", 29.95, group="size"),
        t("d", 30, group="greeting"),
        t("e", 2),
    )
    report = build_report(
        ReportData(NOW - timedelta(days=7), NOW, turns, (), ()), sla_s=120
    )
    assert report.turns == 6
    assert report.outcomes == {"answered": 4, "clarified": 1, "fallback": 1, "escalated": 0}
    assert report.rates["fallback"] == pytest.approx(1 / 6)
    # a quiet, c quiet, b unanswered; d social; e pending
    assert report.verdicts == {"quiet": 2, "unanswered": 1, "social": 1, "pending": 1}
    assert report.containment == pytest.approx(2 / 3)
    assert report.volume["shipping"][(NOW - timedelta(hours=30)).date()] == 1
