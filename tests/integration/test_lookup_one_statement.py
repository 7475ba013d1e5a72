"""``orders.lookup`` reads the order, its proof and its items in one statement and validates
its reply once, whole (``queries.lookup``, ``queries.order_view_data``). Its replies must be
exactly what the order's rows say: here each is compared, model and bytes, with a reference
built the long way — the ORM's objects, one validated model at a time — for every demo order
and for orders made in each situation a card shows (paid and late to ship, a proxy purchase
the shop now ships at its cost, long in transit, several items of every kind, an exchanged
item, a return with its photos, unpaid, closed), on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select, text, update

from bus import contracts as c
from shop.masking import mask_phone
from tests.integration.conftest import exchange_request
from worker.db import queries
from worker.db.models import Exchange, Order, Return, ReturnItem, ReturnPhoto
from worker.order_rules import OrderTimes, delivery_due_by, dispatch_due_by, order_attention
from worker.rules import address_refusal, mask_address, mask_name
from worker.seed import find_demo_orders

pytestmark = pytest.mark.asyncio(loop_scope="session")

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def fixed_clock(shop):
    """The worker's clock stopped at ``NOW`` (the reference decides its flags at ``NOW``)."""
    service = shop.worker.service
    before = service.clock
    service.clock = lambda: NOW
    yield NOW
    service.clock = before


async def reference(shop, order_no: str, access: str, *, with_returns: bool) -> c.OrderFound:
    """The reply as the look-up gave it before it was one statement: from the ORM's objects,
    each nested model validated on its own."""
    policy = shop.worker.policy
    async with shop.db.read() as session:
        order = await session.scalar(select(Order).where(Order.order_no == order_no))
        assert order is not None
        items = []
        for item in sorted(order.items, key=lambda i: i.id):
            exchanged = await session.scalar(
                select(Exchange.id).where(
                    Exchange.order_item_id == item.id, Exchange.state != "cancelled"
                )
            )
            returned = await session.scalar(
                select(ReturnItem.id)
                .join(Return, Return.id == ReturnItem.return_id)
                .where(ReturnItem.order_item_id == item.id, Return.state != "cancelled")
            )
            product = item.variant.product
            items.append(
                c.OrderItemView(
                    item_id=item.id,
                    product_id=product.id,
                    product_name=product.name,
                    product_name_en=product.name_en or "",
                    kind=product.kind,
                    sku=item.variant.sku,
                    size=item.variant.size,
                    color=item.variant.color,
                    price=item.price,
                    quantity=item.quantity,
                    exchanged=exchanged is not None,
                    returned=returned is not None,
                )
            )
        returns = []
        if with_returns:
            rows = await session.scalars(
                select(Return)
                .where(Return.order_id == order.id)
                .order_by(Return.created_at.desc(), Return.id.desc())
            )
            for ret in rows.all():
                photos = await session.scalars(
                    select(ReturnPhoto)
                    .where(ReturnPhoto.return_id == ret.id)
                    .order_by(ReturnPhoto.received_at, ReturnPhoto.id)
                )
                returns.append(
                    c.OrderReturnView(
                        return_no=ret.return_no,
                        state=ret.state,
                        created_at=queries.aware(ret.created_at),
                        refund_amount=ret.refund_amount,
                        return_tracking_no=ret.return_tracking_no,
                        received_at=queries.aware(ret.received_at),
                        refunded_at=queries.aware(ret.refunded_at),
                        photos=[
                            c.ReturnPhotoView(
                                file_id=p.file_id,
                                caption=p.caption,
                                received_at=queries.aware(p.received_at),
                            )
                            for p in photos.all()
                        ],
                        return_postage_payer=ret.return_postage_payer,
                        items=[
                            c.OrderReturnItem(
                                product_name=line.order_item.variant.product.name,
                                product_name_en=line.order_item.variant.product.name_en or "",
                                size=line.order_item.variant.size,
                                color=line.order_item.variant.color,
                                quantity=line.quantity,
                                cause=line.cause,
                                return_postage_payer=line.return_postage_payer,
                            )
                            for line in ret.items
                        ],
                    )
                )
        times = OrderTimes(
            state=order.state,
            kinds=frozenset(i.kind for i in items),
            paid_at=queries.aware(order.paid_at),
            shipped_at=queries.aware(order.shipped_at),
            delivered_at=queries.aware(order.delivered_at),
            courier=order.courier,
        )
        view = c.OrderView(
            order_no=order.order_no,
            state=order.state,
            created_at=queries.aware(order.created_at),
            paid_at=queries.aware(order.paid_at),
            shipped_at=queries.aware(order.shipped_at),
            delivered_at=queries.aware(order.delivered_at),
            completed_at=queries.aware(order.completed_at),
            closed_at=queries.aware(order.closed_at),
            total=order.total,
            postage=order.postage,
            items=items,
            courier=order.courier,
            tracking_no=order.tracking_no,
            receiver_name_masked=mask_name(order.receiver_name),
            phone_masked=mask_phone(order.receiver_phone),
            province=order.province,
            city=order.city,
            district=order.district,
            address_masked=mask_address(order.address, city=order.city, district=order.district),
            buyer_message=order.buyer_message,
            address_refusal=address_refusal(order.state),
            dispatch_due_by=dispatch_due_by(times, policy),
            delivery_due_by=delivery_due_by(times, policy),
            attention=[
                c.OrderAttention(
                    code=f.code,
                    due_by=f.due_by,
                    days_late=f.days_late,
                    seller_pays_postage=f.seller_pays_postage,
                )
                for f in order_attention(times, policy, NOW)
            ],
            returns=returns,
        )
        return c.OrderFound(order=view, access=access)


