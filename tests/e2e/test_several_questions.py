"""Several questions in one message: each answered, in the order asked, through the real
dispatcher and aiogram's HTTP client against the fake Bot API."""

from __future__ import annotations


async def test_two_questions_get_two_answers_in_the_order_asked(stack) -> None:
    customer = stack.customer()
    courier, delivery = await customer.says("发什么快递？多久能到", replies=2)
    assert courier.text == stack.answer("shipping.courier")
    assert "天送到" in delivery.text
    english = stack.customer(language_code="en")
    courier, region = await english.says(
        "what courier do you use? also do you ship to canada", replies=2
    )
    assert courier.text.startswith("Our default courier is")
    assert region.text.startswith("Yes.") and "EMS" in region.text


async def test_the_region_asked_about_counts_for_the_next_question_too(stack) -> None:
    customer = stack.customer()
    can, how_long = await customer.says("能寄到美国吗 要多久", replies=2)
    assert can.text.startswith("可以。") and "EMS" in can.text
    assert how_long.text.startswith("寄往海外")  # the time overseas, not the mainland's


async def test_a_stock_question_and_a_discount_question(stack) -> None:
    """Found holding the console: only one of the two was answered (or "did you mean")."""
    customer = stack.customer()
    which, discount, supervisor = await customer.says(
        "在吗 我想问下连衣裙有S码吗 还有能便宜点吗", replies=3
    )
    assert which.button("雪纺碎花连衣裙")  # the stock question: which dress
    assert "会员折扣" in discount.text and supervisor.button("转人工客服")
    await customer.hears_nothing_more()


async def test_a_job_asked_beside_is_a_button_that_asks_it(stack) -> None:
    customer = stack.customer()
    discount, _supervisor, offer = await customer.says("能便宜点吗？还有能开发票吗", replies=3)
    assert "会员折扣" in discount.text
    assert "开发票" in offer.text
    [answer] = await customer.presses(offer, "开发票")
    assert "发票" in answer.text and "会员折扣" not in answer.text
