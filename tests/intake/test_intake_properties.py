"""load_request properties: any input gives a request or InvalidRequest; valid ones round-trip."""

from __future__ import annotations

import copy
import datetime as dt
import math
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess import Category, LegalRequest, ProcessKind, TargetKind, load_request
from dueprocess._intake._limits import MAX_PROBLEMS
from dueprocess.exceptions import InvalidRequest
from dueprocess.parts import Area, Callback, Channel, Danger, Nature, NondisclosureKind, Role

# Characters that would break a message out of its line or out of UTF-8.
UNSAFE = ("Cc", "Cs", "Zl", "Zp")

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- Valid documents ----------------------------------------------------------------

ONE_LINE = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=0, max_size=12
)
FREE_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs"), include_characters="\n\r\t"), max_size=40
)
NON_BLANK = ONE_LINE.filter(lambda text: text.strip() != "")
OFFSETS = st.sampled_from(
    [
        dt.timezone.utc,
        dt.timezone(dt.timedelta(hours=2)),
        dt.timezone(dt.timedelta(hours=-5, minutes=-30)),
    ]
)
DATES = st.dates(dt.date(1900, 1, 2), dt.date(2999, 12, 30))
COUNTRIES = st.from_regex(r"[A-Z]{2}", fullmatch=True)


def values(enum: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in enum])


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    moment = draw(
        st.datetimes(dt.datetime(1900, 1, 2), dt.datetime(2999, 12, 30), timezones=OFFSETS)
    )
    text = moment.isoformat()
    return text.replace("+00:00", "Z") if draw(st.booleans()) else text


@st.composite
def phones(draw: st.DrawFn) -> str:
    digits = draw(st.lists(st.sampled_from("0123456789"), min_size=7, max_size=15))
    separators = st.sampled_from(["", "", " ", "-", ".", "(", ")"])
    body = "".join(digit + draw(separators) for digit in digits)
    return ("+" if draw(st.booleans()) else "") + body


EMAILS = st.from_regex(r"[a-z0-9._+-]{1,8}@[a-z0-9-]{1,8}\.[a-z]{2,6}", fullmatch=True)


@st.composite
def targets(draw: st.DrawFn) -> dict[str, str]:
    kind = draw(values(TargetKind))
    value = {"email": EMAILS, "phone": phones()}.get(kind, NON_BLANK)
    return {"kind": kind, "value": draw(value)}


def optional(document: dict[str, Any], key: str, draw: st.DrawFn, value: Any) -> None:
    if draw(st.booleans()):
        document[key] = draw(value)


