"""Requests and disclosure rate over time (the ``plot`` extra; imported only when asked for).

The figure is built with :class:`matplotlib.figure.Figure` directly, never through
``pyplot``: no global state, no GUI backend, fine on a server with Agg.

Rules of the road for a chart people can read:

* One colour and one marker per series, from the Okabe-Ito palette (safe for the
  common kinds of colour blindness); the legend sits outside the axes, never on data.
* The x axis has a tick at every half-year end (labelled ``2012 H1``); a period a series
  has no figure for breaks its line instead of bridging it.
* A count published as a range is drawn as a band from its low to its high end; no point
  inside it is ever drawn, because none was published.
* Where the largest series is more than 100 times the smallest, the requests axis is
  logarithmic, so that small series are not flattened at zero.
* Where a country's rows switch from ``All`` to per-process rows, a dashed line marks
  the change of categories, so that the switch does not read as a collapse.
* A caption under the chart names the source and the units.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import ReportError
from ._range import Count, Range, count_high, count_low
from ._rows import ALL_PROCESS, ReportRow

if TYPE_CHECKING:
    from matplotlib.axes import Axes  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from matplotlib.figure import Figure  # type: ignore[import-not-found, import-untyped, unused-ignore]

__all__ = [
    "MARKERS",
    "PALETTE",
    "category_changes",
    "days_to_numbers",
    "draw_series",
    "format_time_axis",
    "half_year_ends",
    "new_figure",
    "plot_report",
    "series",
]

PALETTE: Final = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#F0E442",  # yellow
)
"""Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008)."""

MARKERS: Final = ("o", "s", "^", "D", "v", "P", "X", "*", "h")

LOG_RATIO: Final = 100
"""Series whose largest values differ more than this get a logarithmic requests axis."""

Point = tuple[dt.date, Count, float | None]


def _matches(row: ReportRow, country: str) -> bool:
    wanted = country.casefold()
    return row.country_code.casefold() == wanted or row.country.casefold() == wanted


def series(
    rows: Sequence[ReportRow], country: str | None = None
) -> tuple[dict[str, list[Point]], bool]:
    """Per legal process: (period end, requests, percent with data or ``None``) points.

    Requests of several rows are added (ranges add their ends). The percentage of several
    rows together comes from their counts only; where a period's rows lack counts and are
    more than one, the point has no percentage and the second value returned is ``True``.
    """
    chosen = [row for row in rows if country is None or _matches(row, country)]
    if country is not None and not chosen:
        raise ReportError(f"the report has no rows for country {country!r}")
    groups: dict[str, dict[dt.date, list[ReportRow]]] = {}
    for row in chosen:
        if row.period_end is None:
            raise ReportError("rows without a period cannot be plotted over time")
        groups.setdefault(row.legal_process, {}).setdefault(row.period_end, []).append(row)
    out: dict[str, list[Point]] = {}
    missing = False
    for process in sorted(groups):
        points: list[Point] = []
        for end, members in sorted(groups[process].items()):
            requests: Count = 0
            for row in members:
                requests = row.requests + requests
            percent: float | None = None
            if all(row.requests_with_data is not None for row in members):
                if isinstance(requests, int) and requests:
                    produced = sum(row.requests_with_data or 0 for row in members)
                    percent = float(Fraction(100 * produced, requests))
            elif len(members) == 1:
                value = members[0].percent_with_data
                percent = None if value is None else float(value)
            else:
                missing = True
            points.append((end, requests, percent))
        out[process] = points
    return out, missing


def half_year_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every 30 June and 31 December from the half-year of *first* to that of *last*."""
    ends = []
    year, half = first.year, 1 if first.month <= 6 else 2
    while True:
        end = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        ends.append(end)
        if end >= last:
            return ends
        year, half = (year, 2) if half == 1 else (year + 1, 1)


def category_changes(lines: dict[str, list[Point]]) -> list[tuple[dt.date, dt.date]]:
    """(last period of ``All`` rows, next period of per-process rows) where ``All`` ends."""
    if ALL_PROCESS not in lines:
        return []
    last_all = max(point[0] for point in lines[ALL_PROCESS])
    later = [
        point[0]
        for name, points in lines.items()
        if name != ALL_PROCESS
        for point in points
        if point[0] > last_all
    ]
    return [(last_all, min(later))] if later else []


def days_to_numbers(days: Sequence[dt.date]) -> list[float]:
    """Matplotlib's date numbers for *days* (so that axes get plain floats)."""
    from matplotlib.dates import date2num  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return [float(date2num(day)) for day in days]  # type: ignore[no-untyped-call, unused-ignore]


def new_figure() -> Figure:
    """An empty figure with constrained layout, or the error naming the ``plot`` extra."""
    try:
        from matplotlib.figure import Figure  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise ReportError(
            "Report.plot() needs matplotlib: install the extra with pip install 'dueprocess[plot]'"
        ) from None
    return Figure(figsize=(10, 7), layout="constrained")


def _gapped(
    points: list[tuple[dt.date, Any]], ticks: list[dt.date]
) -> tuple[list[dt.date], list[Any]]:
    # A half-year with no figure gets NaN, which breaks the line: nothing is drawn there.
    values = dict(points)
    shown = [day for day in ticks if points and points[0][0] <= day <= points[-1][0]]
    return shown, [values.get(day, math.nan) for day in shown]


