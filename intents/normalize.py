"""Text normalisation shared by the catalogue and incoming messages.

Two layers:

``prepare(text)``
    Truncate to ``MAX_CHARS``, NFKC (full-width -> half-width and other compatibility forms),
    traditional -> simplified Chinese with OpenCC ``t2s``, case folding. Punctuation is kept, so
    slot extraction (``1.6m``, ``KF 2026 0001``) reads this form.

``normalize(text)``
    ``prepare`` plus: everything that is not a CJK character, a latin letter or a digit (emoji,
    punctuation, symbols) becomes a space; runs of one repeated CJK character collapse to one
    (``谢谢谢`` -> ``谢``), runs of 3+ latin letters to two (``soooo`` -> ``soo``); digit runs
    become ``0`` (``160`` and ``165`` look the same to the matcher); latin words are lightly
    stemmed (``shipped`` -> ``ship``). Used for keywords.

``core(text)``
    ``normalize`` plus dropping filler particles (亲 呢 吗 啊 哈 ...) and English filler words.
    Used for the fuzzy comparison and the n-gram features.

The same functions are applied to catalogue examples, keywords and incoming text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc  # type: ignore[import-untyped, unused-ignore]

from intents.variants import PINYIN, apply_variants

MAX_CHARS = 512
"""Only the first MAX_CHARS characters of a message are considered (a customer question is short;
this keeps a 100 KB paste as cheap as a normal message)."""

_CC = opencc.OpenCC("t2s")


def _load_traditional_chars() -> frozenset[str]:
    """Characters of which a text must hold one for OpenCC t2s to change it; text without any
    of them skips the conversion (37 µs for a message with 么 in it).

    Every character the character table changes, and for a phrase the table changes, one of its
    characters: a phrase is only matched where all of its characters are, so one witness is
    enough. A phrase or character the tables map to itself changes nothing (怎么 and 什么 are
    left alone: 么 is in the table only inside the phrase 么麼, whose 麼 is the witness)."""
    base = Path(opencc.__file__).parent / "dictionary"
    changed: dict[str, str] = {}
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        path = base / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            value = values.split(" ")[0]  # OpenCC takes the first of several
            if key and value != key:
                changed[key] = value
    chars = {key for key in changed if len(key) == 1}
    for key, value in changed.items():
        if len(key) > 1 and chars.isdisjoint(key):
            # the first character the phrase changes, or any (its length changes)
            same_length = len(key) == len(value)
            chars.add(next((k for k, v in zip(key, value, strict=True) if k != v), key[0])
                      if same_length else key[0])
    return frozenset(chars)


_TRAD = _load_traditional_chars()


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s); a no-op fast path for simplified text."""
    if not _TRAD or _TRAD.isdisjoint(text):
        return text
    return str(_CC.convert(text))


_LAST_PREPARED: tuple[str, str] = ("", "")
"""The last text prepared and its result: the engine prepares each message twice (for its
slots and for its matching form), and one pair (replaced whole) is safe across threads."""


def prepare(text: str) -> str:
    """Truncate, NFKC, traditional -> simplified, casefold. Punctuation is kept."""
    global _LAST_PREPARED
    if not text:
        return ""
    last = _LAST_PREPARED
    if text == last[0]:
        return last[1]
    prepared = to_simplified(unicodedata.normalize("NFKC", text[:MAX_CHARS])).casefold()
    _LAST_PREPARED = (text, prepared)
    return prepared


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2EBEF
        or 0xF900 <= o <= 0xFAFF
    )


def cjk_count(text: str) -> int:
    """How many characters of ``text`` are CJK (``is_cjk``)."""
    return len(_CJK_CHAR.findall(text))


def cjk_chars(text: str) -> list[str]:
    """The CJK characters of ``text``, in order."""
    return _CJK_CHAR.findall(text)


# Anything that is not CJK, a-z or a digit turns into a space.
_KEEP = re.compile(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_CJK_REPEAT = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff])\1+")
_LATIN_REPEAT = re.compile(r"([a-z])\1{2,}")
_LATIN_WORD = re.compile(r"([a-z]+)")  # split by it: the words at odd places

# Filler particles and interjections customers sprinkle in; they carry no intent.
FILLER_CHARS = frozenset("亲呢吗啊哈呀哦噢喔嘛啦吧呐哇嗯呃诶欸哎唉滴撒捏咯哟")
FILLER_WORDS = frozenset(
    {"um", "umm", "uh", "erm", "lol", "haha", "pls", "plz", "please", "pleas", "dear", "ok", "okay"}
)

_NO_FILLER_CHARS = str.maketrans(dict.fromkeys(FILLER_CHARS))
# one CJK character, as ``is_cjk`` tells it: counting by a regex is a C loop, not a call per char
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")

_NO_STEM = frozenset({"ss", "us", "is", "was", "has", "yes", "this", "bus", "plus", "does"})


@lru_cache(maxsize=8192)  # a customer's English words repeat from message to message
def stem(word: str) -> str:
    """A deliberately tiny English stemmer: plural and -ed/-ing endings, then a final -e."""
    word = _strip_suffix(word)
    if len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]  # arrive / arrived -> arriv, size / sizes -> siz
    return word


def _strip_suffix(word: str) -> str:
    if len(word) <= 3 or word in _NO_STEM:
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""),
                         ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word.endswith(("xes", "sses", "ches", "shes")):
                continue  # "sizes" -> "size" via the "s" rule below, "boxes" -> "box" here
            if suffix == "s" and word.endswith("ss"):
                return word
            base = word[: len(word) - len(suffix)] + repl
            # shipped -> shipp -> ship
            if suffix in ("ing", "ed") and len(base) >= 4 and base[-1] == base[-2] \
                    and base[-1] not in "lsz":
                base = base[:-1]
            return base
    return word


def _stem_words(text: str) -> str:
    """Every latin word stemmed, but a pinyin word left in a run that is not wholly pinyin: that
    is not English (zenme, haode). (A split and a list: cheaper than a sub calling back for
    each word.)"""
    parts = _LATIN_WORD.split(text)
    if len(parts) == 1:
        return text
    parts[1::2] = [word if word in PINYIN else stem(word) for word in parts[1::2]]
    return "".join(parts)


def _normalize_text(text: str) -> str:
    text = apply_variants(prepare(text))
    text = _KEEP.sub(" ", text)
    text = _DIGITS.sub("0", text)
    text = _CJK_REPEAT.sub(r"\1", text)
    text = _LATIN_REPEAT.sub(r"\1\1", text)
    text = _stem_words(text)
    return " ".join(text.split())  # only spaces are left: the same as collapsing \s+


def normalize(text: str) -> str:
    """The matching form of a text (see module doc). Always returns a str, possibly empty."""
    if not text:
        return ""
    return _normalize_text(text)


def strip_fillers(normalized: str) -> str:
    """Drop filler particles and filler words from an already normalised text."""
    out = []
    for token in normalized.split(" "):
        if not token or token in FILLER_WORDS:
            continue
        # filler characters are all CJK: a latin token or digit comes out as it went in
        token = token.translate(_NO_FILLER_CHARS)
        if token:
            out.append(token)
    return " ".join(out)


def core(text: str) -> str:
    """``normalize`` without filler particles: the form compared by the fuzzy scorer."""
    return strip_fillers(normalize(text))
