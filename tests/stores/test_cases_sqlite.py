"""The SQLite case store: persistence, the append-only log, and two processes racing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest

from dueprocess.adapters import SqliteAuditLog, SqliteCaseStore, SqliteStore
from dueprocess.cases import CaseState, verify_chain
from dueprocess.exceptions import StoreError

from ..cases_support import harness, request


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_cases_and_their_log_survive_closing_the_database(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite"
    with SqliteCaseStore(path) as store:
        case = harness(store).cases.open(request(), actor="intake")
    with SqliteCaseStore(path, create=False) as store:
        assert store.get(case.id) == case
        assert len(store.audit) == 3
        assert repr(store) == f"SqliteCaseStore({str(path)!r})"
    log = SqliteAuditLog(path)
    assert verify_chain(log.entries(), head=log.head()) is None
    assert repr(log) == f"SqliteAuditLog({str(path)!r})"
    log.close()


def test_the_database_refuses_to_change_or_remove_an_audit_entry(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite"
    with SqliteCaseStore(path) as store:
        harness(store).cases.open(request(), actor="intake")
    raw = _raw(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE audit SET body = '{}' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit WHERE seq = 2")
    raw.close()


def test_a_missing_database_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such case database"):
        SqliteCaseStore(tmp_path / "missing.sqlite", create=False)
    with pytest.raises(StoreError, match="no such case database"):
        SqliteAuditLog(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()
    with pytest.raises(TypeError):
        SqliteAuditLog()


def test_a_file_that_is_not_a_case_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    raw = _raw(other)
    raw.execute("CREATE TABLE t (x)")
    raw.close()
    with pytest.raises(StoreError, match="not a dueprocess case database"):
        SqliteCaseStore(other, create=False)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database at all, not even close" * 100)
    with pytest.raises(StoreError, match="cannot open the case database"):
        SqliteCaseStore(garbage)


def test_a_database_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite"
    SqliteCaseStore(path).close()
    raw = _raw(path)
    raw.execute("UPDATE case_store_meta SET schema = 99")
    raw.close()
    with pytest.raises(StoreError, match="schema 99, expected 2"):
        SqliteCaseStore(path)


def test_cases_can_share_a_file_with_the_record_store(tmp_path: Path) -> None:
    path = tmp_path / "both.sqlite"
    with SqliteStore(path) as records:
        records.import_records(
            [
                '{"account": "1", "category": "subscriber", "at": "2020-01-01T00:00:00Z",'
                ' "fields": {}}'
            ]
        )
    with SqliteCaseStore(path) as store:
        harness(store).cases.open(request(), actor="intake")
    with SqliteStore(path, create=False) as records:
        assert records.counts()["records"] == 1
    with SqliteCaseStore(path, create=False) as store:
        assert len(store.cases()) == 1


def test_reading_a_broken_log_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite"
    with SqliteCaseStore(path) as store:
        harness(store).cases.open(request(), actor="intake")
        store._database.connection.execute("DROP TABLE audit_head")
        with pytest.raises(StoreError, match="audit head"):
            store.audit.head()
        store._database.connection.execute("DROP TRIGGER audit_no_update")
        store._database.connection.execute("DROP TRIGGER audit_no_delete")
        store._database.connection.execute("DROP TABLE audit")
        with pytest.raises(StoreError, match="cannot read the audit log"):
            list(store.audit.entries())


_RACER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import datetime as dt
    from dueprocess.cases import Cases
    from dueprocess.exceptions import ConflictError
    from dueprocess.adapters import SqliteCaseStore
    from dueprocess.testing import ManualClock

    db, name, gate = sys.argv[1], sys.argv[2], Path(sys.argv[3])

    class Gated(SqliteCaseStore):
        # Both writers read the case, then wait for each other: a true race on one version.
        def get(self, case_id):
            case = super().get(case_id)
            (gate / name).touch()
            deadline = time.monotonic() + 60
            while len(list(gate.iterdir())) < 2:
                if time.monotonic() > deadline:
                    raise SystemExit("the other writer never came")
                time.sleep(0.005)
            return case

    store = Gated(db)
    cases = Cases(store, ManualClock(dt.datetime(2023, 5, 11, tzinfo=dt.timezone.utc)))
    try:
        if name == "callback":
            cases.record_callback("REQ-1", "confirmed", actor=name)
        else:
            cases.close("REQ-1", actor=name, reason="withdrawn")
    except ConflictError as error:
        print("conflict:", error)
    else:
        print("ok")
    """
)


def test_two_processes_racing_on_one_case_give_one_success_and_one_conflict(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cases.sqlite"
    with SqliteCaseStore(path) as store:
        harness(store).cases.open(request(requester__email="a@example.com"), actor="intake")
    gate = tmp_path / "gate"
    gate.mkdir()
    script = tmp_path / "racer.py"
    script.write_text(_RACER, encoding="utf-8")
    racers = [
        subprocess.Popen(
            [sys.executable, str(script), str(path), name, str(gate)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("callback", "close")
    ]
    outputs = {}
    for name, racer in zip(("callback", "close"), racers, strict=True):
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        outputs[name] = out.strip()
    assert sorted(o.split(":")[0] for o in outputs.values()) == ["conflict", "ok"]
    winner = next(name for name, out in outputs.items() if out == "ok")
    with SqliteCaseStore(path) as store:
        case = store.get("REQ-1")
        assert case.version == 2
        assert {e.actor for e in case.events[3:]} == {winner}
        expected = CaseState.CLOSED if winner == "close" else CaseState.NOTICE_PENDING
        assert case.state is expected
        entries = list(store.audit.entries())
        assert len(entries) == len(case.events)
        assert verify_chain(entries, head=store.audit.head()) is None
        assert json.loads(entries[-1].canonical_bytes())["actor"] == winner


def test_a_database_in_a_missing_directory_cannot_be_opened(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the case database"):
        SqliteCaseStore(tmp_path / "no" / "such" / "dir" / "cases.sqlite")


def test_a_writer_that_cannot_get_the_lock_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cases.sqlite"
    SqliteCaseStore(path).close()
    blocker = _raw(path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with (
            SqliteCaseStore(path, timeout=0.05) as store,
            pytest.raises(StoreError, match="cannot begin a transaction"),
        ):
            harness(store).cases.open(request(), actor="intake")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with SqliteCaseStore(path) as store:
        assert store.cases() == []
        assert store.audit.head() is None


def test_sqlite_write_errors_become_store_errors(tmp_path: Path) -> None:
    with SqliteCaseStore(tmp_path / "c.sqlite") as store:
        case = harness(store).cases.open(request(), actor="intake")
        store._database.connection.execute("DROP TABLE audit_head")
        with pytest.raises(StoreError, match="undone"):
            store.update(attrs.evolve(case, version=2), case.events[:1])
        store._database.connection.execute("DROP TABLE holds")
        with pytest.raises(StoreError, match="cannot read cases"):
            store.hold_chain("x")
        assert store.get(case.id) == case
