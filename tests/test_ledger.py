"""The disclosure ledger: every disclosure of one account's data, and nothing else."""

from __future__ import annotations

import datetime as dt

from _cases_support import FakeProducer, harness, ready, request, session_records, utc
from dueprocess import Category, LedgerEntry, NoticeTiming, ProcessKind
from dueprocess.testing import MemorySink, MemoryStore


def test_an_account_never_produced_has_an_empty_ledger() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    assert rig.cases.ledger("100001", now=utc(2024, 1, 1)) == ()
    assert rig.cases.ledger_all("100001") == ()


def test_each_production_of_an_accounts_data_is_one_entry_with_its_own_counts() -> None:
    producer = FakeProducer(
        [
            ("100001", "subscriber"),
            ("100002", "session_logs"),
            ("100001", "session_logs"),
            ("100002", "session_logs"),
        ]
    )
    rig = harness(now=utc(2023, 6, 1), producer=producer)
    targets = [{"kind": "account_id", "value": v} for v in ("100001", "100002", "100003")]
    case = ready(rig, request(targets=targets))
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    producer.records = [("100002", "content"), ("100002", "content")]
    rig.clock.advance(dt.timedelta(days=30))
    later = ready(rig, request(id="REQ-2", targets=targets[1:], requester__agency="County Sheriff"))
    rig.cases.produce(later.id, MemoryStore(), MemorySink(), actor="x")

    (first,) = rig.cases.ledger("100001", now=utc(2024, 1, 1))
    assert first == LedgerEntry(
        account="100001",
        produced_at=utc(2023, 6, 1),
        case_id="REQ-1",
        request_id="REQ-1",
        agency="U.S. Attorney's Office",
        jurisdiction="US",
        process=ProcessKind.GRAND_JURY_SUBPOENA,
        counts={"subscriber": 1, "session_logs": 1},
        records=2,
        merkle_root="ab" * 32,
        notice_timing=NoticeTiming.BEFORE_DISCLOSURE,
        notice_due_at=utc(2023, 5, 10),
        notice_delivered_at=utc(2023, 6, 1),
    )
    assert first.categories == (Category.SUBSCRIBER, Category.SESSION_LOGS)
    two = rig.cases.ledger("100002", now=utc(2024, 1, 1))
    assert [(e.case_id, e.records, e.agency) for e in two] == [
        ("REQ-1", 2, "U.S. Attorney's Office"),
        ("REQ-2", 2, "County Sheriff"),
    ]
    assert two[1].categories == (Category.CONTENT,)
    assert rig.cases.ledger_all("100003") == ()  # targeted, but no account of that id produced
    assert rig.cases.ledger_all("999") == ()


def test_an_account_produced_with_no_records_is_listed_with_none() -> None:
    class NoRecords(FakeProducer):
        def __call__(self, review, source, sink, *, produced_at):  # type: ignore[no-untyped-def]
            manifest = super().__call__(review, source, sink, produced_at=produced_at)
            return type(manifest)(("100001",), {}, 0, manifest.merkle_root)

    rig = harness(now=utc(2023, 6, 1), producer=NoRecords())
    case = ready(rig)
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    (entry,) = rig.cases.ledger("100001", now=utc(2023, 6, 1))
    assert (entry.records, entry.categories, dict(entry.counts)) == (0, (), {})


def test_the_ledger_shows_the_real_productions_merkle_root_and_reads_as_json() -> None:
    rig = harness(now=utc(2023, 6, 1))
    case = ready(rig)
    sink = MemorySink()
    produced = rig.cases.produce(case.id, MemoryStore.of(session_records()), sink, actor="x")
    (entry,) = rig.cases.ledger("100001", now=utc(2023, 6, 1))
    assert entry.merkle_root == produced.productions[0].merkle_root
    assert entry.to_dict() == {
        "account": "100001",
        "produced_at": "2023-06-01T00:00:00Z",
        "case_id": "REQ-1",
        "request_id": "REQ-1",
        "agency": "U.S. Attorney's Office",
        "jurisdiction": "US",
        "process": "grand_jury_subpoena",
        "categories": ["session_logs"],
        "counts": {"session_logs": 2},
        "records": 2,
        "merkle_root": entry.merkle_root,
        "notice": {
            "timing": "before_disclosure",
            "due_at": "2023-05-10T00:00:00Z",
            "delivered_at": "2023-06-01T00:00:00Z",
        },
    }


def test_the_ledger_is_in_time_order_across_cases() -> None:
    rig = harness(now=utc(2023, 7, 1), producer=FakeProducer([("100001", "subscriber")]))
    late = ready(rig, request(id="B"))
    early = ready(rig, request(id="A"))
    rig.cases.produce(late.id, MemoryStore(), MemorySink(), actor="x")
    rig.clock.advance(dt.timedelta(days=1))
    rig.cases.produce(early.id, MemoryStore(), MemorySink(), actor="x")
    assert [e.case_id for e in rig.cases.ledger("100001", now=utc(2024, 1, 1))] == ["B", "A"]
