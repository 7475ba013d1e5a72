"""Finishing the customer's job (session 12), end to end through the fake Bot API, the real
worker and RabbitMQ: the item she names is found in whichever of her orders holds it, however
many newer ones she has placed since (two orders holding it: she is asked which, with their
buttons); a complaint about the wait on an order already late urges it at once and says so."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from sqlalchemy import select

from tests.e2e.test_honest_answers import company_tax_no
from worker.db.models import InvoiceRequest, Order, OrderItem, OrderUrge, Product, Variant
from worker.service import utcnow

NEWER_ORDERS = 60
"""More than any cap the order list ever had (10 shown, 50 asked for)."""


async def name_product(stack, product_id: int, name: str, name_en: str = "") -> None:
    async with stack.shop.db.write() as session:
        product = await session.get(Product, product_id)
        product.name, product.name_en = name, name_en


async def newer_orders(stack, order_no: str, count: int, *, state: str = "completed") -> list[str]:
    """``count`` orders of the same customer placed after ``order_no`` (one item each, of a
    product of their own), the newest last."""
    async with stack.shop.db.write() as session:
        mine = (await session.scalars(select(Order).where(Order.order_no == order_no))).one()
        product = Product(
            name=f"测试打底衫{uuid4().hex[:4]}", kind="regular", category="tops", price=300,
            size_chart=[],
        )  # fmt: skip
        variant = Variant(sku=f"T{uuid4().hex[:10]}-M", size="M", color="黑色", stock=5)
        product.variants.append(variant)
        session.add(product)
        await session.flush()
        variant_id = variant.id
        made = []
        for n in range(count):
            at = utcnow() - timedelta(hours=count - n)
            order = Order(
                **{
                    column.key: getattr(mine, column.key)
                    for column in Order.__table__.columns
                    if column.key not in ("id", "order_no", "state", "created_at")
                },
                order_no=f"KF7{uuid4().int % 10**7:07d}",
                state=state,
                created_at=at,
            )
            order.items.append(OrderItem(variant_id=variant_id, price=300))
            session.add(order)
            made.append(order.order_no)
        await session.flush()
        return made


async def urges_of(stack, order_no: str) -> list[OrderUrge]:
    async with stack.shop.db.read() as session:
        found = await session.scalars(
            select(OrderUrge).join(Order).where(Order.order_no == order_no)
        )
        return list(found.all())


async def retarget_items(stack, order_nos: list[str], product_name: str, name_en: str = "") -> None:
    """The orders' items become a product of that name (a variant of a new product)."""
    async with stack.shop.db.write() as session:
        product = Product(
            name=product_name, name_en=name_en, kind="regular", category="tops", price=300,
            size_chart=[],
        )  # fmt: skip
        variant = Variant(sku=f"T{uuid4().hex[:10]}-M", size="M", color="黑色", stock=5)
        product.variants.append(variant)
        session.add(product)
        await session.flush()
        for order_no in order_nos:
            order = (await session.scalars(select(Order).where(Order.order_no == order_no))).one()
            await session.refresh(order, ["items"])
            for item in order.items:
                item.variant_id = variant.id


async def test_a_blazer_behind_sixty_newer_orders_is_found_and_urged_at_once_zh(stack) -> None:
    """Her blazer, shipped 26 days ago, is older than sixty orders placed since (one of the
    newest holds another blazer, paid, not shipped): "西装外套" finds the old one on its way,
    and the wait she complains of has it chased at once — no card, no "shall I chase it?"."""
    blazer = await stack.long_in_transit_order()
    await name_product(stack, blazer.product_id, "格纹休闲西装外套")
    newer = await newer_orders(stack, blazer.order_no, NEWER_ORDERS)
    # the newest but one holds a blazer too, not shipped yet: never the parcel she waits for
    await retarget_items(stack, newer[-2:-1], "亚麻西装外套")
    async with stack.shop.db.write() as session:
        paid = (await session.scalars(select(Order).where(Order.order_no == newer[-2]))).one()
        paid.state, paid.shipped_at, paid.delivered_at = "paid", None, None
        paid.courier = paid.tracking_no = None
    customer = stack.customer()
    await customer.shares_contact(blazer.phone)
    sorry, urged = await customer.says("西装外套寄出来都快一个月了还没收到，怎么回事", replies=2)
    assert blazer.order_no in sorry.text and "抱歉" in sorry.text
    assert "合计" not in sorry.text  # not the card first
    assert urged.text == stack.t("order.urged.delivery")
    assert len(await urges_of(stack, blazer.order_no)) == 1
    assert await urges_of(stack, newer[-2]) == []


