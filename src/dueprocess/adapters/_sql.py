"""A store over any database SQLAlchemy reaches: PostgreSQL, warehouses, SQLite.

:class:`SqlStore` is a record source for :func:`dueprocess.produce` and, with the same
object, the case and audit store of :class:`dueprocess.cases.Cases`. It keeps its records in
its own tables (:mod:`._sql_schema`), or reads the service's tables through
:class:`~dueprocess.adapters.RecordTableMapping` without copying a row.

A production streams: each query runs on a server-side cursor (``stream_results`` and
``yield_per``), so producing a million records holds a few thousand in memory at a time.
Every value reaches the database as a bound parameter; table and column names come only
from the store's own schema or the caller's mapping, never from a request.

SQLAlchemy is the ``sql`` extra: importing this module without it raises
:class:`~dueprocess.adapters.SqlExtraMissing`, which names the extra.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ._sqlalchemy import require_sqlalchemy

require_sqlalchemy()

import sqlalchemy as sa  # noqa: E402 - after the check that names the missing extra

from .._base._canonical import canonical_bytes  # noqa: E402
from .._base._dates import format_timestamp  # noqa: E402
from .._base._enums import Category, TargetKind  # noqa: E402
from .._intake._request import Target  # noqa: E402
from .._production._records import (  # noqa: E402
    IDENTITY_KINDS,
    Identity,
    Record,
    decode_fields,
    identity_key,
    identity_taken,
)
from ..exceptions import StoreError  # noqa: E402
from ._closing import Closing  # noqa: E402
from ._record_imports import RecordImports  # noqa: E402
from ._sql_base import Unreachable, create_engine  # noqa: E402
from ._sql_cases import SqlCaseTables  # noqa: E402
from ._sql_mapped import (  # noqa: E402
    BoundIdentityTable,
    BoundRecordTable,
    bind_identity_table,
    bind_record_table,
    bound,
    exact_accounts,
    instant,
    stored_account,
)
from ._sql_mapping import IdentityTableMapping, RecordTableMapping  # noqa: E402
from ._sql_schema import SCHEMA_VERSION, SqlTables, build_tables  # noqa: E402

__all__ = ["SqlStore"]

_BATCH = 5_000
# Identity keys looked up per query when an import checks who already holds them.
_KEY_BATCH = 500
# pg_advisory_xact_lock key that serialises schema creation among processes.
_SCHEMA_LOCK = 0x6475_6570_726F_6365  # "dueproce"


class SqlStore(SqlCaseTables, RecordImports, Closing):
    """Records, cases and the audit log in a database reached through SQLAlchemy.

    Args:
        url: a SQLAlchemy URL (``postgresql+psycopg://user:pw@host/db``,
            ``sqlite:///store.db``, ``trino://…``) or an :class:`sqlalchemy.Engine`.
            Give SQLite as a URL: the store then begins its transactions explicitly,
            so that concurrent writers wait for each other rather than fail.
        record_tables: read records from the service's own tables through these
            mappings instead of the store's own records table. The store then never
            writes records and creates no record tables.
        identity_tables: with *record_tables*, the tables that resolve e-mail
            addresses, usernames, phone numbers and URLs to accounts (without them,
            only ``account_id`` targets resolve).
        schema: the database schema of the store's own tables (``None``: the default).
        prefix: what the store's own table names start with.
        create: create the store's own tables if they are missing (the record tables
            only when it keeps its own records).
        readonly: never write (implies ``create=False``); for producing.
        yield_per: rows fetched per round trip while streaming.
        engine_options: keyword arguments for :func:`sqlalchemy.create_engine`.

    Use it as a context manager, or call :meth:`close`.

    >>> with SqlStore("sqlite://") as store:
    ...     store.import_records(['{"account": "100001", "category": "subscriber",'
    ...         ' "at": "2016-05-01T00:00:00Z", "fields": {"name": "A. Person"}}'])
    ...     store.resolve(Target(TargetKind.ACCOUNT_ID, "100001"))
    1
    ('100001',)
    """

    def __init__(
        self,
        url: str | sa.Engine,
        *,
        record_tables: RecordTableMapping | Sequence[RecordTableMapping] | None = None,
        identity_tables: IdentityTableMapping | Sequence[IdentityTableMapping] = (),
        schema: str | None = None,
        prefix: str = "dueprocess_",
        create: bool = True,
        readonly: bool = False,
        yield_per: int = 10_000,
        engine_options: Mapping[str, Any] | None = None,
    ) -> None:
        if yield_per < 1:
            raise ValueError("yield_per must be at least 1")
        if isinstance(record_tables, RecordTableMapping):
            record_tables = (record_tables,)
        if isinstance(identity_tables, IdentityTableMapping):
            identity_tables = (identity_tables,)
        if record_tables is None and identity_tables:
            raise ValueError("identity_tables map identities of mapped record_tables; give both")
        self.record_tables: tuple[RecordTableMapping, ...] | None = (
            None if record_tables is None else tuple(record_tables)
        )
        self.identity_tables: tuple[IdentityTableMapping, ...] = tuple(identity_tables)
        self.readonly = readonly
        self.yield_per = yield_per
        self._tables: SqlTables = build_tables(prefix, schema)
        self._owns_engine = not isinstance(url, sa.Engine)
        self._engine = (
            url if isinstance(url, sa.Engine) else create_engine(url, engine_options or {})
        )
        self.where: str = self._engine.url.render_as_string(hide_password=True)
        self._bound_records: tuple[BoundRecordTable, ...] | None = None
        self._bound_identities: tuple[BoundIdentityTable, ...] | None = None
        try:
            if create and not readonly:
                self._create_schema()
            elif self.record_tables is None:
                self._check_schema()
        except BaseException:
            self.close()
            raise

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine the store works through."""
        return self._engine

    @property
    def maps_records(self) -> bool:
        """Whether records come from the service's tables (``record_tables``)."""
        return self.record_tables is not None

    def close(self) -> None:
        """Release the database connections (unless the engine was passed in)."""
        if self._owns_engine:
            self._engine.dispose()

    def __repr__(self) -> str:
        mapped = f", {len(self.record_tables)} mapped tables" if self.record_tables else ""
        return f"SqlStore({self.where!r}{mapped})"

    # --- the schema ----------------------------------------------------------------

    def _create_schema(self) -> None:
        tables = self._tables
        wanted = list(tables.case_group)
        if self.record_tables is None:
            wanted += [table for table in tables.record_group if table not in wanted]
        with self._transaction("create the store's tables", write=True) as connection:
            if connection.dialect.name == "postgresql":
                # CREATE TABLE IF NOT EXISTS is not safe against a concurrent creator.
                connection.execute(
                    sa.select(
                        sa.func.pg_advisory_xact_lock(sa.literal(_SCHEMA_LOCK, sa.BigInteger))
                    )
                )
            tables.metadata.create_all(connection, tables=wanted, checkfirst=True)
            meta = tables.meta
            version = connection.execute(
                sa.select(meta.c.value).where(meta.c.name == "schema_version")
            ).scalar()
            if version is None:
                connection.execute(
                    sa.insert(meta).values(name="schema_version", value=SCHEMA_VERSION)
                )
            else:
                self._check_version(version)
            self._create_audit_head(connection)

    def _check_schema(self) -> None:
        meta = self._tables.meta
        try:
            with self._transaction("open the store", write=False) as connection:
                version = connection.execute(
                    sa.select(meta.c.value).where(meta.c.name == "schema_version")
                ).scalar()
        except Unreachable:
            raise
        except StoreError:
            if not self._has_table(meta):
                raise StoreError(
                    f"{self.where}: no dueprocess store here (no table {meta.fullname!r});"
                    " create one with `dueprocess store import` or SqlStore(create=True)"
                ) from None
            raise
        self._check_version(version)

    def _has_table(self, table: sa.Table) -> bool:
        try:
            with self._connect() as connection:
                return sa.inspect(connection).has_table(table.name, schema=table.schema)
        except sa.exc.SQLAlchemyError:
            return False

    def _check_version(self, version: object) -> None:
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{self.where}: not a dueprocess store of this version (schema version"
                f" {version!r}, expected {SCHEMA_VERSION!r})"
            )

    # --- writing records ---------------------------------------------------------------

    def _own(self, action: str) -> None:
        if self.record_tables is not None:
            raise StoreError(
                f"{self.where}: cannot {action}: the store reads the service's own tables"
                " (record_tables) and never writes them"
            )

    def add_records(self, records: Iterable[Record]) -> int:
        """Add records in one transaction; return how many were new.

        A record already held is skipped. If anything fails (including the iterable
        raising), nothing is added.

        Raises:
            StoreError: a record cannot be stored faithfully, the store maps the
                service's tables, or the database failed.
        """
        self._own("add records")
        naive = self._engine.dialect.name == "sqlite"
        with self._transaction("add records", write=True) as connection:
            added = 0
            rows: list[dict[str, Any]] = []
            accounts: set[str] = set()
            for record in records:
                rows.append(_record_row(record, naive=naive))
                accounts.add(record.account)
                if len(rows) >= _BATCH:
                    added += self._add_rows(connection, rows, accounts)
                    rows, accounts = [], set()
            return added + self._add_rows(connection, rows, accounts)

    def _add_rows(
        self, connection: sa.Connection, rows: list[dict[str, Any]], accounts: set[str]
    ) -> int:
        tables = self._tables
        _insert_new(connection, tables.accounts, [{"id": a} for a in sorted(accounts)])
        return _insert_new(connection, tables.records, rows)

    def add_identities(self, identities: Iterable[Identity]) -> int:
        """Add identities in one transaction; return how many were new."""
        self._own("add identities")
        tables = self._tables
        with self._transaction("add identities", write=True) as connection:
            table = tables.identities
            # One identifier belongs to one account: within the import, then against
            # the table, a batch of keys per query (compared exactly in Python).
            wanted: dict[tuple[str, str], Identity] = {}
            for identity in identities:
                kind, key = identity.kind.value, identity.key
                first = wanted.setdefault((kind, key), identity)
                if first.account != identity.account:
                    raise identity_taken(identity, first.account)
            keys = sorted({key for _, key in wanted})
            for start in range(0, len(keys), _KEY_BATCH):
                query = (
                    sa.select(table.c.kind, table.c.value, table.c.account)
                    .where(table.c.value.in_(keys[start : start + _KEY_BATCH]))
                    .order_by(table.c.account)
                )
                for kind, value, holder in connection.execute(query):
                    asked = wanted.get((kind, value))
                    if asked is not None and holder != asked.account:
                        raise identity_taken(asked, holder)
            rows = [
                {"kind": kind, "value": key, "account": identity.account}
                for (kind, key), identity in wanted.items()
            ]
            accounts = sorted({row["account"] for row in rows})
            _insert_new(connection, tables.accounts, [{"id": a} for a in accounts])
            return _insert_new(connection, tables.identities, rows)

    def counts(self) -> dict[str, int]:
        """How many accounts, identities and records the store holds (own tables only)."""
        self._own("count records")
        tables = self._tables
        with self._transaction("count", write=False) as connection:
            return {
                name: int(
                    connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                )
                for name, table in (
                    ("accounts", tables.accounts),
                    ("identities", tables.identities),
                    ("records", tables.records),
                )
            }

    # --- reading (the RecordSource protocol) -----------------------------------------

    def resolve(self, target: Target) -> tuple[str, ...]:
        """The accounts *target* identifies, sorted; ``name`` and ``query`` find none."""
        if target.kind is not TargetKind.ACCOUNT_ID and target.kind not in IDENTITY_KINDS:
            return ()
        with self._transaction("resolve a target", write=False) as connection:
            if self.record_tables is not None:
                return self._resolve_mapped(connection, target)
            tables = self._tables
            key = identity_key(target.kind, target.value)
            if target.kind is TargetKind.ACCOUNT_ID:
                column = tables.accounts.c.id
                query = sa.select(column, column).where(column == key)
            else:
                identities = tables.identities
                query = (
                    sa.select(identities.c.account, identities.c.value)
                    .where(identities.c.kind == target.kind.value)
                    .where(identities.c.value == key)
                    .order_by(identities.c.account)
                )
            # Compared again here, code point for code point: a column altered to compare
            # loosely (citext, a case-insensitive collation) must not widen the match.
            return tuple(
                str(account) for account, value in connection.execute(query) if value == key
            )

    def _resolve_mapped(self, connection: sa.Connection, target: Target) -> tuple[str, ...]:
        records, identities = self._bind(connection)
        key = identity_key(target.kind, target.value)
        if target.kind is TargetKind.ACCOUNT_ID:
            tables: list[BoundRecordTable | BoundIdentityTable] = [*records, *identities]
            for table in tables:
                query = table.exists(key)
                if query is None:
                    continue
                result = connection.execute(query.execution_options(yield_per=self.yield_per))
                try:
                    stored = (row[0] for row in result)
                    if exact_accounts(stored, table.table.fullname, table.mapping.account, key):
                        return (key,)
                finally:
                    result.close()
            return ()
        found: set[str] = set()
        for identity in identities:
            query = identity.select(target.kind, key)
            if query is None:
                continue
            for account, value in connection.execute(query):
                # A row whose value only compares equal to the key (a case-insensitive
                # collation) holds another identifier: it never resolves.
                if value == key:
                    found.add(stored_account(account))
        return tuple(sorted(found))

    def _bind(
        self, connection: sa.Connection
    ) -> tuple[tuple[BoundRecordTable, ...], tuple[BoundIdentityTable, ...]]:
        if self._bound_records is None or self._bound_identities is None:
            assert self.record_tables is not None
            self._bound_records = tuple(
                bind_record_table(mapping, connection) for mapping in self.record_tables
            )
            self._bound_identities = tuple(
                bind_identity_table(mapping, connection) for mapping in self.identity_tables
            )
        return self._bound_records, self._bound_identities

    def records(
        self,
        account: str,
        category: Category,
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> Iterator[Record]:
        """One account's records of one category from *start* to *end* inclusive, in
        time order, streamed from a server-side cursor."""
        try:
            with self._transaction("read records", write=False) as connection:
                if self.record_tables is None:
                    yield from self._own_records(connection, account, category, start, end)
                    return
                streams = [
                    self._mapped_records(connection, table, query, account, category)
                    for table in self._bind(connection)[0]
                    if (query := table.select(account, category, start, end)) is not None
                ]
                if len(streams) == 1:
                    yield from streams[0]
                else:
                    yield from heapq.merge(*streams, key=operator.attrgetter("at"))
        except (ValueError, TypeError) as error:
            raise StoreError(f"{self.where}: cannot read records: {error}") from None

    def _mapped_records(
        self,
        connection: sa.Connection,
        table: BoundRecordTable,
        query: sa.Select[Any],
        account: str,
        category: Category,
    ) -> Iterator[Record]:
        for row in self._stream(connection, query):
            yield table.record(row, account, category)

    def _own_records(
        self,
        connection: sa.Connection,
        account: str,
        category: Category,
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> Iterator[Record]:
        records = self._tables.records
        naive = connection.dialect.name == "sqlite"
        query = (
            sa.select(records.c.at, records.c.fields, records.c.account)
            .where(records.c.account == account)
            .where(records.c.category == category.value)
        )
        if start is not None:
            query = query.where(records.c.at >= bound(start, naive=naive))
        if end is not None:
            query = query.where(records.c.at <= bound(end, naive=naive))
        for at, fields, stored in self._stream(connection, query.order_by(records.c.at)):
            try:
                values = decode_fields(fields)
            except (ValueError, UnicodeDecodeError) as error:
                moment = format_timestamp(instant(at))
                raise StoreError(
                    f"cannot read records of account {account!r}: the {category.value}"
                    f" record at {moment} cannot be produced faithfully: {error}"
                ) from None
            # The account as stored: produce() compares it with the one it asked for.
            yield Record(stored_account(stored), category, instant(at), values)


def _record_row(record: Record, *, naive: bool) -> dict[str, Any]:
    if not isinstance(record.at, dt.datetime) or record.at.utcoffset() is None:
        raise StoreError(f"record without a timezone: {record!r}")
    try:
        fields = canonical_bytes(dict(record.fields)).decode("utf-8")
        digest = hashlib.sha256(record.canonical_bytes()).hexdigest()
    except (TypeError, ValueError) as error:
        raise StoreError(f"record fields are not JSON ({error}): {record!r}") from None
    return {
        "account": record.account,
        "category": Category(record.category).value,
        "at": bound(record.at, naive=naive),
        "digest": digest,
        "fields": fields,
    }


def _insert_new(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose primary key is not yet taken; return how many were."""
    if not rows:
        return 0
    dialect = connection.dialect
    statement = _insert_or_ignore(table, dialect.name)
    if statement is not None:
        if dialect.insert_executemany_returning:
            # With RETURNING, the rows that come back are exactly the rows inserted.
            returned = connection.execute(statement.returning(sa.literal(1)), rows)
            return len(returned.all())
        counted = statement.execution_options(preserve_rowcount=True)
        return max(connection.execute(counted, rows).rowcount, 0)
    # Any other engine: one INSERT … SELECT … WHERE NOT EXISTS per row, which every SQL
    # engine understands and whose row count is exact.
    key = list(table.primary_key.columns)
    columns = list(rows[0])
    values = sa.select(*(sa.bindparam(name, type_=table.c[name].type) for name in columns))
    absent = ~sa.exists().where(*(column == sa.bindparam(column.name) for column in key))
    statement = sa.insert(table).from_select(columns, values.where(absent))
    counted = statement.execution_options(preserve_rowcount=True)
    return sum(max(connection.execute(counted, row).rowcount, 0) for row in rows)


def _insert_or_ignore(table: sa.Table, dialect: str) -> sa.Insert | None:
    """``INSERT … ON CONFLICT DO NOTHING`` where the dialect has it."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table).on_conflict_do_nothing()
    return None
