"""SqlStore, on SQLite and on a real PostgreSQL server: the record source over its own
tables and over a service's tables, the case and audit stores, and opening by URL."""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import itertools
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dueprocess
from dueprocess import Category, Record, TargetKind, produce
from dueprocess._cli import main
from dueprocess.adapters import (
    IdentityTableMapping,
    RecordTableMapping,
    SqlAuditLog,
    SqlExtraMissing,
    SqliteCaseStore,
    SqliteStore,
    SqlStore,
    _sql,
    _sql_mapped,
    _sql_open,
    open_case_store,
    open_record_store,
)
from dueprocess.cases import Case
from dueprocess.exceptions import ConflictError, InvalidRecords, StoreError
from dueprocess.parts import Target
from dueprocess.testing import MemorySink, MemoryStore
from dueprocess.typing import AuditStore, CaseStore, RecordSource

from ..cases_support import harness, request, shared_request, utc
from ..production_support import PRODUCED_AT, login, make_review, record, reviews, subscriber
from ..production_support import records as record_strategy
from ..sql import SqlDatabase, sa
from ..support import make_request

UTC = dt.timezone.utc
SUBSCRIBER_LINE = (
    '{"account": "100001", "category": "subscriber", "at": "2016-05-01T00:00:00Z",'
    ' "fields": {"name": "A. Person", "email": "a@example.com"}}'
)


def lines_of(records: list[Record]) -> list[str]:
    return [json.dumps(r.to_dict(), ensure_ascii=False) for r in records]


def all_of(source: RecordSource, account: str, category: Category) -> list[Record]:
    return list(source.records(account, category, None, None))


def session(account: str, day: int, micro: int = 0, ip: str = "203.0.113.7") -> Record:
    return Record(
        account,
        Category.SESSION_LOGS,
        dt.datetime(2017, 2, day, 10, 0, 0, micro, tzinfo=UTC),
        {"event": "login", "ip": ip},
    )


# --- the record source over the store's own tables -------------------------------------


def test_imported_records_read_back_with_their_canonical_bytes(sql_store: SqlStore) -> None:
    stored = [
        session("100001", 1, 123456),
        session("100001", 2),
        subscriber("100001", phone="+1 202 555 0100", address="Straße 1 😀"),
        record("100001", "content", "2017-02-01T00:00:00", text="hi", size=2, ok=True, x=None),
    ]
    assert sql_store.import_records(lines_of(stored)) == 4
    read = [
        *all_of(sql_store, "100001", Category.SUBSCRIBER),
        *all_of(sql_store, "100001", Category.SESSION_LOGS),
        *all_of(sql_store, "100001", Category.CONTENT),
    ]
    assert [r.canonical_bytes() for r in read] == [
        stored[2].canonical_bytes(),
        stored[0].canonical_bytes(),
        stored[1].canonical_bytes(),
        stored[3].canonical_bytes(),
    ]
    assert all(r.at.utcoffset() == dt.timedelta(0) for r in read)


def test_importing_the_same_records_twice_adds_nothing(sql_store: SqlStore) -> None:
    lines = lines_of([session("1", 1), session("1", 2), session("2", 1)])
    assert sql_store.import_records(lines) == 3
    assert sql_store.import_records([*lines, *lines]) == 0
    assert sql_store.counts() == {"accounts": 2, "identities": 0, "records": 3}


def test_a_bad_line_imports_nothing_and_every_bad_line_is_named(sql_store: SqlStore) -> None:
    lines = [*lines_of([session("1", 1)]), "{not json", '{"account": "1"}']
    with pytest.raises(InvalidRecords) as raised:
        sql_store.import_records(lines, what="logs.jsonl")
    assert [p.path.split(",")[0] for p in raised.value.problems][:2] == ["line 2", "line 3"]
    assert sql_store.counts()["records"] == 0


def test_records_come_in_time_order_inside_inclusive_bounds(sql_store: SqlStore) -> None:
    sql_store.add_records([session("1", day, micro) for day in (3, 1, 2) for micro in (1, 0)])
    start = dt.datetime(2017, 2, 1, 10, 0, 0, 1, tzinfo=UTC)
    end = dt.datetime(2017, 2, 3, 10, 0, 0, 0, tzinfo=UTC)
    found = [r.at for r in sql_store.records("1", Category.SESSION_LOGS, start, end)]
    assert found == [start, start.replace(day=2, microsecond=0), start.replace(day=2), end]
    offset = dt.timezone(dt.timedelta(hours=-5))
    shifted = list(sql_store.records("1", Category.SESSION_LOGS, start.astimezone(offset), None))
    assert len(shifted) == 5


def test_a_question_is_answered_only_with_its_account_and_category(sql_store: SqlStore) -> None:
    sql_store.add_records([session("1", 1), session("2", 1), subscriber("1")])
    assert [r.account for r in all_of(sql_store, "1", Category.SESSION_LOGS)] == ["1"]
    assert all_of(sql_store, "1", Category.CONTENT) == []
    assert all_of(sql_store, "3", Category.SESSION_LOGS) == []


