"""What would change under another policy: review requests under both, report the differences.

The question a platform asks before it adopts a stricter policy: which of the requests
we answered (or hold now) would be answered differently? :func:`diff_policies` reviews
each request under the old and the new policy and keeps every request whose outcome,
category decisions (decision, fields, required process), effective period or user
notice changes. Findings alone are not compared: a changed finding that changes
nothing a production or a notice depends on is not a change in the answer.

Pure, like the reviewer: requests and policies in, values out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from .._base._dates import format_date
from .._base._enums import Category
from .._intake._request import LegalRequest, Period
from ._policy import Policy, policy_to_dict
from ._review import CategoryDecision, Notice, Review
from ._reviewer import review as review_request

__all__ = ["PolicyDiff", "ReviewChange", "changed_settings", "compare_reviews", "diff_policies"]


def _period(period: Period | None) -> dict[str, str] | None:
    return period.to_dict() if period is not None else None


def _decision(item: CategoryDecision | None) -> dict[str, Any] | None:
    return item.to_dict() if item is not None else None


@attrs.frozen
class ReviewChange:
    """How one request's review differs between two policies.

    ``categories`` holds only the categories whose decision differs, each as
    ``(old, new)`` (``None`` where a review does not decide the category). ``period``
    and ``notice`` are ``None`` when unchanged. ``old`` and ``new`` are the two reviews.
    """

    request_id: str
    old: Review
    new: Review
    categories: dict[Category, tuple[CategoryDecision | None, CategoryDecision | None]]
    period: tuple[Period | None, Period | None] | None
    notice: tuple[Notice, Notice] | None

    @property
    def outcome_changed(self) -> bool:
        """Whether the outcome differs."""
        return self.old.outcome is not self.new.outcome

    def describe(self) -> list[str]:
        """One line per difference, for people."""
        lines = []
        if self.outcome_changed:
            lines.append(f"outcome: {self.old.outcome.value} -> {self.new.outcome.value}")
        for category, (old, new) in self.categories.items():
            lines.append(f"{category.value}: {_decision_text(old)} -> {_decision_text(new)}")
        if self.period is not None:
            old_period, new_period = self.period
            lines.append(f"period: {_period_text(old_period)} -> {_period_text(new_period)}")
        if self.notice is not None:
            old_notice, new_notice = self.notice
            lines.append(f"notice: {_notice_text(old_notice)} -> {_notice_text(new_notice)}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """The change as JSON: each changed part as ``{"old": …, "new": …}``."""
        document: dict[str, Any] = {"request_id": self.request_id}
        if self.outcome_changed:
            document["outcome"] = {"old": self.old.outcome.value, "new": self.new.outcome.value}
        if self.categories:
            document["categories"] = {
                category.value: {"old": _decision(old), "new": _decision(new)}
                for category, (old, new) in self.categories.items()
            }
        if self.period is not None:
            document["period"] = {"old": _period(self.period[0]), "new": _period(self.period[1])}
        if self.notice is not None:
            document["notice"] = {
                "old": self.notice[0].to_dict(),
                "new": self.notice[1].to_dict(),
            }
        return document


def _decision_text(item: CategoryDecision | None) -> str:
    if item is None:
        return "not decided"
    text = item.decision.value
    if item.fields is not None:
        text += f" ({', '.join(item.fields)})"
    if item.required:
        text += f", needs {item.required}"
    return text


def _period_text(period: Period | None) -> str:
    if period is None:
        return "none"
    return f"{format_date(period.start)} to {format_date(period.end)}"


def _notice_text(notice: Notice) -> str:
    text = f"{'notify' if notice.notify_user else 'no notice'} ({notice.timing.value})"
    if notice.not_before is not None:
        text += f", not before {format_date(notice.not_before)}"
    if notice.disclose_after is not None:
        text += f", disclose after {format_date(notice.disclose_after)}"
    return text


def compare_reviews(old: Review, new: Review) -> ReviewChange | None:
    """The difference between two reviews of one request, or ``None`` if they answer alike.

    Raises:
        ValueError: the reviews are of different requests.
    """
    if old.request_id != new.request_id:
        raise ValueError(
            f"the reviews are of different requests: {old.request_id!r}, {new.request_id!r}"
        )
    old_by = {item.category: item for item in old.categories}
    new_by = {item.category: item for item in new.categories}
    categories = {
        category: (old_by.get(category), new_by.get(category))
        for category in Category
        if old_by.get(category) != new_by.get(category)
    }
    period = (old.period, new.period) if old.period != new.period else None
    notice = (old.notice, new.notice) if old.notice != new.notice else None
    if old.outcome is new.outcome and not categories and period is None and notice is None:
        return None
    return ReviewChange(old.request_id, old, new, categories, period, notice)


@attrs.frozen
class PolicyDiff:
    """Every request whose answer changes from the old policy to the new one.

    ``settings`` names each policy setting that differs (``max_period_days``…);
    ``reviewed`` is how many requests were reviewed under both.
    """

    old_policy: str
    new_policy: str
    settings: tuple[str, ...]
    reviewed: int
    changes: tuple[ReviewChange, ...]

    def to_dict(self) -> dict[str, Any]:
        """The diff as JSON, for programs (``dueprocess policy diff --json``)."""
        return {
            "old_policy": self.old_policy,
            "new_policy": self.new_policy,
            "settings": list(self.settings),
            "reviewed": self.reviewed,
            "changed": len(self.changes),
            "changes": [change.to_dict() for change in self.changes],
        }

    def __repr__(self) -> str:
        return (
            f"<PolicyDiff {self.old_policy} -> {self.new_policy}:"
            f" {len(self.changes)} of {self.reviewed} requests change>"
        )


def changed_settings(old: Policy, new: Policy) -> tuple[str, ...]:
    """The policy settings whose values differ, in the policy document's order."""
    before, after = policy_to_dict(old), policy_to_dict(new)
    return tuple(key for key in before if before[key] != after[key])


def diff_policies(old: Policy, new: Policy, requests: Iterable[LegalRequest]) -> PolicyDiff:
    """Review each request under *old* and *new*; keep the ones whose answer changes.

    Args:
        old: the policy in force.
        new: the policy considered.
        requests: the requests to try, in the order the result lists them.

    >>> import attrs
    >>> from dueprocess import DEFAULT_POLICY
    >>> diff = diff_policies(DEFAULT_POLICY, attrs.evolve(DEFAULT_POLICY, name="x"), [])
    >>> diff.settings, diff.changes
    (('name',), ())
    """
    settings = changed_settings(old, new)
    changes = []
    reviewed = 0
    for request in requests:
        reviewed += 1
        change = compare_reviews(review_request(request, old), review_request(request, new))
        if change is not None:
            changes.append(change)
    return PolicyDiff(old.name, new.name, settings, reviewed, tuple(changes))
