"""The shop's after-sales steps on the bus, against the real worker (SQLite and PostgreSQL):
a returned parcel received (accepted or refused), its refund issued, an exchange's parcel
received and its replacement shipped — each once per idempotency key, each move checked,
nothing written when refused, an event for the customer after the commit."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import aio_pika
import pytest
from sqlalchemy import func, select

from bus.contracts import (
    AfterSalesRefused,
    CreateReturn,
    ExchangeCreated,
    ExchangeStep,
    IssueRefund,
    LookupOrder,
    OrderFound,
    ReceiveExchangeParcel,
    ReceiveReturn,
    RefundIssued,
    ReturnCreated,
    ReturnLine,
    ReturnReceived,
    ReturnRejected,
    ShipExchange,
)
from tests.integration.conftest import exchange_request
from tests.integration.test_reliability import dead_letters
from worker.db.models import (
    Exchange,
    Order,
    OrderItem,
    Refund,
    Remark,
    Return,
    ReturnItem,
    Variant,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


def key() -> str:
    return f"test-{uuid4().hex}"


async def returned(shop, make_order, *, quantity: int = 1, returned_units: int = 1):
    """A regular order delivered two days ago, and a return of it waiting for its parcel."""
    order = await make_order(kind="regular", delivered_ago=timedelta(days=2), quantity=quantity)
    created = await shop.rpc.call(
        CreateReturn(
            idempotency_key=key(),
            order_no=order.order_no,
            telegram_user_id=order.telegram_user_id,
            items=[ReturnLine(item_id=order.item_id, quantity=returned_units)],
            cause="size",
            fit_for_resale=True,
        )
    )
    assert isinstance(created, ReturnCreated), created
    return order, created.record


async def snapshot(shop, order_no: str) -> tuple:
    """Everything a step may write on the order: its state, its returns, refunds, remarks."""
    async with shop.db.read() as session:
        order = await session.scalar(select(Order).where(Order.order_no == order_no))
        returns = (
            await session.execute(
                select(Return.return_no, Return.state, Return.refusal, Return.received_at)
                .where(Return.order_id == order.id)
                .order_by(Return.id)
            )
        ).all()
        refunds = (
            await session.execute(
                select(Refund.refund_no, Refund.state, Refund.amount)
                .where(Refund.order_id == order.id)
                .order_by(Refund.id)
            )
        ).all()
        remarks = await session.scalar(
            select(func.count(Remark.id)).where(Remark.order_id == order.id)
        )
        return order.state, tuple(returns), tuple(refunds), remarks


async def remarks_of(shop, order_no: str) -> list[Remark]:
    async with shop.db.read() as session:
        found = await session.scalars(
            select(Remark).join(Order).where(Order.order_no == order_no).order_by(Remark.id)
        )
        return list(found.all())


class Listener:
    """A queue of ours on the events exchange: what the worker published."""

    def __init__(self, channel, queue) -> None:
        self.channel, self.queue = channel, queue

    @classmethod
    async def on(cls, shop, amqp_connection, *routing_keys: str) -> Listener:
        channel = await amqp_connection.channel()
        events = await channel.get_exchange(shop.worker.topology.events_exchange)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for routing_key in routing_keys:
            await queue.bind(events, routing_key=routing_key)
        return cls(channel, queue)

    async def next(self, within: float = 5.0) -> tuple[str, dict]:
        async with asyncio.timeout(within):
            while True:
                message = await self.queue.get(fail=False)
                if message is not None:
                    await message.ack()
                    return message.routing_key or "", json.loads(message.body)
                await asyncio.sleep(0.05)

    async def nothing_more(self, wait: float = 0.5) -> None:
        await asyncio.sleep(wait)
        assert await self.queue.get(fail=False) is None

    async def close(self) -> None:
        await self.channel.close()


async def test_a_parcel_received_and_accepted_gets_its_refund_pending(
    shop, make_order, amqp_connection
):
    order, record = await returned(shop, make_order)

    async def stock() -> int:
        async with shop.db.read() as session:
            variant = await session.scalar(
                select(Variant).join(OrderItem).where(OrderItem.id == order.item_id)
            )
            return variant.stock

    before = await stock()
    listener = await Listener.on(shop, amqp_connection, "return.received")
    try:
        reply = await shop.rpc.call(
            ReceiveReturn(idempotency_key=key(), return_no=record.return_no, by="小王")
        )
        assert isinstance(reply, ReturnReceived), reply
        assert reply.state == "received" and reply.outcome == "accepted"
        assert reply.refund_no is not None and reply.refund_no.startswith("RF")
        assert reply.refund_amount == Decimal(300)
        routing_key, event = await listener.next()
        assert routing_key == "return.received"
        assert event["return_no"] == record.return_no
        assert event["telegram_user_id"] == order.telegram_user_id
        assert event["refund_no"] == reply.refund_no
    finally:
        await listener.close()
    assert await stock() == before + 1  # her own cause (size): checked fine, back on sale
    state, returns, refunds, _ = await snapshot(shop, order.order_no)
    assert state == "shipped"  # delivered, not closed: nothing refunded yet
    assert [(r.state, r.refusal) for r in returns] == [("received", None)]
    assert returns[0].received_at is not None
    assert [(r.refund_no, r.state, r.amount) for r in refunds] == [
        (reply.refund_no, "pending", Decimal(300))
    ]
    remark = (await remarks_of(shop, order.order_no))[-1]
    assert record.return_no in remark.content and reply.refund_no in remark.content
    assert remark.author == "小王" and remark.flag == "blue"
    # her questions read it: the order's return says received
    found = await shop.rpc.call(
        LookupOrder(
            order_no=order.order_no, telegram_user_id=order.telegram_user_id, with_returns=True
        )
    )
    assert isinstance(found, OrderFound)
    assert found.order.returns[0].state == "received"
    assert found.order.returns[0].received_at is not None


async def test_the_refund_issued_by_return_number_refunds_and_closes_a_whole_order(
    shop, make_order, amqp_connection
):
    order, record = await returned(shop, make_order)
    received = await shop.rpc.call(ReceiveReturn(idempotency_key=key(), return_no=record.return_no))
    assert isinstance(received, ReturnReceived)
    listener = await Listener.on(shop, amqp_connection, "refund.issued")
    try:
        issued = await shop.rpc.call(
            IssueRefund(idempotency_key=key(), number=record.return_no, amount=Decimal("300.00"))
        )
        assert isinstance(issued, RefundIssued), issued
        assert issued.refund_no == received.refund_no
        assert issued.return_no == record.return_no and issued.cause == "returned"
        assert issued.order_closed  # its only unit came back and was refunded
        _, event = await listener.next()
        assert event["refund_no"] == issued.refund_no
        assert Decimal(event["amount"]) == Decimal(300)
        assert event["telegram_user_id"] == order.telegram_user_id
    finally:
        await listener.close()
    state, returns, refunds, _ = await snapshot(shop, order.order_no)
    assert state == "closed"
    assert returns[0].state == "refunded" and refunds[0].state == "issued"
    async with shop.db.read() as session:
        live = await session.scalar(
            select(ReturnItem.live).join(Return).where(Return.return_no == record.return_no)
        )
        order_row = await session.scalar(select(Order).where(Order.order_no == order.order_no))
        assert live is False
        assert order_row.close_reason == "returned_refunded"


async def test_a_partial_return_refunded_leaves_the_order_open(shop, make_order):
    order, record = await returned(shop, make_order, quantity=2, returned_units=1)
    await shop.rpc.call(ReceiveReturn(idempotency_key=key(), return_no=record.return_no))
    received = (await snapshot(shop, order.order_no))[2][0]
    issued = await shop.rpc.call(IssueRefund(idempotency_key=key(), number=received.refund_no))
    assert isinstance(issued, RefundIssued) and not issued.order_closed
    assert (await snapshot(shop, order.order_no))[0] == "shipped"


async def test_a_refused_parcel_closes_the_return_without_a_refund(
    shop, make_order, amqp_connection
):
    order, record = await returned(shop, make_order)
    listener = await Listener.on(shop, amqp_connection, "return.received")
    try:
        reply = await shop.rpc.call(
            ReceiveReturn(
                idempotency_key=key(),
                return_no=record.return_no,
                outcome="refused",
                refusal="tags_removed",
                note="吊牌 已剪\n领口有粉底",
            )
        )
        assert isinstance(reply, ReturnReceived), reply
        assert reply.state == "cancelled" and reply.refund_no is None
        _, event = await listener.next()
        assert event["outcome"] == "refused" and event["refusal"] == "tags_removed"
    finally:
        await listener.close()
    _, returns, refunds, _ = await snapshot(shop, order.order_no)
    assert [(r.state, r.refusal) for r in returns] == [("cancelled", "tags_removed")]
    assert refunds == ()
    remark = (await remarks_of(shop, order.order_no))[-1]
    assert remark.flag == "red" and "吊牌已拆" in remark.content
    assert "吊牌 已剪 领口有粉底" in remark.content  # the note, on one line
    # and no refund can be issued for it
    refused = await shop.rpc.call(IssueRefund(idempotency_key=key(), number=record.return_no))
    assert refused == AfterSalesRefused(reason="return_cancelled", state="cancelled")
    # nor is the same item returned again, round the check (a dispute is a person's)
    again = await shop.rpc.call(
        CreateReturn(
            idempotency_key=key(),
            order_no=order.order_no,
            telegram_user_id=order.telegram_user_id,
            items=[ReturnLine(item_id=order.item_id)],
            cause="size",
            fit_for_resale=True,
        )
    )
    assert isinstance(again, ReturnRejected) and again.reasons == ["already_returned"]


async def test_the_same_command_twice_applies_once(shop, make_order, amqp_connection):
    order, record = await returned(shop, make_order)
    command = ReceiveReturn(idempotency_key=key(), return_no=record.return_no)
    listener = await Listener.on(shop, amqp_connection, "return.received", "refund.issued")
    try:
        first = await shop.rpc.call(command)
        after_first = await snapshot(shop, order.order_no)
        again = await shop.rpc.call(command)  # a redelivery, a retry
        assert again == first
        assert await snapshot(shop, order.order_no) == after_first
        issue = IssueRefund(idempotency_key=key(), number=record.return_no)
        issued = await shop.rpc.call(issue)
        after_issue = await snapshot(shop, order.order_no)
        assert await shop.rpc.call(issue) == issued
        assert await snapshot(shop, order.order_no) == after_issue
        await listener.next()
        await listener.next()
        await listener.nothing_more()  # one event per step, not per delivery
    finally:
        await listener.close()


@pytest.mark.parametrize(
    ("step", "reason", "state"),
    [
        ("receive_again", "already_received", "received"),
        ("refund_before_parcel", "not_received_yet", "awaiting_return"),
        ("receive_refunded", "already_refunded", "refunded"),
        ("refund_twice", "already_refunded", "issued"),
        ("wrong_amount", "amount_mismatch", "pending"),
    ],
)
async def test_an_illegal_move_is_refused_and_writes_nothing(
    shop, make_order, step, reason, state
):
    order, record = await returned(shop, make_order)
    if step != "refund_before_parcel":
        await shop.rpc.call(ReceiveReturn(idempotency_key=key(), return_no=record.return_no))
    if step in ("receive_refunded", "refund_twice"):
        await shop.rpc.call(IssueRefund(idempotency_key=key(), number=record.return_no))
    before = await snapshot(shop, order.order_no)
    if step in ("receive_again", "receive_refunded"):
        command = ReceiveReturn(idempotency_key=key(), return_no=record.return_no)
    elif step == "wrong_amount":
        command = IssueRefund(idempotency_key=key(), number=record.return_no, amount=Decimal(299))
    else:
        command = IssueRefund(idempotency_key=key(), number=record.return_no)
    reply = await shop.rpc.call(command)
    assert reply == AfterSalesRefused(reason=reason, state=state)
    assert await snapshot(shop, order.order_no) == before


async def test_an_unknown_number_is_not_found(shop):
    assert await shop.rpc.call(
        ReceiveReturn(idempotency_key=key(), return_no="RT2099010199999")
    ) == AfterSalesRefused(reason="not_found")
    assert await shop.rpc.call(
        IssueRefund(idempotency_key=key(), number="RF2099010199999")
    ) == AfterSalesRefused(reason="not_found")


async def test_a_cancellation_refund_is_issued_by_its_number(shop, make_order):
    from bus.contracts import CancelOrder, OrderCancelled

    order = await make_order(kind="regular", state="paid", delivered_ago=None)
    cancelled = await shop.rpc.call(
        CancelOrder(
            idempotency_key=key(),
            order_no=order.order_no,
            telegram_user_id=order.telegram_user_id,
        )
    )
    assert isinstance(cancelled, OrderCancelled) and cancelled.refund is not None
    issued = await shop.rpc.call(
        IssueRefund(idempotency_key=key(), number=cancelled.refund.refund_no)
    )
    assert isinstance(issued, RefundIssued), issued
    assert issued.cause == "cancelled" and issued.return_no is None
    assert not issued.order_closed  # closed already, when it was cancelled
    assert (await snapshot(shop, order.order_no))[2][0].state == "issued"


async def test_an_exchange_parcel_received_then_its_replacement_shipped(
    shop, make_order, amqp_connection
):
    order = await make_order(kind="custom", target_stock=3)
    created = await shop.rpc.call(exchange_request(order))
    assert isinstance(created, ExchangeCreated), created
    rma_no = created.exchange.rma_no

    async def variant_counts():
        async with shop.db.read() as session:
            exchange = await session.scalar(select(Exchange).where(Exchange.rma_no == rma_no))
            old = await session.get(Variant, exchange.old_variant_id)
            new = await session.get(Variant, exchange.new_variant_id)
            return old.stock, new.stock, new.held, exchange

    old_stock, new_stock, held, _ = await variant_counts()
    refused = await shop.rpc.call(
        ShipExchange(idempotency_key=key(), rma_no=rma_no, tracking_no="SF1234567890")
    )
    assert refused == AfterSalesRefused(reason="not_received_yet", state="awaiting_return")
    listener = await Listener.on(shop, amqp_connection, "exchange.*")
    try:
        step = await shop.rpc.call(ReceiveExchangeParcel(idempotency_key=key(), rma_no=rma_no))
        assert isinstance(step, ExchangeStep) and step.state == "received"
        shipped = await shop.rpc.call(
            ShipExchange(
                idempotency_key=key(), rma_no=rma_no, courier="sf", tracking_no="SF1234567890"
            )
        )
        assert isinstance(shipped, ExchangeStep) and shipped.state == "shipped"
        assert (await listener.next())[0] == "exchange.received"
        routing_key, event = await listener.next()
        assert routing_key == "exchange.shipped" and event["tracking_no"] == "SF1234567890"
        assert event["telegram_user_id"] == order.telegram_user_id
    finally:
        await listener.close()
    old_after, new_after, held_after, exchange = await variant_counts()
    assert old_after == old_stock + 1  # the item back, fit for resale: on sale again
    assert (new_after, held_after) == (new_stock, held - 1)  # the held unit left
    assert exchange.state == "shipped" and exchange.replacement_tracking_no == "SF1234567890"
    again = await shop.rpc.call(
        ShipExchange(idempotency_key=key(), rma_no=rma_no, tracking_no="SF1234567890")
    )
    assert again == AfterSalesRefused(reason="already_shipped", state="shipped")
    assert (await variant_counts())[2] == held - 1


@pytest.mark.parametrize(
    "body",
    [
        b'{"return_no": "RT2026"}',  # no idempotency key, a number of no return
        b'{"idempotency_key": "test-12345678", "return_no": "RT20260101000001", '
        b'"outcome": "refused"}',  # refused without saying why
    ],
)
async def test_a_malformed_command_goes_to_the_dead_letters(shop, amqp_connection, body):
    topology = shop.worker.topology
    channel = await amqp_connection.channel()
    exchange = await channel.get_exchange(topology.rpc_exchange)
    await exchange.publish(
        aio_pika.Message(body, type="returns.receive", correlation_id="poison"),
        routing_key="returns.receive",
    )
    await channel.close()
    dead_queue = topology.dead_letter_queue(topology.commands_queue)
    [dead] = await dead_letters(amqp_connection, dead_queue, 1)
    assert dead.body == body
    assert dead.headers["x-kefu-error-code"] == "bad_request"
    assert dead.headers["x-kefu-method"] == "returns.receive"

