"""The transition table, and random operations on a case that must only ever follow it."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess import LegalRequest, Outcome, Review
from dueprocess._cases._lifecycle import Condition, allowed_actions, check_action, next_state
from dueprocess.cases import TRANSITIONS, CaseAction, CaseState, verify_chain
from dueprocess.exceptions import (
    DueProcessError,
    InvalidRequest,
    InvalidTransition,
    RenewalRefused,
)
from dueprocess.testing import MemoryStore

from ..cases_support import FakeProducer, fake_review, harness, shared_request, utc

SPEC_STATES = [
    "received",
    "in_review",
    "awaiting_verification",
    "pushed_back",
    "rejected",
    "escalated",
    "preserved",
    "notice_pending",
    "ready",
    "produced",
    "closed",
]


def test_the_states_are_exactly_the_spec_states_in_its_order() -> None:
    assert [state.value for state in CaseState] == SPEC_STATES


def _decided(outcome: Outcome, condition: Condition | None = None) -> CaseState:
    return next_state(CaseState.IN_REVIEW, CaseAction.DECIDE, outcome=outcome, condition=condition)


def test_every_outcome_leads_to_the_state_the_issue_names() -> None:
    assert _decided(Outcome.VERIFY) == CaseState.AWAITING_VERIFICATION
    assert _decided(Outcome.PUSH_BACK) == CaseState.PUSHED_BACK
    assert _decided(Outcome.REJECT) == CaseState.REJECTED
    assert _decided(Outcome.ESCALATE) == CaseState.ESCALATED
    assert _decided(Outcome.PRESERVE) == CaseState.PRESERVED
    for outcome in (Outcome.COMPLY, Outcome.PARTIAL):
        assert _decided(outcome, Condition.WINDOW_OPEN) == CaseState.NOTICE_PENDING
        assert _decided(outcome, Condition.WINDOW_CLOSED) == CaseState.READY
    decide = [key for key in TRANSITIONS if key[:2] == (CaseState.IN_REVIEW, CaseAction.DECIDE)]
    assert {key[2] for key in decide} == set(Outcome)


def test_every_state_is_reachable_from_opening_a_case() -> None:
    reached: set[CaseState | None] = {None}
    frontier: list[CaseState | None] = [None]
    while frontier:
        state = frontier.pop()
        for key, target in TRANSITIONS.items():
            if key[0] == state and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached - {None} == set(CaseState)


def test_a_rejected_case_can_only_be_closed() -> None:
    assert allowed_actions(CaseState.REJECTED) == (CaseAction.CLOSE,)


def test_a_closed_case_only_accepts_a_late_notice_the_lifting_of_its_gag_and_an_invoice() -> None:
    assert allowed_actions(CaseState.CLOSED) == (
        CaseAction.NOTIFY,
        CaseAction.LIFT_GAG,
        CaseAction.INVOICE,
    )
    for action in allowed_actions(CaseState.CLOSED):
        assert next_state(CaseState.CLOSED, action) == CaseState.CLOSED


def test_only_a_ready_case_can_be_produced() -> None:
    sources = {key[0] for key in TRANSITIONS if key[1] is CaseAction.PRODUCE}
    assert sources == {CaseState.READY}


def test_the_transient_states_are_left_only_by_the_review() -> None:
    assert allowed_actions(CaseState.RECEIVED) == (CaseAction.REVIEW,)
    assert allowed_actions(CaseState.IN_REVIEW) == (CaseAction.DECIDE,)
    assert allowed_actions(None) == (CaseAction.OPEN,)


def test_an_action_the_state_does_not_allow_names_what_it_does_allow() -> None:
    with pytest.raises(InvalidTransition, match=r"cannot produce case 'X' that is pushed_back"):
        next_state(CaseState.PUSHED_BACK, CaseAction.PRODUCE, case_id="X")
    with pytest.raises(InvalidTransition, match=r"allowed: review, callback, cure, close"):
        check_action(CaseState.PUSHED_BACK, CaseAction.PRODUCE)


def test_an_allowed_action_under_a_condition_the_table_lacks_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="cannot close a case that is ready with refused"):
        next_state(CaseState.READY, CaseAction.CLOSE, condition=Condition.REFUSED)
    with pytest.raises(InvalidTransition, match="not yet open"):
        next_state(None, CaseAction.OPEN, outcome=Outcome.COMPLY)


# --- random operations -----------------------------------------------------------------


OPERATIONS = ["callback", "cure", "renew", "notify", "advance", "produce", "close", "tick"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.data())
def test_random_operations_only_ever_follow_the_transition_table(data: st.DataObject) -> None:
    producing = [False]

    def reviewer(request: LegalRequest, policy: object) -> Review:
        if producing[0]:
            # A production reviews the stored request again; a real reviewer is
            # deterministic, so the fresh review is the stored one.
            return rig.store.get(case.id).review
        outcome = data.draw(st.sampled_from(list(Outcome)), label="outcome")
        return fake_review(request, outcome, windowed=data.draw(st.booleans(), label="window"))

    rig = harness(now=utc(2024, 2, 1, 11), producer=FakeProducer([("100001", "subscriber")]))
    cases = attrs.evolve(rig.cases, reviewer=reviewer)
    request = shared_request("09")
    case = cases.open(request, actor="intake")
    operations = data.draw(st.lists(st.sampled_from(OPERATIONS), max_size=12), label="operations")
    for step, operation in enumerate(operations):
        before = rig.store.get(case.id)
        audited = len(rig.store.audit)
        actor = f"actor-{step}"
        producing[0] = operation == "produce"
        try:
            if operation == "callback":
                result = data.draw(st.sampled_from(["confirmed", "failed"]))
                cases.record_callback(case.id, result, actor=actor)
            elif operation == "cure":
                cases.cure(case.id, before.request, actor=actor)
            elif operation == "renew":
                cases.renew(case.id, actor=actor)
            elif operation == "notify":
                cases.notify(case.id, actor=actor)
            elif operation == "advance":
                cases.advance(case.id, actor=actor)
            elif operation == "produce":
                override = data.draw(st.sampled_from([None, "court order"]))
                cases.produce(case.id, MemoryStore(), _Sink(), actor=actor, override=override)
            elif operation == "close":
                cases.close(case.id, actor=actor)
            else:
                rig.clock.advance(dt.timedelta(days=data.draw(st.integers(0, 30))))
                continue
        except RenewalRefused:
            # A refused renewal is recorded, and leaves the case and its holds standing.
            after = rig.store.get(case.id)
            assert after.version == before.version + 1
            assert after.events[:-1] == before.events
            assert (after.state, after.review, after.holds) == (
                before.state,
                before.review,
                before.holds,
            )
            continue
        except (InvalidTransition, InvalidRequest):
            after = rig.store.get(case.id)
            assert after == before, "a refused operation changed the case"
            assert len(rig.store.audit) == audited
            continue
        after = rig.store.get(case.id)
        # A production writes its claim, then its result: two versions.
        assert after.version == before.version + (2 if operation == "produce" else 1)
        assert after.events[: len(before.events)] == before.events
        assert all(event.actor == actor for event in after.events[len(before.events) :])
    final = rig.store.get(case.id)
    _assert_consistent(final)
    entries = list(rig.store.audit.entries())
    assert len(entries) == len(final.events)
    assert verify_chain(entries, head=rig.store.audit.head()) is None
    assert [(e.action, e.to_state) for e in entries] == [
        (e.action.value, e.to_state.value) for e in final.events
    ]


def _assert_consistent(case: object) -> None:
    from dueprocess.cases import Case

    assert isinstance(case, Case)
    assert case.state not in (CaseState.RECEIVED, CaseState.IN_REVIEW)
    previous = None
    for event in case.events:
        assert event.from_state == previous
        targets = {t for k, t in TRANSITIONS.items() if k[:2] == (event.from_state, event.action)}
        assert event.to_state in targets
        previous = event.to_state
    assert previous == case.state
    assert (case.closed_at is not None) == (case.state is CaseState.CLOSED)
    assert len(case.productions) == sum(e.action is CaseAction.PRODUCE for e in case.events)


class _Sink:
    def write(self, name: str, chunks: object) -> None:
        for _ in chunks:  # type: ignore[attr-defined]
            pass

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


def test_a_refusal_is_a_dueprocess_error() -> None:
    assert issubclass(InvalidTransition, DueProcessError)
