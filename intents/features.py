"""What the fitted model sees of a message: n-grams, the lexical signals per intent, slot flags.

``ngrams(norm)`` lists the sparse features of a normalised message:

* CJK character unigrams and bigrams, and the first and last character of the message marked
  (``<在``, ``码>``), so a greeting in front and a question particle at the end are visible;
* English words (already lightly stemmed by ``normalize``), word bigrams, and character trigrams of
  words of four letters or more (``#ref``, ``efu``, ``und#``), which survive a typo;
* the digit placeholder ``0`` as a word.

``dense(signals, slots, raw)`` is the dense block: for every catalogue intent the matcher's keyword
evidence (saturated), keyword evidence relative to the best intent, n-gram coverage and fuzzy
similarity; then which slots the message carries (a bare height and weight, a size label, a
colour ...) and its shape (length, English only, a question mark).

Both are pure functions of the text and the catalogue, used the same way when training and when
matching.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from intents.matcher import Signals
from intents.normalize import is_cjk
from intents.slots import Slots

SLOT_FLAGS: tuple[str, ...] = (
    "order_no", "phone_last4", "height_cm", "weight_kg", "size", "color", "region", "quantity",
    "fit",
)
SHAPE_NAMES: tuple[str, ...] = (
    "len_log", "english_only", "question_mark", "exclamation", "body_pair", "short",
)
SIGNAL_NAMES: tuple[str, ...] = ("kw", "rel", "cov", "fz")
KW_SATURATION = 1.2


def ngrams(norm: str) -> list[str]:
    """Sparse features of a normalised message (see the module doc); repeated ones repeat."""
    out: list[str] = []
    compact = norm.replace(" ", "")
    if compact:
        first, last = compact[0], compact[-1]
        if is_cjk(first):
            out.append("<" + first)
        if is_cjk(last):
            out.append(last + ">")
    for token in norm.split(" "):
        if not token:
            continue
        run: list[str] = []
        word = ""
        for ch in token + " ":
            if is_cjk(ch):
                if word:
                    _latin(word, out)
                    word = ""
                run.append(ch)
                continue
            if run:
                out.extend(run)
                out.extend(run[i] + run[i + 1] for i in range(len(run) - 1))
                run = []
            if ch != " ":
                word += ch
            elif word:
                _latin(word, out)
                word = ""
    words = [w for w in norm.split(" ") if w and w.isascii() and w.isalpha()]
    out.extend(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    return out


def _latin(word: str, out: list[str]) -> None:
    out.append(word)
    if len(word) >= 4 and word.isalpha():
        padded = f"#{word}#"
        out.extend("~" + padded[i:i + 3] for i in range(len(padded) - 2))


def dense_names(intent_ids: Iterable[str]) -> list[str]:
    names = [f"{sig}:{i}" for i in intent_ids for sig in SIGNAL_NAMES]
    names += [f"slot:{s}" for s in SLOT_FLAGS]
    names += [f"shape:{s}" for s in SHAPE_NAMES]
    return names


def dense(n_intents: int, signals: Mapping[int, Signals], slots: Slots, raw: str) -> list[float]:
    """The dense block in the order of :func:`dense_names`."""
    row = [0.0] * (len(SIGNAL_NAMES) * n_intents)
    best_kw = max((s.kw for s in signals.values()), default=0.0)
    for i, s in signals.items():
        base = i * len(SIGNAL_NAMES)
        row[base] = 1.0 - math.exp(-KW_SATURATION * s.kw)
        row[base + 1] = s.kw / best_kw if best_kw > 0 else 0.0
        row[base + 2] = s.cov
        row[base + 3] = s.fz
    row += [1.0 if getattr(slots, name) is not None else 0.0 for name in SLOT_FLAGS]
    text = raw.strip()
    chars = len(text.replace(" ", ""))
    english = bool(text) and text.isascii()
    row += [
        math.log1p(chars),
        1.0 if english else 0.0,
        1.0 if ("?" in text or "？" in text) else 0.0,
        1.0 if ("!" in text or "！" in text) else 0.0,
        1.0 if slots.height_cm is not None and slots.weight_kg is not None else 0.0,
        1.0 if chars <= 6 else 0.0,
    ]
    return row
