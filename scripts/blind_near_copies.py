"""List the lines of a new blind batch that are near copies of what the engine already knows.

A blind batch measures messages the engine has not seen. Before it is scored, drop or replace
every line whose core form (``intents.normalize.core``) is within rapidfuzz ``ratio`` >= 78 of:
the training messages (``intents/data/train``), the labelled sets, the catalogue's examples and
keywords (all training input), or an earlier blind batch (4 up to the new one).

    PYTHONPATH=. .venv/bin/python scripts/blind_near_copies.py tests/data/intents_fresh13.jsonl

(from the repository root: ``PYTHONPATH=.`` reads this checkout's data, not an installed copy's).

Prints the line number, the score and where the near copy is (not its text, so the author of a
batch need not read the training data). Exit code 1 when a line is too near.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from rapidfuzz import fuzz, process

from intents import load_catalog
from intents.normalize import core
from intents.train import LABELLED_SETS, TRAIN_DIR

ROOT = Path(__file__).resolve().parents[1]
CUTOFF = 78
BLIND = re.compile(r"intents_fresh(\d+)\.jsonl$")


def _texts(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def known_texts(batch: Path) -> list[tuple[str, str]]:
    """(source, text) of everything a new batch must stay apart from."""
    out: list[tuple[str, str]] = []
    for path in sorted(TRAIN_DIR.glob("*.jsonl")):
        out += [(f"train/{path.name}", t) for t in _texts(path)]
    for name in LABELLED_SETS:
        out += [(name, t) for t in _texts(ROOT / name)]
    for intent in load_catalog().intents:
        out += [(f"catalogue {intent.id} example", t) for t in intent.examples.all()]
        out += [(f"catalogue {intent.id} keyword", k.text) for k in intent.keywords]
    for path in sorted((ROOT / "tests" / "data").glob("intents_fresh*.jsonl")):
        m = BLIND.search(path.name)
        if m and int(m.group(1)) >= 4 and path.resolve() != batch.resolve():
            out += [(path.name, t) for t in _texts(path)]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batch", type=Path)
    parser.add_argument("--cutoff", type=int, default=CUTOFF)
    args = parser.parse_args()
    known = known_texts(args.batch)
    choices = [core(t) for _, t in known]
    near = 0
    seen: dict[str, int] = {}
    for n, text in enumerate(_texts(args.batch), start=1):
        form = core(text)
        if form in seen:
            print(f"{n}\tduplicate of line {seen[form]}\t{text}")
            near += 1
            continue
        seen[form] = n
        hit = process.extractOne(form, choices, scorer=fuzz.ratio, processor=None,
                                 score_cutoff=args.cutoff)
        if hit is not None:
            near += 1
            print(f"{n}\t{hit[1]:.0f}\t{known[hit[2]][0]}\t{text}")
    print(f"{near} near copies", file=sys.stderr)
    return 1 if near else 0


if __name__ == "__main__":
    sys.exit(main())
