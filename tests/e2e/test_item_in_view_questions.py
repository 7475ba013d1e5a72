"""Questions about the item in view, found playing customers in the console (session 19):
after the hoodie, "是纯棉的吗 会不会起球" was answered for 纯棉圆领T恤 (the fibre word is part of
the T-shirt's name) and the size that followed was the T-shirt's; "is it cotton" offered two
cotton items instead of answering for the hoodie."""

from __future__ import annotations

from tests.e2e.test_named_item_jobs import name_product


async def test_a_fibre_asked_of_the_item_in_view_stays_on_that_item_zh(stack) -> None:
    customer = stack.customer()
    [stock] = await customer.says("卫衣有没有L码 浅蓝色的")
    assert stock.text.startswith("连帽卫衣\n")
    [fabric] = await customer.says("是纯棉的吗 会不会起球")
    assert fabric.text.startswith("连帽卫衣\n") and "棉 80%" in fabric.text
    assert "T恤" not in fabric.text
    # the T-shirt named with the fibre is still found by that name
    [tee] = await customer.says("纯棉圆领T恤是什么面料")
    assert tee.text.startswith("纯棉圆领T恤\n")


async def test_a_fibre_asked_of_the_item_in_view_stays_on_that_item_en(stack) -> None:
    english = stack.customer(language_code="en")
    [stock] = await english.says("is the hoodie in stock in L")
    assert stock.text.startswith("Pullover Hoodie\n")
    [fabric] = await english.says("is it cotton")
    assert fabric.text.startswith("Pullover Hoodie\n")
    assert not [b for row in fabric.inline_buttons for b in row if "Shirt" in b.text]
    assert "T-shirt" not in fabric.text and "Shirt" not in fabric.text


async def test_a_bare_price_question_is_the_price_of_the_item_in_view(stack) -> None:
    """"price?" after the T-shirt was read as bargaining and answered with the member discount
    table; with an item in view it is that item's price, and haggling stays the policy's."""
    english = stack.customer(language_code="en")
    [stock] = await english.says("is the tshirt in stock in L")
    assert stock.text.startswith("Cotton Crew-neck T-shirt\n")
    for asked in ("price?", "whats the price"):
        [price] = await english.says(asked)
        assert price.text.startswith("Cotton Crew-neck T-shirt\n") and "¥" in price.text
        assert "discount" not in price.text
    [haggle] = await english.says("any discount?")
    assert not haggle.text.startswith("Cotton Crew-neck T-shirt")
    customer = stack.customer()
    [stock_zh] = await customer.says("卫衣有没有L码")
    assert stock_zh.text.startswith("连帽卫衣\n")
    [price_zh] = await customer.says("价格呢")
    assert price_zh.text.startswith("连帽卫衣\n") and "159 元" in price_zh.text
    # nothing in view: the bargaining answer as before
    fresh = stack.customer(language_code="en")
    [plain] = await fresh.says("price?")
    assert not plain.text.startswith("Cotton Crew-neck T-shirt")


async def test_orders_named_alike_are_labelled_by_the_item_named(stack) -> None:
    """"我的裤子发货了没" with trousers in two orders: the buttons showed 纯棉圆领T恤 for the
    order whose jeans were meant (its first item); each now shows the item the words name."""
    from tests.e2e.test_order_jobs import showcase

    returnable = await showcase(stack, "returnable")
    customer = stack.customer()
    await customer.shares_contact(returnable.customer_phone)
    [which] = await customer.says("我的裤子发货了没")
    assert which.text == stack.t("choose.order_named")
    labels = [b.text for row in which.inline_buttons for b in row]
    assert len(labels) >= 2 and all("裤" in label for label in labels), labels
    assert not [label for label in labels if "T恤" in label], labels


async def test_a_postage_question_during_a_return_is_answered_zh(stack) -> None:
    """"运费谁出" at the return's "tags still on?" heard that question again (the engine, only
    sure of it with the return's help, said "clarify"), though that question says "ask me
    anything else, I answer first". The return's postage is answered; the return waits on."""
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [reason] = await customer.says("这个我要退")
    assert reason.button("尺码不合适")
    [condition] = await customer.says("尺码不合适")
    assert condition.text == stack.t("returns.fit_question")
    answer, back = await customer.says("运费谁出", replies=2)
    assert answer.text != stack.t("choice.again.yes_no")
    assert answer.text == stack.shown(stack.answer("returns.postage")), answer.text
    assert back.reply_to_message_id == condition.message_id
    [done] = await customer.says("是的")
    assert done.text != stack.t("returns.fit_question")


async def test_do_u_have_an_item_in_a_colour_is_its_stock_en(stack) -> None:
    """"hi do u have the hoodie in black" heard "did you mean…?" ("do you have" was known, the
    shorthand not); the hoodie it asks about then stays in view for "price?"."""
    english = stack.customer(language_code="en")
    [stock] = await english.says("hi do u have the hoodie in black")
    assert stock.text.startswith("Pullover Hoodie\n"), stock.text
    assert stock.text != stack.t("clarify.header", "en")
    [price] = await english.says("price?")
    assert price.text.startswith("Pullover Hoodie\n") and "¥159" in price.text


async def test_an_item_not_come_yet_said_crossly_is_found_and_chased_zh(stack) -> None:
    """"西装外套都快一个月了还没到 你们怎么回事" heard "did you mean: order progress /
    complaint?" (the English "my blazer still hasnt arrived" was chased at once): the blazer's
    late parcel is found by its name and chased."""
    from tests.e2e.test_named_item_jobs import urges_of

    blazer = await stack.long_in_transit_order()
    await name_product(stack, blazer.product_id, "休闲西装外套")
    customer = stack.customer()
    await customer.shares_contact(blazer.phone)
    sorry, urged = await customer.says("西装外套都快一个月了还没到 你们怎么回事", replies=2)
    assert sorry.text != stack.t("clarify.header")
    assert blazer.order_no in sorry.text and "抱歉" in sorry.text
    assert urged.text == stack.t("order.urged.delivery")
    assert len(await urges_of(stack, blazer.order_no)) == 1
