"""The case lifecycle's transition table decides every next state, and the service asks it.

The table (``dueprocess._cases._lifecycle.TRANSITIONS``) maps (state, action, review
outcome, condition) to one state. These tests walk it whole against the documented
rules, show that a combination it lacks is refused, and show that the service moves a
case only where the table says: change a row and the service follows it, remove one and
the service refuses what it used to do.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dueprocess._cases._service as service_module
import dueprocess._cases._steps as steps_module
from dueprocess import LegalRequest, Outcome, Review
from dueprocess._cases import _lifecycle
from dueprocess._cases._lifecycle import Condition, Key, next_state
from dueprocess.cases import TRANSITIONS, Case, CaseAction, Cases, CaseState
from dueprocess.exceptions import DueProcessError, InvalidTransition
from dueprocess.testing import MemorySink, MemoryStore

from ..cases_support import FakeProducer, fake_review, harness, shared_request, utc

S, A, C = CaseState, CaseAction, Condition
CASES_PACKAGE = Path(_lifecycle.__file__).parent

# --- the documented rules, stated without the table ------------------------------------

# docs/concepts.md, "Case": the state each outcome that releases nothing decides.
DECIDED = {
    Outcome.VERIFY: S.AWAITING_VERIFICATION,
    Outcome.PUSH_BACK: S.PUSHED_BACK,
    Outcome.REJECT: S.REJECTED,
    Outcome.ESCALATE: S.ESCALATED,
    Outcome.PRESERVE: S.PRESERVED,
}
# Actions recorded as events that leave the case where it is.
IN_PLACE = {A.NOTIFY, A.APPROVE, A.CLAIM, A.REFUSE, A.LIFT_GAG, A.INVOICE}


def documented(
    state: CaseState | None,
    action: CaseAction,
    outcome: Outcome | None,
    condition: Condition | None,
) -> CaseState:
    """Where the documented lifecycle says *action* leads (for a row the table holds)."""
    if action == A.OPEN:
        return S.RECEIVED
    if action == A.DECIDE:
        assert outcome is not None
        if outcome.releases_data:
            # comply and partial wait while the account holder's window is open.
            return S.NOTICE_PENDING if condition == C.WINDOW_OPEN else S.READY
        return DECIDED[outcome]
    if action == A.RENEW and condition == C.REFUSED:
        return S.PRESERVED  # a refused renewal leaves the hold standing
    if action in (A.REVIEW, A.CALLBACK, A.CURE, A.RENEW):
        return S.IN_REVIEW
    if action == A.ADVANCE:
        return S.READY
    if action == A.PRODUCE:
        return S.PRODUCED
    if action == A.CLOSE:
        return S.CLOSED
    assert action in IN_PLACE
    assert state is not None
    return state


def every_key() -> Iterator[Key]:
    return itertools.product([None, *S], A, [None, *Outcome], [None, *C])


# --- the table, walked whole -----------------------------------------------------------


def test_every_row_of_the_table_gives_the_documented_state() -> None:
    assert TRANSITIONS  # the walk below must not pass on an empty table
    for key, target in TRANSITIONS.items():
        state, action, outcome, condition = key
        assert next_state(state, action, outcome=outcome, condition=condition) == target
        assert target == documented(*key), key


def test_every_combination_the_table_lacks_is_refused_naming_state_action_and_case() -> None:
    refused = 0
    for key in every_key():
        if key in TRANSITIONS:
            continue
        state, action, outcome, condition = key
        with pytest.raises(InvalidTransition) as raised:
            next_state(state, action, outcome=outcome, condition=condition, case_id="C-9")
        message = str(raised.value)
        assert f"cannot {action.value} case 'C-9' that is " in message
        assert (state.value if state is not None else "not yet open") in message
        refused += 1
    assert refused == len(list(every_key())) - len(TRANSITIONS)


def test_only_comply_and_partial_depend_on_the_window_and_only_through_it() -> None:
    for outcome in Outcome:
        rows = {
            k[3]: t for k, t in TRANSITIONS.items() if k[:3] == (S.IN_REVIEW, A.DECIDE, outcome)
        }
        if outcome.releases_data:
            assert rows == {C.WINDOW_OPEN: S.NOTICE_PENDING, C.WINDOW_CLOSED: S.READY}
        else:
            assert set(rows) == {None}


def test_notice_pending_becomes_ready_only_with_the_window_closed_or_overridden() -> None:
    advance = {k[3] for k in TRANSITIONS if k[:2] == (S.NOTICE_PENDING, A.ADVANCE)}
    assert advance == {C.WINDOW_CLOSED, C.OVERRIDDEN}
    with pytest.raises(InvalidTransition, match="with window_open"):
        next_state(S.NOTICE_PENDING, A.ADVANCE, condition=C.WINDOW_OPEN)


def test_a_condition_an_action_does_not_take_is_refused_not_ignored() -> None:
    with pytest.raises(InvalidTransition, match="cannot close case 'K' that is ready with refused"):
        next_state(S.READY, A.CLOSE, condition=C.REFUSED, case_id="K")
    with pytest.raises(InvalidTransition, match="with reject/window_open"):
        next_state(S.IN_REVIEW, A.DECIDE, outcome=Outcome.REJECT, condition=C.WINDOW_OPEN)


# --- no case module picks a state itself ----------------------------------------------


def _names_a_state(tree: ast.AST) -> Iterator[ast.Attribute]:
    """Every ``CaseState.X`` used as a value rather than compared with."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "CaseState"
        ):
            continue
        holder = parents[node]
        while isinstance(holder, (ast.Tuple, ast.List, ast.Set)):
            holder = parents[holder]
        if not isinstance(holder, ast.Compare):
            yield node