def test_targets_resolve_through_accounts_and_normalised_identities(sql_store: SqlStore) -> None:
    sql_store.add_records([session("100001", 1)])
    added = sql_store.import_identities(
        [
            '{"account": "100002", "kind": "email", "value": "J.Doe@Example.com"}',
            '{"account": "100002", "kind": "email", "value": "j.doe@example.com"}',
            '{"account": "100001", "kind": "phone", "value": "+1 (202) 555-0100"}',
        ]
    )
    assert added == 2
    assert sql_store.add_identities([]) == 0
    assert sql_store.resolve(Target(TargetKind.EMAIL, " j.DOE@example.COM")) == ("100002",)
    assert sql_store.resolve(Target(TargetKind.PHONE, "12025550100")) == ("100001",)
    assert sql_store.resolve(Target(TargetKind.ACCOUNT_ID, "100002")) == ("100002",)
    assert sql_store.resolve(Target(TargetKind.ACCOUNT_ID, "999")) == ()
    assert sql_store.resolve(Target(TargetKind.NAME, "100001")) == ()
    assert sql_store.resolve(Target(TargetKind.QUERY, "anything")) == ()


def test_a_production_from_sql_equals_one_from_sqlite(sql_store: SqlStore, tmp_path: Path) -> None:
    data = [subscriber("100001"), *(login("100001", f"2017-01-{d:02d}T08:00:00") for d in (3, 9))]
    data += [login("100002", "2017-01-05T08:00:00"), record("100001", "content", "2017-01-04")]
    review = make_review(
        targets=[("account_id", "100001"), ("account_id", "100002")],
        decisions={"subscriber": ("name",), "session_logs": "disclose", "content": "withhold"},
    )
    sql_store.import_records(lines_of(data))
    ours, theirs = MemorySink(), MemorySink()
    manifest = produce(review, sql_store, ours, produced_at=PRODUCED_AT)
    with SqliteStore(tmp_path / "reference.sqlite") as reference:
        reference.import_records(lines_of(data))
        expected = produce(review, reference, theirs, produced_at=PRODUCED_AT)
    assert manifest == expected
    assert ours.files == theirs.files
    assert manifest.records == 4


_examples = itertools.count()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.lists(record_strategy(), max_size=25), review=reviews())
def test_any_production_from_sql_equals_the_in_memory_one(
    sql_database: SqlDatabase, data: list[Record], review: dueprocess.Review
) -> None:
    memory = MemoryStore.of(data)
    with sql_database.store(prefix=f"h{next(_examples)}_") as store:
        store.add_records(data)
        ours, theirs = MemorySink(), MemorySink()
        produce(review, store, ours, produced_at=PRODUCED_AT)
        produce(review, memory, theirs, produced_at=PRODUCED_AT)
    assert ours.files == theirs.files


def test_records_stream_from_a_server_side_cursor(sql_database: SqlDatabase) -> None:
    cursors: list[str] = []
    with sql_database.store(yield_per=2) as store:
        store.add_records([session("1", day) for day in range(1, 8)])

        @sa.event.listens_for(store.engine, "before_cursor_execute")
        def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            cursors.append(type(cursor).__name__)

        found = list(store.records("1", Category.SESSION_LOGS, None, None))
    assert len(found) == 7
    if sql_database.backend == "postgresql":
        assert cursors[-1] == "ServerCursor"


def test_records_can_be_abandoned_half_way(sql_store: SqlStore) -> None:
    sql_store.add_records([session("1", day) for day in range(1, 5)])
    stream = iter(sql_store.records("1", Category.SESSION_LOGS, None, None))
    assert next(stream).at.day == 1
    stream.close()  # type: ignore[attr-defined]
    assert len(all_of(sql_store, "1", Category.SESSION_LOGS)) == 4


def test_a_record_that_cannot_be_stored_faithfully_is_refused(sql_store: SqlStore) -> None:
    naive = Record("1", Category.CONTENT, dt.datetime(2017, 1, 1), {})
    with pytest.raises(StoreError, match="without a timezone"):
        sql_store.add_records([naive])
    nan = Record("1", Category.CONTENT, dt.datetime(2017, 1, 1, tzinfo=UTC), {"x": float("nan")})
    with pytest.raises(StoreError, match="not JSON"):
        sql_store.add_records([session("1", 1), nan])
    assert sql_store.counts()["records"] == 0


def test_large_imports_go_in_batches(sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sql, "_BATCH", 3)
    assert sql_store.add_records([session(str(n % 4), 1 + n % 20, n) for n in range(10)]) == 10
    assert sql_store.counts() == {"accounts": 4, "identities": 0, "records": 10}


