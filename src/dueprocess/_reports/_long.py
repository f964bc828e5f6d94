"""Layouts with one line per row: Google's user-data and national-security files, X's.

Each line is one period, country and legal process (Google's national-security files:
one period of one kind of process, in ranges). A line whose country cell is the layout's
``total_label`` (X's ``TOTAL``) is a stated total, kept apart from the rows and written
after them, as published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .._base._text import neutralise, restore
from ..exceptions import Problem, ReportError
from ._cldr import code_for_name
from ._csvio import (
    LayoutKind,
    Observed,
    Record,
    ReportLayout,
    Table,
    format_count,
    format_day,
    records,
    write_table,
)
from ._google import percent_cell
from ._layouts import EXTRA, KnownLayout
from ._range import Count, Range, count_high, count_low
from ._rows import ReportRow

__all__ = ["parse_long", "positions_of", "render_long"]

Parsed = tuple[tuple[ReportRow, ...], tuple[ReportRow, ...], ReportLayout, list[Problem]]


def positions_of(
    known: KnownLayout, header: tuple[str, ...]
) -> tuple[dict[str, int], list[Problem]]:
    """Each field's column (``extra`` columns by their label), and repeated columns."""
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, label in enumerate(header):
        field = known.field(label) or EXTRA
        key = f"{EXTRA}:{label}" if field == EXTRA else field
        if key in positions:
            problems.append(Problem(f"$[1].{label}", f"a second column for {field}"))
        positions[key] = index
    return positions, problems


def _extra(record: Record, header: tuple[str, ...], none: str) -> tuple[tuple[str, str], ...]:
    # A cell that only says "no figure" (X's "-") is not kept: it is written back as such.
    return tuple(
        (label, restore(record.cells[index]))
        for key, index in record.positions.items()
        if key.startswith(EXTRA + ":") and not (none and record.cells[index] == none)
        for label in (header[index],)
    )


def _ranged(record: Record, seen: Observed, name: str, problems: list[Problem]) -> Count | None:
    low = seen.count(record, f"{name}_min", problems)
    high = seen.count(record, f"{name}_max", problems)
    if low is None or high is None:
        return None
    try:
        return Range(count_low(low), count_high(high))
    except ReportError as error:
        problems.append(Problem(record.path(f"{name}_max"), str(error)))
        return None


def parse_long(table: Table, known: KnownLayout, legal_process: str | None) -> Parsed:
    """Rows, stated totals and layout of a file in a one-line-per-row *known* layout."""
    positions, problems = positions_of(known, table.header)
    style = known.style
    seen = Observed(none_marker=style.none_marker, footnote_marks=style.kind is LayoutKind.X)
    rows: list[ReportRow] = []
    totals: list[ReportRow] = []
    national_security = style.kind is LayoutKind.GOOGLE_NATIONAL_SECURITY
    for record in records(table, positions, problems):
        before = len(problems)
        day = seen.day(record, problems)
        if national_security:
            requests = _ranged(record, seen, "requests", problems)
            accounts = _ranged(record, seen, "accounts", problems)
            country, code = "United States", "US"
        else:
            requests = seen.count(record, "requests", problems)
            accounts = seen.count(record, "accounts", problems)
            country = restore(record.get("country") or "")
            code = restore(record.get("country_code") or "")
            if "country_code" not in positions:
                code = code_for_name(country)
        if requests is None and len(problems) == before:
            where = record.path("requests_min" if national_security else "requests")
            problems.append(Problem(where, "empty: expected a whole number"))
        percent = seen.percent(record, problems) if "percent" in positions else None
        if not country:
            problems.append(Problem(record.path("country"), "empty: expected a country name"))
        if len(problems) > before or day is None or requests is None:
            continue
        row = ReportRow(
            period_end=day,
            country=country,
            country_code="" if code == style.none_marker and code else code,
            legal_process=restore(record.get("legal_process") or "")
            or legal_process
            or known.legal_process,
            requests=requests,
            percent_with_data=percent,
            accounts=accounts,
            footnotes=seen.footnotes(record),
            extra=_extra(record, table.header, style.none_marker),
        )
        if style.total_label and country == style.total_label:
            totals.append(row)
        elif totals:
            problems.append(
                Problem(record.path("country"), f"a row after the {style.total_label} row")
            )
        else:
            rows.append(row)
    return tuple(rows), tuple(totals), seen.layout(table, style), problems


def _marked(text: str, row: ReportRow, field: str, layout: ReportLayout) -> str:
    # Footnote marks belong to the file that printed them (X's); another layout has no
    # footnotes for them to point to.
    if layout.kind is not LayoutKind.X:
        return text
    return text + "".join(mark for name, mark in row.footnotes if name == field)


def render_long(
    rows: Iterable[ReportRow], totals: Iterable[ReportRow], layout: ReportLayout, known: KnownLayout
) -> str:
    """Rows (then stated totals) as CSV in a one-line-per-row *layout*, in the order given."""
    none = layout.none_marker

    def count(value: Count | None, row: ReportRow, field: str) -> str:
        if value is None:
            return none
        return _marked(
            format_count(value, layout.thousands_separator, layout.range_separator),
            row,
            field,
            layout,
        )

    def day(value: dt.date | None, row: ReportRow) -> str:
        if value is None:
            raise ReportError(
                f"the {row.country} row has no period, which {known.name} needs: read a"
                " Meta file with read_report_csv(text, period=...)"
            )
        return format_day(value, layout.date_style)

    def cells(row: ReportRow) -> list[str]:
        extra = dict(row.extra)
        values = {
            "period_end": day(row.period_end, row),
            "country": neutralise(row.country),
            "country_code": neutralise(row.country_code) or none,
            "legal_process": neutralise(row.legal_process),
            "requests": count(row.requests, row, "requests"),
            "percent": percent_cell(row, layout) or none,
            "accounts": count(row.accounts, row, "accounts"),
            "requests_min": str(count_low(row.requests)),
            "requests_max": str(count_high(row.requests)),
            "accounts_min": "" if row.accounts is None else str(count_low(row.accounts)),
            "accounts_max": "" if row.accounts is None else str(count_high(row.accounts)),
        }
        out = []
        for label in layout.columns:
            field = known.field(label) or EXTRA
            out.append(
                neutralise(extra.get(label, "")) or none if field == EXTRA else values[field]
            )
        return out

    unknown = [label for label in layout.columns if known.field(label) is None]
    if unknown:
        raise ReportError(f"{known.name} layout has no column {unknown[0]!r}")
    return write_table(layout, [cells(row) for row in (*rows, *totals)])
