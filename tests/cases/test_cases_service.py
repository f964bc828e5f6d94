"""The case service: opening by outcome, re-reviews, notice, production, deadlines."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import attrs
import pytest

import dueprocess
from dueprocess import load_request
from dueprocess.cases import Case, CaseAction, CaseState, DeadlineKind
from dueprocess.exceptions import (
    CaseNotFound,
    ConflictError,
    DueProcessError,
    IntegrityError,
    InvalidArgument,
    InvalidRequest,
    InvalidTransition,
    StoreError,
)
from dueprocess.parts import Callback, NoticeTiming
from dueprocess.testing import MemorySink, MemoryStore

from ..cases_support import (
    FakeProducer,
    Harness,
    harness,
    ready,
    request,
    session_records,
    shared_request,
    utc,
)


def _open_at_receipt(stem: str) -> Case:
    req = shared_request(stem)
    rig = harness(now=req.received_at + dt.timedelta(hours=1))
    return rig.cases.open(req, actor="intake")


@pytest.mark.parametrize(
    ("stem", "state"),
    [
        ("01", CaseState.READY),  # comply, notice withheld: no window
        ("02", CaseState.REJECTED),
        ("04", CaseState.NOTICE_PENDING),  # partial, user may object for 10 days
        ("06", CaseState.READY),  # emergency: notice after
        ("08", CaseState.PUSHED_BACK),
        ("09", CaseState.PRESERVED),
        ("12", CaseState.READY),
        ("16", CaseState.REJECTED),
        ("18", CaseState.READY),  # gag: notice after it ends, no window
    ],
)
def test_opening_a_case_moves_it_by_the_reviews_outcome(stem: str, state: CaseState) -> None:
    case = _open_at_receipt(stem)
    assert case.state is state
    assert case.version == 1
    assert case.id == case.request_id == case.request.id
    assert [(e.from_state, e.to_state) for e in case.events] == [
        (None, CaseState.RECEIVED),
        (CaseState.RECEIVED, CaseState.IN_REVIEW),
        (CaseState.IN_REVIEW, state),
    ]
    assert [e.action for e in case.events] == [
        CaseAction.OPEN,
        CaseAction.REVIEW,
        CaseAction.DECIDE,
    ]
    assert case.review == dueprocess.review(case.request)


def test_a_verify_outcome_awaits_verification_and_escalate_escalates() -> None:
    rig = harness()
    verify = rig.cases.open(request(id="V-1", requester__email="a@example.com"), actor="intake")
    escalate = rig.cases.open(request(id="E-1", process__kind="pen_register_order"), actor="x")
    assert verify.state is CaseState.AWAITING_VERIFICATION
    assert escalate.state is CaseState.ESCALATED


def test_every_event_records_actor_time_and_reason() -> None:
    rig = harness()
    case = rig.cases.open(request(), actor="alice", reason="arrived through the portal")
    assert {e.actor for e in case.events} == {"alice"}
    assert {e.at for e in case.events} == {utc(2023, 5, 10, 17)}
    assert case.events[0].reason == "arrived through the portal"
    assert case.events[-1].reason == "comply: no findings"
    assert case.events[-1].detail["outcome"] == "comply"
    assert (
        case.events[-1].detail["review_sha256"]
        == hashlib.sha256(case.review.canonical_bytes()).hexdigest()
    )


def test_the_decision_event_names_the_policy_by_name_and_by_hash() -> None:
    rig = harness()
    case = rig.cases.open(request(), actor="intake")
    detail = case.events[-1].detail
    assert detail["policy"] == "default"
    assert detail["policy_sha256"] == dueprocess.DEFAULT_POLICY.sha256
    stricter = attrs.evolve(dueprocess.DEFAULT_POLICY, name="ours", free_mail_domains=())
    other = rig.cases.reviewing_with(stricter).open(request(id="R-2"), actor="intake")
    assert other.events[-1].detail["policy"] == "ours"
    assert other.events[-1].detail["policy_sha256"] == stricter.sha256
    assert stricter.sha256 != dueprocess.DEFAULT_POLICY.sha256


def test_a_release_opened_after_its_window_closed_still_waits_for_its_notice() -> None:
    rig = harness(now=utc(2023, 5, 20))
    case = rig.cases.open(request(), actor="intake")
    assert case.state is CaseState.NOTICE_PENDING
    rig.cases.notify(case.id, actor="clerk")
    assert rig.cases.advance(case.id, actor="clerk").state is CaseState.READY


def test_a_release_without_notice_before_disclosure_opened_late_is_ready_at_once() -> None:
    rig = harness(now=utc(2023, 5, 20))
    gagged = request(nondisclosure={"kind": "court_order", "statute": "18 U.S.C. 2705(b)",
                                    "until": "2024-01-01"})  # fmt: skip
    assert rig.cases.open(gagged, actor="intake").state is CaseState.READY


def test_a_release_opened_the_day_before_disclose_after_waits() -> None:
    rig = harness(now=utc(2023, 5, 19, 23, 59))
    assert rig.cases.open(request(), actor="intake").state is CaseState.NOTICE_PENDING


def test_opening_the_same_request_twice_is_a_conflict() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    with pytest.raises(ConflictError, match="already exists"):
        rig.cases.open(request(), actor="intake")


def test_a_clock_without_a_timezone_is_refused() -> None:
    class Naive:
        def now(self) -> dt.datetime:
            return dt.datetime(2023, 5, 10)

    cases = attrs.evolve(harness().cases, clock=Naive())
    with pytest.raises(ValueError, match="timezone-aware"):
        cases.open(request(), actor="intake")
    with pytest.raises(ValueError, match="timezone-aware"):
        harness().clock.set(dt.datetime(2023, 5, 10))


def test_an_unknown_case_id_is_case_not_found() -> None:
    rig = harness()
    with pytest.raises(CaseNotFound, match="no case 'NOPE'") as raised:
        rig.cases.get("NOPE")
    assert isinstance(raised.value, StoreError)
    assert raised.value.case_id == "NOPE"


def test_find_filters_by_state_name_or_member() -> None:
    rig = harness()
    rig.cases.open(request(id="A"), actor="x")
    rig.cases.open(request(id="B", investigation__facts="too thin"), actor="x")
    assert [c.id for c in rig.cases.find()] == ["A", "B"]
    assert [c.id for c in rig.cases.find("pushed_back")] == ["B"]
    assert [c.id for c in rig.cases.find(CaseState.NOTICE_PENDING)] == ["A"]


# --- callbacks, cures -----------------------------------------------------------------


def test_a_confirmed_callback_clears_a_verification_hold() -> None:
    rig = harness()
    case = rig.cases.open(request(requester__email="a@example.com"), actor="intake")
    after = rig.cases.record_callback(case.id, "confirmed", actor="bob")
    assert after.state is CaseState.NOTICE_PENDING
    assert after.request.requester.callback is Callback.CONFIRMED
    assert after.version == 2
    assert [(e.action, e.to_state) for e in after.events[3:]] == [
        (CaseAction.CALLBACK, CaseState.IN_REVIEW),
        (CaseAction.DECIDE, CaseState.NOTICE_PENDING),
    ]
    assert after.events[3].reason == "callback confirmed"


def test_a_failed_callback_rejects_even_a_ready_case() -> None:
    rig = harness(now=utc(2023, 6, 1))
    case = ready(rig)
    assert case.state is CaseState.READY
    after = rig.cases.record_callback(case.id, Callback.FAILED, actor="bob", reason="no answer")
    assert after.state is CaseState.REJECTED
    assert "requester.callback_failed" in after.review.codes
    assert after.events[5].reason == "no answer"


@pytest.mark.parametrize("result", ["not_attempted", "maybe"])
def test_a_callback_result_must_be_confirmed_or_failed(result: str) -> None:
    rig = harness()
    case = rig.cases.open(request(requester__email="a@example.com"), actor="intake")
    with pytest.raises(InvalidArgument, match="expected confirmed or failed"):
        rig.cases.record_callback(case.id, result, actor="bob")
    assert rig.cases.get(case.id) == case


def test_a_corrected_document_cures_a_push_back() -> None:
    rig = harness()
    thin = request(investigation__facts="too thin")
    case = rig.cases.open(thin, actor="intake")
    assert case.state is CaseState.PUSHED_BACK
    cured = rig.cases.cure(case.id, request(), actor="counsel")
    assert cured.state is CaseState.NOTICE_PENDING
    assert cured.request == request()
    assert cured.events[3].action is CaseAction.CURE
    assert cured.events[3].detail["request_sha256"] != case.events[0].detail["request_sha256"]


def test_a_cure_must_keep_the_request_id() -> None:
    rig = harness()
    case = rig.cases.open(request(investigation__facts="too thin"), actor="intake")
    with pytest.raises(InvalidRequest, match="must keep the request id 'REQ-1'"):
        rig.cases.cure(case.id, request(id="OTHER"), actor="counsel")


def test_a_rejected_case_cannot_be_cured_or_called_back() -> None:
    rig = harness()
    case = rig.cases.open(request(investigation__nature="civil"), actor="intake")
    assert case.state is CaseState.REJECTED
    with pytest.raises(InvalidTransition, match="cannot cure case 'REQ-1' that is rejected"):
        rig.cases.cure(case.id, request(), actor="counsel")
    with pytest.raises(InvalidTransition, match="allowed: close"):
        rig.cases.record_callback(case.id, "confirmed", actor="counsel")
    assert rig.cases.get(case.id) == case


def test_a_ready_case_has_nothing_to_cure() -> None:
    rig = harness(now=utc(2023, 6, 1))
    case = ready(rig)
    with pytest.raises(InvalidTransition):
        rig.cases.cure(case.id, request(), actor="counsel")


# --- preservation holds -----------------------------------------------------------------


def _preservation(**changes: object) -> dueprocess.LegalRequest:
    document = shared_request("09").to_dict()
    document.update(changes)
    return load_request(document)


def test_a_preservation_places_a_hold_until_preserve_until() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    case = rig.cases.open(_preservation(), actor="intake")
    (hold,) = case.holds
    assert (hold.id, hold.root, hold.extends, hold.extensions) == (
        "hold/0/PRES-2024-0050",
        "hold/0/PRES-2024-0050",
        None,
        0,
    )
    assert hold.expires_on == dt.date(2024, 5, 1) == case.review.preserve_until
    assert rig.store.hold_chain("hold/0/PRES-2024-0050") == (hold,)


def test_a_renewal_is_completed_from_the_stored_hold_whatever_it_states() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    rig.cases.open(_preservation(), actor="intake")
    claims = {"extends": "PRES-2024-0050", "prior_extensions": 7, "prior_expires_on": "2030-01-01"}
    renewal = _preservation(
        id="PRES-2024-0050-R1", received_at="2024-04-25T10:00:00Z", preservation=claims
    )
    rig.clock.set(utc(2024, 4, 25, 11))
    case = rig.cases.open(renewal, actor="intake")
    assert case.state is CaseState.PRESERVED
    assert case.request.preservation is not None
    assert case.request.preservation.prior_extensions == 0
    assert case.request.preservation.prior_expires_on == dt.date(2024, 5, 1)
    assert case.review.preserve_until == dt.date(2024, 7, 30)
    (hold,) = case.holds
    assert (hold.id, hold.root, hold.extends, hold.extensions) == (
        "hold/0/PRES-2024-0050-R1",
        "hold/0/PRES-2024-0050",
        "hold/0/PRES-2024-0050",
        1,
    )
    assert "renewal completed from hold 'hold/0/PRES-2024-0050'" in case.events[1].reason
    # The requester's own claims are kept in the audit as the received document's digest.
    assert case.events[0].detail["request_sha256"] != case.events[2].detail["request_sha256"]


def test_a_second_renewal_of_the_original_hold_hits_the_extension_limit() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    rig.cases.open(_preservation(), actor="intake")
    first = {"extends": "PRES-2024-0050", "prior_extensions": 0, "prior_expires_on": "2024-05-01"}
    rig.cases.open(_preservation(id="R1", preservation=first), actor="intake")
    # The requester names the original hold again and claims no prior extension.
    second = _preservation(id="R2", preservation=first)
    case = rig.cases.open(second, actor="intake")
    assert case.state is CaseState.REJECTED
    assert "preservation.extension_limit" in case.review.codes
    assert case.holds == ()
    assert [h.id for h in rig.store.hold_chain("hold/0/R1")] == [
        "hold/0/PRES-2024-0050",
        "hold/0/R1",
    ]


def test_a_renewal_of_a_hold_the_platform_does_not_hold_is_refused() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    stated = {"extends": "OLD-1", "prior_extensions": 0, "prior_expires_on": "2024-03-01"}
    with pytest.raises(InvalidRequest, match="no preservation 'OLD-1' is held by this platform"):
        rig.cases.open(_preservation(id="R1", preservation=stated), actor="intake")
    assert rig.cases.find() == []
    assert len(rig.store.audit) == 0


def test_renewing_a_case_extends_its_hold_once_and_then_refuses() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    case = rig.cases.open(_preservation(), actor="intake")
    rig.clock.set(utc(2024, 4, 20))
    renewed = rig.cases.renew(case.id, actor="counsel")
    assert renewed.state is CaseState.PRESERVED
    assert [(h.id, h.extensions, h.expires_on) for h in renewed.holds] == [
        ("hold/0/PRES-2024-0050", 0, dt.date(2024, 5, 1)),
        ("hold/1/PRES-2024-0050", 1, dt.date(2024, 7, 30)),
    ]
    assert renewed.holds[1].extends == "hold/0/PRES-2024-0050"
    assert renewed.events[3].action is CaseAction.RENEW
    with pytest.raises(
        dueprocess.exceptions.RenewalRefused, match=r"preservation\.extension_limit"
    ) as refused:
        rig.cases.renew(case.id, actor="counsel")
    again = rig.cases.get(case.id)
    assert refused.value.case == again
    # The case, its review and its hold stand as they were; the refusal is an event.
    assert again.state is CaseState.PRESERVED
    assert again.review == renewed.review
    assert again.holds == renewed.holds
    assert again.version == renewed.version + 1
    assert (again.events[-1].action, again.events[-1].to_state) == (
        CaseAction.RENEW,
        CaseState.PRESERVED,
    )
    assert again.events[-1].detail["refused"] is True
    assert "preservation.extension_limit" in again.events[-1].reason
    # The standing hold is still listed until the case is closed.
    due = rig.cases.due(before=utc(2025, 1, 1))
    assert [(d.kind, d.at) for d in due] == [(DeadlineKind.PRESERVE_UNTIL, utc(2024, 7, 30))]
    with pytest.raises(InvalidTransition):
        rig.cases.renew(case.id, actor="counsel")


def test_a_renewal_document_on_the_case_is_completed_too() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    case = rig.cases.open(_preservation(), actor="intake")
    wrong = {"extends": "PRES-2024-0050", "prior_extensions": 3, "prior_expires_on": "2020-01-01"}
    renewed = rig.cases.renew(case.id, actor="counsel", request=_preservation(preservation=wrong))
    assert renewed.state is CaseState.PRESERVED
    assert renewed.holds[-1].expires_on == dt.date(2024, 7, 30)


def test_a_renewal_must_keep_the_id_and_be_a_preservation() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    case = rig.cases.open(_preservation(), actor="intake")
    with pytest.raises(InvalidRequest, match="must keep the request id"):
        rig.cases.renew(case.id, actor="x", request=_preservation(id="OTHER"))
    with pytest.raises(InvalidRequest, match="preservation kind"):
        rig.cases.renew(case.id, actor="x", request=request(id="PRES-2024-0050"))


def test_only_a_preserved_case_can_be_renewed() -> None:
    rig = harness()
    case = rig.cases.open(request(), actor="intake")
    with pytest.raises(InvalidTransition, match="cannot renew"):
        rig.cases.renew(case.id, actor="x")


def test_a_callback_on_a_preserved_case_keeps_its_hold() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    case = rig.cases.open(_preservation(), actor="intake")
    again = rig.cases.record_callback(case.id, "confirmed", actor="x")
    assert again.state is CaseState.PRESERVED
    assert again.holds == case.holds


def test_a_superseded_hold_is_not_listed_as_due() -> None:
    rig = harness(now=utc(2024, 2, 1, 11))
    rig.cases.open(_preservation(), actor="intake")
    first = {"extends": "PRES-2024-0050", "prior_extensions": 0, "prior_expires_on": "2024-05-01"}
    rig.cases.open(_preservation(id="R1", preservation=first), actor="intake")
    due = rig.cases.due(before=utc(2025, 1, 1))
    assert [(d.case_id, d.kind, d.at) for d in due] == [
        ("R1", DeadlineKind.PRESERVE_UNTIL, utc(2024, 7, 30))
    ]


# --- deadlines ----------------------------------------------------------------------------


def test_due_lists_the_notice_and_the_window_of_a_before_disclosure_case() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    due = rig.cases.due(before=utc(2024, 1, 1))
    assert [(d.kind, d.at) for d in due] == [
        (DeadlineKind.NOTICE_NOT_BEFORE, utc(2023, 5, 10)),
        (DeadlineKind.DISCLOSE_AFTER, utc(2023, 5, 20)),
    ]
    assert due[0].to_dict() == {
        "case_id": "REQ-1",
        "request_id": "REQ-1",
        "kind": "notice_not_before",
        "at": "2023-05-10T00:00:00Z",
    }


def test_due_is_strictly_before_the_instant() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    assert [d.kind for d in rig.cases.due(before=utc(2023, 5, 20))] == [
        DeadlineKind.NOTICE_NOT_BEFORE
    ]
    assert rig.cases.due(before=utc(2023, 5, 10)) == ()


def test_due_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        harness().cases.due(before=dt.datetime(2023, 5, 10))


def test_an_eu_order_is_due_by_its_respond_by_until_produced() -> None:
    req = shared_request("12")
    rig = harness(now=req.received_at, producer=FakeProducer())
    case = rig.cases.open(req, actor="intake")
    due = rig.cases.due(before=utc(2027, 1, 1))
    assert [(d.kind, d.at) for d in due] == [(DeadlineKind.RESPOND_BY, utc(2026, 10, 15, 9, 30))]
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    assert rig.cases.due(before=utc(2027, 1, 1)) == ()


def test_an_unvalidated_eu_emergency_order_must_be_validated_within_48_hours() -> None:
    document = shared_request("12").to_dict()
    document["process"]["issuer"]["role"] = "police"
    document["emergency"] = {"danger": "death", "imminent": True, "description": "a bomb threat"}
    document["categories"] = ["subscriber", "session_logs"]
    req = load_request(document)
    rig = harness(now=req.received_at)
    case = rig.cases.open(req, actor="intake")
    assert "eu.validation_pending" in case.review.codes
    kinds = {d.kind: d.at for d in rig.cases.due(before=utc(2027, 1, 1))}
    assert kinds[DeadlineKind.EU_VALIDATION] == req.received_at + dt.timedelta(hours=48)
    assert kinds[DeadlineKind.RESPOND_BY] == req.received_at + dt.timedelta(hours=8)
    rig.cases.close(case.id, actor="x")
    assert rig.cases.due(before=utc(2027, 1, 1)) == ()


# --- notice ------------------------------------------------------------------------------


def test_a_before_disclosure_notice_is_delivered_through_the_notifier() -> None:
    rig = harness()
    case = rig.cases.open(request(), actor="intake")
    after = rig.cases.notify(case.id, actor="scheduler")
    (notice,) = rig.notifier.delivered
    assert notice.timing is NoticeTiming.BEFORE_DISCLOSURE
    assert notice.disclose_after == dt.date(2023, 5, 20)
    assert [c.value for c in notice.categories] == ["subscriber", "session_logs"]
    assert notice.to_dict()["targets"] == [{"kind": "account_id", "value": "100001"}]
    assert after.state is CaseState.NOTICE_PENDING
    assert after.notice_delivered_at == utc(2023, 5, 10, 17)
    assert after.events[-1].action is CaseAction.NOTIFY
    assert [d.kind for d in rig.cases.due(before=utc(2024, 1, 1))] == [DeadlineKind.DISCLOSE_AFTER]
    with pytest.raises(InvalidTransition, match="was delivered"):
        rig.cases.notify(case.id, actor="scheduler")
    assert len(rig.notifier.delivered) == 1


def test_a_gag_orders_expiry_makes_the_delayed_notice_due() -> None:
    gag = {"kind": "court_order", "statute": "18 U.S.C. 2705(b)", "until": "2022-04-09"}
    req = shared_request("18", nondisclosure=gag)
    rig = harness(now=req.received_at, producer=FakeProducer())
    case = rig.cases.open(req, actor="intake")
    assert case.notice is not None
    assert case.notice.due_at == utc(2022, 4, 9)
    with pytest.raises(InvalidTransition, match="not due until 2022-04-09T00:00:00Z"):
        rig.cases.notify(case.id, actor="scheduler")
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    rig.cases.close(case.id, actor="x")
    assert rig.cases.due(before=utc(2022, 4, 9)) == ()
    (deadline,) = rig.cases.due(before=utc(2022, 4, 10))
    assert deadline.kind is DeadlineKind.NOTICE_NOT_BEFORE
    rig.clock.set(utc(2022, 4, 9, 9))
    closed = rig.cases.notify(case.id, actor="scheduler")
    assert closed.state is CaseState.CLOSED
    assert rig.notifier.delivered[0].timing is NoticeTiming.AFTER_NONDISCLOSURE
    assert rig.cases.due(before=utc(2030, 1, 1)) == ()


def test_a_gag_order_without_end_keeps_the_notice_until_a_court_lifts_it() -> None:
    req = shared_request("18")  # a 2705(b) order with no end date (rules v2)
    rig = harness(now=req.received_at, producer=FakeProducer())
    case = rig.cases.open(req, actor="intake")
    assert case.notice is not None
    assert case.notice.due_at is None
    rig.clock.set(utc(2040, 1, 1))
    with pytest.raises(InvalidTransition, match="until a court lifts the nondisclosure order"):
        rig.cases.notify(case.id, actor="scheduler")
    due = rig.cases.due(before=utc(2040, 1, 1))
    assert DeadlineKind.NOTICE_NOT_BEFORE not in {deadline.kind for deadline in due}
    assert rig.notifier.delivered == []


def test_an_emergency_notice_falls_due_once_the_disclosure_is_made() -> None:
    req = shared_request("06")
    rig = harness(now=req.received_at, producer=FakeProducer())
    case = rig.cases.open(req, actor="intake")
    assert case.notice is not None
    assert case.notice.due_at is None
    assert rig.cases.due(before=utc(2030, 1, 1)) == ()
    with pytest.raises(InvalidTransition, match="until the emergency disclosure is made"):
        rig.cases.notify(case.id, actor="scheduler")
    rig.clock.advance(dt.timedelta(minutes=20))
    produced = rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    (deadline,) = rig.cases.due(before=utc(2030, 1, 1))
    assert (deadline.kind, deadline.at) == (
        DeadlineKind.NOTICE_NOT_BEFORE,
        produced.productions[0].produced_at,
    )
    rig.cases.notify(case.id, actor="scheduler")
    assert rig.notifier.delivered[0].timing is NoticeTiming.AFTER_EMERGENCY


@pytest.mark.parametrize("stem", ["01", "11", "13"])
def test_no_notice_is_scheduled_where_it_is_withheld(stem: str) -> None:
    case = _open_at_receipt(stem)
    assert case.notice is None
    assert all(d.kind is not DeadlineKind.NOTICE_NOT_BEFORE for d in case.deadlines)


def test_notifying_where_nothing_is_scheduled_is_refused() -> None:
    req = shared_request("01")
    rig = harness(now=req.received_at)
    case = rig.cases.open(req, actor="intake")
    with pytest.raises(InvalidTransition, match="schedules no notice"):
        rig.cases.notify(case.id, actor="scheduler")


def test_notifying_without_a_notifier_is_refused_and_changes_nothing() -> None:
    rig = harness()
    cases = attrs.evolve(rig.cases, notifier=None)
    case = cases.open(request(), actor="intake")
    with pytest.raises(DueProcessError, match="no notifier"):
        cases.notify(case.id, actor="scheduler")
    assert cases.get(case.id) == case


def test_a_notifier_that_fails_leaves_the_case_unnotified() -> None:
    class Broken:
        def deliver(self, notice: object) -> None:
            raise OSError("mail server down")

    rig = harness()
    cases = attrs.evolve(rig.cases, notifier=Broken())
    case = cases.open(request(), actor="intake")
    with pytest.raises(OSError, match="mail server down"):
        cases.notify(case.id, actor="scheduler")
    assert cases.get(case.id) == case


# --- production ----------------------------------------------------------------------------


def _left_unproduced(rig: Harness, case: Case) -> None:
    """The case is as it was but for the production's claim on it and its failure."""
    after = rig.cases.get(case.id)
    assert (after.state, after.productions, after.review) == (
        case.state,
        case.productions,
        case.review,
    )
    assert after.events[: len(case.events)] == case.events
    assert [e.action for e in after.events[len(case.events) :]] == [
        CaseAction.CLAIM,
        CaseAction.REFUSE,
    ]
    assert after.events[-1].reason.startswith("production failed, nothing released: ")


