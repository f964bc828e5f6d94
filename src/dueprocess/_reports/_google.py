"""Google's user-data-requests layout: which label each process gets, and the CSV itself.

Rules of the road for this module:

* ``US_LABELS`` and ``ELSEWHERE_LABELS`` say, for every process kind, the ``Legal Process``
  label it is counted under (docs/concepts.md); a reader checks them against the rules line
  by line. ``None`` means the kind never appears in this layout:

  - ``national_security_letter`` and ``fisa_order``: 50 U.S.C. 1874 allows them to be
    published only in bands, so they go to :meth:`Report.to_bands` and nowhere else;
  - ``civil_subpoena``: a private litigant's subpoena is not a government request, and a
    transparency report counts government requests (the report format's "every subpoena kind"
    are the three of the rule reference: ``subpoena``, ``grand_jury_subpoena``,
    ``administrative_subpoena``).
* Outside the US the layout has only three labels, so every compelled instrument there,
  including a pen register or wiretap order, counts as ``Other Legal Requests``.
  "US" is the ``US`` country code alone; a jurisdiction such as ``US-CA`` is the US.
* ``COLUMNS`` is the header of the current layout; ``COLUMN_FIELDS`` also knows the
  labels of Google's older files (``Country Code``, ``Data Requests``, ``Percentage of
  data requests fully or partially complied with``, and no ``Legal Process`` column).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from .._enums import ProcessKind
from ..exceptions import Problem
from ._csvio import (
    LayoutKind,
    Observed,
    ReportLayout,
    Table,
    column_fields,
    format_count,
    format_day,
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

__all__ = [
    "COLUMNS",
    "COLUMN_FIELDS",
    "ELSEWHERE_LABELS",
    "EMERGENCY",
    "LAYOUT",
    "NATIONAL_SECURITY_KINDS",
    "OTHER_LEGAL",
    "US_LABELS",
    "label_for",
    "parse_google",
    "percent_cell",
    "render_google",
]

K = ProcessKind

EMERGENCY: Final = "Emergency Disclosure Requests"
OTHER_LEGAL: Final = "Other Legal Requests"

NATIONAL_SECURITY_KINDS: Final = frozenset({K.NATIONAL_SECURITY_LETTER, K.FISA_ORDER})

US_LABELS: Final[Mapping[ProcessKind, str | None]] = MappingProxyType({
    K.SUBPOENA:                 "Subpoenas",
    K.GRAND_JURY_SUBPOENA:      "Subpoenas",
    K.ADMINISTRATIVE_SUBPOENA:  "Subpoenas",
    K.COURT_ORDER_2703D:        "Other Court Orders",
    K.SEARCH_WARRANT:           "Search Warrants",
    K.PEN_REGISTER_ORDER:       "Pen Register Orders",
    K.WIRETAP_ORDER:            "Wiretap Orders",
    K.EMERGENCY_REQUEST:        EMERGENCY,
    K.PRESERVATION_REQUEST:     PRESERVATION,
    K.EU_PRESERVATION_ORDER:    PRESERVATION,
    K.FOREIGN_DIRECT_REQUEST:   OTHER_LEGAL,
    K.EU_PRODUCTION_ORDER:      OTHER_LEGAL,
    K.CLOUD_ACT_ORDER:          OTHER_LEGAL,  # orders under CLOUD Act agreements (2523)
    K.NATIONAL_SECURITY_LETTER: None,  # bands only (50 U.S.C. 1874)
    K.FISA_ORDER:               None,  # bands only (50 U.S.C. 1874)
    K.CIVIL_SUBPOENA:           None,  # a private party's, not a government request
})  # fmt: skip

ELSEWHERE_LABELS: Final[Mapping[ProcessKind, str | None]] = MappingProxyType({
    K.SUBPOENA:                 OTHER_LEGAL,
    K.GRAND_JURY_SUBPOENA:      OTHER_LEGAL,
    K.ADMINISTRATIVE_SUBPOENA:  OTHER_LEGAL,
    K.COURT_ORDER_2703D:        OTHER_LEGAL,
    K.SEARCH_WARRANT:           OTHER_LEGAL,
    K.PEN_REGISTER_ORDER:       OTHER_LEGAL,
    K.WIRETAP_ORDER:            OTHER_LEGAL,
    K.EMERGENCY_REQUEST:        EMERGENCY,
    K.PRESERVATION_REQUEST:     PRESERVATION,
    K.EU_PRESERVATION_ORDER:    PRESERVATION,
    K.FOREIGN_DIRECT_REQUEST:   OTHER_LEGAL,
    K.EU_PRODUCTION_ORDER:      OTHER_LEGAL,
    K.CLOUD_ACT_ORDER:          OTHER_LEGAL,  # orders under CLOUD Act agreements (2523)
    K.NATIONAL_SECURITY_LETTER: None,  # bands only (50 U.S.C. 1874)
    K.FISA_ORDER:               None,  # bands only (50 U.S.C. 1874)
    K.CIVIL_SUBPOENA:           None,  # a private party's, not a government request
})  # fmt: skip

COLUMNS: Final = (
    "Period Ending",
    "Country",
    "CLDR Territory Code",
    "Legal Process",
    "User Data Requests",
    "Percentage of requests where some data produced",
    "Users/Accounts Specified",
)

COLUMN_FIELDS: Final[Mapping[str, str]] = MappingProxyType({
    "Period Ending":                                                "period_end",
    "Country":                                                      "country",
    "CLDR Territory Code":                                          "country_code",
    "Country Code":                                                 "country_code",
    "Legal Process":                                                "legal_process",
    "User Data Requests":                                           "requests",
    "Data Requests":                                                "requests",
    "Percentage of requests where some data produced":              "percent",
    "Percentage of data requests fully or partially complied with": "percent",
    "Users/Accounts Specified":                                     "accounts",
})  # fmt: skip

_REQUIRED: Final = ("period_end", "country", "requests")

LAYOUT: Final = ReportLayout(kind=LayoutKind.GOOGLE, columns=COLUMNS)
"""The layout Google publishes today: ISO dates, whole percentages, ``\\n``, final newline."""


def label_for(country_code: str, kind: ProcessKind) -> str | None:
    """The ``Legal Process`` label of *kind* from *country_code*, ``None`` if never shown.

    >>> label_for("US", ProcessKind.COURT_ORDER_2703D), label_for("DE", ProcessKind.SEARCH_WARRANT)
    ('Other Court Orders', 'Other Legal Requests')
    """
    table = US_LABELS if country_code == "US" else ELSEWHERE_LABELS
    return table[kind]


def percent_cell(row: ReportRow, layout: ReportLayout) -> str:
    """The percentage cell: from the counts when the row has them, else as published."""
    if row.requests_with_data is not None:
        if row.requests == 0:
            return ""
        places = 2 if layout.percent_places is None else layout.percent_places
        value = round_half_up(Fraction(100 * row.requests_with_data, row.requests), places)
        return f"{value}%" if layout.percent_sign else str(value)
    if row.percent_with_data is None:
        return ""
    return format_percent(row.percent_with_data, layout)


def _optional_count(count: int | None, layout: ReportLayout) -> str:
    return "" if count is None else format_count(count, layout.thousands_separator)


def render_google(rows: Iterable[ReportRow], layout: ReportLayout) -> str:
    """Rows as CSV in a Google *layout*, in the order given."""

    def cells(row: ReportRow) -> list[str]:
        if row.period_end is None:
            raise ReportError(
                f"the {row.country} row has no period, which Google's layout needs: read a"
                " Meta file with read_report_csv(text, period=...)"
            )
        values = {
            "period_end": format_day(row.period_end, layout.date_style),
            "country": neutralise(row.country),
            "country_code": neutralise(row.country_code),
            "legal_process": neutralise(row.legal_process),
            "requests": format_count(row.requests, layout.thousands_separator),
            "percent": percent_cell(row, layout),
            "accounts": _optional_count(row.accounts, layout),
        }
        return [values[field] for field in fields]

    fields = column_fields(layout, COLUMN_FIELDS)
    return write_table(layout, (cells(row) for row in rows))


def parse_google(table: Table) -> tuple[tuple[ReportRow, ...], ReportLayout, list[Problem]]:
    """Rows and layout of a Google file (any variant); problems instead of raising."""
    positions, problems = header_fields(table.header, COLUMN_FIELDS, _REQUIRED, "Google's")
    seen = Observed()
    if problems:
        return (), LAYOUT, problems
    rows: list[ReportRow] = []
    for record in records(table, positions, problems):
        before = len(problems)
        day = seen.day(record, problems)
        requests = seen.count(record, "requests", problems)
        if requests is None and not record.get("requests"):
            problems.append(Problem(record.path("requests"), "empty: expected a whole number"))
        accounts = seen.count(record, "accounts", problems)
        percent = seen.percent(record, problems)
        country = restore(record.get("country") or "")
        if not country:
            problems.append(Problem(record.path("country"), "empty: expected a country name"))
        if len(problems) > before or day is None or requests is None:
            continue
        rows.append(
            ReportRow(
                period_end=day,
                country=country,
                country_code=restore(record.get("country_code") or ""),
                legal_process=restore(record.get("legal_process") or ALL_PROCESS),
                requests=requests,
                percent_with_data=percent,
                accounts=accounts,
            )
        )
    return tuple(rows), seen.layout(table, LAYOUT), problems
