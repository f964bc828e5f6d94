"""National-security figures only in the bands of 50 U.S.C. 1874(a)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess import Category, ProcessKind
from dueprocess.exceptions import ReportError
from dueprocess.reports import (
    Band,
    BandCategory,
    BandRow,
    BandsOption,
    read_report_csv,
    transparency_report,
)

from ..report_fakes import email, make_case

K = ProcessKind
C = BandCategory


@pytest.mark.parametrize(
    ("count", "width", "shown"),
    [
        (0, 1000, "0-999"),
        (999, 1000, "0-999"),
        (1000, 1000, "1000-1999"),
        (0, 500, "0-499"),
        (499, 500, "0-499"),
        (500, 500, "500-999"),
        (0, 250, "0-249"),
        (249, 250, "0-249"),
        (250, 250, "250-499"),
        (0, 100, "0-99"),
        (99, 100, "0-99"),
        (100, 100, "100-199"),
    ],
)
def test_a_count_is_shown_as_the_band_that_holds_it(count: int, width: int, shown: str) -> None:
    assert str(Band.of(count, width)) == shown


@given(st.integers(0, 10**6), st.sampled_from([1000, 500, 250, 100]))
def test_every_band_holds_its_count_and_starts_at_a_multiple_of_its_width(
    count: int, width: int
) -> None:
    band = Band.of(count, width)
    assert band.low <= count <= band.high
    assert band.low % width == 0
    assert band.high - band.low == width - 1


def test_a_negative_count_has_no_band() -> None:
    with pytest.raises(ValueError, match="negative"):
        Band.of(-1, 100)


@pytest.mark.parametrize(
    ("option", "width", "annual"),
    [(1, 1000, False), (2, 500, False), (3, 250, False), (4, 100, True)],
)
def test_the_four_options_of_the_statute(option: int, width: int, annual: bool) -> None:
    chosen = BandsOption(option)
    assert (chosen.width, chosen.annual) == (width, annual)
    assert chosen.citation == f"50 U.S.C. 1874(a)({option})"


def test_no_national_security_process_is_shown_as_the_first_band_never_zero() -> None:
    bands = transparency_report([], period="2026-H2").to_bands(1)
    assert [row.category for row in bands.rows] == [
        C.NSL,
        C.NSL_SELECTORS,
        C.FISA_CONTENT,
        C.FISA_CONTENT_SELECTORS,
        C.FISA_NON_CONTENT,
        C.FISA_NON_CONTENT_SELECTORS,
    ]
    assert {str(row.band) for row in bands.rows} == {"0-999"}
    assert ",0\n" not in bands.to_csv()


def letters(count: int, targets_each: int = 1, start: int = 0) -> list[object]:
    return [
        make_case(
            K.NATIONAL_SECURITY_LETTER,
            targets=[email(f"n{start + i}-{t}") for t in range(targets_each)],
        )
        for i in range(count)
    ]


@pytest.mark.parametrize(("count", "band"), [(249, "0-249"), (250, "250-499")])
def test_combined_option_3_counts_letters_and_fisa_orders_together(count: int, band: str) -> None:
    cases = [*letters(count - 1), make_case(K.FISA_ORDER, targets=[email("f")])]
    bands = transparency_report(cases, period="2026-H2").to_bands(BandsOption.COMBINED_250)
    assert [(row.category, str(row.band)) for row in bands.rows] == [
        (C.ALL_PROCESS, band),
        (C.ALL_SELECTORS, band),
    ]


@pytest.mark.parametrize(("count", "band"), [(499, "0-499"), (500, "500-999")])
def test_option_2_bands_letters_in_fives_hundreds(count: int, band: str) -> None:
    bands = transparency_report(letters(count), period="2026-H2").to_bands(2)
    shown = {row.category: str(row.band) for row in bands.rows}
    assert shown[C.NSL] == band
    assert shown[C.FISA_CONTENT] == "0-499"


def test_option_1_at_the_thousand_boundary() -> None:
    cases = letters(999)
    assert {
        r.category: str(r.band)
        for r in transparency_report(cases, period="2026-H2").to_bands(1).rows
    }[C.NSL] == "0-999"
    cases += letters(1, start=999)
    shown = {
        r.category: str(r.band)
        for r in transparency_report(cases, period="2026-H2").to_bands(1).rows
    }
    assert shown[C.NSL] == "1000-1999"
    assert shown[C.NSL_SELECTORS] == "1000-1999"


def test_selectors_are_distinct_targets_and_fisa_splits_by_content() -> None:
    same = [email("x")]
    cases = [
        make_case(K.FISA_ORDER, targets=same, categories=[Category.CONTENT]),
        make_case(K.FISA_ORDER, targets=same, categories=[Category.NON_CONTENT]),
        make_case(K.NATIONAL_SECURITY_LETTER, targets=same),
    ]
    report = transparency_report(cases, period="2026-H2")
    tally = report._national_security[0]  # type: ignore[index]
    assert tally.counts()[C.FISA_CONTENT] == 1
    assert tally.counts()[C.FISA_NON_CONTENT] == 1
    assert tally.counts()[C.ALL_PROCESS] == 3
    assert tally.counts()[C.ALL_SELECTORS] == 1


def test_option_4_is_annual_and_joins_the_half_years() -> None:
    cases = letters(60) + [
        make_case(
            K.NATIONAL_SECURITY_LETTER, received="2026-02-01T00:00:00Z", targets=[email(f"h{i}")]
        )
        for i in range(60)
    ]
    report = transparency_report(cases, period="2026")
    annual = report.to_bands(4)
    assert [(row.period_end, row.category, str(row.band)) for row in annual.rows] == [
        (dt.date(2026, 12, 31), C.ALL_PROCESS, "100-199"),
        (dt.date(2026, 12, 31), C.ALL_SELECTORS, "100-199"),
    ]
    semiannual = report.to_bands(3)
    assert [row.period_end for row in semiannual.rows] == [
        dt.date(2026, 6, 30),
        dt.date(2026, 6, 30),
        dt.date(2026, 12, 31),
        dt.date(2026, 12, 31),
    ]


def test_bands_render_as_csv_and_text() -> None:
    bands = transparency_report([], period="2026-H2").to_bands(3)
    assert bands.to_csv() == (
        "Period Ending,Category,Band\n"
        "2026-12-31,National security process (NSLs and FISA orders combined),0-249\n"
        "2026-12-31,Customer selectors targeted under all national security process,0-249\n"
    )
    text = str(bands)
    assert text.startswith(
        "National security process, 50 U.S.C. 1874(a)(3) (semiannual, bands of 250)\n"
    )
    assert "2026-12-31  National security process (NSLs and FISA orders combined)  " in text
    assert text.endswith("all national security process  0-249\n")
    assert bands.rows[0] == BandRow(dt.date(2026, 12, 31), C.ALL_PROCESS, Band(0, 249))


@pytest.mark.parametrize("option", [0, 5, -1])
def test_an_option_the_statute_does_not_have_is_refused(option: int) -> None:
    with pytest.raises(ReportError, match="options 1 to 4"):
        transparency_report([], period="2026-H2").to_bands(option)


def test_a_report_read_from_a_file_has_no_national_security_figures() -> None:
    report = read_report_csv(
        "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
        "Percentage of requests where some data produced,Users/Accounts Specified\n"
    )
    with pytest.raises(ReportError, match="no national-security figures"):
        report.to_bands(1)


def test_exact_national_security_counts_do_not_show_in_the_report_repr() -> None:
    report = transparency_report(letters(7), period="2026-H2")
    assert "7" not in repr(report)
    assert report.rows == ()


def test_a_band_category_prints_as_its_label() -> None:
    assert str(C.NSL) == "National security letters"


@pytest.mark.parametrize(("count", "band"), [(99, "0-99"), (100, "100-199")])
def test_option_4_bands_a_year_in_hundreds(count: int, band: str) -> None:
    bands = transparency_report(letters(count), period="2026").to_bands(4)
    assert [str(row.band) for row in bands.rows] == [band, band]