def test_production_is_refused_before_disclose_after_and_touches_nothing() -> None:
    producer = FakeProducer([("100001", "session_logs")])
    rig = harness(producer=producer)
    case = rig.cases.open(request(), actor="intake")
    with pytest.raises(InvalidTransition, match="may object until 2023-05-20T00:00:00Z"):
        rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    assert producer.calls == []
    assert rig.cases.get(case.id) == case


def test_an_override_with_a_reason_produces_early_and_is_audited() -> None:
    producer = FakeProducer([("100001", "session_logs")])
    rig = harness(producer=producer)
    case = rig.cases.open(request(), actor="intake")
    produced = rig.cases.produce(
        case.id, MemoryStore(), MemorySink(), actor="counsel", override="court ordered it"
    )
    assert produced.state is CaseState.PRODUCED
    claim, advance, produce = produced.events[-3:]
    assert (advance.action, advance.to_state) == (CaseAction.ADVANCE, CaseState.READY)
    assert claim.action is CaseAction.CLAIM
    assert advance.reason == (
        "notice before disclosure and objection window overridden: court ordered it"
    )
    assert advance.detail == {
        "override": "court ordered it",
        "notice_given": False,
        "window_closed": False,
    }
    assert produce.detail["override"] == "court ordered it"
    assert produce.detail["notice_delivered"] is False
    assert produced.productions[0].override == "court ordered it"
    audited = [e for e in rig.store.audit.entries() if e.detail.get("override")]
    assert len(audited) == 2


