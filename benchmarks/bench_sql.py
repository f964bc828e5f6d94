"""Benchmark: SqlStore on PostgreSQL reads by index and produces in flat memory.

Targets (issue #6), both measured in the same run against a baseline of the same run:

* **index, not scan**: reading one account's 1,000 records from a 10,000,000-row table
  takes at most 1.5x the time of reading one account's 1,000 records from a
  100,000-row table (``--quick``: 1,000,000 rows against 10,000);
* **flat memory**: producing 1,000,000 records raises the producing process's peak
  resident memory by at most 32 MiB over producing 100,000 (``--quick``: 100,000
  against 10,000). Each production runs in a fresh process that writes a real
  production directory, so its peak RSS is its own, C allocations included.

Tables are loaded with ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``) into a schema
of their own, dropped at the end. Needs a PostgreSQL server:

    eval "$(.ci/postgres.sh start)"
    python benchmarks/bench_sql.py [--quick] [--url URL] [--keep]
    .ci/postgres.sh stop

The URL defaults to ``DUEPROCESS_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from _request import subpoena
from _timing import best_of

from dueprocess import Category, load_request, produce, review
from dueprocess.adapters import DirectorySink, SqlStore

#: Exit status when a ratio misses its target (a crash exits 1), so CI can tell them apart.
MISSED_TARGET = 3

INDEX_TARGET = 1.5
MEMORY_TARGET_MIB = 32.0
PER_ACCOUNT = 1_000
UTC = dt.timezone.utc
# The produced records fall inside the request's period, 2023-03-01..2023-04-30.
START = dt.datetime(2023, 3, 1, tzinfo=UTC)
REQUEST = subpoena("BENCH-1", "TARGET")


def account_id(number: int) -> str:
    # Zero-padded so that text order is number order: rows go in in key order.
    return f"{number:09d}"


def rows(accounts: range, per_account: int) -> Iterator[bytes]:
    """COPY text rows (account, category, at, digest, fields) in primary-key order.

    Each account's records are spread over the request's 61-day period; digests are
    the real SHA-256 of each record's canonical bytes, built here by hand for speed.
    """
    step = dt.timedelta(days=61) / per_account
    offsets = [START + step * n for n in range(per_account)]
    stamps = [(moment.isoformat(), moment.isoformat().replace("+00:00", "Z")) for moment in offsets]
    sha256 = hashlib.sha256
    for number in accounts:
        account = account_id(number)
        lines = []
        for n, (stamp, zulu) in enumerate(stamps):
            fields = f'{{"event":"login","ip":"10.{number % 256}.{n // 256 % 256}.{n % 256}"}}'
            canonical = (
                f'{{"account":"{account}","at":"{zulu}","category":"session_logs",'
                f'"fields":{fields}}}'
            )
            digest = sha256(canonical.encode()).hexdigest()
            lines.append(f"{account}\tsession_logs\t{stamp}\t{digest}\t{fields}\n")
        yield "".join(lines).encode()


def load(url: str, schema: str, prefix: str, accounts: int, per_account: int) -> float:
    """Create a store's tables and COPY *accounts* x *per_account* records in; seconds."""
    started = time.perf_counter()
    SqlStore(url, schema=schema, prefix=prefix).close()
    table = f"{schema}.{prefix}records"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()
        copy_sql = f"COPY {table} (account, category, at, digest, fields) FROM STDIN"
        with cursor.copy(copy_sql) as copy:
            for chunk in rows(range(accounts), per_account):
                copy.write(chunk)
        connection.exec_driver_sql(
            f"INSERT INTO {schema}.{prefix}accounts (id) SELECT DISTINCT account FROM {table}"
        )
    # VACUUM now, so that autovacuum does not wake up on the fresh table mid-measurement.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    engine.dispose()
    return time.perf_counter() - started


