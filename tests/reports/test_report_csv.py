"""Reading published reports back, writing them out again, and Meta's layout."""

from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess import Outcome, ProcessKind
from dueprocess.exceptions import InvalidReportFile, ReportError
from dueprocess.reports import (
    DateStyle,
    LayoutKind,
    Report,
    ReportRow,
    read_report_csv,
    transparency_report,
)

from .. import support
from ..report_fakes import email, make_case

K = ProcessKind
# Google's published file, vendored from ../shared/data (tests/test_vendored_cases.py
# checks the copy still equals it when ../shared is beside the project).
PUBLISHED = support.DATA / "google-user-data-requests-2009-2018.csv"
needs_published = pytest.mark.skipif(
    not PUBLISHED.is_file(),
    reason="../shared/data (Google's published file) is not beside the project",
)
GOOGLE = (
    "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
    "Percentage of requests where some data produced,Users/Accounts Specified"
)
LEGACY = (
    "Period Ending,Country,Country Code,Data Requests,"
    "Percentage of data requests fully or partially complied with,Users/Accounts Specified"
)
META = (
    "Country,Total Requests for User Data,Total User Accounts Referenced,"
    "Total Percentage of Requests Where Some Data Produced,Preservations Requested,"
    "Users/Accounts Preserved"
)


def published_text() -> str:
    # newline="" keeps the file's own line endings for the byte-for-byte comparison.
    with PUBLISHED.open(encoding="utf-8", newline="") as handle:
        return handle.read()


# --- the published file ------------------------------------------------------------------


@needs_published
def test_the_published_google_file_writes_out_byte_for_byte_the_same() -> None:
    text = published_text()
    report = read_report_csv(text)
    assert report.to_csv().encode("utf-8") == text.encode("utf-8")
    assert report.to_google_csv("google-2018") == text


@needs_published
def test_the_published_file_is_regenerated_from_rows_not_echoed() -> None:
    report = read_report_csv(published_text())
    assert len(report.rows) == 1546
    first = report.rows[0]
    assert (first.period_end, first.country, first.legal_process, first.requests) == (
        dt.date(2009, 12, 31),
        "Argentina",
        "All",
        98,
    )
    assert (first.percent_with_data, first.accounts) == (None, None)
    changed = Report(
        rows=(attr_evolve(first, requests=99), *report.rows[1:]), source_layout=report.source_layout
    )
    assert changed.to_csv().splitlines()[1] == "2009-12-31,Argentina,AR,All,99,,"
    us = [row for row in report.rows if row.country == "United States"]
    assert {row.legal_process for row in us} >= {"Wiretap Orders", "Pen Register Orders"}


def attr_evolve(row: ReportRow, **changes: object) -> ReportRow:
    import attrs

    return attrs.evolve(row, **changes)


@needs_published
def test_the_published_file_keeps_its_zero_request_and_united_nations_rows() -> None:
    report = read_report_csv(published_text())
    un = [row for row in report.rows if row.country == "United Nations"]
    assert [(row.country_code, row.requests) for row in un] == [("", 1)]
    zero = [row for row in report.rows if row.requests == 0]
    assert zero
    assert all(row.percent_with_data == Decimal("0") for row in zero)


# --- Google's older variants -----------------------------------------------------------------


def test_the_legacy_layout_reads_with_us_dates_and_no_legal_process() -> None:
    text = (
        f'{LEGACY}\r\n12/31/2010,Argentina,AR,98,,\r\n06/30/2011,Brazil,BR,"1,234",82,"2,001"\r\n'
    )
    report = read_report_csv(text)
    assert report.source_layout.date_style is DateStyle.US
    assert report.source_layout.newline == "\r\n"
    assert [(r.period_end, r.legal_process, r.requests, r.accounts) for r in report.rows] == [
        (dt.date(2010, 12, 31), "All", 98, None),
        (dt.date(2011, 6, 30), "All", 1234, 2001),
    ]
    assert report.to_csv() == text
    assert report.to_google_csv("google-2018") == (
        f"{GOOGLE}\n2010-12-31,Argentina,AR,All,98,,\n2011-06-30,Brazil,BR,All,1234,82,2001\n"
    )


def test_unpadded_us_dates_percent_signs_and_no_final_newline_round_trip() -> None:
    text = f"\ufeff{LEGACY}\n6/30/2011,Chile,CL,10,50%,12\n12/31/2011,Chile,CL,4,25%,4"
    report = read_report_csv(text)
    layout = report.source_layout
    assert (
        layout.date_style,
        layout.percent_sign,
        layout.final_newline,
        layout.byte_order_mark,
    ) == (
        DateStyle.US_UNPADDED,
        True,
        False,
        True,
    )
    assert report.rows[0].percent_with_data == Decimal("50")
    assert report.to_csv() == text


