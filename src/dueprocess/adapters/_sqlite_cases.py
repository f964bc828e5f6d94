"""Cases, holds and the audit log in one SQLite file (standard library ``sqlite3``).

Schema (its version is kept in ``case_store_meta``, so the tables can share a file
with a record store, which uses ``PRAGMA user_version``)::

    cases      (id TEXT PRIMARY KEY, request_id TEXT, state TEXT, version INTEGER,
                document TEXT)                           -- dueprocess.case/1
    holds      (id TEXT PRIMARY KEY, root TEXT, case_id TEXT, extensions INTEGER,
                document TEXT)                           -- index on (root, extensions)
    audit      (seq INTEGER PRIMARY KEY, case_id TEXT, body TEXT, digest TEXT)
    audit_head (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), length INTEGER,
                digest TEXT)

Choices, and why:

* Every write is one ``BEGIN IMMEDIATE`` transaction: the version check, the case row,
  its holds, its audit entries and the new head are written together or not at all.
  ``IMMEDIATE`` takes the write lock before the version is read, so of two processes
  updating one case the second reads the first's version and gets ``ConflictError``.
* ``audit.body`` is the entry's canonical JSON exactly as hashed; ``digest`` is kept
  beside it. Triggers refuse ``UPDATE`` and ``DELETE`` on ``audit``: the log is
  append-only in the database too, not just in this API (someone who drops the triggers
  is still caught by :func:`dueprocess.verify_chain`).
* The head lives in its own row so that rows cut from the end of ``audit`` are noticed.

Every value reaches SQL as a bound parameter. Errors from SQLite become
:class:`~dueprocess.exceptions.StoreError`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .._cases._audit import AuditEntry, ChainHead, chain_events
from .._cases._case import Case, CaseEvent, CaseNotFound, Hold
from .._cases._lifecycle import CaseState
from ..exceptions import ConflictError, IntegrityError, InvalidRequest, StoreError
from ._closing import Closing

__all__ = ["CASE_SCHEMA_VERSION", "SqliteAuditLog", "SqliteCaseStore"]

CASE_SCHEMA_VERSION = 1

_APPEND_ONLY = "SELECT RAISE(ABORT, 'the audit log is append-only')"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS case_store_meta (schema INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cases ("
    " id TEXT PRIMARY KEY NOT NULL, request_id TEXT NOT NULL, state TEXT NOT NULL,"
    " version INTEGER NOT NULL, document TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cases_by_state ON cases (state, id)",
    "CREATE TABLE IF NOT EXISTS holds ("
    " id TEXT PRIMARY KEY NOT NULL, root TEXT NOT NULL, case_id TEXT NOT NULL,"
    " extensions INTEGER NOT NULL, document TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS holds_by_root ON holds (root, extensions)",
    "CREATE TABLE IF NOT EXISTS audit ("
    " seq INTEGER PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, body TEXT NOT NULL,"
    " digest TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audit_head ("
    " singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),"
    " length INTEGER NOT NULL, digest TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    f" BEGIN {_APPEND_ONLY}; END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    f" BEGIN {_APPEND_ONLY}; END",
)


def _connect(path: str, *, create: bool, timeout: float) -> sqlite3.Connection:
    if path == ":memory:":
        return sqlite3.connect(path, isolation_level=None, timeout=timeout)
    file = Path(path)
    if not create and not file.exists():
        raise StoreError(f"{path}: no such case database")
    uri = f"{file.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    # isolation_level=None: every transaction is begun and ended explicitly.
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)


@contextmanager
def _immediate(connection: sqlite3.Connection, path: str) -> Iterator[sqlite3.Connection]:
    """One write transaction: everything in it is committed together or rolled back."""
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot begin a transaction: {error}") from None
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException as error:
        connection.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise StoreError(f"{path}: the write failed and was undone: {error}") from None
        raise


class _Database:
    """One connection to a case database, shared by a case store and its audit log."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool, timeout: float) -> None:
        self.path = str(path)
        try:
            self.connection = _connect(self.path, create=create, timeout=timeout)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot open the case database: {error}") from None
        try:
            self._prepare(create)
        except BaseException as error:
            self.connection.close()
            if isinstance(error, sqlite3.Error):
                raise StoreError(f"{self.path}: cannot open the case database: {error}") from None
            raise

    def _prepare(self, create: bool) -> None:
        execute = self.connection.execute
        exists = execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'case_store_meta'"
        ).fetchone()
        if exists is None:
            if not create:
                raise StoreError(f"{self.path}: not a dueprocess case database")
            with _immediate(self.connection, self.path):
                for statement in _SCHEMA:
                    execute(statement)
                execute(
                    "INSERT INTO case_store_meta (schema)"
                    " SELECT ? WHERE NOT EXISTS (SELECT 1 FROM case_store_meta)",
                    (CASE_SCHEMA_VERSION,),
                )
        row = execute("SELECT schema FROM case_store_meta").fetchone()
        if row is None or row[0] != CASE_SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: case database schema {row[0] if row else None},"
                f" expected {CASE_SCHEMA_VERSION}"
            )


