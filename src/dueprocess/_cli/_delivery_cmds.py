"""``dueprocess verify`` (a directory or a zip, optionally against the request) and
``dueprocess bundle`` (one zip file to deliver)."""

from __future__ import annotations

import argparse

from .. import load_request, review
from ..adapters import bundle_production, verify_production
from ..exceptions import StoreError
from ._common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_VERIFY_FAILED,
    CommandError,
    plural,
    read_json,
)
from ._review_cmds import add_policy_option, policy_from, terminal_safe

__all__ = ["register"]


def _verify(args: argparse.Namespace) -> int:
    if args.policy is not None and args.request is None:
        raise CommandError(
            "--policy needs --request: the policy reviews that request", EXIT_INVALID
        )
    expected = None
    if args.request is not None:
        expected = review(load_request(read_json(args.request)), policy_from(args))
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
    try:
        manifest = bundle_production(args.directory, args.out)
    except StoreError as error:
        raise CommandError(str(error), EXIT_INVALID) from None
    print(
        f"bundled {terminal_safe(args.directory)} into {terminal_safe(args.out)}:"
        f" {plural(manifest.records, 'record')} for {terminal_safe(manifest.request_id)},"
        f" merkle root {manifest.merkle_root}"
    )
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``verify`` and ``bundle``."""
    parser = subparsers.add_parser(
        "verify",
        help="check a production (a directory or a zip) against its manifest",
        description=(
            "Recompute every figure of a production's manifest, from its directory or from"
            " the zip dueprocess bundle made. With --request, also check that the production"
            " is what the review of that request (under --policy) allows. Exit 4 on any"
            " mismatch."
        ),
    )
    parser.add_argument(
        "production", metavar="DIR|ZIP", help="the production directory, or its zip file"
    )
    parser.add_argument(
        "--request",
        metavar="REQUEST.json",
        help="the request the production answers: its fresh review must be the manifest's",
    )
    add_policy_option(parser)
    parser.set_defaults(handler=_verify)

    parser = subparsers.add_parser(
        "bundle",
        help="pack a production into one zip file to deliver",
        description=(
            "Verify a production directory and pack it into a new zip file, deterministically:"
            " the same production always gives the same bytes (fixed times, sorted names,"
            " stored entries, no extra metadata). An existing file is never overwritten."
            " Exit 4 if the production does not verify."
        ),
    )
    parser.add_argument("directory", metavar="DIR", help="the production directory")
    parser.add_argument("--out", required=True, metavar="PRODUCTION.zip", help="the new zip")
    parser.set_defaults(handler=_bundle)
