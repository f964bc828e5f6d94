"""The preservation hold registry's rules (docs/rules.md, "Preservation").

A renewal names the hold it extends; the registry, not the requester, knows how often
that chain was already renewed and when it expires. :func:`complete_renewal` fills
``prior_extensions`` and ``prior_expires_on`` from the latest hold of the chain, so the
extension limit (one renewal of a 2703(f) letter, one of an EU preservation order)
applies whatever the requester states. A chain the registry does not know (a hold placed
before the platform kept cases) is taken as the requester states it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from .._request import LegalRequest
from .._review import Review
from ._case import Case, Hold

__all__ = ["complete_renewal", "next_hold"]


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
    # The case's first hold carries the request's id; renewals recorded on the same
    # case are numbered after it, so every hold id stays unique in the registry.
    hold_id = request.id if not case.holds else f"{request.id}/{len(case.holds)}"
    if request.preservation is None:
        root, extends, extensions = hold_id, None, 0
    elif chain:
        latest = chain[-1]
        root, extends, extensions = latest.root, latest.id, latest.extensions + 1
    else:
        named = request.preservation.extends
        root, extends, extensions = named, named, request.preservation.prior_extensions + 1
    return Hold(
        id=hold_id,
        case_id=case.id,
        request_id=request.id,
        root=root,
        extends=extends,
        extensions=extensions,
        placed_at=placed_at,
        expires_on=until,
        targets=request.targets,
    )
