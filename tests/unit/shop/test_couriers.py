"""Couriers named in customers' words, and which of them the policy's couriers are."""

from __future__ import annotations

import pytest

from bot.services.questions import couriers_asked
from shop import couriers, payments
from shop.couriers import COURIER_BRANDS, couriers_named, policy_code
from shop.names import NameBook
from shop.policy import load_policy

POLICY = load_policy()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("能发顺丰吗", {"sf"}),
        ("可以走圆通或者韵达不", {"yto", "yunda"}),
        ("do you ship with SF?", {"sf"}),
        ("can I get it by j&t", {"jt"}),
        ("发什么快递", set()),
        ("ems overseas?", {"ems"}),
        ("she's so fast", set()),  # "sf" inside words is not SF
        ("京东快递能到吗", {"jd"}),
    ],
)
def test_couriers_named(text: str, named: set[str]) -> None:
    assert couriers_named(text) == named


def test_a_courier_is_asked_about_only_in_a_yes_or_no_question() -> None:
    assert couriers_asked("能发顺丰吗") == {"sf"}
    assert couriers_asked("顺丰到哪了，单号发我一下") == set()


def test_the_demo_policys_couriers() -> None:
    codes = {key: policy_code(POLICY.shipping, key) for key in COURIER_BRANDS}
    assert codes == {
        "zto": "default", "sf": "sf", "ems": "ems", "yto": None, "sto": None, "yunda": None,
        "jt": None, "jd": None, "deppon": None, "best": None,
    }


@pytest.mark.parametrize("book", [couriers._BOOK, payments._BOOK], ids=["couriers", "payments"])
def test_every_word_of_a_book_is_found_in_a_sentence_any_case(book: NameBook) -> None:
    """The pattern tries its words only where one can start: every word still names its key,
    mid-sentence, at either end, in upper case; an ASCII word only as a whole word."""
    for word, key in book._key_of.items():
        for text in (f"请问 {word} 可以吗", f"{word}", f"can I use {word.upper()} please",
                     f"{word}吗"):  # fmt: skip
            assert key in book.named(text), (word, text)
        if word.isascii() and word.isalpha():
            assert book.named(f"x{word}x") == frozenset(), word
