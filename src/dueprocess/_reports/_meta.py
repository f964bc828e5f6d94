"""Meta's government-requests layouts: one line per country for one period.

Rules of the road for this module:

* A Meta line sums a country's rows of one period: ``Total Requests for User Data`` is
  every request that is not a preservation request (legal process and emergency
  requests), ``Total User Accounts Referenced`` their accounts (counted per kind of
  process, then added, as both Google and Meta count them per request type),
  ``Preservations Requested`` and ``Users/Accounts Preserved`` the preservation row's
  requests and accounts preserved (``0`` where the country sent none).
* The percentage is computed from the counts behind the rows, two decimals with a ``%``
  sign as Meta publishes it (``80.65%``). Published percentages are never turned back
  into counts: a row read from a file has no counts, so several such rows of one country
  cannot be combined and :class:`ReportError` says so; a single row keeps its percentage.
* Meta's files have no period column: a file is read with the period the caller names,
  and a report that spans several periods is written one period at a time.
* Reading: a line of a layout with one total per country becomes an ``All`` row and,
  when its ``Preservations Requested`` cell is not empty, a ``Preservation Requests``
  row. In the layout with per-process columns the line gives a ``Legal Process
  Requests`` row, an ``Emergency Disclosure Requests`` row and the preservation row,
  and its total columns are a stated total (see :meth:`Report.check`).
  The country code comes from the CLDR table (current or former names), empty if unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import partial
from typing import Final

import attrs

from .._base._text import neutralise, restore
from ..exceptions import Problem, ReportError
from ._cldr import code_for_name
from ._csvio import (
    Observed,
    Record,
    ReportLayout,
    Table,
    format_count,
    format_percent,
    percent_of,
    records,
    write_table,
)
from ._google import EMERGENCY
from ._layouts import BY_NAME, EXTRA, KnownLayout
from ._long import positions_of
from ._range import Count
from ._rows import ALL_PROCESS, PRESERVATION, ReportRow

__all__ = ["LAYOUT", "LEGAL_PROCESS", "parse_meta", "render_meta"]

LEGAL_PROCESS: Final = "Legal Process Requests"
"""The ``legal_process`` of the legal-process columns of Meta's later layout."""

LAYOUT: Final = BY_NAME["meta"].style
"""Meta's layout with preservations: two-decimal percentages with a ``%`` sign."""

_GROUPS: Final = (("legal", LEGAL_PROCESS), ("emergency", EMERGENCY))

Parsed = tuple[tuple[ReportRow, ...], tuple[ReportRow, ...], ReportLayout, list[Problem]]


def _by_process(known: KnownLayout) -> bool:
    return any(field.startswith("legal.") for field in known.labels.values())


def parse_meta(
    table: Table, known: KnownLayout, period_end: dt.date, legal_process: str | None
) -> Parsed:
    """Rows, stated totals and layout of a Meta file; problems instead of raising."""
    positions, problems = positions_of(known, table.header)
    seen = Observed()
    rows: list[ReportRow] = []
    totals: list[ReportRow] = []
    split = _by_process(known)

    def group(record: Record, prefix: str, label: str) -> ReportRow | None:
        requests = seen.count(record, prefix + "requests", problems)
        if requests is None:
            if prefix + "requests" in positions and not record.get(prefix + "requests"):
                problems.append(
                    Problem(record.path(prefix + "requests"), "empty: expected a whole number")
                )
            return None
        return ReportRow(
            period_end,
            country,
            code,
            label,
            requests,
            seen.percent(record, problems, prefix + "percent")
            if prefix + "percent" in positions
            else None,
            seen.count(record, prefix + "accounts", problems),
        )

    for record in records(table, positions, problems):
        before = len(problems)
        country = restore(record.get("country") or "")
        if not country:
            problems.append(Problem(record.path("country"), "empty: expected a country name"))
        code = code_for_name(country)
        extra = tuple(
            (label, restore(record.cells[index]))
            for key, index in positions.items()
            if key.startswith(EXTRA + ":")
            for label in (table.header[index],)
        )
        made: list[ReportRow] = []
        stated: ReportRow | None = None
        if split:
            stated = group(record, "total.", ALL_PROCESS)
            made = [row for prefix, label in _GROUPS if (row := group(record, prefix + ".", label))]
        elif (row := group(record, "", legal_process or ALL_PROCESS)) is not None:
            made = [row]
        preservations = seen.count(record, "preservations", problems)
        if preservations is not None:
            preserved = seen.count(record, "preserved", problems)
            made.append(
                ReportRow(
                    period_end,
                    country,
                    code,
                    PRESERVATION,
                    preservations,
                    None,
                    None,
                    accounts_preserved=preserved,
                )
            )
        if len(problems) > before:
            continue
        if made and extra:
            made[0] = attrs.evolve(made[0], extra=extra)
        rows += made
        if stated is not None:
            totals.append(stated)
    return tuple(rows), tuple(totals), seen.layout(table, known.style), problems


