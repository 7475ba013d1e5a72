"""``returns.quote`` and ``returns.create``: a return for a refund, decided by the shop policy
(``worker/return_rules.py``) on the order's data.

The quote is a read (the order's digits open it, counted like any proof); creating a return is
a write of the order's verified customer (``ProofGate.strong``), run exactly once per
idempotency key (``ShopService._run_command``). It re-decides inside its transaction with the
order row locked, so a return and an exchange of the same item never both pass; the database
keeps one live return per order item too (``one_live_return_per_item``). What it writes: the
return with its number (``RT`` + date + sequence), its items and units, each with its own cause
and who pays its postage back (the trousers too small, the shirt's seam open: one return, two
causes), the refund (to the original payment method), who pays the parcel back, a remark on
the order in the shop's format (blue: an ordinary return; red: an item of it is the shop's
fault, to be checked when the parcel arrives), and the ``return.created`` event after the
commit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bus import contracts as c
from shop.enums import LIVE_RETURN_STATES, SELLER_FAULT, ReturnCause, ReturnPostagePayer
from worker.db.models import (
    Customer,
    Exchange,
    Order,
    OrderItem,
    Remark,
    Return,
    ReturnItem,
    ReturnPhoto,
    live_exchange,
)
from worker.db.queries import aware
from worker.proof import Access, ProofRefusal
from worker.return_rules import (
    RefundLine,
    ReturnDecision,
    ReturnFacts,
    ReturnItemFacts,
    decide_return,
    refund_amounts,
)
from worker.service import BOT_AUTHOR, ShopService

logger = logging.getLogger(__name__)

CAUSE_WORDS: dict[ReturnCause, str] = {
    "size": "尺码不合适",
    "changed_mind": "不想要了",
    "not_as_described": "与描述不符",
    "quality": "质量问题",
    "wrong_item": "发错货",
    "other": "其他",
}
"""How the shop's remarks name each cause (remarks are the back office's, in Chinese)."""

_Applied = c.ReturnCreated | c.ReturnRejected | ProofRefusal


@dataclass(frozen=True)
class _Quoted:
    terms: c.ReturnTerms
    decision: ReturnDecision
    lines: list[tuple[OrderItem, int]]
    """The order's items being returned, with their units (eligible or not)."""


