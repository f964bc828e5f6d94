"""Every published layout a report file can be in, one declaration each.

Rules of the road for this module:

* A :class:`KnownLayout` is data: its name, whose files it describes, every column label
  it uses (as the provider spells it) and the field each shows, the fields a file must
  have, and the rendering of a file written from scratch (dates, percentages, thousands,
  line endings, the mark of "no figure", the label of a stated-total row).
* A file's layout is found from its header alone: the first declaration that knows every
  label of the header (matched without regard to case) and finds its required fields.
  A header that fits none is refused, naming the unknown columns of the nearest layout,
  or listing every known layout when none is near; a column is never dropped.
* Field names: ``period_end``, ``country``, ``country_code``, ``legal_process``,
  ``requests``, ``percent``, ``accounts``; ranges as ``requests_min``/``requests_max``
  and ``accounts_min``/``accounts_max``; Meta's per-process groups as
  ``legal.requests``, ``emergency.accounts``, ...; preservation as ``preservations``
  and ``preserved``; ``extra`` for published text kept as it is (flags, links).
* Sources: Google's files are the user-data-requests download
  (https://transparencyreport.google.com/user-data/overview, "Download report data");
  Meta's https://transparency.meta.com/reports/government-data-requests/ per half-year;
  X's https://transparency.x.com/en/reports/information-requests. Which files were seen
  as published, and which were built from the published column names, is in
  ``tests/data/reports/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from ..exceptions import Problem
from ._csvio import DateStyle, LayoutKind, ReportLayout, cell_path

__all__ = ["REPORT_LAYOUTS", "KnownLayout", "detect_layout"]

EXTRA: Final = "extra"


@attrs.frozen
class KnownLayout:
    """One published layout: its columns, the fields they show, and how it is written.

    Attributes:
        name: a short name, e.g. ``google-2024``.
        description: whose file this is, in words.
        labels: every column label the layout uses, as published, and the field it shows.
        required: the fields a file in this layout must have.
        style: how a file in this layout is written from scratch; ``style.columns`` is
            its header.
        legal_process: the ``legal_process`` of rows from a file that has no such
            column.
    """

    name: str
    description: str
    labels: Mapping[str, str]
    required: tuple[str, ...]
    style: ReportLayout
    legal_process: str = "All"

    def field(self, label: str) -> str | None:
        """The field a column *label* shows (any case), ``None`` if not a column here."""
        folded = label.casefold()
        return next(
            (field for known, field in self.labels.items() if known.casefold() == folded), None
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.description})"


def _declare(
    name: str,
    description: str,
    kind: LayoutKind,
    columns: Mapping[str, str],
    required: tuple[str, ...],
    *,
    also: Mapping[str, str] = MappingProxyType({}),
    legal_process: str = "All",
    **rendering: Any,
) -> KnownLayout:
    """A layout whose header is *columns* (label: field, in order); *also* lists labels
    read as well but never written; *rendering* is the rest of its :class:`ReportLayout`."""
    return KnownLayout(
        name=name,
        description=description,
        labels=MappingProxyType({**columns, **also}),
        required=required,
        style=ReportLayout(kind=kind, columns=tuple(columns), name=name, **rendering),
        legal_process=legal_process,
    )


_PERIOD_COUNTRY_REQUESTS = ("period_end", "country", "requests")
_GOOGLE_2018 = {
    "Period Ending": "period_end",
    "Country": "country",
    "CLDR Territory Code": "country_code",
    "Legal Process": "legal_process",
    "User Data Requests": "requests",
    "Percentage of requests where some data produced": "percent",
    "Users/Accounts Specified": "accounts",
}

K = LayoutKind

REPORT_LAYOUTS: Final[tuple[KnownLayout, ...]] = (
    _declare(
        "google-2024",
        "Google Transparency Report, user data requests download (current layout)",
        K.GOOGLE,
        {
            "Period Ending": "period_end",
            "Country/Region": "country",
            "CLDR Territory Code": "country_code",
            "Legal Process": "legal_process",
            "User Data Requests": "requests",
            "Percentage disclosed": "percent",
            "Accounts": "accounts",
        },
        _PERIOD_COUNTRY_REQUESTS,
    ),
    _declare(
        "google-2018",
        "Google Transparency Report, user data requests download (2018 layout)",
        K.GOOGLE,
        _GOOGLE_2018,
        _PERIOD_COUNTRY_REQUESTS,
    ),
    _declare(
        "google-legacy",
        "Google Transparency Report, user data requests download (older layout)",
        K.GOOGLE,
        _GOOGLE_2018,
        _PERIOD_COUNTRY_REQUESTS,
        also={
            "Country Code": "country_code",
            "Data Requests": "requests",
            "Percentage of data requests fully or partially complied with": "percent",
        },
        date_style=DateStyle.US,
    ),
    _declare(
        "google-national-security",
        "Google Transparency Report, US national security requests download (ranges)",
        K.GOOGLE_NATIONAL_SECURITY,
        {
            "Reporting period ending date": "period_end",
            "Number of requests (range MIN)": "requests_min",
            "Number of requests (range MAX)": "requests_max",
            "Number of accounts (range MIN)": "accounts_min",
            "Number of accounts (range MAX)": "accounts_max",
        },
        ("period_end", "requests_min", "requests_max"),
        legal_process="National Security",
    ),
    _declare(
        "meta",
        "Meta Transparency Center, government requests for user data download",
        K.META,
        {
            "Country": "country",
            "Total Requests for User Data": "requests",
            "Total User Accounts Referenced": "accounts",
            "Total Percentage of Requests Where Some Data Produced": "percent",
            "Preservations Requested": "preservations",
            "Users/Accounts Preserved": "preserved",
        },
        ("country", "requests"),
        also={"Content Restrictions": EXTRA, "Users / Accounts Preserved": "preserved"},
        percent_sign=True,
        percent_places=2,
        date_style=DateStyle.NONE,
    ),
    _declare(
        "meta-2013",
        "Facebook Government Requests Report download (2013 layout)",
        K.META,
        {
            "Country": "country",
            "Requests for User Data": "requests",
            "User Accounts Referenced": "accounts",
            "Percentage of requests where some data produced": "percent",
        },
        ("country", "requests"),
        also={"Content Restrictions": EXTRA},
        percent_sign=True,
        percent_places=2,
        thousands_separator=True,
        byte_order_mark=True,
        date_style=DateStyle.NONE,
    ),
    _declare(
        "meta-processes",
        "Meta's later downloads: totals, then legal process, emergency and preservation columns",
        K.META,
        {
            "Country": "country",
            "Total Requests for User Data": "total.requests",
            "Total User Accounts Referenced": "total.accounts",
            "Total Percentage of Requests Where Some Data Produced": "total.percent",
            "Legal Process Requests": "legal.requests",
            "Legal Process Requests Accounts Referenced": "legal.accounts",
            "Legal Process Requests Percentage Where Some Data Produced": "legal.percent",
            "Emergency Requests": "emergency.requests",
            "Emergency Requests Accounts Referenced": "emergency.accounts",
            "Emergency Requests Percentage Where Some Data Produced": "emergency.percent",
            "Preservations Requested": "preservations",
            "Users/Accounts Preserved": "preserved",
        },
        ("country", "legal.requests", "emergency.requests"),
        percent_sign=True,
        percent_places=2,
        thousands_separator=True,
        date_style=DateStyle.NONE,
    ),
    _declare(
        "x",
        "X (Twitter) Transparency Center, information requests download",
        K.X,
        {
            "TIME PERIOD": "period_end",
            "COUNTRY": "country",
            "ISO CODE": "country_code",
            "ACCOUNT INFORMATION REQUESTS": "requests",
            "PERCENTAGE WHERE SOME INFORMATION PRODUCED": "percent",
            "ACCOUNTS SPECIFIED": "accounts",
            "FLAGS": EXTRA,
            "LINKS": EXTRA,
            "REPORT LINKS": EXTRA,
        },
        _PERIOD_COUNTRY_REQUESTS,
        date_style=DateStyle.HALF_YEAR,
        percent_sign=True,
        thousands_separator=True,
        newline="\r\n",
        none_marker="-",
        total_label="TOTAL",
    ),
)
"""Every layout :func:`dueprocess.reports.read_report_csv` knows, in the order they are tried."""

BY_NAME: Final[Mapping[str, KnownLayout]] = MappingProxyType(
    {known.name: known for known in REPORT_LAYOUTS}
)


def _fits(known: KnownLayout, header: tuple[str, ...]) -> bool:
    fields = [known.field(label) for label in header]
    named = [field for field in fields if field and field != EXTRA]
    return (
        all(fields)
        and len(named) == len(set(named))
        and all(field in fields for field in known.required)
    )


def detect_layout(header: tuple[str, ...]) -> tuple[KnownLayout | None, list[Problem]]:
    """The layout *header* is in, or the problems that say why it is in none."""
    for known in REPORT_LAYOUTS:
        if _fits(known, header):
            return known, []
    nearest = max(
        REPORT_LAYOUTS, key=lambda known: sum(known.field(label) is not None for label in header)
    )
    known_labels = [label for label in header if nearest.field(label) is not None]
    if len(known_labels) >= 2:
        problems = [
            Problem(cell_path(1, label), f"not a column of {nearest}")
            for label in header
            if nearest.field(label) is None
        ]
        seen: set[str] = set()
        for label in header:
            field = nearest.field(label)
            if field and field != EXTRA and field in seen:
                problems.append(Problem(cell_path(1, label), f"a second column for {field}"))
            seen.add(field or "")
        present = {nearest.field(label) for label in header}
        problems += [
            Problem(cell_path(1), f"no column for {field} ({nearest.name})")
            for field in nearest.required
            if field not in present
        ]
        return None, problems
    listed = "; ".join(
        f"{known.name}: {', '.join(known.style.columns)}" for known in REPORT_LAYOUTS
    )
    return None, [Problem(cell_path(1), f"not the header of any known layout ({listed})")]
