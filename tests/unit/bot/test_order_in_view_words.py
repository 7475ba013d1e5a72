"""Words read with an order's card in view: "哪个快递" is that order's courier (a change of
courier is not), and an address change is about that order unless the words point at another
one ("付完款才看见地址选错了")."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.flows.orders import _ANOTHER_ORDER, card_asked
from bot.handlers.returns import _courier_of_order, _item_fit_asked, _times_in_general
from bot.services.memory import ChatMemory
from intents.slots import extract_slots


def chat(shown_turns_ago: int | None) -> Any:
    memory = ChatMemory(turns=5)
    if shown_turns_ago is not None:
        memory.turns = 5 - shown_turns_ago
        memory.remember_order("KF20260001", None, "浙江")
        memory.turns = 5
    return SimpleNamespace(memory=memory)


def test_the_order_stays_in_view_for_two_turns() -> None:
    assert chat(0).memory.order_in_view() == "KF20260001"
    assert chat(2).memory.order_in_view() == "KF20260001"
    assert chat(3).memory.order_in_view() is None
    assert chat(None).memory.order_in_view() is None


@pytest.mark.parametrize(
    "text", ["哪个快递", "发的哪家快递啊", "which courier?", "what courier is it"]
)
def test_the_courier_of_the_order_in_view(text: str) -> None:
    assert _courier_of_order(text, chat(1))
    assert not _courier_of_order(text, chat(None))  # no order: the shop's couriers


@pytest.mark.parametrize("text", ["能改发顺丰吗", "can you switch it to SF instead"])
def test_a_change_of_courier_is_not_the_courier_asked(text: str) -> None:
    assert not _courier_of_order(text, chat(1))


@pytest.mark.parametrize("text", ["一般用什么快递发货", "which courier do you usually use"])
def test_the_shops_couriers_asked_as_a_rule_under_a_card(text: str) -> None:
    assert not _courier_of_order(text, chat(1))


def test_an_order_number_names_the_order_without_a_card() -> None:
    assert _courier_of_order("KF20260002 发的什么快递", chat(None))


@pytest.mark.parametrize(
    "text",
    ["付完款才看见地址选错了", "刚下单的那个地址要改", "the other order's address", "I just paid"],
)
def test_words_pointing_at_another_order(text: str) -> None:
    assert _ANOTHER_ORDER.search(text)


@pytest.mark.parametrize(
    "text", ["我想改一下收货地址", "地址写错了 要改", "can I change the address?"]
)
def test_words_about_the_order_in_view(text: str) -> None:
    assert _ANOTHER_ORDER.search(text) is None


@pytest.mark.parametrize(
    ("text", "size", "color"),
    [("换成紫色的", None, "紫色"), ("I'd like to exchange it for a XXL please", "XXL", None),
     ("换XXXL", "XXXL", None), ("swap it for a purple one", None, "紫色")],
)  # fmt: skip
def test_the_size_or_colour_wanted_is_read_whatever_the_shop_makes(
    text: str, size: str | None, color: str | None
) -> None:
    """Read as named — whether the item comes in it is the exchange's to say."""
    slots = extract_slots(text)
    assert (slots.size, slots.color) == (size, color)


@pytest.mark.parametrize(
    "text", ["偏大吗", "这件偏大还是偏小", "尺码正吗？", "true to size?", "does it run small?"]
)
def test_the_fit_of_the_item_in_view_asked(text: str) -> None:
    assert _item_fit_asked(text, chat(1))
    assert not _item_fit_asked(text, chat(None))  # nothing in view: the shop's sizing


@pytest.mark.parametrize(
    "text", ["M码太小了", "穿着偏大 想换小一码", "is it true to size? im 165cm 52kg"]
)
def test_a_fit_told_or_measured_is_not_the_item_fit_asked(text: str) -> None:
    assert not _item_fit_asked(text, chat(1))


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("订单详情再发我看下", True),
        ("能再看一下订单吗", True),
        ("show me the order again", True),
        ("can u send the order details", True),
        ("KF20260001", True),
        ("那什么时候发货", False),
        ("发货了没", False),
        ("is it shipped yet?", False),
        ("ok and when will it arrive?", False),
        ("whats the tracking number", False),
    ],
)
def test_the_card_asked_for_again(text: str, asked: bool) -> None:
    """Under a card just shown, the whole card only when she asks for it (or names the order):
    a question about the order gets the short answer."""
    assert card_asked(text) is asked


@pytest.mark.parametrize(
    ("text", "general"),
    [
        ("how long does it usually take to beijing?", True),
        ("does it normally take long", True),
        ("寄到北京的话它要几天", True),
        ("一般它几天能到", True),
        ("when will it arrive?", False),
        ("它什么时候发货", False),
    ],
)
def test_shipping_times_asked_in_general(text: str, general: bool) -> None:
    """ "how long does it usually take to beijing?" under her order's card: the shop's times
    (to that region), not her order."""
    assert _times_in_general(text) is general
