"""Faults a customer ran into talking to the demo shop (session 13), end to end through the
fake Bot API, the real worker and RabbitMQ: the product kept in view for a follow-up ("那黑色
的呢", "ok how much"); "are you a bot?" answered honestly, a person handed over only when asked
for; "can i get the next size up" and "换成你推荐的" are exchanges to that size; a second
goodbye in a row is short; "怎么这么慢" under an order's card is a wait complaint about it; an
exchange with its size named takes one confirmation; a custom-made item's refused refund offers
the exchange only while it is open; …"""

from __future__ import annotations

from datetime import timedelta

from tests.fakes.telegram_api import SentMessage


def price_of(stack, name: str, yuan: int, locale: str = "zh_CN") -> str:
    money = stack.replies.format_money(yuan, locale)
    return (
        stack.t("products.header", locale, name=name)
        + "\n"
        + stack.t("products.price", locale, price=money)
    )


def header(message: SentMessage) -> str:
    return message.text.split("\n", 1)[0]


# -- 1. the product in view: a colour, then the price ----------------------------------------


async def test_colour_then_price_of_the_jeans_just_answered_zh(stack) -> None:
    customer = stack.customer()
    [stock] = await customer.says("牛仔裤现在有货吗")
    assert header(stock) == "高腰牛仔裤"
    [black] = await customer.says("那黑色的呢")
    assert header(black) == "高腰牛仔裤"
    assert "黑色" in black.text.split("\n", 1)[1]
    [price] = await customer.says("多少钱")
    assert price.text == price_of(stack, "高腰牛仔裤", 189)


async def test_colour_then_price_of_the_hoodie_just_answered_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [stock] = await customer.says("do you have the hoodie")
    assert header(stock) == "Pullover Hoodie"
    [black] = await customer.says("what about black")
    assert header(black) == "Pullover Hoodie"  # not "which item do you mean?"
    [price] = await customer.says("ok how much")
    assert price.text == price_of(stack, "Pullover Hoodie", 159, "en")


async def test_a_price_asked_at_a_list_keeps_the_list(stack) -> None:
    customer = stack.customer()
    [listed] = await customer.says("你们有衬衫吗")
    assert listed.text == stack.t("products.pick")
    [again] = await customer.says("多少钱")
    assert again.text == stack.t("products.pick")  # the same list, not "which category?"
    assert again.inline_buttons == listed.inline_buttons
    [price] = await customer.presses(again, "条纹长袖衬衫")
    assert price.text == price_of(stack, "条纹长袖衬衫", 139)


async def test_postage_is_no_price_of_the_item_in_view_en(stack) -> None:
    customer = stack.customer(language_code="en")
    await customer.says("are the jeans in stock")
    [postage] = await customer.says("how much is shipping to beijing")
    assert "High-waist Jeans" not in postage.text


# -- 2. "是真人吗": an honest answer and a person offered, not a ticket at once ---------------


async def test_are_you_a_bot_is_answered_and_a_person_only_on_the_yes_zh(stack) -> None:
    customer = stack.customer()
    [honest] = await customer.says("你是真人吗")
    assert honest.text == stack.t("person.bot_asked")
    assert honest.button(stack.t("button.human"))  # a person one press away
    [again] = await customer.says("是机器人吗")
    assert again.text == stack.t("person.bot_asked")
    assert await stack.tickets(customer.user_id) == []  # nobody was called for
    [ticket] = await customer.says("好的")  # she wants one now
    assert "工单" in ticket.text
    [saved] = await stack.tickets(customer.user_id)
    assert saved.reason == "customer_asked"


async def test_talking_to_a_real_person_question_then_the_button_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [honest] = await customer.says("am i talking to a real person?")
    assert honest.text == stack.t("person.bot_asked", "en")
    assert await stack.tickets(customer.user_id) == []
    [ticket] = await customer.presses(honest, stack.t("button.human", "en"))
    [saved] = await stack.tickets(customer.user_id)
    assert saved.ticket_no in ticket.text and "I'll pass it on to you here" in ticket.text


async def test_a_bot_question_with_a_request_beside_it_hands_over_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [ticket] = await customer.says("are you a bot? i want to talk to a real person")
    [saved] = await stack.tickets(customer.user_id)
    assert saved.ticket_no in ticket.text and "I'll pass it on to you here" in ticket.text


async def test_are_you_a_bot_mid_return_keeps_the_return_waiting_zh(stack) -> None:
    customer = stack.customer()
    [asked] = await customer.says("我要退货")
    [honest] = await customer.says("你是机器人吗")
    assert honest.text == stack.t("person.bot_asked")
    assert await stack.tickets(customer.user_id) == []
    order = await stack.make_order(
        kind="regular", state="shipped", telegram_user_id=customer.user_id
    )
    [next_step] = await customer.says(order.order_no)
    assert next_step.text != asked.text  # the number was the return's answer


# -- 3. "the tee runs small, can i get the next size up", "换成你推荐的" ------------------------

T_SHIRT = 1  # the demo catalogue's first product
GOING_ON = ("确认换货", "Confirm exchange", "是的", "Yes")


