"""Fixtures for the SQL store's tests: one test suite, run on SQLite and on PostgreSQL.

Import the fixtures into a test module (``from _sql_fixtures import sql_database,
sql_store``); every test that takes one runs once per backend.

PostgreSQL is found through ``DUEPROCESS_TEST_POSTGRES_URL`` (``.ci/postgres.sh start``
prints it). Without it the PostgreSQL runs are skipped with that reason, except in CI
(``CI=true``), where a missing server fails the run: CI never passes by skipping.

Each PostgreSQL test gets a schema of its own, dropped afterwards, so tests neither see
nor disturb each other's tables. The worker functions at the bottom run in child
processes (``multiprocessing`` with ``spawn``), so they live in this importable module.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
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


@pytest.fixture(params=BACKENDS)
def sql_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlDatabase]:
    """An empty database, once on SQLite and once on PostgreSQL."""
    yield from open_database(request.param, tmp_path)


@pytest.fixture
def sql_store(sql_database: SqlDatabase) -> Iterator[SqlStore]:
    """A :class:`SqlStore` with its own (empty) tables, on each backend."""
    with sql_database.store() as store:
        yield store


# --- workers for the concurrency tests (run in child processes) -----------------------


def run_in_processes(worker: Any, arguments: list[tuple[Any, ...]]) -> list[str]:
    """Run *worker* once per argument tuple, each in a process of its own, all at once.

    Every call gets a barrier shared by all of them as its last argument; the results
    come back in the order of *arguments*.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(arguments))
    results = context.Queue()
    processes = [
        context.Process(target=_report, args=(index, worker, (*args, barrier), results))
        for index, args in enumerate(arguments)
    ]
    for process in processes:
        process.start()
    try:
        found = dict(results.get(timeout=180) for _ in processes)
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():  # pragma: no cover - only when a worker hangs
                process.kill()
    return [found[index] for index in range(len(arguments))]


def _report(index: int, worker: Any, args: tuple[Any, ...], results: Any) -> None:
    try:
        outcome = worker(*args)
    except BaseException as error:  # the parent reports it; a child has no test to fail
        outcome = f"{type(error).__name__}: {error}"
    results.put((index, outcome))


def update_after_barrier(
    url: str, schema: str | None, case_id: str, actor: str, barrier: Any
) -> str:
    """Read the case, wait for the other worker to have read it too, then update it.

    Returns ``"ok"``, ``"conflict"`` or the error's text.
    """
    import dueprocess
    from dueprocess.cases import CaseAction, CaseEvent, CaseState

    with SqlStore(url, schema=schema, create=False) as store:
        case = store.get(case_id)
        barrier.wait(timeout=60)
        event = CaseEvent(
            dt.datetime(2023, 5, 12, tzinfo=dt.timezone.utc),
            actor,
            case.state,
            CaseState.CLOSED,
            f"closed by {actor}",
            CaseAction.CLOSE,
        )
        changed = attrs.evolve(
            case, version=case.version + 1, state=CaseState.CLOSED, events=(*case.events, event)
        )
        try:
            store.update(changed, [event])
        except dueprocess.exceptions.ConflictError:
            return "conflict"
        except Exception as error:  # reported to the parent, which fails the test
            return f"{type(error).__name__}: {error}"
        return "ok"


def open_cases_after_barrier(
    url: str, schema: str | None, worker: int, count: int, barrier: Any
) -> str:
    """Open *count* cases through the case service, all writers starting together."""
    import dueprocess
    from _cases_support import request
    from dueprocess.testing import ManualClock

    clock = ManualClock(dt.datetime(2023, 5, 10, 17, tzinfo=dt.timezone.utc))
    with SqlStore(url, schema=schema, create=False) as store:
        cases = dueprocess.cases.Cases(store, clock)
        barrier.wait(timeout=60)
        try:
            for number in range(count):
                opened = cases.open(request(id=f"W{worker}-{number}"), actor=f"worker {worker}")
                cases.close(opened.id, actor=f"worker {worker}", reason="done")
        except Exception as error:  # reported to the parent, which fails the test
            return f"{type(error).__name__}: {error}"
    return "ok"
