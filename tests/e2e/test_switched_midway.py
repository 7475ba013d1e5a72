"""A customer who changes what the job is about midway (jobs batch 12): another item of the
order named at "why?", another order's item named at an exchange's step."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.test_return_two_causes import order_of_two, return_items_of


async def test_the_item_she_keeps_is_not_returned_when_she_names_the_other_zh(stack) -> None:
    """ "想退货 T恤", then at "why?": "啊等下 T恤留着吧 是牛仔裤要退 裤腿太长了" — the return went
    on with the T-shirt she said she keeps (the reason read, the item not)."""
    customer = stack.customer()
    order = await order_of_two(stack, customer, "纯棉圆领T恤", "高腰牛仔裤")
    [why] = await customer.says(f"{order.order_no} 想退货 T恤")
    assert "纯棉圆领T恤" in why.text and why.button("尺码不合适"), why.text
    [fit] = await customer.says("啊等下 T恤留着吧 是牛仔裤要退 裤腿太长了")
    assert "高腰牛仔裤" in fit.text and "纯棉圆领T恤" not in fit.text, fit.text
    [quote] = await customer.presses(fit, "是的")
    assert "高腰牛仔裤" in quote.text and "纯棉圆领T恤" not in quote.text, quote.text
    [created] = await customer.presses(quote, "确认退货")
    return_no = next(w for w in created.text.split() if w.startswith("RT"))[:15]
    causes, _record = await return_items_of(stack, return_no)
    assert [cause for cause, _payer in causes] == ["size"]


async def test_did_you_get_my_parcel_after_her_return_is_that_returns_state_zh_and_en(
    stack,
) -> None:
    """Jobs batch 12: "你们收到我的包裹了吗" right after her return's tracking number was recorded
    got her list of orders: the only parcel the shop receives from her is her return — its
    state (on its way, its number)."""
    from tests.e2e.test_return_two_causes import product_id

    for locale, asked, sent, tracking in (
        ("zh-hans", "你们收到我的包裹了吗", "退货寄出了 中通 78123456789012", "78123456789012"),
        ("en", "hi did you guys get my parcel yet?", "sent it back, tracking SF1402938475612",
         "SF1402938475612"),
    ):
        customer = stack.customer(language_code=locale)
        order = await stack.make_order(
            product_id=await product_id(stack, "高腰牛仔裤"),
            kind="regular",
            delivered_ago=timedelta(days=2),
            telegram_user_id=customer.user_id,
        )
        said = await customer.says(
            f"{order.order_no} 想退 太紧了" if locale == "zh-hans"
            else f"return order {order.order_no} please, too tight"
        )
        fit = said[-1]
        [quote] = await customer.presses(fit, "是的" if locale == "zh-hans" else "Yes")
        await customer.presses(quote, "确认退货" if locale == "zh-hans" else "Confirm the return")
        await customer.says(sent)
        answers = await customer.says(asked)
        text = "\n".join(a.text for a in answers)
        assert tracking in text and "RT" in text, text
        assert "请选择" not in text and "Which order" not in text, text


async def test_another_orders_item_named_at_the_exchanges_size_step_zh(stack) -> None:
    """ "T恤那单我想换个码", then at "which size?": "哦不对 不是T恤 是那件真丝衬衫 M码小了要换L" —
    the M was read as the T-shirt's new size ("the same as before") and the shirt was lost.
    The exchange starts again for the silk shirt, in its own order. Nothing is confirmed: the
    demo orders stay as they are."""
    from tests.e2e.test_order_jobs import showcase

    tee = await showcase(stack, "returnable")  # T恤 M + 牛仔裤 L, delivered 2 days ago
    silk = await showcase(stack, "exchangeable_custom")  # 定制真丝衬衫 M, delivered 6 h ago
    customer = stack.customer()
    await customer.shares_contact(tee.customer_phone)
    said = await customer.says("T恤那单我想换个码")
    assert "纯棉圆领T恤" in said[-1].text, said[-1].text
    said = await customer.says("哦不对 不是T恤 是那件真丝衬衫 M码小了要换L")
    text = "\n".join(m.text for m in said)
    assert "定制真丝衬衫" in text and "L" in text and silk.order_no in text, text
    assert "跟原来的一样" not in text, text
