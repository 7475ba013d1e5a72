"""The product catalogue, held in memory by each worker: what ``products.search``,
``products.categories`` and the static half of ``products.get`` answer from.

Why in memory: searching used to load every product and variant through the async ORM and
decode every size chart, per call (9.6 ms p50, most of the worker's CPU under load). The
catalogue is small (hundreds of products) and changes rarely; names, aliases and charts are
normalised and validated once per load instead.

When it reloads: the database keeps a counter, ``catalogue_state.version``, that triggers bump
on every change to ``products`` — from any writer: the seed, a migration, an admin's SQL (see
migration 0002). ``products.get`` reads the counter in the same transaction as the variants
it needs anyway; ``products.search`` reads it at most once per
``catalogue_check_interval_s`` (default 1 s), so a renamed product is found by its new name
within a second on every worker. Stock lives in ``variants`` and is read per ``products.get``,
never cached.

How it matches (``Catalogue.search``), on texts normalised once (NFKC, traditional to
simplified Chinese, case folded, punctuation to spaces): every product has keys — its Chinese
name, its English name and its aliases in either language.

1. **named**: a key occurs in the query ("纯棉圆领T恤 1米66 穿什么码" names the T-shirt;
   English keys only as whole words, so "tee" is not found in "three"). Where two keys
   overlap, the longer wins ("t shirt" over "shirt").
2. **part of a name**: the query is part of a key ("牛仔" → the jeans and the denim jacket).
   Ranked with 1 by how much of the key the query covers; a key equal to the query is best.
3. **category word**: only when 1–2 found nothing, a category's own word ("裤子", "dresses")
   lists that category's products.
4. **near spelling**: only when 1–3 found nothing and the query is short (a name, not a
   sentence): ``fuzz.ratio`` over the keys with ``score_cutoff`` (``FUZZY_CUTOFF``, chosen on
   ``tests/data/product_queries.jsonl``), ``processor=None`` on the normalised strings.

A sentence that names nothing finds nothing: the size flow asks which item instead of
guessing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import opencc
from pydantic import TypeAdapter, ValidationError
from rapidfuzz import fuzz, process

from bus import contracts as c
from shop.enums import CATEGORY_MEASUREMENTS, CareInstruction, ProductCategory

logger = logging.getLogger(__name__)

FUZZY_CUTOFF = 75.0
"""``fuzz.ratio`` a near spelling must reach (hoddie → hoodie 83, jenas → jeans 80,
连帽卫依 → 连帽卫衣 75; 牛仔库 → 牛仔裤 67 stays out: one wrong character of three)."""
EXACT = 100.0
"""The score of a query that is exactly one of a product's names or aliases."""
FUZZY_MAX_CHARS = 24
"""Longer queries are sentences: they are searched for names, never fuzzily."""
FUZZY_MIN_LATIN = 4
"""English queries and keys shorter than this are not compared fuzzily: one letter is too
much of a three-letter word ("what" would be the hat)."""

CATEGORY_WORDS: Mapping[ProductCategory, tuple[str, ...]] = {
    "tops": ("上衣", "tops"),
    "trousers": ("裤子", "长裤", "trousers", "pants"),
    "skirts": ("半身裙", "裙子", "skirt", "skirts"),
    "dresses": ("连衣裙", "裙子", "dress", "dresses"),
    "outerwear": ("外套", "jacket", "jackets", "coat", "coats"),
    "accessories": ("配饰", "accessories"),
}
"""Words that name a whole category (step 3); the shop's catalogue names products."""

_TO_SIMPLIFIED = opencc.OpenCC("t2s")
_NOT_WORD = re.compile(r"[\W_]+")
_LATIN = re.compile(r"[a-z0-9]+")
_LATIN_KEY = re.compile(r"[a-z0-9 ]+")

_SIZE_ROWS = TypeAdapter(list[c.SizeChartRow])
_COMPOSITION = TypeAdapter(list[c.FibreShare])
_CARE = TypeAdapter(list[CareInstruction])


