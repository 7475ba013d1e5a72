"""A short follow-up under an order's card (``bot.services.followups``) and how long that card
stays in view (``ChatMemory.card_in_view``)."""

from __future__ import annotations

import pytest

from bot.services.followups import about_the_order_in_view
from bot.services.memory import CARD_FRESH_S, ChatMemory
from intents import Decision, Slots


def decided(intent: str, outcome: str = "accept", **slots: object) -> Decision:
    return Decision(
        intent=intent,
        group=intent.split(".")[0],
        action="answer",
        confidence=0.9,
        candidates=[],
        outcome=outcome,  # type: ignore[arg-type]
        slots=Slots(**slots),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "text",
    [
        "ok那什么时候到", "那到哪了", "现在到哪啦", "还要等几天", "物流怎么不动了",
        "最晚什么时候要付", "晚点付行吗 最迟几点",
        "where is it now?", "and when will it get here", "still not moving?", "eta?",
        "any update", "hmm when does it ship", "你们什么时候发货啊",
    ],
)  # fmt: skip
def test_a_short_follow_up_about_the_order(text: str) -> None:
    assert about_the_order_in_view(text, None)
    assert about_the_order_in_view(text, decided("shipping.delivery_time"))
    assert about_the_order_in_view(text, decided("order.status", "clarify"))


@pytest.mark.parametrize(
    "text",
    [
        # the shop's times, a place or courier named, asked as a rule
        "发顺丰一般几天", "寄到新疆要几天", "how long does it usually take to beijing",
        "do you ship to hong kong", "how long does sf take",
        # another subject: money, a return, a size, the address, an item, another order
        "退款什么时候到", "when will i get my refund", "L码什么时候有货", "地址什么时候能改好",
        "卫衣什么时候到", "when does the hoodie arrive", "那另一单呢 到哪了",
        # the shop, not her order
        "when will you restock", "什么时候补货", "你们店在哪里", "where are you located",
        "when is the next sale", "客服几点上班",
        # a job or a person: their own handlers
        "催一下 什么时候发", "can someone call me when it ships",
        # not a question of when or where
        "好的谢谢", "ok thanks", "这件是纯棉的吗",
        # a story, not a follow-up
        "我上周买的那个东西到现在都还没有收到物流也一直没更新你们到底什么时候能发出来啊真的很急",
    ],
)  # fmt: skip
def test_not_a_follow_up_about_the_order(text: str) -> None:
    assert not about_the_order_in_view(text, None)


def test_a_confident_question_of_its_own_is_left_to_it() -> None:
    assert not about_the_order_in_view("那什么时候到", decided("returns.refund_progress"))
    assert not about_the_order_in_view("when does it arrive", decided("size.chart"))
    # a region carried from the topic (asked about before) is not in these words
    carried = decided("shipping.delivery_time", region="北京")
    assert about_the_order_in_view("那什么时候到", carried)
    assert not about_the_order_in_view("那到北京要几天", carried)


def test_the_card_stays_in_view_two_turns_and_ten_minutes() -> None:
    memory = ChatMemory(turns=3)
    assert memory.card_in_view() is None
    memory.card_shown("KF20260001", "状态：已发货", at=1000.0)
    assert (memory.last_order, memory.order_turn) == ("KF20260001", 3)
    memory.turns = 5
    assert memory.card_in_view(at=1000.0 + 60) == "KF20260001"
    assert memory.card_in_view(at=1000.0 + CARD_FRESH_S + 1) is None
    memory.turns = 6
    assert memory.card_in_view(at=1000.0 + 60) is None
    # its short answer keeps it in view; another order opened since takes it out
    memory.brief_shown("KF20260001")
    assert memory.card_in_view(at=1000.0 + 60) == "KF20260001"
    memory.remember_order("KF20260002", None, "浙江")
    assert memory.card_in_view(at=1000.0 + 60) is None
    memory.brief_shown("KF20260002")  # (no card of it shown: nothing to keep in view)
    assert memory.card_turn == 6 and memory.card_in_view(at=1000.0 + 60) is None
