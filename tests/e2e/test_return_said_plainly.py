"""A return said plainly in words the engine was unsure of (jobs batch 8, session 18), end to end
through the fake Bot API, the real worker and RabbitMQ: "need to send back the jeans from my
last order, keeping the tshirt tho" and "i want a refund on the silk shirt i just got" heard
"did you mean…?". They are returns of her item: the return starts on it (the jeans' reason
asked; the custom-made shirt refused up front with its exchange offered)."""

from __future__ import annotations

from sqlalchemy import select

from tests.e2e.test_address_in_pieces import name_second_item
from tests.e2e.test_named_item_jobs import name_product
from worker.db.models import Order


async def test_send_back_the_jeans_keeping_the_tee_starts_their_return_en(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped", also=("regular",))
    await name_product(stack, order.product_id, "纯棉圆领T恤", "Cotton Crew-neck T-shirt")
    await name_second_item(stack, order, "高腰牛仔裤", "High-waist Jeans")
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [asked] = await customer.says(
        "need to send back the jeans from my last order, keeping the tshirt tho"
    )
    assert asked.text != stack.t("clarify.header", "en")
    assert "High-waist Jeans" in asked.text and "T-shirt" not in asked.text


async def test_a_refund_on_her_custom_shirt_is_its_return_refused_en(stack) -> None:
    order = await stack.make_order(kind="custom", state="shipped")
    await name_product(stack, order.product_id, "定制真丝衬衫", "Custom Silk Shirt")
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [refused] = await customer.says("i want a refund on the silk shirt i just got")
    assert refused.text != stack.t("clarify.header", "en")
    assert order.order_no in refused.text and "exchange" in refused.text.lower()


async def test_a_cancel_with_its_refund_time_asked_beside_is_the_cancel_zh(stack) -> None:
    """Batch 8: "卫衣那单不要了 取消 钱几天能退回来" (the engine torn between a return, the cancel
    and a refund's progress) heard "did you mean…?". It is the cancel of her unshipped order,
    asked back with what was paid and that it goes back the way it came."""
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    await name_product(stack, order.product_id, "连帽卫衣", "Pullover Hoodie")
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    said = await customer.says("卫衣那单不要了 取消 钱几天能退回来", replies=2)
    confirm = said[-1]
    assert confirm.button("确认取消订单") and "原路退回" in confirm.text, confirm.text
    [_done] = await customer.presses(confirm, "确认取消订单")
    async with stack.shop.db.read() as session:
        row = (await session.scalars(select(Order).where(Order.order_no == order.order_no))).one()
    assert row.state == "closed"
