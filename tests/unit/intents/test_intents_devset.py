"""The labelled development set: size, honesty, and the quality bar (per-group F1 >= 0.9)."""

import json
import re
from pathlib import Path

from intents import GROUPS, IntentEngine
from intents.__main__ import evaluate, format_report
from intents.normalize import is_cjk, prepare, strip_fillers

DEV = Path(__file__).resolve().parents[2] / "data" / "intents_dev.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]


def test_dev_set_is_big_bilingual_and_covers_every_group():
    rows = _rows()
    assert len(rows) >= 400
    assert {r["group"] for r in rows} == set(GROUPS)
    zh = [r for r in rows if any(is_cjk(c) for c in r["text"])]
    en = [r for r in rows if r["text"].isascii() and any(c.isalpha() for c in r["text"])]
    assert len(zh) >= 300 and len(en) >= 80
    assert sum(r["group"] == "other" for r in rows) >= 40
    assert len({r["text"] for r in rows}) == len(rows)


def test_dev_set_contains_noisy_messages():
    texts = [r["text"] for r in _rows()]
    assert any(any(0xFF01 <= ord(c) <= 0xFF5E for c in t) for t in texts)  # full-width
    assert any(any(ord(c) >= 0x1F300 for c in t) for t in texts)  # emoji
    assert any(c in t for t in texts for c in "嗎還貨尺碼")  # traditional characters


def surface(text: str) -> str:
    """The text as typed, minus case, width, punctuation and filler particles (no variant
    mapping: 是正品么 and 是正品吗 are different sentences, not a copy)."""
    return strip_fillers(" ".join(re.sub(r"[\W_]+", " ", prepare(text)).split()))


def test_no_dev_text_is_a_catalogue_example():
    engine = IntentEngine.load()
    examples = {surface(e) for i in engine.catalog.intents for e in i.examples.all()}
    copied = [r["text"] for r in _rows() if surface(r["text"]) and surface(r["text"]) in examples]
    assert copied == []


def test_per_group_f1_is_at_least_0_9():
    report = evaluate(IntentEngine.load(), _rows())
    weak = {g: round(report.per_group[g][2], 3) for g in GROUPS if report.per_group[g][2] < 0.9}
    assert weak == {}, format_report(report, show_errors=True)
