"""Issue 11, hole 1: the last-four proof could be brute-forced (failures counted per Telegram
user only, read before they were written), and a right guess let a stranger redirect the
parcel. Through the real bus and worker, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from uuid import uuid4

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from bus.contracts import (
    AddressChanged,
    ChangeAddress,
    ContactRequired,
    CreateExchange,
    ExchangeCreated,
    LinkCustomer,
    LookupOrder,
    OrderFound,
    OrderNotFound,
    QuoteExchange,
    Throttled,
)
from tests.integration.conftest import exchange_request, quote_request
from worker.db.models import Exchange, Order, ProofFailure
from worker.seed import find_demo_orders

pytestmark = pytest.mark.asyncio(loop_scope="session")
LOCKED = ContactRequired(reason="last4_locked")


def wrong_digits(right: str, count: int) -> list[str]:
    return [f"{n:04d}" for n in range(10_000) if f"{n:04d}" != right][:count]


def fresh_user() -> int:
    return 60_000_000 + uuid4().int % 10**9


def missing_order_no() -> str:
    return f"KF1{uuid4().int % 10**7:07d}"  # the demo and the tests use KF2… and KF9…


def lookup(order_no: str, user: int, last4: str | None = None) -> LookupOrder:
    return LookupOrder(order_no=order_no, telegram_user_id=user, phone_last4=last4)


def move(order, user: int, last4: str | None, **fields) -> ChangeAddress:
    return ChangeAddress(
        idempotency_key=f"test-{uuid4().hex}",
        order_no=order.order_no,
        telegram_user_id=user,
        phone_last4=last4,
        province="上海",
        street="浦东新区陌生人路 66 号",
        **fields,
    )


async def test_many_user_ids_guessing_one_order_get_nothing_after_the_order_limit(
    shop, make_order, caplog
):
    caplog.set_level(logging.INFO, logger="worker")
    order = await make_order(state="paid", delivered_ago=None)
    limit = shop.worker.settings.order_proof_failures_allowed
    locks_before = REGISTRY.get_sample_value("kefu_proof_locks_total") or 0
    # Every guess from another fresh account: the per-user throttle never comes into play.
    replies = [
        await shop.rpc.call(lookup(order.order_no, fresh_user(), guess))
        for guess in wrong_digits(order.phone[-4:], limit + 15)
    ]
    assert replies[:limit] == [OrderNotFound()] * limit
    assert replies[limit:] == [LOCKED] * 15
    # The right digits no longer open it, for reading or for a quote, from anyone new...
    right = order.phone[-4:]
    assert await shop.rpc.call(lookup(order.order_no, fresh_user(), right)) == LOCKED
    quote = quote_request(order, telegram_user_id=fresh_user(), phone_last4=right)
    assert await shop.rpc.call(quote) == LOCKED
    # ...while the verified customer reads it as ever, and the customer is told what to do.
    own = await shop.rpc.call(lookup(order.order_no, order.telegram_user_id))
    assert isinstance(own, OrderFound) and own.access == "owner"
    # Ops see it: a metric and a log line naming the order, never a phone.
    assert (REGISTRY.get_sample_value("kefu_proof_locks_total") or 0) == locks_before + 1
    [line] = [r.getMessage() for r in caplog.records if "closed" in r.getMessage()]
    # (a random order number may hold the same four digits: only the rest of the line counts)
    outside = line.replace(order.order_no, "")
    assert order.order_no in line and order.phone not in line and right not in outside


async def test_a_missing_order_number_answers_byte_for_byte_like_a_real_one(shop, make_order):
    order = await make_order()
    missing = missing_order_no()
    limit = shop.worker.settings.order_proof_failures_allowed
    real, made_up = [], []
    for guess in wrong_digits(order.phone[-4:], limit + 1):
        body = lookup(order.order_no, fresh_user(), guess).model_dump_json().encode()
        real.append(await shop.rpc.call_raw("orders.lookup", body))
        body = lookup(missing, fresh_user(), guess).model_dump_json().encode()
        made_up.append(await shop.rpc.call_raw("orders.lookup", body))
    assert real == made_up
    assert ContactRequired.model_validate_json(real[-1]) == LOCKED


async def test_concurrent_guesses_from_one_user_are_all_counted(shop, make_order):
    order = await make_order()
    user = fresh_user()
    allowed = shop.worker.settings.lookup_failures_allowed
    # Forty guesses at once, each for another order number: only the user's count can stop
    # them, and it is read and written in one locked transaction per guess.
    guesses = [lookup(missing_order_no(), user, "1234") for _ in range(40)]
    replies = await asyncio.gather(*(shop.rpc.call(g) for g in guesses))
    assert sum(isinstance(r, OrderNotFound) for r in replies) == allowed
    assert sum(isinstance(r, Throttled) for r in replies) == 40 - allowed
    async with shop.db.read() as session:
        row = await session.get(ProofFailure, ("user", str(user)))
    assert row.failures == allowed
    # The same user's right digits for a real order wait too: the user is throttled.
    right = await shop.rpc.call(lookup(order.order_no, user, order.phone[-4:]))
    assert isinstance(right, Throttled)


async def test_concurrent_guesses_at_one_order_lock_it_after_the_order_limit(shop, make_order):
    order = await make_order()
    limit = shop.worker.settings.order_proof_failures_allowed
    guesses = [
        lookup(order.order_no, fresh_user(), guess)
        for guess in wrong_digits(order.phone[-4:], 30)
    ]
    replies = await asyncio.gather(*(shop.rpc.call(g) for g in guesses))
    assert sum(r == OrderNotFound() for r in replies) == limit
    assert sum(r == LOCKED for r in replies) == 30 - limit


async def test_a_write_with_the_last_four_digits_only_is_refused(shop, make_order):
    """The stranger of the report: right digits, then the paid order's address and phone."""
    order = await make_order(state="paid", delivered_ago=None)
    stranger = fresh_user()
    found = await shop.rpc.call(lookup(order.order_no, stranger, order.phone[-4:]))
    assert isinstance(found, OrderFound) and found.access == "last4"  # reading: yes
    reply = await shop.rpc.call(
        move(order, stranger, order.phone[-4:], receiver_phone="13700001111")
    )
    assert reply == ContactRequired(reason="write")
    async with shop.db.read() as session:
        saved = await session.scalar(select(Order).where(Order.order_no == order.order_no))
    assert (saved.receiver_phone, saved.province) == (order.phone, "江苏")  # untouched
    # The same for an exchange: no exchange, no unit held.
    delivered = await make_order(kind="custom", state="shipped", target_stock=2)
    create = exchange_request(delivered, telegram_user_id=stranger)
    assert await shop.rpc.call(create) == ContactRequired(reason="write")
    async with shop.db.read() as session:
        count = await session.scalar(
            select(func.count(Exchange.id)).where(Exchange.order_item_id == delivered.item_id)
        )
    assert count == 0
    # The verified customer (their own contact, linked) changes it.
    changed = await shop.rpc.call(move(order, order.telegram_user_id, None))
    assert isinstance(changed, AddressChanged)


