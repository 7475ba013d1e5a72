"""How to place an order, told apart from an order's status and a failed payment."""

import pytest

from intents.buying import asks_how_to_order


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
