"""Reads on the hot path, as prebuilt Core statements returning rows instead of ORM objects.

An order look-up is the bot's most frequent question, and one statement answers it
(``lookup``): the order with its customer's Telegram id, the phone it was placed with and
whether the asker proved its last four digits before (enough to authorise), joined to its
items with variant, product and whether an exchange or a return is live. One statement reads
one snapshot on its own, so it runs outside a transaction (``Database.run_statement``); the
returns, asked for with a refund, take two more inside one. Every read runs through a
:class:`worker.db.reads.Reads`: on the ``sqlite3`` connection itself on SQLite, on a Core
``Connection`` on PostgreSQL. The order's view is built as plain data (``order_view_data``)
and validated once, as the whole reply.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bus import contracts as c
from shop.enums import ItemKind
from shop.masking import mask_phone
from shop.policy import ReturnsPolicy, ShopPolicy
from worker.db.models import (
    CatalogueState,
    Customer,
    Exchange,
    Order,
    OrderItem,
    OrderProof,
    Product,
    Return,
    ReturnItem,
    ReturnPhoto,
    Variant,
    live_exchange,
)
from worker.db.reads import Reads
from worker.order_rules import OrderTimes, delivery_due_by, dispatch_due_by, order_attention
from worker.return_rules import return_deadline
from worker.rules import address_refusal, exchange_deadline, mask_address, mask_name

# Built once with bind parameters (compiled once for SQLite by SqliteReads): no ORM execution
# layer and no cache key to compute per call.
_ORDER = (
    select(Order.__table__, Customer.telegram_user_id.label("owner_telegram_id"))
    .join(Customer, Customer.id == Order.customer_id)
    .where(Order.order_no == bindparam("order_no"))
)
_ITEM_COLUMNS = (
    OrderItem.id.label("item_id"),
    OrderItem.price,
    OrderItem.quantity,
    Variant.product_id,
    Variant.sku,
    Variant.size,
    Variant.color,
    Product.name,
    Product.name_en,
    Product.kind,
    exists().where(Exchange.order_item_id == OrderItem.id, live_exchange()).label("exchanged"),
    exists()
    .where(
        ReturnItem.order_item_id == OrderItem.id,
        ReturnItem.return_id == Return.id,
        Return.state != "cancelled",
    )
    .label("returned"),
)
_ITEMS = (
    select(*_ITEM_COLUMNS)
    .join(Variant, Variant.id == OrderItem.variant_id)
    .join(Product, Product.id == Variant.product_id)
    .where(OrderItem.order_id == bindparam("order_id"))
    .order_by(OrderItem.id)
)
# An order look-up in one statement: the order with what authorises it (its customer's
# Telegram id, the phone it was placed with, whether the asker proved its digits before) and
# its items, one row per item (one row with NULL items for an order without any). One
# statement reads one snapshot on its own, on either database: no transaction around it.
_LOOKUP = (
    select(
        Order.id,
        Order.order_no,
        Order.state,
        Order.created_at,
        Order.paid_at,
        Order.shipped_at,
        Order.delivered_at,
        Order.completed_at,
        Order.closed_at,
        Order.total,
        Order.postage,
        Order.receiver_name,
        Order.receiver_phone,
        Order.placed_phone,
        Order.province,
        Order.city,
        Order.district,
        Order.address,
        Order.courier,
        Order.tracking_no,
        Order.buyer_message,
        Customer.telegram_user_id.label("owner_telegram_id"),
        exists()
        .where(
            OrderProof.telegram_user_id == bindparam("telegram_user_id"),
            OrderProof.order_no == Order.order_no,
        )
        .label("proven"),
        *_ITEM_COLUMNS,
    )
    .select_from(Order)
    .join(Customer, Customer.id == Order.customer_id)
    .outerjoin(OrderItem, OrderItem.order_id == Order.id)
    .outerjoin(Variant, Variant.id == OrderItem.variant_id)
    .outerjoin(Product, Product.id == Variant.product_id)
    .where(Order.order_no == bindparam("order_no"))
    .order_by(OrderItem.id)
)

_RETURNS = (
    select(
        Return.return_no,
        Return.state,
        Return.created_at,
        Return.refund_amount,
        Return.return_tracking_no,
        Return.received_at,
        Return.refunded_at,
        Return.return_postage_payer,
        Return.refusal,
    )
    .where(Return.order_id == bindparam("order_id"))
    .order_by(Return.created_at.desc(), Return.id.desc())
)
_RETURN_ITEMS = (
    select(
        Return.return_no,
        Product.name,
        Product.name_en,
        Variant.size,
        Variant.color,
        ReturnItem.quantity,
        ReturnItem.cause,
        ReturnItem.return_postage_payer,
    )
    .join(Return, Return.id == ReturnItem.return_id)
    .join(OrderItem, OrderItem.id == ReturnItem.order_item_id)
    .join(Variant, Variant.id == OrderItem.variant_id)
    .join(Product, Product.id == Variant.product_id)
    .where(Return.order_id == bindparam("order_id"))
    .order_by(ReturnItem.id)
)
_RETURN_PHOTOS = (
    select(
        Return.return_no,
        ReturnPhoto.file_id,
        ReturnPhoto.caption,
        ReturnPhoto.received_at,
    )
    .join(Return, Return.id == ReturnPhoto.return_id)
    .where(Return.order_id == bindparam("order_id"))
    .order_by(ReturnPhoto.received_at, ReturnPhoto.id)
)


@overload
def aware(dt: datetime) -> datetime: ...
@overload
def aware(dt: None) -> None: ...
def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; everything we store is UTC."""
    if dt is None or dt.tzinfo is not None:
        return dt
    return dt.replace(tzinfo=UTC)


