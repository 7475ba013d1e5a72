"""Her orders asked about the way customers ask (session 21, helper orders21), end to end
through the fake Bot API, the real worker and RabbitMQ: a return's quote says the day to post
the parcel by, not a bare clock time."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlalchemy import select

from tests.e2e.conftest import WAIT
from tests.e2e.test_named_item_jobs import name_product, newer_orders
from tests.support.polling import eventually
from worker.db.models import Order, OrderItem, Variant


async def test_a_return_quote_says_the_day_to_send_it_by_not_a_clock_time_zh_and_en(stack) -> None:
    """The quote said "请在 2026年12月10日 3:21 前寄出": a window ending in the small hours read
    as a clock in the wrong zone. Now the last whole day before it, with its weekday, in the
    shop's time zone."""
    for locale, language, says, yes in (
        ("zh_CN", "zh-hans", "牛仔裤小了 想退", "是的"),
        ("en", "en", "the jeans are too small, i want to return them", "yes"),
    ):
        order = await stack.make_order(
            kind="regular", state="shipped", delivered_ago=timedelta(days=2)
        )
        await name_product(stack, order.product_id, "高腰牛仔裤", "High-waist Jeans")
        customer = stack.customer(language_code=language)
        await customer.shares_contact(order.phone)
        await customer.says(says)
        [quote] = await customer.says(yes)
        line = next(
            (s for s in quote.text.splitlines() if "寄出" in s or "send it by" in s.lower()), ""
        )
        assert line, quote.text
        assert re.search(r"\d{1,2}:\d{2}", line) is None, line
        day = (
            r"\d{1,2}月\d{1,2}日（周.）当天或之前寄出"
            if locale == "zh_CN"
            else r"by [A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ at the latest"
        )
        assert re.search(day, line), line


async def test_a_late_parcel_behind_ten_newer_finished_orders_is_listed_and_older_reached_zh(
    stack,
) -> None:
    """ "查一下我的订单" listed her latest ten only: a parcel late for weeks behind twelve newer,
    finished orders never showed. Now the orders under way come first (the late one among
    them), a line says how many older finished ones are left out, and "还有别的吗 更早的" at
    the list shows those."""
    late = await stack.long_in_transit_order()
    await name_product(stack, late.product_id, "休闲西装外套", "Casual Blazer")
    newer = await newer_orders(stack, late.order_no, 12)
    customer = stack.customer()
    await customer.shares_contact(late.phone)
    [listed] = await customer.says("查一下我的订单")
    labels = [b.text for row in listed.inline_buttons for b in row]
    assert len(labels) == 10, labels
    assert listed.button(late.order_no), labels
    assert stack.t("order.list.more", count=3) in listed.text
    [older] = await customer.says("还有别的吗 更早的")
    rest = [b.text for row in older.inline_buttons for b in row]
    assert len(rest) == 3 and all(newer[n] in " ".join(rest) for n in range(3)), rest
    [card, *_] = await customer.presses(older, newer[0])
    assert newer[0] in card.text


async def test_show_all_my_orders_puts_a_late_one_in_and_says_how_many_are_left_en(stack) -> None:
    late = await stack.long_in_transit_order()
    await newer_orders(stack, late.order_no, 12)
    customer = stack.customer(language_code="en")
    await customer.shares_contact(late.phone)
    [listed] = await customer.says("show me all my orders")
    assert late.order_no in listed.text
    assert stack.t("purchases.more", "en", count=3) in listed.text


async def in_transit_down_jacket(stack):
    """A down jacket shipped yesterday, on its way, behind two newer finished orders."""
    made = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, shipped_ago=timedelta(days=1),
        paid_ago=timedelta(days=2),
    )  # fmt: skip
    await name_product(stack, made.product_id, "轻薄羽绒服", "Light Down Jacket")
    await newer_orders(stack, made.order_no, 2)
    return made


async def test_a_status_question_naming_her_item_gets_its_card_and_a_one_line_answer_zh_en(
    stack,
) -> None:
    """ "羽绒服那单怎么样了" heard "did you mean…?" (fit, quality); "did my down jacket ship
    yet" showed the card alone. Now her order of that item, its card and its answer in one
    line under it: on its way, due by a day."""
    jacket = await in_transit_down_jacket(stack)
    customer = stack.customer()
    await customer.shares_contact(jacket.phone)
    [card] = await customer.says("羽绒服那单怎么样了")
    assert jacket.order_no in card.text and "一句话：在路上了，预计" in card.text, card.text
    other = stack.customer(language_code="en")
    await other.shares_contact(jacket.phone)
    [card] = await other.says("did my down jacket ship yet")
    assert jacket.order_no in card.text and "In short: on its way, due by" in card.text, card.text


async def test_her_parcel_said_come_is_acknowledged_with_the_receipt_button_zh(stack) -> None:
    """ "羽绒服收到了" is a report, not a question: glad it came, the receipt one tap away (it
    was "did you mean…?")."""
    jacket = await in_transit_down_jacket(stack)
    customer = stack.customer()
    await customer.shares_contact(jacket.phone)
    [said] = await customer.says("羽绒服收到了")
    assert said.text == stack.t("order.received.shipped", order_no=jacket.order_no)
    assert said.button(stack.t("button.confirm_receipt"))