def _look(index: int) -> tuple[str, str, str]:
    # Past the palette's eight colours, a dashed line keeps a repeated colour distinct.
    style = "-" if index < len(PALETTE) else "--"
    return PALETTE[index % len(PALETTE)], MARKERS[index % len(MARKERS)], style


def draw_series(
    axes: Axes,
    points: list[tuple[dt.date, Count | None]],
    ticks: list[dt.date],
    *,
    label: str,
    index: int,
) -> None:
    """One series: a line with markers where exact, a band where published as a range."""
    colour, marker, style = _look(index)
    exact = [(day, value) for day, value in points if isinstance(value, int)]
    ranged = [(day, value) for day, value in points if isinstance(value, Range)]
    if exact:
        days, values = _gapped([(day, float(value)) for day, value in exact], ticks)
        axes.plot(
            days_to_numbers(days),
            values,
            marker=marker,
            color=colour,
            linestyle=style,
            label=label,
            clip_on=False,
        )
    if ranged:
        # A box per half-year from the low to the high end: the range as published,
        # with no line through a middle that nobody published.
        axes.bar(
            days_to_numbers([day - dt.timedelta(days=91) for day, _ in ranged]),
            [count_high(value) - count_low(value) for _, value in ranged],
            bottom=[count_low(value) for _, value in ranged],
            width=182,
            align="edge",
            color=colour,
            alpha=0.35,
            edgecolor=colour,
            hatch="//" if index % 2 else None,
            label=f"{label} (published as a range)",
            gid="range",
        )


def format_time_axis(axes: Axes, ticks: list[dt.date]) -> None:
    """Half-year ticks (``2012 H1``), every one marked, at most 24 labelled."""
    labels = [f"{day.year} H{1 if day.month <= 6 else 2}" for day in ticks]
    step = max(1, math.ceil(len(ticks) / 24))
    axes.set_xticks(days_to_numbers(ticks), minor=True)
    axes.set_xticks(
        days_to_numbers(ticks[::step]),
        labels[::step],
        rotation=45,
        ha="right",
        fontsize="small",
    )
    pad = dt.timedelta(days=60)
    axes.set_xlim(*days_to_numbers([ticks[0] - pad, ticks[-1] + pad]))


def _use_log(lines: dict[str, list[Point]]) -> bool:
    peaks = [max(count_high(point[1]) for point in points) for points in lines.values() if points]
    positive = [peak for peak in peaks if peak > 0]
    return len(positive) > 1 and max(positive) > LOG_RATIO * min(positive)


def plot_report(
    rows: Sequence[ReportRow], *, country: str | None = None, source: str = ""
) -> Figure:
    """Two panels over time, one series per legal process: requests, and % with data."""
    figure = new_figure()
    lines, missing = series(rows, country)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    days = [point[0] for points in lines.values() for point in points]
    ticks = half_year_ends(min(days), max(days)) if days else []
    for index, (process, points) in enumerate(lines.items()):
        draw_series(top, [(p[0], p[1]) for p in points], ticks, label=process, index=index)
        rated = [(p[0], p[2]) for p in points if p[2] is not None]
        if rated:
            shown, values = _gapped(rated, ticks)
            colour, marker, style = _look(index)
            bottom.plot(
                days_to_numbers(shown),
                values,
                marker=marker,
                color=colour,
                linestyle=style,
                label=process,
                clip_on=False,
            )
    if _use_log(lines):
        top.set_yscale("symlog", linthresh=10)
        top.set_ylabel("requests per half-year (log scale)")
    else:
        top.set_ylabel("requests per half-year")
        top.set_ylim(bottom=0)
    where = "all countries" if country is None else country
    top.set_title(f"User data requests - {where}")
    bottom.set_ylabel("% of requests with some data produced")
    bottom.set_ylim(0, 105)
    bottom.set_yticks([0, 20, 40, 60, 80, 100])
    bottom.set_xlabel("half-year (period ending)")
    for change_from, change_to in category_changes(lines):
        (middle,) = days_to_numbers([change_from + (change_to - change_from) / 2])
        for axes in (top, bottom):
            axes.axvline(middle, color="0.4", linestyle="--", linewidth=1, gid="category-change")
        bottom.annotate(
            "categories change:\n'All' rows end,\nper-process rows begin",
            xy=(middle, 0.04),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            va="bottom",
            fontsize="small",
            color="0.3",
        )
    if ticks:
        format_time_axis(bottom, ticks)
    if lines:
        figure.legend(
            *top.get_legend_handles_labels(), loc="outside right upper", title="legal process"
        )
    if missing:
        bottom.text(
            0.5,
            0.5,
            "published percentages of several countries cannot be combined\n"
            "without their counts: plot one country (country=...)",
            transform=bottom.transAxes,
            ha="center",
            va="center",
            fontsize="small",
        )
    caption = (
        "Units: requests received per half-year; % of those requests where some data was produced."
    )
    figure.supxlabel(
        (f"Source: {source}.\n" if source else "") + caption, fontsize="small", x=0.01, ha="left"
    )
    return figure
