"""What customers ask that the bot could not place, grouped into topics.

The words come anonymised from the bot (``intents.anonymize``). Messages are grouped by their
matching form (``intents.normalize.core``: fillers, punctuation, case and digits folded), then
groups whose forms are near-identical (``rapidfuzz`` ratio ≥ 85) are merged, biggest first;
each topic shows its commonest wording, how often it came, how many were fallbacks and how many
"did you mean…?", and what the engine guessed for the latter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from intents.normalize import core

if TYPE_CHECKING:
    from worker.reports import TurnRow

SIMILAR = 85


@dataclass
class Topic:
    key: str
    count: int = 0
    fallback: int = 0
    clarified: int = 0
    wordings: Counter[str] = field(default_factory=Counter)
    guesses: Counter[str] = field(default_factory=Counter)
    last_at: datetime | None = None

    @property
    def example(self) -> str:
        return self.wordings.most_common(1)[0][0]

    def add(self, turn: TurnRow) -> None:
        self.count += 1
        if turn.outcome == "fallback":
            self.fallback += 1
        else:
            self.clarified += 1
        self.wordings[(turn.text or "").strip()] += 1
        if turn.candidates:
            self.guesses[turn.candidates[0]] += 1
        if self.last_at is None or turn.at > self.last_at:
            self.last_at = turn.at

    def merge(self, other: Topic) -> None:
        self.count += other.count
        self.fallback += other.fallback
        self.clarified += other.clarified
        self.wordings.update(other.wordings)
        self.guesses.update(other.guesses)
        if other.last_at and (self.last_at is None or other.last_at > self.last_at):
            self.last_at = other.last_at

    def as_dict(self) -> dict[str, object]:
        return {
            "example": self.example,
            "count": self.count,
            "fallback": self.fallback,
            "clarified": self.clarified,
            "guesses": dict(self.guesses.most_common(3)),
            "wordings": len(self.wordings),
            "last_at": self.last_at.isoformat() if self.last_at else None,
        }


def group_topics(turns: Iterable[TurnRow]) -> list[Topic]:
    exact: dict[str, Topic] = {}
    for turn in turns:
        if not turn.text:
            continue
        key = core(turn.text) or turn.text.strip().casefold()
        exact.setdefault(key, Topic(key)).add(turn)
    merged: list[Topic] = []
    for topic in sorted(exact.values(), key=lambda t: (-t.count, t.key)):
        home = next((m for m in merged if fuzz.ratio(m.key, topic.key, score_cutoff=SIMILAR)), None)
        if home is None:
            merged.append(topic)
        else:
            home.merge(topic)
    merged.sort(key=lambda t: (-t.count, t.key))
    return merged
