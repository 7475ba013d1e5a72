"""``kefu report --png``: the report as one picture, for people who would rather look than read.

Three panels: turns per intent group per day (stacked bars), what the bot did with the turns
(answered / clarified / fallback / escalated per day), and the conversations' verdicts against
the containment rule. Rendered with matplotlib's Agg backend (no display needed).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from worker.reports import Report

OUTCOME_COLOURS = {
    "answered": "#4caf50",
    "clarified": "#ffb300",
    "fallback": "#e53935",
    "escalated": "#5c6bc0",
}
VERDICT_LABELS = {
    "solved": "tapped “solved”",
    "quiet": "quiet 24 h, no return",
    "returned": "came back",
    "unanswered": "left unanswered",
    "not_solved": "“not solved”",
    "escalated": "handed to a person",
    "pending": "pending (< 24 h)",
}


def render_png(report: Report, path: Path, outcomes_by_day: dict[str, list[int]]) -> Path:
    """Write the chart to ``path`` (PNG, 1500×1000 px) and return it."""
    fig, axes = plt.subplots(2, 2, figsize=(15, 10), dpi=100)
    days = [d.strftime("%m-%d") for d in report.days]

    volume = axes[0][0]
    bottom = [0] * len(days)
    for group, per_day in list(report.volume.items())[:12]:
        counts = [per_day.get(d, 0) for d in report.days]
        volume.bar(days, counts, bottom=bottom, label=group)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    volume.set_title("Turns per intent group per day")
    volume.legend(fontsize=8, ncols=2)

    done = axes[0][1]
    bottom = [0] * len(days)
    for outcome, counts in outcomes_by_day.items():
        done.bar(days, counts, bottom=bottom, label=outcome, color=OUTCOME_COLOURS[outcome])
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    done.set_title("What the bot did with each turn")
    done.legend(fontsize=8)

    verdicts = axes[1][0]
    shown = [(VERDICT_LABELS[v], report.verdicts.get(v, 0)) for v in VERDICT_LABELS]
    verdicts.barh([label for label, _ in shown], [n for _, n in shown], color="#78909c")
    containment = "–" if report.containment is None else f"{report.containment:.0%}"
    verdicts.set_title(f"Conversations: verified containment {containment}")
    verdicts.invert_yaxis()

    rates = axes[1][1]
    names = ["fallback", "clarify", "escalation"]
    values = [100 * (report.rates[n] or 0) for n in names]
    rates.bar(names, values, color=["#e53935", "#ffb300", "#5c6bc0"])
    rates.set_ylabel("% of turns")
    h = report.handoffs
    p50 = "–" if h.first_response_p50_s is None else f"{h.first_response_p50_s:.0f} s"
    p90 = "–" if h.first_response_p90_s is None else f"{h.first_response_p90_s:.0f} s"
    rates.set_title(
        f"Rates · handoffs {h.opened}: first response p50 {p50}, p90 {p90}, {h.breaches} over SLA",
        fontsize=10,
    )

    fig.suptitle(
        f"Kefu report {report.since:%Y-%m-%d %H:%M} – {report.now:%Y-%m-%d %H:%M} UTC",
        fontsize=14,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    plt.close(fig)
    return path
