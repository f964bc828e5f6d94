"""``dueprocess ledger``: every disclosure of one account's data, from a case database."""

from __future__ import annotations

import argparse

from .._base._dates import format_timestamp
from ._common import EXIT_OK, plural, print_json, terminal_safe
from ._options import CASE, Option, Subcommands, add_command
from ._readers import clock_from, open_cases

__all__ = ["register"]


def _ledger(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        now = clock_from(args).now()
        entries = (
            cases.ledger_all(args.account) if args.all else cases.ledger(args.account, now=now)
        )
    if args.json:
        documents = []
        for entry in entries:
            document = entry.to_dict()
            if not args.all:
                del document["notice"]  # counsel's view only
            documents.append(document)
        print_json(documents)
        return EXIT_OK
    if not entries:
        print(f"no disclosures of account {terminal_safe(args.account)}")
    for entry in entries:
        categories = ", ".join(f"{name} {count}" for name, count in entry.counts.items())
        print(
            f"{format_timestamp(entry.produced_at)}  {terminal_safe(entry.agency)}"
            f" ({terminal_safe(entry.jurisdiction)}), {entry.process.value},"
            f" case {terminal_safe(entry.case_id)}: {plural(entry.records, 'record')}"
            f" ({categories or 'none'}), merkle root {entry.merkle_root}"
            + (f"; {entry.notice_status(now)}" if args.all else "")
        )
    return EXIT_OK


def register(subparsers: Subcommands) -> None:
    """Add ``ledger``."""
    add_command(
        subparsers,
        "ledger",
        "every disclosure of one account's data",
        "List the disclosures of one account's data recorded in a case database."
        " By default the account holder's view: disclosures whose notice is withheld or not"
        " yet due (a gag order in force) are left out. --all is counsel's view: every"
        " disclosure with its notice status.",
        _ledger,
        Option("account", metavar="ACCOUNT", help="the account id"),
        Option(
            "--all",
            action="store_true",
            help="counsel's view: every disclosure, with notice status",
        ),
        Option("--now", metavar="TIMESTAMP", help="the instant of the view (default: now)"),
        *CASE,
    )