class SqliteAuditLog:
    """The audit log of a case database, read side (see :class:`~dueprocess.typing.AuditStore`).

    Open one on a file to verify it, or take :attr:`SqliteCaseStore.audit`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = 10.0,
        _database: _Database | None = None,
    ) -> None:
        if _database is None:
            if path is None:
                raise TypeError("SqliteAuditLog needs a path")
            _database = _Database(path, create=False, timeout=timeout)
        self._database = _database

    @property
    def path(self) -> str:
        return self._database.path

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry in ``seq`` order, as stored; an unreadable row raises ``IntegrityError``."""
        try:
            rows = self._database.connection.execute(
                "SELECT seq, body, digest FROM audit ORDER BY seq"
            )
            for seq, body, digest in rows:
                yield _entry(seq, body, digest)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the audit log: {error}") from None

    def head(self) -> ChainHead | None:
        """The head recorded with the last append, or ``None`` for an empty log."""
        try:
            row = self._database.connection.execute(
                "SELECT length, digest FROM audit_head WHERE singleton = 1"
            ).fetchone()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the audit head: {error}") from None
        return ChainHead(row[0], row[1]) if row is not None else None

    def __len__(self) -> int:
        return int(self._database.connection.execute("SELECT COUNT(*) FROM audit").fetchone()[0])

    def close(self) -> None:
        """Close the database connection."""
        self._database.connection.close()

    def __repr__(self) -> str:
        return f"SqliteAuditLog({self.path!r})"


def _entry(seq: int, body: str, digest: str) -> AuditEntry:
    try:
        return AuditEntry.from_bytes(body.encode("utf-8"), digest)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise IntegrityError(f"audit entry in row {seq} cannot be read: {error}") from None


