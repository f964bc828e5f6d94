"""The disclosure ledger: every disclosure of one account's data, and nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import dueprocess
from dueprocess import Category, ProcessKind
from dueprocess.cases import LedgerEntry
from dueprocess.parts import NoticeTiming
from dueprocess.testing import MemorySink, MemoryStore

from ..cases_support import FakeProducer, harness, ready, request, session_records, utc


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


@settings(max_examples=60, deadline=None)
@given(
    gag_days=st.one_of(st.none(), st.integers(1, 400)),
    lifted_days=st.one_of(st.none(), st.integers(1, 400)),
    query_days=st.integers(0, 800),
)
def test_the_holders_ledger_never_shows_a_disclosure_before_its_notice_is_due(
    gag_days: int | None, lifted_days: int | None, query_days: int
) -> None:
    """Whatever the gag's end, its lifting and the instant asked about: a disclosure is in
    the account holder's view exactly when its notice was given or is due, and counsel's
    view always has it."""
    start = utc(2023, 6, 1)
    until = (start + dt.timedelta(days=gag_days)).date() if gag_days is not None else None
    gag = {"kind": "court_order", "statute": "18 U.S.C. 2705(b)",
           "until": until.isoformat() if until else None}  # fmt: skip

    def spec_notice(req: Any, policy: Any) -> Any:  # review.md rule 4, whatever the rules
        real = dueprocess.review(req, policy)
        if until is None:
            return attrs.evolve(real, notice=attrs.evolve(real.notice, not_before=None))
        return real

    rig = harness(now=start, producer=FakeProducer([("100001", "subscriber")]))
    cases = attrs.evolve(rig.cases, reviewer=spec_notice)
    case = cases.open(request(nondisclosure=gag), actor="intake")
    cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    lifted = None
    if lifted_days is not None:
        lifted = (start + dt.timedelta(days=lifted_days)).date()
        cases.lift_gag(case.id, on=lifted, actor="counsel")
    ends = [day for day in (until, lifted) if day is not None]
    due = utc(min(ends).year, min(ends).month, min(ends).day) if ends else None
    now = start + dt.timedelta(days=query_days)
    shown = cases.ledger("100001", now=now)
    assert len(cases.ledger_all("100001")) == 1
    assert len(shown) == (1 if due is not None and due <= now else 0)
