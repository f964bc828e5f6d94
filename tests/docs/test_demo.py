"""``dueprocess demo`` and the bundled example requests."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from dueprocess import Category, load_request, review
from dueprocess._cli import main
from dueprocess._cli._demo import (
    DEMO_CASE,
    demo_identities,
    demo_records,
    demo_requests,
    run_demo,
)
from dueprocess.adapters import verify_directory

from ..support import CASES, EXAMPLES


def test_the_demo_runs_every_step_and_exits_zero(tmp_path: Path) -> None:
    said: list[str] = []
    assert run_demo(tmp_path, echo=said.append) == 0
    text = "\n".join(said)
    assert text.startswith(f"dueprocess demo: working in {tmp_path}")
    for step in ("1. Built demo.sqlite", "2. Reviewed", "3. Produced HSI-2017-0042", "4. Verified"):
        assert step in text
    assert "   HSI-2017-0042      administrative_subpoena   comply" in text
    assert "     resolve account_id 100001" in text
    assert (
        "     session_logs records of 100001"
        " from 2017-01-01T00:00:00Z to 2017-02-27T23:59:59.999999Z" in text
    )
    assert "5. Changed one IP address in a copy" in text
    assert "     merkle_root: the records' Merkle root is" in text
    assert verify_directory(tmp_path / "hsi-2017-0042").ok
    assert not verify_directory(tmp_path / "hsi-2017-0042-tampered").ok


def test_the_store_is_asked_only_for_the_motivating_case_s_scope(tmp_path: Path) -> None:
    said: list[str] = []
    run_demo(tmp_path, echo=said.append)
    start = said.index("   The store was asked only:")
    asked = said[start + 1 : start + 4]
    assert asked == [
        "     resolve account_id 100001",
        "     subscriber records of 100001 (current state, any time)",
        "     session_logs records of 100001"
        " from 2017-01-01T00:00:00Z to 2017-02-27T23:59:59.999999Z",
    ]
    assert said[start + 4].startswith("   records.jsonl holds")


def test_the_demo_is_deterministic_and_can_run_again_in_the_same_place(tmp_path: Path) -> None:
    first: list[str] = []
    second: list[str] = []
    run_demo(tmp_path, echo=first.append)
    records = (tmp_path / "hsi-2017-0042" / "records.jsonl").read_bytes()
    run_demo(tmp_path, echo=second.append, force=True)
    assert first == second
    assert (tmp_path / "hsi-2017-0042" / "records.jsonl").read_bytes() == records


def test_the_demo_command_uses_a_new_temporary_directory_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    first_line = capsys.readouterr().out.splitlines()[0]
    folder = Path(first_line.removeprefix("dueprocess demo: working in "))
    assert folder.name.startswith("dueprocess-demo-")
    assert (folder / "hsi-2017-0042" / "manifest.json").exists()


def test_the_demo_command_takes_an_output_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path / "d")]) == 0
    assert (tmp_path / "d" / "demo.sqlite").exists()
    assert f"Try: dueprocess verify {tmp_path / 'd' / 'hsi-2017-0042'}" in capsys.readouterr().out


def test_the_demo_data_is_a_seeded_year_of_2017_logins() -> None:
    records = list(demo_records())
    assert records == list(demo_records())
    assert records != list(demo_records(seed=1))
    logins = [r for r in records if r.category is Category.SESSION_LOGS]
    assert {r.at.year for r in logins if r.fields["event"] == "login"} == {2017}
    assert {r.fields["event"] for r in logins} == {"login", "logout"}
    assert len({r.account for r in records if r.category is Category.SUBSCRIBER}) == 12
    assert len(demo_identities()) == 36


def test_the_bundled_requests_are_the_example_requests_and_the_public_cases() -> None:
    bundled = dict(demo_requests())
    shipped = {
        path.name: json.loads(path.read_text()) for path in (EXAMPLES / "requests").glob("*.json")
    }
    assert bundled == shipped
    assert len(bundled) == 6
    cases = [json.loads(path.read_text())["request"] for path in sorted(CASES.glob("*.json"))]
    for document in bundled.values():
        assert document in cases
    assert DEMO_CASE in {document["id"] for document in bundled.values()}
    for document in bundled.values():
        load_request(document)


def test_the_motivating_case_releases_subscriber_data_and_session_logs() -> None:
    document = dict(demo_requests())["hsi-2017-0042.json"]
    result = review(load_request(document))
    assert result.outcome.value == "comply"
    assert [item.category for item in result.scope.categories] == [
        Category.SUBSCRIBER,
        Category.SESSION_LOGS,
    ]


def test_the_in_memory_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "produce_in_memory.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "verified: intact" in out
    assert "it checks: True" in out
