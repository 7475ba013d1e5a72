""" "so what are my options then?" right after the bot refused to change a shipped order's
address, end to end through the fake Bot API and the real worker: what she can still do —
the courier with its tracking number, sending it back after delivery as the policy allows,
a person — in her language. Found in blind jobs batch 5: it was "did you mean…?"."""

from __future__ import annotations

from datetime import timedelta


async def refused(stack, customer, text: str):
    order = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        shipped_ago=timedelta(days=1),
        courier="zto",
        telegram_user_id=customer.user_id,
    )
    said = await customer.says(text, replies=2)
    assert said[-1].text == stack.t(
        "address.refused.already_shipped", "en" if customer.language_code == "en" else "zh_CN"
    )
    return order


async def test_options_after_the_shipped_address_refusal_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await refused(stack, customer, "can you change the address on my order, im away")
    [options] = await customer.says("so what are my options then?")
    assert options.text.startswith(f"Here's what you can still do with order {order.order_no}")
    async with stack.shop.db.read() as session:
        from sqlalchemy import select

        from worker.db.models import Order

        tracking = await session.scalar(
            select(Order.tracking_no).where(Order.order_no == order.order_no)
        )
    assert tracking and tracking in options.text and "ZTO" in options.text
    assert "7 days" in options.text and options.button("Talk to a person")
    assert "Did you mean" not in options.text


async def test_options_after_the_shipped_address_refusal_zh_and_only_right_after(stack) -> None:
    customer = stack.customer()
    order = await refused(stack, customer, "我下周不在家 订单地址能改一下吗")
    [options] = await customer.says("那我该怎么办")
    assert options.text.startswith(f"订单 {order.order_no} 现在还可以这样办")
    assert "首先" in options.text and "7 天" in options.text and options.button("转人工客服")
    # answered once: asked again later, it is not this refusal's any more
    [later] = await customer.says("那我该怎么办")
    assert not later.text.startswith("订单")
