"""The case service: every operation that moves a case (docs/concepts.md, "Case").

:class:`Cases` is handed its store, clock, notifier and policy; it reads no clock and
touches no file itself. Each operation reads the case, derives the new snapshot through
the transition table (``_lifecycle``) and writes it back with its events in one store
call, under the version it read: a concurrent writer gets :class:`ConflictError`, never
a lost update, and a store that fails leaves the case and the audit log as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

import attrs

from .._canonical import canonical_bytes
from .._dates import format_date, format_timestamp
from .._enums import Callback, Category, NoticeTiming, Outcome
from .._intake import load_request
from .._policy import DEFAULT_POLICY, Policy
from .._request import LegalRequest, Preservation
from .._review import Review
from .._reviewer import review as review_request
from ..exceptions import (
    DueProcessError,
    IntegrityError,
    InvalidRequest,
    InvalidTransition,
    Problem,
)
from ._audit import ChainBreak, verify_chain
from ._case import Case, CaseEvent, Detail, Hold, ProductionRecord, Scalar
from ._deadlines import Deadline, DeadlineKind, start_of_day
from ._holds import complete_renewal, next_hold
from ._ledger import LedgerEntry, ledger_entries
from ._lifecycle import CaseAction, CaseState, check_transition

if TYPE_CHECKING:
    from ..typing import CaseStore, Clock, Notifier, RecordSource, Sink

__all__ = ["Cases", "Producer"]

_RECORDS_FILE = "records.jsonl"


class ManifestLike(Protocol):
    """The figures of a production's manifest the case keeps."""

    @property
    def accounts(self) -> tuple[str, ...]: ...

    @property
    def counts(self) -> Mapping[Category, int] | Mapping[str, int]: ...

    @property
    def records(self) -> int: ...

    @property
    def merkle_root(self) -> str: ...


class Producer(Protocol):
    """The signature of :func:`dueprocess.produce`."""

    def __call__(
        self, review: Review, source: RecordSource, sink: Sink, *, produced_at: dt.datetime
    ) -> ManifestLike: ...


Reviewer = Callable[[LegalRequest, Policy], Review]


def _sha256(document: object) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def _default_producer() -> Producer:
    from .._production import produce

    return produce