@pytest.mark.parametrize("override", ["", "   "])
def test_an_override_needs_a_reason(override: str) -> None:
    rig = harness(producer=FakeProducer())
    case = rig.cases.open(request(), actor="intake")
    with pytest.raises(InvalidArgument, match="needs a reason"):
        rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x", override=override)


def test_production_after_the_window_needs_no_override() -> None:
    producer = FakeProducer([("100001", "subscriber"), ("100001", "session_logs")])
    rig = harness(producer=producer)
    case = rig.cases.open(request(), actor="intake")
    rig.cases.notify(case.id, actor="scheduler")
    rig.clock.set(utc(2023, 5, 20))
    produced = rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    assert [e.action for e in produced.events[-3:]] == [
        CaseAction.CLAIM,
        CaseAction.ADVANCE,
        CaseAction.PRODUCE,
    ]
    assert produced.events[-2].reason == "objection window closed (2023-05-20T00:00:00Z)"
    assert produced.events[-1].detail["notice_delivered"] is True
    (production,) = produced.productions
    assert production.produced_at == utc(2023, 5, 20)
    assert production.records == 2
    assert dict(production.counts) == {"subscriber": 1, "session_logs": 1}
    assert production.by_account == {"100001": {"subscriber": 1, "session_logs": 1}}
    assert producer.calls == [(case.review, utc(2023, 5, 20))]


