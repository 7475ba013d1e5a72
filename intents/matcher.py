"""The lexical signals: keyword evidence, n-gram coverage and rapidfuzz similarity per intent.

For every intent three signals are computed from the normalised message:

* ``kw``  keyword evidence: the summed weights of the intent's keywords found in the message
  (leftmost-longest: a keyword inside a longer matched keyword does not count, so 还没发货
  does not also count as 发货);
* ``cov`` n-gram coverage: the idf-weighted share of the message's features (CJK character
  bigrams, English words) that occur in the intent's examples and keywords;
* ``fz``  fuzzy similarity: the best ``rapidfuzz.fuzz.ratio`` against the intent's examples,
  computed only for a shortlist of examples that share features with the message (an inverted
  index), with ``score_cutoff``.

The fitted model (``intents/model.py``) reads these signals with the message's n-grams and the
sentence encoder's vector; the engine (``intents/engine.py``) turns its probabilities into a
decision. ``IntentMatcher.heuristic_rank`` keeps the hand-set logistic function of the signals
that served before the model: the engine uses it only for a catalogue that has no fitted model
yet (a shop's own catalogue before its first ``python -m intents train``).
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from intents.catalog import FALLBACK_INTENT, Catalog, Intent
from intents.decision import Candidate, Decision, Outcome
from intents.normalize import core, is_cjk, normalize, strip_fillers

logger = logging.getLogger(__name__)

__all__ = ["Candidate", "Decision", "IntentMatcher", "MatcherConfig", "Outcome", "Signals"]


class MatcherConfig(BaseModel):
    """Settings of the engine, passed by the caller (the library reads no environment).

    The decision thresholds default to ``None``: the values the fitted model chose from its
    calibration. Set one to override it (a stricter shop, a test)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # None: the model's calibrated threshold (see docs/intents.md, "Calibration")
    accept_threshold: float | None = Field(default=None, ge=0, le=1)
    # in logits: log(p / (1 - p)) of the best minus that of the runner-up
    accept_margin: float = Field(default=1.0, ge=0, le=20)
    clarify_threshold: float | None = Field(default=None, ge=0, le=1)
    # the encoder runs only when the lexical head's best probability is below this; None: the
    # model's; 1.0 (or more) always runs it, 0.0 never does
    cascade_threshold: float | None = Field(default=None, ge=0, le=1.01)
    max_candidates: int = Field(default=3, ge=1, le=10)
    shortlist_size: int = Field(default=24, ge=1, le=500)
    fuzzy_cutoff: float = Field(default=40.0, ge=0, le=100)
    # English spelling slips: an unknown word this long is taken for the catalogue word one slip
    # away (a letter dropped, added or swapped with its neighbour; from spell_long_len letters
    # two edits of any kind)
    spell_min_len: int = Field(default=5, ge=3, le=50)
    spell_long_len: int = Field(default=8, ge=3, le=50)
    # a pair keyword's parts may be at most this many characters apart
    pair_window: int = Field(default=8, ge=0, le=100)
    # greetings and thanks wrapped around a question give way to the question (engine._unwrap)
    wrapper_groups: tuple[str, ...] = ("greeting", "thanks")
    # a bare acknowledgement (好的, 嗯嗯, 收到, ok) closes nothing and asks nothing: it falls
    # back to other.unknown; with a thanks or a goodbye (好的谢谢, 收到了谢谢) it is thanks
    acknowledgements: tuple[str, ...] = (
        "好", "好的", "好滴", "好哒", "好嘞", "好吧", "嗯", "嗯的", "哦", "噢", "喔", "行",
        "收到", "ok", "okay", "k", "kk", "嗯ok", "好ok",
    )
    # conversation context (engine.match(text, context=...)): how long the last topic counts
    context_max_age_s: float = Field(default=900.0, ge=0)
    context_max_turns: int = Field(default=4, ge=0)
    # how much likelier a fragment is to continue the chat's topic than to start another one
    context_prior: float = Field(default=4.0, ge=1.0, le=100.0)
    # hand-set logistic function of the signals, used only without a fitted model
    # confidence = sigmoid(bias + kw * K(kw) + cov * cov + fz * fz + rel * kw / best kw)
    coef_bias: float = -4.0
    coef_kw: float = 5.0
    coef_cov: float = 2.0
    coef_fz: float = 3.0
    coef_rel: float = 1.0
    kw_saturation: float = 1.2
    # used without a fitted model; a fitted model brings its own
    heuristic_accept_threshold: float = Field(default=0.55, ge=0, le=1)
    heuristic_clarify_threshold: float = Field(default=0.3, ge=0, le=1)


