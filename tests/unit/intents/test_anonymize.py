"""The anonymiser the bot runs on unmatched messages before they leave it (intents/anonymize.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.anonymize import ADDRESS, EMAIL, NAME, NUMBER, ORDER, PHONE, anonymize, is_anonymized


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KF26200341 到哪了", f"{ORDER} 到哪了"),
        ("订单号：KF12345678 怎么还没发", f"订单号：{ORDER} 怎么还没发"),
        ("单号是 SF1234567890 查不到", f"单号是 {ORDER} 查不到"),
        ("order #123456 where is it", f"order #{ORDER} where is it"),
        ("电话13812345678", f"电话{PHONE}"),
        ("打我 138 1234 5678", f"打我 {PHONE}"),
        ("+86-138-1234-5678 call", f"{PHONE} call"),
        ("１３８１２３４５６７８", PHONE),
        ("座机021-12345678", f"座机{PHONE}"),
        ("香港电话 852 9123 4567", f"香港电话 {PHONE}"),
        ("+44 7700 900123 call me", f"{PHONE} call me"),
        ("email me at a.b@x.com please", f"email me at {EMAIL} please"),
        ("尾号5280的订单到哪了", f"尾号{NUMBER}的订单到哪了"),
        ("我叫王小明，想退货", f"我叫{NAME}，想退货"),
        ("收件人：李四 电话021-12345678", f"收件人：{NAME} 电话{PHONE}"),
        ("王先生你好", f"{NAME}先生你好"),
        (
            "my name is John Smith and my parcel never came",
            f"my name is {NAME} and my parcel never came",
        ),
        ("Regards, Anna", f"Regards, {NAME}"),
        ("寄到杭州市西湖区文三路90号可以吗", f"寄到杭州市西湖区{ADDRESS}可以吗"),
        ("上海市浦东新区张江镇科苑路88号", f"上海市浦东新区{ADDRESS}"),
        ("阳光小区3栋2单元501能送吗", f"{ADDRESS}能送吗"),
        ("I live at 221B Baker Street, London", f"I live at {ADDRESS}, London"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert anonymize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "160 100斤穿什么码",
        "42码偏大吗",
        "香港可以发货吗",
        "这件适合女士吗",
        "我叫了快递怎么还没来",
        "My name is on the parcel but it went to the wrong house",
        "北京路上有店吗",
        "色差太大了吧，跟图片不一样",
        "is the blue one darker than the photo?",
        "XL行不",
        "运费多少钱，299的那件",
    ],
)
def test_the_question_itself_is_left_alone(text: str) -> None:
    """Heights, weights, sizes, prices, regions and plain questions are what the shop needs to
    read: they stay as they were."""
    assert anonymize(text) == text
    assert is_anonymized(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年11月28日下的单", "2026年11月28日下的单"),
        ("下单时间 2026-11-28 10:30 发货了吗", "下单时间 2026-11-28 10:30 发货了吗"),
        ("2026/11/28到货，2026.11.30退回", "2026/11/28到货，2026.11.30退回"),
        ('{"occurred_at": "2026-12-04T22:54:06.123456+00:00"}',
         '{"occurred_at": "2026-12-04T22:54:06.123456+00:00"}'),
        ("ordered on Dec 3, 2026 and on 5 January 2027",) * 2,
        ("工单号 T2026120400006", "工单号 T2026120400006"),
        ("退货 RT2026120500001 退款 RF2026120500002 换货 RMA2026120500003",) * 2,
        # next to the dates, what identifies her is masked as before
        ("2026-11-28 13812345678 文三路90号", f"2026-11-28 {PHONE} {ADDRESS}"),
        ("2026年买的 尾号5280", f"2026年买的 尾号{NUMBER}"),
        ("2026-11-2813812345678", PHONE),  # no date: one long run of digits
        ("T13812345678", f"T{PHONE}"),  # not a ticket number
        ("2026年 13812345678", f"2026年 {PHONE}"),
    ],
)
def test_dates_and_ticket_numbers_stay(text: str, expected: str) -> None:
    """A date says when, not who: the year stays (it was ``<num>``, and a date with its time
    read as a phone number); so do the shop's own record numbers (tickets, returns, refunds,
    exchanges: ``kefu tickets show`` masked "RMA2026120500001" as a phone)."""
    assert anonymize(text) == expected
    assert is_anonymized(expected)


def test_masking_is_idempotent() -> None:
    once = anonymize("我叫王小明 13812345678 KF26200341 文三路90号 a@b.cn 尾号5280")
    assert anonymize(once) == once
    assert is_anonymized(once)


def test_long_messages_are_cut_before_masking() -> None:
    assert len(anonymize("好" * 5000)) == 1000


_CJK = st.text(
    alphabet=st.sampled_from("的了吗请问我这件衣服什么时候发货到哪里退换尺码颜色"), max_size=12
)


@settings(max_examples=200, deadline=None)
@given(
    before=_CJK,
    after=_CJK,
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    sep=st.sampled_from(["", " ", "-"]),
)
def test_no_mobile_number_survives(before: str, after: str, mobile: str, sep: str) -> None:
    written = sep.join([mobile[:3], mobile[3:7], mobile[7:]])
    masked = anonymize(f"{before}{written}{after}")
    assert not re.search(r"\d{4}", masked.replace(" ", "").replace("-", ""))
    assert mobile not in masked.replace(" ", "").replace("-", "")


@settings(max_examples=200, deadline=None)
@given(before=_CJK, after=_CJK, digits=st.from_regex(r"[0-9]{4,20}", fullmatch=True))
def test_no_run_of_four_digits_survives(before: str, after: str, digits: str) -> None:
    assert not re.search(r"\d{4}", anonymize(f"{before}{digits}{after}"))