class SqliteCaseStore(Closing):
    """A :class:`~dueprocess.typing.CaseStore` in one SQLite file.

    Args:
        path: the database file (``":memory:"`` for a private in-memory database).
        create: create the file and tables if missing (otherwise a missing file, or one
            without the tables, is a :class:`StoreError`).
        timeout: seconds to wait for another process's write lock.

    Use it as a context manager, or call :meth:`close`.

    >>> with SqliteCaseStore(":memory:") as store:
    ...     store.cases(), store.audit.head()
    ([], None)
    """

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, timeout: float = 10.0
    ) -> None:
        self._database = _Database(path, create=create, timeout=timeout)
        self._audit = SqliteAuditLog(_database=self._database)

    @property
    def path(self) -> str:
        return self._database.path

    @property
    def audit(self) -> SqliteAuditLog:
        """The audit log this store appends to."""
        return self._audit

    def close(self) -> None:
        """Close the database connection."""
        self._database.connection.close()

    def __repr__(self) -> str:
        return f"SqliteCaseStore({self.path!r})"

    # --- writing -----------------------------------------------------------------------

    def create(self, case: Case) -> None:
        """Store a new case with its holds and audit entries, atomically."""
        with _immediate(self._database.connection, self.path) as connection:
            taken = connection.execute("SELECT 1 FROM cases WHERE id = ?", (case.id,)).fetchone()
            if taken is not None:
                raise ConflictError(f"a case {case.id!r} already exists")
            connection.execute(
                "INSERT INTO cases (id, request_id, state, version, document)"
                " VALUES (?, ?, ?, ?, ?)",
                (case.id, case.request_id, case.state.value, case.version, _document(case)),
            )
            self._write_holds(connection, case)
            self._append(connection, case.id, case.events)

    def update(self, case: Case, events: Sequence[CaseEvent]) -> None:
        """Replace version ``case.version - 1`` with *case* and append *events*, atomically."""
        with _immediate(self._database.connection, self.path) as connection:
            row = connection.execute(
                "SELECT version FROM cases WHERE id = ?", (case.id,)
            ).fetchone()
            if row is None:
                raise CaseNotFound(case.id)
            if row[0] != case.version - 1:
                raise ConflictError(
                    f"case {case.id!r} changed since it was read (stored version {row[0]},"
                    f" update expects {case.version - 1}); reload it and try again"
                )
            connection.execute(
                "UPDATE cases SET request_id = ?, state = ?, version = ?, document = ?"
                " WHERE id = ? AND version = ?",
                (
                    case.request_id,
                    case.state.value,
                    case.version,
                    _document(case),
                    case.id,
                    case.version - 1,
                ),
            )
            self._write_holds(connection, case)
            self._append(connection, case.id, events)

    def note(self, case_id: str, events: Sequence[CaseEvent]) -> None:
        """Audit *events* about a stored case without writing the case (a refused
        production: the stored row is suspect, so it is not written again)."""
        with _immediate(self._database.connection, self.path) as connection:
            row = connection.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone()
            if row is None:
                raise CaseNotFound(case_id)
            self._append(connection, case_id, events)

    @staticmethod
    def _write_holds(connection: sqlite3.Connection, case: Case) -> None:
        for hold in case.holds:
            owner = connection.execute(
                "SELECT case_id FROM holds WHERE id = ?", (hold.id,)
            ).fetchone()
            if owner is not None:
                if owner[0] != case.id:
                    raise ConflictError(f"hold {hold.id!r} belongs to case {owner[0]!r}")
                continue
            connection.execute(
                "INSERT INTO holds (id, root, case_id, extensions, document)"
                " VALUES (?, ?, ?, ?, ?)",
                (hold.id, hold.root, case.id, hold.extensions, json.dumps(hold.to_dict())),
            )

    @staticmethod
    def _append(connection: sqlite3.Connection, case_id: str, events: Sequence[CaseEvent]) -> None:
        if not events:
            return
        row = connection.execute(
            "SELECT length, digest FROM audit_head WHERE singleton = 1"
        ).fetchone()
        head = ChainHead(row[0], row[1]) if row is not None else None
        entries = chain_events(head, case_id, events)
        connection.executemany(
            "INSERT INTO audit (seq, case_id, body, digest) VALUES (?, ?, ?, ?)",
            [
                (entry.seq, case_id, entry.canonical_bytes().decode("utf-8"), entry.digest)
                for entry in entries
            ],
        )
        last = entries[-1].head
        connection.execute(
            "INSERT OR REPLACE INTO audit_head (singleton, length, digest) VALUES (1, ?, ?)",
            (last.length, last.digest),
        )

    # --- reading -----------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The stored case; :class:`~dueprocess.CaseNotFound` if there is none."""
        row = self._query("SELECT document FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise CaseNotFound(case_id)
        return _case(row[0])

    def cases(self, state: CaseState | None = None) -> list[Case]:
        """Every stored case (in the given *state*), by id."""
        if state is None:
            rows = self._query("SELECT document FROM cases ORDER BY id", ())
        else:
            rows = self._query(
                "SELECT document FROM cases WHERE state = ? ORDER BY id", (state.value,)
            )
        return [_case(row[0]) for row in rows.fetchall()]

    def hold_chain(self, hold_id: str) -> tuple[Hold, ...]:
        """The chain *hold_id* belongs to (or roots), oldest first; empty if unknown."""
        row = self._query("SELECT root FROM holds WHERE id = ?", (hold_id,)).fetchone()
        root = row[0] if row is not None else hold_id
        rows = self._query(
            "SELECT document FROM holds WHERE root = ? ORDER BY extensions, id", (root,)
        ).fetchall()
        return tuple(_hold(document) for (document,) in rows)

    def _query(self, sql: str, parameters: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            return self._database.connection.execute(sql, parameters)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read cases: {error}") from None


def _document(case: Case) -> str:
    document = case.to_dict()
    del document["deadlines"]  # derived; recomputed whenever the case is read
    # Key order is kept: a review's categories are in the order they were requested.
    return json.dumps(document, ensure_ascii=False)


# What a row written around the store can make reading it raise (anything at all can
# be in a SQLite column): each becomes a StoreError, never a traceback.
_UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, RecursionError, InvalidRequest)


def _case(text: str) -> Case:
    try:
        return Case.from_dict(json.loads(text))
    except _UNREADABLE as error:
        raise StoreError(f"a stored case cannot be read: {error}") from None


def _hold(text: str) -> Hold:
    try:
        return Hold.from_dict(json.loads(text))
    except _UNREADABLE as error:
        raise StoreError(f"a stored hold cannot be read: {error}") from None
