"""Are two trees' intent engines the same? Every decision, in full, on many texts and contexts.

A speed change to ``intents/`` must not change one decision: this dumps ``IntentEngine.match``
for every catalogue example, every quoted string in the tests and every text of the labelled
and blind sets (each alone and in four
conversation contexts) as JSON lines, and compares two dumps. Run it from each tree — the
tree it lives in is the one imported:

```
.venv/bin/python benchmarks/engine_equal.py --dump var/engine-this.jsonl
.venv/bin/python /path/to/main/benchmarks/engine_equal.py --dump var/engine-main.jsonl
.venv/bin/python benchmarks/engine_equal.py --compare var/engine-main.jsonl var/engine-this.jsonl
```

A decision is compared whole (intent, outcome, confidence to the last bit, candidates, slots,
source, context use). ``--compare`` exits 1 when any differ, naming the first few.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def texts() -> list[str]:
    """The catalogue's examples, every string constant of the tests (1–200 characters) and
    every text of the labelled and blind sets (``tests/data``)."""
    from intents import IntentEngine

    found: set[str] = set()
    for intent in IntentEngine.load(encoder=None).catalog.intents:
        for examples in intent.examples.model_dump().values():
            found.update(str(example) for example in examples or ())
    for path in sorted((ROOT / "tests").rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if 0 < len(node.value) <= 200:
                    found.add(node.value)
    for path in sorted((ROOT / "tests" / "data").glob("*.jsonl")):  # labelled and blind sets
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str) and text:
                found.add(text)
    return sorted(found)


def contexts() -> list[object]:
    from intents import Context, Slots

    return [
        None,
        Context(last_intent="returns.return", seconds_ago=30, turns_ago=1),
        Context(
            last_intent="size.recommend",
            seconds_ago=60,
            turns_ago=2,
            slots=Slots(product="连帽卫衣", height_cm=175, weight_kg=70),
        ),
        Context(flow="shipping.fee"),
        Context(
            last_intent="shipping.fee", seconds_ago=5, turns_ago=1, slots=Slots(region="北京")
        ),
    ]


def dump(out: Path) -> int:
    from intents import IntentEngine

    engine = IntentEngine.load()
    cases = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as file:
        for text in texts():
            for index, context in enumerate(contexts()):
                decision = engine.match(text, context=context)  # type: ignore[arg-type]
                line = {"text": text, "context": index, "decision": decision.model_dump()}
                file.write(json.dumps(line, sort_keys=True) + "\n")
                cases += 1
    print(f"{cases} decisions ({cases // len(contexts())} texts x {len(contexts())} contexts)"
          f" -> {out}")
    return 0


def compare(a: Path, b: Path) -> int:
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    keyed = {(json.loads(x)["text"], json.loads(x)["context"]): x for x in left}
    differ = missing = 0
    for line in right:
        case = json.loads(line)
        other = keyed.pop((case["text"], case["context"]), None)
        if other is None:
            missing += 1
        elif other != line:
            differ += 1
            if differ <= 5:
                print(f"differs: {case['text']!r} (context {case['context']})")
                print(f"  {a.name}: {other}\n  {b.name}: {line}")
    missing += len(keyed)
    print(f"{len(right)} decisions compared: {differ} differ, {missing} only in one file")
    return 1 if differ or missing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.dump:
        sys.exit(dump(args.dump))
    if args.compare:
        sys.exit(compare(*args.compare))
    parser.error("--dump FILE or --compare A B")


if __name__ == "__main__":
    main()
