"""What the shop has to follow up: live returns (a parcel to receive and check, then refund),
refunds not yet issued, invoices not yet issued. ``kefu followups`` lists them for the
after-sales team and finance (every "we'll follow up" the bot says is one of these, a remark
on the order, or a ticket)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from shop.enums import LIVE_RETURN_STATES
from worker.db.models import InvoiceRequest, Order, Refund, Return, ReturnItem
from worker.db.queries import aware
from worker.db.session import Database


@dataclass(frozen=True)
class FollowUp:
    kind: str  # return | refund | invoice
    number: str
    order_no: str
    state: str
    amount: Decimal
    since: datetime
    detail: str


def _item_line(record: Return, item: ReturnItem) -> str:
    """ "SKU ×1", with its own cause when it is not the return's, and the shop's postage when
    the return's parcel is hers (two causes: this item is the shop's fault, checked on
    arrival)."""
    line = f"{item.order_item.variant.sku} ×{item.quantity}"
    notes: list[str] = [item.cause] if item.cause != record.cause else []
    if item.return_postage_payer == "seller" and record.return_postage_payer != "seller":
        notes.append("shop's fault")
    return f"{line} ({', '.join(notes)})" if notes else line


async def follow_ups(db: Database, *, include_done: bool = False) -> list[FollowUp]:
    """Open returns, refunds and invoice requests, oldest first within each kind
    (``include_done``: every one, whatever its state)."""
    found: list[FollowUp] = []
    async with db.read() as session:
        returns = select(Return, Order.order_no).join(Order, Order.id == Return.order_id)
        if not include_done:
            returns = returns.where(Return.state.in_(LIVE_RETURN_STATES))
        for record, order_no in (await session.execute(returns.order_by(Return.id))).all():
            items = ", ".join(_item_line(record, i) for i in record.items)
            postage = "shop pays postage back" if record.return_postage_payer == "seller" else ""
            found.append(
                FollowUp(
                    "return",
                    record.return_no,
                    order_no,
                    record.state,
                    record.refund_amount,
                    aware(record.created_at),
                    "; ".join(p for p in (f"{record.cause}: {items}", postage) if p),
                )
            )
        refunds = select(Refund, Order.order_no).join(Order, Order.id == Refund.order_id)
        if not include_done:
            refunds = refunds.where(Refund.state == "pending")
        for refund, order_no in (await session.execute(refunds.order_by(Refund.id))).all():
            found.append(
                FollowUp(
                    "refund",
                    refund.refund_no,
                    order_no,
                    refund.state,
                    refund.amount,
                    aware(refund.created_at),
                    f"{refund.cause}, to the original payment",
                )
            )
        invoices = select(InvoiceRequest)
        if not include_done:
            invoices = invoices.where(InvoiceRequest.state == "requested")
        for invoice in (await session.scalars(invoices.order_by(InvoiceRequest.id))).all():
            tax = f", tax no. {invoice.tax_no}" if invoice.tax_no else ""
            found.append(
                FollowUp(
                    "invoice",
                    invoice.invoice_no,
                    invoice.order.order_no,
                    invoice.state,
                    invoice.amount,
                    aware(invoice.requested_at),
                    f"{invoice.title_type}: {invoice.title}{tax}",
                )
            )
    return found
