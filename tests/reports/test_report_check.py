"""Report.check(): what a careful reader flags, with the rows and the numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dueprocess.reports import Range, Report, ReportRow, read_report_csv, transparency_report

from .. import support

DATA = support.DATA / "reports"
# Google's published 2009-2018 file, vendored from ../shared/data (see tests/support.py).
PUBLISHED = support.DATA
END = dt.date(2024, 12, 31)


def row(
    country: str = "Chile", process: str = "All", requests: object = 5, **more: object
) -> ReportRow:
    values: dict[str, object] = {"percent_with_data": None, "accounts": None} | more
    return ReportRow(END, country, "", process, requests, **values)  # type: ignore[arg-type]


def test_real_published_files_without_defects_give_no_problems() -> None:
    for name in (
        "google-user-data-requests-2025.csv",
        "google-us-national-security-nsl.csv",
        "google-us-national-security-fisa-content.csv",
    ):
        assert read_report_csv(DATA / name).check() == ()


def test_googles_2009_2018_file_has_none_of_these_defects() -> None:
    path = PUBLISHED / "google-user-data-requests-2009-2018.csv"
    assert read_report_csv(path.read_text("utf-8")).check() == ()


def test_a_total_row_that_disagrees_with_its_rows_gives_both_figures() -> None:
    report = read_report_csv(DATA / "x-information-requests-2021-H2.csv")
    (problem,) = report.check()
    assert problem.code == "total_mismatch"
    assert "9,766 requests" in problem.message
    assert "add up to 9,765" in problem.message
    assert problem.rows[0] is report.totals[0]
    assert len(problem.rows) == 1 + len(report.rows)


def test_a_total_column_that_disagrees_names_its_country() -> None:
    report = read_report_csv(DATA / "meta-government-requests-processes.csv", period="2016-H2")
    (problem,) = report.check()
    assert problem.message == (
        "2016-12-31 India: the stated total is 5,000 requests, but its 2 rows add up to 5,010"
    )
    assert [r.legal_process for r in problem.rows[1:]] == [
        "Legal Process Requests",
        "Emergency Disclosure Requests",
    ]


def test_duplicates_percentages_and_negatives_are_named() -> None:
    report = Report(
        rows=(
            row(requests=5),
            row(requests=7),
            row("Peru", percent_with_data=Decimal("101")),
            row("Peru", "Subpoenas", -2, accounts=-1),
        )
    )
    messages = [(p.code, p.message) for p in report.check()]
    assert messages == [
        ("duplicate_row", "2024-12-31 Chile All appears 2 times (requests 5, 7)"),
        ("percent_out_of_range", "2024-12-31 Peru All: 101% is outside 0-100"),
        ("negative_count", "2024-12-31 Peru Subpoenas: requests is -2"),
        ("negative_count", "2024-12-31 Peru Subpoenas: accounts is -1"),
    ]
    assert str(report.check()[0]) == messages[0][1]


def test_values_read_from_a_file_are_checked_not_refused() -> None:
    text = (
        "Period Ending,Country/Region,CLDR Territory Code,Legal Process,User Data Requests,"
        "Percentage disclosed,Accounts\n2024-12-31,Chile,CL,All,-3,120,4\n"
    )
    report = read_report_csv(text)
    assert [p.code for p in report.check()] == ["percent_out_of_range", "negative_count"]
    assert report.to_csv() == text


def test_ranges_disagree_with_a_total_only_where_they_cannot_overlap() -> None:
    parts = (row("Chile", "A", Range(0, 499)), row("Chile", "B", 10))
    inside = Report(rows=parts, totals=(row("Chile", "All", 300),))
    assert inside.check() == ()
    outside = Report(rows=parts, totals=(row("Chile", "All", 600),))
    (problem,) = outside.check()
    assert "600 requests, but its 2 rows add up to 10-509" in problem.message


def test_preservation_rows_are_not_part_of_a_total_and_accounts_are_compared() -> None:
    rows = (
        row("Chile", "Legal Process Requests", 4, accounts=4),
        row("Chile", "Preservation Requests", 100),
    )
    assert Report(rows=rows, totals=(row("Chile", "All", 4, accounts=4),)).check() == ()
    (problem,) = Report(rows=rows, totals=(row("Chile", "All", 4, accounts=9),)).check()
    assert "9 accounts" in problem.message


@given(
    st.lists(st.tuples(st.sampled_from(["Chile", "Peru", "Fiji"]), st.integers(0, 50)), max_size=8)
)
def test_a_report_built_from_cases_never_has_problems(pairs: list[tuple[str, int]]) -> None:
    from ..report_fakes import make_case

    codes = {"Chile": "CL", "Peru": "PE", "Fiji": "FJ"}
    cases = [
        make_case(
            jurisdiction=codes[country],
            received=f"2026-0{1 + day % 5}-{1 + day % 28:02d}T00:00:00Z",
        )
        for country, day in pairs
    ]
    assert transparency_report(cases, period="2026-H1").check() == ()


@given(st.data())
def test_a_copied_row_is_always_named_as_a_duplicate(data: st.DataObject) -> None:
    report = read_report_csv(DATA / "google-user-data-requests-2025.csv")
    copied = data.draw(st.sampled_from(report.rows))
    doubled = Report(rows=(*report.rows, copied))
    (problem,) = doubled.check()
    assert problem.code == "duplicate_row"
    assert problem.rows == (copied, copied)
    assert copied.country in problem.message
