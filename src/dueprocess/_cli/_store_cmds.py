"""``dueprocess store import``: records and identities into a record store."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from .. import Identity, read_identities, read_records
from ..adapters import open_record_store, read_lines
from ..exceptions import InvalidRecords
from ._common import EXIT_INVALID, EXIT_OK, CommandError, bad_input, plural, terminal_safe
from ._options import Option, Subcommands, add_command, add_group
from ._readers import durable_store

__all__ = ["register"]


def _lines(path: str) -> Iterator[bytes]:
    # Bounded lines (a file with no line breaks is never held whole); an unreadable
    # file is bad input.
    with bad_input():
        yield from read_lines(path)


def _store_import(args: argparse.Namespace) -> int:
    # Identities are checked first (they are few) and records streamed second, so a
    # bad line in either file imports nothing, and both files' bad lines are named.
    identities: list[Identity] = []
    problems: list[str] = []
    if args.identities is not None:
        try:
            identities = list(read_identities(_lines(args.identities), what=args.identities))
        except InvalidRecords as error:
            problems.append(str(error))
    if problems:
        try:
            for _ in read_records(_lines(args.records), what=args.records):
                pass
        except InvalidRecords as error:
            problems.append(str(error))
        raise CommandError("\n".join(problems), EXIT_INVALID)
    existed = Path(args.store).exists()
    durable_store(args.store, "store import")
    try:
        # A missing store is created; one that is not a dueprocess store is bad input.
        with bad_input():
            store = open_record_store(args.store, create=True, readonly=False)
        with store:
            records = store.import_records(_lines(args.records), what=args.records)
            added = store.add_identities(identities)
            held = store.counts()
    except (InvalidRecords, CommandError):
        if not existed:
            # Do not leave an empty store behind a failed first import.
            Path(args.store).unlink(missing_ok=True)
        raise
    print(
        f"imported {plural(records, 'new record')} and"
        f" {plural(added, 'new identity', 'new identities')} into {terminal_safe(args.store)}"
        f" (it holds {plural(held['accounts'], 'account')},"
        f" {plural(held['identities'], 'identity', 'identities')},"
        f" {plural(held['records'], 'record')})"
    )
    return EXIT_OK


def register(subparsers: Subcommands) -> None:
    """Add ``store`` (``store import``)."""
    actions = add_group(
        subparsers, "store", "manage a SQLite record store", "Manage a SQLite record store."
    )
    add_command(
        actions,
        "import",
        "load records (and identities) from JSON Lines",
        "Load dueprocess.record/1 records, one JSON object a line, into a SQLite store"
        " (created if missing). All or nothing: a bad line imports nothing, and every"
        " bad line is named. Importing the same record twice keeps one copy.",
        _store_import,
        Option(
            "store", metavar="STORE.sqlite", help="the store: a SQLite file or a SQLAlchemy URL"
        ),
        Option("records", metavar="RECORDS.jsonl", help="the records"),
        Option(
            "--identities",
            metavar="IDS.jsonl",
            help='identities, one {"account", "kind", "value"} object a line',
        ),
    )
