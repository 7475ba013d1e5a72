"""A damaged item asked about going back ("真丝衬衫今天刚到 袖口那里是破的 这种能退吗"): the
fault's return, not "did you mean: material / return / a fault?" (jobs batch 11: the engine is
torn between the three; "是破的" was no fault to the bot and "能退吗" no return asked)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.e2e.test_return_two_causes import product_id
from worker.db.models import Order, Return


async def test_a_torn_custom_shirt_asked_back_is_returned_at_the_shops_cost_zh(stack) -> None:
    customer = stack.customer()
    order = await stack.make_order(
        product_id=await product_id(stack, "定制真丝衬衫"),
        delivered_ago=timedelta(hours=6),
        telegram_user_id=customer.user_id,
    )
    said = await customer.says("真丝衬衫今天刚到 袖口那里是破的 这种能退吗", replies=2)
    sorry, quote = said
    assert sorry.text == stack.t("quality.sorry"), sorry.text
    assert "您是想问" not in quote.text and quote.button("确认退货"), quote.text
    # "退吧 不想换了" at the confirmation is her yes (it started another order's return)
    [made] = await customer.says("退吧 不想换了")
    made_here = await _returns_of(stack, order.order_no)
    assert len(made_here) == 1 and made_here[0].return_no in made.text, made.text
    assert made_here[0].cause == "quality" and made_here[0].return_postage_payer != "customer"


async def test_the_wrong_size_sent_and_her_money_asked_back_zh(stack) -> None:
    """Jobs batch 12: "T恤收到是XL的 我买的是M 不想换了 直接退钱吧" got the return rules, then
    "why?" asked of what she had told, and no apology: the wrong item is our mistake."""
    customer = stack.customer()
    order = await stack.make_order(
        product_id=await product_id(stack, "纯棉圆领T恤"),
        kind="regular",
        delivered_ago=timedelta(days=2),
        telegram_user_id=customer.user_id,
    )
    said = await customer.says("T恤收到是XL的 我买的是M 不想换了 直接退钱吧", replies=2)
    sorry, quote = said
    assert sorry.text == stack.t("returns.sorry_wrong_item"), sorry.text
    assert quote.button("确认退货") and stack.t("returns.cause.wrong_item") not in sorry.text
    [made] = await customer.presses(quote, "确认退货")
    made_here = await _returns_of(stack, order.order_no)
    assert len(made_here) == 1 and made_here[0].cause == "wrong_item", made.text
    assert made_here[0].return_postage_payer == "seller"


async def _returns_of(stack, order_no: str) -> list[Return]:
    """The returns made of the order ``order_no``, read from the shop's database."""
    async with stack.shop.db.read() as session:
        found = await session.scalars(
            select(Return).where(
                Return.order_id.in_(select(Order.id).where(Order.order_no == order_no))
            )
        )
        return list(found.all())
