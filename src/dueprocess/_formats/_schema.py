"""JSON Schemas (draft 2020-12) of the formats, generated from the readers' own tables.

A portal validates a request in the browser before it is sent; a program checks a
review, a policy or a manifest it receives. :func:`json_schema` builds each schema from
the tables the readers use, so the two cannot drift apart:

* the keys each object may hold (``_intake._fields``' key sets, the manifest's and the
  policy's key lists), and the closed sets (every enum) with their members;
* the limits (string lengths, array sizes, integer range, the years a date may hold),
  the patterns of codes and of the values of targets, and the rules across fields that
  a schema can state (which process kinds may carry ``emergency`` or ``preservation``,
  non-empty ``categories`` outside preservation).

Rules of the road: each object of a format is one row of ``_OBJECTS`` (its keys come
from the reader; this module adds only each key's type and whether it is required, as
the format's tables state them). Unknown keys are refused *at their own path*
(``"additionalProperties": {"not": {}}``), so a validator reports ``$.surprise`` where
:func:`dueprocess.load_request` does. Optional keys accept ``null``, as the reader does.

A key that is missing is reported at its object (JSON Schema's ``required``), where
the reader names the key itself (``$.process`` against ``$.process.kind``). What a
schema cannot say stays with the readers: that ``period.start`` is not after
``period.end``, that a date exists in the calendar (``2017-02-30``), and that problems
are listed in the format's field order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any, Final, Literal

import attrs

from .._base._enums import (
    Category,
    Decision,
    Effect,
    NondisclosureKind,
    NoticeTiming,
    Outcome,
    ProcessKind,
    TargetKind,
)
from .._intake import _fields as intake
from .._intake import _limits as limits
from .._intake._request import FORMAT as REQUEST_FORMAT
from .._production._manifest import _KEYS as MANIFEST_KEYS
from .._production._manifest import MANIFEST_FORMAT
from .._review._fees import MAX_FEE
from .._review._policy import _POLICY_KEYS, POLICY_RANGES, SECOND_APPROVER_ACTIONS, Policy
from .._review._review import REVIEW_FORMAT

__all__ = ["SCHEMA_NAMES", "SchemaName", "json_schema"]

SchemaName = Literal["request", "review", "policy", "manifest"]
#: The documents :func:`json_schema` describes.
SCHEMA_NAMES: Final[tuple[SchemaName, ...]] = ("request", "review", "policy", "manifest")

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_Schema = dict[str, Any]

# --- Value shapes ------------------------------------------------------------------


def _anchored(body: str) -> str:
    # "(?![\s\S])" is the end of the string in both ECMA-262 (browsers) and Python;
    # "$" would also match before a final newline in Python.
    return f"^(?:{body})(?![\\s\\S])"


def _no_controls(multiline: bool) -> str:
    # The reader's own character classes, spelled for ECMA-262 and Python alike.
    source = (intake.BAD_IN_TEXT if multiline else intake.BAD_IN_LINE).pattern
    return _anchored(f"[^{source[1:-1]}]*")


def _string(limit: int = limits.MAX_STRING_LENGTH, *, multiline: bool = False) -> _Schema:
    return {"type": "string", "maxLength": limit, "pattern": _no_controls(multiline)}


def _identifier() -> _Schema:
    return {
        **_string(limits.MAX_ID_LENGTH),
        "minLength": 1,
        "allOf": [{"pattern": r"\S"}],  # not blank
    }


def _coded(pattern: re.Pattern[str], description: str) -> _Schema:
    return {"type": "string", "pattern": _anchored(pattern.pattern), "description": description}


def _choice(enum: type[Enum] | intake.Choices[Any]) -> _Schema:
    members = list(enum.members) if isinstance(enum, intake.Choices) else [m.value for m in enum]
    return {"enum": members}


_YEAR: Final = "(?:19[0-9]{2}|2[0-9]{3})"  # EARLIEST_DATE to LATEST_DATE: 1900 to 2999
_DAY: Final = f"{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_DATE: Final = {"type": "string", "format": "date", "pattern": _anchored(_DAY)}
_TIMESTAMP: Final = {
    "type": "string",
    "format": "date-time",
    "pattern": _anchored(
        f"{_DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{{1,6}})?"
        "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
    ),
    "description": intake.A_TIMESTAMP,
}
_BOOLEAN: Final = {"type": "boolean"}
_EMAIL: Final = {
    "type": "string",
    # One @, a non-empty local part, a domain with a dot inside it, no white space.
    "pattern": _anchored(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    "description": intake.AN_EMAIL,
}
_PHONE: Final = {
    "type": "string",
    "pattern": _anchored(f"(?=(?:[^0-9]*[0-9]){{7,15}}[^0-9]*(?![\\s\\S])){intake.PHONE.pattern}"),
    "description": intake.A_PHONE,
}
_HEX64: Final = {"type": "string", "pattern": _anchored("[0-9a-f]{64}")}

#: What a target's value must look like, by kind (the reader's ``TARGET_CHECKS``).
TARGET_VALUES: Final[Mapping[TargetKind, _Schema]] = {
    TargetKind.EMAIL: _EMAIL,
    TargetKind.PHONE: _PHONE,
}

# --- The request's objects ---------------------------------------------------------

_Field = tuple[Callable[[], _Schema], bool]  # (its schema, required)


def _ref(name: str) -> Callable[[], _Schema]:
    return lambda: {"$ref": f"#/$defs/{name}"}


def _const(value: object) -> Callable[[], _Schema]:
    return lambda: {"const": value}


def _fixed(schema: _Schema) -> Callable[[], _Schema]:
    return lambda: dict(schema)


# Each object: the reader's key set, and each key's type and whether it is required
# (the request format's tables, docs/formats.md). Keys the reader does not know are not
# emitted.
_OBJECTS: Final[dict[str, tuple[frozenset[str], dict[str, _Field]]]] = {
    "request": (
        intake.REQUEST_KEYS,
        {
            "format": (_const(REQUEST_FORMAT), True),
            "id": (_identifier, True),
            "received_at": (_fixed(_TIMESTAMP), True),
            "channel": (lambda: _choice(intake.CHANNELS), True),
            "jurisdiction": (lambda: _coded(intake.JURISDICTION, intake.A_JURISDICTION), True),
            "process": (_ref("process"), True),
            "requester": (_ref("requester"), True),
            "investigation": (_ref("investigation"), True),
            "targets": (
                lambda: {
                    "type": "array",
                    "items": {"$ref": "#/$defs/target"},
                    "maxItems": limits.MAX_TARGETS,
                },
                True,
            ),
            "categories": (
                lambda: {
                    "type": "array",
                    "items": _choice(intake.CATEGORIES),
                    "maxItems": limits.MAX_CATEGORIES,
                    "uniqueItems": True,
                },
                True,
            ),
            "period": (_ref("period"), False),
            "emergency": (_ref("emergency"), False),
            "nondisclosure": (_ref("nondisclosure"), False),
            "preservation": (_ref("preservation"), False),
        },
    ),
    "process": (
        intake.PROCESS_KEYS,
        {
            "kind": (lambda: _choice(intake.PROCESS_KINDS), True),
            "issued_on": (_fixed(_DATE), True),
            "issuer": (_ref("issuer"), True),
            "validated_by": (_ref("issuer"), False),
            "authority": (_string, True),
            "signed": (_fixed(_BOOLEAN), True),
            "reference": (_string, False),
            "return_date": (_fixed(_DATE), False),
        },
    ),
    "issuer": (
        intake.ISSUER_KEYS,
        {"name": (_string, True), "role": (lambda: _choice(intake.ROLES), True)},
    ),
    "requester": (
        intake.REQUESTER_KEYS,
        {
            "agency": (_string, True),
            "name": (_string, True),
            "email": (lambda: {**_string(), "allOf": [_EMAIL]}, True),
            "phone": (_string, False),
            "supervisor": (_ref("supervisor"), False),
            "callback": (lambda: _choice(intake.CALLBACKS), False),
        },
    ),
    "supervisor": (intake.SUPERVISOR_KEYS, {"name": (_string, True), "phone": (_string, True)}),
    "investigation": (
        intake.INVESTIGATION_KEYS,
        {
            "nature": (lambda: _choice(intake.NATURES), True),
            "area": (lambda: _choice(intake.AREAS), True),
            "offense": (_string, False),
            "max_sentence_years": (_fixed({"type": "number", "minimum": 0}), False),
            "committed_online": (_fixed(_BOOLEAN), False),
            "facts": (lambda: _string(limits.MAX_TEXT_LENGTH, multiline=True), True),
            "offence_location": (lambda: _coded(intake.COUNTRY, intake.A_COUNTRY), False),
            "person_residence": (lambda: _coded(intake.COUNTRY, intake.A_COUNTRY), False),
            "us_person": (_fixed(_BOOLEAN), False),
        },
    ),
    "target": (
        intake.TARGET_KEYS,
        {
            "kind": (lambda: _choice(intake.TARGET_KINDS), True),
            "value": (lambda: {**_string(), "allOf": [{"pattern": r"\S"}]}, True),
        },
    ),
    "period": (
        intake.PERIOD_KEYS,
        {"start": (_fixed(_DATE), True), "end": (_fixed(_DATE), True)},
    ),
    "emergency": (
        intake.EMERGENCY_KEYS,
        {
            "danger": (lambda: _choice(intake.DANGERS), True),
            "imminent": (_fixed(_BOOLEAN), True),
            "description": (lambda: _string(limits.MAX_TEXT_LENGTH, multiline=True), True),
        },
    ),
    "nondisclosure": (
        intake.NONDISCLOSURE_KEYS,
        {
            "kind": (lambda: _choice(intake.NONDISCLOSURE_KINDS), True),
            "statute": (_string, True),
            "until": (_fixed(_DATE), False),
            "review_notice": (_fixed(_BOOLEAN), False),
        },
    ),
    "preservation": (
        intake.PRESERVATION_KEYS,
        {
            "extends": (_identifier, True),
            "prior_extensions": (
                _fixed({"type": "integer", "minimum": 0, "maximum": limits.MAX_INTEGER}),
                True,
            ),
            "prior_expires_on": (_fixed(_DATE), True),
        },
    ),
}

_NOT_ALLOWED: Final[_Schema] = {"not": {}}  # an unknown key, refused at its own path


def _nullable(schema: _Schema) -> _Schema:
    """The same schema, also accepting ``null`` (an optional key left empty)."""
    if "$ref" in schema:
        return _or_null(schema)
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    kind = schema.get("type")
    return {**schema, "type": [kind, "null"]} if isinstance(kind, str) else schema


def _object(name: str) -> _Schema:
    keys, fields = _OBJECTS[name]
    properties: _Schema = {}
    required: list[str] = []
    for key, (build, needed) in fields.items():
        if key not in keys:
            continue
        properties[key] = build() if needed else _nullable(build())
        if needed:
            required.append(key)
    for key in sorted(keys - fields.keys()):
        # A key the reader knows and this table does not type yet: allowed, any value
        # (tests/intake/test_schema.py fails until it is typed here).
        properties[key] = {}
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": _NOT_ALLOWED,
    }


def _target() -> _Schema:
    schema = _object("target")
    schema["allOf"] = [
        {
            "if": {"properties": {"kind": {"const": kind.value}}, "required": ["kind"]},
            "then": {"properties": {"value": TARGET_VALUES[kind]}},
        }
        for kind in intake.TARGET_CHECKS
    ]
    return schema


def _kind_is_not(kinds: Iterable[ProcessKind]) -> _Schema:
    return {
        "properties": {
            "process": {
                "properties": {"kind": {"not": {"enum": [kind.value for kind in kinds]}}},
                "required": ["kind"],
            }
        },
        "required": ["process"],
    }


def _request() -> _Schema:
    schema = _object("request")
    rules: list[_Schema] = [
        # The format's rules across fields: blocks only some process kinds may carry.
        {"if": _kind_is_not(kinds), "then": {"properties": {key: {"type": "null"}}}}
        for key, kinds in intake.KINDS_ALLOWING.items()
    ]
    preservation = [kind for kind in ProcessKind if kind.is_preservation]
    rules.append(
        {"if": _kind_is_not(preservation), "then": {"properties": {"categories": {"minItems": 1}}}}
    )
    certification = NondisclosureKind._value2member_map_.get("certification")
    if certification is not None:  # only a national security letter carries one
        rules.append(
            {
                "if": _kind_is_not([ProcessKind.NATIONAL_SECURITY_LETTER]),
                "then": {
                    "properties": {
                        "nondisclosure": {
                            "not": {
                                "type": "object",
                                "properties": {"kind": {"const": "certification"}},
                                "required": ["kind"],
                            }
                        }
                    }
                },
            }
        )
    schema["allOf"] = rules
    schema["$defs"] = {
        name: _target() if name == "target" else _object(name)
        for name in _OBJECTS
        if name != "request"
    }
    return schema


# --- The other documents -----------------------------------------------------------


def _strict(properties: _Schema, required: Iterable[str] | None = None) -> _Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
        "additionalProperties": _NOT_ALLOWED,
    }


def _period() -> _Schema:
    return _strict({"start": _DATE, "end": _DATE})


def _or_null(schema: _Schema) -> _Schema:
    # Not "anyOf": a validator then reports a wrong value inside at its own path
    # ($.period.start), not as "not valid under any of the given schemas" at $.period.
    return {"if": {"not": {"type": "null"}}, "then": schema}


def _review() -> _Schema:
    category_names = [category.value for category in Category]
    finding = _strict(
        {
            "code": {"type": "string", "pattern": _anchored(r"[a-z_]+\.[a-z_]+")},
            "effect": _choice(Effect),
            "category": _nullable(_choice(Category)),
            "required": {"type": ["string", "null"]},
            "message": {"type": "string"},
            "citation": {"type": "string"},
        }
    )
    decision = _strict(
        {
            "decision": _choice(Decision),
            "fields": {"type": ["array", "null"], "items": {"type": "string"}},
            "required": {"type": ["string", "null"]},
        }
    )
    notice = _strict(
        {
            "notify_user": _BOOLEAN,
            "timing": _choice(NoticeTiming),
            "not_before": _or_null(_DATE),
            "disclose_after": _or_null(_DATE),
        }
    )
    target = _strict(
        {"kind": _choice(TargetKind), "value": {"type": "string"}},
    )
    return _strict(
        {
            "format": {"const": REVIEW_FORMAT},
            "request_id": {"type": "string"},
            "policy": {"type": "string"},
            "outcome": _choice(Outcome),
            "findings": {"type": "array", "items": finding},
            "categories": {
                "type": "object",
                "propertyNames": {"enum": category_names},
                "additionalProperties": decision,
            },
            "targets": {"type": "array", "items": target},
            "period": _or_null(_period()),
            "preserve_until": _or_null(_DATE),
            "respond_by": _or_null(_TIMESTAMP),
            "notify_authorities": {"type": "array", "items": {"type": "string"}},
            "notice": notice,
            # The SHA-256 of the policy document, when the review states it.
            "policy_sha256": _HEX64,
        },
        required=[
            "format",
            "request_id",
            "policy",
            "outcome",
            "findings",
            "categories",
            "targets",
            "period",
            "preserve_until",
            "respond_by",
            "notify_authorities",
            "notice",
        ],
    )


def _policy_value(field: attrs.Attribute[Any]) -> _Schema:
    """A policy key's schema, from the type of the Policy field it sets."""
    kind = str(field.type)
    if field.name == "authority_scopes":
        return {
            "type": "object",
            "description": "statute -> the investigation areas it may be used for",
            "additionalProperties": {"type": "array", "items": _choice(intake.AREAS)},
        }
    if kind == "int":
        low, high = POLICY_RANGES[field.name]
        return {"type": "integer", "minimum": low, "maximum": high}
    if kind == "str":
        return {"type": "string", "pattern": r"\S"}
    if kind == "frozenset[Category]":
        return {"type": "array", "items": _choice(Category), "uniqueItems": True}
    if kind == "tuple[str, ...]":
        return {"type": "array", "items": {"type": "string"}}
    if field.name == "second_approver":
        return {
            "type": "array",
            "items": {"enum": sorted(SECOND_APPROVER_ACTIONS)},
            "uniqueItems": True,
        }
    if field.name == "fees":
        amount = {
            "description": "an amount from 0, at most four decimal places",
            "anyOf": [
                {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,4})?$"},
                {"type": "number", "minimum": 0, "maximum": int(MAX_FEE)},
            ],
        }
        schedule = _strict(
            {"currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}
            | dict.fromkeys(("per_request", "per_account", "per_record"), amount),
            ["currency"],
        )
        return _or_null(schedule)
    raise AssertionError(f"no JSON Schema for Policy.{field.name}: {kind}")  # pragma: no cover


def _policy() -> _Schema:
    fields = {field.name: field for field in attrs.fields(Policy)}
    properties = {key: _policy_value(fields[key]) for key in _POLICY_KEYS}
    return _strict(properties, required=())


def _manifest() -> _Schema:
    digest = _strict({"sha256": _HEX64, "bytes": {"type": "integer", "minimum": 0}})
    count = {"type": "integer", "minimum": 0}
    properties: _Schema = {
        "format": {"const": MANIFEST_FORMAT},
        "request_id": {"type": "string", "minLength": 1},
        "review_sha256": _HEX64,
        "produced_at": _TIMESTAMP,
        "period": _or_null(_period()),
        "accounts": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "counts": {
            "type": "object",
            "propertyNames": _choice(Category),
            "additionalProperties": count,
        },
        "records": count,
        "merkle_root": _HEX64,
        "files": {
            "type": "object",
            "propertyNames": {"pattern": _anchored("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")},
            "additionalProperties": digest,
        },
    }
    ordered = {key: properties[key] for key in MANIFEST_KEYS}
    # Why a production was made before the review's clock allowed it, when it was.
    ordered["override"] = {
        **_string(),
        "pattern": _anchored(
            r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]*\S[^\x00-\x1f\x7f-\x9f\u2028\u2029]*"
        ),
    }
    return _strict(ordered, required=MANIFEST_KEYS)


_BUILDERS: Final[dict[SchemaName, tuple[str, Callable[[], _Schema]]]] = {
    "request": (REQUEST_FORMAT, _request),
    "review": (REVIEW_FORMAT, _review),
    "policy": ("dueprocess policy", _policy),
    "manifest": (MANIFEST_FORMAT, _manifest),
}


def json_schema(name: SchemaName) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one of dueprocess's documents.

    Args:
        name: ``request``, ``review``, ``policy`` or ``manifest``.

    Raises:
        ValueError: *name* is not one of those.

    >>> schema = json_schema("request")
    >>> schema["title"], schema["properties"]["format"]
    ('dueprocess.request/1', {'const': 'dueprocess.request/1'})
    >>> schema["properties"]["channel"]["enum"][:2]
    ['portal', 'email']
    """
    if name not in _BUILDERS:
        raise ValueError(f"no schema named {name!r}; expected one of {', '.join(SCHEMA_NAMES)}")
    title, build = _BUILDERS[name]
    return {"$schema": DIALECT, "title": title, **build()}
