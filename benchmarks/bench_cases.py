"""Benchmark: ``Cases.due()`` and ``Cases.ledger()`` cost the same on a store 100x larger.

Target (issue #13, point 8): on SQLite (``SqliteCaseStore``) and on PostgreSQL
(``SqlStore``), asking what falls due in the next day, and for one account's ledger,
takes at most 1.5x as long in a store of 1,000,000 cases as in one of 10,000
(``--quick``: 50,000 against 1,000), measured in the same run. Both questions are
answered from an index (the ``due_at`` column, the ``disclosures`` table), so the cost
follows the size of the answer, not of the store.

The stores are filled by bulk insert (SQLite ``executemany``, PostgreSQL ``COPY``) with
rows made from three real cases built through :class:`dueprocess.cases.Cases`, their ids and
account changed per row, as a platform's store would look: most cases closed and
produced (each disclosing one account, so the ledger's index has a row per case), 1 %
still open with a deadline later than the day asked about, 50 falling due in that day,
and 50 productions of the account whose ledger is read. Needs a PostgreSQL server for
the second half (skipped, with a note, without one):

    eval "$(.ci/postgres.sh start)"
    python benchmarks/bench_cases.py [--quick] [--url URL]

The URL defaults to ``DUEPROCESS_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
from _request import subpoena

from dueprocess import Review, load_request
from dueprocess._cases._codec import encode_case, micros
from dueprocess.adapters import SqliteCaseStore
from dueprocess.cases import Cases
from dueprocess.testing import ManualClock, MemoryCaseStore, MemorySink, MemoryStore
from dueprocess.typing import CaseStore, RecordSource, Sink

#: Exit status when a ratio misses its target (a crash exits 1), so CI can tell them apart.
MISSED_TARGET = 3

TARGET = 1.5
UTC = dt.timezone.utc
DUE_CASES = 50
TARGET_CASES = 50
LEDGER_ACCOUNT = "TARGET-ACCOUNT"
PLACEHOLDER_ID = "TEMPLATE-CASE"
PLACEHOLDER_ACCOUNT = "TEMPLATE-ACCOUNT"
#: The benchmark asks at NOW what falls due before NOW + 1 day.
NOW = dt.datetime(2023, 5, 19, 12, tzinfo=UTC)
LATER = micros(dt.datetime(2030, 1, 1, tzinfo=UTC))
REQUEST = subpoena(PLACEHOLDER_ID, "100001")


@attrs.frozen
class _Manifest:
    accounts: tuple[str, ...]
    counts: dict[str, int]
    records: int
    merkle_root: str


def _producer(review: Review, source: RecordSource, sink: Sink, *, produced_at: Any) -> _Manifest:
    """Stands in for dueprocess.produce: one subscriber record of the placeholder account."""
    line = (
        f'{{"account":"{PLACEHOLDER_ACCOUNT}","category":"subscriber",'
        '"at":"2023-04-01T00:00:00Z","fields":{}}\n'
    )
    sink.write("records.jsonl", [line.encode()])
    sink.commit()
    return _Manifest((PLACEHOLDER_ACCOUNT,), {"subscriber": 1}, 1, "ab" * 32)


@attrs.frozen
class Templates:
    """Documents of a closed case and of a case falling due, with their due_at."""

    closed: str
    due: str
    due_at: int


def templates() -> Templates:
    clock = ManualClock(dt.datetime(2023, 5, 20, tzinfo=UTC))
    cases = Cases(MemoryCaseStore(), clock, notifier=_Discard(), producer=_producer)
    request = load_request(REQUEST)
    cases.open(request, actor="intake")
    # The notice comes before disclosure, as the case layer requires.
    cases.notify(PLACEHOLDER_ID, actor="clerk")
    cases.produce(PLACEHOLDER_ID, MemoryStore(), MemorySink(), actor="clerk")
    closed = encode_case(cases.close(PLACEHOLDER_ID, actor="counsel")).case
    assert closed.due_at is None
    clock.set(dt.datetime(2023, 5, 10, 17, tzinfo=UTC))
    pending = Cases(MemoryCaseStore(), clock).open(request, actor="intake")
    due = encode_case(pending).case
    assert due.due_at is not None
    assert due.due_at < micros(NOW + dt.timedelta(days=1))
    return Templates(closed.document, due.document, due.due_at)


class _Discard:
    def deliver(self, notice: object) -> None:
        pass


def spread(count: int, total: int) -> set[int]:
    """*count* numbers spread evenly over ``range(total)``."""
    return {total * k // count + total // (2 * count) for k in range(count)}


def case_rows(total: int, shapes: Templates) -> Iterator[tuple[str, int | None, str, str | None]]:
    """(id, due_at, document, disclosed account) for every case of a store of *total*."""
    due_ids = spread(DUE_CASES, total)
    target_ids = {number + 2 for number in spread(TARGET_CASES, total)}
    assert not due_ids & target_ids
    accounts = max(1, total // 5)
    for number in range(total):
        case_id = f"C{number:08d}"
        if number in due_ids:
            yield case_id, shapes.due_at, shapes.due.replace(PLACEHOLDER_ID, case_id), None
        elif number % 100 == 1:
            # Open, with its earliest deadline after the day asked about.
            yield case_id, LATER, shapes.due.replace(PLACEHOLDER_ID, case_id), None
        else:
            account = LEDGER_ACCOUNT if number in target_ids else f"A{number % accounts:08d}"
            document = shapes.closed.replace(PLACEHOLDER_ID, case_id)
            yield case_id, None, document.replace(PLACEHOLDER_ACCOUNT, account), account


def state_of(document: str) -> str:
    return "closed" if '"state": "closed"' in document else "notice_pending"


# --- loading -------------------------------------------------------------------------------


def load_sqlite(path: Path, total: int, shapes: Templates) -> float:
    started = time.perf_counter()
    SqliteCaseStore(path).close()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    batch: list[tuple[Any, ...]] = []
    disclosures: list[tuple[str, str]] = []
    for case_id, due_at, document, account in case_rows(total, shapes):
        batch.append((case_id, case_id, state_of(document), 1, due_at, document))
        if account is not None:
            disclosures.append((account, case_id))
        if len(batch) >= 10_000:
            _flush_sqlite(connection, batch, disclosures)
    _flush_sqlite(connection, batch, disclosures)
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.close()
    return time.perf_counter() - started


def _flush_sqlite(
    connection: sqlite3.Connection, batch: list[tuple[Any, ...]], disclosures: list[Any]
) -> None:
    connection.executemany(
        "INSERT INTO cases (id, request_id, state, version, due_at, document)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        batch,
    )
    connection.executemany("INSERT INTO disclosures (account, case_id) VALUES (?, ?)", disclosures)
    batch.clear()
    disclosures.clear()


def _copy_text(value: object) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def load_postgres(url: str, schema: str, prefix: str, total: int, shapes: Templates) -> float:
    import sqlalchemy as sa

    from dueprocess.adapters import SqlStore

    started = time.perf_counter()
    SqlStore(url, schema=schema, prefix=prefix).close()
    engine = sa.create_engine(url)
    cases, disclosures = f"{schema}.{prefix}cases", f"{schema}.{prefix}disclosures"
    with engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        columns = "(id, request_id, state, version, due_at, document)"
        with cursor.copy(f"COPY {cases} {columns} FROM STDIN") as copy:
            for case_id, due_at, document, _ in case_rows(total, shapes):
                fields = (case_id, case_id, state_of(document), 1, due_at, document)
                copy.write(("\t".join(map(_copy_text, fields)) + "\n").encode())
        with cursor.copy(f"COPY {disclosures} (account, case_id) FROM STDIN") as copy:
            for case_id, _, _, account in case_rows(total, shapes):
                if account is not None:
                    copy.write(f"{account}\t{case_id}\n".encode())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM ANALYZE {cases}")
        connection.exec_driver_sql(f"VACUUM ANALYZE {disclosures}")
    engine.dispose()
    return time.perf_counter() - started


# --- measuring -----------------------------------------------------------------------------


def questions(store: CaseStore) -> tuple[Callable[[], object], Callable[[], object]]:
    """due() for the next day and one account's ledger, each checking its answer."""
    cases = Cases(store, ManualClock(NOW))
    before = NOW + dt.timedelta(days=1)

    def due() -> None:
        found = cases.due(before=before)
        assert len(found) == 2 * DUE_CASES, len(found)

    def ledger() -> None:
        found = cases.ledger(LEDGER_ACCOUNT, now=NOW)
        assert len(found) == TARGET_CASES, len(found)

    return due, ledger