async def exchange_confirmed(stack, customer, message: SentMessage, order_no: str):
    """Press on (yes, then confirm) until the exchange is made; the exchange recorded."""
    for _ in range(4):
        label = next(
            (b.text for row in message.inline_buttons for b in row if b.text.endswith(GOING_ON)),
            None,
        )
        assert label is not None, message.text
        [message] = await customer.presses(message, label)
        made = await stack.exchanges(order_no)
        if made:
            return made[0]
    raise AssertionError(message.text)


async def test_next_size_up_of_the_tee_is_an_exchange_to_l_en(stack) -> None:
    order = await stack.make_order(
        kind="regular", product_id=T_SHIRT, size="M", target_stock=3, also=("regular",)
    )
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [first] = await customer.says("the tee runs small, can i get the next size up")
    assert first.text != stack.answer("size.fit", "en")  # not read as a fit question
    exchange = await exchange_confirmed(stack, customer, first, order.order_no)
    assert (exchange.order_item_id, exchange.new_variant.size) == (order.item_id, "L")


async def test_change_to_the_size_you_recommended_carries_that_size_zh(stack) -> None:
    order = await stack.make_order(
        kind="regular",
        product_id=T_SHIRT,
        size="S",
        target_stock=3,
        target_size="L",
        also=("regular",),
    )
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [advice] = await customer.says("纯棉圆领T恤 170 60公斤穿什么码")
    assert advice.text.startswith("纯棉圆领T恤\n")
    assert "L" in advice.text  # the size advised
    [first] = await customer.says("换成你推荐的")
    assert "L /" in first.text  # the advised size, of the T-shirt, said back
    assert "纯棉圆领T恤" in first.text
    exchange = await exchange_confirmed(stack, customer, first, order.order_no)
    assert (exchange.order_item_id, exchange.new_variant.size) == (order.item_id, "L")


async def test_an_exchange_asked_after_size_advice_then_the_contact_is_the_advised_item_en(
    stack,
) -> None:
    """Blind jobs batch 3: advice for the cotton tee, then "so the M I bought is too small. can
    I exchange it for an XL?" before she was verified: once the contact is shared, the T-shirt
    of her tee-and-jeans order (it asked which of the two), in XL."""
    order = await stack.make_order(
        kind="regular", product_id=T_SHIRT, size="M", target_stock=3, target_size="XL",
        also=("regular",),
    )  # fmt: skip
    customer = stack.customer(language_code="en")
    await customer.says("I'm 175 cm and 70 kg, which size would fit me in the cotton tee?")
    [rules] = await customer.says("so the M I bought is too small. can I exchange it for an XL?")
    assert rules.reply_buttons[0][0].request_contact
    *_, first = await customer.shares_contact(order.phone, replies=2)
    assert first.text != stack.t("choose.item", "en")  # not "which item?"
    exchange = await exchange_confirmed(stack, customer, first, order.order_no)
    assert (exchange.order_item_id, exchange.new_variant.size) == (order.item_id, "XL")


async def test_between_two_sizes_the_recommended_one_her_words_point_to_zh(stack) -> None:
    """Advice between L and XL, then "我买的M是不是小了 想换成你推荐的": the T-shirt advised
    about (not "which item?"), one size up from her M."""
    order = await stack.make_order(
        kind="regular", product_id=T_SHIRT, size="M", target_stock=3, also=("regular",)
    )
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    await customer.says("我身高170 体重65公斤 T恤穿什么码")
    [first] = await customer.says("那我买的M是不是小了 想换成你推荐的")
    assert "纯棉圆领T恤 M/" in first.text and "L /" in first.text
    exchange = await exchange_confirmed(stack, customer, first, order.order_no)
    assert (exchange.order_item_id, exchange.new_variant.size) == (order.item_id, "L")

# -- 4. "谢谢" then "拜拜": the second goodbye is a short one ---------------------------------


async def test_bye_after_thanks_is_a_short_goodbye_zh(stack) -> None:
    customer = stack.customer()
    await customer.says("寄北京包邮吗")
    [thanks] = await customer.says("谢谢")
    assert thanks.text == stack.answer("thanks.bye")
    [bye] = await customer.says("拜拜")
    assert bye.text == stack.t("thanks.bye_again")


async def test_bye_after_thanks_is_a_short_goodbye_en(stack) -> None:
    customer = stack.customer(language_code="en")
    await customer.says("do you ship to beijing?")
    [thanks] = await customer.says("thanks!")
    assert thanks.text == stack.answer("thanks.bye", "en")
    [bye] = await customer.says("bye")
    assert bye.text == stack.t("thanks.bye_again", "en")
    # a goodbye later on, after another question: short too (not "I answered this above")
    await customer.says("do you ship to shanghai?")
    [later] = await customer.says("thanks")
    assert later.text == stack.t("thanks.bye_again", "en")


# -- 5. "怎么这么慢" under an order's card ------------------------------------------------------