def test_engines_without_on_conflict_still_skip_held_records(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sql, "_insert_or_ignore", lambda table, dialect: None)
    assert sql_store.add_records([session("1", 1), session("1", 2)]) == 2
    assert sql_store.add_records([session("1", 1), session("1", 3)]) == 1
    assert sql_store.counts()["records"] == 3


def test_engines_without_returning_count_by_rowcount(tmp_path: Path) -> None:
    with SqlStore(f"sqlite:///{tmp_path / 's.db'}") as store:
        store.engine.dialect.insert_executemany_returning = False
        assert store.add_records([session("1", 1), session("1", 2)]) == 2
        assert store.add_records([session("1", 2)]) == 0


# --- opening, schema and errors --------------------------------------------------------


def test_opening_without_create_needs_an_existing_store(sql_database: SqlDatabase) -> None:
    with pytest.raises(StoreError, match="no dueprocess store here"):
        sql_database.store(create=False)
    with pytest.raises(StoreError, match="no dueprocess store here"):
        sql_database.store(readonly=True)
    sql_database.store().close()
    with sql_database.store(create=False) as reopened:
        assert reopened.counts()["records"] == 0


def test_a_read_only_store_reads_and_refuses_to_write(sql_database: SqlDatabase) -> None:
    with sql_database.store() as store:
        store.import_records([SUBSCRIBER_LINE])
    with sql_database.store(readonly=True) as store:
        assert len(all_of(store, "100001", Category.SUBSCRIBER)) == 1
        with pytest.raises(StoreError, match="open read-only"):
            store.import_records([SUBSCRIBER_LINE])


def test_a_store_of_another_schema_version_is_refused(sql_database: SqlDatabase) -> None:
    with sql_database.store() as store, store.engine.begin() as connection:
        meta = store._tables.meta
        connection.execute(sa.update(meta).values(value="99"))
    for create in (True, False):
        with pytest.raises(StoreError, match="schema version '99', expected '2'"):
            sql_database.store(create=create)


def test_database_errors_become_store_errors_without_the_password(
    sql_database: SqlDatabase,
) -> None:
    with sql_database.store() as store:
        with store.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP TABLE {sql_database.table('dueprocess_records')}")
        with pytest.raises(StoreError, match="cannot read records") as raised:
            all_of(store, "1", Category.CONTENT)
        assert "cannot read records" in str(raised.value)
        password = sa.make_url(sql_database.url).password
        if password:
            assert password not in str(raised.value)
            assert password not in repr(store)


def test_a_foreign_table_with_the_stores_name_is_not_taken_for_it(
    sql_database: SqlDatabase,
) -> None:
    engine = sql_database.engine()
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE TABLE {sql_database.table('dueprocess_meta')} (x INT)")
    engine.dispose()
    with pytest.raises(StoreError, match="cannot open the store") as raised:
        sql_database.store(create=False)
    assert "no dueprocess store here" not in str(raised.value)


def test_a_broken_database_file_fails_to_open_with_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot"):
        SqlStore(f"sqlite:///{path}")
    with pytest.raises(StoreError, match="no dueprocess store here"):
        SqlStore(f"sqlite:///{path}", create=False)


def test_a_malformed_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(StoreError, match="not a SQLAlchemy URL") as raised:
        SqlStore("postgresql://user:s3cret@host:notaport/db")
    assert "s3cret" not in str(raised.value)
    with pytest.raises(StoreError, match="nosuchdialect") as raised:
        SqlStore("nosuchdialect://user:s3cret@host/db")
    assert "s3cret" not in str(raised.value)


def test_constructor_arguments_are_checked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(ValueError, match="yield_per"):
        SqlStore(url, yield_per=0)
    with pytest.raises(ValueError, match="give both"):
        SqlStore(url, identity_tables=IdentityTableMapping("u", "id", "email", TargetKind.EMAIL))


def test_a_passed_engine_is_used_and_left_open(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'e.db'}")
    with SqlStore(engine) as store:
        assert store.engine is engine
        store.import_records([SUBSCRIBER_LINE])
        assert "e.db" in repr(store)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM dueprocess_records").scalar() == 1
    engine.dispose()


def test_the_store_is_a_record_source_and_a_case_store(sql_store: SqlStore) -> None:
    assert isinstance(sql_store, RecordSource)
    assert isinstance(sql_store, CaseStore)
    assert isinstance(sql_store.audit, AuditStore)
    assert isinstance(sql_store.audit, SqlAuditLog)
    assert "SqlAuditLog(" in repr(sql_store.audit)


# --- mapping the service's own tables -----------------------------------------------------


@attrs.frozen
class ServiceTables:
    """A service's tables as it designed them, not as dueprocess would."""

    logins: RecordTableMapping
    events: RecordTableMapping
    users: RecordTableMapping
    emails: IdentityTableMapping
    handles: IdentityTableMapping


