"""The case and audit store half of :class:`~dueprocess.adapters.SqlStore`.

It keeps the contracts of :class:`~dueprocess.typing.CaseStore` and
:class:`~dueprocess.typing.AuditStore` on any engine, and on PostgreSQL under
concurrent processes:

* :meth:`~SqlCaseTables.update` is ``UPDATE … WHERE id = ? AND version = ?``. Of two
  processes that read the same version, the second's update waits for the first's row
  lock, then finds the version changed and matches no row: it gets
  :class:`~dueprocess.exceptions.ConflictError`, and nothing of it is written.
* Appending to the audit log locks the chain's head row (``SELECT … FOR UPDATE``) in
  the transaction that writes the case, reads the head there, chains the new entries
  after it and moves the head. Appends from many processes queue on that one lock, so
  the chain never forks. Locks are always taken in the same order (the case's row,
  its holds, then the head), so two writers cannot deadlock.

Every write is one transaction: the case, its holds and its audit entries are written
together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from .._cases._audit import GENESIS, AuditEntry, ChainHead, chain_events
from .._cases._case import Case, CaseEvent, Hold
from .._cases._lifecycle import CaseState
from ..exceptions import (
    CaseNotFound,
    ConflictError,
    IntegrityError,
    InvalidRequest,
    StoreError,
)
from ._sql_base import SqlConnection

__all__ = ["SqlAuditLog", "SqlCaseTables"]

_HEAD = 1


class SqlAuditLog:
    """The audit log of a :class:`~dueprocess.adapters.SqlStore`, read side.

    Take it as ``store.audit``; see :class:`~dueprocess.typing.AuditStore`.
    """

    def __init__(self, store: SqlCaseTables) -> None:
        self._store = store

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry in ``seq`` order, exactly as stored, streamed.

        Raises:
            IntegrityError: a row cannot be read as an entry.
        """
        store = self._store
        audit = store._tables.audit
        query = sa.select(audit.c.seq, audit.c.body, audit.c.digest).order_by(audit.c.seq)
        with store._transaction("read the audit log", write=False) as connection:
            for seq, body, digest in store._stream(connection, query):
                yield _entry(seq, body, digest)

    def head(self) -> ChainHead | None:
        """The head recorded with the last append, or ``None`` for an empty log."""
        store = self._store
        head = store._tables.audit_head
        with store._transaction("read the audit head", write=False) as connection:
            row = connection.execute(
                sa.select(head.c.length, head.c.digest).where(head.c.id == _HEAD)
            ).first()
        if row is None or row.length == 0:
            return None
        return ChainHead(int(row.length), str(row.digest))

    def __len__(self) -> int:
        store = self._store
        audit = store._tables.audit
        with store._transaction("count the audit log", write=False) as connection:
            return int(
                connection.execute(sa.select(sa.func.count()).select_from(audit)).scalar_one()
            )

    def __repr__(self) -> str:
        return f"SqlAuditLog({self._store.where!r})"


