"""A real worker on the real broker for integration tests, and shop situations made to order.

``shop`` is one seeded demo shop per test module (its own database and bus prefix), once on
SQLite (the default) and once on PostgreSQL (production): every integration test runs on
both. The PostgreSQL server is the one ``scripts/postgres.sh`` runs (``scripts/test.sh`` starts
it); ``KEFU_TEST_POSTGRES_URL`` points elsewhere. Each shop gets a database of its own.
``make_order`` adds an order in exactly the situation a test needs, so that no rule test
depends on what the seed happened to generate.

The demo shop is migrated and seeded once per run and database kind (``SeededTemplates``),
and every shop starts from a copy of it: a SQLite file copied, a PostgreSQL database created
``TEMPLATE`` the seeded one. The seed lays the shop out to stay valid for a day after it was
made (``worker.seed.FRESH_FOR``), so a copy made later in the run is the same shop a fresh seed
would be. A worker whose policy lays the demo out differently is seeded as before.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bus.contracts import CreateExchange, QuoteExchange
from bus.rpc import RpcClient
from bus.settings import BusSettings
from tests.support.topology import new_prefix
from worker import Worker, create_worker
from worker.db.models import Customer, Order, OrderItem, Product, Variant
from worker.service import utcnow
from worker.settings import WorkerSettings


@dataclass
class Shop:
    worker: Worker
    rpc: RpcClient

    @property
    def db(self):
        return self.worker.db


POSTGRES_URL = os.environ.get(
    "KEFU_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5433/postgres"
)


async def postgres_database(name: str, *, drop: bool = False, template: str | None = None) -> str:
    """Create (or drop) database ``name`` on the test server (a copy of database ``template``
    when given); returns its URL."""
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            if drop:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            elif template:
                await connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            else:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        pytest.fail(
            f"PostgreSQL not reachable at {POSTGRES_URL} ({exc}); run scripts/postgres.sh start",
            pytrace=False,
        )
    finally:
        await admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


class SeededTemplates:
    """The demo shop migrated and seeded once per run: a SQLite file to copy, and a PostgreSQL
    database to create others from (``TEMPLATE``), for the default policy's timing."""

    def __init__(self) -> None:
        self._directory: Path | None = None
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self._timing = None

    def timing(self):
        if self._timing is None:
            self._timing = create_worker(WorkerSettings()).timing
        return self._timing

    async def _seed(self, database_url: str) -> None:
        worker = create_worker(WorkerSettings(database_url=database_url))
        try:
            await worker.seed_demo()
        finally:
            await worker.db.dispose()

    async def sqlite_copy(self, target: Path) -> None:
        """``target``: a copy of the seeded SQLite shop (seeded on first use)."""
        if self._sqlite is None:
            self._directory = Path(tempfile.mkdtemp(prefix="kefu-template-"))
            atexit.register(shutil.rmtree, self._directory, True)
            path = self._directory / "shop.db"
            await self._seed(f"sqlite+aiosqlite:///{path}")
            self._sqlite = path
        source = sqlite3.connect(self._sqlite)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # whole and consistent, whatever is still in the WAL
        finally:
            copy.close()
            source.close()

    async def postgres_template(self) -> str:
        """The name of the seeded PostgreSQL database to create shops from."""
        if self._postgres is None:
            name = f"kefu_template_{uuid4().hex[:12]}"
            await self._seed(await postgres_database(name))
            self._postgres = name
        return self._postgres

    async def drop(self) -> None:
        if self._postgres is not None:
            await postgres_database(self._postgres, drop=True)
            self._postgres = None


TEMPLATES = SeededTemplates()


async def start_shop(
    amqp_url: str, directory: Path, database_url: str | None = None, **overrides
) -> Shop:
    """A worker on its own database and bus prefix, serving the demo shop. With no
    ``database_url``, a SQLite file in ``directory`` (a copy of the seeded template when
    there is none yet and the policy lays the demo out as the default one does)."""
    settings = WorkerSettings(
        database_url=database_url or f"sqlite+aiosqlite:///{directory / 'shop.db'}",
        bus=BusSettings(amqp_url=amqp_url, prefix=new_prefix()),
        **overrides,
    )
    worker = create_worker(settings)
    target = directory / "shop.db"
    if database_url is None and not target.exists() and worker.timing == TEMPLATES.timing():
        await TEMPLATES.sqlite_copy(target)
    else:
        await worker.seed_demo()  # a database of the caller's, or a policy of its own
    await worker.start()
    rpc = RpcClient(amqp_url, timeout=10, topology=worker.topology)
    await rpc.connect(wait=10)
    assert rpc.connected, "the RPC client could not connect"
    return Shop(worker, rpc)


async def stop_shop(shop: Shop, amqp_connection) -> None:
    """Stop the worker and delete its queues and exchanges (also when stopping failed)."""
    try:
        await shop.rpc.close()
        await shop.worker.stop()
    finally:
        channel = await amqp_connection.channel()
        await shop.worker.topology.delete(channel)
        await channel.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def seeded_templates() -> AsyncIterator[SeededTemplates]:
    """``TEMPLATES``, its PostgreSQL template dropped when the run ends."""
    try:
        yield TEMPLATES
    finally:
        await TEMPLATES.drop()


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["sqlite", "postgresql"])
async def shop(
    request, amqp_url, amqp_connection, tmp_path_factory, seeded_templates
) -> AsyncIterator[Shop]:
    database = None
    if request.param == "postgresql":
        database = f"kefu_test_{uuid4().hex[:12]}"
        url = await postgres_database(
            database, template=await seeded_templates.postgres_template()
        )
        shop = await start_shop(amqp_url, tmp_path_factory.mktemp("shop"), database_url=url)
    else:
        shop = await start_shop(amqp_url, tmp_path_factory.mktemp("shop"))
    try:
        yield shop
    finally:
        await stop_shop(shop, amqp_connection)
        if database:
            await postgres_database(database, drop=True)


