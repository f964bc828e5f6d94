"""load_request: every rule of request.md, each at its JSON path (see also docs/limits.md)."""

from __future__ import annotations

import copy
import datetime as dt
import types
from typing import Any

import pytest

from dueprocess import Category, LegalRequest, ProcessKind, TargetKind, load_request
from dueprocess._base._text import QUOTE_LIMIT
from dueprocess._intake._fields import problem_order
from dueprocess._intake._limits import (
    MAX_CATEGORIES,
    MAX_ID_LENGTH,
    MAX_INTEGER,
    MAX_PROBLEMS,
    MAX_STRING_LENGTH,
    MAX_TARGETS,
    MAX_TEXT_LENGTH,
)
from dueprocess.exceptions import InvalidRequest, Problem
from dueprocess.parts import Area, Callback, Channel, Danger, Nature, NondisclosureKind, Role

MINIMAL: dict[str, Any] = {
    "format": "dueprocess.request/1",
    "id": "HSI-2017-0042",
    "received_at": "2017-03-02T15:04:05Z",
    "channel": "portal",
    "jurisdiction": "US",
    "process": {
        "kind": "administrative_subpoena",
        "issued_on": "2017-02-27",
        "issuer": {"name": "Special Agent in Charge", "role": "agency"},
        "authority": "19 U.S.C. 1509",
        "signed": True,
    },
    "requester": {
        "agency": "U.S. Immigration and Customs Enforcement",
        "name": "Special Agent J. Doe",
        "email": "j.doe@ice.dhs.gov",
    },
    "investigation": {
        "nature": "criminal",
        "area": "child_exploitation",
        "facts": "The account was used to entice a minor.",
    },
    "targets": [{"kind": "account_id", "value": "100001"}],
    "categories": ["subscriber", "session_logs"],
}

# Every optional key present, on the kind that allows an emergency.
FULL: dict[str, Any] = {
    "format": "dueprocess.request/1",
    "id": "EPOC-2026-17",
    "received_at": "2026-10-05T11:30:00+02:00",
    "channel": "email",
    "jurisdiction": "DE-NW",
    "process": {
        "kind": "eu_production_order",
        "issued_on": "2026-10-01",
        "issuer": {"name": "Staatsanwaltschaft Köln", "role": "prosecutor"},
        "validated_by": {"name": "Amtsgericht Köln", "role": "investigating_judge"},
        "authority": "Regulation (EU) 2023/1543, Art. 4(2)",
        "signed": True,
        "reference": "502 Gs 1207/26",
        "return_date": "2026-10-15",
    },
    "requester": {
        "agency": "Staatsanwaltschaft Köln",
        "name": "Oberstaatsanwältin M. Weber",
        "email": "m.weber@sta-koeln.justiz.de",
        "phone": "+49 221 477 0",
        "supervisor": {"name": "LOStA K. Braun", "phone": "+49 221 477 1"},
        "callback": "confirmed",
    },
    "investigation": {
        "nature": "criminal",
        "area": "fraud",
        "offense": "§ 263 StGB (Betrug)",
        "max_sentence_years": 5,
        "committed_online": True,
        "facts": "Forged invoices were sent.\nThe login addresses show who sent them.",
        "offence_location": "DE",
        "person_residence": "FR",
    },
    "targets": [
        {"kind": "username", "value": "rechnung.service"},
        {"kind": "email", "value": "rechnung@example.de"},
        {"kind": "phone", "value": "+49 (221) 555-01.23"},
    ],
    "categories": ["subscriber", "non_content"],
    "period": {"start": "2026-06-01", "end": "2026-08-31"},
    "emergency": {
        "danger": "serious_physical_injury",
        "imminent": False,
        "description": "Victims are being defrauded.",
    },
    "nondisclosure": {
        "kind": "request_letter",
        "statute": "§ 101 StPO",
        "until": "2027-01-01",
    },
}

PRESERVATION: dict[str, Any] = {
    **MINIMAL,
    "process": {**MINIMAL["process"], "kind": "preservation_request"},
    "categories": [],
    "preservation": {
        "extends": "PRES-2024-0050",
        "prior_extensions": 1,
        "prior_expires_on": "2024-07-30",
    },
}


DELETE = object()


