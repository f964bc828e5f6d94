"""``--mapping FILE.toml``: every command that takes ``--store`` can read existing tables.

The mapping (see :func:`dueprocess.adapters.load_table_mappings`) names the service's own
record and identity tables; the store is then read through SQLAlchemy, only read.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..adapters import SqliteStore, TableMappings, load_table_mappings, open_record_store
from ..exceptions import StoreError
from ._common import EXIT_INVALID, CommandError, durable_store

__all__ = ["add_mapping_option", "open_source"]

if TYPE_CHECKING:
    from ..adapters import SqlStore


def add_mapping_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--mapping FILE.toml``."""
    parser.add_argument(
        "--mapping",
        metavar="FILE.toml",
        help=(
            "read the service's own tables, mapped in this TOML file, instead of"
            " dueprocess's tables (--store must then be a SQLAlchemy URL)"
        ),
    )


def _mapping(args: argparse.Namespace) -> TableMappings | None:
    path: str | None = getattr(args, "mapping", None)
    if path is None:
        return None
    try:
        return load_table_mappings(path)
    except StoreError as error:
        raise CommandError(f"--mapping: {error}", EXIT_INVALID) from None


def open_source(args: argparse.Namespace) -> SqliteStore | SqlStore:
    """The record store of ``--store`` (and ``--mapping``), opened to read; a store that
    is missing, foreign or wrongly mapped is bad input (exit 2)."""
    durable_store(args.store, "--store")  # never an in-memory database
    mapping = _mapping(args)
    try:
        return open_record_store(args.store, create=False, readonly=True, mapping=mapping)
    except StoreError as error:
        raise CommandError(str(error), EXIT_INVALID) from None
