"""Empty SQL databases for the tests: one test suite, run on SQLite and on PostgreSQL.

The fixtures ``sql_database`` and ``sql_store`` (``tests/stores/conftest.py``) run a test
once per backend through :func:`open_database`; a test outside ``stores`` that needs a
database opens one the same way.

PostgreSQL is found through ``DUEPROCESS_TEST_POSTGRES_URL`` (``.ci/postgres.sh start``
prints it). Without it the PostgreSQL runs are skipped with that reason, except in CI
(``CI=true``), where a missing server fails the run: CI never passes by skipping.

Each PostgreSQL test gets a schema of its own, dropped afterwards, so tests neither see
nor disturb each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

POSTGRES_ENV = "DUEPROCESS_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def in_ci() -> bool:
    """Whether this run is CI, where nothing may be skipped for want of a service."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


if in_ci():
    import sqlalchemy as sa
else:
    sa = pytest.importorskip(
        "sqlalchemy", reason="the SQL store needs SQLAlchemy: pip install -e '.[sql,test]'"
    )

from dueprocess.adapters import SqlStore  # noqa: E402


def postgres_url() -> str:
    """The test server's URL; skip (locally) or fail (in CI) without one."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if url:
        return url
    if in_ci():
        pytest.fail(
            f"CI=true but {POSTGRES_ENV} is not set: .ci/run must start PostgreSQL"
            ' (eval "$(.ci/postgres.sh start)") before the tests',
            pytrace=False,
        )
    pytest.skip(
        f"PostgreSQL runs need {POSTGRES_ENV}; start a throw-away server with"
        ' eval "$(.ci/postgres.sh start)"'
    )


@attrs.frozen
class SqlDatabase:
    """One empty database for one test: a SQLite file, or a fresh PostgreSQL schema."""

    backend: str
    url: str
    schema: str | None

    def store(self, **options: Any) -> SqlStore:
        """A :class:`SqlStore` on this database (its tables in the test's schema)."""
        options.setdefault("schema", self.schema)
        return SqlStore(self.url, **options)

    def engine(self) -> sa.Engine:
        """A plain engine on the database, for setting up and inspecting tables."""
        return sa.create_engine(self.url)

    def metadata(self) -> sa.MetaData:
        """Metadata whose tables land in the test's schema."""
        return sa.MetaData(schema=self.schema)

    def spec(self) -> str:
        """A URL alone that reaches the test's tables (PostgreSQL: ``search_path``).

        What a user types after ``--store`` or ``--db``, password included.
        """
        if self.schema is None:
            return self.url
        url = sa.make_url(self.url).update_query_dict({"options": f"-csearch_path={self.schema}"})
        return url.render_as_string(hide_password=False)

    def table(self, name: str) -> str:
        """*name* qualified with the test's schema, for raw SQL."""
        return f"{self.schema}.{name}" if self.schema else name


def open_database(backend: str, tmp_path: Path) -> Iterator[SqlDatabase]:
    """Set up an empty database on *backend*, yield it, then remove it."""
    if backend == "sqlite":
        yield SqlDatabase("sqlite", f"sqlite:///{tmp_path / 'store.db'}", None)
        return
    url = postgres_url()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        yield SqlDatabase("postgresql", url, schema)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        engine.dispose()