def document(base: dict[str, Any] = MINIMAL, /, **changes: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with ``changes`` applied.

    A change's name is a path with ``__`` between its parts (``targets__0__value``); the
    value ``DELETE`` removes the key.
    """
    result = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node: Any = result
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is DELETE:
            del node[last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value
    return result


def problems(doc: Any) -> dict[str, str]:
    """Path -> message of every problem; fails if the document loads."""
    with pytest.raises(InvalidRequest) as caught:
        load_request(doc)
    found = caught.value.problems
    result = {problem.path: problem.message for problem in found}
    assert len(result) == len(found), "one problem per path in these tests"
    return result


def paths(doc: Any) -> list[str]:
    return list(problems(doc))


# --- What a valid document becomes --------------------------------------------------


def test_minimal_document_loads_with_typed_values_and_defaults() -> None:
    request = load_request(MINIMAL)
    assert isinstance(request, LegalRequest)
    assert request.id == "HSI-2017-0042"
    assert request.received_at == dt.datetime(2017, 3, 2, 15, 4, 5, tzinfo=dt.timezone.utc)
    assert request.channel is Channel.PORTAL
    assert request.process.kind is ProcessKind.ADMINISTRATIVE_SUBPOENA
    assert request.process.issued_on == dt.date(2017, 2, 27)
    assert request.process.issuer.role is Role.AGENCY
    assert request.process.validated_by is None
    assert request.process.reference is None
    assert request.requester.callback is Callback.NOT_ATTEMPTED
    assert request.requester.supervisor is None
    assert request.investigation.committed_online is False
    assert request.investigation.max_sentence_years is None
    assert request.targets[0].kind is TargetKind.ACCOUNT_ID
    assert request.categories == (Category.SUBSCRIBER, Category.SESSION_LOGS)
    assert request.period is None
    assert request.emergency is None
    assert request.nondisclosure is None
    assert request.preservation is None


def test_full_document_keeps_every_optional_value() -> None:
    request = load_request(FULL)
    assert request.jurisdiction == "DE-NW"
    assert request.process.validated_by is not None
    assert request.process.validated_by.role is Role.INVESTIGATING_JUDGE
    assert request.process.return_date == dt.date(2026, 10, 15)
    assert request.requester.callback is Callback.CONFIRMED
    assert request.requester.supervisor is not None
    assert request.requester.supervisor.phone == "+49 221 477 1"
    assert request.investigation.nature is Nature.CRIMINAL
    assert request.investigation.area is Area.FRAUD
    assert request.investigation.max_sentence_years == 5
    assert request.investigation.committed_online is True
    assert request.investigation.person_residence == "FR"
    assert [target.kind for target in request.targets] == [
        TargetKind.USERNAME,
        TargetKind.EMAIL,
        TargetKind.PHONE,
    ]
    assert request.period is not None
    assert request.period.days == 92
    assert request.emergency is not None
    assert request.emergency.danger is Danger.SERIOUS_PHYSICAL_INJURY
    assert request.nondisclosure is not None
    assert request.nondisclosure.kind is NondisclosureKind.REQUEST_LETTER
    assert request.nondisclosure.until == dt.date(2027, 1, 1)


def test_preservation_document_loads_with_no_categories() -> None:
    request = load_request(PRESERVATION)
    assert request.categories == ()
    assert request.preservation is not None
    assert request.preservation.prior_extensions == 1


@pytest.mark.parametrize("doc", [MINIMAL, FULL, PRESERVATION], ids=["minimal", "full", "pres"])
def test_to_dict_loads_again_to_an_equal_request(doc: dict[str, Any]) -> None:
    request = load_request(doc)
    assert load_request(request.to_dict()) == request


def test_to_dict_of_a_utc_document_gives_back_the_document_with_defaults_filled() -> None:
    expected = copy.deepcopy(MINIMAL)
    expected["requester"]["callback"] = "not_attempted"
    expected["investigation"]["committed_online"] = False
    assert load_request(MINIMAL).to_dict() == expected


def test_loading_does_not_change_the_document() -> None:
    doc = copy.deepcopy(FULL)
    load_request(doc)
    assert doc == FULL


def test_any_mapping_and_tuples_are_accepted_as_objects_and_arrays() -> None:
    doc = document(targets=({"kind": "account_id", "value": "1"},), categories=("content",))
    doc["process"] = types.MappingProxyType(doc["process"])
    request = load_request(types.MappingProxyType(doc))
    assert request.categories == (Category.CONTENT,)


# --- The document and its keys -------------------------------------------------------


@pytest.mark.parametrize("value", [None, [], "request", 1, 2.5, True, ("a",)])
def test_a_document_that_is_not_an_object_is_one_problem_at_the_root(value: Any) -> None:
    found = problems(value)
    assert list(found) == ["$"]
    assert found["$"].startswith("expected an object, got ")


def test_an_empty_object_lists_every_required_key_in_the_formats_order() -> None:
    assert paths({}) == [
        "$.format",
        "$.id",
        "$.received_at",
        "$.channel",
        "$.jurisdiction",
        "$.process",
        "$.requester",
        "$.investigation",
        "$.targets",
        "$.categories",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "format",
        "id",
        "received_at",
        "channel",
        "jurisdiction",
        "process",
        "process.kind",
        "process.issued_on",
        "process.issuer",
        "process.issuer.name",
        "process.issuer.role",
        "process.authority",
        "process.signed",
        "requester",
        "requester.agency",
        "requester.name",
        "requester.email",
        "investigation",
        "investigation.nature",
        "investigation.area",
        "investigation.facts",
        "targets",
        "targets.0.kind",
        "targets.0.value",
        "categories",
    ],
)
def test_a_missing_required_key_is_a_problem_at_its_own_path(path: str) -> None:
    found = problems(document(**{path.replace(".", "__"): DELETE}))
    expected = "$." + path.replace(".0.", "[0].")
    assert list(found) == [expected]
    assert found[expected].startswith("is required: expected ")


@pytest.mark.parametrize(
    ("section", "key", "base"),
    [
        ("requester.supervisor", "name", FULL),
        ("requester.supervisor", "phone", FULL),
        ("period", "start", FULL),
        ("period", "end", FULL),
        ("emergency", "danger", FULL),
        ("emergency", "imminent", FULL),
        ("emergency", "description", FULL),
        ("nondisclosure", "kind", FULL),
        ("nondisclosure", "statute", FULL),
        ("process.validated_by", "role", FULL),
        ("preservation", "extends", PRESERVATION),
        ("preservation", "prior_extensions", PRESERVATION),
        ("preservation", "prior_expires_on", PRESERVATION),
    ],
)
def test_a_missing_key_inside_an_optional_object_is_a_problem(
    section: str, key: str, base: dict[str, Any]
) -> None:
    path = f"{section}.{key}".replace(".", "__")
    assert paths(document(base, **{path: DELETE})) == [f"$.{section}.{key}"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("", "$.surprise"),
        ("process", "$.process.surprise"),
        ("process__issuer", "$.process.issuer.surprise"),
        ("process__validated_by", "$.process.validated_by.surprise"),
        ("requester", "$.requester.surprise"),
        ("requester__supervisor", "$.requester.supervisor.surprise"),
        ("investigation", "$.investigation.surprise"),
        ("targets__1", "$.targets[1].surprise"),
        ("period", "$.period.surprise"),
        ("emergency", "$.emergency.surprise"),
        ("nondisclosure", "$.nondisclosure.surprise"),
    ],
)
def test_an_unknown_key_is_a_problem_at_the_unknown_keys_path(where: str, expected: str) -> None:
    doc = document(FULL, **{f"{where}__surprise" if where else "surprise": 1})
    found = problems(doc)
    assert list(found) == [expected]
    assert found[expected].startswith("unknown key")


def test_an_unknown_key_in_preservation_is_a_problem() -> None:
    assert paths(document(PRESERVATION, preservation__renewed=True)) == ["$.preservation.renewed"]


def test_a_misspelt_key_is_reported_with_the_key_it_resembles() -> None:
    doc = document(recieved_at="2017-03-02T15:04:05Z", received_at=DELETE)
    found = problems(doc)
    assert found["$.recieved_at"] == "unknown key; did you mean 'received_at'?"
    assert "$.received_at" in found


def test_an_unknown_key_unlike_any_lists_the_allowed_keys() -> None:
    found = problems(document(period={"start": "2017-01-01", "end": "2017-01-02", "zzz": 1}))
    assert found["$.period.zzz"] == "unknown key; the keys allowed here are end, start"


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("a.b", '$["a.b"]'),
        ("two words", '$["two words"]'),
        ("1st", '$["1st"]'),
        ("über", '$["\\u00fcber"]'),
        ("line\nbreak", '$["line\\nbreak"]'),
        ("", '$[""]'),
        ("k" * 100, '$["' + "k" * QUOTE_LIMIT + '..."]'),
    ],
)
def test_an_odd_unknown_key_appears_json_escaped_in_brackets(key: str, path: str) -> None:
    assert paths(document(**{key: 1})) == [path]


@pytest.mark.parametrize("key", [1, None, 2.5, ("a", "b"), True])
def test_a_key_that_is_not_a_string_is_a_problem_of_its_object(key: Any) -> None:
    doc = document()
    doc["requester"][key] = "x"
    found = problems(doc)
    assert list(found) == ["$.requester"]
    assert found["$.requester"].endswith("keys must be strings")


# --- Top-level fields --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["dueprocess.request/2", "", "dueprocess.review/1", 1, None])
def test_format_must_be_dueprocess_request_1(value: Any) -> None:
    found = problems(document(format=value))
    assert found == {"$.format": found["$.format"]}
    assert "'dueprocess.request/1'" in found["$.format"]


@pytest.mark.parametrize("value", ["x", "A" * MAX_ID_LENGTH, "  padded  ", "é€"])
def test_an_id_of_1_to_128_characters_is_accepted(value: str) -> None:
    assert load_request(document(id=value)).id == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "must not be empty"),
        ("   ", "must not be blank"),
        ("A" * (MAX_ID_LENGTH + 1), "is too long (129 characters)"),
        ("a\nb", "contains a control character (U+000A) at position 1"),
        (42, "expected a string of 1-128 characters, got number 42"),
        (None, "got null"),
    ],
)
def test_a_bad_id_is_a_problem(value: Any, message: str) -> None:
    assert message in problems(document(id=value))["$.id"]


@pytest.mark.parametrize("value", ["portal", "email", "fax", "mail", "in_person"])
def test_each_channel_is_accepted(value: str) -> None:
    assert load_request(document(channel=value)).channel.value == value


@pytest.mark.parametrize("value", ["pigeon", "Portal", "", 1, ["portal"]])
def test_an_unknown_channel_lists_the_channels(value: Any) -> None:
    message = problems(document(channel=value))["$.channel"]
    assert message.startswith("expected one of portal, email, fax, mail, in_person, got ")


@pytest.mark.parametrize(
    "value", ["US", "US-CA", "DE", "GB", "FR-75", "GB-ENG", "CN-11", "X" + "Y"]
)
def test_a_jurisdiction_is_alpha_2_optionally_with_a_subdivision(value: str) -> None:
    assert load_request(document(jurisdiction=value)).jurisdiction == value


@pytest.mark.parametrize(
    "value",
    ["us", "USA", "U", "US-", "US-CALI", "US_CA", "US-ca", "US CA", " US", "ÜS", "", 1],
)
def test_a_malformed_jurisdiction_is_a_problem(value: Any) -> None:
    assert "ISO 3166-1 alpha-2" in problems(document(jurisdiction=value))["$.jurisdiction"]


# --- Dates and timestamps ------------------------------------------------------------


def test_a_leap_day_in_a_leap_year_is_a_date() -> None:
    request = load_request(document(process__issued_on="2024-02-29"))
    assert request.process.issued_on == dt.date(2024, 2, 29)


@pytest.mark.parametrize("value", ["2023-02-29", "1900-02-29", "2017-04-31", "2017-13-01"])
def test_a_day_that_does_not_exist_is_a_problem(value: str) -> None:
    message = problems(document(process__issued_on=value))["$.process.issued_on"]
    assert message == f"{value!r} is not a calendar date"


@pytest.mark.parametrize(
    "value", ["2017/02/27", "27-02-2017", "2017-2-27", "2017-02-27T00:00:00Z", "20170227", ""]
)
def test_a_date_not_written_yyyy_mm_dd_is_a_problem(value: str) -> None:
    message = problems(document(process__issued_on=value))["$.process.issued_on"]
    assert message.startswith("expected a date as YYYY-MM-DD")


@pytest.mark.parametrize("value", [20170227, None, ["2017-02-27"], "2" * 5000])
def test_a_date_that_is_not_a_short_string_is_a_problem_that_does_not_echo_it(
    value: Any,
) -> None:
    message = problems(document(process__issued_on=value))["$.process.issued_on"]
    assert message.startswith("expected a date as YYYY-MM-DD, got ")
    assert len(message) < 200


@pytest.mark.parametrize("value", ["0217-02-27", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_a_date_outside_1900_to_2999_is_a_problem(value: str) -> None:
    message = problems(document(process__issued_on=value))["$.process.issued_on"]
    assert "out of range" in message


@pytest.mark.parametrize("value", ["1900-01-01", "2999-12-31"])
def test_the_first_and_last_day_of_the_range_are_dates(value: str) -> None:
    assert load_request(document(process__return_date=value)).process.return_date


def test_z_and_plus_zero_are_the_same_instant() -> None:
    with_z = load_request(document(received_at="2017-03-02T15:04:05Z"))
    with_zero = load_request(document(received_at="2017-03-02T15:04:05+00:00"))
    assert with_z.received_at == with_zero.received_at
    assert with_z == with_zero


def test_a_timestamp_with_an_offset_is_kept_as_an_aware_datetime_in_that_offset() -> None:
    request = load_request(document(received_at="2017-03-02T15:04:05+02:00"))
    assert request.received_at.utcoffset() == dt.timedelta(hours=2)
    assert request.received_at == dt.datetime(2017, 3, 2, 13, 4, 5, tzinfo=dt.timezone.utc)


def test_a_timestamp_keeps_its_fraction_of_a_second() -> None:
    request = load_request(document(received_at="2017-03-02T15:04:05.25-05:30"))
    assert request.received_at.microsecond == 250_000


def test_a_timestamp_without_an_offset_is_a_problem() -> None:
    message = problems(document(received_at="2017-03-02T15:04:05"))["$.received_at"]
    assert message == "timestamp '2017-03-02T15:04:05' has no offset: add Z or +HH:MM"


@pytest.mark.parametrize(
    "value",
    [
        "2017-03-02 15:04:05Z",
        "2017-03-02T15:04Z",
        "2017-03-02",
        "2017-03-02T25:04:05Z",
        "2023-02-29T00:00:00Z",
        "2017-03-02T15:04:05+24:00",
        "2017-03-02T15:04:05+0200",
        1488467045,
    ],
)
def test_a_malformed_timestamp_is_a_problem(value: Any) -> None:
    assert "$.received_at" in problems(document(received_at=value))


@pytest.mark.parametrize("value", ["1900-01-01T00:30:00+01:00", "2999-12-31T23:00:00-05:00"])
def test_a_timestamp_is_in_range_only_as_a_utc_instant(value: str) -> None:
    # Both fall inside 1900-2999 locally but outside it in UTC, where to_dict writes them.
    assert "out of range" in problems(document(received_at=value))["$.received_at"]


def test_a_timestamp_just_inside_the_range_in_utc_is_accepted() -> None:
    request = load_request(document(received_at="1900-01-01T00:30:00-00:30"))
    assert load_request(request.to_dict()) == request


# --- Process, requester, investigation ----------------------------------------------------


@pytest.mark.parametrize("kind", [kind.value for kind in ProcessKind])
def test_each_process_kind_is_accepted(kind: str) -> None:
    categories = [] if "preservation" in kind else ["subscriber"]
    request = load_request(document(process__kind=kind, categories=categories))
    assert request.process.kind.value == kind


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_issuer_role_is_accepted(role: str) -> None:
    assert load_request(document(process__issuer__role=role)).process.issuer.role.value == role


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("process__kind", "warrant", "$.process.kind"),
        ("process__issuer__role", "sheriff", "$.process.issuer.role"),
        ("process__issuer", "Judge Dredd", "$.process.issuer"),
        ("process__validated_by", [], "$.process.validated_by"),
        ("process__authority", 2703, "$.process.authority"),
        ("process__reference", 42, "$.process.reference"),
        ("requester__callback", "maybe", "$.requester.callback"),
        ("requester__phone", 2025550100, "$.requester.phone"),
        ("requester__supervisor", "SSA R. Ortiz", "$.requester.supervisor"),
        ("investigation__nature", "criminal ", "$.investigation.nature"),
        ("investigation__area", "piracy", "$.investigation.area"),
        ("investigation__offense", ["18 U.S.C. 2422(b)"], "$.investigation.offense"),
        ("investigation__facts", None, "$.investigation.facts"),
        ("investigation__offence_location", "Germany", "$.investigation.offence_location"),
        ("investigation__person_residence", "de", "$.investigation.person_residence"),
        ("investigation__person_residence", "US-CA", "$.investigation.person_residence"),
        ("targets__0__kind", "ip_address", "$.targets[0].kind"),
        ("targets__0", "100001", "$.targets[0]"),
        ("targets", {"kind": "account_id", "value": "1"}, "$.targets"),
        ("categories", "subscriber", "$.categories"),
        ("period", ["2017-01-01", "2017-02-27"], "$.period"),
    ],
)
def test_a_value_of_the_wrong_kind_is_a_problem_at_its_path(
    path: str, value: Any, expected: str
) -> None:
    assert paths(document(**{path: value})) == [expected]


@pytest.mark.parametrize("value", [1, 0, "true", None, [True]])
def test_signed_must_be_a_boolean_not_a_number_or_string(value: Any) -> None:
    message = problems(document(process__signed=value))["$.process.signed"]
    assert message.startswith("expected true or false, got ")


@pytest.mark.parametrize("value", [1, 0, "false"])
def test_committed_online_must_be_a_boolean(value: Any) -> None:
    assert paths(document(investigation__committed_online=value)) == [
        "$.investigation.committed_online"
    ]


@pytest.mark.parametrize(
    "value", ["j.doe@ice.dhs.gov", "a@b.co", "x+tag@mail.example.org", "a@b.c."]
)
def test_a_requester_email_with_one_at_and_a_dotted_domain_is_accepted(value: str) -> None:
    assert load_request(document(requester__email=value)).requester.email == value


@pytest.mark.parametrize(
    "value",
    [
        "not-an-address",
        "@ice.dhs.gov",
        "j.doe@",
        "j.doe@localhost",
        "j@doe@ice.gov",
        "j doe@ice.gov",
        "j.doe@.gov",
        "j.doe@gov.",
        "",
    ],
)
def test_a_requester_email_that_does_not_look_like_an_address_is_a_problem(value: str) -> None:
    message = problems(document(requester__email=value))["$.requester.email"]
    assert message.startswith("expected an email address (one @, a non-empty local part")


@pytest.mark.parametrize("value", [0, 0.5, 5, 12.5, 1e300])
def test_max_sentence_years_is_any_finite_number_at_least_zero(value: float) -> None:
    request = load_request(document(investigation__max_sentence_years=value))
    assert request.investigation.max_sentence_years == value


@pytest.mark.parametrize(
    "value", [-1, -0.5, float("nan"), float("inf"), 10**400, True, False, "5", None, [5]]
)
def test_max_sentence_years_refuses_negatives_non_finite_bools_and_non_numbers(
    value: Any,
) -> None:
    doc = document(investigation__max_sentence_years=value)
    if value is None:  # null on an optional key is the same as no key
        assert load_request(doc).investigation.max_sentence_years is None
    else:
        assert paths(doc) == ["$.investigation.max_sentence_years"]


def test_a_huge_integer_is_described_without_printing_it() -> None:
    message = problems(document(investigation__max_sentence_years=-(10**5000)))[
        "$.investigation.max_sentence_years"
    ]
    assert message == "expected a finite number >= 0, got a very large number"


def test_null_on_an_optional_key_means_the_key_is_absent() -> None:
    doc = document(
        process__reference=None,
        process__validated_by=None,
        requester__callback=None,
        investigation__committed_online=None,
        period=None,
        emergency=None,
        nondisclosure=None,
        preservation=None,
    )
    assert load_request(doc) == load_request(MINIMAL)


def test_empty_facts_and_empty_authority_load_as_empty_strings() -> None:
    request = load_request(document(investigation__facts="", process__authority=""))
    assert request.investigation.facts == ""
    assert request.process.authority == ""


def test_facts_may_span_lines_but_names_may_not() -> None:
    facts = "First line.\r\n\tSecond line."
    assert load_request(document(investigation__facts=facts)).investigation.facts == facts
    message = problems(document(requester__name="J. Doe\nInjected: line"))["$.requester.name"]
    assert message.startswith("contains a control character (U+000A) at position 6;")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\u2028"])
def test_a_control_character_in_a_one_line_string_is_a_problem(char: str) -> None:
    assert paths(document(process__authority=f"18 U.S.C.{char}2703")) == ["$.process.authority"]


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_other_than_tab_or_line_break_in_facts_is_a_problem(
    char: str,
) -> None:
    assert paths(document(investigation__facts=f"a{char}b")) == ["$.investigation.facts"]


def test_an_unpaired_surrogate_is_a_problem_because_it_cannot_be_utf_8() -> None:
    message = problems(document(investigation__facts="bad \ud800 text"))["$.investigation.facts"]
    assert message.startswith("contains an unpaired surrogate (U+D800) at position 4")


# --- Targets and categories ----------------------------------------------------------------


@pytest.mark.parametrize("kind", [kind.value for kind in TargetKind])
def test_each_target_kind_is_accepted(kind: str) -> None:
    value = {"email": "a@b.example", "phone": "+1 202 555 0100"}.get(kind, "someone")
    request = load_request(document(targets=[{"kind": kind, "value": value}]))
    assert request.targets[0].kind.value == kind


def test_targets_may_be_empty() -> None:
    assert load_request(document(targets=[])).targets == ()


@pytest.mark.parametrize("value", ["", " ", "\t", "\n \n"])
def test_a_blank_target_value_is_a_problem(value: str) -> None:
    doc = document(targets=[{"kind": "account_id", "value": "1"}, {"kind": "name", "value": value}])
    assert paths(doc) == ["$.targets[1].value"]


@pytest.mark.parametrize(
    "value",
    ["1234567", "+123456789012345", "+1 (202) 555-0100", "202.555.0100", "0049 221 4770"],
)
def test_a_phone_target_of_7_to_15_digits_with_separators_is_accepted(value: str) -> None:
    assert load_request(document(targets=[{"kind": "phone", "value": value}])).targets


@pytest.mark.parametrize(
    "value",
    ["123456", "+1234567890123456", "1-800-FLOWERS", "202 555 0100 ext 2", "1+2345678", "٠١٢٣٤٥٦٧"],
)
def test_a_phone_target_that_is_not_a_phone_number_is_a_problem(value: str) -> None:
    message = problems(document(targets=[{"kind": "phone", "value": value}]))["$.targets[0].value"]
    assert message.startswith("expected a phone number of 7-15 digits")


def test_an_email_target_is_checked_but_a_username_is_not() -> None:
    assert load_request(document(targets=[{"kind": "username", "value": "not-an-address"}]))
    assert paths(document(targets=[{"kind": "email", "value": "not-an-address"}])) == [
        "$.targets[0].value"
    ]


def test_a_target_value_with_a_bad_kind_is_reported_only_at_the_kind() -> None:
    assert paths(document(targets=[{"kind": "ip", "value": "10.0.0.1"}])) == ["$.targets[0].kind"]


@pytest.mark.parametrize("kind", ["preservation_request", "eu_preservation_order"])
def test_categories_may_be_empty_on_a_preservation_kind(kind: str) -> None:
    assert load_request(document(PRESERVATION, process__kind=kind)).categories == ()


def test_empty_categories_on_another_kind_is_a_problem_at_categories() -> None:
    message = problems(document(categories=[]))["$.categories"]
    assert message.startswith("must not be empty on a administrative_subpoena")


def test_an_unknown_category_is_a_problem_at_its_index() -> None:
    found = problems(document(categories=["subscriber", "dna", 7, None]))
    assert list(found) == ["$.categories[1]", "$.categories[2]", "$.categories[3]"]
    assert found["$.categories[1]"].startswith("expected a category, one of subscriber,")


def test_a_duplicate_category_is_a_problem_at_the_duplicates_index() -> None:
    found = problems(document(categories=["content", "subscriber", "content", "content"]))
    assert found == {
        "$.categories[2]": "duplicate of $.categories[0]; list each category once",
        "$.categories[3]": "duplicate of $.categories[0]; list each category once",
    }


def test_categories_keep_the_order_they_were_given_in() -> None:
    request = load_request(document(categories=["content", "subscriber"]))
    assert request.categories == (Category.CONTENT, Category.SUBSCRIBER)


def test_problems_are_ordered_by_numeric_index() -> None:
    targets = [{"kind": "account_id", "value": ""} for _ in range(12)]
    assert paths(document(targets=targets)) == [f"$.targets[{i}].value" for i in range(12)]


# --- Rules across fields ----------------------------------------------------------------------


def test_a_period_that_starts_after_it_ends_is_a_problem_at_period() -> None:
    found = problems(document(period={"start": "2017-03-01", "end": "2017-02-28"}))
    assert found == {
        "$.period": "start 2017-03-01 is after end 2017-02-28; expected start on or before end"
    }


def test_a_period_of_one_day_is_accepted() -> None:
    request = load_request(document(period={"start": "2024-02-29", "end": "2024-02-29"}))
    assert request.period is not None
    assert request.period.days == 1


def test_the_period_order_rule_is_skipped_when_an_end_does_not_parse() -> None:
    assert paths(document(period={"start": "2017-03-01", "end": "2017-02-30"})) == ["$.period.end"]


EMERGENCY = FULL["emergency"]


@pytest.mark.parametrize(
    "kind", ["emergency_request", "eu_production_order", "eu_preservation_order"]
)
def test_an_emergency_is_allowed_on_an_emergency_request_and_the_eu_orders(
    kind: str,
) -> None:
    assert load_request(document(process__kind=kind, emergency=EMERGENCY)).emergency


@pytest.mark.parametrize("kind", ["subpoena", "search_warrant", "preservation_request"])
def test_an_emergency_on_another_kind_is_a_problem_at_emergency(kind: str) -> None:
    doc = document(process__kind=kind, emergency=EMERGENCY, categories=["subscriber"])
    message = problems(doc)["$.emergency"]
    assert message == (
        f"is not allowed on a {kind}; only on emergency_request, eu_production_order and "
        "eu_preservation_order"
    )


@pytest.mark.parametrize("kind", ["preservation_request", "eu_preservation_order"])
def test_a_preservation_block_is_allowed_on_the_preservation_kinds(kind: str) -> None:
    assert load_request(document(PRESERVATION, process__kind=kind)).preservation


def test_a_preservation_block_on_another_kind_is_a_problem_at_preservation() -> None:
    doc = document(PRESERVATION, process__kind="search_warrant", categories=["content"])
    assert paths(doc) == ["$.preservation"]


def test_rules_that_need_the_process_kind_are_skipped_when_the_kind_does_not_parse() -> None:
    doc = document(PRESERVATION, process__kind="letter", emergency=EMERGENCY)
    assert paths(doc) == ["$.process.kind"]


def test_rules_that_need_the_process_kind_are_skipped_when_the_process_is_missing() -> None:
    doc = document(process=DELETE, emergency=EMERGENCY, categories=[])
    assert paths(doc) == ["$.process"]


def test_an_emergency_that_is_not_an_object_is_only_a_type_problem() -> None:
    found = problems(document(emergency="urgent"))
    assert found == {"$.emergency": "expected an object, got string 'urgent'"}


def test_an_emergency_with_its_own_problems_on_a_wrong_kind_reports_both() -> None:
    doc = document(emergency={"danger": "fire", "imminent": True, "description": ""})
    assert paths(doc) == ["$.emergency", "$.emergency.danger"]


@pytest.mark.parametrize("value", [None, "2027-01-01"])
def test_a_nondisclosure_until_may_be_null_or_a_date(value: str | None) -> None:
    doc = document(nondisclosure={"kind": "court_order", "statute": "2705(b)", "until": value})
    request = load_request(doc)
    assert request.nondisclosure is not None
    assert request.nondisclosure.until == (value and dt.date.fromisoformat(value))


def test_a_nondisclosure_without_until_has_no_end_date() -> None:
    doc = document(nondisclosure={"kind": "court_order", "statute": "18 U.S.C. 2705(b)"})
    request = load_request(doc)
    assert request.nondisclosure is not None
    assert request.nondisclosure.until is None


@pytest.mark.parametrize("value", [0, 7, MAX_INTEGER])
def test_prior_extensions_is_an_integer_at_least_zero(value: int) -> None:
    request = load_request(document(PRESERVATION, preservation__prior_extensions=value))
    assert request.preservation is not None
    assert request.preservation.prior_extensions == value


@pytest.mark.parametrize(
    "value",
    [-1, 1.0, 1.5, True, "1", None, MAX_INTEGER + 1, pytest.param(10**5000, id="huge")],
)
def test_prior_extensions_refuses_negatives_floats_bools_and_huge_numbers(value: Any) -> None:
    doc = document(PRESERVATION, preservation__prior_extensions=value)
    assert paths(doc) == ["$.preservation.prior_extensions"]


def test_preservation_extends_follows_the_id_rules() -> None:
    doc = document(PRESERVATION, preservation__extends="")
    assert problems(doc)["$.preservation.extends"].startswith("must not be empty")


# --- Every problem at once, and the limits ----------------------------------------------------


def test_every_problem_of_a_document_is_listed_at_once() -> None:
    doc = document(
        FULL,
        id="",
        received_at="2017-03-02T15:04:05",
        channel="pigeon",
        process__issuer__role="sheriff",
        requester__email="nobody",
        investigation__max_sentence_years=-3,
        targets__1__value="x@y",
        categories=["subscriber", "subscriber"],
        period__start="2023-02-29",
        nondisclosure__until="soon",
    )
    assert paths(doc) == [
        "$.id",
        "$.received_at",
        "$.channel",
        "$.process.issuer.role",
        "$.requester.email",
        "$.investigation.max_sentence_years",
        "$.targets[1].value",
        "$.categories[1]",
        "$.period.start",
        "$.nondisclosure.until",
    ]


# request.md's tables, in the order they list each object's keys.
SPEC_ORDER = {
    "request": "format id received_at channel jurisdiction process requester investigation"
    " targets categories period emergency nondisclosure preservation",
    "process": "kind issued_on issuer validated_by authority signed reference return_date",
    "issuer": "name role",
    "requester": "agency name email phone supervisor callback",
    "supervisor": "name phone",
    "investigation": "nature area offense max_sentence_years committed_online facts"
    " offence_location person_residence",
    "target": "kind value",
    "period": "start end",
    "emergency": "danger imminent description",
    "nondisclosure": "kind statute until",
    "preservation": "extends prior_extensions prior_expires_on",
}


@pytest.mark.parametrize("table", SPEC_ORDER)
def test_problems_follow_the_order_of_each_objects_table_in_request_md(table: str) -> None:
    keys = SPEC_ORDER[table].split()
    found = [Problem(f"$.{key}", "x") for key in reversed(keys)]
    assert [problem.path for problem in InvalidRequest(found, order=problem_order).problems] == [
        f"$.{key}" for key in keys
    ]


def test_unknown_keys_follow_the_known_ones_in_the_order_they_appear() -> None:
    doc = {"zeta": 1, "id": "", "alpha": 2, "process": {"zz": 1}}
    found = paths({**document(id=DELETE, process=DELETE), **doc})
    assert found == [
        "$.id",
        "$.process.kind",
        "$.process.issued_on",
        "$.process.issuer",
        "$.process.authority",
        "$.process.signed",
        "$.process.zz",
        "$.zeta",
        "$.alpha",
    ]


def test_every_message_is_one_line_and_quotes_values_escaped_and_short() -> None:
    hostile = "evil\n$.id: forged problem\r\x1b[31m" + "x" * 1_000
    doc = document(channel=hostile, categories=[hostile], targets=[{"kind": hostile, "value": "1"}])
    error = problems(doc)
    with pytest.raises(InvalidRequest) as caught:
        load_request(doc)
    assert len(str(caught.value).splitlines()) == 1 + len(error)
    for message in error.values():
        assert "\n" not in message
        assert "\x1b" not in message
        assert f"... ({len(hostile)} characters)" in message
        assert len(message) < 300


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("investigation__facts", MAX_TEXT_LENGTH),
        ("emergency__description", MAX_TEXT_LENGTH),
        ("requester__agency", MAX_STRING_LENGTH),
        ("process__authority", MAX_STRING_LENGTH),
        ("targets__0__value", MAX_STRING_LENGTH),
    ],
)
def test_a_string_longer_than_its_limit_is_a_problem(path: str, limit: int) -> None:
    assert load_request(document(FULL, **{path: "a" * limit}))
    found = problems(document(FULL, **{path: "a" * (limit + 1)}))
    assert list(found.values()) == [
        f"is too long ({limit + 1} characters); expected at most {limit}"
    ]


def test_more_targets_than_the_limit_is_one_problem_at_targets() -> None:
    target = {"kind": "account_id", "value": "1"}
    assert len(load_request(document(targets=[target] * MAX_TARGETS)).targets) == MAX_TARGETS
    found = problems(document(targets=[{"bad": True}] * (MAX_TARGETS + 1)))
    assert found == {"$.targets": f"has 1001 targets; expected at most {MAX_TARGETS}"}


def test_more_categories_than_the_limit_is_one_problem_at_categories() -> None:
    found = problems(document(categories=["subscriber"] * (MAX_CATEGORIES + 1)))
    assert list(found) == ["$.categories"]


def test_problems_past_the_limit_are_cut_with_one_final_problem_saying_so() -> None:
    doc = document(**{f"extra_{i}": i for i in range(3 * MAX_PROBLEMS)})
    with pytest.raises(InvalidRequest) as caught:
        load_request(doc)
    found = caught.value.problems
    assert len(found) == MAX_PROBLEMS + 1
    assert found[0].path == "$"  # the root comes first in path order
    assert found[0].message == (
        f"more than {MAX_PROBLEMS} problems; only the first {MAX_PROBLEMS} are listed"
    )


def test_exactly_the_limit_of_problems_is_listed_without_the_note() -> None:
    doc = document(**{f"extra_{i}": i for i in range(MAX_PROBLEMS)})
    with pytest.raises(InvalidRequest) as caught:
        load_request(doc)
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert all(problem.path != "$" for problem in caught.value.problems)


def test_deep_nesting_in_an_unexpected_place_is_one_problem_and_no_recursion() -> None:
    deep: Any = "bottom"
    for _ in range(100_000):
        deep = [deep]
    found = problems(document(investigation__facts=deep, surprise={"a": deep}))
    assert found == {
        "$.investigation.facts": "expected a string, got an array",
        "$.surprise": found["$.surprise"],
    }


def test_a_value_that_is_not_json_is_described_by_its_python_type() -> None:
    message = problems(document(id=b"HSI-2017"))["$.id"]
    assert message.endswith("got a value of Python type 'bytes', which is not JSON")


# --- rules v2 values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "area",
    ["payment_fraud", "health_care_fraud", "tax", "protectee_threat", "sex_offender_registration"],
)
def test_the_v2_areas_load(area: str) -> None:
    assert load_request(document(investigation__area=area)).investigation.area.value == area


def test_a_cloud_act_order_loads() -> None:
    request = load_request(document(process__kind="cloud_act_order", jurisdiction="GB"))
    assert request.process.kind.value == "cloud_act_order"


@pytest.mark.parametrize("value", [True, False, None])
def test_us_person_is_true_false_or_unknown(value: bool | None) -> None:
    doc = document(investigation__us_person=value)
    if value is None:
        doc["investigation"]["us_person"] = None
    request = load_request(doc)
    assert request.investigation.us_person is value
    assert load_request(request.to_dict()) == request
    assert ("us_person" in request.to_dict()["investigation"]) is (value is not None)


@pytest.mark.parametrize("value", ["yes", 1, [], {}])
def test_us_person_must_be_a_boolean(value: object) -> None:
    message = problems(document(investigation__us_person=value))["$.investigation.us_person"]
    assert message.startswith("expected true or false")


CERTIFICATION = {
    "kind": "certification",
    "statute": "18 U.S.C. 2709(c)(1)",
    "until": None,
    "review_notice": True,
}


def test_a_certification_loads_on_a_national_security_letter_and_round_trips() -> None:
    doc = document(
        process__kind="national_security_letter",
        investigation__nature="national_security",
        nondisclosure=CERTIFICATION,
    )
    request = load_request(doc)
    assert request.nondisclosure is not None
    assert request.nondisclosure.review_notice is True
    assert request.to_dict()["nondisclosure"] == CERTIFICATION
    assert load_request(request.to_dict()) == request


def test_review_notice_defaults_to_false_and_is_left_out_of_the_document() -> None:
    gag = {"kind": "court_order", "statute": "18 U.S.C. 2705(b)", "until": None}
    request = load_request(document(nondisclosure=gag))
    assert request.nondisclosure is not None
    assert request.nondisclosure.review_notice is False
    assert request.to_dict()["nondisclosure"] == gag


@pytest.mark.parametrize("kind", ["subpoena", "search_warrant", "court_order_2703d"])
def test_a_certification_on_another_kind_is_a_problem_at_nondisclosure(kind: str) -> None:
    message = problems(document(process__kind=kind, nondisclosure=CERTIFICATION))["$.nondisclosure"]
    assert "certification" in message
    assert "national_security_letter" in message


def test_review_notice_must_be_a_boolean() -> None:
    gag = dict(CERTIFICATION, review_notice="yes")
    doc = document(
        process__kind="national_security_letter",
        investigation__nature="national_security",
        nondisclosure=gag,
    )
    assert problems(doc)["$.nondisclosure.review_notice"].startswith("expected true or false")


@pytest.mark.parametrize("jurisdiction", ["PR", "GU", "VI", "AS", "MP", "UM", "US-CA", "US-PR"])
def test_us_territories_and_states_are_jurisdictions(jurisdiction: str) -> None:
    assert load_request(document(jurisdiction=jurisdiction)).jurisdiction == jurisdiction
