"""Migration 0003_desk: the schema matches the models on PostgreSQL too, and a database from
before the desk keeps its tickets (open ones wait; a chat with two live ones keeps its newest)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from tests.integration.conftest import postgres_database
from worker.db.migrate import upgrade
from worker.db.models import Base
from worker.db.session import Database

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _old_tickets(db: Database) -> None:
    await upgrade(db, "0004_jobs")
    opened = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    async with db.write_engine.begin() as connection:
        for n, chat in enumerate((1, 1, 2), 1):
            await connection.execute(
                text(
                    "INSERT INTO tickets (ticket_no, telegram_user_id, chat_id, customer_name, "
                    "reason, state, opened_at, transcript, attachments) VALUES "
                    "(:no, :chat, :chat, '', 'other', 'open', :at, '[]', '[]')"
                ),
                {"no": f"T2026113000{n:03d}", "chat": chat, "at": opened},
            )


async def _check(db: Database) -> None:
    await _old_tickets(db)
    await upgrade(db)
    await upgrade(db)  # a second start changes nothing
    async with db.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
        assert diff == []
        rows = (
            await connection.execute(text("SELECT ticket_no, state FROM tickets ORDER BY id"))
        ).all()
    assert [tuple(row) for row in rows] == [
        ("T2026113000001", "closed"),
        ("T2026113000002", "waiting"),
        ("T2026113000003", "waiting"),
    ]
    await db.dispose()


async def test_desk_migration_on_sqlite(tmp_path):
    await _check(Database(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"))


async def test_desk_migration_on_postgresql():
    name = f"kefu_test_{uuid4().hex[:12]}"
    url = await postgres_database(name)
    try:
        await _check(Database(url))
    finally:
        await postgres_database(name, drop=True)