class SqlCaseTables(SqlConnection):
    """Cases, holds and the audit log in the store's tables."""

    @property
    def audit(self) -> SqlAuditLog:
        """The audit log this store appends to."""
        return SqlAuditLog(self)

    def _create_audit_head(self, connection: sa.Connection) -> None:
        head = self._tables.audit_head
        if connection.execute(sa.select(head.c.id).where(head.c.id == _HEAD)).first() is None:
            connection.execute(sa.insert(head).values(id=_HEAD, length=0, digest=GENESIS))

    # --- writing -----------------------------------------------------------------------

    def create(self, case: Case) -> None:
        """Store a new case with its holds and audit entries, atomically.

        Raises:
            ConflictError: a case with that id exists.
        """
        cases = self._tables.cases
        with self._transaction(f"store case {case.id!r}", write=True) as connection:
            taken = connection.execute(sa.select(cases.c.id).where(cases.c.id == case.id)).first()
            if taken is not None:
                raise ConflictError(f"a case {case.id!r} already exists")
            try:
                connection.execute(sa.insert(cases).values(**_case_row(case)))
            except sa.exc.IntegrityError:
                # Another process created it between the check and the insert.
                raise ConflictError(f"a case {case.id!r} already exists") from None
            self._write_holds(connection, case)
            self._append(connection, case.id, case.events)

    def update(self, case: Case, events: Sequence[CaseEvent]) -> None:
        """Replace version ``case.version - 1`` with *case* and append *events*, atomically.

        Raises:
            ConflictError: the stored version is not ``case.version - 1``.
            CaseNotFound: there is no such case.
        """
        cases = self._tables.cases
        with self._transaction(f"update case {case.id!r}", write=True) as connection:
            changed = connection.execute(
                sa.update(cases)
                .where(cases.c.id == case.id)
                .where(cases.c.version == case.version - 1)
                .values(**_case_row(case))
            )
            if changed.rowcount != 1:
                stored = connection.execute(
                    sa.select(cases.c.version).where(cases.c.id == case.id)
                ).scalar()
                if stored is None:
                    raise CaseNotFound(case.id)
                raise ConflictError(
                    f"case {case.id!r} changed since it was read (stored version {stored},"
                    f" update expects {case.version - 1}); reload it and try again"
                )
            self._write_holds(connection, case)
            self._append(connection, case.id, events)

    def note(self, case_id: str, events: Sequence[CaseEvent]) -> None:
        """Audit *events* about a stored case without writing the case (a refused
        production: the stored row is suspect, so it is not written again)."""
        cases = self._tables.cases
        with self._transaction(f"audit case {case_id!r}", write=True) as connection:
            if (
                connection.execute(sa.select(cases.c.id).where(cases.c.id == case_id)).first()
                is None
            ):
                raise CaseNotFound(case_id)
            self._append(connection, case_id, events)

    def _write_holds(self, connection: sa.Connection, case: Case) -> None:
        holds = self._tables.holds
        for hold in case.holds:
            owner = connection.execute(
                sa.select(holds.c.case_id).where(holds.c.id == hold.id)
            ).scalar()
            if owner is not None:
                if owner != case.id:
                    raise ConflictError(f"hold {hold.id!r} belongs to case {owner!r}")
                continue
            try:
                connection.execute(
                    sa.insert(holds).values(
                        id=hold.id,
                        root=hold.root,
                        case_id=case.id,
                        extensions=hold.extensions,
                        document=json.dumps(hold.to_dict(), ensure_ascii=False, sort_keys=True),
                    )
                )
            except sa.exc.IntegrityError:
                raise ConflictError(f"hold {hold.id!r} was stored by another writer") from None

    def _append(self, connection: sa.Connection, case_id: str, events: Sequence[CaseEvent]) -> None:
        if not events:
            return
        tables = self._tables
        head_table = tables.audit_head
        row = connection.execute(
            sa.select(head_table.c.length, head_table.c.digest)
            .where(head_table.c.id == _HEAD)
            .with_for_update()
        ).first()
        if row is None:
            raise IntegrityError(
                f"{self.where}: the audit log has no head row; it was removed, so appending"
                " could fork the chain"
            )
        head = ChainHead(int(row.length), str(row.digest)) if row.length else None
        entries = chain_events(head, case_id, events)
        connection.execute(
            sa.insert(tables.audit),
            [
                {
                    "seq": entry.seq,
                    "case_id": case_id,
                    "body": entry.canonical_bytes().decode("utf-8"),
                    "digest": entry.digest,
                }
                for entry in entries
            ],
        )
        last = entries[-1].head
        connection.execute(
            sa.update(head_table)
            .where(head_table.c.id == _HEAD)
            .values(length=last.length, digest=last.digest)
        )

    # --- reading -----------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The stored case; :class:`~dueprocess.CaseNotFound` if there is none."""
        cases = self._tables.cases
        with self._transaction("read a case", write=False) as connection:
            document = connection.execute(
                sa.select(cases.c.document).where(cases.c.id == case_id)
            ).scalar()
        if document is None:
            raise CaseNotFound(case_id)
        return _case(document)

    def cases(self, state: CaseState | None = None) -> list[Case]:
        """Every stored case (in the given *state*), by id."""
        cases = self._tables.cases
        query = sa.select(cases.c.document).order_by(cases.c.id)
        if state is not None:
            query = query.where(cases.c.state == state.value)
        with self._transaction("read cases", write=False) as connection:
            return [_case(document) for (document,) in self._stream(connection, query)]

    def hold_chain(self, hold_id: str) -> tuple[Hold, ...]:
        """The chain *hold_id* belongs to (or roots), oldest first; empty if unknown."""
        holds = self._tables.holds
        with self._transaction("read holds", write=False) as connection:
            root = connection.execute(sa.select(holds.c.root).where(holds.c.id == hold_id)).scalar()
            rows = connection.execute(
                sa.select(holds.c.document)
                .where(holds.c.root == (root if root is not None else hold_id))
                .order_by(holds.c.extensions, holds.c.id)
            ).scalars()
            return tuple(Hold.from_dict(json.loads(document)) for document in rows)


def _case_row(case: Case) -> dict[str, object]:
    document = case.to_dict()
    del document["deadlines"]  # derived; recomputed whenever the case is read
    return {
        "id": case.id,
        "request_id": case.request_id,
        "state": case.state.value,
        "version": case.version,
        # Key order is kept: a review's categories are in the order they were requested.
        "document": json.dumps(document, ensure_ascii=False),
    }


def _case(text: str) -> Case:
    try:
        return Case.from_dict(json.loads(text))
    except (ValueError, InvalidRequest) as error:
        raise StoreError(f"a stored case cannot be read: {error}") from None


def _entry(seq: int, body: str, digest: str) -> AuditEntry:
    try:
        document = json.loads(body)
        return AuditEntry.from_dict({**document, "digest": digest})
    except (ValueError, KeyError, TypeError) as error:
        raise IntegrityError(f"audit entry in row {seq} cannot be read: {error}") from None
