"""The case lifecycle as one transition table (docs/concepts.md, "Case").

Rules of the road for this module:

* Every state a case can be in is a :class:`CaseState`; every thing that can happen to a
  case is a :class:`CaseAction`. ``TRANSITIONS`` maps (state, action, outcome, condition)
  to the ONE state the case moves to, and :func:`next_state` is the only way the library
  learns a case's next state: a key missing from the table raises
  :class:`InvalidTransition`. Nothing else in the library decides what is legal or where a
  case goes; the service computes facts (the review's outcome, whether the account
  holder's window is open) and asks.
* Every input that decides the next state is a column of the key, and ``None`` in a
  column means "this input plays no part here" (a column is never a wildcard: a key with
  an outcome or condition the row does not name is missing). ``outcome`` is the review's
  :class:`~dueprocess.Outcome` and is given only with ``decide``; ``condition`` is a
  :class:`Condition`.
* ``received`` and ``in_review`` are passed through inside one operation (opening a case,
  or re-reviewing it) and are never stored; the review's outcome, and for ``comply`` and
  ``partial`` whether the account holder's window is still open, picks the next state.
* ``notice_pending`` becomes ``ready`` (``advance``) only with the window closed or
  overridden with a reason: the table has no row for an open window.
* A self-transition (``notify``) is still an event: it changes nothing but is recorded.
* ``rejected`` can only be closed: a rejected request "will not be honoured in any form"
  (docs/rules.md, Outcome), so neither a callback nor a corrected document revives it.
* ``closed`` accepts only the delivery of a notice whose time came after the case ended
  (a gag order that outlives the case), the lifting of that gag, and an invoice.
* Some actions change no state and are recorded all the same: ``approve`` (a second
  person's approval), ``claim`` (a production's claim on the decision, taken before
  anything is written), ``refuse`` (a production that failed; one refused because the
  stored case does not match the chain or a fresh review is audited without writing the
  case), ``lift_gag`` and ``invoice``. A refused renewal is a ``renew`` event (condition
  ``refused``) from ``preserved`` back to ``preserved``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .._base._enums import Outcome, _Str
from ..exceptions import InvalidTransition

__all__ = [
    "TRANSITIONS",
    "CaseAction",
    "CaseState",
    "Condition",
    "Key",
    "allowed_actions",
    "check_action",
    "next_state",
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


class Condition(_Str):
    """A fact besides the review's outcome that decides where an action leads."""

    #: The account holder's window holds the case back: a notice due before disclosure
    #: was not given, or ``disclose_after`` has not come.
    WINDOW_OPEN = "window_open"
    #: The notice due before disclosure (if any) was given and ``disclose_after`` (if
    #: any) has come.
    WINDOW_CLOSED = "window_closed"
    #: The window is open, and a production overrides it with a reason.
    OVERRIDDEN = "overridden"
    #: The review of a renewal keeps no preservation (no ``preserve_until``).
    REFUSED = "refused"


#: (from state, action, review outcome, condition); ``None`` as the state is "no case yet".
Key = tuple[CaseState | None, CaseAction, Outcome | None, Condition | None]

S = CaseState
A = CaseAction
O = Outcome  # noqa: E741 -- the table's column is read as "outcome"
C = Condition