async def test_every_method_that_takes_the_proof_counts_wrong_answers(shop, make_order):
    user = fresh_user()
    allowed = shop.worker.settings.lookup_failures_allowed
    asks = [
        lambda o, w: lookup(o.order_no, user, w),
        lambda o, w: quote_request(o, telegram_user_id=user, phone_last4=w),
        lambda o, w: exchange_request(o, telegram_user_id=user, phone_last4=w),
        lambda o, w: move(o, user, w),
    ]
    for n in range(allowed):
        order = await make_order(state="paid", delivered_ago=None)
        wrong = wrong_digits(order.phone[-4:], 1)[0]
        assert await shop.rpc.call(asks[n % len(asks)](order, wrong)) == OrderNotFound()
    order = await make_order(state="paid", delivered_ago=None)
    for request in (
        lookup(order.order_no, user, order.phone[-4:]),
        move(order, user, order.phone[-4:]),
        exchange_request(order, telegram_user_id=user),
    ):
        assert isinstance(await shop.rpc.call(request), Throttled)


async def test_own_and_proven_orders_are_never_counted_or_throttled(shop, make_order):
    mine = await make_order()
    proven = await make_order()
    user = mine.telegram_user_id
    assert isinstance(
        await shop.rpc.call(lookup(proven.order_no, user, proven.phone[-4:])), OrderFound
    )
    # Asking about other people's orders without digits is not a guess: never counted.
    for _ in range(10):
        assert await shop.rpc.call(lookup(missing_order_no(), user)) == OrderNotFound()
    # Wrong digits for other people's orders throttle the guessing...
    for _ in range(shop.worker.settings.lookup_failures_allowed):
        await shop.rpc.call(lookup(missing_order_no(), user, "4321"))
    assert isinstance(await shop.rpc.call(lookup(missing_order_no(), user, "4321")), Throttled)
    # ...never the customer's own order, nor one they proved before (even locked meanwhile).
    for _ in range(shop.worker.settings.order_proof_failures_allowed):
        await shop.rpc.call(lookup(proven.order_no, fresh_user(), "0000"))
    assert isinstance(await shop.rpc.call(lookup(mine.order_no, user)), OrderFound)
    again = await shop.rpc.call(lookup(proven.order_no, user, proven.phone[-4:]))
    assert isinstance(again, OrderFound) and again.access == "last4"
    quote = await shop.rpc.call(
        QuoteExchange(
            order_no=mine.order_no,
            telegram_user_id=user,
            item_id=mine.item_id,
            new_size="L",
            fit_for_resale=True,
        )
    )
    assert quote.kind == "quote"


