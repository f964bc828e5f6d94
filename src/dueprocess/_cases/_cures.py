"""What a cure may change (issue: "Cures cannot change who sent a request").

A corrected request document may fix the instrument, the investigation, the targets and
the period; the new document is reviewed afresh, so new targets are never released
without a review of their own. It may not change who sent the request (the requester and
its supervisor), nor record a callback: only a ``callback`` event records one, and with
it lifts a verification finding. A cure whose review would drop a verification finding
of the current review is refused.
"""

from __future__ import annotations

from .._base._enums import Callback, Effect
from .._intake._request import LegalRequest
from .._review._review import Review
from ..exceptions import Problem

__all__ = ["cure_problems", "lifted_verification"]


def _verify_codes(review: Review) -> set[str]:
    return {finding.code for finding in review.findings if finding.effect is Effect.VERIFY}


def cure_problems(recorded: LegalRequest, cure: LegalRequest) -> list[Problem]:
    """Why *cure* may not replace *recorded*: a changed id, sender or callback."""
    problems = []
    if cure.id != recorded.id:
        problems.append(Problem("$.id", f"a cure must keep the request id {recorded.id!r}"))
    was, now = recorded.requester, cure.requester
    for field in ("agency", "name", "email", "phone", "supervisor"):
        if getattr(now, field) != getattr(was, field):
            problems.append(
                Problem(
                    f"$.requester.{field}",
                    "a cure cannot change who sent the request; send a new request instead",
                )
            )
    if now.callback not in (Callback.NOT_ATTEMPTED, was.callback):
        problems.append(
            Problem(
                "$.requester.callback",
                f"a cure cannot record a callback ({now.callback.value}); only a callback"
                " event does (case callback)",
            )
        )
    return problems


def lifted_verification(current: Review, cured: Review) -> list[Problem]:
    """A problem for each verification finding of *current* that *cured* would drop."""
    lifted = sorted(_verify_codes(current) - _verify_codes(cured))
    return [
        Problem(
            "$.requester",
            f"a cure cannot lift the verification finding {code}; verify the requester"
            " and record the result with a callback (case callback)",
        )
        for code in lifted
    ]
