"""The demo shop is one a shop owner would believe: every order's times agree with its state
(at seeding and for FRESH_FOR after), the orders that need attention are there on purpose and
only those, phones say nothing about customer numbers, and two seeds are the same shop."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text

from bus.contracts import LookupOrder, OrderFound
from shop.policy import load_policy
from tests.integration.conftest import postgres_database
from worker.db.migrate import upgrade
from worker.db.models import Customer, DemoShop, Order, Product, Remark
from worker.db.session import Database
from worker.order_rules import OrderTimes, order_attention
from worker.seed import (
    FRESH_FOR,
    N_CUSTOMERS,
    N_ORDERS,
    PRODUCTS,
    SHOWCASE,
    TIMING,
    demo_shop_age,
    renew_demo,
    seed_demo,
    showcase_orders,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

BEIJING = timedelta(hours=8)
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def aware(at: datetime | None) -> datetime | None:
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)


async def all_orders(db: Database) -> list[Order]:
    async with db.read() as session:
        return list((await session.scalars(select(Order).order_by(Order.id))).all())


async def seeded_at(db: Database) -> datetime:
    async with db.read() as session:
        demo = await session.get(DemoShop, 1)
    assert demo is not None
    return aware(demo.seeded_at)


def problems(order: Order, now: datetime) -> list[str]:
    """Everything about this order's times that disagrees with its state at ``now``."""
    created, paid, shipped = aware(order.created_at), aware(order.paid_at), aware(order.shipped_at)
    delivered, completed = aware(order.delivered_at), aware(order.completed_at)
    closed = aware(order.closed_at)
    found = []
    chain = [t for t in (created, paid, shipped, delivered, completed) if t is not None]
    if chain != sorted(chain):
        found.append("times out of order")
    if any(t > now for t in (*chain, closed) if t is not None):
        found.append("a time in the future")
    if closed is not None and closed < chain[-1]:
        found.append("closed before its last event")
    state = order.state
    if state == "awaiting_payment":
        if any((paid, shipped, delivered, completed, closed)):
            found.append("unpaid with later times")
        if now - created >= timedelta(hours=TIMING.unpaid_close_hours):
            found.append("unpaid past the auto-close")
    elif state == "paid":
        if paid is None or any((shipped, delivered, completed, closed)):
            found.append("paid without its payment time, or with later times")
        if order.courier or order.tracking_no:
            found.append("paid with a tracking number")
    elif state == "shipped":
        if None in (paid, shipped) or completed or closed:
            found.append("shipped without payment/shipping, or completed/closed")
        if not (order.courier and order.tracking_no):
            found.append("shipped without courier and tracking number")
    elif state == "completed":
        if None in (paid, shipped, delivered, completed) or closed:
            found.append("completed without delivery or completion time")
    elif state == "closed":
        if closed is None or not order.close_reason or completed:
            found.append("closed without time and reason")
        if order.close_reason == "unpaid_timeout" and (
            paid is not None or closed - created != timedelta(hours=TIMING.unpaid_close_hours)
        ):
            found.append("auto-closed at the wrong time")
        if order.close_reason == "returned_refunded" and delivered is None:
            found.append("returned without delivery")
    if shipped is not None:
        hour = (shipped + BEIJING).hour
        if not TIMING.shipping_hours[0] <= hour < TIMING.shipping_hours[1]:
            found.append(f"shipped at {hour}:00 Beijing time, outside shipping hours")
    return found


POLICY = load_policy()
ROLE_OF_FLAG = {"dispatch_overdue": "dispatch_overdue", "transit_overdue": "long_in_transit"}


def needs_attention(order: Order, now: datetime) -> str | None:
    """What the worker flags on this order (the order view's attention), as a showcase role."""
    times = OrderTimes(
        state=order.state,
        kinds=frozenset(item.variant.product.kind for item in order.items),
        paid_at=aware(order.paid_at),
        shipped_at=aware(order.shipped_at),
        delivered_at=aware(order.delivered_at),
        courier=order.courier,
    )
    flags = order_attention(times, POLICY, now)
    return ROLE_OF_FLAG[flags[0].code] if flags else None


