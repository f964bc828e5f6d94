"""What a production checks before it releases anything (issue: "Nothing leaves that a
fresh review would keep back").

A case row can be edited by anyone with write access to the case database. So before a
production, the stored case is checked against the audit chain (the request and review
digests the chain recorded when the case was decided), and the stored request is reviewed
again under the recorded policy. Only what that fresh review allows is released; any
disagreement raises :class:`~dueprocess.exceptions.IntegrityError`.

:func:`check_against_chain` is the chain half; a store that binds whole case documents to
the chain (a stronger check) can be used through the same function.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from .._intake._request import LegalRequest
from .._review._policy import Policy
from .._review._review import Review
from ..exceptions import IntegrityError
from ._case import Case, ProductionRecord, Scalar
from ._lifecycle import CaseAction, CaseState
from ._steps import GuardedSink, close_window, move, review_digest

if TYPE_CHECKING:
    from ..typing import Producer, RecordSource

__all__ = [
    "default_producer",
    "fresh_review",
    "produced_case",
    "run_producer",
]


def default_producer() -> Producer:
    from .._production._produce import produce

    return produce


def fresh_review(
    case: Case, reviewer: Callable[[LegalRequest, Policy], Review], policy: Policy
) -> Review:
    """Review the stored request again under *policy*; :class:`IntegrityError` naming
    what differs unless the fresh review is the stored one."""
    fresh = reviewer(case.request, policy)
    stored = case.review
    if fresh.canonical_bytes() == stored.canonical_bytes():
        return fresh
    differences = []
    if fresh.outcome is not stored.outcome:
        differences.append(f"outcome {stored.outcome.value} where it is {fresh.outcome.value}")
    if fresh.scope.categories != stored.scope.categories:
        differences.append("the released categories")
    if fresh.scope.targets != stored.scope.targets:
        differences.append("the targets")
    if fresh.scope.period != stored.scope.period:
        differences.append("the period")
    what = ", ".join(differences) or "its content"
    raise IntegrityError(
        f"case {case.id!r}: the stored review differs from a fresh review of the stored"
        f" request under policy {policy.name!r} ({what}); nothing is released"
    )


def run_producer(
    producer: Producer,
    case: Case,
    review: Review,
    source: RecordSource,
    sink: GuardedSink,
    now: dt.datetime,
    *,
    override: str | None,
) -> ProductionRecord:
    """Run *producer* on *review*, counting what each account's records were.

    A producer that takes an ``override`` keyword is told the override a production
    before the notice or ``disclose_after`` rests on, so its letter and manifest can say
    truthfully what happened instead of promising a date that was overridden.
    """
    if override is not None and _takes_override(producer):
        manifest = producer(review, source, sink, produced_at=now, override=override)  # type: ignore[call-arg]
    else:
        manifest = producer(review, source, sink, produced_at=now)
    by_account = {account: sink.by_account.get(account, {}) for account in manifest.accounts}
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
        review_sha256=review_digest(review),
        by_account=by_account,
        override=override,
    )


def produced_case(
    claimed: Case, production: ProductionRecord, now: dt.datetime, actor: str, override: str | None
) -> Case:
    """*claimed* moved to ``produced`` with *production* (through ``ready`` first, closing
    the objection window, if it waits in ``notice_pending``)."""
    moved = claimed
    if claimed.state is CaseState.NOTICE_PENDING:
        moved, _ = close_window(claimed, now, actor, override=override)
    detail: dict[str, Scalar] = {
        "records": production.records,
        "merkle_root": production.merkle_root,
        "notice_delivered": moved.notice_delivered_at is not None,
    }
    if production.override is not None:
        detail["override"] = production.override
    records = f"{production.records} record{'' if production.records == 1 else 's'}"
    produced = move(moved, CaseAction.PRODUCE, now, actor, f"produced {records}", detail)
    return attrs.evolve(produced, productions=(*claimed.productions, production))


def _takes_override(producer: Producer) -> bool:
    try:
        parameters = inspect.signature(producer).parameters
    except (TypeError, ValueError):  # a callable without a signature
        return False
    return "override" in parameters