def _service_tables(database: SqlDatabase) -> ServiceTables:
    metadata = database.metadata()
    logins = sa.Table(
        "login_events",
        metadata,
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("ts", sa.DateTime(timezone=False), nullable=False),
        sa.Column("kind", sa.String(10)),
        sa.Column("client_ip", sa.String(45)),
        sa.Index("login_events_by_user", "user_id", "ts"),
    )
    events = sa.Table(
        "events",
        metadata,
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON),
    )
    users = sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("full_name", sa.String(100)),
        sa.Column("email_lower", sa.String(100)),
        sa.Column("created_at", sa.DateTime(timezone=True)),
        sa.Column("balance", sa.Numeric(10, 2)),
        sa.Column("born_on", sa.Date),
    )
    handles = sa.Table(
        "handles",
        metadata,
        sa.Column("account", sa.String(20)),
        sa.Column("kind", sa.String(10)),
        sa.Column("handle", sa.String(100)),
    )
    engine = database.engine()
    metadata.create_all(engine)
    naive = dt.datetime
    with engine.begin() as connection:
        connection.execute(
            sa.insert(logins),
            [
                {
                    "user_id": 100,
                    "ts": naive(2017, 1, 2, 23, 30),
                    "kind": "login",
                    "client_ip": "a",
                },
                {"user_id": 100, "ts": naive(2017, 1, 1, 0, 0), "kind": "login", "client_ip": "b"},
                {"user_id": 100, "ts": naive(2017, 1, 3, 0, 0), "kind": "logout", "client_ip": "c"},
                {"user_id": 200, "ts": naive(2017, 1, 2), "kind": "login", "client_ip": "d"},
            ],
        )
        connection.execute(
            sa.insert(events),
            [
                {
                    "user_id": 100,
                    "category": "session_logs",
                    "happened_at": dt.datetime(2017, 1, 2, 12, tzinfo=UTC),
                    "payload": {"event": "login", "ip": "e", "n": 1.5},
                },
                {
                    "user_id": 100,
                    "category": "content",
                    "happened_at": dt.datetime(2017, 1, 2, 12, tzinfo=UTC),
                    "payload": None,
                },
            ],
        )
        connection.execute(
            sa.insert(users),
            [
                {
                    "id": 100,
                    "full_name": "A. Person",
                    "email_lower": "a.person@example.com",
                    "created_at": dt.datetime(2015, 6, 1, 8, tzinfo=UTC),
                    "balance": decimal.Decimal("12.50"),
                    "born_on": dt.date(1990, 1, 2),
                }
            ],
        )
        connection.execute(
            sa.insert(handles),
            [
                {"account": "100", "kind": "username", "handle": "aperson"},
                {"account": "300", "kind": "username", "handle": "aperson"},
                {"account": "100", "kind": "url", "handle": "https://example.com/u/aperson"},
            ],
        )
    engine.dispose()
    schema = database.schema
    return ServiceTables(
        logins=RecordTableMapping(
            "login_events",
            account="user_id",
            at="ts",
            category=Category.SESSION_LOGS,
            fields={"event": "kind", "ip": "client_ip"},
            schema=schema,
        ),
        events=RecordTableMapping(
            "events",
            account="user_id",
            at="happened_at",
            category="category",
            fields="payload",
            schema=schema,
        ),
        users=RecordTableMapping(
            "users",
            account="id",
            at="created_at",
            category=Category.SUBSCRIBER,
            fields={"name": "full_name", "email": "email_lower", "balance": "balance"},
            schema=schema,
        ),
        emails=IdentityTableMapping(
            "users", account="id", value="email_lower", kind=TargetKind.EMAIL, schema=schema
        ),
        handles=IdentityTableMapping(
            "handles", account="account", value="handle", kind="kind", schema=schema
        ),
    )


@pytest.fixture
def service(sql_database: SqlDatabase) -> Iterator[tuple[SqlStore, ServiceTables]]:
    tables = _service_tables(sql_database)
    options: dict[str, Any] = {}
    if sql_database.backend == "postgresql":
        # A session time zone far from UTC: naive timestamps must still be read as UTC.
        options = {"connect_args": {"options": "-c timezone=America/New_York"}}
    store = SqlStore(
        sql_database.url,
        record_tables=[tables.logins, tables.events, tables.users],
        identity_tables=[tables.emails, tables.handles],
        schema=sql_database.schema,
        create=False,
        engine_options=options,
    )
    with store:
        yield store, tables


def test_a_mapped_table_reads_as_records(service: tuple[SqlStore, ServiceTables]) -> None:
    store, _ = service
    (user,) = all_of(store, "100", Category.SUBSCRIBER)
    assert user.to_dict() == {
        "account": "100",
        "category": "subscriber",
        "at": "2015-06-01T08:00:00Z",
        "fields": {"name": "A. Person", "email": "a.person@example.com", "balance": "12.50"},
    }


