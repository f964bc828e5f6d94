"""The :class:`Report` value: rows in export order, and every way to show them."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

import attrs

from ..exceptions import ReportError
from . import _google, _meta
from ._bands import Bands, BandsOption, NationalSecurityTally, bands_for
from ._check import ReportProblem, check_report
from ._csvio import LayoutKind, ReportLayout
from ._layouts import BY_NAME, KnownLayout
from ._long import render_long
from ._period import ReportPeriod
from ._rows import ReportRow

if TYPE_CHECKING:
    import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from matplotlib.figure import Figure  # type: ignore[import-not-found, import-untyped, unused-ignore]

__all__ = ["Report"]

_HTML_ROWS = 60
_TEXT_HEADINGS = (
    "Period Ending",
    "Country",
    "Code",
    "Legal Process",
    "Requests",
    "% data",
    "Accounts",
)


# A report read from a file can hold any text; in the plain-text table it must not
# break a line or reach a terminal as a control sequence.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _shown(cell: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), cell)


@attrs.frozen(repr=False)
class Report:
    """A transparency report: one row per period, country and kind of legal process.

    Build one from cases with :func:`dueprocess.reports.transparency_report`, or read a published
    CSV with :func:`dueprocess.reports.read_report_csv`.

    Attributes:
        rows: the rows in export order (period, then country name, then legal process for
            a report built from cases; file order for one read back).
        periods: the periods the report was built for (half-years, or the pieces of a
            range cut at half-year boundaries); empty for a report read from a file.
        source_layout: the layout :meth:`to_csv` writes: the file's own for a report read
            back (header variant, dates, percentages, line endings), Google's current one
            for a report built from cases.
        totals: the totals a file states beside its rows (X's ``TOTAL`` row, the total
            columns of Meta's per-process layout), kept apart so that nothing adds them
            to the rows; :meth:`check` compares them with the rows.

    National-security process is not in ``rows``: its counts are only available banded,
    through :meth:`to_bands`.
    """

    rows: tuple[ReportRow, ...]
    periods: tuple[ReportPeriod, ...] = ()
    source_layout: ReportLayout = _google.LAYOUT
    totals: tuple[ReportRow, ...] = ()
    _national_security: tuple[NationalSecurityTally, ...] | None = attrs.field(
        default=None, alias="national_security", repr=False
    )

    @property
    def period_ends(self) -> tuple[dt.date, ...]:
        """The distinct ``period_end`` dates of the rows, in order."""
        return tuple(sorted({row.period_end for row in self.rows if row.period_end is not None}))

    # --- CSV -----------------------------------------------------------------------------

    def to_google_csv(self, layout: str = "google-2024") -> str:
        """The rows in Google's user-data-requests layout, as Google publishes it.

        *layout* ``"google-2024"`` (the default) is today's download: header ``Period
        Ending,Country/Region,CLDR Territory Code,Legal Process,User Data
        Requests,Percentage disclosed,Accounts``; ``"google-2018"`` the 2018 header
        ``...,Country,...,Percentage of requests where some data produced,Users/Accounts
        Specified``. Both: ISO dates; the percentage a whole number (half
        rounds up, computed from the counts when the row has them), empty for
        preservation rows; ``\\n`` line endings and a final newline. Text cells that a
        spreadsheet would run as a formula get a leading apostrophe.

        Raises:
            ReportError: an unknown *layout*, or a row without a period.
        """
        if layout not in ("google-2024", "google-2018"):
            raise ReportError(
                f"Google's layouts are 'google-2024' and 'google-2018', not {layout!r}"
            )
        known = BY_NAME[layout]
        return render_long(self.rows, (), known.style, known)

    def to_meta_csv(self, period_end: dt.date | None = None, *, layout: str = "meta") -> str:
        """One period's rows in Meta's government-requests layout (one line per country).

        *layout* ``"meta"`` (the default) has the totals and preservation
        columns; ``"meta-processes"`` adds legal-process and emergency columns (every
        request that is not an emergency one counts as legal process). Percentages have
        two decimals and a ``%`` sign, computed from the counts. Meta's layout has no
        period column, so a report over several periods needs *period_end* to pick one.
        Text cells are neutralised against formulas as in :meth:`to_google_csv`.

        Raises:
            ReportError: an unknown *layout*, several periods and none picked, or
                percentages that cannot be combined without their counts (see
                :mod:`dueprocess._reports._meta`).
        """
        if layout not in ("meta", "meta-processes"):
            raise ReportError(f"Meta's layouts are 'meta' and 'meta-processes', not {layout!r}")
        known = BY_NAME[layout]
        return _meta.render_meta(self._one_period(period_end), (), known.style, known)

    def to_csv(self) -> str:
        """The rows in :attr:`source_layout`: a file read back is written as it was read."""
        known = self._known()
        if self.source_layout.kind is LayoutKind.META:
            return _meta.render_meta(self._one_period(None), self.totals, self.source_layout, known)
        return render_long(self.rows, self.totals, self.source_layout, known)

    def _known(self) -> KnownLayout:
        known = BY_NAME.get(self.source_layout.name)
        if known is None:
            raise ReportError(f"no known layout is called {self.source_layout.name!r}")
        return known

    def check(self) -> tuple[ReportProblem, ...]:
        """What a careful reader would flag in these figures; empty when nothing was found.

        Each problem names its rows and numbers: the same period, country and legal
        process twice; a percentage outside 0-100; a stated total (X's ``TOTAL`` row,
        Meta's total columns) that disagrees with the sum of its rows, with both figures
        (ranges disagree only where they cannot overlap); a negative count.
        """
        return check_report(self.rows, self.totals)

    def _one_period(self, period_end: dt.date | None) -> tuple[ReportRow, ...]:
        ends = self.period_ends
        if period_end is None:
            if len(ends) > 1:
                listed = ", ".join(end.isoformat() for end in ends)
                raise ReportError(
                    f"Meta's layout holds one period and this report has {len(ends)} ({listed}):"
                    " pass period_end=..."
                )
            return self.rows
        if period_end not in ends:
            raise ReportError(f"the report has no period ending {period_end.isoformat()}")
        return tuple(row for row in self.rows if row.period_end == period_end)

    # --- national security ---------------------------------------------------------------

    def to_bands(self, option: BandsOption | int) -> Bands:
        """National-security letters and FISA orders, in the bands of 50 U.S.C. 1874(a).

        Args:
            option: the statute's structure, 1 to 4 (see :class:`BandsOption`).

        Raises:
            ReportError: an unknown option, or a report read from a file (which has no
                national-security figures).
        """
        try:
            chosen = BandsOption(option)
        except ValueError:
            raise ReportError(
                f"50 U.S.C. 1874(a) has reporting options 1 to 4, not {option!r}"
            ) from None
        if self._national_security is None:
            raise ReportError(
                "this report was read from a file and holds no national-security figures"
            )
        return bands_for(self._national_security, chosen)

    # --- for people ------------------------------------------------------------------------

    def _cells(self, row: ReportRow) -> tuple[str, ...]:
        percent = row.percent_with_data
        return (
            row.period_end.isoformat() if row.period_end else "",
            row.country,
            row.country_code,
            row.legal_process,
            str(row.requests),
            "" if percent is None else str(percent),
            "" if row.accounts is None else str(row.accounts),
        )

    def to_text(self) -> str:
        """The rows as an aligned plain-text table (what ``dueprocess report`` prints)."""
        table = [_TEXT_HEADINGS, *(tuple(map(_shown, self._cells(row))) for row in self.rows)]
        widths = [max(len(line[index]) for line in table) for index in range(len(_TEXT_HEADINGS))]
        numeric = {4, 5, 6}
        lines = []
        for line in table:
            cells = [
                cell.rjust(width) if index in numeric else cell.ljust(width)
                for index, (cell, width) in enumerate(zip(line, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(title)}</th>" for title in _TEXT_HEADINGS)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in self._cells(row)) + "</tr>"
            for row in self.rows[:_HTML_ROWS]
        )
        more = len(self.rows) - _HTML_ROWS
        note = f"<p>… and {more} more rows</p>" if more > 0 else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"

    def to_pandas(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame (needs the ``pandas`` extra)."""
        from ._notebook import to_dataframe

        return to_dataframe(self.rows)

    def plot(self, *, country: str | None = None, source: str | None = None) -> Figure:
        """Requests and the share with data produced, per half-year and kind of process.

        Needs the ``plot`` extra (matplotlib). Without *country* the rows of every country
        are added up, which needs the counts behind the percentages (a report built from
        cases); with a country code or name, that country's own rows are drawn. Counts
        published as ranges are drawn as bands, never as a point; a switch from ``All``
        rows to per-process rows is marked; the requests axis turns logarithmic where
        series differ by orders of magnitude (see :mod:`dueprocess._reports._plot`).

        Args:
            country: a country code or name; ``None`` for all countries.
            source: the caption's source; by default the published layout the report was
                read from, or the closed cases it was built from.

        Returns:
            a :class:`matplotlib.figure.Figure`, made without pyplot (safe on any backend).
        """
        from ._plot import plot_report

        if source is None:
            known = BY_NAME.get(self.source_layout.name)
            if self.periods:
                source = "closed cases, counted by dueprocess.reports.transparency_report"
            else:
                source = known.description if known else ""
        return plot_report(self.rows, country=country, source=source)

    def __repr__(self) -> str:
        ends = self.period_ends
        span = f"{ends[0].isoformat()}..{ends[-1].isoformat()}" if ends else "no period"
        return (
            f"<Report {len(self.rows)} rows, {len(ends)} periods {span},"
            f" {self.source_layout.kind.value} layout>"
        )