def measure(small: CaseStore, big: CaseStore, repeats: int) -> list[tuple[float, float]]:
    """Best seconds of each question on each store. The stores take turns, so that
    noise from other processes on the machine falls on both alike."""
    work = [questions(small), questions(big)]
    best = [[float("inf"), float("inf")], [float("inf"), float("inf")]]
    for _ in range(repeats):
        for which in (0, 1):
            for question in (0, 1):
                started = time.perf_counter()
                work[which][question]()
                elapsed = time.perf_counter() - started
                best[which][question] = min(best[which][question], elapsed)
    return [(due, ledger) for due, ledger in best]


def report(backend: str, sizes: tuple[int, int], figures: list[tuple[float, float]]) -> bool:
    (small_due, small_ledger), (big_due, big_ledger) = figures
    ok = True
    for what, small, big in (("due()", small_due, big_due), ("ledger()", small_ledger, big_ledger)):
        ratio = big / small
        ok = ok and ratio <= TARGET
        print(
            f"  {backend} {what:9} {sizes[0]:>9,} cases: {small * 1000:7.2f} ms;"
            f" {sizes[1]:>9,} cases: {big * 1000:7.2f} ms; ratio {ratio:.2f}x"
            f" (target <= {TARGET}x)"
        )
    return ok


def run_sqlite(sizes: tuple[int, int], shapes: Templates, repeats: int) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench_cases_") as folder:
        paths = [Path(folder) / f"cases-{size}.sqlite" for size in sizes]
        for path, size in zip(paths, sizes, strict=True):
            seconds = load_sqlite(path, size, shapes)
            print(f"  sqlite: {size:>9,} cases loaded in {seconds:6.1f} s")
        with (
            SqliteCaseStore(paths[0], create=False) as small,
            SqliteCaseStore(paths[1], create=False) as big,
        ):
            figures = measure(small, big, repeats)
    return report("sqlite", sizes, figures)


