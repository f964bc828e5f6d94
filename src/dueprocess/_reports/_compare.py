"""Several providers' reports side by side: one table, one chart.

Rules of the road for this module:

* A provider's figure for a country and half-year is its requests for user data: every
  row of that country and period except preservation requests. A period that has an
  ``All`` row uses that row alone, since a file that also breaks it down per process
  (Google's, around 2012-2014) would otherwise count every request twice.
* Counts published as ranges stay ranges (``requests_low`` to ``requests_high``);
  ``requests`` is filled only where the figure is exact. Published percentages are
  never combined: the percentage is given where one row makes the figure, or where the
  rows carry the counts behind it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from ..exceptions import ReportError
from ._range import Count, Range, count_high, count_low
from ._rows import ALL_PROCESS, ReportRow

if TYPE_CHECKING:
    import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from matplotlib.figure import Figure  # type: ignore[import-not-found, import-untyped, unused-ignore]

    from ._report import Report

__all__ = ["ComparisonPoint", "compare_reports", "comparison_points", "plot_comparison"]


@attrs.frozen
class ComparisonPoint:
    """One provider's requests for one country and period.

    Attributes:
        provider: the name the caller gave the provider's report.
        period_end: the period's last day.
        requests: the requests, a :class:`Range` where published as one.
        percent_with_data: the share with some data produced, where it can be known.
        legal_processes: the legal processes the figure adds up.
    """

    provider: str
    period_end: dt.date
    requests: Count
    percent_with_data: float | None
    legal_processes: tuple[str, ...]


def _matches(row: ReportRow, country: str) -> bool:
    wanted = country.casefold()
    return wanted in (row.country_code.casefold(), row.country.casefold())


def _point(provider: str, end: dt.date, rows: list[ReportRow]) -> ComparisonPoint:
    whole = [row for row in rows if row.legal_process == ALL_PROCESS]
    used = whole or rows
    requests: Count = 0
    for row in used:
        requests = row.requests + requests
    percent: float | None = None
    if len(used) == 1 and used[0].percent_with_data is not None:
        percent = float(used[0].percent_with_data)
    elif (
        isinstance(requests, int)
        and requests
        and all(row.requests_with_data is not None for row in used)
    ):
        percent = float(Fraction(100 * sum(row.requests_with_data or 0 for row in used), requests))
    return ComparisonPoint(
        provider, end, requests, percent, tuple(sorted({row.legal_process for row in used}))
    )


def comparison_points(reports: Mapping[str, Report], *, country: str) -> list[ComparisonPoint]:
    """The points of :func:`compare_reports`, without pandas: provider, then period."""
    points = []
    for provider, report in reports.items():
        periods: dict[dt.date, list[ReportRow]] = {}
        for row in report.rows:
            if row.period_end is not None and not row.is_preservation and _matches(row, country):
                periods.setdefault(row.period_end, []).append(row)
        points += [_point(provider, end, periods[end]) for end in sorted(periods)]
    if not points:
        raise ReportError(f"none of the reports has rows for country {country!r}")
    return points


def compare_reports(reports: Mapping[str, Report], *, country: str) -> pandas.DataFrame:
    """Several providers' figures for one country in one DataFrame (the ``pandas`` extra).

    Args:
        reports: each provider's report by the name to show, e.g. ``{"Google": ...,
            "Meta": ..., "X": ...}``.
        country: a country code or name, matched against each row's code and name.

    Returns:
        one row per provider and period: ``provider``, ``period_end``, ``requests`` (exact
        figures only), ``requests_low``, ``requests_high`` (equal where exact),
        ``percent_with_data`` and ``legal_processes``.

    Raises:
        ReportError: no report has rows for *country*, or pandas is missing.
    """
    from ._notebook import import_pandas

    pd = import_pandas("compare_reports()")
    points = comparison_points(reports, country=country)
    return pd.DataFrame(
        {
            "provider": pd.array([p.provider for p in points], dtype="string"),
            "period_end": pd.to_datetime([p.period_end for p in points]),
            "requests": pd.array(
                [None if isinstance(p.requests, Range) else p.requests for p in points],
                dtype="Int64",
            ),
            "requests_low": pd.array([count_low(p.requests) for p in points], dtype="Int64"),
            "requests_high": pd.array([count_high(p.requests) for p in points], dtype="Int64"),
            "percent_with_data": pd.array([p.percent_with_data for p in points], dtype="Float64"),
            "legal_processes": pd.array(
                [", ".join(p.legal_processes) for p in points], dtype="string"
            ),
        }
    )


def plot_comparison(reports: Mapping[str, Report], *, country: str, source: str = "") -> Figure:
    """One chart of several providers' requests for one country (the ``plot`` extra).

    Each provider is one series in its own colour and marker; counts published as ranges
    are bands; the axis is logarithmic where providers differ by orders of magnitude.
    """
    from ._plot import LOG_RATIO, draw_series, half_year_ends, new_figure

    points = comparison_points(reports, country=country)
    figure = new_figure()
    figure.set_size_inches(10, 5.5)
    axes = figure.subplots()
    days = [point.period_end for point in points]
    ticks = half_year_ends(min(days), max(days))
    peaks = []
    for index, provider in enumerate(reports):
        mine = [(p.period_end, p.requests) for p in points if p.provider == provider]
        if mine:
            peaks.append(max(count_high(value) for _, value in mine))
            draw_series(axes, list(mine), ticks, label=provider, index=index)
    positive = [peak for peak in peaks if peak > 0]
    if len(positive) > 1 and max(positive) > LOG_RATIO * min(positive):
        axes.set_yscale("symlog", linthresh=10)
        axes.set_ylabel("requests per half-year (log scale)")
    else:
        axes.set_ylabel("requests per half-year")
        axes.set_ylim(bottom=0)
    from ._plot import format_time_axis

    format_time_axis(axes, ticks)
    axes.set_xlabel("half-year (period ending)")
    axes.set_title(f"Government requests for user data - {country}, by provider")
    handles, labels = axes.get_legend_handles_labels()
    order = list(reports)
    pairs = sorted(
        zip(handles, labels, strict=True),
        key=lambda pair: order.index(pair[1].removesuffix(" (published as a range)")),
    )
    figure.legend(
        [handle for handle, _ in pairs],
        [label for _, label in pairs],
        loc="outside right upper",
        title="provider",
    )
    figure.supxlabel(
        (f"Source: {source}.\n" if source else "")
        + "Units: requests for user data received per half-year (preservation requests"
        " left out); shaded bands are figures published only as ranges.",
        fontsize="small",
        x=0.01,
        ha="left",
    )
    return figure
