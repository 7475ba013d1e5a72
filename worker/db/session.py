"""Engines and transactions.

Hot reads (``Database.run_read``) are plain functions of a synchronous Core ``Connection``.
On SQLite they run inline, on one held connection of the standard ``sqlite3`` driver: an
order look-up is a few indexed point reads (about 0.3 ms) in WAL mode, where readers never
wait for writers. Measured in benchmarks/bench_bus.py, the alternatives cost more than the
work: aiosqlite hops to its thread for every cursor call (some 25 per look-up), and one hop
per read through ``asyncio.to_thread`` makes the event loop queue for the GIL behind the
reading thread after every socket call. On PostgreSQL the same function runs on the async
engine through ``run_sync``.

SQLite (the default and the demo shop) allows one writer at a time. Write transactions start
with ``BEGIN IMMEDIATE`` so that two writers never both read and then fail to upgrade their
lock, and inside one process they queue on an asyncio lock instead of SQLite's sleeping busy
handler; other processes wait on ``busy_timeout``. Readers use WAL and never block.
PostgreSQL needs none of this: the same code runs there with the database's own locking.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine: AsyncEngine = self._engine(url, echo=echo, immediate=False)
        self.write_engine: AsyncEngine = (
            self._engine(url, echo=echo, immediate=True) if self.is_sqlite else self.engine
        )
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._sync_engine: Engine | None = None
        self._read_connection: Connection | None = None
        if self.is_sqlite:
            self._sync_engine = create_engine(
                make_url(url).set(drivername="sqlite"),
                echo=echo,
                connect_args={"timeout": 30, "check_same_thread": False},
            )
            _configure_sqlite(self._sync_engine, immediate=False)

    def _engine(self, url: str, *, echo: bool, immediate: bool) -> AsyncEngine:
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        engine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(engine, immediate=immediate)
        return engine

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read() as session:
            yield session

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session in one write transaction: committed on success, rolled back on error."""
        lock = self._write_lock or contextlib.nullcontext()
        async with lock, self._write() as session, session.begin():
            yield session

    async def run_read(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(connection, *args)`` in one read transaction; see the module docstring."""
        if self._sync_engine is not None:
            return self._read_inline(fn, *args)
        async with self.engine.connect() as connection:
            return await connection.run_sync(fn, *args)

    def _read_inline(self, fn: Callable[..., T], *args: Any) -> T:
        assert self._sync_engine is not None
        if self._read_connection is None or self._read_connection.invalidated:
            self._read_connection = self._sync_engine.connect()
        try:
            with self._read_connection.begin():
                return fn(self._read_connection, *args)
        except Exception:
            self._read_connection.close()
            self._read_connection = None
            raise

    async def dispose(self) -> None:
        if self._read_connection is not None:
            self._read_connection.close()
            self._read_connection = None
        if self._sync_engine is not None:
            self._sync_engine.dispose()
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()


def _configure_sqlite(engine: AsyncEngine | Engine, *, immediate: bool) -> None:
    # SQLAlchemy's recipe for taking BEGIN out of the driver's hands (pysqlite/aiosqlite).
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine

    @event.listens_for(sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