async def same_as_reference(shop, request: c.LookupOrder, access: str) -> c.OrderFound:
    """The look-up in-process and over the bus, each equal to the reference, to the byte."""
    expected = await reference(shop, request.order_no, access, with_returns=request.with_returns)
    found = await shop.worker.service.lookup_order(request)
    assert found == expected
    assert found.model_dump_json() == expected.model_dump_json()
    wire = await shop.rpc.call_raw(request.METHOD, request.model_dump_json().encode())
    assert wire == expected.model_dump_json().encode()
    return expected


def request_of(order) -> c.LookupOrder:
    """The order's look-up by its verified owner."""
    return c.LookupOrder(order_no=order.order_no, telegram_user_id=order.telegram_user_id)


async def test_demo_orders_read_by_digits_match_the_reference(shop, fixed_clock):
    """A quarter of the demo shop's orders (every state it has), by someone who proves them."""
    orders = (await find_demo_orders(shop.db))[::4]
    states = set()
    for index, order in enumerate(orders):
        request = c.LookupOrder(
            order_no=order.order_no,
            telegram_user_id=6_100_000_000 + index,
            phone_last4=order.phone[-4:],
        )
        # The first time the digits are checked and counted (a write); then proven, the order
        # comes from the one statement.
        first = await shop.worker.service.lookup_order(request)
        assert first == await reference(shop, order.order_no, "last4", with_returns=False)
        found = await same_as_reference(shop, request, "last4")
        states.add(found.order.state)
        if index % 5 == 0:
            await same_as_reference(
                shop, request.model_copy(update={"with_returns": True}), "last4"
            )
    assert states >= {"awaiting_payment", "paid", "shipped", "completed", "closed"}


async def test_orders_in_every_situation_match_the_reference(shop, make_order, fixed_clock):
    made = [
        # paid, a proxy purchase long unshipped: dispatch overdue, the shop pays the postage
        await make_order(
            kind="proxy", state="paid", delivered_ago=None, paid_ago=timedelta(days=40)
        ),
        # paid yesterday: a dispatch due date, nothing late
        await make_order(kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(1)),
        # long in transit with EMS
        await make_order(
            state="shipped", delivered_ago=None, shipped_ago=timedelta(days=30), courier="EMS"
        ),
        # delivered, several items of every kind
        await make_order(kind="regular", also=("custom", "proxy", "regular"), quantity=2),
        await make_order(state="awaiting_payment", delivered_ago=None),
        await make_order(state="closed", delivered_ago=None),
    ]
    for order in made:
        request = request_of(order)
        found = await same_as_reference(shop, request, "owner")
        await same_as_reference(shop, request.model_copy(update={"with_returns": True}), "owner")
        assert len(found.order.items) == len(order.item_ids)
    paid_late, paid, in_transit = [
        (await shop.worker.service.lookup_order(request_of(order))).order for order in made[:3]
    ]
    # The situations are what they were meant to be (or the comparison above proves little).
    assert [(a.code, a.seller_pays_postage) for a in paid_late.attention] == [
        ("dispatch_overdue", True)
    ]
    assert paid.dispatch_due_by is not None and not paid.attention
    assert [a.code for a in in_transit.attention] == ["transit_overdue"]


