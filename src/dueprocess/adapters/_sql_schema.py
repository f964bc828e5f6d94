"""The tables :class:`~dueprocess.adapters.SqlStore` keeps, in SQLAlchemy Core.

Every name starts with a prefix (``dueprocess_`` unless told otherwise), so the tables
can share a database, or a schema, with the service's own. Two groups:

Records (only when the store keeps its own records rather than mapping the service's)::

    dueprocess_accounts   (id PRIMARY KEY)
    dueprocess_identities (kind, value, account, PRIMARY KEY (kind, value, account))
    dueprocess_records    (account, category, at TIMESTAMP WITH TIME ZONE, digest, fields,
                           PRIMARY KEY (account, category, at, digest))

Cases and the audit log::

    dueprocess_cases      (id PRIMARY KEY, request_id, state, version, due_at, document)
    dueprocess_holds      (id PRIMARY KEY, root, case_id, extensions, document)
    dueprocess_disclosures (account, case_id, PRIMARY KEY (account, case_id))
    dueprocess_audit      (seq PRIMARY KEY, case_id, body, digest)
    dueprocess_audit_head (id PRIMARY KEY = 1, length, digest)

and ``dueprocess_meta (name PRIMARY KEY, value)`` with the schema version.

Choices, and why:

* The records' primary key starts with ``(account, category, at)``: it is the index a
  production's query (one account, one category, a time range, in time order) needs,
  so it reads an index range and never sorts or scans. ``digest`` (SHA-256 of the
  record's canonical bytes) ends the key so that the table is a set: importing a file
  twice adds nothing. The fields themselves are not in the key: PostgreSQL limits an
  index entry to about 2.7 kB, and a record's fields can be larger.
* ``fields`` is the canonical JSON of the record's fields as text, on every engine,
  so a record's canonical bytes are rebuilt exactly (a ``jsonb`` column would rewrite
  ``1e2`` as ``100``).
* ``at`` is a timestamp with time zone, so the rows read naturally in SQL and engines
  can partition on it; dueprocess writes and reads it in UTC, to the microsecond.
* A case is one row holding its ``dueprocess.case/1`` document and its ``version``;
  an update names the version it read, so a concurrent writer is caught
  (:class:`~dueprocess.exceptions.ConflictError`), never lost.
* ``cases.due_at`` (microseconds since the epoch of a case's earliest open deadline,
  an integer so that every engine compares it alike) and ``disclosures`` (which
  accounts each case released) are indexes: ``due()`` and the ledger read a range of
  them instead of every case. Both are derived from the document, and
  ``Cases.verify_audit`` checks them against it.
* The audit log is a chain. ``audit.body`` is an entry's canonical JSON exactly as
  hashed, ``digest`` its SHA-256. ``audit_head`` holds the chain's end in one row
  (length 0 while the log is empty), which every append locks (``SELECT … FOR UPDATE``;
  on SQLite the ``BEGIN IMMEDIATE`` write lock), so concurrent appends queue up instead
  of forking the chain, and rows cut from the end of ``audit`` are noticed.
* On PostgreSQL and SQLite a trigger refuses ``UPDATE`` and ``DELETE`` on ``audit``
  (and ``TRUNCATE`` on PostgreSQL): the log is append-only in the database too. Whoever
  drops the trigger is still caught by :func:`dueprocess.cases.verify_chain`.
"""

from __future__ import annotations

import re

import attrs
import sqlalchemy as sa

from ..exceptions import StoreError

__all__ = ["SCHEMA_VERSION", "SqlTables", "build_tables"]

SCHEMA_VERSION = "2"

# Long enough for any account id, identifier or case id a platform uses, and within
# every engine's limit for an indexed VARCHAR.
_KEY = 255


@attrs.frozen
class SqlTables:
    """The store's tables, bound to one :class:`sqlalchemy.MetaData`."""

    metadata: sa.MetaData
    meta: sa.Table
    accounts: sa.Table
    identities: sa.Table
    records: sa.Table
    cases: sa.Table
    holds: sa.Table
    disclosures: sa.Table
    audit: sa.Table
    audit_head: sa.Table

    @property
    def record_group(self) -> tuple[sa.Table, ...]:
        """The tables of the store's own records."""
        return (self.meta, self.accounts, self.identities, self.records)

    @property
    def case_group(self) -> tuple[sa.Table, ...]:
        """The tables of cases and the audit log."""
        return (
            self.meta,
            self.cases,
            self.holds,
            self.disclosures,
            self.audit,
            self.audit_head,
        )


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}\Z")


