"""A customer waiting for a person, and the desk's own helpers, end to end (the bot polling the
fake Bot API, a real worker on the real RabbitMQ and database):

* she writes again while nobody has taken her ticket: told in words the first time that it was
  added (with when people are there), then a reaction on each further message (a short line
  when Telegram refuses the reaction); every message is on the ticket and in the topic; once an
  agent has her, the agent answers and the bot stays quiet;
* nobody on shift: she is told when the next shift starts, and the ticket is made;
* the agents' group: a mistyped command gets the list of commands (agents only), ``/open``
  lists the open tickets, ``/history`` shows a ticket's or a chat's conversation, an agent who
  leaves a taken customer unanswered is raised in General too.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest_asyncio

from bot.settings import Shift
from tests.e2e.conftest import stop_stack
from tests.e2e.desk import (
    DeskView,
    escalate,
    start_desk_stack,
    ticket_no_in,
    ticket_row,
)

NOTED = "✍"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def desk_stack(amqp_url, amqp_connection, tmp_path_factory):
    built, polling = await start_desk_stack(
        amqp_url, tmp_path_factory.mktemp("desk-waiting"), HANDOFF_IDLE_SECONDS=1
    )
    try:
        yield built
    finally:
        await stop_stack(built, polling, amqp_connection)


async def start_handoff(stack, view: DeskView, **customer_kw):
    customer = stack.customer(**customer_kw)
    ticket_no = await escalate(stack, customer)
    topic = await view.topic_of(ticket_no)
    return customer, ticket_no, topic


async def test_a_waiting_customer_who_writes_again_hears_it_was_added(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    customer, ticket_no, topic = await start_handoff(stack, view)

    first = stack.fake.user_says("对了，我那件是M码的", user_id=customer.user_id)
    [added] = await customer.replies()
    assert ticket_no in added.text and "补充" in added.text
    assert stack.t("handoff.hours") in added.text  # when people are there
    assert added.reply_to_message_id == first
    await view.wait_in_topic(topic, "对了，我那件是M码的")

    # More, soon after: a reaction on each, no more words.
    second = stack.fake.user_says("还有颜色要黑色", user_id=customer.user_id)
    await view.wait_in_topic(topic, "还有颜色要黑色")
    await stack.fake.wait_until(
        lambda: stack.fake.reactions.get((customer.user_id, second)) == [NOTED], 5, "a reaction"
    )
    photo = stack.fake.user_sends_photo(user_id=customer.user_id, caption="就是这件")
    await view.wait_in_topic(topic, "就是这件", kind="photo")
    await stack.fake.wait_until(
        lambda: stack.fake.reactions.get((customer.user_id, photo)) == [NOTED], 5, "a reaction"
    )
    await customer.hears_nothing_more()

    # Telegram refuses the reaction: a short line instead, never silence.
    stack.fake.fail_next("setMessageReaction", 400, "Bad Request: REACTION_INVALID")
    stack.fake.user_says("麻烦快一点", user_id=customer.user_id)
    [short] = await customer.replies()
    assert short.text == stack.t("handoff.added_short")

    row = await ticket_row(stack, ticket_no)
    said = [line["text"] for line in row.transcript if line["role"] == "customer"]
    for text in ("对了，我那件是M码的", "还有颜色要黑色", "麻烦快一点"):
        assert any(text in line for line in said), (text, said)
    assert [a["kind"] for a in row.attachments] == ["photo"]

    # An agent has her now: the agent answers, the bot adds nothing.
    agent = view.agent("小周")
    agent.says("/take", topic)
    await customer.replies()  # who is serving her
    later = stack.fake.user_says("您好，在吗", user_id=customer.user_id)
    await view.wait_in_topic(topic, "您好，在吗")
    await customer.hears_nothing_more()
    assert (customer.user_id, later) not in stack.fake.reactions


async def test_a_command_typed_while_waiting_says_what_she_can_do_zh_and_en(desk_stack) -> None:
    """ "/close" (or "/start") typed while waiting for a person: not run, not "added to your
    request" — what she can do here (/cancel, /human); the agents see it as her text, and the
    ticket waits on."""
    stack = desk_stack
    view = DeskView(stack.fake)
    customer, ticket_no, topic = await start_handoff(stack, view)
    stack.fake.user_says("/close", user_id=customer.user_id)
    [told] = await customer.replies()
    assert told.text == stack.t("handoff.command", ticket_no=ticket_no)
    english = stack.customer(language_code="en")
    ticket_en = await escalate(stack, english, "I want to talk to a person")
    stack.fake.user_says("/start", user_id=english.user_id, language_code="en")
    [told_en] = await english.replies()
    assert told_en.text == stack.t("handoff.command", "en", ticket_no=ticket_en)
    row = await ticket_row(stack, ticket_no)
    assert row.state == "waiting"
    await view.wait_in_topic(topic, "/close")
    # /help is the bot's own, as always
    stack.fake.user_says("/help", user_id=customer.user_id)
    [help_] = await customer.replies()
    assert help_.text != told.text and "/cancel" in help_.text
    # what she writes next is for the agent, as before
    stack.fake.user_says("我还在等", user_id=customer.user_id)
    [added] = await customer.replies()
    assert ticket_no in added.text and "补充" in added.text
    await view.wait_in_topic(topic, "我还在等")


async def test_the_acknowledgement_is_in_her_language(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    customer = stack.customer(language_code="en")
    ticket_no = await escalate(stack, customer, "I want to talk to a person")
    topic = await view.topic_of(ticket_no)
    stack.fake.user_says("it's about my parcel", user_id=customer.user_id, language_code="en")
    [added] = await customer.replies()
    assert added.text.startswith("Got it") and ticket_no in added.text
    await view.wait_in_topic(topic, "it's about my parcel")


async def test_nobody_on_shift_she_hears_when_the_next_shift_starts(
    desk_stack, monkeypatch
) -> None:
    stack = desk_stack
    desk = stack.dp["desk"]
    zone = desk.policy.service_hours.zone
    start = (datetime.now(UTC) + timedelta(hours=2)).astimezone(zone)
    end = start + timedelta(hours=1)
    shift = Shift(mention="@kefu_late", start=start.time(), end=end.time())
    monkeypatch.setattr(desk.settings, "handoff_shifts", [shift])
    view = DeskView(stack.fake)
    customer = stack.customer()
    [answer] = await customer.says("我要找人工")
    ticket_no = ticket_no_in(answer.text)
    assert f"{start.hour}:{start.minute:02d}" in answer.text and "上班后" in answer.text
    assert "前面" not in answer.text and "第一位" not in answer.text  # no queue promise
    row = await ticket_row(stack, ticket_no)
    assert row.state == "waiting"  # the ticket is made all the same
    await view.topic_of(ticket_no)
    # Writing again: told the same, honestly.
    stack.fake.user_says("那我等着", user_id=customer.user_id)
    [added] = await customer.replies()
    assert f"{start.hour}:{start.minute:02d}" in added.text


# ── the agents' group ───────────────────────────────────────────────────────────────────


async def test_a_mistyped_command_gets_the_list_of_commands_agents_only(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("手滑")
    outsider = view.agent("路过", status="left")
    customer, ticket_no, topic = await start_handoff(stack, view)

    typo = agent.says("/tkae", topic)
    help_ = await view.wait_in_topic(topic, "/tkae")
    assert help_.reply_to_message_id == typo
    assert "/take" in help_.text and "/history" in help_.text and "/open" in help_.text
    agent.says("/qeueu", None)  # in General too
    await view.wait_in_topic(None, "/qeueu")
    # Another bot's command is left to that bot; an outsider's typo gets nothing.
    agent.says("/stats@some_other_bot", topic)
    outsider.says("/tkae", topic)
    await asyncio.sleep(0.5)
    assert not [m for m in view.in_topic(topic) if "stats" in m.text]
    assert len([m for m in view.in_topic(topic) if "/tkae" in m.text]) == 1
    await customer.hears_nothing_more()  # no command reached her
    row = await ticket_row(stack, ticket_no)
    assert not any("/tkae" in line["text"] for line in row.transcript)


async def test_open_lists_every_open_ticket(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("看全部")
    _waiting, waiting_no, _ = await start_handoff(stack, view)
    served, served_no, served_topic = await start_handoff(stack, view)
    agent.says("/take", served_topic)
    await served.replies()
    closed, closed_no, closed_topic = await start_handoff(stack, view)
    agent.says("/close", closed_topic)
    await closed.replies()

    agent.says("/open", None)
    listing = await view.wait_in_topic(None, waiting_no)
    line_of = {no: next(x for x in listing.text.splitlines() if no in x)
               for no in (waiting_no, served_no)}
    assert "排队第" in line_of[waiting_no]
    assert "看全部" in line_of[served_no]
    assert closed_no not in listing.text


async def test_history_of_a_ticket_and_of_a_chat(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("翻记录")
    customer = stack.customer()
    await customer.says("发什么快递")
    first_no = await escalate(stack, customer)
    topic = await view.topic_of(first_no)
    agent.says("您好，默认发中通", topic)
    await customer.replies(2)
    agent.says("// 老客户", topic)
    agent.says("/close", topic)
    await customer.replies()
    second_no = await escalate(stack, customer, "还是要人工")
    second_topic = await view.topic_of(second_no)

    agent.says(f"/history {first_no}", None)
    shown = await view.wait_in_topic(None, f"工单 {first_no}")
    assert "发什么快递" in shown.text and "您好，默认发中通" in shown.text
    assert "老客户" in shown.text and "内部备注" in shown.text and "已结束" in shown.text
    assert second_no not in shown.text

    # In the customer's topic: her whole conversation, both tickets, oldest first.
    agent.says("/history", second_topic)
    both = await view.wait_in_topic(second_topic, f"工单 {first_no}")
    assert both.text.index(first_no) < both.text.index(f"工单 {second_no}")
    assert "还是要人工" in both.text

    agent.says("/history T2099010100001", None)
    await view.wait_in_topic(None, "没有找到 T2099010100001")
    agent.says("/history 什么", None)
    await view.wait_in_topic(None, "用法：/history")


async def test_a_silent_agent_is_raised_in_general(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("不说话")
    customer, ticket_no, topic = await start_handoff(stack, view)
    agent.says("/take", topic)
    await customer.replies()
    await stack.fake.wait_until(
        lambda: any("⌛" in m.text and ticket_no in m.text for m in view.in_topic(None)),
        10,
        "the silent agent raised in General",
    )
    raised = next(m for m in view.in_topic(None) if "⌛" in m.text and ticket_no in m.text)
    assert f"tg://user?id={agent.user_id}" in (raised.raw_text or "")
    assert any("等您回复" in m.text for m in view.in_topic(topic))  # and in the topic
