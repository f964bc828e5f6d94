"""The request format's own tables for intake: keys in the format's order, closed sets,
limits, value shapes, and how problems are worded and ordered (docs/formats.md).

Rules of the road: everything here is data or a pure check of one value; the walk that
uses them lives in ``_intake``. docs/limits.md explains each limit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Mapping
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
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_CATEGORIES",
    "MAX_ID_LENGTH",
    "MAX_INTEGER",
    "MAX_PROBLEMS",
    "MAX_STRING_LENGTH",
    "MAX_TARGETS",
    "MAX_TEXT_LENGTH",
    "QUOTE_LIMIT",
]

# --- Limits (docs/limits.md explains each choice) -------------------------------------

#: Problems listed before the walk stops; one more problem at ``$`` says the rest were omitted.
MAX_PROBLEMS: Final = 1_000
#: Entries of ``targets``; a demand naming more accounts is a bulk demand, not one request.
MAX_TARGETS: Final = 1_000
#: Entries of ``categories``; only five exist, so anything longer is already wrong.
MAX_CATEGORIES: Final = 1_000
#: ``id`` and ``preservation.extends``, as the request format fixes for ``id``.
MAX_ID_LENGTH: Final = 128
#: The free-text fields ``investigation.facts`` and ``emergency.description``.
MAX_TEXT_LENGTH: Final = 100_000
#: Every other string: names, addresses, citations, target values.
MAX_STRING_LENGTH: Final = 4_096
#: ``preservation.prior_extensions``: fits a signed 32-bit SQL INTEGER column.
MAX_INTEGER: Final = 2**31 - 1
#: Dates and (as UTC instants) timestamps fall within these days, both included.
EARLIEST_DATE: Final = dt.date(1900, 1, 1)
LATEST_DATE: Final = dt.date(2999, 12, 31)
#: Characters of an input string a message quotes before cutting it short.
QUOTE_LIMIT: Final = 60

_EARLIEST_INSTANT: Final = dt.datetime.combine(EARLIEST_DATE, dt.time.min, dt.timezone.utc)
_LATEST_INSTANT: Final = dt.datetime.combine(LATEST_DATE, dt.time.max, dt.timezone.utc)
# A date or timestamp string longer than this cannot be valid; it is not parsed or echoed.
_LONGEST_TIMESTAMP: Final = len("2017-03-02T15:04:05.000000+02:00")
_RANGE: Final = f"expected a day from {EARLIEST_DATE} to {LATEST_DATE}"

# --- The format's tables -----------------------------------------------------------


def _keys(names: str) -> frozenset[str]:
    return frozenset(names.split())


# The keys each object may hold, as the request format's tables list them.
_REQUEST_KEYS: Final = _keys(
    "format id received_at channel jurisdiction process requester investigation targets"
    " categories period emergency nondisclosure preservation"
)
_PROCESS_KEYS: Final = _keys(
    "kind issued_on issuer validated_by authority signed reference return_date"
)
_ISSUER_KEYS: Final = _keys("name role")
_REQUESTER_KEYS: Final = _keys("agency name email phone supervisor callback")
_SUPERVISOR_KEYS: Final = _keys("name phone")
_INVESTIGATION_KEYS: Final = _keys(
    "nature area offense max_sentence_years committed_online facts offence_location"
    " person_residence us_person"
)
_TARGET_KEYS: Final = _keys("kind value")
_PERIOD_KEYS: Final = _keys("start end")
_EMERGENCY_KEYS: Final = _keys("danger imminent description")
_NONDISCLOSURE_KEYS: Final = _keys("kind statute until review_notice")
_PRESERVATION_KEYS: Final = _keys("extends prior_extensions prior_expires_on")

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
_FIELD_ORDER: Final = {name: rank for rank, name in enumerate(_FIELDS_IN_ORDER.split())}
_PATH_STEP: Final = re.compile(r'\.(\w+)|\[(\d+)\]|\["(?:[^"\\]|\\.)*"\]', re.ASCII)
_UNKNOWN: Final = len(_FIELD_ORDER)


def _problem_order(problem: Problem) -> tuple[int, ...]:
    """Sort key: each step of the path as its field rank or array index."""
    key: list[int] = []
    for name, index in _PATH_STEP.findall(problem.path):
        key.append(int(index) if index else _FIELD_ORDER.get(name, _UNKNOWN))
    return tuple(key)


# docs/formats.md, "Rules across fields": the process kinds that may carry each optional block.
_KINDS_ALLOWING: Final = {
    "emergency": (
        ProcessKind.EMERGENCY_REQUEST,
        ProcessKind.EU_PRODUCTION_ORDER,
        ProcessKind.EU_PRESERVATION_ORDER,
    ),
    "preservation": (ProcessKind.PRESERVATION_REQUEST, ProcessKind.EU_PRESERVATION_ORDER),
}

_E = TypeVar("_E", bound=Enum)


class _Choices(Generic[_E]):
    """A closed set as the document spells it, and how a message names it."""

    __slots__ = ("expected", "members")

    def __init__(self, enum: type[_E]) -> None:
        self.members: dict[str, _E] = {member.value: member for member in enum}
        self.expected = "one of " + ", ".join(self.members)


_CHANNELS: Final = _Choices(Channel)
_PROCESS_KINDS: Final = _Choices(ProcessKind)
_ROLES: Final = _Choices(Role)
_CALLBACKS: Final = _Choices(Callback)
_NATURES: Final = _Choices(Nature)
_AREAS: Final = _Choices(Area)
_TARGET_KINDS: Final = _Choices(TargetKind)
_CATEGORIES: Final = _Choices(Category)
_DANGERS: Final = _Choices(Danger)
_NONDISCLOSURE_KINDS: Final = _Choices(NondisclosureKind)

_JURISDICTION: Final = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?", re.ASCII)
_COUNTRY: Final = re.compile(r"[A-Z]{2}", re.ASCII)
_PHONE: Final = re.compile(r"\+?[0-9 ().\-]+", re.ASCII)
_DIGIT: Final = re.compile(r"[0-9]", re.ASCII)
_SPACE: Final = re.compile(r"\s")
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
# One-line strings refuse C0/C1 controls and line separators (they would forge lines in
# letters, reports and terminals); free text may hold tabs and line breaks. Both refuse
# unpaired surrogates, which cannot be written as UTF-8 (canonical bytes would fail).
_BAD_IN_LINE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_BAD_IN_TEXT: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

_A_JURISDICTION: Final = (
    "an ISO 3166-1 alpha-2 code, optionally with '-' and a subdivision (US, US-CA, DE)"
)
_A_COUNTRY: Final = "an ISO 3166-1 alpha-2 code (two upper-case letters, such as DE)"
_A_DATE: Final = "a date as YYYY-MM-DD"
_A_TIMESTAMP: Final = "a timestamp as YYYY-MM-DDTHH:MM:SSZ or with an offset (+02:00)"
_AN_EMAIL: Final = "an email address (one @, a non-empty local part, a domain with a dot)"
_A_PHONE: Final = (
    "a phone number of 7-15 digits with an optional leading + and spaces, hyphens, dots"
    " or parentheses"
)


def _is_email(value: str) -> bool:
    local, _, domain = value.partition("@")
    if not local or not domain or "@" in domain or _SPACE.search(value):
        return False
    # A dot inside the domain, with a label on each side of it.
    dot = domain.find(".", 1)
    return 0 < dot < len(domain) - 1


def _is_phone(value: str) -> bool:
    return _PHONE.fullmatch(value) is not None and 7 <= len(_DIGIT.findall(value)) <= 15


# Target values are checked for their kind (docs/formats.md, "Target object").
_TARGET_CHECKS: Final = {
    TargetKind.EMAIL: (_is_email, _AN_EMAIL),
    TargetKind.PHONE: (_is_phone, _A_PHONE),
}


# --- Describing input safely -------------------------------------------------------


def _quote(text: str) -> str:
    """``repr`` of at most ``QUOTE_LIMIT`` characters: control characters come out escaped."""
    if len(text) <= QUOTE_LIMIT:
        return repr(text)
    return f"{text[:QUOTE_LIMIT]!r}... ({len(text)} characters)"


def _describe(value: object) -> str:
    """What a value is, in JSON's words, without echoing more than a short quote."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return f"string {_quote(value)}"
    if isinstance(value, int):
        # str() of an int past 4,300 digits raises; nobody needs to see it anyway.
        return f"number {int(value)}" if value.bit_length() <= 64 else "a very large number"
    if isinstance(value, float):
        return f"number {float(value)!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a value of Python type {_quote(type(value).__name__)}, which is not JSON"


def _key_path(path: str, key: str) -> str:
    """``$.key`` for a plain key, ``$["odd key"]`` (JSON-escaped, cut short) otherwise."""
    if len(key) <= QUOTE_LIMIT and _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    shown = key if len(key) <= QUOTE_LIMIT else key[:QUOTE_LIMIT] + "..."
    return f"{path}[{json.dumps(shown)}]"


def _unknown_key(key: str, allowed: frozenset[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1) if len(key) <= QUOTE_LIMIT else []
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return "unknown key; the keys allowed here are " + ", ".join(sorted(allowed))


# --- The walk ----------------------------------------------------------------------

_ABSENT: Final = object()
