"""An agent hands her customer back to the queue (``/release``): the customer is told plainly,
the group hears of her again, and any agent takes her. Its own stack: a release changes the
queue and the day's first-response figures that other desk tests count on."""

from __future__ import annotations

import pytest_asyncio

from bus.contracts import GetTicket, TicketFound
from tests.e2e.conftest import stop_stack
from tests.e2e.desk import DeskView, escalate, hears_added, start_desk_stack, ticket_row


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def desk_stack(amqp_url, amqp_connection, tmp_path_factory):
    built, polling = await start_desk_stack(amqp_url, tmp_path_factory.mktemp("desk-release"))
    try:
        yield built
    finally:
        await stop_stack(built, polling, amqp_connection)


async def start_handoff(stack, view: DeskView, text: str = "我要转人工"):
    customer = stack.customer()
    ticket_no = await escalate(stack, customer, text)
    return customer, ticket_no, await view.topic_of(ticket_no)


async def test_an_agent_hands_the_customer_back_to_the_queue(desk_stack) -> None:
    """tryout21: 小可 took a customer, then had to leave (end of shift). '/release' was "no such
    command": the customer stayed 'with 小可', whom nobody would answer for, until the idle
    reminder, and nobody told her. Now only the agent who has her hands her back; she hears it
    plainly (who left, her place, the next colleague answers here and sees it all), the topic
    and General say so, her next message is acknowledged as waiting, and any agent takes her."""
    stack = desk_stack
    view = DeskView(stack.fake)
    leaving, other = view.agent("小可"), view.agent("阿强")
    customer, ticket_no, topic = await start_handoff(stack, view)
    other.says("/release", topic)  # nobody has her yet
    await view.wait_in_topic(topic, "还在排队")
    leaving.says("/take", topic)
    [taken] = await customer.replies()
    assert "小可" in taken.text
    leaving.says("您好，我先看一下", topic)
    await customer.replies()

    other.says("/release", topic)  # not his customer
    held = await view.wait_in_topic(topic, "只有 小可 能把客户放回队列")
    await customer.hears_nothing_more()
    assert (await ticket_row(stack, ticket_no)).state == "with_agent"

    leaving.says("/release", topic)
    [told] = await customer.replies()
    # her place by when she asked: behind whoever in this module's queue asked before her
    found = await stack.rpc.call(GetTicket(ticket_no=ticket_no))
    assert isinstance(found, TicketFound) and found.ticket.place is not None
    place = f"排第 {found.ticket.place.position} 位"
    assert "小可 有事暂时离开了" in told.text and ticket_no in told.text
    assert place in told.text and "不用再说一遍" in told.text
    await view.wait_in_topic(topic, "小可 把这位客户放回了队列", after=held.message_id)
    general = await view.wait_in_topic(None, f"{ticket_no}）放回了队列")
    assert "小可" in general.text and place in general.text
    buttons = [b.text for row in view.card(topic).inline_buttons for b in row]
    assert buttons == ["✋ 接手", "✅ 结束"]
    row = await ticket_row(stack, ticket_no)
    assert (row.state, row.agent_id, row.agent_name) == ("waiting", None, None)

    stack.fake.user_says("还在吗", user_id=customer.user_id)  # waiting again: acknowledged
    await hears_added(customer, ticket_no)
    assert (await ticket_row(stack, ticket_no)).state == "waiting"
    other.presses(view.card(topic), "接手")
    [taken] = await customer.replies()
    assert "阿强" in taken.text
    other.says("我接着帮您处理", topic)
    [answer] = await customer.replies()
    assert answer.text == "我接着帮您处理"
