"""Never over-disclose, never under-produce: properties over random reviews and stores."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess import Category, Identity, Record, Review, TargetKind, produce, verify
from dueprocess.exceptions import StoreError
from dueprocess.testing import MemorySink, MemoryStore, RecordingSource

from ..production_support import PRODUCED_AT, canonical, lines, records, reviews

# One identifier belongs to one account (stores refuse a second holder).
EMAILS = {"a@example.com": ["100002"], "b@example.com": ["100001"]}


def identities() -> list[Identity]:
    return [
        Identity(account, TargetKind.EMAIL, email)
        for email, accounts in EMAILS.items()
        for account in accounts
    ]


def expected_accounts(review: Review, held: set[str]) -> list[str]:
    """The spec's resolution, written out: account ids that exist, e-mails by identity."""
    found: list[str] = []
    for target in review.targets:
        if target.kind is TargetKind.ACCOUNT_ID:
            candidates = [target.value] if target.value in held else []
        elif target.kind is TargetKind.EMAIL:
            candidates = sorted(EMAILS.get(target.value.lower(), []))
        else:
            candidates = []
        found += [account for account in candidates if account not in found]
    return found


def expected_lines(review: Review, store: list[Record]) -> list[bytes]:
    """Exactly the records the spec defines, in the spec's order, written independently."""
    held = {r.account for r in store} | {a for accounts in EMAILS.values() for a in accounts}
    unique = {r.canonical_bytes(): r for r in store}.values()
    released = {item.category: item for item in review.categories if item.released}
    period = review.period
    out: list[bytes] = []
    for account in expected_accounts(review, held):
        for category in Category:
            if category not in released:
                continue
            allowed = released[category].fields
            chosen = []
            for record in unique:
                if record.account != account or record.category is not category:
                    continue
                if category is not Category.SUBSCRIBER:
                    assert period is not None
                    first = dt.datetime.combine(period.start, dt.time(0), dt.timezone.utc)
                    last = dt.datetime.combine(period.end, dt.time.max, dt.timezone.utc)
                    if not first <= record.at <= last:
                        continue
                document = record.to_dict()
                if allowed is not None:
                    document["fields"] = {
                        k: v for k, v in document["fields"].items() if k in allowed
                    }
                chosen.append((record.at, canonical(document)))
            out += [data for _, data in sorted(chosen)]
    return out


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(reviews(), st.lists(records(), min_size=8, max_size=40))
def test_a_production_holds_exactly_the_in_scope_records_in_order(
    review: Review, store_records: list[Record]
) -> None:
    store = MemoryStore.of(store_records, identities())
    source = RecordingSource(store)
    sink = MemorySink()
    manifest = produce(review, source, sink, produced_at=PRODUCED_AT)
    produced = lines(sink.files["records.jsonl"])
    assert produced == expected_lines(review, store_records)

    # Every produced record is in scope, checked record by record as well.
    released = {item.category: item for item in review.categories if item.released}
    for line in produced:
        document: dict[str, Any] = json.loads(line)
        assert document["account"] in manifest.accounts
        item = released[Category(document["category"])]
        if item.fields is not None:
            assert set(document["fields"]) <= set(item.fields)
        if document["category"] != "subscriber":
            assert review.period is not None
            assert (
                review.period.start.isoformat()
                <= document["at"][:10]
                <= review.period.end.isoformat()
            )

    # The store was never asked for a withheld category, another account or an
    # unbounded range of anything but subscriber data.
    for call in source.calls:
        if call.method == "records":
            assert call.account in manifest.accounts
            assert call.category in released
            if call.category is not Category.SUBSCRIBER:
                assert review.period is not None
                assert call.start is not None
                assert call.start.date() == review.period.start
                assert call.end is not None
                assert call.end.date() == review.period.end
        else:
            assert call.target is not None
            assert call.target.kind not in (TargetKind.NAME, TargetKind.QUERY)

    assert sum(manifest.counts.values()) == manifest.records == len(produced)
    files = {name: data for name, data in sink.files.items() if name != "manifest.json"}
    assert verify(sink.files["manifest.json"], files, review=review).ok


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews(), st.lists(records(), max_size=20), st.integers(0, 20))
def test_a_source_failing_anywhere_leaves_no_production(
    review: Review, store_records: list[Record], fail_after: int
) -> None:
    store = MemoryStore.of(store_records, identities())

    class Failing:
        def __init__(self, limit: int | None) -> None:
            self.limit = limit
            self.served = 0

        def resolve(self, target: Any) -> Any:
            return store.resolve(target)

        def records(self, *question: Any) -> Any:
            for record in store.records(*question):
                if self.served == self.limit:
                    raise RuntimeError("connection reset")
                self.served += 1
                yield record

    counting = Failing(None)
    produce(review, counting, MemorySink(), produced_at=PRODUCED_AT)
    sink = MemorySink()
    if fail_after < counting.served:
        with pytest.raises(StoreError, match="connection reset"):
            produce(review, Failing(fail_after), sink, produced_at=PRODUCED_AT)
        assert sink.aborted
        assert sink.files == {}
        assert sink.pending == {}
    else:
        produce(review, Failing(fail_after), sink, produced_at=PRODUCED_AT)
        assert sink.committed
