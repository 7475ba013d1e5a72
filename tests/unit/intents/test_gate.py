"""``intents.gate``: the literals every match of a pattern contains, and the gates the engine's
rules are skipped by. A gate must find something in every text where one of its patterns
matches — or a rule would stop firing where it fired before."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

import intents.engine  # noqa: F401  (builds the engine's gates)
from intents.gate import BUILT, OPEN, gate, needs
from intents.normalize import normalize

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"取消", {"取消"}),
        (r"(?:发|寄)到", {"发到", "寄到"}),
        (r"退回(?:去|来)?的?地址",  # (every spelling of a run of few)
         {"退回地址", "退回去地址", "退回来地址", "退回的地址", "退回去的地址", "退回来的地址"}),
        (r"退回.{0,3}地址", {"退回"}),  # (of two as telling, the first)
        (r"\bcancel\b|取消订单", {"cancel", "取消订单"}),
        (r"a+b", {"a"}),
        (r"(?:ab){1,}x?", {"ab"}),
        (r"[吗么没]", {"吗", "么", "没"}),
        (r"(?<!运费)到付", {"到付"}),
        (r"^(?:请问)?有人吗$", {"有人吗", "请问有人吗"}),
    ],
)
def test_needs_reads_the_literals_every_match_has(pattern: str, literals: set[str]) -> None:
    assert needs(re.compile(pattern)) == literals


@pytest.mark.parametrize(
    "pattern",
    [r".*", r"\w+", r"取消|\d+", r"(?:取消)?", r"[^a]", r"[\u4e00-\u9fff]{2}", r"x*"],
)
def test_needs_says_nothing_where_a_match_needs_no_literal(pattern: str) -> None:
    assert needs(re.compile(pattern)) is None


def test_a_pattern_without_literals_opens_its_gate() -> None:
    assert gate(re.compile("取消"), re.compile(r"\d+")) is OPEN
    assert OPEN.search("anything") is not None


def test_a_gate_finds_where_any_of_its_patterns_matches_and_nowhere_else_here() -> None:
    g = gate(re.compile(r"(?:发|寄)错了"), re.compile(r"\bwrong item\b"))
    assert g.search("怎么寄错了") and g.search("you sent the wrong item")
    assert g.search("发货了吗") is None and g.search("wrongly") is None


def test_a_case_insensitive_pattern_gets_a_case_insensitive_gate() -> None:
    g = gate(re.compile(r"\bcancel\b", re.IGNORECASE))
    assert g.search("Please CANCEL it")
    g = gate(re.compile(r"(?i:kf)\d"))
    assert g.search("KF1")


def _corpus_forms() -> list[str]:
    texts: set[str] = set()
    files = [*(ROOT / "tests/data").glob("intents_*.jsonl"),
             *(ROOT / "intents/data/train").glob("*.jsonl")]
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.add(json.loads(line)["text"])
    assert len(texts) > 5000
    forms = {t.lower() for t in texts} | {normalize(t) for t in texts}
    return sorted(forms)


def test_every_gate_of_the_engine_finds_where_its_patterns_match() -> None:
    """Every labelled and training text, as typed (lower-cased) and normalised: where a gated
    pattern matches, its gate finds, and the text holds one of the pattern's literals."""
    gates = [(g, ps) for g, ps in BUILT if g is not OPEN]
    assert len(gates) >= 9  # the engine's, features', the note's, paying's, buying's
    forms = _corpus_forms()
    matched = 0
    for g, patterns in gates:
        for pattern in patterns:
            literals = needs(pattern)
            assert literals is not None
            for text in forms:
                if pattern.search(text) is not None:
                    matched += 1
                    assert g.search(text) is not None, (g.pattern[:80], pattern.pattern, text)
                    if not pattern.flags & re.IGNORECASE:
                        assert any(s in text for s in literals), (pattern.pattern, text)
    assert matched > 1000  # (the corpus does exercise them)


def test_gates_hold_on_texts_built_from_their_own_literals() -> None:
    """Random texts made of the patterns' literals, pieces of them and other characters: more
    matches than the corpus has, each found by its gate."""
    rng = random.Random(12)
    pieces = [*"的了吗 是我你 ?a1", "退", "回", "发", "寄", "到", "the ", "my ", "order "]
    checked = 0
    for g, patterns in BUILT:
        for pattern in patterns:
            literals = sorted(needs(pattern) or ())
            words = pieces + literals + [s[: len(s) // 2] for s in literals if len(s) > 1]
            for _ in range(300):
                text = "".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
                if pattern.search(text) is not None:
                    checked += 1
                    assert g.search(text) is not None, (pattern.pattern, text)
    assert checked > 500
