"""The Alembic history builds exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from worker.db.migrate import upgrade
from worker.db.models import Base
from worker.db.session import Database

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_migrations_match_the_models(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade(db)
    await upgrade(db)  # idempotent: a second start changes nothing

    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    def tables(connection):
        return set(inspect(connection).get_table_names())

    async with db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []
        assert {t.name for t in Base.metadata.sorted_tables} <= await connection.run_sync(tables)
    await db.dispose()
