"""``dueprocess schema``: for the engineers who wire dueprocess into a portal."""

from __future__ import annotations

import argparse

from .. import json_schema
from ..parts import SCHEMA_NAMES
from ._common import EXIT_OK, print_json
from ._options import Option, Subcommands, add_command

__all__ = ["register"]


def _schema(args: argparse.Namespace) -> int:
    print_json(json_schema(args.name))
    return EXIT_OK


def register(subparsers: Subcommands) -> None:
    """Add ``schema``."""
    add_command(
        subparsers,
        "schema",
        "print the JSON Schema of a document format",
        "Print the JSON Schema (draft 2020-12) of a request, review, policy or manifest,"
        " generated from the tables dueprocess reads them with: a portal can check a"
        " request in the browser before it is sent.",
        _schema,
        Option("name", choices=SCHEMA_NAMES, help="which document"),
    )