async def test_an_item_in_two_orders_asks_which_with_their_buttons_en(stack) -> None:
    """ "where is the parcel with my blazer?" with a blazer in two of her parcels on their way,
    one older than her sixty latest orders: both offered, only those two; the one tapped shown."""
    old = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, shipped_ago=timedelta(days=2)
    )
    await name_product(stack, old.product_id, "格纹休闲西装外套", "Checked Casual Blazer")
    newer = await newer_orders(stack, old.order_no, NEWER_ORDERS)
    await retarget_items(stack, newer[-1:], "亚麻西装外套", "Linen Blazer")
    async with stack.shop.db.write() as session:
        latest = (await session.scalars(select(Order).where(Order.order_no == newer[-1]))).one()
        latest.state, latest.delivered_at = "shipped", None
    customer = stack.customer(language_code="en")
    await customer.shares_contact(old.phone)
    [which] = await customer.says("where is the parcel with my blazer?")
    assert which.text == stack.t("choose.order_named", "en")
    labels = [b.text for row in which.inline_buttons for b in row]
    assert len(labels) == 2, labels
    assert which.button(old.order_no) and which.button(newer[-1])
    [card, *_] = await customer.presses(which, old.order_no)
    assert old.order_no in card.text and "Checked Casual Blazer" in card.text


async def test_a_wait_complaint_about_an_overdue_order_urges_it_at_once_zh_and_en(stack) -> None:
    """ "等了一个星期了还没发货" about an order past its dispatch promise: chased at once, an
    urge on the order (the warehouse and the agents see it), said so — not the card and a
    question first. Asked about an order that is not late, the card answers as before."""
    overdue = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(days=20)
    )
    await name_product(stack, overdue.product_id, "亚麻阔腿裤", "Linen Wide-leg Trousers")
    customer = stack.customer()
    await customer.shares_contact(overdue.phone)
    sorry, urged = await customer.says("裤子等了一个星期了还没发货", replies=2)
    assert overdue.order_no in sorry.text and "催" in sorry.text and "合计" not in sorry.text
    assert urged.text == stack.t("order.urged.dispatch")
    assert len(await urges_of(stack, overdue.order_no)) == 1
    english = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(days=20)
    )
    other = stack.customer(language_code="en")
    await other.shares_contact(english.phone)
    sorry, urged = await other.says("it's been ages and my order still hasn't shipped", replies=2)
    assert english.order_no in sorry.text and "chasing" in sorry.text
    assert urged.text == stack.t("order.urged.dispatch", "en")
    assert len(await urges_of(stack, english.order_no)) == 1
    # on time: the card, nothing urged
    on_time = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(hours=5)
    )
    third = stack.customer()
    await third.shares_contact(on_time.phone)
    [card] = await third.says("等了好几天了还没发货")
    assert "合计" in card.text and await urges_of(stack, on_time.order_no) == []


# ── two jobs in one message, each with its item and size ─────────────────────────────────────


async def tee_and_jeans(stack, customer, **order):
    """A verified customer's order of a T-shirt and jeans (size M), delivered yesterday."""
    made = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=timedelta(days=1),
        also=("regular",),
        telegram_user_id=customer.user_id,
        **order,
    )
    async with stack.shop.db.write() as session:
        mine = (await session.scalars(select(Order).where(Order.order_no == made.order_no))).one()
        await session.refresh(mine, ["items"])
        tee, jeans = mine.items
        for item, name, en in (
            (tee, "纯棉短袖T恤", "Cotton T-shirt"),
            (jeans, "直筒牛仔裤", "Straight Jeans"),
        ):
            variant = await session.get(Variant, item.variant_id)
            product = await session.get(Product, variant.product_id)
            product.name, product.name_en = name, en
    return made


