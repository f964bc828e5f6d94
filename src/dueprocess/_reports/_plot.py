"""Requests and disclosure rate over time (the ``plot`` extra; imported only when asked for).

The figure is built with :class:`matplotlib.figure.Figure` directly, never through
``pyplot``: no global state, no GUI backend, fine on a server with Agg.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from ._errors import ReportError
from ._rows import ReportRow

if TYPE_CHECKING:
    from matplotlib.figure import Figure  # type: ignore[import-not-found, import-untyped, unused-ignore]

__all__ = ["plot_report", "series"]

Point = tuple[dt.date, int, float | None]


def _matches(row: ReportRow, country: str) -> bool:
    wanted = country.casefold()
    return row.country_code.casefold() == wanted or row.country.casefold() == wanted


def series(
    rows: Sequence[ReportRow], country: str | None = None
) -> tuple[dict[str, list[Point]], bool]:
    """Per legal process: (period end, requests, percent with data or ``None``) points.

    The percentage of several rows together comes from their counts only; where a
    period's rows lack counts and are more than one, the point has no percentage and the
    second value returned is ``True``.
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
            requests = sum(row.requests for row in members)
            percent: float | None = None
            if all(row.requests_with_data is not None for row in members):
                if requests:
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


def plot_report(rows: Sequence[ReportRow], *, country: str | None = None) -> Figure:
    """Two panels over time, one line per legal process: requests, and % with data."""
    try:
        from matplotlib.figure import Figure  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise ReportError(
            "Report.plot() needs matplotlib: install the extra with pip install 'dueprocess[plot]'"
        ) from None
    lines, missing = series(rows, country)
    figure = Figure(figsize=(9, 6.5), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    for index, (process, points) in enumerate(lines.items()):
        # One fixed colour per process in both panels, so the legend reads for both
        # even where a process (preservation) has no disclosure rate.
        colour = f"C{index % 10}"
        top.plot(
            [p[0] for p in points], [p[1] for p in points], marker="o", label=process, color=colour
        )
        rated = [(p[0], p[2]) for p in points if p[2] is not None]
        if rated:
            bottom.plot(
                [p[0] for p in rated],
                [p[1] for p in rated],
                marker="o",
                label=process,
                color=colour,
            )
    top.set_ylabel("requests")
    top.set_title(f"User data requests{'' if country is None else ' - ' + country}")
    if lines:
        top.legend(fontsize="small")
    bottom.set_ylabel("% with some data produced")
    bottom.set_ylim(0, 100)
    bottom.set_xlabel("period ending")
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
    return figure