async def test_an_exchanged_item_and_a_return_with_photos_match_the_reference(
    shop, make_order, fixed_clock
):
    exchanged = await make_order(kind="regular", delivered_ago=timedelta(days=2), target_stock=3)
    created = await shop.rpc.call(exchange_request(exchanged))
    assert isinstance(created, c.ExchangeCreated), created
    returned = await make_order(kind="regular", delivered_ago=timedelta(days=2), also=("regular",))
    reply = await shop.rpc.call(
        c.CreateReturn(
            order_no=returned.order_no,
            telegram_user_id=returned.telegram_user_id,
            items=[c.ReturnLine(item_id=returned.item_id)],
            cause="size",
            fit_for_resale=True,
            idempotency_key=f"test-{uuid4().hex}",
        )
    )
    assert isinstance(reply, c.ReturnCreated), reply
    for n, caption in enumerate(("  领口这里有线头 ", None)):
        kept = await shop.rpc.call(
            c.KeepReturnPhoto(
                telegram_user_id=returned.telegram_user_id,
                file_id=f"AgAD{uuid4().hex[:12]}{n}",
                file_unique_id=f"u{uuid4().hex[:12]}",
                caption=caption,
                idempotency_key=f"test-{uuid4().hex}",
            )
        )
        assert isinstance(kept, c.ReturnPhotoKept), kept
    for order in (exchanged, returned):
        request = c.LookupOrder(order_no=order.order_no, telegram_user_id=order.telegram_user_id)
        await same_as_reference(shop, request, "owner")
    with_returns = await same_as_reference(
        shop,
        c.LookupOrder(
            order_no=returned.order_no,
            telegram_user_id=returned.telegram_user_id,
            with_returns=True,
        ),
        "owner",
    )
    [ret] = with_returns.order.returns
    assert [p.caption for p in ret.photos] == ["领口这里有线头", None]
    assert [(i.quantity, i.cause, i.return_postage_payer) for i in ret.items] == [
        (1, "size", "customer")
    ]
    assert [i.returned for i in with_returns.order.items] == [True, False]
    found = await shop.worker.service.lookup_order(
        c.LookupOrder(order_no=exchanged.order_no, telegram_user_id=exchanged.telegram_user_id)
    )
    assert [i.exchanged for i in found.order.items] == [True]


async def test_text_the_database_pads_is_stripped_as_the_validated_models_strip_it(
    shop, make_order, fixed_clock
):
    """Contracts strip their strings: the reply validated once still does."""
    order = await make_order(state="paid", delivered_ago=None)
    async with shop.db.write() as session:
        await session.execute(
            update(Order)
            .where(Order.order_no == order.order_no)
            .values(buyer_message="  麻烦发顺丰 \n", district=" 玄武区 ")
        )
    request = c.LookupOrder(order_no=order.order_no, telegram_user_id=order.telegram_user_id)
    found = await same_as_reference(shop, request, "owner")
    assert found.order.buyer_message == "麻烦发顺丰"
    assert found.order.district == "玄武区"


async def test_a_read_of_one_statement_refuses_a_second_one_on_sqlite(shop):
    """Outside a transaction a second statement could read another state of the database."""
    if not shop.db.is_sqlite:
        pytest.skip("PostgreSQL runs a look-up's statements as run_read does")

    def two(reads):
        reads.scalar(queries._CATALOGUE_VERSION)
        return reads.scalar(queries._CATALOGUE_VERSION)

    with pytest.raises(RuntimeError, match="second statement"):
        await shop.db.run_statement(two)
    # The connection is fine afterwards, and a transaction still allows any number.
    assert await shop.db.run_read(two) == await shop.db.run_statement(
        lambda reads: reads.scalar(queries._CATALOGUE_VERSION)
    )
    async with shop.db.read() as session:
        assert (await session.execute(text("SELECT 1"))).scalar() == 1
