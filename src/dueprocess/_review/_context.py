"""What every section of the review engine reads: the request in context, and findings.

Shared by ``_reviewer`` (US process, outcome, notice) and ``_foreign`` (European
orders, CLOUD Act agreements), so neither imports the other's sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from .._base._enums import Category, Effect, ProcessKind
from .._intake._request import LegalRequest
from ._policy import Policy
from ._review import Finding
from ._rules import tables as T
from ._rules.jurisdictions import StateRule

__all__ = ["Context", "days", "finding", "listing", "words"]


@attrs.frozen
class Context:
    """One request under one policy, with what the rules ask of it over and over.

    Build it with :meth:`of`; the derived fields are computed once per review.
    """

    request: LegalRequest
    policy: Policy
    kind: ProcessKind
    country: str
    received: dt.date
    categories: tuple[Category, ...]
    #: The issuing authority sits in a US country (US or a US territory).
    us: bool
    #: An ``emergency`` of danger to life or limb, imminent.
    qualifying_emergency: bool
    #: The state's own rule for this jurisdiction exactly, if it has one.
    state: StateRule | None
    #: A search warrant or 2703(d) order a court issued (docs/rules.md, rule 15).
    court_issued: bool

    @classmethod
    def of(cls, request: LegalRequest, policy: Policy) -> Context:
        kind = request.process.kind
        categories = request.categories
        if kind.is_preservation and not categories:
            categories = tuple(Category)
        emergency = request.emergency
        judicial = T.JUDICIAL_KINDS.get(kind)
        country = request.country
        return cls(
            request=request,
            policy=policy,
            kind=kind,
            country=country,
            received=request.received_date,
            categories=categories,
            us=T.is_us_country(country),
            qualifying_emergency=emergency is not None and emergency.qualifies,
            state=T.STATE_RULES.get(request.jurisdiction),
            court_issued=judicial is not None and request.process.issuer.role in judicial.roles,
        )


def finding(
    code: str,
    message: str,
    *,
    category: Category | None = None,
    required: str | None = None,
    citation: str | None = None,
    effect: Effect | None = None,
) -> Finding:
    """A finding of *code*, with the effect and source of its row unless given."""
    rule = T.FINDINGS[code]
    return Finding(
        code=code,
        effect=effect or rule.effect,
        message=message,
        citation=citation or rule.citation,
        category=category,
        required=required,
    )


def listing(values: Iterable[str], conjunction: str = "and") -> str:
    """``a, b and c``."""
    items = list(values)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def words(value: str) -> str:
    """An enum value as words: ``civil_immigration`` -> ``civil immigration``."""
    return value.replace("_", " ")
