"""Every file the command line writes follows produce's rules (issues 10.8 and 11.9).

Never overwrite (``--force`` where replacing is wanted), never follow a symbolic link,
write atomically; no in-memory store; an unreachable database says so. Each test fails
on the main branch before this change (``report --out`` overwrote and followed links,
``demo --out`` replaced files or ended in a traceback, ``--db :memory:`` reported success).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from dueprocess import ProcessKind
from dueprocess._cli import _report_cmds, main
from dueprocess._cli._demo import run_demo
from dueprocess.adapters import OutboxNotifier
from dueprocess.adapters._files import write_file
from dueprocess.adapters._sql_open import is_in_memory
from dueprocess.cases import UserNotice
from dueprocess.exceptions import StoreError
from dueprocess.parts import NoticeTiming

from ..report_fakes import make_case
from ..support import make_request

# --- the shared helper ------------------------------------------------------------------


def test_a_new_file_is_written_whole_and_an_existing_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "report.csv"
    assert write_file(path, b"one\n") is True
    assert path.read_bytes() == b"one\n"
    assert write_file(path, b"one\n") is False  # the same bytes: nothing to do
    with pytest.raises(StoreError, match="already exists: choose another name, or --force"):
        write_file(path, b"two\n")
    assert path.read_bytes() == b"one\n"
    assert write_file(path, b"two\n", replace=True) is True
    assert path.read_bytes() == b"two\n"
    assert [p.name for p in path.parent.iterdir()] == ["report.csv"]


@pytest.mark.parametrize("replace", [False, True])
def test_a_symbolic_link_is_never_written_through(tmp_path: Path, replace: bool) -> None:
    victim = tmp_path / "authorized_keys"
    victim.write_text("keep me")
    link = tmp_path / "report.csv"
    link.symlink_to(victim)
    dangling = tmp_path / "new.csv"
    dangling.symlink_to(tmp_path / "not-yet")
    for path in (link, dangling):
        with pytest.raises(StoreError, match="symbolic link"):
            write_file(path, b"x", replace=replace)
    assert victim.read_text() == "keep me"
    assert not (tmp_path / "not-yet").exists()
    assert link.is_symlink()


def test_a_file_that_appears_meanwhile_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.csv"

    def raced(source: object, target: object, **_: object) -> None:
        Path(str(target)).write_text("someone else's")
        raise FileExistsError(17, "File exists")

    monkeypatch.setattr(os, "link", raced)
    with pytest.raises(StoreError, match="already exists"):
        write_file(path, b"ours")
    assert path.read_text() == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_a_path_that_cannot_be_looked_at_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot look at it"):
        write_file(tmp_path / ("x" * 5000), b"x")


def test_a_directory_at_the_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a regular file"):
        write_file(tmp_path, b"x", replace=True)


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"old")

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StoreError, match="No space left on device"):
        write_file(path, b"new", replace=True)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


# --- report --out -----------------------------------------------------------------------


@pytest.fixture
def cases_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    path = tmp_path / "cases.sqlite"
    path.write_bytes(b"")
    cases = [make_case(ProcessKind.SEARCH_WARRANT, records=[1])]

    def load(where: str) -> Sequence[object]:
        return cases

    monkeypatch.setattr(_report_cmds, "load_cases", load)
    return str(path)


def _report(db: str, *more: str) -> int:
    return main(["report", "--db", db, "--period", "2026-H2", "--format", "google", *more])


def test_report_out_never_overwrites_without_force(
    cases_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.csv"
    out.write_text("last year's report")
    assert _report(cases_db, "--out", str(out)) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text() == "last year's report"
    assert _report(cases_db, "--out", str(out), "--force") == 0
    assert out.read_text().startswith("Period Ending,")


def test_report_out_never_follows_a_symbolic_link(
    cases_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "report.csv"
    out.symlink_to(victim)
    for force in ([], ["--force"]):
        assert _report(cases_db, "--out", str(out), *force) == 2
        assert "symbolic link" in capsys.readouterr().err
    assert victim.read_text() == "precious"


@pytest.mark.parametrize(
    "period", ["0001-01-01..9999-12-31", "1899-12-31..2000-01-01", "2000-01-01..3000-01-01"]
)
def test_a_report_period_at_the_ends_of_the_calendar_is_a_clean_error(
    cases_db: str, capsys: pytest.CaptureFixture[str], period: str
) -> None:
    assert main(["report", "--db", cases_db, "--period", period]) == 2
    err = capsys.readouterr().err
    assert "a report period lies within 1900-01-01..2999-12-31" in err
    assert "Traceback" not in err


# --- case notify --outbox ---------------------------------------------------------------


def _notice(agency: str = "A") -> UserNotice:
    return UserNotice(
        "C", "C", NoticeTiming.AFTER_EMERGENCY,
        dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), (), agency, "US",
        ProcessKind.EMERGENCY_REQUEST, (),
    )  # fmt: skip


def test_an_outbox_notice_is_never_replaced_by_another_without_force(tmp_path: Path) -> None:
    outbox = OutboxNotifier(tmp_path)
    outbox.deliver(_notice())
    outbox.deliver(_notice())  # a repeat: the same bytes, harmless
    written = outbox.path_for("C").read_bytes()
    with pytest.raises(StoreError, match="already exists"):
        outbox.deliver(_notice("Another agency"))
    assert outbox.path_for("C").read_bytes() == written
    OutboxNotifier(tmp_path, replace=True).deliver(_notice("Another agency"))
    assert b"Another agency" in outbox.path_for("C").read_bytes()


def test_an_outbox_notice_is_never_written_through_a_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    outbox = OutboxNotifier(tmp_path / "outbox")
    (tmp_path / "outbox").mkdir()
    outbox.path_for("C").symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        OutboxNotifier(tmp_path / "outbox", replace=True).deliver(_notice())
    linked = tmp_path / "linked-outbox"
    linked.symlink_to(tmp_path / "outbox")
    with pytest.raises(StoreError, match="symbolic link"):
        OutboxNotifier(linked).deliver(_notice())
    assert victim.read_text() == "precious"


def test_case_notify_offers_force(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["case", "notify", "--help"])
    assert "--force" in capsys.readouterr().out


# --- demo --out -------------------------------------------------------------------------


def test_demo_out_refuses_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert main(["demo", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "is not a folder" in err
    assert "Traceback" not in err
    assert target.read_text() == "mine"


def test_demo_out_refuses_a_folder_that_holds_files_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "demo.sqlite").write_text("someone's database")
    assert main(["demo", "--out", str(tmp_path)]) == 2
    assert "already holds files" in capsys.readouterr().err
    assert (tmp_path / "demo.sqlite").read_text() == "someone's database"
    with pytest.raises(StoreError, match="already holds files"):
        run_demo(tmp_path, echo=lambda _: None)


def test_demo_out_with_force_refuses_links_and_things_in_the_way(tmp_path: Path) -> None:
    victim = tmp_path / "victim.sqlite"
    victim.write_text("precious")
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "demo.sqlite").symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        run_demo(folder, echo=lambda _: None, force=True)
    (folder / "demo.sqlite").unlink()
    (folder / "demo.sqlite").mkdir()
    with pytest.raises(StoreError, match="in the way"):
        run_demo(folder, echo=lambda _: None, force=True)
    linked = tmp_path / "linked"
    linked.symlink_to(folder)
    with pytest.raises(StoreError, match="symbolic link"):
        run_demo(linked, echo=lambda _: None, force=True)
    assert victim.read_text() == "precious"


def test_demo_out_with_force_replaces_only_the_demos_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["demo", "--out", str(tmp_path), "--force"]) == 0
    assert main(["demo", "--out", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "keep.txt").read_text() == "mine"
    assert (tmp_path / "hsi-2017-0042" / "manifest.json").exists()


# --- stores: in memory, unreachable -----------------------------------------------------

IN_MEMORY = [
    ":memory:",
    "sqlite://",
    "sqlite:///:memory:",
    "sqlite+pysqlite://",
    "sqlite:///file::memory:?cache=shared",
    "sqlite:///x.db?mode=memory&cache=shared",
]


@pytest.mark.parametrize("spec", IN_MEMORY)
def test_in_memory_databases_are_recognised(spec: str) -> None:
    assert is_in_memory(spec)


@pytest.mark.parametrize(
    "spec", ["cases.sqlite", "sqlite:///cases.db", "postgresql+psycopg://h/db", "memory.sqlite"]
)
def test_stored_databases_are_not_taken_for_memory(spec: str) -> None:
    assert not is_in_memory(spec)


@pytest.mark.parametrize("spec", IN_MEMORY)
def test_no_command_opens_an_in_memory_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(make_request()))
    records = tmp_path / "records.jsonl"
    records.write_text("")
    commands = [
        ["case", "open", str(request), "--db", spec],
        ["case", "list", "--db", spec],
        ["case", "produce", "X", "--db", str(tmp_path / "c.sqlite"), "--store", spec,
         "--out", str(tmp_path / "o")],
        ["produce", str(request), "--store", spec, "--out", str(tmp_path / "out")],
        ["store", "import", spec, str(records)],
        ["report", "--db", spec, "--period", "2026"],
        ["ledger", "100001", "--db", spec],
        ["audit", "verify", "--db", spec],
    ]  # fmt: skip
    for command in commands:
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert "an in-memory database keeps nothing" in err, command
    assert not (tmp_path / "out").exists()


def test_an_unreachable_database_is_not_called_an_empty_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/nothing"
    for command in (["case", "list", "--db", url], ["report", "--db", url, "--period", "2026"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "cannot connect to postgresql+psycopg://nobody:***@127.0.0.1:1/nothing:" in err
        assert "no dueprocess store here" not in err
        assert "secret" not in err
