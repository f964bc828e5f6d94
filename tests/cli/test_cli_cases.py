"""``dueprocess case``, ``dueprocess audit verify`` and ``dueprocess ledger``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dueprocess._cli import main

from ..support import make_request


@pytest.fixture(autouse=True)
def _as_a(login: Callable[[str], None]) -> None:
    """Every command acts as "a" unless a test logs in as someone else."""
    login("a")


def _notify(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], now: str = "2023-05-10T18:00:00Z"
) -> None:
    outbox = str(tmp_path / "outbox")
    code, _, err = _run(
        capsys, "case", "notify", "REQ-1", "--outbox", outbox, "--db", db, "--now", now
    )
    assert code == 0, err


def _write(tmp_path: Path, document: Any, name: str = "request.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _open(tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], **changes: Any) -> str:
    path = _write(tmp_path, make_request(**changes), f"{changes.get('id', 'REQ-1')}.json")
    code, out, _ = _run(capsys, "case", "open", path, "--db", db, "--now", "2023-05-10T17:00:00Z")
    assert code == 0
    return out


def _store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    records = tmp_path / "records.jsonl"
    records.write_text(
        '{"account": "100001", "category": "session_logs", "at": "2023-04-01T10:00:00Z",'
        ' "fields": {"event": "login", "ip": "203.0.113.7"}}\n',
        encoding="utf-8",
    )
    store = str(tmp_path / "store.sqlite")
    assert main(["store", "import", store, str(records)]) == 0
    capsys.readouterr()
    return store


def test_open_prints_the_case_id_and_state(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _open(tmp_path, db, capsys) == "REQ-1 notice_pending\n"


def test_open_json_prints_the_case_for_programs(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, make_request())
    code, out, _ = _run(
        capsys, "case", "open", path, "--db", db, "--now", "2023-05-10T17:00:00Z", "--json"
    )
    assert code == 0
    document = json.loads(out)
    assert {"id", "request_id", "state", "review", "deadlines", "events"} <= set(document)
    assert document["state"] == "notice_pending"
    assert document["review"]["format"] == "dueprocess.review/1"
    assert [d["kind"] for d in document["deadlines"]] == ["notice_not_before", "disclose_after"]
    assert document["events"][0]["at"] == "2023-05-10T17:00:00Z"


def test_an_invalid_request_is_exit_2_with_every_problem(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, make_request(id="", received_at="yesterday"))
    code, out, err = _run(capsys, "case", "open", path, "--db", db)
    assert code == 2
    assert out == ""
    assert "$.id" in err
    assert "$.received_at" in err
    assert "Traceback" not in err


def test_a_bad_timestamp_is_exit_2(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, make_request())
    code, _, err = _run(capsys, "case", "open", path, "--db", db, "--now", "2023-05-10T17:00")
    assert code == 2
    assert "--now" in err
    _open(tmp_path, db, capsys)
    code, _, err = _run(capsys, "case", "due", "--db", db, "--before", "soon")
    assert code == 2
    assert "--before" in err


def test_an_unknown_case_or_database_is_exit_2(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "case", "show", "REQ-1", "--db", db)
    assert code == 2
    assert "no such case database" in err
    assert not Path(db).exists()
    _open(tmp_path, db, capsys)
    code, _, err = _run(capsys, "case", "show", "NOPE", "--db", db)
    assert (code, err) == (2, f"dueprocess: {db}: no case 'NOPE'\n")


def test_opening_a_request_twice_is_exit_1(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys)
    path = _write(tmp_path, make_request())
    code, _, err = _run(capsys, "case", "open", path, "--db", db)
    assert code == 1
    assert "already exists" in err


def test_show_summarises_the_case(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys)
    code, out, _ = _run(capsys, "case", "show", "REQ-1", "--db", db)
    assert code == 0
    assert out.startswith("REQ-1: notice_pending (version 1)\n")
    assert "  review: comply (no findings)\n" in out
    assert "    2023-05-20T00:00:00Z  disclose_after\n" in out
    assert "    2023-05-10T17:00:00Z  a  open -> received: request received\n" in out
    code, out, _ = _run(capsys, "case", "show", "REQ-1", "--db", db, "--json")
    assert json.loads(out)["id"] == "REQ-1"


def test_list_filters_by_state(tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _open(tmp_path, db, capsys)
    _open(tmp_path, db, capsys, id="REQ-2", investigation__facts="too thin")
    code, out, _ = _run(capsys, "case", "list", "--db", db)
    assert code == 0
    assert [line.split()[:2] for line in out.splitlines()] == [
        ["REQ-1", "notice_pending"],
        ["REQ-2", "pushed_back"],
    ]
    code, out, _ = _run(capsys, "case", "list", "--db", db, "--state", "pushed_back", "--json")
    assert [case["id"] for case in json.loads(out)] == ["REQ-2"]
    with pytest.raises(SystemExit) as exited:
        main(["case", "list", "--db", db, "--state", "lost"])
    assert exited.value.code == 2


def test_due_lists_deadlines_before_an_instant(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys)
    code, out, _ = _run(capsys, "case", "due", "--db", db, "--before", "2023-05-15T00:00:00Z")
    assert (code, out) == (0, "2023-05-10T00:00:00Z  REQ-1  notice_not_before\n")
    code, out, _ = _run(
        capsys, "case", "due", "--db", db, "--before", "2024-01-01T00:00:00Z", "--json"
    )
    assert [d["kind"] for d in json.loads(out)] == ["notice_not_before", "disclose_after"]


def test_callback_reviews_the_case_again(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys, requester__email="agent@example.com")
    code, out, _ = _run(capsys, "case", "show", "REQ-1", "--db", db, "--json")
    assert json.loads(out)["state"] == "awaiting_verification"
    code, out, _ = _run(
        capsys,
        *["case", "callback", "REQ-1", "confirmed", "--db", db],
        *["--now", "2023-05-11T00:00:00Z"],
    )
    assert (code, out) == (0, "REQ-1 notice_pending\n")
    code, out, _ = _run(capsys, "case", "callback", "REQ-1", "failed", "--db", db, "--json")
    assert json.loads(out)["state"] == "rejected"
    code, _, err = _run(capsys, "case", "callback", "REQ-1", "confirmed", "--db", db)
    assert code == 1
    assert "cannot callback case 'REQ-1' that is rejected (allowed: close)" in err
    _, out, _ = _run(capsys, "case", "show", "REQ-1", "--db", db)
    assert "deadlines:" not in out


def test_cure_and_renew_from_the_command_line(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys, investigation__facts="too thin")
    cured = _write(tmp_path, make_request(), "cured.json")
    code, out, _ = _run(
        capsys, "case", "cure", "REQ-1", cured, "--db", db, "--now", "2023-05-11T00:00:00Z"
    )
    assert (code, out) == (0, "REQ-1 notice_pending\n")
    preservation = make_request(
        id="P-1", process__kind="preservation_request", categories=[], period=None
    )
    path = _write(tmp_path, preservation, "p.json")
    assert _run(capsys, "case", "open", path, "--db", db, "--now", "2023-05-10T17:00:00Z")[0] == 0
    code, out, _ = _run(capsys, "case", "renew", "P-1", "--db", db, "--json")
    assert code == 0
    assert [h["expires_on"] for h in json.loads(out)["holds"]] == ["2023-08-08", "2023-11-06"]
    code, out, err = _run(capsys, "case", "renew", "P-1", path, "--db", db)
    assert (code, out) == (1, "")
    assert "the renewal was refused" in err
    assert "stays preserved and its hold stands until 2023-11-06" in err
    _, out, _ = _run(capsys, "case", "show", "P-1", "--db", db, "--json")
    shown = json.loads(out)
    assert shown["state"] == "preserved"
    assert [h["expires_on"] for h in shown["holds"]] == ["2023-08-08", "2023-11-06"]
    assert shown["events"][-1]["action"] == "renew"
    assert shown["events"][-1]["detail"]["refused"] is True


def test_produce_waits_for_the_window_unless_overridden(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(tmp_path, capsys)
    _open(tmp_path, db, capsys)
    out_dir = str(tmp_path / "production")
    argv = ["case", "produce", "REQ-1", "--db", db, "--store", store, "--out", out_dir]
    code, _, err = _run(capsys, *argv, "--now", "2023-05-11T00:00:00Z")
    assert code == 1
    assert "may object until 2023-05-20T00:00:00Z" in err
    assert not Path(out_dir).exists()
    code, out, _ = _run(capsys, *argv, "--now", "2023-05-11T00:00:00Z", "--override", "court order")
    assert code == 0
    assert out.startswith("REQ-1 produced: 1 record into")
    manifest = json.loads((Path(out_dir) / "manifest.json").read_text())
    assert manifest["merkle_root"] in out
    code, out, _ = _run(capsys, "case", "show", "REQ-1", "--db", db, "--json")
    production = json.loads(out)["productions"][0]
    assert production["override"] == "court order"
    assert production["merkle_root"] == manifest["merkle_root"]


def test_produce_after_the_window_and_close(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(tmp_path, capsys)
    _open(tmp_path, db, capsys)
    _notify(tmp_path, db, capsys)
    out_dir = str(tmp_path / "production")
    code, out, _ = _run(
        capsys,
        *["case", "produce", "REQ-1", "--db", db, "--store", store, "--out", out_dir],
        *["--now", "2023-05-20T09:00:00Z", "--json"],
    )
    assert code == 0
    assert json.loads(out)["state"] == "produced"
    code, out, _ = _run(capsys, "case", "close", "REQ-1", "--db", db, "--reason", "answered")
    assert (code, out) == (0, "REQ-1 closed\n")
    code, _, err = _run(capsys, "case", "close", "REQ-1", "--db", db)
    assert code == 1
    assert "that is closed" in err


def test_produce_with_a_missing_store_or_a_used_directory_is_exit_2(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys)
    argv = ["case", "produce", "REQ-1", "--db", db, "--now", "2023-06-01T00:00:00Z"]
    code, _, err = _run(capsys, *argv, "--store", str(tmp_path / "no.sqlite"), "--out", "x")
    assert code == 2
    used = tmp_path / "used"
    used.mkdir()
    (used / "file").write_text("x")
    store = _store(tmp_path, capsys)
    code, _, err = _run(capsys, *argv, "--store", store, "--out", str(used))
    assert code == 2
    assert "not empty" in err


def test_audit_verify_is_0_when_intact_and_4_naming_the_broken_entry(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = _run(capsys, "audit", "verify", "--db", db)
    assert code == 2
    _open(tmp_path, db, capsys)
    code, out, _ = _run(capsys, "audit", "verify", "--db", db)
    assert code == 0
    assert out.startswith(f"intact: {db}: 3 entries, head ")
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit SET body = replace(body, '\"a\"', '\"m\"') WHERE seq = 1")
    raw.close()
    code, out, err = _run(capsys, "audit", "verify", "--db", db)
    assert code == 4
    assert out == (
        f"NOT intact: {db}:\n  audit log broken at entry #1: modified: its content does not"
        " hash to its digest\n"
    )
    assert "Traceback" not in err


def test_audit_verify_of_an_empty_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dueprocess.adapters import SqliteCaseStore

    path = str(tmp_path / "empty.sqlite")
    SqliteCaseStore(path).close()
    assert _run(capsys, "audit", "verify", "--db", path) == (
        0,
        f"intact: {path}: the audit log is empty\n",
        "",
    )


def test_ledger_lists_each_disclosure_of_an_account(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(tmp_path, capsys)
    _open(tmp_path, db, capsys)
    code, out, _ = _run(capsys, "ledger", "100001", "--db", db)
    assert (code, out) == (0, "no disclosures of account 100001\n")
    _notify(tmp_path, db, capsys)
    _run(
        capsys,
        *["case", "produce", "REQ-1", "--db", db, "--store", store],
        *["--out", str(tmp_path / "p"), "--now", "2023-05-21T00:00:00Z"],
    )
    code, out, _ = _run(capsys, "ledger", "100001", "--db", db)
    assert code == 0
    assert out.startswith(
        "2023-05-21T00:00:00Z  U.S. Attorney's Office (US), grand_jury_subpoena,"
        " case REQ-1: 1 record (session_logs 1), merkle root "
    )
    code, out, _ = _run(capsys, "ledger", "100001", "--db", db, "--json")
    (entry,) = json.loads(out)
    assert entry["records"] == 1
    assert entry["categories"] == ["session_logs"]


def test_the_actor_is_the_login_name_and_actor_is_refused(
    tmp_path: Path,
    db: str,
    capsys: pytest.CaptureFixture[str],
    login: Callable[[str], None],
) -> None:
    login("clerk")
    path = _write(tmp_path, make_request())
    _run(capsys, "case", "open", path, "--db", db, "--json")
    _, out, _ = _run(capsys, "case", "show", "REQ-1", "--db", db, "--json")
    assert {e["actor"] for e in json.loads(out)["events"]} == {"clerk"}
    code, _, err = _run(capsys, "case", "close", "REQ-1", "--db", db, "--actor", "judge")
    assert code == 2
    assert "--actor is not accepted: who acts is the operating-system login ('clerk')" in err
    _, out, _ = _run(capsys, "case", "show", "REQ-1", "--db", db, "--json")
    assert json.loads(out)["state"] == "notice_pending"


def test_the_login_comes_from_the_process_user_not_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import getpass
    import os

    pwd = pytest.importorskip("pwd")
    monkeypatch.undo()  # the real _login, not the fixture's
    from dueprocess._cli._readers import OsLogin

    monkeypatch.setenv("LOGNAME", "someone-else")
    monkeypatch.setenv("USER", "someone-else")
    assert OsLogin().current().id == pwd.getpwuid(os.geteuid()).pw_name

    def no_user(_: int) -> None:
        raise KeyError("no such uid")

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(pwd, "getpwuid", no_user)
    assert OsLogin().current().id == "someone-else"  # getpass, where the uid has no name
    monkeypatch.setattr(getpass, "getuser", no_login)
    assert OsLogin().current().id == "dueprocess-cli"


def test_show_lists_holds_and_productions(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(tmp_path, capsys)
    preservation = make_request(
        id="P-1", process__kind="preservation_request", categories=[], period=None
    )
    path = _write(tmp_path, preservation, "p.json")
    _run(capsys, "case", "open", path, "--db", db, "--now", "2023-05-10T17:00:00Z")
    _run(capsys, "case", "renew", "P-1", "--db", db, "--now", "2023-08-01T00:00:00Z")
    _, out, _ = _run(capsys, "case", "show", "P-1", "--db", db)
    assert "  hold hold/0/P-1: until 2023-08-08\n" in out
    assert "  hold hold/1/P-1: until 2023-11-06 (extends hold/0/P-1)\n" in out
    _open(tmp_path, db, capsys)
    _run(
        capsys,
        *["case", "produce", "REQ-1", "--db", db, "--store", store, "--out", str(tmp_path / "o")],
        *["--now", "2023-05-11T00:00:00Z", "--override", "exigent"],
    )
    _run(capsys, "case", "close", "REQ-1", "--db", db, "--now", "2023-05-12T00:00:00Z")
    _, out, _ = _run(capsys, "case", "show", "REQ-1", "--db", db)
    assert "; closed: 2023-05-12T00:00:00Z\n" in out
    assert "  produced 2023-05-11T00:00:00Z: 1 record, merkle root " in out
    assert "(override: exigent)\n" in out


def test_notify_writes_the_due_notice_to_the_outbox_once(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys)  # before_disclosure: the notice is due on receipt
    outbox = tmp_path / "outbox"
    code, out, _ = _run(
        capsys, "case", "notify", "REQ-1", "--outbox", str(outbox), "--db", db,
        "--now", "2023-05-10T18:00:00Z",
    )  # fmt: skip
    assert code == 0
    assert out.startswith("REQ-1 notice_pending: 1 notice (one per account holder) written to ")
    [notice] = outbox.glob("notice-*.json")
    document = json.loads(notice.read_text(encoding="utf-8"))
    assert document["case_id"] == "REQ-1"
    assert document["timing"] == "before_disclosure"
    assert document["disclose_after"] == "2023-05-20"
    code, _, err = _run(
        capsys, "case", "notify", "REQ-1", "--outbox", str(outbox), "--db", db,
        "--now", "2023-05-10T19:00:00Z",
    )  # fmt: skip
    assert code == 1
    assert "was delivered at 2023-05-10T18:00:00Z" in err


def test_notify_is_refused_where_the_review_withholds_notice(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys, investigation__area="child_exploitation")
    code, _, err = _run(
        capsys, "case", "notify", "REQ-1", "--outbox", str(tmp_path / "o"), "--db", db
    )
    assert code == 1
    assert "schedules no notice" in err
    assert not (tmp_path / "o").exists()


def test_advance_moves_a_case_to_ready_only_after_the_window(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys)
    early = ("case", "advance", "REQ-1", "--db", db, "--now", "2023-05-19T23:00:00Z")
    code, _, err = _run(capsys, *early)
    assert code == 1
    assert "has not been given the notice due before disclosure" in err
    _notify(tmp_path, db, capsys)
    code, _, err = _run(capsys, *early)
    assert code == 1
    assert "may object until 2023-05-20T00:00:00Z" in err
    assert "has not been given" not in err
    late = ("case", "advance", "REQ-1", "--db", db, "--now", "2023-05-20T00:00:00Z", "--json")
    code, out, _ = _run(capsys, *late)
    assert code == 0
    assert json.loads(out)["state"] == "ready"


def test_an_outbox_that_cannot_be_written_is_a_store_error(tmp_path: Path) -> None:
    import datetime as dt

    from dueprocess import ProcessKind
    from dueprocess.adapters import OutboxNotifier
    from dueprocess.cases import UserNotice
    from dueprocess.exceptions import StoreError
    from dueprocess.parts import NoticeTiming

    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    notice = UserNotice(
        "../../etc/x", "R", NoticeTiming.AFTER_EMERGENCY,
        dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), (), "A", "US",
        ProcessKind.EMERGENCY_REQUEST, (),
    )  # fmt: skip
    outbox = OutboxNotifier(blocker / "outbox")
    assert outbox.path_for("../../etc/x").parent == blocker / "outbox"
    with pytest.raises(StoreError, match="cannot write the notice"):
        outbox.deliver(notice)


def test_a_failed_outbox_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt
    import errno
    import os

    from dueprocess import ProcessKind
    from dueprocess.adapters import OutboxNotifier
    from dueprocess.cases import UserNotice
    from dueprocess.exceptions import StoreError
    from dueprocess.parts import NoticeTiming

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    monkeypatch.setattr(os, "link", full)
    notice = UserNotice(
        "C", "C", NoticeTiming.AFTER_EMERGENCY,
        dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), (), "A", "US",
        ProcessKind.EMERGENCY_REQUEST, (),
    )  # fmt: skip
    with pytest.raises(StoreError, match="No space left on device"):
        OutboxNotifier(tmp_path).deliver(notice)
    assert list(tmp_path.iterdir()) == []


def test_a_re_review_keeps_the_policy_the_case_was_opened_with(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _write(tmp_path, {"name": "strict", "max_period_days": 30}, "policy.json")
    request = _write(tmp_path, make_request(requester__email="a@sheriff.example.org"))
    code, out, _ = _run(
        capsys, "case", "open", request, "--db", db, "--policy", policy, "--json",
        "--now", "2023-05-10T17:00:00Z",
    )  # fmt: skip
    assert code == 0
    opened = json.loads(out)
    assert opened["state"] == "awaiting_verification"
    assert opened["review"]["policy"] == "strict"
    assert opened["policy"]["max_period_days"] == 30
    code, out, _ = _run(
        capsys, "case", "callback", "REQ-1", "confirmed", "--db", db, "--json",
        "--now", "2023-05-10T18:00:00Z",
    )  # fmt: skip
    assert code == 0
    reviewed = json.loads(out)
    assert reviewed["review"]["policy"] == "strict"  # not the default, though no --policy
    assert reviewed["review"]["outcome"] == "partial"  # narrowed to 30 days
    code, out, _ = _run(
        capsys, "case", "show", "REQ-1", "--db", db, "--json",
    )  # fmt: skip
    assert json.loads(out)["policy"]["name"] == "strict"


@pytest.mark.parametrize("quiet", [False, True])
def test_case_produce_shows_progress_unless_quiet(
    tmp_path: Path,
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    quiet: bool,
) -> None:
    from dueprocess._cli._progress import ProgressDisplay

    calls: list[Any] = []
    monkeypatch.setattr(ProgressDisplay, "__call__", lambda self, event: calls.append(event))
    store = _store(tmp_path, capsys)
    _open(tmp_path, db, capsys)
    _notify(tmp_path, db, capsys)
    argv = ["case", "produce", "REQ-1", "--db", db, "--store", store, "--out", str(tmp_path / "p")]
    code, _, err = _run(capsys, *argv, "--now", "2023-05-20T09:00:00Z", *(["--quiet"] * quiet))
    assert (code, err) == (0, "")
    if quiet:
        assert calls == []
    else:
        assert calls[-1].done


def test_case_produce_takes_the_custodian_and_a_certificate_template(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(tmp_path, capsys)
    _open(tmp_path, db, capsys)
    _notify(tmp_path, db, capsys)
    template = tmp_path / "ours.md"
    template.write_text("# Our certificate\n${request_rows}\n${records_rows}\n${custodian}\n")
    out = tmp_path / "p"
    argv = ["case", "produce", "REQ-1", "--db", db, "--store", store, "--out", str(out)]
    options = ["--now", "2023-05-20T09:00:00Z", "--quiet", "--custodian", "Pat Example"]
    code, _, err = _run(capsys, *argv, *options, "--certificate-template", str(template))
    assert (code, err) == (0, "")
    text = (out / "certificate.md").read_text()
    assert text.startswith("# Our certificate\n")
    assert text.endswith("Pat Example\n")
    assert main(["verify", str(out)]) == 0
    bad = tmp_path / "bad.md"
    bad.write_text("$who")
    code, _, err = _run(capsys, *argv[:-1], str(tmp_path / "q"), "--certificate-template", str(bad))
    assert code == 2
    assert "unknown placeholder $who" in err
