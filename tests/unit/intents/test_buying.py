"""How to place an order, told apart from an order's status and a failed payment."""

import pytest

from intents.buying import asks_about_sales, asks_how_to_order


@pytest.mark.parametrize(
    "text",
    ["咋下单呀", "这个怎样购买", "去哪拍", "这里能买吗", "可以帮我下个单吗",
     "How do I place an order?", "where can i buy it", "can i order one through the chat",
     "ok ill take it"],
)
def test_how_to_order(text):
    assert asks_how_to_order(text)


@pytest.mark.parametrize(
    "text",
    ["我的订单怎么还没发", "怎么拍不了 一直失败", "how do i track my order", "how do I return it",
     "why can't I buy it", "怎么取消订单", "我买了两件"],
)
def test_not_how_to_order(text):
    assert not asks_how_to_order(text)


@pytest.mark.parametrize("text", ["咋下单呀", "how do i buy this jacket"])
def test_the_engine_reads_it_as_the_payment_question(any_engine, text):
    d = any_engine.match(text)
    assert (d.intent, d.outcome) == ("payment.methods", "accept")


@pytest.mark.parametrize(
    ("text", "sale"),
    [("双12有没有活动", True), ("最近搞活动吗", True), ("is anything on sale this week", True),
     ("能便宜点吗", False), ("有优惠券吗", False), ("活动价的能退吗", False)],
)
def test_a_sale_event_asked_about(text, sale):
    assert asks_about_sales(text) is sale


def test_the_engine_reads_a_sale_event_as_the_discount_question(any_engine):
    d = any_engine.match("618搞不搞活动呀")
    assert (d.intent, d.outcome) == ("bargain.discount", "accept")
