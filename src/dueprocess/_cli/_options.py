"""The options several commands take, each added the same way everywhere, and the one way
a command is declared (:func:`add_command`: a summary, a description and a handler).

What an option's value becomes (a policy, a template, an open store) is
:mod:`._readers`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

from ..parts import DEFAULT_CUSTODIAN

__all__ = [
    "Subcommands",
    "add_case_options",
    "add_certificate_option",
    "add_command",
    "add_custodian_option",
    "add_group",
    "add_json_option",
    "add_mapping_option",
    "add_policy_option",
    "add_production_options",
    "add_progress_options",
    "add_request_argument",
]

#: Where a command adds its subcommands (what ``add_subparsers`` returns).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]


def add_command(
    subparsers: Subcommands,
    name: str,
    summary: str,
    description: str,
    handler: Handler | None = None,
) -> argparse.ArgumentParser:
    """A (sub)command: *summary* for its parent's ``--help``, *description* for its own,
    and the *handler* that runs it (none for a group of actions)."""
    parser = subparsers.add_parser(name, help=summary, description=description)
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def add_group(subparsers: Subcommands, name: str, summary: str, description: str) -> Subcommands:
    """A command of actions (``case open``, ``audit verify``...): one is required."""
    group = add_command(subparsers, name, summary, description)
    return group.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def add_request_argument(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """The ``REQUEST.json`` positional: a request document, or ``-`` for stdin."""
    parser.add_argument(
        "file", metavar="REQUEST.json", help=help or "the request document, or - for stdin"
    )


def add_json_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--json``: print JSON for other programs (*help* says which)."""
    parser.add_argument("--json", action="store_true", help=help)


def add_policy_option(parser: argparse.ArgumentParser) -> None:
    """``--policy FILE`` (a JSON object of Policy fields; see ``dueprocess.load_policy``)."""
    parser.add_argument(
        "--policy",
        metavar="POLICY.json",
        help="the platform's policy as JSON (fields of dueprocess.Policy); default: DEFAULT_POLICY",
    )


def add_production_options(parser: argparse.ArgumentParser) -> None:
    """``--store`` (where records come from), ``--out`` (the new production directory) and
    ``--mapping`` (the service's own tables)."""
    parser.add_argument(
        "--store",
        required=True,
        metavar="STORE.sqlite",
        help="the record store: a SQLite file or a SQLAlchemy URL",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="the new production directory")
    add_mapping_option(parser)


def add_mapping_option(parser: argparse.ArgumentParser) -> None:
    """``--mapping FILE.toml``: read the service's own tables (see
    :func:`dueprocess.adapters.load_table_mappings`), only read, through SQLAlchemy."""
    parser.add_argument(
        "--mapping",
        metavar="FILE.toml",
        help=(
            "read the service's own tables, mapped in this TOML file, instead of"
            " dueprocess's tables (--store must then be a SQLAlchemy URL)"
        ),
    )


def add_custodian_option(parser: argparse.ArgumentParser) -> None:
    """``--custodian NAME``: who signs the certificate."""
    parser.add_argument(
        "--custodian",
        default=DEFAULT_CUSTODIAN,
        metavar="NAME",
        help=f"who signs the certificate (default: {DEFAULT_CUSTODIAN})",
    )


def add_certificate_option(parser: argparse.ArgumentParser) -> None:
    """``--certificate-template FILE.md``: a platform's own text for ``certificate.md``."""
    parser.add_argument(
        "--certificate-template",
        metavar="FILE.md",
        help=(
            "the text of certificate.md, a $placeholder template"
            " (default: the built-in 902(11)/902(13)/902(14) certificate; see docs)"
        ),
    )


def add_progress_options(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` (no progress on stderr)."""
    parser.add_argument(
        "--quiet", action="store_true", help="show no progress on stderr (results still print)"
    )


def add_case_options(parser: argparse.ArgumentParser, *, moves: bool = False) -> None:
    """``--db`` and ``--json``; for a command that moves a case, ``--now`` too (and a
    hidden ``--actor``, refused with a clear message: who acts is the login)."""
    parser.add_argument(
        "--db",
        required=True,
        metavar="CASES.sqlite",
        help="the case database: a SQLite file or a SQLAlchemy URL",
    )
    add_json_option(parser, "print JSON for other programs")
    if moves:
        parser.add_argument(
            "--now",
            metavar="TIMESTAMP",
            help="the time of this event (default: now, from the system clock; at most five"
            " minutes ahead of it, and not before the case's last event)",
        )
        parser.add_argument("--actor", help=argparse.SUPPRESS)