def build_tables(prefix: str = "dueprocess_", schema: str | None = None) -> SqlTables:
    """Define the tables with names starting with *prefix*, in *schema* if given.

    Both are written into DDL (trigger and function names), so they must be plain
    identifiers: letters, digits and underscores, not starting with a digit.
    """
    if prefix and not _IDENTIFIER.match(prefix):
        raise StoreError(f"table prefix {prefix!r} is not a plain SQL identifier")
    if schema is not None and not _IDENTIFIER.match(schema):
        raise StoreError(f"schema {schema!r} is not a plain SQL identifier")
    metadata = sa.MetaData(schema=schema)

    def table(name: str, *parts: sa.schema.SchemaItem) -> sa.Table:
        return sa.Table(f"{prefix}{name}", metadata, *parts)

    tables = SqlTables(
        metadata=metadata,
        meta=table(
            "meta",
            sa.Column("name", sa.String(64), primary_key=True),
            sa.Column("value", sa.String(_KEY), nullable=False),
        ),
        accounts=table("accounts", sa.Column("id", sa.String(_KEY), primary_key=True)),
        identities=table(
            "identities",
            sa.Column("kind", sa.String(16), primary_key=True),
            sa.Column("value", sa.String(1024), primary_key=True),
            sa.Column("account", sa.String(_KEY), primary_key=True),
        ),
        records=table(
            "records",
            sa.Column("account", sa.String(_KEY), primary_key=True),
            sa.Column("category", sa.String(16), primary_key=True),
            sa.Column("at", sa.DateTime(timezone=True), primary_key=True),
            sa.Column("digest", sa.String(64), primary_key=True),
            sa.Column("fields", sa.Text(), nullable=False),
        ),
        cases=table(
            "cases",
            sa.Column("id", sa.String(_KEY), primary_key=True),
            sa.Column("request_id", sa.String(_KEY), nullable=False),
            sa.Column("state", sa.String(32), nullable=False, index=True),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("due_at", sa.BigInteger(), nullable=True),
            sa.Column("document", sa.Text(), nullable=False),
            sa.Index(f"{prefix}cases_by_due", "due_at", "id"),
        ),
        holds=table(
            "holds",
            sa.Column("id", sa.String(_KEY), primary_key=True),
            sa.Column("root", sa.String(_KEY), nullable=False),
            sa.Column("case_id", sa.String(_KEY), nullable=False),
            sa.Column("extensions", sa.Integer(), nullable=False),
            sa.Column("document", sa.Text(), nullable=False),
            sa.Index(f"{prefix}holds_by_root", "root", "extensions"),
        ),
        disclosures=table(
            "disclosures",
            sa.Column("account", sa.String(_KEY), primary_key=True),
            sa.Column("case_id", sa.String(_KEY), primary_key=True),
        ),
        audit=table(
            "audit",
            sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
            sa.Column("case_id", sa.String(_KEY), nullable=False),
            sa.Column("body", sa.Text(), nullable=False),
            sa.Column("digest", sa.String(64), nullable=False),
        ),
        audit_head=table(
            "audit_head",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
            sa.Column("length", sa.BigInteger(), nullable=False),
            sa.Column("digest", sa.String(64), nullable=False),
        ),
    )
    _append_only(tables.audit, prefix, schema)
    return tables


def _append_only(audit: sa.Table, prefix: str, schema: str | None) -> None:
    """Triggers that refuse changes to the audit log, created with its table."""
    message = "'the audit log is append-only'"
    function = f"{schema}.{prefix}audit_append_only" if schema else f"{prefix}audit_append_only"
    postgresql = (
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql"
        f" AS $$ BEGIN RAISE EXCEPTION {message}; END $$",
        f"CREATE TRIGGER {prefix}audit_no_change BEFORE UPDATE OR DELETE ON %(fullname)s"
        f" FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {prefix}audit_no_truncate BEFORE TRUNCATE ON %(fullname)s"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    )
    sqlite = tuple(
        f"CREATE TRIGGER {prefix}audit_no_{verb.lower()} BEFORE {verb} ON %(fullname)s"
        f" BEGIN SELECT RAISE(ABORT, {message}); END"
        for verb in ("UPDATE", "DELETE")
    )
    for dialect, statements in (("postgresql", postgresql), ("sqlite", sqlite)):
        for statement in statements:
            ddl = sa.DDL(statement)  # type: ignore[no-untyped-call]
            sa.event.listen(audit, "after_create", ddl.execute_if(dialect=dialect))
