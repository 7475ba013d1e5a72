"""Found by the lead holding the console in session 14 (not from a blind batch; every sentence
here is our own): a question announced before it is asked ("我想问下…", "I wanted to ask, …"),
whether a fabric pills in English, and what sending costs with a courier and a destination
named. Main's engine (e661148) read each as noted."""

from __future__ import annotations

import pytest

from .conftest import full_engine


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我想问下你们家衣服起球吗", "quality.material"),  # out of scope (fallback)
        ("你好 我想问下你们家衣服起球吗", "quality.material"),  # "did you mean: greeting…"
        ("I wanted to ask, do your sweaters pill?", "quality.material"),  # fallback
        ("hi do your sweaters pill", "quality.material"),  # fallback
        ("how much is EMS to australia for one jacket", "shipping.fee"),  # "did you mean"
        ("ems到美国多少钱", "shipping.fee"),  # "did you mean"
        # a fault told and the money back asked (jobs batch 4, studied): the return
        ("the hoodie fell apart after one wash. i want a refund", "returns.return"),  # unsure
        ("my scarf is pilling everywhere, i'd like a refund", "returns.return"),
        # one item sent back, the other kept (jobs batch 4, studied; our own words here)
        ("裙子和外套是一单买的 我就退裙子 外套留着", "returns.return"),  # "did you mean"
        ("帽子和围巾一起拍的 我只退帽子 围巾我留着", "returns.return"),  # "did you mean"
    ],
)
def test_read_as_the_question_asked(text: str, intent: str) -> None:
    decision = full_engine().match(text)
    assert (decision.intent, decision.outcome) == (intent, "accept")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the announcement alone, or before a greeting: nothing to read behind it
        ("我想问下", "other.unknown"),
        ("问一下 在吗", "greeting.hello"),
        # whether it ships there, asked beside the cost: the region's question
        ("im in canada, can you send there and how much", "shipping.region"),
        # the time, not the cost
        ("how long does EMS take to australia", "shipping.delivery_time"),
        # the refund of a return under way, its fault told
        ("the jeans i returned were torn, where is my refund", "returns.refund_progress"),
        # the refund of one item asked, not the return
        ("只退一件的话运费退吗", "returns.postage"),
    ],
)
def test_left_as_they_were(text: str, intent: str) -> None:
    assert full_engine().match(text).intent == intent


def test_free_shipping_to_a_place_is_postage_not_whether_it_ships_there() -> None:
    """Round 18's "the region asked first" took "寄上海包邮吗" (whether it ships free) for "do you
    ship there" (the answer opened "可以。"); caught by the e2e context test after the merge."""
    assert full_engine().match("寄上海包邮吗").intent == "shipping.fee"
    assert full_engine().match("能寄新疆吗 运费多少").intent == "shipping.region"


@pytest.mark.parametrize("template", ["where is {}", "查一下订单{}", "我要退货 {}", "{} 到哪了"])
def test_an_order_numbers_digits_do_not_change_the_reading(template: str) -> None:
    """CI caught "where is KF9…" read as "did you mean" for about half of all random numbers:
    the digits went into the model. One number is read now, whatever the customer's is; the
    slot keeps hers."""
    numbers = ["KF90190983", "KF96633518", "KF92373413", "KF90948774", "KF26200341"]
    readings = set()
    for number in numbers:
        decision = full_engine().match(template.format(number))
        assert decision.slots.order_no == number
        readings.add((decision.intent, decision.outcome))
    assert len(readings) == 1 and next(iter(readings))[1] == "accept"


@pytest.mark.parametrize(
    "template",
    ["i want a refund for KF90012671, last four {}", "订单KF90012671 尾号{} 想退货",
     "KF90012671 {} 到哪了"],
)  # fmt: skip
def test_the_last_four_digits_do_not_change_the_reading(template: str) -> None:
    """Session 18's CI: "i want a refund for KF…, last four 7297" was read as a return, and with
    other digits as a refund's progress, now and then as sure of it (the order's card instead
    of the custom item's refusal). The digits are read as one number; the slot keeps hers."""
    readings = set()
    for last4 in ("7297", "5280", "0048", "3748", "1154", "9999"):
        decision = full_engine().match(template.format(last4))
        assert decision.slots.phone_last4 == last4
        readings.add((decision.intent, decision.outcome))
    assert len(readings) == 1, readings
