"""Telling the account holder: when the review's notice falls due (docs/rules.md,
"Telling the user").

The review decides *whether* and under which rule the user is told; this module turns
that into a notice with a due time. ``before_disclosure`` is due from ``not_before`` (the
received date) and opens the objection window that ends on ``disclose_after``;
``after_nondisclosure`` is due when the gag order ends; ``after_emergency`` is due once
the emergency disclosure has been made (the first production). ``withheld``,
``by_issuing_authority`` and ``none`` schedule nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from .._dates import format_date, format_timestamp
from .._enums import Category, NoticeTiming, ProcessKind
from .._request import Target
from ._deadlines import start_of_day

if TYPE_CHECKING:
    from ._case import Case

__all__ = ["UserNotice", "scheduled_notice"]


@attrs.frozen
class UserNotice:
    """A notice to the account holder, handed to a :class:`~dueprocess.typing.Notifier`.

    ``due_at`` is ``None`` while the notice cannot be given yet at any known time (after
    an emergency, before anything was disclosed). ``categories`` are the categories the
    review releases; ``disclose_after`` is the first day data may be released (the end of
    the user's window to object), when the review sets one.
    """

    case_id: str
    request_id: str
    timing: NoticeTiming
    due_at: dt.datetime | None
    targets: tuple[Target, ...]
    agency: str
    jurisdiction: str
    process: ProcessKind
    categories: tuple[Category, ...]
    disclose_after: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "request_id": self.request_id,
            "timing": self.timing.value,
            "due_at": format_timestamp(self.due_at) if self.due_at is not None else None,
            "targets": [target.to_dict() for target in self.targets],
            "agency": self.agency,
            "jurisdiction": self.jurisdiction,
            "process": self.process.value,
            "categories": [category.value for category in self.categories],
            "disclose_after": (
                format_date(self.disclose_after) if self.disclose_after is not None else None
            ),
        }


def _due_at(case: Case) -> dt.datetime | None:
    notice = case.review.notice
    if notice.timing is NoticeTiming.AFTER_EMERGENCY:
        return case.productions[0].produced_at if case.productions else None
    if notice.not_before is not None:
        return start_of_day(notice.not_before)
    if notice.timing is NoticeTiming.AFTER_NONDISCLOSURE:
        # A gag order without an end date binds until a court lifts it (docs/rules.md, rules
        # v2, item 10): no known time, so the notice waits.
        return None
    # before_disclosure always carries not_before; a review without it is told as soon as
    # possible rather than never.
    return start_of_day(case.request.received_date)


def scheduled_notice(case: Case) -> UserNotice | None:
    """The notice *case*'s review schedules, or ``None`` where the user is not told."""
    review = case.review
    if not review.notice.notify_user:
        return None
    request = case.request
    return UserNotice(
        case_id=case.id,
        request_id=request.id,
        timing=review.notice.timing,
        due_at=_due_at(case),
        targets=request.targets,
        agency=request.requester.agency,
        jurisdiction=request.jurisdiction,
        process=request.process.kind,
        categories=tuple(item.category for item in review.scope.categories),
        disclose_after=review.notice.disclose_after,
    )