def issuers() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({"name": ONE_LINE, "role": values(Role)})


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(values(ProcessKind))
    preserving = kind in ("preservation_request", "eu_preservation_order")
    process: dict[str, Any] = {
        "kind": kind,
        "issued_on": draw(DATES).isoformat(),
        "issuer": draw(issuers()),
        "authority": draw(ONE_LINE),
        "signed": draw(st.booleans()),
    }
    optional(process, "validated_by", draw, issuers())
    optional(process, "reference", draw, ONE_LINE)
    optional(process, "return_date", draw, DATES.map(dt.date.isoformat))
    requester: dict[str, Any] = {
        "agency": draw(ONE_LINE),
        "name": draw(ONE_LINE),
        "email": draw(EMAILS),
    }
    optional(requester, "phone", draw, ONE_LINE)
    optional(
        requester, "supervisor", draw, st.fixed_dictionaries({"name": ONE_LINE, "phone": ONE_LINE})
    )
    optional(requester, "callback", draw, values(Callback))
    investigation: dict[str, Any] = {
        "nature": draw(values(Nature)),
        "area": draw(values(Area)),
        "facts": draw(FREE_TEXT),
    }
    optional(investigation, "offense", draw, ONE_LINE)
    years = st.integers(0, 99) | st.floats(0, 1e6, allow_nan=False, allow_infinity=False)
    optional(investigation, "max_sentence_years", draw, years)
    optional(investigation, "committed_online", draw, st.booleans())
    optional(investigation, "offence_location", draw, COUNTRIES)
    optional(investigation, "person_residence", draw, COUNTRIES)
    optional(investigation, "us_person", draw, st.booleans())
    jurisdiction = draw(COUNTRIES) + draw(st.sampled_from(["", "-CA", "-1", "-ENG"]))
    categories = draw(st.lists(values(Category), unique=True, min_size=0 if preserving else 1))
    document: dict[str, Any] = {
        "format": "dueprocess.request/1",
        "id": draw(NON_BLANK.filter(lambda text: len(text) <= 128)),
        "received_at": draw(timestamps()),
        "channel": draw(values(Channel)),
        "jurisdiction": jurisdiction,
        "process": process,
        "requester": requester,
        "investigation": investigation,
        "targets": draw(st.lists(targets(), max_size=3)),
        "categories": categories,
    }
    start, end = sorted([draw(DATES), draw(DATES)])
    optional(
        document, "period", draw, st.just({"start": start.isoformat(), "end": end.isoformat()})
    )
    if kind in ("emergency_request", "eu_production_order", "eu_preservation_order"):
        emergency = st.fixed_dictionaries(
            {"danger": values(Danger), "imminent": st.booleans(), "description": FREE_TEXT}
        )
        optional(document, "emergency", draw, emergency)
    # Only a national security letter may carry a certification (docs/formats.md).
    gags = [k for k in NondisclosureKind if k is not NondisclosureKind.CERTIFICATION]
    if kind == "national_security_letter":
        gags = list(NondisclosureKind)
    nondisclosure = st.fixed_dictionaries(
        {
            "kind": st.sampled_from([k.value for k in gags]),
            "statute": ONE_LINE,
            "until": st.none() | DATES.map(dt.date.isoformat),
        },
        optional={"review_notice": st.booleans()},
    )
    optional(document, "nondisclosure", draw, nondisclosure)
    if preserving:
        preservation = st.fixed_dictionaries(
            {
                "extends": NON_BLANK,
                "prior_extensions": st.integers(0, 2**31 - 1),
                "prior_expires_on": DATES.map(dt.date.isoformat),
            }
        )
        optional(document, "preservation", draw, preservation)
    return document


@SETTINGS
@given(valid_documents())
def test_a_valid_document_loads_and_its_to_dict_loads_to_an_equal_request(
    document: dict[str, Any],
) -> None:
    request = load_request(document)
    again = load_request(request.to_dict())
    assert again == request
    assert again.to_dict() == request.to_dict()


@SETTINGS
@given(valid_documents())
def test_a_valid_document_keeps_its_values(document: dict[str, Any]) -> None:
    request = load_request(document)
    assert request.id == document["id"]
    assert request.process.kind.value == document["process"]["kind"]
    assert [target.value for target in request.targets] == [
        target["value"] for target in document["targets"]
    ]
    assert [category.value for category in request.categories] == document["categories"]
    assert request.received_at.utcoffset() is not None
    assert request.investigation.facts == document["investigation"]["facts"]


# --- Arbitrary input --------------------------------------------------------------------

