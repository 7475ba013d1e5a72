"""An address change told in pieces, before the order (jobs batches 7 and 8, session 18), end to
end through the fake Bot API, the real worker and RabbitMQ: the receiver and phone first, the
new address next, then the order in words ("是卫衣和格子裙那一单", "its for my hoodie order")
before the chat is verified. The address waited and the order then only showed its card (zh),
or nothing started at all and the hoodie's size was changed instead (en). Now the pieces are
one address change: the receiver joins the address kept, the order's words wait for the
contact, and once it is shared the change is read back for her yes. Also: the order named at
a list by the items it holds together ("the hoodie and skirt one"), and "personal" typed at an
invoice's "personal or company?" (it opened a ticket for a person)."""

from __future__ import annotations

from sqlalchemy import select

from tests.e2e.test_honest_answers import invoices_of
from tests.e2e.test_named_item_jobs import name_product
from worker.db.models import Order, OrderItem, Variant


async def name_second_item(stack, order, name: str, name_en: str) -> None:
    async with stack.shop.db.read() as session:
        item = await session.get(OrderItem, order.item_ids[1])
        variant = await session.get(Variant, item.variant_id)
        product_id = variant.product_id
    await name_product(stack, product_id, name, name_en)


async def hoodie_and_skirt(stack, **kwargs):
    order = await stack.make_order(kind="regular", state="paid", also=("regular",), **kwargs)
    await name_product(stack, order.product_id, "连帽卫衣", "Pullover Hoodie")
    await name_second_item(stack, order, "格子半身裙", "Plaid Skirt")
    return order


async def the_order(stack, order_no: str) -> Order:
    async with stack.shop.db.read() as session:
        return (await session.scalars(select(Order).where(Order.order_no == order_no))).one()


async def test_receiver_then_address_then_order_words_make_one_change_zh(stack) -> None:
    order = await hoodie_and_skirt(stack, linked=False)
    customer = stack.customer()
    await customer.says("收件人改成李静 电话138-2546-7190")
    [kept] = await customer.says("地址是江苏省南京市鼓楼区中山路218号金鹰大厦1102")
    assert stack.t("address.kept") in kept.text
    named, ask_contact = await customer.says("哦忘了说 是卫衣和格子裙那一单 还没发货", replies=2)
    assert named.text == stack.t("order.named_kept")
    assert ask_contact.reply_buttons[0][0].request_contact
    _linked, card, confirm = await customer.shares_contact(order.phone, replies=3)
    assert order.order_no in card.text  # the order her words named, then its new address
    assert "中山路218号" in confirm.text and "李静" in confirm.text
    await customer.presses(confirm, "没问题")
    changed = await the_order(stack, order.order_no)
    assert "中山路218号" in changed.address and changed.receiver_name == "李静"


async def test_receiver_then_address_then_my_hoodie_order_en(stack) -> None:
    order = await hoodie_and_skirt(stack, linked=False)
    customer = stack.customer(language_code="en")
    [ask] = await customer.says("receiver is Wang Lei, phone 186 2735 9041")
    assert ask.text == stack.t("ask.order_no", "en")  # an address change, its order asked
    [kept] = await customer.says("new address 广东省广州市天河区体育西路103号维多利广场B座1508")
    assert stack.t("address.kept", "en") in kept.text
    named, _ask_contact = await customer.says(
        "oh and its for my hoodie order, it needs to go there instead", replies=2
    )
    assert named.text == stack.t("order.named_kept", "en")
    _linked, card, confirm = await customer.shares_contact(order.phone, replies=3)
    assert order.order_no in card.text
    assert "Wang Lei" in confirm.text and "体育西路103号" in confirm.text
    await customer.says("yes correct")
    changed = await the_order(stack, order.order_no)
    assert "体育西路103号" in changed.address and changed.receiver_name == "Wang Lei"
    async with stack.shop.db.read() as session:  # and no size was changed on the way
        sizes = [
            (await session.get(Variant, item.variant_id)).size
            for item in await session.scalars(
                select(OrderItem).where(OrderItem.order_id == changed.id)
            )
        ]
    assert sizes == [order.size, "M"]


async def test_the_order_holding_both_items_named_is_picked_en(stack) -> None:
    order = await hoodie_and_skirt(stack)
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    _explained, _ask = await customer.says("hi i need an invoice", replies=2)
    [ask_type] = await customer.says("the hoodie and skirt one")
    assert ask_type.text == stack.t("invoice.ask_type", "en", order_no=order.order_no)
    [ask_title] = await customer.says("personal")  # the kind, not a person asked for
    assert ask_title.text == stack.t("invoice.ask_title.personal", "en")
    assert await stack.tickets(customer.user_id) == []
    await customer.says("put 陈思雨 on it")
    [invoice] = await invoices_of(stack, order.order_no)
    assert (invoice.title_type, invoice.title) == ("personal", "陈思雨")
