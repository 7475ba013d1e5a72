"""Migration 0002_sec on a database that already holds orders, on SQLite and PostgreSQL: the
orders, their items and remarks stay, ``placed_phone`` is backfilled from the receiver's
phone, and the downgrade takes it all back out."""

from __future__ import annotations

from uuid import uuid4

import pytest
from alembic import command
from sqlalchemy import text

from tests.integration.conftest import postgres_database
from worker.db.migrate import alembic_config, upgrade
from worker.db.session import Database

pytestmark = pytest.mark.asyncio(loop_scope="session")

ROWS = [
    "INSERT INTO customers (id, name, phone, created_at) "
    "VALUES (1, '王', '13911112222', '2026-01-01 00:00:00+00')",
    "INSERT INTO orders (id, order_no, customer_id, state, created_at, total, postage, "
    "receiver_name, receiver_phone, province, address) VALUES (1, 'KF20260001', 1, 'paid', "
    "'2026-01-01 00:00:00+00', 10, 0, '王', '13733334444', '江苏', '南京市')",
    "INSERT INTO remarks (order_id, content, author, flag, created_at) "
    "VALUES (1, '包裹内不放价格单', '客服', 'red', '2026-01-01 00:00:00+00')",
    "INSERT INTO processed_commands (key, method, reply, created_at) "
    "VALUES ('old-key-1', 'tickets.open', '{}', '2026-01-01 00:00:00+00')",
]


async def downgrade(db: Database, revision: str) -> None:
    def run(connection) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with db.write_engine.begin() as connection:
        await connection.run_sync(run)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        return
    name = f"kefu_test_{uuid4().hex[:12]}"
    url = await postgres_database(name)
    try:
        yield url
    finally:
        await postgres_database(name, drop=True)


async def test_existing_orders_keep_and_get_the_phone_they_were_placed_with(database_url):
    db = Database(database_url)
    try:
        await upgrade(db, "0002_demo")
        async with db.write() as session:
            for row in ROWS:
                await session.execute(text(row))
        await upgrade(db)
        async with db.read() as session:
            query = text("SELECT order_no, placed_phone FROM orders")
            orders = (await session.execute(query)).all()
            remarks = await session.scalar(text("SELECT count(*) FROM remarks"))
            legacy = await session.scalar(
                text("SELECT request_hash FROM processed_commands WHERE key = 'old-key-1'")
            )
        assert orders == [("KF20260001", "13733334444")]
        assert remarks == 1
        assert legacy is None  # older keys are checked by method only
        await downgrade(db, "0002_demo")
        await upgrade(db)
        async with db.read() as session:
            again = await session.scalar(text("SELECT placed_phone FROM orders"))
        assert again == "13733334444"
    finally:
        await db.dispose()