def test_a_case_that_releases_nothing_cannot_be_produced() -> None:
    producer = FakeProducer()
    rig = harness(producer=producer)
    case = rig.cases.open(request(investigation__facts="thin"), actor="intake")
    with pytest.raises(InvalidTransition, match="cannot produce case 'REQ-1' that is pushed_back"):
        rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x", override="please")
    assert producer.calls == []


def test_a_produced_case_cannot_be_produced_again() -> None:
    rig = harness(now=utc(2023, 6, 1), producer=FakeProducer())
    case = ready(rig)
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    with pytest.raises(InvalidTransition):
        rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")


def test_a_failing_production_leaves_the_case_ready() -> None:
    rig = harness(now=utc(2023, 6, 1), producer=FakeProducer([("100001", "subscriber")], fail=True))
    case = ready(rig)
    with pytest.raises(StoreError, match="disk is full"):
        rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    _left_unproduced(rig, case)


def test_a_manifest_that_disagrees_with_the_records_written_is_an_integrity_error() -> None:
    class Lying(FakeProducer):
        def __call__(self, *args: object, **kwargs: object) -> object:
            manifest = super().__call__(*args, **kwargs)  # type: ignore[arg-type]
            return attrs.evolve(manifest, records=manifest.records + 1)

    rig = harness(now=utc(2023, 6, 1), producer=Lying([("100001", "subscriber")]))
    case = ready(rig)
    with pytest.raises(IntegrityError, match="do not add up"):
        rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    _left_unproduced(rig, case)


