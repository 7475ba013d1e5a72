"""End to end in Chinese and English: offers answered by typing a bare yes or no (the urge of
a late order, a person for a discount), and a "no thanks" that leaves them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from worker.db.models import Order, OrderUrge


async def urges_of(stack, order_no: str) -> int:
    async with stack.shop.db.read() as session:
        found = await session.scalars(
            select(OrderUrge).join(Order).where(Order.order_no == order_no)
        )
        return len(found.all())


# ── a pending offer answered by a bare yes or no ───────────────────────────────────────────


async def test_a_late_order_is_urged_by_a_typed_yes_zh(stack) -> None:
    order = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(days=35)
    )
    customer = stack.customer()
    await customer.shares_contact(order.phone, replies=1)
    _card, flagged = await customer.says(f"{order.order_no} 怎么还没发货", replies=2)
    assert "要我现在帮您催一下仓库吗" in flagged.text
    [urged] = await customer.says("好的")
    assert urged.text == stack.t("order.urged.dispatch")
    assert await urges_of(stack, order.order_no) == 1
    assert await stack.tickets(customer.user_id) == []  # the urge, not a person


async def test_a_long_transit_is_chased_by_ok_sure_en(stack) -> None:
    order = await stack.long_in_transit_order()
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone, replies=1)
    _card, flagged = await customer.says(f"where is my order {order.order_no}", replies=2)
    assert "Shall I chase the courier now?" in flagged.text
    [urged] = await customer.says("ok sure")
    assert urged.text == stack.t("order.urged.delivery", "en")
    assert await urges_of(stack, order.order_no) == 1


async def test_a_person_offered_is_taken_by_yes_and_left_by_no(stack) -> None:
    customer = stack.customer()
    _, offer = await customer.says("能便宜点吗", replies=2)
    assert offer.text == stack.t("bargain.ask_supervisor")
    [opened] = await customer.says("要的")
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.reason == "discount" and ticket.ticket_no in opened.text
    english = stack.customer(language_code="en")
    _, offer = await english.says("can you do a better price?", replies=2)
    assert offer.text == stack.t("bargain.ask_supervisor", "en")
    [declined] = await english.says("no thanks")
    assert declined.text == stack.t("offer.declined", "en")
    assert await stack.tickets(english.user_id) == []
    # a yes after another turn answers nothing any more: as before, no ticket
    await english.says("yes please")
    assert await stack.tickets(english.user_id) == []


async def test_a_supervisor_offered_is_taken_by_ask_them_for_me_even_past_a_contact(stack) -> None:
    """Jobs batch 5: the contact shared unasked after "shall I ask a supervisor?" took the
    offer with it, and "行 那麻烦帮我问一下" was the chat's goodbye."""
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer()
    _, offer = await customer.says("能便宜点吗", replies=2)
    assert offer.text == stack.t("bargain.ask_supervisor")
    await customer.shares_contact(order.phone)
    [opened] = await customer.says("好 那你替我问问吧")
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.reason == "discount" and ticket.ticket_no in opened.text
    english = stack.customer(language_code="en")
    _, offer = await english.says("can you do a better price?", replies=2)
    [opened] = await english.says("sure, check with your supervisor")
    [ticket] = await stack.tickets(english.user_id)
    assert ticket.ticket_no in opened.text


# ── ways to pay and coupons: yes or no by the policy ───────────────────────────────────────


async def test_a_way_to_pay_is_answered_yes_or_no_by_the_policy_zh_and_en(stack) -> None:
    customer = stack.customer()
    [huabei] = await customer.says("你们支持花呗吗")
    assert huabei.text.startswith("不支持。") and "花呗" in huabei.text
    assert "支付宝" in huabei.text  # what is accepted
    [wechat] = await customer.says("可以用微信付款吗")
    assert wechat.text.startswith("支持。")
    english = stack.customer(language_code="en")
    [paypal] = await english.says("can I pay with PayPal")
    assert paypal.text.startswith("No.") and "PayPal" in paypal.text and "Alipay" in paypal.text
    [cards] = await english.says("do you accept credit cards?")
    assert cards.text.startswith("Yes.")