def test_percentages_with_decimals_keep_their_decimals() -> None:
    text = f"{GOOGLE}\n2018-06-30,Chile,CL,All,10,50.50,12\n2018-06-30,Peru,PE,All,3,7.25,1\n"
    report = read_report_csv(text)
    assert report.source_layout.percent_places == 2
    assert report.to_csv() == text
    assert report.to_google_csv("google-2018").splitlines()[1:] == [
        "2018-06-30,Chile,CL,All,10,51,12",
        "2018-06-30,Peru,PE,All,3,7,1",
    ]


def test_mixed_decimals_are_written_each_as_published() -> None:
    text = f"{GOOGLE}\n2018-06-30,Chile,CL,All,10,50.5,12\n2018-06-30,Peru,PE,All,3,7,1\n"
    report = read_report_csv(text)
    assert report.source_layout.percent_places is None
    assert report.to_csv() == text


def test_header_labels_are_matched_without_regard_to_case_and_written_as_read() -> None:
    text = GOOGLE.upper() + "\n2018-06-30,Chile,CL,All,10,5,12\n"
    assert read_report_csv(text).to_csv() == text


# --- Meta's layout ---------------------------------------------------------------------------


def meta_report() -> Report:
    cases = [
        make_case(K.SEARCH_WARRANT, jurisdiction="US", records=[1], targets=[email("a")]),
        make_case(K.SUBPOENA, jurisdiction="US", records=[1], targets=[email("a")]),
        make_case(K.EMERGENCY_REQUEST, jurisdiction="US", targets=[email("b")]),
        make_case(
            K.PRESERVATION_REQUEST,
            jurisdiction="US",
            targets=[email("c"), email("d")],
            outcome=Outcome.PRESERVE,
        ),
        make_case(K.FOREIGN_DIRECT_REQUEST, jurisdiction="DE", records=[2]),
    ]
    return transparency_report(cases, period="2026-H2")


def test_meta_csv_adds_up_each_country_with_two_decimal_percentages() -> None:
    assert meta_report().to_meta_csv() == (
        f"{META}\nGermany,1,1,100.00%,0,0\nUnited States,3,3,66.67%,1,2\n"
    )


def test_meta_csv_reads_back_and_writes_the_same_bytes() -> None:
    text = meta_report().to_meta_csv()
    again = read_report_csv(text, period="2026-H2")
    assert again.source_layout.kind is LayoutKind.META
    assert again.to_csv() == text
    assert again.to_meta_csv() == text
    us = [row for row in again.rows if row.country == "United States"]
    assert [(r.legal_process, r.requests, r.accounts_preserved) for r in us] == [
        ("All", 3, None),
        ("Preservation Requests", 1, 2),
    ]
    assert all(row.period_end == dt.date(2026, 12, 31) for row in again.rows)
    assert us[0].country_code == "US"


def test_a_meta_file_gives_google_rows_once_it_has_a_period() -> None:
    text = f"{META}\nTurkey,5,6,80.00%,2,3\n"
    report = read_report_csv(text, period="2018-H1")
    assert report.rows[0].country_code == "TR"
    assert report.to_google_csv("google-2018") == (
        f"{GOOGLE}\n2018-06-30,Turkey,TR,All,5,80,6\n"
        "2018-06-30,Turkey,TR,Preservation Requests,2,,\n"
    )
    with pytest.raises(ReportError, match=r"no period column: name the period it covers"):
        read_report_csv(text)
    undated = Report(rows=(attr_evolve(report.rows[0], period_end=None),))
    with pytest.raises(ReportError, match="period"):
        undated.to_google_csv("google-2018")


def test_meta_reading_accepts_thousands_and_missing_percent_signs() -> None:
    text = f'{META}\nIndia,"1,200",900,55.5,0,0\nNarnia,3,3,,,\n'
    report = read_report_csv(text, period="2018-H1")
    assert report.rows[0].requests == 1200
    assert [row.country_code for row in report.rows] == ["IN", "IN", ""]
    assert len(report.rows) == 3  # Narnia has no preservation figures


def test_meta_needs_one_period_or_a_chosen_one() -> None:
    cases = [make_case(received="2026-02-01T00:00:00Z"), make_case(received="2026-09-01T00:00:00Z")]
    report = transparency_report(cases, period="2026")
    with pytest.raises(ReportError, match="2026-06-30, 2026-12-31"):
        report.to_meta_csv()
    assert report.to_meta_csv(dt.date(2026, 6, 30)).splitlines()[1] == "United States,1,1,0.00%,0,0"
    with pytest.raises(ReportError, match="no period ending 2026-03-31"):
        report.to_meta_csv(dt.date(2026, 3, 31))


