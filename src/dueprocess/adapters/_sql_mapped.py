"""A mapping bound to the real table: its columns checked, its queries built.

:class:`~dueprocess.adapters.RecordTableMapping` names columns; here they are looked
up in the database (SQLAlchemy reflection) the first time the store reads, so a typo or
an instant column that is not a timestamp fails with a message naming the table and
the column, before any record is produced.

Values are converted on the way in and out:

* an account column of an integer type is compared with the account id as a number
  (and only an id written as that number, ``"100"`` but not ``"0100"``, matches);
* bounds on a timestamp column without a time zone are given in UTC without one, so
  the engine compares like with like whatever its session time zone;
* a field read from a column becomes JSON: numbers, text, booleans and null as they
  are, timestamps as ``…Z`` text in UTC, dates as ``YYYY-MM-DD``, decimals as an
  integer when whole and as exact text otherwise, anything else (an IP address, a UUID)
  as its text.
"""

from __future__ import annotations

import datetime as dt
import decimal
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from .._base._dates import format_timestamp
from .._base._enums import Category, TargetKind
from .._production._records import Record, decode_fields
from ..exceptions import StoreError
from ._sql_mapping import IdentityTableMapping, RecordTableMapping

__all__ = [
    "BoundIdentityTable",
    "BoundRecordTable",
    "bind_identity_table",
    "bind_record_table",
    "exact_accounts",
    "instant",
    "json_value",
    "loose_match",
    "stored_account",
]

_UTC = dt.timezone.utc


