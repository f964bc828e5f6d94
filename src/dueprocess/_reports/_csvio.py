"""CSV text in and out for the published layouts: cells, numbers, dates and how they look.

A published file is read into rows plus a :class:`ReportLayout` that records how the file
*looked* (which header variant, date style, ``%`` signs, decimals, thousands separators,
line endings, final newline, byte-order mark) but none of its content. Writing renders
every cell again from the rows through that layout, so a file read and written back is
byte for byte the same when it was written consistently, and a report built from cases
is written in the canonical layout.

Formula injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (after any apostrophes) is written with one more leading apostrophe
(``'=1+1``), which spreadsheets show as text (the OWASP "CSV injection" advice). Reading
strips exactly that apostrophe again, so a neutralised file reads back to the original
text and writes out the same bytes.
Numbers are rendered by this module from integers and decimals and never start so.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from ..exceptions import Problem
from ._errors import ReportError

__all__ = [
    "DateStyle",
    "LayoutKind",
    "Observed",
    "Record",
    "ReportLayout",
    "Table",
    "cell_path",
    "column_fields",
    "format_count",
    "format_day",
    "format_percent",
    "header_fields",
    "neutralise",
    "parse_count",
    "parse_day",
    "parse_percent",
    "read_table",
    "records",
    "restore",
    "round_half_up",
    "write_table",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class LayoutKind(str, enum.Enum):
    """Whose published layout a CSV follows."""

    GOOGLE = "google"
    META = "meta"

    def __str__(self) -> str:
        return self.value


class DateStyle(str, enum.Enum):
    """How ``Period Ending`` dates are written."""

    ISO = "YYYY-MM-DD"
    US = "MM/DD/YYYY"
    US_UNPADDED = "M/D/YYYY"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class ReportLayout:
    """How a report's CSV looks: the columns and every rendering detail, no content.

    ``columns`` are header labels the layout kind knows (``CLDR Territory Code`` or the
    older ``Country Code``, ...). ``percent_places`` is the number of decimals every
    percentage is shown with (``None``: each as it was published).
    """

    kind: LayoutKind
    columns: tuple[str, ...]
    date_style: DateStyle = DateStyle.ISO
    percent_sign: bool = False
    percent_places: int | None = 0
    thousands_separator: bool = False
    newline: str = "\n"
    final_newline: bool = True
    byte_order_mark: bool = False


@attrs.frozen
class Table:
    """A CSV file cut into its header and records, each record with its line number."""

    header: tuple[str, ...]
    records: tuple[tuple[int, tuple[str, ...]], ...]
    newline: str
    final_newline: bool
    byte_order_mark: bool


def cell_path(line: int, column: str | None = None) -> str:
    """Where a problem is: ``$[line]`` (1-based file line) and the column's header label."""
    return f"$[{line}]" if column is None else f"$[{line}].{column}"


