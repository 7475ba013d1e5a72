"""The agents' desk end to end: the bot polling the fake Bot API, a real worker on the real
RabbitMQ, the agents' forum supergroup. A customer asks for a person, one topic appears with
its card, and the customer and the agent talk through it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest_asyncio

from bus.contracts import ListQueue
from tests.e2e.conftest import stop_stack
from tests.e2e.desk import (
    AGENTS,
    WAIT,
    DeskView,
    escalate,
    hears_added,
    start_desk_stack,
    ticket_row,
)
from tests.support.polling import eventually


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

    # The customer writes: copied into the topic; the bot only says it was added.
    message_id = stack.fake.user_says("衣服尺码偏小怎么办", user_id=customer.user_id)
    copied = await view.wait_in_topic(topic, "衣服尺码偏小怎么办")
    assert copied.copied_from == (customer.user_id, message_id)
    await hears_added(customer, ticket_no)
    await customer.hears_nothing_more()

    # The agent answers in the topic: the customer hears who they are, then the answer.
    agent.says("您好，可以换大一码", topic)
    hello, answer = await customer.replies(2)
    assert "小美" in hello.text
    assert answer.text == "您好，可以换大一码" and answer.copied_from[0] == AGENTS
    row = await ticket_row(stack, ticket_no)
    assert row.state == "with_agent" and row.agent_name == "小美"
    assert row.first_response_s is not None


async def test_several_questions_during_a_handoff_all_go_to_the_person(desk_stack) -> None:
    """Two questions in one message while the chat waits for a person: both are the person's
    (the bot answers neither, not even the first before the desk has seen the message; it
    only says the message was added)."""
    stack = desk_stack
    view = DeskView(stack.fake)
    customer = stack.customer()
    ticket_no = await escalate(stack, customer)
    topic = await view.topic_of(ticket_no)
    stack.fake.user_says("发什么快递？多久能到", user_id=customer.user_id)
    await view.wait_in_topic(topic, "发什么快递？多久能到")
    added = await hears_added(customer, ticket_no)
    assert "快递" not in added.text
    await customer.hears_nothing_more()


async def start_handoff(stack, view: DeskView, text: str = "我要转人工", **customer_kw):
    customer = stack.customer(**customer_kw)
    ticket_no = await escalate(stack, customer, text)
    topic = await view.topic_of(ticket_no)
    return customer, ticket_no, topic


async def test_photos_and_albums_travel_both_ways_and_stay_albums(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("阿强")
    customer, ticket_no, topic = await start_handoff(stack, view)
    card_id = view.card(topic).message_id

    photo = stack.fake.user_sends_photo(user_id=customer.user_id, caption="这里破了")
    copied = await view.wait_in_topic(topic, "这里破了", kind="photo", after=card_id)
    assert copied.copied_from == (customer.user_id, photo)
    album = stack.fake.user_sends_album(3, user_id=customer.user_id, caption="三个角度")
    first = await view.wait_in_topic(topic, "三个角度", kind="photo", after=copied.message_id)
    await stack.fake.wait_until(
        lambda: len([m for m in view.in_topic(topic) if m.media_group_id]) == 3, 10, "the album"
    )
    grouped = [m for m in view.in_topic(topic) if m.media_group_id]
    assert len({m.media_group_id for m in grouped}) == 1
    assert [m.copied_from[1] for m in grouped] == album and grouped[0] == first
    await hears_added(customer, ticket_no)  # the photo; the album's items get reactions
    await customer.hears_nothing_more()

    agent.says("收到，我看一下", topic)
    await customer.replies(2)  # who is serving them, then the message
    agent.sends_photo(topic, caption="这是新的那件")
    [sent] = await customer.replies()
    assert (sent.kind, sent.text) == ("photo", "这是新的那件")
    ids = agent.sends_album(topic, 2)
    pair = await customer.replies(2)
    assert [m.copied_from for m in pair] == [(AGENTS, i) for i in ids]
    assert pair[0].media_group_id and pair[0].media_group_id == pair[1].media_group_id
    row = await ticket_row(stack, ticket_no)
    kinds = [a["kind"] for a in row.attachments]
    assert kinds == ["photo"] * 4  # the customer's files, kept with the ticket


async def test_an_album_stays_one_when_its_items_wait_longer_than_the_moment(desk_stack) -> None:
    """Under load an album's next item can wait for its chat's turn longer than the moment the
    album is collected for (a chat's updates go one at a time, each writing the transcript over
    the bus first): it is still copied as one album, both ways. The moment is cut to a
    millisecond here, far shorter than one item's turn (before, each item left on its own)."""
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("阿梅")
    albums = stack.dp["desk"].albums
    customer, ticket_no, topic = await start_handoff(stack, view)
    albums.wait, moment = 0.001, albums.wait
    try:
        album = stack.fake.user_sends_album(4, user_id=customer.user_id, caption="四个角度")

        def copied() -> list:
            return [m for m in view.in_topic(topic) if m.copied_from and m.copied_from[1] in album]

        await stack.fake.wait_until(lambda: len(copied()) == 4, WAIT, "the album's four items")
        assert copied()[0].media_group_id and len({m.media_group_id for m in copied()}) == 1
        await hears_added(customer, ticket_no)

        agent.says("看到了", topic)
        await customer.replies(2)  # who is serving them, then the message
        ids = agent.sends_album(topic, 3)
        trio = await customer.replies(3)
        assert [m.copied_from for m in trio] == [(AGENTS, i) for i in ids]
        assert trio[0].media_group_id and len({m.media_group_id for m in trio}) == 1
    finally:
        albums.wait = moment