_phones = itertools.count(1)


@dataclass(frozen=True)
class MadeOrder:
    order_no: str
    phone: str
    item_id: int
    product_id: int
    size: str
    color: str
    telegram_user_id: int | None = None
    """The Telegram user linked to the order's customer (its verified owner), if any."""
    item_ids: tuple[int, ...] = ()
    """Every item of the order, the first one first."""


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def make_order(shop: Shop):
    """``await make_order(kind=..., state=..., ...)``: see ``create_order``."""

    async def make(**kwargs) -> MadeOrder:
        return await create_order(shop, **kwargs)

    return make


async def create_order(
    shop: Shop,
    *,
    kind: str = "custom",
    state: str = "shipped",
    delivered_ago: timedelta | None = timedelta(hours=5),
    size: str = "M",
    target_stock: int | None = None,
    target_size: str = "L",
    telegram_user_id: int | None = None,
    linked: bool = True,
    product_id: int | None = None,
    quantity: int = 1,
    postage: Decimal = Decimal(0),
    also: tuple[str | int, ...] = (),
    paid_ago: timedelta = timedelta(days=10),
    shipped_ago: timedelta = timedelta(days=8),
    courier: str | None = None,
    province: str = "江苏",
) -> MadeOrder:
    """A fresh customer with one order of one item of ``kind`` (``quantity`` units, 300 yuan
    each), in ``state``. When ``target_stock`` is given, the same colour in ``target_size`` gets
    exactly that stock. ``also``: the kinds of further items, one unit each, each of a product
    of its own (or a product's id: an item of that product). ``paid_ago`` / ``shipped_ago``:
    when it was paid and shipped (for the states that have those times); ``courier`` and a
    tracking number when shipped.

    The customer is linked to ``telegram_user_id`` (a fresh id of their own by default, so that
    writes have a verified owner to come from); ``linked=False`` leaves them unlinked."""
    now = utcnow()
    n = next(_phones)
    if telegram_user_id is None and linked:
        telegram_user_id = 8_000_000_000 + n * 1000 + uuid4().int % 1000
    async with shop.db.write() as session:

        async def new_product(kind: str) -> Product:
            product = Product(
                name=f"测试商品{uuid4().hex[:6]}",
                kind=kind,
                category="tops",
                price=Decimal(300),
                size_chart=[],
            )
            for s in ("S", "M", "L", "XL"):
                for color in ("黑色", "白色"):
                    product.variants.append(
                        Variant(sku=f"T{uuid4().hex[:10]}-{s}", size=s, color=color, stock=5)
                    )
            session.add(product)
            await session.flush()
            return product

        if product_id is None:
            product = await new_product(kind)
        else:
            product = await session.get(Product, product_id)
        variant = next(v for v in product.variants if v.size == size)
        if target_stock is not None:
            target = next(
                v for v in product.variants if v.size == target_size and v.color == variant.color
            )
            target.stock = target_stock
        phone = f"188{n:04d}{uuid4().int % 10000:04d}"
        customer = Customer(
            name="测试", phone=phone, telegram_user_id=telegram_user_id, created_at=now
        )
        session.add(customer)
        await session.flush()
        paid = state not in ("awaiting_payment",)
        shipped = state in ("shipped", "completed")
        order = Order(
            order_no=f"KF{90000000 + n * 100 + uuid4().int % 100:08d}",
            customer_id=customer.id,
            state=state,
            created_at=now - max(paid_ago, timedelta(days=10)),
            paid_at=now - paid_ago if paid else None,
            shipped_at=now - shipped_ago if shipped else None,
            delivered_at=(now - delivered_ago) if delivered_ago is not None else None,
            total=Decimal(300) * (quantity + len(also)),
            postage=postage,
            receiver_name="测试",
            receiver_phone=phone,
            province=province,
            address="南京市玄武区测试路 1 号",
            courier=(courier or "中通") if shipped else None,
            tracking_no=f"75{n:012d}" if shipped else None,
        )
        order.items.append(
            OrderItem(variant_id=variant.id, price=Decimal(300), quantity=quantity)
        )
        for other_kind in also:
            other = (
                await session.get(Product, other_kind)
                if isinstance(other_kind, int)
                else await new_product(other_kind)
            )
            other_variant = next(v for v in other.variants if v.size == size)
            order.items.append(OrderItem(variant_id=other_variant.id, price=Decimal(300)))
        session.add(order)
        await session.flush()
        return MadeOrder(
            order.order_no,
            phone,
            order.items[0].id,
            product.id,
            size,
            "黑色",
            telegram_user_id,
            tuple(item.id for item in order.items),
        )


def exchange_request(order: MadeOrder, kind: type = CreateExchange, **overrides):
    """An exchange request (quote or command) for ``order``'s item from its verified owner,
    for a size L, the item fit for resale; ``overrides`` change any field."""
    fields = dict(
        order_no=order.order_no,
        telegram_user_id=order.telegram_user_id or 1,
        phone_last4=order.phone[-4:],
        item_id=order.item_id,
        new_size="L",
        fit_for_resale=True,
    )
    if kind is CreateExchange:
        fields["idempotency_key"] = f"test-{uuid4().hex}"
    fields.update(overrides)
    return kind(**fields)


def quote_request(order: MadeOrder, **overrides) -> QuoteExchange:
    return exchange_request(order, QuoteExchange, **overrides)
