"""Two jobs in one message ("把T恤退了 裤子换成L"): cut into their parts, each kept with the
item and size said; a return told to ("T恤退掉") is a return wanted, not the rules asked."""

from __future__ import annotations

import pytest

from bot.flows.returns import wants_a_return
from bot.services.several import with_pointer
from intents.parts import question_parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("把T恤退了 裤子换成L", ["把T恤退了", "裤子换成L"]),
        ("T恤退掉，牛仔裤换L码", ["T恤退掉", "牛仔裤换L码"]),
        ("裤子换成L T恤退了", ["裤子换成L", "T恤退了"]),
        (
            "return the tee and swap the jeans for an L",
            ["return the tee", "and swap the jeans for an L"],
        ),
    ],
)
def test_two_jobs_are_cut_apart(text: str, parts: list[str]) -> None:
    assert question_parts(text) == parts


@pytest.mark.parametrize(
    "text", ["衣服退了 钱什么时候到", "我要退货 M码太小了", "M码太小了 想换L", "牛仔裤太长了能退吗"]
)
def test_one_job_stays_whole(text: str) -> None:
    assert question_parts(text) == [text]


def test_a_return_told_to_is_wanted() -> None:
    assert wants_a_return("把T恤退了", False) and wants_a_return("T恤退掉", False)
    assert not wants_a_return("衣服退了", False)  # what she did, not what she wants done
    assert not wants_a_return("T恤退掉能退吗", False)


def test_a_job_offered_keeps_the_order_named_elsewhere() -> None:
    text = "卫衣那单 地址要改 还有尺码也想换成L"
    assert with_pointer("还有尺码也想换成L", text) == "卫衣那单 还有尺码也想换成L"
    assert with_pointer("KF26653483 改成L", "KF26653483 改成L") == "KF26653483 改成L"
    assert with_pointer("还有能便宜点吗", "连衣裙有S码吗 还有能便宜点吗") == "还有能便宜点吗"
