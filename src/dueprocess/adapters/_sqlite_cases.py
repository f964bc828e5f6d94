"""Cases, holds and the audit log in one SQLite file (standard library ``sqlite3``).

Schema (its version is kept in ``case_store_meta``, so the tables can share a file
with a record store, which uses ``PRAGMA user_version``)::

    cases      (id TEXT PRIMARY KEY, request_id TEXT, state TEXT, version INTEGER,
                due_at INTEGER, document TEXT)           -- dueprocess.case/1
                                                         -- indexes on (state, id), (due_at, id)
    holds      (id TEXT PRIMARY KEY, root TEXT, case_id TEXT, extensions INTEGER,
                document TEXT)                           -- index on (root, extensions)
    disclosures (account TEXT, case_id TEXT, PRIMARY KEY (account, case_id))
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
  is still caught by :func:`dueprocess.cases.verify_chain`).
* The head lives in its own row so that rows cut from the end of ``audit`` are noticed.
* Rows are encoded and read by ``dueprocess._cases._codec``, the codec every store
  shares; ``due_at`` and ``disclosures`` are the indexes ``due()`` and ``disclosed()``
  (the ledger) read instead of every case.

Every value reaches SQL as a bound parameter. Errors from SQLite become
:class:`~dueprocess.exceptions.StoreError`.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .._cases import _codec as codec
from .._cases._audit import AuditEntry, ChainHead
from .._cases._case import Case, CaseEvent, CaseNotFound, Hold
from .._cases._lifecycle import CaseState
from ..exceptions import ConflictError, StoreError
from ._closing import Closing

__all__ = ["CASE_SCHEMA_VERSION", "SqliteAuditLog", "SqliteCaseStore"]

CASE_SCHEMA_VERSION = 2

_APPEND_ONLY = "SELECT RAISE(ABORT, 'the audit log is append-only')"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS case_store_meta (schema INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cases ("
    " id TEXT PRIMARY KEY NOT NULL, request_id TEXT NOT NULL, state TEXT NOT NULL,"
    " version INTEGER NOT NULL, due_at INTEGER, document TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cases_by_state ON cases (state, id)",
    "CREATE INDEX IF NOT EXISTS cases_by_due ON cases (due_at, id) WHERE due_at IS NOT NULL",
    "CREATE TABLE IF NOT EXISTS disclosures ("
    " account TEXT NOT NULL, case_id TEXT NOT NULL, PRIMARY KEY (account, case_id))"
    " WITHOUT ROWID",
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
                "SELECT seq, case_id, body, digest FROM audit ORDER BY seq"
            )
            for seq, case_id, body, digest in rows:
                yield codec.decode_entry(seq, case_id, body, digest)
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
        written = codec.encode_case(case)
        with _immediate(self._database.connection, self.path) as connection:
            taken = connection.execute("SELECT 1 FROM cases WHERE id = ?", (case.id,)).fetchone()
            if taken is not None:
                raise ConflictError(f"a case {case.id!r} already exists")
            row = written.case
            connection.execute(
                "INSERT INTO cases (id, request_id, state, version, due_at, document)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (row.id, row.request_id, row.state, row.version, row.due_at, row.document),
            )
            self._write_rest(connection, written, case.events)

    def update(self, case: Case, events: Sequence[CaseEvent]) -> None:
        """Replace version ``case.version - 1`` with *case* and append *events*, atomically."""
        written = codec.encode_case(case)
        with _immediate(self._database.connection, self.path) as connection:
            stored = connection.execute(
                "SELECT version FROM cases WHERE id = ?", (case.id,)
            ).fetchone()
            if stored is None:
                raise CaseNotFound(case.id)
            if stored[0] != case.version - 1:
                raise ConflictError(
                    f"case {case.id!r} changed since it was read (stored version {stored[0]},"
                    f" update expects {case.version - 1}); reload it and try again"
                )
            row = written.case
            connection.execute(
                "UPDATE cases SET request_id = ?, state = ?, version = ?, due_at = ?,"
                " document = ? WHERE id = ? AND version = ?",
                (
                    row.request_id,
                    row.state,
                    row.version,
                    row.due_at,
                    row.document,
                    row.id,
                    case.version - 1,
                ),
            )
            self._write_rest(connection, written, events)

    def note(self, case_id: str, events: Sequence[CaseEvent]) -> None:
        """Audit *events* about a stored case without writing the case (a refused
        production: the stored row is suspect, so it is not written again)."""
        with _immediate(self._database.connection, self.path) as connection:
            row = connection.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone()
            if row is None:
                raise CaseNotFound(case_id)
            latest = connection.execute(
                "SELECT seq, case_id, body, digest FROM audit WHERE case_id = ?"
                " ORDER BY seq DESC LIMIT 1",
                (case_id,),
            ).fetchone()
            rows, last = codec.note_rows(
                _written_head(connection),
                case_id,
                codec.decode_entry(*latest) if latest is not None else None,
                events,
                where=self.path,
            )
            _append_audit(connection, rows, last)

    def _write_rest(
        self, connection: sqlite3.Connection, written: codec.CaseWrite, events: Sequence[CaseEvent]
    ) -> None:
        """The case's holds, ledger index rows and audit entries, and the new head."""
        case_id, path = written.case.id, self.path
        for hold in written.holds:
            owner = connection.execute(
                "SELECT case_id FROM holds WHERE id = ?", (hold.id,)
            ).fetchone()
            if owner is not None:
                if owner[0] != case_id:
                    raise ConflictError(f"hold {hold.id!r} belongs to case {owner[0]!r}")
                continue
            connection.execute(
                "INSERT INTO holds (id, root, case_id, extensions, document)"
                " VALUES (?, ?, ?, ?, ?)",
                (hold.id, hold.root, hold.case_id, hold.extensions, hold.document),
            )
        connection.executemany(
            "INSERT OR IGNORE INTO disclosures (account, case_id) VALUES (?, ?)",
            [(row.account, row.case_id) for row in written.disclosures],
        )
        some = connection.execute("SELECT 1 FROM audit LIMIT 1").fetchone() is not None
        rows, last = codec.audit_rows(
            _written_head(connection), written, events, has_entries=some, where=path
        )
        _append_audit(connection, rows, last)

    # --- reading -----------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The stored case; :class:`~dueprocess.exceptions.CaseNotFound` if there is none."""
        row = self._query("SELECT document FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise CaseNotFound(case_id)
        return codec.decode_case(row[0], case_id)

    def cases(self, state: CaseState | None = None) -> list[Case]:
        """Every stored case (in the given *state*), by id."""
        if state is None:
            rows = self._query("SELECT id, document FROM cases ORDER BY id", ())
        else:
            rows = self._query(
                "SELECT id, document FROM cases WHERE state = ? ORDER BY id", (state.value,)
            )
        return [codec.decode_case(document, case_id) for case_id, document in rows.fetchall()]

    def due(self, before: dt.datetime) -> list[Case]:
        """Every case with an open deadline strictly before *before* (the ``due_at`` index)."""
        rows = self._query(
            "SELECT id, document FROM cases WHERE due_at < ? ORDER BY due_at, id",
            (codec.micros(before),),
        )
        return [codec.decode_case(document, case_id) for case_id, document in rows.fetchall()]

    def disclosed(self, account: str) -> list[Case]:
        """Every case whose productions released *account*'s data (the ledger's index)."""
        rows = self._query(
            "SELECT cases.id, cases.document FROM disclosures"
            " JOIN cases ON cases.id = disclosures.case_id"
            " WHERE disclosures.account = ? ORDER BY disclosures.case_id",
            (account,),
        )
        return [codec.decode_case(document, case_id) for case_id, document in rows.fetchall()]

    def hold_chain(self, hold_id: str) -> tuple[Hold, ...]:
        """The chain *hold_id* belongs to (or roots), oldest first; empty if unknown."""
        row = self._query("SELECT root FROM holds WHERE id = ?", (hold_id,)).fetchone()
        root = row[0] if row is not None else hold_id
        rows = self._query(
            "SELECT document FROM holds WHERE root = ? ORDER BY extensions, id", (root,)
        ).fetchall()
        return tuple(codec.decode_hold(document) for (document,) in rows)

    def case_rows(self, case_id: str | None = None) -> Iterator[codec.CaseRow]:
        """The stored case rows (only *case_id*'s, if given), by id, exactly as stored."""
        columns = "SELECT id, request_id, state, version, due_at, document FROM cases"
        if case_id is None:
            rows = self._query(f"{columns} ORDER BY id", ())
        else:
            rows = self._query(f"{columns} WHERE id = ?", (case_id,))
        for row in rows:
            yield codec.CaseRow(*row)

    def hold_rows(self) -> Iterator[codec.HoldRow]:
        """Every row of the hold registry, by id, exactly as stored."""
        rows = self._query(
            "SELECT id, root, case_id, extensions, document FROM holds ORDER BY id", ()
        )
        for row in rows:
            yield codec.HoldRow(*row)

    def disclosure_rows(self) -> Iterator[codec.DisclosureRow]:
        """Every row of the ledger's index, exactly as stored."""
        for row in self._query("SELECT account, case_id FROM disclosures ORDER BY case_id", ()):
            yield codec.DisclosureRow(*row)

    def _query(self, sql: str, parameters: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            return self._database.connection.execute(sql, parameters)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read cases: {error}") from None


def _written_head(connection: sqlite3.Connection) -> ChainHead | None:
    """The head the last append recorded, inside a write transaction (``None``: empty)."""
    found = connection.execute(
        "SELECT length, digest FROM audit_head WHERE singleton = 1"
    ).fetchone()
    return ChainHead(found[0], found[1]) if found is not None and found[0] else None


def _append_audit(
    connection: sqlite3.Connection, rows: Sequence[codec.AuditRow], last: ChainHead
) -> None:
    """Append the encoded audit *rows* and record *last* as the new head."""
    connection.executemany(
        "INSERT INTO audit (seq, case_id, body, digest) VALUES (?, ?, ?, ?)",
        [(row.seq, row.case_id, row.body, row.digest) for row in rows],
    )
    connection.execute(
        "INSERT OR REPLACE INTO audit_head (singleton, length, digest) VALUES (1, ?, ?)",
        (last.length, last.digest),
    )