def read_table(text: str) -> tuple[Table | None, list[Problem]]:
    """Split CSV text into a :class:`Table`, noting the line ending and final newline."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    if not text.strip():
        return None, [Problem(cell_path(1), "the file is empty: expected a header line")]
    first_end = text.find("\n")
    newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for record in reader:
            rows.append((reader.line_num, tuple(record)))
    except csv.Error as error:
        problems.append(Problem(cell_path(reader.line_num), f"not valid CSV: {error}"))
        return None, problems
    (_, header), *records = rows
    for line, cells in records:
        if not cells:
            problems.append(Problem(cell_path(line), "empty line inside the table"))
    table = Table(
        header=tuple(cell.strip() for cell in header),
        records=tuple((line, cells) for line, cells in records if cells),
        newline=newline,
        final_newline=text.endswith("\n"),
        byte_order_mark=bom,
    )
    return table, problems


def write_table(layout: ReportLayout, rows: Iterable[Sequence[str]]) -> str:
    """Render the header and *rows* (already formatted cells) in *layout*."""
    # The csv module quotes a cell only for the characters of its line terminator, so
    # with "\n" a cell holding a bare "\r" would go out unquoted, and every reader
    # would end the row there: a forged row. Each row is written with "\r\n" (so
    # both are quoted) and then given the layout's own line ending.
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    lines = []
    for row in (layout.columns, *rows):
        writer.writerow(row)
        lines.append(buffer.getvalue()[:-2])
        buffer.seek(0)
        buffer.truncate()
    text = "".join(line + layout.newline for line in lines)
    if not layout.final_newline:
        text = text.removesuffix(layout.newline)
    return ("\ufeff" if layout.byte_order_mark else "") + text


def _runs_as_formula(text: str) -> bool:
    # Apostrophes already in front count too, so that neutralise/restore are inverses
    # even for text that itself starts with "'=".
    return text.lstrip("'").startswith(_FORMULA_START)


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula.

    >>> neutralise("=1+1"), neutralise("Germany"), neutralise("'=1")
    ("'=1+1", 'Germany', "''=1")
    """
    return "'" + text if _runs_as_formula(text) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: drop the apostrophe it added.

    >>> restore("'=1+1"), restore("''=1"), restore("'s-Hertogenbosch")
    ('=1+1', "'=1", "'s-Hertogenbosch")
    """
    if text.startswith("'") and _runs_as_formula(text):
        return text[1:]
    return text


# --- numbers -----------------------------------------------------------------------------

_COUNT = re.compile(r"\d+\Z|\d{1,3}(?:,\d{3})+\Z", re.ASCII)
_PERCENT = re.compile(r"(\d+(?:\.(\d+))?)(%?)\Z", re.ASCII)


def parse_count(text: str) -> tuple[int, bool]:
    """A whole number of requests or accounts, and whether it used thousands separators.

    Raises:
        ValueError: not a non-negative whole number.
    """
    if not _COUNT.match(text):
        raise ValueError(f"expected a whole number, got {text!r}")
    return int(text.replace(",", "")), "," in text


def format_count(count: int, thousands_separator: bool) -> str:
    """``1234`` or ``1,234``."""
    return f"{count:,}" if thousands_separator else str(count)


def parse_percent(text: str) -> tuple[Decimal, int, bool]:
    """A percentage as published: its value, its number of decimals, and whether it had ``%``.

    Raises:
        ValueError: not a number from 0 to 100.
    """
    match = _PERCENT.match(text)
    if not match:
        raise ValueError(f"expected a percentage such as 59 or 80.65%, got {text!r}")
    value = Decimal(match[1])
    if value > 100:
        raise ValueError(f"a percentage cannot exceed 100, got {text!r}")
    return value, len(match[2] or ""), bool(match[3])


def round_half_up(value: Fraction | Decimal, places: int) -> Decimal:
    """Round to *places* decimals, halves away from zero (values here are never negative).

    >>> round_half_up(Fraction(1, 8) * 100, 0), round_half_up(Fraction(200, 3), 2)
    (Decimal('13'), Decimal('66.67'))
    """
    scaled = Fraction(value) * 10**places
    whole = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return Decimal(whole).scaleb(-places)


def format_percent(value: Decimal, layout: ReportLayout) -> str:
    """A percentage in *layout*'s decimals (rounding half up) and sign."""
    if layout.percent_places is not None:
        value = round_half_up(value, layout.percent_places)
    return f"{value}%" if layout.percent_sign else str(value)


# --- dates ---------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_US_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\Z", re.ASCII)


def parse_day(text: str) -> tuple[dt.date, DateStyle]:
    """``YYYY-MM-DD`` or ``MM/DD/YYYY`` (also without leading zeros), and which style.

    Raises:
        ValueError: neither style, or not a calendar date.
    """
    if match := _ISO_DAY.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        style = DateStyle.ISO
    elif match := _US_DAY.match(text):
        month, day, year = int(match[1]), int(match[2]), int(match[3])
        # "12/31/2009" fits both US styles; a one-digit field shows the unpadded one.
        unpadded = len(match[1]) == 1 or len(match[2]) == 1
        style = DateStyle.US_UNPADDED if unpadded else DateStyle.US
    else:
        raise ValueError(f"expected a date as YYYY-MM-DD or MM/DD/YYYY, got {text!r}")
    try:
        return dt.date(year, month, day), style
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def format_day(day: dt.date, style: DateStyle) -> str:
    """A date in *style*."""
    if style is DateStyle.ISO:
        return day.isoformat()
    if style is DateStyle.US:
        return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"
    return f"{day.month}/{day.day}/{day.year:04d}"


# --- reading a file's records ------------------------------------------------------


def column_fields(layout: ReportLayout, labels: Mapping[str, str]) -> list[str]:
    """The field each of *layout*'s columns shows (labels matched without regard to case).

    Raises:
        ReportError: a column the layout kind does not know.
    """
    known = {label.casefold(): field for label, field in labels.items()}
    fields = [known.get(column.casefold()) for column in layout.columns]
    unknown = [column for column, field in zip(layout.columns, fields, strict=True) if not field]
    if unknown:
        raise ReportError(f"{layout.kind.value} layout has no column {unknown[0]!r}")
    return [field for field in fields if field]


