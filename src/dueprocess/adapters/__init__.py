"""Adapters that touch the outside world: SQLite and SQL stores, a directory sink, an outbox,
and the file helpers the command line uses (:func:`read_lines`, :func:`write_file`).

The core never imports this package; callers pass adapters in.

:class:`SqlStore` and :class:`SqlAuditLog` need SQLAlchemy (the ``sql`` extra) and are
imported on first use, so this package imports without it; without it they raise
:class:`SqlExtraMissing`, which names the extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._bundle import bundle_production, verify_bundle, verify_production
from ._directory import DirectorySink, read_manifest, read_record_lines, verify_directory
from ._files import check_writable, read_lines, write_file
from ._outbox import OutboxNotifier
from ._sql_mapping import IdentityTableMapping, RecordTableMapping
from ._sql_mapping_toml import TableMappings, load_table_mappings, parse_table_mappings
from ._sql_open import SqlExtraMissing, is_in_memory, is_url, open_case_store, open_record_store
from ._sqlite_cases import SqliteAuditLog, SqliteCaseStore
from ._sqlite_store import SqliteStore

if TYPE_CHECKING:
    from ._sql import SqlStore
    from ._sql_cases import SqlAuditLog

__all__: list[str] = [
    "DirectorySink",
    "IdentityTableMapping",
    "OutboxNotifier",
    "RecordTableMapping",
    "SqlAuditLog",
    "SqlExtraMissing",
    "SqlStore",
    "SqliteAuditLog",
    "SqliteCaseStore",
    "SqliteStore",
    "TableMappings",
    "bundle_production",
    "check_writable",
    "is_in_memory",
    "is_url",
    "load_table_mappings",
    "open_case_store",
    "open_record_store",
    "parse_table_mappings",
    "read_lines",
    "read_manifest",
    "read_record_lines",
    "verify_bundle",
    "verify_directory",
    "verify_production",
    "write_file",
]


def __getattr__(name: str) -> object:
    # SQLAlchemy is imported only when a SQL store is asked for.
    if name == "SqlStore":
        from ._sql import SqlStore

        return SqlStore
    if name == "SqlAuditLog":
        from ._sqlalchemy import require_sqlalchemy

        require_sqlalchemy()
        from ._sql_cases import SqlAuditLog

        return SqlAuditLog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
