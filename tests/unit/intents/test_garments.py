"""Garment words typed with a slip (``intents.garments``): read as the garment they miss by a
letter, and only then — a common word or a garment itself stays as typed."""

from __future__ import annotations

import pytest

from intents.garments import garment_of, mended, names_a_garment, sizes_per_item

from .conftest import full_engine


@pytest.mark.parametrize(
    ("word", "garment"),
    [
        ("tshrit", "tshirt"), ("tshirr", "tshirt"), ("jeens", "jeans"), ("jenas", "jeans"),
        ("hoodei", "hoodie"), ("hoddie", "hoodie"), ("cardign", "cardigan"),
        ("cardiagn", "cardigan"), ("skrit", "skirt"), ("blazr", "blazer"), ("jackt", "jacket"),
        ("trosuers", "trousers"), ("sweatr", "sweater"),
    ],
)  # fmt: skip
def test_a_garment_typed_with_a_slip(word: str, garment: str) -> None:
    assert garment_of(word) == garment


@pytest.mark.parametrize(
    "word",
    [
        "tshirt", "shorts", "shirt", "skirt", "short", "cost", "costs", "means", "later",
        "sorts", "chats", "price", "shift", "return", "retrun", "dreses", "sleeves", "shoes",
    ],
)  # fmt: skip
def test_a_garment_or_a_common_word_stays(word: str) -> None:
    """(``dreses`` is one letter from both dress and dresses: which one is not guessed.)"""
    assert garment_of(word) is None


def test_mended_writes_only_the_slips_right() -> None:
    assert mended("hey can i retrun my tshrit? its too big") == (
        "hey can i retrun my tshirt? its too big"
    )
    assert mended("the t-shrit and the jeens") == "the tshirt and the jeans"
    assert mended("how much does the coat cost") == "how much does the coat cost"
    # typed by their sound (jobs batch 4: "T恤和牛仔库一起买的那单")
    assert mended("t恤和牛仔库一起买的 连衣群也要退") == "t恤和牛仔裤一起买的 连衣裙也要退"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("阔腿裤啥时候发货", True), ("when does the hoodie ship", True), ("my tshrit", True),
        ("swap it for the tee", True), ("so the M I bought is too small", False),
        ("你们一般多久发货", False), ("那就L吧 帮我改一下", False),
    ],
)  # fmt: skip
def test_names_a_garment(text: str, named: bool) -> None:
    assert names_a_garment(text) is named


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("T恤换L 裤子换M", [("T恤换L", "L"), ("裤子换M", "M")]),
        ("tee in L and jeans in XL please", [("tee in L", "L"), ("jeans in XL", "XL")]),
        ("swap the tee for an L and the jeans for an XL",
         [("tee for an L", "L"), ("jeans for an XL", "XL")]),
        ("牛仔裤换成29码 T恤要M", [("牛仔裤换成29码", "29"), ("T恤要M", "M")]),
        ("T恤换L", [("T恤换L", "L")]), ("我要换货", []), ("can i get it in L", []),
    ],
)  # fmt: skip
def test_sizes_per_item(text: str, asked: list[tuple[str, str]]) -> None:
    assert sizes_per_item(text) == asked


def test_two_items_with_their_sizes_are_an_exchange() -> None:
    """ "tee in L and jeans in XL please", told both are too small: the exchange (blind jobs
    batch 3: read as which size fits, asked "did you mean")."""
    text = "both the tee and the jeans are too small. tee in L and jeans in XL please"
    d = full_engine().match(text)
    assert (d.intent, d.outcome) == ("returns.exchange", "accept"), d
