"""Faults: a disk that fills, a folder that may not be written, a store that goes away,
a process that dies between the records and the manifest.

Whatever fails, and wherever: no output claims completeness (no production directory
at the target, no manifest anywhere), the case stays where it was (``ready`` or
``notice_pending``) with its audit chain intact and no ledger entry, and producing again
once the fault is gone gives the same records and the same Merkle root.

Tests run as root, for whom permissions do not bite, so permission and disk faults are
injected by monkeypatching the calls the directory sink makes.
"""

from __future__ import annotations

import builtins
import datetime as dt
import errno
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dueprocess import Category, Record, load_request, produce
from dueprocess._cli import main
from dueprocess.adapters import (
    DirectorySink,
    SqliteCaseStore,
    SqliteStore,
    _directory,
    verify_directory,
)
from dueprocess.cases import CaseAction, Cases, CaseState, verify_chain
from dueprocess.exceptions import StoreError
from dueprocess.parts import Target
from dueprocess.testing import (
    ManualClock,
    MemoryCaseStore,
    MemorySink,
    MemoryStore,
    RecordingNotifier,
)

from ..production_support import PRODUCED_AT, login, make_review, subscriber
from ..support import ROOT, make_request

UTC = dt.timezone.utc
REVIEW = make_review()


def _records() -> list[Record]:
    return [subscriber("100001")] + [
        login("100001", f"2017-01-{day:02d}T10:00:00") for day in range(1, 28)
    ]


def _store() -> MemoryStore:
    return MemoryStore.of(_records())


# The Merkle root of the production every test tries to make, made with nothing failing.
CLEAN_ROOT = produce(REVIEW, _store(), MemorySink(), produced_at=PRODUCED_AT).merkle_root


def _left(folder: Path) -> list[str]:
    """Every path under *folder*, relative, sorted."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def _assert_nothing_claims_completeness(folder: Path, target: Path) -> None:
    assert not target.exists()
    assert not verify_directory(target).ok
    assert not list(folder.rglob("manifest.json"))


def _retry_gives_the_same_root(target: Path) -> None:
    manifest = produce(REVIEW, _store(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert manifest.merkle_root == CLEAN_ROOT
    assert verify_directory(target, review=REVIEW).ok


# --- the disk -------------------------------------------------------------------------


class _FullDisk:
    """A binary file whose writes fail with ENOSPC once *room* bytes are written."""

    def __init__(self, handle: Any, room: int) -> None:
        self._handle = handle
        self._room = room

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return int(self._handle.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def _fill_disk_after(monkeypatch: pytest.MonkeyPatch, room: int, name: str) -> None:
    """Make the directory sink's file *name* run out of space after *room* bytes."""
    real_open = builtins.open

    def filling_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if "x" in mode and Path(file).name == name:
            return _FullDisk(handle, room)
        return handle

    monkeypatch.setattr(_directory, "open", filling_open, raising=False)


