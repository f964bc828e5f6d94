"""A report as a pandas DataFrame (the ``pandas`` extra; imported only when asked for)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._errors import ReportError
from ._rows import ReportRow

if TYPE_CHECKING:
    import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]

__all__ = ["to_dataframe"]

COLUMNS = (
    "period_end",
    "country",
    "country_code",
    "legal_process",
    "requests",
    "percent_with_data",
    "accounts",
    "requests_with_data",
    "accounts_preserved",
)


def to_dataframe(rows: Sequence[ReportRow]) -> pandas.DataFrame:
    """One DataFrame row per report row; counts as nullable integers, percentages as floats.

    Raises:
        ReportError: pandas is not installed (``pip install 'dueprocess[pandas]'``).
    """
    try:
        import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise ReportError(
            "Report.to_pandas() needs pandas: install the extra with"
            " pip install 'dueprocess[pandas]'"
        ) from None
    return pandas.DataFrame(
        {
            "period_end": pandas.to_datetime([row.period_end for row in rows], errors="coerce"),
            "country": pandas.array([row.country for row in rows], dtype="string"),
            "country_code": pandas.array([row.country_code for row in rows], dtype="string"),
            "legal_process": pandas.array([row.legal_process for row in rows], dtype="string"),
            "requests": pandas.array([row.requests for row in rows], dtype="Int64"),
            "percent_with_data": pandas.array(
                [
                    None if row.percent_with_data is None else float(row.percent_with_data)
                    for row in rows
                ],
                dtype="Float64",
            ),
            "accounts": pandas.array([row.accounts for row in rows], dtype="Int64"),
            "requests_with_data": pandas.array(
                [row.requests_with_data for row in rows], dtype="Int64"
            ),
            "accounts_preserved": pandas.array(
                [row.accounts_preserved for row in rows], dtype="Int64"
            ),
        },
        columns=list(COLUMNS),
    )
