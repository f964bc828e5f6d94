"""The preservation hold registry's rules (docs/rules.md, "Preservation").

A renewal names the hold it extends; the registry, not the requester, knows how often
that chain was already renewed and when it expires. :func:`complete_renewal` fills
``prior_extensions`` and ``prior_expires_on`` from the latest hold of the chain, so the
extension limit (one renewal of a 2703(f) letter, one of an EU preservation order)
applies whatever the requester states.

Holds belong to their case. A renewal must name a hold the registry holds (by hold id, or
by the request id of the preservation that placed it: :func:`hold_id`), and extends only
a hold of the same case or of a request from the same agency for the same targets. Hold
ids live in their own namespace, ``hold/<n>/<case id>`` (the case's n-th hold, from 0),
which no request or case id can take from another case: the number comes first, so
``hold/1/P-7`` (P-7's first renewal) and ``hold/0/P-7/1`` (request ``P-7/1``'s hold) differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from .._base._dates import format_date
from .._intake._request import LegalRequest
from .._review._review import Review
from ..exceptions import InvalidRequest, Problem
from ._case import Case, Hold
from ._lifecycle import CaseAction, Condition
from ._steps import move, review_digest, sha256

if TYPE_CHECKING:
    from ..typing import CaseStore

__all__ = [
    "RenewalCheck",
    "complete_from_registry",
    "complete_renewal",
    "hold_id",
    "hold_owner_problem",
    "next_hold",
    "refuse_renewal",
]


def hold_id(case_id: str, number: int) -> str:
    """The id of *case_id*'s hold number *number* (0 for its first).

    >>> hold_id("P-7", 1), hold_id("P-7/1", 0)
    ('hold/1/P-7', 'hold/0/P-7/1')
    """
    return f"hold/{number}/{case_id}"


@attrs.frozen
class RenewalCheck:
    """How a request was completed from the registry: a note for the event, and the
    chain of the hold it renews (empty for a request that renews nothing)."""

    note: str
    chain: tuple[Hold, ...]


def _agency(name: str) -> str:
    return " ".join(name.split()).casefold()


def hold_owner_problem(request: LegalRequest, hold: Hold, owner: Case) -> str | None:
    """Why *request* (of another case) may not renew *hold* of case *owner*, or ``None``."""
    if _agency(owner.request.requester.agency) != _agency(request.requester.agency):
        return (
            f"hold {hold.id!r} belongs to case {owner.id!r} of another agency; a renewal"
            " extends only a hold of the same agency for the same targets"
        )
    if set(hold.targets) != set(request.targets):
        return (
            f"hold {hold.id!r} of case {owner.id!r} preserves other targets; a renewal"
            " extends only a hold of the same agency for the same targets"
        )
    return None


def complete_renewal(request: LegalRequest, chain: Sequence[Hold]) -> LegalRequest:
    """*request* with its renewal completed from *chain* (oldest hold first).

    A request that renews nothing, or whose chain is unknown, is returned unchanged.
    """
    if request.preservation is None or not chain:
        return request
    latest = chain[-1]
    preservation = attrs.evolve(
        request.preservation,
        prior_extensions=latest.extensions,
        prior_expires_on=latest.expires_on,
    )
    return attrs.evolve(request, preservation=preservation)


def next_hold(
    case: Case, review: Review, chain: Sequence[Hold], *, placed_at: dt.datetime
) -> Hold | None:
    """The hold a ``preserve`` review adds to *case*, or ``None`` if it adds none.

    No hold is added unless the outcome is ``preserve`` and the review's
    ``preserve_until`` differs from the case's latest hold (a re-review that confirms the
    standing hold, after a callback, changes nothing). *chain* is the registry's chain
    the request renews (empty for a first preservation or an unknown chain).
    """
    until = review.preserve_until
    if until is None or (case.holds and case.holds[-1].expires_on == until):
        return None
    request = review.request
    # Numbered per case, in a namespace of their own: every hold id stays unique in the
    # registry whatever the request ids are.
    new_id = hold_id(case.id, len(case.holds))
    if request.preservation is None or not chain:
        root, extends, extensions = new_id, None, 0
    else:
        latest = chain[-1]
        root, extends, extensions = latest.root, latest.id, latest.extensions + 1
    return Hold(
        id=new_id,
        case_id=case.id,
        request_id=request.id,
        root=root,
        extends=extends,
        extensions=extensions,
        placed_at=placed_at,
        expires_on=until,
        targets=request.targets,
    )


def complete_from_registry(
    store: CaseStore, request: LegalRequest, case_id: str | None, *, renewing: bool = False
) -> tuple[LegalRequest, RenewalCheck]:
    """*request* (of case *case_id*, ``None`` for a new case) completed from *store*'s
    hold registry, and how; :class:`InvalidRequest` for a renewal of a hold the
    registry does not hold or that belongs to another agency's case or other targets.

    A case reviewed again (a callback, a cure) is completed as it was when opened: the
    holds it placed itself do not count as prior extensions of its own request, unless
    *renewing* (``Cases.renew`` extends the case's own hold).
    """
    if request.preservation is None:
        return request, RenewalCheck("review started", ())
    extends = request.preservation.extends
    chain = tuple(store.hold_chain(extends))
    if not chain:
        chain = tuple(store.hold_chain(hold_id(extends, 0)))
    if not renewing and case_id is not None:
        chain = tuple(hold for hold in chain if hold.case_id != case_id)
    if not chain:
        raise InvalidRequest(
            [
                Problem(
                    "$.preservation.extends",
                    f"no preservation {extends!r} is held by this platform: a renewal must"
                    " name a hold the platform placed (its request id or hold id)",
                )
            ],
            what="preservation renewal",
        )
    latest = chain[-1]
    if latest.case_id != case_id:
        problem = hold_owner_problem(request, latest, store.get(latest.case_id))
        if problem is not None:
            raise InvalidRequest(
                [Problem("$.preservation.extends", problem)], what="preservation renewal"
            )
    completed = complete_renewal(request, chain)
    note = (
        f"review started; renewal completed from hold {latest.id!r}"
        f" ({latest.extensions} prior extensions, expires {format_date(latest.expires_on)})"
    )
    return completed, RenewalCheck(note, chain)


def refuse_renewal(
    case: Case, review: Review, now: dt.datetime, actor: str, reason: str
) -> tuple[Case, str]:
    """*case* with a ``renew`` event that records *review*'s refusal, and the message.

    The case keeps its request, review and holds: the chain's latest decision stays the
    one the standing hold rests on, and only the refusal (with the refused review's and
    request's digests) is added.
    """
    codes = ", ".join(review.codes) or "no findings"
    refused = move(
        case,
        CaseAction.RENEW,
        now,
        actor,
        f"{reason}; renewal refused ({review.outcome.value}: {codes}), the hold stands",
        {
            "outcome": review.outcome.value,
            "refused": True,
            "review_sha256": review_digest(review),
            "request_sha256": sha256(review.request.to_dict()),
            "recorded_review_sha256": review_digest(case.review),
        },
        condition=Condition.REFUSED,
    )
    until = format_date(case.holds[-1].expires_on) if case.holds else "released"
    return refused, (
        f"case {case.id!r}: the renewal was refused ({review.outcome.value}: {codes});"
        f" the case stays {case.state.value} and its hold stands until {until}"
    )