def instant(value: object) -> dt.datetime:
    """A value read from a timestamp column as an aware UTC datetime (naive is UTC)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=_UTC)
        return value.astimezone(_UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tzinfo=_UTC)
    raise StoreError(f"expected a timestamp, the database returned {value!r}")


def bound(moment: dt.datetime, *, naive: bool) -> dt.datetime:
    """*moment* in UTC, without its time zone when the column has none."""
    utc = moment.astimezone(_UTC)
    return utc.replace(tzinfo=None) if naive else utc


def text_bounds(
    start: dt.datetime | None, end: dt.datetime | None
) -> tuple[str | None, str | None]:
    """A window's bounds as SQLite timestamp text, so that both stay inclusive.

    SQLite keeps a timestamp as text and compares it as text. A service may write
    ``2020-01-15 02:40:00`` where SQLAlchemy writes ``2020-01-15 02:40:00.000000``; a
    lower bound written with its zero fraction would then miss the row at exactly that
    instant (the shorter text sorts first). So the lower bound leaves a zero fraction out
    and the upper bound always writes six digits: each text row of the instant compares
    inside the window, whichever of the two forms it was written in.

    >>> moment = dt.datetime(2020, 1, 15, 2, 40, tzinfo=dt.timezone.utc)
    >>> text_bounds(moment, moment)
    ('2020-01-15 02:40:00', '2020-01-15 02:40:00.000000')
    """

    def text(moment: dt.datetime, *, fraction: bool) -> str:
        utc = moment.astimezone(_UTC)
        shown = utc.strftime("%Y-%m-%d %H:%M:%S")
        return f"{shown}.{utc.microsecond:06d}" if fraction or utc.microsecond else shown

    return (
        None if start is None else text(start, fraction=False),
        None if end is None else text(end, fraction=True),
    )


def json_value(value: object) -> Any:
    """A column's value as a JSON value (see the module's rules)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return format_timestamp(instant(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        # Exact: a whole amount is a number, a fraction keeps every digit as text.
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    return str(value)


def _is_integer(column: sa.ColumnElement[Any]) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


def _naive(column: sa.ColumnElement[Any], dialect: sa.Dialect) -> bool:
    # SQLite keeps timestamps as text without an offset, whatever the column says.
    return dialect.name == "sqlite" or not getattr(column.type, "timezone", False)


def account_value(account: str, *, integer: bool) -> str | int | None:
    """The account id as the column compares it; ``None`` if it cannot be in the column."""
    if not integer:
        return account
    try:
        number = int(account)
    except ValueError:
        return None
    return number if str(number) == account else None


def stored_account(value: object) -> str:
    """An account column's value as the account id it stores (an integer as its digits)."""
    return value if isinstance(value, str) else str(value)


def loose_match(table: str, column: str, asked: str, stored: str) -> StoreError:
    """The error for a row whose account matched *asked* without being it."""
    return StoreError(
        f"asked for account {asked!r}, column {column!r} of {table!r} also matched rows"
        f" of account {stored!r}: the column compares more loosely than code point for"
        " code point (a case-insensitive collation or citext?); map a view whose account"
        " column compares exactly (docs/warehouses.md); nothing was produced"
    )


def exact_accounts(rows: Iterable[object], table: str, column: str, account: str) -> bool:
    """Whether *rows* (account column values) hold *account*; any other value is a loose
    match, raised as :func:`loose_match`."""
    found = False
    for value in rows:
        stored = stored_account(value)
        if stored != account:
            raise loose_match(table, column, account, stored)
        found = True
    return found


def _account_rows(
    table: sa.Table, column: str, account: str, integer: bool
) -> sa.Select[Any] | None:
    """The account *column* of *table*'s rows of *account*, ``None`` if none can match."""
    value = account_value(account, integer=integer)
    if value is None:
        return None
    return sa.select(table.c[column]).where(table.c[column] == value)


def _reflect(
    connection: sa.Connection, name: str, schema: str | None, columns: Sequence[str], what: str
) -> sa.Table:
    try:
        with warnings.catch_warnings():
            # A type SQLAlchemy does not know (citext, an extension's type) is read as
            # text, which is what the store does with it: no warning for that.
            warnings.filterwarnings(
                "ignore", message="Did not recognize type", category=sa.exc.SAWarning
            )
            table = sa.Table(name, sa.MetaData(), schema=schema, autoload_with=connection)
    except sa.exc.NoSuchTableError:
        where = f"{schema}.{name}" if schema else name
        raise StoreError(f"the {what} names table {where!r}, which does not exist") from None
    missing = [column for column in columns if column not in table.c]
    if missing:
        have = ", ".join(table.c.keys())
        raise StoreError(
            f"the {what} names column{'s' if len(missing) > 1 else ''}"
            f" {', '.join(repr(m) for m in missing)}, which table {table.fullname!r} lacks"
            f" (it has: {have})"
        )
    return table


@attrs.frozen
class BoundRecordTable:
    """A :class:`RecordTableMapping` with the real table's columns."""

    mapping: RecordTableMapping
    table: sa.Table
    naive_at: bool
    integer_account: bool
    #: The column keeps timestamps as text (SQLite): the bounds are compared as text.
    text_at: bool = False

    def select(
        self,
        account: str,
        category: Category,
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> sa.Select[Any] | None:
        """The query for one account's records of one category, or ``None`` if none can match."""
        mapping = self.mapping
        if not mapping.holds(category):
            return None
        value = account_value(account, integer=self.integer_account)
        if value is None:
            return None
        columns = self.table.c
        at = columns[mapping.at]
        # The account column comes back as stored: the store compares it exactly with
        # the account asked for, whatever the column's collation matched.
        wanted = [columns[mapping.account].label("dueprocess_account"), at]
        if isinstance(mapping.fields, str):
            wanted.append(columns[mapping.fields])
        else:
            wanted.extend(columns[column] for _, column in mapping.fields)
        query = sa.select(*wanted).where(columns[mapping.account] == value)
        if mapping.fixed_category is None:
            query = query.where(columns[str(mapping.category)] == category.value)
        if self.text_at:
            low, high = text_bounds(start, end)
            if low is not None:
                query = query.where(at >= sa.literal(low, sa.String()))
            if high is not None:
                query = query.where(at <= sa.literal(high, sa.String()))
            return query.order_by(at)
        if start is not None:
            query = query.where(at >= bound(start, naive=self.naive_at))
        if end is not None:
            query = query.where(at <= bound(end, naive=self.naive_at))
        return query.order_by(at)

    def record(self, row: Sequence[Any], account: str, category: Category) -> Record:
        """The record a row of :meth:`select` holds, with its account as stored.

        Raises:
            StoreError: the row's account is not exactly *account* (the column's
                comparison is looser than code point for code point).
        """
        stored = stored_account(row[0])
        if stored != account:
            raise loose_match(self.table.fullname, self.mapping.account, account, stored)
        row = row[1:]
        fields = self.mapping.fields
        if isinstance(fields, str):
            document = row[1]
            if isinstance(document, (str, bytes)):
                try:
                    document = decode_fields(document)
                except (ValueError, UnicodeDecodeError) as error:
                    raise StoreError(
                        f"cannot read records of account {account!r}: column {fields!r} of"
                        f" {self.table.fullname!r} at {row[0]} is not faithful JSON: {error}"
                    ) from None
            elif document is None:
                document = {}
            if not isinstance(document, dict):
                raise StoreError(
                    f"column {fields!r} of {self.table.fullname!r} holds"
                    f" {type(document).__name__}, not a JSON object of fields"
                )
            values = document
        else:
            values = {
                name: json_value(value) for (name, _), value in zip(fields, row[1:], strict=True)
            }
        return Record(stored, category, instant(row[0]), values)

    def exists(self, account: str) -> sa.Select[Any] | None:
        """A query for the account column of the rows with a record of *account*
        (check them with :func:`exact_accounts`)."""
        return _account_rows(self.table, self.mapping.account, account, self.integer_account)


def bind_record_table(mapping: RecordTableMapping, connection: sa.Connection) -> BoundRecordTable:
    """Look the mapping's table up and check it; :class:`StoreError` names what is wrong."""
    what = f"record mapping of {mapping.qualified_name!r}"
    table = _reflect(connection, mapping.table, mapping.schema, mapping.columns(), what)
    at = table.c[mapping.at]
    if not isinstance(at.type, (sa.DateTime, sa.Date)):
        raise StoreError(
            f"column {mapping.at!r} of {table.fullname!r} is {at.type}, not a timestamp:"
            " map a view that converts it"
        )
    return BoundRecordTable(
        mapping=mapping,
        table=table,
        naive_at=_naive(at, connection.dialect),
        integer_account=_is_integer(table.c[mapping.account]),
        text_at=connection.dialect.name == "sqlite" and isinstance(at.type, sa.DateTime),
    )


@attrs.frozen
class BoundIdentityTable:
    """An :class:`IdentityTableMapping` with the real table's columns."""

    mapping: IdentityTableMapping
    table: sa.Table
    integer_account: bool

    def select(self, kind: TargetKind, key: str) -> sa.Select[Any] | None:
        """The accounts with identifier *key* of *kind*, or ``None`` if none can match."""
        mapping = self.mapping
        if not mapping.holds(kind):
            return None
        columns = self.table.c
        # The value comes back too: the store keeps only rows whose value is the key
        # exactly, whatever the column's collation matched.
        query = sa.select(columns[mapping.account], columns[mapping.value]).where(
            columns[mapping.value] == key
        )
        if mapping.fixed_kind is None:
            query = query.where(columns[str(mapping.kind)] == kind.value)
        return query

    def exists(self, account: str) -> sa.Select[Any] | None:
        """A query for the account column of the rows with a identifier of *account*
        (check them with :func:`exact_accounts`)."""
        return _account_rows(self.table, self.mapping.account, account, self.integer_account)


def bind_identity_table(
    mapping: IdentityTableMapping, connection: sa.Connection
) -> BoundIdentityTable:
    """Look the mapping's table up and check it; :class:`StoreError` names what is wrong."""
    what = f"identity mapping of {mapping.qualified_name!r}"
    table = _reflect(connection, mapping.table, mapping.schema, mapping.columns(), what)
    return BoundIdentityTable(
        mapping=mapping,
        table=table,
        integer_account=_is_integer(table.c[mapping.account]),
    )
