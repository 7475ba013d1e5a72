"""The order in view (console rounds, session 17), end to end through the fake Bot API, the real
worker and RabbitMQ: right after an order's card — whichever way it was opened: its number, an
item named, a pick from her list, a shared contact — a short follow-up with nothing else named
("ok那什么时候到", "where is it now?", "still not moving?") is about that order: its short
answer, not the shop's general times, "did you mean…?" or "I didn't get that"; a job asked about
it (cancel, urge, a new address) goes straight to its next step, not the card again; where a
return's money is comes first, before any card."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.test_card_once import FRESH_SHIPPED, is_brief, is_card
from tests.e2e.test_named_item_jobs import name_product, newer_orders, urges_of
from tests.e2e.test_order_jobs import refund_values, returns_of


async def shipped_order(stack, customer, **kwargs):
    return await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
        **{**FRESH_SHIPPED, **kwargs},
    )


async def test_short_follow_ups_under_a_card_get_its_short_answer_zh(stack) -> None:
    customer = stack.customer()
    order = await shipped_order(stack, customer)
    [card] = await customer.says(order.order_no)
    assert is_card(stack, card.text, order.order_no)
    # the shop's times were the answer to each of these ("寄到江苏：中通快递…一般 2–5 天")
    for words in ("ok那什么时候到", "那到哪了", "还要几天啊", "今天能送到吗"):
        [brief] = await customer.says(words)
        assert is_brief(stack, brief.text, order.order_no), (words, brief.text)
        assert "预计送达" in brief.text
    # a question of the shop's times, a place named: the shop's, not her order
    [general] = await customer.says("发到广州一般几天")
    assert order.order_no not in general.text
    # a question of its own under the card: its own answer
    [size] = await customer.says("L码衣长多少")
    assert order.order_no not in size.text


async def test_short_follow_ups_under_a_card_get_its_short_answer_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await shipped_order(stack, customer)
    [card] = await customer.says(order.order_no)
    assert is_card(stack, card.text, order.order_no, "en")
    # "did you mean…?" or "I didn't quite get that" were the answers to these
    for words in ("where is it now?", "and when will it get here", "eta?"):
        [brief] = await customer.says(words)
        assert is_brief(stack, brief.text, order.order_no, "en"), (words, brief.text)
        assert "Expected by" in brief.text
    # the wait complained of: sorry, it is not late, the time it is due by, the chase offered
    [wait] = await customer.says("still not moving?")
    assert wait.text.startswith("Sorry") and order.order_no in wait.text
    assert wait.button("Chase")
    [general] = await customer.says("do you ship to macau?")
    assert order.order_no not in general.text
    # a card long ago (turns since): "where is it now?" is no follow-up of it any more
    for other in ("whats your return policy", "do you have the hoodie in black", "ok thanks"):
        await customer.says(other)
    [later] = await customer.says("eta?")
    assert order.order_no not in later.text


async def test_an_unpaid_orders_pay_by_asked_under_its_card_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular",
        state="awaiting_payment",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
    )
    await customer.says(order.order_no)
    # the payment methods were the answer
    [brief] = await customer.says("until when do i have to pay it")
    assert is_brief(stack, brief.text, order.order_no, "en") and "Pay by" in brief.text


async def test_a_card_shown_for_an_item_named_is_in_view_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await shipped_order(stack, customer)
    await name_product(stack, order.product_id, "灯芯绒外套", "Corduroy Jacket")
    [card] = await customer.says("where's my corduroy jacket")
    assert is_card(stack, card.text, order.order_no, "en")
    [brief] = await customer.says("and when will it get here")
    assert is_brief(stack, brief.text, order.order_no, "en")
    # the short answer keeps it in view: two more follow-ups
    [again] = await customer.says("hasn't moved since yesterday?")
    assert order.order_no in again.text and "Total:" not in again.text
    [third] = await customer.says("ok where's it now")
    assert is_brief(stack, third.text, order.order_no, "en")


async def test_a_card_picked_from_her_list_is_in_view_zh_and_en(stack) -> None:
    chats = (("en", "where is it now?", "en"), (None, "那到哪了", "zh_CN"))
    for language, follow_up, marker in chats:
        customer = stack.customer(language_code=language)
        order = await shipped_order(stack, customer)
        await newer_orders(stack, order.order_no, 1, state="paid")
        [listed] = await customer.says("/orders")
        [card] = await customer.presses(listed, order.order_no)
        assert is_card(stack, card.text, order.order_no, marker)
        [brief] = await customer.says(follow_up)
        assert is_brief(stack, brief.text, order.order_no, marker), brief.text


async def test_a_card_shown_after_her_contact_is_in_view_zh(stack) -> None:
    order = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, linked=False, **FRESH_SHIPPED
    )
    customer = stack.customer()
    [ask] = await customer.says("我的快递到哪了")
    assert ask.reply_buttons[0][0].request_contact
    _linked, card = await customer.shares_contact(order.phone, replies=2)
    assert is_card(stack, card.text, order.order_no)
    [brief] = await customer.says("ok那什么时候到")
    assert is_brief(stack, brief.text, order.order_no)


async def test_a_new_address_after_her_contact_shows_a_card_kept_in_view_zh(stack) -> None:
    """The address change paused for her contact shows the card again when it goes on: that
    card is in view too."""
    order = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, linked=False, paid_ago=timedelta(hours=2)
    )
    customer = stack.customer()
    await customer.says(f"{order.order_no} 尾号{order.phone[-4:]}")
    await customer.says("我要改地址")
    _linked, card, step = await customer.shares_contact(order.phone, replies=3)
    assert is_card(stack, card.text, order.order_no)
    assert step.text == stack.t("address.ask_new")
    [cancelled] = await customer.says("算了 不改了")
    [brief] = await customer.says("那什么时候发货")
    assert is_brief(stack, brief.text, order.order_no), (cancelled.text, brief.text)


async def test_jobs_under_the_card_go_straight_to_their_step_zh(stack) -> None:
    for words, step in (
        ("帮我取消", "order.cancel.confirm_paid"),
        ("催一下", "order.urged.dispatch"),
        ("地址能改吗", "address.ask_new"),
    ):
        customer = stack.customer()
        order = await stack.make_order(
            kind="regular",
            state="paid",
            delivered_ago=None,
            telegram_user_id=customer.user_id,
            paid_ago=timedelta(hours=3),
        )
        [card] = await customer.says(order.order_no)
        assert is_card(stack, card.text, order.order_no)
        [next_step] = await customer.says(words)  # (the card again came first)
        assert not is_card(stack, next_step.text, order.order_no), words
        expected = stack.t(step, order_no=order.order_no, total=next_step.text)
        if step == "order.cancel.confirm_paid":
            assert next_step.text.startswith(expected.split("？")[0].split(" ")[0]), words
            assert order.order_no in next_step.text and next_step.button("确认取消")
        else:
            assert next_step.text == stack.t(step), words
        await customer.hears_nothing_more()
        if step == "order.urged.dispatch":
            assert len(await urges_of(stack, order.order_no)) == 1


async def test_jobs_under_the_card_go_straight_to_their_step_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await shipped_order(stack, customer)
    await customer.says(order.order_no)
    [urged] = await customer.says("can you chase the courier")
    assert urged.text == stack.t("order.urged.delivery", "en")
    await customer.hears_nothing_more()
    # a job on an order with no card shown: the card first, as ever
    other = stack.customer(language_code="en")
    mine = await shipped_order(stack, other)
    card, _urged = await other.says(f"please chase {mine.order_no}", replies=2)
    assert is_card(stack, card.text, mine.order_no, "en")


async def test_where_the_money_is_comes_before_the_card_zh(stack) -> None:
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular", delivered_ago=timedelta(days=1), telegram_user_id=customer.user_id
    )
    await customer.says("我要退货")
    await customer.says("不想要了")
    await customer.says("是的")
    await customer.says("确认退货")
    [record] = await returns_of(stack, order.order_no)
    status = stack.t("refund.status.awaiting_parcel", **refund_values(stack, record))
    # no card shown yet: the return's state first, the card after it
    first, card = await customer.says("钱什么时候退回来", replies=2)
    assert first.text == status
    assert is_card(stack, card.text, order.order_no)
    # asked again with the card just above: the return's state only
    [again] = await customer.says("退款多久到账啊")
    assert again.text == status
    await customer.hears_nothing_more()
