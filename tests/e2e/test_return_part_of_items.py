"""Two items of one order sent back, only one of which may go back, end to end through the fake
Bot API and the real worker: a custom-made silk shirt (定制, never refunded for her own reasons)
beside regular trousers, both "not wanted". Before, the whole return was refused and she had to
start again naming the trousers herself. Now the shirt is named with its reason, the trousers
are offered at once (yes / no): yes makes the return of the trousers alone, for their own price;
no gives the refusal's options (the shirt's exchange while it is open, else a person)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.e2e.test_return_two_causes import money, product_id, return_items_of
from worker.db.models import Order, OrderItem, Return, Variant


async def shirt_and_trousers(stack, customer, delivered_ago: timedelta):
    """A delivered order of the custom-made silk shirt and the regular wide-leg trousers (¥300
    each, ¥12 postage), the customer's own."""
    return await stack.make_order(
        product_id=await product_id(stack, "定制真丝衬衫"),
        also=(await product_id(stack, "亚麻阔腿裤"),),
        postage=Decimal(12),
        delivered_ago=delivered_ago,
        telegram_user_id=customer.user_id,
    )


async def returns_of(stack, order_no: str) -> list[Return]:
    async with stack.shop.db.read() as session:
        found = await session.scalars(
            select(Return).join(Order, Return.order_id == Order.id).where(
                Order.order_no == order_no
            )
        )
        return list(found.all())


async def test_the_trousers_offered_when_the_custom_shirt_cannot_go_back_zh(stack) -> None:
    customer = stack.customer()
    order = await shirt_and_trousers(stack, customer, timedelta(days=2))
    [offer] = await customer.says(f"{order.order_no} 真丝衬衫和阔腿裤都不想要了 想退掉")
    # which one can't, and why: the shirt, custom-made; the trousers offered at once
    shirt, trousers = offer.text.index("定制真丝衬衫"), offer.text.rindex("亚麻阔腿裤")
    reason = stack.t("returns.reason.custom_no_return", custom_label="定制款")
    assert reason.split("，")[0][-6:] in offer.text, offer.text
    assert shirt < trousers and "亚麻阔腿裤" not in offer.text[: offer.text.index("\n")]
    assert offer.button(stack.t("button.return_part")) and offer.button(stack.t("button.no_thanks"))
    [fit] = await customer.presses(offer, stack.t("button.return_part"))
    # her own choice: the trousers' condition asked, the shirt gone from the return
    assert stack.t("returns.fit_question") in fit.text and "亚麻阔腿裤" in fit.text, fit.text
    assert "真丝衬衫" not in fit.text and fit.button("是的")
    [quote] = await customer.presses(fit, "是的")
    assert quote.button("确认退货"), quote.text
    assert "退款：300 元" in quote.text and "600" not in quote.text, quote.text
    assert "真丝衬衫" not in quote.text
    [created] = await customer.presses(quote, "确认退货")
    return_no = next(w for w in created.text.split() if w.startswith("RT"))[:15]
    causes, record = await return_items_of(stack, return_no)
    assert causes == [("changed_mind", "customer")]
    assert record.refund_amount == Decimal(300)


async def test_no_to_the_trousers_gives_the_shirts_exchange_zh(stack) -> None:
    """Delivered a day ago: the custom shirt's one exchange is still open, offered on "no"."""
    customer = stack.customer()
    order = await shirt_and_trousers(stack, customer, timedelta(hours=20))
    [offer] = await customer.says(f"{order.order_no} 真丝衬衫和阔腿裤都不想要了 想退掉")
    assert offer.button(stack.t("button.no_thanks")), offer.text
    [options] = await customer.presses(offer, stack.t("button.no_thanks"))
    assert stack.t("returns.offer_exchange") in options.text, options.text
    assert options.button(stack.t("button.exchange_instead"))
    assert options.button(stack.t("button.human"))
    assert await returns_of(stack, order.order_no) == []


async def test_the_trousers_offered_when_the_custom_shirt_cannot_go_back_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await shirt_and_trousers(stack, customer, timedelta(days=2))
    [offer] = await customer.says(
        f"order {order.order_no}: i don't want the silk shirt or the trousers anymore, "
        "returning both"
    )
    first_line = offer.text.split("\n")[0]
    assert "Silk Shirt" in first_line and "Trousers" not in first_line, offer.text
    assert "made to order" in offer.text or "custom" in offer.text.lower()
    assert "Trousers" in offer.text.split("\n")[-1]
    [fit] = await customer.presses(offer, stack.t("button.return_part", "en"))
    assert stack.t("returns.fit_question", "en") in fit.text and "Trousers" in fit.text
    assert "Silk" not in fit.text
    [quote] = await customer.presses(fit, "Yes")
    assert money(stack, 300, "en") in quote.text and money(stack, 600, "en") not in quote.text
    [created] = await customer.presses(quote, "Confirm the return")
    return_no = next(w for w in created.text.split() if w.startswith("RT"))[:15]
    causes, record = await return_items_of(stack, return_no)
    assert causes == [("changed_mind", "customer")]
    assert record.refund_amount == Decimal(300)
    assert len(await returns_of(stack, order.order_no)) == 1


