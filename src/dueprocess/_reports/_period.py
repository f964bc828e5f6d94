"""Reporting periods: half-years (``2026-H1``) or any range of days.

Transparency reports are published per half-year, so a longer range is split into
half-years (and a range that does not start or end on a half-year boundary keeps its own
first and last day). A request belongs to the period that contains the UTC calendar date
on which it was *received*: reports count requests received, whatever became of them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Union

import attrs

from .._base._dates import parse_date
from .._intake._limits import EARLIEST_DATE, LATEST_DATE
from ..exceptions import ReportError

__all__ = ["PeriodSpec", "ReportPeriod", "as_period"]

_HALF = re.compile(r"(\d{4})-H([12])\Z", re.ASCII)
_YEAR = re.compile(r"(\d{4})\Z", re.ASCII)


@attrs.frozen(order=True)
class ReportPeriod:
    """A range of calendar days, both ends included.

    >>> ReportPeriod.parse("2026-H2")
    ReportPeriod('2026-H2')
    >>> ReportPeriod.parse("2026-H2").end
    datetime.date(2026, 12, 31)
    >>> [str(half) for half in ReportPeriod.parse("2026").halves()]
    ['2026-H1', '2026-H2']
    """

    start: dt.date
    end: dt.date = attrs.field()

    @end.validator
    def _check_end(self, _attribute: object, end: dt.date) -> None:
        if end < self.start:
            raise ReportError(f"a period cannot end ({end}) before it starts ({self.start})")
        if self.start < EARLIEST_DATE or end > LATEST_DATE:
            # No case is received outside the dates a request may carry, and a period
            # reaching the calendar's ends could not be cut into half-years.
            raise ReportError(
                f"a report period lies within {EARLIEST_DATE.isoformat()}.."
                f"{LATEST_DATE.isoformat()}, the dates a request may carry"
            )

    @classmethod
    def half(cls, year: int, half: int) -> ReportPeriod:
        """The first (``half=1``, January-June) or second (July-December) half of *year*."""
        if half == 1:
            return cls(dt.date(year, 1, 1), dt.date(year, 6, 30))
        if half == 2:
            return cls(dt.date(year, 7, 1), dt.date(year, 12, 31))
        raise ReportError(f"a year has halves 1 and 2, not {half!r}")

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        """The calendar year *year* (reported as its two halves)."""
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> ReportPeriod:
        """Read ``YYYY-H1``, ``YYYY-H2``, ``YYYY`` or ``YYYY-MM-DD..YYYY-MM-DD``.

        Raises:
            ReportError: the text is none of these, or names days outside
                1900-01-01..2999-12-31, the dates a request may carry.
        """
        text = text.strip()
        first, dots, last = text.partition("..")
        try:
            if match := _HALF.match(text):
                return cls.half(int(match[1]), int(match[2]))
            if match := _YEAR.match(text):
                return cls.year(int(match[1]))
            if dots:
                return cls(parse_date(first.strip()), parse_date(last.strip()))
        except ValueError as error:  # ReportError too
            raise ReportError(f"period {text!r}: {error}") from None
        raise ReportError(
            f"period {text!r} is not YYYY-H1, YYYY-H2, YYYY or YYYY-MM-DD..YYYY-MM-DD"
        )

    @property
    def is_half_year(self) -> bool:
        """Whether this is exactly one calendar half-year."""
        return self in (
            ReportPeriod.half(self.start.year, 1),
            ReportPeriod.half(self.start.year, 2),
        )

    def contains(self, day: dt.date) -> bool:
        """Whether *day* lies in the period, ends included."""
        return self.start <= day <= self.end

    def halves(self) -> tuple[ReportPeriod, ...]:
        """This period cut at every half-year boundary, in order.

        >>> ReportPeriod.parse("2026-03-01..2026-09-30").halves()
        (ReportPeriod('2026-03-01..2026-06-30'), ReportPeriod('2026-07-01..2026-09-30'))
        """
        pieces: list[ReportPeriod] = []
        start = self.start
        while start <= self.end:
            boundary = (
                dt.date(start.year, 6, 30) if start.month <= 6 else dt.date(start.year, 12, 31)
            )
            end = min(boundary, self.end)
            pieces.append(ReportPeriod(start, end))
            start = end + dt.timedelta(days=1)
        return tuple(pieces)

    def __str__(self) -> str:
        if self.is_half_year:
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __repr__(self) -> str:
        return f"ReportPeriod({str(self)!r})"


PeriodSpec = Union[str, ReportPeriod, "tuple[dt.date, dt.date]"]
"""What ``transparency_report(period=...)`` accepts."""


def as_period(spec: PeriodSpec) -> ReportPeriod:
    """Turn a half-year label, a ``(start, end)`` pair or a :class:`ReportPeriod` into one.

    >>> import datetime as dt
    >>> as_period((dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    ReportPeriod('2026-01-01..2026-12-31')
    """
    if isinstance(spec, ReportPeriod):
        return spec
    if isinstance(spec, str):
        return ReportPeriod.parse(spec)
    if isinstance(spec, tuple) and len(spec) == 2:
        start, end = spec
        if _is_plain_date(start) and _is_plain_date(end):
            return ReportPeriod(start, end)
    raise ReportError(
        "period must be 'YYYY-H1' or 'YYYY-H2', a (start, end) pair of dates, or a ReportPeriod;"
        f" got {spec!r}"
    )


def _is_plain_date(value: object) -> bool:
    # A datetime is a date subclass; a period is made of calendar days, not instants.
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
