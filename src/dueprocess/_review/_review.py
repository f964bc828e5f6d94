"""The review's values: findings, category decisions, notice, and the review itself.

The rules that produce them live in ``_reviewer`` and the tables in ``_rules``; this
module only holds the results and their ``dueprocess.review/1`` document form.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

import attrs

from .._base._canonical import canonical_bytes
from .._base._dates import format_date, format_timestamp, parse_date, parse_timestamp
from .._base._enums import Category, Decision, Effect, NoticeTiming, Outcome
from .._intake._request import LegalRequest, Period, Target

__all__ = [
    "REVIEW_FORMAT",
    "CategoryDecision",
    "Finding",
    "Notice",
    "Review",
    "Scope",
    "ScopedCategory",
]

REVIEW_FORMAT = "dueprocess.review/1"


@attrs.frozen
class Finding:
    """One reason in a review: what was found, what it does, and the rule's source."""

    code: str
    effect: Effect
    message: str
    citation: str
    category: Category | None = None
    required: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "effect": self.effect.value,
            "category": self.category.value if self.category else None,
            "required": self.required,
            "message": self.message,
            "citation": self.citation,
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Finding:
        category = document.get("category")
        return cls(
            code=document["code"],
            effect=Effect(document["effect"]),
            message=document["message"],
            citation=document["citation"],
            category=Category(category) if category else None,
            required=document.get("required"),
        )


@attrs.frozen
class CategoryDecision:
    """What happens to one requested category."""

    category: Category
    decision: Decision
    fields: tuple[str, ...] | None = None
    required: str | None = None

    @property
    def released(self) -> bool:
        """``disclose`` or ``limited``."""
        return self.decision in (Decision.DISCLOSE, Decision.LIMITED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "fields": list(self.fields) if self.fields is not None else None,
            "required": self.required,
        }


@attrs.frozen
class Notice:
    """Whether and when the account holder is told."""

    notify_user: bool
    timing: NoticeTiming
    not_before: dt.date | None = None
    disclose_after: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "notify_user": self.notify_user,
            "timing": self.timing.value,
            "not_before": format_date(self.not_before) if self.not_before else None,
            "disclose_after": format_date(self.disclose_after) if self.disclose_after else None,
        }


@attrs.frozen
class ScopedCategory:
    """A category a production may release; ``fields`` is ``None`` for every field."""

    category: Category
    fields: tuple[str, ...] | None


@attrs.frozen
class Scope:
    """Exactly what a production may contain: whose data, which categories and fields, when.

    ``period`` is ``None`` only when no period applies (a request for subscriber data alone);
    subscriber records are current state and are released whatever their time.
    """

    targets: tuple[Target, ...]
    categories: tuple[ScopedCategory, ...]
    period: Period | None

    def allows(self, category: Category) -> bool:
        return any(item.category is category for item in self.categories)


