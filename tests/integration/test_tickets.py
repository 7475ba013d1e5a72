"""The ticket state machine in the worker, over the real bus, on SQLite and PostgreSQL: one live
ticket per chat under concurrency, the topic bound once, take/append/close/rate, remarks and
the /reveal audit, the queue and its expected waits, alerts claimed by exactly one caller."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from uuid import uuid4

import aio_pika
import pytest
from sqlalchemy import func, select, update

from bus import contracts as c
from worker.db.models import ProcessedCommand, Remark, Ticket, TicketReveal
from worker.service import utcnow

pytestmark = pytest.mark.asyncio(loop_scope="session")

_chats = itertools.count(5_000_001)
DESK = -100_777


def key(tag: str = "t") -> str:
    return f"{tag}-{uuid4().hex}"


def line(text: str, role: str = "customer", **extra) -> c.TranscriptLine:
    return c.TranscriptLine(role=role, text=text, at=utcnow(), **extra)


async def open_for(shop, chat: int | None = None, **fields) -> c.TicketOpened:
    chat = chat or next(_chats)
    request = c.OpenTicket(
        idempotency_key=key("open"),
        telegram_user_id=fields.pop("telegram_user_id", chat),
        chat_id=chat,
        customer_name=fields.pop("customer_name", "张小姐"),
        reason=fields.pop("reason", "customer_asked"),
        **fields,
    )
    reply = await shop.rpc.call(request)
    assert isinstance(reply, c.TicketOpened)
    return reply


async def ticket_row(shop, ticket_no: str) -> Ticket:
    async with shop.db.read() as session:
        return await session.scalar(select(Ticket).where(Ticket.ticket_no == ticket_no))


async def age(shop, ticket_no: str, **deltas: timedelta) -> None:
    """Move a ticket's times into the past (opened_at=timedelta(minutes=5) …)."""
    now = utcnow()
    async with shop.db.write() as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.ticket_no == ticket_no)
            .values({name: now - delta for name, delta in deltas.items()})
        )


async def close_all_waiting(shop) -> None:
    """Each test reads the queue as it leaves it: start from an empty one."""
    async with shop.db.write() as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.state != "closed")
            .values(state="closed", closed_at=utcnow())
        )


async def test_five_escalations_at_once_make_one_live_ticket(shop):
    chat = next(_chats)
    replies = await asyncio.gather(
        *(
            shop.rpc.call(
                c.OpenTicket(
                    idempotency_key=key("race"),
                    telegram_user_id=chat,
                    chat_id=chat,
                    reason="customer_asked",
                    transcript=[line(f"第{n}条")],
                )
            )
            for n in range(5)
        )
    )
    assert len({r.ticket_no for r in replies}) == 1
    assert sorted(r.already_open for r in replies) == [False, True, True, True, True]
    async with shop.db.read() as session:
        live = await session.scalar(
            select(func.count(Ticket.id)).where(Ticket.chat_id == chat, Ticket.state != "closed")
        )
    assert live == 1
    row = await ticket_row(shop, replies[0].ticket_no)
    assert sorted(item["text"] for item in row.transcript) == [f"第{n}条" for n in range(5)]


async def test_the_database_refuses_a_second_live_ticket_for_a_chat(shop):
    opened = await open_for(shop)
    first = await ticket_row(shop, opened.ticket_no)
    with pytest.raises(Exception, match=r"(?i)unique"):
        async with shop.db.write() as session:
            session.add(
                Ticket(
                    ticket_no=f"T-dup-{uuid4().hex[:8]}",
                    telegram_user_id=first.telegram_user_id,
                    chat_id=first.chat_id,
                    reason="other",
                    state="waiting",
                    opened_at=utcnow(),
                    transcript=[],
                    attachments=[],
                    sla_alerts=0,
                    idle_reminders=0,
                )
            )


