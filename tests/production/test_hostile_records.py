"""Hostile records: whatever a store holds, a production is faithful or a clear error.

Stored records are free text typed by users, and a store can be written around
dueprocess (another program, a migration, an attacker with database access). Rows are
written straight into the SQLite files with ``sqlite3``, past every import check: huge
fields, invalid UTF-8, NaN and infinities, repeated keys, fields that are not an object,
instants that are not instants, deep nesting, unexpected categories. Each either gives
a :class:`StoreError` naming the record (account, category and instant), with no output
left behind, or is produced exactly and verifies. The same holds for records handed to
:class:`MemoryStore` and for any record source that yields odd :class:`Record` values.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dueprocess import Category, Record, produce
from dueprocess._production._records import MAX_FIELD_DEPTH, MAX_RECORD_BYTES
from dueprocess.adapters import DirectorySink, SqliteStore, verify_directory
from dueprocess.exceptions import StoreError
from dueprocess.parts import Target
from dueprocess.testing import MemorySink, MemoryStore

from ..production_support import PRODUCED_AT, login, make_review, subscriber

UTC = dt.timezone.utc
REVIEW = make_review()  # subscriber and session_logs of 100001, 2017-01-01 to 2017-02-27
WHEN = dt.datetime(2017, 1, 5, tzinfo=UTC)
WHEN_TEXT = "2017-01-05T00:00:00Z"
MICROS = (WHEN - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(microseconds=1)


class Sql(str):
    """A value written into the row as this SQL expression, not as a bound string."""


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# (id, at, fields, what the StoreError must say)
BROKEN_ROWS: list[tuple[str, object, object, str]] = [
    ("nan", MICROS, '{"event":"login","ip":NaN}', "NaN, which is not JSON"),
    ("infinity", MICROS, '{"event":"login","ip":Infinity}', "Infinity, which is not JSON"),
    ("minus-infinity", MICROS, '{"x":-Infinity}', "-Infinity, which is not JSON"),
    ("float-overflow", MICROS, '{"x":1e400}', "fields are not JSON"),
    ("huge-integer", MICROS, '{"x":' + "9" * 5000 + "}", "integer string conversion"),
    ("duplicate-key", MICROS, '{"event":"login","event":"logout","ip":"x"}', "repeat a key"),
    ("duplicate-nested-key", MICROS, '{"a":{"b":1,"b":2}}', "repeat a key"),
    ("truncated-json", MICROS, '{"event":', "Expecting value"),
    ("not-json", MICROS, "login from 203.0.113.7", "Expecting value"),
    ("array", MICROS, "[1,2]", "not a JSON object"),
    ("pairs", MICROS, '[["event","login"],["ip","x"]]', "not a JSON object"),
    ("string", MICROS, '"login"', "not a JSON object"),
    ("number", MICROS, "7", "not a JSON object"),
    ("null", MICROS, "null", "not a JSON object"),
    ("invalid-utf8", MICROS, Sql("CAST(x'7b2261223a22ff227d' AS TEXT)"), "not UTF-8"),
    ("blob", MICROS, Sql("x'7b7d'"), "fields are not text"),
    ("integer-fields", MICROS, Sql("42"), "not a JSON object"),  # TEXT affinity: '42'
    ("text-instant", "yesterday", "{}", "instant is not a number"),
    ("blob-instant", Sql("x'00'"), "{}", "instant is not a number"),
    ("real-instant", MICROS + 0.5, "{}", "not a whole number of microseconds"),
    ("deep", MICROS, _nested(MAX_FIELD_DEPTH + 1), f"nest more than {MAX_FIELD_DEPTH}"),
    ("deeper-than-python", MICROS, "[" * 100_000 + "]" * 100_000, "recursion"),
    ("huge", MICROS, '{"x":"' + "x" * (MAX_RECORD_BYTES + 1) + '"}', "larger than 16 MiB"),
]


def _store(path: Path, rows: list[tuple[str, str, object, object]]) -> Path:
    """A SQLite store with 100001's subscriber record, a good login, and *rows* written
    straight into its table with sqlite3."""
    with SqliteStore(path) as store:
        store.add_records([subscriber("100001"), login("100001", "2017-01-04T00:00:00")])
    connection = sqlite3.connect(path)
    try:
        for account, category, at, fields in rows:
            values = [account, category, at, fields]
            placeholders = [value if isinstance(value, Sql) else "?" for value in values]
            bound = [value for value in values if not isinstance(value, Sql)]
            connection.execute(f"INSERT INTO records VALUES ({', '.join(placeholders)})", bound)
        connection.commit()
    finally:
        connection.close()
    return path


@pytest.mark.parametrize(
    ("at", "fields", "message"),
    [row[1:] for row in BROKEN_ROWS],
    ids=[row[0] for row in BROKEN_ROWS],
)
def test_a_broken_row_in_the_sqlite_store_stops_the_production_naming_the_record(
    tmp_path: Path, at: object, fields: object, message: str
) -> None:
    path = _store(tmp_path / "store.sqlite", [("100001", "session_logs", at, fields)])
    out = tmp_path / "out"
    with (
        SqliteStore(path, readonly=True) as store,
        pytest.raises(StoreError, match=message) as caught,
    ):
        produce(REVIEW, store, DirectorySink(out), produced_at=PRODUCED_AT)
    text = str(caught.value)
    assert "session_logs" in text
    assert "'100001'" in text
    if isinstance(at, int) and at == MICROS:
        assert WHEN_TEXT in text
    assert len(text) < 1_000  # the row itself is never echoed
    # Nothing that looks like a production, not even a partial folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite"]


@pytest.mark.parametrize(
    "fields",
    [
        '{"event":"login","ip":"203.0.113.9","note":"a\\u0000b\\n\\u001b[2J"}',
        '{"event":"login","ip":"\U0001f600 \u202e"}',
        '{ "ip" : "x" , "event" : "login" }',  # not canonical: read as the same value
        "{}",  # import needs event and ip; a store may hold less
        '{"x":"' + "y" * (1 << 20) + '"}',
        '{"x":' + "1e308" + "}",
        '{"x":-0.0,"y":1.5e-300,"z":12345678901234567890}',
        _nested(MAX_FIELD_DEPTH - 1),
    ],
    ids=["controls", "non-bmp", "spaces", "empty", "one-mib", "big-float", "numbers", "deep"],
)
def test_an_unusual_but_valid_row_is_produced_as_its_value_and_verifies(
    tmp_path: Path, fields: str
) -> None:
    path = _store(tmp_path / "store.sqlite", [("100001", "session_logs", MICROS, fields)])
    out = tmp_path / "out"
    with SqliteStore(path, readonly=True) as store:
        manifest = produce(REVIEW, store, DirectorySink(out), produced_at=PRODUCED_AT)
    assert manifest.records == 3
    assert verify_directory(out, review=REVIEW).ok
    lines = (out / "records.jsonl").read_bytes().split(b"\n")
    document = {"account": "100001", "at": WHEN_TEXT, "category": "session_logs"}
    expected = Record.from_dict({**document, "fields": json.loads(fields)}, strict=False)
    assert lines[2] == expected.canonical_bytes()


def test_rows_of_unexpected_categories_and_other_accounts_are_never_read(tmp_path: Path) -> None:
    path = _store(
        tmp_path / "store.sqlite",
        [
            ("100001", "messages", MICROS, '{"text":"not a category"}'),
            ("100001", "SESSION_LOGS", MICROS, "{}"),
            ("100001", "session_logs ", MICROS, "{}"),
            ("100002", "session_logs", MICROS, "NaN"),
            ("100001'--", "session_logs", MICROS, "{}"),
        ],
    )
    out = tmp_path / "out"
    with SqliteStore(path, readonly=True) as store:
        manifest = produce(REVIEW, store, DirectorySink(out), produced_at=PRODUCED_AT)
        assert store.counts()["records"] == 7
    assert manifest.records == 2
    assert verify_directory(out, review=REVIEW).ok


def test_a_broken_row_outside_the_period_does_not_stop_the_production(tmp_path: Path) -> None:
    # Rows a production never asks for cannot stop it; only what it reads is checked.
    outside = MICROS + 365 * 86_400_000_000
    path = _store(tmp_path / "store.sqlite", [("100001", "session_logs", outside, "NaN")])
    with SqliteStore(path, readonly=True) as store:
        manifest = produce(REVIEW, store, MemorySink(), produced_at=PRODUCED_AT)
    assert manifest.records == 2


def test_a_database_failure_while_streaming_is_a_store_error_with_sqlites_reason(
    tmp_path: Path,
) -> None:
    class Failing:
        def fetchmany(self, size: int) -> list[Any]:
            raise sqlite3.OperationalError("disk I/O error")

    path = _store(tmp_path / "store.sqlite", [])
    query = ("100001", "session_logs", 0, MICROS * 2)
    with SqliteStore(path, readonly=True) as store, pytest.raises(StoreError) as caught:
        store._fetch(Failing(), query, Category.SESSION_LOGS)  # type: ignore[arg-type]
    assert str(caught.value) == f"{path}: cannot read records: disk I/O error"


def test_a_broken_subscriber_row_is_named_whatever_its_instant(tmp_path: Path) -> None:
    path = _store(tmp_path / "store.sqlite", [("100001", "subscriber", -(2**62), "{}")])
    with SqliteStore(path, readonly=True) as store, pytest.raises(StoreError) as caught:
        produce(REVIEW, store, MemorySink(), produced_at=PRODUCED_AT)
    assert "subscriber record of account '100001'" in str(caught.value)
    assert str(-(2**62)) in str(caught.value)


# --- MemoryStore -------------------------------------------------------------------------


def _record(**changes: Any) -> Any:
    values: dict[str, Any] = {
        "account": "100001",
        "category": Category.SESSION_LOGS,
        "at": WHEN,
        "fields": {"event": "login", "ip": "203.0.113.7"},
    }
    values.update(changes)
    return Record(**values)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_record(fields={"x": float("nan")}), "fields that are not JSON"),
        (_record(fields={"x": float("inf")}), "fields that are not JSON"),
        (_record(fields={"x": {1, 2}}), "fields that are not JSON"),
        (_record(fields={"x": "\ud800"}), "fields that are not JSON"),
        (_record(fields=[("event", "login")]), "fields that are not a JSON object"),
        (_record(fields="event=login"), "fields that are not a JSON object"),
        (_record(fields={1: "a"}), "key that is not a string"),
        (_record(fields={"a": [{2: "b"}]}), "key that is not a string"),
        (_record(fields=json.loads(_nested(MAX_FIELD_DEPTH + 1))), "nested more than"),
        (_record(at=dt.datetime(2017, 1, 5)), "without a timezone"),
        (_record(at=WHEN_TEXT), "no instant"),
        (_record(category="session_logs"), "not one of the five"),
        (_record(account=""), "no account id"),
        (_record(account=None), "no account id"),
        ("not a record", "not a Record"),
    ],
    ids=[
        "nan", "infinity", "set", "surrogate", "pairs", "string", "int-key", "nested-int-key",
        "deep", "naive", "text-instant", "text-category", "empty-account", "no-account",
        "not-a-record",
    ],
)  # fmt: skip
def test_the_memory_store_refuses_a_record_it_cannot_hold_faithfully_naming_it(
    record: Any, message: str
) -> None:
    store = MemoryStore()
    with pytest.raises(StoreError, match=message) as caught:
        store.add(record)
    if isinstance(record, Record):
        assert repr(record.account) in str(caught.value)
    assert len(store) == 0
    with pytest.raises(StoreError, match=message):
        MemoryStore.of([subscriber("100001"), record])


@pytest.mark.parametrize(
    "fields",
    [
        {"event": "login", "ip": "a\x00b\n\x1b[2J"},
        {"event": "login", "ip": "\U0001f600", "\u202e": "bidi"},
        {"x": "y" * (1 << 20)},
        json.loads(_nested(MAX_FIELD_DEPTH - 1)),
        {},
    ],
    ids=["controls", "non-bmp", "one-mib", "deep", "empty"],
)
def test_the_memory_store_produces_unusual_records_exactly(fields: dict[str, Any]) -> None:
    store = MemoryStore.of([subscriber("100001"), _record(fields=fields)])
    sink = MemorySink()
    produce(REVIEW, store, sink, produced_at=PRODUCED_AT)
    lines = sink.files["records.jsonl"].split(b"\n")
    assert json.loads(lines[1])["fields"] == fields


# --- any record source -----------------------------------------------------------------


class _Answering:
    """A record source that answers every question with the records it was given."""

    def __init__(self, answer: list[Any]) -> None:
        self.answer = answer

    def resolve(self, target: Target) -> tuple[str, ...]:
        return ("100001",)

    def records(self, account: str, category: Category, start: Any, end: Any) -> Iterator[Any]:
        if category is Category.SESSION_LOGS:
            yield from self.answer


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_record(fields=[("event", "login"), ("ip", "x")]), "fields are a list, not a JSON object"),
        (_record(fields="event=login"), "fields are a str, not a JSON object"),
        (_record(fields={"x": float("nan")}), f"record at {WHEN_TEXT} cannot be produced"),
        (_record(fields={"x": "\ud800"}), f"record at {WHEN_TEXT} cannot be produced"),
        (_record(fields={"x": "y" * MAX_RECORD_BYTES}), "larger than 16 MiB"),
        (_record(fields=json.loads(_nested(MAX_FIELD_DEPTH + 1))), "nest more than"),
    ],
    ids=["pairs", "string", "nan", "surrogate", "huge", "deep"],
)
def test_a_source_yielding_a_record_that_cannot_be_produced_faithfully_is_stopped(
    tmp_path: Path, record: Record, message: str
) -> None:
    out = tmp_path / "out"
    with pytest.raises(StoreError, match=message) as caught:
        produce(REVIEW, _Answering([record]), DirectorySink(out), produced_at=PRODUCED_AT)
    assert "'100001'" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("account", ["a\nb", "a\x00b", "\x1b[2J", "a\u2028b", "\ud800"])
def test_an_account_id_that_could_forge_a_line_is_refused_before_anything_is_written(
    tmp_path: Path, account: str
) -> None:
    class Resolving(_Answering):
        def resolve(self, target: Target) -> tuple[str, ...]:
            return (account,)

    with pytest.raises(StoreError, match="not an account id"):
        produce(REVIEW, Resolving([]), DirectorySink(tmp_path / "out"), produced_at=PRODUCED_AT)
    assert list(tmp_path.iterdir()) == []


# --- the SQL store, on SQLite -----------------------------------------------------------


def _sql_store(path: Path, fields: str, at: object = "2017-01-05 00:00:00.000000") -> Any:
    pytest.importorskip("sqlalchemy", reason="the SQL store needs the sql extra")
    from dueprocess.adapters import SqlStore

    with SqlStore(f"sqlite:///{path}") as store:
        store.add_records([subscriber("100001")])
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO dueprocess_records VALUES (?, ?, ?, ?, ?)",
        ("100001", "session_logs", at, "0" * 64, fields),
    )
    connection.commit()
    connection.close()
    return SqlStore(f"sqlite:///{path}", readonly=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ('{"x":NaN}', f"record at {WHEN_TEXT} cannot be produced"),
        ('{"x":1e400}', f"record at {WHEN_TEXT} cannot be produced"),
        ('{"x":', "cannot read records"),
        ("[1,2]", "not a JSON object"),
        ('[["event","login"]]', "not a JSON object"),
        ('"x"', "not a JSON object"),
        (_nested(MAX_FIELD_DEPTH + 1), "nest more than"),
    ],
    ids=["nan", "float-overflow", "truncated", "array", "pairs", "string", "deep"],
)
def test_a_broken_row_in_the_sql_store_stops_the_production(
    tmp_path: Path, fields: str, message: str
) -> None:
    out = tmp_path / "out"
    with (
        _sql_store(tmp_path / "sql.sqlite", fields) as store,
        pytest.raises(StoreError, match=message),
    ):
        produce(REVIEW, store, DirectorySink(out), produced_at=PRODUCED_AT)
    assert not out.exists()


def test_a_row_of_the_sql_store_with_a_broken_instant_stops_the_production(
    tmp_path: Path,
) -> None:
    with (
        _sql_store(tmp_path / "sql.sqlite", "{}", at="2017-01-05 yesterday") as store,
        pytest.raises(StoreError),
    ):
        produce(REVIEW, store, MemorySink(), produced_at=PRODUCED_AT)


def test_a_row_of_the_sql_store_that_repeats_a_key_stops_the_production(tmp_path: Path) -> None:
    fields = '{"event":"login","event":"logout","ip":"x"}'
    with _sql_store(tmp_path / "sql.sqlite", fields) as store, pytest.raises(StoreError):
        produce(REVIEW, store, MemorySink(), produced_at=PRODUCED_AT)
