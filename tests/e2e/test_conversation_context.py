"""Conversation context end to end (issue 8 item 5, issue 13 item 8): a follow-up fragment is
read in the chat's topic and keeps its slots — through the fake Bot API, the real worker and
RabbitMQ, in Chinese and English — and a clear new question is never moved by it."""

from __future__ import annotations

import pytest

from tests.fakes.telegram_api import SentMessage

EXPLAINED = "我在M和L之间纠结，卫衣选哪个"


def asked_lines(stack, size: str, locale: str) -> list[str]:
    """What the bot may say about a size asked after advice: it fits, looser or tighter."""
    sizes = ("XS", "S", "M", "L", "XL", "XXL", "XXXL")
    lines = [stack.t("size.asked.fits", locale, size=size)]
    for other in sizes:
        lines.append(stack.t("size.asked.looser", locale, size=size, suggested=other))
        lines.append(stack.t("size.asked.tighter", locale, size=size, suggested=other))
    return lines


def advice_of(message: SentMessage) -> str:
    """The advice under the product's name (and under a line about an asked size)."""
    return message.text.split("\n", 1)[1]


# -- shipping: "What about Beijing?" -----------------------------------------------------------


async def test_what_about_beijing_after_free_shipping_to_shanghai_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [shanghai] = await customer.says("Is shipping free to Shanghai?")
    assert shanghai.text == stack.answer("shipping.fee", "en", region="上海")
    [beijing] = await customer.says("What about Beijing?")
    assert beijing.text == stack.answer("shipping.fee", "en", region="北京")


async def test_beijing_ne_after_free_shipping_to_shanghai_zh(stack) -> None:
    customer = stack.customer()
    [shanghai] = await customer.says("寄上海包邮吗")
    assert shanghai.text == stack.answer("shipping.fee", region="上海")
    [xinjiang] = await customer.says("那新疆呢")
    assert xinjiang.text == stack.answer("shipping.fee", region="新疆")


# -- returns: "那运费呢" ---------------------------------------------------------------------------


async def test_postage_fragment_after_a_returns_answer_is_return_postage_zh(stack) -> None:
    customer = stack.customer()
    [rules] = await customer.says("不合适怎么退货")
    assert rules.text == stack.answer("returns.return")
    [postage] = await customer.says("那运费呢")
    assert postage.text == stack.answer("returns.postage")
    # the same words without the returns answer before them ask about shipping
    fresh = stack.customer()
    [shipping] = await fresh.says("那运费呢")
    assert shipping.text != stack.answer("returns.postage")


async def test_postage_fragment_after_a_returns_answer_is_return_postage_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [rules] = await customer.says("how do I send something back if it doesn't fit?")
    assert rules.text == stack.answer("returns.return", "en")
    [postage] = await customer.says("and the postage?")
    assert postage.text == stack.answer("returns.postage", "en")


# -- size: "XL行不", "那L呢" after advice keep the product and the body ------------------------


async def test_a_size_fragment_after_size_advice_keeps_the_product_and_body_zh(stack) -> None:
    customer = stack.customer()
    [advice] = await customer.says("纯棉圆领T恤 170 60公斤穿什么码")
    assert advice.text.startswith("纯棉圆领T恤\n")
    [xl] = await customer.says("XL行不")
    product, asked, rest = xl.text.split("\n", 2)
    assert product == "纯棉圆领T恤"  # no "which item?" and no "how tall?": both carried over
    assert asked in asked_lines(stack, "XL", "zh_CN")
    assert advice.text.endswith(rest)
    [l_size] = await customer.says("那L呢")
    product, asked, rest = l_size.text.split("\n", 2)
    assert product == "纯棉圆领T恤" and asked in asked_lines(stack, "L", "zh_CN")
    assert advice.text.endswith(rest)


async def test_a_size_fragment_after_size_advice_keeps_the_product_and_body_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [advice] = await customer.says("纯棉圆领T恤, I'm 170 cm and 60 kg, which size?")
    assert advice.text.startswith("Cotton Crew-neck T-shirt\n")  # its English name
    [xl] = await customer.says("what about XL?")
    product, asked, rest = xl.text.split("\n", 2)
    assert product == "Cotton Crew-neck T-shirt"
    assert asked in asked_lines(stack, "XL", "en")
    assert advice.text.endswith(rest)


async def test_the_same_size_question_for_another_product_keeps_the_body_en(stack) -> None:
    """Found holding the console: "what about the jeans" after size advice for the hoodie got
    "did you mean…?"; it is the same question for the jeans, for the same body."""
    customer = stack.customer(language_code="en")
    [hoodie] = await customer.says("I'm 170cm and 65kg, what size should I take for the hoodie?")
    assert hoodie.text.startswith("Pullover Hoodie\n")
    [jeans] = await customer.says("what about the jeans")
    assert jeans.text.startswith("High-waist Jeans\n")  # advice, not "your height?" again
    assert jeans.text != stack.t("ask.body", "en")


async def test_the_same_size_question_for_another_product_keeps_the_body_zh(stack) -> None:
    customer = stack.customer()
    [hoodie] = await customer.says("我175 70公斤 卫衣穿什么码")
    assert hoodie.text.startswith("连帽卫衣\n")
    [jeans] = await customer.says("那牛仔裤呢")
    assert jeans.text.startswith("高腰牛仔裤\n")


@pytest.mark.parametrize(
    ("language", "first", "body", "follow_up", "locale"),
    [
        ("zh-hans", EXPLAINED, "175 65公斤", "那L呢", "zh_CN"),
        ("en", "I can't decide between M and L for the hoodie", "175cm 65kg", "and L?", "en"),
    ],
)
async def test_the_hoodie_is_kept_for_the_next_size_question(
    stack, language, first, body, follow_up, locale
) -> None:
    customer = stack.customer(language_code=language)
    replies = await customer.says(first)
    assert replies  # asks for height and weight
    answer = await customer.says(body)
    last = answer[-1]
    hoodie = "连帽卫衣" if locale == "zh_CN" else "Pullover Hoodie"  # in the customer's language
    if any(hoodie in button.text for row in last.inline_buttons for button in row):
        [advice] = await customer.presses(last, hoodie)
    else:
        advice = last
    assert advice.text.startswith(f"{hoodie}\n")
    [again] = await customer.says(follow_up)
    product, asked, rest = again.text.split("\n", 2)
    assert product == hoodie  # the hoodie, not "which item?"
    assert asked in asked_lines(stack, "L", locale)
    assert advice.text.endswith(rest)


# -- a clear new question is never moved by the topic --------------------------------------------


async def test_a_clear_new_question_is_answered_as_itself_after_a_topic(stack) -> None:
    customer = stack.customer()
    [rules] = await customer.says("不合适怎么退货")
    assert rules.text == stack.answer("returns.return")
    [courier] = await customer.says("发什么快递")
    assert courier.text == stack.answer("shipping.courier")
    [advice] = await customer.says("纯棉圆领T恤 170 60公斤穿什么码")
    assert advice.text.startswith("纯棉圆领T恤\n")
    [color] = await customer.says("有色差吗")
    assert color.text.startswith(stack.answer("color.difference"))

    english = stack.customer(language_code="en")
    [rules] = await english.says("how do I send something back if it doesn't fit?")
    assert rules.text == stack.answer("returns.return", "en")
    [delivery] = await english.says("How long does delivery take?")
    assert delivery.text == stack.answer("shipping.delivery_time", "en")
