"""Returns (DOMAIN.md, the shop policy) end to end on the bus, against the real worker."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bus.contracts import (
    ContactRequired,
    CreateReturn,
    ExchangeRejected,
    KeepReturnPhoto,
    LookupOrder,
    OrderFound,
    OrderNotFound,
    QuoteReturn,
    RecordReturnTracking,
    ReturnCreated,
    ReturnLine,
    ReturnPhotoKept,
    ReturnPhotoRefused,
    ReturnRejected,
    ReturnTerms,
    ReturnTrackingRecorded,
    ReturnTrackingRefused,
)
from tests.integration.conftest import exchange_request
from worker.db.models import Exchange, Order, Remark, Return, ReturnItem, ReturnPhoto

pytestmark = pytest.mark.asyncio(loop_scope="session")


def return_request(order, kind=CreateReturn, *, items=None, **overrides):
    fields = dict(
        order_no=order.order_no,
        telegram_user_id=order.telegram_user_id or 1,
        phone_last4=order.phone[-4:],
        items=items or [ReturnLine(item_id=order.item_id)],
        cause="size",
        fit_for_resale=True,
    )
    if kind is CreateReturn:
        fields["idempotency_key"] = f"test-{uuid4().hex}"
    fields.update(overrides)
    return kind(**fields)


async def quote(shop, order, **overrides) -> ReturnTerms:
    terms = await shop.rpc.call(return_request(order, QuoteReturn, **overrides))
    assert isinstance(terms, ReturnTerms), terms
    return terms


async def create(shop, order, **overrides):
    return await shop.rpc.call(return_request(order, **overrides))


async def remarks_of(shop, order_no: str) -> list[Remark]:
    async with shop.db.read() as session:
        order = await session.scalar(select(Order).where(Order.order_no == order_no))
        return list(
            (await session.scalars(select(Remark).where(Remark.order_id == order.id))).all()
        )


async def test_a_regular_item_within_seven_days_is_returned_with_a_number(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=2))
    terms = await quote(shop, order)
    assert terms.eligible, terms.reasons
    assert terms.refund_amount == Decimal(300)
    assert terms.return_postage_payer == "customer"
    assert terms.seller_postage is None
    assert terms.refund_to == "original_payment"
    assert terms.return_address == shop.worker.policy.returns.address.one_line()
    refund = shop.worker.policy.returns.refund
    assert (terms.refund_process_days.min, terms.refund_process_days.max) == (
        refund.process_days.min,
        refund.process_days.max,
    )
    assert terms.deadline is not None  # seven days from delivery
    created = await create(shop, order, note="穿着偏小")
    assert isinstance(created, ReturnCreated), created
    record = created.record
    assert record.return_no.startswith("RT")
    assert record.state == "awaiting_return"
    assert record.refund_amount == Decimal(300)
    assert [(i.item_id, i.quantity) for i in record.items] == [(order.item_id, 1)]
    assert created.return_address == terms.return_address
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "blue"
    assert record.return_no in remark.content and "尺码不合适" in remark.content
    assert str(remark).count(" — ") == 2  # content — author — time


async def test_custom_made_is_never_refunded_and_a_supervisor_may_decide(shop, make_order):
    order = await make_order(kind="custom", delivered_ago=timedelta(hours=5))
    terms = await quote(shop, order)
    assert not terms.eligible
    assert terms.reasons == ["custom_no_return"]
    assert terms.needs_supervisor
    assert terms.items[0].kind == "custom"
    rejected = await create(shop, order)
    assert isinstance(rejected, ReturnRejected)
    assert rejected.reasons == ["custom_no_return"]
    assert await remarks_of(shop, order.order_no) == []


async def test_proxy_purchase_is_never_returned(shop, make_order):
    order = await make_order(kind="proxy", delivered_ago=timedelta(days=1))
    terms = await quote(shop, order)
    assert terms.reasons == ["proxy_no_return"]
    assert not terms.needs_supervisor


@pytest.mark.parametrize("kind", ["custom", "proxy", "regular"])
async def test_a_quality_problem_takes_any_kind_back_and_the_shop_pays_postage(
    shop, make_order, kind
):
    order = await make_order(kind=kind, delivered_ago=timedelta(days=20))
    terms = await quote(shop, order, cause="quality", fit_for_resale=False)
    assert terms.eligible, terms.reasons
    assert terms.return_postage_payer == "seller"
    assert terms.seller_postage == "reimbursed"
    created = await create(shop, order, cause="quality", fit_for_resale=False)
    assert isinstance(created, ReturnCreated)
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "red" and "收货后请核实" in remark.content


async def test_every_reason_is_listed_at_once(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=9))
    terms = await quote(shop, order, fit_for_resale=False)
    assert terms.reasons == ["window_expired", "not_fit_for_resale"]


@pytest.mark.parametrize(
    ("state", "delivered_ago", "reason"),
    [
        ("awaiting_payment", None, "order_not_paid"),
        ("paid", None, "not_delivered_yet"),
        ("shipped", None, "not_delivered_yet"),
        ("closed", None, "order_closed"),
    ],
)
async def test_the_order_state_decides(shop, make_order, state, delivered_ago, reason):
    order = await make_order(kind="regular", state=state, delivered_ago=delivered_ago)
    terms = await quote(shop, order)
    assert reason in terms.reasons and not terms.eligible


async def test_some_units_of_an_item_and_several_items_in_one_return(shop, make_order):
    order = await make_order(kind="regular", quantity=3, also=("regular",), postage=Decimal(12))
    first, second = order.item_ids
    lines = [ReturnLine(item_id=first, quantity=2), ReturnLine(item_id=second)]
    terms = await quote(shop, order, items=lines)
    assert terms.eligible
    assert terms.items_amount == Decimal(900)
    assert terms.postage_refund == Decimal(0)  # not the shop's fault: postage stays paid
    too_many = await quote(shop, order, items=[ReturnLine(item_id=first, quantity=4)])
    assert too_many.reasons == ["quantity_too_large"]
    created = await create(shop, order, items=lines)
    assert isinstance(created, ReturnCreated)
    assert created.record.refund_amount == Decimal(900)
    # The third unit cannot go back while that return is live: one live return per item.
    again = await quote(shop, order, items=[ReturnLine(item_id=first)])
    assert again.reasons == ["already_returned"]


async def test_the_whole_order_back_by_the_shops_fault_refunds_the_postage(shop, make_order):
    order = await make_order(kind="regular", postage=Decimal(12))
    terms = await quote(shop, order, cause="wrong_item")
    assert terms.postage_refund == Decimal(12)
    assert terms.refund_amount == Decimal(312)


async def test_two_items_for_two_causes_are_each_paid_as_their_cause_says(shop, make_order):
    """The trousers too small (her choice) and the shirt's seam open (the shop's fault), the
    whole order of ¥600 + ¥12 postage sent back in one return: ¥600 back and not the ¥12 (the
    trousers were delivered as ordered), the shirt's postage the shop's, the trousers' hers —
    and the record, the remark and the event say it per item. Before per-line causes the
    return had one cause and refunded the ¥12 with the postage back on the shop for both."""
    order = await make_order(kind="regular", also=("regular",), postage=Decimal(12))
    trousers, shirt = order.item_ids
    lines = [ReturnLine(item_id=trousers), ReturnLine(item_id=shirt, cause="quality")]
    terms = await quote(shop, order, items=lines, cause="size")
    assert terms.eligible, terms.reasons
    assert (terms.items_amount, terms.postage_refund, terms.refund_amount) == (
        Decimal(600),
        Decimal(0),
        Decimal(600),
    )
    by_item = {i.item_id: (i.cause, i.return_postage_payer) for i in terms.items}
    assert by_item == {trousers: ("size", "customer"), shirt: ("quality", "seller")}
    assert terms.return_postage_payer == "customer" and terms.seller_postage is None

    created = await create(shop, order, items=lines, cause="size")
    assert isinstance(created, ReturnCreated), created
    record = created.record
    assert record.refund_amount == Decimal(600) and record.postage_refund == Decimal(0)
    assert [(i.item_id, i.cause, i.return_postage_payer) for i in record.items] == [
        (trousers, "size", "customer"),
        (shirt, "quality", "seller"),
    ]
    async with shop.db.read() as session:
        rows = (
            await session.scalars(
                select(ReturnItem).join(Return).where(Return.return_no == record.return_no)
            )
        ).all()
    assert sorted((r.order_item_id, r.cause, r.return_postage_payer) for r in rows) == [
        (trousers, "size", "customer"),
        (shirt, "quality", "seller"),
    ]
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "red"  # an item of it is the shop's fault: checked on arrival
    assert "尺码不合适，运费由客户承担" in remark.content
    assert "质量问题，运费由本店承担，收货后请核实" in remark.content


async def test_the_shops_fault_for_every_item_still_refunds_the_orders_postage(shop, make_order):
    order = await make_order(kind="regular", also=("regular",), postage=Decimal(12))
    first, second = order.item_ids
    lines = [ReturnLine(item_id=first, cause="wrong_item"), ReturnLine(item_id=second)]
    terms = await quote(shop, order, items=lines, cause="quality")
    assert terms.postage_refund == Decimal(12) and terms.return_postage_payer == "seller"
    assert terms.seller_postage == "reimbursed"


async def test_the_rest_of_an_order_back_by_fault_after_her_own_return_keeps_the_postage(
    shop, make_order
):
    order = await make_order(kind="regular", also=("regular",), postage=Decimal(12))
    first, second = order.item_ids
    assert isinstance(
        await create(shop, order, items=[ReturnLine(item_id=first)], cause="size"), ReturnCreated
    )
    terms = await quote(shop, order, items=[ReturnLine(item_id=second)], cause="quality")
    assert terms.eligible and terms.postage_refund == Decimal(0)


async def test_a_return_of_schema_2_is_still_applied_and_answered_as_before(shop, make_order):
    """A bot of the version before (one cause, no per-line causes, header 2) during a deploy:
    its command is applied, not dead-lettered, and the reply has no field it doesn't know."""
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    request = return_request(order)
    assert CreateReturn.SCHEMA_VERSION == 3
    body = request.model_dump_json(exclude={"items": {0: {"cause"}}}).encode()
    raw = await shop.rpc._round_trip(
        request.METHOD, "command", body, schema=2, message_id=request.idempotency_key
    )
    data = json.loads(raw)
    assert data["kind"] == "return_created", data
    assert set(data["record"]["items"][0]) == {
        "item_id", "product_name", "sku", "size", "color", "quantity", "unit_price", "amount"
    }
    assert data["record"]["return_postage_payer"] == "customer"
    quote_body = return_request(order, QuoteReturn).model_dump_json(
        exclude={"items": {0: {"cause"}}}
    )
    terms = json.loads(
        await shop.rpc._round_trip("returns.quote", "query", quote_body.encode(), schema=2)
    )
    assert terms["kind"] == "return_quote" and terms["reasons"] == ["already_returned"]
    assert "cause" not in terms["items"][0] and "return_postage_payer" not in terms["items"][0]
    # version 3 has them
    current = await quote(shop, order)
    assert current.items[0].cause == "size"