def test_a_records_file_that_is_not_records_is_an_integrity_error() -> None:
    class Garbage(FakeProducer):
        def __call__(self, review, source, sink, *, produced_at):  # type: ignore[no-untyped-def]
            sink.write("records.jsonl", [b"not json\n"])
            raise AssertionError("unreachable")

    rig = harness(now=utc(2023, 6, 1), producer=Garbage())
    case = ready(rig)
    with pytest.raises(IntegrityError, match="not a record"):
        rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")


def test_records_split_across_chunks_are_counted_once_each() -> None:
    class Chunked(FakeProducer):
        def __call__(self, review, source, sink, *, produced_at):  # type: ignore[no-untyped-def]
            data = b"".join(
                json.dumps({"account": a, "category": "content"}).encode() + b"\n"
                for a in ("1", "2", "1")
            )
            sink.write("records.jsonl", (data[i : i + 7] for i in range(0, len(data), 7)))
            sink.write("records.jsonl.tail", [b"x"])
            sink.commit()
            return type(
                "M",
                (),
                {
                    "accounts": ("1", "2", "3"),
                    "counts": {"content": 3},
                    "records": 3,
                    "merkle_root": "00",
                },
            )()

    rig = harness(now=utc(2023, 6, 1), producer=Chunked())
    case = ready(rig)
    produced = rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    assert produced.productions[0].by_account == {
        "1": {"content": 2},
        "2": {"content": 1},
        "3": {},
    }


