"""End to end through the fake Bot API, the real worker and RabbitMQ: a customer who turns her
job around in the middle of it. A cancel asked back and stopped with something else asked
instead ("先别取消 其实是买小了 改成L"), a person asked for while the bot waits on a size
("算了 给我转个人工吧")."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from worker.db.models import Order, OrderItem, Product, Return


async def order_now(stack, order_no: str) -> Order:
    async with stack.shop.db.read() as session:
        return (
            await session.scalars(
                select(Order)
                .where(Order.order_no == order_no)
                .options(selectinload(Order.items).joinedload(OrderItem.variant))
            )
        ).unique().one()


async def test_a_cancel_stopped_for_a_size_change_keeps_the_order_and_changes_it_zh(
    stack,
) -> None:
    """The 取消 inside "先别取消" was read as the cancel asked again: the order was cancelled
    and refunded, and the size change she asked for instead was lost."""
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    _card, confirm = await customer.says(f"帮我取消订单 {order.order_no}", replies=2)
    assert "确定要取消订单" in confirm.text
    kept, asked = await customer.says("等下 先别取消 其实是买小了 改成L可以吗", replies=2)
    assert kept.text == stack.t("order.cancel.kept")
    assert "L" in asked.text and asked.inline_buttons  # the change said back first
    assert (await order_now(stack, order.order_no)).state == "paid"
    await customer.says("可以 改吧")
    changed = await order_now(stack, order.order_no)
    assert changed.state == "paid" and changed.closed_at is None
    assert [i.variant.size for i in changed.items] == ["L"]


async def test_a_cancel_stopped_in_english_keeps_the_order(stack) -> None:
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    await customer.says(f"cancel order {order.order_no}", replies=2)
    [kept] = await customer.says("wait, don't cancel it yet")
    assert kept.text == stack.t("order.cancel.kept", "en")
    assert (await order_now(stack, order.order_no)).state == "paid"


async def test_a_person_asked_while_a_size_is_awaited_is_the_person_zh(stack) -> None:
    """ "给我转个人工吧" (转 and 人工 apart) was not heard as a person asked for: the size
    picker was asked again and nobody was told."""
    order = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=timedelta(days=2)
    )
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [sizes] = await customer.says(f"订单 {order.order_no} 我想换个码")
    assert "想换成哪个尺码或颜色" in sizes.text
    replies = await customer.says("算了 太麻烦了 给我转个人工吧")
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.ticket_no in replies[-1].text


async def test_a_return_asked_beside_its_reason_is_the_return_zh_and_en(stack) -> None:
    """ "腰太大了 退了吧", "i'd like to return it, too tight": the engine read the size the
    reason names, and the size chart's advice answered a return asked for."""
    order = await stack.make_order(kind="regular", state="shipped", delivered_ago=timedelta(days=2))
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    _policy, asked = await customer.says("这条裤子腰太大了 退了吧", replies=2)
    assert "想退的是" in asked.text and asked.button("是的")  # tags on, unworn?
    english = stack.customer(language_code="en")
    other = await stack.make_order(kind="regular", state="shipped", delivered_ago=timedelta(days=2))
    await english.shares_contact(other.phone)
    [asked] = await english.says(
        "I'd like to return my trousers, they're too tight around the waist"
    )
    assert asked.text.startswith("Returning") and asked.button("Yes")


async def test_the_items_condition_told_early_is_noted_not_a_complaint_en(stack) -> None:
    """ "nope never wore it, tags on" at "which item?" opened a complaint ticket for a
    supervisor; it is the item's condition, and the question is asked again."""
    order = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=timedelta(days=2), also=("regular",)
    )
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [which] = await customer.says(f"i want to return something from order {order.order_no}")
    assert which.button("All")
    [noted] = await customer.says("nope never wore it, tags on")
    assert noted.text.startswith(stack.t("exchange.condition_noted", "en"))
    assert await stack.tickets(customer.user_id) == []


