"""One reader for paying (``intents.paying``): the engine (an unpaid order still open is its
status) and the bot (which of two orders, the rule of closing, money taken wrongly, a payment
that fails) read "not paid yet" and a payment problem in the same words."""

from __future__ import annotations

import pytest

from intents.paying import (
    asks_if_order_still_open,
    asks_if_unpaid_still_open,
    payment_failing,
    payment_taken_wrongly,
    says_unpaid,
    unpaid_closing_said,
)


@pytest.mark.parametrize(
    ("text", "unpaid"),
    [
        ("那个连衣裙的单子还没付款", True),
        ("订单显示待付款", True),
        ("the dress order, i haven't paid it yet", True),
        ("it's the unpaid one", True),
        ("连衣裙那单已经付了", False),
        ("i paid yesterday", False),
    ],
)
def test_not_paid_yet_is_said(text, unpaid):
    assert says_unpaid(text) is unpaid


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("订单还没付钱 明天付来得及吗", True),
        ("还没付款的单子会不会被关闭", True),
        ("我还没支付 这个单还有效吗", True),
        ("i haven't paid yet, will it expire?", True),
        ("didn't pay yet, is it still valid", True),
        ("还没付款 能先改个颜色吗", False),  # a change to the order, not whether it is open
        ("已经付款了 什么时候发", False),
        # the close asked for, not asked about (jobs batch 5)
        ("裙子那单还没付钱 我不要了 麻烦帮我关闭订单", False),
        ("haven't paid for it yet, please cancel it", False),
    ],
)
def test_whether_an_unpaid_order_is_still_open(text, asks):
    assert asks_if_unpaid_still_open(text) is asks


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("不付款的话订单会自动取消吗", True),
        ("if i can't pay today will the order get cancelled?", True),
        ("are unpaid orders closed automatically", True),
        ("帮我取消订单", False),
    ],
)
def test_the_closing_of_an_unpaid_order(text, said):
    assert unpaid_closing_said(text) is said


@pytest.mark.parametrize(
    ("text", "wrongly", "failing"),
    [
        ("刚才付款扣了两次钱 只买了一件", True, False),
        ("钱都扣了 订单怎么还显示待付款", True, False),
        ("you charged my card twice for one order!!", True, False),
        ("money was taken but the order says not paid", True, False),
        ("付款老是失败 说银行卡异常", False, True),
        ("my card keeps getting declined", False, True),
        ("why can't I pay with my visa", False, True),
        ("能用花呗吗", False, False),
        ("how do I pay", False, False),
    ],
)
def test_a_payment_gone_wrong_is_read_in_one_module(text, wrongly, failing):
    assert (payment_taken_wrongly(text), payment_failing(text)) == (wrongly, failing)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("订单还有效吗", True),
        ("KF12345678 这个订单还在吗", True),
        ("那个单子关闭了吗", True),
        ("is the order still open?", True),
        ("has my order expired?", True),
        ("我那个单子还没付钱 现在付来得及吗", True),  # not paid yet: still open to pay
        ("is my order still on the way", False),
        ("is it still in stock", False),
        ("这款还有货吗", False),
    ],
)
def test_whether_the_order_is_still_open_is_a_yes_no_question(text, asks):
    assert asks_if_order_still_open(text) is asks