async def test_coupons_the_policy_is_silent_on_get_an_honest_dont_know_and_a_person(stack) -> None:
    customer = stack.customer()
    answer, offer = await customer.says("有优惠券吗", replies=2)
    assert answer.text.startswith(stack.t("bargain.coupons_unknown"))
    assert offer.text == stack.t("bargain.ask_coupons")
    [opened] = await customer.says("好的")
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.reason == "discount" and ticket.ticket_no in opened.text
    english = stack.customer(language_code="en")
    answer, offer = await english.says("do you have discount codes", replies=2)
    assert answer.text.startswith(stack.t("bargain.coupons_unknown", "en"))
    [declined] = await english.says("no thanks")
    assert declined.text == stack.t("offer.declined", "en")


async def test_a_sale_event_the_policy_has_no_word_on_is_not_guessed(stack) -> None:
    """The lead's console round: "双十一有活动吗" got "our prices are fair" and the supervisor,
    as if she had asked to haggle."""
    customer = stack.customer()
    answer, offer = await customer.says("618搞不搞活动呀", replies=2)
    assert answer.text.startswith(stack.t("bargain.sales_unknown")) and "5%" in answer.text
    assert offer.text == stack.t("bargain.ask_sales")
    english = stack.customer(language_code="en")
    answer, offer = await english.says("will you have a black friday sale?", replies=2)
    assert answer.text.startswith(stack.t("bargain.sales_unknown", "en"))
    assert offer.button("Talk to a person")


async def test_the_difference_after_a_price_drop_goes_to_after_sales_with_her_order(stack) -> None:
    """The lead's console round (session 15): "我刚买的卫衣降价了 能退差价吗" got the member
    discounts and the supervisor offered, as if she were haggling. The demo policy says nothing
    on price protection: nothing promised, and her request handed to a person with her order."""
    order = await stack.make_order(kind="regular", state="paid")
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    said, opened = await customer.says("我前两天刚买的 今天就降价了 能退差价吗", replies=2)
    assert said.text == stack.t("bargain.price_difference.unknown") and "5%" not in said.text
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.reason == "discount" and ticket.ticket_no in opened.text
    english = stack.customer(language_code="en")
    said, offer = await english.says("do you do price protection?", replies=2)
    assert said.text == stack.t("bargain.price_difference.unknown", "en")
    assert offer.button("Talk to a person") and await stack.tickets(english.user_id) == []


# ── the same long answer asked again ───────────────────────────────────────────────────────


async def test_the_same_long_answer_asked_again_is_brief_and_points_back_zh(stack) -> None:
    customer = stack.customer()
    [full] = await customer.says("退货寄到哪里")
    assert "包裹里请放一张" in full.text
    [brief] = await customer.says("退货地址是哪里来着")
    assert brief.text.startswith("这个刚才回答过了") and "包裹里请放一张" not in brief.text
    assert "浙江省杭州市余杭区示范路 88 号" in brief.text  # the key line: the address itself
    assert brief.reply_to_message_id == full.message_id  # a reply to the first answer
    [opened] = await customer.says("要")  # the person it offers, taken by a bare yes
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.ticket_no in opened.text


async def test_the_same_yes_or_no_asked_again_keeps_its_no_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [full] = await customer.says("Can I return a custom-made item?")
    assert full.text.startswith("No.")
    [brief] = await customer.says("so can I return a custom-made item?")
    assert brief.text.startswith("I answered this just above")
    assert full.text.split("\n")[0] in brief.text and brief.reply_to_message_id == full.message_id
    [declined] = await customer.says("no thanks")
    assert declined.text == stack.t("offer.declined", "en")
    assert await stack.tickets(customer.user_id) == []


