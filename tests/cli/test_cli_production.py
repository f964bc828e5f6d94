"""``dueprocess store import``, ``produce`` and ``verify`` from the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dueprocess._cli import main

from ..production_support import (
    identities_file,
    login,
    records_file,
    request_file,
    subscriber,
    write_lines,
)
from ..support import EXAMPLES


def test_store_import_loads_records_and_identities(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "s.sqlite")
    args = [
        "store",
        "import",
        path,
        records_file(tmp_path),
        "--identities",
        identities_file(tmp_path),
    ]
    assert main(args) == 0
    assert capsys.readouterr().out == (
        f"imported 14 new records and 2 new identities into {path}"
        " (it holds 2 accounts, 2 identities, 14 records)\n"
    )
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("imported 0 new records and 0 new identities")


def test_store_import_names_every_bad_line_of_both_files_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_records = tmp_path / "bad.jsonl"
    bad_records.write_text(
        json.dumps(subscriber("1").to_dict()) + "\n{oops\n" + json.dumps({"account": "1"}) + "\n"
    )
    bad_ids = write_lines(tmp_path / "ids.jsonl", [{"account": "1", "kind": "name", "value": "x"}])
    path = tmp_path / "s.sqlite"
    assert main(["store", "import", str(path), str(bad_records), "--identities", bad_ids]) == 2
    err = capsys.readouterr().err
    assert f"invalid {bad_ids} (1 problem):\n  line 1, $.kind: expected one of" in err
    assert f"invalid {bad_records} (4 problems):" in err
    assert "  line 2: malformed JSON at column 2" in err
    assert "  line 3, $.category: required" in err
    assert "Traceback" not in err
    assert not path.exists()
    assert main(["store", "import", str(path), str(bad_records)]) == 2
    assert not path.exists()


def test_bad_identities_alone_import_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_ids = write_lines(tmp_path / "ids.jsonl", [{"account": "1", "kind": "name", "value": "x"}])
    path = tmp_path / "s.sqlite"
    assert (
        main(["store", "import", str(path), records_file(tmp_path), "--identities", bad_ids]) == 2
    )
    err = capsys.readouterr().err
    assert err.startswith(f"dueprocess: invalid {bad_ids} (1 problem):")
    assert "records.jsonl" not in err
    assert not path.exists()


def test_a_failed_import_into_an_existing_store_leaves_it_as_it_was(
    tmp_path: Path, imported_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_lines(tmp_path / "bad.jsonl", [subscriber("9").to_dict(), {"account": "9"}])
    assert main(["store", "import", imported_store, bad]) == 2
    assert main(["store", "import", imported_store, str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl: cannot read" in capsys.readouterr().err
    assert Path(imported_store).exists()
    assert main(["store", "import", imported_store, records_file(tmp_path)]) == 0
    assert "(it holds 2 accounts, 2 identities, 14 records)" in capsys.readouterr().out


def test_produce_writes_a_verifiable_production(
    tmp_path: Path, imported_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["produce", request_file(tmp_path), "--store", imported_store, "--out", str(out)]
    assert main([*args, "--produced-at", "2023-05-20T09:00:00Z", "--custodian", "Pat"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"produced REQ-1 into {out}\n  outcome: comply\n")
    assert "  records: 11 (subscriber 1, session_logs 10)\n" in printed
    assert "  produced at: 2023-05-20T09:00:00Z\n" in printed
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["records"] == 11
    assert manifest["produced_at"] == "2023-05-20T09:00:00Z"
    assert "I, Pat, declare" in (out / "certificate.md").read_text()
    assert main(["verify", str(out)]) == 0
    assert capsys.readouterr().out == (
        f"intact: {out} holds 11 records for REQ-1; merkle root {manifest['merkle_root']}\n"
    )


def test_produce_finds_accounts_through_identities(
    tmp_path: Path, imported_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    request = request_file(tmp_path, targets=[{"kind": "email", "value": "Suspect@Example.com"}])
    assert main(["produce", request, "--store", imported_store, "--out", str(tmp_path / "o")]) == 0
    assert "  accounts: 100001\n" in capsys.readouterr().out


def test_produce_stamps_the_system_clock_by_default(
    tmp_path: Path, imported_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    assert (
        main(
            [
                "produce",
                request_file(tmp_path),
                "--store",
                imported_store,
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 0
    )
    after = dt.datetime.now(dt.timezone.utc)
    stamped = json.loads((tmp_path / "o" / "manifest.json").read_text())["produced_at"]
    moment = dt.datetime.fromisoformat(stamped.replace("Z", "+00:00"))
    assert before <= moment <= after


def test_produce_exits_3_with_the_outcome_and_reasons_when_nothing_is_released(
    tmp_path: Path, imported_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    request = request_file(tmp_path, requester__email="agent@gmail.com")
    assert main(["produce", request, "--store", imported_store, "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "outcome reject, nothing may be produced" in err
    assert "requester.free_email:" in err
    assert not out.exists()


def test_produce_refuses_before_opening_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = request_file(tmp_path, targets=[])
    code = main(
        ["produce", request, "--store", str(tmp_path / "none.sqlite"), "--out", str(tmp_path / "o")]
    )
    assert code == 3
    assert "outcome push_back" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("bad_request", "invalid request document"),
        ("missing_store", "no such store"),
        ("existing_out", "already exists and is not empty"),
        ("bad_time", "--produced-at: timestamp"),
    ],
)
def test_produce_exits_2_on_bad_input(
    tmp_path: Path,
    imported_store: str,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    message: str,
) -> None:
    request = request_file(tmp_path)
    out = tmp_path / "out"
    args = ["produce", request, "--store", imported_store, "--out", str(out)]
    if setup == "bad_request":
        args[1] = request_file(tmp_path, id="")
    elif setup == "missing_store":
        args[3] = str(tmp_path / "missing.sqlite")
    elif setup == "existing_out":
        out.mkdir()
        (out / "x").write_text("x")
    else:
        args += ["--produced-at", "2023-05-20T09:00:00"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def produced(tmp_path: Path, store: str) -> Path:
    out = tmp_path / "out"
    args = ["produce", request_file(tmp_path), "--store", store, "--out", str(out)]
    assert main([*args, "--produced-at", "2023-05-20T09:00:00Z"]) == 0
    return out


def edit_records(out: Path, how: str) -> None:
    path = out / "records.jsonl"
    lines = path.read_bytes().split(b"\n")[:-1]
    if how == "changed":
        lines[3] = lines[3].replace(b"203.0.113.7", b"203.0.113.8")
    elif how == "removed":
        del lines[3]
    elif how == "added":
        lines.append(login("100001", "2023-03-20T10:00:00").canonical_bytes())
    else:
        lines[2], lines[3] = lines[3], lines[2]
    path.write_bytes(b"".join(line + b"\n" for line in lines))


@pytest.mark.parametrize(
    ("how", "named"),
    [
        ("changed", ["merkle_root:", "records.jsonl: SHA-256"]),
        (
            "removed",
            ["records: records.jsonl holds 10 records, the manifest says 11", "merkle_root:"],
        ),
        (
            "added",
            ["records: records.jsonl holds 12 records", "counts.session_logs:", "merkle_root:"],
        ),
        ("reordered", ["records.jsonl line 4: is out of production order", "merkle_root:"]),
    ],
)
def test_verify_exits_4_naming_each_mismatch(
    tmp_path: Path,
    imported_store: str,
    capsys: pytest.CaptureFixture[str],
    how: str,
    named: list[str],
) -> None:
    out = produced(tmp_path, imported_store)
    capsys.readouterr()
    edit_records(out, how)
    assert main(["verify", str(out)]) == 4
    printed = capsys.readouterr().out
    assert printed.startswith(f"NOT intact: {out} has ")
    for text in named:
        assert f"\n  {text}" in printed


def test_verify_exits_4_when_the_manifest_is_edited(
    tmp_path: Path, imported_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = produced(tmp_path, imported_store)
    capsys.readouterr()
    path = out / "manifest.json"
    path.write_text(path.read_text().replace('"records": 11', '"records": 10'))
    assert main(["verify", str(out)]) == 4
    printed = capsys.readouterr().out
    assert "NOT intact" in printed
    assert "  records: records.jsonl holds 11 records, the manifest says 10" in printed
    assert "  certificate.md: does not state the manifest's figure '| Records | 10 |'" in printed


def test_verify_exits_4_on_a_directory_that_is_not_a_production(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(tmp_path)]) == 4
    assert capsys.readouterr().out == (
        f"NOT intact: {tmp_path} has 1 mismatch:\n  manifest.json: is missing\n"
    )


def test_the_installed_command_runs_the_example_request(
    tmp_path: Path, imported_store: str
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from dueprocess._cli import main; sys.exit(main(sys.argv[1:]))",
            "produce",
            str(EXAMPLES / "requests" / "hsi-2017-0042.json"),
            "--store",
            imported_store,
            "--out",
            str(tmp_path / "hsi"),
            "--produced-at",
            "2017-03-13T09:00:00Z",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "outcome: comply" in result.stdout
