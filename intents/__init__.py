"""Kefu's intent engine: a customer's message -> a ranked intent decision with slots.

A pure library: no network, no aiogram; it reads only its YAML catalogue. Public API::

    from intents import IntentEngine, Decision

    engine = IntentEngine.load()          # default catalogue: intents/data/*.yaml
    engine = IntentEngine.load(path)      # another catalogue directory or file
    d: Decision = engine.match("亲 160 100斤穿什么码")
    d.intent      # "size.recommend"  ("other.unknown" on fallback)
    d.group       # "size"
    d.action      # "ask-slot"  (answer | lookup | exchange | escalate | ask-slot)
    d.confidence  # float 0..1
    d.outcome     # "accept" | "clarify" | "fallback"
    d.candidates  # [Candidate(intent, group, confidence)], best first, at most 3
    d.slots       # Slots(order_no, phone_last4, height_cm, weight_kg, size, color, region,
                  #       quantity, fit) - all optional
    engine.catalog.intents   # Intent(id, group, action, title_zh, title_en, examples, keywords)

    from intents.slots import extract_slots   # slots of a follow-up answer on their own

``Decision``, ``Candidate`` and ``Slots`` are frozen pydantic models. Thresholds live in
``MatcherConfig`` (``MatcherConfig.from_env()`` reads ``INTENTS_*`` variables; it is what
``IntentEngine.load`` uses when no config is given). Loading raises ``CatalogError`` naming the
file and line of a bad catalogue entry. For evaluation and the CLI, a ``fallback`` counts as the
group ``other`` and a ``clarify`` as its best candidate's group.
"""

from __future__ import annotations

from pathlib import Path

from intents.catalog import (
    FALLBACK_INTENT,
    GROUPS,
    Action,
    Catalog,
    CatalogError,
    Intent,
    load_catalog,
)
from intents.matcher import Candidate, Decision, IntentMatcher, MatcherConfig
from intents.normalize import core, normalize
from intents.slots import Slots, extract_slots

__all__ = [
    "FALLBACK_INTENT",
    "GROUPS",
    "Action",
    "Candidate",
    "Catalog",
    "CatalogError",
    "Decision",
    "Intent",
    "IntentEngine",
    "MatcherConfig",
    "Slots",
    "core",
    "extract_slots",
    "load_catalog",
    "normalize",
]


class IntentEngine:
    """A loaded catalogue compiled for matching. Build once, call ``match`` per message."""

    def __init__(self, catalog: Catalog, config: MatcherConfig | None = None) -> None:
        self.catalog = catalog
        self.config = config or MatcherConfig.from_env()
        self.matcher = IntentMatcher(catalog, self.config)

    @classmethod
    def load(
        cls, path: str | Path | None = None, config: MatcherConfig | None = None
    ) -> IntentEngine:
        return cls(load_catalog(path), config)

    def match(self, text: str) -> Decision:
        """Decide the intent of one message. Never raises for any string."""
        return self.matcher.match(text)
