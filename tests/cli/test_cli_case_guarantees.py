"""The case layer's guarantees against an insider (issues 10 and 11), on the command line."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dueprocess._cli import main

from ..support import make_request


@pytest.fixture(autouse=True)
def _as_clerk(login: Callable[[str], None]) -> None:
    login("clerk")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(tmp_path: Path, document: Any, name: str) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def _open(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], now: str, **changes: Any
) -> None:
    name = f"{changes.get('id', 'REQ-1').replace('/', '_')}.json"
    path = _write(tmp_path, make_request(**changes), name)
    code, _, err = _run(capsys, "case", "open", path, "--db", db, "--now", now)
    assert code == 0, err


def _records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    fields = {"session_logs": {"event": "login", "ip": "203.0.113.7"}}
    lines = [
        {
            "account": account,
            "category": category,
            "at": "2023-04-01T10:00:00Z",
            "fields": fields.get(category, {}),
        }
        for account in ("100001", "100002")
        for category in ("subscriber", "session_logs", "content")
    ]
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    identities = tmp_path / "identities.jsonl"
    identities.write_text(
        json.dumps({"account": "100001", "kind": "email", "value": "a@example.com"})
        + "\n"
        + json.dumps({"account": "100002", "kind": "phone", "value": "+1 555 0100"})
        + "\n",
        encoding="utf-8",
    )
    store = str(tmp_path / "store.sqlite")
    code = main(["store", "import", store, str(records), "--identities", str(identities)])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    return store


def _ready(tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], **changes: Any) -> None:
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z", **changes)
    code, _, err = _run(
        capsys, "case", "notify", changes.get("id", "REQ-1"), "--db", db,
        "--outbox", str(tmp_path / "outbox"), "--now", "2023-05-10T18:00:00Z",
    )  # fmt: skip
    assert code == 0, err


def _show(capsys: pytest.CaptureFixture[str], db: str, case_id: str = "REQ-1") -> Any:
    code, out, _ = _run(capsys, "case", "show", case_id, "--db", db, "--json")
    assert code == 0
    return json.loads(out)


# --- 10.1 -----------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ["content", "target"])
def test_produce_refuses_a_tampered_case_row_with_exit_4(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], attack: str
) -> None:
    store = _records(tmp_path, capsys)
    _ready(tmp_path, db, capsys, categories=["subscriber", "session_logs", "content"])
    raw = sqlite3.connect(db, isolation_level=None)
    (text,) = raw.execute("SELECT document FROM cases WHERE id = 'REQ-1'").fetchone()
    document = json.loads(text)
    if attack == "content":
        document["review"]["categories"]["content"]["decision"] = "disclose"
        document["review"]["categories"]["content"]["required"] = None
    else:
        target = {"kind": "account_id", "value": "100002"}
        document["request"]["targets"].append(target)
        document["review"]["targets"].append(target)
    raw.execute("UPDATE cases SET document = ? WHERE id = 'REQ-1'", (json.dumps(document),))
    raw.close()
    out_dir = tmp_path / "production"
    code, _, err = _run(
        capsys, "case", "produce", "REQ-1", "--db", db, "--store", store,
        "--out", str(out_dir), "--now", "2023-06-01T00:00:00Z",
    )  # fmt: skip
    assert code == 4
    assert re.search(r"is not the one .*recorded", err)
    assert not out_dir.exists()
    assert list(tmp_path.glob(".production*")) == []
    shown = _show(capsys, db)
    assert shown["state"] == "notice_pending"
    assert shown["productions"] == []
    code, out, _ = _run(capsys, "ledger", "100002", "--db", db, "--all")
    assert out == "no disclosures of account 100002\n"


# --- 10.5 -----------------------------------------------------------------------------


def test_produce_needs_the_notice_before_disclosure_or_an_override(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _records(tmp_path, capsys)
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z")
    argv = ["case", "produce", "REQ-1", "--db", db, "--store", store, "--now"]
    code, _, err = _run(capsys, "case", "advance", "REQ-1", "--db", db)
    assert code == 1
    assert "has not been given the notice due before disclosure" in err
    out_dir = str(tmp_path / "p")
    code, _, err = _run(capsys, *argv, "2023-06-01T00:00:00Z", "--out", out_dir)
    assert code == 1
    assert "has not been given the notice due before disclosure" in err
    assert not Path(out_dir).exists()
    code, _, err = _run(
        capsys, *argv, "2023-06-01T00:00:00Z", "--out", out_dir, "--override", "court order"
    )
    assert code == 0, err
    shown = _show(capsys, db)
    advance = next(e for e in shown["events"] if e["action"] == "advance")
    assert advance["reason"] == "notice before disclosure overridden: court order"
    assert advance["actor"] == "clerk"


def test_an_event_before_the_last_one_and_a_post_dated_now_are_refused(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z")
    code, _, err = _run(
        capsys, "case", "close", "REQ-1", "--db", db, "--now", "2023-05-09T00:00:00Z"
    )
    assert code == 1
    assert "is before the case's last event (2023-05-10T17:00:00Z)" in err
    code, _, err = _run(
        capsys, "case", "close", "REQ-1", "--db", db, "--now", "2999-01-01T00:00:00Z"
    )
    assert code == 2
    assert "more than five minutes ahead of this machine's clock" in err
    assert _show(capsys, db)["state"] == "notice_pending"


# --- 10.6 and 15.5 ----------------------------------------------------------------------


def test_the_ledger_keeps_a_gag_until_it_is_lifted(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _records(tmp_path, capsys)
    gag = {"kind": "court_order", "statute": "18 U.S.C. 2705(b)", "until": "2030-01-01"}
    _open(tmp_path, db, capsys, "2023-06-01T00:00:00Z", nondisclosure=gag)
    code, _, err = _run(
        capsys, "case", "produce", "REQ-1", "--db", db, "--store", store,
        "--out", str(tmp_path / "p"), "--now", "2023-06-01T00:00:00Z",
    )  # fmt: skip
    assert code == 0, err
    holder = ["ledger", "100001", "--db", db, "--now", "2023-07-01T00:00:00Z"]
    assert _run(capsys, *holder) == (0, "no disclosures of account 100001\n", "")
    code, out, _ = _run(capsys, *holder, "--json")
    assert json.loads(out) == []
    code, out, _ = _run(capsys, *holder, "--all")
    assert "; notice not due until 2030-01-01T00:00:00Z\n" in out
    code, out, _ = _run(capsys, *holder, "--all", "--json")
    assert json.loads(out)[0]["notice"]["timing"] == "after_nondisclosure"
    code, _, err = _run(
        capsys, "case", "lift-gag", "REQ-1", "--db", db, "--on", "2023-07-15",
        "--reason", "order vacated", "--now", "2023-07-10T00:00:00Z",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = _run(capsys, "case", "due", "--db", db, "--before", "2023-08-01T00:00:00Z")
    assert out == "2023-07-15T00:00:00Z  REQ-1  notice_not_before\n"
    assert _run(capsys, *holder)[1] == "no disclosures of account 100001\n"
    code, out, _ = _run(capsys, "ledger", "100001", "--db", db, "--now", "2023-07-15T00:00:00Z")
    assert out.startswith("2023-06-01T00:00:00Z  U.S. Attorney's Office (US)")
    assert "notice" not in out
    code, _, err = _run(capsys, "case", "lift-gag", "REQ-1", "--db", db, "--on", "15 July")
    assert code == 2
    assert "--on:" in err


# --- 10.7 and 11.5 ----------------------------------------------------------------------


def _preservation(**changes: Any) -> dict[str, Any]:
    return {"process__kind": "preservation_request", "categories": [], "period": None, **changes}


def test_holds_cannot_be_hijacked_or_squatted_from_the_command_line(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z", **_preservation(id="P-7"))
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z", **_preservation(id="P-7/1"))
    renews = {"extends": "P-7", "prior_extensions": 0, "prior_expires_on": "2023-08-08"}
    squatter = make_request(
        **_preservation(id="X-1", preservation=renews, requester__agency="Other Agency")
    )
    path = _write(tmp_path, squatter, "x.json")
    code, _, err = _run(capsys, "case", "open", path, "--db", db)
    assert code == 2
    assert "belongs to case 'P-7' of another agency" in err
    unknown = make_request(**_preservation(id="X-2", preservation={**renews, "extends": "NOPE"}))
    code, _, err = _run(capsys, "case", "open", _write(tmp_path, unknown, "n.json"), "--db", db)
    assert code == 2
    assert "no preservation 'NOPE' is held by this platform" in err
    code, out, err = _run(capsys, "case", "renew", "P-7", "--db", db, "--json")
    assert code == 0, err
    assert [h["id"] for h in json.loads(out)["holds"]] == ["hold/0/P-7", "hold/1/P-7"]


# --- 11.2 -----------------------------------------------------------------------------


def test_a_cure_cannot_confirm_a_callback_or_swap_the_sender(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z", requester__email="agent@example.com")
    for name, changes in (
        (
            "confirmed",
            {"requester__callback": "confirmed", "requester__email": "agent@example.com"},
        ),
        ("gov", {"requester__email": "agent@fbi.gov"}),
    ):
        path = _write(tmp_path, make_request(**changes), f"{name}.json")
        code, _, err = _run(capsys, "case", "cure", "REQ-1", path, "--db", db)
        assert code == 2
        assert "$.requester." in err
    assert _show(capsys, db)["state"] == "awaiting_verification"
    code, out, _ = _run(capsys, "case", "callback", "REQ-1", "confirmed", "--db", db)
    assert (code, out) == (0, "REQ-1 notice_pending\n")


# --- 11.3 -----------------------------------------------------------------------------


def test_of_two_racing_productions_one_completes_and_the_other_leaves_nothing(
    tmp_path: Path,
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dueprocess.adapters import DirectorySink

    store = _records(tmp_path, capsys)
    _ready(tmp_path, db, capsys)
    first, second = tmp_path / "first", tmp_path / "second"
    real_write = DirectorySink.write
    raced: list[int] = []

    def write(self: DirectorySink, name: str, chunks: Any) -> None:
        if self.path == first and not raced:
            raced.append(main([
                "case", "produce", "REQ-1", "--db", db, "--store", store,
                "--out", str(second), "--now", "2023-06-01T00:00:00Z",
            ]))  # fmt: skip
        real_write(self, name, chunks)

    monkeypatch.setattr(DirectorySink, "write", write)
    code, _, err = _run(
        capsys, "case", "produce", "REQ-1", "--db", db, "--store", store,
        "--out", str(first), "--now", "2023-06-01T00:00:00Z",
    )  # fmt: skip
    assert raced == [0]
    assert code == 1
    assert "production aborted, nothing was released" in err
    assert not first.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".first")) == []
    assert (second / "manifest.json").is_file()
    shown = _show(capsys, db)
    assert shown["state"] == "produced"
    assert len(shown["productions"]) == 1


def test_a_production_whose_case_is_rejected_meanwhile_lands_nowhere(
    tmp_path: Path,
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dueprocess.adapters import DirectorySink

    store = _records(tmp_path, capsys)
    _ready(tmp_path, db, capsys)
    out_dir = tmp_path / "out"
    real_write = DirectorySink.write

    def write(self: DirectorySink, name: str, chunks: Any) -> None:
        real_write(self, name, chunks)
        if name == "manifest.json":  # the production is complete, not yet published
            assert main(["case", "callback", "REQ-1", "failed", "--db", db]) == 0

    monkeypatch.setattr(DirectorySink, "write", write)
    code, _, err = _run(
        capsys, "case", "produce", "REQ-1", "--db", db, "--store", store,
        "--out", str(out_dir), "--now", "2023-06-01T00:00:00Z",
    )  # fmt: skip
    assert code == 1
    assert "rejected" in err
    assert not out_dir.exists()
    assert _show(capsys, db)["state"] == "rejected"


# --- 11.8 -----------------------------------------------------------------------------


def test_notify_writes_one_notice_per_account_naming_only_its_identifiers(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _records(tmp_path, capsys)
    targets = [
        {"kind": "email", "value": "a@example.com"},
        {"kind": "phone", "value": "+1 555 0100"},
    ]
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z", targets=targets)
    outbox = tmp_path / "outbox"
    code, out, err = _run(
        capsys, "case", "notify", "REQ-1", "--db", db, "--outbox", str(outbox),
        "--store", store, "--now", "2023-05-10T18:00:00Z",
    )  # fmt: skip
    assert code == 0, err
    assert "2 notices (one per account holder)" in out
    notices = sorted(
        (json.loads(p.read_text(encoding="utf-8")) for p in outbox.glob("notice-*.json")),
        key=lambda n: n["account"],
    )
    assert [(n["account"], [t["value"] for t in n["targets"]]) for n in notices] == [
        ("100001", ["a@example.com"]),
        ("100002", ["+1 555 0100"]),
    ]


# --- 11.10 ----------------------------------------------------------------------------


def test_two_people_are_needed_where_the_policy_says_so(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], login: Any
) -> None:
    store = _records(tmp_path, capsys)
    policy = _write(
        tmp_path, {"name": "two-person", "second_approver": ["objection_window_override"]}, "p.json"
    )
    path = _write(tmp_path, make_request(), "r.json")
    code, _, err = _run(
        capsys,
        "case",
        "open",
        path,
        "--db",
        db,
        "--policy",
        policy,
        "--now",
        "2023-05-10T17:00:00Z",
    )
    assert code == 0, err
    produce = [
        "case", "produce", "REQ-1", "--db", db, "--store", store, "--override", "urgent",
        "--out", str(tmp_path / "p"), "--now", "2023-05-11T00:00:00Z",
    ]  # fmt: skip
    code, _, err = _run(capsys, *produce)
    assert code == 1
    assert "requires a second person's approval" in err
    approve = ["case", "approve", "REQ-1", "--db", db, "--now", "2023-05-10T18:00:00Z"]
    assert _run(capsys, *approve, "--reason", "urgent")[0] == 0
    code, _, err = _run(capsys, *produce)
    assert code == 1
    assert "'clerk' approved this production and cannot also produce it" in err
    login("counsel")
    code, _, err = _run(capsys, *produce)
    assert code == 0, err
    events = _show(capsys, db)["events"]
    assert [(e["action"], e["actor"]) for e in events[-4:]] == [
        ("approve", "clerk"),
        ("claim", "counsel"),
        ("advance", "counsel"),
        ("produce", "counsel"),
    ]


def test_every_case_command_says_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    from dueprocess._cli import build_parser

    parser = build_parser()
    case = next(
        action
        for action in parser._subparsers._group_actions[0].choices.items()  # type: ignore[union-attr]
        if action[0] == "case"
    )[1]
    commands = case._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"open", "approve", "lift-gag", "notify", "produce"} <= set(commands)
    for name, sub in commands.items():
        assert len(sub.description or "") > 30, name


def test_notify_with_a_store_that_is_not_there_is_exit_2(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z")
    code, _, err = _run(
        capsys, "case", "notify", "REQ-1", "--db", db, "--outbox", str(tmp_path / "o"),
        "--store", str(tmp_path / "missing.sqlite"),
    )  # fmt: skip
    assert code == 2
    assert "missing.sqlite" in err
    assert not (tmp_path / "o").exists()


def test_an_outbox_notice_for_several_targets_and_no_account_has_one_file_per_case(
    tmp_path: Path,
) -> None:
    import datetime as dt

    from dueprocess import ProcessKind, TargetKind
    from dueprocess.adapters import OutboxNotifier
    from dueprocess.cases import UserNotice
    from dueprocess.parts import NoticeTiming, Target

    targets = (Target(TargetKind.ACCOUNT_ID, "1"), Target(TargetKind.ACCOUNT_ID, "2"))
    notice = UserNotice(
        "C", "C", NoticeTiming.AFTER_EMERGENCY, dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
        targets, "A", "US", ProcessKind.EMERGENCY_REQUEST, (),
    )  # fmt: skip
    outbox = OutboxNotifier(tmp_path)
    assert outbox.recipient(notice) is None
    outbox.deliver(notice)
    assert outbox.path_for("C").is_file()


def test_an_invoice_that_cannot_be_written_is_exit_1_and_json_prints_the_case(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _records(tmp_path, capsys)
    rules = {"name": "billed", "fees": {"currency": "USD", "per_record": "1"}}
    policy = _write(tmp_path, rules, "policy.json")
    path = _write(tmp_path, make_request(investigation__area="child_exploitation"), "r.json")
    now = ["--now", "2023-06-01T00:00:00Z"]
    assert _run(capsys, "case", "open", path, "--db", db, "--policy", policy, *now)[0] == 0
    produce = ["case", "produce", "REQ-1", "--db", db, "--store", store, *now]
    assert _run(capsys, *produce, "--out", str(tmp_path / "p"))[0] == 0
    invoice = ["case", "invoice", "REQ-1", "--db", db, *now, "--out"]
    code, _, err = _run(capsys, *invoice, str(tmp_path / "no-such-folder" / "inv"))
    assert code == 1
    assert "cannot write" in err
    code, out, _ = _run(capsys, *invoice, str(tmp_path / "inv"), "--json")
    assert code == 0
    last = json.loads(out)["events"][-1]
    assert (last["detail"]["number"], last["detail"]["total"]) == ("REQ-1-1", "2.00")


def test_case_review_reviews_again_under_the_recorded_or_a_named_policy(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = _write(tmp_path, {"name": "strict", "max_period_days": 30}, "strict.json")
    _open(tmp_path, db, capsys, "2023-05-10T17:00:00Z")
    review = ["case", "review", "REQ-1", "--db", db, "--now", "2023-05-10T18:00:00Z", "--json"]
    code, out, err = _run(capsys, *review)
    assert code == 0, err
    document = json.loads(out)
    assert (document["review"]["policy"], document["review"]["outcome"]) == ("default", "comply")
    assert document["events"][-2]["action"] == "review"
    assert document["events"][-2]["reason"] == "reviewed again under policy 'default'"
    code, out, err = _run(capsys, *review, "--policy", strict, "--reason", "policy tightened")
    assert code == 0, err
    document = json.loads(out)
    assert (document["review"]["policy"], document["review"]["outcome"]) == ("strict", "partial")
    assert document["events"][-2]["reason"] == "policy tightened"
    code, _, err = _run(
        capsys, "case", "review", "REQ-1", "--db", db, "--now", "2023-05-09T00:00:00Z"
    )
    assert code == 1
    assert "before the case's last event" in err


def test_two_processes_producing_one_case_at_once_leave_one_production(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ..workers import produce_after_barrier, run_in_processes

    store = _records(tmp_path, capsys)
    _ready(tmp_path, db, capsys)
    outs = [tmp_path / "first", tmp_path / "second"]
    results = run_in_processes(
        produce_after_barrier,
        [
            (["case", "produce", "REQ-1", "--db", db, "--store", store, "--out", str(out),
              "--now", "2023-06-01T00:00:00Z"],)
            for out in outs
        ],
    )  # fmt: skip
    codes = sorted(result.split(" ", 1)[0] for result in results)
    assert codes == ["0", "1"], results
    assert sum(out.exists() for out in outs) == 1
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []
    shown = _show(capsys, db)
    assert shown["state"] == "produced"
    assert len(shown["productions"]) == 1
    (landed,) = [out for out in outs if out.exists()]
    manifest = json.loads((landed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["merkle_root"] == shown["productions"][0]["merkle_root"]
