"""Every case store, behind one fixture, with the raw writes an attacker would make.

The ``backend`` fixture (``conftest.py``) runs a test once on each store: the in-memory
store, the SQLite store, ``SqlStore`` on SQLite and ``SqlStore`` on PostgreSQL. Its methods
change the stored rows directly, as someone with write access to the database (not to
dueprocess) would: the SQL ones through plain SQL with the append-only triggers dropped,
the memory one through its private rows. ``backend.db`` is what the command line takes as
``--db`` (``None`` for the memory store, which the command line cannot reach).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from dueprocess.adapters import SqliteCaseStore
from dueprocess.cases import Case, CaseRow, Cases, DisclosureRow, HoldRow
from dueprocess.exceptions import StoreError
from dueprocess.testing import MemoryCaseStore

from ..cases_support import harness, request
from ..sql import SqlDatabase, sa

BACKENDS = ("memory", "sqlite", "sql-sqlite", "sql-postgresql")


class Backend:
    """One store under test, and raw access to its rows."""

    name: str
    store: Any
    db: str | None = None

    def service(self, now: dt.datetime | None = None, producer: Any = None) -> Cases:
        return harness(self.store, now=now, producer=producer).cases

    # --- what every backend implements ---------------------------------------------

    def set_case(self, case_id: str, **columns: Any) -> None:
        raise NotImplementedError

    def delete_case(self, case_id: str) -> None:
        raise NotImplementedError

    def insert_case(self, row: CaseRow) -> None:
        raise NotImplementedError

    def set_audit(self, seq: int, **columns: Any) -> None:
        raise NotImplementedError

    def delete_audit_from(self, seq: int) -> None:
        raise NotImplementedError

    def delete_head(self) -> None:
        raise NotImplementedError

    def set_head(self, length: int, digest: str) -> None:
        raise NotImplementedError

    def set_hold(self, hold_id: str, **columns: Any) -> None:
        raise NotImplementedError

    def insert_hold(self, row: HoldRow) -> None:
        raise NotImplementedError

    def delete_disclosures(self, case_id: str) -> None:
        raise NotImplementedError

    def insert_disclosure(self, row: DisclosureRow) -> None:
        raise NotImplementedError

    def fail_writes(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make every later write fail at its last step, as a full disk or a lost lock would."""
        raise NotImplementedError

    # --- built on them ----------------------------------------------------------------

    def row(self, case_id: str) -> CaseRow:
        (row,) = self.store.case_rows(case_id)
        return row  # type: ignore[no-any-return]

    def edit_document(self, case_id: str, change: Any) -> None:
        """Apply *change* to the stored case document (parsed), as a database writer."""
        document = json.loads(self.row(case_id).document)
        change(document)
        self.set_case(case_id, document=json.dumps(document, ensure_ascii=False))

    def audit_body(self, seq: int) -> str:
        entry = list(self.store.audit.entries())[seq]
        return entry.canonical_bytes().decode("utf-8")  # type: ignore[no-any-return]

    def wipe(self) -> None:
        """Remove every case, hold, index row, entry and the head."""
        for row in list(self.store.case_rows()):
            self.delete_case(row.id)
            self.delete_disclosures(row.id)
        self._delete_holds()
        self.delete_audit_from(0)
        self.set_head(0, "0" * 64)

    def _delete_holds(self) -> None:
        raise NotImplementedError


