"""Which rules can fire on a text, told before they run: the literals a pattern's every match
contains, read from the pattern itself.

A rule of the engine (``intents.engine``: ``_order_job``, the helpers of the ``_reread``
chain, ``features.cues``) fires only where some pattern of it matches. ``needs(pattern)`` reads
the compiled pattern's parse tree (Python's own ``re._parser``) and gives a set of literal
strings such that *every* match of the pattern contains one of them, or None where it cannot
say (a pattern that can match without any literal of its own: ``.*``, ``\\w+``, a class of many
characters). ``gate(*patterns)`` joins the literals of several patterns into one pattern (their
common prefixes shared): where it finds nothing in a text, none of them can match it — so a
rule whose patterns all need one of its literals can be skipped, with the same result, after
one search instead of several (and without touching the skipped patterns' code: a smaller
working set inside a turn).

Sound by construction, not by sampling: only literals that a match must consume are taken
(adjacent items of a few fixed spellings as one string, "(?:发|寄)到" as 发到 or 寄到; a repeat
only where it must run once; every branch of an alternation must give some; look-arounds,
anchors and back-references consume nothing and give nothing). A gate of case-insensitive
patterns is case-insensitive itself, with the same literals. ``tests/unit/intents/test_gate.py``
checks it against every labelled text as well.
"""

from __future__ import annotations

import re
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_MAX_CLASS = 64
"""A character class of more characters than this gives no literal (``[\u4e00-\u9fff]``)."""
_MAX_SPELLINGS = 256
"""The most strings kept for what a run of items can consume."""

Literals = frozenset[str]


def needs(pattern: re.Pattern[str]) -> Literals | None:
    """Literal strings one of which every match of ``pattern`` contains, or None."""
    return _of_sequence(list(sre_parse.parse(pattern.pattern, pattern.flags)))


OPEN = re.compile("")
"""The gate of patterns that need no literal: it finds (an empty match) in every text."""


BUILT: list[tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]] = []
"""Every gate built, with the patterns behind it (the tests check each against the corpus)."""


def gate(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern that finds something in every text where any of ``patterns`` matches —
    where it finds nothing, none of them can match. ``OPEN`` (finds in every text: nothing is
    skipped) when some pattern needs no literal."""
    literals: set[str] = set()
    for pattern in patterns:
        found = needs(pattern)
        if found is None:
            BUILT.append((OPEN, patterns))
            return OPEN
        literals |= found
    # (a longer literal containing a shorter one adds nothing to where the gate finds)
    kept = [s for s in literals if not any(t != s and t in s for t in literals)]
    flags = re.IGNORECASE if any(_ignores_case(p) for p in patterns) else 0
    built = re.compile(_alternation(_trie(kept)), flags)
    BUILT.append((built, patterns))
    return built


def _ignores_case(pattern: re.Pattern[str]) -> bool:
    """Case-insensitive anywhere (its flags, or ``(?i:…)`` inside): the gate is too, so that
    it finds every text the pattern's own literals match (and maybe more: still sound)."""
    return bool(pattern.flags & re.IGNORECASE) or _INLINE_I.search(pattern.pattern) is not None


_INLINE_I = re.compile(r"\(\?[aiLmsux-]*i")  # ("(?i:", "(?ai)": found too often is safe)


Trie = dict[str, "Trie"]


def _trie(literals: list[str]) -> Trie:
    root: Trie = {}
    for literal in literals:
        node = root
        for ch in literal:
            node = node.setdefault(ch, {})
    return root


def _alternation(node: Trie) -> str:
    """The literals as one pattern sharing their prefixes ("发到|发去" -> "发[到去]"): one
    alternative per first character, where a flat alternation of hundreds of literals would try
    each at every place. (No literal is a prefix of another: every inner node goes on.)"""
    leaves = sorted(ch for ch, child in node.items() if not child)
    parts = [re.escape(ch) + _alternation(child) for ch, child in sorted(node.items()) if child]
    if leaves:
        parts.append(re.escape(leaves[0]) if len(leaves) == 1 else
                     "[" + "".join(re.escape(ch) for ch in leaves) + "]")
    if len(parts) == 1:
        return parts[0]
    return "(?:" + "|".join(parts) + ")"


def _best(candidates: list[Literals]) -> Literals | None:
    """The most telling of several sets any one of which every match needs: the longest
    shortest literal, then the fewest literals."""
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(s) for s in c), -len(c)))