async def test_a_topic_is_bound_once_and_the_loser_learns_the_winner(shop):
    opened = await open_for(shop)
    binds = await asyncio.gather(
        *(
            shop.rpc.call(
                c.BindTopic(
                    idempotency_key=key("bind"),
                    ticket_no=opened.ticket_no,
                    desk_chat_id=DESK,
                    topic_id=topic,
                    card_message_id=topic + 1,
                )
            )
            for topic in (101_000 + next(_chats) % 1000 * 10, 201_000 + next(_chats) % 1000 * 10)
        )
    )
    bound = [b for b in binds if isinstance(b, c.TopicBound)]
    taken = [b for b in binds if isinstance(b, c.TopicTaken)]
    assert len(bound) == 1 and len(taken) == 1
    assert taken[0].topic_id == bound[0].ticket.topic_id
    found = await shop.rpc.call(c.GetTicket(desk_chat_id=DESK, topic_id=bound[0].ticket.topic_id))
    assert found.ticket.ticket_no == opened.ticket_no


async def test_the_bind_answers_the_cards_snapshot_and_records_the_card(shop):
    opened = await open_for(shop, transcript=[line("我要找人工")])
    chat = (await ticket_row(shop, opened.ticket_no)).chat_id
    await shop.rpc.call(
        c.AppendToTicket(
            idempotency_key=key("in"),
            chat_id=chat,
            role="customer",
            lines=[line("还在吗", message_id=77)],
        )
    )
    topic = 300_000 + next(_chats) % 100_000
    bound = await shop.rpc.call(
        c.BindTopic(
            idempotency_key=key("bind"),
            ticket_no=opened.ticket_no,
            desk_chat_id=DESK,
            topic_id=topic,
        )
    )
    assert [t.text for t in bound.ticket.transcript] == ["我要找人工", "还在吗"]
    assert bound.ticket.place.position >= 1 and bound.ticket.card_message_id is None
    card = await shop.rpc.call(
        c.BindTopic(
            idempotency_key=key("card"),
            ticket_no=opened.ticket_no,
            desk_chat_id=DESK,
            topic_id=topic,
            card_message_id=topic + 1,
        )
    )
    assert card.ticket.card_message_id == topic + 1 and card.ticket.topic_id == topic


async def test_take_append_close_rate_keep_the_service_levels(shop):
    opened = await open_for(shop, transcript=[line("衣服有问题")])
    chat = (await ticket_row(shop, opened.ticket_no)).chat_id
    taken = await shop.rpc.call(
        c.TakeTicket(
            idempotency_key=key("take"),
            ticket_no=opened.ticket_no,
            agent_id=9001,
            agent_name="小美",
        )
    )
    assert isinstance(taken, c.TicketTaken) and taken.ticket.state == "with_agent"
    again = await shop.rpc.call(
        c.TakeTicket(
            idempotency_key=key("take"),
            ticket_no=opened.ticket_no,
            agent_id=9002,
            agent_name="阿强",
        )
    )
    assert again == c.TakeRefused(reason="held", agent_name="小美")
    # Another agent's note is fine; their message to the customer is not.
    note = await shop.rpc.call(
        c.AppendToTicket(
            idempotency_key=key("note"),
            ticket_no=opened.ticket_no,
            role="agent",
            agent_id=9002,
            agent_name="阿强",
            lines=[line("//查一下物流", role="agent", internal=True)],
        )
    )
    assert isinstance(note, c.Appended)
    refused = await shop.rpc.call(
        c.AppendToTicket(
            idempotency_key=key("out"),
            ticket_no=opened.ticket_no,
            role="agent",
            agent_id=9002,
            agent_name="阿强",
            lines=[line("您好", role="agent")],
        )
    )
    assert refused == c.AppendRefused(reason="held", agent_name="小美")
    answer = await shop.rpc.call(
        c.AppendToTicket(
            idempotency_key=key("out"),
            ticket_no=opened.ticket_no,
            role="agent",
            agent_id=9001,
            agent_name="小美",
            lines=[line("您好，我来帮您看看", role="agent")],
        )
    )
    assert answer.ticket.first_response_at is not None
    rating_too_early = await shop.rpc.call(
        c.RateTicket(
            idempotency_key=key("rate"), ticket_no=opened.ticket_no, chat_id=chat, rating=5
        )
    )
    assert rating_too_early == c.RatingRefused(reason="not_closed")
    closed = await shop.rpc.call(
        c.CloseTicket(
            idempotency_key=key("close"),
            ticket_no=opened.ticket_no,
            closed_by="agent",
            agent_id=9001,
            agent_name="小美",
        )
    )
    assert closed.ticket.state == "closed" and not closed.already
    late = await shop.rpc.call(
        c.AppendToTicket(
            idempotency_key=key("in"),
            ticket_no=opened.ticket_no,
            role="customer",
            lines=[line("谢谢")],
        )
    )
    assert late == c.AppendRefused(reason="closed")
    not_yours = await shop.rpc.call(
        c.RateTicket(
            idempotency_key=key("rate"), ticket_no=opened.ticket_no, chat_id=chat + 1, rating=1
        )
    )
    assert not_yours == c.RatingRefused(reason="not_yours")
    await shop.rpc.call(
        c.RateTicket(
            idempotency_key=key("rate"), ticket_no=opened.ticket_no, chat_id=chat, rating=4
        )
    )
    rated = await shop.rpc.call(
        c.RateTicket(
            idempotency_key=key("rate"), ticket_no=opened.ticket_no, chat_id=chat, comment="很耐心"
        )
    )
    assert (rated.rating, rated.comment) == (4, "很耐心")
    row = await ticket_row(shop, opened.ticket_no)
    assert row.first_response_s is not None and row.handling_s is not None
    assert (row.closed_by, row.agent_name, row.rating) == ("agent", "小美", 4)
    texts = [item["text"] for item in row.transcript]
    assert texts == ["衣服有问题", "//查一下物流", "您好，我来帮您看看"]
    assert row.transcript[1]["internal"] is True and "internal" not in row.transcript[2]