async def test_cancel_asked_back_is_kept_by_no_and_done_by_yes(stack) -> None:
    order = await stack.make_order(kind="regular", state="awaiting_payment", delivered_ago=None)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    _card, confirm = await customer.says(f"帮我取消订单 {order.order_no}", replies=2)
    assert "确定要取消订单" in confirm.text
    [kept] = await customer.says("不用了")
    assert kept.text == stack.t("order.cancel.kept")
    assert (await order_state(stack, order.order_no)) == "awaiting_payment"
    paid = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    english = stack.customer(language_code="en")
    await english.shares_contact(paid.phone)
    _card, confirm = await english.says(f"please cancel my order {paid.order_no}", replies=2)
    [done] = await english.says("yes please")
    assert "RF" in done.text
    assert (await order_state(stack, paid.order_no)) == "closed"


async def order_state(stack, order_no: str) -> str:
    async with stack.shop.db.read() as session:
        return (await session.scalars(select(Order).where(Order.order_no == order_no))).one().state


async def test_the_exchange_offered_instead_of_a_refused_return_starts_on_a_typed_yes(
    stack,
) -> None:
    order = await stack.make_order(kind="custom", state="shipped", delivered_ago=timedelta(hours=5))
    customer = stack.customer()
    # refused up front (no reason asked first), the one exchange offered instead
    [refused] = await customer.says(f"我要退货 {order.order_no} 尾号{order.phone[-4:]}")
    assert "要换吗" in refused.text and refused.button("换货")
    [offer] = await customer.says("嗯")
    assert offer.inline_buttons  # the exchange on that order: sizes in stock, or its condition
    assert not refused.inline_buttons  # the offer's buttons went once it was answered


async def test_a_size_said_to_the_exchange_offered_instead_of_a_refund_is_quoted_en(
    stack,
) -> None:
    """Jobs batch 5: "ok fine, then go ahead with the L" to the exchange offered after a
    custom item's refund was refused was "did you mean…?"; the size said is the exchange's."""
    order = await stack.make_order(
        kind="custom", state="shipped", delivered_ago=timedelta(hours=5), size="M"
    )
    customer = stack.customer(language_code="en")
    [refused] = await customer.says(
        f"i want a refund for {order.order_no}, last four {order.phone[-4:]}"
    )
    assert refused.button("Exchange instead")
    [quote] = await customer.says("alright then, an L please")
    assert "for L /" in quote.text and quote.button("Confirm exchange"), quote.text


async def test_a_bare_yes_or_no_to_nothing_asked_is_acknowledged_zh_and_en(stack) -> None:
    """ "yes" after the job was done (nothing offered, nothing waiting) heard "did you mean:
    hello / thanks / which colours?", then "shall I pass you to a colleague?"."""
    english = stack.customer(language_code="en")
    await english.says("do you ship to Canada?")
    for said in ("yes", "ok", "no"):
        [ack] = await english.says(said)
        assert ack.text == stack.t("ack.reply", "en"), said
    chinese = stack.customer()
    await chinese.says("发什么快递")
    [ack] = await chinese.says("对")
    assert ack.text == stack.t("ack.reply")


async def test_a_person_offered_for_a_proxy_swap_is_taken_by_yes_please_ask_en_zh(stack) -> None:
    """Jobs batch 13: "the wool cardigan (daigou one) is too big, can i swap it for an S" — a
    proxy purchase, refused, a supervisor offered — then "yes please ask": "did you mean…?".
    A yes, then what the person is to do: the ticket. "好的 帮我问问" likewise."""
    from tests.e2e.test_order_jobs import showcase

    proxy = await showcase(stack, "proxy")  # 代购日本羊毛开衫 M, delivered
    for language, asked, yes in (
        ("en", "the wool cardigan (daigou one) is too big, can i swap it for an S",
         "yes please ask"),
        ("zh-hans", "代购的羊毛开衫太大了 能换个S吗", "好的 帮我问问"),
    ):  # fmt: skip
        customer = stack.customer(language_code=language)
        await customer.shares_contact(proxy.customer_phone)
        said = await customer.says(asked)
        offer = said[-1]
        assert offer.button("Talk to a person" if language == "en" else "转人工客服"), offer.text
        [handed] = await customer.says(yes)
        assert await stack.tickets(customer.user_id), handed.text
