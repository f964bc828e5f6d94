"""How :class:`~dueprocess.adapters.SqlStore` reads a service's own tables.

A service that keeps its logs in PostgreSQL or a warehouse does not copy them into
dueprocess's tables: it *maps* its tables. A :class:`RecordTableMapping` names the
table and which of its columns hold a record's account, category, instant and fields;
an :class:`IdentityTableMapping` does the same for the identifiers (e-mail address,
username, phone, profile URL) that targets are resolved through.

These are plain values with no SQLAlchemy in them, so they can be built, compared and
printed without the ``sql`` extra. The store checks them against the real table (every
column must exist, the instant column must be a timestamp) the first time it reads.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .._base._enums import Category, TargetKind

__all__ = ["FieldColumns", "IdentityTableMapping", "RecordTableMapping"]

#: A record's fields: one JSON column's name, or pairs of (field name, column name).
FieldColumns = str | tuple[tuple[str, str], ...]


def _field_columns(
    value: str | Sequence[str] | Sequence[tuple[str, str]] | Mapping[str, str],
) -> FieldColumns:
    # One converter keeps the three documented spellings equal when they mean the same.
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return tuple((str(field), str(column)) for field, column in value.items())
    # Pairs are what the converter itself returns, so attrs.evolve can pass them back.
    return tuple(
        (item[0], item[1]) if isinstance(item, tuple) else (str(item), str(item)) for item in value
    )


def _identifier(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must be a non-empty column or table name")


def _column_or(members: type[enum.Enum]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator: a column's name, or the member of *members* every row has."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(
                f"{attribute.name} must be a column name or a {members.__name__} member"
                f" (every row of that one {attribute.name})"
            )

    return check


class _Table:
    """What both mappings share: a table, perhaps in a schema."""

    __slots__ = ()
    table: str
    schema: str | None

    @property
    def qualified_name(self) -> str:
        """``schema.table`` (or the table alone), for messages."""
        return f"{self.schema}.{self.table}" if self.schema else self.table


@attrs.frozen
class RecordTableMapping(_Table):
    """An existing table read as ``dueprocess.record/1`` records.

    Args:
        table: the table (or view) name.
        account: the column holding the account id (text or an integer type). It must
            compare exactly (a binary collation, not citext or NOCASE): each row comes
            back with its account as stored, and a row of another account that the
            column matched stops the production (docs/warehouses.md).
        at: the column holding the instant, a timestamp type. Values without a time
            zone are taken as UTC.
        category: the column holding the category's name (``session_logs``…), or a
            :class:`~dueprocess.Category` member when every row of the table is of
            that one category (a table of login events is ``Category.SESSION_LOGS``).
        fields: the name of one JSON column holding the fields object; or a list of
            columns, each becoming the field of the same name; or a mapping from field
            name to column name.
        schema: the table's schema (PostgreSQL schema, BigQuery dataset, Trino
            ``catalog.schema``…); ``None`` for the connection's default.

    The store reads ``WHERE account = ? [AND category = ?] AND at BETWEEN ? AND ?
    ORDER BY at``: give the table an index (or partitioning/clustering) that starts
    with the account and ends with the instant, or every production scans it.

    >>> logins = RecordTableMapping(
    ...     table="login_events", account="user_id", at="ts",
    ...     category=Category.SESSION_LOGS, fields={"event": "kind", "ip": "client_ip"})
    >>> logins.fields
    (('event', 'kind'), ('ip', 'client_ip'))
    >>> RecordTableMapping("events", account="user_id", at="ts", category="category",
    ...                    fields=["event", "ip"]).fields
    (('event', 'event'), ('ip', 'ip'))
    """

    table: str = attrs.field(validator=_identifier)
    account: str = attrs.field(validator=_identifier)
    at: str = attrs.field(validator=_identifier)
    category: Category | str = attrs.field(validator=_column_or(Category))
    fields: FieldColumns = attrs.field(converter=_field_columns)
    schema: str | None = None

    @property
    def fixed_category(self) -> Category | None:
        """The one category of every row, or ``None`` when a column says it."""
        return self.category if isinstance(self.category, Category) else None

    def holds(self, category: Category) -> bool:
        """Whether the table can hold records of *category*."""
        fixed = self.fixed_category
        return fixed is None or fixed is category

    def columns(self) -> tuple[str, ...]:
        """Every column the mapping reads, each once, in mapping order."""
        names = [self.account, self.at]
        if self.fixed_category is None:
            names.append(str(self.category))
        if isinstance(self.fields, str):
            names.append(self.fields)
        else:
            names.extend(column for _, column in self.fields)
        return tuple(dict.fromkeys(names))


@attrs.frozen
class IdentityTableMapping(_Table):
    """An existing table that resolves targets (e-mail, username, phone, URL) to accounts.

    Args:
        table: the table (or view) name.
        account: the column holding the account id.
        value: the column holding the identifier. The store compares it with the
            target's normalised form (:func:`dueprocess.identity_key`: e-mail addresses
            and usernames lower-cased in ASCII, never casefolded; phone numbers as
            digits only), so the column must hold that form and compare exactly; map a
            view that normalises it if the table does not. A row whose value only
            collates equal to the key is ignored.
        kind: the column holding the kind (``email``, ``username``, ``phone``,
            ``url``), or a :class:`~dueprocess.TargetKind` member when every row is of
            that kind (the ``email`` column of a ``users`` table).
        schema: the table's schema; ``None`` for the connection's default.

    >>> IdentityTableMapping("users", account="id", value="email_lower",
    ...                      kind=TargetKind.EMAIL).fixed_kind
    TargetKind.EMAIL
    """

    table: str = attrs.field(validator=_identifier)
    account: str = attrs.field(validator=_identifier)
    value: str = attrs.field(validator=_identifier)
    kind: TargetKind | str = attrs.field(validator=_column_or(TargetKind))
    schema: str | None = None

    @property
    def fixed_kind(self) -> TargetKind | None:
        """The one kind of every row, or ``None`` when a column says it."""
        return self.kind if isinstance(self.kind, TargetKind) else None

    def holds(self, kind: TargetKind) -> bool:
        """Whether the table can hold identifiers of *kind*."""
        fixed = self.fixed_kind
        return fixed is None or fixed is kind

    def columns(self) -> tuple[str, ...]:
        """Every column the mapping reads, each once."""
        names = [self.account, self.value]
        if self.fixed_kind is None:
            names.append(str(self.kind))
        return tuple(dict.fromkeys(names))
