"""The agents' desk end to end: the bot polling the fake Bot API, a real worker on the real
RabbitMQ, the agents' forum supergroup. A customer asks for a person, one topic appears with
its card, and the customer and the agent talk through it."""

from __future__ import annotations

import pytest_asyncio

from tests.e2e.conftest import stop_stack
from tests.e2e.desk import AGENTS, DeskView, escalate, start_desk_stack, ticket_row


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def desk_stack(amqp_url, amqp_connection, tmp_path_factory):
    built, polling = await start_desk_stack(amqp_url, tmp_path_factory.mktemp("desk"))
    try:
        yield built
    finally:
        await stop_stack(built, polling, amqp_connection)


async def test_a_person_on_request_gets_one_topic_and_they_talk_both_ways(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("小美")
    customer = stack.customer()
    await customer.says("发什么快递")
    ticket_no = await escalate(stack, customer)
    topic = await view.topic_of(ticket_no)
    card = view.card(topic)
    assert "发什么快递" in card.text and "转人工" in card.text
    assert [b.text for row in card.inline_buttons for b in row] == ["✋ 接手", "✅ 结束"]

    # The customer writes: copied into the topic, the bot stays silent.
    message_id = stack.fake.user_says("衣服尺码偏小怎么办", user_id=customer.user_id)
    copied = await view.wait_in_topic(topic, "衣服尺码偏小怎么办")
    assert copied.copied_from == (customer.user_id, message_id)
    await customer.hears_nothing_more()

    # The agent answers in the topic: the customer hears who they are, then the answer.
    agent.says("您好，可以换大一码", topic)
    hello, answer = await customer.replies(2)
    assert "小美" in hello.text
    assert answer.text == "您好，可以换大一码" and answer.copied_from[0] == AGENTS
    row = await ticket_row(stack, ticket_no)
    assert row.state == "with_agent" and row.agent_name == "小美"
    assert row.first_response_s is not None
