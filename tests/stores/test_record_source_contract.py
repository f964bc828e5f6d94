"""The RecordSource contract, run on every record source dueprocess ships.

One set of records and identities goes into each store: the in-memory store, the SQLite
store, ``SqlStore`` on SQLite, ``SqlStore`` on PostgreSQL, and ``SqlStore`` reading a
service's own tables through a mapping. Every test then asks each store the same
questions and compares the answer with the contract in :class:`dueprocess.typing.RecordSource`,
computed here from the records themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess import Category, Identity, Record, TargetKind, identity_key
from dueprocess.parts import Target
from dueprocess.testing import MemoryStore
from dueprocess.typing import RecordSource

UTC = dt.timezone.utc
ACCOUNTS = ("100001", "100002", "Alice", "alice")  # the last two differ only in case
CATEGORIES = (Category.SESSION_LOGS, Category.SUBSCRIBER, Category.CONTENT)
START = dt.datetime(2020, 1, 1, tzinfo=UTC)


def _records() -> tuple[Record, ...]:
    pick = random.Random(13)
    found = []
    for number in range(240):
        at = START + dt.timedelta(minutes=pick.randrange(0, 60 * 24 * 90))
        if number % 40 == 0:  # a few share their instant with another record
            at = START + dt.timedelta(days=number // 40)
        found.append(
            Record(
                account=pick.choice(ACCOUNTS),
                category=pick.choice(CATEGORIES),
                at=at,
                fields={"n": number, "ip": f"203.0.113.{number % 250}"},
            )
        )
    return tuple(found)


RECORDS = _records()
IDENTITIES = (
    Identity("100001", TargetKind.EMAIL, "Suspect@Example.COM"),
    Identity("100001", TargetKind.USERNAME, "Straße"),
    Identity("100002", TargetKind.PHONE, "+1 202 555 0100"),
    Identity("100002", TargetKind.URL, "https://social.example/u/100002"),
    Identity("Alice", TargetKind.USERNAME, "alice_w"),
)


def _mapping_payload(record: Record) -> str:
    return json.dumps(dict(record.fields), sort_keys=True)


# --- the stores -------------------------------------------------------------------------


def _memory(tmp_path: Path) -> Iterator[RecordSource]:
    yield MemoryStore.of(RECORDS, IDENTITIES)


def _sqlite(tmp_path: Path) -> Iterator[RecordSource]:
    from dueprocess.adapters import SqliteStore

    with SqliteStore(tmp_path / "records.sqlite") as store:
        store.add_records(RECORDS)
        store.add_identities(IDENTITIES)
        yield store


def _sql(url: str, schema: str | None) -> Iterator[RecordSource]:
    from dueprocess.adapters import SqlStore

    with SqlStore(url, schema=schema) as store:
        store.add_records(RECORDS)
        store.add_identities(IDENTITIES)
        yield store


def _sql_sqlite(tmp_path: Path) -> Iterator[RecordSource]:
    yield from _sql_on("sqlite", tmp_path)


def _sql_postgresql(tmp_path: Path) -> Iterator[RecordSource]:
    yield from _sql_on("postgresql", tmp_path)


def _sql_on(backend: str, tmp_path: Path) -> Iterator[RecordSource]:
    from ..sql import open_database  # skips without SQLAlchemy (or PostgreSQL, except in CI)

    for database in open_database(backend, tmp_path):
        yield from _sql(database.url, database.schema)


def _mapped(tmp_path: Path) -> Iterator[RecordSource]:
    """A service's own tables, one per category, read through a TOML mapping; its identity
    table holds each identifier's key, as IdentityTableMapping asks."""
    sa = pytest.importorskip("sqlalchemy")
    from dueprocess.adapters import SqlStore, parse_table_mappings

    url = f"sqlite:///{tmp_path / 'service.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for category in CATEGORIES:
            table = f"{category.value}_rows"
            connection.exec_driver_sql(
                f"CREATE TABLE {table} (user_id TEXT, happened TIMESTAMP, payload TEXT)"
            )
            connection.execute(
                sa.text(f"INSERT INTO {table} VALUES (:user_id, :happened, :payload)"),
                [
                    {
                        "user_id": record.account,
                        "happened": record.at.astimezone(UTC).replace(tzinfo=None),
                        "payload": _mapping_payload(record),
                    }
                    for record in RECORDS
                    if record.category is category
                ],
            )
        connection.exec_driver_sql("CREATE TABLE handles (id TEXT, kind TEXT, handle TEXT)")
        connection.execute(
            sa.text("INSERT INTO handles VALUES (:id, :kind, :handle)"),
            [
                {"id": item.account, "kind": item.kind.value, "handle": item.key}
                for item in IDENTITIES
            ],
        )
    engine.dispose()
    tables = "".join(
        f'[[records]]\ntable = "{category.value}_rows"\naccount = "user_id"\nat = "happened"\n'
        f'category = "{category.value}"\nfields = "payload"\n\n'
        for category in CATEGORIES
    )
    identities = '[[identities]]\ntable = "handles"\naccount = "id"\nvalue = "handle"\n'
    mapping = parse_table_mappings(tables + identities + 'kind_column = "kind"\n')
    with SqlStore(
        url, record_tables=mapping.records, identity_tables=mapping.identities, readonly=True
    ) as store:
        yield store


