"""``dueprocess store import``, ``produce`` and ``demo``.

The command line is the one place that reads the system clock: ``produce`` stamps a
production with the current time unless ``--produced-at`` says otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import Identity, load_request, produce, read_identities, read_records, review
from .._base._dates import format_timestamp, parse_timestamp
from .._production._certificate import DEFAULT_CUSTODIAN
from .._production._produce import check_producible, too_early
from .._production._records import MAX_RECORD_BYTES
from ..adapters import DirectorySink, SqliteStore, open_record_store
from ..exceptions import InvalidRecords, StoreError
from ._certificate_option import add_certificate_option, certificate_template
from ._common import (
    EXIT_INVALID,
    EXIT_NOTHING_RELEASED,
    EXIT_OK,
    CommandError,
    add_production_options,
    durable_store,
    plural,
    read_json,
    terminal_safe,
)
from ._mapping_option import add_mapping_option, open_source
from ._progress import add_progress_options, production_summary, progress_for
from ._review_cmds import add_policy_option, policy_from

if TYPE_CHECKING:
    from ..adapters import SqlStore  # imported on use only: SQLAlchemy is an extra

__all__ = ["register"]

_SKIP = 1 << 20


def _lines(path: str) -> Iterator[bytes]:
    # Lines are read at most MAX_RECORD_BYTES (+ a line break) at a time, so a file with
    # no line breaks cannot make the import hold it whole: the first part of an
    # over-long line is passed on (read_records names it) and the rest is skipped.
    limit = MAX_RECORD_BYTES + 2
    try:
        with open(path, "rb") as handle:
            while line := handle.readline(limit):
                if len(line) == limit and not line.endswith(b"\n"):
                    while (rest := handle.readline(_SKIP)) and not rest.endswith(b"\n"):
                        pass
                yield line
    except OSError as error:
        raise CommandError(
            f"{path}: cannot read: {error.strerror or error}", EXIT_INVALID
        ) from None


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
    try:
        with _open_store(args.store, create=True) as store:
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


def _open_store(path: str, *, create: bool) -> SqliteStore | SqlStore:
    durable_store(path, "--store" if not create else "store import")
    # A store that is missing, or is not a dueprocess store, is bad input (exit 2).
    try:
        # A SQLite path, or a SQLAlchemy URL (anything with ://) for a SqlStore.
        return open_record_store(path, create=create, readonly=not create)
    except StoreError as error:
        raise CommandError(str(error), EXIT_INVALID) from None


def _produced_at(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        return parse_timestamp(text)
    except ValueError as error:
        raise CommandError(f"--produced-at: {error}", EXIT_INVALID) from None


def _produce(args: argparse.Namespace) -> int:
    produced_at = _produced_at(args.produced_at)
    result = review(load_request(read_json(args.file)), policy_from(args))
    # Refuse before the store is opened or the output directory touched: nothing to
    # release, or (the case layer's clock) too early without an override.
    check_producible(result)
    early = too_early(result, produced_at)
    if early and args.override is None:
        raise CommandError(
            f"{terminal_safe(result.request_id)}: not yet: the production would be made "
            + "; and ".join(early)
            + ". Wait, or give --override REASON (recorded in the letter and the manifest)",
            EXIT_NOTHING_RELEASED,
        )
    template = certificate_template(args)
    try:
        sink = DirectorySink(args.out)
    except StoreError as error:
        raise CommandError(str(error), EXIT_INVALID) from None
    started = time.monotonic()  # time taken is the command's to measure, not the core's
    display = progress_for(args, sys.stderr)
    try:
        with open_source(args) as store:
            manifest = produce(
                result,
                store,
                sink,
                produced_at=produced_at,
                custodian=args.custodian,
                progress=display,
                certificate_template=template,
                enforce_window=True,
                override=args.override,
            )
    finally:
        if display is not None:
            display.close()
    if args.json:
        summary = production_summary(
            manifest,
            outcome=result.outcome.value,
            out=args.out,
            seconds=time.monotonic() - started,
        )
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    counts = ", ".join(f"{category.value} {count}" for category, count in manifest.counts.items())
    accounts = ", ".join(terminal_safe(account) for account in manifest.accounts) or "none found"
    print(f"produced {terminal_safe(manifest.request_id)} into {terminal_safe(args.out)}")
    print(f"  outcome: {result.outcome.value}")
    print(f"  accounts: {accounts}")
    print(f"  records: {manifest.records} ({counts})")
    print(f"  merkle root: {manifest.merkle_root}")
    print(f"  produced at: {format_timestamp(manifest.produced_at)}")
    if manifest.override is not None:
        print(f"  override: {terminal_safe(manifest.override)}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo

    try:
        return run_demo(Path(args.out) if args.out else None, echo=print, force=args.force)
    except StoreError as error:
        raise CommandError(str(error), EXIT_INVALID) from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``store``, ``produce`` and ``demo`` (``verify`` is in ``_delivery_cmds``)."""
    store = subparsers.add_parser(
        "store",
        help="manage a SQLite record store",
        description="Manage a SQLite record store.",
    )
    actions = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    parser = actions.add_parser(
        "import",
        help="load records (and identities) from JSON Lines",
        description=(
            "Load dueprocess.record/1 records, one JSON object a line, into a SQLite store"
            " (created if missing). All or nothing: a bad line imports nothing, and every"
            " bad line is named. Importing the same record twice keeps one copy."
        ),
    )
    parser.add_argument(
        "store", metavar="STORE.sqlite", help="the store: a SQLite file or a SQLAlchemy URL"
    )
    parser.add_argument("records", metavar="RECORDS.jsonl", help="the records")
    parser.add_argument(
        "--identities",
        metavar="IDS.jsonl",
        help='identities, one {"account", "kind", "value"} object a line',
    )
    parser.set_defaults(handler=_store_import)

    parser = subparsers.add_parser(
        "produce",
        help="review a request and write the production it allows",
        description=(
            "Review a request and, if the outcome releases data, write the production"
            " (records.jsonl, letter.md, certificate.md, manifest.json) into a new directory."
            " Exit 3 when the review releases nothing."
        ),
    )
    parser.add_argument("file", metavar="REQUEST.json", help="the request document, or - for stdin")
    add_production_options(parser)
    add_mapping_option(parser)
    parser.add_argument(
        "--produced-at",
        metavar="TIMESTAMP",
        help="when the production is made (default: now, from the system clock)",
    )
    parser.add_argument(
        "--custodian",
        default=DEFAULT_CUSTODIAN,
        metavar="NAME",
        help=f"who signs the certificate (default: {DEFAULT_CUSTODIAN})",
    )
    parser.add_argument(
        "--override",
        metavar="REASON",
        help=(
            "produce before the review's clock allows (before the request's receipt, or"
            " inside the account holder's window to object); the letter and the manifest"
            " record the reason"
        ),
    )
    add_policy_option(parser)
    add_certificate_option(parser)
    add_progress_options(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON summary (files, records, Merkle root, seconds taken) for programs",
    )
    parser.set_defaults(handler=_produce)

    parser = subparsers.add_parser(
        "demo",
        help="run the whole pipeline on synthetic data",
        description=(
            "Build a demo store of synthetic accounts, review the bundled example requests,"
            " produce the motivating one (HSI-2017-0042), verify it and show that tampering"
            " is caught."
        ),
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="a new or empty folder for the demo's files (default: a new temp dir)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="use a --out folder that holds files, replacing the demo's own files in it",
    )
    parser.set_defaults(handler=_demo)
