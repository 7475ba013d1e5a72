"""The shop's own after-sales steps: ``returns.receive``, ``refunds.issue``,
``exchanges.receive`` and ``exchanges.ship`` — what its people record when a parcel comes back,
a refund is paid, a replacement goes out (``kefu returns receive`` and the rest).

Each moves one record one step of its life and nothing else:

```
return    awaiting_return ──receive (accepted)──► received ──refunds.issue──► refunded
                          └─receive (refused)───► cancelled (refusal: why; no refund)
refund    pending ──refunds.issue──► issued          (an order cancelled after payment, too)
exchange  awaiting_return ──exchanges.receive──► received ──exchanges.ship──► shipped
```

Any other move is refused with its reason and the record's state (``AfterSalesRefused``),
and nothing is written. Each runs once per idempotency key in one write transaction with its
``processed_commands`` row (``ShopService._run_command``), taking the order's row lock first
as every command on an order does; its remark goes on the order in the shop's format, and
its event (``return.received``, ``refund.issued``, ``exchange.received``, ``exchange.shipped``)
after the commit: the bot tells the customer in her chat (``bot/notices.py``).
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bus import contracts as c
from shop.enums import SELLER_FAULT, AfterSalesRefusal, ReturnRefusal
from worker.db.models import (
    Customer,
    Exchange,
    Order,
    OrderItem,
    Refund,
    Remark,
    Return,
    ReturnItem,
    Variant,
)
from worker.order_changes import COURIER_WORDS
from worker.service import ShopService

logger = logging.getLogger(__name__)

REFUSAL_WORDS: dict[ReturnRefusal, str] = {
    "worn": "有穿着痕迹",
    "washed": "已洗过",
    "tags_removed": "吊牌已拆",
    "damaged": "商品有损坏",
    "not_our_item": "不是本店发出的商品",
    "incomplete": "配件或商品不全",
    "other": "其他原因",
}
"""How the shop's remarks name each refusal (remarks are the back office's, in Chinese)."""

_RETURN_STATE_REFUSAL: dict[str, c.AfterSalesRefused] = {
    "received": c.AfterSalesRefused(reason="already_received", state="received"),
    "refunded": c.AfterSalesRefused(reason="already_refunded", state="refunded"),
    "cancelled": c.AfterSalesRefused(reason="return_cancelled", state="cancelled"),
}
_Step = tuple[c.Contract, c.Event | None]


class AfterSales:
    """The after-sales methods, on the shop service's data and command runner."""

    def __init__(self, shop: ShopService) -> None:
        self.shop = shop

    def routes(self) -> list[c.Route]:
        return [
            c.ReceiveReturn.served_by(self.receive_return),
            c.IssueRefund.served_by(self.issue_refund),
            c.ReceiveExchangeParcel.served_by(self.receive_exchange),
            c.ShipExchange.served_by(self.ship_exchange),
        ]

    # ── returns.receive ──────────────────────────────────────────────────────────────────

    async def receive_return(
        self, request: c.ReceiveReturn
    ) -> c.ReturnReceived | c.AfterSalesRefused:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.ReturnReceived | c.AfterSalesRefused, c.Event | None]:
            order_id = await session.scalar(
                select(Return.order_id).where(Return.return_no == request.return_no)
            )
            if order_id is None:
                return c.AfterSalesRefused(reason="not_found"), None
            order = await _order_locked(session, order_id)
            record = await session.scalar(
                select(Return).where(Return.return_no == request.return_no).with_for_update()
            )
            assert record is not None
            if record.state != "awaiting_return":
                return _RETURN_STATE_REFUSAL[record.state], None
            now = self.shop.clock()
            record.received_at = now
            refund: Refund | None = None
            if request.outcome == "accepted":
                record.state = "received"
                refund = Refund(
                    refund_no=f"pending-{request.idempotency_key}"[:30],
                    order_id=order.id,
                    return_id=record.id,
                    amount=record.refund_amount,
                    cause="returned",
                    state="pending",
                    created_at=now,
                )
                session.add(refund)
                await session.flush()
                refund.refund_no = f"RF{now:%Y%m%d}{refund.id:05d}"
                await _restock(session, record.items)
                content = (
                    f"退货 {record.return_no} 已收到，验货通过；待退款 ¥{record.refund_amount}"
                    f"（{refund.refund_no}，原路退回）"
                )
                flag = "blue"
            else:
                assert request.refusal is not None
                record.state = "cancelled"
                record.cancelled_at = now
                record.refusal = request.refusal
                for line in record.items:
                    line.live = False
                why = REFUSAL_WORDS[request.refusal]
                content = (
                    f"退货 {record.return_no} 已收到，验货未通过（{why}），"
                    "不予退款；已告知客户，如有异议转人工处理"
                )
                flag = "red"
            if request.note:
                content += f"。验货备注：{_one_line(request.note)}"
            session.add(
                Remark(
                    order_id=order.id,
                    content=content[:500],
                    author=request.by,
                    flag=flag,
                    created_at=now,
                )
            )
            await session.flush()
            logger.info("return %s received: %s", record.return_no, request.outcome)
            reply = c.ReturnReceived(
                return_no=record.return_no,
                order_no=order.order_no,
                state=record.state,
                outcome=request.outcome,
                refusal=request.refusal,
                refund_no=refund.refund_no if refund else None,
                refund_amount=record.refund_amount,
                received_at=now,
            )
            event = c.ReturnReceivedEvent(
                occurred_at=now,
                return_no=record.return_no,
                order_no=order.order_no,
                telegram_user_id=await _telegram_user(session, order),
                outcome=request.outcome,
                refusal=request.refusal,
                refund_no=reply.refund_no,
                refund_amount=record.refund_amount,
            )
            return reply, event

        return await self.shop._run_command(request, apply)

    # ── refunds.issue ────────────────────────────────────────────────────────────────────

    async def issue_refund(self, request: c.IssueRefund) -> c.RefundIssued | c.AfterSalesRefused:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.RefundIssued | c.AfterSalesRefused, c.Event | None]:
            by_return = request.number.startswith("RT")
            if by_return:
                found = (
                    await session.execute(
                        select(Return.order_id, Return.id, Return.state).where(
                            Return.return_no == request.number
                        )
                    )
                ).first()
                if found is None:
                    return c.AfterSalesRefused(reason="not_found"), None
                order_id, return_id, state = found
                if state == "awaiting_return":
                    return c.AfterSalesRefused(reason="not_received_yet", state=state), None
                if state == "cancelled":
                    return c.AfterSalesRefused(reason="return_cancelled", state=state), None
                where = Refund.return_id == return_id
            else:
                refund_order = await session.scalar(
                    select(Refund.order_id).where(Refund.refund_no == request.number)
                )
                if refund_order is None:
                    return c.AfterSalesRefused(reason="not_found"), None
                order_id = refund_order
                where = Refund.refund_no == request.number
            order = await _order_locked(session, order_id)
            refund = await session.scalar(
                select(Refund).where(where).order_by(Refund.id.desc()).with_for_update()
            )
            if refund is None:  # a received return has its refund: only data made by hand
                return c.AfterSalesRefused(reason="not_found"), None
            if refund.state == "issued":
                return c.AfterSalesRefused(reason="already_refunded", state="issued"), None
            if request.amount is not None and request.amount != refund.amount:
                return c.AfterSalesRefused(reason="amount_mismatch", state=refund.state), None
            record: Return | None = None
            if refund.return_id is not None:
                record = await session.scalar(
                    select(Return).where(Return.id == refund.return_id).with_for_update()
                )
                assert record is not None
                if record.state != "received":  # (checked before anything is written)
                    refused = _RETURN_STATE_REFUSAL.get(record.state)
                    return refused or c.AfterSalesRefused(reason="not_received_yet"), None
            now = self.shop.clock()
            refund.state = "issued"
            refund.issued_at = now
            if record is not None:
                record.state = "refunded"
                record.refunded_at = now
                for line in record.items:
                    line.live = False
            await session.flush()
            closed = False
            if order.state != "closed" and await _all_units_refunded(session, order.id):
                order.state = "closed"
                order.closed_at = now
                order.close_reason = "returned_refunded"
                closed = True
            what = f"退货 {record.return_no} 的退款" if record is not None else "退款"
            content = f"{what} {refund.refund_no} ¥{refund.amount} 已原路退回"
            if closed:
                content += "；订单全部退款，交易关闭"
            session.add(
                Remark(
                    order_id=order.id,
                    content=content,
                    author=request.by,
                    flag="blue",
                    created_at=now,
                )
            )
            await session.flush()
            logger.info("refund %s issued", refund.refund_no)
            reply = c.RefundIssued(
                refund_no=refund.refund_no,
                return_no=record.return_no if record is not None else None,
                order_no=order.order_no,
                cause=refund.cause,
                amount=refund.amount,
                issued_at=now,
                order_closed=closed,
            )
            event = c.RefundIssuedEvent(
                occurred_at=now,
                refund_no=refund.refund_no,
                return_no=reply.return_no,
                order_no=order.order_no,
                telegram_user_id=await _telegram_user(session, order),
                cause=refund.cause,
                amount=refund.amount,
            )
            return reply, event

        return await self.shop._run_command(request, apply)

    # ── exchanges.receive / exchanges.ship ───────────────────────────────────────────────

    async def receive_exchange(
        self, request: c.ReceiveExchangeParcel
    ) -> c.ExchangeStep | c.AfterSalesRefused:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.ExchangeStep | c.AfterSalesRefused, c.Event | None]:
            found = await _exchange_locked(session, request.rma_no)
            if isinstance(found, c.AfterSalesRefused):
                return found, None
            order, exchange = found
            if exchange.state != "awaiting_return":
                reason: AfterSalesRefusal = (
                    "exchange_cancelled" if exchange.state == "cancelled" else "already_received"
                )
                return c.AfterSalesRefused(reason=reason, state=exchange.state), None
            now = self.shop.clock()
            exchange.state = "received"
            exchange.received_at = now
            if not exchange.quality_problem:  # fit for resale: back on sale
                await session.execute(
                    update(Variant)
                    .where(Variant.id == exchange.old_variant_id)
                    .values(stock=Variant.stock + 1)
                )
            new = exchange.new_variant
            session.add(
                Remark(
                    order_id=order.id,
                    content=(
                        f"换货 {exchange.rma_no} 退回件已收到，待寄出 {new.color}/{new.size}"
                        "（已留货）"
                    ),
                    author=request.by,
                    flag="purple",
                    created_at=now,
                )
            )
            await session.flush()
            logger.info("exchange %s: parcel received", exchange.rma_no)
            step = c.ExchangeStep(
                rma_no=exchange.rma_no, order_no=order.order_no, state="received", at=now
            )
            event = c.ExchangeReceivedEvent(
                occurred_at=now,
                rma_no=exchange.rma_no,
                order_no=order.order_no,
                telegram_user_id=await _telegram_user(session, order),
            )
            return step, event

        return await self.shop._run_command(request, apply)

    async def ship_exchange(self, request: c.ShipExchange) -> c.ExchangeStep | c.AfterSalesRefused:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.ExchangeStep | c.AfterSalesRefused, c.Event | None]:
            found = await _exchange_locked(session, request.rma_no)
            if isinstance(found, c.AfterSalesRefused):
                return found, None
            order, exchange = found
            if exchange.state != "received":
                reason: AfterSalesRefusal = "already_shipped"
                if exchange.state == "awaiting_return":
                    reason = "not_received_yet"
                elif exchange.state == "cancelled":
                    reason = "exchange_cancelled"
                return c.AfterSalesRefused(reason=reason, state=exchange.state), None
            now = self.shop.clock()
            exchange.state = "shipped"
            exchange.shipped_at = now
            exchange.replacement_courier = request.courier
            exchange.replacement_tracking_no = request.tracking_no
            # the unit held for her since the exchange was made leaves the shop
            await session.execute(
                update(Variant)
                .where(Variant.id == exchange.new_variant_id, Variant.held >= 1)
                .values(held=Variant.held - 1)
            )
            courier = COURIER_WORDS[request.courier]
            session.add(
                Remark(
                    order_id=order.id,
                    content=(
                        f"换货 {exchange.rma_no} 新件已寄出，{courier} {request.tracking_no}"
                    ),
                    author=request.by,
                    flag="purple",
                    created_at=now,
                )
            )
            await session.flush()
            logger.info("exchange %s: replacement shipped", exchange.rma_no)
            step = c.ExchangeStep(
                rma_no=exchange.rma_no,
                order_no=order.order_no,
                state="shipped",
                courier=request.courier,
                tracking_no=request.tracking_no,
                at=now,
            )
            event = c.ExchangeShippedEvent(
                occurred_at=now,
                rma_no=exchange.rma_no,
                order_no=order.order_no,
                telegram_user_id=await _telegram_user(session, order),
                courier=request.courier,
                tracking_no=request.tracking_no,
            )
            return step, event

        return await self.shop._run_command(request, apply)


