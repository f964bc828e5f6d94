"""Benchmark: ``verify`` is linear in the size of the production, not in accounts x lines.

(a) Verifying a production of 20,000 accounts and 20,000 lines costs, per line, at most
    1.5x verifying one of 1,000 accounts and 20,000 lines (the baseline, measured in the
    same run). A list lookup per line made it about ten times as much.
(b) A hostile manifest listing 200,000 accounts, with 20,000 lines of accounts it does not
    list (each a mismatch), costs per line at most 5x the baseline: reading the large
    manifest is linear, and no line scans it.

Productions are built in memory (records, Merkle root, certificate rows) and checked with
:func:`dueprocess.verify`, the pure function ``dueprocess verify`` runs, best of several
rounds.

Run: ``python benchmarks/bench_verify.py [--quick]``; ``--quick`` (or
``DUEPROCESS_BENCH_QUICK=1``) divides every size by ten. Exit status 3 if a target is
missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
from collections.abc import Callable

import attrs
from _timing import best_of

from dueprocess import Category, Manifest, Record, verify
from dueprocess._production._certificate import manifest_rows
from dueprocess._production._manifest import FILE_CERTIFICATE, FILE_LETTER, FILE_RECORDS
from dueprocess._production._merkle import MerkleBuilder
from dueprocess.parts import FileDigest, Period

#: Exit status when a ratio misses its target (a crash exits 1), so CI can tell them apart.
MISSED_TARGET = 3

UTC = dt.timezone.utc
TARGET_A = 1.5
TARGET_B = 5.0
FULL = {"lines": 20_000, "few": 1_000, "many": 20_000, "hostile": 200_000}


def production(
    accounts: int, lines: int, *, listed: int | None = None
) -> tuple[bytes, dict[str, bytes]]:
    """A production of *lines* session-log records spread over *accounts* accounts.

    With *listed*, the manifest lists that many other accounts instead (none of the
    records' accounts): the hostile case.
    """
    names = [f"{100000 + number}" for number in range(accounts)]
    per_account = max(lines // accounts, 1)
    start = dt.datetime(2017, 1, 1, tzinfo=UTC)
    data: list[bytes] = []
    for account in names:
        for i in range(per_account):
            if len(data) == lines:
                break
            at = start + dt.timedelta(seconds=i)
            record = Record(
                account, Category.SESSION_LOGS, at, {"event": "login", "ip": "203.0.113.7"}
            )
            data.append(record.canonical_bytes())
    merkle = MerkleBuilder()
    merkle.extend(data)
    body = b"".join(line + b"\n" for line in data)
    shown = tuple(names) if listed is None else tuple(f"x{number}" for number in range(listed))
    letter = b"# letter\n"
    manifest = Manifest(
        request_id="BENCH-1",
        review_sha256="0" * 64,
        produced_at=dt.datetime(2017, 3, 1, tzinfo=UTC),
        period=Period(dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
        accounts=shown,
        counts={Category.SESSION_LOGS: len(data)},
        records=len(data),
        merkle_root=merkle.root().hex(),
        files={
            FILE_RECORDS: FileDigest(hashlib.sha256(body).hexdigest(), len(body)),
            FILE_LETTER: FileDigest(hashlib.sha256(letter).hexdigest(), len(letter)),
        },
    )
    certificate = "\n".join(manifest_rows(manifest)).encode("utf-8") + b"\n"
    files = dict(manifest.files)
    files[FILE_CERTIFICATE] = FileDigest(hashlib.sha256(certificate).hexdigest(), len(certificate))
    manifest = attrs.evolve(manifest, files=files)
    return manifest.to_json(), {
        FILE_RECORDS: body,
        FILE_LETTER: letter,
        FILE_CERTIFICATE: certificate,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every size divided by ten")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("DUEPROCESS_BENCH_QUICK") == "1"
    size = {name: value // 10 for name, value in FULL.items()} if quick else FULL
    repeats = 3 if quick else 5
    lines = size["lines"]

    baseline = production(size["few"], lines)
    many = production(size["many"], lines)
    hostile = production(size["many"], lines, listed=size["hostile"])

    def check(case: tuple[bytes, dict[str, bytes]], *, intact: bool) -> Callable[[], None]:
        def run() -> None:
            result = verify(case[0], case[1])
            if result.ok is not intact:
                raise SystemExit(
                    f"the benchmark's production is not as built: {result.mismatches[:3]}"
                )

        return run

    few_time = best_of(repeats, check(baseline, intact=True))
    many_time = best_of(repeats, check(many, intact=True))
    hostile_time = best_of(repeats, check(hostile, intact=False))
    per_line = few_time / lines * 1e6
    print(f"lines per production:  {lines:,}")
    print(
        f"{size['few']:>7,} accounts:      {few_time:7.3f} s  ({per_line:5.1f} us/line, baseline)"
    )
    print(
        f"{size['many']:>7,} accounts:      {many_time:7.3f} s"
        f"  ({many_time / lines * 1e6:5.1f} us/line)"
    )
    print(
        f"{size['hostile']:>7,} listed, none in the file: {hostile_time:7.3f} s"
        f"  ({hostile_time / lines * 1e6:5.1f} us/line)"
    )
    ratio_a = many_time / few_time
    ratio_b = hostile_time / few_time
    print(
        f"(a) ratio {size['many']:,} / {size['few']:,} accounts: {ratio_a:.2f}x"
        f" (target <= {TARGET_A}x)"
    )
    print(f"(b) ratio hostile manifest / baseline: {ratio_b:.2f}x (target <= {TARGET_B}x)")
    return 0 if ratio_a <= TARGET_A and ratio_b <= TARGET_B else MISSED_TARGET


if __name__ == "__main__":
    sys.exit(main())
