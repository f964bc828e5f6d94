"""Helpers shared by the case-layer tests (cases, audit, ledger and their CLI)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

import dueprocess
from dueprocess import Category, LegalRequest, Notice, Outcome, Record, Review, load_request
from dueprocess.parts import NoticeTiming
from dueprocess.testing import ManualClock, MemoryCaseStore, RecordingNotifier
from dueprocess.typing import RecordSource, Sink

from .support import CASES, make_request

UTC = dt.timezone.utc


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def request(**changes: Any) -> LegalRequest:
    """The base request of ``support`` (a grand jury subpoena received 2023-05-10T16:00Z)."""
    return load_request(make_request(**changes))


def shared_request(stem: str, **changes: Any) -> LegalRequest:
    """The request of a public example case, e.g. ``shared_request("09")``."""
    (path,) = sorted(CASES.glob(f"{stem}-*.json"))
    document = json.loads(path.read_text(encoding="utf-8"))["request"]
    for key, value in changes.items():
        document[key] = value
    return load_request(document)


def fake_review(request: LegalRequest, outcome: Outcome, *, windowed: bool) -> Review:
    """A review of *request* with *outcome*, standing in for the reviewer: one that
    releases data waits for notice before disclosure if *windowed* (ten days), one that
    preserves holds for 90 days past the hold it renews."""
    received = request.received_date
    if outcome.releases_data and windowed:
        notice = Notice(
            True, NoticeTiming.BEFORE_DISCLOSURE, received, received + dt.timedelta(days=10)
        )
    elif outcome.releases_data:
        notice = Notice(False, NoticeTiming.WITHHELD)
    else:
        notice = Notice(False, NoticeTiming.NONE)
    until = None
    if outcome is Outcome.PRESERVE:
        base = request.preservation.prior_expires_on if request.preservation else received
        until = base + dt.timedelta(days=90)
    return Review(
        request=request,
        policy="default",
        outcome=outcome,
        findings=(),
        categories=(),
        period=None,
        notice=notice,
        preserve_until=until,
    )


@attrs.frozen
class FakeManifest:
    accounts: tuple[str, ...]
    counts: Mapping[str, int]
    records: int
    merkle_root: str


@attrs.define
class FakeProducer:
    """Stands in for dueprocess.produce: writes ``records`` (account, category) lines."""

    records: list[tuple[str, str]] = attrs.field(factory=list)
    calls: list[tuple[Review, dt.datetime]] = attrs.field(factory=list)
    fail: bool = False

    def __call__(
        self, review: Review, source: RecordSource, sink: Sink, *, produced_at: dt.datetime
    ) -> FakeManifest:
        self.calls.append((review, produced_at))
        lines = [
            json.dumps({"account": a, "category": c, "at": "2023-04-01T00:00:00Z", "fields": {}})
            for a, c in self.records
        ]
        sink.write("records.jsonl", (line.encode() + b"\n" for line in lines))
        if self.fail:
            sink.abort()
            raise dueprocess.exceptions.StoreError("the sink's disk is full")
        sink.commit()
        counts: dict[str, int] = {}
        for _, category in self.records:
            counts[category] = counts.get(category, 0) + 1
        accounts = tuple(dict.fromkeys(a for a, _ in self.records))
        return FakeManifest(accounts, counts, len(self.records), "ab" * 32)


@attrs.define
class Harness:
    cases: dueprocess.cases.Cases
    clock: ManualClock
    store: Any
    notifier: RecordingNotifier


def harness(store: Any = None, *, now: dt.datetime | None = None, producer: Any = None) -> Harness:
    clock = ManualClock(now or utc(2023, 5, 10, 17))
    store = store if store is not None else MemoryCaseStore()
    notifier = RecordingNotifier()
    cases = dueprocess.cases.Cases(store, clock, notifier=notifier, producer=producer)
    return Harness(cases, clock, store, notifier)


def session_records(account: str = "100001", days: Iterable[int] = (1, 2)) -> Iterator[Record]:
    for day in days:
        yield Record(
            account,
            Category.SESSION_LOGS,
            utc(2023, 4, day, 10),
            {"event": "login", "ip": "203.0.113.7"},
        )


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def ready(rig: Harness, req: LegalRequest | None = None) -> dueprocess.cases.Case:
    """Open *req* (the base request), give its notice and let its window close.

    The base request schedules notice before disclosure: a case is produced only after
    the notice was given and ``disclose_after`` (2023-05-20) has come, so the clock must
    be past that day.
    """
    case = rig.cases.open(req or request(), actor="intake")
    rig.cases.notify(case.id, actor="clerk")
    return rig.cases.advance(case.id, actor="clerk")
