"""``intents.order_note``: a special request to write on the order (备注), which the engine and
the bot's order jobs share — and what is never one (a note told about after the fact, a parcel's
delivery reported, gift wrapping or a gift card, a courier asked for)."""

from __future__ import annotations

import pytest

from bot.flows.orders import order_job
from intents import IntentEngine
from intents.order_note import note_beside_change, note_words, order_note, wants_gift_wrap

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


def test_left_with_the_guard_is_a_note() -> None:
    """ "leave it with the guard" (放门卫 in English), beside an address change in batch 4."""
    assert order_note("pls leave it with the security guard")
    assert order_note("leave the parcel with the doorman")


@pytest.mark.parametrize(
    ("text", "split"),
    [
        # the change and the note cut apart: the note in its own words only
        ("地址改成徐汇区漕溪北路398号 放门卫就行", ("放门卫就行", "地址改成徐汇区漕溪北路398号")),
        ("卫衣换成L码 备注一下别打电话", ("别打电话", "卫衣换成L码")),
        ("改一下地址吧，然后备注别打电话", ("别打电话", "改一下地址吧")),
        (
            "送闺蜜的生日礼物 别放发票和小票 另外帮我改下收件地址",
            ("送闺蜜的生日礼物 别放发票和小票", "帮我改下收件地址"),
        ),
        (
            "swap the skirt to S pls, and add a note to leave it at reception, dont ring me",
            ("leave it at reception, dont ring me", "swap the skirt to S pls"),
        ),
        (
            "new address is 北京市朝阳区建国路87号 and leave it with the guard",
            ("leave it with the guard", "new address is 北京市朝阳区建国路87号"),
        ),
        (
            "its for my sisters birthday so no receipt in the box please. also i need to change"
            " the address",
            (
                "its for my sisters birthday so no receipt in the box",
                "i need to change the address",
            ),
        ),
        # only a note: nothing else to change
        ("帮我备注一下 是送人的 别放价格单 谢谢", None),
        ("add a note: no receipt inside please, its a gift", None),
        ("放快递柜就行", None),
        # no note at all
        ("地址改成上海市徐汇区漕溪北路398号", None),
    ],
)  # fmt: skip
def test_a_note_beside_a_change(text: str, split: tuple[str, str] | None) -> None:
    assert note_beside_change(text) == split
