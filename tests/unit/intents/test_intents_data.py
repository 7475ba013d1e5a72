"""The training data: big enough, in both languages, labelled with catalogue intents, and kept
apart from the blind batches that measure the engine."""

import json
import re
from pathlib import Path

from rapidfuzz import fuzz, process

from intents import GROUPS, load_catalog
from intents.normalize import core, is_cjk
from intents.train import LABELLED_SETS, TRAIN_DIR

DATA = Path(__file__).resolve().parents[2] / "data"
BLIND = re.compile(r"intents_fresh([4-9]|\d\d+)\.jsonl$")


def _train_rows() -> list[dict]:
    rows = []
    for path in sorted(TRAIN_DIR.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    return rows


def _blind_texts() -> list[str]:
    out = []
    for path in sorted(DATA.glob("intents_fresh*.jsonl")):
        if BLIND.search(path.name):
            out += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8")
                    .splitlines() if line.strip()]
    return out


def test_training_data_is_big_bilingual_and_labelled_with_catalogue_intents():
    rows = _train_rows()
    ids = set(load_catalog().ids)
    assert len(rows) >= 5000
    assert all(r["intent"] in ids for r in rows)
    assert {r["intent"].split(".")[0] for r in rows} == set(GROUPS)
    assert set(ids) == {r["intent"] for r in rows}  # every intent has data
    zh = sum(any(is_cjk(c) for c in r["text"]) for r in rows)
    assert zh >= 3000 and len(rows) - zh >= 1400
    assert len({core(r["text"]) for r in rows}) == len(rows)  # no duplicates


def test_blind_batches_are_never_training_data():
    assert not any(BLIND.search(p) for p in LABELLED_SETS)
    blind = [core(t) for t in _blind_texts()]
    assert len(blind) >= 400
    blind_set = set(blind)
    train = [core(r["text"]) for r in _train_rows()]
    assert [t for t in train if t in blind_set] == []
    near = [
        t for t in train
        if len(t) >= 4 and process.extractOne(t, blind, scorer=fuzz.ratio, score_cutoff=88)
    ]
    assert near == []