def test_mapped_tables_of_one_category_merge_in_time_order(
    service: tuple[SqlStore, ServiceTables],
) -> None:
    store, _ = service
    found = all_of(store, "100", Category.SESSION_LOGS)
    assert [(r.at.isoformat(), r.fields["ip"]) for r in found] == [
        ("2017-01-01T00:00:00+00:00", "b"),
        ("2017-01-02T12:00:00+00:00", "e"),
        ("2017-01-02T23:30:00+00:00", "a"),
        ("2017-01-03T00:00:00+00:00", "c"),
    ]
    assert found[1].fields == {"event": "login", "ip": "e", "n": 1.5}
    (content,) = all_of(store, "100", Category.CONTENT)
    assert content.fields == {}


def test_bounds_on_a_column_without_time_zone_are_utc(
    service: tuple[SqlStore, ServiceTables],
) -> None:
    store, _ = service
    start = dt.datetime(2017, 1, 2, 23, 30, tzinfo=UTC)
    end = dt.datetime(2017, 1, 3, tzinfo=UTC)
    found = list(store.records("100", Category.SESSION_LOGS, start, end))
    assert [r.fields["ip"] for r in found] == ["a", "c"]


def test_an_integer_account_column_matches_only_the_number_as_written(
    service: tuple[SqlStore, ServiceTables],
) -> None:
    store, _ = service
    assert all_of(store, "0100", Category.SESSION_LOGS) == []
    assert all_of(store, "abc", Category.SESSION_LOGS) == []
    assert store.resolve(Target(TargetKind.ACCOUNT_ID, "0100")) == ()
    assert all_of(store, "200", Category.LOCATION) == []


def test_mapped_identities_resolve_targets(service: tuple[SqlStore, ServiceTables]) -> None:
    store, _ = service
    assert store.resolve(Target(TargetKind.EMAIL, "A.Person@Example.com")) == ("100",)
    assert store.resolve(Target(TargetKind.USERNAME, "@APerson")) == ("100", "300")
    assert store.resolve(Target(TargetKind.URL, "https://EXAMPLE.com/u/aperson/")) == ("100",)
    assert store.resolve(Target(TargetKind.PHONE, "+1 202 555 0100")) == ()
    assert store.resolve(Target(TargetKind.ACCOUNT_ID, "200")) == ("200",)
    assert store.resolve(Target(TargetKind.ACCOUNT_ID, "300")) == ("300",)
    assert store.resolve(Target(TargetKind.ACCOUNT_ID, "400")) == ()


def test_a_production_reads_mapped_tables(service: tuple[SqlStore, ServiceTables]) -> None:
    store, _ = service
    review = make_review(
        targets=[("username", "aperson")],
        decisions={"subscriber": ("name",), "session_logs": "disclose"},
        period=("2017-01-02", "2017-01-02"),
    )
    sink = MemorySink()
    manifest = produce(review, store, sink, produced_at=PRODUCED_AT)
    assert manifest.accounts == ("100", "300")
    assert manifest.counts == {Category.SUBSCRIBER: 1, Category.SESSION_LOGS: 2}
    first = json.loads(sink.files["records.jsonl"].splitlines()[0])
    assert first["fields"] == {"name": "A. Person"}


def test_the_service_tables_are_never_written(service: tuple[SqlStore, ServiceTables]) -> None:
    store, _ = service
    assert store.maps_records
    assert "3 mapped tables" in repr(store)
    with pytest.raises(StoreError, match="never writes them"):
        store.import_records([SUBSCRIBER_LINE])
    with pytest.raises(StoreError, match="never writes them"):
        store.add_identities([])
    with pytest.raises(StoreError, match="never writes them"):
        store.counts()


def test_over_mapped_tables_cases_live_in_the_stores_own_tables(
    sql_database: SqlDatabase,
) -> None:
    tables = _service_tables(sql_database)
    with sql_database.store(record_tables=tables.logins) as store:
        _opened(store)
        assert len(store.audit) == 3
        names = sa.inspect(store.engine).get_table_names(schema=sql_database.schema)
    assert "dueprocess_cases" in names
    assert "dueprocess_records" not in names


def test_a_mapping_that_does_not_fit_its_table_is_named(sql_database: SqlDatabase) -> None:
    tables = _service_tables(sql_database)
    schema = sql_database.schema
    wrong = [
        (attrs.evolve(tables.logins, table="nope"), "names table .*nope.*, which does not exist"),
        (attrs.evolve(tables.logins, at="when"), "column 'when', which table .* lacks"),
        (attrs.evolve(tables.logins, at="client_ip"), "'client_ip' .* not a timestamp"),
        (attrs.evolve(tables.events, fields=["a", "b"]), "columns 'a', 'b', which table"),
    ]
    for mapping, message in wrong:
        store = SqlStore(sql_database.url, record_tables=mapping, schema=schema, create=False)
        with store, pytest.raises(StoreError, match=message):
            all_of(store, "100", Category.SESSION_LOGS)
    bad_identity = attrs.evolve(tables.handles, value="nope")
    with (
        SqlStore(
            sql_database.url,
            record_tables=tables.logins,
            identity_tables=bad_identity,
            create=False,
        ) as s,
        pytest.raises(StoreError, match="column 'nope'"),
    ):
        s.resolve(Target(TargetKind.USERNAME, "x"))


