"""The steps every case operation is built from: moving a case by one event, whether the
account holder's window holds a case back, closing that window, and the checks a
production must pass.

Rules of the road for this module:

* Nothing here reads a store or a clock: each step takes the case and the time and
  returns the moved case (or raises), so the service decides what is written, once.
* Nothing here picks a state: :func:`move` asks the transition table
  (:func:`~dueprocess._cases._lifecycle.next_state`) where an action leads, given the
  facts computed here (the review's outcome, :func:`window`).
* Notice before disclosure is a gate, not a reminder: a review that schedules notice
  ``before_disclosure`` keeps the case in ``notice_pending`` until the notice was given
  *and* ``disclose_after`` has come. Only an override with a reason passes the gate, and
  the event says which part of it was overridden.
* Events are recorded in order: no event is dated before the case's last one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

from .._base._canonical import canonical_bytes
from .._base._dates import format_timestamp
from .._base._enums import Callback, Category, NoticeTiming, Outcome, ProcessKind
from .._intake._reader import load_request
from .._intake._request import LegalRequest
from .._review._policy import Policy
from .._review._review import Review
from ..exceptions import IntegrityError, InvalidTransition
from ._case import Case, CaseEvent, Detail, Scalar
from ._deadlines import start_of_day
from ._lifecycle import CaseAction, Condition, next_state

if TYPE_CHECKING:
    from ..typing import Sink

__all__ = [
    "CountingSink",
    "GuardedSink",
    "approvals_needed",
    "callback_result",
    "close_window",
    "move",
    "require_approvals",
    "require_aware",
    "require_in_order",
    "require_loadable",
    "require_received",
    "review_digest",
    "sha256",
    "window",
]

_RECORDS_FILE = "records.jsonl"


def sha256(document: object) -> str:
    """SHA-256 of *document*'s canonical JSON."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def review_digest(review: Review) -> str:
    """SHA-256 of the review's canonical bytes (what manifests and events record)."""
    return hashlib.sha256(review.canonical_bytes()).hexdigest()


def require_in_order(case: Case, now: dt.datetime) -> None:
    """Refuse an event dated before *case*'s last event (:class:`InvalidTransition`)."""
    if case.events and now < case.events[-1].at:
        raise InvalidTransition(
            f"case {case.id!r}: {format_timestamp(now)} is before the case's last event"
            f" ({format_timestamp(case.events[-1].at)}); events are recorded in order"
        )


def require_received(request: LegalRequest, now: dt.datetime) -> None:
    """Refuse to open a case for *request* before it was received."""
    if now < request.received_at:
        raise InvalidTransition(
            f"case {request.id!r} cannot be opened at {format_timestamp(now)}, before the"
            f" request was received ({format_timestamp(request.received_at)})"
        )


def move(
    case: Case,
    action: CaseAction,
    at: dt.datetime,
    actor: str,
    reason: str,
    detail: Detail | None = None,
    *,
    outcome: Outcome | None = None,
    condition: Condition | None = None,
) -> Case:
    """*case* moved by one event to the state the transition table gives for *action*
    (with the review's *outcome* and the *condition*, where they decide)."""
    target = next_state(case.state, action, outcome=outcome, condition=condition, case_id=case.id)
    require_in_order(case, at)
    event = CaseEvent(at, actor, case.state, target, reason, action, dict(detail or {}))
    return attrs.evolve(case, state=target, events=(*case.events, event))


def waits_for_notice(case: Case, review: Review) -> bool:
    """True while *review* schedules notice before disclosure and none was given."""
    notice = review.notice
    return (
        notice.notify_user
        and notice.timing is NoticeTiming.BEFORE_DISCLOSURE
        and case.notice_delivered_at is None
    )


def window(case: Case, review: Review, now: dt.datetime) -> Condition | None:
    """Whether the account holder's window holds *case* back at *now* under *review*:
    open while a notice due before disclosure was not given or ``disclose_after`` has not
    come, closed after; ``None`` for a review that releases nothing (nothing to hold
    back)."""
    if not review.outcome.releases_data:
        return None
    after = review.notice.disclose_after
    if waits_for_notice(case, review) or (after is not None and now < start_of_day(after)):
        return Condition.WINDOW_OPEN
    return Condition.WINDOW_CLOSED


def _window_end(case: Case) -> dt.datetime:
    after = case.review.notice.disclose_after
    # notice_pending is entered with a disclose_after or a notice still to give; without
    # a date only the notice holds the case.
    return start_of_day(after) if after is not None else case.opened_at


