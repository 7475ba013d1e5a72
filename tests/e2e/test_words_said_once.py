"""What the customer said once is not asked for again (blind jobs batch 4), end to end through
the fake Bot API, the real worker and RabbitMQ: a fit told in passing ("T恤有点小 退了吧") is the
return's reason; the condition told where the reason was asked ("unworn, tags still on") goes
on to the terms — the return needs no reason in its window, and "why?" asked again and again
kept her there for good."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from worker.db.models import Order, Return

T_SHIRT = 1  # the demo catalogue's first product


async def returns_of(stack, order_no: str) -> list[Return]:
    async with stack.shop.db.read() as session:
        found = await session.scalars(
            select(Return)
            .join(Order)
            .where(Order.order_no == order_no)
            .options(selectinload(Return.items))
        )
        return list(found)


async def test_a_fit_told_in_passing_is_the_returns_reason_zh(stack) -> None:
    order = await stack.make_order(
        kind="regular", product_id=T_SHIRT, delivered_ago=timedelta(days=2), also=("regular",)
    )
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [fit] = await customer.says("T恤有点小 退了吧")
    # the T-shirt of two items, and no "why?": on to the item's condition
    assert stack.t("returns.fit_question") in fit.text, fit.text
    assert "纯棉圆领T恤" in fit.text
    [quote] = await customer.says("一次没穿过 吊牌在")
    [done] = await customer.presses(quote, "确认退货")
    [record] = await returns_of(stack, order.order_no)
    assert record.return_no in done.text and record.cause == "size"


async def test_the_condition_told_where_the_reason_was_asked_goes_on_en(stack) -> None:
    order = await stack.make_order(
        kind="regular", product_id=T_SHIRT, delivered_ago=timedelta(days=2), also=("regular",)
    )
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [why] = await customer.says("i want to send back only the t-shirt")
    assert "Could you tell me why?" in why.text and "T-shirt" in why.text, why.text
    [quote] = await customer.says("unworn, tags still on")
    assert quote.button("Confirm the return"), quote.text
    [done] = await customer.presses(quote, "Confirm the return")
    [record] = await returns_of(stack, order.order_no)
    assert record.return_no in done.text
    # a bare "yes" to "why?" answers nothing: asked again, nothing recorded
    again = await stack.make_order(
        kind="regular", product_id=T_SHIRT, delivered_ago=timedelta(days=2), also=("regular",)
    )
    other = stack.customer(language_code="en")
    await other.shares_contact(again.phone)
    await other.says("i want to send back only the t-shirt")
    [asked] = await other.says("yes")
    assert asked.text == stack.t("returns.ask_cause_again", "en")
    assert not await returns_of(stack, again.order_no)


async def test_a_question_at_the_exchanges_confirmation_is_answered_and_it_waits_on_zh(stack):
    """ "换货运费谁出啊 能用微信付吗" at the one confirmation of "换成L码" was taken for the L said
    back (the turn's size was the topic's): "好的，明白了" — the question never answered."""
    order = await stack.make_order(kind="custom", state="shipped", size="M", target_stock=3)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    replies = await customer.says("想换成L码", replies=2)
    confirm = replies[-1]
    assert confirm.button("确认换货"), confirm.text
    # two questions (jobs batch 4, conv11): both answered, the exchange waiting at its question
    answer, paying, pointer = await customer.says("换货运费谁出啊 能用微信付吗", replies=3)
    assert answer.text != stack.t("exchange.condition_noted_confirm")
    assert "运费" in answer.text and paying.text.startswith("支持")
    assert "还在等您" in pointer.text  # and the exchange waits on at its confirmation
    await customer.presses(confirm, "确认")
    [exchange] = await stack.exchanges(order.order_no)
    assert exchange.new_variant.size == "L"


async def test_a_complaint_that_turns_into_a_return_keeps_its_item_and_fault_zh(stack) -> None:
    """ "T恤才穿一次就开线了" … a photo … "不想换了 直接退货退款吧": the return's rules were
    answered and then "which item?" asked, of a two-item order, as if nothing had been said."""
    order = await stack.make_order(
        kind="regular", product_id=T_SHIRT, delivered_ago=timedelta(days=2), also=("regular",)
    )
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    await customer.says("你们这什么质量 T恤才穿一次就开线了 太差了")
    await customer.sends_photo()
    # (straight to the return: the rules in general no longer come first — session 20)
    [quote] = await customer.says("不想换了 直接退货退款吧")
    assert quote.button("确认退货"), quote.text
    assert "纯棉圆领T恤" in quote.text
    [done] = await customer.presses(quote, "确认退货")
    [record] = await returns_of(stack, order.order_no)
    assert record.return_no in done.text
    assert record.cause == "quality"
    assert [line.order_item_id for line in record.items] == [order.item_id]


async def test_back_to_her_colour_and_one_size_up_at_the_confirmation_zh(stack) -> None:
    """ "白T恤想换成灰色的" quoted grey M, then "等下 颜色还是白的吧 我就换大一码 L": the L beside
    the step was lost — white M quoted, refused as "the same as the one you have"."""
    order = await stack.make_order(kind="regular", size="M", delivered_ago=timedelta(days=2))
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    other = "白色" if order.color != "白色" else "黑色"  # (a test product comes in both)
    replies = await customer.says(f"想换成{other}的", replies=2)
    assert replies[-1].button("确认换货"), replies[-1].text
    assert f"M / {other}" in replies[-1].text, replies[-1].text
    [quote] = await customer.says(f"等下 颜色还是{order.color}吧 我就换大一码 L")
    assert f"L / {order.color}" in quote.text, quote.text
    await customer.presses(quote, "确认")
    [exchange] = await stack.exchanges(order.order_no)
    assert (exchange.new_variant.size, exchange.new_variant.color) == ("L", order.color)
