"""Migration 0006_return_photos: on a database of 0005_ops (SQLite and PostgreSQL) it adds the
table of a return's photos, exactly as the models describe it, with the same photo kept once
per return; downgraded, the table is gone and 0005's schema is intact."""

from __future__ import annotations

from uuid import uuid4

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tests.integration.conftest import postgres_database
from worker.db.migrate import alembic_config, upgrade
from worker.db.models import Base
from worker.db.session import Database

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _check(db: Database) -> None:
    await upgrade(db, "0005_ops")

    def tables(sync) -> set[str]:
        return set(inspect(sync).get_table_names())

    async with db.engine.connect() as connection:
        before = await connection.run_sync(tables)
    assert "return_photos" not in before and "returns" in before
    await upgrade(db)
    await upgrade(db)  # a second start changes nothing

    def unique_indexes(sync) -> dict[str, list[str]]:
        return {
            index["name"]: list(index["column_names"])
            for index in inspect(sync).get_indexes("return_photos")
            if index["unique"]
        }

    async with db.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
        assert diff == []
        assert await connection.run_sync(unique_indexes) == {
            "one_photo_per_return": ["return_id", "file_unique_id"]
        }

    def down(sync) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = sync
        command.downgrade(config, "0005_ops")

    async with db.write_engine.begin() as connection:
        await connection.run_sync(down)
    async with db.engine.connect() as connection:
        assert await connection.run_sync(tables) == before
    await db.dispose()


async def test_return_photos_migration_on_sqlite(tmp_path):
    await _check(Database(f"sqlite+aiosqlite:///{tmp_path / 'photos.db'}"))


async def test_return_photos_migration_on_postgresql():
    name = f"kefu_test_{uuid4().hex[:12]}"
    url = await postgres_database(name)
    try:
        await _check(Database(url))
    finally:
        await postgres_database(name, drop=True)