async def test_a_return_and_an_exchange_in_one_message_keep_their_items_and_size_zh(stack) -> None:
    """ "把T恤退了 裤子换成L": the jeans' exchange to L goes on (said back in its one
    confirmation, the size never asked again, the T-shirt never taken for it), and the
    T-shirt's return is not lost — it goes on by itself once the exchange is confirmed (its
    button asks it sooner)."""
    customer = stack.customer()
    made = await tee_and_jeans(stack, customer)
    back, offer = await customer.says("把T恤退了 裤子换成L", replies=2)
    assert "直筒牛仔裤" in back.text and "L / 黑色" in back.text and "T恤" not in back.text
    assert offer.text == stack.t("also.queued", title="退货") and offer.button("退货")
    assert back.button("确认换货")
    done, next_job, why = await customer.presses(back, "确认换货", replies=3)
    [exchange] = await stack.exchanges(made.order_no)
    assert exchange.rma_no in done.text
    # the return asked with it: the T-shirt's
    assert next_job.text == stack.t("also.next", asked="把T恤退了")
    assert "纯棉短袖T恤" in why.text and "牛仔裤" not in why.text and why.button("不想要了")


async def test_two_jobs_in_english_keep_the_second_en(stack) -> None:
    """ "return the tee and swap the jeans for an L": the jeans to L said back at once, and the
    T-shirt's return offered with its button, or taken up by itself once the exchange is done."""
    customer = stack.customer(language_code="en")
    await tee_and_jeans(stack, customer)
    back, offer = await customer.says("return the tee and swap the jeans for an L", replies=2)
    assert "Straight Jeans" in back.text and "L / black" in back.text
    assert "T-shirt" not in back.text
    assert offer.text == stack.t("also.queued", "en", title="Returns")
    assert offer.button("Returns")
    _done, next_job, asked = await customer.presses(back, "Confirm exchange", replies=3)
    assert next_job.text == stack.t("also.next", "en", asked="return the tee")
    while "Cotton T-shirt" not in asked.text and asked.button("Yes"):
        [asked] = await customer.presses(asked, "Yes")  # (its condition first)
    assert "Cotton T-shirt" in asked.text and "Jeans" not in asked.text


# ── confirming receipt (orders.confirm_receipt) ─────────────────────────────────────────────


async def test_receipt_is_confirmed_in_words_or_with_the_card_s_button_zh_and_en(stack) -> None:
    """ "我收到了 帮我确认收货" confirms her parcel at once (the order completed); "how do I
    confirm I received it?" gets the card with the button, which confirms it; a second tap
    answers that it was done already. Nobody else's order is ever confirmed."""
    customer = stack.customer()
    on_its_way = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, telegram_user_id=customer.user_id
    )
    [done] = await customer.says("包裹我收到了 帮我确认收货")
    assert done.text == stack.t("order.receipt.done", order_no=on_its_way.order_no)
    row = await order_row(stack, on_its_way.order_no)
    assert row.state == "completed" and row.delivered_at is not None
    # English: asked how — the card's button does it
    english = stack.customer(language_code="en")
    delivered = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=timedelta(days=1),
        telegram_user_id=english.user_id,
    )
    card, how = await english.says("it arrived today, how do I confirm I received it?", replies=2)
    assert delivered.order_no in card.text and card.button("Confirm receipt")
    assert how.text == stack.t("order.receipt.how_shipped", "en")
    assert (await order_row(stack, delivered.order_no)).state == "shipped"
    [confirmed] = await english.presses(card, "Confirm receipt")
    assert confirmed.text == stack.t("order.receipt.done", "en", order_no=delivered.order_no)
    assert (await order_row(stack, delivered.order_no)).state == "completed"
    [again] = await english.presses(card, "Confirm receipt")
    assert again.text == stack.t("order.receipt.already", "en")
    # someone who only knows the order's digits: read, never confirmed
    stranger = stack.customer()
    other = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, shipped_ago=timedelta(days=1)
    )
    [card] = await stranger.says(f"{other.order_no} 尾号{other.phone[-4:]}")
    [asked] = await stranger.presses(card, "确认收货")
    assert asked.text == stack.t("contact.needed_for_change")
    assert (await order_row(stack, other.order_no)).state == "shipped"


