"""Reading a published transparency report back into a :class:`Report`."""

from __future__ import annotations

import io
import os
from typing import IO, Union

from ..exceptions import InvalidReportFile, Problem, ReportError
from ._csvio import LayoutKind, cell_path, read_table
from ._layouts import detect_layout
from ._long import parse_long
from ._meta import parse_meta
from ._period import PeriodSpec, as_period
from ._report import Report

__all__ = ["ReportSource", "read_report_csv"]


ReportSource = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]", IO[str], IO[bytes]]
"""What :func:`read_report_csv` reads: text, bytes, a path, or an open file."""


def _text(source: object) -> str:
    """The decoded text of *source* (UTF-8, a byte-order mark kept for the layout)."""
    if isinstance(source, str):
        return source
    if isinstance(source, os.PathLike):
        try:
            with open(source, "rb") as handle:
                data: object = handle.read()
        except OSError as error:
            raise ReportError(f"cannot read {os.fsdecode(source)!r}: {error.strerror}") from None
    elif isinstance(source, (io.IOBase, io.TextIOBase)) or callable(getattr(source, "read", None)):
        data = source.read()  # type: ignore[attr-defined]
    else:
        data = source
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            return bytes(data).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidReportFile(
                [Problem(cell_path(1), f"not UTF-8 text: byte {error.start} cannot be decoded")]
            ) from None
    raise ReportError(
        "read_report_csv reads text (str), bytes, a path (os.PathLike) or an open file,"
        f" not {type(source).__name__}"
    )


def read_report_csv(
    source: ReportSource, *, period: PeriodSpec | None = None, legal_process: str | None = None
) -> Report:
    """Parse a published report in any known layout, so figures can be compared.

    The layout is recognised from the header (see ``dueprocess.reports.REPORT_LAYOUTS``):
    Google's download of today (``Country/Region``, ``Percentage disclosed``,
    ``Accounts``), its 2018 layout and older variants (``Country Code``, ``Data
    Requests``, ``MM/DD/YYYY`` dates, no ``Legal Process`` column, which reads as
    ``All``), Google's national-security files (counts as :class:`Range`), Meta's
    downloads from 2013 on (a byte-order mark, ``"1,547"``, ranges ``"11,000 - 12,000"``,
    ``83.00%`` beside ``0%``; with per-process columns too) and X's (``-`` for no figure,
    footnote marks such as ``1*``, CRLF, a closing ``TOTAL`` row, kept as a stated total
    in :attr:`Report.totals`). The report remembers how the file looked
    (:attr:`Report.source_layout`), so :meth:`Report.to_csv` writes it back byte for byte.

    Args:
        source: the file: its text, its bytes (UTF-8), a path, or an open file (binary,
            or text opened with ``newline=""``, so that its line endings stay as they are
            for :meth:`Report.to_csv`). A ``str`` is always the text, never a path.
        period: for a file with no period column (Meta's), the period it covers; not
            allowed for a file that has one.
        legal_process: the ``legal_process`` of rows from a file that does not name one
            (Google's national-security files are one kind of process each: say which,
            e.g. ``"National Security Letters"``); the default is the layout's own.

    Raises:
        InvalidReportFile: the text is not such a file; every problem is listed, its path
            ``$[LINE].COLUMN`` naming the file line and the column.
        ReportError: a period given for a file with periods, none for one without, or
            a *source* of another type.

    >>> report = read_report_csv(
    ...     "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
    ...     "Percentage of requests where some data produced,Users/Accounts Specified\\n"
    ...     "2018-06-30,Uruguay,UY,Other Legal Requests,3,0,3\\n"
    ... )
    >>> report.rows[0].country, report.rows[0].requests, report.source_layout.name
    ('Uruguay', 3, 'google-2018')
    """
    table, problems = read_table(_text(source))
    if table is None:
        raise InvalidReportFile(problems)
    known, header_problems = detect_layout(table.header)
    if known is None:
        if isinstance(source, str) and "\n" not in source:
            header_problems.append(
                Problem(
                    cell_path(1),
                    "a str is read as the file's text: to read a file, pass its path as a"
                    " pathlib.Path (or the open file)",
                )
            )
        raise InvalidReportFile(header_problems)
    if known.style.kind is LayoutKind.META:
        if period is None:
            raise ReportError(
                f"a {known.name} file has no period column: name the period it covers,"
                " e.g. read_report_csv(text, period='2013-H1')"
            )
        rows, totals, layout, more = parse_meta(table, known, as_period(period).end, legal_process)
    else:
        if period is not None:
            raise ReportError(
                f"a {known.name} file carries its own periods: read it without period="
            )
        rows, totals, layout, more = parse_long(table, known, legal_process)
    problems += more
    if problems:
        raise InvalidReportFile(problems)
    return Report(rows=rows, totals=totals, source_layout=layout)
