"""The platform's policy: every number and list the review rules read (spec: review.md, Policy).

``DEFAULT_POLICY`` holds the spec's defaults. A platform with stricter standards derives
its own with ``attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=90)``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ._enums import Area, Category
from ._rules import tables
from .exceptions import PolicyError

__all__ = ["DEFAULT_POLICY", "AuthorityScope", "Policy"]


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise PolicyError("expected a list of strings, got a single string")
    return tuple(str(value).strip().lower() for value in values)


def _categories(values: Iterable[Category | str]) -> frozenset[Category]:
    try:
        return frozenset(Category(value) for value in values)
    except ValueError as error:
        raise PolicyError(f"emergency_categories: {error}") from None


@attrs.frozen
class AuthorityScope:
    """A statute and the investigation areas it may be used for."""

    statute: str
    areas: frozenset[Area]


def _scopes(values: Iterable[AuthorityScope]) -> tuple[AuthorityScope, ...]:
    scopes = tuple(values)
    for scope in scopes:
        if not isinstance(scope, AuthorityScope):
            raise PolicyError(f"authority_scopes must hold AuthorityScope rows, got {scope!r}")
    return scopes


def _positive(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PolicyError(f"{attribute.name} must be a whole number of at least 0, got {value!r}")


@attrs.frozen
class Policy:
    """Every threshold and list of the review rules; see the Policy table of review.md.

    >>> import attrs
    >>> strict = attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=90)
    >>> strict.max_period_days, DEFAULT_POLICY.max_period_days
    (90, 365)
    """

    name: str = "default"
    max_period_days: int = attrs.field(default=365, validator=_positive)
    max_targets: int = attrs.field(default=25, validator=_positive)
    min_fact_words: int = attrs.field(default=15, validator=_positive)
    warrant_service_days: int = attrs.field(default=14, validator=_positive)
    notice_hold_days: int = attrs.field(default=10, validator=_positive)
    emergency_categories: frozenset[Category] = attrs.field(
        default=tables.EMERGENCY_CATEGORIES, converter=_categories
    )
    government_domains: tuple[str, ...] = attrs.field(
        default=tables.GOVERNMENT_DOMAINS, converter=_strings
    )
    free_mail_domains: tuple[str, ...] = attrs.field(
        default=tables.FREE_MAIL_DOMAINS, converter=_strings
    )
    blocked_senders: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    authority_scopes: tuple[AuthorityScope, ...] = attrs.field(
        default=tuple(
            AuthorityScope(statute, frozenset(areas)) for statute, areas in tables.AUTHORITY_SCOPES
        ),
        converter=_scopes,
    )

    def __attrs_post_init__(self) -> None:
        if self.max_period_days < 1:
            raise PolicyError("max_period_days must be at least 1")


DEFAULT_POLICY = Policy()