def normalize(text: str) -> str:
    """NFKC, traditional → simplified Chinese, case folded, anything but letters and digits
    to single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = _TO_SIMPLIFIED.convert(text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


@dataclass(frozen=True, slots=True)
class _Query:
    spaced: str  # normalised, words separated by one space
    compact: str  # without spaces: where Chinese keys are looked for
    words: str  # " " + Latin words + " ": where English keys are looked for, whole words

    @classmethod
    def of(cls, text: str) -> _Query:
        spaced = normalize(text)
        return cls(
            spaced=spaced,
            compact=spaced.replace(" ", ""),
            words=f" {' '.join(_LATIN.findall(spaced))} ",
        )


@dataclass(frozen=True, slots=True)
class _Key:
    product_id: int
    text: str  # normalised: spaced for English keys, compact for the others
    latin: bool

    def find(self, query: _Query) -> tuple[int, int] | None:
        """Where this key occurs in the query (start, end), if it does."""
        if self.latin:
            at = query.words.find(f" {self.text} ")
            return None if at < 0 else (at + 1, at + 1 + len(self.text))
        at = query.compact.find(self.text)
        return None if at < 0 else (at, at + len(self.text))

    def contains(self, query: _Query) -> bool:
        """The query is a part of this key (whole words for English)."""
        if self.latin:
            words = query.words.strip()
            return len(words) >= 3 and f" {words} " in f" {self.text} "
        return len(query.compact) >= 2 and query.compact in self.text


_SAME_WORD = {"pant": "trouser", "tee": "tshirt", "jumper": "sweater", "hoody": "hoodie"}


def _stem(word: str) -> str:
    """An English word as names are compared by word: singular, one word for the thing."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return _SAME_WORD.get(word, word)


