"""Intake: a request document becomes a :class:`LegalRequest` (docs/formats.md).

``load_request`` walks the document once, following the format's own tables of keys,
and collects every problem with its JSONPath before raising them together as
:class:`~dueprocess.exceptions.InvalidRequest`, so a person can fix a document in one pass.

Rules of the road for hostile input (docs/limits.md):

- The walk never goes deeper than the format itself: a value found where another type
  is expected is described ("an object", "an array"), never descended into, so no
  nesting can exhaust the stack and no work is spent below an unknown key.
- Strings and arrays have maximum lengths, dates a range of years, integers a range
  that fits a 32-bit column; past a limit is a problem, not a crash.
- At most ``MAX_PROBLEMS`` problems are listed; the walk stops at the next one and says
  that more were omitted.
- A message quotes at most ``QUOTE_LIMIT`` characters of the input through ``repr``, and
  an odd key appears in a path JSON-escaped, so input cannot forge lines in a terminal.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .._base._dates import parse_date, parse_timestamp
from .._base._enums import (
    Callback,
    Category,
    NondisclosureKind,
    ProcessKind,
)
from .._base._text import describe, key_path, unknown_key
from ..exceptions import InvalidRequest, Problem
from ._fields import (  # the format's tables and checks
    _E,
    A_COUNTRY,
    A_DATE,
    A_JURISDICTION,
    A_TIMESTAMP,
    ABSENT,
    AN_EMAIL,
    AREAS,
    BAD_IN_LINE,
    BAD_IN_TEXT,
    CALLBACKS,
    CATEGORIES,
    CHANNELS,
    COUNTRY,
    DANGERS,
    EMERGENCY_KEYS,
    INVESTIGATION_KEYS,
    ISSUER_KEYS,
    JURISDICTION,
    KINDS_ALLOWING,
    NATURES,
    NONDISCLOSURE_KEYS,
    NONDISCLOSURE_KINDS,
    PERIOD_KEYS,
    PRESERVATION_KEYS,
    PROCESS_KEYS,
    PROCESS_KINDS,
    REQUEST_KEYS,
    REQUESTER_KEYS,
    ROLES,
    SUPERVISOR_KEYS,
    TARGET_CHECKS,
    TARGET_KEYS,
    TARGET_KINDS,
    Choices,
    is_email,
    problem_order,
)
from ._limits import (
    DAY_RANGE,
    EARLIEST_DATE,
    EARLIEST_INSTANT,
    LATEST_DATE,
    LATEST_INSTANT,
    LONGEST_TIMESTAMP,
    MAX_CATEGORIES,
    MAX_ID_LENGTH,
    MAX_INTEGER,
    MAX_PROBLEMS,
    MAX_STRING_LENGTH,
    MAX_TARGETS,
    MAX_TEXT_LENGTH,
)
from ._request import (
    FORMAT,
    Emergency,
    Investigation,
    Issuer,
    LegalRequest,
    Nondisclosure,
    Period,
    Preservation,
    Process,
    Requester,
    Supervisor,
    Target,
)

__all__ = ["load_request"]


_Day = TypeVar("_Day", bound=dt.date)


class _TooManyProblems(Exception):
    pass


class _Intake:
    """One walk over one document; ``problems`` collects what is wrong.

    Each reader returns the parsed value, or None when an optional key is absent or the
    value is wrong (a problem has then been added). Readers try the common, well-formed
    case first and only then work out what exactly is wrong: intake runs on every request
    and its cost is budgeted against ``json.loads`` of the same document.
    """

    __slots__ = ("kind", "problems")

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.kind: ProcessKind | None = None

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))
        if len(self.problems) > MAX_PROBLEMS:
            raise _TooManyProblems

    def absent(self, value: object, key: str, path: str, expected: str, required: bool) -> bool:
        """Whether there is nothing to check: the key is absent, or optional and null."""
        if value is ABSENT:
            if required:
                self.add(f"{path}.{key}", f"is required: expected {expected}")
            return True
        # null on an optional key means the same as leaving the key out.
        return value is None and not required

    def mapping(
        self, value: object, path: str, allowed: frozenset[str]
    ) -> Mapping[Any, Any] | None:
        if type(value) is not dict and not isinstance(value, Mapping):
            self.add(path, f"expected an object, got {describe(value)}")
            return None
        if not value.keys() <= allowed:
            for key in value:
                if key in allowed:
                    continue
                if isinstance(key, str):
                    self.add(key_path(path, key), unknown_key(key, allowed))
                else:
                    self.add(path, f"has a key that is {describe(key)}; keys must be strings")
        return value

    def member(
        self,
        obj: Mapping[Any, Any],
        key: str,
        path: str,
        allowed: frozenset[str],
        *,
        required: bool = True,
    ) -> Mapping[Any, Any] | None:
        value = obj.get(key, ABSENT)
        if type(value) is dict and value.keys() <= allowed:
            return value
        if self.absent(value, key, path, "an object", required):
            return None
        return self.mapping(value, f"{path}.{key}", allowed)

    def string(
        self,
        obj: Mapping[Any, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        limit: int = MAX_STRING_LENGTH,
        multiline: bool = False,
        expected: str = "a string",
    ) -> str | None:
        value = obj.get(key, ABSENT)
        if type(value) is str and len(value) <= limit and value.isascii() and value.isprintable():
            return value
        if self.absent(value, key, path, expected, required):
            return None
        if not isinstance(value, str):
            self.add(f"{path}.{key}", f"expected {expected}, got {describe(value)}")
            return None
        if len(value) > limit:
            self.add(
                f"{path}.{key}",
                f"is too long ({len(value)} characters); expected at most {limit}",
            )
            return None
        bad = (BAD_IN_TEXT if multiline else BAD_IN_LINE).search(value)
        if bad is not None:
            char = ord(bad.group())
            what = "an unpaired surrogate" if 0xD800 <= char <= 0xDFFF else "a control character"
            self.add(
                f"{path}.{key}",
                f"contains {what} (U+{char:04X}) at position {bad.start()}; expected"
                + (" text" if multiline else " one line of text")
                + " without control characters",
            )
            return None
        return value

    def identifier(self, obj: Mapping[Any, Any], key: str, path: str) -> str | None:
        expected = f"a string of 1-{MAX_ID_LENGTH} characters"
        value = self.string(obj, key, path, limit=MAX_ID_LENGTH, expected=expected)
        if value is not None and not value.strip():
            blank = "blank" if value else "empty"
            self.add(f"{path}.{key}", f"must not be {blank}: expected {expected}")
            return None
        return value

    def code(
        self,
        obj: Mapping[Any, Any],
        key: str,
        path: str,
        pattern: re.Pattern[str],
        expected: str,
        *,
        required: bool = True,
    ) -> str | None:
        value = self.string(obj, key, path, required=required, expected=expected)
        if value is not None and pattern.fullmatch(value) is None:
            self.add(f"{path}.{key}", f"expected {expected}, got {describe(value)}")
            return None
        return value

    def choice(
        self,
        obj: Mapping[Any, Any],
        key: str,
        path: str,
        choices: Choices[_E],
        *,
        required: bool = True,
    ) -> _E | None:
        value = obj.get(key, ABSENT)
        member = choices.members.get(value) if isinstance(value, str) else None
        if member is not None or self.absent(value, key, path, choices.expected, required):
            return member
        self.add(f"{path}.{key}", f"expected {choices.expected}, got {describe(value)}")
        return None

    def flag(
        self, obj: Mapping[Any, Any], key: str, path: str, *, required: bool = True
    ) -> bool | None:
        value = obj.get(key, ABSENT)
        if value is True or value is False:
            return value
        if not self.absent(value, key, path, "true or false", required):
            self.add(f"{path}.{key}", f"expected true or false, got {describe(value)}")
        return None

    def date(
        self, obj: Mapping[Any, Any], key: str, path: str, *, required: bool = True
    ) -> dt.date | None:
        days = (EARLIEST_DATE, LATEST_DATE)
        return self._dated(obj, key, path, A_DATE, parse_date, days, DAY_RANGE, required)

    def timestamp(self, obj: Mapping[Any, Any], key: str, path: str) -> dt.datetime | None:
        instants = (EARLIEST_INSTANT, LATEST_INSTANT)
        span = f"{DAY_RANGE} (in UTC)"
        return self._dated(obj, key, path, A_TIMESTAMP, parse_timestamp, instants, span, True)

    def _dated(
        self,
        obj: Mapping[Any, Any],
        key: str,
        path: str,
        expected: str,
        parse: Callable[[str], _Day],
        bounds: tuple[_Day, _Day],
        span: str,
        required: bool,
    ) -> _Day | None:
        """A date or an instant: a string *parse* reads, between the *bounds* (*span*)."""
        value = obj.get(key, ABSENT)
        if self.absent(value, key, path, expected, required):
            return None
        if not isinstance(value, str) or len(value) > LONGEST_TIMESTAMP:
            self.add(f"{path}.{key}", f"expected {expected}, got {describe(value)}")
            return None
        try:
            day = parse(value)
        except ValueError as error:
            self.add(f"{path}.{key}", str(error))
            return None
        if not bounds[0] <= day <= bounds[1]:
            self.add(f"{path}.{key}", f"{value!r} is out of range: {span}")
            return None
        return day

    def years(self, obj: Mapping[Any, Any], key: str, path: str) -> float | None:
        value = obj.get(key, ABSENT)
        if self.absent(value, key, path, "a number >= 0", False):
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(f"{path}.{key}", f"expected a number >= 0, got {describe(value)}")
            return None
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number) or number < 0:
            self.add(f"{path}.{key}", f"expected a finite number >= 0, got {describe(value)}")
            return None
        return number

    def count(self, obj: Mapping[Any, Any], key: str, path: str) -> int | None:
        expected = f"an integer from 0 to {MAX_INTEGER}"
        value = obj.get(key, ABSENT)
        if self.absent(value, key, path, expected, True):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INTEGER:
            self.add(f"{path}.{key}", f"expected {expected}, got {describe(value)}")
            return None
        return int(value)

    # Sections of the document, in the request format's order.

    def request(self, document: object) -> LegalRequest | None:
        doc = self.mapping(document, "$", REQUEST_KEYS)
        if doc is None:
            return None
        version = doc.get("format", ABSENT)
        if not (
            (isinstance(version, str) and version == FORMAT)
            or self.absent(version, "format", "$", repr(FORMAT), True)
        ):
            self.add("$.format", f"expected {FORMAT!r}, got {describe(version)}")
        request_id = self.identifier(doc, "id", "$")
        received_at = self.timestamp(doc, "received_at", "$")
        channel = self.choice(doc, "channel", "$", CHANNELS)
        jurisdiction = self.code(doc, "jurisdiction", "$", JURISDICTION, A_JURISDICTION)
        process = self.process(doc)
        requester = self.requester(doc)
        investigation = self.investigation(doc)
        targets = self.targets(doc)
        categories = self.categories(doc)
        period = self.period(doc)
        emergency = self.emergency(doc)
        nondisclosure = self.nondisclosure(doc)
        preservation = self.preservation(doc)
        self.across(doc)
        if (
            request_id is None
            or received_at is None
            or channel is None
            or jurisdiction is None
            or process is None
            or requester is None
            or investigation is None
            or targets is None
            or categories is None
        ):
            return None
        return LegalRequest(
            id=request_id,
            received_at=received_at,
            channel=channel,
            jurisdiction=jurisdiction,
            process=process,
            requester=requester,
            investigation=investigation,
            targets=targets,
            categories=categories,
            period=period,
            emergency=emergency,
            nondisclosure=nondisclosure,
            preservation=preservation,
        )

    def issuer(
        self, obj: Mapping[Any, Any], key: str, path: str, *, required: bool
    ) -> Issuer | None:
        section = self.member(obj, key, path, ISSUER_KEYS, required=required)
        if section is None:
            return None
        here = f"{path}.{key}"
        name = self.string(section, "name", here)
        role = self.choice(section, "role", here, ROLES)
        if name is None or role is None:
            return None
        return Issuer(name, role)

    def process(self, doc: Mapping[Any, Any]) -> Process | None:
        section = self.member(doc, "process", "$", PROCESS_KEYS)
        if section is None:
            return None
        here = "$.process"
        kind = self.kind = self.choice(section, "kind", here, PROCESS_KINDS)
        issued_on = self.date(section, "issued_on", here)
        issuer = self.issuer(section, "issuer", here, required=True)
        validated_by = self.issuer(section, "validated_by", here, required=False)
        authority = self.string(section, "authority", here)
        signed = self.flag(section, "signed", here)
        reference = self.string(section, "reference", here, required=False)
        return_date = self.date(section, "return_date", here, required=False)
        if (
            kind is None
            or issued_on is None
            or issuer is None
            or authority is None
            or signed is None
        ):
            return None
        return Process(
            kind=kind,
            issued_on=issued_on,
            issuer=issuer,
            authority=authority,
            signed=signed,
            validated_by=validated_by,
            reference=reference,
            return_date=return_date,
        )

    def requester(self, doc: Mapping[Any, Any]) -> Requester | None:
        section = self.member(doc, "requester", "$", REQUESTER_KEYS)
        if section is None:
            return None
        here = "$.requester"
        agency = self.string(section, "agency", here)
        name = self.string(section, "name", here)
        email = self.string(section, "email", here, expected=AN_EMAIL)
        if email is not None and not is_email(email):
            self.add("$.requester.email", f"expected {AN_EMAIL}, got {describe(email)}")
        phone = self.string(section, "phone", here, required=False)
        supervisor = self.supervisor(section)
        callback = self.choice(section, "callback", here, CALLBACKS, required=False)
        if agency is None or name is None or email is None:
            return None
        return Requester(
            agency=agency,
            name=name,
            email=email,
            phone=phone,
            supervisor=supervisor,
            callback=Callback.NOT_ATTEMPTED if callback is None else callback,
        )

    def supervisor(self, requester: Mapping[Any, Any]) -> Supervisor | None:
        section = self.member(
            requester, "supervisor", "$.requester", SUPERVISOR_KEYS, required=False
        )
        if section is None:
            return None
        here = "$.requester.supervisor"
        name = self.string(section, "name", here)
        phone = self.string(section, "phone", here)
        if name is None or phone is None:
            return None
        return Supervisor(name, phone)

    def investigation(self, doc: Mapping[Any, Any]) -> Investigation | None:
        section = self.member(doc, "investigation", "$", INVESTIGATION_KEYS)
        if section is None:
            return None
        here = "$.investigation"
        nature = self.choice(section, "nature", here, NATURES)
        area = self.choice(section, "area", here, AREAS)
        offense = self.string(section, "offense", here, required=False)
        years = self.years(section, "max_sentence_years", here)
        online = self.flag(section, "committed_online", here, required=False)
        facts = self.string(section, "facts", here, limit=MAX_TEXT_LENGTH, multiline=True)
        location = self.code(section, "offence_location", here, COUNTRY, A_COUNTRY, required=False)
        residence = self.code(section, "person_residence", here, COUNTRY, A_COUNTRY, required=False)
        us_person = self.flag(section, "us_person", here, required=False)
        if nature is None or area is None or facts is None:
            return None
        return Investigation(
            nature=nature,
            area=area,
            facts=facts,
            offense=offense,
            max_sentence_years=years,
            committed_online=bool(online),
            offence_location=location,
            person_residence=residence,
            us_person=us_person,
        )

    def targets(self, doc: Mapping[Any, Any]) -> tuple[Target, ...] | None:
        items = doc.get("targets", ABSENT)
        if self.absent(items, "targets", "$", "an array of targets", True):
            return None
        if not isinstance(items, (list, tuple)):
            self.add("$.targets", f"expected an array of targets, got {describe(items)}")
            return None
        if len(items) > MAX_TARGETS:
            self.add("$.targets", f"has {len(items)} targets; expected at most {MAX_TARGETS}")
            return None
        targets: list[Target] = []
        for index, item in enumerate(items):
            here = f"$.targets[{index}]"
            section = self.mapping(item, here, TARGET_KEYS)
            if section is None:
                continue
            kind = self.choice(section, "kind", here, TARGET_KINDS)
            value = self.string(section, "value", here)
            if value is None:
                continue
            if not value.strip():
                self.add(f"{here}.value", "must not be blank: expected the identifier asked for")
                continue
            check = TARGET_CHECKS.get(kind) if kind is not None else None
            if check is not None and not check[0](value):
                self.add(f"{here}.value", f"expected {check[1]}, got {describe(value)}")
                continue
            if kind is not None:
                targets.append(Target(kind, value))
        return tuple(targets)

    def categories(self, doc: Mapping[Any, Any]) -> tuple[Category, ...] | None:
        items = doc.get("categories", ABSENT)
        if self.absent(items, "categories", "$", "an array of category names", True):
            return None
        if not isinstance(items, (list, tuple)):
            self.add("$.categories", f"expected an array of category names, got {describe(items)}")
            return None
        if len(items) > MAX_CATEGORIES:
            self.add(
                "$.categories",
                f"has {len(items)} entries; expected at most {MAX_CATEGORIES}"
                " (there are only five categories)",
            )
            return None
        seen: dict[Category, int] = {}
        for index, item in enumerate(items):
            category = CATEGORIES.members.get(item) if isinstance(item, str) else None
            if category is None:
                self.add(
                    f"$.categories[{index}]",
                    f"expected a category, {CATEGORIES.expected}, got {describe(item)}",
                )
            elif category in seen:
                self.add(
                    f"$.categories[{index}]",
                    f"duplicate of $.categories[{seen[category]}]; list each category once",
                )
            else:
                seen[category] = index
        return tuple(seen)

    def period(self, doc: Mapping[Any, Any]) -> Period | None:
        section = self.member(doc, "period", "$", PERIOD_KEYS, required=False)
        if section is None:
            return None
        start = self.date(section, "start", "$.period")
        end = self.date(section, "end", "$.period")
        if start is None or end is None:
            return None
        if start > end:
            self.add(
                "$.period", f"start {start} is after end {end}; expected start on or before end"
            )
            return None
        return Period(start, end)

    def emergency(self, doc: Mapping[Any, Any]) -> Emergency | None:
        section = self.member(doc, "emergency", "$", EMERGENCY_KEYS, required=False)
        if section is None:
            return None
        here = "$.emergency"
        danger = self.choice(section, "danger", here, DANGERS)
        imminent = self.flag(section, "imminent", here)
        description = self.string(
            section, "description", here, limit=MAX_TEXT_LENGTH, multiline=True
        )
        if danger is None or imminent is None or description is None:
            return None
        return Emergency(danger, imminent, description)

    def nondisclosure(self, doc: Mapping[Any, Any]) -> Nondisclosure | None:
        section = self.member(doc, "nondisclosure", "$", NONDISCLOSURE_KEYS, required=False)
        if section is None:
            return None
        here = "$.nondisclosure"
        kind = self.choice(section, "kind", here, NONDISCLOSURE_KINDS)
        statute = self.string(section, "statute", here)
        # ``until: null`` (or no ``until``) means no end date was given.
        until = self.date(section, "until", here, required=False)
        review_notice = self.flag(section, "review_notice", here, required=False)
        if kind is None or statute is None:
            return None
        return Nondisclosure(kind, statute, until, review_notice=bool(review_notice))

    def preservation(self, doc: Mapping[Any, Any]) -> Preservation | None:
        section = self.member(doc, "preservation", "$", PRESERVATION_KEYS, required=False)
        if section is None:
            return None
        here = "$.preservation"
        extends = self.identifier(section, "extends", here)
        prior = self.count(section, "prior_extensions", here)
        expires = self.date(section, "prior_expires_on", here)
        if extends is None or prior is None or expires is None:
            return None
        return Preservation(extends, prior, expires)

    def across(self, doc: Mapping[Any, Any]) -> None:
        """Rules across fields; each is skipped when a field it needs did not parse."""
        kind = self.kind
        if kind is None:
            return
        for key, kinds in KINDS_ALLOWING.items():
            if isinstance(doc.get(key), Mapping) and kind not in kinds:
                names = [allowed.value for allowed in kinds]
                only = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
                self.add(f"$.{key}", f"is not allowed on a {kind.value}; only on {only}")
        gag = doc.get("nondisclosure")
        if (
            isinstance(gag, Mapping)
            and gag.get("kind") == NondisclosureKind.CERTIFICATION.value
            and kind is not ProcessKind.NATIONAL_SECURITY_LETTER
        ):
            self.add(
                "$.nondisclosure",
                f"a certification is not allowed on a {kind.value}; only a"
                " national_security_letter carries one (18 U.S.C. 2709(c)(1))",
            )
        categories = doc.get("categories")
        if isinstance(categories, (list, tuple)) and not categories and not kind.is_preservation:
            self.add(
                "$.categories",
                f"must not be empty on a {kind.value};"
                " only preservation kinds may ask for no category",
            )


def load_request(document: Mapping[str, Any]) -> LegalRequest:
    """Turn a ``dueprocess.request/1`` document into a :class:`LegalRequest`.

    Args:
        document: the parsed JSON object (any JSON-like value is accepted and checked).

    Returns:
        The typed, immutable request.

    Raises:
        InvalidRequest: the document does not fit the request format (docs/formats.md);
            ``problems`` lists every problem with its JSONPath, in the format's field
            order with unknown keys last (at most ``MAX_PROBLEMS``, then one at ``$``
            saying more were omitted).

    >>> try:
    ...     load_request({"format": "dueprocess.request/1", "surprise": True})
    ... except InvalidRequest as error:
    ...     print(error.problems[0], error.problems[-1], sep="\\n")
    $.id: is required: expected a string of 1-128 characters
    $.surprise: unknown key; the keys allowed here are categories, channel, emergency, ...
    """
    intake = _Intake()
    try:
        request = intake.request(document)
    except _TooManyProblems:
        listed = intake.problems[:MAX_PROBLEMS]
        listed.append(
            Problem(
                "$", f"more than {MAX_PROBLEMS} problems; only the first {MAX_PROBLEMS} are listed"
            )
        )
        raise InvalidRequest(listed, order=problem_order) from None
    if intake.problems or request is None:
        raise InvalidRequest(intake.problems, order=problem_order)
    return request
