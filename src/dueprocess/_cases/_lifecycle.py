"""The case lifecycle as one transition table (docs/concepts.md, "Case").

Rules of the road for this module:

* Every state a case can be in is a :class:`CaseState`; every thing that can happen to a
  case is a :class:`CaseAction`. ``TRANSITIONS`` maps (state, action) to the states that
  action may lead to from there. Nothing else in the library decides what is legal.
* ``received`` and ``in_review`` are passed through inside one operation (opening a case,
  or re-reviewing it) and are never stored; the review's outcome picks the next state
  through ``OUTCOME_STATES``.
* A self-transition (``notify``) is still an event: it changes nothing but is recorded.
* ``rejected`` can only be closed: a rejected request "will not be honoured in any form"
  (docs/rules.md, Outcome), so neither a callback nor a corrected document revives it.
* ``closed`` accepts only the delivery of a notice whose time came after the case ended
  (a gag order that outlives the case), the lifting of that gag, and an invoice.
* Some actions change no state and are recorded all the same: ``approve`` (a second
  person's approval), ``claim`` (a production's claim on the decision, taken before
  anything is written), ``refuse`` (a production that failed; one refused because the
  stored case does not match the chain or a fresh review is audited without writing the
  case), ``lift_gag`` and ``invoice``. A refused renewal is a ``renew`` event from
  ``preserved`` back to ``preserved``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .._base._enums import Outcome, _Str
from ..exceptions import InvalidTransition

__all__ = [
    "OUTCOME_STATES",
    "TRANSITIONS",
    "CaseAction",
    "CaseState",
    "check_transition",
]


class CaseState(_Str):
    """Where a case stands; the values are the documented state names."""

    RECEIVED = "received"
    IN_REVIEW = "in_review"
    AWAITING_VERIFICATION = "awaiting_verification"
    PUSHED_BACK = "pushed_back"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    PRESERVED = "preserved"
    NOTICE_PENDING = "notice_pending"
    READY = "ready"
    PRODUCED = "produced"
    CLOSED = "closed"


class CaseAction(_Str):
    """What happened to a case in one event."""

    OPEN = "open"
    REVIEW = "review"
    DECIDE = "decide"
    CALLBACK = "callback"
    CURE = "cure"
    RENEW = "renew"
    NOTIFY = "notify"
    ADVANCE = "advance"
    PRODUCE = "produce"
    CLOSE = "close"
    APPROVE = "approve"
    CLAIM = "claim"
    REFUSE = "refuse"
    LIFT_GAG = "lift_gag"
    INVOICE = "invoice"


S = CaseState
A = CaseAction

# The states a review's outcome moves a case to. comply and partial go to notice_pending
# while the user's objection window is open and to ready otherwise; the service decides
# which, this table only allows both.
OUTCOME_STATES: Mapping[Outcome, frozenset[CaseState]] = {
    Outcome.VERIFY: frozenset({S.AWAITING_VERIFICATION}),
    Outcome.PUSH_BACK: frozenset({S.PUSHED_BACK}),
    Outcome.REJECT: frozenset({S.REJECTED}),
    Outcome.ESCALATE: frozenset({S.ESCALATED}),
    Outcome.PRESERVE: frozenset({S.PRESERVED}),
    Outcome.COMPLY: frozenset({S.NOTICE_PENDING, S.READY}),
    Outcome.PARTIAL: frozenset({S.NOTICE_PENDING, S.READY}),
}

_DECIDED = frozenset().union(*OUTCOME_STATES.values())

# (from state, action) -> the states the action may lead to. ``None`` is "no case yet".
TRANSITIONS: Mapping[tuple[CaseState | None, CaseAction], frozenset[CaseState]] = {
    (None, A.OPEN): frozenset({S.RECEIVED}),
    (S.RECEIVED, A.REVIEW): frozenset({S.IN_REVIEW}),
    (S.IN_REVIEW, A.DECIDE): _DECIDED,
    # A callback result can change any open, not yet produced decision: a confirmed
    # callback clears a verification hold, a failed one rejects even a ready case.
    (S.AWAITING_VERIFICATION, A.CALLBACK): frozenset({S.IN_REVIEW}),
    (S.PUSHED_BACK, A.CALLBACK): frozenset({S.IN_REVIEW}),
    (S.ESCALATED, A.CALLBACK): frozenset({S.IN_REVIEW}),
    (S.PRESERVED, A.CALLBACK): frozenset({S.IN_REVIEW}),
    (S.NOTICE_PENDING, A.CALLBACK): frozenset({S.IN_REVIEW}),
    (S.READY, A.CALLBACK): frozenset({S.IN_REVIEW}),
    # Counsel can review any open, not yet produced decision again (case review).
    (S.AWAITING_VERIFICATION, A.REVIEW): frozenset({S.IN_REVIEW}),
    (S.PUSHED_BACK, A.REVIEW): frozenset({S.IN_REVIEW}),
    (S.ESCALATED, A.REVIEW): frozenset({S.IN_REVIEW}),
    (S.PRESERVED, A.REVIEW): frozenset({S.IN_REVIEW}),
    (S.NOTICE_PENDING, A.REVIEW): frozenset({S.IN_REVIEW}),
    (S.READY, A.REVIEW): frozenset({S.IN_REVIEW}),
    # A corrected document cures a deficiency: only where there is one to cure.
    (S.AWAITING_VERIFICATION, A.CURE): frozenset({S.IN_REVIEW}),
    (S.PUSHED_BACK, A.CURE): frozenset({S.IN_REVIEW}),
    (S.ESCALATED, A.CURE): frozenset({S.IN_REVIEW}),
    # Only a standing preservation can be renewed; a refused renewal leaves it standing.
    (S.PRESERVED, A.RENEW): frozenset({S.IN_REVIEW, S.PRESERVED}),
    # The objection window closed: the case may now be produced.
    (S.NOTICE_PENDING, A.ADVANCE): frozenset({S.READY}),
    (S.READY, A.PRODUCE): frozenset({S.PRODUCED}),
    # Telling the user changes no state, but it is an event of its own.
    (S.NOTICE_PENDING, A.NOTIFY): frozenset({S.NOTICE_PENDING}),
    (S.READY, A.NOTIFY): frozenset({S.READY}),
    (S.PRODUCED, A.NOTIFY): frozenset({S.PRODUCED}),
    (S.CLOSED, A.NOTIFY): frozenset({S.CLOSED}),
    # A second person approves what the first will do; a production claims the decision
    # before it writes anything; a refused production is recorded where it was refused.
    (S.NOTICE_PENDING, A.APPROVE): frozenset({S.NOTICE_PENDING}),
    (S.READY, A.APPROVE): frozenset({S.READY}),
    (S.NOTICE_PENDING, A.CLAIM): frozenset({S.NOTICE_PENDING}),
    (S.READY, A.CLAIM): frozenset({S.READY}),
    (S.NOTICE_PENDING, A.REFUSE): frozenset({S.NOTICE_PENDING}),
    (S.READY, A.REFUSE): frozenset({S.READY}),
    (S.PRODUCED, A.REFUSE): frozenset({S.PRODUCED}),
    # A gag order lifted (or an NSL certification withdrawn): the notice becomes due.
    (S.NOTICE_PENDING, A.LIFT_GAG): frozenset({S.NOTICE_PENDING}),
    (S.READY, A.LIFT_GAG): frozenset({S.READY}),
    (S.PRODUCED, A.LIFT_GAG): frozenset({S.PRODUCED}),
    (S.CLOSED, A.LIFT_GAG): frozenset({S.CLOSED}),
    # Cost reimbursement (18 U.S.C. 2706) is billed for what was produced.
    (S.PRODUCED, A.INVOICE): frozenset({S.PRODUCED}),
    (S.CLOSED, A.INVOICE): frozenset({S.CLOSED}),
    # Any decided case can be closed: answered, withdrawn, released or abandoned.
    (S.AWAITING_VERIFICATION, A.CLOSE): frozenset({S.CLOSED}),
    (S.PUSHED_BACK, A.CLOSE): frozenset({S.CLOSED}),
    (S.REJECTED, A.CLOSE): frozenset({S.CLOSED}),
    (S.ESCALATED, A.CLOSE): frozenset({S.CLOSED}),
    (S.PRESERVED, A.CLOSE): frozenset({S.CLOSED}),
    (S.NOTICE_PENDING, A.CLOSE): frozenset({S.CLOSED}),
    (S.READY, A.CLOSE): frozenset({S.CLOSED}),
    (S.PRODUCED, A.CLOSE): frozenset({S.CLOSED}),
}

del S, A


def allowed_actions(state: CaseState | None) -> tuple[CaseAction, ...]:
    """The actions the table allows from *state*, in the order of :class:`CaseAction`.

    >>> [action.value for action in allowed_actions(CaseState.REJECTED)]
    ['close']
    """
    return tuple(action for action in CaseAction if (state, action) in TRANSITIONS)


def check_transition(
    state: CaseState | None, action: CaseAction, target: CaseState, *, case_id: str = ""
) -> None:
    """Raise :class:`InvalidTransition` unless the table allows *action* from *state* to *target*.

    >>> check_transition(CaseState.READY, CaseAction.PRODUCE, CaseState.PRODUCED)
    >>> check_transition(CaseState.REJECTED, CaseAction.PRODUCE, CaseState.PRODUCED)
    Traceback (most recent call last):
    ...
    dueprocess.exceptions.InvalidTransition: cannot produce a case that is rejected (allowed: close)
    """
    targets = TRANSITIONS.get((state, action))
    if targets is not None and target in targets:
        return
    where = f"case {case_id!r}" if case_id else "a case"
    if targets is None:
        allowed = ", ".join(a.value for a in allowed_actions(state)) or "nothing"
        shown = state.value if state is not None else "not yet open"
        raise InvalidTransition(
            f"cannot {action.value} {where} that is {shown} (allowed: {allowed})"
        )
    shown = state.value if state is not None else "not yet open"
    raise InvalidTransition(f"{action.value} cannot move {where} from {shown} to {target.value}")