@dataclass(frozen=True, slots=True)
class Signals:
    """The raw per-intent signals (exposed for evaluation and calibration)."""

    kw: float
    cov: float
    fz: float


_LATIN = re.compile(r"[a-z]+")
_PAIR_SEP = re.compile(r"\s*(?:…|\.\.\.)\s*")
_STOPWORDS = frozenset(
    "a an the i you we it is are am be do does did my your me to of in on for and or can could "
    "will would this that there what how 0 so if with at".split()
)


# everyday English words the catalogue may lack; never "corrected" into a catalogue word
_COMMON_WORDS = frozenset(
    "whether weather about after again before being below between could every first found "
    "great house large later little might never other place right small sound still thing "
    "think three where which while world would write years there their these those through "
    "today tomorrow yesterday really actually maybe please thanks hello because since until "
    "without within someone something anything nothing everything people friend friends".split()
)


def _one_slip(word: str, target: str) -> bool:
    """One letter dropped or added, or two neighbours swapped - not one letter changed
    (broker/broken, skirt/shirt are different words)."""
    if Indel.distance(word, target) == 1:
        return True
    if len(word) != len(target):
        return False
    diff = [i for i in range(len(word)) if word[i] != target[i]]
    return (len(diff) == 2 and diff[1] == diff[0] + 1
            and word[diff[0]] == target[diff[1]] and word[diff[1]] == target[diff[0]])


def features(text: str) -> set[str]:
    """CJK character bigrams (a lone CJK character counts as itself) and English words."""
    out: set[str] = set()
    for token in text.split(" "):
        if not token:
            continue
        run: list[str] = []
        for ch in token + " ":
            if is_cjk(ch):
                run.append(ch)
                continue
            if run:
                if len(run) == 1:
                    out.add(run[0])
                else:
                    out.update(run[i] + run[i + 1] for i in range(len(run) - 1))
                run = []
        for word in _LATIN.findall(token):
            if word not in _STOPWORDS and len(word) > 1:
                out.add(word)
    return out


def _is_latin(ch: str) -> bool:
    return "a" <= ch <= "z"


def _default_weight(text: str) -> float:
    if any(_is_latin(c) for c in text) and not any(is_cjk(c) for c in text):
        return 1.0 if " " in text else 0.7
    n = sum(1 for c in text if not c.isspace())
    return 0.4 if n <= 1 else 0.7 if n == 2 else 1.0