def test_no_case_module_but_the_table_names_a_state_to_move_to() -> None:
    modules = [path for path in CASES_PACKAGE.glob("*.py") if path.name != "_lifecycle.py"]
    assert any(path.name == "_service.py" for path in modules)
    found = [
        f"{path.name}:{node.lineno}"
        for path in modules
        for node in _names_a_state(ast.parse(path.read_text("utf-8")))
    ]
    assert found == []


def test_the_state_scan_finds_a_state_named_as_a_target() -> None:
    code = "move(case, CaseState.READY)\nif case.state is CaseState.READY: pass\n"
    assert [node.lineno for node in _names_a_state(ast.parse(code))] == [1]


# --- the service asks the table --------------------------------------------------------


def service(reviewer: Callable[[LegalRequest, object], Review]) -> tuple[Cases, Any]:
    """A case service (memory store, clock at 2024-02-01T11:00Z) reviewing with *reviewer*."""
    rig = harness(now=utc(2024, 2, 1, 11), producer=FakeProducer([("100001", "subscriber")]))
    return attrs.evolve(rig.cases, reviewer=reviewer), rig


def preservation() -> LegalRequest:
    return shared_request("09")  # PRES-2024-0050


def reviewing(outcome: Outcome, *, windowed: bool) -> Callable[[LegalRequest, object], Review]:
    return lambda request, policy: fake_review(request, outcome, windowed=windowed)


def test_the_service_moves_a_case_where_the_table_says(monkeypatch: pytest.MonkeyPatch) -> None:
    # A deliberately different row: a comply decision with the window closed escalates.
    key = (S.IN_REVIEW, A.DECIDE, Outcome.COMPLY, C.WINDOW_CLOSED)
    cases, _ = service(reviewing(Outcome.COMPLY, windowed=False))
    assert cases.open(preservation(), actor="intake").state == S.READY
    monkeypatch.setitem(TRANSITIONS, key, S.ESCALATED)
    cases, _ = service(reviewing(Outcome.COMPLY, windowed=False))
    case = cases.open(preservation(), actor="intake")
    assert case.state == S.ESCALATED
    assert (case.events[-1].action, case.events[-1].to_state) == (A.DECIDE, S.ESCALATED)


def test_a_decision_without_a_row_is_refused_and_nothing_is_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = (S.IN_REVIEW, A.DECIDE, Outcome.COMPLY, C.WINDOW_OPEN)
    monkeypatch.delitem(TRANSITIONS, key)
    cases, rig = service(reviewing(Outcome.COMPLY, windowed=True))
    message = "cannot decide case 'PRES-2024-0050' that is in_review with comply/window_open"
    with pytest.raises(InvalidTransition, match=message):
        cases.open(preservation(), actor="intake")
    assert cases.find() == []
    assert list(rig.store.audit.entries()) == []


def test_the_rule_for_becoming_ready_is_the_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    request = preservation()
    windowed = fake_review(request, Outcome.COMPLY, windowed=True)
    cases, _ = service(lambda request, policy: windowed)
    case = cases.open(request, actor="intake")
    assert case.state == S.NOTICE_PENDING
    monkeypatch.delitem(TRANSITIONS, (S.NOTICE_PENDING, A.ADVANCE, None, C.OVERRIDDEN))
    with pytest.raises(InvalidTransition, match="that is notice_pending with overridden"):
        cases.produce(case.id, MemoryStore(), MemorySink(), actor="counsel", override="order")
    assert cases.get(case.id).state == S.NOTICE_PENDING