def test_the_real_production_writes_what_the_review_allows() -> None:
    rig = harness(now=utc(2023, 6, 1))
    case = ready(rig)
    sink = MemorySink()
    produced = rig.cases.produce(case.id, MemoryStore.of(session_records()), sink, actor="x")
    (production,) = produced.productions
    manifest = json.loads(sink.files["manifest.json"])
    assert production.merkle_root == manifest["merkle_root"]
    assert production.records == manifest["records"] == 2
    assert production.by_account == {"100001": {"session_logs": 2}}
    assert production.review_sha256 == manifest["review_sha256"]


def test_advance_moves_a_case_to_ready_once_notified_and_the_window_has_closed() -> None:
    rig = harness()
    case = rig.cases.open(request(), actor="intake")
    with pytest.raises(InvalidTransition, match="may object until"):
        rig.cases.advance(case.id, actor="scheduler")
    rig.clock.set(utc(2023, 5, 20))
    with pytest.raises(InvalidTransition, match="has not been given the notice due before"):
        rig.cases.advance(case.id, actor="scheduler")
    assert rig.cases.due(before=utc(2023, 6, 1))[0].kind is DeadlineKind.NOTICE_NOT_BEFORE
    rig.cases.notify(case.id, actor="scheduler")
    ready = rig.cases.advance(case.id, actor="scheduler")
    assert ready.state is CaseState.READY
    assert rig.cases.due(before=utc(2023, 6, 1)) == ()
    with pytest.raises(InvalidTransition):
        rig.cases.advance(case.id, actor="scheduler")


