"""The platform's policy: every number and list the review rules read (docs/rules.md, Policy).

``DEFAULT_POLICY`` holds the defaults. A platform with stricter standards derives
its own with ``attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=90)``.

A review names its policy honestly: the name ``default`` is reserved for
``DEFAULT_POLICY`` (any other policy under that name is refused), and every review carries
:attr:`Policy.sha256`, the SHA-256 of the policy's canonical form, beside the name.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._base._canonical import canonical_bytes
from .._base._enums import Area, Category
from .._intake._limits import MAX_TARGETS
from ..exceptions import InvalidPolicy
from ._fees import FeeSchedule, load_fees
from ._rules import tables

__all__ = [
    "DEFAULT_POLICY",
    "POLICY_RANGES",
    "SECOND_APPROVER_ACTIONS",
    "AuthorityScope",
    "Policy",
    "load_policy",
    "policy_to_dict",
]


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise InvalidPolicy("expected a list of strings, got a single string")
    return tuple(str(value).strip().lower() for value in values)


def _categories(values: Iterable[Category | str]) -> frozenset[Category]:
    try:
        return frozenset(Category(value) for value in values)
    except ValueError as error:
        raise InvalidPolicy(f"emergency_categories: {error}") from None


@attrs.frozen
class AuthorityScope:
    """A statute and the investigation areas it may be used for."""

    statute: str
    areas: frozenset[Area]


def _scopes(values: Iterable[AuthorityScope]) -> tuple[AuthorityScope, ...]:
    scopes = tuple(values)
    for scope in scopes:
        if not isinstance(scope, AuthorityScope):
            raise InvalidPolicy(f"authority_scopes must hold AuthorityScope rows, got {scope!r}")
    return scopes


#: What a policy's ``second_approver`` may name: the actions that then need the approval
#: of a second, different person before they happen (see ``Cases.approve``).
SECOND_APPROVER_ACTIONS: Mapping[str, str] = {
    "objection_window_override": "producing before disclose_after or before the notice was given",
    "emergency_release": "producing for an emergency request",
    "content_production": "producing a production that releases content",
}


def _approvals(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):
        raise InvalidPolicy("second_approver: expected a list of strings, got a single string")
    chosen = frozenset(values)
    unknown = sorted(str(value) for value in chosen - SECOND_APPROVER_ACTIONS.keys())
    if unknown:
        known = ", ".join(SECOND_APPROVER_ACTIONS)
        raise InvalidPolicy(
            f"second_approver: unknown action {', '.join(unknown)} (known: {known})"
        )
    return chosen


#: The range, both ends included, of every numeric policy field. Checked by ``Policy``
#: and :func:`load_policy`; a value outside it is a :class:`InvalidPolicy` naming the field.
#: Why these bounds: a period of at least one day and at most a century (request dates
#: lie in 1900-2999, so no date computed from them leaves the calendar); at least one
#: target and at most the intake's own limit; a statement of facts holds at most 100,000
#: characters, so no more than 10,000 words can be asked of it; warrant service and the
#: user's window to object are counted in days from a received date, up to a year and
#: ten years.
POLICY_RANGES: Mapping[str, tuple[int, int]] = {
    "max_period_days": (1, 36_525),
    "max_targets": (1, MAX_TARGETS),
    "min_fact_words": (0, 10_000),
    "warrant_service_days": (0, 366),
    "notice_hold_days": (0, 3_650),
}


def _range_problem(name: str, value: object) -> str | None:
    """What is wrong with *value* for the numeric field *name*, or ``None``."""
    low, high = POLICY_RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        return f"expected a whole number from {low:,} to {high:,}, got {shown}"
    return None


def _in_range(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    problem = _range_problem(attribute.name, value)
    if problem is not None:
        raise InvalidPolicy(f"{attribute.name}: {problem}")


@attrs.frozen(repr=False)
class Policy:
    """Every threshold and list of the review rules; every field is listed in docs/rules.md.

    >>> import attrs
    >>> strict = attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=90)
    >>> strict.max_period_days, DEFAULT_POLICY.max_period_days
    (90, 365)
    """

    name: str = "default"
    max_period_days: int = attrs.field(default=365, validator=_in_range)
    max_targets: int = attrs.field(default=25, validator=_in_range)
    min_fact_words: int = attrs.field(default=15, validator=_in_range)
    warrant_service_days: int = attrs.field(default=14, validator=_in_range)
    notice_hold_days: int = attrs.field(default=10, validator=_in_range)
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
            AuthorityScope(row.statute, frozenset(row.areas)) for row in tables.AUTHORITY_SCOPES
        ),
        converter=_scopes,
    )
    #: Actions that need a second, different person's approval (SECOND_APPROVER_ACTIONS).
    second_approver: frozenset[str] = attrs.field(default=frozenset(), converter=_approvals)
    #: Cost reimbursement (18 U.S.C. 2706) billed by ``Cases.invoice``; ``None``: none.
    fees: FeeSchedule | None = None

    def __attrs_post_init__(self) -> None:
        if self.name.strip().lower() == RESERVED_NAME and _differs_from_defaults(self):
            raise InvalidPolicy(
                f"the policy name {self.name!r} is reserved for DEFAULT_POLICY, and this policy "
                "differs from it; give it its own name (for example "
                'attrs.evolve(DEFAULT_POLICY, name=\'strict\', ...) or "name": "strict")'
            )

    # functools.cached_property on a slotted attrs class needs attrs 23.2 (pyproject.toml).
    @functools.cached_property
    def sha256(self) -> str:
        """SHA-256 (hex) of the policy's canonical form: the canonical bytes of
        :func:`policy_to_dict`. Two policies with the same rules have the same hash.

        >>> len(DEFAULT_POLICY.sha256)
        64
        """
        return hashlib.sha256(canonical_bytes(policy_to_dict(self))).hexdigest()

    def __repr__(self) -> str:
        return (
            f"Policy(name={self.name!r}, max_period_days={self.max_period_days}, "
            f"max_targets={self.max_targets}, min_fact_words={self.min_fact_words}, ...)"
        )


RESERVED_NAME = "default"


def _differs_from_defaults(policy: Policy) -> bool:
    for field in attrs.fields(Policy):
        if field.name == "name":
            continue
        default = field.default
        if field.converter is not None:
            default = field.converter(default)  # type: ignore[operator]
        if getattr(policy, field.name) != default:
            return True
    return False


DEFAULT_POLICY = Policy()


_POLICY_KEYS = (
    "name",
    "max_period_days",
    "max_targets",
    "min_fact_words",
    "warrant_service_days",
    "notice_hold_days",
    "emergency_categories",
    "government_domains",
    "free_mail_domains",
    "blocked_senders",
    "authority_scopes",
    "second_approver",
    "fees",
)


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """A policy as a JSON object (the form :func:`load_policy` reads).

    >>> policy_to_dict(DEFAULT_POLICY)["max_period_days"]
    365
    """
    return {
        "name": policy.name,
        "max_period_days": policy.max_period_days,
        "max_targets": policy.max_targets,
        "min_fact_words": policy.min_fact_words,
        "warrant_service_days": policy.warrant_service_days,
        "notice_hold_days": policy.notice_hold_days,
        "emergency_categories": [c.value for c in Category if c in policy.emergency_categories],
        "government_domains": list(policy.government_domains),
        "free_mail_domains": list(policy.free_mail_domains),
        "blocked_senders": list(policy.blocked_senders),
        "authority_scopes": {
            scope.statute: sorted(area.value for area in scope.areas)
            for scope in policy.authority_scopes
        },
        "second_approver": sorted(policy.second_approver),
        "fees": policy.fees.to_dict() if policy.fees is not None else None,
    }


def load_policy(document: Mapping[str, Any], base: Policy = DEFAULT_POLICY) -> Policy:
    """Build a policy from a JSON object; keys left out keep *base*'s values.

    ``authority_scopes`` is an object of statute → list of areas. Every problem is
    reported at once in one :class:`~dueprocess.exceptions.InvalidPolicy`.

    >>> load_policy({"name": "strict", "max_period_days": 90}).max_period_days
    90
    """
    if not isinstance(document, Mapping):
        raise InvalidPolicy("a policy must be a JSON object")
    problems: list[str] = []
    changes: dict[str, Any] = {}
    for key, value in document.items():
        if key not in _POLICY_KEYS:
            problems.append(f"$.{key}: unknown policy key")
            continue
        if key == "name":
            if not isinstance(value, str) or not value.strip():
                problems.append("$.name: expected a non-empty string")
            else:
                changes[key] = value
        elif key == "authority_scopes":
            scopes = _load_scopes(value, problems)
            if scopes is not None:
                changes[key] = scopes
        elif key == "fees":
            if value is not None:
                try:
                    changes[key] = load_fees(value)
                except InvalidPolicy as error:
                    problems.append(
                        str(error).replace("invalid fees:\n  ", "").replace("\n  ", "; ")
                    )
            else:
                changes[key] = None
        elif key == "second_approver":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"$.{key}: expected an array of strings")
            elif unknown := sorted(set(value) - SECOND_APPROVER_ACTIONS.keys()):
                known = ", ".join(SECOND_APPROVER_ACTIONS)
                problems.append(f"$.{key}: unknown action {', '.join(unknown)} (known: {known})")
            else:
                changes[key] = frozenset(value)
        elif key in ("emergency_categories", "government_domains", "free_mail_domains",
                     "blocked_senders"):  # fmt: skip
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"$.{key}: expected an array of strings")
            else:
                changes[key] = value
        elif (problem := _range_problem(key, value)) is not None:
            problems.append(f"$.{key}: {problem}")
        else:
            changes[key] = value
    if problems:
        raise InvalidPolicy("invalid policy:\n  " + "\n  ".join(problems))
    return attrs.evolve(base, **changes)


def _load_scopes(value: object, problems: list[str]) -> tuple[AuthorityScope, ...] | None:
    if not isinstance(value, Mapping):
        problems.append("$.authority_scopes: expected an object of statute -> array of areas")
        return None
    scopes = []
    for statute, areas in value.items():
        try:
            if not isinstance(areas, list) or not str(statute).strip():
                raise ValueError
            scopes.append(AuthorityScope(str(statute), frozenset(Area(a) for a in areas)))
        except (ValueError, TypeError):
            known = ", ".join(area.value for area in Area)
            problems.append(
                f"$.authority_scopes[{statute!r}]: expected an array of areas ({known})"
            )
    return tuple(scopes)
