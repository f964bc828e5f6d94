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
Numbers are rendered by this module from integers and decimals; only a negative count (a
defect :meth:`Report.check` names, written back as published) starts with ``-``, which a
spreadsheet reads as the number it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from .._base._enums import _Str
from ..exceptions import Problem
from ._range import Count, Range

__all__ = [
    "DateStyle",
    "LayoutKind",
    "Observed",
    "ParsedCount",
    "Record",
    "ReportLayout",
    "Table",
    "cell_path",
    "format_count",
    "format_day",
    "format_percent",
    "parse_count",
    "parse_day",
    "parse_percent",
    "percent_of",
    "read_table",
    "records",
    "round_half_up",
    "write_table",
]


class LayoutKind(_Str):
    """Whose published layout a CSV follows."""

    GOOGLE = "google"
    META = "meta"
    X = "x"
    GOOGLE_NATIONAL_SECURITY = "google-national-security"


class DateStyle(_Str):
    """How the period of a row is written."""

    ISO = "YYYY-MM-DD"
    US = "MM/DD/YYYY"
    US_UNPADDED = "M/D/YYYY"
    HALF_YEAR = "Jan - Jun YYYY"
    NONE = "no period column"


@attrs.frozen
class ReportLayout:
    """How a report's CSV looks: the columns and every rendering detail, no content.

    ``columns`` are header labels the layout kind knows (``CLDR Territory Code`` or the
    older ``Country Code``, ...). ``percent_places`` is the number of decimals every
    percentage is shown with (``None``: each as it was published). ``name`` is the
    declaration the layout comes from (see ``dueprocess.reports.REPORT_LAYOUTS``);
    ``header_line`` the header as the file wrote it (quotes included), empty to write
    ``columns``; ``quoted_columns`` the columns whose every cell is quoted;
    ``none_marker`` what a cell with no figure shows (X writes ``-``);
    ``total_label`` the country cell of a stated-total row (X's ``TOTAL``);
    ``range_separator`` what stands between the ends of a count given as a range.
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
    name: str = ""
    header_line: str = ""
    quoted_columns: frozenset[int] = frozenset()
    none_marker: str = ""
    total_label: str = ""
    range_separator: str = " - "


@attrs.frozen
class Table:
    """A CSV file cut into its header and records, each record with its line number.

    ``header_line`` is the header exactly as written (its quoting included);
    ``quoted_columns`` the columns whose every data cell was quoted, needed or not.
    """

    header: tuple[str, ...]
    records: tuple[tuple[int, tuple[str, ...]], ...]
    newline: str
    final_newline: bool
    byte_order_mark: bool
    header_line: str = ""
    quoted_columns: frozenset[int] = frozenset()


def cell_path(line: int, column: str | None = None) -> str:
    """Where a problem is: ``$[line]`` (1-based file line) and the column's header label."""
    return f"$[{line}]" if column is None else f"$[{line}].{column}"


_Cell = tuple[str, bool]  # text, and whether it was quoted


def _tokens(text: str) -> Iterator[tuple[int, list[_Cell], str]]:
    """RFC 4180 records: (first line, cells with their quoting, the record's raw text).

    Unlike :mod:`csv`, this notes which cells were quoted, so that a file that quotes
    cells without need (Meta's header) is written back the same.

    Raises:
        ValueError: a stray quote or an unterminated quoted cell, with its line.
    """
    index, line, length = 0, 1, len(text)
    while index < length:
        start, first_line = index, line
        cells: list[_Cell] = []
        while True:
            if index < length and text[index] == '"':
                index += 1
                chunk: list[str] = []
                while True:
                    end = text.find('"', index)
                    if end < 0:
                        raise ValueError(f"line {first_line}: a quoted cell is never closed")
                    chunk.append(text[index:end])
                    line += text.count("\n", index, end)
                    if text.startswith('""', end):
                        chunk.append('"')
                        index = end + 2
                        continue
                    index = end + 1
                    break
                cells.append(("".join(chunk), True))
                if index < length and text[index] not in ",\r\n":
                    raise ValueError(f"line {line}: text after the closing quote of a cell")
            else:
                match = _PLAIN.match(text, index)
                assert match is not None  # the pattern matches the empty string
                if '"' in match[0]:
                    raise ValueError(f"line {line}: a quote inside an unquoted cell")
                cells.append((match[0], False))
                index = match.end()
            if index < length and text[index] == ",":
                index += 1
                continue
            break
        raw = text[start:index]
        if text.startswith("\r\n", index):
            index += 2
        elif index < length:
            index += 1
        line += 1
        yield first_line, ([] if raw == "" else cells), raw


_PLAIN = re.compile(r'[^,\r\n"]*(?:"[^,\r\n]*)?')


