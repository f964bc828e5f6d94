"""The SQL store's mapping of existing tables, written as a TOML file.

The command line's ``--mapping FILE.toml`` reads this; Python callers may use
:func:`load_table_mappings` too, or build the mappings directly. The file has one
``[[records]]`` table per record table and one ``[[identities]]`` table per identity
table::

    [[records]]
    table = "login_events"
    schema = "app"                 # optional
    account = "user_id"
    at = "ts"
    category = "session_logs"      # every row is of this category...
    # category_column = "kind"     # ...or a column names each row's category
    fields = { event = "kind", ip = "client_ip" }   # or ["event", "ip"], or "payload"

    [[identities]]
    table = "users"
    account = "id"
    value = "email_lower"
    kind = "email"                 # or kind_column = "identifier_kind"

``category`` and ``kind`` name the one category or kind of every row; a column that
says it per row is ``category_column`` or ``kind_column`` (TOML has no other way to
tell a category from a column name). Every problem is reported at once, each naming
its key (``records[0].fields``), in a :class:`~dueprocess.exceptions.StoreError`.

TOML is read with :mod:`tomllib` (Python 3.11+) or, on Python 3.10, the ``tomli``
package that the ``sql`` extra installs there.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from .._base._enums import Category, TargetKind
from .._production._records import IDENTITY_KINDS
from ..exceptions import StoreError
from ._sql_mapping import IdentityTableMapping, RecordTableMapping

__all__ = ["TableMappings", "load_table_mappings", "parse_table_mappings"]

#: The largest mapping file read: far above any real mapping.
MAX_MAPPING_BYTES = 1 << 20

_RECORD_KEYS = ("table", "schema", "account", "at", "category", "category_column", "fields")
_IDENTITY_KEYS = ("table", "schema", "account", "value", "kind", "kind_column")
_TOP_KEYS = ("records", "identities")
_Member = TypeVar("_Member", Category, TargetKind)


@attrs.frozen
class TableMappings:
    """The record and identity tables a :class:`~dueprocess.adapters.SqlStore` reads.

    Pass them on as ``SqlStore(url, record_tables=m.records, identity_tables=m.identities)``
    or ``open_record_store(url, mapping=m)``.
    """

    records: tuple[RecordTableMapping, ...]
    identities: tuple[IdentityTableMapping, ...] = ()


def _toml() -> Any:
    # tomllib is the standard library's from Python 3.11; tomli is the same parser.
    name = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - Python 3.10 without the sql extra
        raise StoreError(
            "reading a TOML mapping on Python 3.10 needs tomli: pip install 'dueprocess[sql]'"
        ) from None


def load_table_mappings(path: str | os.PathLike[str]) -> TableMappings:
    """Read a TOML mapping file (see the module's documentation for its form).

    Raises:
        StoreError: the file cannot be read, is not TOML, or maps wrongly; the message
            names the file and every bad key.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_MAPPING_BYTES + 1)
    except OSError as error:
        raise StoreError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_MAPPING_BYTES:
        raise StoreError(f"{path}: larger than {MAX_MAPPING_BYTES >> 20} MiB; not a mapping")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StoreError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return parse_table_mappings(text, what=str(path))


def parse_table_mappings(text: str, *, what: str = "mapping") -> TableMappings:
    """Parse the text of a TOML mapping.

    >>> mappings = parse_table_mappings('''
    ... [[records]]
    ... table = "logins"
    ... account = "user_id"
    ... at = "ts"
    ... category = "session_logs"
    ... fields = ["event", "ip"]
    ... ''')
    >>> mappings.records[0].fixed_category, mappings.records[0].fields
    (Category.SESSION_LOGS, (('event', 'event'), ('ip', 'ip')))
    >>> parse_table_mappings('[[records]]\\ntabel = "x"')
    Traceback (most recent call last):
    ...
    dueprocess.exceptions.StoreError: mapping: invalid table mapping:
      records[0].tabel: unknown key; did you mean 'table'?
      records[0].table: required
      ...
    """
    toml = _toml()
    try:
        document = toml.loads(text)
    except toml.TOMLDecodeError as error:
        raise StoreError(f"{what}: not TOML: {error}") from None
    problems: list[str] = []
    _unknown(document, _TOP_KEYS, "", problems)
    records = [
        _record(item, f"records[{index}]", problems)
        for index, item in enumerate(_array(document, "records", problems, required=True))
    ]
    identities = [
        _identity(item, f"identities[{index}]", problems)
        for index, item in enumerate(_array(document, "identities", problems, required=False))
    ]
    if problems:
        raise StoreError(f"{what}: invalid table mapping:\n  " + "\n  ".join(problems))
    return TableMappings(
        records=tuple(item for item in records if item is not None),
        identities=tuple(item for item in identities if item is not None),
    )


