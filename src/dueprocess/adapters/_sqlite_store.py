"""An embedded SQLite record store (standard library ``sqlite3``), the CLI's default.

Schema (``PRAGMA user_version = 1``)::

    accounts   (id TEXT PRIMARY KEY)
    identities (kind TEXT, value TEXT, account TEXT, PRIMARY KEY (kind, value, account))
    records    (account TEXT, category TEXT, at INTEGER, fields TEXT,
                PRIMARY KEY (account, category, at, fields)) WITHOUT ROWID

Choices, and why:

* ``at`` is the instant in whole microseconds since 1970-01-01T00:00:00Z, so SQL compares
  instants exactly (text timestamps with and without a fraction do not sort in time
  order), and a record's canonical bytes are rebuilt exactly: they print ``at`` in UTC.
* ``fields`` is the canonical JSON of the record's fields. Records of one account,
  category and instant then sort by ``fields`` exactly as the format orders them by their
  canonical bytes (SQLite compares text as UTF-8 bytes).
* The records table is clustered on ``(account, category, at, fields)``: that key is
  the index on ``(account, category, at)`` the record format asks for, answers a production's
  query in order without a sort, and makes the table a set: importing a file twice adds
  nothing the second time.
* ``identities.value`` holds :func:`dueprocess.identity_key` of the value, so
  ``J.Doe@Example.com`` finds ``j.doe@example.com``; a key belongs to one account only.

Every value reaches SQL as a bound parameter. Errors from SQLite become
:class:`~dueprocess.exceptions.StoreError`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .._base._dates import format_timestamp
from .._base._enums import Category, TargetKind
from .._base._text import quote
from .._intake._request import Target
from .._production._records import (
    IDENTITY_KINDS,
    Identity,
    Record,
    identity_key,
    identity_taken,
)
from ..exceptions import StoreError
from ._closing import Closing
from ._record_imports import RecordImports

__all__ = ["SCHEMA_VERSION", "SqliteStore"]

SCHEMA_VERSION = 1

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS identities ("
    " kind TEXT NOT NULL, value TEXT NOT NULL, account TEXT NOT NULL,"
    " PRIMARY KEY (kind, value, account)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS records ("
    " account TEXT NOT NULL, category TEXT NOT NULL, at INTEGER NOT NULL, fields TEXT NOT NULL,"
    " PRIMARY KEY (account, category, at, fields)) WITHOUT ROWID",
)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MICROSECOND = dt.timedelta(microseconds=1)
_MIN_AT = -(2**63)
_MAX_AT = 2**63 - 1
_BATCH = 10_000
# The same JSON settings as dueprocess._base._canonical (a test holds them equal), giving text:
# SQLite stores TEXT, and canonical_bytes would only encode what is decoded again.
_FIELDS_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


_SELECT_RECORDS = (
    "SELECT at, fields, account FROM records"
    " WHERE account = ? AND category = ? AND at BETWEEN ? AND ?"
    " ORDER BY at, fields"
)
_SELECT_RAW = (
    "SELECT at, CAST(fields AS BLOB) FROM records"
    " WHERE account = ? AND category = ? AND at BETWEEN ? AND ?"
    " ORDER BY at, fields"
)
_NOT_AN_INSTANT = "SELECT at FROM records WHERE account = ? AND category = ? AND at >= '' LIMIT 1"
_MIN_INSTANT = -62135596800000000  # 0001-01-01T00:00:00Z
_MAX_INSTANT = 253402300799999999  # 9999-12-31T23:59:59.999999Z


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # The store writes canonical JSON, which never repeats a key. A row that does was
    # written around the store, and json.loads would silently keep the last value.
    document = dict(pairs)
    if len(document) != len(pairs):
        raise ValueError("its fields repeat a key")
    return document


def _refuse_constant(name: str) -> object:
    raise ValueError(f"its fields hold {name}, which is not JSON")


_FIELDS_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_refuse_constant)


def _micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


class SqliteStore(RecordImports, Closing):
    """A record source in one SQLite file.

    Args:
        path: the database file (``":memory:"`` for a private in-memory store).
        create: create the file and schema if missing (otherwise a missing file is a
            :class:`StoreError`).
        readonly: open read-only (for producing); implies ``create=False``.

    Use it as a context manager, or call :meth:`close`.

    >>> with SqliteStore(":memory:") as store:
    ...     store.import_records(['{"account": "100001", "category": "subscriber",'
    ...         ' "at": "2016-05-01T00:00:00Z", "fields": {"name": "A. Person"}}'])
    ...     [record.fields for record in store.records("100001", Category.SUBSCRIBER, None, None)]
    1
    [{'name': 'A. Person'}]
    """

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, readonly: bool = False
    ) -> None:
        self.path = str(path)
        self._connection = self._connect(
            self.path, create=create and not readonly, readonly=readonly
        )
        try:
            version = self._connection.execute("PRAGMA user_version").fetchone()[0]
            empty = (
                self._connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            )
            if version == 0 and empty and create and not readonly:
                self._create_schema()
                version = SCHEMA_VERSION
        except sqlite3.Error as error:
            self._connection.close()
            raise StoreError(f"{self.path}: cannot open the store: {error}") from None
        if version != SCHEMA_VERSION:
            self._connection.close()
            raise StoreError(
                f"{self.path}: not a dueprocess store (schema version {version},"
                f" expected {SCHEMA_VERSION})"
            )

    @staticmethod
    def _connect(path: str, *, create: bool, readonly: bool) -> sqlite3.Connection:
        if path == ":memory:":
            return sqlite3.connect(path, isolation_level=None)
        file = Path(path)
        if not create and not file.exists():
            raise StoreError(f"{path}: no such store")
        mode = "ro" if readonly else ("rwc" if create else "rw")
        uri = f"{file.resolve().as_uri()}?mode={mode}"
        try:
            # isolation_level=None: transactions are begun and ended explicitly.
            return sqlite3.connect(uri, uri=True, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open the store: {error}") from None

    def _create_schema(self) -> None:
        with self._transaction():
            for statement in _SCHEMA:
                self._connection.execute(statement)
            self._connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")

    def close(self) -> None:
        """Close the database connection."""
        self._connection.close()

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    # --- writing -----------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def add_records(self, records: Iterable[Record]) -> int:
        """Add records in one transaction; return how many were new.

        A record already held is skipped. If anything fails (including the iterable
        raising), nothing is added. Rows go to SQLite in batches with ``executemany``.

        Raises:
            StoreError: a record cannot be stored faithfully, or SQLite failed.
        """
        try:
            with self._transaction():
                return self._insert(records)
        except (sqlite3.Error, UnicodeEncodeError) as error:  # a surrogate cannot be bound
            raise StoreError(f"{self.path}: cannot add records: {error}") from None

    def _insert(self, records: Iterable[Record]) -> int:
        # The loop is the cost of a bulk load (ten million rows for the benchmarks), so
        # it is written out flat: one canonical encoding and one subtraction per record.
        encode = _FIELDS_ENCODER.encode
        epoch, microsecond = _EPOCH, _MICROSECOND
        added = 0
        rows: list[tuple[str, str, int, str]] = []
        append = rows.append
        accounts: set[str] = set()
        for record in records:
            at = record.at
            if at.utcoffset() is None:
                raise StoreError(f"record without a timezone: {record!r}")
            fields = record.fields
            try:
                text = encode(fields if type(fields) is dict else dict(fields))
            except (TypeError, ValueError) as error:
                raise StoreError(f"record fields are not JSON ({error}): {record!r}") from None
            append((record.account, record.category.value, (at - epoch) // microsecond, text))
            accounts.add(record.account)
            if len(rows) >= _BATCH:
                added += self._flush(rows, accounts)
                rows.clear()
                accounts.clear()
        return added + self._flush(rows, accounts)

    def _flush(self, rows: list[tuple[str, str, int, str]], accounts: set[str]) -> int:
        connection = self._connection
        connection.executemany(
            "INSERT OR IGNORE INTO accounts (id) VALUES (?)", [(a,) for a in sorted(accounts)]
        )
        cursor = connection.executemany("INSERT OR IGNORE INTO records VALUES (?, ?, ?, ?)", rows)
        return max(cursor.rowcount, 0)

    def add_identities(self, identities: Iterable[Identity]) -> int:
        """Add identities in one transaction; return how many were new."""
        added = 0
        try:
            with self._transaction():
                for identity in identities:
                    held = self._connection.execute(
                        "SELECT account FROM identities WHERE kind = ? AND value = ?"
                        " AND account <> ? ORDER BY account LIMIT 1",
                        (identity.kind.value, identity.key, identity.account),
                    ).fetchone()
                    if held is not None:
                        raise identity_taken(identity, held[0])
                    self._connection.execute(
                        "INSERT OR IGNORE INTO accounts (id) VALUES (?)", (identity.account,)
                    )
                    cursor = self._connection.execute(
                        "INSERT OR IGNORE INTO identities (kind, value, account) VALUES (?, ?, ?)",
                        (identity.kind.value, identity.key, identity.account),
                    )
                    added += cursor.rowcount
        except (sqlite3.Error, UnicodeEncodeError) as error:  # a surrogate cannot be bound
            raise StoreError(f"{self.path}: cannot add identities: {error}") from None
        return added

    # --- reading (the RecordSource protocol) -----------------------------------------

    def resolve(self, target: Target) -> tuple[str, ...]:
        """The accounts *target* identifies, sorted; ``name`` and ``query`` find none."""
        key = identity_key(target.kind, target.value)
        try:
            if target.kind is TargetKind.ACCOUNT_ID:
                rows = self._connection.execute(
                    "SELECT id, id FROM accounts WHERE id = ?", (key,)
                ).fetchall()
            elif target.kind in IDENTITY_KINDS:
                rows = self._connection.execute(
                    "SELECT account, value FROM identities WHERE kind = ? AND value = ?"
                    " ORDER BY account",
                    (target.kind.value, key),
                ).fetchall()
            else:
                return ()
        except (sqlite3.Error, UnicodeEncodeError) as error:  # a surrogate cannot be bound
            raise StoreError(f"{self.path}: cannot resolve a target: {error}") from None
        # Compared again here, code point for code point: a table altered to compare
        # loosely (COLLATE NOCASE) must not let "alice" find "ALICE".
        return tuple(account for account, value in rows if value == key)

    def records(
        self,
        account: str,
        category: Category,
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> Iterator[Record]:
        """One account's records of one category from *start* to *end* inclusive, in
        time order (then by canonical bytes), streamed from a cursor."""
        low = _MIN_AT if start is None else _micros(start)
        high = _MAX_AT if end is None else _micros(end)
        query = (account, category.value, low, high)
        try:
            # SQLite keeps any type in any column, and sorts text and blobs after every
            # number: a row whose "at" is not a number would be silently left out of
            # every range, so its presence is an error, found through the index.
            stray = self._connection.execute(_NOT_AN_INSTANT, query[:2]).fetchone()
            if stray is not None:
                raise self._unreadable(account, category, stray[0], "its instant is not a number")
            cursor = self._connection.execute(_SELECT_RECORDS, query)
            decode = _FIELDS_DECODER.decode
            epoch = _EPOCH
            delta = dt.timedelta
            try:
                while rows := self._fetch(cursor, query, category):
                    for at, fields, stored in rows:
                        # A row written around the store may hold anything; it is
                        # produced exactly as the store wrote it or not at all.
                        try:
                            if type(at) is not int:
                                raise ValueError(
                                    "its instant is not a whole number of microseconds"
                                )
                            when = epoch + delta(microseconds=at)
                            if type(fields) is not str:
                                raise ValueError("its fields are not text")
                            value = decode(fields)
                            if type(value) is not dict:
                                raise ValueError("its fields are not a JSON object")
                        except (ValueError, TypeError, OverflowError, RecursionError) as error:
                            raise self._unreadable(account, category, at, str(error)) from None
                        # The account as stored: produce() compares it with the one
                        # it asked for, so a column that matched loosely is caught.
                        yield Record(stored, category, when, value)
            finally:
                cursor.close()
        except (sqlite3.Error, UnicodeEncodeError) as error:  # a surrogate cannot be bound
            raise StoreError(f"{self.path}: cannot read records: {error}") from None

    def _fetch(
        self, cursor: sqlite3.Cursor, query: tuple[str, str, int, int], category: Category
    ) -> list[tuple[object, object, str]]:
        try:
            return cursor.fetchmany(1000)
        except (UnicodeDecodeError, sqlite3.OperationalError) as error:
            failure: Exception = error
        # Perhaps some row's fields are not UTF-8 text (SQLite's message would quote all
        # of it): find that row, reading the bytes as they are, and name it instead.
        for at, raw in self._connection.execute(_SELECT_RAW, query):
            try:
                bytes(raw).decode("utf-8")
            except UnicodeDecodeError as error:
                raise self._unreadable(
                    query[0], category, at, f"its fields are not UTF-8 ({error.reason})"
                ) from None
        raise StoreError(f"{self.path}: cannot read records: {failure}")

    def _unreadable(self, account: str, category: Category, at: object, why: str) -> StoreError:
        """Name a stored row that is not a record, by account, category and instant."""
        if type(at) is int and _MIN_INSTANT <= at <= _MAX_INSTANT:
            when = format_timestamp(_EPOCH + dt.timedelta(microseconds=at))
        else:
            when = quote(str(at))
        return StoreError(
            f"{self.path}: the stored {category.value} record of account {account!r}"
            f" at {when} cannot be read: {why}"
        )

    # --- inspection --------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """How many accounts, identities and records the store holds."""
        try:
            return {
                table: self._connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("accounts", "identities", "records")
            }
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot count: {error}") from None
