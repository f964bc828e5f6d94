"""The request format's own tables for intake: keys in the format's order, closed sets,
value shapes, and the order problems are listed in (docs/formats.md).

Rules of the road: everything here is data or a pure check of one value; the walk that
uses them lives in ``_reader``, the limits in ``_limits``.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final, Generic, TypeVar

from .._base._enums import (
    Area,
    Callback,
    Category,
    Channel,
    Danger,
    Nature,
    NondisclosureKind,
    ProcessKind,
    Role,
    TargetKind,
)
from ..exceptions import Problem

__all__ = [
    "ABSENT",
    "AN_EMAIL",
    "AREAS",
    "A_COUNTRY",
    "A_DATE",
    "A_JURISDICTION",
    "A_PHONE",
    "A_TIMESTAMP",
    "BAD_IN_LINE",
    "BAD_IN_TEXT",
    "CALLBACKS",
    "CATEGORIES",
    "CHANNELS",
    "COUNTRY",
    "DANGERS",
    "EMERGENCY_KEYS",
    "FIELD_ORDER",
    "INVESTIGATION_KEYS",
    "ISSUER_KEYS",
    "JURISDICTION",
    "KINDS_ALLOWING",
    "NATURES",
    "NONDISCLOSURE_KEYS",
    "NONDISCLOSURE_KINDS",
    "PERIOD_KEYS",
    "PHONE",
    "PRESERVATION_KEYS",
    "PROCESS_KEYS",
    "PROCESS_KINDS",
    "REQUESTER_KEYS",
    "REQUEST_KEYS",
    "ROLES",
    "SUPERVISOR_KEYS",
    "TARGET_CHECKS",
    "TARGET_KEYS",
    "TARGET_KINDS",
    "Choices",
    "is_email",
    "problem_order",
]

# --- The format's tables -----------------------------------------------------------


def _keys(names: str) -> frozenset[str]:
    return frozenset(names.split())


# The keys each object may hold, as the request format's tables list them.
REQUEST_KEYS: Final = _keys(
    "format id received_at channel jurisdiction process requester investigation targets"
    " categories period emergency nondisclosure preservation"
)
PROCESS_KEYS: Final = _keys(
    "kind issued_on issuer validated_by authority signed reference return_date"
)
ISSUER_KEYS: Final = _keys("name role")
REQUESTER_KEYS: Final = _keys("agency name email phone supervisor callback")
SUPERVISOR_KEYS: Final = _keys("name phone")
INVESTIGATION_KEYS: Final = _keys(
    "nature area offense max_sentence_years committed_online facts offence_location"
    " person_residence us_person"
)
TARGET_KEYS: Final = _keys("kind value")
PERIOD_KEYS: Final = _keys("start end")
EMERGENCY_KEYS: Final = _keys("danger imminent description")
NONDISCLOSURE_KEYS: Final = _keys("kind statute until review_notice")
PRESERVATION_KEYS: Final = _keys("extends prior_extensions prior_expires_on")

# Problems are listed in the format's own field order (the request format's tables), as the
# public cases list them: one order that agrees with each object's table, unknown keys
# after the known ones, array entries by index.
_FIELDS_IN_ORDER: Final = (
    "format id received_at channel jurisdiction process requester investigation targets"
    " categories period emergency nondisclosure preservation"
    " kind issued_on issuer validated_by authority signed reference return_date"
    " agency name role email phone supervisor callback"
    " nature area offense max_sentence_years committed_online facts offence_location"
    " person_residence us_person value start end danger imminent description statute until"
    " review_notice"
    " extends prior_extensions prior_expires_on"
)
FIELD_ORDER: Final = {name: rank for rank, name in enumerate(_FIELDS_IN_ORDER.split())}
_PATH_STEP: Final = re.compile(r'\.(\w+)|\[(\d+)\]|\["(?:[^"\\]|\\.)*"\]', re.ASCII)
_UNKNOWN: Final = len(FIELD_ORDER)


def problem_order(problem: Problem) -> tuple[int, ...]:
    """Sort key: each step of the path as its field rank or array index."""
    key: list[int] = []
    for name, index in _PATH_STEP.findall(problem.path):
        key.append(int(index) if index else FIELD_ORDER.get(name, _UNKNOWN))
    return tuple(key)


# docs/formats.md, "Rules across fields": the process kinds that may carry each optional block.
KINDS_ALLOWING: Final = {
    "emergency": (
        ProcessKind.EMERGENCY_REQUEST,
        ProcessKind.EU_PRODUCTION_ORDER,
        ProcessKind.EU_PRESERVATION_ORDER,
    ),
    "preservation": (ProcessKind.PRESERVATION_REQUEST, ProcessKind.EU_PRESERVATION_ORDER),
}

_E = TypeVar("_E", bound=Enum)


class Choices(Generic[_E]):
    """A closed set as the document spells it, and how a message names it."""

    __slots__ = ("expected", "members")

    def __init__(self, enum: type[_E]) -> None:
        self.members: dict[str, _E] = {member.value: member for member in enum}
        self.expected = "one of " + ", ".join(self.members)


CHANNELS: Final = Choices(Channel)
PROCESS_KINDS: Final = Choices(ProcessKind)
ROLES: Final = Choices(Role)
CALLBACKS: Final = Choices(Callback)
NATURES: Final = Choices(Nature)
AREAS: Final = Choices(Area)
TARGET_KINDS: Final = Choices(TargetKind)
CATEGORIES: Final = Choices(Category)
DANGERS: Final = Choices(Danger)
NONDISCLOSURE_KINDS: Final = Choices(NondisclosureKind)

JURISDICTION: Final = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?", re.ASCII)
COUNTRY: Final = re.compile(r"[A-Z]{2}", re.ASCII)
PHONE: Final = re.compile(r"\+?[0-9 ().\-]+", re.ASCII)
_DIGIT: Final = re.compile(r"[0-9]", re.ASCII)
_SPACE: Final = re.compile(r"\s")
# One-line strings refuse C0/C1 controls and line separators (they would forge lines in
# letters, reports and terminals); free text may hold tabs and line breaks. Both refuse
# unpaired surrogates, which cannot be written as UTF-8 (canonical bytes would fail).
BAD_IN_LINE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
BAD_IN_TEXT: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

A_JURISDICTION: Final = (
    "an ISO 3166-1 alpha-2 code, optionally with '-' and a subdivision (US, US-CA, DE)"
)
A_COUNTRY: Final = "an ISO 3166-1 alpha-2 code (two upper-case letters, such as DE)"
A_DATE: Final = "a date as YYYY-MM-DD"
A_TIMESTAMP: Final = "a timestamp as YYYY-MM-DDTHH:MM:SSZ or with an offset (+02:00)"
AN_EMAIL: Final = "an email address (one @, a non-empty local part, a domain with a dot)"
A_PHONE: Final = (
    "a phone number of 7-15 digits with an optional leading + and spaces, hyphens, dots"
    " or parentheses"
)


def is_email(value: str) -> bool:
    local, _, domain = value.partition("@")
    if not local or not domain or "@" in domain or _SPACE.search(value):
        return False
    # A dot inside the domain, with a label on each side of it.
    dot = domain.find(".", 1)
    return 0 < dot < len(domain) - 1


def _is_phone(value: str) -> bool:
    return PHONE.fullmatch(value) is not None and 7 <= len(_DIGIT.findall(value)) <= 15


# Target values are checked for their kind (docs/formats.md, "Target object").
TARGET_CHECKS: Final = {
    TargetKind.EMAIL: (is_email, AN_EMAIL),
    TargetKind.PHONE: (_is_phone, A_PHONE),
}


# --- The walk ----------------------------------------------------------------------

ABSENT: Final = object()