def test_meta_never_combines_published_percentages_into_one() -> None:
    text = (
        f"{GOOGLE}\n2018-06-30,Chile,CL,Search Warrants,10,50,12\n"
        "2018-06-30,Chile,CL,Subpoenas,3,7,1\n"
    )
    with pytest.raises(ReportError, match="never turned back into counts"):
        read_report_csv(text).to_meta_csv()
    single = (
        f"{GOOGLE}\n2018-06-30,Chile,CL,All,10,50,\n"
        "2018-06-30,Chile,CL,Preservation Requests,2,,2\n"
    )
    assert read_report_csv(single).to_meta_csv().splitlines()[1] == "Chile,10,,50.00%,2,"


def test_a_country_with_only_preservations_has_an_empty_percentage_in_meta() -> None:
    report = transparency_report(
        [make_case(K.PRESERVATION_REQUEST, outcome=Outcome.PRESERVE)], period="2026-H2"
    )
    assert report.to_meta_csv().splitlines()[1] == "United States,0,0,,1,1"


def test_a_google_file_cannot_be_given_a_period() -> None:
    with pytest.raises(ReportError, match="own periods"):
        read_report_csv(f"{GOOGLE}\n2018-06-30,Chile,CL,All,10,5,12\n", period="2018-H1")


# --- formula injection -----------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "'=", "''-"])
def test_a_cell_that_would_run_as_a_formula_is_neutralised_and_restored(start: str) -> None:
    name = f'{start}HYPERLINK("http://evil")'
    row = ReportRow(dt.date(2026, 12, 31), name, "ZZ", "Other Legal Requests", 1, None, 1)
    text = Report(rows=(row,)).to_google_csv("google-2018")
    cell = text.splitlines()[1].split(",")[1]
    assert cell.lstrip('"').startswith("'" + start)
    again = read_report_csv(text)
    assert again.rows[0].country == name
    assert again.to_google_csv("google-2018") == text


def test_neutralising_applies_to_every_text_cell_and_to_meta() -> None:
    row = ReportRow(dt.date(2026, 12, 31), "@x", "=1", "-2", 1, None, None)
    line = Report(rows=(row,)).to_google_csv("google-2018").splitlines()[1]
    assert line == "2026-12-31,'@x,'=1,'-2,1,,"
    meta = Report(rows=(row,)).to_meta_csv().splitlines()[1]
    assert meta.startswith("'@x,")


def test_an_apostrophe_not_followed_by_a_formula_character_is_kept() -> None:
    text = f"{GOOGLE}\n2018-06-30,'s-Hertogenbosch,NL,All,1,0,1\n"
    report = read_report_csv(text)
    assert report.rows[0].country == "'s-Hertogenbosch"
    assert report.to_csv() == text


