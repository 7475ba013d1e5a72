"""Engines and transactions.

Hot reads (``Database.run_read``) are plain functions of a :class:`worker.db.reads.Reads`,
which runs the prebuilt Core statements of ``worker/db/queries.py``. On SQLite they run
inline, on one held connection of the standard ``sqlite3`` driver (``SqliteReads``: each
statement compiled once, no SQLAlchemy execution layer per call): an order look-up is a few
indexed point reads, about 0.03 ms of SQL, in WAL mode, where readers never wait for
writers. Measured in benchmarks/bench_bus.py, the alternatives cost more than the work:
aiosqlite hops to its thread for every cursor call (some 25 per look-up), and one hop per read
through ``asyncio.to_thread`` makes the event loop queue for the GIL behind the reading thread
after every socket call. On PostgreSQL the same function runs on the async engine through
``run_sync`` (``CoreReads``), on a connection in autocommit: PostgreSQL's READ COMMITTED gives
each statement its own snapshot inside a transaction as outside one, so ``BEGIN`` and
``ROLLBACK`` only cost two of a read's round trips (a look-up is one statement: with the pool's
ping, two round trips) — and under a loaded machine every round trip waits for the worker and
the database server to be scheduled (the load run of issue 12). A read of one statement
(``Database.run_statement``, the order look-up) needs no transaction on SQLite either: it
runs without ``BEGIN`` and ``COMMIT``.

SQLite (the default and the demo shop) allows one writer at a time. Write transactions start
with ``BEGIN IMMEDIATE`` so that two writers never both read and then fail to upgrade their
lock, and inside one process they queue on an asyncio lock instead of SQLite's sleeping busy
handler; other processes wait on ``busy_timeout``. Readers use WAL and never block.
PostgreSQL needs none of this: the same code runs there with the database's own locking.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from worker.db.reads import CoreReads, SqliteReads

T = TypeVar("T")


class Database:
    def __init__(self, url: str, *, echo: bool = False, busy_timeout: float = 30.0) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.busy_timeout = busy_timeout
        self.engine: AsyncEngine = self._engine(url, echo=echo, immediate=False)
        self.write_engine: AsyncEngine = (
            self._engine(url, echo=echo, immediate=True) if self.is_sqlite else self.engine
        )
        # Hot reads on PostgreSQL: no BEGIN/ROLLBACK (see the module docstring); same pool.
        self._reads_engine: AsyncEngine = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._sqlite_path = make_url(url).database if self.is_sqlite else None
        self._sqlite_reads: SqliteReads | None = None

    def _engine(self, url: str, *, echo: bool, immediate: bool) -> AsyncEngine:
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": self.busy_timeout}
        else:
            kwargs.update(
                pool_size=10,
                max_overflow=10,
                pool_pre_ping=True,
                # A database that does not answer fails the request in seconds (the worker
                # then answers "unavailable" or keeps the command), not at the caller's deadline.
                pool_timeout=5,
                connect_args={"timeout": 5},
            )
        engine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(engine, immediate=immediate, busy_timeout=self.busy_timeout)
        return engine

    @property
    def missing(self) -> bool:
        """A SQLite database whose file does not exist (yet). Commands that only read ask
        first: opening it would create an empty file, or — its folder missing too — fail
        inside aiosqlite's connect, whose thread may then outlive the command's event loop
        and print a traceback of its own."""
        path = self._sqlite_path
        return path is not None and path not in ("", ":memory:") and not os.path.exists(path)

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
        """``fn(reads, *args)`` in one read transaction; see the module docstring."""
        if self._sqlite_path is not None:
            return self._read_inline(fn, *args)
        async with self._reads_engine.connect() as connection:
            return await connection.run_sync(lambda sync: fn(CoreReads(sync), *args))

    async def run_statement(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(reads, *args)`` for a read of exactly one statement, which reads one snapshot
        on its own: on SQLite without ``BEGIN`` and ``COMMIT`` around it (two statements of the
        three a look-up would otherwise send; a second statement raises), on PostgreSQL as
        ``run_read``."""
        if self._sqlite_path is not None:
            return self._read_inline(fn, *args, transaction=False)
        return await self.run_read(fn, *args)

    async def read_in(self, session: AsyncSession, fn: Callable[..., T], *args: Any) -> T:
        """``fn(reads, *args)`` inside ``session``'s transaction (a write that is not
        committed yet: its own changes are seen)."""
        connection = await session.connection()
        return await connection.run_sync(lambda sync: fn(CoreReads(sync), *args))

    def _read_inline(self, fn: Callable[..., T], *args: Any, transaction: bool = True) -> T:
        reads = self._sqlite_reads
        if reads is None:
            assert self._sqlite_path is not None
            reads = self._sqlite_reads = SqliteReads(
                _sqlite_connection(self._sqlite_path, self.busy_timeout)
            )
        connection = reads.connection
        try:
            if not transaction:
                return reads.one_statement(fn, *args)
            connection.execute("BEGIN")
            try:
                return fn(reads, *args)
            finally:
                connection.execute("COMMIT")
        except sqlite3.Error:
            # A broken connection is not kept: the next read opens a fresh one.
            with contextlib.suppress(sqlite3.Error):
                connection.close()
            self._sqlite_reads = None
            raise

    async def dispose(self) -> None:
        if self._sqlite_reads is not None:
            self._sqlite_reads.connection.close()
            self._sqlite_reads = None
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()


def _sqlite_connection(path: str, busy_timeout: float = 30.0) -> sqlite3.Connection:
    """The readers' connection: autocommit mode (we say BEGIN and COMMIT), WAL."""
    connection = sqlite3.connect(
        path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )
    _sqlite_pragmas(connection, busy_timeout)
    return connection


def _sqlite_pragmas(connection: Any, busy_timeout: float) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    cursor.close()


def unavailable(exc: BaseException) -> str | None:
    """What made the database unreachable, or kept it locked past the busy timeout, in words
    fit for a log line (error types and the driver's own message: never a statement's
    parameters); ``None`` for any other error (a bug, a constraint: not worth retrying).

    SQLite: "database is locked" (another process held the write lock), "unable to open
    database file", disk I/O errors. PostgreSQL: refused or lost connections, a server
    shutting down or starting up, a full connection pool.
    """
    if isinstance(exc, sa_exc.DBAPIError):
        if not isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) and not (
            exc.connection_invalidated
        ):
            return None
        orig = exc.orig
        detail = str(orig).strip().splitlines()[0][:160] if orig is not None else ""
        return f"{type(exc).__name__}/{type(orig).__name__}: {detail}"
    if isinstance(exc, sa_exc.TimeoutError):
        return "the connection pool stayed full"
    if isinstance(exc, sqlite3.OperationalError):
        return f"sqlite3.OperationalError: {str(exc)[:160]}"
    if isinstance(exc, OSError | TimeoutError):
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    try:
        import asyncpg  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - asyncpg comes with the postgres extra
        return None
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.InterfaceError):
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    return None


def _configure_sqlite(
    engine: AsyncEngine | Engine, *, immediate: bool, busy_timeout: float = 30.0
) -> None:
    # SQLAlchemy's recipe for taking BEGIN out of the driver's hands (pysqlite/aiosqlite).
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine

    @event.listens_for(sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        _sqlite_pragmas(dbapi_connection, busy_timeout)

    @event.listens_for(sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