@attrs.frozen
class Review:
    """The outcome of reviewing one request, finding by finding.

    ``categories`` keeps the requested order; use :meth:`decision` to look one up.
    """

    request: LegalRequest
    policy: str
    outcome: Outcome
    findings: tuple[Finding, ...]
    categories: tuple[CategoryDecision, ...]
    period: Period | None
    notice: Notice
    preserve_until: dt.date | None = None
    respond_by: dt.datetime | None = None
    notify_authorities: tuple[str, ...] = ()
    #: SHA-256 (hex) of the policy's canonical form (:attr:`Policy.sha256`); ``None`` only
    #: for a review document stored before reviews carried it.
    policy_sha256: str | None = None

    @property
    def request_id(self) -> str:
        return self.request.id

    @property
    def targets(self) -> tuple[Target, ...]:
        return self.request.targets

    @property
    def codes(self) -> tuple[str, ...]:
        """The finding codes, in order."""
        return tuple(finding.code for finding in self.findings)

    @property
    def releases_data(self) -> bool:
        """Whether the outcome (``comply`` or ``partial``) lets anything be produced."""
        return self.outcome.releases_data

    def decision(self, category: Category | str) -> CategoryDecision:
        """The decision for one requested category; ``KeyError`` if it was not requested."""
        wanted = Category(category)
        for item in self.categories:
            if item.category is wanted:
                return item
        raise KeyError(f"category {wanted.value!r} was not requested")

    @property
    def scope(self) -> Scope:
        """What a production may release; empty unless the outcome releases data."""
        if not self.releases_data:
            return Scope(targets=self.targets, categories=(), period=self.period)
        released = tuple(
            ScopedCategory(item.category, item.fields)
            for item in sorted(
                self.categories, key=lambda item: list(Category).index(item.category)
            )
            if item.released
        )
        return Scope(targets=self.targets, categories=released, period=self.period)

    def to_dict(self) -> dict[str, Any]:
        """The ``dueprocess.review/1`` document.

        ``policy_sha256`` (an addition to the format) follows ``policy`` when known; a review
        stored without it reads back and serialises exactly as it was stored.
        """
        document: dict[str, Any] = {
            "format": REVIEW_FORMAT,
            "request_id": self.request.id,
            "policy": self.policy,
        }
        if self.policy_sha256 is not None:
            document["policy_sha256"] = self.policy_sha256
        return document | {
            "outcome": self.outcome.value,
            "findings": [finding.to_dict() for finding in self.findings],
            "categories": {item.category.value: item.to_dict() for item in self.categories},
            "targets": [target.to_dict() for target in self.targets],
            "period": self.period.to_dict() if self.period else None,
            "preserve_until": format_date(self.preserve_until) if self.preserve_until else None,
            "respond_by": format_timestamp(self.respond_by) if self.respond_by else None,
            "notify_authorities": list(self.notify_authorities),
            "notice": self.notice.to_dict(),
        }

    def canonical_bytes(self) -> bytes:
        """The review document's canonical bytes (hashed into a manifest)."""
        return canonical_bytes(self.to_dict())

    @classmethod
    def from_dict(cls, document: Mapping[str, Any], request: LegalRequest) -> Review:
        """Rebuild a stored review document against the request it reviewed."""
        if document.get("request_id") != request.id:
            raise ValueError("the review document is for another request")
        period = document.get("period")
        notice = document["notice"]
        return cls(
            request=request,
            policy=document["policy"],
            outcome=Outcome(document["outcome"]),
            findings=tuple(Finding.from_dict(item) for item in document["findings"]),
            categories=tuple(
                CategoryDecision(
                    category=Category(name),
                    decision=Decision(value["decision"]),
                    fields=tuple(value["fields"]) if value.get("fields") is not None else None,
                    required=value.get("required"),
                )
                for name, value in document["categories"].items()
            ),
            period=Period(parse_date(period["start"]), parse_date(period["end"]))
            if period
            else None,
            notice=Notice(
                notify_user=notice["notify_user"],
                timing=NoticeTiming(notice["timing"]),
                not_before=parse_date(notice["not_before"]) if notice.get("not_before") else None,
                disclose_after=(
                    parse_date(notice["disclose_after"]) if notice.get("disclose_after") else None
                ),
            ),
            preserve_until=(
                parse_date(document["preserve_until"]) if document.get("preserve_until") else None
            ),
            respond_by=(
                parse_timestamp(document["respond_by"]) if document.get("respond_by") else None
            ),
            notify_authorities=tuple(document.get("notify_authorities", ())),
            policy_sha256=document.get("policy_sha256"),
        )

    def __repr__(self) -> str:
        codes = ", ".join(self.codes) or "no findings"
        return f"<Review {self.request.id!r}: {self.outcome.value} ({codes})>"

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><td>{esc(item.category.value)}</td><td>{esc(item.decision.value)}</td>"
            f"<td>{esc(', '.join(item.fields or ()))}</td><td>{esc(item.required or '')}</td></tr>"
            for item in self.categories
        )
        findings = "".join(
            f"<tr><td><code>{esc(f.code)}</code></td><td>{esc(f.effect.value)}</td>"
            f"<td>{esc(f.message)}</td><td>{esc(f.citation)}</td></tr>"
            for f in self.findings
        )
        policy = esc(self.policy)
        if self.policy_sha256 is not None:
            policy += f" <small><code>sha256 {esc(self.policy_sha256)}</code></small>"
        return (
            f"<div><strong>Review of {esc(self.request.id)}</strong>: "
            f"<code>{esc(self.outcome.value)}</code> under the {policy} policy"
            "<table><thead><tr><th>category</th><th>decision</th><th>fields</th>"
            f"<th>required</th></tr></thead><tbody>{rows}</tbody></table>"
            "<table><thead><tr><th>finding</th><th>effect</th><th>message</th>"
            f"<th>source</th></tr></thead><tbody>{findings}</tbody></table></div>"
        )