def close_window(
    case: Case,
    now: dt.datetime,
    actor: str,
    *,
    override: str | None = None,
    reason: str | None = None,
) -> tuple[Case, str | None]:
    """``advance`` a ``notice_pending`` case: once the notice was given and
    ``disclose_after`` has come, or earlier by override (the table decides which of these
    lead to ``ready``).

    Returns the moved case and the override, if one was needed (an override given for
    a gate already open is not recorded).
    """
    opens = _window_end(case)
    unnotified = waits_for_notice(case, case.review)
    condition = window(case, case.review, now)
    if condition is Condition.WINDOW_OPEN and override is not None:
        condition = Condition.OVERRIDDEN
    try:
        next_state(case.state, CaseAction.ADVANCE, condition=condition, case_id=case.id)
    except InvalidTransition:
        if condition is not Condition.WINDOW_OPEN:
            raise
        gates = []
        if unnotified:
            gates.append(
                "the account holder has not been given the notice due before disclosure"
                " (case notify)"
            )
        if now < opens:
            gates.append(f"the account holder may object until {format_timestamp(opens)}")
        raise InvalidTransition(
            f"case {case.id!r}: {'; '.join(gates)}; production before then needs an"
            " override with a reason"
        ) from None
    if condition is not Condition.OVERRIDDEN:
        why = reason or f"objection window closed ({format_timestamp(opens)})"
        return move(case, CaseAction.ADVANCE, now, actor, why, condition=condition), None
    detail: dict[str, Scalar] = {
        "override": override,
        "notice_given": not unnotified,
        "window_closed": now >= opens,
    }
    overridden = " and ".join(
        part
        for part, skipped in (
            ("notice before disclosure", unnotified),
            ("objection window", now < opens),
        )
        if skipped
    )
    why = f"{overridden} overridden: {override}"
    moved = move(case, CaseAction.ADVANCE, now, actor, why, detail, condition=condition)
    return moved, override


def approvals_needed(review: Review, policy: Policy, *, override: str | None) -> tuple[str, ...]:
    """The policy's ``second_approver`` actions a production of *review* involves."""
    needed = []
    if override is not None:
        needed.append("objection_window_override")
    if review.request.process.kind is ProcessKind.EMERGENCY_REQUEST:
        needed.append("emergency_release")
    if review.scope.allows(Category.CONTENT):
        needed.append("content_production")
    return tuple(action for action in needed if action in policy.second_approver)


def require_approvals(
    case: Case, review: Review, policy: Policy, actor: str, override: str | None
) -> None:
    """Refuse (:class:`InvalidTransition`) a production by *actor* that lacks an approval
    the policy requires, or whose only approver is *actor*."""
    needed = approvals_needed(review, policy, override=override)
    if not needed:
        return
    digest = review_digest(review)
    since = max((i for i, e in enumerate(case.events) if e.action is CaseAction.DECIDE), default=0)
    approvers = {
        event.actor
        for event in case.events[since:]
        if event.action is CaseAction.APPROVE and event.detail.get("review_sha256") == digest
    }
    what = ", ".join(needed)
    if not approvers:
        raise InvalidTransition(
            f"case {case.id!r}: the policy requires a second person's approval for"
            f" {what}; record it with approve (case approve) first"
        )
    if not approvers - {actor}:
        raise InvalidTransition(
            f"case {case.id!r}: {actor!r} approved this production and cannot also"
            f" produce it; the policy requires two different people for {what}"
        )


class CountingSink:
    """Passes a production through to a sink, counting ``records.jsonl`` per account
    and category, so the ledger can say what one account's disclosure held."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self.by_account: dict[str, dict[str, int]] = {}

    def write(self, name: str, chunks: Iterable[bytes]) -> None:
        if name == _RECORDS_FILE:
            chunks = self._count(chunks)
        self._sink.write(name, chunks)

    def abort(self) -> None:
        self._sink.abort()

    def _count(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        # Split only when a chunk ends a line, so a producer that cuts chunks mid-line
        # costs linear time, not a copy of the growing partial line per chunk.
        pending = bytearray()
        for chunk in chunks:
            yield chunk
            pending += chunk
            if b"\n" not in chunk:
                continue
            *lines, rest = bytes(pending).split(b"\n")
            for line in lines:
                self._tally(line)
            pending = bytearray(rest)
        if pending:
            self._tally(bytes(pending))

    def _tally(self, line: bytes) -> None:
        try:
            record = json.loads(line)
            account, category = str(record["account"]), str(record["category"])
        except (ValueError, KeyError, TypeError):
            raise IntegrityError("records.jsonl holds a line that is not a record") from None
        counts = self.by_account.setdefault(account, {})
        counts[category] = counts.get(category, 0) + 1


class GuardedSink(CountingSink):
    """A counting sink that holds the production back until the case has recorded it.

    The producer's ``commit`` only marks the production complete; the files stay
    unpublished (a sink keeps them hidden until its own commit) until :meth:`release`,
    which the service calls once the case's record of the production is stored under
    the version it claimed. A case that lost the race or changed state meanwhile makes
    that store write fail, and :meth:`discard` then aborts the production: nothing
    complete-looking is left that the case's records do not account for.
    """

    def __init__(self, sink: Sink) -> None:
        super().__init__(sink)
        self.complete = False

    def commit(self) -> None:
        self.complete = True

    def release(self) -> None:
        """Publish the production (the sink's own commit)."""
        self._sink.commit()

    def discard(self) -> None:
        """Abort the production; nothing is published."""
        with contextlib.suppress(Exception):
            self._sink.abort()


def require_loadable(request: LegalRequest) -> None:
    """Refuse a request that intake would refuse (one built in code, past intake).

    A case is stored as its request document and read back through intake, so such a
    request could be written but never read again: every later listing of the store
    would fail. Raises :class:`InvalidRequest` naming each problem, before anything is
    stored.
    """
    load_request(request.to_dict())


def require_aware(moment: dt.datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")


def callback_result(result: Callback | str) -> Callback | None:
    try:
        outcome = Callback(result)
    except ValueError:
        return None
    return outcome if outcome is not Callback.NOT_ATTEMPTED else None
