"""The case layer's guarantees against an insider (issues 10 and 11), through the API.

Each test is an attack or a mistake that succeeded before: a tampered case row released,
a notice skipped, a gag leaked by the ledger, a renewal squatting another agency's hold,
a cure lifting a verification hold, two productions of one decision, one notice naming
every target, and anyone acting as anyone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import dueprocess
from dueprocess import Category, Record
from dueprocess.adapters import SqliteCaseStore
from dueprocess.cases import Actor, Case, CaseAction, CaseState
from dueprocess.exceptions import (
    ConflictError,
    IntegrityError,
    InvalidArgument,
    InvalidRequest,
    InvalidTransition,
    RenewalRefused,
)
from dueprocess.testing import FixedIdentity, MemoryCaseStore, MemorySink, MemoryStore

from ..cases_support import FakeProducer, Harness, harness, ready, request, utc


@pytest.fixture(params=["memory", "sqlite", "sql-sqlite", "sql-postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Every case store: in memory, SQLite, and ``SqlStore`` on SQLite and PostgreSQL."""
    if request.param == "memory":
        yield MemoryCaseStore()
    elif request.param == "sqlite":
        with SqliteCaseStore(tmp_path / "cases.sqlite") as opened:
            yield opened
    else:
        from ..sql import open_database  # skips the test without SQLAlchemy

        for database in open_database(request.param.removeprefix("sql-"), tmp_path):
            with database.store() as opened:
                opened._test_database = database
                yield opened