async def latest_returns(
    session: AsyncSession, order_ids: list[int]
) -> dict[int, c.OrderReturnBrief]:
    """Each order's newest return that is not cancelled (one statement for a whole list)."""
    if not order_ids:
        return {}
    rows = await session.execute(
        select(
            Return.order_id, Return.return_no, Return.state, Return.created_at, Return.refunded_at
        )
        .where(Return.order_id.in_(order_ids), Return.state != "cancelled")
        .order_by(Return.created_at.desc(), Return.id.desc())
    )
    latest: dict[int, c.OrderReturnBrief] = {}
    for row in rows:
        latest.setdefault(
            row.order_id,
            c.OrderReturnBrief(
                return_no=row.return_no,
                state=row.state,
                created_at=aware(row.created_at),
                refunded_at=aware(row.refunded_at),
            ),
        )
    return latest


def return_until(order: Order, policy: ShopPolicy) -> datetime | None:
    """Until when an item of a delivered order may be sent back for a refund without the shop
    at fault: the longest return window of its items' kinds, from delivery (the rule
    ``return_rules.decide_return`` applies); None when nothing in it is returned that way."""
    return _latest_window(order, policy, return_deadline)


def exchange_until(order: Order, policy: ShopPolicy) -> datetime | None:
    """Until when an item of a delivered order may be exchanged without a quality problem: the
    longest exchange window of its items' kinds, from delivery (the rule
    ``rules.decide_exchange`` applies); None when nothing in it has a window (proxy)."""
    return _latest_window(order, policy, exchange_deadline)


def _latest_window(
    order: Order,
    policy: ShopPolicy,
    deadline_of: Callable[[ItemKind, datetime | None, ReturnsPolicy], datetime | None],
) -> datetime | None:
    """The latest of the order's items' deadlines by ``deadline_of`` (its kind's window from
    delivery); None before delivery, for a closed order, or when no item has one."""
    delivered = aware(order.delivered_at)
    if delivered is None or order.state == "closed":
        return None
    deadlines = [
        deadline
        for item in order.items
        if (deadline := deadline_of(item.variant.product.kind, delivered, policy.returns))
    ]
    return max(deadlines, default=None)


