"""``dueprocess audit head|verify``: check the hash-chained audit log of a case database.

Exit codes: 0 intact, 4 a broken log or a stored case that does not match it (each
problem named), 2 a malformed ``--head`` or an unknown database.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..cases import ChainHead, parse_head
from ._common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_VERIFY_FAILED,
    CommandError,
    plural,
    print_json,
    terminal_safe,
)
from ._options import CASE, Option, Subcommands, add_command, add_group
from ._readers import open_cases

__all__ = ["register"]


def _head_json(head: ChainHead) -> dict[str, Any]:
    return {"length": head.length, "digest": head.digest, "head": str(head)}


def _audit_head(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        failure = cases.verify_audit()
        head = cases.store.audit.head() or ChainHead(0, "0" * 64)
    if failure is not None:
        # A head is published to vouch for a log: never print one for a broken log.
        raise CommandError(
            f"{terminal_safe(args.db)}: the audit log does not verify:"
            f" {terminal_safe(str(failure))}",
            EXIT_VERIFY_FAILED,
        )
    if args.json:
        print_json(_head_json(head))
    else:
        print(head)
    return EXIT_OK


def _audit_verify(args: argparse.Namespace) -> int:
    anchor = None
    if args.head is not None:
        try:
            anchor = parse_head(args.head)
        except ValueError as error:
            raise CommandError(f"--head: {error}", EXIT_INVALID) from None
    with open_cases(args) as cases:
        failure = cases.verify_audit(anchor=anchor)
        head = cases.store.audit.head()
    if args.json:
        print_json(
            {
                "intact": failure is None,
                "head": _head_json(head) if head is not None else None,
                "extends": str(anchor) if anchor is not None else None,
                "problems": failure.problems() if failure is not None else [],
            }
        )
        return EXIT_OK if failure is None else EXIT_VERIFY_FAILED
    if failure is not None:
        print(f"NOT intact: {terminal_safe(args.db)}:")
        for problem in failure.problems():
            print(f"  {terminal_safe(problem)}")
        return EXIT_VERIFY_FAILED
    extends = f"; extends the published head {anchor}" if anchor is not None else ""
    if head is None:
        print(f"intact: {terminal_safe(args.db)}: the audit log is empty{extends}")
    else:
        print(
            f"intact: {terminal_safe(args.db)}: {plural(head.length, 'entry', 'entries')},"
            f" head {head}{extends}"
        )
    return EXIT_OK


def register(subparsers: Subcommands) -> None:
    """Add ``audit`` (``audit verify``, ``audit head``)."""
    actions = add_group(
        subparsers,
        "audit",
        "check the case audit log",
        "Check the hash-chained audit log of a case database.",
    )
    add_command(
        actions,
        "verify",
        "verify the audit chain and every stored case against it (exit 4 naming each problem)",
        "Verify the hash chain against its head, and every stored case, hold and index"
        " row against the chain. With --head, also prove the log still extends a head"
        " published earlier (catches a log truncated or rewritten since).",
        _audit_verify,
        Option(
            "--head",
            metavar="LENGTH:DIGEST",
            help="a head printed earlier by 'audit head': the log must still extend it",
        ),
        *CASE,
    )
    add_command(
        actions,
        "head",
        "print the chain's head (LENGTH:DIGEST) for publishing",
        "Verify the log, then print its head as LENGTH:DIGEST. Publish it where a writer"
        " of the database cannot reach (the transparency report, a ticket, a"
        " transparency log); 'audit verify --head' later proves the log extends it.",
        _audit_head,
        *CASE,
    )
