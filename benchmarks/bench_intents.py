"""Intent engine speed against bare rapidfuzz scans, in the same run.

Corpus: the labelled development set (tests/data/intents_dev.jsonl) - mixed Chinese and English
customer messages, noisy ones and out-of-scope ones included.

Measured per message:
  engine   IntentEngine.match: normalisation, keyword index, n-gram shortlist, rapidfuzz on the
           shortlist, calibration, slot extraction
  wratio   process.extractOne(msg, raw catalogue examples) with the default scorer (WRatio)
  qratio   process.extractOne(msg, raw catalogue examples, scorer=fuzz.QRatio)
Both baselines scan the same raw catalogue example strings the engine was built from, with no
preprocessing. Prints p50/p99 latency, messages/s and the engine/baseline ratios (target:
engine / wratio <= 1.0 at p50 and p99).

    .venv/bin/python benchmarks/bench_intents.py [--rounds N]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intents import IntentEngine  # noqa: E402

DEV = ROOT / "tests" / "data" / "intents_dev.jsonl"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def _measure(fn: Callable[[str], object], corpus: list[str], rounds: int) -> dict[str, float]:
    for text in corpus[:50]:  # warm-up
        fn(text)
    samples: list[float] = []
    gc.disable()
    try:
        start_all = time.perf_counter()
        for _ in range(rounds):
            for text in corpus:
                t0 = time.perf_counter()
                fn(text)
                samples.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - start_all
    finally:
        gc.enable()
    return {
        "p50_ms": _percentile(samples, 0.50) * 1000,
        "p99_ms": _percentile(samples, 0.99) * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
        "msgs_per_s": len(samples) / elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    corpus = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines()
              if line.strip()]
    engine = IntentEngine.load()
    choices = [e for intent in engine.catalog.intents for e in intent.examples.all()]

    def bare_wratio(text: str) -> object:
        return process.extractOne(text, choices)

    def bare_qratio(text: str) -> object:
        return process.extractOne(text, choices, scorer=fuzz.QRatio)

    print(f"corpus: {len(corpus)} messages x {args.rounds} rounds; "
          f"catalogue: {len(engine.catalog.intents)} intents, {len(choices)} example strings")
    results = {}
    for name, fn in (("engine", engine.match), ("wratio", bare_wratio), ("qratio", bare_qratio)):
        results[name] = _measure(fn, corpus, args.rounds)

    print(f"{'':<32} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'msgs/s':>9}")
    labels = {"engine": "engine (norm+match+slots)",
              "wratio": "bare extractOne WRatio",
              "qratio": "bare extractOne QRatio"}
    for name, r in results.items():
        print(f"{labels[name]:<32} {r['p50_ms']:8.3f} {r['p99_ms']:8.3f} {r['mean_ms']:8.3f} "
              f"{r['msgs_per_s']:9.0f}")
    e, w, q = results["engine"], results["wratio"], results["qratio"]
    print()
    print(f"ratio engine/WRatio  p50 {e['p50_ms'] / w['p50_ms']:.2f}  "
          f"p99 {e['p99_ms'] / w['p99_ms']:.2f}  (target <= 1.0)")
    print(f"ratio engine/QRatio  p50 {e['p50_ms'] / q['p50_ms']:.2f}  "
          f"p99 {e['p99_ms'] / q['p99_ms']:.2f}")
    ok = e["p50_ms"] <= w["p50_ms"] and e["p99_ms"] <= w["p99_ms"]
    print("target met" if ok else "target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