async def test_an_exchange_into_light_blue_is_light_blue_en(stack) -> None:
    """ "light blue in L" was read as plain blue: "it doesn't come in blue", and the exchange
    was said back in the colour she already had."""
    async with stack.shop.db.read() as session:
        shirt = (
            await session.scalars(select(Product).where(Product.name == "定制真丝衬衫"))
        ).one()
    order = await stack.make_order(
        kind="custom", product_id=shirt.id, delivered_ago=timedelta(hours=5)
    )
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    replies = await customer.says(
        f"can i exchange the shirt from order {order.order_no} for light blue in L?"
    )
    said = "\n".join(r.text for r in replies)
    assert "L / light blue" in said and "doesn't come in" not in said


async def test_money_taken_twice_goes_to_a_person_with_a_ticket_zh_and_en(stack) -> None:
    """ "扣了两次钱" heard "did you mean: ways to pay / refund progress?" and nobody looked at
    her money: only the payment records tell, so a person does, with a ticket."""
    customer = stack.customer()
    said = await customer.says("刚才付款扣了两次钱 只买了一件 多的那笔怎么办", replies=2)
    assert said[0].text == stack.t("person.payment_problem.no_desk")
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.ticket_no in said[1].text
    english = stack.customer(language_code="en")
    said = await english.says("hi, my card got charged twice for the same order", replies=2)
    assert said[0].text == stack.t("person.payment_problem.no_desk", "en")
    assert len(await stack.tickets(english.user_id)) == 1


async def test_a_courier_asked_while_the_address_waits_keeps_the_address_zh(stack) -> None:
    """ "能发顺丰吗" at "send me the new address" was answered as "which courier is it going
    with", the address step dropped: the address typed next was read as a question of its own
    and never changed."""
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    replies = await customer.says(f"订单 {order.order_no} 地址填错了", replies=2)
    assert "新的收货地址" in replies[-1].text
    answer, back = await customer.says("能发顺丰吗", replies=2)
    assert "顺丰" in answer.text and "还在等您" in back.text  # the policy's answer, then back
    [shown] = await customer.says("广东省广州市天河区体育西路103号维多利广场A塔2201")
    assert "体育西路103号" in shown.text and shown.inline_buttons
    await customer.says("对")
    assert "体育西路103号" in (await order_now(stack, order.order_no)).address


async def test_whether_an_unpaid_order_is_cancelled_is_answered_by_the_rule_zh_and_en(
    stack,
) -> None:
    """ "if i can't pay today will the order get cancelled?" heard "send me your order
    number" (a cancel to start); it asks the rule: unpaid, it closes by itself."""
    hours = stack.replies.policy.orders.unpaid_close_hours
    english = stack.customer(language_code="en")
    [said] = await english.says("if i can't pay today will the order get cancelled?")
    assert said.text == stack.t("order.unpaid_closes", "en", hours=hours)
    customer = stack.customer()
    [said] = await customer.says("不付款的话订单会自动取消吗")
    assert said.text == stack.t("order.unpaid_closes", hours=hours)


async def test_how_she_washed_it_at_the_return_keeps_the_return_zh(stack) -> None:
    """ "按洗标冷水洗的" at the quality return's "确认退货" was read as a fabric question: "which
    product?", and her "确认" after it never made the return."""
    order = await stack.make_order(kind="regular", state="shipped", delivered_ago=timedelta(days=2))
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    replies = await customer.says(f"{order.order_no} 洗了一次就缩水了 这质量我要退货", replies=2)
    assert replies[-1].button("确认退货")
    [noted] = await customer.says("按洗标冷水洗的")
    assert noted.text.startswith(stack.t("exchange.condition_noted"))
    [done] = await customer.says("确认")
    assert "RT" in done.text
    async with stack.shop.db.read() as session:
        returns = await session.scalars(select(Return).join(Order).where(
            Order.order_no == order.order_no))
        assert len(returns.all()) == 1