async def test_an_agents_reply_to_a_waiting_ticket_takes_it(shop):
    opened = await open_for(shop)
    reply = await shop.rpc.call(
        c.AppendToTicket(
            idempotency_key=key("out"),
            ticket_no=opened.ticket_no,
            role="agent",
            agent_id=9003,
            agent_name="阿May",
            lines=[line("在的", role="agent")],
        )
    )
    assert reply.took and reply.ticket.state == "with_agent" and reply.ticket.agent_name == "阿May"


async def test_the_customer_withdraws_by_chat_and_the_chat_may_escalate_again(shop):
    chat = next(_chats)
    first = await open_for(shop, chat)
    withdrawn = await shop.rpc.call(
        c.CloseTicket(idempotency_key=key("cancel"), chat_id=chat, closed_by="customer")
    )
    assert withdrawn.ticket.ticket_no == first.ticket_no
    gone = await shop.rpc.call(c.GetTicket(chat_id=chat))
    assert gone == c.TicketNotFound()
    second = await open_for(shop, chat)
    assert second.ticket_no != first.ticket_no and not second.already_open


async def test_places_in_the_queue_and_updates_when_one_is_taken(shop):
    await close_all_waiting(shop)
    first, second, third = [await open_for(shop) for _ in range(3)]
    assert [t.place.position for t in (first, second, third)] == [1, 2, 3]
    queue = await shop.rpc.call(c.ListQueue())
    assert [t.ticket_no for t in queue.tickets] == [
        first.ticket_no,
        second.ticket_no,
        third.ticket_no,
    ]
    assert [t.place.position for t in queue.tickets] == [1, 2, 3]
    taken = await shop.rpc.call(
        c.TakeTicket(
            idempotency_key=key("take"), ticket_no=first.ticket_no, agent_id=9010, agent_name="Amy"
        )
    )
    # The second is first now (tell them); the third moved by one only (not worth a message).
    assert [(u.ticket_no, u.place.position) for u in taken.queue_updates] == [(second.ticket_no, 1)]
    found = await shop.rpc.call(c.GetTicket(ticket_no=third.ticket_no))
    assert found.ticket.place.position == 2