def test_a_fields_column_that_is_not_an_object_is_a_store_error(
    sql_database: SqlDatabase,
) -> None:
    tables = _service_tables(sql_database)
    engine = sql_database.engine()
    with engine.begin() as connection:
        events = sa.Table("events", sa.MetaData(schema=sql_database.schema), autoload_with=engine)
        connection.execute(
            sa.insert(events).values(
                user_id=500,
                category="content",
                happened_at=dt.datetime(2017, 1, 1, tzinfo=UTC),
                payload=[1, 2],
            )
        )
    engine.dispose()
    store = SqlStore(sql_database.url, record_tables=tables.events, create=False)
    with store, pytest.raises(StoreError, match="holds list, not a JSON object"):
        all_of(store, "500", Category.CONTENT)


def test_a_json_text_column_is_parsed(sql_database: SqlDatabase) -> None:
    metadata = sql_database.metadata()
    notes = sa.Table(
        "notes",
        metadata,
        sa.Column("account", sa.String(10)),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("body", sa.Text),
    )
    engine = sql_database.engine()
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(notes).values(
                account="1", at=dt.datetime(2017, 1, 1, tzinfo=UTC), body='{"text": "hi"}'
            )
        )
        connection.execute(
            sa.insert(notes).values(
                account="1", at=dt.datetime(2017, 1, 2, tzinfo=UTC), body="not json"
            )
        )
    engine.dispose()
    mapping = RecordTableMapping(
        "notes", "account", "at", Category.CONTENT, "body", schema=sql_database.schema
    )
    with SqlStore(sql_database.url, record_tables=mapping, create=False) as store:
        stream = iter(store.records("1", Category.CONTENT, None, None))
        assert next(stream).fields == {"text": "hi"}
        with pytest.raises(StoreError, match="cannot read records"):
            next(stream)


def test_column_values_become_exact_json() -> None:
    json_value = _sql_mapped.json_value
    assert json_value(decimal.Decimal("12.50")) == "12.50"
    assert json_value(decimal.Decimal("12.00")) == 12
    assert json_value(dt.date(2017, 1, 2)) == "2017-01-02"
    assert json_value(dt.datetime(2017, 1, 2, 3, 4, 5)) == "2017-01-02T03:04:05Z"
    offset = dt.timezone(dt.timedelta(hours=2))
    assert json_value(dt.datetime(2017, 1, 2, 3, tzinfo=offset)) == "2017-01-02T01:00:00Z"
    assert json_value(ipaddress.ip_address("203.0.113.7")) == "203.0.113.7"
    key = uuid.UUID(int=1)
    assert json_value({"a": [key, (1, None)], 2: True}) == {"a": [str(key), [1, None]], "2": True}
    assert json_value(1.5) == 1.5


def test_only_engines_with_on_conflict_get_an_insert_or_ignore() -> None:
    table = sa.Table("t", sa.MetaData(), sa.Column("a", sa.String, primary_key=True))
    assert _sql._insert_or_ignore(table, "postgresql") is not None
    assert _sql._insert_or_ignore(table, "sqlite") is not None
    assert _sql._insert_or_ignore(table, "trino") is None


def test_a_column_of_unknown_type_compares_accounts_as_text() -> None:
    class Opaque(sa.types.UserDefinedType[Any]):
        cache_ok = True

        @property
        def python_type(self) -> type:
            raise NotImplementedError  # what SQLAlchemy 2.0 does for types it cannot map

    assert not _sql_mapped._is_integer(sa.column("untyped"))
    assert not _sql_mapped._is_integer(sa.column("opaque", Opaque()))
    assert _sql_mapped._is_integer(sa.column("n", sa.BigInteger))
    assert _sql_mapped.account_value("0100", integer=True) is None
    assert _sql_mapped.account_value("100", integer=True) == 100
    assert _sql_mapped.account_value("0100", integer=False) == "0100"


def test_a_timestamp_column_must_hold_timestamps() -> None:
    assert _sql_mapped.instant(dt.date(2017, 1, 2)) == dt.datetime(2017, 1, 2, tzinfo=UTC)
    with pytest.raises(StoreError, match="expected a timestamp"):
        _sql_mapped.instant("2017-01-02")


