"""``dueprocess verify`` (a directory or a zip, optionally against the request) and
``dueprocess bundle`` (one zip file to deliver)."""

from __future__ import annotations

import argparse

from .. import review
from ..adapters import bundle_production, verify_production
from ._common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_VERIFY_FAILED,
    CommandError,
    bad_input,
    plural,
    terminal_safe,
)
from ._options import POLICY, Option, Subcommands, add_command
from ._readers import policy_from, read_request

__all__ = ["register"]


def _verify(args: argparse.Namespace) -> int:
    if args.policy is not None and args.request is None:
        raise CommandError(
            "--policy needs --request: the policy reviews that request", EXIT_INVALID
        )
    expected = None
    if args.request is not None:
        expected = review(read_request(args.request), policy_from(args))
    result = verify_production(args.production, review=expected)
    where = terminal_safe(args.production)
    if result.ok:
        manifest = result.manifest
        assert manifest is not None
        print(
            f"intact: {where} holds {plural(manifest.records, 'record')} for"
            f" {terminal_safe(manifest.request_id)}; merkle root {manifest.merkle_root}"
        )
        if expected is not None:
            print(
                f"  and is what the review of {terminal_safe(args.request)} allows"
                f" (policy {terminal_safe(expected.policy)}, outcome {expected.outcome.value})"
            )
        return EXIT_OK
    count = len(result.mismatches)
    print(f"NOT intact: {where} has {count} mismatch{'es' if count != 1 else ''}:")
    for mismatch in result.mismatches:
        print(f"  {terminal_safe(str(mismatch))}")
    if expected is not None and any(m.subject == "review_sha256" for m in result.mismatches):
        print(
            "  (the production answers another review: another request document, or"
            " another --policy than the one it was produced under)"
        )
    return EXIT_VERIFY_FAILED


def _bundle(args: argparse.Namespace) -> int:
    with bad_input():
        manifest = bundle_production(args.directory, args.out)
    print(
        f"bundled {terminal_safe(args.directory)} into {terminal_safe(args.out)}:"
        f" {plural(manifest.records, 'record')} for {terminal_safe(manifest.request_id)},"
        f" merkle root {manifest.merkle_root}"
    )
    return EXIT_OK


def register(subparsers: Subcommands) -> None:
    """Add ``verify`` and ``bundle``."""
    add_command(
        subparsers,
        "verify",
        "check a production (a directory or a zip) against its manifest",
        "Recompute every figure of a production's manifest, from its directory or from"
        " the zip dueprocess bundle made. With --request, also check that the production"
        " is what the review of that request (under --policy) allows. Exit 4 on any"
        " mismatch.",
        _verify,
        Option("production", metavar="DIR|ZIP", help="the production directory, or its zip file"),
        Option(
            "--request",
            metavar="REQUEST.json",
            help="the request the production answers: its fresh review must be the manifest's",
        ),
        POLICY,
    )
    add_command(
        subparsers,
        "bundle",
        "pack a production into one zip file to deliver",
        "Verify a production directory and pack it into a new zip file, deterministically:"
        " the same production always gives the same bytes (fixed times, sorted names,"
        " stored entries, no extra metadata). An existing file is never overwritten."
        " Exit 4 if the production does not verify.",
        _bundle,
        Option("directory", metavar="DIR", help="the production directory"),
        Option("--out", required=True, metavar="PRODUCTION.zip", help="the new zip"),
    )
