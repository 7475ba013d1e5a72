"""Questions asked with an order's card in view (issue "Finish the customer's job"), end to end
through the fake Bot API, the real worker and RabbitMQ: "哪个快递" / "which courier?" is that
order's courier (and its tracking number once shipped), not the shop's couriers in general; an
address change asked with a shipped order's card shown is refused first and plainly, not met
with a list of the other orders or a question for the new address."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from worker.db.models import Order, Product

FRESH_SHIPPED = {"paid_ago": timedelta(days=2), "shipped_ago": timedelta(days=1)}
"""On its way, not late (a late parcel's card offers the chase first)."""


async def test_which_courier_is_the_shipped_orders_own_zh(stack) -> None:
    order = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, courier="顺丰", **FRESH_SHIPPED
    )
    customer = stack.customer()
    [card] = await customer.says(f"{order.order_no} {order.phone[-4:]}")
    assert order.order_no in card.text
    [courier] = await customer.says("哪个快递")
    row = await order_row(stack, order.order_no)
    assert courier.text == stack.shown(
        stack.t(
            "order.courier_of.shipped",
            order_no=order.order_no,
            courier=stack.replies.courier_name("顺丰", "zh_CN"),
            tracking_no=row.tracking_no,
        )
    )
    assert "默认" not in courier.text  # not the shop's couriers in general


async def test_which_courier_of_an_order_not_shipped_yet_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular",
        state="paid",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
        paid_ago=timedelta(hours=3),
    )
    [card] = await customer.says(order.order_no)
    assert order.order_no in card.text
    [courier] = await customer.says("which courier?")
    default = stack.replies.policy.shipping.default_courier.name.get("en")
    assert courier.text == stack.t(
        "order.courier_of.pending", "en", order_no=order.order_no, courier=default
    )
    # with no order in view, the shop's couriers as before
    [general] = await stack.customer(language_code="en").says("which courier do you use?")
    assert order.order_no not in general.text and default in general.text


async def test_an_address_change_with_a_shipped_card_in_view_is_refused_first_zh_and_en(
    stack,
) -> None:
    customer = stack.customer()
    shipped = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
        **FRESH_SHIPPED,
    )
    # she has an order not shipped yet too: still, the card in view is the one meant
    await give_another_unshipped_order(stack, shipped.order_no)
    before = (await order_row(stack, shipped.order_no)).address
    [card] = await customer.says(shipped.order_no)
    assert shipped.order_no in card.text
    # the refusal at once: not the card again, not the other orders' list, not "new address?"
    [refused] = await customer.says("我想改一下收货地址")
    assert refused.text == stack.t("address.refused.already_shipped")
    assert refused.button("人工")
    assert (await order_row(stack, shipped.order_no)).address == before
    # the new address typed to that offer (the lead's console round, session 15: "did you
    # mean…?"): she still wants it sent there — a person, with her words; the order unchanged
    [opened] = await customer.says("改成杭州市西湖区文三路100号")
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.ticket_no in opened.text
    assert (await order_row(stack, shipped.order_no)).address == before

    english = stack.customer(language_code="en")
    other = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        telegram_user_id=english.user_id,
        **FRESH_SHIPPED,
    )
    await english.says(other.order_no)
    await english.says("ok")  # acknowledged: the card is still the one in view
    [refused] = await english.says("can I change the delivery address?")
    assert refused.text == stack.t("address.refused.already_shipped", "en")


async def order_row(stack, order_no: str) -> Order:
    async with stack.shop.db.read() as session:
        return (await session.scalars(select(Order).where(Order.order_no == order_no))).one()


async def give_another_unshipped_order(stack, order_no: str) -> str:
    """A paid order made, then handed to the customer of ``order_no``."""
    paid = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(hours=3)
    )
    async with stack.shop.db.write() as session:
        mine = (await session.scalars(select(Order).where(Order.order_no == order_no))).one()
        row = (await session.scalars(select(Order).where(Order.order_no == paid.order_no))).one()
        row.customer_id = mine.customer_id
    return paid.order_no


# ── an exchange to what the item doesn't come in ─────────────────────────────────────────────


async def test_an_exchange_to_a_colour_it_does_not_come_in_says_so_and_lists_zh(stack) -> None:
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=timedelta(days=1),
        telegram_user_id=customer.user_id,
    )
    _rules, sizes = await customer.says("我想换货", replies=2)
    assert order.order_no in sizes.text and sizes.inline_buttons
    [plain] = await customer.says("换成紫色的")
    # said plainly, with what it comes in (the test shop's sizes and colours)
    assert "没有 紫色" in plain.text
    assert "S、M、L、XL" in plain.text and "黑色、白色" in plain.text
    assert "吊牌" not in plain.text  # not on to the condition as if purple were fine
    # what is in stock to pick from: the exchange goes on with the one picked
    # (one confirmation since conv9: the item, the sizes, the condition rule and the price)
    [quote] = await customer.presses_data(
        plain,
        next(b.callback_data for row in plain.inline_buttons for b in row if b.text == "L / 白色"),
    )
    assert "L / 白色" in quote.text and quote.button("确认换货")


async def test_an_exchange_to_a_size_it_does_not_come_in_en(stack) -> None:
    customer = stack.customer(language_code="en")
    await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=timedelta(days=1),
        telegram_user_id=customer.user_id,
    )
    *_, plain = await customer.says("I'd like to exchange it for a XXL please", replies=2)
    assert "doesn't come in XXL" in plain.text
    assert "S, M, L, XL" in plain.text and "is that right" not in plain.text
    assert plain.inline_buttons


# ── "true to size?" about the item in view ──────────────────────────────────────────────────


async def test_runs_large_after_an_order_card_is_about_its_item_zh(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped", **FRESH_SHIPPED)
    customer = stack.customer()
    [card] = await customer.says(f"{order.order_no} {order.phone[-4:]}")
    assert order.order_no in card.text
    [fit] = await customer.says("偏大吗")
    name = await product_name(stack, order.product_id)
    assert fit.text.startswith(stack.shown(stack.t("size.true_to_size", product=name)))
    assert stack.t("size.true_to_size.advice") in fit.text
    # with no card in view: the shop's sizing in general, as before
    [general] = await stack.customer().says("你们衣服偏大吗")
    assert name not in general.text and general.text == stack.answer("size.fit")


async def test_true_to_size_after_a_product_is_about_that_product_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [colours] = await customer.says("what colours does the hoodie come in?")
    assert "Hoodie" in colours.text
    [fit] = await customer.says("is it true to size?")
    said = stack.t("size.true_to_size", "en", product="Pullover Hoodie")
    assert fit.text.startswith(stack.shown(said))
    assert stack.t("size.true_to_size.advice", "en") in fit.text


async def product_name(stack, product_id: int) -> str:
    async with stack.shop.db.read() as session:
        return (await session.get(Product, product_id)).name
