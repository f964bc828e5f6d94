"""Meta's government-requests layout: one line per country for one period.

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
* Meta's file has no period column: a file read back gets its period from the caller, and
  a report that spans several periods is written one period at a time.
* Reading: a Meta line becomes an ``All`` row (requests, percentage, accounts) and, when
  its ``Preservations Requested`` cell is not empty, a ``Preservation Requests`` row.
  The country code comes from the CLDR table (current or former names), empty if unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from ..exceptions import Problem
from ._cldr import FORMER_NAMES, TERRITORY_NAMES
from ._csvio import (
    LayoutKind,
    Observed,
    ReportLayout,
    Table,
    column_fields,
    format_count,
    format_percent,
    header_fields,
    neutralise,
    records,
    restore,
    round_half_up,
    write_table,
)
from ._errors import ReportError
from ._rows import ALL_PROCESS, PRESERVATION, ReportRow

__all__ = ["COLUMNS", "COLUMN_FIELDS", "LAYOUT", "parse_meta", "render_meta"]

COLUMNS: Final = (
    "Country",
    "Total Requests for User Data",
    "Total User Accounts Referenced",
    "Total Percentage of Requests Where Some Data Produced",
    "Preservations Requested",
    "Users/Accounts Preserved",
)

COLUMN_FIELDS: Final[Mapping[str, str]] = MappingProxyType({
    "Country":                                               "country",
    "Total Requests for User Data":                          "requests",
    "Requests for User Data":                                "requests",
    "Total User Accounts Referenced":                        "accounts",
    "User Accounts Referenced":                              "accounts",
    "Total Percentage of Requests Where Some Data Produced": "percent",
    "Percentage of Requests Where Some Data Produced":       "percent",
    "Preservations Requested":                               "preservations",
    "Users/Accounts Preserved":                              "preserved",
    "Users / Accounts Preserved":                            "preserved",
})  # fmt: skip

_REQUIRED: Final = ("country", "requests")

LAYOUT: Final = ReportLayout(
    kind=LayoutKind.META, columns=COLUMNS, percent_sign=True, percent_places=2
)
"""Meta's layout: two-decimal percentages with a ``%`` sign."""

_CODES_BY_NAME: Final[Mapping[str, str]] = MappingProxyType(
    {name: code for code, names in FORMER_NAMES.items() for name in names}
    | {name: code for code, name in TERRITORY_NAMES.items()}
)


def render_meta(rows: Iterable[ReportRow], layout: ReportLayout) -> str:
    """One line per country (in the order countries first appear) of one period's rows."""
    by_country: dict[tuple[str, str], list[ReportRow]] = {}
    for row in rows:
        by_country.setdefault((row.country, row.country_code), []).append(row)
    fields = column_fields(layout, COLUMN_FIELDS)
    lines = []
    for (country, _code), country_rows in by_country.items():
        data = [row for row in country_rows if not row.is_preservation]
        kept = [row for row in country_rows if row.is_preservation]
        values = {
            "country": neutralise(country),
            "requests": format_count(sum(row.requests for row in data), layout.thousands_separator),
            "accounts": _total((row.accounts for row in data), layout),
            "percent": _percent(country, data, layout),
            "preservations": format_count(
                sum(row.requests for row in kept), layout.thousands_separator
            ),
            "preserved": (
                _total((row.accounts_preserved for row in kept), layout) if kept else "0"
            ),
        }
        lines.append([values[field] for field in fields])
    return write_table(layout, lines)


def _total(counts: Iterable[int | None], layout: ReportLayout) -> str:
    # An unknown part makes the total unknown: an empty cell, never a partial sum.
    values = list(counts)
    if not values or any(value is None for value in values):
        return "" if values else format_count(0, layout.thousands_separator)
    return format_count(
        sum(value for value in values if value is not None), layout.thousands_separator
    )


def _percent(country: str, data: list[ReportRow], layout: ReportLayout) -> str:
    places = 2 if layout.percent_places is None else layout.percent_places
    if data and all(row.requests_with_data is not None for row in data):
        requests = sum(row.requests for row in data)
        if requests == 0:
            return ""
        produced = sum(row.requests_with_data or 0 for row in data)
        value = round_half_up(Fraction(100 * produced, requests), places)
        return f"{value}%" if layout.percent_sign else str(value)
    if len(data) == 1:
        percent = data[0].percent_with_data
        return "" if percent is None else format_percent(percent, layout)
    if not data:
        return ""
    raise ReportError(
        f"{country}: {len(data)} rows without the counts behind their percentages cannot be"
        " combined into one percentage (a published percentage is never turned back into"
        " counts); write this report in Google's layout instead"
    )


def parse_meta(
    table: Table, period_end: dt.date | None
) -> tuple[tuple[ReportRow, ...], ReportLayout, list[Problem]]:
    """Rows and layout of a Meta file; problems instead of raising."""
    positions, problems = header_fields(table.header, COLUMN_FIELDS, _REQUIRED, "Meta's")
    seen = Observed()
    if problems:
        return (), LAYOUT, problems
    rows: list[ReportRow] = []
    for record in records(table, positions, problems):
        before = len(problems)
        country = restore(record.get("country") or "")
        if not country:
            problems.append(Problem(record.path("country"), "empty: expected a country name"))
        requests = seen.count(record, "requests", problems)
        if requests is None and not record.get("requests"):
            problems.append(Problem(record.path("requests"), "empty: expected a whole number"))
        accounts = seen.count(record, "accounts", problems)
        percent = seen.percent(record, problems)
        preservations = seen.count(record, "preservations", problems)
        preserved = seen.count(record, "preserved", problems)
        if len(problems) > before or requests is None:
            continue
        code = _CODES_BY_NAME.get(country, "")
        rows.append(ReportRow(period_end, country, code, ALL_PROCESS, requests, percent, accounts))
        if preservations is not None:
            rows.append(
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
    return tuple(rows), seen.layout(table, LAYOUT), problems
