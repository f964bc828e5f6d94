"""Reading a published transparency report back into a :class:`Report`."""

from __future__ import annotations

from ..exceptions import InvalidRequest, Problem
from ._csvio import cell_path, read_table
from ._errors import ReportError
from ._google import COLUMN_FIELDS as GOOGLE_FIELDS
from ._google import parse_google
from ._meta import parse_meta
from ._period import PeriodSpec, as_period
from ._report import Report

__all__ = ["read_report_csv"]

_WHAT = "transparency report CSV"


def read_report_csv(text: str, *, period: PeriodSpec | None = None) -> Report:
    """Parse a report in Google's or Meta's layout, so published figures can be compared.

    The layout is recognised from the header: Google's current one, Google's older
    variants (``Country Code``, ``Data Requests``, ``Percentage of data requests fully or
    partially complied with``, no ``Legal Process`` column, which reads as ``All``;
    ``MM/DD/YYYY`` dates; empty cells) and Meta's. Percentages may carry a ``%`` sign,
    counts thousands separators; an apostrophe that neutralised a formula (``'=...``, see
    :meth:`Report.to_google_csv`) is removed. The returned report remembers how the file
    looked (:attr:`Report.source_layout`), so :meth:`Report.to_csv` writes a consistently
    written file back byte for byte; its rows keep names and percentages as published.

    Args:
        text: the whole file, decoded (a UTF-8 byte-order mark is allowed).
        period: for a Meta file, which has no period column, the period it covers
            (sets each row's ``period_end``); not allowed for a Google file.

    Raises:
        InvalidRequest: the text is not such a file; every problem is listed, its path
            ``$[LINE].COLUMN`` naming the file line and the column.
        ReportError: a period was given for a Google file.

    >>> report = read_report_csv(
    ...     "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
    ...     "Percentage of requests where some data produced,Users/Accounts Specified\\n"
    ...     "2018-06-30,Uruguay,UY,Other Legal Requests,3,0,3\\n"
    ... )
    >>> report.rows[0].country, report.rows[0].requests
    ('Uruguay', 3)
    """
    table, problems = read_table(text)
    if table is None:
        raise InvalidRequest(problems, what=_WHAT)
    labels = {label.casefold() for label in table.header}
    if "period ending" in labels or any(
        label in labels for label in (key.casefold() for key in GOOGLE_FIELDS if key != "Country")
    ):
        if period is not None:
            raise ReportError("a Google file carries its own periods: read it without period=")
        rows, layout, more = parse_google(table)
    elif labels & {"total requests for user data", "requests for user data"}:
        end = as_period(period).end if period is not None else None
        rows, layout, more = parse_meta(table, end)
    else:
        raise InvalidRequest(
            [
                Problem(
                    cell_path(1),
                    "not a header of Google's layout (Period Ending, Country, ...) or of"
                    " Meta's (Country, Total Requests for User Data, ...)",
                )
            ],
            what=_WHAT,
        )
    problems += more
    if problems:
        raise InvalidRequest(problems, what=_WHAT)
    return Report(rows=rows, source_layout=layout)
