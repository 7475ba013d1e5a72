"""Blind jobs batch 9's last three kinds and batch 10's exchange (session 20): two orders sent
together to save postage, garment words typed in pinyin, a parcel to be refused at the door, a
size asked of an item told too big or small. Every sentence is our own
(none is a line of a batch); main's engine (b2a9bd1) read each one as noted in its comment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.services import choices
from bus.contracts import OrderItemView
from intents.garments import mended, names_a_garment
from intents.refused_parcel import refuses_parcel

from .conftest import full_engine


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the postage asked of her orders (order.modify by the labels; the bot answers it with
        # the combine rule): did you mean
        ("前天买了件毛衣 今天又拍了条裤子 两个一起寄能省点运费吗", "order.modify"),
        ("can my new order ship together with the earlier one to save on shipping",
         "order.modify"),
        # one parcel asked with no postage in it: a note for the warehouse (as it was)
        ("两单能合并一起发吗", "order.modify"),
        # a parcel she will refuse: the return she wants (the order's state decides what follows)
        ("大衣还在路上 我不想要了 到了直接拒收可以吗", "returns.return"),
        ("the coat hasn't arrived yet but i'll just refuse the delivery, ok?", "returns.return"),
        # a size asked of an item she has, told too big or small: the exchange (jobs batch 10,
        # session 20: "which size for me?")
        ("this dress is too tight, can i have it in L", "returns.exchange"),  # did you mean
        ("the blazer came too big, could i get it in a small", "returns.exchange"),
    ],
)
def test_the_kinds_read(text: str, intent: str) -> None:
    decision = full_engine().match(text)
    assert (decision.intent, decision.outcome) == (intent, "accept"), decision


@pytest.mark.parametrize(
    ("text", "refuses"),
    [
        ("快递到了我拒签就行了吧", True),
        ("到时候我不签收 钱能退吗", True),
        ("can i reject the package at the door", True),
        ("物流显示已拒收", False),  # the courier's record
        ("包裹被拒收了 怎么回事", False),
        ("我还没签收", False),
        ("快递怎么退回来了 我没拒收啊", False),  # denied: the parcel went back unasked
        ("i never refused the parcel, why was it sent back", False),
        ("i refuse to pay more postage", False),
    ],
)
def test_a_parcel_refused_is_her_wish_not_the_record(text: str, refuses: bool) -> None:
    assert refuses_parcel(text) is refuses


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("weiyi xiang huan l", "卫衣 xiang huan l"),
        ("lian yi qun tai chang le", "连衣裙 tai chang le"),
        ("my niuzaiku is too long", "my 牛仔裤 is too long"),
        ("yurongfu dao na le", "羽绒服 dao na le"),
    ],
)
def test_garment_words_in_pinyin(typed: str, read: str) -> None:
    assert mended(typed) == read
    assert names_a_garment(typed)


@pytest.mark.parametrize("text", ["hello", "daytime delivery", "kuzio", "can i get a refund"])
def test_no_pinyin_read_where_none_is(text: str) -> None:
    assert mended(text) == text
    assert not names_a_garment(text)


def test_the_item_named_in_pinyin_is_picked() -> None:
    """ "niuzaiku tai da le xiang tui huo" asked which item of the T-shirt and the jeans."""

    def item(item_id: int, name: str) -> OrderItemView:
        return OrderItemView.model_validate(
            {"item_id": item_id, "product_id": item_id, "product_name": name, "kind": "regular",
             "sku": f"SKU-{item_id}", "size": "M", "color": "黑色", "price": Decimal(99),
             "quantity": 1}
        )  # fmt: skip

    tee, jeans = item(1, "纯棉圆领T恤"), item(2, "高腰牛仔裤")
    assert choices.items_meant("niu zai ku tai xiao le, xiang tui", [tee, jeans]) == [jeans]
