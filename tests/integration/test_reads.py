"""The hot reads on SQLite's own driver (``SqliteReads``) give exactly what SQLAlchemy's
``Connection`` gives (``CoreReads``): every demo order's view, the catalogue rows, stock."""

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bus.settings import BusSettings
from worker import create_worker
from worker.db import queries
from worker.db.reads import CoreReads, SqliteReads
from worker.db.session import _sqlite_connection
from worker.seed import find_demo_orders
from worker.settings import WorkerSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_sqlite_reads_match_core_reads_on_the_demo_shop(tmp_path: Path):
    path = tmp_path / "shop.db"
    worker = create_worker(
        WorkerSettings(database_url=f"sqlite+aiosqlite:///{path}", bus=BusSettings(prefix="r"))
    )
    await worker.seed_demo()
    orders = await find_demo_orders(worker.db)
    await worker.db.dispose()
    policy, now = worker.policy, worker.service.clock()
    fast = SqliteReads(_sqlite_connection(str(path)))
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            core = CoreReads(connection)
            for order in orders:
                row_fast = queries.order_row(fast, order.order_no)
                row_core = queries.order_row(core, order.order_no)
                assert tuple(row_fast) == tuple(row_core)
                assert row_fast._mapping == dict(row_core._mapping)
                assert queries.order_view(
                    fast, row_fast, policy=policy, now=now
                ) == queries.order_view(core, row_core, policy=policy, now=now)
                found_fast = queries.lookup(fast, order.order_no, 7)
                found_core = queries.lookup(core, order.order_no, 7)
                assert found_fast is not None and found_core is not None
                assert tuple(found_fast[0]) == tuple(found_core[0])
                assert [tuple(r) for r in found_fast[1]] == [tuple(r) for r in found_core[1]]
                assert found_fast[1], order.order_no  # every demo order has items
            assert queries.order_row(fast, "KF00000000") is None
            assert queries.lookup(fast, "KF00000000", 7) is None
            assert [tuple(r) for r in queries.catalogue_rows(fast)] == [
                tuple(r) for r in queries.catalogue_rows(core)
            ]
            assert queries.catalogue_version(fast) == queries.catalogue_version(core)
            assert queries.variant_views(fast, 1) == queries.variant_views(core, 1)
    finally:
        fast.connection.close()
        engine.dispose()
