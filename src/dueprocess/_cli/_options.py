"""The options several commands take, each written once, and the one way a command is
declared: :func:`add_command` (a summary, a description, a handler and its options).

An :class:`Option` is what ``add_argument`` takes, kept as a value so that every command
adds ``--policy`` or ``--db`` with the same words; :meth:`Option.but` changes one setting
where a command means something narrower. What an option's value becomes (a policy, a
template, an open store) is :mod:`._readers`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeAlias

from ..parts import DEFAULT_CUSTODIAN

__all__ = [
    "CASE",
    "CASE_MOVE",
    "CERTIFICATE",
    "CUSTODIAN",
    "DB",
    "FORCE",
    "JSON",
    "NOW",
    "POLICY",
    "PRODUCTION",
    "QUIET",
    "REQUEST",
    "Option",
    "Subcommands",
    "add_command",
    "add_group",
]

#: Where a command adds its subcommands (what ``add_subparsers`` returns).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]


class Option:
    """One argument of a command: the names and settings ``add_argument`` takes.

    >>> Option("--reason", help="why").but(default="closed").settings
    {'help': 'why', 'default': 'closed'}
    """

    __slots__ = ("names", "settings")

    def __init__(self, *names: str, **settings: Any) -> None:
        self.names = names
        self.settings = settings

    def but(self, **changes: Any) -> Option:
        """The same option with some settings changed (a narrower help, a default)."""
        return Option(*self.names, **(self.settings | changes))

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Add this option to *parser*."""
        parser.add_argument(*self.names, **self.settings)


def add_command(
    subparsers: Subcommands,
    name: str,
    summary: str,
    description: str,
    handler: Handler | None = None,
    *options: Option,
) -> argparse.ArgumentParser:
    """A (sub)command: *summary* for its parent's ``--help``, *description* for its own,
    the *handler* that runs it (none for a group of actions) and its *options*, in the
    order ``--help`` lists them."""
    parser = subparsers.add_parser(name, help=summary, description=description)
    if handler is not None:
        parser.set_defaults(handler=handler)
    for option in options:
        option.add_to(parser)
    return parser


def add_group(subparsers: Subcommands, name: str, summary: str, description: str) -> Subcommands:
    """A command of actions (``case open``, ``audit verify``...): one is required."""
    group = add_command(subparsers, name, summary, description)
    return group.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


#: A request document, or ``-`` for standard input.
REQUEST = Option("file", metavar="REQUEST.json", help="the request document, or - for stdin")
#: ``--json``: the generic help; commands with a specific document say which.
JSON = Option("--json", action="store_true", help="print JSON for other programs")
#: ``--force``: each command says what it replaces.
FORCE = Option("--force", action="store_true")
#: ``--policy FILE``: a JSON object of Policy fields (see ``dueprocess.load_policy``).
POLICY = Option(
    "--policy",
    metavar="POLICY.json",
    help="the platform's policy as JSON (fields of dueprocess.Policy); default: DEFAULT_POLICY",
)
#: ``--store`` (where records come from), ``--out`` (the new production directory) and
#: ``--mapping`` (the service's own tables, read through SQLAlchemy).
PRODUCTION = (
    Option(
        "--store",
        required=True,
        metavar="STORE.sqlite",
        help="the record store: a SQLite file or a SQLAlchemy URL",
    ),
    Option("--out", required=True, metavar="DIR", help="the new production directory"),
    Option(
        "--mapping",
        metavar="FILE.toml",
        help="read the service's own tables, mapped in this TOML file, instead of"
        " dueprocess's tables (--store must then be a SQLAlchemy URL)",
    ),
)
#: ``--custodian NAME``: who signs the certificate.
CUSTODIAN = Option(
    "--custodian",
    default=DEFAULT_CUSTODIAN,
    metavar="NAME",
    help=f"who signs the certificate (default: {DEFAULT_CUSTODIAN})",
)
#: ``--certificate-template FILE.md``: a platform's own text for ``certificate.md``.
CERTIFICATE = Option(
    "--certificate-template",
    metavar="FILE.md",
    help="the text of certificate.md, a $placeholder template"
    " (default: the built-in 902(11)/902(13)/902(14) certificate; see docs)",
)
#: ``--quiet``: no progress on stderr.
QUIET = Option(
    "--quiet", action="store_true", help="show no progress on stderr (results still print)"
)
#: ``--db``: the case database.
DB = Option(
    "--db",
    required=True,
    metavar="CASES.sqlite",
    help="the case database: a SQLite file or a SQLAlchemy URL",
)
#: ``--now``: when a case event happens.
NOW = Option(
    "--now",
    metavar="TIMESTAMP",
    help="the time of this event (default: now, from the system clock; at most five"
    " minutes ahead of it, and not before the case's last event)",
)
#: What every command over the case database takes.
CASE = (DB, JSON)
#: What a command that moves a case takes: ``--now`` too, and a hidden ``--actor``,
#: refused with a clear message (who acts is the operating-system login).
CASE_MOVE = (*CASE, NOW, Option("--actor", help=argparse.SUPPRESS))
