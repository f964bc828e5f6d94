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

Every write is one transaction: the case, its holds, its ledger index rows and its audit
entries are written together or not at all. Rows are encoded and read through
``dueprocess._cases._codec``, shared with the SQLite and in-memory stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import attrs
import sqlalchemy as sa

from .._cases import _codec as codec
from .._cases._audit import GENESIS, AuditEntry, ChainHead
from .._cases._case import Case, CaseEvent, Hold
from .._cases._lifecycle import CaseState
from ..exceptions import CaseNotFound, ConflictError, IntegrityError
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
        query = sa.select(audit.c.seq, audit.c.case_id, audit.c.body, audit.c.digest).order_by(
            audit.c.seq
        )
        with store._transaction("read the audit log", write=False) as connection:
            for seq, case_id, body, digest in store._stream(connection, query):
                yield codec.decode_entry(seq, case_id, body, digest)

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
        written = codec.encode_case(case)
        cases = self._tables.cases
        with self._transaction(f"store case {case.id!r}", write=True) as connection:
            taken = connection.execute(sa.select(cases.c.id).where(cases.c.id == case.id)).first()
            if taken is not None:
                raise ConflictError(f"a case {case.id!r} already exists")
            try:
                connection.execute(sa.insert(cases).values(**_columns(written.case)))
            except sa.exc.IntegrityError:
                # Another process created it between the check and the insert.
                raise ConflictError(f"a case {case.id!r} already exists") from None
            self._write_rest(connection, written, case.events)

    def update(self, case: Case, events: Sequence[CaseEvent]) -> None:
        """Replace version ``case.version - 1`` with *case* and append *events*, atomically.

        Raises:
            ConflictError: the stored version is not ``case.version - 1``.
            CaseNotFound: there is no such case.
        """
        written = codec.encode_case(case)
        cases = self._tables.cases
        with self._transaction(f"update case {case.id!r}", write=True) as connection:
            changed = connection.execute(
                sa.update(cases)
                .where(cases.c.id == case.id)
                .where(cases.c.version == case.version - 1)
                .values(**_columns(written.case))
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
            self._write_rest(connection, written, events)

    def note(self, case_id: str, events: Sequence[CaseEvent]) -> None:
        """Audit *events* about a stored case without writing the case (a refused
        production: the stored row is suspect, so it is not written again)."""
        tables = self._tables
        cases, audit, head_table = tables.cases, tables.audit, tables.audit_head
        with self._transaction(f"audit case {case_id!r}", write=True) as connection:
            if (
                connection.execute(sa.select(cases.c.id).where(cases.c.id == case_id)).first()
                is None
            ):
                raise CaseNotFound(case_id)
            row = connection.execute(
                sa.select(head_table.c.length, head_table.c.digest)
                .where(head_table.c.id == _HEAD)
                .with_for_update()
            ).first()
            head = ChainHead(int(row.length), str(row.digest)) if row and row.length else None
            latest = connection.execute(
                sa.select(audit.c.seq, audit.c.case_id, audit.c.body, audit.c.digest)
                .where(audit.c.case_id == case_id)
                .order_by(audit.c.seq.desc())
                .limit(1)
            ).first()
            entry = codec.decode_entry(*latest) if latest is not None else None
            rows, last = codec.note_rows(head, case_id, entry, events, where=self.where)
            connection.execute(sa.insert(audit), [_columns(item) for item in rows])
            connection.execute(
                sa.update(head_table)
                .where(head_table.c.id == _HEAD)
                .values(length=last.length, digest=last.digest)
            )

    def _write_rest(
        self, connection: sa.Connection, written: codec.CaseWrite, events: Sequence[CaseEvent]
    ) -> None:
        """The case's holds, ledger index rows and audit entries, and the new head."""
        tables = self._tables
        holds, disclosures = tables.holds, tables.disclosures
        case_id = written.case.id
        for hold in written.holds:
            owner = connection.execute(
                sa.select(holds.c.case_id).where(holds.c.id == hold.id)
            ).scalar()
            if owner is not None:
                if owner != case_id:
                    raise ConflictError(f"hold {hold.id!r} belongs to case {owner!r}")
                continue
            try:
                connection.execute(sa.insert(holds).values(**_columns(hold)))
            except sa.exc.IntegrityError:
                raise ConflictError(f"hold {hold.id!r} was stored by another writer") from None
        for row in written.disclosures:
            held = connection.execute(
                sa.select(disclosures.c.case_id)
                .where(disclosures.c.account == row.account)
                .where(disclosures.c.case_id == row.case_id)
            ).first()
            if held is None:
                connection.execute(sa.insert(disclosures).values(**_columns(row)))
        self._append(connection, written, events)

    def _append(
        self, connection: sa.Connection, written: codec.CaseWrite, events: Sequence[CaseEvent]
    ) -> None:
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
        some = connection.execute(sa.select(tables.audit.c.seq).limit(1)).first() is not None
        rows, last = codec.audit_rows(head, written, events, has_entries=some, where=self.where)
        connection.execute(sa.insert(tables.audit), [_columns(entry) for entry in rows])
        connection.execute(
            sa.update(head_table)
            .where(head_table.c.id == _HEAD)
            .values(length=last.length, digest=last.digest)
        )

    # --- reading -----------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The stored case; :class:`~dueprocess.exceptions.CaseNotFound` if there is none."""
        cases = self._tables.cases
        with self._transaction("read a case", write=False) as connection:
            document = connection.execute(
                sa.select(cases.c.document).where(cases.c.id == case_id)
            ).scalar()
        if document is None:
            raise CaseNotFound(case_id)
        return codec.decode_case(document, case_id)

    def cases(self, state: CaseState | None = None) -> list[Case]:
        """Every stored case (in the given *state*), by id."""
        cases = self._tables.cases
        query = sa.select(cases.c.id, cases.c.document).order_by(cases.c.id)
        if state is not None:
            query = query.where(cases.c.state == state.value)
        return self._decoded("read cases", query)

    def due(self, before: dt.datetime) -> list[Case]:
        """Every case with an open deadline strictly before *before* (the ``due_at`` index)."""
        cases = self._tables.cases
        query = (
            sa.select(cases.c.id, cases.c.document)
            .where(cases.c.due_at < codec.micros(before))
            .order_by(cases.c.due_at, cases.c.id)
        )
        return self._decoded("read due cases", query)

    def disclosed(self, account: str) -> list[Case]:
        """Every case whose productions released *account*'s data (the ledger's index)."""
        cases, disclosures = self._tables.cases, self._tables.disclosures
        query = (
            sa.select(cases.c.id, cases.c.document)
            .join(disclosures, disclosures.c.case_id == cases.c.id)
            .where(disclosures.c.account == account)
            # The index's own order: the plan walks (account, case_id) and never sorts,
            # which also suits a server-side cursor's fast-start planning.
            .order_by(disclosures.c.case_id)
        )
        return self._decoded("read the ledger", query)

    def _decoded(self, action: str, query: sa.Select[tuple[str, str]]) -> list[Case]:
        with self._transaction(action, write=False) as connection:
            return [
                codec.decode_case(document, case_id)
                for case_id, document in self._stream(connection, query)
            ]

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
            return tuple(codec.decode_hold(document) for document in rows)

    def case_rows(self, case_id: str | None = None) -> Iterator[codec.CaseRow]:
        """The stored case rows (only *case_id*'s, if given), by id, exactly as stored."""
        cases = self._tables.cases
        query = sa.select(
            cases.c.id,
            cases.c.request_id,
            cases.c.state,
            cases.c.version,
            cases.c.due_at,
            cases.c.document,
        ).order_by(cases.c.id)
        if case_id is not None:
            query = query.where(cases.c.id == case_id)
        with self._transaction("read cases", write=False) as connection:
            for row in self._stream(connection, query):
                yield codec.CaseRow(*row)

    def hold_rows(self) -> Iterator[codec.HoldRow]:
        """Every row of the hold registry, by id, exactly as stored."""
        holds = self._tables.holds
        query = sa.select(
            holds.c.id, holds.c.root, holds.c.case_id, holds.c.extensions, holds.c.document
        ).order_by(holds.c.id)
        with self._transaction("read holds", write=False) as connection:
            for row in self._stream(connection, query):
                yield codec.HoldRow(*row)

    def disclosure_rows(self) -> Iterator[codec.DisclosureRow]:
        """Every row of the ledger's index, exactly as stored."""
        disclosures = self._tables.disclosures
        query = sa.select(disclosures.c.account, disclosures.c.case_id)
        with self._transaction("read the ledger index", write=False) as connection:
            for row in self._stream(connection, query):
                yield codec.DisclosureRow(*row)


def _columns(row: attrs.AttrsInstance) -> dict[str, object]:
    """A codec row as column values (the codec's field names are the columns' names)."""
    return attrs.asdict(row, recurse=False)
