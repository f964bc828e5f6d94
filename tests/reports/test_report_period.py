"""Reporting periods: half-years and ranges."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess._reports._period import as_period
from dueprocess.exceptions import ReportError
from dueprocess.reports import ReportPeriod


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
        (" 2024 ", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2026-03-01..2026-03-31", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    ],
)
def test_periods_parse_from_labels_and_ranges(text: str, start: dt.date, end: dt.date) -> None:
    assert ReportPeriod.parse(text) == ReportPeriod(start, end)


@pytest.mark.parametrize(
    "text", ["2026-H3", "2026H1", "26-H1", "2026-02-30..2026-03-01", "2026-01-01..", "soon"]
)
def test_a_malformed_period_is_a_report_error(text: str) -> None:
    with pytest.raises(ReportError, match="period"):
        ReportPeriod.parse(text)


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ReportError, match="before it starts"):
        ReportPeriod(dt.date(2026, 2, 1), dt.date(2026, 1, 31))


def test_a_year_has_only_two_halves() -> None:
    with pytest.raises(ReportError, match="halves 1 and 2"):
        ReportPeriod.half(2026, 3)


def test_half_years_print_as_their_label_and_ranges_as_dates() -> None:
    assert str(ReportPeriod.half(2026, 1)) == "2026-H1"
    assert str(ReportPeriod.year(2026)) == "2026-01-01..2026-12-31"
    assert repr(ReportPeriod.half(2026, 2)) == "ReportPeriod('2026-H2')"


def test_a_range_over_years_splits_at_every_half_year() -> None:
    halves = ReportPeriod.parse("2025-05-01..2026-08-15").halves()
    assert [str(half) for half in halves] == [
        "2025-05-01..2025-06-30",
        "2025-H2",
        "2026-H1",
        "2026-07-01..2026-08-15",
    ]


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), st.integers(0, 1200))
def test_the_halves_cover_the_period_exactly_without_overlap(start: dt.date, days: int) -> None:
    period = ReportPeriod(start, start + dt.timedelta(days=days))
    halves = period.halves()
    assert halves[0].start == period.start
    assert halves[-1].end == period.end
    for before, after in itertools.pairwise(halves):
        assert after.start == before.end + dt.timedelta(days=1)
    assert all(half.start.year == half.end.year for half in halves)
    assert all((half.start.month <= 6) == (half.end.month <= 6) for half in halves)


@pytest.mark.parametrize(
    "spec",
    [(dt.date(2026, 1, 1),), (dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1)), 2026, None],
)
def test_anything_but_a_label_pair_or_period_is_refused(spec: object) -> None:
    with pytest.raises(ReportError, match="period must be"):
        as_period(spec)  # type: ignore[arg-type]


def test_contains_includes_both_ends() -> None:
    half = ReportPeriod.half(2026, 1)
    assert half.contains(dt.date(2026, 1, 1))
    assert half.contains(dt.date(2026, 6, 30))
    assert not half.contains(dt.date(2026, 7, 1))