async def test_an_item_in_none_of_her_orders_is_said_plainly_then_her_list_en(stack) -> None:
    jacket = await in_transit_down_jacket(stack)
    customer = stack.customer(language_code="en")
    await customer.shares_contact(jacket.phone)
    none, listed = await customer.says("where is my trench coat", replies=2)
    assert none.text == stack.t("order.item_not_found", "en")
    assert listed.button(jacket.order_no)


async def test_a_colour_asked_beside_the_exchange_is_not_replayed_once_it_is_done_zh(
    stack,
) -> None:
    """ "有黑色吗 有的话就换黑色" at the exchange's step: the exchange to black went on, and the
    colour question beside it was queued and replayed after the exchange was done (into the
    finished exchange's step, which failed). The exchange to that colour answered it: nothing
    replayed."""
    order = await stack.make_order(kind="custom", state="shipped", delivered_ago=timedelta(hours=6))
    await name_product(stack, order.product_id, "定制真丝衬衫", "Custom Silk Shirt")
    async with stack.shop.db.write() as session:  # the shirt she has is white
        item = (await session.scalars(select(OrderItem).join(Order).where(
            Order.order_no == order.order_no))).one()
        old = await session.get(Variant, item.variant_id)
        white = (await session.scalars(select(Variant).where(
            Variant.product_id == old.product_id, Variant.size == "M", Variant.color == "白色"
        ))).one()
        item.variant_id = white.id
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    for said in ("真丝衬衫能换个颜色吗 白色有点透", "有黑色吗 有的话就换黑色", "确认"):
        before = len(stack.fake.messages(customer.user_id))
        stack.fake.user_says(said, user_id=customer.user_id)
        # each turn answered before the next is typed (not a fixed pause: a busy machine)
        await stack.fake.wait_until(
            lambda n=before: len(stack.fake.messages(customer.user_id)) > n, WAIT, f"{said!r}"
        )

    async def made_exchange():
        return await stack.exchanges(order.order_no)

    [made] = await eventually(made_exchange, within=WAIT)
    await stack.fake.wait_until(
        lambda: any(made.rma_no in m.text for m in stack.fake.messages(customer.user_id)),
        WAIT,
        "the exchange's number told",
    )
    await asyncio.sleep(0.5)  # a replayed colour question would come right after: none does
    texts = [m.text for m in stack.fake.messages(customer.user_id)]
    async with stack.shop.db.read() as session:
        new = await session.get(Variant, made.new_variant_id)
    assert new.color == "黑色" and any(made.rma_no in t for t in texts), texts
    next_job = stack.t("also.next", asked="").split("“")[0]
    assert [t for t in texts if t.startswith(next_job)] == [], texts


async def test_combining_orders_for_postage_uses_her_orders_province_zh(stack) -> None:
    """ "能跟昨天那单卫衣一起寄吗 省一份运费" from a verified customer got the whole postage rule
    and "告诉我您在哪个省份" — her hoodie's order has it. Now the rule for that province: to
    Jiangsu the orders within the combine days count together; to Beijing they don't, said
    plainly."""
    for province, combined in (("江苏", True), ("北京", False)):
        hoodie = await stack.make_order(
            kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(days=1),
            province=province,
        )  # fmt: skip
        await name_product(stack, hoodie.product_id, "连帽卫衣", "Pullover Hoodie")
        customer = stack.customer()
        await customer.shares_contact(hoodie.phone)
        asked = "我刚又拍了条碎花裙 还没付 能跟昨天那单卫衣一起寄吗 省一份运费"
        stack.fake.user_says(asked, user_id=customer.user_id)
        days = stack.replies.policy.free_shipping.combine_orders_days
        jzhw = "江苏、浙江、上海、安徽"
        not_here = stack.t("shipping.combine_not_here", region=province, regions=jzhw, days=days)

        def answered(
            chat: int = customer.user_id, not_here: str = not_here, want: bool = not combined
        ) -> bool:
            texts = [m.text for m in stack.fake.messages(chat)][1:]
            return bool(texts) and (not want or not_here in texts)

        # her answer (with "not to this province" when that is the answer), however slowly
        # the machine runs; then a moment for anything more that would come with it
        await stack.fake.wait_until(answered, WAIT, f"the answer for {province}")
        await asyncio.sleep(0.5)
        texts = [m.text for m in stack.fake.messages(customer.user_id)][1:]
        assert texts and f"寄到{province}" in texts[0], texts
        assert not any("哪个省份" in t for t in texts), texts
        assert (not_here in texts) is not combined, texts


async def test_her_item_said_come_with_thanks_is_no_goodbye_zh(stack) -> None:
    """ "羽绒服到了 谢谢啦" was the chat's goodbye (and when in-stock items ship): her parcel
    came — glad it did, the receipt one tap away."""
    jacket = await in_transit_down_jacket(stack)
    customer = stack.customer()
    await customer.shares_contact(jacket.phone)
    [said] = await customer.says("羽绒服到了 谢谢啦")
    assert said.text == stack.t("order.received.shipped", order_no=jacket.order_no)
    assert said.button(stack.t("button.confirm_receipt"))