KNOWN_KEYS = sorted(
    {
        "format", "id", "received_at", "channel", "jurisdiction", "process", "requester",
        "investigation", "targets", "categories", "period", "emergency", "nondisclosure",
        "preservation", "kind", "issued_on", "issuer", "validated_by", "authority", "signed",
        "reference", "return_date", "name", "role", "agency", "email", "phone", "supervisor",
        "callback", "nature", "area", "offense", "max_sentence_years", "committed_online",
        "facts", "offence_location", "person_residence", "value", "start", "end", "danger",
        "imminent", "description", "statute", "until", "extends", "prior_extensions",
        "prior_expires_on", "us_person", "review_notice",
    }
)  # fmt: skip
PLAUSIBLE_STRINGS = st.sampled_from(
    [
        "", " ", "dueprocess.request/1", "US", "US-CA", "2024-02-29", "2023-02-29",
        "2017-03-02T15:04:05Z", "2017-03-02T15:04:05", "a@b.co", "+1 202 555 0100",
        "subscriber", "content", "emergency_request", "preservation_request", "judge",
        "criminal", "fraud", "email", "phone", "death", "court_order", "confirmed", "\ud800",
        "cloud_act_order", "certification", "national_security_letter", "PR", "payment_fraud",
        "a\nb", "x" * 5000,
    ]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**64, -(2**64), 10**400, 2**31, -1, 0, math.nan, math.inf, -math.inf])
    | st.floats()
    | st.text(max_size=20)
    | PLAUSIBLE_STRINGS
)
KEYS = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8) | st.integers() | st.none() | st.floats()
JSON_LIKE = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children)
        | st.dictionaries(KEYS, children, max_size=5)
    ),
    max_leaves=30,
)
# JSON_LIKE is mostly containers; where a value replaces a field, scalars matter as much.
VALUES = SCALARS | JSON_LIKE


def check_outcome(document: Any) -> None:
    """Load; the only exception allowed is InvalidRequest, with safe one-line problems."""
    try:
        request = load_request(document)
    except InvalidRequest as caught:
        check_problems(caught)
    else:
        assert isinstance(request, LegalRequest)
        assert load_request(request.to_dict()) == request


def check_problems(error: InvalidRequest) -> None:
    assert error.problems
    assert len(error.problems) <= MAX_PROBLEMS + 1
    for problem in error.problems:
        assert problem.path.startswith("$")
        assert problem.path.isascii()
        for text in (problem.path, problem.message):
            assert len(text) < 600
            assert not any(unicodedata.category(char) in UNSAFE for char in text)
    assert len(str(error).splitlines()) == len(error.problems) + 1


@SETTINGS
@given(JSON_LIKE)
def test_any_json_like_value_gives_a_request_or_invalid_request(document: Any) -> None:
    check_outcome(document)


@SETTINGS
@given(st.dictionaries(st.sampled_from(KNOWN_KEYS), VALUES, max_size=14))
def test_any_object_with_the_formats_keys_gives_a_request_or_invalid_request(
    document: dict[str, Any],
) -> None:
    check_outcome(document)


def locations(node: Any) -> list[Any]:
    """Every container in a document (the document itself included)."""
    found = [node]
    children = node.values() if isinstance(node, dict) else node
    for child in children:
        if isinstance(child, (dict, list)):
            found.extend(locations(child))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(draw(valid_documents()))
    for _ in range(draw(st.integers(1, 3))):
        node = draw(st.sampled_from(locations(document)))
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        operation = draw(st.sampled_from(["replace", "delete", "insert"]))
        if operation == "insert" or not keys:
            if isinstance(node, dict):
                node[draw(st.sampled_from(KNOWN_KEYS) | st.text(max_size=5))] = draw(VALUES)
            else:
                node.insert(draw(st.integers(0, len(node))), draw(VALUES))
        elif operation == "delete":
            del node[draw(st.sampled_from(keys))]
        else:
            node[draw(st.sampled_from(keys))] = draw(VALUES)
    return document


@SETTINGS
@given(mutated_documents())
def test_a_mutated_valid_document_gives_a_request_or_invalid_request(
    document: dict[str, Any],
) -> None:
    check_outcome(document)


@SETTINGS
@given(valid_documents(), st.sampled_from(KNOWN_KEYS))
def test_an_unknown_key_added_anywhere_is_reported_at_its_path(
    document: dict[str, Any], known: str
) -> None:
    objects = [node for node in locations(document) if isinstance(node, dict)]
    for node in objects:
        node["zz_" + known] = None
    with pytest.raises(InvalidRequest) as caught:
        load_request(document)
    unknown = [problem.path for problem in caught.value.problems if "zz_" in problem.path]
    assert len(unknown) == len(objects)
    assert all(path.endswith(f".zz_{known}") for path in unknown)
