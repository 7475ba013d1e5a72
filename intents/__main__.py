"""Command line of the intent engine.

``python -m intents match "text"``          one decision as JSON (``--jsonl`` reads lines on stdin;
                                           ``--after INTENT`` reads the text as a follow-up)
``python -m intents eval FILE.jsonl ...``   per-group precision/recall/F1, accuracy per language;
                                           ``--matrix`` the confusion matrix (rows expected,
                                           columns predicted), ``--calibration`` accuracy per
                                           confidence band, ``--errors`` the misses
``python -m intents train``                 fit, calibrate and save the model (``train`` extra)
``python -m intents teach "phrase" INTENT``  add a labelled example to the shop's override file
``python -m intents info``                  the loaded model: version, thresholds, calibration

A fallback counts as the group ``other``, a clarify as its best candidate's group.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intents import GROUPS, CatalogError, Context, IntentEngine, ModelError, OverrideError
from intents.normalize import is_cjk
from intents.overrides import DEFAULT_OVERRIDES_PATH, teach

logger = logging.getLogger(__name__)

BANDS: tuple[tuple[float, float], ...] = (
    (0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0001),
)


@dataclass
class EvalReport:
    groups: list[str]
    confusion: dict[str, dict[str, int]]
    total: int
    correct: int
    per_group: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)
    per_language: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (confidence, right group) of every non-fallback decision
    confidences: list[tuple[float, bool]] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    encoded: int = 0
    # rows labelled with an intent too: how many, and how many got that intent
    intent_total: int = 0
    intent_correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def language(text: str) -> str:
    """``zh`` for a message with any Chinese character, else ``en``."""
    return "zh" if any(is_cjk(c) for c in text) else "en"


def evaluate(engine: IntentEngine, rows: Iterable[dict[str, Any]]) -> EvalReport:
    """Score the engine on labelled rows (``text``, ``group``)."""
    groups = list(GROUPS)
    confusion = {g: dict.fromkeys(groups, 0) for g in groups}
    report = EvalReport(groups=groups, confusion=confusion, total=0, correct=0)
    before = engine.stats.encoded
    for row in rows:
        expected = str(row["group"])
        text = str(row["text"])
        if expected not in confusion:
            groups.append(expected)
            confusion[expected] = {}
            for g in groups:
                confusion[g].setdefault(expected, 0)
                confusion[expected].setdefault(g, 0)
        d = engine.match(text)
        predicted = d.group
        confusion[expected][predicted] = confusion[expected].get(predicted, 0) + 1
        report.total += 1
        right = predicted == expected
        lang = language(text)
        n, ok = report.per_language.get(lang, (0, 0))
        report.per_language[lang] = (n + 1, ok + int(right))
        report.outcomes[d.outcome] = report.outcomes.get(d.outcome, 0) + 1
        if d.outcome != "fallback":
            report.confidences.append((d.confidence, right))
        if right:
            report.correct += 1
        else:
            report.errors.append((text, expected, d.intent, d.outcome))
        if row.get("intent"):
            report.intent_total += 1
            report.intent_correct += int(d.intent == row["intent"])
    report.encoded = engine.stats.encoded - before
    for g in groups:
        tp = confusion[g].get(g, 0)
        support = sum(confusion[g].values())
        predicted_n = sum(confusion[e].get(g, 0) for e in groups)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.per_group[g] = (precision, recall, f1, support)
    return report


def calibration_lines(confidences: Sequence[tuple[float, bool]]) -> list[str]:
    lines = [f"{'band':<12} {'n':>5} {'mean conf':>9} {'accuracy':>9}"]
    for lo, hi in BANDS:
        inside = [(c, r) for c, r in confidences if lo <= c < hi]
        if not inside:
            lines.append(f"{lo:.2f}-{min(hi, 1.0):.2f}   {0:5d} {'-':>9} {'-':>9}")
            continue
        mean = sum(c for c, _ in inside) / len(inside)
        acc = sum(r for _, r in inside) / len(inside)
        lines.append(f"{lo:.2f}-{min(hi, 1.0):.2f}   {len(inside):5d} {mean:9.3f} {acc:9.3f}")
    return lines


def format_report(
    report: EvalReport,
    show_errors: bool = False,
    matrix: bool = False,
    calibration: bool = False,
) -> str:
    lines = [f"{'group':<10} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}"]
    for g in report.groups:
        p, r, f, n = report.per_group[g]
        if n == 0 and not any(report.confusion[e].get(g) for e in report.groups):
            continue
        lines.append(f"{g:<10} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    if matrix:
        lines.append("")
        lines.append("confusion matrix (rows: expected, columns: predicted)")
        short = [g[:5] for g in report.groups]
        lines.append(" " * 10 + " ".join(f"{s:>5}" for s in short))
        for g in report.groups:
            lines.append(f"{g:<10}" + " ".join(f"{report.confusion[g].get(c, 0):5d}"
                                              for c in report.groups))
    if calibration:
        lines.append("")
        lines.append("calibration (non-fallback decisions: accuracy per confidence band)")
        lines += calibration_lines(report.confidences)
    lines.append("")
    for lang, (n, ok) in sorted(report.per_language.items()):
        lines.append(f"{lang}: {ok / n:.4f} ({ok}/{n})")
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
    share = report.encoded / report.total if report.total else 0.0
    lines.append(f"outcomes: {outcomes}; reached the encoder: {share:.1%}")
    lines.append(f"accuracy {report.accuracy:.4f} ({report.correct}/{report.total})")
    if report.intent_total:
        share = report.intent_correct / report.intent_total
        lines.append(f"intent level {share:.4f} ({report.intent_correct}/{report.intent_total}"
                     " labelled with an intent)")
    if show_errors and report.errors:
        lines.append("")
        lines.append("misclassified (text | expected | predicted intent | outcome)")
        for text, expected, intent, outcome in report.errors:
            lines.append(f"{text} | {expected} | {intent} | {outcome}")
    return "\n".join(lines)


def _read_jsonl(
    stream: Iterable[str], source: str
) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, None, f"{source}:{lineno}: not JSON: {exc.msg}"
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield lineno, None, f"{source}:{lineno}: expected an object with a string 'text'"
            continue
        yield lineno, obj, ""


def _context(args: argparse.Namespace) -> Context | None:
    if not args.after and not args.flow:
        return None
    return Context(flow=args.flow, last_intent=args.after, seconds_ago=0.0, turns_ago=0)


def _cmd_match(engine: IntentEngine, args: argparse.Namespace) -> int:
    out = sys.stdout
    context = _context(args)
    if args.jsonl:
        status = 0
        for _, obj, error in _read_jsonl(sys.stdin, "<stdin>"):
            if obj is None:
                out.write(json.dumps({"error": error}, ensure_ascii=False) + "\n")
                status = 1
                continue
            decision = engine.match(obj["text"], context=context)
            out.write(json.dumps(decision.as_dict(), ensure_ascii=False) + "\n")
        return status
    if args.text is None:
        print("match: give a text, or --jsonl to read JSON lines on stdin", file=sys.stderr)
        return 2
    out.write(json.dumps(engine.match(args.text, context=context).as_dict(),
                         ensure_ascii=False) + "\n")
    return 0


def _cmd_eval(engine: IntentEngine, args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            print(f"eval: cannot read {path}: {exc}", file=sys.stderr)
            return 2
        rows = []
        for lineno, obj, error in _read_jsonl(text.splitlines(), str(path)):
            if obj is None:
                print(f"eval: {error}", file=sys.stderr)
                return 2
            if not isinstance(obj.get("group"), str):
                print(f"eval: {path}:{lineno}: missing string 'group'", file=sys.stderr)
                return 2
            rows.append(obj)
        report = evaluate(engine, rows)
        if len(args.files) > 1:
            print(f"== {path}")
        print(format_report(report, show_errors=args.errors, matrix=args.matrix,
                            calibration=args.calibration))
    return status


def _cmd_train(args: argparse.Namespace) -> int:
    from intents.encoder import default_encoder
    from intents.model import DEFAULT_MODEL_PATH
    from intents.train import TrainError, train

    encoder = None if args.no_encoder else default_encoder()
    try:
        report = train(
            catalog_path=Path(args.catalog) if args.catalog else None,
            overrides_path=Path(args.overrides) if args.overrides else DEFAULT_OVERRIDES_PATH,
            out=Path(args.out) if args.out else DEFAULT_MODEL_PATH,
            encoder=encoder,
        )
    except (TrainError, CatalogError, OverrideError) as exc:
        print(f"train: {exc}", file=sys.stderr)
        return 2
    print(f"model {report.extra['version']} -> {report.model_path} "
          f"({report.model_path.stat().st_size / 1024:.0f} KB) in {report.seconds:.0f}s")
    print(f"rows {report.rows}: " + ", ".join(f"{k} {v}" for k, v in report.per_source.items()))
    sem = report.semantic_oof_accuracy
    print(f"held-back accuracy (intent): lexical {report.lexical_oof_accuracy:.4f}, semantic "
          f"{sem if sem is None else round(sem, 4)}, cascade {report.cascade_oof_accuracy:.4f}; "
          f"group {report.extra['cascade_group']:.4f}")
    t = report.thresholds
    print(f"thresholds: accept {t.accept}, clarify {t.clarify}, cascade {t.cascade} "
          f"(encoder on {report.encoder_share:.1%} of held-back messages)")
    print("calibration on held-back messages (intent level):")
    for band in report.calibration:
        print(f"  {band['low']:.2f}-{band['high']:.2f}  n={int(band['n']):5d}  "
              f"conf={band['mean_confidence']:.3f}  acc={band['accuracy']:.3f}")
    return 0


def _cmd_teach(engine: IntentEngine, args: argparse.Namespace) -> int:
    path = Path(args.overrides) if args.overrides else DEFAULT_OVERRIDES_PATH
    try:
        stored = teach(path, args.text, args.intent, engine.catalog)
    except OverrideError as exc:
        print(f"teach: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"text": stored.text, "intent": stored.intent, "file": str(path)},
                     ensure_ascii=False))
    return 0


def _cmd_info(engine: IntentEngine) -> int:
    model = engine.model
    if model is None:
        print("no fitted model: the hand-set scorer decides")
        return 0
    meta = model.meta
    accept, clarify = engine.thresholds
    print(f"model {model.version}: {len(model.intents)} intents, {len(model.vocab)} n-grams, "
          f"encoder {model.encoder or 'none'} (loaded: "
          f"{engine.encoder.name if engine.encoder else 'none'})")
    print(f"thresholds: accept {accept}, clarify {clarify}, cascade {model.thresholds.cascade}")
    print(f"trained on {meta.get('rows')} messages: {meta.get('rows_per_source')}")
    print(f"held-back accuracy: {meta.get('oof_accuracy')}")
    print("calibration on held-back messages (intent level):")
    for band in meta.get("calibration", []):
        print(f"  {band['low']:.2f}-{band['high']:.2f}  n={int(band['n']):5d}  "
              f"conf={band['mean_confidence']:.3f}  acc={band['accuracy']:.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intents",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--catalog", help="catalogue directory or YAML file (default: built in)")
    parser.add_argument("--model", help="model file (default: intents/data/model/...)")
    parser.add_argument("--overrides", help="the shop's override file (default: "
                        "intents/data/overrides.jsonl)")
    parser.add_argument("--no-encoder", action="store_true",
                        help="decide on lexical signals only")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    p_match = sub.add_parser("match", help="match one text, or JSON lines from stdin")
    p_match.add_argument("text", nargs="?")
    p_match.add_argument("--jsonl", action="store_true", help="read {'text': ...} lines on stdin")
    p_match.add_argument("--after", help="the chat's last accepted intent (a follow-up)")
    p_match.add_argument("--flow", help="the flow the chat is in (intent id or group)")
    p_eval = sub.add_parser("eval", help="scores per group and language on labelled JSONL files")
    p_eval.add_argument("files", nargs="+")
    p_eval.add_argument("--errors", action="store_true", help="also list misclassified lines")
    p_eval.add_argument("--matrix", action="store_true", help="print the confusion matrix")
    p_eval.add_argument("--calibration", action="store_true",
                        help="accuracy per confidence band")
    p_train = sub.add_parser("train", help="fit, calibrate and save the model")
    p_train.add_argument("--out", help="where to write the model (default: the built-in path)")
    p_teach = sub.add_parser("teach", help="add a labelled example to the override file")
    p_teach.add_argument("text")
    p_teach.add_argument("intent", help="intent id (returns.refund_progress) or one-intent group")
    sub.add_parser("info", help="the loaded model's version, thresholds and calibration")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command == "train":
        return _cmd_train(args)
    try:
        engine = IntentEngine.load(
            args.catalog, model_path=args.model, overrides_path=args.overrides,
            encoder=not args.no_encoder,
        )
    except (CatalogError, ModelError, OverrideError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.command == "match":
        return _cmd_match(engine, args)
    if args.command == "teach":
        return _cmd_teach(engine, args)
    if args.command == "info":
        return _cmd_info(engine)
    return _cmd_eval(engine, args)


if __name__ == "__main__":
    sys.exit(main())