async def test_every_order_s_times_agree_with_its_state_now_and_a_day_later(shop):
    orders = await all_orders(shop.db)
    assert len(orders) == N_ORDERS
    assert set(Counter(o.state for o in orders)) == {
        "awaiting_payment", "paid", "shipped", "completed", "closed"
    }
    seeded = await seeded_at(shop.db)
    for now in (seeded, seeded + FRESH_FOR):
        bad = {o.order_no: p for o in orders if (p := problems(o, now))}
        assert bad == {}


async def test_only_the_deliberate_orders_need_attention_for_a_day(shop):
    orders = {o.order_no: o for o in await all_orders(shop.db)}
    seeded = await seeded_at(shop.db)
    async with shop.db.read() as session:
        showcase = (await session.get(DemoShop, 1)).showcase
    deliberate = {
        entry["order_no"]: entry["role"]
        for entry in showcase
        if entry["role"] in ("dispatch_overdue", "long_in_transit")
    }
    assert Counter(deliberate.values()) == {"dispatch_overdue": 3, "long_in_transit": 2}
    for now in (seeded, seeded + FRESH_FOR):
        flagged = {no: flag for no, o in orders.items() if (flag := needs_attention(o, now))}
        assert flagged == deliberate
    # "Five weeks paid and still not shipped" and "26 days in transit" are among them.
    ages = sorted(
        (seeded - aware(orders[no].paid_at if role == "dispatch_overdue" else
                        orders[no].shipped_at)).days
        for no, role in deliberate.items()
    )
    assert 35 in ages and 26 in ages


async def test_delivered_orders_have_delivery_times_and_closed_ones_a_reason(shop):
    orders = await all_orders(shop.db)
    completed = [o for o in orders if o.state == "completed"]
    assert completed and all(o.delivered_at is not None for o in completed)
    reasons = Counter(o.close_reason for o in orders if o.state == "closed")
    assert set(reasons) == {
        "unpaid_timeout", "buyer_cancelled", "refunded_before_shipping", "returned_refunded"
    }
    # Only regular items are refunded on return (custom-made never; proxy never returned).
    for order in orders:
        if order.close_reason == "returned_refunded":
            assert {i.variant.product.kind for i in order.items} == {"regular"}
    async with shop.db.read() as session:
        remarks = (await session.scalars(select(Remark))).all()
        by_id = {o.id: o for o in orders}
        for remark in remarks:
            assert aware(remark.created_at) >= aware(by_id[remark.order_id].created_at)


async def test_phones_are_realistic_and_say_nothing_about_customer_numbers(shop):
    async with shop.db.read() as session:
        customers = (await session.scalars(select(Customer))).all()
    assert len(customers) == N_CUSTOMERS
    phones = [c.phone for c in customers]
    assert len(set(phones)) == len(phones) and all(MOBILE.match(p) for p in phones)
    orders = await all_orders(shop.db)
    for order in orders:
        assert MOBILE.match(order.receiver_phone)
        assert order.receiver_phone[-4:] != f"{order.customer_id:04d}", order.order_no
        assert int(order.receiver_phone[-4:]) > N_CUSTOMERS
    # Order numbers are not a sequence to walk through.
    numbers = sorted(int(o.order_no[2:]) for o in orders)
    assert max(b - a for a, b in itertools.pairwise(numbers)) > 1000
    # Some parcels go to someone else than the customer (a gift, a parent).
    assert any(
        o.receiver_phone != next(c.phone for c in customers if c.id == o.customer_id)
        for o in orders
    )


async def test_showcase_orders_are_there_and_allow_what_they_are_for(shop):
    found = await showcase_orders(shop.db)
    assert found is not None and len(found) == len(SHOWCASE)
    by_role = {}
    for order in found:
        by_role.setdefault(order.role, order)
    mine = [o for o in found if o.demo_customer]
    assert len({o.customer_phone for o in mine}) == 1, "one customer to verify as"
    expectations = {
        "returnable": "return or exchange a regular item",
        "exchangeable_custom": "exchange the custom-made item once",
        "proxy": "proxy purchase: neither returned nor exchanged",
        "unshipped": "change the address",
        "unpaid": "pay or cancel",
        "in_transit": "track the parcel",
        "dispatch_overdue": "DISPATCH OVERDUE",
        "long_in_transit": "LONG IN TRANSIT",
        "custom_window_passed": "48-hour exchange window has closed",
        "return_window_passed": "7-day return and exchange window has closed",
    }
    for role, words in expectations.items():
        assert any(words in job for job in by_role[role].jobs), (role, by_role[role].jobs)
    # Each can be looked up with its order number and the last four digits shown for it.
    for order in found:
        reply = await shop.rpc.call(
            LookupOrder(order_no=order.order_no, telegram_user_id=1, phone_last4=order.last4)
        )
        assert isinstance(reply, OrderFound), order.role


