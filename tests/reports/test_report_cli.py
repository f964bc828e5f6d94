"""``dueprocess report`` from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from dueprocess import ProcessKind, load_request
from dueprocess._cli import _report_cmds, main
from dueprocess.adapters import SqliteCaseStore
from dueprocess.cases import Cases
from dueprocess.testing import ManualClock

from .. import support
from ..report_fakes import make_case

K = ProcessKind


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A case store path whose cases are fakes (the store is stubbed out)."""
    cases = [
        make_case(K.SEARCH_WARRANT, records=[1]),
        make_case(K.NATIONAL_SECURITY_LETTER),
        make_case(K.FOREIGN_DIRECT_REQUEST, jurisdiction="DE", received="2026-02-01T00:00:00Z"),
    ]
    path = tmp_path / "cases.sqlite"
    path.write_bytes(b"")

    def load(where: str) -> Sequence[object]:
        assert where == str(path)
        return cases

    monkeypatch.setattr(_report_cmds, "load_cases", load)
    return str(path)


def test_google_format_prints_googles_layout(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", store, "--period", "2026-H2", "--format", "google"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Period Ending,Country/Region,CLDR Territory Code,Legal Process,User Data Requests,"
        "Percentage disclosed,Accounts",
        "2026-12-31,United States,US,Search Warrants,1,100,1",
    ]
    assert main(["report", "--db", store, "--period", "2026-H2", "--format", "google-2018"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
        "Percentage of requests where some data produced,Users/Accounts Specified",
        "2026-12-31,United States,US,Search Warrants,1,100,1",
    ]


def test_meta_format_prints_metas_layout(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", store, "--period", "2026-H1", "--format", "meta"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "Germany,1,1,0.00%,0,0"


def test_table_is_the_default_format(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", store, "--period", "2026"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Period Ending")
    assert "Germany" in out
    assert "United States" in out


def test_bands_format_needs_an_option_and_prints_bands(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", store, "--period", "2026-H2", "--format", "bands"]) == 2
    assert "--bands-option" in capsys.readouterr().err
    args = [
        "report",
        "--db",
        store,
        "--period",
        "2026-H2",
        "--format",
        "bands",
        "--bands-option",
        "4",
    ]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Period Ending,Category,Band",
        "2026-12-31,National security process (NSLs and FISA orders combined),0-99",
        "2026-12-31,Customer selectors targeted under all national security process,0-99",
    ]


def test_out_writes_the_exact_bytes_to_a_file(store: str, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    args = ["report", "--db", store, "--period", "2026-H2", "--format", "google", "--out", str(out)]
    assert main(args) == 0
    assert out.read_bytes().endswith(b"2026-12-31,United States,US,Search Warrants,1,100,1\n")
    assert b"\r" not in out.read_bytes()


def test_an_unwritable_out_file_is_an_error(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "report.csv"
    assert main(["report", "--db", store, "--period", "2026-H2", "--out", str(out)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_a_bad_period_exits_2(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", store, "--period", "2026-H3"]) == 2
    assert "2026-H3" in capsys.readouterr().err


def test_meta_over_a_whole_year_exits_2(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", store, "--period", "2026", "--format", "meta"]) == 2
    assert "one half-year" in capsys.readouterr().err


def test_a_missing_store_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", str(tmp_path / "none.sqlite"), "--period", "2026-H2"]) == 2
    assert "no such case store" in capsys.readouterr().err


EXAMPLES = support.EXAMPLES / "requests"


def test_report_reads_closed_cases_from_a_real_sqlite_case_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.sqlite"
    clock = ManualClock(dt.datetime(2026, 11, 5, tzinfo=dt.timezone.utc))
    with SqliteCaseStore(path) as store:
        cases = Cases(store, clock)
        for name, close in [
            ("sw-2023-118", True),
            ("epoc-de-2026-0107", True),
            ("gj-2019-2231", False),
        ]:
            document = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
            case = cases.open(load_request(document), actor="test")
            if close:
                cases.close(case.id, actor="test")
    args = ["report", "--db", str(path), "--period", "2017-01-01..2026-12-31", "--format", "google"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "2023-06-30,United States,US,Search Warrants,1,0,1",
        "2026-12-31,Germany,DE,Other Legal Requests,1,0,1",
    ]


def test_a_file_that_is_not_a_case_store_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).close()
    assert main(["report", "--db", str(path), "--period", "2026-H2"]) == 2
    assert "not a dueprocess case database" in capsys.readouterr().err


def test_dsa_format_counts_eu_orders_from_a_real_case_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.sqlite"
    clock = ManualClock(dt.datetime(2026, 10, 5, 11, 0, tzinfo=dt.timezone.utc))
    with SqliteCaseStore(path) as store:
        cases = Cases(store, clock)
        for name in ("epoc-de-2026-0107", "sw-2023-118"):
            document = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
            cases.open(load_request(document), actor="test")  # open, not closed
    assert main(["report", "--db", str(path), "--period", "2026-H2", "--format", "dsa"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Reporting period,Scope,Number of orders to provide information,")
    # Received 09:30, case opened 11:00: the authority was told of receipt 1.5 hours later.
    assert [line.split(",")[1:] for line in lines[1:]] == [
        ["DE", "1", "1.50", ""],
        ["TOTAL", "1", "1.50", ""],
    ]
