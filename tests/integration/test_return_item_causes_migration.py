"""Migration 0007_return_item_causes: on a database of 0006_return_photos (SQLite and
PostgreSQL) each returned item gets its own cause and postage payer, filled for the returns
made before from their return's (one cause per return then); the schema is then exactly the
models', the partial unique index one live return per item still holds (and only for live
rows), and a downgrade takes the columns away again with the items kept."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.integration.conftest import postgres_database
from worker.db.migrate import alembic_config, upgrade
from worker.db.models import Base
from worker.db.session import Database

pytestmark = pytest.mark.asyncio(loop_scope="session")

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

_ROWS = [
    "INSERT INTO customers (id, name, phone, created_at) VALUES (1, '林', '13800000001', :at)",
    "INSERT INTO products (id, name, kind, price, special_price, description, material, "
    "size_chart, name_en, aliases, category, composition, care) VALUES (1, '阔腿裤', 'regular', "
    "300, false, '', '', '[]', 'Wide-leg trousers', '[]', 'trousers', '[]', '[]')",
    "INSERT INTO variants (id, product_id, sku, size, color, stock, held) VALUES "
    "(1, 1, 'KT-M', 'M', '黑色', 3, 0), (2, 1, 'KT-L', 'L', '黑色', 3, 0)",
    "INSERT INTO orders (id, order_no, customer_id, state, created_at, total, postage, "
    "receiver_name, receiver_phone, placed_phone, province, address) VALUES (1, 'KF20260001', 1, "
    "'shipped', "
    ":at, 600, 12, '林', '13800000001', '13800000001', '江苏', '示范路 1 号')",
    "INSERT INTO order_items (id, order_id, variant_id, price, quantity) VALUES "
    "(1, 1, 1, 300, 1), (2, 1, 2, 300, 1)",
    "INSERT INTO returns (id, return_no, order_id, cause, note, fit_for_resale, state, "
    "items_amount, postage_refund, refund_amount, refund_to, return_postage_payer, created_at) "
    "VALUES (1, 'RT2026120100001', 1, 'quality', '', true, 'refunded', 300, 0, 300, "
    "'original_payment', 'seller', :at), (2, 'RT2026120100002', 1, 'size', '', true, "
    "'awaiting_return', 300, 0, 300, 'original_payment', 'customer', :at)",
    "INSERT INTO return_items (id, return_id, order_item_id, quantity, unit_price, amount, live) "
    "VALUES (1, 1, 1, 1, 300, 300, false), (2, 2, 2, 1, 300, 300, true)",
]


async def _check(db: Database) -> None:
    await upgrade(db, "0006_return_photos")
    async with db.write_engine.begin() as connection:
        for statement in _ROWS:
            await connection.execute(text(statement), {"at": AT} if ":at" in statement else {})
    await upgrade(db)
    await upgrade(db)  # a second start changes nothing

    async with db.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
        assert diff == []
        rows = (
            await connection.execute(
                text("SELECT id, cause, return_postage_payer FROM return_items ORDER BY id")
            )
        ).all()
    assert [tuple(r) for r in rows] == [(1, "quality", "seller"), (2, "size", "customer")]

    insert = (
        "INSERT INTO return_items (id, return_id, order_item_id, quantity, unit_price, amount, "
        "live, cause, return_postage_payer) VALUES (:id, :r, :item, 1, 300, 300, :live, :cause, "
        "'customer')"
    )
    # a refunded item may come back again (the index is partial) …
    async with db.write_engine.begin() as connection:
        await connection.execute(
            text(insert), {"id": 3, "r": 2, "item": 1, "live": False, "cause": "size"}
        )
    # … a second live return of an item may not, and a cause must be one of ours
    for values in (
        {"id": 4, "r": 1, "item": 2, "live": True, "cause": "size"},
        {"id": 5, "r": 1, "item": 1, "live": False, "cause": "too_ugly"},
    ):
        with pytest.raises(IntegrityError):
            async with db.write_engine.begin() as connection:
                await connection.execute(text(insert), values)

    def down(sync) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = sync
        command.downgrade(config, "0006_return_photos")

    async with db.write_engine.begin() as connection:
        await connection.run_sync(down)

    def columns(sync) -> set[str]:
        return {c["name"] for c in inspect(sync).get_columns("return_items")}

    async with db.engine.connect() as connection:
        assert {"cause", "return_postage_payer"}.isdisjoint(await connection.run_sync(columns))
        count = await connection.scalar(text("SELECT count(*) FROM return_items"))
    assert count == 3
    await db.dispose()


async def test_return_item_causes_migration_on_sqlite(tmp_path):
    await _check(Database(f"sqlite+aiosqlite:///{tmp_path / 'causes.db'}"))


async def test_return_item_causes_migration_on_postgresql():
    name = f"kefu_test_{uuid4().hex[:12]}"
    url = await postgres_database(name)
    try:
        await _check(Database(url))
    finally:
        await postgres_database(name, drop=True)