async def test_expected_waits_come_from_recent_first_responses(shop):
    await close_all_waiting(shop)
    # Three recent first responses: 60, 120 and 180 seconds (median 120).
    await _history(shop, (60, 120, 180), agent_id=9020)
    first, second = await open_for(shop), await open_for(shop)
    assert 100 <= first.place.expected_wait_s <= 120
    # One agent worked in the last hour: the second waits for two turns.
    assert 220 <= second.place.expected_wait_s <= 240
    # Waited longer than the history suggests: no figure rather than a made-up one.
    await age(shop, first.ticket_no, opened_at=timedelta(minutes=10))
    found = await shop.rpc.call(c.GetTicket(ticket_no=first.ticket_no))
    assert found.ticket.place == c.QueuePlace(position=1, expected_wait_s=None)


async def _history(shop, seconds: tuple[int, ...], *, agent_id: int) -> None:
    """Forget the other tests' history, then recent first responses of ``seconds`` by one
    agent."""
    async with shop.db.write() as session:
        await session.execute(
            update(Ticket).values(first_response_s=None, taken_at=utcnow() - timedelta(hours=2))
        )
    for answered_in in seconds:
        done = await open_for(shop)
        async with shop.db.write() as session:
            await session.execute(
                update(Ticket)
                .where(Ticket.ticket_no == done.ticket_no)
                .values(
                    state="closed",
                    closed_at=utcnow(),
                    agent_id=agent_id,
                    taken_at=utcnow(),
                    first_response_at=utcnow(),
                    first_response_s=answered_in,
                )
            )


async def test_a_wait_told_in_minutes_is_not_called_overdue_before_it_has_passed(shop):
    """Agents who answer in seconds: the customer hears "about 1 minute" (whole minutes, at
    least one). Seconds later the seconds-figure has run out, and a place moving in the queue
    must not say "sorry for the long wait" to her — nor a message to the third who only moved
    one place. Once she has waited the minute she heard, it is said."""
    await close_all_waiting(shop)
    await _history(shop, (5, 5, 5), agent_id=9030)
    first, second, third = [await open_for(shop) for _ in range(3)]
    assert [t.place.expected_wait_s for t in (first, second, third)] == [5, 10, 15]
    for opened in (first, second, third):  # twenty seconds later: every figure has run out
        await age(shop, opened.ticket_no, opened_at=timedelta(seconds=20),
                  told_at=timedelta(seconds=20))
    taken = await shop.rpc.call(
        c.TakeTicket(
            idempotency_key=key("take"), ticket_no=first.ticket_no, agent_id=9031, agent_name="Amy"
        )
    )
    # the second is next (told so, plainly); the third moved one place only: nothing
    assert [(u.ticket_no, u.place.position, u.overdue) for u in taken.queue_updates] == [
        (second.ticket_no, 1, False)
    ]
    # a minute after she heard "about 1 minute": now the wait has run out, and she hears it
    await age(shop, third.ticket_no, opened_at=timedelta(seconds=80), told_at=timedelta(seconds=80))
    closed = await shop.rpc.call(
        c.CloseTicket(idempotency_key=key("close"), ticket_no=second.ticket_no, closed_by="agent",
                      agent_id=9031)
    )
    assert [(u.ticket_no, u.place.position, u.overdue) for u in closed.queue_updates] == [
        (third.ticket_no, 1, True)
    ]


async def test_each_alert_is_claimed_by_exactly_one_caller(shop):
    opened = await open_for(shop)
    await age(shop, opened.ticket_no, opened_at=timedelta(minutes=5))
    due = await shop.rpc.call(c.ListDue(sla_s=120, idle_s=600))
    [mine] = [t for t in due.sla if t.ticket_no == opened.ticket_no]
    claims = await asyncio.gather(
        *(
            shop.rpc.call(
                c.ClaimAlert(
                    idempotency_key=key("claim"),
                    ticket_no=opened.ticket_no,
                    alert="sla",
                    seen=mine.sla_alerts,
                )
            )
            for _ in range(4)
        )
    )
    assert sorted(claim.claimed for claim in claims) == [False, False, False, True]
    due = await shop.rpc.call(c.ListDue(sla_s=120, idle_s=600))
    assert opened.ticket_no not in {t.ticket_no for t in due.sla}  # alerted just now
    assert (await ticket_row(shop, opened.ticket_no)).sla_alerts == 1


