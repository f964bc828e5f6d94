"""``dueprocess produce``: review a request and write the production it allows.

The command line is the one place that reads the system clock: ``produce`` stamps a
production with the current time unless ``--produced-at`` says otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from .. import check_producible, produce, review
from .._base._dates import format_timestamp
from ._common import EXIT_OK, print_json, terminal_safe
from ._options import (
    CERTIFICATE,
    CUSTODIAN,
    JSON,
    POLICY,
    PRODUCTION,
    QUIET,
    REQUEST,
    Option,
    Subcommands,
    add_command,
)
from ._progress import production_summary, progress_for
from ._readers import (
    certificate_template,
    open_sink,
    open_source,
    policy_from,
    read_request,
    timestamp,
)

__all__ = ["register"]


def _produced_at(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return timestamp(text, "--produced-at")


def _produce(args: argparse.Namespace) -> int:
    produced_at = _produced_at(args.produced_at)
    result = review(read_request(args.file), policy_from(args))
    # Refuse before the store is opened or the output directory touched: nothing to
    # release, or (the case layer's clock) too early without an override.
    check_producible(result, produced_at, override=args.override)
    template = certificate_template(args)
    sink = open_sink(args.out)
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
        print_json(summary)
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


def register(subparsers: Subcommands) -> None:
    """Add ``produce``."""
    add_command(
        subparsers,
        "produce",
        "review a request and write the production it allows",
        "Review a request and, if the outcome releases data, write the production"
        " (records.jsonl, letter.md, certificate.md, manifest.json) into a new directory."
        " Exit 3 when the review releases nothing.",
        _produce,
        REQUEST,
        *PRODUCTION,
        Option(
            "--produced-at",
            metavar="TIMESTAMP",
            help="when the production is made (default: now, from the system clock)",
        ),
        CUSTODIAN,
        Option(
            "--override",
            metavar="REASON",
            help="produce before the review's clock allows (before the request's receipt, or"
            " inside the account holder's window to object); the letter and the manifest"
            " record the reason",
        ),
        POLICY,
        CERTIFICATE,
        QUIET,
        JSON.but(
            help="print a JSON summary (files, records, Merkle root, seconds taken) for programs"
        ),
    )
