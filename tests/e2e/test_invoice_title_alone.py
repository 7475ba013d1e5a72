"""A company's name typed alone in the invoice flow is its title (issue "Finish the customer's
job"), end to end through the fake Bot API, the real worker and RabbitMQ: typed at "个人还是公司？"
it answers the type and gives the title (it asked for the title again), and typed at the title
question it is taken (the tax number asked next)."""

from __future__ import annotations

from tests.e2e.test_honest_answers import company_tax_no, invoices_of


async def test_a_company_name_typed_at_the_type_question_is_the_title_zh(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    _explained, ask_type = await customer.says("我要开发票", replies=2)
    assert ask_type.text == stack.t("invoice.ask_type", order_no=order.order_no)
    [ask_tax] = await customer.says("杭州星辰服饰有限公司")
    assert ask_tax.text == stack.t("invoice.ask_tax_no")  # the name not asked for again
    tax_no = company_tax_no()
    await customer.says(tax_no)
    [invoice] = await invoices_of(stack, order.order_no)
    assert (invoice.title_type, invoice.title, invoice.tax_no) == (
        "company",
        "杭州星辰服饰有限公司",
        tax_no,
    )


async def test_a_company_name_typed_at_the_title_question_is_taken_en(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    _explained, ask_type = await customer.says("I need an invoice please", replies=2)
    [ask_title] = await customer.presses(ask_type, "Company")
    assert ask_title.text == stack.t("invoice.ask_title.company", "en")
    [ask_tax] = await customer.says("Bright Star Trading Ltd")
    assert ask_tax.text == stack.t("invoice.ask_tax_no", "en")
    tax_no = company_tax_no()
    await customer.says(tax_no)
    [invoice] = await invoices_of(stack, order.order_no)
    assert (invoice.title_type, invoice.title) == ("company", "Bright Star Trading Ltd")


async def test_only_the_type_typed_still_asks_for_the_name_zh(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    _explained, _ask_type = await customer.says("我要开发票", replies=2)
    [ask_title] = await customer.says("公司的")
    assert ask_title.text == stack.t("invoice.ask_title.company")


async def test_an_invoice_asked_on_an_order_named_is_kept_until_the_contact_zh(stack) -> None:
    """Jobs batch 5: "KF-2620-0341 这个订单帮我开张发票 个人的 抬头写陈思雨" (the engine unsure
    between the invoice and the order's status) asked the last four digits, showed the card,
    and the invoice was lost. Now the invoice starts on that order with its title, asks the
    contact (a write: the digits open reading only) and is recorded once it is shared."""
    order = await stack.make_order(kind="regular", state="shipped", linked=False)
    dashed = f"{order.order_no[:2]}-{order.order_no[2:6]}-{order.order_no[6:]}"
    customer = stack.customer()
    _explained, ask_contact = await customer.says(
        f"{dashed} 这单麻烦给我开个发票 个人 抬头就写王小丫", replies=2
    )
    assert ask_contact.reply_buttons[0][0].request_contact
    assert await invoices_of(stack, order.order_no) == []
    _linked, recorded = await customer.shares_contact(order.phone, replies=2)
    [invoice] = await invoices_of(stack, order.order_no)
    assert (invoice.title_type, invoice.title) == ("personal", "王小丫")
    assert invoice.invoice_no in recorded.text


async def test_the_last_four_digits_at_the_title_question_are_no_company_name_en(stack) -> None:
    """Jobs batch 5: "last four digits 5280" typed at "the company's name and tax ID?" was
    recorded as the company's name. It is her proof, not a title: the step is asked again."""
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    _explained, ask = await customer.says(
        f"i need a company invoice for {order.order_no.lower()}", replies=2
    )
    [again] = await customer.says(f"my last 4 digits are {order.phone[-4:]}")
    assert again.text == ask.text
    tax_no = company_tax_no()
    await customer.says(f"Bright Star Trading Ltd, tax id {tax_no}")
    [invoice] = await invoices_of(stack, order.order_no)
    assert (invoice.title, invoice.tax_no) == ("Bright Star Trading Ltd", tax_no)