@attrs.define
class Cases:
    """The case service: open cases, move them, and answer what falls due.

    Args:
        store: where cases live; it also appends the audit log (see
            :class:`~dueprocess.typing.CaseStore`).
        clock: tells the time of every event (timezone-aware).
        policy: the review policy every (re-)review uses.
        notifier: delivers notices to account holders; needed only by :meth:`notify`.
        reviewer: the review function (default :func:`dueprocess.review`).
        producer: the production function (default :func:`dueprocess.produce`).

    Every operation takes the ``actor`` who performs it and records it, with the clock's
    time and a reason, on each event.

    >>> import datetime as dt
    >>> from dueprocess.testing import ManualClock, MemoryCaseStore
    >>> clock = ManualClock(dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc))
    >>> cases = Cases(MemoryCaseStore(), clock)
    >>> cases.find()
    []
    """

    _store: CaseStore
    _clock: Clock
    _policy: Policy = DEFAULT_POLICY
    _notifier: Notifier | None = None
    _reviewer: Reviewer = review_request
    _producer: Producer | None = None

    @property
    def store(self) -> CaseStore:
        """The case store (its ``audit`` is the audit log)."""
        return self._store

    @property
    def policy(self) -> Policy:
        """The policy this service reviews with."""
        return self._policy

    def reviewing_with(self, policy: Policy) -> Cases:
        """The same service (store, clock, notifier) reviewing under *policy*.

        A case records the policy of its latest review (:attr:`Case.policy`); use this to
        re-review a case under the standards it was opened with.
        """
        return attrs.evolve(self, policy=policy)

    # --- reading ---------------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The case with that id; :class:`~dueprocess.CaseNotFound` if none."""
        return self._store.get(case_id)

    def find(self, state: CaseState | str | None = None) -> list[Case]:
        """Every case, or those in *state*, by id."""
        wanted = CaseState(state) if state is not None else None
        return list(self._store.cases(wanted))

    def due(self, *, before: dt.datetime) -> tuple[Deadline, ...]:
        """Every open deadline falling due strictly before *before*, earliest first.

        A hold's ``preserve_until`` is left out once a later hold of its chain (a
        renewal, possibly in another case) has replaced it.
        """
        _require_aware(before, "before")
        found = []
        for case in self._store.cases():
            for deadline in case.deadlines:
                if deadline.at >= before:
                    continue
                if deadline.kind is DeadlineKind.PRESERVE_UNTIL and self._superseded(
                    case.holds[-1]
                ):
                    continue
                found.append(deadline)
        return tuple(sorted(found))

    def ledger(self, account: str) -> tuple[LedgerEntry, ...]:
        """Every disclosure of *account*'s data, oldest first."""
        return ledger_entries(self._store.cases(), account)

    def verify_audit(self) -> ChainBreak | None:
        """Verify the store's audit log against its head; ``None`` when intact."""
        audit = self._store.audit
        return verify_chain(audit.entries(), head=audit.head())

    # --- opening and re-reviewing ----------------------------------------------------

    def open(self, request: LegalRequest, *, actor: str, reason: str = "request received") -> Case:
        """Open a case for *request*, review it and move it by the review's outcome.

        A preservation renewal naming a stored hold is first completed from the hold
        registry. The case's id is the request's id; opening a second case for the same
        request id raises :class:`ConflictError`.
        """
        check_transition(None, CaseAction.OPEN, CaseState.RECEIVED, case_id=request.id)
        _require_loadable(request)
        now = self._now()
        completed, note, chain = self._complete(request)
        review = self._reviewer(completed, self._policy)
        opened = Case(
            id=request.id,
            request=completed,
            review=review,
            state=CaseState.RECEIVED,
            version=1,
            opened_at=now,
            events=(
                CaseEvent(
                    now,
                    actor,
                    None,
                    CaseState.RECEIVED,
                    reason,
                    CaseAction.OPEN,
                    {"request_sha256": _sha256(request.to_dict())},
                ),
            ),
        )
        reviewing = _move(opened, CaseAction.REVIEW, CaseState.IN_REVIEW, now, actor, note)
        case = attrs.evolve(self._decide(reviewing, review, chain, now, actor), policy=self._policy)
        self._store.create(case)
        return case

    def record_callback(
        self,
        case_id: str,
        result: Callback | str,
        *,
        actor: str,
        reason: str | None = None,
    ) -> Case:
        """Record the outcome of calling the requester back, and review the case again."""
        outcome = _callback(result)
        if outcome is None:
            raise InvalidRequest(
                [Problem("$.requester.callback", f"expected confirmed or failed, got {result!r}")],
                what="callback result",
            )
        case = self._store.get(case_id)
        request = attrs.evolve(
            case.request, requester=attrs.evolve(case.request.requester, callback=outcome)
        )
        return self._rereview(
            case, CaseAction.CALLBACK, request, actor, reason or f"callback {outcome.value}"
        )

    def cure(
        self, case_id: str, request: LegalRequest, *, actor: str, reason: str | None = None
    ) -> Case:
        """Replace the case's request with a corrected document (same id) and review again."""
        case = self._store.get(case_id)
        if request.id != case.request_id:
            raise InvalidRequest(
                [Problem("$.id", f"a cure must keep the request id {case.request_id!r}")],
                what="corrected request document",
            )
        return self._rereview(
            case, CaseAction.CURE, request, actor, reason or "corrected request received"
        )

    def renew(
        self,
        case_id: str,
        *,
        actor: str,
        reason: str | None = None,
        request: LegalRequest | None = None,
    ) -> Case:
        """Renew the preservation this case holds, and review the renewal.

        Without *request* the case's own request becomes a renewal of its latest hold;
        with one (same id, a preservation kind), that document is used. Either way
        ``prior_extensions`` and ``prior_expires_on`` come from the hold registry, so the
        rules' extension limit applies: a second renewal is rejected, and the standing
        hold stays listed under ``preserve_until`` until the case is closed.
        """
        case = self._store.get(case_id)
        check_transition(case.state, CaseAction.RENEW, CaseState.IN_REVIEW, case_id=case.id)
        renewal = request if request is not None else case.request
        if renewal.id != case.request_id:
            raise InvalidRequest(
                [Problem("$.id", f"a renewal on this case must keep the request id {case.id!r}")],
                what="renewal request document",
            )
        if not renewal.process.kind.is_preservation:
            raise InvalidRequest(
                [Problem("$.process.kind", "a renewal must be a preservation kind")],
                what="renewal request document",
            )
        if renewal.preservation is None:
            if not case.holds:
                raise InvalidTransition(f"case {case.id!r} holds nothing to renew")
            latest = case.holds[-1]
            renewal = attrs.evolve(
                renewal,
                preservation=Preservation(latest.id, latest.extensions, latest.expires_on),
            )
        return self._rereview(
            case, CaseAction.RENEW, renewal, actor, reason or "preservation renewal requested"
        )

    # --- telling the user, producing, closing ----------------------------------------

    def notify(self, case_id: str, *, actor: str, reason: str | None = None) -> Case:
        """Deliver the case's notice to the account holder through the notifier.

        Refused (:class:`InvalidTransition`) where the review schedules no notice, where
        it was already delivered, and before it is due (a gag order still in force, an
        emergency not yet disclosed). If the store fails after delivery the notice is
        not recorded and will be offered again: delivery is at least once.
        """
        case = self._store.get(case_id)
        now = self._now()
        notice = case.notice
        if notice is None:
            raise InvalidTransition(
                f"case {case.id!r} schedules no notice to the user"
                f" ({case.review.notice.timing.value})"
            )
        if case.notice_delivered_at is not None:
            raise InvalidTransition(
                f"the notice of case {case.id!r} was delivered at"
                f" {format_timestamp(case.notice_delivered_at)}"
            )
        if notice.due_at is None or now < notice.due_at:
            when = (
                f"until {format_timestamp(notice.due_at)}"
                if notice.due_at is not None
                else "until a court lifts the nondisclosure order"
                if notice.timing is NoticeTiming.AFTER_NONDISCLOSURE
                else "until the emergency disclosure is made"
            )
            raise InvalidTransition(
                f"the notice of case {case.id!r} ({notice.timing.value}) is not due {when}"
            )
        check_transition(case.state, CaseAction.NOTIFY, case.state, case_id=case.id)
        if self._notifier is None:
            raise DueProcessError("no notifier was given to this Cases service")
        self._notifier.deliver(notice)
        moved = _move(
            case,
            CaseAction.NOTIFY,
            case.state,
            now,
            actor,
            reason or f"notice to the account holder delivered ({notice.timing.value})",
            {"timing": notice.timing.value},
        )
        return self._commit(case, attrs.evolve(moved, notice_delivered_at=now))

    def advance(self, case_id: str, *, actor: str, reason: str | None = None) -> Case:
        """Move a ``notice_pending`` case to ``ready`` once ``disclose_after`` has come."""
        case = self._store.get(case_id)
        now = self._now()
        check_transition(case.state, CaseAction.ADVANCE, CaseState.READY, case_id=case.id)
        ready, _ = _close_window(case, now, actor, reason=reason)
        return self._commit(case, ready)

    def produce(
        self,
        case_id: str,
        source: RecordSource,
        sink: Sink,
        *,
        actor: str,
        override: str | None = None,
    ) -> Case:
        """Produce what the case's review releases into *sink*, and record it.

        A ``notice_pending`` case is produced only from ``disclose_after`` on, unless
        *override* gives a reason; the override is recorded on the events and the
        production. Refusals (the window still open, a state that cannot be produced)
        raise :class:`InvalidTransition` before the source or the sink is touched.

        The sink's files cannot be part of the store's transaction: if the store fails
        after the sink committed, the case stays unproduced, and producing again writes
        the same records.
        """
        if override is not None and not override.strip():
            raise InvalidRequest(
                [Problem("$.override", "an override needs a reason")], what="production override"
            )
        case = self._store.get(case_id)
        now = self._now()
        moved, used = case, None
        if case.state is CaseState.NOTICE_PENDING:
            moved, used = _close_window(case, now, actor, override=override)
        check_transition(moved.state, CaseAction.PRODUCE, CaseState.PRODUCED, case_id=case.id)
        production = self._production(moved, source, sink, now, override=used)
        detail: dict[str, Scalar] = {
            "records": production.records,
            "merkle_root": production.merkle_root,
            "notice_delivered": moved.notice_delivered_at is not None,
        }
        if production.override is not None:
            detail["override"] = production.override
        produced = _move(
            moved,
            CaseAction.PRODUCE,
            CaseState.PRODUCED,
            now,
            actor,
            f"produced {production.records} record{'' if production.records == 1 else 's'}",
            detail,
        )
        return self._commit(
            case, attrs.evolve(produced, productions=(*case.productions, production))
        )

    def _production(
        self,
        case: Case,
        source: RecordSource,
        sink: Sink,
        now: dt.datetime,
        *,
        override: str | None,
    ) -> ProductionRecord:
        """Run the producer, counting what each account's records were."""
        producer = self._producer if self._producer is not None else _default_producer()
        counting = _CountingSink(sink)
        manifest = producer(case.review, source, counting, produced_at=now)
        by_account = {
            account: counting.by_account.get(account, {}) for account in manifest.accounts
        }
        if sum(sum(counts.values()) for counts in by_account.values()) != manifest.records:
            raise IntegrityError(
                f"case {case.id!r}: the records written do not add up to the manifest's"
                f" {manifest.records}"
            )
        return ProductionRecord(
            produced_at=now,
            accounts=tuple(manifest.accounts),
            counts={str(category): count for category, count in manifest.counts.items()},
            records=manifest.records,
            merkle_root=manifest.merkle_root,
            review_sha256=hashlib.sha256(case.review.canonical_bytes()).hexdigest(),
            by_account=by_account,
            override=override,
        )

    def close(self, case_id: str, *, actor: str, reason: str = "closed") -> Case:
        """Close the case (answered, withdrawn, released or abandoned)."""
        case = self._store.get(case_id)
        now = self._now()
        moved = _move(case, CaseAction.CLOSE, CaseState.CLOSED, now, actor, reason)
        return self._commit(case, attrs.evolve(moved, closed_at=now))

    # --- internals -------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        now = self._clock.now()
        _require_aware(now, "the clock's time")
        return now

    def _complete(self, request: LegalRequest) -> tuple[LegalRequest, str, tuple[Hold, ...]]:
        """The request with its renewal completed from the registry, a note saying so,
        and the registry's chain of the hold it renews."""
        if request.preservation is None:
            return request, "review started", ()
        chain = tuple(self._store.hold_chain(request.preservation.extends))
        completed = complete_renewal(request, chain)
        if not chain:
            return (
                completed,
                (
                    f"review started; hold {request.preservation.extends!r} is not in the"
                    " registry, the renewal is taken as stated"
                ),
                chain,
            )
        latest = chain[-1]
        return (
            completed,
            (
                f"review started; renewal completed from hold {latest.id!r}"
                f" ({latest.extensions} prior extensions, expires {format_date(latest.expires_on)})"
            ),
            chain,
        )

    def _superseded(self, hold: Hold) -> bool:
        chain = self._store.hold_chain(hold.id)
        return bool(chain) and chain[-1].id != hold.id

    def _decide(
        self,
        case: Case,
        review: Review,
        chain: tuple[Hold, ...],
        now: dt.datetime,
        actor: str,
    ) -> Case:
        """Move an ``in_review`` case by *review*'s outcome, adding the hold it places."""
        target = _target_state(review, now)
        detail: dict[str, Scalar] = {
            "outcome": review.outcome.value,
            "review_sha256": hashlib.sha256(review.canonical_bytes()).hexdigest(),
            "request_sha256": _sha256(review.request.to_dict()),
        }
        codes = ", ".join(review.codes) or "no findings"
        reviewed = attrs.evolve(case, request=review.request, review=review)
        moved = _move(
            reviewed,
            CaseAction.DECIDE,
            target,
            now,
            actor,
            f"{review.outcome.value}: {codes}",
            detail,
        )
        hold = next_hold(moved, review, chain, placed_at=now)
        if hold is not None:
            moved = attrs.evolve(moved, holds=(*moved.holds, hold))
        return moved

    def _rereview(
        self, case: Case, action: CaseAction, request: LegalRequest, actor: str, reason: str
    ) -> Case:
        now = self._now()
        check_transition(case.state, action, CaseState.IN_REVIEW, case_id=case.id)
        _require_loadable(request)
        completed, note, chain = self._complete(request)
        reviewing = _move(
            case,
            action,
            CaseState.IN_REVIEW,
            now,
            actor,
            reason,
            {"request_sha256": _sha256(request.to_dict()), "note": note},
        )
        review = self._reviewer(completed, self._policy)
        decided = self._decide(reviewing, review, chain, now, actor)
        return self._commit(case, attrs.evolve(decided, policy=self._policy))

    def _commit(self, before: Case, after: Case) -> Case:
        new_events = after.events[len(before.events) :]
        stored = attrs.evolve(after, version=before.version + 1)
        self._store.update(stored, new_events)
        return stored


