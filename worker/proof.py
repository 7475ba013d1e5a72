"""Proof of ownership: who may read an order, and who may change it.

Two proofs, of different strength:

* **Verified contact** (strong): the asking Telegram user is linked to the order's customer.
  The bot links a user only from their own Telegram contact (``customers.link``). It opens
  reading and every change: address, exchange, and any later write.
* **Last four digits** (weak) of the phone the order was placed with (``orders.placed_phone``,
  which an address change never touches). They open reading only; a write proven this way
  answers ``ContactRequired(reason="write")`` and the bot asks for the contact.

Wrong answers are counted per Telegram user and per order number (whether the order exists or
not, so that a missing order answers exactly like someone else's), in the same write
transaction as the check. The counter rows are created-or-locked first (an upsert, which takes
the row lock on PostgreSQL; SQLite has one writer at a time), so concurrent guesses are
checked one after another and every one is counted. A user with too many in their window is
``Throttled``; an order number with too many has its last-four route closed for a long time,
whoever asks (``ContactRequired(reason="last4_locked")``), so guessing from many accounts gets
nowhere. Orders the asker owns, or has proved before (``order_proofs``), are never counted or
throttled for them: asking about other people's order numbers never locks a customer out of
their own. A request without digits proves nothing and is not counted either: it is not a guess.
"""

from __future__ import annotations

import enum
import hmac
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from prometheus_client import Counter
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bus import contracts as c
from worker.db.models import Base, Customer, Order, OrderProof, ProofFailure
from worker.db.queries import aware
from worker.settings import WorkerSettings

logger = logging.getLogger(__name__)

ProofRefusal = c.OrderNotFound | c.Throttled | c.ContactRequired
"""What a request that fails its proof is answered."""

PROOF_FAILURES = Counter(
    "kefu_proof_failures_total", "Wrong last-four answers, by bus method.", ["method"]
)
PROOF_LOCKS = Counter(
    "kefu_proof_locks_total",
    "Order numbers whose last-four route was closed after repeated wrong answers.",
)
CONTACT_REQUIRED = Counter(
    "kefu_contact_required_total",
    "Requests answered 'verify with your contact' (write: a change proven by digits only; "
    "last4_locked: the order's last-four route is closed).",
    ["reason"],
)

USER = "user"
ORDER = "order"


class ProofRequest(Protocol):
    """What every request that names an order carries to prove it."""

    @property
    def order_no(self) -> str: ...

    @property
    def telegram_user_id(self) -> int: ...

    @property
    def phone_last4(self) -> str | None: ...


class Access(enum.Enum):
    OWNER = "owner"  # the order's verified customer: may read and change it
    LAST4 = "last4"  # proved by these digits before: may read it, never counted
    CHECK = "check"  # digits to check, counted (``ProofGate.check_last4``)
    DENIED = "denied"  # nothing that could prove it: answer "not found", count nothing


def classify(
    request: ProofRequest,
    *,
    owner_telegram_id: int | None,
    placed_phone: str | None,
    proven: bool,
) -> Access:
    """What the request's proof is worth, from what a plain read can tell (``owner_telegram_id``
    and ``placed_phone`` are ``None`` for an order that does not exist)."""
    if owner_telegram_id is not None and owner_telegram_id == request.telegram_user_id:
        return Access.OWNER
    if request.phone_last4 is None:
        return Access.DENIED
    if proven:
        right = placed_phone is not None and _same(placed_phone[-4:], request.phone_last4)
        return Access.LAST4 if right else Access.DENIED
    return Access.CHECK


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