def render_meta(
    rows: Iterable[ReportRow], totals: Sequence[ReportRow], layout: ReportLayout, known: KnownLayout
) -> str:
    """One line per country (in the order countries first appear) of one period's rows.

    Rows of one country and several legal processes (a report built from cases) are
    added up into its line; a process that comes twice starts a second line, so a
    published file with a repeated line is written back as it was.
    """
    # One line per country, in the order countries first appear; a country whose legal
    # process comes twice (a published file with a repeated line) gets a second line.
    lines_of: list[tuple[str, list[ReportRow]]] = []
    for row in rows:
        line = next(
            (
                members
                for country, members in lines_of
                if country == row.country
                and all(other.legal_process != row.legal_process for other in members)
            ),
            None,
        )
        if line is None:
            lines_of.append((row.country, [row]))
        else:
            line.append(row)
    stated: dict[str, list[ReportRow]] = {}
    for stated_total in totals:
        stated.setdefault(stated_total.country, []).append(stated_total)
    unknown = [label for label in layout.columns if known.field(label) is None]
    if unknown:
        raise ReportError(f"{known.name} layout has no column {unknown[0]!r}")

    lines = []
    for country, country_rows in lines_of:
        data = [row for row in country_rows if not row.is_preservation]
        kept = [row for row in country_rows if row.is_preservation]
        total = stated[country].pop(0) if stated.get(country) else None
        values = _cells(country, data, kept, total, layout)
        extra = dict(country_rows[0].extra)
        lines.append(
            [
                neutralise(extra.get(label, "")) if field == EXTRA else values[field]()
                for label in layout.columns
                for field in (known.field(label) or EXTRA,)
            ]
        )
    return write_table(layout, lines)


def _cells(
    country: str,
    data: list[ReportRow],
    kept: list[ReportRow],
    total: ReportRow | None,
    layout: ReportLayout,
) -> dict[str, Callable[[], str]]:
    """Each field's cell of one country's line, computed only when the layout shows it."""

    def count(value: Count | None) -> str:
        if value is None:
            return ""
        return format_count(value, layout.thousands_separator, layout.range_separator)

    def preserved() -> str:
        return _total((row.accounts_preserved for row in kept), layout) if kept else "0"

    values: dict[str, Callable[[], str]] = {
        "country": partial(neutralise, country),
        "requests": lambda: count(sum(row.requests for row in data)),
        "accounts": lambda: _total((row.accounts for row in data), layout),
        "percent": partial(_percent, country, data, layout),
        "preservations": lambda: count(sum(row.requests for row in kept)),
        "preserved": preserved,
    }
    if total is not None:
        values["total.requests"] = partial(count, total.requests)
        values["total.accounts"] = partial(count, total.accounts)
        values["total.percent"] = partial(_shown, total.percent_with_data, layout)
    else:
        values["total.requests"] = values["requests"]
        values["total.accounts"] = values["accounts"]
        values["total.percent"] = values["percent"]
    for prefix, label in _GROUPS:
        # Every request that is not an emergency one was made under legal process, so
        # a report from cases (Subpoenas, Search Warrants, ...) fills Meta's columns too.
        members = [
            row
            for row in data
            if (row.legal_process == EMERGENCY) == (label == EMERGENCY)
            and row.legal_process != ALL_PROCESS
        ]
        values[prefix + ".requests"] = partial(
            lambda group: count(sum(r.requests for r in group)), members
        )
        values[prefix + ".accounts"] = partial(_total, [row.accounts for row in members], layout)
        values[prefix + ".percent"] = partial(_percent, country, members, layout)
    return values


def _shown(percent: Decimal | None, layout: ReportLayout) -> str:
    return "" if percent is None else format_percent(percent, layout)


def _total(counts: Iterable[Count | None], layout: ReportLayout) -> str:
    # An unknown part makes the total unknown: an empty cell, never a partial sum.
    values = list(counts)
    if not values:
        return format_count(0, layout.thousands_separator)
    if any(value is None for value in values):
        return ""
    return format_count(
        sum(value for value in values if value is not None),
        layout.thousands_separator,
        layout.range_separator,
    )


def _percent(country: str, data: list[ReportRow], layout: ReportLayout) -> str:
    if data and all(row.requests_with_data is not None for row in data):
        requests = sum(row.requests for row in data if isinstance(row.requests, int))
        produced = sum(row.requests_with_data or 0 for row in data)
        return percent_of(produced, requests, layout)
    if len(data) == 1:
        return _shown(data[0].percent_with_data, layout)
    if not data:
        return ""
    raise ReportError(
        f"{country}: {len(data)} rows without the counts behind their percentages cannot be"
        " combined into one percentage (a published percentage is never turned back into"
        " counts); write this report in Google's layout instead"
    )
