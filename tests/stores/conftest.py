"""Fixtures of the store tests: every store, and an empty SQL database per backend.

``sql_database`` and ``sql_store`` run a test once on SQLite and once on PostgreSQL
(skipped without a server, failed in CI: see ``tests/sql.py``); ``backend`` runs it once
on each case store (``backends.py``). The SQL modules are imported when a fixture is
set up, so a test that takes none of them runs without SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from dueprocess.adapters import SqlStore

    from ..sql import SqlDatabase
    from .backends import Backend


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlDatabase]:
    """An empty database, once on SQLite and once on PostgreSQL."""
    from ..sql import open_database

    yield from open_database(request.param, tmp_path)


@pytest.fixture
def sql_store(sql_database: SqlDatabase) -> Iterator[SqlStore]:
    """A :class:`SqlStore` with its own (empty) tables, on each backend."""
    with sql_database.store() as store:
        yield store


@pytest.fixture(params=["memory", "sqlite", "sql-sqlite", "sql-postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each case store in turn, empty."""
    name = request.param
    if name == "memory":
        from .backends import MemoryBackend

        yield MemoryBackend()
    elif name == "sqlite":
        from .backends import SqliteBackend

        opened = SqliteBackend(tmp_path / "cases.sqlite")
        try:
            yield opened
        finally:
            opened.store.close()
    else:
        from ..sql import open_database
        from .backends import SqlStoreBackend

        for database in open_database(name.removeprefix("sql-"), tmp_path):
            opened_sql = SqlStoreBackend(database)
            try:
                yield opened_sql
            finally:
                opened_sql.store.close()