@pytest.mark.parametrize(
    ("name", "room"),
    [
        ("records.jsonl", 0),
        ("records.jsonl", 100),
        ("letter.md", 10),
        ("certificate.md", 0),
        ("manifest.json", 50),
    ],
)
def test_a_full_disk_leaves_no_production_and_a_retry_gives_the_same_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, room: int
) -> None:
    target = tmp_path / "out"
    _fill_disk_after(monkeypatch, room, name)
    with pytest.raises(StoreError, match=f"cannot write {name}.*No space left on device"):
        produce(REVIEW, _store(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert _left(tmp_path) == []
    _assert_nothing_claims_completeness(tmp_path, target)
    monkeypatch.undo()
    _retry_gives_the_same_root(target)


def test_a_disk_that_cannot_flush_leaves_no_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(descriptor: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(_directory.os, "fsync", failing_fsync)
    target = tmp_path / "out"
    with pytest.raises(StoreError, match="Input/output error"):
        produce(REVIEW, _store(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert _left(tmp_path) == []
    monkeypatch.undo()
    _retry_gives_the_same_root(target)


# --- permissions ------------------------------------------------------------------------


def test_a_folder_that_may_not_be_written_is_a_store_error_before_any_record_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: Any, **kwargs: Any) -> str:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path))

    monkeypatch.setattr(_directory.tempfile, "mkdtemp", refused)
    target = tmp_path / "out"
    with pytest.raises(StoreError, match=r"cannot write beside .*Permission denied"):
        produce(REVIEW, _store(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert _left(tmp_path) == []
    monkeypatch.undo()
    _retry_gives_the_same_root(target)


def test_a_parent_that_cannot_be_created_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: Path, *args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setattr(Path, "mkdir", refused)
    target = tmp_path / "new" / "out"
    with pytest.raises(StoreError, match="Read-only file system"):
        produce(REVIEW, _store(), DirectorySink(target), produced_at=PRODUCED_AT)
    monkeypatch.undo()
    assert _left(tmp_path) == []


def _refuse_rename_into(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    real_rename = Path.rename

    def rename(self: Path, destination: Any) -> Path:
        if Path(destination) == target and self.name.startswith(f".{target.name}.partial-"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(destination))
        return real_rename(self, destination)

    monkeypatch.setattr(Path, "rename", rename)


def test_a_production_that_cannot_be_moved_into_place_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    _refuse_rename_into(monkeypatch, target)
    with pytest.raises(StoreError, match=r"cannot move the production into .*Permission denied"):
        produce(REVIEW, _store(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert _left(tmp_path) == []
    monkeypatch.undo()
    _retry_gives_the_same_root(target)


def test_a_replacement_that_cannot_be_moved_into_place_keeps_the_old_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    produce(REVIEW, _store(), DirectorySink(target), produced_at=PRODUCED_AT)
    before = {path.name: path.read_bytes() for path in target.iterdir()}
    _refuse_rename_into(monkeypatch, target)
    later = PRODUCED_AT + dt.timedelta(days=1)
    with pytest.raises(StoreError, match="cannot move the production"):
        produce(REVIEW, _store(), DirectorySink(target, replace=True), produced_at=later)
    assert {path.name: path.read_bytes() for path in target.iterdir()} == before
    assert _left(tmp_path) == sorted(["out", *(f"out/{name}" for name in before)])
    assert verify_directory(target).ok


def test_a_replaced_production_that_cannot_be_removed_does_not_undo_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    produce(REVIEW, _store(), DirectorySink(target), produced_at=PRODUCED_AT)

    def stuck(path: Any, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(path))

    monkeypatch.setattr(_directory.shutil, "rmtree", stuck)
    later = PRODUCED_AT + dt.timedelta(days=1)
    manifest = produce(REVIEW, _store(), DirectorySink(target, replace=True), produced_at=later)
    # The new production is in place and complete, so producing reported success; the
    # old one is left hidden beside it.
    assert manifest.produced_at == later
    assert verify_directory(target).ok
    (hidden,) = (name for name in os.listdir(tmp_path) if name != "out")
    assert hidden.startswith(".out.replaced-")


# --- a store that goes away ------------------------------------------------------------


def test_a_sqlite_store_that_disconnects_mid_stream_leaves_no_production(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite"
    with SqliteStore(path) as store:
        store.add_records(_records())

    class Disconnecting(SqliteStore):
        def records(self, *args: Any) -> Iterator[Record]:
            for count, record in enumerate(super().records(*args)):
                yield record
                if count == 3:
                    self._connection.close()  # the database goes away mid-stream

    target = tmp_path / "out"
    with (
        Disconnecting(path, readonly=True) as store,
        pytest.raises(StoreError, match="closed database"),
    ):
        produce(REVIEW, store, DirectorySink(target), produced_at=PRODUCED_AT)
    assert _left(tmp_path) == ["store.sqlite"]
    with SqliteStore(path, readonly=True) as store:
        manifest = produce(REVIEW, store, DirectorySink(target), produced_at=PRODUCED_AT)
    assert manifest.merkle_root == CLEAN_ROOT


def test_a_sqlite_store_deleted_under_a_production_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with SqliteStore(path) as store:
        store.add_records(_records())
    target = tmp_path / "out"
    with SqliteStore(path, readonly=True) as store:
        connection = sqlite3.connect(path)
        connection.execute("DROP TABLE records")
        connection.commit()
        connection.close()
        with pytest.raises(StoreError, match="no such table"):
            produce(REVIEW, store, DirectorySink(target), produced_at=PRODUCED_AT)
    _assert_nothing_claims_completeness(tmp_path, target)


@pytest.mark.parametrize(
    "failure",
    [ConnectionResetError("connection reset by peer"), TimeoutError("read timed out"),
     MemoryError(), StoreError("the warehouse went away")],
    ids=["reset", "timeout", "memory", "store-error"],
)  # fmt: skip
def test_a_source_that_fails_mid_stream_leaves_no_production(
    tmp_path: Path, failure: Exception
) -> None:
    class Failing:
        def resolve(self, target: Target) -> tuple[str, ...]:
            return ("100001",)

        def records(self, account: str, category: Category, *_: Any) -> Iterator[Record]:
            yield from _store().records(account, category, *_)
            if category is Category.SESSION_LOGS:
                raise failure

    target = tmp_path / "out"
    with pytest.raises((StoreError, MemoryError)):
        produce(REVIEW, Failing(), DirectorySink(target), produced_at=PRODUCED_AT)
    assert _left(tmp_path) == []
    _retry_gives_the_same_root(target)


# --- a crash between the records and the manifest -------------------------------------


class _Crashing:
    """Passes a production to a sink and raises at one step of it."""

    def __init__(self, sink: Any, step: str, error: BaseException) -> None:
        self.sink, self.step, self.error = sink, step, error
        self.written: list[str] = []

    def write(self, name: str, chunks: Iterable[bytes]) -> None:
        if self.step == name:
            raise self.error
        self.sink.write(name, chunks)
        self.written.append(name)

    def commit(self) -> None:
        if self.step == "commit":
            raise self.error
        self.sink.commit()

    def abort(self) -> None:
        self.sink.abort()


@pytest.mark.parametrize("step", ["letter.md", "certificate.md", "manifest.json", "commit"])
@pytest.mark.parametrize(
    "error", [RuntimeError("crash"), KeyboardInterrupt()], ids=["exception", "interrupt"]
)
def test_a_crash_after_the_records_are_written_leaves_no_production(
    tmp_path: Path, step: str, error: BaseException
) -> None:
    target = tmp_path / "out"
    sink = _Crashing(DirectorySink(target), step, error)
    with pytest.raises(type(error)):
        produce(REVIEW, _store(), sink, produced_at=PRODUCED_AT)
    assert "records.jsonl" in sink.written
    assert _left(tmp_path) == []
    _retry_gives_the_same_root(target)


def test_a_process_killed_before_the_manifest_leaves_only_a_hidden_partial_folder(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.production_support import PRODUCED_AT, login, make_review, subscriber
        from dueprocess import produce
        from dueprocess.adapters import DirectorySink
        from dueprocess.testing import MemoryStore

        class Dying(DirectorySink):
            def write(self, name, chunks):
                if name == "manifest.json":
                    os._exit(9)  # the process dies: no cleanup, no exception handler
                super().write(name, chunks)

        records = [subscriber("100001")] + [
            login("100001", f"2017-01-{{day:02d}}T10:00:00") for day in range(1, 28)
        ]
        produce(make_review(), MemoryStore.of(records), Dying({str(target)!r}),
                produced_at=PRODUCED_AT)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 9, completed.stderr
    (partial,) = os.listdir(tmp_path)
    assert partial.startswith(".out.partial-")
    assert sorted(os.listdir(tmp_path / partial)) == [
        "certificate.md",
        "letter.md",
        "records.jsonl",
    ]
    _assert_nothing_claims_completeness(tmp_path, target)
    assert not verify_directory(tmp_path / partial).ok  # no manifest: not a production
    _retry_gives_the_same_root(target)


# --- the case, its audit log and the ledger -------------------------------------------


def _case_harness(
    store: Any, now: dt.datetime, *, notify: bool = True
) -> tuple[Cases, ManualClock, str]:
    """A case for a subpoena for 100001, received 2023-05-10, opened at *now*; with
    *notify* its notice before disclosure is given (and, past its window, it is ready)."""
    clock = ManualClock(now)
    cases = Cases(store, clock, notifier=RecordingNotifier())
    request = load_request(make_request())
    case_id = cases.open(request, actor="intake").id
    if notify:
        cases.notify(case_id, actor="clerk")
        if now >= dt.datetime(2023, 5, 20, tzinfo=UTC):
            cases.advance(case_id, actor="clerk")
    return cases, clock, case_id


def _case_records() -> MemoryStore:
    return MemoryStore.of(
        [subscriber("100001")]
        + [login("100001", f"2023-04-{day:02d}T10:00:00") for day in range(1, 20)]
    )


def _case_root(cases: Cases, case_id: str) -> str:
    review = cases.get(case_id).review
    return produce(review, _case_records(), MemorySink(), produced_at=PRODUCED_AT).merkle_root


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (dt.datetime(2023, 5, 21, tzinfo=UTC), CaseState.READY),
        (dt.datetime(2023, 5, 11, tzinfo=UTC), CaseState.NOTICE_PENDING),
    ],
    ids=["ready", "notice-pending"],
)
@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_failed_production_leaves_the_case_its_audit_log_and_the_ledger_unchanged(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    now: dt.datetime,
    state: CaseState,
    backend: str,
) -> None:
    store = MemoryCaseStore() if backend == "memory" else SqliteCaseStore(tmp_path / "c.sqlite")
    cases, _clock, case_id = _case_harness(store, now)
    before = cases.get(case_id)
    assert before.state is state
    audit_length = len(list(store.audit.entries()))
    override = "court deadline" if state is CaseState.NOTICE_PENDING else None
    target = tmp_path / "out"
    _fill_disk_after(monkeypatch, 200, "records.jsonl")
    with pytest.raises(StoreError, match="No space left on device"):
        cases.produce(
            case_id, _case_records(), DirectorySink(target), actor="clerk", override=override
        )
    monkeypatch.undo()
    after = cases.get(case_id)
    # The case is where it was; only the production's claim on it and why it failed
    # are recorded.
    assert (after.state, after.productions, after.review) == (state, (), before.review)
    assert after.events[:-2] == before.events
    assert [e.action for e in after.events[-2:]] == [CaseAction.CLAIM, CaseAction.REFUSE]
    entries = list(store.audit.entries())
    assert len(entries) == audit_length + 2
    assert entries[-1].action == "refuse"
    assert "production failed, nothing released" in entries[-1].reason
    assert verify_chain(store.audit.entries(), head=store.audit.head()) is None
    assert cases.ledger_all("100001") == ()
    assert not target.exists()
    produced = cases.produce(
        case_id, _case_records(), DirectorySink(target), actor="clerk", override=override
    )
    assert produced.state is CaseState.PRODUCED
    assert produced.productions[-1].merkle_root == _case_root(cases, case_id)
    assert [entry.merkle_root for entry in cases.ledger_all("100001")] == [
        produced.productions[-1].merkle_root
    ]
    assert verify_chain(store.audit.entries(), head=store.audit.head()) is None


def test_a_case_store_that_fails_to_record_the_production_publishes_nothing(
    tmp_path: Path,
) -> None:
    class Failing(MemoryCaseStore):
        fail = False

        def update(self, case: Any, events: Any) -> None:
            if self.fail and case.productions:
                raise StoreError("the case database is locked")
            super().update(case, events)

    store = Failing()
    cases, _clock, case_id = _case_harness(store, dt.datetime(2023, 5, 21, tzinfo=UTC))
    store.fail = True
    with pytest.raises(StoreError, match="locked"):
        cases.produce(case_id, _case_records(), DirectorySink(tmp_path / "a"), actor="clerk")
    # The production is published only once the case has recorded it: nothing at the
    # target, nothing hidden left beside it, nothing in the ledger.
    assert not (tmp_path / "a").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert cases.get(case_id).state is CaseState.READY
    assert cases.ledger_all("100001") == ()
    assert verify_chain(store.audit.entries(), head=store.audit.head()) is None
    store.fail = False
    produced = cases.produce(case_id, _case_records(), DirectorySink(tmp_path / "b"), actor="clerk")
    root = produced.productions[-1].merkle_root
    assert root == _case_root(cases, case_id)
    assert verify_directory(tmp_path / "b").ok


# --- the command line -------------------------------------------------------------------


def test_the_produce_command_reports_a_full_disk_in_one_line_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store.sqlite"
    with SqliteStore(store) as records:
        records.add_records(
            [subscriber("100001")]
            + [login("100001", f"2023-04-{day:02d}T10:00:00") for day in range(1, 20)]
        )
    request = tmp_path / "request.json"
    request.write_text(__import__("json").dumps(make_request()), encoding="utf-8")
    out = tmp_path / "out"
    _fill_disk_after(monkeypatch, 0, "records.jsonl")
    code = main(
        ["produce", str(request), "--store", str(store), "--out", str(out),
         "--produced-at", "2023-06-01T00:00:00Z"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err
    assert captured.err.startswith("dueprocess: cannot write records.jsonl")
    assert "No space left on device" in captured.err
    assert sorted(os.listdir(tmp_path)) == ["request.json", "store.sqlite"]


def test_the_produce_command_reports_a_broken_store_row_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store.sqlite"
    with SqliteStore(store) as records:
        records.add_records([subscriber("100001")])
    connection = sqlite3.connect(store)
    connection.execute(
        "INSERT INTO records VALUES ('100001', 'session_logs', ?, '{\"ip\":NaN}')",
        ((dt.datetime(2023, 4, 1, tzinfo=UTC) - dt.datetime(1970, 1, 1, tzinfo=UTC))
         // dt.timedelta(microseconds=1),),
    )  # fmt: skip
    connection.commit()
    connection.close()
    request = tmp_path / "request.json"
    request.write_text(__import__("json").dumps(make_request()), encoding="utf-8")
    code = main(
        ["produce", str(request), "--store", str(store), "--out", str(tmp_path / "out"),
         "--produced-at", "2023-06-01T00:00:00Z"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err
    assert "session_logs record of account '100001' at 2023-04-01T00:00:00Z" in captured.err
    assert sorted(os.listdir(tmp_path)) == ["request.json", "store.sqlite"]


def test_the_temporary_directory_module_is_what_the_sink_uses() -> None:
    # The permission test above patches tempfile.mkdtemp as the sink sees it.
    assert _directory.tempfile is tempfile
