"""A ticket waits for a person, and she asks what the bot can do itself (blind jobs batch 8,
session 19): where her parcel is, with the order named — looked up beside the ticket, not
"added to your request" for hours; her contact shared meanwhile verifies her as anywhere; and
"just give me my money back" after a complaint about an item starts its return, with the
complaint's item and fault. "我还在等" stays her words to the person. End to end: the bot
polling the fake Bot API, a real worker on the real RabbitMQ and database, the agents' topics.
"""

from __future__ import annotations

import pytest_asyncio
from sqlalchemy import select

from tests.e2e.conftest import stop_stack
from tests.e2e.desk import DeskView, start_desk_stack, ticket_no_in
from tests.e2e.test_order_jobs import showcase
from worker.db.models import Order, Return


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def desk_stack(amqp_url, amqp_connection, tmp_path_factory):
    built, polling = await start_desk_stack(amqp_url, tmp_path_factory.mktemp("lookup-beside"))
    try:
        yield built
    finally:
        await stop_stack(built, polling, amqp_connection)


async def returns_of(stack, order_no: str) -> list[Return]:
    async with stack.shop.db.read() as session:
        found = await session.scalars(select(Return).join(Order).where(Order.order_no == order_no))
        return list(found.all())


async def test_where_her_parcel_is_is_looked_up_while_the_ticket_waits(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    order = await showcase(stack, "in_transit")  # 轻薄羽绒服, shipped yesterday by ZTO
    customer = stack.customer()
    [handed] = await customer.says("帮我转个人工")
    ticket_no = ticket_no_in(handed.text)
    topic = await view.topic_of(ticket_no)
    # "still waiting" names no parcel: her words to the person
    [added] = await customer.says("我还在等")
    assert "补充" in added.text or added.text == stack.t("handoff.added_short")

    asked = f"还没人理我 那我先问问 羽绒服{order.order_no}到哪了"
    beside, proof = await customer.says(asked, replies=2)
    assert beside.text == stack.t("handoff.lookup_beside", ticket_no=ticket_no)
    assert "补充" not in proof.text  # not "added to your request": the bot looks it up
    await view.wait_in_topic(topic, asked)  # the agent sees what she asked

    replies = await customer.says(f"尾号{order.customer_phone[-4:]}", replies=1)
    assert any("中通" in r.text or "ZTO" in r.text for r in replies), [r.text for r in replies]


async def test_a_refund_asked_after_the_complaint_starts_its_return(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    order = await showcase(stack, "returnable")  # 纯棉圆领T恤 M + 高腰牛仔裤 L, delivered
    customer = stack.customer(language_code="en")
    _, handed = await customer.says(
        "really disappointed in you guys, the seam on my jeans ripped on day two, "
        "i want to complain",
        replies=2,
    )
    ticket_no = ticket_no_in(handed.text)
    topic = await view.topic_of(ticket_no)

    # her contact, shared while the ticket waits: on the ticket, and she is verified
    [linked] = await customer.shares_contact(order.customer_phone)
    assert linked.text == stack.t("contact.linked", "en")

    beside, quote = await customer.says("you know what, just give me my money back", replies=2)
    assert beside.text == stack.t("handoff.job_beside", "en", ticket_no=ticket_no)
    assert "Jeans" in quote.text and "T-shirt" not in quote.text  # the complaint's item
    assert "order number" not in quote.text  # her orders seen: not asked for a number
    await view.wait_in_topic(topic, "you know what, just give me my money back")

    [done] = await customer.says("yes")
    made_ = await returns_of(stack, order.order_no)
    assert made_, (quote.text, done.text)
    [made] = made_
    assert made.return_no in done.text
    assert made.cause == "quality"  # the complaint's fault: the postage is the shop's
