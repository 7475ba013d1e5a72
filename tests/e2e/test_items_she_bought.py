"""Her items asked about as a new customer types them (console tryout 22), end to end through
the fake Bot API, the real worker and RabbitMQ: "我有没有买过风衣" looked in the catalogue (the
trench coat's stock was offered) — it is her orders' yes or no; "衬衫收到了 谢谢" of a silk shirt
on its way and a striped one received weeks ago offered both, and "got the shirt, thanks!" heard
a goodbye; the 衬衫 inside "真丝衬衫" named her striped shirt's order too; her orders' list said
"最近" over orders under way for weeks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.e2e.test_named_item_jobs import name_product, newer_orders
from tests.e2e.test_return_two_causes import product_id
from worker.db.models import Order


async def make_hers(stack, customer_order: str, order_no: str) -> None:
    """``order_no`` moved to the customer of ``customer_order``."""
    async with stack.shop.db.write() as session:
        owner = await session.scalar(
            select(Order.customer_id).where(Order.order_no == customer_order)
        )
        order = await session.scalar(select(Order).where(Order.order_no == order_no))
        order.customer_id = owner


async def two_shirts(stack, customer):
    """Her custom-made silk shirt, delivered hours ago and still on its way by our records, and
    a striped shirt of an order finished weeks ago."""
    silk = await stack.make_order(
        product_id=await product_id(stack, "定制真丝衬衫"),
        delivered_ago=timedelta(hours=6),
        telegram_user_id=customer.user_id,
    )
    striped = await stack.make_order(
        kind="regular",
        state="completed",
        product_id=await product_id(stack, "条纹长袖衬衫"),
        delivered_ago=timedelta(days=20),
        paid_ago=timedelta(days=25),
        shipped_ago=timedelta(days=23),
        linked=False,
    )
    await make_hers(stack, silk.order_no, striped.order_no)
    return silk, striped


async def test_a_shirt_come_is_the_shirt_on_its_way_not_both_zh_and_en(stack) -> None:
    for language, says, locale in (
        ("zh-hans", "衬衫收到了 谢谢", "zh_CN"),
        ("en", "got the shirt, thanks!", "en"),
    ):
        customer = stack.customer(language_code=language)
        silk, striped = await two_shirts(stack, customer)
        [glad] = await customer.says(says)
        assert glad.text == stack.t("order.received.shipped", locale, order_no=silk.order_no), (
            glad.text
        )
        assert glad.button("确认收货" if locale == "zh_CN" else "Confirm receipt")
        assert striped.order_no not in glad.text
        await customer.hears_nothing_more()


async def test_did_i_buy_an_item_is_answered_from_her_orders_zh_and_en(stack) -> None:
    customer = stack.customer()
    silk, striped = await two_shirts(stack, customer)
    [no] = await customer.says("我有没有买过风衣")
    assert no.text == stack.t("purchases.bought_no", count=2), no.text
    [yes] = await customer.says("我之前买过真丝衬衫吗")
    assert yes.text.startswith(stack.t("purchases.bought_yes", count=1)), yes.text
    assert silk.order_no in yes.text and striped.order_no not in yes.text
    english = stack.customer(language_code="en")
    silk_en, _ = await two_shirts(stack, english)
    [no_en] = await english.says("did I order a trench coat from you?")
    assert no_en.text == stack.t("purchases.bought_no", "en", count=2), no_en.text
    [both] = await english.says("have I ever bought a shirt here?")
    assert both.text.startswith(stack.t("purchases.bought_yes", "en", count=2)), both.text
    assert silk_en.order_no in both.text


async def test_did_i_buy_it_before_her_contact_is_answered_after_it_zh(stack) -> None:
    customer = stack.customer()
    silk = await stack.make_order(
        product_id=await product_id(stack, "定制真丝衬衫"), linked=False
    )
    [verify] = await customer.says("我有没有买过真丝衬衫")
    assert verify.text == stack.t("purchases.verify"), verify.text
    _, yes = await customer.shares_contact(silk.phone, replies=2)
    assert yes.text.startswith(stack.t("purchases.bought_yes", count=1)), yes.text
    assert silk.order_no in yes.text


async def test_a_name_inside_a_longer_one_names_no_other_order_zh(stack) -> None:
    """ "T恤和那件真丝衬衫两件都想退" with a striped shirt bought weeks ago: its order's refusal
    (its seven days long gone) was said too — the 衬衫 of 真丝衬衫 read as her striped one."""
    customer = stack.customer()
    silk, striped = await two_shirts(stack, customer)
    tee = await stack.make_order(
        kind="regular",
        product_id=await product_id(stack, "纯棉圆领T恤"),
        delivered_ago=timedelta(days=2),
        linked=False,
    )
    await make_hers(stack, silk.order_no, tee.order_no)
    why_not, why = await customer.says("T恤和那件真丝衬衫两件都想退", replies=2)
    await customer.hears_nothing_more()
    assert silk.order_no in why_not.text and "定制" in why_not.text, why_not.text
    assert "纯棉圆领T恤" in why.text and why.button("尺码不合适"), why.text
    said = "\n".join(m.text for m in customer.history)
    assert striped.order_no not in said and "条纹长袖衬衫" not in said, said


async def test_her_list_with_an_old_parcel_on_it_is_not_called_lately_zh_and_en(stack) -> None:
    for language, locale in (("zh-hans", "zh_CN"), ("en", "en")):
        late = await stack.long_in_transit_order()
        await name_product(stack, late.product_id, "休闲西装外套", "Casual Blazer")
        await newer_orders(stack, late.order_no, 12)
        customer = stack.customer(language_code=language)
        await customer.shares_contact(late.phone)
        [listed] = await customer.says("我买过什么" if locale == "zh_CN" else "what have I bought")
        head = listed.text.splitlines()[0]
        assert head == stack.t("purchases.header_first", locale, count=10), head
        assert late.order_no in listed.text
        assert stack.t("purchases.more", locale, count=3) in listed.text