# fmt: off
TRANSITIONS: Mapping[Key, CaseState] = {
    # state                    action      outcome      condition         next state
    (None,                     A.OPEN,     None,        None):            S.RECEIVED,
    (S.RECEIVED,               A.REVIEW,   None,        None):            S.IN_REVIEW,
    # The review's outcome decides; comply and partial wait in notice_pending while the
    # account holder's notice or objection window is open.
    (S.IN_REVIEW,              A.DECIDE,   O.VERIFY,    None):            S.AWAITING_VERIFICATION,
    (S.IN_REVIEW,              A.DECIDE,   O.PUSH_BACK, None):            S.PUSHED_BACK,
    (S.IN_REVIEW,              A.DECIDE,   O.REJECT,    None):            S.REJECTED,
    (S.IN_REVIEW,              A.DECIDE,   O.ESCALATE,  None):            S.ESCALATED,
    (S.IN_REVIEW,              A.DECIDE,   O.PRESERVE,  None):            S.PRESERVED,
    (S.IN_REVIEW,              A.DECIDE,   O.COMPLY,    C.WINDOW_OPEN):   S.NOTICE_PENDING,
    (S.IN_REVIEW,              A.DECIDE,   O.COMPLY,    C.WINDOW_CLOSED): S.READY,
    (S.IN_REVIEW,              A.DECIDE,   O.PARTIAL,   C.WINDOW_OPEN):   S.NOTICE_PENDING,
    (S.IN_REVIEW,              A.DECIDE,   O.PARTIAL,   C.WINDOW_CLOSED): S.READY,
    # A callback result can change any open, not yet produced decision: a confirmed
    # callback clears a verification hold, a failed one rejects even a ready case.
    (S.AWAITING_VERIFICATION,  A.CALLBACK, None,        None):            S.IN_REVIEW,
    (S.PUSHED_BACK,            A.CALLBACK, None,        None):            S.IN_REVIEW,
    (S.ESCALATED,              A.CALLBACK, None,        None):            S.IN_REVIEW,
    (S.PRESERVED,              A.CALLBACK, None,        None):            S.IN_REVIEW,
    (S.NOTICE_PENDING,         A.CALLBACK, None,        None):            S.IN_REVIEW,
    (S.READY,                  A.CALLBACK, None,        None):            S.IN_REVIEW,
    # Counsel can review any open, not yet produced decision again (case review).
    (S.AWAITING_VERIFICATION,  A.REVIEW,   None,        None):            S.IN_REVIEW,
    (S.PUSHED_BACK,            A.REVIEW,   None,        None):            S.IN_REVIEW,
    (S.ESCALATED,              A.REVIEW,   None,        None):            S.IN_REVIEW,
    (S.PRESERVED,              A.REVIEW,   None,        None):            S.IN_REVIEW,
    (S.NOTICE_PENDING,         A.REVIEW,   None,        None):            S.IN_REVIEW,
    (S.READY,                  A.REVIEW,   None,        None):            S.IN_REVIEW,
    # A corrected document cures a deficiency: only where there is one to cure.
    (S.AWAITING_VERIFICATION,  A.CURE,     None,        None):            S.IN_REVIEW,
    (S.PUSHED_BACK,            A.CURE,     None,        None):            S.IN_REVIEW,
    (S.ESCALATED,              A.CURE,     None,        None):            S.IN_REVIEW,
    # Only a standing preservation can be renewed; a refused renewal leaves it standing.
    (S.PRESERVED,              A.RENEW,    None,        None):            S.IN_REVIEW,
    (S.PRESERVED,              A.RENEW,    None,        C.REFUSED):       S.PRESERVED,
    # The window closed, or a production overrides it: the case may now be produced.
    (S.NOTICE_PENDING,         A.ADVANCE,  None,        C.WINDOW_CLOSED): S.READY,
    (S.NOTICE_PENDING,         A.ADVANCE,  None,        C.OVERRIDDEN):    S.READY,
    (S.READY,                  A.PRODUCE,  None,        None):            S.PRODUCED,
    # Telling the user changes no state, but it is an event of its own.
    (S.NOTICE_PENDING,         A.NOTIFY,   None,        None):            S.NOTICE_PENDING,
    (S.READY,                  A.NOTIFY,   None,        None):            S.READY,
    (S.PRODUCED,               A.NOTIFY,   None,        None):            S.PRODUCED,
    (S.CLOSED,                 A.NOTIFY,   None,        None):            S.CLOSED,
    # A second person approves what the first will do; a production claims the decision
    # before it writes anything; a refused production is recorded where it was refused.
    (S.NOTICE_PENDING,         A.APPROVE,  None,        None):            S.NOTICE_PENDING,
    (S.READY,                  A.APPROVE,  None,        None):            S.READY,
    (S.NOTICE_PENDING,         A.CLAIM,    None,        None):            S.NOTICE_PENDING,
    (S.READY,                  A.CLAIM,    None,        None):            S.READY,
    (S.NOTICE_PENDING,         A.REFUSE,   None,        None):            S.NOTICE_PENDING,
    (S.READY,                  A.REFUSE,   None,        None):            S.READY,
    (S.PRODUCED,               A.REFUSE,   None,        None):            S.PRODUCED,
    # A gag order lifted (or an NSL certification withdrawn): the notice becomes due.
    (S.NOTICE_PENDING,         A.LIFT_GAG, None,        None):            S.NOTICE_PENDING,
    (S.READY,                  A.LIFT_GAG, None,        None):            S.READY,
    (S.PRODUCED,               A.LIFT_GAG, None,        None):            S.PRODUCED,
    (S.CLOSED,                 A.LIFT_GAG, None,        None):            S.CLOSED,
    # Cost reimbursement (18 U.S.C. 2706) is billed for what was produced.
    (S.PRODUCED,               A.INVOICE,  None,        None):            S.PRODUCED,
    (S.CLOSED,                 A.INVOICE,  None,        None):            S.CLOSED,
    # Any decided case can be closed: answered, withdrawn, released or abandoned.
    (S.AWAITING_VERIFICATION,  A.CLOSE,    None,        None):            S.CLOSED,
    (S.PUSHED_BACK,            A.CLOSE,    None,        None):            S.CLOSED,
    (S.REJECTED,               A.CLOSE,    None,        None):            S.CLOSED,
    (S.ESCALATED,              A.CLOSE,    None,        None):            S.CLOSED,
    (S.PRESERVED,              A.CLOSE,    None,        None):            S.CLOSED,
    (S.NOTICE_PENDING,         A.CLOSE,    None,        None):            S.CLOSED,
    (S.READY,                  A.CLOSE,    None,        None):            S.CLOSED,
    (S.PRODUCED,               A.CLOSE,    None,        None):            S.CLOSED,
}
# fmt: on

