"""Service levels with short limits: a ticket nobody takes is raised in the group again and
again (mentioning who is on shift), counted on the ticket; an agent who leaves the customer
waiting is reminded; outside service hours nobody is alerted and the customer hears when people
are back; a bot restarted mid-handoff keeps relaying; with two bot processes each alert is
posted once."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest_asyncio

from shop.policy import ServiceHours
from tests.e2e.conftest import start_stack, stop_stack
from tests.e2e.desk import (
    AGENTS,
    BotProcesses,
    DeskView,
    desk_ready,
    escalate,
    redis_url,
    start_desk_stack,
    ticket_row,
)

SHIFTS = [{"mention": "@kefu_oncall"}]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def desk_stack(amqp_url, amqp_connection, tmp_path_factory):
    built, polling = await start_desk_stack(
        amqp_url,
        tmp_path_factory.mktemp("desk-sla"),
        HANDOFF_SLA_SECONDS=1,
        HANDOFF_IDLE_SECONDS=1,
        HANDOFF_SHIFTS=SHIFTS,
    )
    built.polling = polling
    try:
        yield built
    finally:
        await stop_stack(built, built.polling, amqp_connection)


def alerts_for(view: DeskView, ticket_no: str) -> list[str]:
    return [m.text for m in view.in_topic(None) if "⏰" in m.text and ticket_no in m.text]


async def test_a_ticket_nobody_takes_is_raised_again_and_counted(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    customer = stack.customer()
    ticket_no = await escalate(stack, customer)
    await stack.fake.wait_until(lambda: len(alerts_for(view, ticket_no)) >= 2, 10, "two alerts")
    first, second = alerts_for(view, ticket_no)[:2]
    assert "@kefu_oncall" in first and "第 1 次提醒" in first and "第 2 次提醒" in second
    assert (await ticket_row(stack, ticket_no)).sla_alerts >= 2
    # Taken: no more alerts.
    agent = view.agent("值班")
    topic = await view.topic_of(ticket_no)
    agent.says("/take", topic)
    await customer.replies()
    count = len(alerts_for(view, ticket_no))
    await asyncio.sleep(1.5)
    assert len(alerts_for(view, ticket_no)) <= count + 1  # at most one already in flight


async def test_a_silent_agent_is_reminded(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("安静的人")
    customer = stack.customer()
    ticket_no = await escalate(stack, customer)
    topic = await view.topic_of(ticket_no)
    agent.says("/take", topic)
    await customer.replies()
    reminder = await view.wait_in_topic(topic, "等您回复")
    assert f"tg://user?id={agent.user_id}" in (reminder.raw_text or "")
    # Answered: quiet until the customer writes again and waits.
    agent.says("您好，请讲", topic)
    await customer.replies()
    stack.fake.user_says("我的衣服小了", user_id=customer.user_id)
    await view.wait_in_topic(topic, "等您回复", after=reminder.message_id)
    assert (await ticket_row(stack, ticket_no)).idle_reminders >= 2


async def test_outside_service_hours_no_alerts_and_the_customer_hears_when(
    desk_stack, monkeypatch
) -> None:
    stack = desk_stack
    desk = stack.dp["desk"]
    today = datetime.now(UTC).astimezone(desk.policy.service_hours.zone).date()
    closed = desk.policy.model_copy(
        update={
            "service_hours": ServiceHours(
                timezone=desk.policy.service_hours.timezone,
                days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                open=desk.policy.service_hours.open,
                close=desk.policy.service_hours.close,
                closed_dates=[today, today + timedelta(days=1)],
            )
        }
    )
    monkeypatch.setattr(desk, "policy", closed)
    monkeypatch.setattr(desk.replies, "policy", closed)
    view = DeskView(stack.fake)
    customer = stack.customer()
    [answer] = await customer.says("转人工")
    assert "上班后" in answer.text and "前面" not in answer.text
    ticket_no = re.search(r"T\d+", answer.text).group(0)
    await view.topic_of(ticket_no)  # the agents still see it, for the morning
    await asyncio.sleep(1.5)
    assert alerts_for(view, ticket_no) == []


async def test_a_bot_restarted_mid_handoff_keeps_relaying(
    desk_stack, amqp_url, tmp_path_factory
) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("重启前后")
    customer = stack.customer()
    ticket_no = await escalate(stack, customer)
    topic = await view.topic_of(ticket_no)
    agent.says("在的，您说", topic)
    await customer.replies(2)

    # The bot process goes away and a new one starts with an empty memory.
    await stack.dp.stop_polling()
    await asyncio.wait_for(stack.polling, 10)
    await stack.bot.session.close()
    restarted, polling = await start_stack(
        amqp_url,
        tmp_path_factory.mktemp("restarted"),
        shop=stack.shop,
        fake=stack.fake,
        replies=stack.replies,
        AGENTS_CHAT_ID=AGENTS,
        HANDOFF_SLA_SECONDS=1,
        HANDOFF_IDLE_SECONDS=1,
        DESK_CHECK_SECONDS=0.2,
    )
    await desk_ready(restarted)
    await stack.rpc.close()
    stack.bot, stack.dp, stack.rpc, stack.polling = (
        restarted.bot, restarted.dp, restarted.rpc, polling
    )

    stack.fake.user_says("重启后我还在说话", user_id=customer.user_id)
    await view.wait_in_topic(topic, "重启后我还在说话")
    await customer.hears_nothing_more()
    agent.says("重启后也能收到", topic)
    [answer] = await customer.replies()
    assert answer.text == "重启后也能收到"
    agent.says("/close", topic)
    [closing] = await customer.replies()
    assert closing.inline_buttons


async def test_with_two_bot_processes_each_alert_is_posted_once(
    desk_stack, tmp_path_factory
) -> None:
    stack = desk_stack
    await stack.dp.stop_polling()
    view = DeskView(stack.fake)
    async with redis_url(tmp_path_factory.mktemp("redis")) as redis:
        processes = BotProcesses(
            stack.fake,
            stack.shop.worker.settings.bus,
            redis,
            HANDOFF_SLA_SECONDS=1,
            HANDOFF_IDLE_SECONDS=3600,
        )
        await processes.start()
        try:
            customer = stack.customer()
            stack.fake.user_says("转人工", user_id=customer.user_id)
            [opened] = await customer.replies()
            ticket_no = re.search(r"T\d+", opened.text).group(0)
            await stack.fake.wait_until(
                lambda: len(alerts_for(view, ticket_no)) >= 3, 15, "three alerts"
            )
            numbers = [
                re.search(rf"{ticket_no}.*?第 (\d+) 次提醒", text).group(1)
                for text in alerts_for(view, ticket_no)
            ]
            assert len(numbers) == len(set(numbers)), numbers  # none posted twice
        finally:
            await processes.stop()
