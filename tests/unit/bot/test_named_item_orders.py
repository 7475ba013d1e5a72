"""The order an item named picks, among all of a customer's orders (never only the latest the
list shows), and a complaint about the wait told from a plain question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.flows.orders import order_job, waited_too_long
from bot.services.orders import LIST_SHOWN, _taken_at_once, named_orders, shown_orders
from bus.contracts import ListOrders, OrderSummary


def summary(order_no: str, name: str, en: str, state: str, days_ago: int) -> OrderSummary:
    return OrderSummary(
        order_no=order_no,
        state=state,
        created_at=datetime(2026, 12, 1, tzinfo=UTC) - timedelta(days=days_ago),
        total=Decimal(300),
        item_count=1,
        first_item_name=name,
        item_names=[name],
        item_names_en=[en],
    )


FILLER = [summary(f"KF1{n:07d}", "纯色打底衫", "Basic Tee", "completed", n) for n in range(30)]
NEW_BLAZER = summary("KF20000001", "亚麻西装外套", "Linen Blazer", "paid", 0)
OLD_BLAZER = summary("KF20000002", "休闲西装外套", "Casual Blazer", "shipped", 40)
OLD_DONE = summary("KF20000003", "休闲西装外套", "Casual Blazer", "completed", 40)


def test_an_item_in_an_order_older_than_the_list_shows_is_found() -> None:
    orders = [*FILLER, OLD_DONE]
    assert OLD_DONE not in shown_orders(orders, "q")  # (the list shows the latest ten finished)
    assert named_orders(orders, "q", (), "我的西装外套到哪了") == [OLD_DONE]
    taken = _taken_at_once(orders, "q", (), "my blazer, where is it?")
    assert taken is OLD_DONE


def test_an_order_under_way_behind_ten_newer_finished_ones_is_on_the_list() -> None:
    """Orders still under way come first, however old (a parcel weeks late never showed); the
    list keeps its newest-first order and its length."""
    shown = shown_orders([*FILLER, OLD_BLAZER], "q")
    assert len(shown) == LIST_SHOWN and shown[-1] is OLD_BLAZER
    assert shown[:-1] == FILLER[: LIST_SHOWN - 1]


def test_the_job_s_states_pick_among_two_orders_holding_it() -> None:
    orders = [NEW_BLAZER, *FILLER, OLD_BLAZER]
    # a plain question: both blazers — she is asked which (the one shown in the list is not
    # taken for her)
    assert named_orders(orders, "q", (), "西装外套怎么样了") == [NEW_BLAZER, OLD_BLAZER]
    assert _taken_at_once(orders, "q", (), "西装外套怎么样了") is None
    # a parcel on its way: only the shipped one
    shipped = frozenset({"shipped"})
    assert _taken_at_once(orders, "q", shipped, "西装外套到哪了") is OLD_BLAZER


def test_a_list_of_many_still_shows_ten() -> None:
    assert len(shown_orders(FILLER, "q")) == LIST_SHOWN


def test_every_order_is_asked_of_the_worker() -> None:
    assert ListOrders(telegram_user_id=1, limit=None).limit is None
    assert ListOrders(telegram_user_id=1).limit == 10  # (older callers: their latest ten)


@pytest.mark.parametrize(
    "text",
    [
        "等了一个星期了还没发货",
        "阔腿裤付款一个多月了还不发货？？",
        "西装外套寄出来快四个礼拜了 一直没收到",
        "怎么等这么久",
        "it's been ages where is it",
        "I've been waiting for two weeks",
        "my order still hasn't shipped",
        # the payment's age told (jobs batch 4)
        "when is it going to ship?? i paid a month ago",
        "ordered 2 weeks ago and nothing",
        "付款都一个多月了",
    ],
)
def test_a_complaint_about_the_wait(text: str) -> None:
    assert waited_too_long(text)


@pytest.mark.parametrize(
    "text",
    ["我的包裹到哪了", "怎么还没发货", "where is my parcel", "when will it ship", "一个星期能到吗",
     "i paid a few days ago, when does it ship"],
)
def test_a_plain_question_is_no_complaint(text: str) -> None:
    assert not waited_too_long(text)


@pytest.mark.parametrize(
    "text",
    [
        "我收到了 确认收货",
        "包裹到了，帮我点一下收货",
        "got it, mark as received",
        "how do I confirm I received it?",
        "please confirm receipt of my order",
    ],
)
def test_receipt_to_confirm(text: str) -> None:
    assert order_job(text) == "receipt"


@pytest.mark.parametrize("text", ["我的包裹到哪了", "收到的衣服有个洞", "I never received it"])
def test_no_receipt_to_confirm(text: str) -> None:
    assert order_job(text) != "receipt"


def test_an_item_only_in_an_order_the_job_cannot_be_about_takes_that_order() -> None:
    """ "羽绒服那单取消掉" with the down jacket shipped: that order (the worker says why not),
    not her list of orders that could be cancelled; a hoodie in a paid order and a shipped one
    still means the paid one."""
    jacket = summary("KF30000001", "轻薄羽绒服", "Down Jacket", "shipped", 2)
    paid_hoodie = summary("KF30000002", "连帽卫衣", "Hoodie", "paid", 1)
    old_hoodie = summary("KF30000003", "定制刺绣卫衣", "Custom Hoodie", "completed", 30)
    orders = [paid_hoodie, jacket, *FILLER, old_hoodie]
    unshipped = frozenset({"awaiting_payment", "paid"})
    assert _taken_at_once(orders, "q", unshipped, "羽绒服那单取消掉") is jacket
    assert _taken_at_once(orders, "q", unshipped, "卫衣那单地址要改") is paid_hoodie