def read_table(text: str) -> tuple[Table | None, list[Problem]]:
    """Split CSV text into a :class:`Table`, noting line endings, quoting and final newline."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    if not text.strip():
        return None, [Problem(cell_path(1), "the file is empty: expected a header line")]
    first_end = text.find("\n")
    newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    problems: list[Problem] = []
    try:
        rows = list(_tokens(text))
    except ValueError as error:
        line = int(str(error).split(":")[0].removeprefix("line "))
        return None, [Problem(cell_path(line), f"not valid CSV: {str(error).split(': ', 1)[1]}")]
    (_, header, header_line), *records = rows
    for line, cells, _raw in records:
        if not cells:
            problems.append(Problem(cell_path(line), "empty line inside the table"))
    data = [cells for _, cells, _ in records if cells]
    quoted = frozenset(
        index
        for index in range(len(header))
        if data and all(index < len(cells) and cells[index][1] for cells in data)
    )
    table = Table(
        header=tuple(cell.strip() for cell, _ in header),
        records=tuple(
            (line, tuple(cell for cell, _ in cells)) for line, cells, _ in records if cells
        ),
        newline=newline,
        final_newline=text.endswith("\n"),
        byte_order_mark=bom,
        header_line=header_line,
        quoted_columns=quoted,
    )
    return table, problems


def _needs_quotes(cell: str) -> bool:
    # The csv module's minimal quoting, with both \r and \n counted: a bare \r left
    # unquoted would end the row for every reader, a forged row.
    return any(char in cell for char in ',"\r\n')


def _quoted(cell: str, always: bool) -> str:
    if always or _needs_quotes(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_table(layout: ReportLayout, rows: Iterable[Sequence[str]]) -> str:
    """Render the header and *rows* (already formatted cells) in *layout*."""
    header = layout.header_line or ",".join(_quoted(label, False) for label in layout.columns)
    lines = [header]
    for row in rows:
        lines.append(
            ",".join(
                _quoted(cell, index in layout.quoted_columns) for index, cell in enumerate(row)
            )
        )
    text = "".join(line + layout.newline for line in lines)
    if not layout.final_newline:
        text = text.removesuffix(layout.newline)
    return ("\ufeff" if layout.byte_order_mark else "") + text


# --- numbers -----------------------------------------------------------------------------

_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)"
_COUNT = re.compile(
    rf"(?P<low>{_NUMBER})(?:(?P<sep>\s*-\s*)(?P<high>{_NUMBER}))?(?P<mark>\**)\Z", re.ASCII
)
_PERCENT = re.compile(r"(-?\d+(?:\.(\d+))?)(%?)\Z", re.ASCII)


@attrs.frozen
class ParsedCount:
    """A count cell: its value, whether it used thousands separators, the text between
    the ends of a range, and a footnote mark after it (X's ``1*``)."""

    value: Count
    separated: bool
    separator: str
    mark: str


def parse_count(text: str) -> ParsedCount:
    """A whole number, or a range ``11,000 - 12,000``, of requests or accounts.

    Negative numbers are read (so that :meth:`Report.check` can name them), never
    refused here.

    Raises:
        ValueError: not a whole number or a range of them.
    """
    match = _COUNT.match(text)
    if not match:
        raise ValueError(f"expected a whole number or a range such as 10 - 20, got {text!r}")
    low = int(match["low"].replace(",", ""))
    separated = "," in match["low"]
    value: Count = low
    if match["high"] is not None:
        high = int(match["high"].replace(",", ""))
        if high < low:
            raise ValueError(f"a range cannot end below its start, got {text!r}")
        value = Range(low, high)
        separated = separated or "," in match["high"]
    return ParsedCount(value, separated, match["sep"] or "", match["mark"])


def format_count(count: Count, thousands_separator: bool, separator: str = " - ") -> str:
    """``1234``, ``1,234`` or a range ``11,000 - 12,000``."""
    if isinstance(count, Range):
        return (
            format_count(count.low, thousands_separator)
            + separator
            + format_count(count.high, thousands_separator)
        )
    return f"{count:,}" if thousands_separator else str(count)


def parse_percent(text: str) -> tuple[Decimal, int, bool]:
    """A percentage as published: its value, its number of decimals, and whether it had ``%``.

    Values outside 0-100 are read (:meth:`Report.check` names them), never refused here.

    Raises:
        ValueError: not a number.
    """
    match = _PERCENT.match(text)
    if not match:
        raise ValueError(f"expected a percentage such as 59 or 80.65%, got {text!r}")
    return Decimal(match[1]), len(match[2] or ""), bool(match[3])


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


def percent_of(part: int, whole: int, layout: ReportLayout) -> str:
    """*part* of *whole* as a percentage in *layout* (two decimals where it keeps them as
    published); empty when *whole* is zero."""
    if whole == 0:
        return ""
    places = 2 if layout.percent_places is None else layout.percent_places
    value = round_half_up(Fraction(100 * part, whole), places)
    return f"{value}%" if layout.percent_sign else str(value)


# --- dates ---------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_US_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\Z", re.ASCII)


_HALVES = {"jan - jun": (6, 30), "jul - dec": (12, 31)}
_HALF_DAY = re.compile(r"(Jan - Jun|Jul - Dec) (\d{4})\Z", re.ASCII | re.IGNORECASE)


def parse_day(text: str) -> tuple[dt.date, DateStyle]:
    """``YYYY-MM-DD``, ``MM/DD/YYYY`` (also without leading zeros) or a half-year
    ``Jan - Jun YYYY``/``Jul - Dec YYYY`` (its last day), and which style.

    Raises:
        ValueError: none of these, or not a calendar date.
    """
    if match := _ISO_DAY.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        style = DateStyle.ISO
    elif match := _US_DAY.match(text):
        month, day, year = int(match[1]), int(match[2]), int(match[3])
        # "12/31/2009" fits both US styles; a one-digit field shows the unpadded one.
        unpadded = len(match[1]) == 1 or len(match[2]) == 1
        style = DateStyle.US_UNPADDED if unpadded else DateStyle.US
    elif match := _HALF_DAY.match(text):
        (month, day), year = _HALVES[match[1].lower()], int(match[2])
        style = DateStyle.HALF_YEAR
    else:
        raise ValueError(
            f"expected a date as YYYY-MM-DD or MM/DD/YYYY or a half-year as Jan - Jun YYYY,"
            f" got {text!r}"
        )
    try:
        return dt.date(year, month, day), style
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def format_day(day: dt.date, style: DateStyle) -> str:
    """A date in *style* (a half-year style names the half the day falls in)."""
    if style is DateStyle.ISO:
        return day.isoformat()
    if style is DateStyle.US:
        return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"
    if style is DateStyle.HALF_YEAR:
        return f"{'Jan - Jun' if day.month <= 6 else 'Jul - Dec'} {day.year:04d}"
    return f"{day.month}/{day.day}/{day.year:04d}"


# --- reading a file's records ------------------------------------------------------


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
    """What the cells of one file show about how it was written.

    ``none_marker`` is the text that stands for "no figure" in the layout read (X's
    ``-``); ``footnote_marks`` whether the layout puts marks after counts (X's ``1*``);
    ``marks`` collects those marks, per file line.
    """

    none_marker: str = ""
    footnote_marks: bool = False
    date_styles: set[DateStyle] = attrs.Factory(set)
    percent_places: set[int] = attrs.Factory(set)
    percent_signs: set[bool] = attrs.Factory(set)
    thousands: bool = False
    separators: set[str] = attrs.Factory(set)
    marks: dict[int, list[tuple[str, str]]] = attrs.Factory(dict)

    def _text(self, record: Record, field: str) -> str | None:
        text = record.get(field)
        if not text or (self.none_marker and text == self.none_marker):
            return None
        return text

    def count(self, record: Record, field: str, problems: list[Problem]) -> Count | None:
        """A count cell; ``None`` when empty or wrong (then a problem is noted)."""
        text = self._text(record, field)
        if text is None:
            return None
        try:
            parsed = parse_count(text)
        except ValueError as error:
            problems.append(Problem(record.path(field), str(error)))
            return None
        self.thousands = self.thousands or parsed.separated
        if parsed.separator:
            self.separators.add(parsed.separator)
        if parsed.mark and not self.footnote_marks:
            problems.append(
                Problem(record.path(field), f"expected a whole number or a range, got {text!r}")
            )
            return None
        if parsed.mark:
            self.marks.setdefault(record.line, []).append((field, parsed.mark))
        return parsed.value

    def footnotes(self, record: Record) -> tuple[tuple[str, str], ...]:
        """The footnote marks of *record*'s counts, as (field, mark) pairs."""
        return tuple(self.marks.get(record.line, ()))

    def percent(
        self, record: Record, problems: list[Problem], field: str = "percent"
    ) -> Decimal | None:
        """A percentage cell; ``None`` when empty or wrong (then a problem is noted)."""
        text = self._text(record, field)
        if text is None:
            return None
        try:
            value, places, sign = parse_percent(text)
        except ValueError as error:
            problems.append(Problem(record.path(field), str(error)))
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
        return attrs.evolve(
            default,
            columns=table.header,
            date_style=_file_date_style(self.date_styles, default.date_style),
            percent_sign=sign,
            percent_places=places,
            thousands_separator=self.thousands,
            newline=table.newline,
            final_newline=table.final_newline,
            byte_order_mark=table.byte_order_mark,
            header_line=table.header_line,
            quoted_columns=table.quoted_columns,
            range_separator=(
                min(self.separators) if len(self.separators) == 1 else default.range_separator
            ),
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


def _file_date_style(styles: set[DateStyle], default: DateStyle) -> DateStyle:
    # "12/31/2009" is read as MM/DD/YYYY; one "6/30/2010" shows the file drops zeros.
    for style in (DateStyle.US_UNPADDED, DateStyle.US, DateStyle.HALF_YEAR, DateStyle.ISO):
        if style in styles:
            return style
    return default
