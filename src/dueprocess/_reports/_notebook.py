"""A report as a pandas DataFrame (the ``pandas`` extra; imported only when asked for)."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from ..exceptions import ReportError
from ._range import Count, Range, count_high, count_low
from ._rows import ReportRow

if TYPE_CHECKING:
    import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]

__all__ = ["COLUMNS", "import_pandas", "to_dataframe"]

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
    "requests_low",
    "requests_high",
    "accounts_low",
    "accounts_high",
)


def import_pandas(what: str) -> ModuleType:
    """pandas, or the error that names the extra to install.

    Raises:
        ReportError: pandas is not installed (``pip install 'dueprocess[pandas]'``).
    """
    try:
        import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise ReportError(
            f"{what} needs pandas: install the extra with pip install 'dueprocess[pandas]'"
        ) from None
    return pandas  # type: ignore[no-any-return, unused-ignore]


def _exact(count: Count | None) -> int | None:
    return None if count is None or isinstance(count, Range) else count


def to_dataframe(rows: Sequence[ReportRow]) -> pandas.DataFrame:
    """One DataFrame row per report row; counts as nullable integers, percentages as floats.

    A count published as a range is never turned into one number: its ``requests`` (or
    ``accounts``) cell is missing and ``requests_low``/``requests_high`` hold its ends;
    for an exact count both ends equal it.

    Raises:
        ReportError: pandas is not installed (``pip install 'dueprocess[pandas]'``).
    """
    pd = import_pandas("Report.to_pandas()")

    def ends(counts: list[Count | None], high: bool) -> object:
        values = [
            None if count is None else (count_high(count) if high else count_low(count))
            for count in counts
        ]
        return pd.array(values, dtype="Int64")

    requests: list[Count | None] = [row.requests for row in rows]
    accounts = [row.accounts for row in rows]
    return pd.DataFrame(
        {
            "period_end": pd.to_datetime([row.period_end for row in rows], errors="coerce"),
            "country": pd.array([row.country for row in rows], dtype="string"),
            "country_code": pd.array([row.country_code for row in rows], dtype="string"),
            "legal_process": pd.array([row.legal_process for row in rows], dtype="string"),
            "requests": pd.array([_exact(count) for count in requests], dtype="Int64"),
            "percent_with_data": pd.array(
                [
                    None if row.percent_with_data is None else float(row.percent_with_data)
                    for row in rows
                ],
                dtype="Float64",
            ),
            "accounts": pd.array([_exact(count) for count in accounts], dtype="Int64"),
            "requests_with_data": pd.array([row.requests_with_data for row in rows], dtype="Int64"),
            "accounts_preserved": pd.array(
                [_exact(row.accounts_preserved) for row in rows], dtype="Int64"
            ),
            "requests_low": ends(requests, False),
            "requests_high": ends(requests, True),
            "accounts_low": ends(accounts, False),
            "accounts_high": ends(accounts, True),
        },
        columns=list(COLUMNS),
    )
