"""The chat's language holds (console rounds, session 17), end to end through the fake Bot API:
a message with Chinese names in an English chat ("oops typo, its 西湖区 not 西胡区" at the
address step, answered in Chinese) or English names in a Chinese chat ("Oversized Hoodie in
Grey") keeps the chat's language; a sentence of the other language switches it."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.e2e.test_order_jobs import order_row

_ZH_PUNCTUATION = re.compile(r"[，。？！：；]")


def in_chinese(text: str) -> bool:
    """A reply in Chinese: its sentences end and pause with Chinese punctuation (an English
    reply may quote a Chinese address, never with those)."""
    return _ZH_PUNCTUATION.search(text) is not None


async def test_a_district_put_right_in_an_english_chat_is_answered_in_english(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular",
        state="paid",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
        paid_ago=timedelta(hours=2),
    )
    _card, ask = await customer.says(
        f"hi i need to change the delivery address on {order.order_no}", replies=2
    )
    assert ask.text == stack.t("address.ask_new", "en")
    [shown] = await customer.says("Zhang San 13812345678 浙江省杭州市西胡区文三路100号")
    assert not in_chinese(shown.text), shown.text
    [mended] = await customer.says("oops typo, its 西湖区 not 西胡区")
    assert not in_chinese(mended.text), mended.text  # (it was answered in Chinese)
    assert "西湖区" in mended.text and "西胡区" not in mended.text
    [done] = await customer.presses(mended, "Yes")
    assert not in_chinese(done.text), done.text
    assert (await order_row(stack, order.order_no)).district == "西湖区"
    # a Chinese sentence of hers switches the chat: she is answered in Chinese
    [chinese] = await customer.says("ok 那什么时候发货啊")
    assert in_chinese(chinese.text), chinese.text


async def test_an_english_product_name_in_a_chinese_chat_is_answered_in_chinese(stack) -> None:
    customer = stack.customer(language_code="en")  # (her phone is set to English)
    [first] = await customer.says("你好 请问卫衣有灰色的吗")
    assert in_chinese(first.text), first.text
    # the product's English name, typed as it is on the page: still a Chinese chat
    [named] = await customer.says("Oversized Hoodie in Grey")
    assert in_chinese(named.text), named.text  # (it was answered in English)
    [both] = await customer.says("the Denim Jacket 有L码吗")
    assert in_chinese(both.text), both.text
    # an English sentence of hers switches it
    [english] = await customer.says("do you ship to hong kong?")
    assert not in_chinese(english.text), english.text
