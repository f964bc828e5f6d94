"""The bare baseline for ``bench_production.py`` (a): no dueprocess at all.

It does what a production must at the least: the same SQL selects on the same store,
each record made into canonical JSON (keys sorted, ``,``/``:``, UTF-8), SHA-256 of the
file, the file written and flushed to disk (``fsync``, as the directory sink does). It
prints ``{"seconds": …, "sha256": …, "bytes": …}``; its output file is byte-identical to
the production's ``records.jsonl``, which the benchmark checks.

Usage: ``python _baseline_production.py STORE.sqlite ACCOUNT START_US END_US OUT``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

SELECT = (
    "SELECT at, fields FROM records WHERE account = ? AND category = ?"
    " AND at BETWEEN ? AND ? ORDER BY at, fields"
)


def main(argv: list[str]) -> None:
    store, account, start, end, out = argv
    began = time.perf_counter()
    uri = f"{Path(store).resolve().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
    loads = json.loads
    epoch = dt.datetime(1970, 1, 1)
    microsecond = dt.timedelta(microseconds=1)
    digest = hashlib.sha256()
    size = 0
    questions = [
        ("subscriber", -(2**63), 2**63 - 1),
        ("session_logs", int(start), int(end)),
    ]
    with open(out, "wb") as handle:
        for category, low, high in questions:
            for at, fields in connection.execute(SELECT, (account, category, low, high)):
                document = {
                    "account": account,
                    "at": (epoch + at * microsecond).isoformat() + "Z",
                    "category": category,
                    "fields": loads(fields),
                }
                line = encode(document).encode("utf-8") + b"\n"
                digest.update(line)
                handle.write(line)
                size += len(line)
        handle.flush()
        os.fsync(handle.fileno())
    seconds = time.perf_counter() - began
    print(json.dumps({"seconds": seconds, "sha256": digest.hexdigest(), "bytes": size}))


if __name__ == "__main__":
    main(sys.argv[1:])
