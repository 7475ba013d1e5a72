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


async def test_an_address_to_change_beside_a_coupon_question_leads_and_is_done(stack) -> None:
    """Found holding the console: "付完款才看见地址选错了，顺便问下优惠券能不能叠加？" was read as
    the coupon question, the address change only a button. The job leads (her one paid order shown,
    the new address asked for), the coupon question is answered first as when asked alone (the
    job's question last: the one she answers next), and the address typed next is the one
    changed."""
    order = await stack.make_order(kind="regular", state="paid")
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    *coupons, card, ask = await customer.says(
        "付完款才看见地址选错了，顺便问下优惠券能不能叠加？", replies=4
    )
    assert order.order_no in card.text
    assert ask.text == stack.t("address.ask_new")
    alone = await stack.customer().says("顺便问下优惠券能不能叠加？", replies=2)
    assert [m.text for m in coupons] == [m.text for m in alone]
    [parsed] = await customer.says("浙江省杭州市西湖区文三路100号 王芳 13900001111")
    [done] = await customer.presses(parsed, "没问题")
    assert done.text == stack.t(
        "address.done_full",
        name="王芳",
        phone="139****1111",  # masked as the order's own receiver is
        region="浙江 杭州市 西湖区",
        street="文三路100号",
    )
    await customer.hears_nothing_more()


async def test_two_policy_questions_with_only_a_space_between_both_answered(stack) -> None:
    """Jobs batch 7: "退货有几天期限 退回来的运费谁付" (no question mark, no "还有") heard only who
    pays the postage. Cut at the space, each question with its question word, the return rules
    (the 7 days) are said first, then the postage."""
    customer = stack.customer()
    rules, postage = await customer.says("问下你们家退货有几天期限 退回来的运费谁付", replies=2)
    assert "7 天" in rules.text
    assert postage.text == stack.answer("returns.postage")
    await customer.hears_nothing_more()


async def test_whether_custom_made_items_are_refunded_is_answered_en(stack) -> None:
    """Jobs batch 7: "do you refund custom made stuff?" (the engine torn between a refund's
    progress and returns) heard "did you mean…?". It is the return rule for custom-made items:
    the policy's no first."""
    customer = stack.customer(language_code="en")
    [answer] = await customer.says("quick question, do you refund custom made stuff?")
    assert answer.text.startswith("No") and "custom" in answer.text.lower()
    assert "exchange" in answer.text.lower()  # what she can do instead
    # her own item is a return to make, never this rule
    [other] = await stack.customer(language_code="en").says(
        "i want a refund on the silk shirt i just got"
    )
    assert not other.text.startswith("No")