def order_summary(
    order: Order, policy: ShopPolicy, latest_return: c.OrderReturnBrief | None = None
) -> c.OrderSummary:
    """One line of a customer's order list (its items loaded): what was paid, when it was
    delivered, until when it may be returned or exchanged, and its newest return
    (``latest_returns``)."""
    products = [item.variant.product for item in order.items]
    return c.OrderSummary(
        order_no=order.order_no,
        state=order.state,
        created_at=aware(order.created_at),
        total=order.total,
        postage=order.postage,
        delivered_at=aware(order.delivered_at),
        return_until=return_until(order, policy),
        exchange_until=exchange_until(order, policy),
        latest_return=latest_return,
        item_count=sum(item.quantity for item in order.items),
        first_item_name=products[0].name if products else "",
        item_names=[p.name for p in products],
        item_names_en=[p.name_en or "" for p in products],
    )


def order_row(reads: Reads, order_no: str) -> Any:
    """The order's row with ``owner_telegram_id``, or ``None``."""
    return reads.first(_ORDER, {"order_no": order_no})


def lookup(reads: Reads, order_no: str, telegram_user_id: int) -> tuple[Any, list[Any]] | None:
    """The order (its row: ``owner_telegram_id``, ``placed_phone``, ``proven`` for
    ``telegram_user_id``) and its items' rows, in one statement; ``None`` for no such order.
    The first row is the order's; every row is one item's (no rows for an order without
    items)."""
    rows = reads.all(_LOOKUP, {"order_no": order_no, "telegram_user_id": telegram_user_id})
    if not rows:
        return None
    return rows[0], rows if rows[0].item_id is not None else []


def order_view(
    reads: Reads, order: Any, *, policy: ShopPolicy, now: datetime, with_returns: bool = False
) -> c.OrderView:
    """The order as the bot sees it (receiver masked), with the due dates and the attention
    flags the worker decides from ``policy`` at ``now`` (and its returns, ``with_returns``:
    three more statements, only when a refund is asked about or an agent opens the order)."""
    items = reads.all(_ITEMS, {"order_id": order.id})
    returns = returns_data(reads, order.id) if with_returns else []
    return c.OrderView.model_validate(
        order_view_data(order, items, policy=policy, now=now, returns=returns)
    )


def returns_data(reads: Reads, order_id: int) -> list[dict[str, Any]]:
    """The order's returns, newest first, each with its photos (oldest first) and its items
    with their causes, as the plain data of ``OrderReturnView``."""
    photos: dict[str, list[dict[str, Any]]] = {}
    for row in reads.all(_RETURN_PHOTOS, {"order_id": order_id}):
        photos.setdefault(row.return_no, []).append(
            {"file_id": row.file_id, "caption": row.caption, "received_at": aware(row.received_at)}
        )
    items: dict[str, list[dict[str, Any]]] = {}
    for row in reads.all(_RETURN_ITEMS, {"order_id": order_id}):
        items.setdefault(row.return_no, []).append(
            {
                "product_name": row.name,
                "product_name_en": row.name_en or "",
                "size": row.size,
                "color": row.color,
                "quantity": row.quantity,
                "cause": row.cause,
                "return_postage_payer": row.return_postage_payer,
            }
        )
    return [
        {
            "return_no": row.return_no,
            "state": row.state,
            "created_at": aware(row.created_at),
            "refund_amount": row.refund_amount,
            "return_tracking_no": row.return_tracking_no,
            "received_at": aware(row.received_at),
            "refunded_at": aware(row.refunded_at),
            "refusal": row.refusal,
            "photos": photos.get(row.return_no, []),
            "return_postage_payer": row.return_postage_payer,
            "items": items.get(row.return_no, []),
        }
        for row in reads.all(_RETURNS, {"order_id": order_id})
    ]