def header_fields(
    header: tuple[str, ...],
    labels: Mapping[str, str],
    required: tuple[str, ...],
    whose: str,
) -> tuple[dict[str, int], list[Problem]]:
    """Map each known column label (any case) to its field; note unknown or repeated ones."""
    known = {label.casefold(): field for label, field in labels.items()}
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, label in enumerate(header):
        field = known.get(label.casefold())
        if field is None:
            problems.append(Problem(cell_path(1, label), f"not a column of {whose} layout"))
        elif field in positions:
            problems.append(Problem(cell_path(1, label), f"a second column for {field}"))
        else:
            positions[field] = index
    for field in required:
        if field not in positions:
            problems.append(Problem(cell_path(1), f"no column for {field}"))
    return positions, problems


@attrs.frozen
class Record:
    """One data line of a CSV: its cells by field, and where each came from."""

    line: int
    cells: tuple[str, ...]
    header: tuple[str, ...]
    positions: Mapping[str, int]

    def get(self, field: str) -> str | None:
        """The stripped cell of *field*, ``None`` if the file has no such column."""
        index = self.positions.get(field)
        return None if index is None else self.cells[index].strip()

    def path(self, field: str) -> str:
        return cell_path(self.line, self.header[self.positions[field]])


@attrs.define
class Observed:
    """What the cells of one file show about how it was written."""

    date_styles: set[DateStyle] = attrs.Factory(set)
    percent_places: set[int] = attrs.Factory(set)
    percent_signs: set[bool] = attrs.Factory(set)
    thousands: bool = False

    def count(self, record: Record, field: str, problems: list[Problem]) -> int | None:
        """A count cell; ``None`` when empty or wrong (then a problem is noted)."""
        text = record.get(field)
        if not text:
            return None
        try:
            count, separated = parse_count(text)
        except ValueError as error:
            problems.append(Problem(record.path(field), str(error)))
            return None
        self.thousands = self.thousands or separated
        return count

    def percent(self, record: Record, problems: list[Problem]) -> Decimal | None:
        """A percentage cell; ``None`` when empty or wrong (then a problem is noted)."""
        text = record.get("percent")
        if not text:
            return None
        try:
            value, places, sign = parse_percent(text)
        except ValueError as error:
            problems.append(Problem(record.path("percent"), str(error)))
            return None
        self.percent_places.add(places)
        self.percent_signs.add(sign)
        return value

    def day(self, record: Record, problems: list[Problem]) -> dt.date | None:
        try:
            day, style = parse_day(record.get("period_end") or "")
        except ValueError as error:
            problems.append(Problem(record.path("period_end"), str(error)))
            return None
        self.date_styles.add(style)
        return day

    def layout(self, table: Table, default: ReportLayout) -> ReportLayout:
        """The layout of *table* as its cells show it; *default* where they show nothing."""
        sign = (True in self.percent_signs) if self.percent_signs else default.percent_sign
        places: int | None = default.percent_places
        if len(self.percent_places) == 1:
            (places,) = self.percent_places
        elif self.percent_places:
            places = None  # mixed decimals: write each percentage as it was published
        return ReportLayout(
            kind=default.kind,
            columns=table.header,
            date_style=_file_date_style(self.date_styles),
            percent_sign=sign,
            percent_places=places,
            thousands_separator=self.thousands,
            newline=table.newline,
            final_newline=table.final_newline,
            byte_order_mark=table.byte_order_mark,
        )


def records(
    table: Table, positions: Mapping[str, int], problems: list[Problem]
) -> Iterator[Record]:
    """The table's records that have as many cells as the header."""
    for line, cells in table.records:
        if len(cells) != len(table.header):
            problems.append(
                Problem(cell_path(line), f"has {len(cells)} cells, the header {len(table.header)}")
            )
        else:
            yield Record(line, cells, table.header, positions)


def _file_date_style(styles: set[DateStyle]) -> DateStyle:
    # "12/31/2009" is read as MM/DD/YYYY; one "6/30/2010" shows the file drops zeros.
    if DateStyle.US_UNPADDED in styles:
        return DateStyle.US_UNPADDED
    if DateStyle.US in styles:
        return DateStyle.US
    return DateStyle.ISO
