"""Telling the account holder: when the review's notice falls due (docs/rules.md,
"Telling the user").

The review decides *whether* and under which rule the user is told; this module turns
that into a notice with a due time. ``before_disclosure`` is due from ``not_before`` (the
received date) and opens the objection window that ends on ``disclose_after``;
``after_nondisclosure`` is due when the gag order ends (never, for an order without an
end date, until its end is recorded with ``lift_gag``); ``after_emergency`` is due once
the emergency disclosure has been made (the first production). ``withheld``,
``by_issuing_authority`` and ``none`` schedule nothing, except that a ``withheld`` notice
under a gag (an NSL certification withdrawn) becomes due when the gag is lifted.

Each account holder gets a notice of their own (:func:`account_notices`), naming only
their account's identifiers and what was asked about them, never the other targets.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from .._base._dates import format_date, format_timestamp
from .._base._enums import Category, NoticeTiming, ProcessKind, TargetKind
from .._intake._request import Target
from ._deadlines import start_of_day

if TYPE_CHECKING:
    from ..typing import RecordSource
    from ._case import Case

__all__ = [
    "UserNotice",
    "account_notices",
    "not_due_until",
    "scheduled_notice",
    "under_gag",
]

# Targets that name no account: nobody to tell.
_UNRESOLVABLE = frozenset({TargetKind.NAME, TargetKind.QUERY})


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
    #: The account this notice is for (``None``: the target was not resolved).
    account: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "account": self.account,
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
    if case.gag_lifted_on is not None:
        lifted = start_of_day(case.gag_lifted_on)
        return lifted if notice.not_before is None else min(lifted, start_of_day(notice.not_before))
    if notice.not_before is not None:
        return start_of_day(notice.not_before)
    if notice.timing is NoticeTiming.AFTER_NONDISCLOSURE:
        # A gag order without an end date binds until a court lifts it (docs/rules.md, rules
        # v2, item 10): no known time, so the notice waits.
        return None
    # before_disclosure always carries not_before; a review without it is told as soon as
    # possible rather than never.
    return start_of_day(case.request.received_date)


def _scheduled(case: Case) -> bool:
    notice = case.review.notice
    if notice.notify_user:
        return True
    # A withheld notice under a gag (an NSL's certification) is owed once it is lifted.
    return case.gag_lifted_on is not None and notice.timing is NoticeTiming.WITHHELD


def scheduled_notice(case: Case) -> UserNotice | None:
    """The notice *case*'s review schedules, or ``None`` where the user is not told."""
    review = case.review
    if not _scheduled(case):
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


def account_notices(notice: UserNotice, source: RecordSource | None) -> tuple[UserNotice, ...]:
    """One notice per account holder, each naming only that account's identifiers.

    With *source*, every target is resolved and the targets of one account are grouped
    in its notice (an identifier that resolves to no account tells nobody); without
    one, each target that can name an account gets a notice of its own. ``name`` and
    ``query`` targets name no account and are never shown to anyone.
    """
    targets = [target for target in notice.targets if target.kind not in _UNRESOLVABLE]
    if source is None:
        return tuple(attrs.evolve(notice, targets=(target,)) for target in targets)
    accounts: dict[str, list[Target]] = {}
    for target in targets:
        for account in source.resolve(target):
            named = accounts.setdefault(str(account), [])
            if target not in named:
                named.append(target)
    return tuple(
        attrs.evolve(notice, targets=tuple(named), account=account)
        for account, named in accounts.items()
    )


def not_due_until(timing: NoticeTiming, due_at: dt.datetime | None) -> str:
    if due_at is not None:
        return f"until {format_timestamp(due_at)}"
    if timing is NoticeTiming.AFTER_EMERGENCY:
        return "until the emergency disclosure is made"
    return "until a court lifts the nondisclosure order (record its end with lift-gag)"


def under_gag(case: Case) -> bool:
    """True if *case*'s notice waits for a gag to end: a nondisclosure order, or an NSL
    whose certification withholds it."""
    timing = case.review.notice.timing
    return timing is NoticeTiming.AFTER_NONDISCLOSURE or (
        timing is NoticeTiming.WITHHELD and case.request.nondisclosure is not None
    )