# --- malformed files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("", "$[1]", "empty"),
        ("Foo,Bar\n1,2\n", "$[1]", "not the header of any known layout (google-2024: "),
        (f"{GOOGLE}\n2018-06-30,Chile,CL,All,10,5\n", "$[2]", "has 6 cells"),
        (f"{GOOGLE}\n2018-06-30,Chile,CL,All,ten,5,1\n", "$[2].User Data Requests", "whole number"),
        (f"{GOOGLE}\n2018-06-30,Chile,CL,All,,5,1\n", "$[2].User Data Requests", "empty"),
        (f"{GOOGLE}\n2018-02-30,Chile,CL,All,1,5,1\n", "$[2].Period Ending", "calendar date"),
        (f"{GOOGLE}\n30.06.2018,Chile,CL,All,1,5,1\n", "$[2].Period Ending", "YYYY-MM-DD"),
        (f"{GOOGLE}\n2018-06-30,Chile,CL,All,1,5 %,1\n", "$[2].Percentage", "percentage"),
        (f"{GOOGLE}\n2018-06-30,,CL,All,1,5,1\n", "$[2].Country", "country name"),
        (f"{GOOGLE}\n\n2018-06-30,Chile,CL,All,1,5,1\n", "$[2]", "empty line"),
        (f"{GOOGLE},Extra\n", "$[1].Extra", "not a column"),
        ("Period Ending,Data Requests,User Data Requests\n", "$[1].User Data Requests", "second"),
        ("Period Ending,Country\n", "$[1]", "no column for requests"),
        (f'{GOOGLE}\n2018-06-30,"Chile,CL,All,1,5,1\n', "$[", "not valid CSV"),
        (f"{META}\nChile,,1,5%,0,0\n", "$[2].Total Requests for User Data", "empty"),
        (f"{META}\n,1,1,5%,0,0\n", "$[2].Country", "country name"),
        ("Country,Requests for User Data,Favourite Colour\n", "$[1].Favourite Colour", "not a"),
    ],
)
def test_a_malformed_file_is_invalid_with_the_line_and_column(
    text: str, path: str, message: str
) -> None:
    with pytest.raises(InvalidReportFile) as caught:
        read_report_csv(text, period="2018-H1") if text.startswith("Country") else read_report_csv(
            text
        )
    assert caught.value.what == "transparency report CSV"
    assert any(p.path.startswith(path) and message in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_every_problem_of_a_file_is_listed_at_once() -> None:
    text = f"{GOOGLE}\n2018-06-31,Chile,CL,All,x,5,1\n2018-06-30,Peru,PE,All,1,5x,y\n"
    with pytest.raises(InvalidReportFile) as caught:
        read_report_csv(text)
    assert [p.path for p in caught.value.problems] == [
        "$[2].Period Ending",
        "$[2].User Data Requests",
        "$[3].Percentage of requests where some data produced",
        "$[3].Users/Accounts Specified",
    ]


# --- round trips of generated text -------------------------------------------------------------

NAMES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
    min_size=1,
    max_size=12,
).filter(lambda name: name.strip() == name)
PREFIXED = st.builds(operator.add, st.sampled_from(["'", "''", "=", "'=", "-", "@", "+"]), NAMES)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(NAMES, PREFIXED),
            st.sampled_from(["Search Warrants", "Preservation Requests", "=cmd", "'=x", "All"]),
            st.integers(0, 5000),
            st.one_of(st.none(), st.integers(0, 100)),
            st.one_of(st.none(), st.integers(0, 9999)),
        ),
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_any_google_report_written_reads_back_to_the_same_rows(
    lines: list[tuple[str, str, int, int | None, int | None]], newline: str
) -> None:
    import attrs

    rows = tuple(
        ReportRow(
            dt.date(2026, 12, 31),
            name,
            "XX",
            process,
            requests,
            None if percent is None else Decimal(percent),
            accounts,
        )
        for name, process, requests, percent, accounts in lines
    )
    layout = attrs.evolve(Report(rows=()).source_layout, newline=newline)
    text = Report(rows=rows, source_layout=layout).to_csv()
    again = read_report_csv(text)
    assert again.rows == rows
    assert again.to_csv() == text


# --- small pieces ----------------------------------------------------------------------------


def test_a_row_turns_into_plain_values() -> None:
    row = ReportRow(dt.date(2026, 12, 31), "Chile", "CL", "All", 3, Decimal("66.67"), 2, 2)
    assert row.to_dict() == {
        "period_end": "2026-12-31",
        "country": "Chile",
        "country_code": "CL",
        "legal_process": "All",
        "requests": 3,
        "percent_with_data": "66.67",
        "accounts": 2,
        "requests_with_data": 2,
        "accounts_preserved": None,
        "footnotes": {},
        "extra": {},
    }
    assert ReportRow(None, "Chile", "", "All", 0, None, None).to_dict()["period_end"] is None


def test_layout_kinds_and_date_styles_print_as_their_values() -> None:
    assert str(LayoutKind.META) == "meta"
    assert str(DateStyle.US) == "MM/DD/YYYY"


def test_a_layout_with_a_column_its_kind_does_not_know_cannot_be_written() -> None:
    import attrs

    report = Report(rows=())
    layout = attrs.evolve(report.source_layout, columns=("Country", "Favourite Colour"))
    with pytest.raises(ReportError, match="has no column 'Country'"):
        Report(rows=(), source_layout=layout).to_csv()


def test_a_row_with_counts_but_no_requests_has_an_empty_percentage() -> None:
    row = ReportRow(dt.date(2026, 12, 31), "Chile", "CL", "All", 0, None, 0, requests_with_data=0)
    report = Report(rows=(row,))
    assert report.to_google_csv("google-2018").splitlines()[1] == "2026-12-31,Chile,CL,All,0,,0"
    assert report.to_meta_csv().splitlines()[1] == "Chile,0,0,,0,0"


def test_the_example_reads_a_published_file_back_and_sets_own_figures_beside_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import runpy

    example = support.EXAMPLES / "report_from_published_csv.py"
    runpy.run_path(str(example), run_name="__main__")
    out = capsys.readouterr().out
    assert "written out again byte for byte: True" in out
    assert "Wiretap Orders" in out
    assert "2026-12-31,Germany,DE,Other Legal Requests,1,100,1\n" in out
    assert "Germany,1,1,100.00%,0,0\n" in out
