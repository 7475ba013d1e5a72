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
