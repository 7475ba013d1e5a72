"""A cause for each item of a return (``choices.causes_per_item``): two items given two causes
in one message are told apart, however they are joined; one cause for all (the common case)
is none of this, and the apology of a fault said beside her own reason is for one item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.services.choices import causes_per_item, own_choice_too, remedy_asked
from bus.contracts import OrderItemView


def item(item_id: int, zh: str, en: str) -> OrderItemView:
    return OrderItemView(
        item_id=item_id,
        product_id=item_id,
        product_name=zh,
        product_name_en=en,
        kind="regular",
        sku=f"S{item_id}",
        size="M",
        color="黑色",
        price=Decimal(100),
        quantity=1,
    )


TROUSERS_SHIRT = [
    item(1, "亚麻阔腿裤", "Linen Wide-leg Trousers"),
    item(2, "条纹长袖衬衫", "Striped Shirt"),
]
JEANS_TEE = [
    item(1, "高腰牛仔裤", "High-waist Jeans"),
    item(2, "纯棉圆领T恤", "Cotton Crew-neck T-shirt"),
]


@pytest.mark.parametrize(
    ("text", "causes"),
    [
        ("裤子小了 衬衫开线了 都想退", {1: "size", 2: "quality"}),
        ("裤子小了衬衫开线了", {1: "size", 2: "quality"}),  # no break between them
        ("衬衫开线了，裤子也有点小，都退了吧", {2: "quality", 1: "size"}),
        ("衬衫领口开线了 裤子不喜欢", {2: "quality", 1: "changed_mind"}),
        ("衬衫 领口开线了；裤子 不想要了", {2: "quality", 1: "changed_mind"}),  # cause after
    ],
)
def test_two_items_two_causes_zh(text: str, causes: dict[int, str]) -> None:
    assert causes_per_item(text, TROUSERS_SHIRT) == causes


@pytest.mark.parametrize(
    ("text", "causes"),
    [
        (
            "return both: the jeans are too tight and the tee came with a hole",
            {1: "size", 2: "quality"},
        ),
        ("the tee came with a hole and the jeans don't fit", {2: "quality", 1: "size"}),
        ("jeans too small but the t-shirt is torn", {1: "size", 2: "quality"}),
    ],
)
def test_two_items_two_causes_en(text: str, causes: dict[int, str]) -> None:
    assert causes_per_item(text, JEANS_TEE) == causes


@pytest.mark.parametrize(
    "text",
    [
        "裤子和衬衫都小了",  # one cause for both: asked once, as always
        "两件都退",
        "裤子小了 衬衫也小了",  # two items, the same cause
        "裤子小了",  # one item
        "衬衫开线了",
    ],
)
def test_one_cause_or_one_item_is_not_told_apart(text: str) -> None:
    assert causes_per_item(text, TROUSERS_SHIRT) == {}
    assert causes_per_item("both too big", JEANS_TEE) == {}
    assert causes_per_item("裤子小了 衬衫开线了", TROUSERS_SHIRT[:1]) == {}


def test_the_apology_is_for_one_item_when_her_own_reason_is_beside_the_fault() -> None:
    assert own_choice_too("裤子小了 衬衫开线了 都想退")
    assert own_choice_too("the jeans are too tight and the tee came with a hole")
    assert not own_choice_too("衬衫开线了 退了吧")
    assert not own_choice_too("the tee came with a hole, send it back")


def test_return_both_asks_for_the_money_back() -> None:
    assert remedy_asked("return both: the jeans are too tight and the tee came with a hole") == (
        "return"
    )
    assert remedy_asked("return policy for a torn shirt?") is None


def test_both_to_go_back_in_words_the_flows_missed() -> None:
    from bot.services.choices import every_one_meant

    assert remedy_asked("领口开线了 两件都要退") == "return"
    assert remedy_asked("衬衫起球了 想退") == "return"
    assert remedy_asked("有个洞 想退换") is None  # both asked: not for this reader to pick
    assert remedy_asked("the shirt is the wrong colour, returning both") == "return"
    assert every_one_meant("两件都偏小 都想退")


@pytest.mark.parametrize(
    ("text", "remedy"),
    [
        ("不想退了", None),  # she takes the return back: no refund asked (was "return")
        ("别退了", None),
        ("不退了", None),
        ("不想退了 给我换一件吧", "exchange"),
        ("退了吧", "return"),
        ("质量这么差还不退钱", "return"),  # the money demanded, not declined
    ],
)
def test_a_return_taken_back_is_no_refund_asked(text: str, remedy: str | None) -> None:
    assert remedy_asked(text) == remedy
