"""Two jobs in one message ("cancel the unpaid dress, and where's my puffer?", "阔腿裤那单取消
掉 另外卫衣那单开张发票"): the first leads, she is told the second comes right after, and once
the first is done the second goes on by itself, in her words — it was a button under the
first, and lost while the first waited for its confirmation (blind jobs batches 6 and 7). Also,
minds changed and slips put right midway (batch 7): the colour she wants, said at an exchange's
confirmation beside the colour she has; a receiver's name at the address read back; a personal
invoice turned company at its title. End to end
through the fake Bot API, a real worker on the real RabbitMQ and database, the demo shop.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.e2e.test_order_jobs import showcase
from worker.db.models import InvoiceRequest, Order


def has_button(message, words: str) -> bool:
    return any(words in button.text for row in message.inline_buttons for button in row)


async def test_a_cancel_then_where_the_other_order_is_en(stack) -> None:
    unpaid = await showcase(stack, "unpaid")  # 雪纺碎花连衣裙, awaiting payment
    on_its_way = await showcase(stack, "in_transit")  # 轻薄羽绒服, shipped by ZTO
    customer = stack.customer(language_code="en")
    await customer.shares_contact(unpaid.customer_phone)
    *_, queued = await customer.says(
        "pls cancel the floral dress i havent paid for, and where's my down jacket?", replies=3
    )
    assert queued.text == stack.t("also.queued", "en", title="Where is my order")
    confirm = customer.history[-2]
    assert confirm.button("Yes, cancel the order")
    cancelled, next_job, card = await customer.presses(confirm, "Yes, cancel the order", 3)
    assert unpaid.order_no in cancelled.text
    assert next_job.text == stack.t("also.next", "en", asked="where's my down jacket?")
    assert on_its_way.order_no in card.text and "ZTO" in card.text
    await customer.hears_nothing_more()


async def test_a_cancel_then_an_invoice_for_the_item_named_zh(stack) -> None:
    """The invoice asked second is for the order of the item it names (the hoodie's, of her two
    hoodie orders the one she picks), never the order just cancelled."""
    late = await showcase(stack, "dispatch_overdue")  # 亚麻阔腿裤, paid 35 days ago
    hoodie = await showcase(stack, "unshipped")  # 连帽卫衣 + 格子半身裙, paid
    customer = stack.customer()
    await customer.shares_contact(late.customer_phone)
    replies = await customer.says(
        "阔腿裤那单等太久了 不要了 帮我取消掉吧 另外卫衣那单要开张发票 抬头写王芳", 3
    )
    assert replies[-1].text == stack.t("also.queued", title="开发票")
    confirm = next(m for m in replies if has_button(m, "确认取消订单"))
    _, next_job, rules, which = await customer.presses(confirm, "确认取消订单", 4)
    assert next_job.text == stack.t("also.next", asked="卫衣那单要开张发票 抬头写王芳")
    assert "发票" in rules.text
    assert has_button(which, hoodie.order_no) and not has_button(which, late.order_no)
    [kind] = await customer.presses(which, hoodie.order_no)
    assert hoodie.order_no in kind.text  # personal or company? ("抬头写王芳" says neither)
    [recorded] = await customer.presses(kind, "个人")
    assert hoodie.order_no in recorded.text and "王芳" in recorded.text
    async with stack.shop.db.read() as session:
        invoices = (
            await session.scalars(
                select(InvoiceRequest).join(Order).where(Order.order_no == hoodie.order_no)
            )
        ).all()
    assert [i.title for i in invoices] == ["王芳"]


async def test_the_colour_she_wants_at_the_exchange_s_confirmation(stack) -> None:
    """ "白的不耐脏 还是换成灰的L吧" under the white L's terms: the grey L quoted and recorded."""
    order = await showcase(stack, "returnable")  # white 纯棉圆领T恤 M + black 高腰牛仔裤 L
    customer = stack.customer()
    await customer.shares_contact(order.customer_phone)
    [terms] = await customer.says("白T恤小了 帮我换个L码")
    assert "L / 白色" in terms.text
    [again] = await customer.says("嗯 白的不耐脏 还是换成灰的L吧")
    assert "L / 灰色" in again.text
    await customer.presses(again, "确认换货")
    [made] = await stack.exchanges(order.order_no)
    assert (made.new_variant.size, made.new_variant.color) == ("L", "灰色")


async def test_a_receivers_name_put_right_at_the_read_back_then_yes_zh_and_en(stack) -> None:
    """At the new address read back: "名字打错了 是吴欣怡 欣是欣赏的欣" (the right name, then
    how it is written) puts the name right; "对了 这样没问题" and "yes thats it" confirm it
    (both were taken for thanks, and the address never changed). An English "receiver" label
    is no part of the street."""
    from worker.db.models import Order as OrderRow

    order = await showcase(stack, "unshipped")
    customer = stack.customer()
    await customer.shares_contact(order.customer_phone)
    *_, back = await customer.says(
        f"{order.order_no} 地址改成 江苏省苏州市姑苏区人民路1200号 吴新怡 13812345678", 2
    )
    assert "吴新怡" in back.text
    [again] = await customer.says("名字打错了 是吴欣怡 欣是欣赏的欣")
    assert "吴欣怡" in again.text
    [done] = await customer.says("对了 这样没问题")
    assert "吴欣怡" in done.text and "人民路1200号" in done.text
    english = stack.customer(language_code="en")
    await english.shares_contact(order.customer_phone)
    *_, back = await english.says(
        f"can you change the address of {order.order_no} to 浙江省宁波市海曙区中山西路88号,"
        " receiver 钱多多 13900001234",
        2,
    )
    assert "receiver" not in back.text.split("中山西路")[1]
    [done] = await english.says("yes thats it")
    async with stack.shop.db.read() as session:
        row = await session.scalar(select(OrderRow).where(OrderRow.order_no == order.order_no))
    assert row.receiver_name == "钱多多" and row.address.endswith("中山西路88号")


async def test_a_personal_invoice_turned_company_at_its_title_en(stack) -> None:
    """Asked for the personal title, "actually it's for work: title …, tax ID …": a company
    invoice with that title and number (the whole message was recorded as a personal title)."""
    order = await showcase(stack, "returnable")
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.customer_phone)
    *_, asked = await customer.says(f"a personal invoice for {order.order_no} please", 2)
    assert asked.text == stack.t("invoice.ask_title.personal", "en")
    [recorded] = await customer.says(
        "oh wait, actually its for work. title Suzhou Baiyun Trading Co., Ltd., "
        "tax ID 91310115MA1K4B9D6L"
    )
    async with stack.shop.db.read() as session:
        [invoice] = (
            await session.scalars(
                select(InvoiceRequest).join(Order).where(Order.order_no == order.order_no)
            )
        ).all()
    assert invoice.title_type == "company" and invoice.tax_no == "91310115MA1K4B9D6L"
    assert invoice.title.startswith("Suzhou Baiyun Trading") and "wait" not in invoice.title
    assert invoice.invoice_no in recorded.text
