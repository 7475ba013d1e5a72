"""The shop's own labelled examples: a JSON-lines override file next to the catalogue.

``teach(path, text, intent, catalog)`` adds one line ``{"text": ..., "intent": ...}`` (or
replaces the label of the same phrase); ``python -m intents teach "phrase" group.name`` and the
ops CLI call it. Two things read the file:

* the engine, at start and on ``reload()``: a message whose core form (``normalize`` without
  fillers) is a taught phrase gets that intent straight away, accepted;
* ``python -m intents train``: every taught example is a training row, weighted above the
  project's data, so that the refitted model also generalises from it.

The default file is ``intents/data/overrides.jsonl``; a deployment may keep its own elsewhere
and pass the path.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from intents.catalog import Catalog
from intents.normalize import core

DEFAULT_OVERRIDES_PATH = Path(__file__).parent / "data" / "overrides.jsonl"
MAX_TEXT = 200


class OverrideError(ValueError):
    """A taught example is invalid (unknown intent, empty or too long text, bad file line)."""


@dataclass(frozen=True)
class Override:
    text: str
    intent: str


def load_overrides(path: str | Path | None = None) -> list[Override]:
    """The taught examples in file order; a missing file is an empty list."""
    p = Path(path) if path is not None else DEFAULT_OVERRIDES_PATH
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out: list[Override] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            text, intent = obj["text"], obj["intent"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise OverrideError(f"{p}:{lineno}: expected an object with text and intent") from exc
        if not isinstance(text, str) or not isinstance(intent, str):
            raise OverrideError(f"{p}:{lineno}: text and intent must be strings")
        out.append(Override(text=text, intent=intent))
    return out


def override_index(overrides: list[Override], catalog: Catalog) -> dict[str, str]:
    """Core form -> intent for the taught phrases whose intent the catalogue knows (the last
    teaching of a phrase wins)."""
    known = set(catalog.ids)
    index: dict[str, str] = {}
    for o in overrides:
        key = core(o.text)
        if key and o.intent in known:
            index[key] = o.intent
    return index


def teach(path: str | Path | None, text: str, intent: str, catalog: Catalog) -> Override:
    """Add (or relabel) one example in the override file; returns what was stored.

    The intent must be a catalogue intent id (``returns.refund_progress``) or a group with a
    single intent (``human``). Writes the whole file anew and renames it into place, so a bot
    reading it never sees half a line."""
    p = Path(path) if path is not None else DEFAULT_OVERRIDES_PATH
    clean = " ".join(text.split())
    if not clean or not core(clean):
        raise OverrideError("the phrase is empty (or only punctuation and particles)")
    if len(clean) > MAX_TEXT:
        raise OverrideError(f"the phrase is longer than {MAX_TEXT} characters")
    intent = resolve_intent(intent, catalog)
    existing = load_overrides(p)
    key = core(clean)
    kept = [o for o in existing if core(o.text) != key]
    stored = Override(text=clean, intent=intent)
    kept.append(stored)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for o in kept:
            f.write(json.dumps({"text": o.text, "intent": o.intent}, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(p)
    return stored


def resolve_intent(name: str, catalog: Catalog) -> str:
    """An intent id, or a group that has exactly one intent, as a catalogue intent id."""
    if catalog.get(name) is not None:
        return name
    in_group = [i.id for i in catalog.intents if i.group == name]
    if len(in_group) == 1:
        return in_group[0]
    if in_group:
        raise OverrideError(f"{name!r} is a group of several intents: name one of {in_group}")
    raise OverrideError(f"{name!r} is not an intent of the catalogue")
