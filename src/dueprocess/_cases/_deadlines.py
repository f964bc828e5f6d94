"""Deadlines: what falls due on a case, and when (docs/concepts.md, "Case").

A scheduler outside the library asks :meth:`~dueprocess.cases.Cases.due` what falls due before
an instant and acts on it; the library itself never waits or reads a clock. A deadline
given as a date in the review falls due at 00:00:00Z on that day: ``disclose_after`` is
the first day production may happen, ``not_before`` the first day the notice may go,
``preserve_until`` the hold's last day (renew or release it that day).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from .._base._dates import format_timestamp
from .._base._enums import _Str
from ._lifecycle import CaseState

if TYPE_CHECKING:
    from ._case import Case

__all__ = ["EU_VALIDATION_HOURS", "Deadline", "DeadlineKind", "case_deadlines", "start_of_day"]

#: Regulation (EU) 2023/1543 Art. 4(5): an emergency order issued without prior
#: validation must be validated within 48 hours.
EU_VALIDATION_HOURS = 48
_EU_VALIDATION_CODE = "eu.validation_pending"


class DeadlineKind(_Str):
    """Which deadline of a case falls due."""

    RESPOND_BY = "respond_by"
    DISCLOSE_AFTER = "disclose_after"
    PRESERVE_UNTIL = "preserve_until"
    NOTICE_NOT_BEFORE = "notice_not_before"
    EU_VALIDATION = "eu_validation"


@attrs.frozen(order=True)
class Deadline:
    """One deadline of one case: it falls due at ``at`` (timezone-aware).

    Deadlines sort by time, then case, then kind.
    """

    at: dt.datetime
    case_id: str
    kind: DeadlineKind
    request_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "request_id": self.request_id,
            "kind": self.kind.value,
            "at": format_timestamp(self.at),
        }


def start_of_day(day: dt.date) -> dt.datetime:
    """00:00:00Z on *day*: when a date-valued deadline falls due.

    >>> start_of_day(dt.date(2017, 3, 12)).isoformat()
    '2017-03-12T00:00:00+00:00'
    """
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.timezone.utc)


def case_deadlines(case: Case) -> tuple[Deadline, ...]:
    """Every deadline still open on *case*, earliest first.

    * ``respond_by`` until the case is produced or closed (a refusal is due by it too);
    * ``eu_validation`` (``received_at`` + 48 h) while the review still carries
      ``eu.validation_pending`` and the case is open;
    * ``disclose_after`` while the case waits in ``notice_pending``;
    * ``notice_not_before`` until the scheduled notice is delivered, even after close;
    * ``preserve_until`` of the case's latest hold while the case is open.
    """
    review = case.review
    found: list[tuple[DeadlineKind, dt.datetime]] = []
    is_open = case.state is not CaseState.CLOSED
    if review.respond_by is not None and case.state not in (CaseState.PRODUCED, CaseState.CLOSED):
        found.append((DeadlineKind.RESPOND_BY, review.respond_by))
    if is_open and _EU_VALIDATION_CODE in review.codes:
        found.append(
            (
                DeadlineKind.EU_VALIDATION,
                case.request.received_at + dt.timedelta(hours=EU_VALIDATION_HOURS),
            )
        )
    if case.state is CaseState.NOTICE_PENDING and review.notice.disclose_after is not None:
        found.append((DeadlineKind.DISCLOSE_AFTER, start_of_day(review.notice.disclose_after)))
    notice = case.notice
    if notice is not None and case.notice_delivered_at is None and notice.due_at is not None:
        found.append((DeadlineKind.NOTICE_NOT_BEFORE, notice.due_at))
    if is_open and case.holds:
        found.append((DeadlineKind.PRESERVE_UNTIL, start_of_day(case.holds[-1].expires_on)))
    return tuple(sorted(Deadline(at, case.id, kind, case.request_id) for kind, at in found))