def test_closing_records_when_and_refuses_a_second_time() -> None:
    rig = harness()
    case = rig.cases.open(request(), actor="intake")
    rig.clock.advance(dt.timedelta(days=3))
    closed = rig.cases.close(case.id, actor="counsel", reason="withdrawn by the requester")
    assert closed.closed_at == utc(2023, 5, 13, 17)
    assert closed.events[-1].reason == "withdrawn by the requester"
    with pytest.raises(InvalidTransition, match="that is closed"):
        rig.cases.close(case.id, actor="counsel")


def test_a_stale_writer_gets_a_conflict_not_a_lost_update() -> None:
    rig = harness()
    case = rig.cases.open(request(requester__email="a@example.com"), actor="intake")

    class Stale:
        """A second service whose reads lag one write behind."""

        def __init__(self, store: object) -> None:
            self.store = store
            self.snapshot = case

        def __getattr__(self, name: str) -> object:
            return getattr(self.store, name)

        def get(self, case_id: str) -> Case:
            return self.snapshot

    rig.cases.record_callback(case.id, "confirmed", actor="first")
    stale = attrs.evolve(rig.cases, store=Stale(rig.store))
    with pytest.raises(ConflictError, match="changed since it was read"):
        stale.close(case.id, actor="second")
    assert rig.cases.get(case.id).state is CaseState.NOTICE_PENDING
    assert rig.cases.verify_audit() is None


