"""Benchmark: productions from the SQLite store, against targets measured in one run.

(a) Producing one account's 1,000,000 session-log records from ``SqliteStore``
    into a directory costs at most 2x a bare script doing the same SQL select, canonical
    JSON, SHA-256 and file write (``_baseline_production.py``).
(b) Peak memory (RSS) of a production of 1,000,000 records exceeds that of 100,000 by at
    most 32 MiB: the production streams.
(c) One account's 1,000 records from a 10,000,000-record store take at most 1.5x the time
    from a 100,000-record store: the index does the work.

Every measurement runs in its own subprocess (a fresh interpreter, so peak RSS is the
production's own), alternating production and baseline and keeping the best of several
rounds, so the ratios hold on a busy machine. Stores are built once into ``--workdir``
(default ``bench-out/``) and reused.

Run: ``python benchmarks/bench_production.py [--quick] [--only a,b,c]``; ``--quick``
(or ``DUEPROCESS_BENCH_QUICK=1``) divides every size by ten. Exit status 1 if a target
is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Exit status when a ratio misses its target (a crash exits 1), so CI can tell them apart.
MISSED_TARGET = 3

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
UTC = dt.timezone.utc
YEAR_START = dt.datetime(2017, 1, 1, tzinfo=UTC)
YEAR_US = 365 * 86_400 * 1_000_000
MIB = 1 << 20

FULL = {"b_small": 100_000, "b_large": 1_000_000, "c_small": 100_000, "c_large": 10_000_000}
PER_ACCOUNT_C = 1_000


# --- data ------------------------------------------------------------------------------


def session_logs(account: str, count: int) -> Iterator[Any]:
    """*count* alternating logins and logouts spread evenly over 2017, with a subscriber."""
    from dueprocess import Category, Record

    yield Record(
        account,
        Category.SUBSCRIBER,
        dt.datetime(2015, 6, 1, 8, tzinfo=UTC),
        {"name": f"Account {account}", "email": f"user{account}@example.com"},
    )
    step = YEAR_US // count
    microsecond = dt.timedelta(microseconds=1)
    for i in range(count):
        event = "login" if i % 2 == 0 else "logout"
        ip = f"203.0.113.{i % 250 + 1}" if i % 7 else f"2001:db8::{i % 65_000:x}"
        yield Record(
            account,
            Category.SESSION_LOGS,
            YEAR_START + i * step * microsecond,
            {"event": event, "ip": ip},
        )


def build(path: Path, plan: list[tuple[str, int]]) -> float:
    """Build a store holding each (account, records) of *plan*, once; return seconds."""
    from dueprocess.adapters import SqliteStore

    marker = path.with_suffix(".done")
    wanted = json.dumps(plan)
    if path.exists() and marker.exists() and marker.read_text() == wanted:
        return 0.0
    path.unlink(missing_ok=True)
    began = time.perf_counter()
    with SqliteStore(path) as store:
        # One transaction (executemany in batches inside): a commit per account would
        # pay a journal sync per account.
        store.add_records(
            record for account, count in plan for record in session_logs(account, count)
        )
    marker.write_text(wanted)
    return time.perf_counter() - began


def request_for(account: str) -> dict[str, Any]:
    document = json.loads((ROOT / "examples" / "requests" / "hsi-2017-0042.json").read_text())
    document["targets"] = [{"kind": "account_id", "value": account}]
    document["period"] = {"start": "2017-01-01", "end": "2017-12-31"}
    # Received after the period, so the whole year is stored records (rules v2 cut a period
    # at the received date: records after receipt are not stored records).
    document["received_at"] = "2018-01-01T12:00:00Z"
    return document


# --- children (each measurement runs in a fresh interpreter) ---------------------------


def child_produce(store: str, account: str, out: str, durable: bool) -> dict[str, Any]:
    from dueprocess import load_request, produce, review
    from dueprocess.adapters import DirectorySink, SqliteStore

    result = review(load_request(request_for(account)))
    began = time.perf_counter()
    with SqliteStore(store, readonly=True) as source:
        manifest = produce(
            result,
            source,
            DirectorySink(out, durable=durable),
            produced_at=dt.datetime(2018, 1, 2, tzinfo=UTC),
        )
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "records": manifest.records,
        "sha256": manifest.files["records.jsonl"].sha256,
        "bytes": manifest.files["records.jsonl"].size,
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def child_repeat(store: str, account: str, workdir: str, rounds: int) -> dict[str, Any]:
    """(c): the same small production *rounds* times after one warm-up; every time."""
    from dueprocess import load_request, produce, review
    from dueprocess.adapters import DirectorySink, SqliteStore

    result = review(load_request(request_for(account)))
    times = []
    with SqliteStore(store, readonly=True) as source:
        for number in range(rounds + 1):
            out = Path(workdir) / f"c-{number}"
            began = time.perf_counter()
            manifest = produce(
                result,
                source,
                DirectorySink(out, durable=False),
                produced_at=dt.datetime(2018, 1, 2, tzinfo=UTC),
            )
            times.append(time.perf_counter() - began)
            shutil.rmtree(out)
    return {"times": times[1:], "records": manifest.records}


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def run_baseline(store: Path, account: str, out: Path) -> dict[str, Any]:
    # The baseline asks for the whole of 2017, as the production does, in the store's
    # unit: microseconds since 1970-01-01T00:00:00Z.
    start = (YEAR_START - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(microseconds=1)
    end = start + YEAR_US - 1
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "_baseline_production.py"),
            str(store),
            account,
            str(start),
            str(end),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"baseline failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- the three measurements ------------------------------------------------------------


def bench_a(workdir: Path, store: Path, rounds: int) -> bool:
    ours: list[float] = []
    bare: list[float] = []
    for number in range(rounds):
        out = workdir / f"a-{number}"
        shutil.rmtree(out, ignore_errors=True)
        produced = run_child("produce", str(store), "100001", str(out), "durable")
        baseline = run_baseline(store, "100001", workdir / "a-baseline.jsonl")
        if (produced["sha256"], produced["bytes"]) != (baseline["sha256"], baseline["bytes"]):
            raise SystemExit("the baseline's output differs from records.jsonl: not the same work")
        ours.append(produced["seconds"])
        bare.append(baseline["seconds"])
        shutil.rmtree(out)
    best, base = min(ours), min(bare)
    ratio = best / base
    print(
        f"(a) one account, {produced['records']:,} records,"
        f" {produced['bytes'] / MIB:.0f} MiB written"
    )
    print(
        f"    baseline (select, canonical JSON, SHA-256, write): best {base:6.2f} s"
        f"  runs {_runs(bare)}"
    )
    print(
        f"    dueprocess produce (SqliteStore -> DirectorySink): best {best:6.2f} s"
        f"  runs {_runs(ours)}"
    )
    print(f"    ratio {ratio:.2f}x (target <= 2x); {produced['records'] / best:,.0f} records/s")
    return ratio <= 2.0


def bench_b(workdir: Path, store: Path, small: int, large: int, rounds: int) -> bool:
    peaks: dict[str, list[int]] = {"small": [], "large": []}
    counts: dict[str, int] = {}
    for _ in range(rounds):
        for label, account in (("small", "100002"), ("large", "100001")):
            out = workdir / f"b-{label}"
            shutil.rmtree(out, ignore_errors=True)
            produced = run_child("produce", str(store), account, str(out), "durable")
            peaks[label].append(produced["peak_rss"])
            counts[label] = produced["records"]
            shutil.rmtree(out)
    small_peak, large_peak = min(peaks["small"]), min(peaks["large"])
    growth = (large_peak - small_peak) / MIB
    print(f"(b) peak RSS of the producing process (best of {rounds})")
    print(f"    {counts['small']:>10,} records: {small_peak / MIB:7.1f} MiB")
    print(f"    {counts['large']:>10,} records: {large_peak / MIB:7.1f} MiB")
    print(
        f"    growth {growth:+.1f} MiB for {counts['large'] - counts['small']:,} more records"
        " (target <= 32 MiB)"
    )
    return growth <= 32


def bench_c(
    workdir: Path, small_store: Path, large_store: Path, sizes: tuple[int, int], rounds: int
) -> bool:
    account = f"{700000 + sizes[0] // PER_ACCOUNT_C // 2}"  # in both stores, mid-way in the small
    medians: dict[str, float] = {}
    for label, store in (("small", small_store), ("large", large_store)):
        result = run_child("repeat", str(store), account, str(workdir), str(rounds))
        medians[label] = statistics.median(result["times"])
        records = result["records"]
    ratio = medians["large"] / medians["small"]
    print(
        f"(c) one account's {records - 1:,} session logs (+1 subscriber record), median of {rounds}"
    )
    print(f"    from a {sizes[0]:>11,}-record store: {medians['small'] * 1e3:7.2f} ms")
    print(f"    from a {sizes[1]:>11,}-record store: {medians['large'] * 1e3:7.2f} ms")
    print(f"    ratio {ratio:.2f}x (target <= 1.5x)")
    return ratio <= 1.5


def _runs(values: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every size divided by ten")
    parser.add_argument("--only", default="a,b,c", help="which measurements (a,b,c)")
    parser.add_argument("--workdir", default=str(ROOT / "bench-out"), help="where stores are kept")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per measurement")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "produce":
            store, account, out, durable = rest
            print(json.dumps(child_produce(store, account, out, durable == "durable")))
        else:
            store, account, workdir, rounds = rest
            print(json.dumps(child_repeat(store, account, workdir, int(rounds))))
        return 0

    quick = args.quick or os.environ.get("DUEPROCESS_BENCH_QUICK", "") not in ("", "0")
    sizes = {key: value // 10 if quick else value for key, value in FULL.items()}
    only = set(args.only.split(","))
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"dueprocess production benchmarks ({'quick' if quick else 'full'}),"
        f" Python {sys.version.split()[0]}"
    )

    ok = True
    if only & {"a", "b"}:
        store = workdir / f"ab-{sizes['b_large']}-{sizes['b_small']}.sqlite"
        took = build(store, [("100001", sizes["b_large"]), ("100002", sizes["b_small"])])
        if took:
            print(f"built {store.name} in {took:.1f} s")
        if "a" in only:
            ok &= bench_a(workdir, store, args.rounds or 3)
        if "b" in only:
            ok &= bench_b(workdir, store, sizes["b_small"], sizes["b_large"], args.rounds or 2)
    if "c" in only:
        stores = []
        for key in ("c_small", "c_large"):
            accounts = sizes[key] // PER_ACCOUNT_C
            path = workdir / f"c-{sizes[key]}.sqlite"
            plan = [(f"{700000 + n}", PER_ACCOUNT_C - 1) for n in range(accounts)]
            took = build(path, plan)
            if took:
                print(f"built {path.name} ({sizes[key]:,} records) in {took:.1f} s")
            stores.append(path)
        ok &= bench_c(
            workdir, stores[0], stores[1], (sizes["c_small"], sizes["c_large"]), args.rounds or 30
        )
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else MISSED_TARGET


if __name__ == "__main__":
    sys.exit(main())