def run_postgres(url: str, sizes: tuple[int, int], shapes: Templates, repeats: int) -> bool:
    import sqlalchemy as sa

    from dueprocess.adapters import SqlStore

    schema = f"bench_cases_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        for size in sizes:
            seconds = load_postgres(url, schema, f"n{size}_", size, shapes)
            print(f"  postgresql: {size:>9,} cases loaded in {seconds:6.1f} s")
        with (
            SqlStore(url, schema=schema, prefix=f"n{sizes[0]}_", readonly=True) as small,
            SqlStore(url, schema=schema, prefix=f"n{sizes[1]}_", readonly=True) as big,
        ):
            figures = measure(small, big, repeats)
            for line in plans(big, schema, f"n{sizes[1]}_"):
                print(f"  plan: {line}")
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()
    return report("postgresql", sizes, figures)


def plans(store: Any, schema: str, prefix: str) -> list[str]:
    """PostgreSQL's plan for both questions, as a server-side cursor (which the store
    uses) plans them: each must read an index range, never the whole table."""
    cases, disclosures = f"{schema}.{prefix}cases", f"{schema}.{prefix}disclosures"
    before = micros(NOW + dt.timedelta(days=1))
    queries = (
        f"SELECT id, document FROM {cases} WHERE due_at < {before} ORDER BY due_at, id",
        f"SELECT c.id, c.document FROM {cases} c JOIN {disclosures} d ON d.case_id = c.id"
        f" WHERE d.account = '{LEDGER_ACCOUNT}' ORDER BY d.case_id",
    )
    found = []
    with store.engine.begin() as connection:
        for query in queries:
            rows = connection.exec_driver_sql(f"EXPLAIN DECLARE bench CURSOR FOR {query}")
            found.append(" / ".join(str(row[0]).strip() for row in rows))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller stores, for CI")
    parser.add_argument("--url", default=os.environ.get("DUEPROCESS_TEST_POSTGRES_URL"))
    args = parser.parse_args(argv)
    sizes = (1_000, 50_000) if args.quick else (10_000, 1_000_000)
    repeats = 40
    shapes = templates()
    print("== SQLite (SqliteCaseStore)")
    ok = run_sqlite(sizes, shapes, repeats)
    if args.url:
        print("== PostgreSQL (SqlStore)")
        ok = run_postgres(args.url, sizes, shapes, repeats) and ok
    else:
        print("== PostgreSQL skipped: give --url or set DUEPROCESS_TEST_POSTGRES_URL")
    print("PASS" if ok else "FAIL")
    return 0 if ok else MISSED_TARGET


if __name__ == "__main__":
    sys.exit(main())
