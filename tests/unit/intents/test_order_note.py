"""``intents.order_note``: a special request to write on the order (备注), which the engine and
the bot's order jobs share — and what is never one (a note told about after the fact, a parcel's
delivery reported, gift wrapping or a gift card, a courier asked for)."""

from __future__ import annotations

import pytest

from bot.flows.orders import order_job
from intents import IntentEngine
from intents.order_note import note_words, order_note, wants_gift_wrap

NOTES = [
    "是送人的 包裹里别放价格单和发票可以吗",
    "its a gift for my mom, can you add a note and remove the receipt?",
    "帮我备注一下 礼物来的 别塞小票",
    "放快递柜 别打电话",
    "快递放驿站就行 不用打电话",
    "备注一下 下午才有人在家",
    "add a note to my order",
    "please don't put the receipt in the parcel, it's for my sister",
    "leave it at the front door please, no need to call",
]


@pytest.mark.parametrize("text", NOTES)
def test_a_note_for_the_order(text: str) -> None:
    assert order_note(text)
    assert order_job(text) == "note"


@pytest.mark.parametrize("text", NOTES)
def test_the_engine_reads_it_as_a_change_to_the_order(text: str, any_engine: IntentEngine) -> None:
    decision = any_engine.match(text)
    assert decision.intent == "order.modify"


@pytest.mark.parametrize(
    "text",
    [
        "我下单时备注了别放发票 结果还是放了",
        "快递员说放驿站了 我找不到",
        "能放菜鸟驿站吗",
        "可以备注发顺丰吗",
        "能不能帮我包装成礼物",
        "do you sell gift cards",
        "can you gift wrap it",
        "我不要发票",
        "the courier left a note saying they couldnt deliver",
        "tracking says left at front door 2pm, nothing came",
        "到现在都没人给我打电话 今天还送不送",
    ],
)
def test_never_a_note(text: str) -> None:
    assert not order_note(text)
    assert order_job(text) != "note"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("帮我备注一下不要放发票", "不要放发票"),
        ("是送人的 包裹里别放价格单和发票可以吗", "是送人的 包裹里别放价格单和发票"),
        ("帮我在订单上写一下 周末再送", "周末再送"),
        (
            "please leave it in the locker, no need to call",
            "leave it in the locker, no need to call",
        ),
        ("帮我备注一下", None),
        ("can you add a note to my order?", None),
    ],
)
def test_what_is_written(text: str, words: str | None) -> None:
    assert note_words(text) == words


def test_gift_wrapping_beside_the_note_is_seen() -> None:
    assert wants_gift_wrap("pls add a note: gift wrap, no invoice inside")
    assert not wants_gift_wrap("是送人的 别放价格单")