OPENERS: dict[str, Callable[[Path], Iterator[RecordSource]]] = {
    "memory": _memory,
    "sqlite": _sqlite,
    "sql-sqlite": _sql_sqlite,
    "sql-postgresql": _sql_postgresql,
    "sql-mapped": _mapped,
}


@pytest.fixture(scope="module", params=sorted(OPENERS))
def source(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RecordSource]:
    yield from OPENERS[request.param](tmp_path_factory.mktemp(request.param))


# --- what the contract says the answer is ------------------------------------------------


def expected(
    account: str, category: Category, start: dt.datetime | None, end: dt.datetime | None
) -> list[Record]:
    return sorted(
        (
            record
            for record in RECORDS
            if record.account == account
            and record.category is category
            and (start is None or record.at >= start)
            and (end is None or record.at <= end)
        ),
        key=lambda record: (record.at, record.canonical_bytes()),
    )


def asked(
    source: RecordSource,
    account: str,
    category: Category,
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> list[Record]:
    got = list(source.records(account, category, start, end))
    times = [record.at for record in got]
    assert times == sorted(times), "records must come in ascending `at` order"
    return sorted(got, key=lambda record: (record.at, record.canonical_bytes()))


def same(records: list[Record]) -> list[tuple[Any, ...]]:
    # Compare what a production writes: the canonical bytes, with `at` as one instant.
    return [(record.at.astimezone(UTC), record.canonical_bytes()) for record in records]


# --- the contract -------------------------------------------------------------------------


def test_every_shipped_store_is_a_record_source(source: RecordSource) -> None:
    assert isinstance(source, RecordSource)


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_unbounded_records_are_exactly_one_account_s_of_one_category_in_time_order(
    source: RecordSource, account: str, category: Category
) -> None:
    got = asked(source, account, category, None, None)
    assert same(got) == same(expected(account, category, None, None))
    assert {record.account for record in got} <= {account}


def test_an_account_that_differs_only_in_case_is_another_account(source: RecordSource) -> None:
    lower = asked(source, "alice", Category.SESSION_LOGS, None, None)
    upper = asked(source, "Alice", Category.SESSION_LOGS, None, None)
    assert {record.account for record in lower} <= {"alice"}
    assert {record.account for record in upper} <= {"Alice"}


def test_both_bounds_are_inclusive(source: RecordSource) -> None:
    record = expected("100001", Category.SESSION_LOGS, None, None)[3]
    got = asked(source, "100001", Category.SESSION_LOGS, record.at, record.at)
    assert record.canonical_bytes() in {item.canonical_bytes() for item in got}
    assert all(item.at == record.at for item in got)


def test_an_unknown_account_has_no_records(source: RecordSource) -> None:
    assert asked(source, "999999", Category.SESSION_LOGS, None, None) == []


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    account=st.sampled_from(ACCOUNTS),
    category=st.sampled_from(CATEGORIES),
    first=st.none() | st.integers(-10, 60 * 24 * 95),
    length=st.none() | st.integers(0, 60 * 24 * 40),
    offset=st.sampled_from([dt.timedelta(0), dt.timedelta(hours=5, minutes=30)]),
)
def test_any_window_returns_exactly_the_records_inside_it(
    source: RecordSource,
    account: str,
    category: Category,
    first: int | None,
    length: int | None,
    offset: dt.timedelta,
) -> None:
    zone = dt.timezone(offset)
    start = None if first is None else (START + dt.timedelta(minutes=first)).astimezone(zone)
    end = None
    if length is not None:
        end = (start or START) + dt.timedelta(minutes=length)
    got = asked(source, account, category, start, end)
    assert same(got) == same(expected(account, category, start, end))


@pytest.mark.parametrize(
    ("kind", "value", "accounts"),
    [
        (TargetKind.ACCOUNT_ID, "100001", ("100001",)),
        (TargetKind.ACCOUNT_ID, "999999", ()),
        (TargetKind.ACCOUNT_ID, "ALICE", ()),
        (TargetKind.EMAIL, "suspect@example.com", ("100001",)),
        (TargetKind.EMAIL, "SUSPECT@EXAMPLE.COM", ("100001",)),
        (TargetKind.EMAIL, "someone@example.com", ()),
        (TargetKind.USERNAME, "straße", ("100001",)),
        (TargetKind.USERNAME, "strasse", ()),
        (TargetKind.USERNAME, "ALICE_W", ("Alice",)),
        (TargetKind.PHONE, "+1 202 555 0100", ("100002",)),
        (TargetKind.URL, "https://social.example/u/100002", ("100002",)),
        (TargetKind.NAME, "A. Person", ()),
        (TargetKind.QUERY, "everyone who logged in", ()),
    ],
)
def test_resolve_follows_the_identity_rules(
    source: RecordSource, kind: TargetKind, value: str, accounts: tuple[str, ...]
) -> None:
    stored = {item.account for item in IDENTITIES if item.key == identity_key(kind, value)}
    if kind is TargetKind.ACCOUNT_ID:
        stored = {account for account in ACCOUNTS if account == value}
    if kind in (TargetKind.NAME, TargetKind.QUERY):
        stored = set()
    assert stored == set(accounts)  # the table above agrees with identity_key
    assert tuple(sorted(source.resolve(Target(kind, value)))) == accounts
