"""Every published layout: read, written back byte for byte, and told apart by its header."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess._reports._csvio import parse_count
from dueprocess.exceptions import InvalidReportFile, ReportError
from dueprocess.reports import REPORT_LAYOUTS, Range, read_report_csv, transparency_report

from .. import support

DATA = support.DATA / "reports"
GOOGLE_2024 = DATA / "google-user-data-requests-2025.csv"
NSL = DATA / "google-us-national-security-nsl.csv"
META_2013 = DATA / "meta-government-requests-2013-H1.csv"
META_PROCESSES = DATA / "meta-government-requests-processes.csv"
X = DATA / "x-information-requests-2021-H2.csv"

FILES = [
    (GOOGLE_2024, {}, "google-2024"),
    (NSL, {"legal_process": "National Security Letters"}, "google-national-security"),
    (DATA / "google-us-national-security-fisa-content.csv", {}, "google-national-security"),
    (DATA / "google-us-national-security-fisa-non-content.csv", {}, "google-national-security"),
    (META_2013, {"period": "2013-H1"}, "meta-2013"),
    (META_PROCESSES, {"period": "2016-H2"}, "meta-processes"),
    (X, {}, "x"),
]


@pytest.mark.parametrize(("path", "options", "name"), FILES, ids=[f[0].name for f in FILES])
def test_every_fixture_writes_back_byte_for_byte(
    path: Path, options: dict[str, str], name: str
) -> None:
    report = read_report_csv(path, **options)  # type: ignore[arg-type]
    assert report.source_layout.name == name
    assert report.to_csv().encode("utf-8") == path.read_bytes()


def test_googles_current_download_keeps_its_names_processes_and_order() -> None:
    report = read_report_csv(GOOGLE_2024)
    processes = {row.legal_process for row in report.rows}
    assert {
        "All",
        "Police Requests",
        "Court Orders",
        "Requests for data of local subsidiary",
        "CLOUD ACT - OPOs",
        "CLOUD Act - IPA CDRs",
        "CLOUD Act - IPA TIWs",
    } <= processes
    assert "Türkiye" in {row.country for row in report.rows}
    # Published unsorted: the last line is a later period than the ones before it.
    assert report.rows[-1].period_end == dt.date(2025, 12, 31)
    assert report.rows[-2].period_end == dt.date(2025, 6, 30)
    preservation = next(row for row in report.rows if row.is_preservation)
    assert (preservation.percent_with_data, preservation.accounts) == (None, 8)


def test_a_report_from_cases_is_written_in_googles_current_layout_by_default() -> None:
    from ..report_fakes import make_case

    report = transparency_report([make_case()], period="2026-H2")
    current, old = report.to_google_csv(), report.to_google_csv("google-2018")
    assert current.splitlines()[0] == GOOGLE_2024.read_text("utf-8").splitlines()[0]
    assert old.splitlines()[0].endswith("Users/Accounts Specified")
    assert current.splitlines()[1:] == old.splitlines()[1:]
    with pytest.raises(ReportError, match="'google-2024' and 'google-2018'"):
        report.to_google_csv("google-1999")


def test_national_security_counts_are_ranges_newest_first() -> None:
    report = read_report_csv(NSL, legal_process="National Security Letters")
    first = report.rows[0]
    assert (first.period_end, first.requests, first.accounts) == (
        dt.date(2025, 12, 31),
        Range(500, 999),
        Range(1500, 1999),
    )
    assert first.legal_process == "National Security Letters"
    assert first.country_code == "US"
    assert [row.period_end for row in report.rows] == sorted(
        (row.period_end for row in report.rows), reverse=True
    )
    assert report.rows[8].requests == Range(14, 499)
    default = read_report_csv(DATA / "google-us-national-security-fisa-content.csv")
    assert default.rows[0].legal_process == "National Security"


def test_metas_2013_file_has_ranges_quoted_thousands_and_needs_its_period() -> None:
    with pytest.raises(ReportError, match=r"no period column.*period='2013-H1'"):
        read_report_csv(META_2013)
    report = read_report_csv(META_2013, period="2013-H1")
    us = report.rows[-1]
    assert us.requests == Range(11000, 12000)
    assert us.requests.low == 11000
    assert us.accounts == Range(20000, 21000)
    assert us.percent_with_data == Decimal("79.00")
    assert us.period_end == dt.date(2013, 6, 30)
    uk = report.rows[-2]
    assert (uk.requests, uk.accounts, uk.country_code) == (1975, 2337, "GB")
    assert report.rows[3].percent_with_data == Decimal("0")
    layout = report.source_layout
    assert layout.byte_order_mark
    assert layout.header_line.startswith('Country,"Requests for User Data"')


def test_metas_per_process_layout_gives_process_rows_and_stated_totals() -> None:
    report = read_report_csv(META_PROCESSES, period="2016-H2")
    germany = [row for row in report.rows if row.country == "Germany"]
    assert [(row.legal_process, row.requests) for row in germany] == [
        ("Legal Process Requests", 2200),
        ("Emergency Disclosure Requests", 100),
        ("Preservation Requests", 300),
    ]
    assert [(total.country, total.requests) for total in report.totals] == [
        ("Germany", 2300),
        ("India", 5000),
        ("United States", 26000),
    ]


def test_xs_file_keeps_dashes_footnote_marks_crlf_and_its_total_apart() -> None:
    report = read_report_csv(X)
    assert report.source_layout.newline == "\r\n"
    assert [row.country for row in report.rows][-1] == "United States"
    (total,) = report.totals
    assert (total.country, total.requests) == ("TOTAL", 9766)
    belgium = report.rows[1]
    assert belgium.requests == 1
    assert belgium.footnotes == (("requests", "*"),)
    assert belgium.percent_with_data is None
    assert dict(belgium.extra) == {"FLAGS": "*"}
    assert report.rows[0].period_end == dt.date(2021, 12, 31)
    # Another layout has no footnotes: the mark stays in X's file.
    assert ",1,," in report.to_google_csv().splitlines()[2]


def test_a_total_row_in_the_middle_of_xs_file_is_refused() -> None:
    lines = X.read_text("utf-8").splitlines(keepends=True)
    with pytest.raises(InvalidReportFile, match="after the TOTAL row"):
        read_report_csv("".join([lines[0], lines[-1], lines[1]]))


def test_an_unknown_header_is_refused_with_every_known_layout_listed() -> None:
    with pytest.raises(InvalidReportFile) as caught:
        read_report_csv("When,Where,How many\n2020-06-30,Chile,3\n")
    (problem,) = caught.value.problems
    for known in REPORT_LAYOUTS:
        assert known.name in problem.message


def test_an_unknown_column_is_refused_not_dropped() -> None:
    text = GOOGLE_2024.read_text("utf-8").splitlines()
    with pytest.raises(InvalidReportFile) as caught:
        read_report_csv(text[0] + ",Remarks\n" + text[1] + ",none\n")
    assert [p.path for p in caught.value.problems] == ["$[1].Remarks"]
    assert "google-2024" in caught.value.problems[0].message


def test_a_period_is_refused_for_a_file_with_periods() -> None:
    with pytest.raises(ReportError, match="carries its own periods"):
        read_report_csv(GOOGLE_2024, period="2024-H2")


# --- what read_report_csv reads -----------------------------------------------------


def test_text_bytes_paths_and_open_files_read_the_same() -> None:
    expected = read_report_csv(META_2013.read_text("utf-8"), period="2013-H1")
    sources: list[object] = [
        META_2013.read_bytes(),
        META_2013,
        io.BytesIO(META_2013.read_bytes()),
        io.StringIO(META_2013.read_text("utf-8")),
    ]
    for source in sources:
        report = read_report_csv(source, period="2013-H1")  # type: ignore[arg-type]
        assert report == expected
    with open(META_2013, "rb") as handle:
        assert read_report_csv(handle, period="2013-H1") == expected


@pytest.mark.parametrize("source", [12, None, ["a"], 3.5])
def test_anything_else_is_refused_by_name(source: object) -> None:
    with pytest.raises(ReportError, match=f"not {type(source).__name__}"):
        read_report_csv(source)  # type: ignore[arg-type]


def test_bytes_that_are_not_utf8_and_missing_paths_are_clean_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidReportFile, match="not UTF-8"):
        read_report_csv(b"Country\xff\n")
    with pytest.raises(ReportError, match="cannot read"):
        read_report_csv(tmp_path / "absent.csv")


# --- counts and ranges --------------------------------------------------------------


def test_ranges_add_honestly_and_refuse_to_run_backwards() -> None:
    assert Range(1, 2) + Range(10, 20) == Range(11, 22)
    assert 5 + Range(1, 2) == Range(6, 7)
    assert sum([Range(0, 499), Range(0, 499)]) == Range(0, 998)
    assert 3 in Range(1, 4)
    assert Range(1, 4).overlaps(4)
    assert not Range(1, 4).overlaps(Range(5, 6))
    assert str(Range(0, 499)) == "0 - 499"
    with pytest.raises(ReportError, match="below its start"):
        Range(5, 4)
    with pytest.raises(TypeError):
        Range(1, 2) + "3"  # type: ignore[operator]


@given(st.integers(0, 10**7), st.integers(0, 10**7), st.booleans())
def test_a_count_or_range_reads_back_from_how_it_is_written(
    low: int, size: int, commas: bool
) -> None:
    from dueprocess._reports._csvio import format_count

    for value in (low, Range(low, low + size)):
        parsed = parse_count(format_count(value, commas))
        assert parsed.value == value


def test_a_backwards_range_in_a_file_is_a_problem_of_its_cell() -> None:
    header = META_2013.read_text("utf-8-sig").splitlines()[0]
    with pytest.raises(InvalidReportFile, match="cannot end below its start"):
        read_report_csv(f'{header}\nChile,"20 - 10",1,0%\n', period="2013-H1")


def test_a_path_given_as_a_str_is_read_as_text_with_a_hint() -> None:
    with pytest.raises(InvalidReportFile) as caught:
        read_report_csv(str(META_2013), period="2013-H1")
    assert any("pass its path as a pathlib.Path" in p.message for p in caught.value.problems)


NATIONAL_SECURITY_HEADER = NSL.read_text("utf-8").splitlines()[0]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2020-06-30,500,499,0,499", "cannot end (499) below its start (500)"),
        ("2020-06-30,,499,0,499", "empty: expected a whole number"),
    ],
)
def test_a_bad_range_in_a_national_security_file_is_named(line: str, message: str) -> None:
    with pytest.raises(InvalidReportFile) as caught:
        read_report_csv(f"{NATIONAL_SECURITY_HEADER}\n{line}\n")
    assert any(message in problem.message for problem in caught.value.problems)


def test_a_repeated_text_column_and_stray_quotes_are_problems_of_their_place() -> None:
    header = X.read_text("utf-8").splitlines()[0]
    with pytest.raises(InvalidReportFile, match=r"\$\[1\]\.FLAGS: a second column"):
        read_report_csv(header + ",FLAGS\r\n")
    for bad, message in (('"a"b', "text after the closing quote"), ('a"b', "quote inside")):
        with pytest.raises(InvalidReportFile, match=message):
            read_report_csv(f"{header}\r\nJul - Dec 2021,{bad},AR,1,0%,1,-,-,-\r\n")


def test_a_layout_no_declaration_names_cannot_be_written() -> None:
    import attrs

    report = read_report_csv(X)
    renamed = attrs.evolve(report, source_layout=attrs.evolve(report.source_layout, name="nope"))
    with pytest.raises(ReportError, match="no known layout is called 'nope'"):
        renamed.to_csv()


def test_a_report_from_cases_is_written_in_metas_per_process_layout() -> None:
    from dueprocess import ProcessKind as K

    from ..report_fakes import make_case

    cases = [
        make_case(K.SEARCH_WARRANT, records=[1]),
        make_case(K.SUBPOENA),
        make_case(K.EMERGENCY_REQUEST, records=[2]),
        make_case(K.PRESERVATION_REQUEST),
    ]
    report = transparency_report(cases, period="2026-H2")
    text = report.to_meta_csv(layout="meta-processes")
    header, line = text.splitlines()
    assert header == META_PROCESSES.read_text("utf-8").splitlines()[0]
    assert line == "United States,3,3,66.67%,2,2,50.00%,1,1,100.00%,1,0"
    again = read_report_csv(text, period="2026-H2")
    assert again.check() == ()
    assert again.to_csv() == text
    with pytest.raises(ReportError, match="'meta' and 'meta-processes'"):
        report.to_meta_csv(layout="meta-2013")


def test_tables_and_frames_show_ranges_as_ranges() -> None:
    pandas = pytest.importorskip("pandas")
    report = read_report_csv(META_2013, period="2013-H1")
    assert "11000 - 12000" in report.to_text()
    assert "<td>11000 - 12000</td>" in report._repr_html_()
    frame = report.to_pandas()
    us = frame.iloc[-1]
    assert pandas.isna(us["requests"])
    assert (us["requests_low"], us["requests_high"]) == (11000, 12000)
    assert (us["accounts_low"], us["accounts_high"]) == (20000, 21000)
    uk = frame.iloc[-2]
    assert uk["requests"] == uk["requests_low"] == uk["requests_high"] == 1975
    assert report.rows[-1].to_dict()["requests"] == {"low": 11000, "high": 12000}


# --- any report written in a layout reads back to itself -----------------------------

COUNTS = st.one_of(
    st.integers(0, 10**6),
    st.builds(lambda low, size: Range(low, low + size), st.integers(0, 10**6), st.integers(0, 999)),
)
PERCENTS = st.one_of(
    st.none(),
    st.builds(
        lambda value, places: Decimal(value).scaleb(-places),
        st.integers(0, 10000),
        st.sampled_from([0, 2]),
    ).filter(lambda value: value <= 100),
)
COUNTRIES = st.sampled_from(
    ["Chile", "Türkiye", "Côte d\u2019Ivoire", "United States", "Bosnia & Herzegovina"]
)


@given(
    st.sampled_from(["google-2024", "x", "meta-2013"]),
    st.lists(st.tuples(COUNTRIES, COUNTS, PERCENTS, st.one_of(st.none(), COUNTS)), max_size=6),
)
def test_any_report_written_in_a_layout_reads_back_to_the_same_rows(
    name: str, lines: list[tuple[str, object, Decimal | None, object]]
) -> None:
    import attrs

    from dueprocess._reports._layouts import BY_NAME
    from dueprocess.reports import Report, ReportRow

    end = dt.date(2021, 12, 31)
    meta = name == "meta-2013"
    rows = tuple(
        ReportRow(end, country, "" if meta else "CL", "All", requests, percent, accounts)  # type: ignore[arg-type]
        for index, (country, requests, percent, accounts) in enumerate(lines)
        if not meta or country not in {line[0] for line in lines[:index]}
    )
    layout = attrs.evolve(BY_NAME[name].style, percent_places=None)
    text = Report(rows=rows, source_layout=layout).to_csv()
    again = read_report_csv(text, period="2021-H2") if meta else read_report_csv(text)
    assert again.to_csv() == text
    expected = [(row.country, row.requests, row.percent_with_data, row.accounts) for row in rows]
    assert [
        (r.country, r.requests, r.percent_with_data, r.accounts) for r in again.rows
    ] == expected


def test_a_repeated_line_of_a_meta_file_is_flagged_and_written_back() -> None:
    header = META_2013.read_text("utf-8-sig").splitlines()[0]
    text = f"{header}\nChile,3,3,0%\nPeru,1,1,0%\nChile,4,4,0%\n"
    report = read_report_csv(text, period="2013-H1")
    assert report.to_csv() == text
    (problem,) = report.check()
    assert problem.message == "2013-06-30 Chile All appears 2 times (requests 3, 4)"


@st.composite
def damaged(draw: st.DrawFn) -> tuple[bytes, dict[str, str]]:
    """A fixture's bytes with a few bytes changed, deleted, inserted or cut off."""
    path, options, _name = draw(st.sampled_from(FILES))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 5))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert", "cut"]))
        if action == "flip":
            data[position] = draw(st.sampled_from(b'",\r\n-*%0 9a\xff'))
        elif action == "delete":
            del data[position]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=4))
        else:
            del data[position:]
    return bytes(data), options


@settings(max_examples=150, deadline=None)
@given(damaged())
def test_a_damaged_file_reads_to_a_clear_error_or_to_rows_that_write_back(
    sample: tuple[bytes, dict[str, str]],
) -> None:
    data, options = sample
    try:
        report = read_report_csv(data, **options)  # type: ignore[arg-type]
    except (InvalidReportFile, ReportError) as error:
        messages = str(error).splitlines()
        assert messages
        assert messages[0]
        return
    report.to_text()
    try:
        written = report.to_csv()
    except ReportError:
        return
    again = read_report_csv(written, **options)  # type: ignore[arg-type]
    assert (again.rows, again.totals) == (report.rows, report.totals)


def test_footnote_marks_are_read_only_in_xs_layout() -> None:
    header = NSL.read_text("utf-8").splitlines()[0]
    with pytest.raises(InvalidReportFile, match=r"\$\[2\]\.Number of requests \(range MAX\)"):
        read_report_csv(f"{header}\n2009-06-30,0,9*,2000,2499\n")
