"""Command line: ``python -m intents match "text"``, ``match --jsonl``, ``eval FILE.jsonl``.

``match`` prints one JSON object per message:
``{"intent", "group", "confidence", "outcome", "candidates", "slots"}``.
``eval`` reads JSON lines with ``text`` and ``group`` and prints per-group precision, recall and
F1, the confusion matrix (rows: expected, columns: predicted) and overall accuracy. A fallback
counts as ``other``, a clarify as its best candidate's group.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from intents import GROUPS, CatalogError, IntentEngine

logger = logging.getLogger(__name__)


@dataclass
class EvalReport:
    groups: list[str]
    confusion: dict[str, dict[str, int]]
    total: int
    correct: int
    per_group: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def evaluate(engine: IntentEngine, rows: Iterable[dict]) -> EvalReport:
    """Score the engine on labelled rows (``text``, ``group``)."""
    groups = list(GROUPS)
    confusion = {g: dict.fromkeys(groups, 0) for g in groups}
    total = correct = 0
    errors: list[tuple[str, str, str, str]] = []
    for row in rows:
        expected = str(row["group"])
        if expected not in confusion:
            groups.append(expected)
            confusion[expected] = {}
            for g in groups:
                confusion[g].setdefault(expected, 0)
                confusion[expected].setdefault(g, 0)
        d = engine.match(str(row["text"]))
        predicted = d.group
        confusion[expected][predicted] = confusion[expected].get(predicted, 0) + 1
        total += 1
        if predicted == expected:
            correct += 1
        else:
            errors.append((str(row["text"]), expected, d.intent, d.outcome))
    report = EvalReport(groups=groups, confusion=confusion, total=total, correct=correct,
                        errors=errors)
    for g in groups:
        tp = confusion[g].get(g, 0)
        support = sum(confusion[g].values())
        predicted = sum(confusion[e].get(g, 0) for e in groups)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.per_group[g] = (precision, recall, f1, support)
    return report


def format_report(report: EvalReport, show_errors: bool = False) -> str:
    lines = [f"{'group':<10} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}"]
    for g in report.groups:
        p, r, f, n = report.per_group[g]
        if n == 0 and not any(report.confusion[e].get(g) for e in report.groups):
            continue
        lines.append(f"{g:<10} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    lines.append("")
    lines.append("confusion matrix (rows: expected, columns: predicted)")
    short = [g[:5] for g in report.groups]
    lines.append(" " * 10 + " ".join(f"{s:>5}" for s in short))
    for g in report.groups:
        lines.append(f"{g:<10}" + " ".join(f"{report.confusion[g].get(c, 0):5d}"
                                          for c in report.groups))
    lines.append("")
    lines.append(f"accuracy {report.accuracy:.4f} ({report.correct}/{report.total})")
    if show_errors and report.errors:
        lines.append("")
        lines.append("misclassified (text | expected | predicted intent | outcome)")
        for text, expected, intent, outcome in report.errors:
            lines.append(f"{text} | {expected} | {intent} | {outcome}")
    return "\n".join(lines)


def _read_jsonl(stream: Iterable[str], source: str) -> Iterable[tuple[int, dict | None, str]]:
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


def _cmd_match(engine: IntentEngine, args: argparse.Namespace) -> int:
    out = sys.stdout
    if args.jsonl:
        status = 0
        for _, obj, error in _read_jsonl(sys.stdin, "<stdin>"):
            if obj is None:
                out.write(json.dumps({"error": error}, ensure_ascii=False) + "\n")
                status = 1
                continue
            out.write(json.dumps(engine.match(obj["text"]).as_dict(), ensure_ascii=False) + "\n")
        return status
    if args.text is None:
        print("match: give a text, or --jsonl to read JSON lines on stdin", file=sys.stderr)
        return 2
    out.write(json.dumps(engine.match(args.text).as_dict(), ensure_ascii=False) + "\n")
    return 0


def _cmd_eval(engine: IntentEngine, args: argparse.Namespace) -> int:
    path = Path(args.file)
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
    print(format_report(report, show_errors=args.errors))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intents", description=__doc__.split("\n")[0])
    parser.add_argument("--catalog", help="catalogue directory or YAML file (default: built in)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    p_match = sub.add_parser("match", help="match one text, or JSON lines from stdin")
    p_match.add_argument("text", nargs="?")
    p_match.add_argument("--jsonl", action="store_true", help="read {'text': ...} lines on stdin")
    p_eval = sub.add_parser("eval", help="precision/recall/F1 per group on a labelled JSONL file")
    p_eval.add_argument("file")
    p_eval.add_argument("--errors", action="store_true", help="also list misclassified lines")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        engine = IntentEngine.load(args.catalog)
    except CatalogError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.command == "match":
        return _cmd_match(engine, args)
    return _cmd_eval(engine, args)


if __name__ == "__main__":
    sys.exit(main())
