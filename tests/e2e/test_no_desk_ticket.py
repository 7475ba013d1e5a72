"""A shop without the agents' desk (AGENTS_CHAT_ID unset): a customer who asks for a person
gets a ticket the shop's staff can see (`kefu tickets`), and hears plainly that nobody is live
in her chat — never "a colleague will reply right away, please wait" — and that when the staff
answer the ticket (`kefu tickets reply`), the bot passes it on to her there.

Found by a tryout: "我要转人工" got "工单号 T…。同事马上就来回复您，请稍等", and her "在吗" a
minute later got the bot's greeting; nobody could ever answer there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from aiogram.fsm.storage.base import StorageKey

from bot.services.memory import MEMORY_DESTINY
from bus.contracts import ReplyToTicket, StaffReplied


async def test_a_person_asked_for_without_a_desk_hears_the_ticket_is_recorded_not_a_reply_here(
    stack,
) -> None:
    customer = stack.customer()
    await customer.says("发什么快递")
    [told] = await customer.says("我要转人工")
    [saved] = await stack.tickets(customer.user_id)
    assert saved.reason == "customer_asked" and saved.state == "waiting"
    assert saved.transcript[0]["text"] == "发什么快递"  # the conversation so far
    assert saved.ticket_no in told.text and "我会把回复转到这里" in told.text
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
    assert saved.ticket_no in told.text and "I'll pass it on to you here" in told.text
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
    assert saved.ticket_no in ticket.text and "我会把回复转到这里" in ticket.text


# ── the staff answer from the terminal (`kefu tickets reply`), the bot passes it on ────────


async def _staff_answers(stack, ticket_no: str, text: str | None, *, close: bool = False):
    await stack.dp["staff"].ready()
    reply = await stack.shop.rpc.call(
        ReplyToTicket(
            idempotency_key=f"e2e-{uuid4().hex}", ticket_no=ticket_no, text=text, close=close
        )
    )
    assert isinstance(reply, StaffReplied)
    return reply


async def test_the_staffs_answer_reaches_her_chat_and_her_reply_goes_on_the_ticket(stack) -> None:
    customer = stack.customer()
    await customer.says("我要转人工")
    [saved] = await stack.tickets(customer.user_id)
    await _staff_answers(stack, saved.ticket_no, "可以免费改短，寄回时写上想要的裤长就行 <3")
    [answer] = await customer.replies()
    assert answer.text == stack.t(
        "staff.answer", ticket_no=saved.ticket_no,
        answer="可以免费改短，寄回时写上想要的裤长就行 <3",  # her text, escaped, not markup
    )
    assert "店铺的同事回复了您的工单" in answer.text and "直接在这里发就行" in answer.text
    # her answer: to the staff, not a size question for the bot
    [added] = await customer.says("好的，那我要改短3厘米")
    assert added.text == stack.t("staff.added", ticket_no=saved.ticket_no)
    # a second one at once: a ✍ on it, not the same words again
    second = stack.fake.user_says("还有裤脚也麻烦收一下", user_id=customer.user_id)
    await customer.hears_nothing_more()
    assert stack.fake.reactions.get((customer.user_id, second)) == ["✍"]
    [row] = await stack.tickets(customer.user_id)
    assert row.state == "with_agent"
    assert [(x["role"], x["text"]) for x in row.transcript[-3:]] == [
        ("agent", "可以免费改短，寄回时写上想要的裤长就行 <3"),
        ("customer", "好的，那我要改短3厘米"),
        ("customer", "还有裤脚也麻烦收一下"),
    ]
    # the staff answer again; her thanks closes it as solved, and the bot is hers again
    await _staff_answers(stack, saved.ticket_no, "好的，都记下了")
    await customer.replies()
    [solved] = await customer.says("谢谢，问题解决了")
    assert solved.text == stack.t("staff.solved", ticket_no=saved.ticket_no)
    [row] = await stack.tickets(customer.user_id)
    assert row.state == "closed" and row.closed_by == "customer"
    assert row.transcript[-1]["text"] == "谢谢，问题解决了"
    [answer] = await customer.says("发什么快递")
    assert "工单" not in answer.text  # a question for the bot again


async def test_the_staffs_answer_in_english_and_their_closing(stack) -> None:
    customer = stack.customer(language_code="en")
    await customer.says("I want to talk to a real person")
    [saved] = await stack.tickets(customer.user_id)
    await _staff_answers(stack, saved.ticket_no, "您好，已经给您补发了", close=True)
    [answer] = await customer.replies()
    assert answer.text == stack.t(
        "staff.answer_closed", "en", ticket_no=saved.ticket_no, answer="您好，已经给您补发了"
    )
    assert answer.text.startswith("The shop's staff have answered your ticket")
    [row] = await stack.tickets(customer.user_id)
    assert row.state == "closed" and row.closed_by == "agent"
    # closed: what she writes next is the bot's again, not added to the ticket
    [reply] = await customer.says("what courier do you use?")
    assert "ticket" not in reply.text.lower()
    [row] = await stack.tickets(customer.user_id)
    assert row.transcript[-1]["text"] == "您好，已经给您补发了"


async def test_a_closing_without_words_tells_her_the_ticket_is_closed(stack) -> None:
    customer = stack.customer(language_code="en")
    await customer.says("I want to talk to a real person")
    [saved] = await stack.tickets(customer.user_id)
    await _staff_answers(stack, saved.ticket_no, None, close=True)
    [told] = await customer.replies()
    assert told.text == stack.t("staff.closed", "en", ticket_no=saved.ticket_no)


async def test_her_reply_goes_to_the_staff_even_after_the_bot_forgot_her_chat(stack) -> None:
    """The staff answer two days later; her chat memory (KEFU_CHAT_TTL_S) is gone by then."""
    customer = stack.customer()
    await customer.says("我要转人工")
    [saved] = await stack.tickets(customer.user_id)
    uid = customer.user_id
    await stack.dp["staff"].storage.set_data(  # the chat memory's storage
        StorageKey(bot_id=stack.bot.id, chat_id=uid, user_id=uid, destiny=MEMORY_DESTINY), {}
    )
    await _staff_answers(stack, saved.ticket_no, "您好，可以改")
    await customer.replies()
    [added] = await customer.says("那我下周寄回来可以吗")
    assert added.text == stack.t("staff.added", ticket_no=saved.ticket_no)
    [row] = await stack.tickets(uid)
    assert row.transcript[-1]["text"] == "那我下周寄回来可以吗"