async def order_row(stack, order_no: str) -> Order:
    async with stack.shop.db.read() as session:
        return (await session.scalars(select(Order).where(Order.order_no == order_no))).one()


# ── an invoice refused: the tax number blamed only when it is wrong, and for what ─────────


async def test_an_invoice_refusal_says_what_is_wrong_with_the_tax_number_zh(stack) -> None:
    """An 18-character number whose check character is off hears just that (not "usually 18
    characters"); a valid number on an order that can't have an invoice is never blamed."""
    from tests.e2e.test_honest_answers import company_tax_no

    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    _explained, ask_type = await customer.says("我要开发票", replies=2)
    [_ask_title] = await customer.presses(ask_type, "公司")
    good = company_tax_no("91330106MA2B3C4D5")
    slip = good[:-1] + ("0" if good[-1] != "0" else "1")
    [refused] = await customer.says(f"抬头：杭州云帆示范有限公司 税号 {slip}")
    assert refused.text == stack.t("invoice.refused.tax_no_invalid.check_character")
    assert "18 位" not in refused.text
    [recorded] = await customer.says(good)
    assert "INV" in recorded.text
    # a valid number, an unpaid order: the refusal is the order's, the number not named
    unpaid = await stack.make_order(kind="regular", state="awaiting_payment", delivered_ago=None)
    other = stack.customer()
    await other.shares_contact(unpaid.phone)
    said = await other.says(f"{unpaid.order_no} 开公司发票 抬头 杭州云帆示范有限公司 税号 {good}")
    texts = " ".join(m.text for m in said)
    assert "税号" not in texts.replace("公司发票要写公司名称和税号", "")


async def test_a_cancel_naming_a_shipped_item_before_the_contact_refuses_it_zh(stack) -> None:
    """ "羽绒服那单取消掉" before she is verified, the down jacket's order already shipped: once
    the contact is shared, that order and why it can't be cancelled — not her list of orders
    that could be."""
    jacket = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, shipped_ago=timedelta(days=1)
    )
    await name_product(stack, jacket.product_id, "轻薄羽绒服", "Light Down Jacket")
    await newer_orders(stack, jacket.order_no, 3, state="paid")
    customer = stack.customer()
    [asked] = await customer.says("羽绒服那单取消掉")
    assert asked.text == stack.t("ask.order_no"), asked.text
    _verified, card, refused = await customer.shares_contact(jacket.phone, replies=3)
    assert jacket.order_no in card.text
    assert refused.text == stack.t("order.cancel.refused.already_shipped")
    assert (await order_row(stack, jacket.order_no)).state == "shipped"


async def test_money_back_for_an_item_not_shipped_is_its_cancel_zh(stack) -> None:
    """ "打底衫不要了 能退钱吗" answered by the rules, then the contact: the return took her only
    returnable order (another item) and asked which item; the item named is in an order not
    shipped yet — the return is refused for that, and its cancel asked back at once."""
    delivered = await stack.make_order(kind="regular", delivered_ago=timedelta(days=1))
    [unshipped] = await newer_orders(stack, delivered.order_no, 1, state="paid")
    async with stack.shop.db.write() as session:
        order = (await session.scalars(select(Order).where(Order.order_no == unshipped))).one()
        order.shipped_at = order.delivered_at = order.completed_at = None
        order.courier = order.tracking_no = None
        named = await session.scalars(select(OrderItem).where(OrderItem.order_id == order.id))
        variant = await session.get(Variant, named.one().variant_id)
        product_id = variant.product_id
    await name_product(stack, product_id, "罗纹打底衫", "Ribbed Base Layer")
    customer = stack.customer()
    await customer.says("罗纹打底衫不要了 能退钱吗")
    _linked, refused, ask = await customer.shares_contact(delivered.phone, replies=3)
    assert unshipped in refused.text and "罗纹打底衫" in refused.text
    assert unshipped in ask.text and ask.button("确认取消订单"), ask.text
    [done] = await customer.says("确定")
    assert unshipped in done.text
    async with stack.shop.db.read() as session:
        row = (await session.scalars(select(Order).where(Order.order_no == unshipped))).one()
        assert row.state == "closed"