async def test_idle_agents_and_topicless_tickets_are_due(shop):
    opened = await open_for(shop)
    await shop.rpc.call(
        c.TakeTicket(
            idempotency_key=key("take"), ticket_no=opened.ticket_no, agent_id=9030, agent_name="Li"
        )
    )
    await age(
        shop, opened.ticket_no, opened_at=timedelta(minutes=20), taken_at=timedelta(minutes=15)
    )
    due = await shop.rpc.call(c.ListDue(sla_s=120, idle_s=300, topicless_s=30))
    assert opened.ticket_no in {t.ticket_no for t in due.idle}
    assert opened.ticket_no in {t.ticket_no for t in due.topicless}
    claim = await shop.rpc.call(
        c.ClaimAlert(idempotency_key=key("idle"), ticket_no=opened.ticket_no, alert="idle", seen=0)
    )
    assert claim.claimed
    due = await shop.rpc.call(c.ListDue(sla_s=120, idle_s=300, topicless_s=30))
    assert opened.ticket_no not in {t.ticket_no for t in due.idle}


async def test_remarks_and_orders_only_for_the_tickets_customer(shop, make_order):
    mine = await make_order(
        kind="regular", state="paid", delivered_ago=None, telegram_user_id=next(_chats)
    )
    other = await make_order(kind="regular", state="paid", delivered_ago=None)
    async with shop.db.read() as session:
        from worker.db.models import Customer, Order

        owner = await session.scalar(
            select(Customer.telegram_user_id)
            .join(Order, Order.customer_id == Customer.id)
            .where(Order.order_no == mine.order_no)
        )
    opened = await open_for(shop, owner, telegram_user_id=owner)
    found = await shop.rpc.call(
        c.LookupTicketOrder(ticket_no=opened.ticket_no, order_no=mine.order_no)
    )
    assert isinstance(found, c.OrderFound) and "****" in found.order.phone_masked
    foreign = await shop.rpc.call(
        c.LookupTicketOrder(ticket_no=opened.ticket_no, order_no=other.order_no)
    )
    assert foreign == c.OrderNotFound()
    no_order = await shop.rpc.call(
        c.AddRemark(
            idempotency_key=key("note"),
            ticket_no=opened.ticket_no,
            agent_name="小美",
            text="送一个小礼物",
            flag="red",
        )
    )
    assert no_order == c.NoOrder()
    added = await shop.rpc.call(
        c.AddRemark(
            idempotency_key=key("note"),
            ticket_no=opened.ticket_no,
            order_no=mine.order_no,
            agent_name="小美",
            text="送一个小礼物",
            flag="red",
        )
    )
    assert isinstance(added, c.RemarkAdded)
    assert added.line.startswith("送一个小礼物 — 小美 — ")
    refused = await shop.rpc.call(
        c.AddRemark(
            idempotency_key=key("note"),
            ticket_no=opened.ticket_no,
            order_no=other.order_no,
            agent_name="小美",
            text="x",
        )
    )
    assert refused == c.OrderNotFound()
    async with shop.db.read() as session:
        remarks = (
            await session.scalars(
                select(Remark)
                .join(Order, Order.id == Remark.order_id)
                .where(Order.order_no == mine.order_no)
            )
        ).all()
    assert [(r.content, r.author, r.flag) for r in remarks] == [("送一个小礼物", "小美", "red")]


