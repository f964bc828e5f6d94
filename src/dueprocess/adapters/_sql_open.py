"""Opening a store from what a user types: a SQLite path or a SQLAlchemy URL.

Every ``--store`` and ``--db`` of the command line goes through :func:`open_record_store`
or :func:`open_case_store`, so each accepts ``cases.sqlite`` as well as
``postgresql+psycopg://user@db.internal/dueprocess``. Anything with ``://`` is a URL
and opens a :class:`~dueprocess.adapters.SqlStore`; anything else is a file path and
opens the embedded SQLite store, which needs nothing beyond the standard library.

This module imports no SQLAlchemy: a path never needs the ``sql`` extra, and a URL
without it fails with :class:`SqlExtraMissing`, which names the extra to install.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..exceptions import StoreError
from ._sqlalchemy import SqlExtraMissing, require_sqlalchemy

if TYPE_CHECKING:
    from ._sql import SqlStore
    from ._sql_mapping_toml import TableMappings
    from ._sqlite_cases import SqliteCaseStore
    from ._sqlite_store import SqliteStore

__all__ = ["SqlExtraMissing", "is_url", "open_case_store", "open_record_store"]


def is_url(spec: str | os.PathLike[str]) -> bool:
    """Whether *spec* is a SQLAlchemy URL (it has ``://``) rather than a file path.

    >>> is_url("postgresql+psycopg://db.internal/dueprocess"), is_url("store.sqlite")
    (True, False)
    """
    return isinstance(spec, str) and "://" in spec


def is_in_memory(spec: str | os.PathLike[str]) -> bool:
    """Whether *spec* names a database that lives only in this process's memory
    (``:memory:``, ``sqlite://``, ``sqlite:///:memory:``, ``file::memory:``,
    ``mode=memory``): everything written to it is gone when the process ends.

    >>> [is_in_memory(s) for s in (":memory:", "sqlite://", "sqlite:///x.db", "cases.sqlite")]
    [True, True, False, False]
    """
    text = os.fspath(spec).strip()
    if text in ("", ":memory:") or text.startswith("file::memory:"):
        return True
    if not is_url(text):
        return False
    scheme, _, rest = text.partition("://")
    if scheme.split("+", 1)[0].lower() != "sqlite":
        return False
    database, _, query = rest.partition("?")
    database = database.removeprefix("/")
    return (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or "mode=memory" in query.lower()
    )


def open_record_store(
    spec: str | os.PathLike[str],
    *,
    create: bool = True,
    readonly: bool = False,
    mapping: TableMappings | None = None,
) -> SqliteStore | SqlStore:
    """The record store *spec* names: a SQLite file, or a database at a SQLAlchemy URL.

    Args:
        spec: a file path (the embedded :class:`~dueprocess.adapters.SqliteStore`) or a
            URL such as ``postgresql+psycopg://user@host/db`` or ``sqlite:///x.db``
            (:class:`~dueprocess.adapters.SqlStore` over dueprocess's own tables).
        create: create the store's tables if they are missing.
        readonly: open for reading only (to produce); implies ``create=False``.
        mapping: read the service's own tables through these mappings
            (:func:`~dueprocess.adapters.load_table_mappings`); *spec* must then be a
            SQLAlchemy URL, and the store only reads.

    Both results are record sources and context managers; close them when done.

    Raises:
        StoreError: the store cannot be opened, or is not a dueprocess store.
        SqlExtraMissing: *spec* is a URL and SQLAlchemy is not installed.

    >>> with open_record_store(":memory:") as store:
    ...     store.counts()
    {'accounts': 0, 'identities': 0, 'records': 0}
    """
    if mapping is not None:
        if not is_url(spec):
            raise StoreError(
                f"{spec}: a table mapping is read through SQLAlchemy: give the store as a URL"
                " (sqlite:///path/to/file.db, postgresql+psycopg://host/db)"
            )
        require_sqlalchemy()
        from ._sql import SqlStore

        return SqlStore(
            str(spec),
            record_tables=mapping.records,
            identity_tables=mapping.identities,
            create=False,
            readonly=True,
        )
    if is_url(spec):
        return _sql_store(str(spec), create=create, readonly=readonly)
    from ._sqlite_store import SqliteStore

    return SqliteStore(spec, create=create, readonly=readonly)


def open_case_store(
    spec: str | os.PathLike[str], *, create: bool = True
) -> SqliteCaseStore | SqlStore:
    """The case and audit store *spec* names: a SQLite file, or a SQLAlchemy URL.

    Args:
        spec: a file path (the embedded SQLite case store) or a SQLAlchemy URL
            (:class:`~dueprocess.adapters.SqlStore`, whose case and audit tables share
            the database with its record tables).
        create: create the store's tables if they are missing.

    Both results are :class:`~dueprocess.typing.CaseStore` objects and context
    managers; close them when done.

    Raises:
        StoreError: the store cannot be opened, or is not a dueprocess store.
        SqlExtraMissing: *spec* is a URL and SQLAlchemy is not installed.

    >>> with open_case_store(":memory:") as store:
    ...     store.cases(), store.audit.head()
    ([], None)
    """
    if is_url(spec):
        return _sql_store(str(spec), create=create, readonly=False)
    from ._sqlite_cases import SqliteCaseStore

    return SqliteCaseStore(spec, create=create)


def _sql_store(url: str, *, create: bool, readonly: bool) -> SqlStore:
    require_sqlalchemy()
    from ._sql import SqlStore

    return SqlStore(url, create=create, readonly=readonly)