def _of_sequence(items: list[tuple[Any, Any]]) -> Literals | None:
    """Every match of a sequence contains what one of its items needs, and the strings that
    consecutive items of a few fixed spellings match one after the other ("(?:发|寄)到" needs
    发到 or 寄到: zero-width items between them consume nothing)."""
    candidates: list[Literals] = []
    run: set[str] = {""}

    def flush() -> None:
        if "" not in run:
            candidates.append(frozenset(run))

    for op, av in items:
        exact = _exact(op, av)
        if exact is not None and len(run) * len(exact) <= _MAX_SPELLINGS:
            run = {a + b for a in run for b in exact}
            continue
        flush()
        run = set(exact) if exact is not None else {""}
        found = _of_item(op, av)
        if found is not None:
            candidates.append(found)
    flush()
    return _best(candidates)


def _exact(op: Any, av: Any) -> set[str] | None:
    """Every string an item can consume, where they are few; None otherwise."""
    if op is sre_c.LITERAL:
        return {chr(av)}
    if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
        return {""}  # zero-width: consumes nothing
    if op is sre_c.IN:
        chars = _of_class(av)
        return set(chars) if chars is not None else None
    if op is sre_c.SUBPATTERN:
        return _exact_sequence(list(av[3]))
    if op is sre_c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _exact_sequence(list(branch))
            if found is None:
                return None
            union |= found
        return union if len(union) <= _MAX_SPELLINGS else None
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
        low, high, body = av
        if high > 3:  # (MAXREPEAT, the unbounded, is far above)
            return None
        once = _exact_sequence(list(body))
        if once is None:
            return None
        spellings: set[str] = set()
        times: set[str] = {""}
        for count in range(high + 1):
            if count >= low:
                spellings |= times
            if count < high:
                times = {a + b for a in times for b in once}
                if len(times) > _MAX_SPELLINGS:
                    return None
        return spellings if len(spellings) <= _MAX_SPELLINGS else None
    return None


def _exact_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    run: set[str] = {""}
    for op, av in items:
        exact = _exact(op, av)
        if exact is None or len(run) * len(exact) > _MAX_SPELLINGS:
            return None
        run = {a + b for a in run for b in exact}
    return run


def _of_item(op: Any, av: Any) -> Literals | None:
    if op is sre_c.SUBPATTERN:
        return _of_sequence(list(av[3]))
    if op is sre_c.ATOMIC_GROUP:
        return _of_sequence(list(av))
    if op is sre_c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _of_sequence(list(branch))
            if found is None:
                return None  # a branch that needs no literal: the whole alternation needs none
            union |= found
        return frozenset(union)
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
        low, _high, body = av
        return _of_sequence(list(body)) if low >= 1 else None
    if op is sre_c.IN:
        return _of_class(av)
    # ANY, NOT_LITERAL, AT, ASSERT, ASSERT_NOT, GROUPREF, GROUPREF_EXISTS, CATEGORY…: nothing
    return None


def _of_class(items: list[tuple[Any, Any]]) -> Literals | None:
    chars: set[str] = set()
    for op, av in items:
        if op is sre_c.LITERAL:
            chars.add(chr(av))
        elif op is sre_c.RANGE:
            low, high = av
            if high - low >= _MAX_CLASS:
                return None
            chars.update(chr(c) for c in range(low, high + 1))
        else:  # NEGATE, CATEGORY (\d, \w, \s), anything else: no finite set of characters
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars) if chars else None
