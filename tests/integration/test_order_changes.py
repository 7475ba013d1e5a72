"""Changes before shipping, requests to the warehouse, invoice requests and the order view's
flags, on the bus against the real worker."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import select

from bus.contracts import (
    AddressChanged,
    AddressChangeRefused,
    CancelOrder,
    CancelRefused,
    ChangeAddress,
    ContactRequired,
    CourierRequestRecorded,
    CourierRequestRefused,
    InvoiceRefused,
    InvoiceRequested,
    ItemModified,
    ItemModifyRefused,
    LookupOrder,
    ModifyItem,
    OrderCancelled,
    OrderFound,
    OrderUrged,
    RequestCourier,
    RequestInvoice,
    UrgeOrder,
    UrgeRefused,
)
from worker.db.models import InvoiceRequest, Order, Refund, Remark, Variant

pytestmark = pytest.mark.asyncio(loop_scope="session")

UNSHIPPED = dict(state="paid", delivered_ago=None, paid_ago=timedelta(hours=5))


def command(kind, order, **fields):
    base = dict(
        idempotency_key=f"test-{uuid4().hex}",
        order_no=order.order_no,
        telegram_user_id=order.telegram_user_id,
        phone_last4=order.phone[-4:],
    )
    base.update(fields)
    return kind(**base)


async def db_order(shop, order_no: str) -> Order:
    async with shop.db.read() as session:
        return await session.scalar(select(Order).where(Order.order_no == order_no))


async def remarks_of(shop, order_no: str) -> list[Remark]:
    order = await db_order(shop, order_no)
    async with shop.db.read() as session:
        return list(
            (await session.scalars(select(Remark).where(Remark.order_id == order.id))).all()
        )


async def stock(shop, product_id: int, size: str, color: str = "黑色") -> int:
    async with shop.db.read() as session:
        return await session.scalar(
            select(Variant.stock).where(
                Variant.product_id == product_id, Variant.size == size, Variant.color == color
            )
        )


async def look(shop, order) -> OrderFound:
    found = await shop.rpc.call(
        LookupOrder(order_no=order.order_no, telegram_user_id=order.telegram_user_id)
    )
    assert isinstance(found, OrderFound)
    return found


# ── orders.modify_item ───────────────────────────────────────────────────────────────────


async def test_an_unshipped_items_size_changes_and_stock_moves(shop, make_order):
    order = await make_order(kind="regular", quantity=2, **UNSHIPPED)
    before_new, before_old = (
        await stock(shop, order.product_id, "L"),
        await stock(shop, order.product_id, "M"),
    )
    reply = await shop.rpc.call(command(ModifyItem, order, item_id=order.item_id, new_size="L"))
    assert isinstance(reply, ItemModified), reply
    assert [(i.size, i.color, i.quantity) for i in reply.order.items] == [("L", "黑色", 2)]
    assert await stock(shop, order.product_id, "L") == before_new - 2
    assert await stock(shop, order.product_id, "M") == before_old + 2
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "purple" and "M → 黑色/L" in remark.content


async def test_a_colour_change_alone(shop, make_order):
    order = await make_order(kind="custom", **UNSHIPPED)
    reply = await shop.rpc.call(command(ModifyItem, order, item_id=order.item_id, new_color="白色"))
    assert isinstance(reply, ItemModified)
    assert (reply.order.items[0].size, reply.order.items[0].color) == ("M", "白色")


async def test_not_enough_stock_refuses_and_changes_nothing(shop, make_order):
    order = await make_order(kind="regular", quantity=2, target_stock=1, **UNSHIPPED)
    reply = await shop.rpc.call(command(ModifyItem, order, item_id=order.item_id, new_size="L"))
    assert reply == ItemModifyRefused(reasons=["out_of_stock"])
    assert await stock(shop, order.product_id, "L") == 1
    assert await remarks_of(shop, order.order_no) == []


async def test_the_last_unit_goes_to_one_customer_only(shop, make_order):
    first = await make_order(kind="regular", target_stock=1, **UNSHIPPED)
    second = await make_order(kind="regular", product_id=first.product_id, **UNSHIPPED)
    replies = await asyncio.gather(
        shop.rpc.call(command(ModifyItem, first, item_id=first.item_id, new_size="L")),
        shop.rpc.call(command(ModifyItem, second, item_id=second.item_id, new_size="L")),
    )
    assert sorted(type(r).__name__ for r in replies) == ["ItemModified", "ItemModifyRefused"]
    assert await stock(shop, first.product_id, "L") == 0


@pytest.mark.parametrize(
    ("state", "delivered_ago", "reason"),
    [
        ("awaiting_payment", None, "order_not_paid"),
        ("shipped", None, "already_shipped"),
        ("completed", timedelta(days=2), "already_shipped"),
        ("closed", None, "order_closed"),
    ],
)
async def test_sizes_change_only_while_paid_and_unshipped(
    shop, make_order, state, delivered_ago, reason
):
    order = await make_order(kind="regular", state=state, delivered_ago=delivered_ago)
    reply = await shop.rpc.call(command(ModifyItem, order, item_id=order.item_id, new_size="L"))
    assert isinstance(reply, ItemModifyRefused) and reply.reasons == [reason]


async def test_a_proxy_purchase_goes_to_a_person_and_every_reason_is_listed(shop, make_order):
    order = await make_order(kind="proxy", **UNSHIPPED)
    reply = await shop.rpc.call(command(ModifyItem, order, item_id=order.item_id, new_size="M"))
    assert reply == ItemModifyRefused(reasons=["proxy_item", "same_variant"], needs_supervisor=True)


async def test_a_size_the_product_does_not_have(shop, make_order):
    order = await make_order(kind="regular", **UNSHIPPED)
    reply = await shop.rpc.call(command(ModifyItem, order, item_id=order.item_id, new_size="XXS"))
    assert reply == ItemModifyRefused(reasons=["variant_not_found"])


async def test_a_change_by_digits_alone_asks_for_the_contact(shop, make_order):
    order = await make_order(kind="regular", **UNSHIPPED)
    reply = await shop.rpc.call(
        command(
            ModifyItem, order, telegram_user_id=7_000_000_001, item_id=order.item_id, new_size="L"
        )
    )
    assert reply == ContactRequired(reason="write")


# ── orders.cancel ────────────────────────────────────────────────────────────────────────


async def test_an_unpaid_order_is_closed_as_cancelled_by_the_buyer(shop, make_order):
    order = await make_order(kind="regular", state="awaiting_payment", delivered_ago=None)
    before = await stock(shop, order.product_id, "M")
    reply = await shop.rpc.call(command(CancelOrder, order))
    assert isinstance(reply, OrderCancelled)
    assert reply.order.state == "closed" and reply.refund is None
    saved = await db_order(shop, order.order_no)
    assert saved.close_reason == "buyer_cancelled" and saved.closed_at is not None
    assert await stock(shop, order.product_id, "M") == before + 1
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "blue"


async def test_a_paid_unshipped_order_is_closed_with_a_refund(shop, make_order):
    order = await make_order(kind="regular", quantity=2, postage=Decimal(12), **UNSHIPPED)
    reply = await shop.rpc.call(command(CancelOrder, order, note="拍错了"))
    assert isinstance(reply, OrderCancelled)
    assert reply.refund is not None
    assert reply.refund.refund_no.startswith("RF")
    assert reply.refund.amount == Decimal(612)  # what was paid: items and postage
    assert reply.refund.refund_to == "original_payment"
    assert reply.refund_arrival_days is not None
    saved = await db_order(shop, order.order_no)
    assert saved.close_reason == "refunded_before_shipping"
    async with shop.db.read() as session:
        refunds = (await session.scalars(select(Refund).where(Refund.order_id == saved.id))).all()
    assert [(r.amount, r.cause, r.state) for r in refunds] == [
        (Decimal(612), "cancelled", "pending")
    ]
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "red" and "请勿发货" in remark.content and "拍错了" in remark.content


async def test_a_shipped_order_is_not_cancelled_the_way_forward_is_a_return(shop, make_order):
    order = await make_order(kind="regular", state="shipped", delivered_ago=None)
    reply = await shop.rpc.call(command(CancelOrder, order))
    assert reply == CancelRefused(reason="already_shipped", next_step="return_after_delivery")
    closed = await make_order(kind="regular", state="closed", delivered_ago=None)
    assert await shop.rpc.call(command(CancelOrder, closed)) == CancelRefused(reason="order_closed")


async def test_cancelling_twice_with_one_key_refunds_once(shop, make_order):
    order = await make_order(kind="regular", **UNSHIPPED)
    request = command(CancelOrder, order)
    first, second = await asyncio.gather(shop.rpc.call(request), shop.rpc.call(request))
    assert first == second
    again = await shop.rpc.call(command(CancelOrder, order))  # a new key: the order is closed
    assert again == CancelRefused(reason="order_closed")
    saved = await db_order(shop, order.order_no)
    async with shop.db.read() as session:
        assert (
            len((await session.scalars(select(Refund).where(Refund.order_id == saved.id))).all())
            == 1
        )


# ── orders.request_courier ───────────────────────────────────────────────────────────────


async def test_sf_on_request_is_recorded_for_the_warehouse_to_confirm(shop, make_order):
    order = await make_order(kind="regular", **UNSHIPPED)
    reply = await shop.rpc.call(command(RequestCourier, order, courier="sf"))
    assert reply == CourierRequestRecorded(courier="sf", extra_cost=True)
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "blue" and "顺丰" in remark.content and "待仓库确认" in remark.content


async def test_courier_requests_that_cannot_be_recorded(shop, make_order):
    shipped = await make_order(kind="regular", state="shipped", delivered_ago=None)
    reply = await shop.rpc.call(command(RequestCourier, shipped, courier="sf"))
    assert reply == CourierRequestRefused(reasons=["already_shipped"])
    hong_kong = await make_order(kind="regular", province="香港", **UNSHIPPED)
    reply = await shop.rpc.call(command(RequestCourier, hong_kong, courier="default"))
    assert reply == CourierRequestRefused(reasons=["not_for_region"])
    reply = await shop.rpc.call(command(RequestCourier, hong_kong, courier="sf"))
    assert reply == CourierRequestRefused(reasons=["same_courier"])


# ── orders.urge and the flags ────────────────────────────────────────────────────────────


async def test_an_overdue_order_is_flagged_and_urged_once_a_day(shop, make_order):
    order = await make_order(
        kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(days=35)
    )
    view = (await look(shop, order)).order
    [flag] = view.attention
    assert flag.code == "dispatch_overdue"
    assert flag.days_late == 32  # promised within 3 days
    assert not flag.seller_pays_postage
    assert view.dispatch_due_by == flag.due_by
    first = await shop.rpc.call(command(UrgeOrder, order))
    assert isinstance(first, OrderUrged)
    assert (first.stage, first.overdue, first.already_today) == ("dispatch", True, False)
    second = await shop.rpc.call(command(UrgeOrder, order))
    assert isinstance(second, OrderUrged) and second.already_today
    assert second.urged_at == first.urged_at
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "red" and "催发货" in remark.content


async def test_a_late_proxy_purchase_moves_the_postage_to_the_shop(shop, make_order):
    within = await make_order(
        kind="proxy", state="paid", delivered_ago=None, paid_ago=timedelta(days=12)
    )
    assert (await look(shop, within)).order.attention == []  # pre-order: within 15 days
    late = await make_order(
        kind="proxy", state="paid", delivered_ago=None, paid_ago=timedelta(days=20)
    )
    [flag] = (await look(shop, late)).order.attention
    assert flag.code == "dispatch_overdue" and flag.seller_pays_postage


async def test_long_in_transit_is_flagged_by_the_couriers_usual_time(shop, make_order):
    order = await make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        shipped_ago=timedelta(days=26),
        courier="顺丰",
    )
    view = (await look(shop, order)).order
    [flag] = view.attention
    assert flag.code == "transit_overdue"
    assert flag.days_late == 22  # SF: 3–4 days
    assert view.delivery_due_by == flag.due_by
    urged = await shop.rpc.call(command(UrgeOrder, order))
    assert isinstance(urged, OrderUrged) and urged.stage == "delivery" and urged.overdue
    on_time = await make_order(
        kind="regular", state="shipped", delivered_ago=None, shipped_ago=timedelta(days=1)
    )
    view = (await look(shop, on_time)).order
    assert view.attention == [] and view.delivery_due_by is not None


async def test_nothing_to_urge_once_delivered_or_before_payment(shop, make_order):
    delivered = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    assert await shop.rpc.call(command(UrgeOrder, delivered)) == UrgeRefused(
        reason="already_delivered"
    )
    unpaid = await make_order(kind="regular", state="awaiting_payment", delivered_ago=None)
    assert await shop.rpc.call(command(UrgeOrder, unpaid)) == UrgeRefused(reason="order_not_paid")


# ── invoices.request ─────────────────────────────────────────────────────────────────────


async def test_a_company_invoice_is_recorded_with_title_and_tax_number(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    reply = await shop.rpc.call(
        command(
            RequestInvoice,
            order,
            title_type="company",
            title="杭州可芙贸易有限公司",
            tax_no="91350100M000100Y43",
        )
    )
    assert isinstance(reply, InvoiceRequested), reply
    assert reply.invoice.invoice_no.startswith("INV")
    assert reply.invoice.tax_no_masked == "****0Y43"
    async with shop.db.read() as session:
        saved = await session.scalar(
            select(InvoiceRequest).where(InvoiceRequest.invoice_no == reply.invoice.invoice_no)
        )
    assert (saved.title, saved.tax_no, saved.state) == (
        "杭州可芙贸易有限公司",
        "91350100M000100Y43",
        "requested",
    )
    assert saved.amount == Decimal(300)
    again = await shop.rpc.call(command(RequestInvoice, order, title_type="personal", title="张三"))
    assert again == InvoiceRefused(
        reasons=["already_requested"], existing_invoice_no=reply.invoice.invoice_no
    )
    [remark] = await remarks_of(shop, order.order_no)
    assert "杭州可芙" not in remark.content  # the title stays in the request, not the remark


async def test_invoice_requests_that_are_refused(shop, make_order):
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    bad = await shop.rpc.call(
        command(
            RequestInvoice, order, title_type="company", title="某公司", tax_no="91350100M000100Y44"
        )
    )
    # (session 12) what is wrong with it is said: 18 characters, its check character off
    assert bad == InvoiceRefused(reasons=["tax_no_invalid"], tax_no_problem="check_character")
    unpaid = await make_order(kind="regular", state="awaiting_payment", delivered_ago=None)
    reply = await shop.rpc.call(
        command(RequestInvoice, unpaid, title_type="personal", title="张三")
    )
    assert reply == InvoiceRefused(reasons=["order_not_paid"])
    # a valid number on an order that can't have an invoice: never named a reason
    company = dict(title_type="company", title="某公司")
    valid = await shop.rpc.call(
        command(RequestInvoice, unpaid, **company, tax_no="91350100M000100Y43")
    )
    assert valid == InvoiceRefused(reasons=["order_not_paid"]) and valid.tax_no_problem is None
    short = await shop.rpc.call(
        command(RequestInvoice, order, **company, tax_no="9135010012345678")
    )
    assert short == InvoiceRefused(reasons=["tax_no_invalid"], tax_no_problem="length")


# ── orders.change_address, in parts ──────────────────────────────────────────────────────


async def test_a_new_address_in_parts_with_a_new_receiver(shop, make_order):
    order = await make_order(kind="regular", **UNSHIPPED)
    reply = await shop.rpc.call(
        command(
            ChangeAddress,
            order,
            receiver_name="张三",
            receiver_phone="13812345678",
            province="浙江省",
            city="杭州市",
            district="西湖区",
            street="文三路 100 号 5 幢 301",
        )
    )
    assert isinstance(reply, AddressChanged)
    view = reply.order
    assert (view.province, view.city, view.district) == ("浙江", "杭州市", "西湖区")
    assert view.address_masked == "杭州市西湖区****"
    assert view.receiver_name_masked == "张*" and view.phone_masked == "138****5678"
    assert "文三路" not in reply.model_dump_json() and "13812345678" not in reply.model_dump_json()
    saved = await db_order(shop, order.order_no)
    assert saved.address == "杭州市西湖区文三路 100 号 5 幢 301"
    assert (saved.receiver_name, saved.receiver_phone) == ("张三", "13812345678")
    assert saved.placed_phone == order.phone  # the proof does not move with the parcel
    [remark] = await remarks_of(shop, order.order_no)
    assert remark.flag == "red" and "文三路" not in remark.content
    assert not reply.region_changed  # 江苏 → 浙江: both 江浙沪皖
    # The customer's own last four digits still open the order.
    found = await shop.rpc.call(
        LookupOrder(
            order_no=order.order_no, telegram_user_id=7_000_000_002, phone_last4=order.phone[-4:]
        )
    )
    assert isinstance(found, OrderFound)


async def test_an_address_in_another_postage_region_is_flagged_for_the_warehouse(shop, make_order):
    order = await make_order(kind="regular", **UNSHIPPED)
    reply = await shop.rpc.call(
        command(
            ChangeAddress,
            order,
            province="新疆",
            city="乌鲁木齐市",
            district="天山区",
            street="解放北路 8 号",
        )
    )
    assert isinstance(reply, AddressChanged) and reply.region_changed
    [remark] = await remarks_of(shop, order.order_no)
    assert "运费" in remark.content


async def test_a_province_nobody_knows_is_not_stored(shop, make_order):
    order = await make_order(kind="regular", **UNSHIPPED)
    reply = await shop.rpc.call(
        command(ChangeAddress, order, province="火星", street="奥林匹斯山 1 号")
    )
    assert reply == AddressChangeRefused(reason="unknown_region")
    assert (await db_order(shop, order.order_no)).province == "江苏"


# ── tickets for what a person decides ────────────────────────────────────────────────────


@pytest.mark.parametrize("reason", ["not_received", "gift", "discount"])
async def test_requests_only_a_person_may_grant_open_tickets(shop, make_order, reason):
    from bus.contracts import OpenTicket, TicketOpened, TranscriptLine
    from worker.db.models import Ticket
    from worker.service import utcnow

    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    chat = 9_000_000_000 + uuid4().int % 10**6
    line = TranscriptLine(role="bot", text="中通 750000000001 显示已签收", at=utcnow())
    reply = await shop.rpc.call(
        OpenTicket(
            idempotency_key=f"test-{uuid4().hex}",
            telegram_user_id=order.telegram_user_id,
            chat_id=chat,
            reason=reason,
            order_no=order.order_no,
            transcript=[line],
        )
    )
    assert isinstance(reply, TicketOpened)
    async with shop.db.read() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.ticket_no == reply.ticket_no))
    assert (ticket.reason, ticket.order_no) == (reason, order.order_no)
    assert "750000000001" in ticket.transcript[0]["text"]
