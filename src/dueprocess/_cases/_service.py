"""The case service: every operation that moves a case (docs/concepts.md, "Case").

:class:`Cases` is handed its store, clock, notifier, identity provider and policy; it reads
no clock and touches no file itself. Each operation reads the case, derives the new
snapshot through the transition table (``_lifecycle``) and writes it back with its events
in one store call, under the version it read: a concurrent writer gets
:class:`ConflictError`, never a lost update, and a store that fails leaves the case and
the audit log as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING

import attrs

from .._base._dates import format_date, format_timestamp
from .._base._enums import Callback
from .._intake._request import LegalRequest, Preservation
from .._review._policy import DEFAULT_POLICY, Policy
from .._review._review import Review
from .._review._reviewer import review as review_request
from ..exceptions import (
    ConflictError,
    DueProcessError,
    IntegrityError,
    InvalidArgument,
    InvalidRequest,
    InvalidTransition,
    Problem,
    RenewalRefused,
)
from ._actor import Actor, resolve_actor
from ._audit import ChainHead
from ._case import Case, CaseEvent, Detail, ProductionRecord, Scalar
from ._cures import cure_problems, lifted_verification
from ._deadlines import Deadline, DeadlineKind
from ._holds import RenewalCheck, complete_from_registry, next_hold, refuse_renewal
from ._integrity import AuditFailure, checked_case, verify_store
from ._invoice import Invoice, bill_case
from ._ledger import LedgerEntry, ledger_entries
from ._lifecycle import CaseAction, CaseState, check_action, next_state
from ._notice import account_notices, not_due_until, under_gag
from ._release import (
    default_producer,
    fresh_review,
    produced_case,
    run_producer,
)
from ._steps import (
    GuardedSink,
    callback_result,
    close_window,
    move,
    require_approvals,
    require_aware,
    require_in_order,
    require_loadable,
    require_received,
    review_digest,
    sha256,
    window,
)

if TYPE_CHECKING:
    from ..typing import (
        CaseStore,
        Clock,
        IdentityProvider,
        Notifier,
        Producer,
        RecordSource,
        Reviewer,
        Sink,
    )

__all__ = ["Cases"]


ActorLike = Actor | str


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
        identity: who is authenticated (:class:`~dueprocess.typing.IdentityProvider`).
            With one, every event records its actor and an ``actor`` argument that
            names someone else is refused; without one, each operation's ``actor`` is
            taken as authenticated by the caller.

    Every operation records the actor who performs it, with the clock's time and a
    reason, on each event. Events are dated in order: a clock behind the case's last
    event is refused.

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
    _identity: IdentityProvider | None = None

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
        """The case with that id; :class:`~dueprocess.exceptions.CaseNotFound` if none."""
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
        require_aware(before, "before")
        found = []
        for case in self._store.due(before):
            for deadline in case.deadlines:
                if deadline.at >= before:
                    continue
                if deadline.kind is DeadlineKind.PRESERVE_UNTIL and self._superseded(case):
                    continue
                found.append(deadline)
        return tuple(sorted(found))

    def ledger(self, account: str, *, now: dt.datetime) -> tuple[LedgerEntry, ...]:
        """The account holder's view: the disclosures of *account*'s data they may see
        at *now*, oldest first.

        A disclosure is listed once its case's notice to the account holder was given
        or is due at *now*; one whose notice is withheld, not given by the platform, or
        held back by a gag order still in force (one without an end date until it is
        lifted) is left out. :meth:`ledger_all` is counsel's view.
        """
        require_aware(now, "now")
        entries = ledger_entries(self._store.disclosed(account), account)
        return tuple(entry for entry in entries if entry.visible_at(now))

    def ledger_all(self, account: str) -> tuple[LedgerEntry, ...]:
        """Counsel's view: every disclosure of *account*'s data with its notice status."""
        return ledger_entries(self._store.disclosed(account), account)

    def verify_audit(self, *, anchor: ChainHead | None = None) -> AuditFailure | None:
        """Verify the audit log against its head, and every stored case, hold and index
        row against the log; ``None`` when all agree.

        With *anchor* (a head published earlier, ``dueprocess audit head``) the log must
        also still extend it, which catches a log rewritten whole since.
        """
        return verify_store(self._store, anchor=anchor)

    # --- opening and re-reviewing ----------------------------------------------------

    def open(
        self,
        request: LegalRequest,
        *,
        actor: ActorLike | None = None,
        reason: str = "request received",
    ) -> Case:
        """Open a case for *request*, review it and move it by the review's outcome.

        A preservation renewal must name a hold the platform placed (its request id or
        hold id), of the same agency for the same targets; it is completed from the hold
        registry. The case's id is the request's id; opening a second case for the same
        request id raises :class:`ConflictError`.
        """
        who = resolve_actor(self._identity, actor)
        received = next_state(None, CaseAction.OPEN, case_id=request.id)
        require_loadable(request)
        now = self._now()
        require_received(request, now)
        completed, check = complete_from_registry(self._store, request, None)
        review = self._reviewer(completed, self._policy)
        opened = Case(
            id=request.id,
            request=completed,
            review=review,
            state=received,
            version=1,
            opened_at=now,
            events=(
                CaseEvent(
                    now,
                    who,
                    None,
                    received,
                    reason,
                    CaseAction.OPEN,
                    {"request_sha256": sha256(request.to_dict())},
                ),
            ),
        )
        reviewing = move(opened, CaseAction.REVIEW, now, who, check.note)
        case = attrs.evolve(self._decide(reviewing, review, check, now, who), policy=self._policy)
        self._store.create(case)
        return case

    def record_callback(
        self,
        case_id: str,
        result: Callback | str,
        *,
        actor: ActorLike | None = None,
        reason: str | None = None,
    ) -> Case:
        """Record the outcome of calling the requester back, and review the case again.

        This event is the only way a callback result, and with it a verification
        finding, changes on a case.
        """
        who = resolve_actor(self._identity, actor)
        outcome = callback_result(result)
        if outcome is None:
            raise InvalidArgument(
                [Problem("$.requester.callback", f"expected confirmed or failed, got {result!r}")],
                what="callback result",
            )
        case = self._store.get(case_id)
        request = attrs.evolve(
            case.request, requester=attrs.evolve(case.request.requester, callback=outcome)
        )
        return self._rereview(
            case, CaseAction.CALLBACK, request, who, reason or f"callback {outcome.value}"
        )

    def cure(
        self,
        case_id: str,
        request: LegalRequest,
        *,
        actor: ActorLike | None = None,
        reason: str | None = None,
    ) -> Case:
        """Replace the case's request with a corrected document (same id) and review again.

        A cure corrects the instrument, the investigation, the targets and the period;
        the new targets are reviewed afresh. It cannot change who sent the request: the
        requester (sender, supervisor) must be as recorded, a callback result other than
        the recorded one is refused (only :meth:`record_callback` records one), and a
        verification finding of the current review cannot be lifted by a cure.
        """
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        problems = cure_problems(case.request, request)
        if problems:
            raise InvalidRequest(problems, what="corrected request document")
        kept = attrs.evolve(request, requester=case.request.requester)
        check_action(case.state, CaseAction.CURE, case_id=case.id)
        completed, check = complete_from_registry(self._store, kept, case.id)
        review = self._reviewer(completed, self._policy)
        lifted = lifted_verification(case.review, review)
        if lifted:
            raise InvalidRequest(lifted, what="corrected request document")
        return self._rereview(
            case,
            CaseAction.CURE,
            kept,
            who,
            reason or "corrected request received",
            reviewed=(completed, check, review),
        )

    def renew(
        self,
        case_id: str,
        *,
        actor: ActorLike | None = None,
        reason: str | None = None,
        request: LegalRequest | None = None,
    ) -> Case:
        """Renew the preservation this case holds, and review the renewal.

        Without *request* the case's own request becomes a renewal of its latest hold;
        with one (same id, a preservation kind), that document is used. Either way
        ``prior_extensions`` and ``prior_expires_on`` come from the hold registry, so the
        rules' extension limit applies.

        A renewal the review refuses leaves the case, its review and its hold as they
        were: the refusal is recorded as an event and :class:`~dueprocess.exceptions.RenewalRefused`
        (carrying the updated case) is raised.
        """
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        check_action(case.state, CaseAction.RENEW, case_id=case.id)
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
        require_loadable(renewal)
        completed, check = complete_from_registry(self._store, renewal, case.id, renewing=True)
        review = self._reviewer(completed, self._policy)
        why = reason or "preservation renewal requested"
        if review.preserve_until is None:
            refused, message = refuse_renewal(case, review, self._now(case), who, why)
            raise RenewalRefused(message, case=self._commit(case, refused))
        return self._rereview(
            case, CaseAction.RENEW, renewal, who, why, reviewed=(completed, check, review)
        )

    # --- telling the user, approving, producing, closing ----------------------------

    def notify(
        self,
        case_id: str,
        *,
        actor: ActorLike | None = None,
        reason: str | None = None,
        source: RecordSource | None = None,
    ) -> Case:
        """Deliver the case's notice, one per account holder, through the notifier.

        Each notice names only its account's identifiers (with *source*, targets are
        resolved to accounts; without, each target gets its own). Refused
        (:class:`InvalidTransition`) where no notice is scheduled, it was delivered, or it
        is not due (a gag in force, an emergency not yet disclosed). Delivery is at least
        once: if the store fails after delivery, the notice is offered again.
        """
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        now = self._now(case)
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
            when = not_due_until(notice.timing, notice.due_at)
            raise InvalidTransition(
                f"the notice of case {case.id!r} ({notice.timing.value}) is not due {when}"
            )
        check_action(case.state, CaseAction.NOTIFY, case_id=case.id)
        if self._notifier is None:
            raise DueProcessError("no notifier was given to this Cases service")
        notices = account_notices(notice, source)
        for each in notices:
            self._notifier.deliver(each)
        moved = move(
            case,
            CaseAction.NOTIFY,
            now,
            who,
            reason
            or f"notice to the account holder delivered ({notice.timing.value},"
            f" {len(notices)} notice{'' if len(notices) == 1 else 's'})",
            {"timing": notice.timing.value, "notices": len(notices)},
        )
        return self._commit(case, attrs.evolve(moved, notice_delivered_at=now))

    def lift_gag(
        self,
        case_id: str,
        *,
        on: dt.date,
        actor: ActorLike | None = None,
        reason: str | None = None,
    ) -> Case:
        """Record that the case's gag ended on *on* (an order lifted, an NSL's
        certification withdrawn): from that day the notice to the account holder is due
        (:meth:`due` lists it, :meth:`notify` sends it) and the account holder's ledger
        shows the disclosure."""
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        if not under_gag(case):
            timing = case.review.notice.timing.value
            raise InvalidTransition(f"case {case.id!r} is under no gag order ({timing})")
        if case.gag_lifted_on is not None:
            raise InvalidTransition(
                f"the gag of case {case.id!r} was lifted on {format_date(case.gag_lifted_on)}"
            )
        why = reason or f"gag lifted on {format_date(on)}"
        detail = {"lifted_on": format_date(on)}
        moved = self._event(case, CaseAction.LIFT_GAG, who, why, detail)
        return self._commit(case, attrs.evolve(moved, gag_lifted_on=on))

    def advance(
        self, case_id: str, *, actor: ActorLike | None = None, reason: str | None = None
    ) -> Case:
        """Move a ``notice_pending`` case to ``ready`` once the notice due before
        disclosure was given and ``disclose_after`` has come."""
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        now = self._now(case)
        check_action(case.state, CaseAction.ADVANCE, case_id=case.id)
        ready, _ = close_window(case, now, who, reason=reason)
        return self._commit(case, ready)

    def approve(
        self, case_id: str, *, actor: ActorLike | None = None, reason: str | None = None
    ) -> Case:
        """Record a second person's approval of producing the case's current decision.

        Needed where the policy's ``second_approver`` names something the production
        involves (an override of the objection window, an emergency release, content);
        the approval is bound to the current review, and whoever produces must be a
        different person.
        """
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        detail = {"review_sha256": review_digest(case.review)}
        why = reason or "production approved"
        return self._commit(case, self._event(case, CaseAction.APPROVE, who, why, detail))

    def review(
        self, case_id: str, *, actor: ActorLike | None = None, reason: str | None = None
    ) -> Case:
        """Review the case's request again, explicitly, under this service's policy
        (``case review``; :meth:`reviewing_with` picks another policy)."""
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        why = reason or f"reviewed again under policy {self._policy.name!r}"
        return self._rereview(case, CaseAction.REVIEW, case.request, who, why)

    def produce(
        self,
        case_id: str,
        source: RecordSource,
        sink: Sink,
        *,
        actor: ActorLike | None = None,
        override: str | None = None,
    ) -> Case:
        """Produce what a fresh review of the case allows into *sink*, and record it.

        In order, before the source or the sink is touched:

        1. a ``notice_pending`` case passes only once its notice before disclosure was
           given and ``disclose_after`` has come, unless *override* gives a reason (the
           override is recorded on the events and the production);
        2. the stored case is checked against the audit chain, and the stored request is
           reviewed again under the recorded policy: a disagreement raises
           :class:`IntegrityError`, is recorded as a ``refuse`` event, and writes nothing;
        3. approvals the policy requires (``second_approver``) must be recorded, by
           someone other than *actor*;
        4. the production's claim on the decision is written (a version check and a
           ``claim`` event in one store write), so of two concurrent productions only one
           starts.

        The production's files stay unpublished until the case has recorded it, under the
        version its claim left: a case that changed meanwhile (another production, a
        rejection) makes that write fail, and the production is aborted
        (:class:`ConflictError`); nothing complete-looking is left outside the case's
        records. Only what the fresh review allows is released.
        """
        who = resolve_actor(self._identity, actor)
        if override is not None and not override.strip():
            raise InvalidArgument(
                [Problem("$.override", "an override needs a reason")], what="production override"
            )
        case = self._store.get(case_id)
        now = self._now(case)
        moved, used = case, None
        if case.state is CaseState.NOTICE_PENDING:
            moved, used = close_window(case, now, who, override=override)
        check_action(moved.state, CaseAction.PRODUCE, case_id=case.id)
        policy = case.policy if case.policy is not None else self._policy
        try:
            # Released only as the audit chain recorded it: a case row edited in the
            # database (a wider review, another target) raises IntegrityError here.
            checked_case(self._store, case_id)
            fresh = fresh_review(case, self._reviewer, policy)
        except IntegrityError as error:
            self._refuse(case, now, who, f"production refused: {error}")
            raise
        require_approvals(moved, fresh, policy, who, used)
        # The claim changes no state: a production that fails leaves the case where it
        # was, with the attempt on record.
        claimed = self._commit(
            case,
            move(
                case,
                CaseAction.CLAIM,
                now,
                who,
                "production claimed",
                {"review_sha256": review_digest(fresh), "sink": repr(sink)},
            ),
        )
        guarded = GuardedSink(sink)
        try:
            producer = self._producer if self._producer is not None else default_producer()
            production = run_producer(producer, claimed, fresh, source, guarded, now, override=used)
            if not guarded.complete:
                raise IntegrityError(f"case {case.id!r}: the producer did not finish its work")
            stored = self._record_production(claimed, production, now, who, override)
        except BaseException as error:
            guarded.discard()
            with contextlib.suppress(Exception):
                why = f"production failed, nothing released: {error}"
                self._commit(claimed, self._event(claimed, CaseAction.REFUSE, who, why, {}))
            raise
        self._release(stored, guarded, now, who)
        return stored

    def invoice(self, case_id: str, *, actor: ActorLike | None = None) -> tuple[Case, Invoice]:
        """Bill the agency for what the case produced (18 U.S.C. 2706), under the fee
        schedule of the case's policy; the invoice is recorded as an ``invoice`` event."""
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        policy = case.policy if case.policy is not None else self._policy
        moved, bill = bill_case(case, policy, self._now(case), who)
        return self._commit(case, moved), bill

    def close(
        self, case_id: str, *, actor: ActorLike | None = None, reason: str = "closed"
    ) -> Case:
        """Close the case (answered, withdrawn, released or abandoned)."""
        who = resolve_actor(self._identity, actor)
        case = self._store.get(case_id)
        now = self._now(case)
        moved = move(case, CaseAction.CLOSE, now, who, reason)
        return self._commit(case, attrs.evolve(moved, closed_at=now))

    # --- internals -------------------------------------------------------------------

    def _now(self, case: Case | None = None) -> dt.datetime:
        now = self._clock.now()
        require_aware(now, "the clock's time")
        if case is not None:
            require_in_order(case, now)
        return now

    def _superseded(self, case: Case) -> bool:
        hold = case.holds[-1]
        chain = self._store.hold_chain(hold.id)
        return bool(chain) and chain[-1].id != hold.id

    def _decide(
        self, case: Case, review: Review, check: RenewalCheck, now: dt.datetime, actor: str
    ) -> Case:
        """Move an ``in_review`` case by *review*'s outcome (and the account holder's
        window), adding the hold it places."""
        detail: dict[str, Scalar] = {
            "outcome": review.outcome.value,
            "review_sha256": review_digest(review),
            "request_sha256": sha256(review.request.to_dict()),
            # The policy by name and by hash: a policy cannot pass as another (issue 11.6).
            "policy": review.policy,
            "policy_sha256": review.policy_sha256,
        }
        codes = ", ".join(review.codes) or "no findings"
        reviewed = attrs.evolve(case, request=review.request, review=review)
        moved = move(
            reviewed,
            CaseAction.DECIDE,
            now,
            actor,
            f"{review.outcome.value}: {codes}",
            detail,
            outcome=review.outcome,
            condition=window(case, review, now),
        )
        hold = next_hold(moved, review, check.chain, placed_at=now)
        if hold is not None:
            moved = attrs.evolve(moved, holds=(*moved.holds, hold))
        return moved

    def _rereview(
        self,
        case: Case,
        action: CaseAction,
        request: LegalRequest,
        actor: str,
        reason: str,
        *,
        reviewed: tuple[LegalRequest, RenewalCheck, Review] | None = None,
    ) -> Case:
        now = self._now(case)
        check_action(case.state, action, case_id=case.id)
        require_loadable(request)
        if reviewed is None:
            completed, check = complete_from_registry(self._store, request, case.id)
            review = self._reviewer(completed, self._policy)
        else:
            _, check, review = reviewed
        reviewing = move(
            case,
            action,
            now,
            actor,
            reason,
            {"request_sha256": sha256(request.to_dict()), "note": check.note},
        )
        decided = self._decide(reviewing, review, check, now, actor)
        return self._commit(case, attrs.evolve(decided, policy=self._policy))

    def _refuse(self, case: Case, now: dt.datetime, actor: str, why: str) -> None:
        """Audit a production refused for integrity without writing the case: its row is
        suspect, and writing it again would record it as legitimate."""
        event = move(case, CaseAction.REFUSE, now, actor, why).events[-1]
        note = getattr(self._store, "note", None)
        if callable(note):
            note(case.id, (event,))

    def _record_production(
        self,
        claimed: Case,
        production: ProductionRecord,
        now: dt.datetime,
        actor: str,
        override: str | None,
    ) -> Case:
        """Store the production under the claimed version, or say why it was aborted."""
        produced = produced_case(claimed, production, now, actor, override)
        try:
            return self._commit(claimed, produced)
        except ConflictError:
            current = self._store.get(claimed.id)
            raise ConflictError(
                f"production aborted, nothing was released: case {claimed.id!r} changed while"
                f" it was produced (now version {current.version}, {current.state.value};"
                f" claimed at version {claimed.version})"
            ) from None

    def _release(self, stored: Case, sink: GuardedSink, now: dt.datetime, actor: str) -> None:
        """Publish a recorded production; a sink that fails is audited and re-raised."""
        try:
            sink.release()
        except Exception as error:
            why = f"the production was recorded but its files could not be published: {error}"
            with contextlib.suppress(Exception):
                self._commit(stored, self._event(stored, CaseAction.REFUSE, actor, why, {}))
            raise

    def _event(self, case: Case, action: CaseAction, who: str, why: str, detail: Detail) -> Case:
        """*case* with an event of *action* (one that leaves it in its state)."""
        return move(case, action, self._now(case), who, why, detail)

    def _commit(self, before: Case, after: Case) -> Case:
        new_events = after.events[len(before.events) :]
        stored = attrs.evolve(after, version=before.version + 1)
        self._store.update(stored, new_events)
        return stored
