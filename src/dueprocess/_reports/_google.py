"""Google's user-data-requests layout: which label each process gets, and the CSV itself.

Rules of the road for this module:

* ``US_LABELS`` says, for every process kind, the ``Legal Process`` label it is counted
  under in the US (docs/concepts.md); a reader checks it against the rules line by line.
  ``None`` means the kind never appears in this layout:

  - ``national_security_letter`` and ``fisa_order``: 50 U.S.C. 1874 allows them to be
    published only in bands, so they go to :meth:`Report.to_bands` and nowhere else;
  - ``civil_subpoena``: a private litigant's subpoena is not a government request, and a
    transparency report counts government requests (the report format's "every subpoena kind"
    are the three of the rule reference: ``subpoena``, ``grand_jury_subpoena``,
    ``administrative_subpoena``).
* Outside the US the layout has only three labels, so every compelled instrument there,
  including a pen register or wiretap order, counts as ``Other Legal Requests``:
  ``ELSEWHERE_LABELS`` is ``US_LABELS`` with every other label replaced by that one.
  "US" is the ``US`` country code alone; a jurisdiction such as ``US-CA`` is the US.
* The layouts themselves (today's header, 2018's, the older ones) are declarations in
  :mod:`dueprocess._reports._layouts`; reading and writing them is
  :mod:`dueprocess._reports._long`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .._base._enums import ProcessKind
from ._csvio import ReportLayout, format_percent, percent_of
from ._layouts import BY_NAME
from ._rows import PRESERVATION, ReportRow

__all__ = [
    "COLUMNS",
    "ELSEWHERE_LABELS",
    "EMERGENCY",
    "LAYOUT",
    "LAYOUT_2018",
    "NATIONAL_SECURITY_KINDS",
    "OTHER_LEGAL",
    "US_LABELS",
    "label_for",
    "percent_cell",
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

# Outside the US emergencies, preservations and the kinds never shown keep their label;
# every other kind counts as "Other Legal Requests".
_KEPT_ELSEWHERE: Final = frozenset({EMERGENCY, PRESERVATION, None})

ELSEWHERE_LABELS: Final[Mapping[ProcessKind, str | None]] = MappingProxyType(
    {kind: label if label in _KEPT_ELSEWHERE else OTHER_LEGAL for kind, label in US_LABELS.items()}
)

COLUMNS: Final = BY_NAME["google-2018"].style.columns
"""The header of Google's 2018 layout."""

LAYOUT: Final = BY_NAME["google-2024"].style
"""The layout Google publishes today: ISO dates, whole percentages, ``\\n``, final newline."""

LAYOUT_2018: Final = BY_NAME["google-2018"].style
"""Google's 2018 layout, otherwise written as :data:`LAYOUT`."""


def label_for(country_code: str, kind: ProcessKind) -> str | None:
    """The ``Legal Process`` label of *kind* from *country_code*, ``None`` if never shown.

    >>> label_for("US", ProcessKind.COURT_ORDER_2703D), label_for("DE", ProcessKind.SEARCH_WARRANT)
    ('Other Court Orders', 'Other Legal Requests')
    """
    table = US_LABELS if country_code == "US" else ELSEWHERE_LABELS
    return table[kind]


def percent_cell(row: ReportRow, layout: ReportLayout) -> str:
    """The percentage cell: from the counts when the row has them, else as published."""
    if row.requests_with_data is not None and isinstance(row.requests, int):
        return percent_of(row.requests_with_data, row.requests, layout)
    if row.percent_with_data is None:
        return ""
    return format_percent(row.percent_with_data, layout)
