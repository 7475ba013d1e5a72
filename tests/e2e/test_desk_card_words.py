"""The desk's card words what the customer sent that is not text in the desk's own language,
end to end: the bot polling the fake Bot API, a real worker on the real RabbitMQ, the agents'
forum supergroup (a desk stack of its own: a ticket opened here leaves the handoff tests'
shared desk as it was)."""

from __future__ import annotations

import pytest_asyncio

from tests.e2e.conftest import stop_stack
from tests.e2e.desk import DeskView, escalate, start_desk_stack


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def desk_stack(amqp_url, amqp_connection, tmp_path_factory):
    built, polling = await start_desk_stack(amqp_url, tmp_path_factory.mktemp("desk_words"))
    try:
        yield built
    finally:
        await stop_stack(built, polling, amqp_connection)


async def test_the_card_words_her_shared_contact_in_the_desks_language(desk_stack) -> None:
    """Console tryout 22: a zh card's transcript said "👤 [contact shared]" — the chat memory's
    marker, in English. The desk words it in its own language (zh by default)."""
    stack = desk_stack
    view = DeskView(stack.fake)
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    ticket_no = await escalate(stack, customer, "let me talk to a real person")
    card = view.card(await view.topic_of(ticket_no))
    assert "👤 [分享了联系方式]" in card.text, card.text
    assert "contact shared" not in card.text
