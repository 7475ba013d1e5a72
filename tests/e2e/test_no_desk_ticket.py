"""A shop without the agents' desk (AGENTS_CHAT_ID unset): a customer who asks for a person
gets a ticket the shop's staff can see (`kefu tickets`), and hears plainly that nobody will
answer in her chat — never "a colleague will reply right away, please wait".

Found by a tryout: "我要转人工" got "工单号 T…。同事马上就来回复您，请稍等", and her "在吗" a
minute later got the bot's greeting; nobody could ever answer there.
"""

from __future__ import annotations

from datetime import UTC, datetime


async def test_a_person_asked_for_without_a_desk_hears_the_ticket_is_recorded_not_a_reply_here(
    stack,
) -> None:
    customer = stack.customer()
    await customer.says("发什么快递")
    [told] = await customer.says("我要转人工")
    [saved] = await stack.tickets(customer.user_id)
    assert saved.reason == "customer_asked" and saved.state == "waiting"
    assert saved.transcript[0]["text"] == "发什么快递"  # the conversation so far
    assert saved.ticket_no in told.text and "没法在这里回复您" in told.text
    # nothing says a person is coming to this chat
    assert "马上就来" not in told.text and "请稍等" not in told.text
    # her words, with the ticket's number and when the staff see it (service hours)
    expected = stack.shown(stack.replies.ticket_recorded(saved.ticket_no, datetime.now(UTC),
                                                         "zh_CN"))
    assert told.text == expected
    await customer.hears_nothing_more()


async def test_the_same_in_english(stack) -> None:
    customer = stack.customer(language_code="en")
    [told] = await customer.says("I want to talk to a real person")
    [saved] = await stack.tickets(customer.user_id)
    assert saved.ticket_no in told.text and "can't reply to you here" in told.text
    assert "shortly" not in told.text
    assert told.text == stack.shown(
        stack.replies.ticket_recorded(saved.ticket_no, datetime.now(UTC), "en")
    )


async def test_a_phone_call_asked_for_without_a_desk_promises_no_colleague_here(stack) -> None:
    """"能给个电话吗": no number to give, and no colleague carrying on "right here" either."""
    customer = stack.customer()
    no_call, ticket = await customer.says("能给个电话吗 打字说不清楚", replies=2)
    assert "在这里接着帮您" not in no_call.text
    assert no_call.text == stack.t("person.no_call.no_desk")
    [saved] = await stack.tickets(customer.user_id)
    assert saved.ticket_no in ticket.text and "没法在这里回复您" in ticket.text