class Returns:
    """The ``returns.*`` methods, on the shop service's data, proofs and command runner."""

    def __init__(self, shop: ShopService) -> None:
        self.shop = shop
        self.db = shop.db
        self.policy = shop.policy

    def routes(self) -> list[c.Route]:
        return [
            c.QuoteReturn.served_by(self.quote),
            c.CreateReturn.served_by(self.create),
            c.RecordReturnTracking.served_by(self.record_tracking),
            c.KeepReturnPhoto.served_by(self.keep_photo),
        ]

    async def quote(
        self, request: c.QuoteReturn
    ) -> c.ReturnTerms | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async with self.db.read() as session:
            order = await self.shop._order(session, request.order_no)
            access = await self.shop.proof.read_access(session, request, order)
            if access is Access.DENIED:
                return c.OrderNotFound()
            if access is not Access.CHECK:
                assert order is not None
                return (await self._quote(session, order, request)).terms
        # Digits to check: counted, in a write transaction (worker/proof.py).
        async with self.db.write() as session:
            refusal = await self.shop.proof.check_last4(session, request, request.METHOD)
            if refusal is not None:
                return refusal
            order = await self.shop._order(session, request.order_no)
            assert order is not None
            return (await self._quote(session, order, request)).terms

    async def _quote(
        self, session: AsyncSession, order: Order, request: c.QuoteReturn | c.CreateReturn
    ) -> _Quoted:
        by_id = {item.id: item for item in order.items}
        ids = [line.item_id for line in request.items]
        refunded = await self._units(session, ids, states=("refunded",))
        # units whose parcel came back and failed its check are spent too: a new return of
        # them is no way round the check (a dispute is a person's: the refusal says so)
        for item_id, units in (await self._refused_units(session, ids)).items():
            refunded[item_id] = refunded.get(item_id, 0) + units
        live = await self._units(session, ids, states=LIVE_RETURN_STATES)
        exchanged = set(
            (
                await session.scalars(
                    select(Exchange.order_item_id).where(
                        Exchange.order_item_id.in_(ids), live_exchange()
                    )
                )
            ).all()
        )
        facts = []
        lines: list[tuple[OrderItem, int]] = []
        for line in request.items:
            item = by_id.get(line.item_id)
            if item is None:
                facts.append(ReturnItemFacts(line.item_id, line.quantity, in_order=False))
                continue
            lines.append((item, line.quantity))
            facts.append(
                ReturnItemFacts(
                    item.id,
                    line.quantity,
                    kind=item.variant.product.kind,
                    bought=item.quantity,
                    refunded=refunded.get(item.id, 0),
                    live_return=item.id in live,
                    exchanged=item.id in exchanged,
                    cause=line.cause,
                )
            )
        now = self.shop.clock()
        decision = decide_return(
            ReturnFacts(
                order_state=order.state,
                delivered_at=aware(order.delivered_at),
                now=now,
                cause=request.cause,
                fit_for_resale=request.fit_for_resale,
                items=tuple(facts),
            ),
            self.policy.returns,
        )
        decided_by_id = {d.item_id: d for d in decision.items}
        back_before, own_choice_before = await self._units_in_order(session, order.id)
        amounts = refund_amounts(
            [
                RefundLine(item.price, qty, decided_by_id[item.id].cause)
                for item, qty in lines
                if decided_by_id[item.id].eligible
            ],
            order_postage=order.postage,
            units_in_order=sum(item.quantity for item in order.items),
            units_back_before=back_before,
            own_choice_before=own_choice_before,
        )
        item_terms = []
        for line, decided in zip(request.items, decision.items, strict=True):
            item = by_id.get(line.item_id)
            amount = item.price * line.quantity if item and decided.eligible else Decimal(0)
            item_terms.append(
                c.ReturnItemTerms(
                    item_id=line.item_id,
                    eligible=decided.eligible,
                    reasons=decided.reasons,
                    cause=decided.cause,
                    return_postage_payer=decided.postage_payer,
                    kind=item.variant.product.kind if item else None,
                    product_name=item.variant.product.name if item else None,
                    sku=item.variant.sku if item else None,
                    quantity=line.quantity,
                    unit_price=item.price if item else None,
                    amount=amount,
                    deadline=decided.deadline,
                    needs_supervisor=decided.needs_supervisor,
                )
            )
        refund = self.policy.returns.refund
        terms = c.ReturnTerms(
            eligible=decision.eligible,
            reasons=decision.reasons,
            items=item_terms,
            items_amount=amounts.items,
            postage_refund=amounts.postage,
            refund_amount=amounts.total,
            return_postage_payer=decision.postage_payer,
            seller_postage=(
                self.policy.returns.seller_return_postage
                if decision.postage_payer == "seller"
                else None
            ),
            return_address=self.shop.return_address,
            deadline=decision.deadline,
            refund_process_days=c.DaySpan(min=refund.process_days.min, max=refund.process_days.max),
            refund_arrival_days=c.DaySpan(min=refund.arrival_days.min, max=refund.arrival_days.max),
            needs_supervisor=decision.needs_supervisor,
        )
        return _Quoted(terms, decision, lines)

    @staticmethod
    def _line_cause(quoted: _Quoted, item: OrderItem) -> tuple[ReturnCause, ReturnPostagePayer]:
        decided = next(d for d in quoted.decision.items if d.item_id == item.id)
        return decided.cause, decided.postage_payer

    @staticmethod
    async def _units(
        session: AsyncSession, item_ids: list[int], *, states: tuple[str, ...]
    ) -> dict[int, int]:
        """Units of these order items in returns in ``states``, per item."""
        rows = await session.execute(
            select(ReturnItem.order_item_id, func.sum(ReturnItem.quantity))
            .join(Return, Return.id == ReturnItem.return_id)
            .where(ReturnItem.order_item_id.in_(item_ids), Return.state.in_(states))
            .group_by(ReturnItem.order_item_id)
        )
        return {item_id: int(units) for item_id, units in rows.all()}

    @staticmethod
    async def _refused_units(session: AsyncSession, item_ids: list[int]) -> dict[int, int]:
        """Units of these order items in returns refused on their check, per item."""
        rows = await session.execute(
            select(ReturnItem.order_item_id, func.sum(ReturnItem.quantity))
            .join(Return, Return.id == ReturnItem.return_id)
            .where(ReturnItem.order_item_id.in_(item_ids), Return.refusal.is_not(None))
            .group_by(ReturnItem.order_item_id)
        )
        return {item_id: int(units) for item_id, units in rows.all()}

    @staticmethod
    async def _units_in_order(session: AsyncSession, order_id: int) -> tuple[int, int]:
        """Units of the order already coming back or refunded (returns not cancelled), and how
        many of them for the customer's own reasons (not the shop's fault)."""
        own_choice = ReturnItem.cause.not_in(sorted(SELLER_FAULT))
        row = (
            await session.execute(
                select(
                    func.coalesce(func.sum(ReturnItem.quantity), 0),
                    func.coalesce(
                        func.sum(case((own_choice, ReturnItem.quantity), else_=0)), 0
                    ),
                )
                .join(Return, Return.id == ReturnItem.return_id)
                .where(Return.order_id == order_id, Return.state != "cancelled")
            )
        ).one()
        return int(row[0] or 0), int(row[1] or 0)

    async def create(
        self, request: c.CreateReturn
    ) -> c.ReturnCreated | c.ReturnRejected | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async def apply(session: AsyncSession) -> tuple[_Applied, c.Event | None]:
            order = await self.shop.order_for_update(session, request.order_no)
            refusal = await self.shop.proof.strong(session, request, order, request.METHOD)
            if refusal is not None:
                return refusal, None
            assert order is not None
            quoted = await self._quote(session, order, request)
            terms = quoted.terms
            if not terms.eligible:
                return (
                    c.ReturnRejected(
                        reasons=terms.reasons,
                        items=terms.items,
                        needs_supervisor=terms.needs_supervisor,
                    ),
                    None,
                )
            now = self.shop.clock()
            record = Return(
                return_no=f"pending-{request.idempotency_key}"[:30],
                order_id=order.id,
                cause=request.cause,
                note=request.note,
                fit_for_resale=request.fit_for_resale,
                items_amount=terms.items_amount,
                postage_refund=terms.postage_refund,
                refund_amount=terms.refund_amount,
                return_postage_payer=terms.return_postage_payer,
                seller_postage=terms.seller_postage,
                state="awaiting_return",
                created_at=now,
            )
            for item, quantity in quoted.lines:
                cause, payer = self._line_cause(quoted, item)
                record.items.append(
                    ReturnItem(
                        order_item=item,
                        quantity=quantity,
                        unit_price=item.price,
                        amount=item.price * quantity,
                        cause=cause,
                        return_postage_payer=payer,
                    )
                )
            session.add(record)
            await session.flush()
            record.return_no = f"RT{now:%Y%m%d}{record.id:05d}"
            session.add(self._remark(order, record))
            await session.flush()
            view = _view(record, order.order_no)
            logger.info("return %s created for order %s", record.return_no, order.order_no)
            refund = self.policy.returns.refund
            reply = c.ReturnCreated(
                record=view,
                return_address=self.shop.return_address,
                refund_process_days=terms.refund_process_days,
                refund_arrival_days=c.DaySpan(
                    min=refund.arrival_days.min, max=refund.arrival_days.max
                ),
            )
            return reply, c.ReturnCreatedEvent(occurred_at=now, record=view)

        return await self.shop._run_command(request, apply)

    async def record_tracking(
        self, request: c.RecordReturnTracking
    ) -> c.ReturnTrackingRecorded | c.ReturnTrackingRefused:
        """The parcel coming back: its tracking number on the customer's own return or exchange
        that waits for it (the one named, or their only one), and a blue remark on the order
        for the warehouse. The same number again changes nothing; another replaces it (said)."""

        async def apply(
            session: AsyncSession,
        ) -> tuple[c.ReturnTrackingRecorded | c.ReturnTrackingRefused, c.Event | None]:
            customer = await session.scalar(
                select(Customer).where(Customer.telegram_user_id == request.telegram_user_id)
            )
            if customer is None:
                return c.ReturnTrackingRefused(reason="not_linked"), None
            waiting: list[Return | Exchange] = [
                *await _awaiting_parcel(session, Return, customer.id),
                *await _awaiting_parcel(session, Exchange, customer.id),
            ]
            waiting.sort(key=lambda r: (aware(r.created_at), r.id), reverse=True)
            chosen = [r for r in waiting if request.return_no in (None, _number(r))]
            if not chosen:
                return c.ReturnTrackingRefused(reason="no_open_return"), None
            if len(chosen) > 1:
                numbers = [_number(r) for r in chosen[:10]]
                return c.ReturnTrackingRefused(reason="which_return", open_returns=numbers), None
            record = chosen[0]
            order = await session.get(Order, record.order_id)
            assert order is not None
            before = record.return_tracking_no
            what = "换货" if isinstance(record, Exchange) else "退货"
            if before != request.tracking_no:
                record.return_tracking_no = request.tracking_no
                content = f"{what} {_number(record)} 客户已寄回，快递单号 {request.tracking_no}"
                if before:
                    content += f"（替换之前的 {before}）"
                session.add(
                    Remark(
                        order_id=order.id,
                        content=content,
                        author=BOT_AUTHOR,
                        flag="blue",
                        created_at=self.shop.clock(),
                    )
                )
                await session.flush()
                logger.info("%s: tracking number recorded", _number(record))
            return (
                c.ReturnTrackingRecorded(
                    return_no=_number(record),
                    exchange=isinstance(record, Exchange),
                    order_no=order.order_no,
                    tracking_no=request.tracking_no,
                    replaced=before if before and before != request.tracking_no else None,
                ),
                None,
            )

        return await self.shop._run_command(request, apply)

    async def keep_photo(
        self, request: c.KeepReturnPhoto
    ) -> c.ReturnPhotoKept | c.ReturnPhotoRefused:
        """A photo for the customer's own return: the one named (any of hers not cancelled),
        or her only live one; several live and none named: which one (their numbers). The
        same photo (``file_unique_id``) on the same return is kept once; the command runs once
        per idempotency key (a redelivery answers as before)."""

        async def apply(
            session: AsyncSession,
        ) -> tuple[c.ReturnPhotoKept | c.ReturnPhotoRefused, c.Event | None]:
            customer = await session.scalar(
                select(Customer).where(Customer.telegram_user_id == request.telegram_user_id)
            )
            if customer is None:
                return c.ReturnPhotoRefused(reason="not_linked"), None
            query = (
                select(Return)
                .join(Order)
                .where(Order.customer_id == customer.id)
                .order_by(Return.created_at.desc(), Return.id.desc())
                .with_for_update(of=Return)
            )
            if request.return_no is not None:
                query = query.where(
                    Return.return_no == request.return_no, Return.state != "cancelled"
                )
            else:
                query = query.where(Return.state.in_(LIVE_RETURN_STATES))
            found = (await session.scalars(query)).all()
            if not found:
                return c.ReturnPhotoRefused(reason="no_open_return"), None
            if len(found) > 1:
                numbers = [r.return_no for r in found[:10]]
                return c.ReturnPhotoRefused(reason="which_return", open_returns=numbers), None
            record = found[0]
            kept = await session.scalar(
                select(ReturnPhoto.id).where(
                    ReturnPhoto.return_id == record.id,
                    ReturnPhoto.file_unique_id == request.file_unique_id,
                )
            )
            if kept is None:
                session.add(
                    ReturnPhoto(
                        return_id=record.id,
                        file_id=request.file_id,
                        file_unique_id=request.file_unique_id,
                        caption=request.caption,
                        received_at=self.shop.clock(),
                    )
                )
                await session.flush()
                logger.info("%s: a photo kept", record.return_no)
            count = await session.scalar(
                select(func.count(ReturnPhoto.id)).where(ReturnPhoto.return_id == record.id)
            )
            order = await session.get(Order, record.order_id)
            assert order is not None
            return (
                c.ReturnPhotoKept(
                    return_no=record.return_no,
                    order_no=order.order_no,
                    photos=int(count or 0),
                    already=kept is not None,
                ),
                None,
            )

        return await self.shop._run_command(request, apply)

    @staticmethod
    def _remark(order: Order, record: Return) -> Remark:
        """One remark for the return; its items' causes each with its item when they differ
        ("裤子（尺码不合适，客户承担运费）、衬衫（质量问题，本店承担，收货后请核实）")."""

        def name(line: ReturnItem) -> str:
            variant = line.order_item.variant
            return f"{variant.product.name} {variant.color}/{variant.size} ×{line.quantity}"

        def why(cause: ReturnCause) -> str:
            if cause in SELLER_FAULT:
                return f"原因：{CAUSE_WORDS[cause]}，运费由本店承担，收货后请核实"
            return f"原因：{CAUSE_WORDS[cause]}，运费由客户承担"

        causes = {line.cause for line in record.items}
        if len(causes) == 1:
            items = "、".join(name(line) for line in record.items)
            said = f"{items}（{why(next(iter(causes)))}）"
        else:
            said = "、".join(f"{name(line)}（{why(line.cause)}）" for line in record.items)
            if record.return_postage_payer == "customer":
                said += "；同一包裹寄回，寄回运费由客户承担"
        fault = bool(causes & SELLER_FAULT)
        content = (
            f"退货 {record.return_no}：{said}，"
            f"退款 ¥{record.refund_amount} 原路退回，退回件尚未收到"
        )
        return Remark(
            order_id=order.id,
            content=content,
            author=BOT_AUTHOR,
            flag="red" if fault else "blue",
            created_at=record.created_at,
        )


