"""A worker stopped mid-conversation: order questions say "temporarily unavailable" and offer
a person, policy answers carry on, and the chat recovers when a worker is back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest_asyncio

from tests.e2e.conftest import start_stack, stop_stack


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def outage_stack(amqp_url, amqp_connection, tmp_path_factory):
    built, polling = await start_stack(amqp_url, tmp_path_factory.mktemp("outage"))
    try:
        yield built
    finally:
        await stop_stack(built, polling, amqp_connection)


async def test_worker_stopped_mid_conversation(outage_stack) -> None:
    stack = outage_stack
    order = await stack.make_order(kind="regular", state="shipped")
    customer = stack.customer()
    [ask] = await customer.says(f"订单{order.order_no}到哪了")
    assert "后四位" in ask.text

    await stack.shop.worker.stop()  # the worker goes away between two messages

    [sorry] = await customer.says(order.phone[-4:])
    assert sorry.text == stack.t("unavailable")
    assert sorry.button("转人工")
    # Policy answers don't need the worker; the look-up still waits for the digits.
    [answer, back] = await customer.says("发什么快递", replies=2)
    assert "中通" in answer.text
    assert back.text == stack.t("flow.kept_waiting") and back.reply_to_message_id == ask.message_id
    # Asking for a person while no worker runs: the broker keeps the command, so the
    # customer hears it is recorded (not "failed"), and the ticket opens when a worker is back.
    [recorded] = await customer.presses(sorry, "转人工")
    # No desk here: nobody can answer in her chat, and she is told so (not "a person answers
    # you here as soon as one is free").
    assert recorded.text == stack.shown(stack.replies.ticket_recorded(None, datetime.now(UTC),
                                                                      "zh_CN"))
    assert "记下" in recorded.text and "我会把回复转到这里" in recorded.text
    assert await stack.tickets(customer.user_id) == []

    await stack.shop.worker.start()  # back: the same question now works
    [card] = await customer.says(f"{order.order_no} 尾号{order.phone[-4:]}")
    assert order.order_no in card.text
    # The queued command is applied as the worker drains its queue.
    for _ in range(100):
        tickets = await stack.tickets(customer.user_id)
        if tickets:
            break
        await asyncio.sleep(0.1)
    [ticket] = tickets
    assert ticket.reason == "unavailable"
    assert any(order.order_no in line["text"] for line in ticket.transcript)


async def test_english_customer_gets_the_unavailable_answer_too(outage_stack) -> None:
    stack = outage_stack
    await stack.shop.worker.stop()
    try:
        customer = stack.customer(language_code="en")
        # Whether the chat is a verified customer's is the worker's to say: with it away, the
        # customer hears so at once (not asked for digits first).
        [sorry] = await customer.says("where is my order KF20260001?")
        assert sorry.text == stack.t("unavailable", "en")
        assert sorry.button("person")
    finally:
        await stack.shop.worker.start()