def test_mappings_accept_the_documented_spellings_and_refuse_others() -> None:
    by_list = RecordTableMapping("t", "a", "at", "cat", ["x", "y"])
    by_map = RecordTableMapping("t", "a", "at", "cat", {"x": "x", "y": "y"})
    assert by_list == by_map
    assert by_list.columns() == ("a", "at", "cat", "x", "y")
    assert by_list.holds(Category.CONTENT)
    fixed = RecordTableMapping("t", "a", "at", Category.CONTENT, "j", schema="s")
    assert fixed.columns() == ("a", "at", "j")
    assert not fixed.holds(Category.SUBSCRIBER)
    assert fixed.qualified_name == "s.t"
    with pytest.raises(ValueError, match="table must be"):
        RecordTableMapping("", "a", "at", "cat", "j")
    with pytest.raises(ValueError, match="category must be"):
        RecordTableMapping("t", "a", "at", None, "j")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind must be"):
        IdentityTableMapping("t", "a", "v", None)  # type: ignore[arg-type]
    identity = IdentityTableMapping("t", "a", "v", "k")
    assert identity.columns() == ("a", "v", "k")
    assert identity.holds(TargetKind.EMAIL)
    assert identity.qualified_name == "t"
    assert IdentityTableMapping("t", "a", "v", TargetKind.EMAIL, "s").qualified_name == "s.t"


# --- cases and the audit log --------------------------------------------------------------


def _opened(store: Any, **changes: Any) -> Case:
    return harness(store).cases.open(request(**changes), actor="intake")