async def test_reveal_is_audited_once_per_request_and_never_stored_in_the_reply(shop, make_order):
    order = await make_order(kind="regular", state="paid", delivered_ago=None)
    opened = await open_for(shop, order_no=order.order_no)
    request = c.RevealContact(
        idempotency_key=key("reveal"), ticket_no=opened.ticket_no, agent_id=9040, agent_name="小美"
    )
    revealed = await shop.rpc.call(request)
    assert revealed.receiver_phone == order.phone and revealed.order_no == order.order_no
    assert "南京市" in revealed.address
    again = await shop.rpc.call(request)  # a redelivery: the same answer, no second audit row
    assert again == revealed
    async with shop.db.read() as session:
        audit = (
            await session.scalars(
                select(TicketReveal)
                .join(Ticket, Ticket.id == TicketReveal.ticket_id)
                .where(Ticket.ticket_no == opened.ticket_no)
            )
        ).all()
        stored = await session.get(ProcessedCommand, request.idempotency_key)
    assert [(a.agent_id, a.agent_name, a.fields) for a in audit] == [
        (9040, "小美", "phone,address")
    ]
    assert order.phone not in stored.reply
    nothing = await open_for(shop)
    assert (
        await shop.rpc.call(
            c.RevealContact(
                idempotency_key=key("reveal"),
                ticket_no=nothing.ticket_no,
                agent_id=9040,
                agent_name="小美",
            )
        )
        == c.NothingToReveal()
    )


async def test_a_redelivered_take_applies_once(shop):
    opened = await open_for(shop)
    command = c.TakeTicket(
        idempotency_key=key("take"), ticket_no=opened.ticket_no, agent_id=9050, agent_name="Bo"
    )
    first, second = await asyncio.gather(shop.rpc.call(command), shop.rpc.call(command))
    assert first == second and isinstance(first, c.TicketTaken) and not first.already


# ── the staff's answer without a desk (`kefu tickets reply`, tickets.staff_reply) ──────────


async def staff_events(shop, amqp_connection):
    """A queue of this test's own on the events exchange, taking ``ticket.staff_replied``."""
    channel = await amqp_connection.channel()
    events = await channel.get_exchange(shop.worker.topology.events_exchange)
    queue = await channel.declare_queue(f"test.{uuid4().hex}", auto_delete=True, exclusive=True)
    await queue.bind(events, routing_key="ticket.staff_replied")
    return channel, queue


async def drain(queue, settle: float = 0.5) -> list[c.TicketStaffRepliedEvent]:
    """Every event in ``queue`` once nothing more arrives for ``settle`` seconds."""
    found: list[c.TicketStaffRepliedEvent] = []
    quiet = 0.0
    while quiet < settle:
        message = await queue.get(fail=False)
        if message is None:
            await asyncio.sleep(0.05)
            quiet += 0.05
            continue
        await message.ack()
        found.append(c.TicketStaffRepliedEvent.model_validate_json(message.body))
        quiet = 0.0
    return found


ANSWER = "您好，裤长可以免费改短，寄回时备注一下长度就行"


def staff_reply(ticket_no: str, text: str | None = ANSWER, **extra):
    return c.ReplyToTicket(idempotency_key=key("staff"), ticket_no=ticket_no, text=text, **extra)


async def test_a_staff_answer_goes_on_the_ticket_once_and_tells_the_bot(shop, amqp_connection):
    channel, queue = await staff_events(shop, amqp_connection)
    opened = await open_for(shop, transcript=[line("裤子太长了，能改吗")], locale="en")
    command = staff_reply(opened.ticket_no, staff_name="阿明")
    # the same command twice (a redelivery): applied once, answered alike
    first, second = await asyncio.gather(shop.rpc.call(command), shop.rpc.call(command))
    assert first == second and isinstance(first, c.StaffReplied)
    assert first.line == 1 and not first.closed
    assert first.ticket.state == "with_agent" and first.ticket.agent_name == "阿明"
    row = await ticket_row(shop, opened.ticket_no)
    assert [(item["role"], item["text"]) for item in row.transcript] == [
        ("customer", "裤子太长了，能改吗"),
        ("agent", "您好，裤长可以免费改短，寄回时备注一下长度就行"),
    ]
    assert row.first_response_at is not None and row.first_response_s is not None
    [event] = await drain(queue)
    assert (event.ticket_no, event.chat_id, event.locale) == (
        opened.ticket_no, row.chat_id, "en",
    )
    assert event.line == 1 and not event.closed
    assert "裤长" not in event.model_dump_json()  # the words stay in the worker
    # her answer by chat lands on the same ticket, and the staff may answer again
    appended = await shop.rpc.call(
        c.AppendToTicket(
            idempotency_key=key("in"), chat_id=row.chat_id, role="customer",
            lines=[line("好的 谢谢，那我寄回来")],
        )
    )
    assert isinstance(appended, c.Appended) and appended.ticket.transcript_length == 3
    again = await shop.rpc.call(
        staff_reply(opened.ticket_no, "收到包裹后三天内改好寄出", close=True)
    )
    assert isinstance(again, c.StaffReplied) and again.line == 3 and again.closed
    assert again.ticket.state == "closed" and again.ticket.closed_by == "agent"
    [closing] = await drain(queue)
    assert closing.line == 3 and closing.closed
    await channel.close()


