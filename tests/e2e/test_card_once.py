"""The order's card once (issue "the order card on every follow-up"), end to end through the
fake Bot API, the real worker and RabbitMQ: a question about the order whose card was shown a
moment ago gets the short answer — its state, the courier and tracking number, the time it is
paid, shipped or due by — not the whole card again; the card comes back when she asks for it
or the order changed. A general question that only sounds like her order ("how long does it
usually take to beijing?") is answered as the shop's times, not with her order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from worker.db.models import Order

FRESH_SHIPPED = {"paid_ago": timedelta(days=2), "shipped_ago": timedelta(days=1)}


def is_card(stack, text: str, order_no: str, locale: str = "zh_CN") -> bool:
    """The whole card: its items and totals, not only its state."""
    return order_no in text and stack.t("order.brief_more", locale) not in text and (
        ("合计" in text) if locale.startswith("zh") else ("Total:" in text)
    )


def is_brief(stack, text: str, order_no: str, locale: str = "zh_CN") -> bool:
    return (
        order_no in text
        and stack.t("order.brief_more", locale) in text
        and ("合计" not in text and "Total:" not in text)
    )


async def test_a_shipped_orders_follow_ups_get_the_short_answer_zh(stack) -> None:
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
        **FRESH_SHIPPED,
    )
    row = await order_row(stack, order.order_no)
    [card] = await customer.says(order.order_no)
    assert is_card(stack, card.text, order.order_no)
    [shipped] = await customer.says("发货了吗")
    assert is_brief(stack, shipped.text, order.order_no)
    assert "已发货" in shipped.text and row.tracking_no in shipped.text
    assert "预计送达" in shipped.text  # when it is due: the answer to where it is
    [again] = await customer.says("快递单号多少啊")
    assert is_brief(stack, again.text, order.order_no)
    assert row.tracking_no in again.text
    # she asks for the card: the card
    [whole] = await customer.says("订单详情再发我看下")
    assert is_card(stack, whole.text, order.order_no)
    # a general question that sounds like the order: the shop's times, not her order
    [general] = await customer.says("发顺丰一般要几天")
    assert order.order_no not in general.text and "顺丰" in general.text


async def test_a_paid_orders_dispatch_asked_under_its_card_zh(stack) -> None:
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
    [when] = await customer.says("那什么时候发货")
    assert is_brief(stack, when.text, order.order_no)
    assert "预计发货" in when.text


async def test_the_card_again_once_the_order_changed_zh(stack) -> None:
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
    # the warehouse ships it a minute later: what she sees now is news — the card again
    async with stack.shop.db.write() as session:
        row = (await session.scalars(select(Order).where(Order.order_no == order.order_no))).one()
        row.state = "shipped"
        row.shipped_at = datetime.now(UTC)
        row.courier = "顺丰"
        row.tracking_no = "SF1234567890123"
    [shipped] = await customer.says("发货了吗")
    assert is_card(stack, shipped.text, order.order_no)
    assert "SF1234567890123" in shipped.text
    [asked_again] = await customer.says("发货了没")
    assert is_brief(stack, asked_again.text, order.order_no)


async def test_an_unpaid_orders_follow_ups_and_a_general_question_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular",
        state="awaiting_payment",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
    )
    [card] = await customer.says(order.order_no)
    assert is_card(stack, card.text, order.order_no, "en")
    [arrive] = await customer.says("ok and when will it arrive?")
    assert is_brief(stack, arrive.text, order.order_no, "en")
    assert "awaiting payment" in arrive.text and "Pay by" in arrive.text
    # the shop's times to Beijing, not her unpaid order's card
    [general] = await customer.says("how long does it usually take to beijing?")
    assert order.order_no not in general.text and "Beijing" in general.text
    [shipped] = await customer.says("is it shipped yet?")
    assert is_brief(stack, shipped.text, order.order_no, "en")
    [whole] = await customer.says("show me the order again")
    assert is_card(stack, whole.text, order.order_no, "en")


async def test_a_shipped_orders_tracking_asked_twice_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
        **FRESH_SHIPPED,
    )
    row = await order_row(stack, order.order_no)
    [card] = await customer.says(order.order_no)
    assert is_card(stack, card.text, order.order_no, "en")
    [where] = await customer.says("any tracking update?")
    assert is_brief(stack, where.text, order.order_no, "en")
    assert row.tracking_no in where.text and "Expected by" in where.text
    # another chat with no card shown: the card, as ever
    other = stack.customer(language_code="en")
    [first] = await other.says(f"{order.order_no} {order.phone[-4:]}")
    assert is_card(stack, first.text, order.order_no, "en")


async def order_row(stack, order_no: str) -> Order:
    async with stack.shop.db.read() as session:
        return (await session.scalars(select(Order).where(Order.order_no == order_no))).one()


async def test_her_order_found_by_its_item_then_asked_about_and_asked_for_again_en(stack) -> None:
    """Held as a customer in the console: "is it shipped yet?" right after her down jacket's
    card was "did you mean…?" (the engine unsure between where it is and when it ships); the
    card is still hers to ask for a few questions later."""
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
        **FRESH_SHIPPED,
    )
    [card] = await customer.says(order.order_no)
    assert is_card(stack, card.text, order.order_no, "en")
    [shipped] = await customer.says("is it shipped yet?")
    assert is_brief(stack, shipped.text, order.order_no, "en")
    assert "shipped" in shipped.text.lower()
    [general] = await customer.says("how long does it usually take to beijing?")
    assert order.order_no not in general.text and "Beijing" in general.text
    for other_question in ("do you ship to hong kong?", "can i pay with a credit card?"):
        [other] = await customer.says(other_question)
        assert order.order_no not in other.text
    [whole] = await customer.says("show me the order again")
    assert is_card(stack, whole.text, order.order_no, "en")
