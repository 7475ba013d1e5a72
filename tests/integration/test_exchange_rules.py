"""DOMAIN.md's exchange rules, one test each, through the bus against the real worker."""

from datetime import timedelta

import pytest

from bus.contracts import ExchangeCreated, ExchangeRejected
from tests.integration.conftest import exchange_request, quote_request

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def quote(shop, order, **overrides):
    return await shop.rpc.call(quote_request(order, **overrides))


async def create(shop, order, **overrides):
    return await shop.rpc.call(exchange_request(order, **overrides))


async def test_custom_item_within_48_hours_is_exchangeable_customer_pays_postage(shop, make_order):
    order = await make_order(kind="custom", delivered_ago=timedelta(hours=30))
    terms = await quote(shop, order)
    assert terms.eligible, terms.reasons
    assert terms.postage_payer == "customer"
    assert terms.item_kind == "custom"
    assert terms.return_address
    assert terms.deadline is not None


async def test_custom_item_after_48_hours_is_refused(shop, make_order):
    order = await make_order(kind="custom", delivered_ago=timedelta(hours=49))
    terms = await quote(shop, order)
    assert not terms.eligible
    assert terms.reasons == ["window_expired"]


async def test_proxy_purchase_is_not_exchangeable_and_needs_a_supervisor(shop, make_order):
    order = await make_order(kind="proxy")
    terms = await quote(shop, order)
    assert not terms.eligible
    assert "proxy_no_exchange" in terms.reasons
    assert terms.needs_supervisor


async def test_quality_problem_moves_postage_to_the_seller(shop, make_order):
    order = await make_order(kind="proxy", delivered_ago=timedelta(days=3))
    terms = await quote(shop, order, quality_problem=True, fit_for_resale=False)
    assert terms.eligible, terms.reasons
    assert terms.postage_payer == "seller"


async def test_worn_item_without_tags_is_refused(shop, make_order):
    order = await make_order(kind="custom")
    terms = await quote(shop, order, fit_for_resale=False)
    assert terms.reasons == ["not_fit_for_resale"]


async def test_only_one_exchange_per_item(shop, make_order):
    order = await make_order(kind="custom")
    assert isinstance(await create(shop, order), ExchangeCreated)
    again = await create(shop, order, new_size="XL")
    assert isinstance(again, ExchangeRejected)
    assert again.reasons == ["already_exchanged"]


async def test_new_size_out_of_stock_is_refused(shop, make_order):
    order = await make_order(kind="regular", target_stock=0)
    terms = await quote(shop, order)
    assert terms.reasons == ["out_of_stock"]


async def test_same_size_and_colour_is_not_an_exchange(shop, make_order):
    order = await make_order(kind="regular")
    terms = await quote(shop, order, new_size="M")
    assert terms.reasons == ["same_variant"]


async def test_change_of_style_needs_a_supervisor(shop, make_order):
    order = await make_order(kind="custom")
    other = await make_order(kind="custom")
    terms = await quote(shop, order, new_size=None, new_product_id=other.product_id)
    assert "style_change_not_allowed" in terms.reasons
    assert terms.needs_supervisor


@pytest.mark.parametrize(
    ("state", "delivered_ago", "reason"),
    [
        ("awaiting_payment", None, "order_not_paid"),
        ("paid", None, "not_delivered_yet"),
        ("shipped", None, "not_delivered_yet"),
        ("closed", None, "order_closed"),
    ],
)
async def test_order_state_decides_before_anything_else(
    shop, make_order, state, delivered_ago, reason
):
    order = await make_order(kind="regular", state=state, delivered_ago=delivered_ago)
    terms = await quote(shop, order)
    assert reason in terms.reasons
    assert not terms.eligible


async def test_item_from_another_order_is_refused(shop, make_order):
    order = await make_order(kind="regular")
    other = await make_order(kind="regular")
    terms = await quote(shop, order, item_id=other.item_id)
    assert terms.reasons == ["item_not_in_order"]
    assert terms.item_kind is None and terms.old_sku is None  # nothing made up


async def test_created_exchange_holds_stock_and_writes_a_purple_remark(shop, make_order):
    from sqlalchemy import select

    from worker.db.models import Order, Remark, Variant

    order = await make_order(kind="custom", target_stock=4)
    created = await create(shop, order, reason="穿着偏小")
    assert isinstance(created, ExchangeCreated)
    assert created.exchange.rma_no.startswith("RMA")
    async with shop.db.read() as session:
        target = await session.scalar(
            select(Variant).where(Variant.sku == created.exchange.new_sku)
        )
        assert (target.stock, target.held) == (3, 1)
        db_order = await session.scalar(select(Order).where(Order.order_no == order.order_no))
        remarks = (
            await session.scalars(select(Remark).where(Remark.order_id == db_order.id))
        ).all()
    assert [r.flag for r in remarks] == ["purple"]
    assert created.exchange.rma_no in remarks[0].content
    assert " — " in str(remarks[0])