@pytest_asyncio.fixture(params=["sqlite", "postgresql"], loop_scope="session")
async def empty_db(request, tmp_path):
    if request.param == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
        database = None
    else:
        database = f"kefu_test_{uuid4().hex[:12]}"
        db = Database(await postgres_database(database))
    await upgrade(db)
    try:
        yield db
    finally:
        await db.dispose()
        if database:
            await postgres_database(database, drop=True)


async def shop_fingerprint(db: Database) -> tuple:
    orders = await all_orders(db)
    async with db.read() as session:
        products = (await session.scalars(select(Product.name).order_by(Product.id))).all()
        phones = (await session.scalars(select(Customer.phone).order_by(Customer.id))).all()
    return (
        tuple(products),
        tuple(phones),
        tuple((o.order_no, o.state, o.receiver_phone, str(o.total)) for o in orders),
    )


async def test_two_seeds_are_the_same_shop_and_renewing_lays_it_out_from_now(empty_db):
    first_now = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    assert await seed_demo(empty_db, now=first_now)
    assert not await seed_demo(empty_db)  # never over existing data
    first = await shop_fingerprint(empty_db)
    first_times = {o.order_no: aware(o.created_at) for o in await all_orders(empty_db)}
    assert len(first[0]) == len(PRODUCTS)
    age = await demo_shop_age(empty_db, now=first_now + timedelta(hours=30))
    assert age == timedelta(hours=30)

    later = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    assert await renew_demo(empty_db, now=later)
    assert await shop_fingerprint(empty_db) == first
    # The same histories, moved to the new "now"; a shipping time moves into the next
    # day's shipping hours at most (up to 14 h), and what came before it with it.
    renewed = await all_orders(empty_db)
    never_shipped = {
        aware(o.created_at) - first_times[o.order_no] for o in renewed if o.shipped_at is None
    }
    assert never_shipped == {later - first_now}
    assert all(
        abs(aware(o.created_at) - first_times[o.order_no] - (later - first_now))
        <= timedelta(hours=14)
        for o in renewed
    )
    bad = {o.order_no: p for o in await all_orders(empty_db) if (p := problems(o, later))}
    assert bad == {}
    async with empty_db.read() as session:
        assert await session.scalar(select(func.count(DemoShop.id))) == 1


async def test_renew_leaves_a_shop_that_is_not_the_demo_alone(empty_db):
    async with empty_db.write() as session:
        session.add(Customer(name="真实顾客", phone="13812345678", created_at=datetime.now(UTC)))
    assert not await renew_demo(empty_db)
    assert await demo_shop_age(empty_db) is None
    async with empty_db.read() as session:
        assert await session.scalar(select(func.count(Customer.id))) == 1


README = Path(__file__).resolve().parents[2] / "README.md"


async def test_the_readme_lists_the_demo_customer_s_showcase_orders(shop):
    readme = README.read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(KF\d{8})` \| `(\d{4})` \|", readme, flags=re.MULTILINE)
    mine = [o for o in await showcase_orders(shop.db) if o.demo_customer]
    assert listed == [(o.order_no, o.last4) for o in mine]
    assert f"/contact {mine[0].customer_phone}" in readme
    assert mine[0].customer_name in readme


async def test_an_earlier_demo_shop_is_recognised_and_renewed(tmp_path):
    """A database seeded by the earlier demo (customer N had phone 139 + N in eight digits)
    is marked as a stale demo shop by migration 0002, so run.sh rebuilds it."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await upgrade(db, "0001")
    async with db.write_engine.begin() as connection:
        for n in range(1, 51):
            await connection.execute(
                text("INSERT INTO customers (name, phone, created_at) VALUES ('旧', :p, :t)"),
                {"p": f"139{n:08d}", "t": "2026-01-01 00:00:00"},
            )
    await upgrade(db)
    assert await demo_shop_age(db) > FRESH_FOR
    assert await renew_demo(db)
    async with db.read() as session:
        phones = (await session.scalars(select(Customer.phone))).all()
    assert len(phones) == N_CUSTOMERS and not any(p.startswith("1390000") for p in phones)
    await db.dispose()