def order_view_data(
    order: Any,
    items: list[Any],
    *,
    policy: ShopPolicy,
    now: datetime,
    returns: list[dict[str, Any]],
) -> dict[str, Any]:
    """The plain data of the order's ``OrderView`` (``order``: a row of ``_ORDER`` or
    ``_LOOKUP``; ``items``: rows with the item columns), validated once by whoever makes the
    model of it: one validation of the whole reply instead of one per nested model (the
    items', the flags', the view's, the reply's), with the same checks and the same bytes."""
    paid_at = aware(order.paid_at)
    shipped_at = aware(order.shipped_at)
    delivered_at = aware(order.delivered_at)
    times = OrderTimes(
        state=order.state,
        kinds=frozenset([item.kind for item in items]),
        paid_at=paid_at,
        shipped_at=shipped_at,
        delivered_at=delivered_at,
        courier=order.courier,
    )
    return {
        "order_no": order.order_no,
        "state": order.state,
        "created_at": aware(order.created_at),
        "paid_at": paid_at,
        "shipped_at": shipped_at,
        "delivered_at": delivered_at,
        "completed_at": aware(order.completed_at),
        "closed_at": aware(order.closed_at),
        "total": order.total,
        "postage": order.postage,
        "items": [
            {
                "item_id": item.item_id,
                "product_id": item.product_id,
                "product_name": item.name,
                "product_name_en": item.name_en or "",
                "kind": item.kind,
                "sku": item.sku,
                "size": item.size,
                "color": item.color,
                "price": item.price,
                "quantity": item.quantity,
                "exchanged": bool(item.exchanged),
                "returned": bool(item.returned),
            }
            for item in items
        ],
        "courier": order.courier,
        "tracking_no": order.tracking_no,
        "receiver_name_masked": mask_name(order.receiver_name),
        "phone_masked": mask_phone(order.receiver_phone),
        "province": order.province,
        "city": order.city,
        "district": order.district,
        "address_masked": mask_address(order.address, city=order.city, district=order.district),
        "buyer_message": order.buyer_message,
        "address_refusal": address_refusal(order.state),
        "dispatch_due_by": dispatch_due_by(times, policy),
        "delivery_due_by": delivery_due_by(times, policy),
        "attention": [
            {
                "code": flag.code,
                "due_by": flag.due_by,
                "days_late": flag.days_late,
                "seller_pays_postage": flag.seller_pays_postage,
            }
            for flag in order_attention(times, policy, now)
        ],
        "returns": returns,
    }


def order_view_by_no(
    reads: Reads, order_no: str, *, policy: ShopPolicy, now: datetime, with_returns: bool = False
) -> c.OrderView:
    row = order_row(reads, order_no)
    assert row is not None, order_no
    return order_view(reads, row, policy=policy, now=now, with_returns=with_returns)


# ── the product catalogue (worker/catalogue.py) ──────────────────────────────────────────

_CATALOGUE_VERSION = select(CatalogueState.version).where(CatalogueState.id == 1)
_PRODUCTS = select(
    Product.id,
    Product.name,
    Product.name_en,
    Product.aliases,
    Product.kind,
    Product.category,
    Product.price,
    Product.special_price,
    Product.description,
    Product.material,
    Product.composition,
    Product.care,
    Product.size_chart,
).order_by(Product.id)
_VARIANTS = (
    select(Variant.sku, Variant.size, Variant.color, Variant.stock)
    .where(Variant.product_id == bindparam("product_id"))
    .order_by(Variant.id)
)


def catalogue_version(reads: Reads) -> int | None:
    """The counter the ``products`` triggers bump; None when its row is missing."""
    version: int | None = reads.scalar(_CATALOGUE_VERSION)
    return version


def catalogue_rows(reads: Reads) -> list[Any]:
    return reads.all(_PRODUCTS)


def variant_views(reads: Reads, product_id: int) -> list[c.VariantView]:
    return [
        c.VariantView(sku=v.sku, size=v.size, color=v.color, stock=v.stock)
        for v in reads.all(_VARIANTS, {"product_id": product_id})
    ]
