"""``dueprocess policy diff``: for the counsel who change the platform's policy."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import DEFAULT_POLICY, Policy, compare_reviews, diff_policies, review
from ..exceptions import InvalidRequest
from ._common import EXIT_INVALID, EXIT_OK, CommandError, plural, print_json, terminal_safe
from ._options import JSON, Option, Subcommands, add_command, add_group
from ._readers import read_policy, read_request

__all__ = ["register"]

#: Request files a folder may hold before ``policy diff`` refuses it.
MAX_FOLDER_FILES = 100_000


def _policy(path: str) -> Policy:
    return DEFAULT_POLICY if path == "default" else read_policy(path)


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
            request = read_request(path)
        except InvalidRequest as error:
            raise CommandError(f"{path}: {error}", EXIT_INVALID) from None
        change = compare_reviews(review(request, old), review(request, new))
        if change is not None:
            changes.append((path, change))
    # The settings that differ, as the library's own diff names them.
    settings = diff_policies(old, new, ()).settings
    if args.json:
        print_json(
            {
                "old_policy": old.name,
                "new_policy": new.name,
                "settings": list(settings),
                "reviewed": len(files),
                "changed": len(changes),
                "changes": [{"file": path, **change.to_dict()} for path, change in changes],
            }
        )
        return EXIT_OK
    print(
        f"{plural(len(changes), 'request')} of {len(files)} change from policy"
        f" {terminal_safe(old.name)} to {terminal_safe(new.name)} (settings changed:"
        f" {terminal_safe(', '.join(settings) or 'none')})"
    )
    for path, change in changes:
        print(f"{terminal_safe(change.request_id)} ({terminal_safe(path)}):")
        for line in change.describe():
            print(f"  {terminal_safe(line)}")
    return EXIT_OK


def register(subparsers: Subcommands) -> None:
    """Add ``policy`` (``policy diff``)."""
    actions = add_group(
        subparsers,
        "policy",
        "compare policies",
        "Work with review policies (JSON objects of dueprocess.Policy fields).",
    )
    add_command(
        actions,
        "diff",
        "which requests a new policy would answer differently",
        "Review each request under both policies and list every request whose"
        " outcome, category decisions, period or user notice changes. Use it before"
        " adopting a stricter policy. Exit 0 whatever changes; 2 on a bad file.",
        _policy_diff,
        Option("old", metavar="OLD.json", help="the policy in force (or the word default)"),
        Option("new", metavar="NEW.json", help="the policy considered (or the word default)"),
        Option(
            "requests",
            nargs="+",
            metavar="REQUEST",
            help="request documents, or folders of them (their *.json files)",
        ),
        JSON,
    )
