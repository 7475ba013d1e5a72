"""A return's parcel sent back, read from the customer's words (bot/services/parcels.py): the
tracking number only with words of sending it back (or a tracking word in a chat about a
return); never an order number, a return number or a phone."""

from __future__ import annotations

import pytest

from bot.services.parcels import return_number, return_parcel, says_sent_back, tracking_number


@pytest.mark.parametrize(
    ("text", "about_returns", "number"),
    [
        ("退货已经寄出了 顺丰单号SF1234567890", False, "SF1234567890"),
        ("衣服寄回去了，中通 75614133399387", False, "75614133399387"),
        ("I sent the jeans back, tracking yt4300128865521", False, "YT4300128865521"),
        ("returned it by post, EE123456789CN", False, "EE123456789CN"),
        ("RT2026120200001 寄回了 SF1234567890", False, "SF1234567890"),
        # a tracking word in a chat about a return
        ("单号 SF1234567890", True, "SF1234567890"), ("单号 SF1234567890", False, None),
        # an order's own parcel, an order number, a phone: not a return's parcel
        ("快递单号75614133399387到哪了", False, None),
        ("KF26200341 到哪了", True, None),
        ("我要退货 电话13800001111", False, None),
        ("退货 KF26200341 尾号5280", False, None),
        ("我要退货", False, None),
    ],
)  # fmt: skip
def test_a_returns_parcel(text: str, about_returns: bool, number: str | None) -> None:
    assert return_parcel(text, about_returns) == number


def test_numbers_that_are_not_a_couriers() -> None:
    assert tracking_number("KF26200341 13800001111 RT2026120200001") is None
    assert tracking_number("单号sf1234567890") == "SF1234567890"
    assert return_number("rt2026120200001 寄回了") == "RT2026120200001"
    assert return_number("寄回了 SF1234567890") is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("where is my refund? I sent the jeans back last week", True),
        ("东西已经寄回去了 钱什么时候退", True), ("I already returned it", True),
        ("where is my refund", False), ("退款多久到账", False), ("can I send it back?", False),
    ],
)  # fmt: skip
def test_the_customer_says_the_parcel_went_back(text: str, said: bool) -> None:
    assert says_sent_back(text) is said
