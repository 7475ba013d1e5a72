"""A complaint's ticket waits for a person, and she asks for a job the bot can do ("那给我换个
大一码的吧"): the bot goes on with it — the item her complaint named, her contact, the
confirmation — while her words of it go on the ticket for the agent; once an agent has her,
her words are the agent's again. End to end: the bot polling the fake Bot API, a real worker
on the real RabbitMQ and database, the agents' group's topics (blind jobs batch 6: the
exchange she asked went to the waiting ticket, "added to your request", and nothing was done
for hours).
"""

from __future__ import annotations

import pytest_asyncio

from tests.e2e.conftest import stop_stack
from tests.e2e.desk import DeskView, start_desk_stack, ticket_no_in
from tests.e2e.test_order_jobs import showcase


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def desk_stack(amqp_url, amqp_connection, tmp_path_factory):
    built, polling = await start_desk_stack(amqp_url, tmp_path_factory.mktemp("job-beside"))
    try:
        yield built
    finally:
        await stop_stack(built, polling, amqp_connection)


async def test_an_exchange_asked_while_the_complaints_ticket_waits_is_done(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    order = await showcase(stack, "returnable")  # 纯棉圆领T恤 M + 高腰牛仔裤 L, delivered
    customer = stack.customer()
    complaint = "太失望了 牛仔裤尺码跟页面写的完全不一样 我要投诉"
    _, handed = await customer.says(complaint, replies=2)
    ticket_no = ticket_no_in(handed.text)
    topic = await view.topic_of(ticket_no)

    asked = "那给我换个XL的吧 别让我等了"
    beside, rules = await customer.says(asked, replies=2)
    assert beside.text == stack.t("handoff.job_beside", ticket_no=ticket_no)
    assert "补充" not in rules.text  # not "added to your request": the bot has the job
    await view.wait_in_topic(topic, asked)  # the agent sees what she asked

    _, quote = await customer.shares_contact(order.customer_phone, replies=2)
    assert "牛仔裤" in quote.text and "XL" in quote.text  # the item her complaint named
    await customer.says("一次都没穿 吊牌还在")
    await view.wait_in_topic(topic, "一次都没穿 吊牌还在")
    [done] = await customer.says("确认")
    made = await stack.exchanges(order.order_no)
    assert [e.new_variant.size for e in made] == ["XL"]
    assert any(e.rma_no in done.text for e in made)

    # the job done, her words are the ticket's again
    [added] = await customer.says("另外之前那件事还是想让人看看")
    assert "补充" in added.text or added.text == stack.t("handoff.added_short")


async def test_an_agent_who_has_her_gets_the_job_asked(desk_stack) -> None:
    """Taken by an agent, a job asked is the agent's to answer: the bot stays out of it."""
    stack = desk_stack
    view = DeskView(stack.fake)
    customer = stack.customer(language_code="en")
    _, handed = await customer.says(
        "really unhappy with you guys, the tee shrank after one wash, i want to complain",
        replies=2,
    )
    ticket_no = ticket_no_in(handed.text)
    topic = await view.topic_of(ticket_no)
    agent = view.agent("Lin")
    agent.presses(view.card(topic), "接手")
    await customer.replies()  # told a colleague has her
    stack.fake.user_says("ok just swap it for an XL then", user_id=customer.user_id,
                         language_code="en")  # fmt: skip
    await view.wait_in_topic(topic, "ok just swap it for an XL then")
    await customer.hears_nothing_more()
