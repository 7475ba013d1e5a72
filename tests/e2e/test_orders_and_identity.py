"""Identity and order status end to end: the contact button, a spoofed contact refused, the
order number + last four digits, and nothing at all about someone else's order."""

from __future__ import annotations

from datetime import timedelta


async def test_order_status_by_number_and_last_four_digits_zh(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    [ask] = await customer.says(f"我的订单 {order.order_no} 到哪了")
    assert "后四位" in ask.text
    [card] = await customer.says(f"尾号{order.phone[-4:]}")
    assert order.order_no in card.text
    assert "已发货" in card.text
    # Remembered: the next question about the same order needs no proof again.
    [again] = await customer.says(f"{order.order_no} 发货了吗")
    assert order.order_no in again.text


async def test_order_status_in_english_asks_for_the_number_then_the_digits(stack) -> None:
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer(language_code="en")
    [ask] = await customer.says("where is my order?")
    assert "order number" in ask.text
    assert ask.reply_buttons  # and the share-contact button
    [ask_digits] = await customer.says(order.order_no.lower())
    assert "last four digits" in ask_digits.text
    [card] = await customer.says(order.phone[-4:])
    assert order.order_no in card.text and "paid" in card.text


async def test_another_customers_order_number_gives_nothing(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    await customer.says(f"查一下订单{order.order_no}")
    wrong = "0000" if order.phone[-4:] != "0000" else "1111"
    [answer] = await customer.says(wrong)
    assert answer.text == stack.t("order.not_found")
    assert order.order_no not in answer.text
    for message in customer.history:
        assert order.phone not in message.text


async def test_the_digits_typed_again_after_a_wrong_try_open_the_same_order_zh_and_en(stack):
    """A wrong last four, then the right ones alone: the order number was asked for again, as
    if it had been lost. Now the digits are tried again on the same order (a return too)."""
    order = await stack.make_order(kind="regular", state="shipped")
    wrong = "0000" if order.phone[-4:] != "0000" else "1111"
    customer = stack.customer(language_code="en")
    await customer.says(f"where is {order.order_no}")
    [refused] = await customer.says(wrong)
    assert refused.text == stack.t("order.not_found", "en"), [m.text[:80] for m in customer.history]
    [card] = await customer.says(order.phone[-4:])
    assert order.order_no in card.text and "Status" in card.text
    returned = await stack.make_order(kind="regular", delivered_ago=timedelta(days=2))
    wrong = "0000" if returned.phone[-4:] != "0000" else "1111"
    other = stack.customer()
    await other.says(f"我要退货 {returned.order_no}")
    await other.says(f"尾号{wrong}")
    [why] = await other.says(f"尾号{returned.phone[-4:]}")
    assert why.button("尺码不合适"), why.text


async def test_shared_contact_links_and_lists_own_orders(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    [ask] = await customer.says("我的快递到哪了")
    assert ask.reply_buttons[0][0].request_contact
    linked, card = await customer.shares_contact(order.phone, replies=2)
    assert linked.remove_keyboard
    # One order only: it is shown at once.
    assert order.order_no in card.text
    [again] = await customer.says("我的订单发货了吗")
    assert order.order_no in again.text
    # its card was just shown: the short answer (shipped, the tracking number), not the card
    assert "已发货" in again.text and stack.t("order.brief_more") in again.text
    assert "合计" not in again.text


async def test_a_customer_verified_before_the_chat_memory_began_is_not_asked_again(stack) -> None:
    """The chat memory forgets a chat idle for two days (``KEFU_CHAT_TTL_S``); the link is the
    worker's. A customer verified long ago is answered about their order, not asked to verify
    again; one the worker doesn't know is asked, as before."""
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular", state="shipped", telegram_user_id=customer.user_id
    )
    [card] = await customer.says("我的快递到哪了")
    assert order.order_no in card.text and not card.reply_buttons
    stranger = stack.customer()
    [ask] = await stranger.says("我的快递到哪了")
    assert ask.reply_buttons[0][0].request_contact


async def test_a_contact_that_is_not_the_senders_own_is_refused_and_links_nothing(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    [refused] = await customer.shares_contact(order.phone, contact_user_id=customer.user_id + 1)
    assert refused.text == stack.t("contact.not_own")
    # Nothing was linked: an order question still asks for proof.
    [ask] = await customer.says(f"订单{order.order_no}到哪了")
    assert "后四位" in ask.text
    english = stack.customer(language_code="en")
    await english.says("hello")
    [refused] = await english.shares_contact(order.phone, contact_user_id=english.user_id + 7)
    assert "isn't yours" in refused.text


async def test_refund_progress_shows_the_order_and_the_refund_times(stack) -> None:
    order = await stack.make_order(kind="regular", state="completed")
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone, replies=1)
    card, refund = await customer.says(f"when will I get my refund for {order.order_no}", replies=2)
    assert order.order_no in card.text
    # no return of it: nothing is on its way (test_order_jobs has the order with a return)
    assert refund.text == stack.t("refund.no_return_yet", "en", order_no=order.order_no)


async def test_address_change_of_a_paid_order_goes_to_the_worker(stack) -> None:
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    card, ask = await customer.says(f"我要改收货地址 {order.order_no}", replies=2)
    assert order.order_no in card.text
    assert ask.text == stack.t("address.ask_new")
    [shown] = await customer.says("江苏省南京市玄武区示范路 12 号 3 栋 501 王小明 13912345678")
    # Read into its parts and shown to the verified customer before it is written (the phone
    # masked, as the order's own receiver's is: conv11, session 15)
    for part in ("王小明", "139****5678", "江苏", "南京市", "玄武区", "示范路 12 号 3 栋 501"):
        assert part in shown.text
    [done] = await customer.presses(shown, "✅")
    assert "江苏" in done.text and "王小明" in done.text


async def test_address_change_after_shipping_is_refused_in_english(stack) -> None:
    # on its way (a parcel signed for says when, tests/unit/bot/test_flows_on_the_in_memory_bus.py)
    order = await stack.make_order(kind="regular", state="shipped", delivered_ago=None)
    customer = stack.customer(language_code="en")
    await customer.says("hello")
    await customer.shares_contact(order.phone)
    card, refused = await customer.says(
        f"I need to change my shipping address for {order.order_no}", replies=2
    )
    assert order.order_no in card.text
    assert "already shipped" in refused.text
    assert refused.button("person")


async def test_guessing_the_last_four_digits_is_throttled(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    await customer.says(f"订单{order.order_no}到哪了")
    right = order.phone[-4:]
    wrong = [f"{n:04d}" for n in range(10) if f"{n:04d}" != right][:5]
    for guess in wrong:
        [answer] = await customer.says(f"{order.order_no} 尾号{guess}")
        assert order.order_no not in answer.text
    # Even the right digits are refused now: guessing has been stopped for a while.
    [throttled] = await customer.says(f"{order.order_no} 尾号{right}")
    assert "分钟" in throttled.text
    assert order.order_no not in throttled.text


async def test_the_bot_says_nothing_about_orders_in_a_group(stack) -> None:
    """Customers talk to the bot in private; in a group it never answers (no order can be
    shown to a room)."""
    order = await stack.make_order(kind="regular", state="shipped")
    group = -100_200_300
    stack.fake.add_chat(group, type="supergroup", title="某个群")
    user = 700_999
    stack.fake.user_says(
        f"{order.order_no} 尾号{order.phone[-4:]}", user_id=user, chat_id=group,
        chat_type="supergroup",
    )
    await stack.fake.assert_no_new_messages(group, wait=1.5)
    # The same user in private gets the order at once: the bot was running all along.
    customer = stack.customer()
    [card] = await customer.says(f"{order.order_no} 尾号{order.phone[-4:]}")
    assert order.order_no in card.text


async def test_a_verified_customer_typing_a_number_not_hers_is_told_so_then_the_right_one_opens(
    stack,
) -> None:
    """Blind jobs batch 4: a verified customer's typo (or a friend's order) was met with "the
    last four digits?" after every line, the right number too — she was stuck. Now she is told
    the number is none of her orders, and the number typed next opens the order meant; the
    other order shows nothing."""
    mine = await stack.make_order(kind="regular", state="paid", delivered_ago=None, linked=False)
    other = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer()
    await customer.shares_contact(mine.phone)
    [told] = await customer.says(f"订单{other.order_no}的收货地址要改")
    assert told.text == stack.t("order.not_among_yours", order_no=other.order_no)
    card, ask = await customer.says(f"哦打错了 是{mine.order_no}", replies=2)
    assert mine.order_no in card.text
    assert ask.text == stack.t("address.ask_new")
    for message in customer.history:
        assert other.phone not in message.text and other.order_no not in message.text.replace(
            told.text, ""
        )

    english = stack.customer(language_code="en")
    await english.shares_contact(other.phone)
    [told] = await english.says(f"where's my order {mine.order_no}?")
    assert told.text == stack.t("order.not_among_yours", "en", order_no=mine.order_no)
    [card] = await english.says(f"sorry typo, it's {other.order_no}")
    assert other.order_no in card.text and "Status" in card.text