def test_a_refused_renewal_moves_where_the_table_says(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = iter([Outcome.PRESERVE, Outcome.REJECT])
    cases, _ = service(lambda request, policy: fake_review(request, next(outcomes), windowed=False))
    case = cases.open(preservation(), actor="intake")
    assert case.state == S.PRESERVED
    monkeypatch.delitem(TRANSITIONS, (S.PRESERVED, A.RENEW, None, C.REFUSED))
    with pytest.raises(
        InvalidTransition, match="cannot renew case 'PRES-2024-0050' that is preserved"
    ):
        cases.renew(case.id, actor="counsel")
    assert cases.get(case.id) == case


# --- random operations: every state the service stores came from the table -------------

OPERATIONS = [
    "callback", "cure", "renew", "notify", "advance", "approve", "produce", "close", "review",
]  # fmt: skip
Lookup = tuple[Key, CaseState]


def _spy(lookups: list[Lookup]) -> Callable[..., CaseState]:
    """``next_state`` that notes every lookup and its answer in *lookups*."""

    def asking(state: CaseState | None, action: CaseAction, **facts: Any) -> CaseState:
        target = next_state(state, action, **facts)
        key = (state, action, facts.get("outcome"), facts.get("condition"))
        lookups.append((key, target))
        return target

    return asking


def _asked(events: tuple[Any, ...], lookups: list[Lookup]) -> None:
    """Each event, in order, is the answer of a lookup of its (state, action)."""
    remaining = iter(lookups)
    for event in events:
        assert any(
            key[:2] == (event.from_state, event.action) and target == event.to_state
            for key, target in remaining
        ), (event.from_state, event.action, event.to_state, lookups)


def _operate(cases: Cases, case_id: str, operation: str, data: st.DataObject) -> None:
    who = "clerk"
    if operation == "callback":
        result = data.draw(st.sampled_from(["confirmed", "failed"]))
        cases.record_callback(case_id, result, actor=who)
    elif operation == "cure":
        cases.cure(case_id, cases.get(case_id).request, actor=who)
    elif operation == "renew":
        cases.renew(case_id, actor=who)
    elif operation == "notify":
        cases.notify(case_id, actor=who)
    elif operation == "advance":
        cases.advance(case_id, actor=who)
    elif operation == "approve":
        cases.approve(case_id, actor="second")
    elif operation == "produce":
        override = data.draw(st.sampled_from([None, "court order"]))
        cases.produce(case_id, MemoryStore(), MemorySink(), actor=who, override=override)
    elif operation == "close":
        cases.close(case_id, actor=who)
    else:
        cases.review(case_id, actor=who)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_sequence_of_operations_only_stores_states_the_table_returned(
    data: st.DataObject,
) -> None:
    stored: list[Case] = []

    def reviewer(request: LegalRequest, policy: object) -> Review:
        if producing:
            return stored[0].review  # a fresh review agrees with the stored one
        outcome = data.draw(st.sampled_from(list(Outcome)), label="outcome")
        return fake_review(request, outcome, windowed=data.draw(st.booleans(), label="window"))

    producing = False
    cases, rig = service(reviewer)
    store, clock = rig.store, rig.clock
    lookups: list[Lookup] = []
    asked: list[Lookup] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(steps_module, "next_state", _spy(lookups))
        patch.setattr(service_module, "next_state", _spy(lookups))
        case = cases.open(preservation(), actor="intake")
        _asked(case.events, lookups)
        asked += lookups
        operations = data.draw(st.lists(st.sampled_from([*OPERATIONS, "tick"]), max_size=10))
        for operation in operations:
            if operation == "tick":
                clock.advance(dt.timedelta(days=data.draw(st.integers(0, 30))))
                continue
            before = store.get(case.id)
            stored[:] = [before]
            producing = operation == "produce"
            lookups.clear()
            # A refused operation (a refused renewal too) must leave only table states.
            with contextlib.suppress(DueProcessError):
                _operate(cases, case.id, operation, data)
            after = store.get(case.id)
            _asked(after.events[len(before.events) :], lookups)
            asked += lookups
    for key, target in asked:
        assert TRANSITIONS[key] == target
    final = store.get(case.id)
    assert final.state is final.events[-1].to_state
    for entry in store.audit.entries():
        rows = {
            t
            for k, t in TRANSITIONS.items()
            if k[:2] == (_state(entry.from_state), A(entry.action))
        }
        assert S(entry.to_state) in rows


def _state(value: str | None) -> CaseState | None:
    return CaseState(value) if value is not None else None