def test_the_audit_log_is_append_only_in_the_database(sql_database: SqlDatabase) -> None:
    with sql_database.store() as store:
        _opened(store)
        audit = sql_database.table("dueprocess_audit")
        for statement in (f"UPDATE {audit} SET case_id = 'x'", f"DELETE FROM {audit}"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as c:
                c.exec_driver_sql(statement)
        assert len(store.audit) == 3


def test_a_second_creator_of_one_case_gets_a_conflict(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _opened(sql_store)
    real = sa.Connection.execute
    calls = itertools.count()

    def blind_first_check(self: sa.Connection, statement: Any, *args: Any, **kw: Any) -> Any:
        # The existence check runs first: pretend it saw nothing, as a concurrent
        # creator would have, so the insert itself must catch the duplicate.
        if next(calls) == 0:
            return real(self, sa.select(sa.literal(1)).where(sa.false()))
        return real(self, statement, *args, **kw)

    monkeypatch.setattr(sa.Connection, "execute", blind_first_check)
    with pytest.raises(ConflictError, match="already exists"):
        sql_store.create(attrs.evolve(case, events=()))


def test_a_hold_stored_concurrently_is_a_conflict(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = harness(sql_store, now=utc(2024, 2, 1, 11))
    case = rig.cases.open(shared_request("09"), actor="intake")
    other = _opened(sql_store, id="OTHER")
    real = sa.Connection.execute

    def blind_owner_check(self: sa.Connection, statement: Any, *args: Any, **kw: Any) -> Any:
        text = str(statement)
        if text.startswith("SELECT") and "dueprocess_holds.case_id" in text:
            return real(self, sa.select(sa.null()).where(sa.false()))
        return real(self, statement, *args, **kw)

    monkeypatch.setattr(sa.Connection, "execute", blind_owner_check)
    with pytest.raises(ConflictError, match="stored by another writer"):
        sql_store.update(attrs.evolve(other, version=2, holds=case.holds), [])


# --- opening by what the user typed -------------------------------------------------------


def test_a_path_opens_the_embedded_sqlite_stores(tmp_path: Path) -> None:
    with open_record_store(str(tmp_path / "r.sqlite")) as records:
        assert isinstance(records, SqliteStore)
    with open_record_store(tmp_path / "r.sqlite", readonly=True) as records:
        assert isinstance(records, SqliteStore)
    with open_case_store(tmp_path / "c.sqlite") as cases:
        assert isinstance(cases, SqliteCaseStore)


def test_a_url_opens_a_sql_store(sql_database: SqlDatabase) -> None:
    spec = sql_database.spec()
    with open_record_store(spec) as records:
        assert isinstance(records, SqlStore)
        records.import_records([SUBSCRIBER_LINE])
    with open_record_store(spec, readonly=True) as records:
        assert isinstance(records, SqlStore)
        assert records.readonly
        assert len(all_of(records, "100001", Category.SUBSCRIBER)) == 1
    with open_case_store(spec) as cases:
        assert isinstance(cases, SqlStore)
        _opened(cases)
    with sql_database.store(create=False) as store:
        assert [case.id for case in store.cases()] == ["REQ-1"]
        assert store.counts()["records"] == 1


def test_without_sqlalchemy_a_url_names_the_sql_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(SqlExtraMissing, match=r"pip install 'dueprocess\[sql\]'") as raised:
        open_record_store("postgresql+psycopg://db.internal/dueprocess")
    assert isinstance(raised.value, StoreError)
    assert isinstance(raised.value, ImportError)
    with pytest.raises(SqlExtraMissing):
        open_case_store("postgresql+psycopg://db.internal/dueprocess")
    with pytest.raises(SqlExtraMissing):
        _sql_open.require_sqlalchemy()


def test_the_core_and_the_adapters_package_import_without_sqlalchemy() -> None:
    code = (
        "import sys\n"
        "sys.modules['sqlalchemy'] = None\n"
        "import dueprocess, dueprocess.adapters, dueprocess._cli\n"
        "import dueprocess.adapters as a\n"
        "a.open_record_store(':memory:').close()\n"
        "try:\n"
        "    a.SqlStore\n"
        "except a.SqlExtraMissing as error:\n"
        "    print('missing:', error)\n"
        "try:\n"
        "    a.SqlAuditLog\n"
        "except ImportError:\n"
        "    print('audit log missing too')\n"
        "try:\n"
        "    a.NoSuchName\n"
        "except AttributeError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "missing: SQL stores need SQLAlchemy" in result.stdout
    assert "audit log missing too" in result.stdout
    assert "has no attribute 'NoSuchName'" in result.stdout


def test_nothing_in_the_core_imports_sqlalchemy() -> None:
    code = (
        "import sys, dueprocess, dueprocess.adapters, dueprocess.testing, dueprocess._cli\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- the command line takes a URL wherever it takes a SQLite file -------------------------


def test_the_command_line_imports_and_produces_through_a_url(
    sql_database: SqlDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.jsonl"
    data = [
        subscriber("100001"),
        *(login("100001", f"2023-03-{d:02d}T10:00:00") for d in (1, 2)),
    ]
    records.write_text("".join(line + "\n" for line in lines_of(data)), encoding="utf-8")
    identities = tmp_path / "ids.jsonl"
    identities.write_text('{"account": "100001", "kind": "email", "value": "s@example.com"}\n')
    request_path = tmp_path / "request.json"
    request_path.write_text(
        json.dumps(make_request(targets=[{"kind": "email", "value": "S@example.com"}]))
    )
    url, path = sql_database.spec(), str(tmp_path / "reference.sqlite")
    for store in (url, path):
        assert main(["store", "import", store, str(records), "--identities", str(identities)]) == 0
    assert "imported 3 new records and 1 new identity" in capsys.readouterr().out
    for store, out in ((url, "from-url"), (path, "from-path")):
        argv = ["produce", str(request_path), "--store", store, "--out", str(tmp_path / out)]
        assert main([*argv, "--produced-at", "2023-05-20T00:00:00Z"]) == 0
    assert "records: 3" in capsys.readouterr().out
    for name in ("records.jsonl", "manifest.json"):
        assert (tmp_path / "from-url" / name).read_bytes() == (
            tmp_path / "from-path" / name
        ).read_bytes()


def test_the_command_line_reports_from_a_case_store_at_a_url(
    sql_database: SqlDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    with sql_database.store() as store:
        rig = harness(store)
        case = rig.cases.open(request(), actor="intake")
        rig.cases.close(case.id, actor="counsel")
    assert main(["report", "--db", sql_database.spec(), "--period", "2023-H1"]) == 0
    assert "United States" in capsys.readouterr().out


def test_the_command_line_names_a_bad_url_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(SUBSCRIBER_LINE + "\n", encoding="utf-8")
    assert main(["store", "import", "nosuchdialect://u:pw@host/db", str(records)]) == 2
    error = capsys.readouterr().err
    assert "nosuchdialect" in error
    assert "pw@" not in error
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["report", "--db", empty, "--period", "2023-H1"]) == 2
    assert "no dueprocess store here" in capsys.readouterr().err


def test_the_case_commands_work_on_a_case_store_at_a_url(
    sql_database: SqlDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = sql_database.spec()
    request_path = tmp_path / "request.json"
    request_path.write_text(json.dumps(make_request()), encoding="utf-8")
    now = ["--now", "2023-05-10T17:00:00Z"]
    assert main(["case", "open", str(request_path), "--db", db, *now]) == 0
    assert capsys.readouterr().out == "REQ-1 notice_pending\n"
    assert main(["case", "list", "--db", db]) == 0
    assert "REQ-1" in capsys.readouterr().out
    assert main(["audit", "verify", "--db", db]) == 0
    capsys.readouterr()
    with sql_database.store(create=False) as store:
        assert len(store.audit) == 3


@pytest.mark.parametrize(
    ("prefix", "schema"),
    [("x; DROP TABLE y; --", None), ("ok_", "public; DROP"), ("1bad", None), ("a b", None)],
)
def test_a_prefix_or_schema_that_is_not_a_plain_identifier_is_refused(
    prefix: str, schema: str | None
) -> None:
    from dueprocess.adapters._sql_schema import build_tables

    with pytest.raises(StoreError, match="not a plain SQL identifier"):
        build_tables(prefix, schema)