async def test_no_after_the_shirts_exchange_is_over_gives_a_person_en(stack) -> None:
    """Two days after delivery the custom shirt's 48-hour exchange is over too: on "no", said
    so, and a person offered (no exchange button)."""
    customer = stack.customer(language_code="en")
    order = await shirt_and_trousers(stack, customer, timedelta(days=2))
    [offer] = await customer.says(
        f"order {order.order_no}: i don't want the silk shirt or the trousers anymore, "
        "returning both"
    )
    [options] = await customer.presses(offer, stack.t("button.no_thanks", "en"))
    assert stack.t("returns.offer_human", "en") in options.text, options.text
    assert "over for this one too" in options.text
    shown = [b.text for row in options.inline_buttons for b in row]
    assert stack.t("button.human", "en") in shown, shown
    assert stack.t("button.exchange_instead", "en") not in shown


async def test_a_faulty_shirt_beside_trousers_past_their_window_goes_to_the_quote_zh(
    stack,
) -> None:
    """The shop's fault on one item, the other past its 7 days: the faulty one offered, and on
    yes the quote at once (its condition is not asked; the postage back is the shop's)."""
    customer = stack.customer()
    order = await stack.make_order(
        product_id=await product_id(stack, "条纹长袖衬衫"),
        also=(await product_id(stack, "亚麻阔腿裤"),),
        postage=Decimal(12),
        delivered_ago=timedelta(days=10),
        telegram_user_id=customer.user_id,
    )
    said = await customer.says(f"{order.order_no} 衬衫开线了 裤子小了 两件都想退", replies=2)
    offer = said[-1]
    assert "亚麻阔腿裤" in offer.text.split("\n")[0], offer.text
    assert "已经过了退货时间" in offer.text
    [quote] = await customer.presses(offer, stack.t("button.return_part"))
    assert quote.button("确认退货"), quote.text
    assert "退款：300 元" in quote.text and "阔腿裤" not in quote.text
    [created] = await customer.presses(quote, "确认退货")
    return_no = next(w for w in created.text.split() if w.startswith("RT"))[:15]
    causes, record = await return_items_of(stack, return_no)
    assert causes == [("quality", "seller")]
    assert (record.refund_amount, record.return_postage_payer) == (Decimal(300), "seller")


async def test_items_of_two_orders_one_custom_made_the_other_goes_on_zh(stack) -> None:
    """Jobs batch 11: "T恤和那件真丝衬衫两件都想退" — the tee and the custom-made silk shirt
    in two orders of hers. The best-named item's order (the shirt) was taken alone: refused,
    and the tee forgotten. Now why the shirt can't (and that a fault would lift it) is said,
    and the tee's return goes on (its reason asked)."""
    customer = stack.customer()
    shirt, tee = await _custom_shirt_and_tee_of(stack, customer)
    said = await customer.says("T恤和那件真丝衬衫两件都想退", replies=2)
    why_not, why = said
    assert shirt.order_no in why_not.text and "定制" in why_not.text, why_not.text
    assert stack.t("returns.fault_still_taken") in why_not.text
    assert tee.order_no not in why_not.text
    assert "纯棉圆领T恤" in why.text and "真丝衬衫" not in why.text, why.text
    assert why.button("尺码不合适"), why.text
    assert await returns_of(stack, shirt.order_no) == []


async def test_both_named_across_two_orders_takes_only_the_named_item_of_the_other(stack) -> None:
    """Held in the console after session 21: "T恤和那件真丝衬衫两件都想退" where the tee's order
    also holds jeans — the shirt refused, then "想退的是：纯棉圆领T恤、高腰牛仔裤": her "both"
    (the tee and the shirt) was read in the tee's order as all its items. Only the tee goes on."""
    customer = stack.customer()
    shirt, tee = await _custom_shirt_and_tee_of(stack, customer)
    jeans_product = await product_id(stack, "高腰牛仔裤")
    async with stack.shop.db.write() as session:  # jeans beside the tee
        tee_order = await session.scalar(select(Order).where(Order.order_no == tee.order_no))
        variant = await session.scalar(select(Variant.id).where(
            Variant.product_id == jeans_product))
        session.add(OrderItem(order_id=tee_order.id, variant_id=variant, price=Decimal(199)))
    why_not, why = await customer.says("T恤和那件真丝衬衫两件都想退", replies=2)
    assert shirt.order_no in why_not.text, why_not.text
    assert "纯棉圆领T恤" in why.text and "牛仔裤" not in why.text, why.text
    assert why.button("尺码不合适"), why.text


async def _custom_shirt_and_tee_of(stack, customer):
    """Two orders of ``customer``'s: the custom-made silk shirt (delivered 20 hours ago) and the
    cotton tee (two days ago)."""
    shirt = await stack.make_order(
        product_id=await product_id(stack, "定制真丝衬衫"),
        delivered_ago=timedelta(hours=20),
        telegram_user_id=customer.user_id,
    )
    tee = await stack.make_order(
        product_id=await product_id(stack, "纯棉圆领T恤"), delivered_ago=timedelta(days=2),
        linked=False,
    )
    async with stack.shop.db.write() as session:  # both orders hers
        owner = await session.scalar(select(Order.customer_id).where(
            Order.order_no == shirt.order_no))
        (await session.scalar(select(Order).where(Order.order_no == tee.order_no))).customer_id = (
            owner)
    return shirt, tee