_Record = TypeVar("_Record", Return, Exchange)


async def _awaiting_parcel(
    session: AsyncSession, model: type[_Record], customer_id: int
) -> Sequence[_Record]:
    """The customer's returns (or exchanges) waiting for their parcel, locked."""
    return (
        await session.scalars(
            select(model)
            .join(Order)
            .where(Order.customer_id == customer_id, model.state == "awaiting_return")
            .with_for_update(of=model)
        )
    ).all()


def _number(record: Return | Exchange) -> str:
    return record.rma_no if isinstance(record, Exchange) else record.return_no


def _view(record: Return, order_no: str) -> c.ReturnView:
    return c.ReturnView(
        return_no=record.return_no,
        order_no=order_no,
        state=record.state,
        cause=record.cause,
        items=[
            c.ReturnItemView(
                item_id=line.order_item.id,
                product_name=line.order_item.variant.product.name,
                sku=line.order_item.variant.sku,
                size=line.order_item.variant.size,
                color=line.order_item.variant.color,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                cause=line.cause,
                return_postage_payer=line.return_postage_payer,
            )
            for line in record.items
        ],
        items_amount=record.items_amount,
        postage_refund=record.postage_refund,
        refund_amount=record.refund_amount,
        return_postage_payer=record.return_postage_payer,
        seller_postage=record.seller_postage,  # type: ignore[arg-type]
        created_at=aware(record.created_at),
    )
