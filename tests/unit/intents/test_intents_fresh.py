"""Fresh batches: customer-style messages written apart from the catalogue, as a regression floor.

``intents_fresh.jsonl`` was written before its author read the catalogue; ``intents_fresh2.jsonl``
after the first round of fixes, without looking at the first batch's errors;
``intents_fresh3.jsonl`` before reading the catalogue or the earlier batches, in another style
(many shop types, mid-conversation after-sales turns, very short and rambling messages, voice
input, regional words, non-native English). Batches 4 and later are blind batches of the fitted
model's rounds, written in the style of real traffic before the round's engine was measured on
them; they are never training data (batches 1-3 are). docs/intents.md has every round's
untouched figures. Overall accuracy on each must stay at or above 0.85.
"""

import json
from functools import lru_cache
from pathlib import Path

import pytest

from intents import GROUPS, IntentEngine
from intents.__main__ import evaluate, format_report

DATA = Path(__file__).resolve().parents[2] / "data"
FRESH = sorted(p.name for p in DATA.glob("intents_fresh*.jsonl"))
FLOOR = 0.85


@lru_cache(maxsize=1)
def engine() -> IntentEngine:
    return IntentEngine.load()


def test_every_fresh_batch_is_here():
    # every blind round's batch stays a regression floor: 4-8 (rounds 4-8), 9 (session 4),
    # 10 (session 5, written before any engine run; 9 lines replaced as in or near training input),
    # 11 (session 6, real-traffic style, written before any engine run; 31 lines replaced as in
    # or near training input or earlier batches), 12 (session 7, harder: stories with the question
    # at the end, two things in one message, vague references; untouched 0.882, above the floor),
    # 13 (session 8, the same real-traffic kinds and every intent, written before any engine run;
    # 79 draft lines replaced as near copies; untouched 0.903, intent level 0.880), 14-16
    # (sessions 9, 10 and 12, written before any engine run; untouched 0.931, 0.881, 0.932), 17
    # (session 13, written before any engine run; untouched 0.908, intent level 0.901), 18
    # (session 14, written before any engine run; untouched 0.927, intent level 0.897), 19
    # (session 15, written before any engine run; untouched 0.943, intent level 0.905), 20
    # (session 16, written before any engine run; untouched 0.921, intent level 0.887), 21
    # (session 17, written before any engine run; untouched 0.929, intent level 0.918; 0.935 and
    # 0.923 on the 261 lines kept, one label corrected, 7 copies of training lines taken out), 22
    # (session 18, written before any engine run; untouched 0.927, intent level 0.912; 0.916
    # with one label corrected), 23 (session 19, written before any engine run; untouched 0.880,
    # intent level 0.866), 24 (session 19, written before any engine run: very short messages,
    # typos, chat shorthand, stickers; untouched 0.904, intent level 0.887; 0.898 and 0.880 on
    # the 275 lines kept, 17 exact copies of training lines taken out)
    blind = {f"intents_fresh{n}.jsonl" for n in range(4, 25)}
    assert blind <= set(FRESH), sorted(blind - set(FRESH))
    assert {"intents_fresh.jsonl", "intents_fresh2.jsonl", "intents_fresh3.jsonl"} <= set(FRESH)


def _rows(name: str) -> list[dict]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("name", FRESH)
def test_fresh_batch_is_labelled_with_known_groups_and_has_no_duplicates(name):
    rows = _rows(name)
    assert len(rows) >= 150
    assert {r["group"] for r in rows} == set(GROUPS)
    assert len({r["text"] for r in rows}) == len(rows)


@pytest.mark.parametrize("name", FRESH)
def test_fresh_batch_accuracy_is_at_least_the_floor(name):
    report = evaluate(engine(), _rows(name))
    assert report.accuracy >= FLOOR, format_report(report, show_errors=True)
