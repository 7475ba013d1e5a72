"""Two questions the shop's policy answers only in part, end to end through the fake Bot API,
the real worker and RabbitMQ (jobs batch 9, session 20): two orders sent together to save
postage get the combine rule, never "did you mean"; a parcel she means to refuse at the door
is told plainly — the policy says nothing of how a refused parcel is refunded, so nothing is
promised and a person gets it, with the order."""

from __future__ import annotations

from datetime import timedelta


async def test_two_orders_together_to_save_postage_get_the_combine_rule(stack) -> None:
    """ "…又拍了一单 能跟前天那单一起寄吗 省点运费" heard "did you mean" between the order's
    status, a change and a cancel."""
    customer = stack.customer()
    asked = "昨天又拍了件大衣 还没付款 能跟前天那单一起寄吗 省点运费"
    [answer] = await customer.says(asked)
    assert answer.text.startswith(stack.answer("shipping.fee").splitlines()[0])
    assert "3 天内" in answer.text  # the combine rule, from the policy's combine_orders_days
    english = stack.customer(language_code="en")
    asked = "i ordered again today, can it ship together with yesterday's order to save postage?"
    [answer] = await english.says(asked)
    assert "3 days" in answer.text and "Did you mean" not in answer.text


async def test_a_parcel_to_be_refused_at_the_door_is_told_plainly_and_goes_to_a_person(
    stack,
) -> None:
    """ "还在路上 我直接拒收可以吗": the return refused as not delivered, a supervisor offered
    — nothing said of the refusal she asked about."""
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, shipped_ago=timedelta(days=1),
        paid_ago=timedelta(days=2), telegram_user_id=customer.user_id,
    )  # fmt: skip
    told, ticket = await customer.says(
        f"{order.order_no} 这件还在路上 不想要了 到了我直接拒收可以吗", replies=2
    )
    assert told.text == stack.t("returns.refuse_at_door", order_no=order.order_no)
    [opened] = await stack.tickets(told.chat_id)
    assert opened.order_no == order.order_no and opened.state == "waiting"
    assert opened.ticket_no in ticket.text
    english = stack.customer(language_code="en")
    other = await stack.make_order(
        kind="regular", state="shipped", delivered_ago=None, shipped_ago=timedelta(days=1),
        paid_ago=timedelta(days=2), telegram_user_id=english.user_id,
    )  # fmt: skip
    told, _ = await english.says(
        f"{other.order_no} is still on its way, i don't want it. can i just refuse the parcel?",
        replies=2,
    )
    assert told.text == stack.t("returns.refuse_at_door", "en", order_no=other.order_no)
