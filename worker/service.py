"""The worker's bus methods: one async handler per contract, on the shop's data.

Every order-touching method first proves the asker owns the order (``worker/proof.py``):
reading takes the linked customer or the last four digits of the phone the order was placed
with, counted; every write takes the linked customer only (``ProofGate.strong``). What cannot
be proved answers ``OrderNotFound``, the same answer as a number that does not exist.
Commands run in one write transaction together with their ``processed_commands`` row, so the
row exists exactly when the change does: a redelivered or retried command gets the stored
reply and changes nothing, and the same key with another request is refused
(``idempotency_conflict``), never answered with the other request's reply.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bus import contracts as c
from bus.errors import Refusal
from bus.protocol import EventPublisher
from shop.policy import ShopPolicy
from worker.catalogue import Catalogue, ProductFacts
from worker.db import queries
from worker.db.models import (
    Customer,
    Exchange,
    Order,
    ProcessedCommand,
    Remark,
    Return,
    ReturnItem,
    Variant,
    live_exchange,
)
from worker.db.queries import aware as _aware
from worker.db.reads import Reads
from worker.db.session import Database
from worker.proof import Access, ProofGate, ProofRefusal, classify
from worker.rules import (
    ExchangeFacts,
    address_refusal,
    decide_exchange,
    mask_address,
    normalize_phone,
    structured_address,
)
from worker.settings import WorkerSettings

logger = logging.getLogger(__name__)

BOT_AUTHOR = "Kefu 机器人"
R = TypeVar("R", bound=c.Contract)
_ExchangeApplied = c.ExchangeCreated | c.ExchangeRejected | ProofRefusal
_AddressApplied = c.AddressChanged | c.AddressChangeRefused | ProofRefusal


def utcnow() -> datetime:
    return datetime.now(UTC)


class ShopService:
    def __init__(
        self,
        db: Database,
        settings: WorkerSettings,
        policy: ShopPolicy,
        publish: EventPublisher | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        self.policy = policy
        self.return_address = policy.returns.address.one_line()
        self._publish = publish
        self.clock = clock
        self.proof = ProofGate(settings, clock)
        self._catalogue: Catalogue | None = None
        self._catalogue_checked = float("-inf")
        self._catalogue_lock = asyncio.Lock()

    def routes(self) -> list[c.Route]:
        """Every bus method of the shop and its handler (the type checker holds each to its
        contract); the tickets' are ``worker.tickets.TicketDesk.routes``."""
        return [
            c.LinkCustomer.served_by(self.link_customer),
            c.LookupOrder.served_by(self.lookup_order),
            c.ListOrders.served_by(self.list_orders),
            c.SearchProducts.served_by(self.search_products),
            c.GetProduct.served_by(self.get_product),
            c.ListCategories.served_by(self.list_categories),
            c.QuoteExchange.served_by(self.quote_exchange),
            c.CreateExchange.served_by(self.create_exchange),
            c.ChangeAddress.served_by(self.change_address),
        ]

    # ── customers ────────────────────────────────────────────────────────────────────────

    async def link_customer(self, request: c.LinkCustomer) -> c.CustomerLinked | c.CustomerUnknown:
        phone = normalize_phone(request.phone)
        async with self.db.write() as session:
            customer = await session.scalar(select(Customer).where(Customer.phone == phone))
            if customer is None:
                return c.CustomerUnknown()
            if customer.telegram_user_id != request.telegram_user_id:
                # A Telegram account belongs to one customer: move it if it was elsewhere.
                await session.execute(
                    update(Customer)
                    .where(Customer.telegram_user_id == request.telegram_user_id)
                    .values(telegram_user_id=None, linked_at=None)
                )
                await session.flush()
                customer.telegram_user_id = request.telegram_user_id
                customer.linked_at = self.clock()
            logger.info("customer %d linked to a Telegram user", customer.id)
            return c.CustomerLinked(customer_id=customer.id, display_name=customer.name)

    # ── orders ───────────────────────────────────────────────────────────────────────────

    async def lookup_order(
        self, request: c.LookupOrder
    ) -> c.OrderFound | c.OrderNotFound | c.Throttled | c.ContactRequired:
        # One statement without returns (no transaction needed); with them, three in one.
        read = self.db.run_read if request.with_returns else self.db.run_statement
        decided = await read(self._lookup, request)
        if decided is not None:
            return decided
        # Digits to check: counted, in a write transaction (worker/proof.py).
        async with self.db.write() as session:
            refusal = await self.proof.check_last4(session, request, request.METHOD)
        if refusal is not None:
            return refusal
        # Proven (and committed): the card comes from the fast read path.
        view = await self.db.run_read(
            self.order_view_by_no, request.order_no, request.with_returns
        )
        return c.OrderFound(order=view, access="last4")

    def _lookup(
        self, reads: Reads, request: c.LookupOrder
    ) -> c.OrderFound | c.OrderNotFound | None:
        """The answer when a plain read decides it; ``None`` when digits must be checked.

        The order, whether the asker proved its digits before and its items come in one
        statement (``queries.lookup``); the reply is validated once, whole."""
        found = queries.lookup(reads, request.order_no, request.telegram_user_id)
        order, items = found if found is not None else (None, [])
        access = classify(
            request,
            owner_telegram_id=order.owner_telegram_id if order is not None else None,
            placed_phone=order.placed_phone if order is not None else None,
            proven=order is not None and bool(order.proven),
        )
        if access is Access.CHECK:
            return None
        if access is Access.DENIED:
            return c.OrderNotFound()
        assert order is not None
        returns = queries.returns_data(reads, order.id) if request.with_returns else []
        view = queries.order_view_data(
            order, items, policy=self.policy, now=self.clock(), returns=returns
        )
        return c.OrderFound.model_validate({"order": view, "access": access.value})

    def order_view_by_no(
        self, reads: Reads, order_no: str, with_returns: bool = False
    ) -> c.OrderView:
        """The order's view, its flags decided by the policy now."""
        return queries.order_view_by_no(
            reads, order_no, policy=self.policy, now=self.clock(), with_returns=with_returns
        )

    async def view_in(
        self, session: AsyncSession, order_no: str, with_returns: bool = False
    ) -> c.OrderView:
        """The order's view inside a write transaction (after its change is flushed)."""
        return await self.db.read_in(session, self.order_view_by_no, order_no, with_returns)

    async def list_orders(self, request: c.ListOrders) -> c.OrderList | c.NotLinked:
        async with self.db.read() as session:
            customer = await session.scalar(
                select(Customer).where(Customer.telegram_user_id == request.telegram_user_id)
            )
            if customer is None:
                return c.NotLinked()
            query = (
                select(Order)
                .where(Order.customer_id == customer.id)
                .order_by(Order.created_at.desc(), Order.id.desc())
            )
            if request.limit is not None:
                query = query.limit(request.limit)
            orders = (await session.scalars(query)).all()
            latest = await queries.latest_returns(session, [o.id for o in orders])
            return c.OrderList(
                orders=[queries.order_summary(o, self.policy, latest.get(o.id)) for o in orders]
            )

    async def _order(self, session: AsyncSession, order_no: str) -> Order | None:
        return await session.scalar(select(Order).where(Order.order_no == order_no))

    async def order_for_update(self, session: AsyncSession, order_no: str) -> Order | None:
        """The order, its row locked for this write transaction (``FOR UPDATE`` on PostgreSQL;
        SQLite has one writer at a time): every command that changes an order or starts an
        exchange or a return on it takes this first, so that two of them on one order never
        both pass their checks (a return and an exchange of the same item, a cancel and a
        size change)."""
        return await session.scalar(
            select(Order).where(Order.order_no == order_no).with_for_update()
        )

    # ── products ─────────────────────────────────────────────────────────────────────────
    # Answered from the in-memory catalogue (worker/catalogue.py); only stock is read per call.

    async def search_products(self, request: c.SearchProducts) -> c.ProductList:
        catalogue = await self.catalogue()
        return c.ProductList(products=catalogue.search(request.query, request.limit))

    async def list_categories(self, request: c.ListCategories) -> c.CategoryList:
        catalogue = await self.catalogue()
        return c.CategoryList(categories=catalogue.categories())

    async def get_product(self, request: c.GetProduct) -> c.ProductFound | c.ProductNotFound:
        facts, variants = await self.db.run_read(self._product, request.product_id)
        if facts is None:
            return c.ProductNotFound()
        return c.ProductFound(product=facts.view(variants))

    def _product(
        self, reads: Reads, product_id: int
    ) -> tuple[ProductFacts | None, list[c.VariantView]]:
        # The version is read in the same transaction as the stock: always current.
        catalogue = self._refresh_catalogue(reads)
        facts = catalogue.products.get(product_id)
        if facts is None:
            return None, []
        return facts, queries.variant_views(reads, product_id)

    async def catalogue(self, *, force: bool = False) -> Catalogue:
        """The catalogue, its version checked at most once per ``catalogue_check_interval_s``."""
        interval = self.settings.catalogue_check_interval_s
        if not force and self._catalogue is not None:
            if time.monotonic() - self._catalogue_checked < interval:
                return self._catalogue
        async with self._catalogue_lock:
            current = self._catalogue
            if force or current is None or time.monotonic() - self._catalogue_checked >= interval:
                current = await self.db.run_read(self._refresh_catalogue)
            return current

    def _refresh_catalogue(self, reads: Reads) -> Catalogue:
        version = queries.catalogue_version(reads)
        current = self._catalogue
        if current is None or version is None or version != current.version:
            if version is None:
                logger.warning("catalogue_state has no row: reloading products on every check")
            current = Catalogue.from_rows(queries.catalogue_rows(reads), version)
            logger.info("catalogue loaded: %d products at version %s", len(current), version)
            self._catalogue = current
        self._catalogue_checked = time.monotonic()
        return current

    # ── exchanges ────────────────────────────────────────────────────────────────────────

    async def quote_exchange(
        self, request: c.QuoteExchange
    ) -> c.ExchangeTerms | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async with self.db.read() as session:
            order = await self._order(session, request.order_no)
            access = await self.proof.read_access(session, request, order)
            if access is Access.DENIED:
                return c.OrderNotFound()
            if access is not Access.CHECK:
                assert order is not None
                return await self._quote(session, order, request)
        # Digits to check: counted, in a write transaction (worker/proof.py).
        async with self.db.write() as session:
            refusal = await self.proof.check_last4(session, request, request.METHOD)
            if refusal is not None:
                return refusal
            order = await self._order(session, request.order_no)
            assert order is not None
            return await self._quote(session, order, request)

    async def _quote(
        self, session: AsyncSession, order: Order, request: c.QuoteExchange | c.CreateExchange
    ) -> c.ExchangeTerms:
        item = next((i for i in order.items if i.id == request.item_id), None)
        if item is None:
            return c.ExchangeTerms(
                eligible=False,
                reasons=["item_not_in_order"],
                postage_payer="customer",
                return_address=self.return_address,
            )
        old = item.variant
        product = old.product
        style_change = request.new_product_id is not None and request.new_product_id != product.id
        new_variant = None
        size = request.new_size or old.size
        color = request.new_color or old.color
        if not style_change:
            new_variant = await session.scalar(
                select(Variant).where(
                    Variant.product_id == product.id,
                    func.upper(Variant.size) == size.upper(),
                    Variant.color == color,
                )
            )
        already = await session.scalar(
            select(func.count(Exchange.id)).where(
                Exchange.order_item_id == item.id, live_exchange()
            )
        )
        returned = await session.scalar(
            select(func.count(ReturnItem.id))
            .join(Return, Return.id == ReturnItem.return_id)
            .where(ReturnItem.order_item_id == item.id, Return.state != "cancelled")
        )
        decision = decide_exchange(
            ExchangeFacts(
                item_kind=product.kind,
                order_state=order.state,
                delivered_at=_aware(order.delivered_at),
                now=self.clock(),
                already_exchanged=bool(already),
                already_returned=bool(returned),
                fit_for_resale=request.fit_for_resale,
                quality_problem=request.quality_problem,
                style_change=style_change,
                same_variant=new_variant is not None and new_variant.id == old.id,
                new_variant_exists=new_variant is not None,
                new_variant_stock=new_variant.stock if new_variant else 0,
                size_change=size.upper() != old.size.upper(),
                color_change=color != old.color,
            ),
            self.policy.returns,
        )
        return c.ExchangeTerms(
            eligible=decision.eligible,
            reasons=decision.reasons,
            item_kind=product.kind,
            old_sku=old.sku,
            new_sku=new_variant.sku if new_variant else None,
            postage_payer=decision.postage_payer,
            return_address=self.return_address,
            deadline=decision.deadline,
            needs_supervisor=decision.needs_supervisor,
        )

    async def create_exchange(
        self, request: c.CreateExchange
    ) -> c.ExchangeCreated | c.ExchangeRejected | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async def apply(session: AsyncSession) -> tuple[_ExchangeApplied, c.Event | None]:
            order = await self.order_for_update(session, request.order_no)
            refusal = await self.proof.strong(session, request, order, request.METHOD)
            if refusal is not None:
                return refusal, None
            assert order is not None
            terms = await self._quote(session, order, request)
            if not terms.eligible or terms.new_sku is None:
                return c.ExchangeRejected(reasons=terms.reasons), None
            new_variant = await session.scalar(select(Variant).where(Variant.sku == terms.new_sku))
            assert new_variant is not None
            # Hold one unit: a conditional update is atomic, whoever else is holding.
            held: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
                update(Variant)
                .where(Variant.id == new_variant.id, Variant.stock >= 1)
                .values(stock=Variant.stock - 1, held=Variant.held + 1)
            )
            if held.rowcount != 1:
                return c.ExchangeRejected(reasons=["out_of_stock"]), None
            item = next(i for i in order.items if i.id == request.item_id)
            now = self.clock()
            exchange = Exchange(
                rma_no=f"pending-{request.idempotency_key}"[:30],
                order_id=order.id,
                order_item_id=item.id,
                old_variant_id=item.variant_id,
                new_variant_id=new_variant.id,
                reason=request.reason,
                quality_problem=request.quality_problem,
                postage_payer=terms.postage_payer,
                created_at=now,
            )
            session.add(exchange)
            await session.flush()
            exchange.rma_no = f"RMA{now:%Y%m%d}{exchange.id:05d}"
            old = item.variant
            session.add(
                Remark(
                    order_id=order.id,
                    content=(
                        f"换货 {exchange.rma_no}：{old.product.name} {old.color}/{old.size} "
                        f"退回换 {new_variant.color}/{new_variant.size}，已留货，退回件尚未收到"
                    ),
                    author=BOT_AUTHOR,
                    flag="purple",
                    created_at=now,
                )
            )
            await session.flush()
            view = _exchange_view(exchange, order.order_no, old, new_variant)
            reply = c.ExchangeCreated(
                exchange=view,
                return_address=self.return_address,
                postage_payer=terms.postage_payer,
            )
            logger.info("exchange %s created for order %s", exchange.rma_no, order.order_no)
            return reply, c.ExchangeCreatedEvent(occurred_at=now, exchange=view)

        return await self._run_command(request, apply)

    async def change_address(
        self, request: c.ChangeAddress
    ) -> (
        c.AddressChanged
        | c.AddressChangeRefused
        | c.OrderNotFound
        | c.Throttled
        | c.ContactRequired
    ):
        async def apply(session: AsyncSession) -> tuple[_AddressApplied, c.Event | None]:
            order = await self.order_for_update(session, request.order_no)
            proof = await self.proof.strong(session, request, order, request.METHOD)
            if proof is not None:
                return proof, None
            assert order is not None
            refusal = address_refusal(order.state)
            if refusal:
                return c.AddressChangeRefused(reason=refusal), None
            now = self.clock()
            masked = mask_address(order.address, city=order.city, district=order.district)
            before = f"{order.province} {masked}"
            old_group = self.policy.region_group(order.province)
            new = structured_address(
                request.province, request.city, request.district, request.street
            )
            if new is None:
                return c.AddressChangeRefused(reason="unknown_region"), None
            order.province, order.city, order.district = new.province, new.city, new.district
            order.address = new.line
            if request.receiver_name:
                order.receiver_name = request.receiver_name
            if request.receiver_phone:
                # The receiver's phone only: the phone the order was placed with, which
                # proves the order, stays as it was.
                order.receiver_phone = normalize_phone(request.receiver_phone)
            region_changed = self.policy.region_group(new.province) != old_group
            after = f"{new.province} {mask_address(new.line, city=new.city, district=new.district)}"
            content = f"客户经机器人修改收货信息（原 {before}，新 {after}），请按订单上的新地址发货"
            if region_changed:
                content += "；新地址在另一运费区域，请核对运费和快递"
            # Masked in the remark too: the full address is on the order, where the desk's
            # audited reveal shows it; a remark is read by everyone who opens the order.
            session.add(
                Remark(
                    order_id=order.id,
                    content=content,
                    author=BOT_AUTHOR,
                    flag="red",
                    created_at=now,
                )
            )
            await session.flush()
            logger.info("address changed for order %s", order.order_no)
            view = await self.view_in(session, order.order_no)
            return (
                c.AddressChanged(order=view, region_changed=region_changed),
                c.AddressChangedEvent(occurred_at=now, order_no=order.order_no),
            )

        return await self._run_command(request, apply)

    # ── commands: exactly once per idempotency key ───────────────────────────────────────

    async def _run_command(
        self,
        request: c.Command[Any],
        apply: Callable[[AsyncSession], Awaitable[tuple[R, c.Event | None]]],
    ) -> R:
        """``apply`` the command once; a stored reply (a redelivery, a retry) is answered as
        before. The stored reply is one of the request's, so it parses back to ``R``."""
        adapter = c.reply_adapter(type(request))
        fingerprint = request_hash(request)
        for _attempt in range(3):
            try:
                async with self.db.write() as session:
                    done = await session.get(ProcessedCommand, request.idempotency_key)
                    if done is not None:
                        if done.method != request.METHOD or (
                            done.request_hash is not None and done.request_hash != fingerprint
                        ):
                            # Another request's key: its reply is not this request's answer.
                            raise Refusal(
                                "idempotency_conflict",
                                f"this idempotency key was used for another {done.method} "
                                "request; use a fresh key for a new request",
                            )
                        logger.info(
                            "command %s already applied; answering as before", request.METHOD
                        )
                        stored: R = adapter.validate_json(done.reply)
                        return stored
                    reply, event = await apply(session)
                    session.add(
                        ProcessedCommand(
                            key=request.idempotency_key,
                            method=request.METHOD,
                            request_hash=fingerprint,
                            reply=reply.model_dump_json(),
                            created_at=self.clock(),
                        )
                    )
            except IntegrityError:
                # A concurrent twin (same key) or a racing exchange for the same item won:
                # start again and read what it left.
                logger.info("command %s raced another; retrying", request.METHOD)
                continue
            if event is not None:
                await self.publish_event(event)
            return reply
        raise RuntimeError(f"{request.METHOD}: kept conflicting")

    async def publish_event(self, event: c.Event) -> None:
        """Publish after the commit (the change stands whether or not anyone listens)."""
        if self._publish is not None:
            await self._publish(event)


# ── views ────────────────────────────────────────────────────────────────────────────────


def _exchange_view(exchange: Exchange, order_no: str, old: Variant, new: Variant) -> c.ExchangeView:
    return c.ExchangeView(
        rma_no=exchange.rma_no,
        order_no=order_no,
        item_id=exchange.order_item_id,
        old_sku=old.sku,
        new_sku=new.sku,
        reason=exchange.reason,
        postage_payer=exchange.postage_payer,
        state=exchange.state,
        created_at=_aware(exchange.created_at),
    )


def request_hash(request: c.Command[Any]) -> str:
    """sha256 of the method and the request's canonical JSON without its idempotency key: two
    requests with the same key are the same request exactly when this is equal."""
    payload = request.model_dump(mode="json", exclude={"idempotency_key"})
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.METHOD}\n{canonical}".encode()).hexdigest()
