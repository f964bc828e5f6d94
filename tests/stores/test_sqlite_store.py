"""The SQLite store: schema, all-or-nothing import, lookups, ordered streaming reads."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess import Category, Identity, Record, TargetKind, produce
from dueprocess.adapters import SqliteStore
from dueprocess.exceptions import InvalidRecords, StoreError
from dueprocess.parts import Target
from dueprocess.testing import MemorySink, MemoryStore
from dueprocess.typing import RecordSource

from ..production_support import PRODUCED_AT, at, login, record, records, reviews, subscriber

UTC = dt.timezone.utc


def line(document: dict[str, object]) -> str:
    return json.dumps(document)


def test_a_new_store_has_the_spec_s_tables_and_index(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    SqliteStore(path).close()
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        plan = " ".join(
            str(row)
            for row in connection.execute(
                "EXPLAIN QUERY PLAN SELECT at, fields FROM records WHERE account = ? AND"
                " category = ? AND at BETWEEN ? AND ? ORDER BY at, fields",
                ("1", "session_logs", 0, 1),
            )
        )
    assert {"accounts", "identities", "records"} <= tables
    assert version == 1
    assert "PRIMARY KEY (account=? AND category=? AND at>? AND at<?)" in plan
    assert "TEMP B-TREE" not in plan


def test_a_store_is_a_record_source() -> None:
    with SqliteStore(":memory:") as store:
        assert isinstance(store, RecordSource)
        assert repr(store) == "SqliteStore(':memory:')"


def test_records_come_back_in_time_order_then_by_canonical_bytes() -> None:
    with SqliteStore(":memory:") as store:
        added = store.add_records(
            [
                login("1", "2017-01-02T00:00:00", ip="9.9.9.9"),
                login("1", "2017-01-01T00:00:00", ip="203.0.113.9"),
                login("1", "2017-01-01T00:00:00", ip="203.0.113.1"),
                login("1", "2017-01-01T00:00:00", ip="203.0.113.5", event="logout"),
                login("2", "2017-01-01T00:00:00"),
            ]
        )
        assert added == 5
        found = list(store.records("1", Category.SESSION_LOGS, None, None))
    assert [(r.at.day, r.fields["ip"]) for r in found] == [
        (1, "203.0.113.1"),
        (1, "203.0.113.9"),
        (1, "203.0.113.5"),
        (2, "9.9.9.9"),
    ]


def test_a_range_includes_both_ends_to_the_microsecond() -> None:
    start = at("2017-01-01T00:00:00")
    end = dt.datetime(2017, 1, 31, 23, 59, 59, 999999, tzinfo=UTC)
    inside = [start, end, start + dt.timedelta(microseconds=1)]
    outside = [start - dt.timedelta(microseconds=1), end + dt.timedelta(microseconds=1)]
    with SqliteStore(":memory:") as store:
        store.add_records(
            Record("1", Category.CONTENT, moment, {"n": i})
            for i, moment in enumerate(inside + outside)
        )
        found = [r.at for r in store.records("1", Category.CONTENT, start, end)]
    assert found == sorted(inside)


def test_records_read_back_with_identical_canonical_bytes() -> None:
    originals = [
        subscriber("1"),
        Record("1", Category.CONTENT, at("1969-07-20T20:17:40"), {"text": "é 😀", "n": 1.5}),
        Record(
            "1",
            Category.CONTENT,
            dt.datetime(2017, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            {},
        ),
        Record(
            "1", Category.CONTENT, at("2017-01-01T00:00:00.000001"), {"nested": {"b": [1, None]}}
        ),
    ]
    with SqliteStore(":memory:") as store:
        store.add_records(originals)
        back = list(store.records("1", Category.SUBSCRIBER, None, None))
        back += list(store.records("1", Category.CONTENT, None, None))
    assert sorted(r.canonical_bytes() for r in back) == sorted(
        r.canonical_bytes() for r in originals
    )


def test_importing_the_same_records_twice_keeps_one_copy(tmp_path: Path) -> None:
    text = [line(login("1", "2017-01-01T00:00:00").to_dict()), line(subscriber("1").to_dict())]
    with SqliteStore(tmp_path / "s.sqlite") as store:
        assert store.import_records(text) == 2
        assert store.import_records(text) == 0
        assert store.counts() == {"accounts": 1, "identities": 0, "records": 2}


def test_a_bad_line_imports_nothing_and_every_bad_line_is_named(tmp_path: Path) -> None:
    text = [
        line(login("1", "2017-01-01T00:00:00").to_dict()),
        '{"account": "1"}',
        line(login("2", "2017-01-01T00:00:00").to_dict()),
        "nope",
    ]
    with SqliteStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(InvalidRecords) as caught:
            store.import_records(text, what="r.jsonl")
        assert store.counts() == {"accounts": 0, "identities": 0, "records": 0}
    assert [p.path for p in caught.value.problems] == [
        "line 2, $.category",
        "line 2, $.at",
        "line 2, $.fields",
        "line 4",
    ]
    assert str(caught.value).startswith("invalid r.jsonl (4 problems)")


def test_identities_resolve_targets_however_they_were_typed() -> None:
    with SqliteStore(":memory:") as store:
        added = store.import_identities(
            [
                line({"account": "1", "kind": "email", "value": "J.Doe@Example.com"}),
                line({"account": "1", "kind": "email", "value": "j.doe@example.com"}),
                line({"account": "1", "kind": "phone", "value": "+1 202 555 0100"}),
                line({"account": "1", "kind": "username", "value": "@Rechnung.Service"}),
                line({"account": "3", "kind": "url", "value": "https://example.com/u/x/"}),
            ]
        )
        assert added == 4
        assert (
            store.import_identities(
                [line({"account": "3", "kind": "url", "value": "https://EXAMPLE.com/u/x"})]
            )
            == 0
        )
        resolve = store.resolve
        assert resolve(Target(TargetKind.EMAIL, "j.doe@EXAMPLE.com")) == ("1",)
        assert resolve(Target(TargetKind.PHONE, "12025550100")) == ("1",)
        assert resolve(Target(TargetKind.USERNAME, "rechnung.service")) == ("1",)
        assert resolve(Target(TargetKind.URL, "https://example.com/u/x")) == ("3",)
        assert resolve(Target(TargetKind.ACCOUNT_ID, "3")) == ("3",)
        assert resolve(Target(TargetKind.ACCOUNT_ID, "4")) == ()
        assert resolve(Target(TargetKind.EMAIL, "nobody@example.com")) == ()
        assert resolve(Target(TargetKind.NAME, "J. Doe")) == ()
        assert resolve(Target(TargetKind.QUERY, "everyone")) == ()


def test_values_reach_sql_only_as_bound_parameters() -> None:
    hostile = "1' OR '1'='1"
    with SqliteStore(":memory:") as store:
        store.add_records(
            [login("1", "2017-01-01T00:00:00"), login(hostile, "2017-01-01T00:00:00")]
        )
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, hostile)) == (hostile,)
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, "x' OR 1=1 --")) == ()
        found = list(store.records(hostile, Category.SESSION_LOGS, None, None))
        assert [r.account for r in found] == [hostile]
        assert list(store.records("1' --", Category.SESSION_LOGS, None, None)) == []


def test_a_record_that_cannot_be_stored_faithfully_adds_nothing() -> None:
    with SqliteStore(":memory:") as store:
        with pytest.raises(StoreError, match=r"without a timezone"):
            store.add_records(
                [
                    login("1", "2017-01-01T00:00:00"),
                    Record("1", Category.CONTENT, dt.datetime(2017, 1, 1), {}),
                ]
            )
        with pytest.raises(StoreError, match=r"not JSON"):
            store.add_records(
                [Record("1", Category.CONTENT, at("2017-01-01T00:00:00"), {"x": {1}})]
            )
        assert store.counts()["records"] == 0


def test_many_records_are_added_in_batches() -> None:
    start = at("2017-01-01T00:00:00")
    with SqliteStore(":memory:") as store:
        added = store.add_records(
            Record(str(i % 3), Category.CONTENT, start + dt.timedelta(seconds=i), {})
            for i in range(25_000)
        )
        assert added == 25_000
        assert store.counts() == {"accounts": 3, "identities": 0, "records": 25_000}


def test_reading_streams_and_may_stop_early() -> None:
    start = at("2017-01-01T00:00:00")
    with SqliteStore(":memory:") as store:
        store.add_records(
            Record("1", Category.CONTENT, start + dt.timedelta(seconds=i), {}) for i in range(5000)
        )
        stream = store.records("1", Category.CONTENT, None, None)
        first = next(iter(stream))
        assert first.at == start
        stream.close()
        assert store.counts()["records"] == 5000


def test_a_missing_store_is_refused_unless_it_may_be_created(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no such store"):
        SqliteStore(tmp_path / "missing.sqlite", create=False)
    with pytest.raises(StoreError, match=r"no such store"):
        SqliteStore(tmp_path / "missing.sqlite", readonly=True)
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_read_only_store_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with SqliteStore(path) as store:
        store.add_records([subscriber("1")])
    with SqliteStore(path, readonly=True) as store:
        assert len(list(store.records("1", Category.SUBSCRIBER, None, None))) == 1
        with pytest.raises(StoreError, match=r"cannot add records"):
            store.add_records([subscriber("2")])
        with pytest.raises(StoreError, match=r"cannot add identities"):
            store.add_identities([Identity("2", TargetKind.EMAIL, "a@b.org")])


def test_a_file_that_is_not_a_dueprocess_store_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match=r"not a dueprocess store"):
        SqliteStore(other)
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 7")
    with pytest.raises(StoreError, match=r"schema version 7"):
        SqliteStore(newer)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database, just some text" * 100)
    with pytest.raises(StoreError, match=r"cannot open the store"):
        SqliteStore(garbage)
    with pytest.raises(StoreError, match=r"cannot open the store"):
        SqliteStore(tmp_path, create=False)


def test_sqlite_failures_while_reading_become_store_errors() -> None:
    store = SqliteStore(":memory:")
    store.close()
    with pytest.raises(StoreError, match=r"cannot resolve"):
        store.resolve(Target(TargetKind.ACCOUNT_ID, "1"))
    with pytest.raises(StoreError, match=r"cannot read records"):
        list(store.records("1", Category.CONTENT, None, None))
    with pytest.raises(StoreError, match=r"cannot count"):
        store.counts()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews(), st.lists(records(), min_size=5, max_size=30))
def test_a_production_from_sqlite_is_byte_identical_to_one_from_memory(
    review, store_records
) -> None:  # type: ignore[no-untyped-def]
    identities = [Identity("100002", TargetKind.EMAIL, "a@example.com")]
    memory_sink, sqlite_sink = MemorySink(), MemorySink()
    produce(review, MemoryStore.of(store_records, identities), memory_sink, produced_at=PRODUCED_AT)
    with SqliteStore(":memory:") as store:
        store.add_records(store_records)
        store.add_identities(identities)
        produce(review, store, sqlite_sink, produced_at=PRODUCED_AT)
    assert sqlite_sink.files == memory_sink.files


def test_the_memory_store_refuses_a_naive_record_and_keeps_a_set() -> None:
    store = MemoryStore()
    store.add(record("1", "content", "2017-01-01T00:00:00", text="a"))
    store.add(record("1", "content", "2017-01-01T00:00:00", text="a"))
    assert len(store) == 1
    with pytest.raises(StoreError, match=r"without a timezone"):
        store.add(Record("1", Category.CONTENT, dt.datetime(2017, 1, 1), {}))
    store.add_account("7")
    assert store.resolve(Target(TargetKind.ACCOUNT_ID, "7")) == ("7",)
    assert store.resolve(Target(TargetKind.NAME, "x")) == ()
