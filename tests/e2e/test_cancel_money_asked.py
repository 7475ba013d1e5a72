"""A question about the money at "确定要取消订单…吗？" (jobs batch 11): "取消的话钱是原路退回吗"
was read as a refund asked — her orders listed, the cancel lost, and "嗯 取消吧" then asked the
cancel again. Now the question is answered (paid: the sum comes back the way it was paid, in
the policy's days; unpaid: nothing is charged) with the cancel's buttons again, and her yes
cancels."""

from __future__ import annotations

from tests.e2e.test_order_jobs import order_row


async def test_the_money_asked_at_the_cancel_is_answered_and_the_yes_cancels_zh(stack) -> None:
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    _card, confirm = await customer.says(f"帮我取消订单 {order.order_no}", replies=2)
    assert confirm.button("确认取消订单"), confirm.text
    [answer] = await customer.says("取消的话钱是原路退回吗")
    assert answer.text.startswith("会的") and "原路退回" in answer.text, answer.text
    assert answer.button("确认取消订单") and answer.button("先不取消"), answer.text
    assert (await order_row(stack, order.order_no)).state == "paid"
    await customer.says("嗯 取消吧")
    assert (await order_row(stack, order.order_no)).state == "closed"


async def test_charged_asked_at_an_unpaid_cancel_is_a_no_en(stack) -> None:
    order = await stack.make_order(kind="regular", state="awaiting_payment", delivered_ago=None)
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    *_, asked = await customer.says(f"cancel order {order.order_no} please", replies=2)
    assert asked.button("Yes, cancel the order"), asked.text
    [answer] = await customer.says("wait will i be charged anything if i cancel?")
    assert answer.text.startswith("No") and "costs you nothing" in answer.text, answer.text
    await customer.says("ok go ahead")
    assert (await order_row(stack, order.order_no)).state == "closed"
