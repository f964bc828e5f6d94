"""What both halves of :class:`~dueprocess.adapters.SqlStore` share: transactions,
streaming reads, and database errors turned into :class:`StoreError`.

SQLite is made to behave like a server here: Python's ``sqlite3`` begins a transaction
only before the first write, so a read followed by a write (the audit chain's head,
then the append) could interleave with another writer. The engine's transactions are
begun explicitly instead (SQLAlchemy's documented recipe for pysqlite), writing ones
with ``BEGIN IMMEDIATE``, which makes a second writer wait for the lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa

from ..exceptions import StoreError
from ._sql_schema import SqlTables

__all__ = ["SqlConnection", "Unreachable", "create_engine"]


class Unreachable(StoreError):
    """The database cannot be reached at all (as opposed to: it holds no store)."""


# The connection option that marks a transaction as one that writes.
_WRITE = "dueprocess_write"


class SqlConnection:
    """Transactions and streaming over one engine (set up by ``SqlStore.__init__``)."""

    _engine: sa.Engine
    _tables: SqlTables
    where: str
    readonly: bool
    yield_per: int

    @contextlib.contextmanager
    def _transaction(self, action: str, *, write: bool) -> Iterator[sa.Connection]:
        """One transaction; a database error becomes a :class:`StoreError` naming *action*.

        A :class:`~dueprocess.exceptions.DueProcessError` raised inside rolls the
        transaction back and passes through unchanged.
        """
        if write and self.readonly:
            raise StoreError(f"{self.where}: cannot {action}: the store is open read-only")
        opened = self._connect()
        try:
            with opened as connection:
                if write:
                    connection.execution_options(**{_WRITE: True})
                with connection.begin():
                    yield connection
        except sa.exc.SQLAlchemyError as error:
            raise self._error(action, error) from None

    def _connect(self) -> sa.Connection:
        """A connection, or :class:`Unreachable`: "cannot connect to …: reason"."""
        try:
            return self._engine.connect()
        except sa.exc.SQLAlchemyError as error:
            raise Unreachable(f"cannot connect to {self.where}: {_detail(error)}") from None

    def _error(self, action: str, error: sa.exc.SQLAlchemyError) -> StoreError:
        return StoreError(f"{self.where}: cannot {action}: {_detail(error)}")

    def _stream(self, connection: sa.Connection, query: sa.Executable) -> Iterator[Any]:
        """The rows of *query* from a server-side cursor, ``yield_per`` at a time."""
        options = {"stream_results": True, "yield_per": self.yield_per}
        result = connection.execute(query.execution_options(**options))
        try:
            yield from result
        finally:
            result.close()


def _detail(error: sa.exc.SQLAlchemyError) -> str:
    # The driver's own message, first line only: SQLAlchemy's adds the statement and a
    # link, which help a developer but bury the cause for an operator.
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


def create_engine(url: str, options: Mapping[str, Any]) -> sa.Engine:
    """An engine for *url*; a malformed URL or a missing driver is a :class:`StoreError`."""
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        # The text is not echoed: it may hold a password.
        raise StoreError(
            "cannot open a store: not a SQLAlchemy URL"
            " (dialect+driver://user:password@host:port/database)"
        ) from None
    try:
        engine = sa.create_engine(parsed, **options)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as error:
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(f"cannot open a store at {shown!r}: {error}") from None
    if engine.dialect.name == "sqlite":
        _begin_explicitly(engine)
    return engine


def _begin_explicitly(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
