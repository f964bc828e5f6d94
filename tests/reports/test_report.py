"""Building a transparency report from closed cases, and Google's export of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess import Outcome, ProcessKind
from dueprocess._reports._google import (
    COLUMNS,
    ELSEWHERE_LABELS,
    US_LABELS,
    label_for,
)
from dueprocess.exceptions import ReportError
from dueprocess.reports import (
    Report,
    ReportPeriod,
    ReportRow,
    read_report_csv,
    transparency_report,
)

from ..report_fakes import FakeCase, FakeState, email, make_case

K = ProcessKind
HEADER = (
    "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
    "Percentage of requests where some data produced,Users/Accounts Specified"
)


def only_row(report: Report) -> ReportRow:
    assert len(report.rows) == 1, report.rows
    return report.rows[0]


# --- the label tables ------------------------------------------------------------------


@pytest.mark.parametrize("table", [US_LABELS, ELSEWHERE_LABELS])
def test_every_process_kind_has_an_entry_in_each_label_table(table: object) -> None:
    assert set(table) == set(ProcessKind)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (K.SUBPOENA, "Subpoenas"),
        (K.GRAND_JURY_SUBPOENA, "Subpoenas"),
        (K.ADMINISTRATIVE_SUBPOENA, "Subpoenas"),
        (K.SEARCH_WARRANT, "Search Warrants"),
        (K.COURT_ORDER_2703D, "Other Court Orders"),
        (K.PEN_REGISTER_ORDER, "Pen Register Orders"),
        (K.WIRETAP_ORDER, "Wiretap Orders"),
        (K.EMERGENCY_REQUEST, "Emergency Disclosure Requests"),
        (K.PRESERVATION_REQUEST, "Preservation Requests"),
        (K.EU_PRESERVATION_ORDER, "Preservation Requests"),
        (K.FOREIGN_DIRECT_REQUEST, "Other Legal Requests"),
        (K.EU_PRODUCTION_ORDER, "Other Legal Requests"),
    ],
)
def test_us_process_kinds_get_the_spec_labels(kind: ProcessKind, label: str) -> None:
    assert label_for("US", kind) == label


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (K.EMERGENCY_REQUEST, "Emergency Disclosure Requests"),
        (K.PRESERVATION_REQUEST, "Preservation Requests"),
        (K.EU_PRESERVATION_ORDER, "Preservation Requests"),
        (K.FOREIGN_DIRECT_REQUEST, "Other Legal Requests"),
        (K.EU_PRODUCTION_ORDER, "Other Legal Requests"),
        (K.CLOUD_ACT_ORDER, "Other Legal Requests"),
        (K.SEARCH_WARRANT, "Other Legal Requests"),
        (K.PEN_REGISTER_ORDER, "Other Legal Requests"),
        (K.WIRETAP_ORDER, "Other Legal Requests"),
        (K.SUBPOENA, "Other Legal Requests"),
    ],
)
def test_outside_the_us_only_three_labels_exist(kind: ProcessKind, label: str) -> None:
    assert label_for("DE", kind) == label
    assert set(ELSEWHERE_LABELS.values()) == {
        "Emergency Disclosure Requests",
        "Other Legal Requests",
        "Preservation Requests",
        None,
    }


@pytest.mark.parametrize("jurisdiction", ["US", "DE"])
@pytest.mark.parametrize("kind", [K.NATIONAL_SECURITY_LETTER, K.FISA_ORDER, K.CIVIL_SUBPOENA])
def test_national_security_and_civil_kinds_have_no_label(
    kind: ProcessKind, jurisdiction: str
) -> None:
    assert label_for(jurisdiction, kind) is None


# --- which cases count ---------------------------------------------------------------------


def test_only_closed_cases_count() -> None:
    cases = [
        make_case(state=FakeState.CLOSED),
        make_case(state=FakeState.IN_REVIEW),
        make_case(state=FakeState.PRODUCED),
    ]
    assert only_row(transparency_report(cases, period="2026-H2")).requests == 1


def test_a_case_belongs_to_the_period_of_the_utc_date_it_was_received() -> None:
    # 23:30 at UTC-2 on 30 June is 01:30 UTC on 1 July: the second half.
    late = make_case(received="2026-06-30T23:30:00-02:00")
    early = make_case(received="2026-07-01T01:30:00+02:00")  # 30 June 23:30 UTC
    assert only_row(transparency_report([late, early], period="2026-H2")).requests == 1
    assert only_row(transparency_report([late, early], period="2026-H1")).requests == 1
    assert only_row(transparency_report([late], period="2026-H2")).period_end == dt.date(
        2026, 12, 31
    )


def test_cases_received_outside_the_period_are_left_out() -> None:
    cases = [make_case(received="2025-12-31T23:59:59Z"), make_case(received="2027-01-01T00:00:00Z")]
    assert transparency_report(cases, period="2026").rows == ()


def test_a_year_range_report_splits_into_half_years() -> None:
    cases = [make_case(received="2026-02-01T00:00:00Z"), make_case(received="2026-11-01T00:00:00Z")]
    report = transparency_report(cases, period=(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert [row.period_end for row in report.rows] == [dt.date(2026, 6, 30), dt.date(2026, 12, 31)]
    assert report.periods == (ReportPeriod.half(2026, 1), ReportPeriod.half(2026, 2))


def test_a_report_period_value_is_accepted_as_is() -> None:
    period = ReportPeriod(dt.date(2026, 8, 1), dt.date(2026, 8, 31))
    report = transparency_report([make_case(received="2026-08-03T10:00:00Z")], period=period)
    assert only_row(report).period_end == dt.date(2026, 8, 31)


def test_the_country_is_the_jurisdiction_before_the_dash_with_its_cldr_name() -> None:
    cases = [
        make_case(jurisdiction="US-CA"),
        make_case(jurisdiction="KR"),
        make_case(jurisdiction="CZ"),
    ]
    report = transparency_report(cases, period="2026-H2")
    assert [(row.country, row.country_code) for row in report.rows] == [
        ("Czechia", "CZ"),
        ("South Korea", "KR"),
        ("United States", "US"),
    ]


def test_a_jurisdiction_without_a_cldr_name_is_refused() -> None:
    with pytest.raises(ReportError, match="'ZZ'"):
        transparency_report([make_case(jurisdiction="ZZ")], period="2026-H2")


def test_civil_subpoenas_are_not_counted_anywhere() -> None:
    report = transparency_report([make_case(K.CIVIL_SUBPOENA, records=[5])], period="2026-H2")
    assert report.rows == ()
    assert report.to_google_csv("google-2018") == HEADER + "\n"


def test_national_security_process_never_appears_in_rows_or_csv() -> None:
    cases = [make_case(K.NATIONAL_SECURITY_LETTER), make_case(K.FISA_ORDER), make_case()]
    report = transparency_report(cases, period="2026-H2")
    assert [row.legal_process for row in report.rows] == ["Search Warrants"]
    assert "ational" not in report.to_google_csv("google-2018")
    assert "FISA" not in report.to_meta_csv()


# --- figures ---------------------------------------------------------------------------------


def test_accounts_are_distinct_targets_of_the_row() -> None:
    cases = [
        make_case(targets=[email("a"), email("b")]),
        make_case(targets=[email("b"), email("c")]),
        make_case(K.SUBPOENA, targets=[email("a")]),
    ]
    rows = {row.legal_process: row for row in transparency_report(cases, period="2026-H2").rows}
    assert rows["Search Warrants"].accounts == 3
    assert rows["Search Warrants"].requests == 2
    assert rows["Subpoenas"].accounts == 1


def test_some_data_produced_means_a_production_holding_a_record() -> None:
    cases = [
        make_case(records=[0, 3]),
        make_case(records=[0]),
        make_case(records=[]),
        make_case(records=[1]),
    ]
    row = only_row(transparency_report(cases, period="2026-H2"))
    assert row.requests_with_data == 2
    assert row.percent_with_data == Decimal("50.00")


def test_the_percentage_has_two_decimals_rounded_half_up_from_the_counts() -> None:
    cases = [make_case(records=[1]), make_case(records=[1]), make_case(records=[])]
    row = only_row(transparency_report(cases, period="2026-H2"))
    assert row.percent_with_data == Decimal("66.67")
    assert str(row.percent_with_data) == "66.67"
    eighths = [make_case(records=[1])] + [make_case() for _ in range(7)]
    assert only_row(transparency_report(eighths, period="2026-H2")).percent_with_data == Decimal(
        "12.50"
    )


def test_preservation_rows_count_accounts_preserved_and_have_no_percentage() -> None:
    cases = [
        make_case(
            K.PRESERVATION_REQUEST, targets=[email("a"), email("b")], outcome=Outcome.PRESERVE
        ),
        make_case(K.PRESERVATION_REQUEST, targets=[email("c")], outcome=Outcome.REJECT),
        make_case(K.EU_PRESERVATION_ORDER, targets=[email("d")], outcome=None),
    ]
    row = only_row(transparency_report(cases, period="2026-H2"))
    assert row.legal_process == "Preservation Requests"
    assert (row.requests, row.accounts, row.accounts_preserved) == (3, 4, 2)
    assert row.percent_with_data is None
    assert row.requests_with_data is None


def test_emergency_requests_and_disclosures_are_the_emergency_row() -> None:
    cases = [make_case(K.EMERGENCY_REQUEST, records=[2]), make_case(K.EMERGENCY_REQUEST)]
    row = only_row(transparency_report(cases, period="2026-H2"))
    assert (row.legal_process, row.requests, row.requests_with_data) == (
        "Emergency Disclosure Requests",
        2,
        1,
    )


def test_rows_are_sorted_by_period_country_name_and_process() -> None:
    cases = [
        make_case(K.SUBPOENA, jurisdiction="US", received="2026-02-01T00:00:00Z"),
        make_case(K.SEARCH_WARRANT, jurisdiction="US"),
        make_case(K.EMERGENCY_REQUEST, jurisdiction="US"),
        make_case(K.FOREIGN_DIRECT_REQUEST, jurisdiction="CI"),  # Côte d’Ivoire  # noqa: RUF003
        make_case(K.FOREIGN_DIRECT_REQUEST, jurisdiction="CZ"),  # Czechia
        make_case(K.FOREIGN_DIRECT_REQUEST, jurisdiction="AR"),
    ]
    report = transparency_report(cases, period="2026")
    keys = [(row.period_end.isoformat(), row.country, row.legal_process) for row in report.rows]  # type: ignore[union-attr]
    assert keys == [
        ("2026-06-30", "United States", "Subpoenas"),
        ("2026-12-31", "Argentina", "Other Legal Requests"),
        ("2026-12-31", "Czechia", "Other Legal Requests"),
        ("2026-12-31", "Côte d’Ivoire", "Other Legal Requests"),  # noqa: RUF001
        ("2026-12-31", "United States", "Emergency Disclosure Requests"),
        ("2026-12-31", "United States", "Search Warrants"),
    ]


# --- Google's layout ----------------------------------------------------------------------


def test_google_csv_has_the_exact_header_and_layout() -> None:
    cases = [
        make_case(K.SEARCH_WARRANT, records=[1], targets=[email("a"), email("b")]),
        make_case(K.SEARCH_WARRANT, records=[], targets=[email("a")]),
        make_case(K.PRESERVATION_REQUEST, outcome=Outcome.PRESERVE),
        make_case(K.FOREIGN_DIRECT_REQUEST, jurisdiction="HK", records=[1]),
    ]
    text = transparency_report(cases, period="2026-H2").to_google_csv("google-2018")
    assert text == (
        f"{HEADER}\n"
        "2026-12-31,Hong Kong,HK,Other Legal Requests,1,100,1\n"
        "2026-12-31,United States,US,Preservation Requests,1,,1\n"
        "2026-12-31,United States,US,Search Warrants,2,50,2\n"
    )
    assert tuple(HEADER.split(",")) == COLUMNS


@pytest.mark.parametrize(
    ("produced", "total", "whole"),
    [(1, 8, "13"), (3, 8, "38"), (1, 200, "1"), (1, 3, "33"), (2, 3, "67"), (199, 200, "100")],
)
def test_google_percentage_is_a_whole_number_rounded_half_up_from_counts(
    produced: int, total: int, whole: str
) -> None:
    cases = [make_case(records=[1]) for _ in range(produced)]
    cases += [make_case() for _ in range(total - produced)]
    line = transparency_report(cases, period="2026-H2").to_google_csv("google-2018").splitlines()[1]
    assert line.split(",")[5] == whole


def test_google_rounds_once_from_the_counts_not_twice_through_two_decimals() -> None:
    # 98,999 of 200,000 is 49.4995 %: two decimals give 49.50, which would round to 50;
    # rounded once from the counts it is 49.
    row = ReportRow(
        dt.date(2026, 12, 31), "Chile", "CL", "Other Legal Requests", 200_000,
        Decimal("49.50"), 1, requests_with_data=98_999,
    )  # fmt: skip
    assert Report(rows=(row,)).to_google_csv("google-2018").splitlines()[1].split(",")[5] == "49"


def test_an_empty_report_writes_only_the_header() -> None:
    assert transparency_report([], period="2026-H1").to_google_csv("google-2018") == HEADER + "\n"


def test_a_bad_period_is_a_report_error() -> None:
    with pytest.raises(ReportError):
        transparency_report([], period="2026-H3")


# --- properties ------------------------------------------------------------------------

KINDS = st.sampled_from(list(ProcessKind))
COUNTRIES = st.sampled_from(["US", "US-NY", "DE", "FR", "BR", "IN", "HK"])
DAYS = st.dates(dt.date(2025, 11, 1), dt.date(2027, 2, 28))


@st.composite
def cases(draw: st.DrawFn) -> FakeCase:
    day = draw(DAYS)
    return make_case(
        draw(KINDS),
        jurisdiction=draw(COUNTRIES),
        received=f"{day.isoformat()}T12:00:00Z",
        targets=draw(st.lists(st.sampled_from([email(n) for n in "abcdef"]), max_size=3)),
        records=draw(st.lists(st.integers(0, 3), max_size=2)),
        outcome=draw(st.sampled_from([Outcome.COMPLY, Outcome.PRESERVE, Outcome.REJECT, None])),
        state=draw(st.sampled_from(list(FakeState))),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(cases(), max_size=25))
def test_every_counted_case_lands_in_exactly_one_row(batch: list[FakeCase]) -> None:
    report = transparency_report(batch, period="2026")
    expected = sum(
        1
        for case in batch
        if case.state is FakeState.CLOSED
        and case.request.received_at.year == 2026
        and label_for(case.request.country, case.request.process.kind) is not None
    )
    assert sum(row.requests for row in report.rows) == expected
    assert all(row.requests > 0 for row in report.rows)
    keys = [(row.period_end, row.country, row.legal_process) for row in report.rows]
    assert keys == sorted(keys)  # type: ignore[type-var]
    assert len(set(keys)) == len(keys)


@settings(max_examples=60, deadline=None)
@given(st.lists(cases(), max_size=25))
def test_row_figures_are_consistent_with_their_counts(batch: list[FakeCase]) -> None:
    for row in transparency_report(batch, period="2026").rows:
        assert row.accounts is not None
        assert row.accounts <= 6
        if row.is_preservation:
            assert row.percent_with_data is None
            assert row.accounts_preserved is not None
            assert row.accounts_preserved <= row.accounts
        else:
            assert row.requests_with_data is not None
            assert 0 <= row.requests_with_data <= row.requests
            exact = Decimal(100 * row.requests_with_data) / Decimal(row.requests)
            assert abs(row.percent_with_data - exact) <= Decimal("0.005")  # type: ignore[operator]


@settings(max_examples=40, deadline=None)
@given(st.lists(cases(), max_size=25))
def test_a_generated_google_csv_reads_back_to_the_same_figures_and_bytes(
    batch: list[FakeCase],
) -> None:
    report = transparency_report(batch, period="2026")
    text = report.to_google_csv("google-2018")
    again = read_report_csv(text)
    assert again.to_google_csv("google-2018") == text
    assert again.to_csv() == text
    assert [
        (r.period_end, r.country, r.country_code, r.legal_process, r.requests, r.accounts)
        for r in again.rows
    ] == [
        (r.period_end, r.country, r.country_code, r.legal_process, r.requests, r.accounts)
        for r in report.rows
    ]
    for original, read in zip(report.rows, again.rows, strict=True):
        if original.requests_with_data is not None:
            # Half up, independently of the library: floor((200w + r) / 2r).
            whole = (200 * original.requests_with_data + original.requests) // (
                2 * original.requests
            )
            assert read.percent_with_data == Decimal(whole)