async def test_notes_stay_internal_and_commands_are_never_relayed(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("小雨")
    customer, ticket_no, topic = await start_handoff(stack, view)
    agent.says("// 这位客户上周也问过，语气客气点", topic)
    agent.says("/unknowncommand", topic)

    async def noted():  # the note stored (the half second below is no deadline for that)
        row = await ticket_row(stack, ticket_no)
        return row if row.transcript[-1]["text"].startswith("//") else None

    await eventually(noted, within=WAIT)
    await customer.hears_nothing_more()
    row = await ticket_row(stack, ticket_no)
    assert row.state == "waiting"  # a note does not take the ticket
    note = row.transcript[-1]
    assert note["internal"] is True and note["text"].startswith("//")


async def test_take_close_and_the_customers_rating(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("Amy")
    customer, ticket_no, topic = await start_handoff(
        stack, view, "I'd like to talk to a person please", language_code="en"
    )
    agent.says("/take", topic)
    [taken] = await customer.replies()
    assert "Amy" in taken.text
    await view.wait_in_topic(topic, "Amy 接手")
    card = view.card(topic)
    assert [b.text for row in card.inline_buttons for b in row] == ["✅ 结束"]
    agent.says("/take", topic)
    await view.wait_in_topic(topic, "已经由您负责")

    agent.says("/close", topic)
    [closing] = await customer.replies()
    assert "rating" in closing.text.lower() or "star" in closing.text.lower()
    assert [b.text for row in closing.inline_buttons for b in row][:2] == ["⭐", "⭐⭐"]
    await view.wait_in_topic(topic, "结束了服务")
    await stack.fake.wait_until(lambda: stack.fake.topics(AGENTS)[topic]["closed"], 5, "closed")
    assert stack.fake.topics(AGENTS)[topic]["name"].startswith("✅")

    four = closing.inline_buttons[3][0]
    assert four.text == "⭐⭐⭐⭐"
    [thanks] = await customer.presses_data(closing, four.callback_data)
    assert "Thanks" in thanks.text
    await view.wait_in_topic(topic, "4/5")
    [noted] = await customer.says("very patient, thank you")
    assert "comment" in noted.text.lower()
    await view.wait_in_topic(topic, "very patient")
    row = await ticket_row(stack, ticket_no)
    assert (row.state, row.closed_by, row.rating) == ("closed", "agent", 4)
    assert row.rating_comment == "very patient, thank you"
    assert row.handling_s is not None
    # Back with the bot: it answers on its own again.
    [answer] = await customer.says("when do you ship?")
    assert "ship" in answer.text.lower() or "days" in answer.text.lower()


async def test_order_note_and_reveal_for_the_tickets_customer(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("小美")
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    other = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    ticket_no = await escalate(stack, customer)
    topic = await view.topic_of(ticket_no)
    card = view.card(topic)
    assert order.order_no in card.text and "****" in card.text and order.phone not in card.text

    agent.says(f"/order {order.order_no}", topic)
    summary = await view.wait_in_topic(topic, order.order_no, after=card.message_id)
    assert order.phone not in summary.text
    agent.says(f"/order {other.order_no}", topic)
    await view.wait_in_topic(topic, "找不到")

    agent.says(f"/note {order.order_no} 红 顾客要求不放价格单", topic)
    added = await view.wait_in_topic(topic, "已备注")
    assert "顾客要求不放价格单 — 小美 — " in added.text and "红旗" in added.text
    async with stack.shop.db.read() as session:
        from sqlalchemy import select

        from worker.db.models import Order, Remark

        remark = await session.scalar(
            select(Remark)
            .join(Order, Order.id == Remark.order_id)
            .where(Order.order_no == order.order_no, Remark.author == "小美")
        )
    assert (remark.content, remark.flag) == ("顾客要求不放价格单", "red")
    agent.says(f"/note {other.order_no} 不该备注", topic)
    await view.wait_in_topic(topic, "不是这位客户的")

    agent.says("/reveal", topic)
    shown = await view.wait_in_topic(topic, "完整联系方式")
    assert order.phone in shown.text and "南京市" in shown.text
    async with stack.shop.db.read() as session:
        from worker.db.models import Ticket, TicketReveal

        audit = (
            await session.scalars(
                select(TicketReveal)
                .join(Ticket, Ticket.id == TicketReveal.ticket_id)
                .where(Ticket.ticket_no == ticket_no)
            )
        ).all()
    assert [(a.agent_id, a.agent_name) for a in audit] == [(agent.user_id, "小美")]
    await customer.hears_nothing_more()


async def test_canned_replies_in_the_customers_language(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("Mia")
    customer, ticket_no, topic = await start_handoff(
        stack, view, text="I want to talk to a person", language_code="en"
    )
    agent.says("/canned", topic)
    menu = await view.wait_in_topic(topic, "快捷回复")
    agent.presses(menu, "稍等查询")
    hello, canned = await customer.replies(2)
    assert "Mia" in hello.text
    assert canned.text.startswith("Sure, let me look into that")
    await view.wait_in_topic(topic, "发送了快捷回复")
    assert (await ticket_row(stack, ticket_no)).first_response_s is not None


async def test_cancel_withdraws_and_human_says_where_they_stand(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    customer, ticket_no, topic = await start_handoff(stack, view)
    [place] = await customer.says("/human")
    assert ticket_no in place.text
    [withdrawn] = await customer.says("/cancel")
    assert "取消" in withdrawn.text
    await view.wait_in_topic(topic, "取消了人工请求")
    row = await ticket_row(stack, ticket_no)
    assert (row.state, row.closed_by) == ("closed", "customer")
    [answer] = await customer.says("发什么快递")
    assert "中通" in answer.text


async def test_a_customer_who_blocked_the_bot_is_reported_in_the_topic(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("阿杰")
    customer, ticket_no, topic = await start_handoff(stack, view)
    stack.fake.user_blocks_bot(customer.user_id)
    agent.says("您好，还在吗？", topic)
    blocked = await view.wait_in_topic(topic, "屏蔽")
    assert blocked.reply_to_message_id is not None  # under the message that did not arrive
    for _ in range(50):
        row = await ticket_row(stack, ticket_no)
        if row.transcript[-1]["role"] == "system":
            break
        await asyncio.sleep(0.1)
    assert row.transcript[-1]["role"] == "system"
    assert len([m for m in view.in_topic(topic) if "屏蔽" in m.text]) == 1


async def test_another_agents_customer_needs_a_handover(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    first, second = view.agent("早班小美"), view.agent("晚班阿强")
    customer, _, topic = await start_handoff(stack, view)
    first.says("/take", topic)
    await customer.replies()
    second.says("我来回答", topic)
    await view.wait_in_topic(topic, "您的消息没有发出")
    await customer.hears_nothing_more()
    second.says("/take", topic)
    held = await view.wait_in_topic(topic, "换班交接")
    assert "早班小美" in held.text
    second.presses(held, "接手")
    [handover] = await customer.replies()
    assert "晚班阿强" in handover.text
    await view.wait_in_topic(topic, "从 早班小美 手里接过")
    second.says("我来回答", topic)
    [answer] = await customer.replies()
    assert answer.text == "我来回答"


async def test_places_in_the_queue_with_three_waiting(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("排队")
    # Whatever earlier tests left waiting is closed first: the queue starts empty. Their first
    # responses stay (in this file's order): answers given in seconds make an expected wait of
    # "about 1 minute", and nobody hears "sorry for the wait" before that minute has passed,
    # however slowly this test runs (worker.tickets._ran_out).
    for waiting in (await stack.rpc.call(ListQueue())).tickets:
        agent.says("/close", waiting.topic_id)

    async def queue_empty() -> bool:
        return not (await stack.rpc.call(ListQueue())).tickets

    await eventually(queue_empty, within=WAIT)
    customers = [stack.customer() for _ in range(3)]
    answers = []
    for customer in customers:
        [answer] = await customer.says("转人工")
        answers.append(answer.text)
    assert "第一位" in answers[0]
    assert "前面还有 1 位" in answers[1] and "前面还有 2 位" in answers[2]
    agent.says("/queue", None)
    listed = await view.wait_in_topic(None, "正在等待的客户（3 位")
    numbers = [ticket_no_in_line(line) for line in listed.text.splitlines()[1:]]
    assert numbers == [ticket_no_in_line(a) for a in answers]
    # The first is taken: the second is now first and is told so; the third moved one place
    # only (not worth a message).
    first_topic = await view.topic_of(ticket_no_in_line(answers[0]))
    agent.says("/take", first_topic)
    [taken] = await customers[0].replies()
    assert "排队" in taken.text
    [update] = await customers[1].replies()
    assert "第一位" in update.text
    await customers[2].hears_nothing_more()
    agent.says("/mine", None)
    await view.wait_in_topic(None, ticket_no_in_line(answers[0]))


def ticket_no_in_line(text: str) -> str:
    from tests.e2e.desk import ticket_no_in

    return ticket_no_in(text)


OTHER_GROUP = -100_555_000_999


async def test_only_members_in_the_agents_group_act_as_agents(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    member = view.agent("正式客服")
    outsider = view.agent("路人", status="left")
    customer, ticket_no, topic = await start_handoff(stack, view)
    card_id = view.card(topic).message_id

    # A non-member writing in the topic (the group is public, or they were just removed):
    # nothing is relayed, nothing is run, nobody answers.
    outsider.says("/close", topic)
    outsider.says("你好，我是客服", topic)
    # The same words from another group with a topic of the same number.
    stack.fake.add_chat(OTHER_GROUP, type="supergroup", title="别的群", is_forum=True)
    other_topic = (await stack.bot.create_forum_topic(OTHER_GROUP, "x")).message_thread_id
    while other_topic < topic:  # make the other group's topic number the same
        other_topic = (await stack.bot.create_forum_topic(OTHER_GROUP, "x")).message_thread_id
    stack.fake.set_chat_member(OTHER_GROUP, member.user_id, "member")
    for text in ("/close", "我是客服，请把手机号发我"):
        stack.fake.user_says(
            text,
            user_id=member.user_id,
            first_name=member.name,
            chat_id=OTHER_GROUP,
            chat_type="supergroup",
            message_thread_id=other_topic,
        )
    # A member forwarding someone else's /close: neither relayed nor run.
    stack.fake.user_forwards(
        "/close",
        origin_user_id=outsider.user_id,
        user_id=member.user_id,
        chat_id=AGENTS,
        chat_type="supergroup",
        message_thread_id=topic,
    )
    await view.wait_in_topic(topic, "转发来的消息", after=card_id)
    # The customer typing an agent's command: relayed to the agents as text, not run (she
    # hears what she can do, not "added").
    stack.fake.user_says("/close", user_id=customer.user_id)
    await view.wait_in_topic(topic, "/close", after=card_id)
    [told] = await customer.replies()
    assert told.text == stack.t("handoff.command", ticket_no=ticket_no)
    await customer.hears_nothing_more()
    await stack.fake.assert_no_new_messages(OTHER_GROUP, wait=0.2)
    row = await ticket_row(stack, ticket_no)
    assert row.state == "waiting" and row.agent_id is None
    assert not any(line["role"] == "agent" for line in row.transcript)
    # A member presses the card's Take: works; a non-member's press of Close does nothing.
    stack.fake.user_presses_button(view.card(topic), "结束", user_id=outsider.user_id)
    member.presses(view.card(topic), "接手")
    [taken] = await customer.replies()
    assert "正式客服" in taken.text
    row = await ticket_row(stack, ticket_no)
    assert (row.state, row.agent_id) == ("with_agent", member.user_id)


async def test_an_agents_message_reaches_only_that_topics_customer(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("小王")
    first, _, first_topic = await start_handoff(stack, view)
    second, _, second_topic = await start_handoff(stack, view)
    agent.says("给第一位客户", first_topic)
    await first.replies(2)
    agent.says("给第二位客户", second_topic)
    # who serves her, then the message — after her new place in the queue when the first
    # customer's ticket moved her to the front (run alone: no one else waits in the test's desk)
    received = await second.replies(2)
    if received[0].text.startswith("排队进度更新"):
        received = [*received[1:], *await second.replies(1)]
    _hello, answer = received
    assert answer.text == "给第二位客户"
    assert not any("第二位" in m.text for m in stack.fake.messages(first.user_id))
    assert not any("第一位客户" in m.text for m in stack.fake.messages(second.user_id))


async def test_removing_an_agent_from_the_group_ends_their_access(desk_stack) -> None:
    from bot.desk import service

    stack = desk_stack
    view = DeskView(stack.fake)
    leaver = view.agent("要走的人")
    customer, _ticket_no, topic = await start_handoff(stack, view)
    leaver.says("/take", topic)
    await customer.replies()
    stack.fake.set_chat_member(AGENTS, leaver.user_id, "kicked")
    stack.dp["desk"].members._seen.clear()  # as if MEMBER_TTL_S had passed
    assert service.MEMBER_TTL_S <= 60
    leaver.says("我还能说话吗", topic)
    await customer.hears_nothing_more()


async def test_an_agent_pasting_many_lines_loses_none(desk_stack) -> None:
    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("快手")
    customer, _, topic = await start_handoff(stack, view)
    lines = [f"第{n}行" for n in range(stack.dp["settings"].flood_rate + 5)]
    for line in lines:
        agent.says(line, topic)
    received = await customer.replies(len(lines) + 1)  # who serves them, then every line
    assert [m.text for m in received[1:]] == lines  # in order: one topic, one lock


async def test_the_card_totals_what_the_customer_paid_items_and_postage(desk_stack) -> None:
    """Found holding the console: the card's order line said the items' sum (300 元) where the
    customer paid 312 元 with the postage, as their own order card says."""
    stack = desk_stack
    view = DeskView(stack.fake)
    order = await stack.make_order(kind="regular", state="paid", postage=Decimal(12))
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    topic = await view.topic_of(await escalate(stack, customer))
    [line] = [row for row in view.card(topic).text.split("\n") if order.order_no in row]
    assert line.endswith("· 312 元"), line


async def test_never_mind_to_the_person_withdraws_and_goes_back_to_the_job(desk_stack) -> None:
    """Blind jobs batch 4: a person asked for at the return's question, then "nah never mind,
    let's just finish it here" — it went to the ticket and she waited for an agent. Now,
    while nobody has taken it: withdrawn, and the return's question is where she is again."""
    stack = desk_stack
    view = DeskView(stack.fake)
    order = await stack.make_order(
        kind="regular", product_id=1, delivered_ago=timedelta(days=2), also=("regular",)
    )
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [fit] = await customer.says("the tshirt is too big, i want to return it")
    assert stack.t("returns.fit_question", "en") in fit.text, fit.text
    ticket_no = await escalate(stack, customer, "can i just talk to a real person?")
    topic = await view.topic_of(ticket_no)
    [back] = await customer.says("nah never mind, let's just finish it here")
    assert back.text == stack.t("handoff.withdrawn_back", "en")
    assert back.reply_to_message_id == fit.message_id
    await view.wait_in_topic(topic, "取消了人工请求")
    row = await ticket_row(stack, ticket_no)
    assert (row.state, row.closed_by) == ("closed", "customer")
    [quote] = await customer.says("not worn, tags on")
    assert quote.button("Confirm the return"), quote.text

    # no job to go back to: withdrawn, and what else she asks is answered
    other = stack.customer()
    ticket_no = await escalate(stack, other)
    [withdrawn, answer] = await other.says("不用转人工了 你们发什么快递", replies=2)
    assert withdrawn.text == stack.t("handoff.withdrawn")
    assert "中通" in answer.text
    row = await ticket_row(stack, ticket_no)
    assert row.state == "closed"


async def test_the_agents_order_card_lists_her_return_and_shows_its_photos(desk_stack) -> None:
    """Where the agent sees the return (``/order`` in her topic): its number, state, refund and
    the photos she sent for it (when, the caption), then the photos themselves."""
    from uuid import uuid4

    from bus.contracts import CreateReturn, ReturnCreated, ReturnLine

    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("小美")
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular", delivered_ago=timedelta(days=1), telegram_user_id=customer.user_id
    )
    created = await stack.shop.rpc.call(
        CreateReturn(
            idempotency_key=f"test-{uuid4().hex}",
            order_no=order.order_no,
            telegram_user_id=customer.user_id,
            items=[ReturnLine(item_id=order.item_id)],
            cause="quality",
            fit_for_resale=True,
        )
    )
    assert isinstance(created, ReturnCreated)
    return_no = created.record.return_no
    [kept] = await customer.sends_photo(caption="退货这件 袖口开线")
    assert return_no in kept.text
    ticket_no = await escalate(stack, customer)
    topic = await view.topic_of(ticket_no)
    card = view.card(topic)
    agent.says(f"/order {order.order_no}", topic)
    shown = await view.wait_in_topic(topic, return_no, after=card.message_id)
    assert "照片 1 张" in shown.text and "袖口开线" in shown.text and "等待寄回" in shown.text
    photo = await view.wait_in_topic(topic, kind="photo", after=shown.message_id)
    async with stack.shop.db.read() as session:
        from sqlalchemy import select

        from worker.db.models import ReturnPhoto

        stored = await session.scalar(select(ReturnPhoto.file_id))
    assert photo.file_id == stored and photo.text == "退货这件 袖口开线"


async def test_the_agent_sees_each_returned_items_own_cause_and_postage(desk_stack) -> None:
    """A return of two items for two causes, as the agent sees it at ``/order``: each item with
    its cause and who pays its postage back (the shop's fault flagged to check on arrival),
    and that the parcel is the customer's to send (before, one cause stood for the whole
    return and the agent could not tell which item was faulty)."""
    from uuid import uuid4

    from bus.contracts import CreateReturn, ReturnCreated, ReturnLine

    stack = desk_stack
    view = DeskView(stack.fake)
    agent = view.agent("小美")
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular",
        also=("regular",),
        postage=Decimal(12),
        delivered_ago=timedelta(days=1),
        telegram_user_id=customer.user_id,
    )
    trousers, shirt = order.item_ids
    created = await stack.shop.rpc.call(
        CreateReturn(
            idempotency_key=f"test-{uuid4().hex}",
            order_no=order.order_no,
            telegram_user_id=customer.user_id,
            items=[ReturnLine(item_id=trousers), ReturnLine(item_id=shirt, cause="quality")],
            cause="size",
            fit_for_resale=True,
        )
    )
    assert isinstance(created, ReturnCreated)
    ticket_no = await escalate(stack, customer)
    topic = await view.topic_of(ticket_no)
    card = view.card(topic)
    agent.says(f"/order {order.order_no}", topic)
    shown = await view.wait_in_topic(topic, created.record.return_no, after=card.message_id)
    lines = shown.text.splitlines()
    size_line = next(line for line in lines if "尺码不合适" in line)
    fault_line = next(line for line in lines if "质量问题" in line)
    assert "×1" in size_line and stack.t("desk.order.return_postage.customer") in size_line
    assert stack.t("desk.order.return_postage.seller") in fault_line
    assert stack.t("desk.order.return_parcel_hers") in shown.text
    # the refund is the two items, not the order's postage too
    assert f"退款 {stack.replies.format_money(Decimal(600), 'zh_CN')}" in shown.text


async def test_cancel_after_the_chat_memory_forgot_her_answers_in_her_tickets_language(
    desk_stack,
) -> None:
    """Held in the console (session 23): a ticket asked for in English, the chat then forgotten
    (the console restarted; in Telegram, a chat idle past ``KEFU_CHAT_TTL_S``), and "/cancel" —
    written in no language — was answered in Chinese, the bot's default. Her ticket knows the
    language she wrote in: the withdrawal is said in it."""
    from aiogram.fsm.storage.base import StorageKey

    from bot.middlewares import ChatContextMiddleware
    from bot.services.memory import MEMORY_DESTINY

    stack = desk_stack
    view = DeskView(stack.fake)
    customer, ticket_no, _ = await start_handoff(
        stack, view, text="can i talk to a real person please", language_code=None
    )
    key = StorageKey(
        bot_id=stack.bot.id, chat_id=customer.user_id, user_id=customer.user_id,
        destiny=MEMORY_DESTINY,
    )  # fmt: skip
    storage = next(  # the chat memory's own (not the FSM state's)
        m.storage for m in stack.dp.update.outer_middleware
        if isinstance(m, ChatContextMiddleware)
    )  # fmt: skip
    assert (await storage.get_data(key)).get("written_locale") == "en"
    await storage.set_data(key, {})  # the chat memory forgot her
    [withdrawn] = await customer.says("/cancel")
    assert "withdrawn" in withdrawn.text and "取消" not in withdrawn.text, withdrawn.text
    row = await ticket_row(stack, ticket_no)
    assert (row.state, row.closed_by) == ("closed", "customer")