async def _order_locked(session: AsyncSession, order_id: int) -> Order:
    """The order's row, locked first (as every command on an order takes it)."""
    order = await session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    assert order is not None
    return order


async def _exchange_locked(
    session: AsyncSession, rma_no: str
) -> tuple[Order, Exchange] | c.AfterSalesRefused:
    order_id = await session.scalar(select(Exchange.order_id).where(Exchange.rma_no == rma_no))
    if order_id is None:
        return c.AfterSalesRefused(reason="not_found")
    order = await _order_locked(session, order_id)
    exchange = await session.scalar(
        select(Exchange).where(Exchange.rma_no == rma_no).with_for_update(of=Exchange)
    )
    assert exchange is not None
    return order, exchange


async def _telegram_user(session: AsyncSession, order: Order) -> int | None:
    """The order's customer's linked Telegram account: whom the bot tells."""
    return await session.scalar(
        select(Customer.telegram_user_id).where(Customer.id == order.customer_id)
    )


async def _restock(session: AsyncSession, lines: list[ReturnItem]) -> None:
    """Units back on sale: those returned for her own reasons (checked fit for resale); an
    item of the shop's fault stays off sale for a person to look at."""
    for line in lines:
        if line.cause in SELLER_FAULT:
            continue
        await session.execute(
            update(Variant)
            .where(Variant.id == line.order_item.variant_id)
            .values(stock=Variant.stock + line.quantity)
        )


async def _all_units_refunded(session: AsyncSession, order_id: int) -> bool:
    bought = await session.scalar(
        select(func.coalesce(func.sum(OrderItem.quantity), 0)).where(
            OrderItem.order_id == order_id
        )
    )
    refunded = await session.scalar(
        select(func.coalesce(func.sum(ReturnItem.quantity), 0))
        .join(Return, Return.id == ReturnItem.return_id)
        .where(Return.order_id == order_id, Return.state == "refunded")
    )
    return bool(bought) and int(refunded or 0) >= int(bought or 0)


def _one_line(text: str) -> str:
    return " ".join(text.split())