async def test_why_so_slow_under_an_in_transit_card_is_about_that_order_zh(stack) -> None:
    order = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, shipped_ago=timedelta(days=1)
    )
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [card] = await customer.says(f"查一下订单 {order.order_no}")
    assert "预计送达" in card.text
    [sorry] = await customer.says("怎么这么慢")
    assert sorry.text.startswith(
        stack.t("order.wait.delivery", order_no=order.order_no, time="@").split("@")[0]
    )
    assert await stack.tickets(customer.user_id) == []
    [urged] = await customer.presses(sorry, stack.t("button.urge"))
    assert urged.text == stack.t("order.urged.delivery")


async def test_why_so_slow_under_an_unshipped_card_is_about_that_order_en(stack) -> None:
    order = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(hours=5)
    )
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [card] = await customer.says(f"can you check order {order.order_no}")
    assert "Ships by" in card.text
    [sorry] = await customer.says("why is it so slow")
    assert sorry.text.startswith(
        stack.t("order.wait.dispatch", "en", order_no=order.order_no, time="@").split("@")[0]
    )
    [urged] = await customer.says("ok yes please")
    assert urged.text == stack.t("order.urged.dispatch", "en")


# -- 6. one confirmation for an exchange whose size is named ----------------------------------


async def test_an_exchange_with_its_size_named_is_confirmed_once_zh(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped", size="M", target_stock=3)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [terms] = await customer.says(f"{order.order_no} 想换成L")
    # the item, the size, the condition it must be in, the price: all in the one message
    assert terms.text.startswith(stack.t("exchange.confirm_order", order_no=order.order_no))
    assert " M/黑色" in terms.text and "L / 黑色" in terms.text
    assert stack.t("exchange.condition_rule") in terms.text
    assert stack.t("exchange.no_price_difference") in terms.text
    [created] = await customer.presses(terms, "确认换货")
    [exchange] = await stack.exchanges(order.order_no)
    assert exchange.rma_no in created.text and exchange.new_variant.size == "L"


async def test_worn_said_at_the_one_confirmation_is_refused_honestly_en(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped", size="M", target_stock=3)
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [terms] = await customer.says(f"can i swap {order.order_no} for an L")
    assert stack.t("exchange.condition_rule", "en") in terms.text
    [refused] = await customer.says("hmm it has been worn a few times")
    assert "tags on" in refused.text
    assert await stack.exchanges(order.order_no) == []


async def test_no_to_the_size_read_back_asks_which_size_zh(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped", size="M", target_stock=3)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [terms] = await customer.says(f"{order.order_no} 小了 换大一码")
    assert "L / 黑色" in terms.text
    [sizes] = await customer.says("不对")
    assert sizes.button("XL / 黑色")  # which size then, not the exchange cancelled
    assert await stack.exchanges(order.order_no) == []


# -- 7. a custom-made item refused a refund: the exchange offered only while it is open -------


async def test_custom_refund_refused_after_the_window_offers_no_exchange_zh(stack) -> None:
    order = await stack.make_order(kind="custom", state="shipped", delivered_ago=timedelta(days=3))
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [refused] = await customer.says(f"{order.order_no} 定制的这件不想要了 想退款")
    assert stack.t("returns.custom_exchange_over", hours="48") in refused.text
    assert not any(
        stack.t("button.exchange_instead") in b.text for row in refused.inline_buttons for b in row
    )
    assert refused.button(stack.t("button.human"))  # what is still possible: a person


async def test_custom_refund_refused_within_the_window_offers_the_exchange_en(stack) -> None:
    order = await stack.make_order(kind="custom", state="shipped", delivered_ago=timedelta(hours=5))
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [refused] = await customer.says(f"i want a refund for {order.order_no}, changed my mind")
    assert refused.button(stack.t("button.exchange_instead", "en"))
    assert stack.t("returns.custom_exchange_over", "en", hours="48") not in refused.text


async def test_the_exchange_asked_in_words_under_a_refused_refund_is_that_items_zh_en(stack):
    """Jobs batch 4: "不能退的话 那换个黑色的吧 码不变" under the refusal of a custom-made item's
    refund asked "which order?" again. The exchange offered is that order's, in the colour
    she names (her size kept), read back with its terms to confirm."""
    order = await stack.make_order(kind="custom", state="shipped", delivered_ago=timedelta(hours=5))
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [refused] = await customer.says(f"{order.order_no} 定制的这件不想要了 能退款吗")
    assert refused.button(stack.t("button.exchange_instead"))
    [terms] = await customer.says("不能退的话 那换个白色的吧 码不变")
    assert order.order_no in terms.text and "M / 白色" in terms.text
    assert terms.button("确认换货") and await stack.exchanges(order.order_no) == []
    [made] = await customer.presses(terms, "确认换货")
    assert "RMA" in made.text and len(await stack.exchanges(order.order_no)) == 1
    english_order = await stack.make_order(
        kind="custom", state="shipped", delivered_ago=timedelta(hours=5)
    )
    english = stack.customer(language_code="en")
    await english.shares_contact(english_order.phone)
    [refused] = await english.says(f"i want a refund for {english_order.order_no}")
    assert refused.button(stack.t("button.exchange_instead", "en"))
    [terms] = await english.says("ok then can i swap it for white instead, same size")
    assert english_order.order_no in terms.text and "M / white" in terms.text
