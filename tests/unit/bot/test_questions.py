"""What a question asks, read from its words: how soon dispatch is asked for; a gift or gift
wrapping."""

from __future__ import annotations

import pytest

from bot.services.questions import asks_for_gift, asks_for_gift_wrap, dispatch_days_asked


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("今天拍明天能发吗", 1),  # the later of the two days named is when it must leave
        ("今天能发货吗", 0),
        ("后天可以发出吗", 2),
        ("3天内能发货吗", 3),
        ("will it ship today if I pay now?", 0),
        ("can you ship it within 5 days?", 5),
        ("付款后多久发货", None),  # asks how long, not a yes or no
        ("预售的明天能发吗", None),  # a pre-order: the rules answer
        ("明天发货", None),
    ],
)
def test_dispatch_days_asked(text: str, days: int | None) -> None:
    assert dispatch_days_asked(text) == days


@pytest.mark.parametrize(
    ("text", "gift", "wrap"),
    [
        ("可以送个小礼物吗", True, False),
        ("可以帮我包装成礼物吗", False, True),
        ("can you gift wrap it?", False, True),
        ("any free gift with my order?", True, False),
    ],
)
def test_a_gift_asked_for_is_not_gift_wrapping(text: str, gift: bool, wrap: bool) -> None:
    assert (asks_for_gift(text), asks_for_gift_wrap(text)) == (gift, wrap)


@pytest.mark.parametrize(
    ("text", "general"),
    [
        ("退款一般多久到账", True), ("how long do refunds usually take?", True),
        ("how long does a refund take", True), ("退款通常几天能到", True),
        # hers: where it is, looked up
        ("我的退款一般多久到账", False), ("how long will my refund take", False),
        ("KF26200341 退款多久到", False), ("退款怎么还没到", False),
    ],
)  # fmt: skip
def test_refund_time_asked_in_general(text: str, general: bool) -> None:
    from bot.handlers.orders import refund_time_in_general

    assert refund_time_in_general(text) is general