async def test_an_item_not_in_the_order_is_refused_without_made_up_facts(shop, make_order):
    order = await make_order(kind="regular")
    other = await make_order(kind="regular")
    terms = await quote(shop, order, items=[ReturnLine(item_id=other.item_id)])
    assert terms.reasons == ["item_not_in_order"]
    assert terms.items[0].kind is None and terms.items[0].sku is None


async def test_a_returned_item_is_not_exchanged_and_an_exchanged_one_not_returned(shop, make_order):
    returned = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    assert isinstance(await create(shop, returned), ReturnCreated)
    exchange = await shop.rpc.call(exchange_request(returned))
    assert isinstance(exchange, ExchangeRejected)
    assert "already_returned" in exchange.reasons

    exchanged = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    assert (await shop.rpc.call(exchange_request(exchanged))).kind == "created"
    terms = await quote(shop, exchanged)
    assert terms.reasons == ["already_exchanged"]


async def test_a_redelivered_command_opens_one_return(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    request = return_request(order)
    first, second = await asyncio.gather(shop.rpc.call(request), shop.rpc.call(request))
    assert first == second and isinstance(first, ReturnCreated)
    async with shop.db.read() as session:
        count = len(
            (
                await session.scalars(
                    select(ReturnItem).where(ReturnItem.order_item_id == order.item_id)
                )
            ).all()
        )
    assert count == 1
    assert len(await remarks_of(shop, order.order_no)) == 1


async def test_two_returns_of_one_item_at_once_make_one(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    replies = await asyncio.gather(*(create(shop, order) for _ in range(4)))
    assert sum(isinstance(r, ReturnCreated) for r in replies) == 1
    rejected = [r for r in replies if isinstance(r, ReturnRejected)]
    assert all(r.reasons == ["already_returned"] for r in rejected)


async def test_the_database_keeps_one_live_return_per_item(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    created = await create(shop, order)
    assert isinstance(created, ReturnCreated)
    with pytest.raises(IntegrityError):
        async with shop.db.write() as session:
            record = await session.scalar(
                select(Return).where(Return.return_no == created.record.return_no)
            )
            session.add(
                ReturnItem(
                    return_id=record.id,
                    order_item_id=order.item_id,
                    quantity=1,
                    unit_price=Decimal(1),
                    amount=Decimal(1),
                    cause="size",
                    return_postage_payer="customer",
                )
            )
            await session.flush()


async def test_digits_read_the_terms_but_a_return_needs_the_contact(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    stranger = 6_000_000_000 + uuid4().int % 1000
    terms = await quote(shop, order, telegram_user_id=stranger)
    assert terms.eligible
    reply = await create(shop, order, telegram_user_id=stranger)
    assert reply == ContactRequired(reason="write")
    wrong = "0000" if order.phone[-4:] != "0000" else "1111"
    assert isinstance(
        await create(shop, order, telegram_user_id=stranger + 1, phone_last4=wrong),
        OrderNotFound,
    )


async def test_the_order_view_shows_the_item_as_returned(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    await create(shop, order)
    found = await shop.rpc.call(
        LookupOrder(order_no=order.order_no, telegram_user_id=order.telegram_user_id)
    )
    assert isinstance(found, OrderFound)
    assert found.order.items[0].returned
    assert found.order.returns == []  # not asked for: the look-up's hot path stays as it was


async def test_a_look_up_for_a_refund_has_the_orders_returns(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    created = await create(shop, order)
    assert isinstance(created, ReturnCreated)
    found = await shop.rpc.call(
        LookupOrder(
            order_no=order.order_no, telegram_user_id=order.telegram_user_id, with_returns=True
        )
    )
    assert isinstance(found, OrderFound)
    [record] = found.order.returns
    assert (record.return_no, record.state) == (created.record.return_no, "awaiting_return")
    assert record.refund_amount == created.record.refund_amount
    assert (record.return_tracking_no, record.received_at, record.refunded_at) == (None,) * 3
    # proven by the last four digits (the write path, then the read): the same
    stranger = order.telegram_user_id + 1
    by_digits = await shop.rpc.call(
        LookupOrder(
            order_no=order.order_no,
            telegram_user_id=stranger,
            phone_last4=order.phone[-4:],
            with_returns=True,
        )
    )
    assert isinstance(by_digits, OrderFound) and by_digits.order.returns == found.order.returns


async def test_an_item_listed_twice_is_bad_input():
    with pytest.raises(ValueError, match="listed twice"):
        QuoteReturn(
            order_no="KF20260001",
            telegram_user_id=1,
            items=[ReturnLine(item_id=1), ReturnLine(item_id=1, quantity=2)],
            cause="size",
            fit_for_resale=True,
        )


async def test_a_return_and_an_exchange_of_one_item_at_once_make_one_of_them(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    replies = await asyncio.gather(
        create(shop, order), shop.rpc.call(exchange_request(order)), create(shop, order)
    )
    made = [r for r in replies if r.kind in ("return_created", "created")]
    assert len(made) == 1, replies
    refused = [r for r in replies if r not in made]
    assert all(set(r.reasons) & {"already_returned", "already_exchanged"} for r in refused), refused


# ── returns.record_tracking ──────────────────────────────────────────────────────────────


def tracking(user_id: int, number: str, return_no: str | None = None, key: str | None = None):
    return RecordReturnTracking(
        idempotency_key=key or f"test-{uuid4().hex}",
        telegram_user_id=user_id,
        tracking_no=number,
        return_no=return_no,
    )


async def return_row(shop, return_no: str) -> Return:
    async with shop.db.read() as session:
        return (await session.scalars(select(Return).where(Return.return_no == return_no))).one()


async def test_a_returns_tracking_number_goes_on_the_customers_own_return(shop, make_order):
    """ "退货寄出了 SF…": the number on the customer's return waiting for its parcel, and a
    remark for the warehouse; again (a redelivery, or the same number) nothing new; another
    number replaces it, said."""
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    user = order.telegram_user_id
    none_yet = await shop.rpc.call(tracking(user, "SF1234567890"))
    assert none_yet == ReturnTrackingRefused(reason="no_open_return")
    created = await create(shop, order)
    return_no = created.record.return_no
    request = tracking(user, "SF1234567890")
    recorded = await shop.rpc.call(request)
    assert recorded == ReturnTrackingRecorded(
        return_no=return_no, order_no=order.order_no, tracking_no="SF1234567890"
    )
    assert await shop.rpc.call(request) == recorded  # redelivered: answered as before
    assert await shop.rpc.call(tracking(user, "SF1234567890")) == recorded  # the same number
    assert (await return_row(shop, return_no)).return_tracking_no == "SF1234567890"
    notes = [r.content for r in await remarks_of(shop, order.order_no) if "快递单号" in r.content]
    assert notes == [f"退货 {return_no} 客户已寄回，快递单号 SF1234567890"]
    other = await shop.rpc.call(tracking(user, "YT4300128865521"))
    assert other.replaced == "SF1234567890" and other.tracking_no == "YT4300128865521"
    assert (await return_row(shop, return_no)).return_tracking_no == "YT4300128865521"
    # someone else's Telegram account: not linked, never another customer's return
    stranger = await shop.rpc.call(tracking(9_000_000_001, "SF1234567890"))
    assert stranger == ReturnTrackingRefused(reason="not_linked")
    other_customer = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    theirs = await shop.rpc.call(
        tracking(other_customer.telegram_user_id, "SF5555555555", return_no=return_no)
    )
    assert theirs == ReturnTrackingRefused(reason="no_open_return")
    assert (await return_row(shop, return_no)).return_tracking_no == "YT4300128865521"


async def test_two_returns_waiting_ask_which_and_the_one_named_gets_it(shop, make_order):
    order = await make_order(kind="regular", also=("regular",), delivered_ago=timedelta(days=1))
    first, second = order.item_ids
    one = await create(shop, order, items=[ReturnLine(item_id=first)])
    two = await create(shop, order, items=[ReturnLine(item_id=second)])
    user = order.telegram_user_id
    which = await shop.rpc.call(tracking(user, "SF1234567890"))
    assert which.reason == "which_return"
    assert set(which.open_returns) == {one.record.return_no, two.record.return_no}
    named = await shop.rpc.call(tracking(user, "SF1234567890", return_no=one.record.return_no))
    assert named.return_no == one.record.return_no
    assert (await return_row(shop, two.record.return_no)).return_tracking_no is None


async def test_an_exchanges_parcel_gets_its_tracking_number_too(shop, make_order):
    """An exchange waits for the customer's parcel as a return does: the number goes on it
    (RMA…), and with a return waiting too the customer is asked which."""
    order = await make_order(
        kind="regular", also=("regular",), delivered_ago=timedelta(days=1), target_stock=3
    )
    exchange = await shop.rpc.call(exchange_request(order))
    rma_no = exchange.exchange.rma_no
    user = order.telegram_user_id
    recorded = await shop.rpc.call(tracking(user, "SF1234567890"))
    assert (recorded.return_no, recorded.exchange) == (rma_no, True)
    async with shop.db.read() as session:
        row = (await session.scalars(select(Exchange).where(Exchange.rma_no == rma_no))).one()
        assert row.return_tracking_no == "SF1234567890"
    back = await create(shop, order, items=[ReturnLine(item_id=order.item_ids[1])])
    which = await shop.rpc.call(tracking(user, "YT4300128865521"))
    assert which.reason == "which_return"
    assert which.open_returns == [back.record.return_no, rma_no]  # the newest first


# ── returns.keep_photo ───────────────────────────────────────────────────────────────────


def photo(user_id: int, unique: str, return_no: str | None = None, key: str | None = None,
          caption: str | None = None):
    return KeepReturnPhoto(
        idempotency_key=key or f"test-{uuid4().hex}",
        telegram_user_id=user_id,
        return_no=return_no,
        file_id=f"AgACAgIAAxkBAAI{unique}file",
        file_unique_id=unique,
        caption=caption,
    )


async def photos_of(shop, return_no: str) -> list[ReturnPhoto]:
    async with shop.db.read() as session:
        return list(
            (
                await session.scalars(
                    select(ReturnPhoto)
                    .join(Return, Return.id == ReturnPhoto.return_id)
                    .where(Return.return_no == return_no)
                    .order_by(ReturnPhoto.id)
                )
            ).all()
        )


async def test_a_photo_is_kept_with_her_return_once_and_the_agent_sees_it(shop, make_order):
    """A photo after her return is confirmed: kept on it (Telegram's reference, its caption,
    when); the same command redelivered, or the same photo sent again, keeps it once; the
    order's view with its returns lists it (where the agent sees the return)."""
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    user = order.telegram_user_id
    assert await shop.rpc.call(photo(user, "AQADa1")) == ReturnPhotoRefused(
        reason="no_open_return"
    )
    created = await create(shop, order)
    return_no = created.record.return_no
    request = photo(user, "AQADa1", caption="领口这里脱线了")
    kept = await shop.rpc.call(request)
    assert kept == ReturnPhotoKept(return_no=return_no, order_no=order.order_no, photos=1)
    assert await shop.rpc.call(request) == kept  # redelivered: applied once, answered as before
    again = await shop.rpc.call(photo(user, "AQADa1"))  # the same photo sent again
    assert (again.photos, again.already) == (1, True)
    second = await shop.rpc.call(photo(user, "AQADb2", return_no=return_no))
    assert (second.photos, second.already) == (2, False)
    rows = await photos_of(shop, return_no)
    assert [(r.file_unique_id, r.caption) for r in rows] == [
        ("AQADa1", "领口这里脱线了"),
        ("AQADb2", None),
    ]
    assert rows[0].received_at is not None
    found = await shop.rpc.call(
        LookupOrder(order_no=order.order_no, telegram_user_id=user, with_returns=True)
    )
    assert isinstance(found, OrderFound)
    [view] = found.order.returns
    assert [(p.file_id, p.caption) for p in view.photos] == [
        ("AgACAgIAAxkBAAIAQADa1file", "领口这里脱线了"),
        ("AgACAgIAAxkBAAIAQADb2file", None),
    ]
    # not hers: another customer naming this return, or a stranger, never reaches it
    other = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    theirs = await shop.rpc.call(photo(other.telegram_user_id, "AQADc3", return_no=return_no))
    assert theirs == ReturnPhotoRefused(reason="no_open_return")
    stranger = await shop.rpc.call(photo(9_000_000_002, "AQADc3"))
    assert stranger == ReturnPhotoRefused(reason="not_linked")
    assert len(await photos_of(shop, return_no)) == 2


async def test_two_live_returns_and_none_named_asks_which_for_the_photo(shop, make_order):
    order = await make_order(kind="regular", also=("regular",), delivered_ago=timedelta(days=1))
    first, second = order.item_ids
    one = await create(shop, order, items=[ReturnLine(item_id=first)])
    two = await create(shop, order, items=[ReturnLine(item_id=second)])
    user = order.telegram_user_id
    which = await shop.rpc.call(photo(user, "AQADd4"))
    assert which.reason == "which_return"
    assert which.open_returns == [two.record.return_no, one.record.return_no]  # newest first
    assert await photos_of(shop, one.record.return_no) == []
    named = await shop.rpc.call(photo(user, "AQADd4", return_no=one.record.return_no))
    assert (named.return_no, named.photos) == (one.record.return_no, 1)
    assert await photos_of(shop, two.record.return_no) == []


async def only_summary(shop, order):
    from bus.contracts import ListOrders, OrderList

    listed = await shop.rpc.call(ListOrders(telegram_user_id=order.telegram_user_id))
    assert isinstance(listed, OrderList)
    [summary] = listed.orders
    return summary


async def test_the_order_list_says_what_was_paid_the_return_window_and_the_newest_return(
    shop, make_order
):
    """orders.list (schema 3): what was paid (items + postage, for the agents' card), until
    when the order may be returned (the return list offers only those), and its newest return
    (a refund asked about offers only those)."""
    fresh = await make_order(
        kind="regular", state="shipped", delivered_ago=timedelta(days=2), postage=Decimal(12)
    )
    summary = await only_summary(shop, fresh)
    assert (summary.total, summary.postage) == (Decimal(300), Decimal(12))
    days = shop.worker.policy.returns.regular.return_days
    assert summary.delivered_at is not None
    assert summary.return_until == summary.delivered_at + timedelta(days=days)
    assert summary.latest_return is None
    created = await create(shop, fresh)
    assert isinstance(created, ReturnCreated)
    summary = await only_summary(shop, fresh)
    assert summary.latest_return is not None
    assert (summary.latest_return.return_no, summary.latest_return.state) == (
        created.record.return_no,
        "awaiting_return",
    )
    # custom-made items are never refunded without a fault: no return window
    custom = await only_summary(shop, await make_order(kind="custom", state="shipped"))
    assert custom.return_until is None and custom.delivered_at is not None
    # on its way: nothing to return yet
    on_its_way = await only_summary(
        shop, await make_order(kind="regular", state="shipped", delivered_ago=None)
    )
    assert on_its_way.return_until is None and on_its_way.delivered_at is None


async def test_the_order_list_says_until_when_each_kind_may_be_exchanged(shop, make_order):
    """orders.list (schema 4): until when the order may be exchanged, by its items' kinds —
    48 hours for custom-made items, 7 days for regular ones (the exchange rule's own windows),
    none for proxy purchases or before delivery (the exchange list offers only the others)."""
    rules = shop.worker.policy.returns
    for kind in ("custom", "regular"):
        summary = await only_summary(
            shop, await make_order(kind=kind, state="shipped", delivered_ago=timedelta(days=1))
        )
        hours = rules.kind_rule(kind).exchange_window_hours
        assert hours is not None and summary.delivered_at is not None
        assert summary.exchange_until == summary.delivered_at + timedelta(hours=hours)
    # a custom-made item with a regular one: the longer window, the regular one's
    both = await only_summary(
        shop, await make_order(kind="custom", state="shipped", also=("regular",))
    )
    assert both.delivered_at is not None and rules.regular.exchange_window_hours is not None
    assert both.exchange_until == both.delivered_at + timedelta(
        hours=rules.regular.exchange_window_hours
    )
    proxy = await only_summary(shop, await make_order(kind="proxy", state="shipped"))
    assert proxy.exchange_until is None and proxy.delivered_at is not None
    on_its_way = await only_summary(
        shop, await make_order(kind="custom", state="shipped", delivered_ago=None)
    )
    assert on_its_way.exchange_until is None
