"""Review a request and produce what it allows, entirely in memory.

Run it from the repository: ``python examples/produce_in_memory.py``. Nothing is written
to disk: the store and the sink are the in-memory doubles from ``dueprocess.testing``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import dueprocess
from dueprocess import Category, Identity, Manifest, Record, TargetKind
from dueprocess.testing import MemorySink, MemoryStore, RecordingSource

UTC = dt.timezone.utc
REQUEST = Path(__file__).parent / "requests" / "hsi-2017-0042.json"


def build_store() -> MemoryStore:
    """Two accounts: the target, with a login every other day of early 2017, and another."""
    store = MemoryStore()
    store.add(
        Record(
            "100001",
            Category.SUBSCRIBER,
            dt.datetime(2016, 5, 1, 8, 0, tzinfo=UTC),
            {"name": "A. Person", "email": "a.person@example.com", "service_start": "2016-05-01"},
        )
    )
    for day in range(0, 90, 2):
        moment = dt.datetime(2016, 12, 15, 20, 30, tzinfo=UTC) + dt.timedelta(days=day)
        store.add(
            Record("100001", Category.SESSION_LOGS, moment, {"event": "login", "ip": "203.0.113.7"})
        )
        store.add(
            Record("100001", Category.CONTENT, moment, {"text": "never produced by a subpoena"})
        )
    store.add(
        Record(
            "100002",
            Category.SESSION_LOGS,
            dt.datetime(2017, 1, 10, tzinfo=UTC),
            {"event": "login", "ip": "198.51.100.1"},
        )
    )
    store.add_identity(Identity("100001", TargetKind.EMAIL, "a.person@example.com"))
    return store


def main() -> None:
    request = dueprocess.load_request(json.loads(REQUEST.read_text(encoding="utf-8")))
    review = dueprocess.review(request)
    print(review)

    source = RecordingSource(build_store())
    sink = MemorySink()
    manifest = dueprocess.produce(
        review, source, sink, produced_at=dt.datetime(2017, 3, 13, 9, 0, tzinfo=UTC)
    )
    print(manifest)
    print("the store was asked:")
    for call in source.calls:
        print("  ", call.method, call.account or call.target, call.category, call.start, call.end)

    files = {name: data for name, data in sink.files.items() if name != "manifest.json"}
    result = dueprocess.verify(sink.files["manifest.json"], files, review=review)
    print("verified:", "intact" if result.ok else result.mismatches)

    # Prove one record to a third party without showing the others.
    lines = sink.files["records.jsonl"].splitlines()
    proof = Manifest.from_json(sink.files["manifest.json"]).inclusion_proof(3, lines)
    print("proof for record 3:", json.dumps(proof.to_dict())[:100], "...")
    print("it checks:", dueprocess.verify_inclusion(lines[3], proof, manifest.merkle_root))


if __name__ == "__main__":
    main()