async def test_an_invoice_for_an_item_named_takes_its_order_en(stack) -> None:
    """ "a company invoice for the <item>" before the contact: the order holding it is taken
    once she is verified (she was asked which order)."""
    first = await stack.make_order(kind="regular", delivered_ago=timedelta(days=1))
    [second] = await newer_orders(stack, first.order_no, 1)
    async with stack.shop.db.read() as session:
        order = (await session.scalars(select(Order).where(Order.order_no == second))).one()
        item = await session.scalars(select(OrderItem).where(OrderItem.order_id == order.id))
        variant = await session.get(Variant, item.one().variant_id)
        product = await session.get(Product, variant.product_id)
    await name_product(stack, product.id, product.name, "Ribbed Base Layer")
    customer = stack.customer(language_code="en")
    await customer.says("i need a company invoice for the ribbed base layer", replies=2)
    await customer.shares_contact(first.phone, replies=2)
    await customer.says(f"Acme Trading Co Ltd, tax id {company_tax_no()}")
    async with stack.shop.db.read() as session:
        recorded = await session.scalars(
            select(InvoiceRequest).join(Order).where(Order.order_no == second)
        )
        assert [r.title for r in recorded.all()] == ["Acme Trading Co Ltd"]


async def test_a_cancel_asked_beside_the_wait_is_the_cancel_not_an_urge_zh_and_en(stack) -> None:
    """ "裤子等太久了 不想要了 帮我取消" on an overdue order was urged (the wait read as the
    complaint) and the cancel she asked for was lost: the cancel is asked back, nothing urged."""
    for words, language in (
        ("裤子等太久了 不想要了 帮我取消", None),
        ("this is taking forever, just cancel my order", "en"),
    ):
        overdue = await stack.make_order(
            kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(days=20)
        )
        customer = stack.customer(language_code=language)
        await customer.shares_contact(overdue.phone)
        _card, ask = await customer.says(words, replies=2)
        assert overdue.order_no in ask.text and ask.inline_buttons, ask.text
        assert await urges_of(stack, overdue.order_no) == []
        [done] = await customer.says("取消吧" if language is None else "yes")
        assert overdue.order_no in done.text
        async with stack.shop.db.read() as session:
            row = (
                await session.scalars(select(Order).where(Order.order_no == overdue.order_no))
            ).one()
            assert row.state == "closed", words


async def test_a_blazer_on_the_way_for_weeks_is_the_one_shipped_not_the_one_unsent_en(
    stack,
) -> None:
    """Held in the console (session 23): "my blazer has been on the way for weeks" from the
    demo customer, whose casual blazer shipped 26 days ago and whose custom linen blazer is
    paid, not shipped, asked which of the two she meant (or opened a complaint ticket) — "on the
    way" names the one shipped. Now that order's late answer, as "阔腿裤那单怎么样了" gets its
    own: the apology and the chase, never the list, and no ticket."""
    from tests.e2e.test_order_jobs import showcase

    late = await showcase(stack, "long_in_transit")  # 休闲西装外套, shipped 26 days ago
    customer = stack.customer(language_code="en")
    await customer.shares_contact(late.customer_phone)
    said = await customer.says("my blazer has been on the way for weeks", replies=2)
    text = "\n".join(m.text for m in said)
    assert late.order_no in text and "Which one do you mean" not in text, text
    assert "sorry" in text.lower(), text
    assert await stack.tickets(customer.user_id) == [], text