def read_one_account(store: SqlStore, accounts: int) -> Callable[[], object]:
    """Reading the middle account's records, all of them, as Record objects."""
    account = account_id(accounts // 2)
    end = START + dt.timedelta(days=61)

    def work() -> None:
        found = list(store.records(account, Category.SESSION_LOGS, START, end))
        assert len(found) == PER_ACCOUNT, len(found)

    return work


def plan(store: SqlStore, schema: str, prefix: str, accounts: int) -> str:
    """The top node of PostgreSQL's plan for the records query."""
    with store.engine.connect() as connection:
        lines = connection.exec_driver_sql(
            f"EXPLAIN SELECT at, fields FROM {schema}.{prefix}records"
            " WHERE account = %(a)s AND category = 'session_logs'"
            " AND at >= %(s)s AND at <= %(e)s ORDER BY at",
            {"a": account_id(accounts // 2), "s": START, "e": START + dt.timedelta(days=61)},
        ).scalars()
        return str(next(iter(lines))).strip()


def compare_reads(
    url: str, schema: str, small_accounts: int, big_accounts: int
) -> tuple[float, float, str]:
    """Best times to read one account from the small and the big table, interleaved."""
    with (
        SqlStore(url, schema=schema, prefix="small_", readonly=True) as small,
        SqlStore(url, schema=schema, prefix="big_", readonly=True) as big,
    ):
        read_small = read_one_account(small, small_accounts)
        read_big = read_one_account(big, big_accounts)
        for _ in range(3):  # warm caches and connection pools
            read_small()
            read_big()
        small_best = big_best = float("inf")
        for _ in range(10):
            small_best = min(small_best, best_of(3, read_small))
            big_best = min(big_best, best_of(3, read_big))
        return small_best, big_best, plan(big, schema, "big_", big_accounts)


def produce_in_child(url: str, schema: str, prefix: str, account: str) -> dict[str, float]:
    """Run one production in a fresh process; its peak RSS, time and record count."""
    command = [sys.executable, __file__, "--child", url, schema, prefix, account]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the producing process failed:\n{result.stderr}")
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def child(url: str, schema: str, prefix: str, account: str) -> None:
    document = json.loads(json.dumps(REQUEST).replace("TARGET", account))
    result = review(load_request(document))
    started = time.perf_counter()
    with (
        SqlStore(url, schema=schema, prefix=prefix, readonly=True) as store,
        tempfile.TemporaryDirectory() as directory,
    ):
        manifest = produce(
            result,
            store,
            DirectorySink(os.path.join(directory, "production")),
            produced_at=dt.datetime(2023, 5, 11, tzinfo=UTC),
        )
    seconds = time.perf_counter() - started
    figures = {"peak_mib": peak_rss_mib(), "seconds": seconds, "records": manifest.records}
    print(json.dumps(figures))


def peak_rss_mib() -> float:
    """This process's peak resident memory.

    Linux's ``VmHWM`` belongs to the process's own address space, which ``exec`` makes
    new; ``getrusage``'s ``ru_maxrss`` carries the parent's peak across fork and exec,
    so a child started by a large parent would report the parent's figure.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller tables, for CI")
    parser.add_argument("--url", default=os.environ.get("DUEPROCESS_TEST_POSTGRES_URL"))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's schema")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    if not args.url:
        print("give --url or set DUEPROCESS_TEST_POSTGRES_URL (.ci/postgres.sh start)")
        return 2
    url: str = args.url
    big_accounts, small_accounts = (1_000, 10) if args.quick else (10_000, 100)
    big_production, small_production = (100_000, 10_000) if args.quick else (1_000_000, 100_000)
    schema = f"bench_sql_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        print(f"== loading with COPY into schema {schema}")
        for prefix, accounts, per_account in (
            ("small_", small_accounts, PER_ACCOUNT),
            ("big_", big_accounts, PER_ACCOUNT),
            ("one_", 1, big_production),
            ("tenth_", 1, small_production),
        ):
            seconds = load(url, schema, prefix, accounts, per_account)
            total = accounts * per_account
            print(f"  {prefix}records: {total:>11,} rows in {seconds:6.1f} s")

        print("== one account's 1,000 records: index, not scan")
        small, big, top = compare_reads(url, schema, small_accounts, big_accounts)
        index_ratio = big / small
        print(f"  from {small_accounts * PER_ACCOUNT:>11,} rows: {small * 1000:7.2f} ms")
        print(f"  from {big_accounts * PER_ACCOUNT:>11,} rows: {big * 1000:7.2f} ms")
        print(f"  plan: {top}")
        print(f"  ratio: {index_ratio:.2f}x (target <= {INDEX_TARGET}x)")

        print("== producing in flat memory (peak RSS of a fresh process)")
        tenth = produce_in_child(url, schema, "tenth_", account_id(0))
        whole = produce_in_child(url, schema, "one_", account_id(0))
        for figures in (tenth, whole):
            rate = figures["records"] / figures["seconds"]
            print(
                f"  {int(figures['records']):>11,} records: peak {figures['peak_mib']:6.1f} MiB,"
                f" {figures['seconds']:6.1f} s ({rate:,.0f} records/s)"
            )
        growth = whole["peak_mib"] - tenth["peak_mib"]
        print(f"  growth: {growth:.1f} MiB (target <= {MEMORY_TARGET_MIB:.0f} MiB)")
        # No subscriber record is loaded: every record produced is a session log.
        assert (tenth["records"], whole["records"]) == (small_production, big_production)
    finally:
        if not args.keep:
            with engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()
    ok = index_ratio <= INDEX_TARGET and growth <= MEMORY_TARGET_MIB
    print("PASS" if ok else "FAIL")
    return 0 if ok else MISSED_TARGET


if __name__ == "__main__":
    sys.exit(main())
