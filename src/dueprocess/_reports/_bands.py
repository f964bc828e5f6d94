"""National-security figures in the bands of 50 U.S.C. 1874(a), and nowhere else exact.

Rules of the road for this module:

* A recipient of national security letters (NSLs) or FISA orders may publish how many it
  received, and how many customer selectors they targeted, only in bands. The statute
  offers four structures, and the caller picks one (``BandsOption``):

  ====  ===========  ======  =================================================
  opt.  period       band    categories
  ====  ===========  ======  =================================================
  (1)   semiannual   1000    NSLs; FISA content orders; FISA non-content orders
                             — each with the customer selectors it targeted
  (2)   semiannual   500     the same six categories
  (3)   semiannual   250     all national security process combined; selectors
  (4)   annual       100     all national security process combined; selectors
  ====  ===========  ======  =================================================

* A band starts at a multiple of its width: 0-999, 1000-1999, ... A count of 0 is shown
  as the first band (0-999), never as 0, so a reader cannot tell none from a few.
* A FISA order counts under "contents" when it asks for the ``content`` category and
  under "non-contents" otherwise (1874(a)(1)(C)-(F)). A customer selector is a distinct
  target (kind and value). The exact counts stay inside the report and are never shown.
* Timing rules of 1874(b) (which half-years a report may cover, delays for new
  platforms) are the publisher's: this module bands the periods it is given. Option (4)
  is annual: its bands cover each calendar year's periods together.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from .._base._enums import Category, ProcessKind, _Str
from .._base._text import neutralise
from .._intake._request import LegalRequest
from ._csvio import (
    LayoutKind,
    ReportLayout,
    write_table,
)
from ._period import ReportPeriod

__all__ = [
    "OPTION_CATEGORIES",
    "Band",
    "BandCategory",
    "BandRow",
    "Bands",
    "BandsOption",
    "NationalSecurityTally",
    "bands_for",
]


class BandsOption(enum.IntEnum):
    """The reporting structure of 50 U.S.C. 1874(a), by its paragraph number."""

    BY_CATEGORY_1000 = 1
    BY_CATEGORY_500 = 2
    COMBINED_250 = 3
    COMBINED_100_ANNUAL = 4

    @property
    def width(self) -> int:
        """The band width; 1000, 500, 250 or 100."""
        return _WIDTHS[self]

    @property
    def annual(self) -> bool:
        """Only option (4) is an annual report; the others are semiannual."""
        return self is BandsOption.COMBINED_100_ANNUAL

    @property
    def citation(self) -> str:
        """``50 U.S.C. 1874(a)(N)``."""
        return f"50 U.S.C. 1874(a)({self.value})"


_WIDTHS: Final[Mapping[BandsOption, int]] = MappingProxyType({
    BandsOption.BY_CATEGORY_1000: 1000,
    BandsOption.BY_CATEGORY_500: 500,
    BandsOption.COMBINED_250: 250,
    BandsOption.COMBINED_100_ANNUAL: 100,
})  # fmt: skip


class BandCategory(_Str):
    """What a band counts (the statute's subparagraphs)."""

    NSL = "National security letters"
    NSL_SELECTORS = "Customer selectors targeted by national security letters"
    FISA_CONTENT = "FISA orders and directives for contents"
    FISA_CONTENT_SELECTORS = "Customer selectors targeted under FISA orders for contents"
    FISA_NON_CONTENT = "FISA orders for non-contents"
    FISA_NON_CONTENT_SELECTORS = "Customer selectors targeted under FISA orders for non-contents"
    ALL_PROCESS = "National security process (NSLs and FISA orders combined)"
    ALL_SELECTORS = "Customer selectors targeted under all national security process"


_SEPARATE: Final = (
    BandCategory.NSL,
    BandCategory.NSL_SELECTORS,
    BandCategory.FISA_CONTENT,
    BandCategory.FISA_CONTENT_SELECTORS,
    BandCategory.FISA_NON_CONTENT,
    BandCategory.FISA_NON_CONTENT_SELECTORS,
)
_COMBINED: Final = (BandCategory.ALL_PROCESS, BandCategory.ALL_SELECTORS)

OPTION_CATEGORIES: Final[Mapping[BandsOption, tuple[BandCategory, ...]]] = MappingProxyType({
    BandsOption.BY_CATEGORY_1000:    _SEPARATE,   # 1874(a)(1)(A)-(F)
    BandsOption.BY_CATEGORY_500:     _SEPARATE,   # 1874(a)(2)(A)-(F)
    BandsOption.COMBINED_250:        _COMBINED,   # 1874(a)(3)(A)-(B)
    BandsOption.COMBINED_100_ANNUAL: _COMBINED,   # 1874(a)(4)(A)-(B)
})  # fmt: skip


@attrs.frozen(order=True)
class Band:
    """A range ``low``-``high`` (both included) that an exact count lies in.

    >>> Band.of(0, 1000), Band.of(1000, 1000), str(Band.of(249, 250))
    (Band(low=0, high=999), Band(low=1000, high=1999), '0-249')
    """

    low: int
    high: int

    @classmethod
    def of(cls, count: int, width: int) -> Band:
        """The band of *width* that holds *count* (0 gives the first band)."""
        if count < 0:
            raise ValueError(f"a count cannot be negative, got {count}")
        low = count // width * width
        return cls(low, low + width - 1)

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


@attrs.frozen
class BandRow:
    """One category's band for one period."""

    period_end: dt.date
    category: BandCategory
    band: Band


_COLUMNS: Final = ("Period Ending", "Category", "Band")


@attrs.frozen
class Bands:
    """National-security figures of a report, banded as ``option`` of 50 U.S.C. 1874(a)."""

    option: BandsOption
    rows: tuple[BandRow, ...]

    def to_csv(self) -> str:
        """CSV text: ``Period Ending,Category,Band``, then e.g. ``2026-12-31,...,0-999``."""
        layout = ReportLayout(kind=LayoutKind.GOOGLE, columns=_COLUMNS)
        return write_table(
            layout,
            (
                [row.period_end.isoformat(), neutralise(row.category.value), str(row.band)]
                for row in self.rows
            ),
        )

    def __str__(self) -> str:
        out = io.StringIO()
        out.write(f"National security process, {self.option.citation}")
        out.write(f" ({'annual' if self.option.annual else 'semiannual'},")
        out.write(f" bands of {self.option.width})\n")
        width = max((len(row.category.value) for row in self.rows), default=0)
        for row in self.rows:
            out.write(f"{row.period_end.isoformat()}  {row.category.value:<{width}}  {row.band}\n")
        return out.getvalue()


def _selectors(request: LegalRequest) -> frozenset[tuple[str, str]]:
    return frozenset((target.kind.value, target.value) for target in request.targets)


@attrs.frozen
class NationalSecurityTally:
    """Exact national-security counts of one period; kept private to the report."""

    period: ReportPeriod
    nsl: int = 0
    nsl_selectors: frozenset[tuple[str, str]] = frozenset()
    fisa_content: int = 0
    fisa_content_selectors: frozenset[tuple[str, str]] = frozenset()
    fisa_non_content: int = 0
    fisa_non_content_selectors: frozenset[tuple[str, str]] = frozenset()

    def add(self, request: LegalRequest) -> NationalSecurityTally:
        """This tally with one more NSL or FISA order counted."""
        selectors = _selectors(request)
        if request.process.kind is ProcessKind.NATIONAL_SECURITY_LETTER:
            return attrs.evolve(
                self, nsl=self.nsl + 1, nsl_selectors=self.nsl_selectors | selectors
            )
        if Category.CONTENT in request.categories:
            return attrs.evolve(
                self,
                fisa_content=self.fisa_content + 1,
                fisa_content_selectors=self.fisa_content_selectors | selectors,
            )
        return attrs.evolve(
            self,
            fisa_non_content=self.fisa_non_content + 1,
            fisa_non_content_selectors=self.fisa_non_content_selectors | selectors,
        )

    def counts(self) -> dict[BandCategory, int]:
        everyone = (
            self.nsl_selectors | self.fisa_content_selectors | self.fisa_non_content_selectors
        )
        return {
            BandCategory.NSL: self.nsl,
            BandCategory.NSL_SELECTORS: len(self.nsl_selectors),
            BandCategory.FISA_CONTENT: self.fisa_content,
            BandCategory.FISA_CONTENT_SELECTORS: len(self.fisa_content_selectors),
            BandCategory.FISA_NON_CONTENT: self.fisa_non_content,
            BandCategory.FISA_NON_CONTENT_SELECTORS: len(self.fisa_non_content_selectors),
            BandCategory.ALL_PROCESS: self.nsl + self.fisa_content + self.fisa_non_content,
            BandCategory.ALL_SELECTORS: len(everyone),
        }

    def merge(self, other: NationalSecurityTally) -> NationalSecurityTally:
        """Both tallies together, over the span from this one's start to *other*'s end."""
        return NationalSecurityTally(
            period=ReportPeriod(self.period.start, other.period.end),
            nsl=self.nsl + other.nsl,
            nsl_selectors=self.nsl_selectors | other.nsl_selectors,
            fisa_content=self.fisa_content + other.fisa_content,
            fisa_content_selectors=self.fisa_content_selectors | other.fisa_content_selectors,
            fisa_non_content=self.fisa_non_content + other.fisa_non_content,
            fisa_non_content_selectors=(
                self.fisa_non_content_selectors | other.fisa_non_content_selectors
            ),
        )


def bands_for(tallies: Iterable[NationalSecurityTally], option: BandsOption) -> Bands:
    """Band *tallies* (one per period, in order) as *option* asks."""
    groups: list[NationalSecurityTally] = []
    for tally in tallies:
        if option.annual and groups and groups[-1].period.end.year == tally.period.end.year:
            groups[-1] = groups[-1].merge(tally)
        else:
            groups.append(tally)
    rows = []
    for group in groups:
        counts = group.counts()
        for category in OPTION_CATEGORIES[option]:
            rows.append(
                BandRow(group.period.end, category, Band.of(counts[category], option.width))
            )
    return Bands(option=option, rows=tuple(rows))
