"""Records (``dueprocess.record/1``) and identities: strict parsing, canonical bytes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings

from dueprocess import (
    Category,
    Identity,
    Record,
    TargetKind,
    identity_key,
    read_identities,
    read_records,
)
from dueprocess.exceptions import InvalidDocument, InvalidRecords

from ..production_support import canonical, records

UTC = dt.timezone.utc

GOOD: dict[str, Any] = {
    "account": "100001",
    "category": "session_logs",
    "at": "2017-02-01T10:00:00Z",
    "fields": {"ip": "203.0.113.7", "event": "login"},
}


def good(**changes: Any) -> dict[str, Any]:
    document = {**GOOD, **changes}
    return {key: value for key, value in document.items() if value is not None}


def test_a_record_reads_from_its_document_and_writes_canonical_bytes() -> None:
    record = Record.from_dict(good())
    assert record.account == "100001"
    assert record.category is Category.SESSION_LOGS
    assert record.at == dt.datetime(2017, 2, 1, 10, tzinfo=UTC)
    assert record.canonical_bytes() == canonical(GOOD)
    assert record.to_dict() == GOOD


def test_canonical_bytes_keep_non_ascii_as_utf8_and_sort_nested_keys() -> None:
    record = Record.from_dict(good(category="content", fields={"z": {"b": 1, "a": "é"}}))
    assert record.canonical_bytes() == (
        b'{"account":"100001","at":"2017-02-01T10:00:00Z","category":"content",'
        b'"fields":{"z":{"a":"\xc3\xa9","b":1}}}'
    )


def test_canonical_bytes_show_microseconds_only_when_present() -> None:
    plain = Record.from_dict(good(at="2017-02-01T10:00:00.000000Z"))
    fraction = Record.from_dict(good(at="2017-02-01T10:00:00.5Z"))
    assert b'"at":"2017-02-01T10:00:00Z"' in plain.canonical_bytes()
    assert b'"at":"2017-02-01T10:00:00.500000Z"' in fraction.canonical_bytes()


def test_a_record_with_a_non_utc_instant_prints_it_in_utc() -> None:
    moment = dt.datetime(2017, 2, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    record = Record("1", Category.CONTENT, moment, {})
    assert b'"at":"2017-02-01T10:00:00Z"' in record.canonical_bytes()


@settings(max_examples=80, deadline=None)
@given(records())
def test_canonical_bytes_read_back_to_the_same_record(record: Record) -> None:
    data = record.canonical_bytes()
    assert data == canonical(json.loads(data))
    if record.category in (Category.NON_CONTENT, Category.LOCATION, Category.CONTENT):
        assert Record.from_dict(json.loads(data)).canonical_bytes() == data


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ([], "$", "expected a JSON object"),
        (good(account=None), "$.account", "required"),
        ({**GOOD, "extra": 1}, "$.extra", "unknown key"),
        (good(account=""), "$.account", "non-empty string"),
        (good(account=7), "$.account", "non-empty string"),
        (good(account=" 1"), "$.account", "white space"),
        (good(category="messages"), "$.category", "expected one of subscriber"),
        (good(at="2017-02-01T10:00:00"), "$.at", "has no offset"),
        (good(at="2017-02-01T10:00:00+01:00"), "$.at", "must be UTC"),
        (good(at="2017-02-30T10:00:00Z"), "$.at", "not a real date"),
        (good(at=1485943200), "$.at", "timestamp string"),
        (good(fields=[]), "$.fields", "expected a JSON object"),
        (good(fields={"ip": "1.2.3.4"}), "$.fields.event", "login"),
        (good(fields={"event": "in", "ip": "1.2.3.4"}), "$.fields.event", "login"),
        (good(fields={"event": "login"}), "$.fields.ip", "IP address"),
        (good(fields={"event": "login", "ip": " "}), "$.fields.ip", "IP address"),
        (
            good(category="subscriber", fields={"name": "A", "emial": "a@b.c"}),
            "$.fields.emial",
            "not a subscriber field",
        ),
        (good(category="content", fields={"x": float("nan")}), "$.fields", "not representable"),
        (good(category="content", fields={"x": object()}), "$.fields", "not representable"),
    ],
)
def test_a_bad_record_is_refused_naming_where_and_why(
    document: Any, path: str, message: str
) -> None:
    with pytest.raises(InvalidRecords) as caught:
        Record.from_dict(document)
    assert any(p.path == path and message in p.message for p in caught.value.problems), (
        caught.value.problems
    )
    assert isinstance(caught.value, InvalidDocument)


def test_every_problem_of_a_record_is_reported_at_once() -> None:
    with pytest.raises(InvalidRecords) as caught:
        Record.from_dict({"account": "", "category": "x", "at": "y", "fields": 1})
    assert [p.path for p in caught.value.problems] == [
        "$.account",
        "$.category",
        "$.at",
        "$.fields",
    ]
    assert str(caught.value).startswith("invalid record (4 problems):")


def test_a_subscriber_record_may_hold_any_of_the_seven_fields() -> None:
    fields = {
        "name": "A",
        "address": "1 Elm Street",
        "email": "a@example.com",
        "phone": "+1 202 555 0100",
        "service_start": "2015-06-01",
        "service_types": ["messages"],
        "payment": "none",
    }
    record = Record.from_dict(good(category="subscriber", fields=fields))
    assert record.fields == fields


def test_only_keeps_the_named_fields_and_leaves_out_missing_ones() -> None:
    record = Record.from_dict(good(category="subscriber", fields={"name": "A", "email": "e"}))
    kept = record.only(("name", "service_start"))
    assert kept.fields == {"name": "A"}
    assert kept.account == record.account
    assert kept.at == record.at
    assert record.fields == {"name": "A", "email": "e"}


def test_a_record_reads_as_a_short_repr() -> None:
    assert repr(Record.from_dict(good())) == (
        "Record('100001', session_logs, 2017-02-01T10:00:00Z, 2 fields)"
    )


def test_read_records_yields_good_lines_and_skips_blank_ones() -> None:
    text = [json.dumps(good()), "", "   ", json.dumps(good(at="2017-02-02T00:00:00Z")).encode()]
    found = list(read_records(text))
    assert [r.at.day for r in found] == [1, 2]


def test_read_records_names_every_bad_line_in_file_order_after_the_last_line() -> None:
    text = [
        json.dumps(good()),
        "not json",
        json.dumps(good(category="x")),
        json.dumps(good()),
        b"\xff\xfe",
        "[" * 100_000,
        json.dumps(good(at="2017", fields=[])),
    ]
    seen: list[Record] = []
    with pytest.raises(InvalidRecords) as caught:
        seen.extend(read_records(text, what="records.jsonl"))
    assert len(seen) == 2
    assert [p.path for p in caught.value.problems] == [
        "line 2",
        "line 3, $.category",
        "line 5",
        "line 6",
        "line 7, $.at",
        "line 7, $.fields",
    ]
    message = str(caught.value)
    assert message.startswith("invalid records.jsonl (6 problems):")
    assert "malformed JSON at column 1" in message
    assert "not UTF-8" in message
    assert "nested too deeply" in message


def test_an_identity_reads_and_normalises_its_value() -> None:
    identity = Identity.from_dict({"account": "1", "kind": "email", "value": "J.Doe@Example.COM"})
    assert identity == Identity("1", TargetKind.EMAIL, "J.Doe@Example.COM")
    assert identity.key == "j.doe@example.com"


@pytest.mark.parametrize(
    ("kind", "value", "key"),
    [
        (TargetKind.EMAIL, " A@B.org ", "a@b.org"),
        (TargetKind.USERNAME, "@Rechnung.Service", "rechnung.service"),
        (TargetKind.USERNAME, "plain", "plain"),
        (TargetKind.PHONE, "+1 (202) 555-0100", "12025550100"),
        (TargetKind.URL, "HTTPS://Example.COM/u/Alice/", "https://example.com/u/Alice"),
        (TargetKind.URL, "https://example.com/u/a?x=1#f", "https://example.com/u/a?x=1#f"),
        (TargetKind.ACCOUNT_ID, " 100001 ", "100001"),
    ],
)
def test_identifiers_match_however_they_were_typed(kind: TargetKind, value: str, key: str) -> None:
    assert identity_key(kind, value) == key


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({"account": "1", "kind": "name", "value": "A"}, "$.kind", "expected one of username"),
        ({"account": "1", "kind": "bogus", "value": "A"}, "$.kind", "expected one of"),
        ({"account": "1", "kind": "email", "value": "nobody"}, "$.value", "e-mail"),
        ({"account": "1", "kind": "phone", "value": "12-34"}, "$.value", "7 to 15 digits"),
        ({"account": "1", "kind": "url", "value": " "}, "$.value", "non-empty"),
        ({"account": "", "kind": "url", "value": "x"}, "$.account", "non-empty"),
        ({"account": "1", "kind": "url"}, "$.value", "required"),
        ("x", "$", "JSON object"),
    ],
)
def test_a_bad_identity_is_refused_naming_where_and_why(
    document: Any, path: str, message: str
) -> None:
    with pytest.raises(InvalidRecords) as caught:
        Identity.from_dict(document)
    assert any(p.path == path and message in p.message for p in caught.value.problems)


def test_read_identities_names_every_bad_line() -> None:
    text = [
        '{"account": "1", "kind": "email", "value": "a@b.org"}',
        '{"account": "1", "kind": "phone", "value": "1"}',
        "{",
    ]
    with pytest.raises(InvalidRecords) as caught:
        list(read_identities(text))
    assert [p.path for p in caught.value.problems] == ["line 2, $.value", "line 3"]
    assert str(caught.value).startswith("invalid identities (2 problems)")