del S, A, O, C


def allowed_actions(state: CaseState | None) -> tuple[CaseAction, ...]:
    """The actions the table allows from *state* (under some outcome or condition), in
    the order of :class:`CaseAction`.

    >>> [action.value for action in allowed_actions(CaseState.REJECTED)]
    ['close']
    """
    return tuple(
        action for action in CaseAction if any(key[:2] == (state, action) for key in TRANSITIONS)
    )


def _shown(state: CaseState | None) -> str:
    return state.value if state is not None else "not yet open"


def _where(case_id: str) -> str:
    return f"case {case_id!r}" if case_id else "a case"


def check_action(state: CaseState | None, action: CaseAction, *, case_id: str = "") -> None:
    """Raise :class:`InvalidTransition` unless the table has a row for *action* from
    *state* (under some outcome or condition); for checks made before the facts that
    pick the row are known.

    >>> check_action(CaseState.READY, CaseAction.PRODUCE)
    >>> check_action(CaseState.REJECTED, CaseAction.NOTIFY)
    Traceback (most recent call last):
    ...
    dueprocess.exceptions.InvalidTransition: cannot notify a case that is rejected (allowed: close)
    """
    allowed = allowed_actions(state)
    if action not in allowed:
        named = ", ".join(a.value for a in allowed) or "nothing"
        raise InvalidTransition(
            f"cannot {action.value} {_where(case_id)} that is {_shown(state)} (allowed: {named})"
        )


def next_state(
    state: CaseState | None,
    action: CaseAction,
    *,
    outcome: Outcome | None = None,
    condition: Condition | None = None,
    case_id: str = "",
) -> CaseState:
    """The state *action* moves a case in *state* to, given the review's *outcome* and
    the *condition*; :class:`InvalidTransition` naming the state, the action and the case
    for any combination the table does not hold.

    >>> next_state(CaseState.IN_REVIEW, CaseAction.DECIDE, outcome=Outcome.COMPLY,
    ...            condition=Condition.WINDOW_OPEN).value
    'notice_pending'
    >>> try:  # doctest: +NORMALIZE_WHITESPACE
    ...     next_state(CaseState.NOTICE_PENDING, CaseAction.ADVANCE,
    ...                condition=Condition.WINDOW_OPEN, case_id="X")
    ... except InvalidTransition as refused:
    ...     print(refused)
    cannot advance case 'X' that is notice_pending with window_open (the table knows:
    window_closed, overridden)
    """
    target = TRANSITIONS.get((state, action, outcome, condition))
    if target is not None:
        return target
    check_action(state, action, case_id=case_id)
    given = [value.value for value in (outcome, condition) if value is not None]
    known = [
        "/".join(value.value for value in key[2:] if value is not None) or "neither"
        for key in TRANSITIONS
        if key[:2] == (state, action)
    ]
    raise InvalidTransition(
        f"cannot {action.value} {_where(case_id)} that is {_shown(state)}"
        f" with {'/'.join(given) or 'no outcome or condition'}"
        f" (the table knows: {', '.join(known)})"
    )
