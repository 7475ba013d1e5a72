"""The hot reads' one interface, and its two implementations.

A read function (``worker/db/queries.py``) takes a :class:`Reads` and runs the module's
prebuilt Core ``SELECT`` statements through it: one truth for each query, on either database.

- :class:`CoreReads` runs them on a SQLAlchemy ``Connection`` (PostgreSQL, through the async
  engine's ``run_sync``; and inside write transactions, on both databases).
- :class:`SqliteReads` runs them on the standard ``sqlite3`` connection itself. Each
  statement is compiled once for the SQLite dialect; a call binds its parameters in order,
  executes the SQL and decodes the columns with the column types' own result processors
  (dates, decimals, JSON) into light named rows. Measured on the demo shop, the three
  statements of an order look-up cost 31 µs this way against 104 µs through
  ``Connection.execute`` (SQLAlchemy's execution context, result proxy and cache look-up per
  statement): the largest part of the worker's time per look-up after the bus.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from sqlalchemy import Connection, Select
from sqlalchemy.dialects import sqlite

_SQLITE = sqlite.dialect()
Statement = Select[*tuple[Any, ...]]
"""Any prebuilt ``SELECT``."""


class Reads(Protocol):
    """Runs a prebuilt ``SELECT`` with its named parameters; rows have the statement's
    column keys as attributes (and ``_mapping``)."""

    def first(self, statement: Statement, params: Mapping[str, Any] | None = None) -> Any:
        """The first row, or ``None``."""

    def all(self, statement: Statement, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every row."""

    def scalar(self, statement: Statement, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row, or ``None``."""


class CoreReads:
    """:class:`Reads` on a SQLAlchemy ``Connection``."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def first(self, statement: Statement, params: Mapping[str, Any] | None = None) -> Any:
        return self.connection.execute(statement, params or {}).first()

    def all(self, statement: Statement, params: Mapping[str, Any] | None = None) -> list[Any]:
        return list(self.connection.execute(statement, params or {}).all())

    def scalar(self, statement: Statement, params: Mapping[str, Any] | None = None) -> Any:
        return self.connection.execute(statement, params or {}).scalar()


class _Compiled:
    """One ``SELECT`` compiled for SQLite: its SQL, its parameters in order (with their
    bind processors and compiled-in defaults) and a row type with a processor per column."""

    def __init__(self, statement: Statement) -> None:
        compiled = statement.compile(dialect=_SQLITE)
        self.sql = str(compiled)
        names = list(compiled.positiontup or [])
        self.defaults = compiled.params
        self.binds: list[tuple[str, Callable[[Any], Any] | None]] = [
            (name, compiled.binds[name].type.dialect_impl(_SQLITE).bind_processor(_SQLITE))
            for name in names
        ]
        columns = list(statement.selected_columns)
        self.processors = [
            column.type.dialect_impl(_SQLITE).result_processor(_SQLITE, None)
            for column in columns
        ]
        self.decode = any(self.processors)
        self.row = _row_type(tuple(str(column.key) for column in columns))

    def parameters(self, params: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, process in self.binds:
            value = params[name] if name in params else self.defaults[name]
            values.append(process(value) if process is not None else value)
        return values

    def rows(self, raw: list[tuple[Any, ...]]) -> list[Any]:
        make = self.row._make
        if not self.decode:
            return [make(values) for values in raw]
        processors = self.processors
        return [
            make(
                [
                    process(value) if process is not None else value
                    for process, value in zip(processors, values, strict=True)
                ]
            )
            for values in raw
        ]


def _row_type(fields: tuple[str, ...]) -> Any:
    base = namedtuple("Row", fields)  # type: ignore[misc]

    class Row(base):
        __slots__ = ()

        @property
        def _mapping(self) -> dict[str, Any]:
            return dict(self._asdict())

    return Row


class SqliteReads:
    """:class:`Reads` on a ``sqlite3`` connection; statements compiled on first use."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._compiled: dict[int, tuple[Statement, _Compiled]] = {}
        self._left: int | None = None  # statements still allowed in one_statement()

    def one_statement(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(self, *args)`` allowed one statement only: it runs outside a transaction, in
        its own snapshot, and a second one could see another state of the database (it raises
        instead)."""
        self._left = 1
        try:
            return fn(self, *args)
        finally:
            self._left = None

    def _get(self, statement: Statement) -> _Compiled:
        if self._left is not None:
            if self._left < 1:
                raise RuntimeError("a second statement in a read of one statement")
            self._left -= 1
        found = self._compiled.get(id(statement))
        # The statement is kept with its compilation, so its id cannot be reused.
        if found is None:
            found = self._compiled[id(statement)] = (statement, _Compiled(statement))
        return found[1]

    def all(self, statement: Statement, params: Mapping[str, Any] | None = None) -> list[Any]:
        compiled = self._get(statement)
        cursor = self.connection.execute(compiled.sql, compiled.parameters(params or {}))
        return compiled.rows(cursor.fetchall())

    def first(self, statement: Statement, params: Mapping[str, Any] | None = None) -> Any:
        compiled = self._get(statement)
        cursor = self.connection.execute(compiled.sql, compiled.parameters(params or {}))
        values = cursor.fetchone()
        return None if values is None else compiled.rows([values])[0]

    def scalar(self, statement: Statement, params: Mapping[str, Any] | None = None) -> Any:
        row = self.first(statement, params)
        return None if row is None else row[0]
