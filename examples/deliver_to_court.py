"""Produce, pack and prove a production the way a court receives it; then ask what a
stricter policy would change.

Run it from the repository: ``python examples/deliver_to_court.py``. The production and
its zip are written into a temporary folder, removed at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import attrs

import dueprocess
from dueprocess import Category, Record
from dueprocess.adapters import DirectorySink, bundle_production, verify_production
from dueprocess.testing import MemoryStore

UTC = dt.timezone.utc
REQUESTS = Path(__file__).parent / "requests"


def build_store() -> MemoryStore:
    """One account: its subscriber record and a login every hour of January 2017."""
    start = dt.datetime(2017, 1, 1, tzinfo=UTC)
    records = [Record("100001", Category.SUBSCRIBER, start, {"name": "A. Person"})]
    records += [
        Record(
            "100001",
            Category.SESSION_LOGS,
            start + dt.timedelta(hours=hour),
            {"event": "login", "ip": "203.0.113.7"},
        )
        for hour in range(31 * 24)
    ]
    return MemoryStore.of(records)


def show_progress(event: dueprocess.ProductionProgress) -> None:
    if event.done:
        print(f"  done: {event.records} records, {event.bytes} bytes")


def main(out: Path) -> None:
    request = dueprocess.load_request(json.loads((REQUESTS / "hsi-2017-0042.json").read_text()))
    review = dueprocess.review(request)
    print(f"producing {review.request_id} ({review.outcome.value})")
    dueprocess.produce(
        review,
        build_store(),
        DirectorySink(out / "production"),
        produced_at=dt.datetime(2017, 3, 13, 9, 0, tzinfo=UTC),
        custodian="J. Custodian",
        progress=show_progress,
    )
    certificate = (out / "production" / "certificate.md").read_text()
    print("the certificate states, under Fed. R. Evid. 902(13)/(14):")
    for line in certificate.splitlines():
        if line.startswith(("| records.jsonl", "| letter.md")):
            print(f"  {line}")
    bundle_production(out / "production", out / "HSI-2017-0042.zip")
    result = verify_production(out / "HSI-2017-0042.zip", review=review)
    print(f"the zip verifies against the request's review: {result.ok}")
    strict = attrs.evolve(dueprocess.DEFAULT_POLICY, name="strict", max_period_days=30)
    requests = [
        dueprocess.load_request(json.loads(p.read_text())) for p in sorted(REQUESTS.glob("*.json"))
    ]
    diff = dueprocess.diff_policies(dueprocess.DEFAULT_POLICY, strict, requests)
    print(f"a 30-day policy changes {len(diff.changes)} of {diff.reviewed} example requests:")
    for change in diff.changes:
        print(f"  {change.request_id}: {'; '.join(change.describe())}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="dueprocess-court-") as folder:
        main(Path(folder))
