"""The price difference asked back by a verified customer with several orders who names none,
end to end through the fake Bot API and the real worker: the policy's answer first (the demo
shop's is silent: after-sales decides, nothing promised), which order (her paid orders as
buttons, as the other jobs about an order ask), and the ticket names the order she picked.
Said as a sale ("now its on sale for less"), it is still the difference asked back. Found in
blind jobs batch 5: the sale's answer, and a ticket that named no order."""

from __future__ import annotations

import re


async def demo_customer(stack, language_code: str = "zh-hans"):
    """The demo shop's customer (several orders of hers, paid, shipped, delivered), verified."""
    from worker.seed import showcase_orders

    found = await showcase_orders(stack.shop.db)
    mine = next(o for o in found if o.demo_customer)
    customer = stack.customer(language_code=language_code)
    await customer.shares_contact(mine.customer_phone)
    return customer


async def test_which_order_then_a_ticket_naming_it_en(stack) -> None:
    customer = await demo_customer(stack, "en")
    rule, which = await customer.says(
        "ordered a few things last week and now its on sale for less. "
        "could i get the difference refunded?",
        replies=2,
    )
    assert rule.text == stack.t("bargain.price_difference.unknown", "en")
    assert "sale plans" not in rule.text  # not the answer about sales
    # (her older finished orders left out of the list: a line says how many, under the question)
    assert which.text.splitlines()[0] == stack.t("choose.order", "en")
    labels = [b.text for row in which.inline_buttons for b in row]
    assert len(labels) >= 2 and all("KF" in label for label in labels)
    assert await stack.tickets(customer.user_id) == []  # nothing opened before the order
    picked = re.search(r"KF\d{8}", labels[1])
    assert picked is not None
    [opened] = await customer.presses(which, labels[1])
    [ticket] = await stack.tickets(customer.user_id)
    assert (ticket.reason, ticket.order_no) == ("discount", picked.group())
    assert ticket.ticket_no in opened.text


async def test_the_order_named_needs_no_question_zh(stack) -> None:
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, telegram_user_id=customer.user_id
    )
    said = await customer.says(f"{order.order_no} 这单刚付款就降价了 能退差价吗", replies=2)
    assert said[0].text == stack.t("bargain.price_difference.unknown")
    [ticket] = await stack.tickets(customer.user_id)
    assert ticket.order_no == order.order_no and ticket.ticket_no in said[1].text
