"""One line of a transparency report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

__all__ = ["ALL_PROCESS", "PRESERVATION", "ReportRow"]

PRESERVATION = "Preservation Requests"
"""The ``legal_process`` label of preservation rows, in every layout."""

ALL_PROCESS = "All"
"""The ``legal_process`` label of a row that covers every kind of process (Google's early
periods and Meta's layout, which do not break requests down by process)."""


@attrs.frozen
class ReportRow:
    """Figures for one period, one country and one kind of legal process.

    The first seven fields are the report's columns (docs/concepts.md). The counts after
    them are what the percentages are computed from; they are ``None`` on rows read back
    from a published CSV, which shows percentages but not the counts behind them.

    Attributes:
        period_end: the period's last day (``None`` for a Meta file read without a period).
        country: the territory's English name (CLDR), as published when read back.
        country_code: ISO 3166-1 alpha-2 (CLDR territory code); empty for Google's
            "United Nations" row.
        legal_process: the layout's label, e.g. ``Search Warrants`` or
            ``Preservation Requests``.
        requests: requests received in the period.
        percent_with_data: share of ``requests`` for which some data was produced, in
            percent, with two decimals when computed (as published when read back);
            ``None`` for preservation rows and where not published.
        accounts: distinct accounts (targets) the requests named.
        requests_with_data: requests for which at least one production held a record.
        accounts_preserved: for preservation rows, distinct targets the review ordered
            preserved.
    """

    period_end: dt.date | None
    country: str
    country_code: str
    legal_process: str
    requests: int
    percent_with_data: Decimal | None
    accounts: int | None
    requests_with_data: int | None = None
    accounts_preserved: int | None = None

    @property
    def is_preservation(self) -> bool:
        """Whether this row counts preservation requests."""
        return self.legal_process == PRESERVATION

    def to_dict(self) -> dict[str, Any]:
        """The row as plain values (dates ISO, percentages as strings), e.g. for JSON."""
        return {
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "country": self.country,
            "country_code": self.country_code,
            "legal_process": self.legal_process,
            "requests": self.requests,
            "percent_with_data": (
                str(self.percent_with_data) if self.percent_with_data is not None else None
            ),
            "accounts": self.accounts,
            "requests_with_data": self.requests_with_data,
            "accounts_preserved": self.accounts_preserved,
        }