async def test_the_proof_stays_the_phone_the_order_was_placed_with(shop, make_order):
    order = await make_order(state="paid", delivered_ago=None)
    new_phone = "13655550123"
    changed = await shop.rpc.call(
        move(order, order.telegram_user_id, None, receiver_phone=new_phone)
    )
    assert isinstance(changed, AddressChanged)
    async with shop.db.read() as session:
        saved = await session.scalar(select(Order).where(Order.order_no == order.order_no))
    assert (saved.receiver_phone, saved.placed_phone) == (new_phone, order.phone)
    # The owner's digits still open it; the new receiver phone's do not.
    assert isinstance(
        await shop.rpc.call(lookup(order.order_no, fresh_user(), order.phone[-4:])), OrderFound
    )
    assert await shop.rpc.call(lookup(order.order_no, fresh_user(), "0123")) == OrderNotFound()


async def test_linking_someone_elses_phone_is_not_how_writes_are_opened(shop, make_order):
    """Only the bot links, and only from the sender's own contact: a linked account is the
    customer whose phone it is, so the strong proof is the link itself."""
    order = await make_order(state="paid", delivered_ago=None)
    other = await make_order()
    user = fresh_user()
    await shop.rpc.call(LinkCustomer(telegram_user_id=user, phone=other.phone))
    reply = await shop.rpc.call(move(order, user, order.phone[-4:]))
    assert reply == ContactRequired(reason="write")


async def test_demo_phones_that_prove_orders_are_not_the_customer_number(shop):
    """The report's demo data let anyone guess: the last four digits were the customer
    number. The digits that prove a demo order now say nothing about its customer."""
    # make_order's orders in this module are numbered KF9…; the demo shop's are not.
    orders = [o for o in await find_demo_orders(shop.db) if not o.order_no.startswith("KF9")]
    assert len(orders) == 300
    for order in orders:
        last4 = order.phone[-4:]
        assert int(last4) > 100 and last4 != f"{order.customer_id:04d}"
    assert len({o.phone[-4:] for o in orders}) >= 40


async def test_an_exchange_by_the_verified_customer_still_goes_through(shop, make_order):
    order = await make_order(kind="custom", state="shipped", delivered_ago=timedelta(hours=2))
    reply = await shop.rpc.call(
        CreateExchange(
            idempotency_key=f"test-{uuid4().hex}",
            order_no=order.order_no,
            telegram_user_id=order.telegram_user_id,
            item_id=order.item_id,
            new_size="L",
            fit_for_resale=True,
        )
    )
    assert isinstance(reply, ExchangeCreated)
