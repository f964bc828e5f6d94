"""Exact account match at the source (issue 11.1).

A mapped service table whose account column compares case-insensitively (SQLite
``COLLATE NOCASE``, PostgreSQL ``citext``, or a nondeterministic collation) matches the
rows of ``ALICE`` when asked for ``alice``. Every source returns each record's account as
stored and the library compares it code point for code point: such a row is never
produced, and the production stops with an error naming both accounts.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dueprocess import Category, TargetKind, produce
from dueprocess.adapters import IdentityTableMapping, RecordTableMapping, SqliteStore, SqlStore
from dueprocess.exceptions import StoreError
from dueprocess.parts import Target
from dueprocess.testing import MemorySink

from ..production_support import PRODUCED_AT, login, make_review
from ..sql import SqlDatabase, sa

UTC = dt.timezone.utc


def _loose_text(
    database: SqlDatabase, connection: sa.Connection, *, collation: bool = False
) -> str:
    """A column type that compares without regard to case, on this backend: citext
    installed in the test's own schema, or, where citext is missing or already installed
    elsewhere (its operators would then be off the search path), a case-insensitive ICU
    collation."""
    if database.backend == "sqlite":
        return "TEXT COLLATE NOCASE"
    elsewhere = connection.exec_driver_sql(
        "SELECT 1 FROM pg_extension WHERE extname = 'citext'"
    ).first()
    if elsewhere is None and not collation:
        try:
            with connection.begin_nested():
                connection.exec_driver_sql(f"CREATE EXTENSION citext SCHEMA {database.schema}")
            return f"{database.schema}.citext"
        except sa.exc.SQLAlchemyError:
            pass
    connection.exec_driver_sql(
        f"CREATE COLLATION {database.schema}.nocase"
        " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
    )
    return f"TEXT COLLATE {database.schema}.nocase"


def _service(
    database: SqlDatabase, rows: list[tuple[str, str]], *, collation: bool = False
) -> tuple[RecordTableMapping, IdentityTableMapping]:
    """``notes (account, at, body)`` and ``handles (account, handle)``, loosely compared."""
    engine = database.engine()
    with engine.begin() as connection:
        loose = _loose_text(database, connection, collation=collation)
        notes, handles = database.table("notes"), database.table("handles")
        connection.exec_driver_sql(
            f"CREATE TABLE {notes} (account {loose} NOT NULL, at TIMESTAMP NOT NULL, body TEXT)"
        )
        connection.exec_driver_sql(f"CREATE TABLE {handles} (account TEXT, handle {loose})")
        for number, (account, body) in enumerate(rows, start=1):
            connection.execute(
                sa.text(f"INSERT INTO {notes} VALUES (:account, :at, :body)"),
                {"account": account, "at": dt.datetime(2023, 3, number, 12), "body": body},
            )
        connection.execute(
            sa.text(f"INSERT INTO {handles} VALUES (:account, :handle)"),
            [{"account": "alice", "handle": "alice"}, {"account": "ALICE", "handle": "ALICE"}],
        )
    engine.dispose()
    return (
        RecordTableMapping(
            "notes",
            account="account",
            at="at",
            category=Category.SESSION_LOGS,
            fields={"event": "body", "ip": "body"},
            schema=database.schema,
        ),
        IdentityTableMapping(
            "handles",
            account="account",
            value="handle",
            kind=TargetKind.USERNAME,
            schema=database.schema,
        ),
    )


def _store(
    database: SqlDatabase, rows: list[tuple[str, str]], *, collation: bool = False
) -> SqlStore:
    records, identities = _service(database, rows, collation=collation)
    # citext's case-insensitive operators are found through the search path, as they are
    # where the extension is installed in a schema of the path (public, usually).
    return SqlStore(
        database.spec(),
        record_tables=records,
        identity_tables=identities,
        schema=database.schema,
        create=False,
    )


def _review(*targets: tuple[str, str]) -> Any:
    return make_review(
        targets=list(targets),
        decisions={"session_logs": "disclose"},
        period=("2023-03-01", "2023-03-31"),
    )


def test_a_case_insensitive_account_column_never_releases_another_account(
    sql_database: SqlDatabase,
) -> None:
    with _store(sql_database, [("alice", "login"), ("ALICE", "logout")]) as store:
        sink = MemorySink()
        with pytest.raises(StoreError) as caught:
            produce(_review(("account_id", "alice")), store, sink, produced_at=PRODUCED_AT)
        message = str(caught.value)
        assert "'alice'" in message
        assert "'ALICE'" in message
        assert "collation" in message
        assert not sink.committed
        assert not sink.files


def test_a_case_insensitive_collation_is_caught_like_citext(sql_database: SqlDatabase) -> None:
    # PostgreSQL: a nondeterministic ICU collation (SQLite: NOCASE again).
    rows = [("alice", "login"), ("ALICE", "logout")]
    store = _store(sql_database, rows, collation=True)
    with store, pytest.raises(StoreError, match="'ALICE'"):
        produce(_review(("account_id", "alice")), store, MemorySink(), produced_at=PRODUCED_AT)


def test_rows_of_only_a_look_alike_account_do_not_resolve_it(sql_database: SqlDatabase) -> None:
    with _store(sql_database, [("ALICE", "logout")]) as store:
        with pytest.raises(StoreError, match="'ALICE'"):
            store.resolve(Target(TargetKind.ACCOUNT_ID, "alice"))
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, "ALICE")) == ("ALICE",)
        (record,) = store.records("ALICE", Category.SESSION_LOGS, None, None)
        assert record.account == "ALICE"


def test_an_exact_account_is_produced_with_its_account_as_stored(sql_database: SqlDatabase) -> None:
    with _store(sql_database, [("alice", "login"), ("bob", "logout")]) as store:
        sink = MemorySink()
        manifest = produce(_review(("account_id", "alice")), store, sink, produced_at=PRODUCED_AT)
        assert manifest.accounts == ("alice",)
        assert manifest.records == 1
        assert b'"account":"alice"' in sink.files["records.jsonl"]


def test_an_identity_column_that_compares_loosely_resolves_only_the_exact_key(
    sql_database: SqlDatabase,
) -> None:
    with _store(sql_database, [("alice", "login")]) as store:
        # "ALICE" is not the key of any username: its row matches only through the
        # collation, and never resolves.
        assert store.resolve(Target(TargetKind.USERNAME, "@Alice")) == ("alice",)


# --- the stores' own tables, altered by someone with write access ----------------------


def _loosen_sqlite(path: Path, prefix: str = "") -> None:
    """Rebuild the account, identity and record tables with case-insensitive columns
    (what someone with write access to the file could do), keeping every row."""
    import sqlite3

    loose = {"id", "account", "value"}
    connection = sqlite3.connect(path)
    with connection:
        for table in (f"{prefix}records", f"{prefix}accounts", f"{prefix}identities"):
            names = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            columns = ", ".join(
                f"{name} TEXT COLLATE NOCASE" if name in loose else name for name in names
            )
            kept = ", ".join(names)
            connection.execute(f"ALTER TABLE {table} RENAME TO old_{table}")
            connection.execute(f"CREATE TABLE {table} ({columns})")
            connection.execute(f"INSERT INTO {table} ({kept}) SELECT {kept} FROM old_{table}")
            connection.execute(f"DROP TABLE old_{table}")
        # A username row not in key form: only the loose column would match "alice".
        connection.execute(
            f"INSERT INTO {prefix}identities (kind, value, account)"
            " VALUES ('username', 'ALICE', 'ALICE')"
        )
    connection.close()


def _lines() -> list[str]:
    return [
        json.dumps(record.to_dict())
        for record in (
            login("alice", "2023-03-02T10:00:00"),
            login("ALICE", "2023-03-03T10:00:00"),
        )
    ]


IDS = ['{"account": "ALICE", "kind": "email", "value": "x@example.com"}']


@pytest.mark.parametrize("kind", ["sqlite", "sql"])
def test_a_store_whose_own_tables_were_made_case_insensitive_releases_no_other_account(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "store.db"
    store: SqliteStore | SqlStore
    if kind == "sqlite":
        with SqliteStore(path) as created:
            created.import_records(_lines())
            created.import_identities(IDS)
        _loosen_sqlite(path)
        store = SqliteStore(path, readonly=True)
    else:
        with SqlStore(f"sqlite:///{path}") as created:
            created.import_records(_lines())
            created.import_identities(IDS)
        _loosen_sqlite(path, prefix="dueprocess_")
        store = SqlStore(f"sqlite:///{path}", readonly=True)
    with store:
        sink = MemorySink()
        with pytest.raises(StoreError, match="returned a record of account 'ALICE'"):
            produce(_review(("account_id", "alice")), store, sink, produced_at=PRODUCED_AT)
        assert not sink.committed
        assert store.resolve(Target(TargetKind.USERNAME, "alice")) == ()
        assert store.resolve(Target(TargetKind.EMAIL, "X@example.com")) == ("ALICE",)
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, "Alice")) == ()
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, "ALICE")) == ("ALICE",)