class ProofGate:
    """Counts, throttles and locks last-four answers; the strong check for writes."""

    def __init__(self, settings: WorkerSettings, clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.clock = clock

    async def check_last4(
        self, session: AsyncSession, request: ProofRequest, method: str
    ) -> ProofRefusal | None:
        """Check the request's digits against its order, counted, inside the caller's write
        transaction. ``None``: right (and remembered as proven for this user). Otherwise the
        reply: ``Throttled``, ``ContactRequired(last4_locked)`` or ``OrderNotFound``."""
        now = self.clock()
        settings = self.settings
        user = await self._counter(session, USER, str(request.telegram_user_id), now)
        order = await self._counter(session, ORDER, request.order_no, now)
        throttled = self._throttled(user, now)
        if throttled is not None:
            return throttled
        if order.locked_until is not None:
            if aware(order.locked_until) > now:
                CONTACT_REQUIRED.labels("last4_locked").inc()
                return c.ContactRequired(reason="last4_locked")
            order.failures, order.window_started_at, order.locked_until = 0, now, None
        placed = await session.scalar(
            select(Order.placed_phone).where(Order.order_no == request.order_no)
        )
        assert request.phone_last4 is not None
        if placed is not None and _same(placed[-4:], request.phone_last4):
            await _insert_ignore(
                session,
                OrderProof,
                telegram_user_id=request.telegram_user_id,
                order_no=request.order_no,
                proven_at=now,
            )
            return None
        PROOF_FAILURES.labels(method).inc()
        _count(user, now, settings.lookup_failure_window_s)
        _count(order, now, settings.order_proof_failure_window_s)
        if order.failures >= settings.order_proof_failures_allowed:
            order.locked_until = now + timedelta(seconds=settings.order_proof_lock_s)
            PROOF_LOCKS.inc()
            logger.warning(
                "last-four proof for order %s closed for %.0f h after %d wrong answers; "
                "a verified contact still opens it",
                request.order_no,
                settings.order_proof_lock_s / 3600,
                order.failures,
            )
        return c.OrderNotFound()

    async def strong(
        self, session: AsyncSession, request: ProofRequest, order: Order | None, method: str
    ) -> ProofRefusal | None:
        """The check every write makes, in its own write transaction: ``None`` when the asker
        is the order's verified customer. Otherwise the reply: ``ContactRequired(write)`` when
        they know the order's digits (proven before, or right now, counted like any answer),
        and what a wrong or missing proof gets otherwise. Never grants on digits alone."""
        owner = None
        proven = False
        if order is not None:
            customer = await session.get(Customer, order.customer_id)
            owner = customer.telegram_user_id if customer is not None else None
            proven = await self.proven(session, request.telegram_user_id, request.order_no)
        access = classify(
            request,
            owner_telegram_id=owner,
            placed_phone=order.placed_phone if order is not None else None,
            proven=proven,
        )
        if access is Access.OWNER:
            return None
        if access is Access.DENIED:
            return c.OrderNotFound()
        if access is Access.CHECK:
            refusal = await self.check_last4(session, request, method)
            if refusal is not None:
                return refusal
        CONTACT_REQUIRED.labels("write").inc()
        logger.info(
            "%s for order %s needs a verified contact (user %s proved it by digits only)",
            method,
            request.order_no,
            request.telegram_user_id,
        )
        return c.ContactRequired(reason="write")

    async def read_access(
        self, session: AsyncSession, request: ProofRequest, order: Order | None
    ) -> Access:
        """``classify`` for a request read through an ORM session."""
        owner = None
        proven = False
        if order is not None:
            customer = await session.get(Customer, order.customer_id)
            owner = customer.telegram_user_id if customer is not None else None
            if owner != request.telegram_user_id and request.phone_last4 is not None:
                proven = await self.proven(session, request.telegram_user_id, request.order_no)
        return classify(
            request,
            owner_telegram_id=owner,
            placed_phone=order.placed_phone if order is not None else None,
            proven=proven,
        )

    @staticmethod
    async def proven(session: AsyncSession, telegram_user_id: int, order_no: str) -> bool:
        found = await session.scalar(
            select(OrderProof.proven_at).where(
                OrderProof.telegram_user_id == telegram_user_id, OrderProof.order_no == order_no
            )
        )
        return found is not None

    def _throttled(self, user: ProofFailure, now: datetime) -> c.Throttled | None:
        if user.failures < self.settings.lookup_failures_allowed:
            return None
        window_end = aware(user.window_started_at) + timedelta(
            seconds=self.settings.lookup_failure_window_s
        )
        remaining = (window_end - now).total_seconds()
        return c.Throttled(retry_after_s=int(remaining) + 1) if remaining > 0 else None

    @staticmethod
    async def _counter(
        session: AsyncSession, scope: str, subject: str, now: datetime
    ) -> ProofFailure:
        """The counter row, created when missing and locked for this transaction, in one
        statement: an upsert whose update changes nothing still takes the row lock on
        PostgreSQL (SQLite has one writer at a time anyway)."""
        dialect = await _dialect(session)
        insert = dialect.insert(ProofFailure).values(
            scope=scope, subject=subject, failures=0, window_started_at=now
        )
        upsert = insert.on_conflict_do_update(
            index_elements=["scope", "subject"],
            set_={"failures": ProofFailure.__table__.c.failures},
        ).returning(ProofFailure)
        rows = await session.scalars(upsert, execution_options={"populate_existing": True})
        return rows.one()


def _count(row: ProofFailure, now: datetime, window_s: int) -> None:
    """One more wrong answer in the row's window (a new window when the last one ended)."""
    if now - aware(row.window_started_at) > timedelta(seconds=window_s):
        row.failures, row.window_started_at = 1, now
    else:
        row.failures += 1


async def _dialect(session: AsyncSession) -> Any:
    """SQLite and PostgreSQL spell ``INSERT … ON CONFLICT`` the same way; SQLAlchemy has it in
    each dialect."""
    connection = await session.connection()
    return postgresql if connection.dialect.name == "postgresql" else sqlite


async def _insert_ignore(session: AsyncSession, model: type[Base], **values: object) -> None:
    """``INSERT … ON CONFLICT DO NOTHING`` (a concurrent insert of the same key on PostgreSQL
    waits for the other transaction, then does nothing)."""
    dialect = await _dialect(session)
    await session.execute(
        dialect.insert(model.__table__).values(**values).on_conflict_do_nothing()
    )