class IntentMatcher:
    """Compiled catalogue; every method is pure and thread-safe."""

    def __init__(self, catalog: Catalog, config: MatcherConfig | None = None) -> None:
        self.catalog = catalog
        self.config = config or MatcherConfig()
        self.intents: list[Intent] = list(catalog.intents)
        self._index_of = {intent.id: i for i, intent in enumerate(self.intents)}
        self._other = self._index_of.get(FALLBACK_INTENT)
        self._wrappers = frozenset(
            i for i, intent in enumerate(self.intents) if intent.group in self.config.wrapper_groups
        )
        # Compared as typed (normalised) and as their core: core() drops fillers, which
        # would leave nothing of "ok" or "嗯嗯".
        acks = self.config.acknowledgements
        self._acknowledgements = frozenset(_compact(normalize(a)) for a in acks) | frozenset(
            _compact(core(a)) for a in acks if core(a)
        )

        # keywords: normalised text -> [(intent index, weight)]
        self._keywords: dict[str, list[tuple[int, float]]] = defaultdict(list)
        # pairs: "地址…改" - both parts, in this order, at most pair_window characters apart
        self._pairs: list[tuple[tuple[str, ...], int, float]] = []
        for i, intent in enumerate(self.intents):
            for kw in intent.keywords:
                if _PAIR_SEP.search(kw.text):
                    parts = tuple(normalize(p) for p in _PAIR_SEP.split(kw.text))
                    if len(parts) < 2 or not all(any(c.isalpha() for c in p) for p in parts):
                        logger.warning("intent %s: pair keyword %r ignored", intent.id, kw.text)
                        continue
                    weight = kw.weight if kw.weight is not None else 1.0
                    self._pairs.append((parts, i, weight))
                    continue
                text = normalize(kw.text)
                if not text or not any(c.isalpha() for c in text):
                    # a bare number normalises to "0" and would match every number
                    logger.warning("intent %s: keyword %r ignored (no letters)", intent.id, kw.text)
                    continue
                weight = kw.weight if kw.weight is not None else _default_weight(text)
                entries = self._keywords[text]
                if all(idx != i for idx, _ in entries):
                    entries.append((i, weight))
        self._kw_maxlen = max((len(k) for k in self._keywords), default=1)
        self.wrapper_chars = frozenset(
            ch
            for sub, pairs in self._keywords.items()
            if all(i in self._wrappers for i, _ in pairs)
            for ch in sub
        )
        """Every character of a keyword that only greetings and thanks have: all that
        ``without_wrappers`` can cut from a text."""

        # examples and features
        self._examples: list[str] = []
        self._example_intent: list[int] = []
        self._example_feats: list[set[str]] = []
        vocab: list[set[str]] = [set() for _ in self.intents]
        for i, intent in enumerate(self.intents):
            for example in intent.examples.all():
                text = core(example)
                if not text:
                    continue
                feats = features(text)
                self._examples.append(text)
                self._example_intent.append(i)
                self._example_feats.append(feats)
                vocab[i] |= feats
            for kw in intent.keywords:
                for part in _PAIR_SEP.split(kw.text):
                    vocab[i] |= features(strip_fillers(normalize(part)))
        n_intents = len(self.intents)
        doc_freq: dict[str, int] = defaultdict(int)
        for feats in vocab:
            for f in feats:
                doc_freq[f] += 1
        self._idf_unknown = math.log(n_intents + 1.0) + 1.0
        self._idf = {
            f: math.log((n_intents + 1.0) / (df + 0.5)) + 0.3 for f, df in doc_freq.items()
        }
        self._vocab_intents: dict[str, list[int]] = defaultdict(list)
        for i, feats in enumerate(vocab):
            for f in feats:
                self._vocab_intents[f].append(i)
        self._postings: dict[str, list[int]] = defaultdict(list)
        for e, feats in enumerate(self._example_feats):
            for f in feats:
                self._postings[f].append(e)
        self._latin_vocab = sorted(
            {f for f in self._idf if f.isascii() and f.isalpha() and len(f) >= 4}
            | {k for k in self._keywords if k.isascii() and k.isalpha() and len(k) >= 4}
        )
        self._spell_cache: dict[str, str] = {}
        self._example_norm = [
            math.sqrt(sum(self._idf[f] ** 2 for f in feats)) or 1.0 for feats in self._example_feats
        ]

    # ------------------------------------------------------------------ signals

    def _keyword_spans(self, text: str) -> list[tuple[int, int, str]]:
        """Leftmost-longest keyword matches (a match inside a longer one is dropped)."""
        n = len(text)
        if not n:
            return []
        kws = self._keywords
        spans: list[tuple[int, int, str]] = []
        maxlen = self._kw_maxlen
        for start in range(n):
            first = text[start]
            if first == " ":
                continue
            if _is_latin(first) and start > 0 and _is_latin(text[start - 1]):
                continue  # English keywords start at a word boundary
            for length in range(min(maxlen, n - start), 0, -1):
                sub = text[start:start + length]
                if sub in kws:
                    end = start + length
                    if _is_latin(sub[-1]) and end < n and _is_latin(text[end]):
                        continue
                    spans.append((start, end, sub))
        if not spans:
            return []
        kept: list[tuple[int, int, str]] = []
        for span in sorted(spans, key=lambda s: s[0] - s[1]):  # longest first
            s, e, _ = span
            if any(ks <= s and e <= ke for ks, ke, _ in kept):
                continue
            kept.append(span)
        return kept

    def _pair_hits(self, text: str) -> list[tuple[int, float, list[tuple[int, int]]]]:
        """Pair keywords found in the text: (intent index, weight, the parts' spans)."""
        hits = []
        window = self.config.pair_window
        for parts, idx, weight in self._pairs:
            start = text.find(parts[0])
            while start >= 0:
                spans = [(start, start + len(parts[0]))]
                for part in parts[1:]:
                    end = spans[-1][1]
                    at = text.find(part, end, end + window + len(part))
                    if at < 0:
                        break
                    spans.append((at, at + len(part)))
                if len(spans) == len(parts):
                    hits.append((idx, weight, spans))
                    break
                start = text.find(parts[0], start + 1)
        return hits

    def _keyword_scores(self, text: str) -> dict[int, float]:
        """Summed keyword weights per intent. Two overlapping keywords of one intent (跟图片不 and
        图片不一样 in 跟图片不一样) are one piece of evidence: only the longer one counts. A pair
        keyword (退…邮费) is read like the contiguous phrase: a keyword inside one of its parts
        (邮费) does not count on its own."""
        scores: dict[int, float] = defaultdict(float)
        counted: dict[int, list[tuple[int, int]]] = defaultdict(list)
        parts: list[tuple[int, int]] = []
        if self._pairs:
            for idx, weight, spans in self._pair_hits(text):
                scores[idx] += weight
                parts.extend(spans)
        for start, end, sub in self._keyword_spans(text):  # longest first
            if any(ps <= start and end <= pe for ps, pe in parts):
                continue
            for idx, weight in self._keywords[sub]:
                spans = counted[idx]
                if any(start < e and s < end for s, e in spans):
                    continue
                spans.append((start, end))
                scores[idx] += weight
        return scores

    def signals(self, text: str) -> tuple[dict[int, Signals], str]:
        """Per-intent signals for a message (only intents with any evidence) and its core form."""
        return self._signals(normalize(text))

    def spell(self, norm: str) -> str:
        """A normalised text with English spelling slips corrected (``refudn`` -> ``refund``)."""
        return self._spell(norm)

    def analyse(self, norm: str) -> tuple[str, dict[int, Signals]]:
        """For a normalised text: the text with English spelling slips corrected, and the
        per-intent signals (only intents with any evidence)."""
        spelled = self._spell(norm)
        sig, _ = self._signals(spelled, spelled=True)
        return spelled, sig

    def _spell(self, norm: str) -> str:
        """English words the catalogue has never seen, corrected to a catalogue word one slip
        away (``refudn`` -> ``refund``, ``damagd`` -> ``damag``); other text is unchanged."""
        if not self._latin_vocab or not _LATIN.search(norm):
            return norm
        changed = False
        out = []
        for token in norm.split(" "):
            if (len(token) >= self.config.spell_min_len and token.isascii() and token.isalpha()
                    and token not in self._idf and token not in self._keywords
                    and token not in _COMMON_WORDS):
                fixed = self._spell_cache.get(token)
                if fixed is None:
                    hit = process.extractOne(
                        token, self._latin_vocab, scorer=OSA.distance,
                        score_cutoff=1 if len(token) < self.config.spell_long_len else 2,
                    )
                    fixed = token
                    if hit is not None and hit[0][0] == token[0] and (
                        len(token) >= self.config.spell_long_len or _one_slip(token, hit[0])
                    ):
                        fixed = hit[0]
                    if len(self._spell_cache) < 20000:
                        self._spell_cache[token] = fixed
                if fixed != token:
                    changed = True
                    token = fixed
            out.append(token)
        return " ".join(out) if changed else norm

    def _signals(self, norm: str, spelled: bool = False) -> tuple[dict[int, Signals], str]:
        if not spelled:
            norm = self._spell(norm)
        body = strip_fillers(norm)
        kw = self._keyword_scores(norm)
        feats = features(body)

        cov: dict[int, float] = defaultdict(float)
        total = 0.0
        example_overlap: dict[int, float] = defaultdict(float)
        for f in feats:
            idf = self._idf.get(f)
            if idf is None:
                total += self._idf_unknown
                continue
            total += idf
            for i in self._vocab_intents[f]:
                cov[i] += idf
            w = idf * idf
            for e in self._postings[f]:
                example_overlap[e] += w
        if total:
            for i in cov:
                cov[i] /= total

        fz: dict[int, float] = defaultdict(float)
        if example_overlap and body:
            qnorm = math.sqrt(sum(self._idf.get(f, self._idf_unknown) ** 2 for f in feats)) or 1.0
            ranked = sorted(
                example_overlap.items(),
                key=lambda item: item[1] / self._example_norm[item[0]],
                reverse=True,
            )[: self.config.shortlist_size]
            cutoff = self.config.fuzzy_cutoff
            for e, overlap in ranked:
                i = self._example_intent[e]
                ratio = fuzz.ratio(body, self._examples[e], score_cutoff=cutoff) / 100.0
                cosine = overlap / (qnorm * self._example_norm[e])
                score = max(ratio, cosine)
                if score > fz[i]:
                    fz[i] = score

        out: dict[int, Signals] = {}
        for i in set(kw) | set(cov) | set(fz):
            out[i] = Signals(kw=kw.get(i, 0.0), cov=cov.get(i, 0.0), fz=fz.get(i, 0.0))
        return out, body

    def heuristic_confidence(self, s: Signals, best_kw: float) -> float:
        """The hand-set logistic function of the signals (only without a fitted model)."""
        c = self.config
        k = 1.0 - math.exp(-c.kw_saturation * s.kw)
        rel = s.kw / best_kw if best_kw > 0 else 0.0
        z = c.coef_bias + c.coef_kw * k + c.coef_cov * s.cov + c.coef_fz * s.fz + c.coef_rel * rel
        return 1.0 / (1.0 + math.exp(-z))

    def heuristic_rank(self, sig: dict[int, Signals]) -> list[tuple[int, float]]:
        """All intents with evidence, as (intent index, confidence), best first."""
        if not sig:
            return []
        best_kw = max(s.kw for s in sig.values())
        ranked = [(i, self.heuristic_confidence(s, best_kw)) for i, s in sig.items()]
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked

    def without_wrappers(self, norm: str) -> str:
        """The normalised text with the keywords of greetings and thanks cut out
        ("在吗 拍了多久发" -> "拍了多久发")."""
        chars = list(norm)
        for start, end, sub in self._keyword_spans(norm):
            if all(i in self._wrappers for i, _ in self._keywords[sub]):
                chars[start:end] = " " * (end - start)
        return " ".join("".join(chars).split())

    def is_acknowledgement(self, norm: str, bare: str | None = None) -> bool:
        """The whole message (its normalised form) is a listed bare acknowledgement (好的, 嗯嗯,
        ok). ``bare``: ``strip_fillers(norm)``, when the caller has it already."""
        plain = _compact(norm)
        if bare is None:
            bare = strip_fillers(norm)
        return bool(plain) and (
            plain in self._acknowledgements or _compact(bare) in self._acknowledgements
        )

    def keyword_intents(self, norm: str) -> dict[int, float]:
        """Keyword evidence per intent index for an already normalised text."""
        return self._keyword_scores(self._spell(norm))


def _compact(text: str) -> str:
    return text.replace(" ", "")
