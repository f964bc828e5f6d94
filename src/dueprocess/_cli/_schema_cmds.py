"""``dueprocess schema`` and ``dueprocess policy diff``: for the engineers who wire
dueprocess into a portal, and for the counsel who change its policy."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import (
    DEFAULT_POLICY,
    Policy,
    compare_reviews,
    json_schema,
    load_policy,
    load_request,
    review,
)
from .._formats._schema import SCHEMA_NAMES
from .._review._policy_diff import changed_settings
from ..exceptions import InvalidPolicy, InvalidRequest
from ._common import EXIT_INVALID, EXIT_OK, CommandError, plural, read_json
from ._review_cmds import terminal_safe

__all__ = ["register"]

#: Request files a folder may hold before ``policy diff`` refuses it.
MAX_FOLDER_FILES = 100_000


def _schema(args: argparse.Namespace) -> int:
    json.dump(json_schema(args.name), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def _policy(path: str) -> Policy:
    if path == "default":
        return DEFAULT_POLICY
    try:
        return load_policy(read_json(path))
    except InvalidPolicy as error:
        raise CommandError(f"{path}: {error}", EXIT_INVALID) from None


def _request_files(paths: list[str]) -> list[str]:
    """The request files named, a folder standing for its ``*.json`` files (sorted)."""
    files: list[str] = []
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            found = sorted(str(p) for p in folder.glob("*.json") if p.is_file())
            if not found:
                raise CommandError(f"{path}: a folder with no .json request in it", EXIT_INVALID)
            files += found
        else:
            files.append(path)
        if len(files) > MAX_FOLDER_FILES:
            raise CommandError(
                f"more than {MAX_FOLDER_FILES} request files; split the run", EXIT_INVALID
            )
    return files


def _policy_diff(args: argparse.Namespace) -> int:
    old, new = _policy(args.old), _policy(args.new)
    files = _request_files(args.requests)
    changes = []
    for path in files:
        try:
            request = load_request(read_json(path))
        except InvalidRequest as error:
            raise CommandError(f"{path}: {error}", EXIT_INVALID) from None
        change = compare_reviews(review(request, old), review(request, new))
        if change is not None:
            changes.append((path, change))
    if args.json:
        document = {
            "old_policy": old.name,
            "new_policy": new.name,
            "settings": list(changed_settings(old, new)),
            "reviewed": len(files),
            "changed": len(changes),
            "changes": [{"file": path, **change.to_dict()} for path, change in changes],
        }
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    settings = ", ".join(changed_settings(old, new)) or "none"
    print(
        f"{plural(len(changes), 'request')} of {len(files)} change from policy"
        f" {terminal_safe(old.name)} to {terminal_safe(new.name)} (settings changed:"
        f" {terminal_safe(settings)})"
    )
    for path, change in changes:
        print(f"{terminal_safe(change.request_id)} ({terminal_safe(path)}):")
        for line in change.describe():
            print(f"  {terminal_safe(line)}")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schema`` and ``policy``."""
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a document format",
        description=(
            "Print the JSON Schema (draft 2020-12) of a request, review, policy or manifest,"
            " generated from the tables dueprocess reads them with: a portal can check a"
            " request in the browser before it is sent."
        ),
    )
    parser.add_argument("name", choices=SCHEMA_NAMES, help="which document")
    parser.set_defaults(handler=_schema)

    policy = subparsers.add_parser(
        "policy",
        help="compare policies",
        description="Work with review policies (JSON objects of dueprocess.Policy fields).",
    )
    actions = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    parser = actions.add_parser(
        "diff",
        help="which requests a new policy would answer differently",
        description=(
            "Review each request under both policies and list every request whose"
            " outcome, category decisions, period or user notice changes. Use it before"
            " adopting a stricter policy. Exit 0 whatever changes; 2 on a bad file."
        ),
    )
    parser.add_argument("old", metavar="OLD.json", help="the policy in force (or the word default)")
    parser.add_argument(
        "new", metavar="NEW.json", help="the policy considered (or the word default)"
    )
    parser.add_argument(
        "requests",
        nargs="+",
        metavar="REQUEST",
        help="request documents, or folders of them (their *.json files)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for other programs")
    parser.set_defaults(handler=_policy_diff)