def _array(
    document: Mapping[str, Any], key: str, problems: list[str], *, required: bool
) -> list[Mapping[str, Any]]:
    value = document.get(key)
    if value is None:
        if required:
            problems.append(f"{key}: required: at least one [[{key}]] table")
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        problems.append(f"{key}: expected an array of tables, written [[{key}]]")
        return []
    if required and not value:
        problems.append(f"{key}: required: at least one [[{key}]] table")
    return value


def _unknown(
    table: Mapping[str, Any], allowed: tuple[str, ...], where: str, problems: list[str]
) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "expected " + ", ".join(allowed)
            problems.append(f"{where}{key}: unknown key; {hint}")


def _name(
    table: Mapping[str, Any], key: str, where: str, problems: list[str], *, required: bool = True
) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            problems.append(f"{where}.{key}: required")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}.{key}: expected a non-empty name, got {value!r}")
        return None
    return value


def _either(
    table: Mapping[str, Any],
    fixed_key: str,
    column_key: str,
    members: Mapping[str, _Member],
    where: str,
    problems: list[str],
) -> _Member | str | None:
    """The one member every row has (*fixed_key*), or the column naming it per row."""
    if (fixed_key in table) == (column_key in table):
        problems.append(f"{where}: give either {fixed_key} or {column_key}, not both or neither")
        return None
    if column_key in table:
        return _name(table, column_key, where, problems)
    value = table[fixed_key]
    member = members.get(value) if isinstance(value, str) else None
    if member is None:
        problems.append(
            f"{where}.{fixed_key}: expected one of {', '.join(members)}, got {value!r}"
            f" (a column naming it per row is {column_key})"
        )
    return member


def _fields(
    table: Mapping[str, Any], where: str, problems: list[str]
) -> str | list[str] | dict[str, str] | None:
    value = table.get("fields")
    expected = "a JSON column's name, an array of column names or a table of field = column"
    if value is None:
        problems.append(f"{where}.fields: required: {expected}")
        return None
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return list(value)
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        return dict(value)
    problems.append(f"{where}.fields: expected {expected}")
    return None


def _table(
    table: Mapping[str, Any], allowed: tuple[str, ...], where: str, problems: list[str]
) -> tuple[str | None, str | None, str | None]:
    """What every mapping names: no unknown key, then its table, schema and account column."""
    _unknown(table, allowed, f"{where}.", problems)
    return (
        _name(table, "table", where, problems),
        _name(table, "schema", where, problems, required=False),
        _name(table, "account", where, problems),
    )


def _record(table: Mapping[str, Any], where: str, problems: list[str]) -> RecordTableMapping | None:
    before = len(problems)
    name, schema, account = _table(table, _RECORD_KEYS, where, problems)
    at = _name(table, "at", where, problems)
    members = {category.value: category for category in Category}
    category = _either(table, "category", "category_column", members, where, problems)
    fields = _fields(table, where, problems)
    if (
        len(problems) > before
        or name is None
        or account is None
        or at is None
        or fields is None
        or category is None
    ):
        return None
    return RecordTableMapping(name, account, at, category, fields, schema=schema)


def _identity(
    table: Mapping[str, Any], where: str, problems: list[str]
) -> IdentityTableMapping | None:
    before = len(problems)
    name, schema, account = _table(table, _IDENTITY_KEYS, where, problems)
    value = _name(table, "value", where, problems)
    members = {kind.value: kind for kind in IDENTITY_KINDS}
    kind = _either(table, "kind", "kind_column", members, where, problems)
    if len(problems) > before or name is None or account is None or value is None or kind is None:
        return None
    return IdentityTableMapping(name, account, value, kind, schema=schema)