def _key(product_id: int, text: str) -> _Key | None:
    spaced = normalize(text)
    if not spaced:
        return None
    if _LATIN_KEY.fullmatch(spaced):
        return _Key(product_id, spaced, latin=True)
    return _Key(product_id, spaced.replace(" ", ""), latin=False)


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What ``products.get`` answers that only changes with the product row: validated once."""

    summary: c.ProductSummary
    description: str
    material: str
    composition: tuple[c.FibreShare, ...]
    care: tuple[CareInstruction, ...]
    special_price: bool
    size_chart: c.SizeChart | None

    def view(self, variants: Sequence[c.VariantView]) -> c.ProductView:
        return c.ProductView(
            **self.summary.model_dump(),
            description=self.description,
            material=self.material,
            composition=list(self.composition),
            care=list(self.care),
            special_price=self.special_price,
            colors=list(dict.fromkeys(v.color for v in variants)),
            sizes=list(dict.fromkeys(v.size for v in variants)),
            size_chart=self.size_chart,
            variants=list(variants),
        )


def product_facts(row: Mapping[str, Any]) -> ProductFacts:
    """One ``products`` row → its facts. A malformed field (a chart with the wrong
    measurements, an unknown care code) is logged with the product id and left out, so one
    bad row never takes the catalogue down."""
    product_id = row["id"]
    summary = c.ProductSummary(
        product_id=product_id,
        name=row["name"],
        name_en=row["name_en"] or "",
        kind=row["kind"],
        category=row["category"],
        price=Decimal(row["price"]),
    )
    composition = _valid(product_id, "composition", _COMPOSITION, row["composition"])
    if composition and sum(share.percent for share in composition) != 100:
        logger.error("product %d: composition left out: it does not add up to 100 %%", product_id)
        composition = []
    return ProductFacts(
        summary=summary,
        description=row["description"] or "",
        material=row["material"] or "",
        composition=tuple(composition),
        care=tuple(_valid(product_id, "care", _CARE, row["care"])),
        special_price=bool(row["special_price"]),
        size_chart=_chart(product_id, row["category"], row["size_chart"]),
    )


def _valid(product_id: int, field: str, adapter: TypeAdapter, value: Any) -> list[Any]:
    try:
        return adapter.validate_python(value or [])
    except ValidationError as exc:
        logger.error("product %d: %s left out: %s", product_id, field, _errors(exc))
        return []


def _chart(product_id: int, category: ProductCategory, rows: Any) -> c.SizeChart | None:
    if not rows or not CATEGORY_MEASUREMENTS[category]:
        return None
    try:
        return c.SizeChart(category=category, rows=_SIZE_ROWS.validate_python(rows))
    except ValidationError as exc:
        logger.error("product %d: size chart left out: %s", product_id, _errors(exc))
        return None


def _errors(exc: ValidationError) -> str:
    """Field paths and messages, never the input values."""
    return "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or 'value'}: {error['msg']}"
        for error in exc.errors(include_input=False, include_url=False)
    )


class Catalogue:
    """An immutable snapshot of the products at one ``catalogue_state.version``."""

    def __init__(
        self,
        products: Iterable[ProductFacts],
        aliases: Mapping[int, Sequence[str]],
        version: int | None,
    ) -> None:
        self.version = version
        self.products: dict[int, ProductFacts] = {p.summary.product_id: p for p in products}
        keys: dict[tuple[int, str, bool], _Key] = {}
        for facts in self.products.values():
            summary = facts.summary
            for text in (summary.name, summary.name_en, *aliases.get(summary.product_id, ())):
                key = _key(summary.product_id, text)
                if key is not None:
                    keys[(key.product_id, key.text, key.latin)] = key
        self._keys = list(keys.values())
        # The fuzzy step's choices, built once: rapidfuzz scans them with processor=None.
        # Short English keys stay out ("what" is 86 % like "hat").
        self._fuzzy_keys = [
            key for key in self._keys if not key.latin or len(key.text) >= FUZZY_MIN_LATIN
        ]
        self._fuzzy_choices = [key.text for key in self._fuzzy_keys]
        by_category: dict[ProductCategory, list[int]] = {}
        for facts in self.products.values():
            by_category.setdefault(facts.summary.category, []).append(facts.summary.product_id)
        self._by_category = by_category
        self._category_keys = [
            (category, key)
            for category, words in CATEGORY_WORDS.items()
            if category in by_category
            for word in words
            if (key := _key(0, word)) is not None
        ]

    @classmethod
    def from_rows(cls, rows: Iterable[Any], version: int | None) -> Catalogue:
        """From ``products`` rows (``worker.db.queries.catalogue_rows``)."""
        facts, aliases = [], {}
        for row in rows:
            mapping = row._mapping if hasattr(row, "_mapping") else row
            facts.append(product_facts(mapping))
            names = mapping["aliases"] or []
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                logger.error("product %d: aliases left out: not a list of texts", mapping["id"])
                names = []
            aliases[mapping["id"]] = names
        return cls(facts, aliases, version)

    def __len__(self) -> int:
        return len(self.products)

    def categories(self) -> list[c.CategoryCount]:
        return [
            c.CategoryCount(category=category, products=len(self._by_category[category]))
            for category in CATEGORY_MEASUREMENTS
            if category in self._by_category
        ]

    def search(self, text: str, limit: int) -> list[c.ProductSummary]:
        query = _Query.of(text)
        if not query.compact:
            return []
        ranked = self._named(query)
        if not ranked:
            ranked = self._every_word(query)
        if not ranked:
            ranked = self._by_category_word(query)
        if not ranked:
            ranked = self._near_spelling(query)
        order = sorted(ranked.items(), key=lambda item: (-item[1], item[0]))
        return [
            self.products[product_id].summary.model_copy(update={"exact": score >= EXACT})
            for product_id, score in order[:limit]
        ]

    def _named(self, query: _Query) -> dict[int, float]:
        """Steps 1 and 2: keys in the query, and keys the query is part of."""
        found: list[tuple[_Key, tuple[int, int]]] = []
        scores: dict[int, float] = {}
        for key in self._keys:
            span = key.find(query)
            if span is not None:
                found.append((key, span))
            elif key.contains(query):
                coverage = len(query.compact) / max(len(key.text.replace(" ", "")), 1)
                _best(scores, key.product_id, 50 + 40 * coverage)
        for key, span in found:
            if _inside_a_longer_match(key, span, found):
                continue
            exact = key.text.replace(" ", "") == query.compact
            _best(scores, key.product_id, EXACT if exact else 90 + min(len(key.text), 9))
        return scores

    def _every_word(self, query: _Query) -> dict[int, float]:
        """Step 2b: an English name of two or more words, each of them in the query in any
        order, a plural or "pants" for "trousers" ("the linen wide leg pants" is the linen
        trousers; the whole-name step missed it, and the category step offered every pair)."""
        said = {_stem(word) for word in query.words.split()}
        scores: dict[int, float] = {}
        for key in self._keys:
            words = key.text.split() if key.latin else ()
            if len(words) >= 2 and all(_stem(word) in said for word in words):
                _best(scores, key.product_id, 70 + min(len(words), 5))
        return scores

    def _by_category_word(self, query: _Query) -> dict[int, float]:
        scores: dict[int, float] = {}
        for category, key in self._category_keys:
            if key.find(query) is not None:
                for product_id in self._by_category[category]:
                    _best(scores, product_id, 40.0)
        return scores

    def _near_spelling(self, query: _Query) -> dict[int, float]:
        latin = query.compact.isascii()
        shortest = FUZZY_MIN_LATIN if latin else 2
        if not shortest <= len(query.compact) <= FUZZY_MAX_CHARS:
            return {}
        scores: dict[int, float] = {}
        hits = process.extract(
            query.spaced if latin else query.compact,
            self._fuzzy_choices,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=FUZZY_CUTOFF,
            limit=20,
        )
        for _text, score, index in hits:
            _best(scores, self._fuzzy_keys[index].product_id, score * 0.3)
        return scores


def _best(scores: dict[int, float], product_id: int, score: float) -> None:
    if score > scores.get(product_id, -1.0):
        scores[product_id] = score


def _inside_a_longer_match(
    key: _Key, span: tuple[int, int], found: list[tuple[_Key, tuple[int, int]]]
) -> bool:
    """"shirt" found inside "t shirt" names the T-shirt, not the shirt."""
    start, end = span
    return any(
        other.latin == key.latin
        and other.product_id != key.product_id
        and other_start <= start
        and end <= other_end
        and (other_end - other_start) > (end - start)
        for other, (other_start, other_end) in found
    )