def _tamper(store: Any, case_id: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit the stored case document the way a writer of the database could."""
    if isinstance(store, MemoryCaseStore):
        held = store._cases[case_id]
        if isinstance(held, Case):
            document = held.to_dict()
            change(document)
            store._cases[case_id] = Case.from_dict(document)
        else:  # a stored row: edit its document as written
            document = json.loads(held.document)
            change(document)
            store._cases[case_id] = attrs.evolve(held, document=json.dumps(document))
        return
    database = getattr(store, "_test_database", None)
    if database is not None:
        import sqlalchemy as sa

        table = database.table("dueprocess_cases")
        engine = database.engine()
        with engine.begin() as connection:
            text = connection.execute(
                sa.text(f"SELECT document FROM {table} WHERE id = :id"), {"id": case_id}
            ).scalar_one()
            document = json.loads(text)
            change(document)
            connection.execute(
                sa.text(f"UPDATE {table} SET document = :document WHERE id = :id"),
                {"document": json.dumps(document), "id": case_id},
            )
        engine.dispose()
        return
    raw = sqlite3.connect(store.path, isolation_level=None)
    (text,) = raw.execute("SELECT document FROM cases WHERE id = ?", (case_id,)).fetchone()
    document = json.loads(text)
    change(document)
    raw.execute("UPDATE cases SET document = ? WHERE id = ?", (json.dumps(document), case_id))
    raw.close()


def _records() -> MemoryStore:
    at = utc(2023, 4, 1, 10)
    return MemoryStore.of(
        Record(account, category, at, {"n": 1})
        for account in ("100001", "100002")
        for category in (Category.SUBSCRIBER, Category.SESSION_LOGS, Category.CONTENT)
    )


def _asks_for_content() -> dueprocess.LegalRequest:
    return request(categories=["subscriber", "session_logs", "content"])


# --- 10.1: nothing leaves that a fresh review would keep back ------------------------------


def _widen_content(document: dict[str, Any]) -> None:
    document["review"]["categories"]["content"] = {
        "decision": "disclose",
        "fields": None,
        "required": None,
    }
    document["review"]["outcome"] = "comply"
    document["review"]["findings"] = []


def _add_target(document: dict[str, Any]) -> None:
    target = {"kind": "account_id", "value": "100002"}
    document["request"]["targets"].append(target)
    document["review"]["targets"].append(target)


@pytest.mark.parametrize("change", [_widen_content, _add_target], ids=["content", "target"])
def test_a_tampered_case_row_releases_nothing_and_the_refusal_is_audited(
    store: Any, change: Callable[[dict[str, Any]], None]
) -> None:
    rig = harness(store, now=utc(2023, 6, 1))
    case = ready(rig, _asks_for_content())
    assert case.review.outcome is dueprocess.Outcome.PARTIAL
    _tamper(store, case.id, change)
    tampered = store.get(case.id)
    audited = len(list(store.audit.entries()))
    sink = MemorySink()
    with pytest.raises(IntegrityError, match=r"is not the one .*recorded"):
        rig.cases.produce(case.id, _records(), sink, actor="clerk")
    assert sink.files == {}
    assert sink.pending == {}
    assert store.get(case.id) == tampered  # nothing written, not even a claim
    entries = list(store.audit.entries())
    assert len(entries) == audited + 1
    assert entries[-1].action == "refuse"
    assert "production refused" in entries[-1].reason
    assert dueprocess.cases.verify_chain(entries, head=store.audit.head()) is None
    assert rig.cases.ledger_all("100002") == ()


def test_a_stored_review_a_fresh_review_disagrees_with_releases_nothing(store: Any) -> None:
    rig = harness(store, now=utc(2023, 6, 1))
    case = ready(rig, _asks_for_content())

    def lenient(req: dueprocess.LegalRequest, policy: dueprocess.Policy) -> dueprocess.Review:
        real = dueprocess.review(req, policy)
        return attrs.evolve(real, period=None)

    drifted = attrs.evolve(rig.cases, reviewer=lenient)
    sink = MemorySink()
    with pytest.raises(IntegrityError, match=r"differs from a fresh review .*\(the period\)"):
        drifted.produce(case.id, _records(), sink, actor="clerk")
    assert sink.files == {}
    assert store.get(case.id) == case


def test_only_what_the_fresh_review_allows_is_released(store: Any) -> None:
    rig = harness(store, now=utc(2023, 6, 1))
    case = ready(rig, _asks_for_content())
    sink = MemorySink()
    produced = rig.cases.produce(case.id, _records(), sink, actor="clerk")
    lines = [json.loads(line) for line in sink.files["records.jsonl"].splitlines()]
    assert {(r["account"], r["category"]) for r in lines} == {
        ("100001", "subscriber"),
        ("100001", "session_logs"),
    }
    assert produced.productions[0].review_sha256 == produced.events[-1].detail.get(
        "review_sha256", produced.productions[0].review_sha256
    )


# --- 10.5: notice before disclosure ------------------------------------------------------


def test_a_case_whose_notice_comes_first_is_not_produced_without_it(store: Any) -> None:
    producer = FakeProducer([("100001", "subscriber")])
    rig = harness(store, now=utc(2023, 6, 1), producer=producer)
    case = rig.cases.open(request(), actor="intake")
    assert case.state is CaseState.NOTICE_PENDING  # the window is long over
    with pytest.raises(InvalidTransition, match="has not been given the notice due before"):
        rig.cases.advance(case.id, actor="clerk")
    with pytest.raises(InvalidTransition, match="has not been given the notice due before"):
        rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    assert producer.calls == []
    produced = rig.cases.produce(
        case.id, MemoryStore(), MemorySink(), actor="clerk", override="court ordered delay"
    )
    advance = next(e for e in produced.events if e.action is CaseAction.ADVANCE)
    assert advance.detail == {
        "override": "court ordered delay",
        "notice_given": False,
        "window_closed": True,
    }
    assert advance.reason == "notice before disclosure overridden: court ordered delay"
    assert produced.productions[0].override == "court ordered delay"


def test_a_case_is_not_opened_before_its_request_was_received(store: Any) -> None:
    rig = harness(store, now=utc(2023, 5, 10, 15, 59))
    with pytest.raises(InvalidTransition, match="before the request was received"):
        rig.cases.open(request(), actor="intake")
    assert rig.cases.find() == []


def test_no_event_is_dated_before_the_cases_last_event(store: Any) -> None:
    rig = harness(store, now=utc(2023, 5, 12))
    case = rig.cases.open(request(), actor="intake")
    rig.clock.set(utc(2023, 5, 11))
    for operation in (
        lambda: rig.cases.notify(case.id, actor="clerk"),
        lambda: rig.cases.close(case.id, actor="clerk"),
        lambda: rig.cases.approve(case.id, actor="clerk"),
    ):
        with pytest.raises(InvalidTransition, match="before the case's last event"):
            operation()
    assert store.get(case.id) == case
    rig.clock.set(utc(2023, 5, 12))  # the same instant is in order
    assert rig.cases.close(case.id, actor="clerk").state is CaseState.CLOSED


# --- 10.6: the ledger keeps gags ---------------------------------------------------------


def _gagged(until: str | None) -> dueprocess.LegalRequest:
    return request(
        nondisclosure={"kind": "court_order", "statute": "18 U.S.C. 2705(b)", "until": until}
    )


def _spec_notice(req: dueprocess.LegalRequest, policy: dueprocess.Policy) -> dueprocess.Review:
    """The review, with review.md's notice rule 4: a gag order without an end date
    gives no ``not_before`` (it binds until a court lifts it)."""
    real = dueprocess.review(req, policy)
    if req.nondisclosure is not None and req.nondisclosure.until is None:
        return attrs.evolve(real, notice=attrs.evolve(real.notice, not_before=None))
    return real


def _gag_rig(store: Any) -> Harness:
    rig = harness(store, now=utc(2023, 6, 1), producer=FakeProducer([("100001", "subscriber")]))
    return attrs.evolve(rig, cases=attrs.evolve(rig.cases, reviewer=_spec_notice))


@pytest.mark.parametrize(
    ("gag", "now", "shown"),
    [
        (None, utc(2030, 1, 1), False),  # a gag without an end date is never due
        ("2024-01-01", utc(2023, 12, 31), False),
        ("2024-01-01", utc(2024, 1, 1), True),
    ],
)
def test_the_holders_ledger_leaves_out_a_disclosure_under_a_running_gag(
    store: Any, gag: str | None, now: dt.datetime, shown: bool
) -> None:
    rig = _gag_rig(store)
    case = rig.cases.open(_gagged(gag), actor="intake")
    assert case.state is CaseState.READY
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    assert len(rig.cases.ledger("100001", now=now)) == int(shown)
    (entry,) = rig.cases.ledger_all("100001")
    assert entry.notice_timing is dueprocess.parts.NoticeTiming.AFTER_NONDISCLOSURE
    status = entry.notice_status(now)
    if gag is None:
        assert status == "gag order without an end date: not due"
    elif not shown:
        assert status == "notice not due until 2024-01-01T00:00:00Z"
    else:
        assert status == "notice due since 2024-01-01T00:00:00Z, not yet delivered"


def test_the_holders_ledger_leaves_out_a_disclosure_whose_notice_is_withheld(
    store: Any,
) -> None:
    rig = harness(store, now=utc(2023, 6, 1), producer=FakeProducer([("100001", "subscriber")]))
    case = rig.cases.open(request(investigation__area="child_exploitation"), actor="intake")
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    assert rig.cases.ledger("100001", now=utc(2040, 1, 1)) == ()
    (entry,) = rig.cases.ledger_all("100001")
    assert entry.notice_status() == "no notice by the platform (withheld)"


def test_a_lifted_gag_makes_the_notice_due_and_the_disclosure_visible(store: Any) -> None:
    rig = _gag_rig(store)
    case = rig.cases.open(_gagged(None), actor="intake")
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    assert rig.cases.due(before=utc(2040, 1, 1)) == ()
    with pytest.raises(InvalidTransition, match="until a court lifts the nondisclosure order"):
        rig.cases.notify(case.id, actor="clerk")
    rig.clock.set(utc(2023, 9, 1))
    lifted = rig.cases.lift_gag(case.id, on=dt.date(2023, 9, 15), actor="counsel")
    assert lifted.gag_lifted_on == dt.date(2023, 9, 15)
    assert lifted.events[-1].action is CaseAction.LIFT_GAG
    assert Case.from_dict(lifted.to_dict()) == lifted
    (due,) = rig.cases.due(before=utc(2040, 1, 1))
    assert (due.kind, due.at) == (dueprocess.cases.DeadlineKind.NOTICE_NOT_BEFORE, utc(2023, 9, 15))
    assert rig.cases.ledger("100001", now=utc(2023, 9, 14)) == ()
    assert len(rig.cases.ledger("100001", now=utc(2023, 9, 15))) == 1
    rig.clock.set(utc(2023, 9, 15))
    notified = rig.cases.notify(case.id, actor="clerk")
    assert notified.notice_delivered_at == utc(2023, 9, 15)
    with pytest.raises(InvalidTransition, match="was lifted on 2023-09-15"):
        rig.cases.lift_gag(case.id, on=dt.date(2023, 9, 16), actor="counsel")


def test_only_a_gagged_case_can_have_its_gag_lifted(store: Any) -> None:
    rig = harness(store)
    case = rig.cases.open(request(), actor="intake")
    with pytest.raises(InvalidTransition, match="under no gag order"):
        rig.cases.lift_gag(case.id, on=dt.date(2023, 6, 1), actor="counsel")


# --- 10.7 and 11.5: preservation holds belong to their case ------------------------------


def _preservation(**changes: Any) -> dueprocess.LegalRequest:
    document = {
        "id": "P-7",
        "process__kind": "preservation_request",
        "categories": [],
        "period": None,
        **changes,
    }
    return request(**document)


def test_a_renewal_from_another_agency_or_for_other_targets_is_refused(store: Any) -> None:
    rig = harness(store, now=utc(2023, 5, 10, 17))
    original = rig.cases.open(_preservation(), actor="intake")
    renews = {"extends": "P-7", "prior_extensions": 0, "prior_expires_on": "2023-08-08"}
    squatter = _preservation(id="X-2", preservation=renews, requester__agency="Other Agency")
    with pytest.raises(InvalidRequest, match="belongs to case 'P-7' of another agency"):
        rig.cases.open(squatter, actor="intake")
    elsewhere = _preservation(
        id="X-3", preservation=renews, targets=[{"kind": "account_id", "value": "999"}]
    )
    with pytest.raises(InvalidRequest, match="preserves other targets"):
        rig.cases.open(elsewhere, actor="intake")
    # The hold is untouched: its own renewal still works, and its expiry stays listed.
    assert [c.id for c in rig.cases.find()] == ["P-7"]
    assert rig.cases.get("P-7") == original
    rig.clock.set(utc(2023, 8, 1))
    renewed = rig.cases.renew("P-7", actor="counsel")
    assert [h.id for h in renewed.holds] == ["hold/0/P-7", "hold/1/P-7"]


def test_a_renewal_from_the_same_agency_for_the_same_targets_extends_the_hold(
    store: Any,
) -> None:
    rig = harness(store, now=utc(2023, 5, 10, 17))
    rig.cases.open(_preservation(), actor="intake")
    renews = {"extends": "P-7", "prior_extensions": 0, "prior_expires_on": "2023-08-08"}
    rig.clock.set(utc(2023, 8, 1))
    renewal = rig.cases.open(_preservation(id="P-7-R", preservation=renews), actor="intake")
    (hold,) = renewal.holds
    assert (hold.id, hold.extends, hold.extensions) == ("hold/0/P-7-R", "hold/0/P-7", 1)


def test_a_request_id_cannot_take_the_id_of_another_cases_renewal_hold(store: Any) -> None:
    rig = harness(store, now=utc(2023, 5, 10, 17))
    rig.cases.open(_preservation(), actor="intake")
    lookalike = rig.cases.open(_preservation(id="P-7/1"), actor="intake")
    assert [h.id for h in lookalike.holds] == ["hold/0/P-7/1"]
    rig.clock.set(utc(2023, 8, 1))
    renewed = rig.cases.renew("P-7", actor="counsel")
    assert [h.id for h in renewed.holds] == ["hold/0/P-7", "hold/1/P-7"]
    assert [h.id for h in store.hold_chain("hold/0/P-7/1")] == ["hold/0/P-7/1"]


def test_a_refused_renewal_leaves_the_case_and_its_hold_as_they_were(store: Any) -> None:
    rig = harness(store, now=utc(2023, 5, 10, 17))
    rig.cases.open(_preservation(), actor="intake")
    rig.clock.set(utc(2023, 8, 1))
    once = rig.cases.renew("P-7", actor="counsel")
    with pytest.raises(RenewalRefused) as refused:
        rig.cases.renew("P-7", actor="counsel")
    after = rig.cases.get("P-7")
    assert refused.value.case == after
    assert (after.state, after.holds, after.review) == (once.state, once.holds, once.review)
    assert after.events[-1].detail["refused"] is True
    assert [d.at for d in rig.cases.due(before=utc(2030, 1, 1))] == [utc(2023, 11, 6)]
    assert rig.cases.verify_audit() is None


# --- 11.2: cures cannot change who sent a request ----------------------------------------


def test_a_cure_cannot_record_a_callback_or_change_the_sender(store: Any) -> None:
    rig = harness(store)
    unverified = request(requester__email="agent@example.com")
    case = rig.cases.open(unverified, actor="intake")
    assert case.state is CaseState.AWAITING_VERIFICATION
    for forged, path in (
        (
            request(requester__email="agent@example.com", requester__callback="confirmed"),
            "callback",
        ),
        (request(requester__email="agent@fbi.gov"), "email"),
        (request(requester__email="agent@example.com", requester__agency="FBI"), "agency"),
    ):
        with pytest.raises(InvalidRequest, match=rf"\$\.requester\.{path}"):
            rig.cases.cure(case.id, forged, actor="clerk")
    assert store.get(case.id) == case
    confirmed = rig.cases.record_callback(case.id, "confirmed", actor="clerk")
    assert confirmed.state is CaseState.NOTICE_PENDING
    assert confirmed.events[3].action is CaseAction.CALLBACK


def test_a_cure_cannot_lift_a_verification_finding(store: Any) -> None:
    rig = harness(store)
    forged_date = request(process__issued_on="2023-05-20")
    case = rig.cases.open(forged_date, actor="intake")
    assert "process.issued_after_receipt" in case.review.codes
    with pytest.raises(InvalidRequest, match="cannot lift the verification finding"):
        rig.cases.cure(case.id, request(), actor="clerk")
    assert store.get(case.id) == case


def test_a_cure_corrects_targets_and_period_and_keeps_the_recorded_callback(store: Any) -> None:
    rig = harness(store)
    case = rig.cases.open(request(investigation__facts="too thin"), actor="intake")
    targets = [{"kind": "account_id", "value": "100002"}]
    cured = rig.cases.cure(case.id, request(targets=targets), actor="clerk")
    assert [t.value for t in cured.review.targets] == ["100002"]
    assert cured.request.requester == case.request.requester


# --- 11.3: one production per decision ---------------------------------------------------


class _Racing(FakeProducer):
    """A producer that lets something else happen to the case while it writes."""

    meanwhile: Callable[[], object] = lambda: None

    def __call__(self, review: Any, source: Any, sink: Any, *, produced_at: Any) -> Any:
        self.meanwhile()
        return super().__call__(review, source, sink, produced_at=produced_at)


def test_of_two_overlapping_productions_only_one_completes(store: Any) -> None:
    producer = _Racing([("100001", "subscriber")])
    rig = harness(store, now=utc(2023, 6, 1), producer=producer)
    case = ready(rig)
    second_sink = MemorySink()

    def second_production() -> None:
        producer.meanwhile = lambda: None
        rig.cases.produce(case.id, MemoryStore(), second_sink, actor="other")

    producer.meanwhile = second_production
    first_sink = MemorySink()
    with pytest.raises(ConflictError, match="production aborted, nothing was released"):
        rig.cases.produce(case.id, MemoryStore(), first_sink, actor="clerk")
    assert first_sink.aborted
    assert not first_sink.committed
    assert first_sink.files == {}
    assert second_sink.committed
    final = store.get(case.id)
    assert final.state is CaseState.PRODUCED
    assert len(final.productions) == 1
    claims = [e for e in final.events if e.action is CaseAction.CLAIM]
    assert [e.actor for e in claims] == ["clerk", "other"]


def test_a_production_whose_case_was_rejected_meanwhile_aborts(store: Any) -> None:
    producer = _Racing([("100001", "subscriber")])
    rig = harness(store, now=utc(2023, 6, 1), producer=producer)
    case = ready(rig)
    producer.meanwhile = lambda: rig.cases.record_callback(case.id, "failed", actor="counsel")
    sink = MemorySink()
    with pytest.raises(ConflictError, match="rejected"):
        rig.cases.produce(case.id, MemoryStore(), sink, actor="clerk")
    assert sink.files == {}
    assert sink.aborted
    assert store.get(case.id).state is CaseState.REJECTED
    assert store.get(case.id).productions == ()


def test_a_stale_production_is_refused_before_anything_is_written(store: Any) -> None:
    producer = FakeProducer([("100001", "subscriber")])
    rig = harness(store, now=utc(2023, 6, 1), producer=producer)
    case = ready(rig)

    class Stale:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def get(self, case_id: str) -> Case:
            return case

    rig.cases.approve(case.id, actor="someone")  # another writer moves the case on
    stale = attrs.evolve(rig.cases, store=Stale(store))
    sink = MemorySink()
    with pytest.raises(ConflictError, match="changed since it was read"):
        stale.produce(case.id, MemoryStore(), sink, actor="clerk")
    assert producer.calls == []
    assert sink.files == {}


def test_a_producer_that_never_commits_publishes_nothing_and_records_nothing(
    store: Any,
) -> None:
    class Unfinished(FakeProducer):
        def __call__(self, review: Any, source: Any, sink: Any, *, produced_at: Any) -> Any:
            sink.write("records.jsonl", [b'{"account":"100001","category":"subscriber"}\n'])
            return type("M", (), {"accounts": ("100001",), "counts": {"subscriber": 1},
                                  "records": 1, "merkle_root": "00"})()  # fmt: skip

    rig = harness(store, now=utc(2023, 6, 1), producer=Unfinished())
    case = ready(rig)
    sink = MemorySink()
    with pytest.raises(IntegrityError, match="did not finish its work"):
        rig.cases.produce(case.id, MemoryStore(), sink, actor="clerk")
    assert sink.aborted
    assert not sink.committed
    assert store.get(case.id).productions == ()


def test_a_sink_that_fails_to_publish_a_recorded_production_is_audited(store: Any) -> None:
    class Full(MemorySink):
        def commit(self) -> None:
            raise dueprocess.exceptions.StoreError("disk full while renaming")

    rig = harness(store, now=utc(2023, 6, 1), producer=FakeProducer([("100001", "subscriber")]))
    case = ready(rig)
    with pytest.raises(dueprocess.exceptions.StoreError, match="disk full"):
        rig.cases.produce(case.id, MemoryStore(), Full(), actor="clerk")
    assert store.get(case.id).state is CaseState.PRODUCED  # recorded: the ledger over-reports
    last = list(store.audit.entries())[-1]
    assert last.action == "refuse"
    assert "recorded but its files could not be published: disk full" in last.reason


# --- 11.8: one notice per account --------------------------------------------------------


def test_each_account_holder_gets_a_notice_naming_only_their_identifiers(store: Any) -> None:
    rig = harness(store)
    targets = [
        {"kind": "email", "value": "a@example.com"},
        {"kind": "phone", "value": "+15550100"},
        {"kind": "account_id", "value": "100003"},
    ]
    case = rig.cases.open(request(targets=targets), actor="intake")
    source = MemoryStore.of(
        (),
        [
            dueprocess.Identity("100001", dueprocess.TargetKind.EMAIL, "a@example.com"),
            dueprocess.Identity("100002", dueprocess.TargetKind.PHONE, "+15550100"),
        ],
    )
    rig.cases.notify(case.id, actor="clerk", source=source)
    notices = rig.notifier.delivered
    assert [(n.account, [t.value for t in n.targets]) for n in notices] == [
        ("100001", ["a@example.com"]),
        ("100002", ["+15550100"]),
    ]
    assert all("100003" not in json.dumps(n.to_dict()) for n in notices)  # no such account
    assert store.get(case.id).events[-1].detail["notices"] == 2


def test_without_a_source_each_identifier_gets_its_own_notice(store: Any) -> None:
    rig = harness(store)
    targets = [
        {"kind": "email", "value": "a@example.com"},
        {"kind": "phone", "value": "+1 555 0100"},
    ]
    case = rig.cases.open(request(targets=targets), actor="intake")
    rig.cases.notify(case.id, actor="clerk")
    assert [[t.value for t in n.targets] for n in rig.notifier.delivered] == [
        ["a@example.com"],
        ["+1 555 0100"],
    ]


# --- 11.10: who acts, and a second pair of eyes ------------------------------------------


def test_the_actor_comes_from_the_identity_provider(store: Any) -> None:
    rig = harness(store)
    cases = attrs.evolve(rig.cases, identity=FixedIdentity(Actor("jdoe", "J. Doe")))
    case = cases.open(request(), actor=None)
    assert {e.actor for e in case.events} == {"jdoe"}
    with pytest.raises(InvalidArgument, match="'boss' is not the authenticated user 'jdoe'"):
        cases.close(case.id, actor="boss")
    assert cases.close(case.id, actor=Actor("jdoe")).events[-1].actor == "jdoe"


def test_without_an_identity_provider_an_actor_is_required_and_checked(store: Any) -> None:
    rig = harness(store)
    with pytest.raises(dueprocess.exceptions.DueProcessError, match="no actor"):
        rig.cases.open(request())
    with pytest.raises(InvalidArgument, match="one line of visible text"):
        rig.cases.open(request(), actor="mallory\nadmin")
    assert rig.cases.find() == []


def _two_person_rig(store: Any, *rules: str) -> tuple[Harness, dueprocess.cases.Cases]:
    policy = attrs.evolve(
        dueprocess.DEFAULT_POLICY, name="two-person", second_approver=frozenset(rules)
    )
    rig = harness(store, now=utc(2023, 6, 1), producer=FakeProducer([("100001", "content")]))
    return rig, rig.cases.reviewing_with(policy)


def test_a_content_production_needs_a_second_different_approver(store: Any) -> None:
    _, cases = _two_person_rig(store, "content_production")
    warrant = request(
        categories=["content"],
        process__kind="search_warrant",
        process__issuer={"name": "Judge", "role": "judge"},
        process__authority="18 U.S.C. 2703(a)",
    )
    case = cases.open(warrant, actor="intake")
    cases.notify(case.id, actor="clerk")
    case = cases.advance(case.id, actor="clerk")
    assert case.review.scope.allows(Category.CONTENT)
    with pytest.raises(InvalidTransition, match="requires a second person's approval"):
        cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    cases.approve(case.id, actor="clerk")
    with pytest.raises(InvalidTransition, match="'clerk' approved this production and cannot"):
        cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    produced = cases.produce(case.id, MemoryStore(), MemorySink(), actor="counsel")
    assert produced.state is CaseState.PRODUCED
    approval = next(e for e in produced.events if e.action is CaseAction.APPROVE)
    assert approval.actor == "clerk"
    assert approval.detail["review_sha256"] == produced.productions[0].review_sha256


def test_an_override_of_the_objection_window_needs_a_second_approver(store: Any) -> None:
    rig, cases = _two_person_rig(store, "objection_window_override")
    rig.clock.set(utc(2023, 5, 10, 17))
    case = cases.open(request(), actor="intake")
    with pytest.raises(InvalidTransition, match="objection_window_override"):
        cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk", override="urgent")
    assert store.get(case.id) == case
    cases.approve(case.id, actor="counsel")
    produced = cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk", override="urgent")
    assert produced.productions[0].override == "urgent"


def test_an_approval_does_not_survive_a_new_review(store: Any) -> None:
    rig, cases = _two_person_rig(store, "objection_window_override")
    rig.clock.set(utc(2023, 5, 10, 17))
    case = cases.open(request(), actor="intake")
    cases.approve(case.id, actor="counsel")
    cases.record_callback(case.id, "confirmed", actor="clerk")  # reviewed again
    with pytest.raises(InvalidTransition, match="requires a second person's approval"):
        cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk", override="urgent")


def test_a_policy_names_only_known_approvals() -> None:
    with pytest.raises(dueprocess.exceptions.InvalidPolicy, match="unknown action everything"):
        dueprocess.load_policy({"name": "x", "second_approver": ["everything"]})
    with pytest.raises(dueprocess.exceptions.InvalidPolicy, match="expected an array of strings"):
        dueprocess.load_policy({"name": "x", "second_approver": "content_production"})
    loaded = dueprocess.load_policy({"name": "x", "second_approver": ["emergency_release"]})
    assert loaded.second_approver == {"emergency_release"}
    assert dueprocess.policy_to_dict(loaded)["second_approver"] == ["emergency_release"]
    with pytest.raises(dueprocess.exceptions.InvalidPolicy, match="unknown action"):
        attrs.evolve(dueprocess.DEFAULT_POLICY, name="x", second_approver=frozenset({"x"}))


def test_an_emergency_release_needs_a_second_approver(store: Any) -> None:
    from ..cases_support import shared_request

    emergency = shared_request("06")
    policy = attrs.evolve(
        dueprocess.DEFAULT_POLICY,
        name="two-person",
        second_approver=frozenset({"emergency_release"}),
    )
    rig = harness(store, now=emergency.received_at, producer=FakeProducer())
    cases = rig.cases.reviewing_with(policy)
    case = cases.open(emergency, actor="intake")
    assert case.state is CaseState.READY
    with pytest.raises(InvalidTransition, match="emergency_release"):
        cases.produce(case.id, MemoryStore(), MemorySink(), actor="on-call")
    cases.approve(case.id, actor="supervisor")
    assert cases.produce(case.id, MemoryStore(), MemorySink(), actor="on-call").productions


# --- the edges of the guarantees ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "non-empty string"),
        ("   ", "non-empty string"),
        (" padded", "must not start or end with blanks"),
        ("tab\there", "one line of visible text"),
        ("rtl\u202eevil", "one line of visible text"),
    ],
)
def test_an_actor_id_is_one_line_of_visible_text(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Actor(text)
    assert str(Actor("jdoe", "J. Doe")) == "jdoe"


def test_an_identity_provider_that_returns_no_actor_is_refused(store: Any) -> None:
    class Broken:
        def current(self) -> Any:
            return "jdoe"

    rig = harness(store)
    with pytest.raises(dueprocess.exceptions.DueProcessError, match="did not return an Actor"):
        attrs.evolve(rig.cases, identity=Broken()).open(request())


def test_a_broken_audit_log_releases_nothing(tmp_path: Path) -> None:
    with SqliteCaseStore(tmp_path / "cases.sqlite") as store:
        rig = harness(store, now=utc(2023, 6, 1), producer=FakeProducer([("100001", "subscriber")]))
        case = ready(rig)
        raw = sqlite3.connect(store.path, isolation_level=None)
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("UPDATE audit SET body = replace(body, 'intake', 'mallory') WHERE seq = 1")
        raw.close()
        sink = MemorySink()
        with pytest.raises(IntegrityError, match=r"audit log (is )?broken"):
            rig.cases.produce(case.id, MemoryStore(), sink, actor="clerk")
        assert sink.files == {}


@pytest.mark.parametrize(
    ("drift", "named"),
    [
        (lambda r: attrs.evolve(r, outcome=dueprocess.Outcome.COMPLY), "outcome partial"),
        (lambda r: attrs.evolve(r, categories=r.categories[:1]), "the released categories"),
        (lambda r: attrs.evolve(r, policy="other"), "its content"),
    ],
    ids=["outcome", "categories", "content"],
)
def test_a_fresh_review_names_what_differs(drift: Callable[[Any], Any], named: str) -> None:
    rig = harness(now=utc(2023, 6, 1), producer=FakeProducer())
    case = ready(rig, _asks_for_content())

    def drifting(req: dueprocess.LegalRequest, policy: dueprocess.Policy) -> Any:
        return drift(dueprocess.review(req, policy))

    with pytest.raises(IntegrityError, match=re.escape(named)):
        attrs.evolve(rig.cases, reviewer=drifting).produce(
            case.id, MemoryStore(), MemorySink(), actor="clerk"
        )


def test_counsels_ledger_names_a_delivered_notice_and_the_holder_sees_it(store: Any) -> None:
    rig = harness(store, now=utc(2023, 6, 1), producer=FakeProducer([("100001", "subscriber")]))
    case = ready(rig)
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    (entry,) = rig.cases.ledger_all("100001")
    assert entry.notice_status() == "notice delivered 2023-06-01T00:00:00Z"
    assert rig.cases.ledger("100001", now=utc(2023, 6, 1)) == (entry,)


def test_identifiers_of_one_account_share_its_one_notice(store: Any) -> None:
    rig = harness(store)
    targets = [{"kind": "account_id", "value": "100001"}, {"kind": "email", "value": "a@x.org"}]
    case = rig.cases.open(request(targets=targets), actor="intake")
    source = MemoryStore.of(
        [Record("100001", Category.SUBSCRIBER, utc(2023, 1, 1), {})],
        [dueprocess.Identity("100001", dueprocess.TargetKind.EMAIL, "a@x.org")],
    )
    rig.cases.notify(case.id, actor="clerk", source=source)
    ((notice),) = rig.notifier.delivered
    assert (notice.account, [t.value for t in notice.targets]) == ("100001", ["100001", "a@x.org"])


def test_a_producer_that_takes_an_override_is_told_it(store: Any) -> None:
    told: list[str | None] = []

    class Honest(FakeProducer):
        def __call__(
            self, review: Any, source: Any, sink: Any, *, produced_at: Any, override: Any = None
        ) -> Any:
            told.append(override)
            return super().__call__(review, source, sink, produced_at=produced_at)

    rig = harness(store, now=utc(2023, 5, 11), producer=Honest([("100001", "subscriber")]))
    case = rig.cases.open(request(), actor="intake")
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk", override="exigent")
    other = rig.cases.open(request(id="REQ-2"), actor="intake")
    rig.cases.notify(other.id, actor="clerk")
    rig.clock.set(utc(2023, 5, 20))
    rig.cases.produce(other.id, MemoryStore(), MemorySink(), actor="clerk")
    assert told == ["exigent", None]


def test_a_renewal_case_reviewed_again_is_not_its_own_prior_extension(store: Any) -> None:
    rig = harness(store, now=utc(2023, 5, 10, 17))
    rig.cases.open(_preservation(), actor="intake")
    renews = {"extends": "P-7", "prior_extensions": 0, "prior_expires_on": "2023-08-08"}
    rig.clock.set(utc(2023, 8, 1))
    renewal = rig.cases.open(_preservation(id="P-7-R", preservation=renews), actor="intake")
    assert renewal.state is CaseState.PRESERVED
    again = rig.cases.record_callback(renewal.id, "confirmed", actor="clerk")
    assert again.state is CaseState.PRESERVED
    assert "preservation.extension_limit" not in again.review.codes
    assert again.holds == renewal.holds
