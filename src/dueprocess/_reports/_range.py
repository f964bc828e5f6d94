"""A count published as a range: ``11,000 - 12,000`` requests, or a band of 50 U.S.C. 1874.

A range is a value in its own right, not an uncertain point: adding ranges adds their
ends (the sum of two ranges is known only to lie between the sums of their ends), adding
a whole number shifts both ends, and nothing here ever picks a point inside one.
"""

from __future__ import annotations

import attrs

from ..exceptions import ReportError

__all__ = ["Count", "Range", "count_high", "count_low"]


@attrs.frozen(order=True)
class Range:
    """A count known only to lie between *low* and *high*, both included.

    >>> Range(11000, 12000) + Range(0, 499)
    Range(low=11000, high=12499)
    >>> sum([Range(1, 2), 3])
    Range(low=4, high=5)
    >>> str(Range(0, 499)), f"{Range(0, 499):>9}"
    ('0 - 499', '  0 - 499')
    """

    low: int
    high: int = attrs.field()

    @high.validator
    def _check_high(self, _attribute: object, high: int) -> None:
        if high < self.low:
            raise ReportError(f"a range cannot end ({high}) below its start ({self.low})")

    def __add__(self, other: object) -> Range:
        if isinstance(other, Range):
            return Range(self.low + other.low, self.high + other.high)
        if isinstance(other, int) and not isinstance(other, bool):
            return Range(self.low + other, self.high + other)
        return NotImplemented

    __radd__ = __add__

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.low <= value <= self.high

    def overlaps(self, other: Count) -> bool:
        """Whether this range and *other* (a range or a whole number) share a value."""
        return self.low <= count_high(other) and count_low(other) <= self.high

    def __str__(self) -> str:
        return f"{self.low} - {self.high}"

    def __format__(self, spec: str) -> str:
        # Lets a range stand where a count is formatted (f"{row.requests:>8}").
        return format(str(self), spec)


Count = int | Range
"""A published count: a whole number, or a :class:`Range`."""


def count_low(count: Count) -> int:
    """The least value *count* can be."""
    return count.low if isinstance(count, Range) else count


def count_high(count: Count) -> int:
    """The greatest value *count* can be."""
    return count.high if isinstance(count, Range) else count