def _require_loadable(request: LegalRequest) -> None:
    """Refuse a request that intake would refuse (one built in code, past intake).

    A case is stored as its request document and read back through intake, so such a
    request could be written but never read again: every later listing of the store
    would fail. Raises :class:`InvalidRequest` naming each problem, before anything is
    stored.
    """
    load_request(request.to_dict())


def _require_aware(moment: dt.datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")


def _callback(result: Callback | str) -> Callback | None:
    try:
        outcome = Callback(result)
    except ValueError:
        return None
    return outcome if outcome is not Callback.NOT_ATTEMPTED else None


def _target_state(review: Review, now: dt.datetime) -> CaseState:
    outcome = review.outcome
    if outcome.releases_data:
        window = review.notice.disclose_after
        if window is not None and now < start_of_day(window):
            return CaseState.NOTICE_PENDING
        return CaseState.READY
    return {
        Outcome.VERIFY: CaseState.AWAITING_VERIFICATION,
        Outcome.PUSH_BACK: CaseState.PUSHED_BACK,
        Outcome.REJECT: CaseState.REJECTED,
        Outcome.ESCALATE: CaseState.ESCALATED,
        Outcome.PRESERVE: CaseState.PRESERVED,
    }[outcome]


def _window_end(case: Case) -> dt.datetime:
    after = case.review.notice.disclose_after
    # notice_pending is entered only with a disclose_after; a store could hold a case
    # written otherwise, and then the window is taken as closed.
    return start_of_day(after) if after is not None else case.opened_at


def _close_window(
    case: Case,
    now: dt.datetime,
    actor: str,
    *,
    override: str | None = None,
    reason: str | None = None,
) -> tuple[Case, str | None]:
    """``notice_pending`` to ``ready``: from ``disclose_after`` on, or earlier by override.

    Returns the moved case and the override, if one was needed (an override given for
    a window already closed is not recorded).
    """
    opens = _window_end(case)
    if now >= opens:
        why = reason or f"objection window closed ({format_timestamp(opens)})"
        return _move(case, CaseAction.ADVANCE, CaseState.READY, now, actor, why), None
    if override is None:
        raise InvalidTransition(
            f"case {case.id!r}: the account holder may object until {format_timestamp(opens)};"
            " production before disclose_after needs an override with a reason"
        )
    why = f"objection window overridden: {override}"
    moved = _move(
        case, CaseAction.ADVANCE, CaseState.READY, now, actor, why, {"override": override}
    )
    return moved, override


def _move(
    case: Case,
    action: CaseAction,
    target: CaseState,
    at: dt.datetime,
    actor: str,
    reason: str,
    detail: Detail | None = None,
) -> Case:
    check_transition(case.state, action, target, case_id=case.id)
    event = CaseEvent(at, actor, case.state, target, reason, action, dict(detail or {}))
    return attrs.evolve(case, state=target, events=(*case.events, event))


class _CountingSink:
    """Passes a production through to a sink, counting ``records.jsonl`` per account
    and category, so the ledger can say what one account's disclosure held."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self.by_account: dict[str, dict[str, int]] = {}

    def write(self, name: str, chunks: Iterable[bytes]) -> None:
        if name == _RECORDS_FILE:
            chunks = self._count(chunks)
        self._sink.write(name, chunks)

    def commit(self) -> None:
        self._sink.commit()

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