async def test_a_staff_answer_to_an_unknown_or_closed_ticket_is_refused(shop, amqp_connection):
    channel, queue = await staff_events(shop, amqp_connection)
    unknown = await shop.rpc.call(staff_reply("T2099010100001"))
    assert isinstance(unknown, c.TicketNotFound)
    opened = await open_for(shop)
    closed = await shop.rpc.call(staff_reply(opened.ticket_no, None, close=True))
    assert isinstance(closed, c.StaffReplied) and closed.closed and closed.line is None
    assert [e.closed for e in await drain(queue)] == [True]
    refused = await shop.rpc.call(staff_reply(opened.ticket_no))
    assert refused == c.StaffReplyRefused(reason="closed")
    row = await ticket_row(shop, opened.ticket_no)
    assert not any(item["role"] == "agent" for item in row.transcript)  # nothing added
    assert await drain(queue) == []  # and the customer is sent nothing
    await channel.close()


async def test_a_ticket_in_the_desk_is_answered_in_its_topic_not_from_the_terminal(shop):
    opened = await open_for(shop)
    await shop.rpc.call(
        c.BindTopic(
            idempotency_key=key("bind"), ticket_no=opened.ticket_no, desk_chat_id=DESK,
            topic_id=300_000 + next(_chats) % 100_000,
        )
    )
    refused = await shop.rpc.call(staff_reply(opened.ticket_no))
    assert refused == c.StaffReplyRefused(reason="desk")
    assert (await ticket_row(shop, opened.ticket_no)).state == "waiting"


async def test_a_staff_answer_says_something_or_closes() -> None:
    with pytest.raises(ValueError, match="text of the answer"):
        c.ReplyToTicket(idempotency_key=key(), ticket_no="T2026120100001")
    with pytest.raises(ValueError, match=r"at least 1 character|blank"):
        c.ReplyToTicket(idempotency_key=key(), ticket_no="T2026120100001", text="   ")


async def test_a_malformed_staff_answer_is_dead_lettered_and_the_worker_goes_on(
    shop, amqp_connection
):
    topology = shop.worker.topology
    channel = await amqp_connection.channel()
    exchange = await channel.get_exchange(topology.rpc_exchange)
    body = b'{"idempotency_key": "bad-1", "ticket_no": "T2026120100001"}'  # no text, no close
    await exchange.publish(
        aio_pika.Message(body, type="tickets.staff_reply", correlation_id="poison"),
        routing_key="tickets.staff_reply",
    )
    dead = await channel.get_queue(topology.dead_letter_queue(topology.commands_queue))
    message = None
    async with asyncio.timeout(10):
        while message is None:
            message = await dead.get(fail=False)
            if message is None:
                await asyncio.sleep(0.05)
    await message.ack()
    assert message.body == body
    assert message.headers["x-kefu-error-code"] == "bad_request"
    assert message.headers["x-kefu-method"] == "tickets.staff_reply"
    opened = await open_for(shop)
    assert isinstance(await shop.rpc.call(staff_reply(opened.ticket_no)), c.StaffReplied)
    await channel.close()