def test_an_override_that_lifts_no_open_window_is_not_recorded() -> None:
    rig = harness(producer=FakeProducer())
    late = rig.cases.open(request(id="LATE"), actor="intake")
    rig.cases.notify(late.id, actor="clerk")
    rig.clock.set(utc(2023, 5, 21))
    on_time = ready(rig, request(id="READY"))
    assert (late.state, on_time.state) == (CaseState.NOTICE_PENDING, CaseState.READY)
    for case in (late, on_time):
        produced = rig.cases.produce(
            case.id, MemoryStore(), MemorySink(), actor="x", override="not needed"
        )
        assert produced.productions[0].override is None
        assert all("override" not in event.detail for event in produced.events)


def test_a_case_records_its_policy_and_reviewing_with_changes_it() -> None:
    import attrs as _attrs

    from dueprocess import DEFAULT_POLICY, load_request
    from dueprocess.cases import Case, Cases
    from dueprocess.testing import ManualClock, MemoryCaseStore

    from ..support import make_request

    strict = _attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=30)
    clock = ManualClock(dt.datetime(2023, 5, 10, 17, tzinfo=dt.timezone.utc))
    cases = Cases(MemoryCaseStore(), clock, policy=strict)
    case = cases.open(load_request(make_request()), actor="a")
    assert case.policy == strict
    assert Case.from_dict(case.to_dict()) == case
    assert cases.reviewing_with(DEFAULT_POLICY).policy is DEFAULT_POLICY
    assert cases.policy is strict
