"""Changes before shipping and requests to the warehouse: ``orders.modify_item``,
``orders.cancel``, ``orders.request_courier``, ``orders.urge``; and invoice requests
(``invoices.request``).

Every one is a command of the order's verified customer (``ProofGate.strong``), run exactly
once per idempotency key (``ShopService._run_command``) with the order row locked
(``ShopService.order_for_update``), decided by the pure rules of ``worker/order_rules.py``,
refused as data with its reasons, recorded as a remark in the shop's format (``content —
author — time``; purple for a size or colour change, red for what needs the warehouse's
attention — a paid order cancelled, an urge — blue for the ordinary: a courier request, an
unpaid order cancelled, an invoice request) and announced by an event after the commit.

Stock: an order's units are taken off ``variants.stock`` when it is placed (拍下减库存), so a
size change takes the new variant's units with a conditional update (``… WHERE stock >=
quantity``: atomic, whoever else is buying) and puts the old one's back, and a cancelled order
puts its units back.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bus import contracts as c
from shop.enums import CourierCode
from worker.db.models import (
    Customer,
    InvoiceRequest,
    Order,
    OrderUrge,
    Refund,
    Remark,
    Return,
    Variant,
)
from worker.db.queries import aware
from worker.order_rules import (
    ModifyFacts,
    OrderTimes,
    courier_request_refusals,
    couriers_for,
    decide_cancel,
    decide_modify,
    delivery_due_by,
    dispatch_due_by,
    order_attention,
    tax_no_problem,
    urge_stage,
)
from worker.proof import ProofRefusal
from worker.service import BOT_AUTHOR, ShopService

logger = logging.getLogger(__name__)

COURIER_WORDS: dict[CourierCode, str] = {"default": "默认快递", "sf": "顺丰", "ems": "EMS"}


class OrderChanges:
    """The ``orders.*`` change commands and ``invoices.request``."""

    def __init__(self, shop: ShopService) -> None:
        self.shop = shop
        self.policy = shop.policy

    def routes(self) -> list[c.Route]:
        return [
            c.ModifyItem.served_by(self.modify_item),
            c.CancelOrder.served_by(self.cancel),
            c.RequestCourier.served_by(self.request_courier),
            c.UrgeOrder.served_by(self.urge),
            c.ConfirmReceipt.served_by(self.confirm_receipt),
            c.RequestInvoice.served_by(self.request_invoice),
        ]

    async def _owned(
        self, session: AsyncSession, request: Any
    ) -> tuple[Order | None, ProofRefusal | None]:
        """The order, locked, when the asker is its verified customer; else the refusal."""
        order = await self.shop.order_for_update(session, request.order_no)
        refusal = await self.shop.proof.strong(session, request, order, request.METHOD)
        return (order if refusal is None else None), refusal

    def _remark(self, order: Order, content: str, flag: str, now: datetime) -> Remark:
        return Remark(
            order_id=order.id, content=content, author=BOT_AUTHOR, flag=flag, created_at=now
        )

    # ── orders.modify_item ───────────────────────────────────────────────────────────────

    async def modify_item(
        self, request: c.ModifyItem
    ) -> c.ItemModified | c.ItemModifyRefused | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.ItemModified | c.ItemModifyRefused | ProofRefusal, c.Event | None]:
            order, refusal = await self._owned(session, request)
            if refusal is not None:
                return refusal, None
            assert order is not None
            item = next((i for i in order.items if i.id == request.item_id), None)
            old = item.variant if item is not None else None
            new = None
            if old is not None:
                size = request.new_size or old.size
                color = request.new_color or old.color
                new = await session.scalar(
                    select(Variant).where(
                        Variant.product_id == old.product_id,
                        func.upper(Variant.size) == size.upper(),
                        Variant.color == color,
                    )
                )
            decision = decide_modify(
                ModifyFacts(
                    order_state=order.state,
                    in_order=item is not None,
                    item_kind=old.product.kind if old is not None else None,
                    quantity=item.quantity if item is not None else 0,
                    same_variant=new is not None and old is not None and new.id == old.id,
                    new_variant_exists=new is not None,
                    new_variant_stock=new.stock if new is not None else 0,
                )
            )
            if not decision.allowed:
                return (
                    c.ItemModifyRefused(
                        reasons=decision.reasons, needs_supervisor=decision.needs_supervisor
                    ),
                    None,
                )
            assert item is not None and old is not None and new is not None
            quantity = item.quantity
            # Take the new units with a conditional update (atomic against any other buyer),
            # then put the old ones back on sale.
            taken: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
                update(Variant)
                .where(Variant.id == new.id, Variant.stock >= quantity)
                .values(stock=Variant.stock - quantity)
            )
            if taken.rowcount != 1:
                return c.ItemModifyRefused(reasons=["out_of_stock"]), None
            await session.execute(
                update(Variant).where(Variant.id == old.id).values(stock=Variant.stock + quantity)
            )
            item.variant = new
            now = self.shop.clock()
            session.add(
                self._remark(
                    order,
                    f"改规格：{old.product.name} {old.color}/{old.size} → {new.color}/{new.size}"
                    f" ×{quantity}，客户经机器人修改，新规格已扣库存，请仓库按新规格配货并核对",
                    "purple",
                    now,
                )
            )
            await session.flush()
            logger.info("item %d of order %s changed to %s", item.id, order.order_no, new.sku)
            view = await self.shop.view_in(session, order.order_no)
            return (
                c.ItemModified(order=view, item_id=item.id, old_sku=old.sku, new_sku=new.sku),
                c.ItemModifiedEvent(
                    occurred_at=now,
                    order_no=order.order_no,
                    item_id=item.id,
                    old_sku=old.sku,
                    new_sku=new.sku,
                ),
            )

        return await self.shop._run_command(request, apply)

    # ── orders.cancel ────────────────────────────────────────────────────────────────────

    async def cancel(
        self, request: c.CancelOrder
    ) -> c.OrderCancelled | c.CancelRefused | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.OrderCancelled | c.CancelRefused | ProofRefusal, c.Event | None]:
            order, refusal = await self._owned(session, request)
            if refusal is not None:
                return refusal, None
            assert order is not None
            decision = decide_cancel(order.state)
            if decision.refusal is not None:
                return (
                    c.CancelRefused(
                        reason=decision.refusal,
                        next_step=(
                            "return_after_delivery"
                            if decision.refusal == "already_shipped"
                            else None
                        ),
                    ),
                    None,
                )
            assert decision.close_reason is not None
            now = self.shop.clock()
            order.state = "closed"
            order.closed_at = now
            order.close_reason = decision.close_reason
            for item in order.items:
                await session.execute(
                    update(Variant)
                    .where(Variant.id == item.variant_id)
                    .values(stock=Variant.stock + item.quantity)
                )
            # An invoice asked for an order that no longer sells anything is withdrawn.
            await session.execute(
                update(InvoiceRequest)
                .where(InvoiceRequest.order_id == order.id, InvoiceRequest.state == "requested")
                .values(state="cancelled")
            )
            refund = None
            if decision.refund:
                refund = Refund(
                    refund_no=f"pending-{request.idempotency_key}"[:30],
                    order_id=order.id,
                    amount=order.total + order.postage,
                    cause="cancelled",
                    state="pending",
                    created_at=now,
                )
                session.add(refund)
                await session.flush()
                refund.refund_no = f"RF{now:%Y%m%d}{refund.id:05d}"
                content = (
                    f"客户经机器人取消订单（已付款未发货），退款 {refund.refund_no} "
                    f"¥{refund.amount} 原路退回，请勿发货"
                )
                flag = "red"
            else:
                content = "客户经机器人取消订单（未付款），订单已关闭"
                flag = "blue"
            if request.note:
                content += f"；客户说明：{request.note}"
            session.add(self._remark(order, content, flag, now))
            await session.flush()
            logger.info("order %s cancelled (%s)", order.order_no, decision.close_reason)
            view = await self.shop.view_in(session, order.order_no)
            refund_view = (
                c.RefundView(
                    refund_no=refund.refund_no,
                    order_no=order.order_no,
                    amount=refund.amount,
                    cause=refund.cause,
                    state=refund.state,
                    created_at=now,
                )
                if refund is not None
                else None
            )
            arrival = self.policy.returns.refund.arrival_days
            return (
                c.OrderCancelled(
                    order=view,
                    refund=refund_view,
                    refund_arrival_days=(
                        c.DaySpan(min=arrival.min, max=arrival.max) if refund else None
                    ),
                ),
                c.OrderCancelledEvent(
                    occurred_at=now,
                    order_no=order.order_no,
                    close_reason=decision.close_reason,
                    refund=refund_view,
                ),
            )

        return await self.shop._run_command(request, apply)

    # ── orders.request_courier ───────────────────────────────────────────────────────────

    async def request_courier(
        self, request: c.RequestCourier
    ) -> (
        c.CourierRequestRecorded
        | c.CourierRequestRefused
        | c.OrderNotFound
        | c.Throttled
        | c.ContactRequired
    ):
        async def apply(
            session: AsyncSession,
        ) -> tuple[
            c.CourierRequestRecorded | c.CourierRequestRefused | ProofRefusal, c.Event | None
        ]:
            order, refusal = await self._owned(session, request)
            if refusal is not None:
                return refusal, None
            assert order is not None
            group = self.policy.region_group(order.province)
            # Before shipping the order has no courier yet: it goes by the destination's first.
            current = self.policy.shipping.courier_code(order.courier) or couriers_for(group)[0]
            reasons = courier_request_refusals(order.state, group, current, request.courier)
            if reasons:
                return c.CourierRequestRefused(reasons=reasons), None
            now = self.shop.clock()
            extra_cost = request.courier == "sf" and group != "hmt"
            content = f"客户要求改发{COURIER_WORDS[request.courier]}"
            if extra_cost:
                content += "，运费差价按顺丰价格由客户补"
            content += "，待仓库确认"
            session.add(self._remark(order, content, "blue", now))
            await session.flush()
            logger.info("courier %s requested for order %s", request.courier, order.order_no)
            return (
                c.CourierRequestRecorded(courier=request.courier, extra_cost=extra_cost),
                c.CourierRequestedEvent(
                    occurred_at=now, order_no=order.order_no, courier=request.courier
                ),
            )

        return await self.shop._run_command(request, apply)

    # ── orders.urge ──────────────────────────────────────────────────────────────────────

    async def urge(
        self, request: c.UrgeOrder
    ) -> c.OrderUrged | c.UrgeRefused | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.OrderUrged | c.UrgeRefused | ProofRefusal, c.Event | None]:
            order, refusal = await self._owned(session, request)
            if refusal is not None:
                return refusal, None
            assert order is not None
            stage = urge_stage(order.state, aware(order.delivered_at))
            if stage not in ("dispatch", "delivery"):
                return c.UrgeRefused(reason=stage), None  # type: ignore[arg-type]
            now = self.shop.clock()
            times = OrderTimes(
                state=order.state,
                kinds=frozenset(item.variant.product.kind for item in order.items),
                paid_at=aware(order.paid_at),
                shipped_at=aware(order.shipped_at),
                delivered_at=aware(order.delivered_at),
                courier=order.courier,
            )
            flags = order_attention(times, self.policy, now)
            due_by = (
                dispatch_due_by(times, self.policy)
                if stage == "dispatch"
                else delivery_due_by(times, self.policy)
            )
            day = now.astimezone(self.policy.service_hours.zone).date()
            earlier = await session.get(OrderUrge, (order.id, day))
            if earlier is not None:
                return (
                    c.OrderUrged(
                        stage=stage,
                        urged_at=aware(earlier.urged_at),
                        already_today=True,
                        overdue=bool(flags),
                        due_by=due_by,
                    ),
                    None,
                )
            session.add(OrderUrge(order_id=order.id, day=day, stage=stage, urged_at=now))
            if stage == "dispatch":
                assert times.paid_at is not None
                content = f"客户催发货：付款已 {(now - times.paid_at).days} 天"
                if flags:
                    content += f"，已超过承诺发货时间 {flags[0].days_late} 天"
                    if flags[0].seller_pays_postage:
                        content += "（代购超期未发，运费由本店承担）"
                content += "，请尽快安排发货"
            else:
                assert times.shipped_at is not None
                content = (
                    f"客户催物流：{order.courier or ''} {order.tracking_no or ''} "
                    f"已发出 {(now - times.shipped_at).days} 天未签收"
                )
                if flags:
                    content += "，超过正常时效"
                content += "，请联系快递核实"
            session.add(self._remark(order, content, "red", now))
            await session.flush()
            logger.info("order %s urged (%s)", order.order_no, stage)
            return (
                c.OrderUrged(stage=stage, urged_at=now, overdue=bool(flags), due_by=due_by),
                c.OrderUrgedEvent(
                    occurred_at=now, order_no=order.order_no, stage=stage, overdue=bool(flags)
                ),
            )

        return await self.shop._run_command(request, apply)

    # ── orders.confirm_receipt ───────────────────────────────────────────────────────────

    async def confirm_receipt(
        self, request: c.ConfirmReceipt
    ) -> c.ReceiptConfirmed | c.ReceiptRefused | c.OrderNotFound | c.Throttled | c.ContactRequired:
        """确认收货: a shipped order is completed (delivered now, unless the courier said so
        before); once per order — a completed one answers ``already``, and a redelivered
        command its stored reply (``_run_command``)."""

        async def apply(
            session: AsyncSession,
        ) -> tuple[c.ReceiptConfirmed | c.ReceiptRefused | ProofRefusal, c.Event | None]:
            order, refusal = await self._owned(session, request)
            if refusal is not None:
                return refusal, None
            assert order is not None
            if order.state == "completed":
                view = await self.shop.view_in(session, order.order_no)
                return c.ReceiptConfirmed(order=view, already=True), None
            if order.state == "closed":
                return c.ReceiptRefused(reason="order_closed"), None
            if order.state != "shipped":
                return c.ReceiptRefused(reason="not_shipped"), None
            now = self.shop.clock()
            order.state = "completed"
            order.completed_at = now
            if order.delivered_at is None:
                order.delivered_at = now
            session.add(self._remark(order, "客户经机器人确认收货，订单完成", "blue", now))
            await session.flush()
            logger.info("order %s receipt confirmed", order.order_no)
            view = await self.shop.view_in(session, order.order_no)
            return c.ReceiptConfirmed(order=view), None

        return await self.shop._run_command(request, apply)

    # ── invoices.request ─────────────────────────────────────────────────────────────────

    async def request_invoice(
        self, request: c.RequestInvoice
    ) -> c.InvoiceRequested | c.InvoiceRefused | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.InvoiceRequested | c.InvoiceRefused | ProofRefusal, c.Event | None]:
            order, refusal = await self._owned(session, request)
            if refusal is not None:
                return refusal, None
            assert order is not None
            reasons: list[Any] = []
            if order.state == "awaiting_payment":
                reasons.append("order_not_paid")
            elif order.state == "closed":
                reasons.append("order_closed")
            tax_no = request.tax_no.upper() if request.tax_no else None
            # the number is named a reason only when it is wrong, and what is wrong said
            problem = tax_no_problem(tax_no) if request.title_type == "company" else None
            if problem is not None:
                reasons.append("tax_no_invalid")
            existing = await session.scalar(
                select(InvoiceRequest).where(
                    InvoiceRequest.order_id == order.id, InvoiceRequest.state != "cancelled"
                )
            )
            if existing is not None:
                reasons.append("already_requested")
            if reasons:
                return (
                    c.InvoiceRefused(
                        reasons=reasons,
                        existing_invoice_no=existing.invoice_no if existing else None,
                        tax_no_problem=problem,
                    ),
                    None,
                )
            now = self.shop.clock()
            refunded = await session.scalar(
                select(func.coalesce(func.sum(Return.refund_amount), 0)).where(
                    Return.order_id == order.id, Return.state != "cancelled"
                )
            )
            title = request.title
            if request.title_type == "personal" and request.own_name:
                # "put it under my name": the name the shop has for her (never the words)
                customer = await session.get(Customer, order.customer_id)
                if customer is not None and len(customer.name.strip()) >= 2:
                    title = customer.name.strip()
            invoice = InvoiceRequest(
                invoice_no=f"pending-{request.idempotency_key}"[:30],
                order_id=order.id,
                telegram_user_id=request.telegram_user_id,
                title_type=request.title_type,
                title=title,
                tax_no=tax_no,
                amount=order.total + order.postage - Decimal(refunded or 0),
                state="requested",
                requested_at=now,
            )
            session.add(invoice)
            await session.flush()
            invoice.invoice_no = f"INV{now:%Y%m%d}{invoice.id:05d}"
            kind = "企业" if request.title_type == "company" else "个人"
            session.add(
                self._remark(
                    order,
                    f"客户申请开具发票（{kind}，¥{invoice.amount}），"
                    f"开票申请 {invoice.invoice_no}，抬头和税号见开票申请",
                    "blue",
                    now,
                )
            )
            await session.flush()
            logger.info("invoice %s requested for order %s", invoice.invoice_no, order.order_no)
            return (
                c.InvoiceRequested(invoice=invoice_view(invoice, order.order_no)),
                c.InvoiceRequestedEvent(
                    occurred_at=now,
                    invoice_no=invoice.invoice_no,
                    order_no=order.order_no,
                    title_type=request.title_type,
                    amount=invoice.amount,
                ),
            )

        return await self.shop._run_command(request, apply)


def invoice_view(invoice: InvoiceRequest, order_no: str) -> c.InvoiceView:
    return c.InvoiceView(
        invoice_no=invoice.invoice_no,
        order_no=order_no,
        title_type=invoice.title_type,
        title=invoice.title,
        tax_no_masked=f"****{invoice.tax_no[-4:]}" if invoice.tax_no else None,
        state=invoice.state,
        requested_at=aware(invoice.requested_at),
    )