class MemoryBackend(Backend):
    name = "memory"

    def __init__(self) -> None:
        self.store = MemoryCaseStore()

    def set_case(self, case_id: str, **columns: Any) -> None:
        cases = self.store._cases
        cases[case_id] = attrs.evolve(cases[case_id], **columns)

    def delete_case(self, case_id: str) -> None:
        del self.store._cases[case_id]

    def insert_case(self, row: CaseRow) -> None:
        self.store._cases[row.id] = row

    def set_audit(self, seq: int, **columns: Any) -> None:
        rows = self.store.audit._rows
        rows[seq] = attrs.evolve(rows[seq], **columns)

    def delete_audit_from(self, seq: int) -> None:
        del self.store.audit._rows[seq:]

    def delete_head(self) -> None:
        self.store.audit._head = None

    def set_head(self, length: int, digest: str) -> None:
        from dueprocess.cases import ChainHead

        self.store.audit._head = ChainHead(length, digest)

    def set_hold(self, hold_id: str, **columns: Any) -> None:
        holds = self.store._holds
        holds[hold_id] = attrs.evolve(holds[hold_id], **columns)

    def insert_hold(self, row: HoldRow) -> None:
        self.store._holds[row.id] = row

    def _delete_holds(self) -> None:
        self.store._holds.clear()

    def delete_disclosures(self, case_id: str) -> None:
        self.store._disclosures = {d for d in self.store._disclosures if d.case_id != case_id}

    def insert_disclosure(self, row: DisclosureRow) -> None:
        self.store._disclosures.add(row)

    def fail_writes(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from dueprocess._cases import _codec

        real = _codec.audit_rows

        def failing(*args: Any, **kwargs: Any) -> Any:
            real(*args, **kwargs)  # the rows are built, then the write fails
            raise StoreError("injected failure")

        monkeypatch.setattr(_codec, "audit_rows", failing)


class SqlBackend(Backend):
    """Raw SQL on a store's tables; subclasses say how to reach them."""

    head_key = "id"

    def table(self, name: str) -> str:
        raise NotImplementedError

    def execute(self, statement: str, **parameters: Any) -> None:
        raise NotImplementedError

    def drop_append_only(self) -> None:
        raise NotImplementedError

    def _update(self, table: str, key: str, value: Any, columns: dict[str, Any]) -> None:
        sets = ", ".join(f"{column} = :{column}" for column in columns)
        self.execute(
            f"UPDATE {self.table(table)} SET {sets} WHERE {key} = :key", key=value, **columns
        )

    def _insert(self, table: str, row: Any) -> None:
        values = attrs.asdict(row)
        self.execute(
            f"INSERT INTO {self.table(table)} ({', '.join(values)})"
            f" VALUES ({', '.join(':' + name for name in values)})",
            **values,
        )

    def set_case(self, case_id: str, **columns: Any) -> None:
        self._update("cases", "id", case_id, columns)

    def delete_case(self, case_id: str) -> None:
        self.execute(f"DELETE FROM {self.table('cases')} WHERE id = :id", id=case_id)

    def insert_case(self, row: CaseRow) -> None:
        self._insert("cases", row)

    def set_audit(self, seq: int, **columns: Any) -> None:
        self.drop_append_only()
        self._update("audit", "seq", seq, columns)

    def delete_audit_from(self, seq: int) -> None:
        self.drop_append_only()
        self.execute(f"DELETE FROM {self.table('audit')} WHERE seq >= :seq", seq=seq)

    def delete_head(self) -> None:
        self.execute(f"DELETE FROM {self.table('audit_head')}")

    def set_head(self, length: int, digest: str) -> None:
        self._update("audit_head", self.head_key, 1, {"length": length, "digest": digest})

    def set_hold(self, hold_id: str, **columns: Any) -> None:
        self._update("holds", "id", hold_id, columns)

    def insert_hold(self, row: HoldRow) -> None:
        self._insert("holds", row)

    def _delete_holds(self) -> None:
        self.execute(f"DELETE FROM {self.table('holds')}")

    def delete_disclosures(self, case_id: str) -> None:
        self.execute(f"DELETE FROM {self.table('disclosures')} WHERE case_id = :c", c=case_id)

    def insert_disclosure(self, row: DisclosureRow) -> None:
        self._insert("disclosures", row)


class SqliteBackend(SqlBackend):
    name = "sqlite"
    head_key = "singleton"

    def __init__(self, path: Path) -> None:
        self.store = SqliteCaseStore(path)
        self.db = str(path)

    def table(self, name: str) -> str:
        return name

    def execute(self, statement: str, **parameters: Any) -> None:
        self.store._database.connection.execute(statement, parameters)

    def drop_append_only(self) -> None:
        self.execute("DROP TRIGGER IF EXISTS audit_no_update")
        self.execute("DROP TRIGGER IF EXISTS audit_no_delete")

    def fail_writes(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for verb in ("INSERT", "UPDATE"):
            self.execute(
                f"CREATE TRIGGER fail_{verb.lower()} BEFORE {verb} ON audit_head"
                " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )


class SqlStoreBackend(SqlBackend):
    def __init__(self, database: SqlDatabase) -> None:
        self.database = database
        self.name = f"sql-{database.backend}"
        self.store = database.store()
        self.db = database.spec()

    def table(self, name: str) -> str:
        return self.database.table(f"dueprocess_{name}")

    def execute(self, statement: str, **parameters: Any) -> None:
        with self.store.engine.begin() as connection:
            connection.execute(sa.text(statement), parameters)

    def drop_append_only(self) -> None:
        audit = self.table("audit")
        if self.database.backend == "sqlite":
            self.execute("DROP TRIGGER IF EXISTS dueprocess_audit_no_update")
            self.execute("DROP TRIGGER IF EXISTS dueprocess_audit_no_delete")
        else:
            self.execute(f"DROP TRIGGER IF EXISTS dueprocess_audit_no_change ON {audit}")

    def fail_writes(self, monkeypatch: pytest.MonkeyPatch) -> None:
        head = self.table("audit_head")
        if self.database.backend == "sqlite":
            for verb in ("INSERT", "UPDATE"):
                self.execute(
                    f"CREATE TRIGGER fail_{verb.lower()} BEFORE {verb} ON {head}"
                    " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                )
            return
        function = self.database.table("injected_failure")
        self.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
        )
        self.execute(
            f"CREATE TRIGGER fail_writes BEFORE INSERT OR UPDATE ON {head}"
            f" FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def opened(backend: Backend, **changes: Any) -> Case:
    """A case opened through the service on *backend* (the base request of ``tests/support.py``)."""
    return backend.service().open(request(**changes), actor="intake")
