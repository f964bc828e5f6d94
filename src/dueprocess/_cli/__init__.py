"""The ``dueprocess`` command line: a thin shell over the public API.

Each command group lives in its own module with a ``register(subparsers)`` function.
Errors the library raises on purpose become one message on stderr and an exit code:

* 0 success (any review outcome), 2 invalid input, 3 nothing released,
  4 verification failed, 1 any other refusal.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ._common import EXIT_ERROR, CommandError, run_command, terminal_lines

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dueprocess",
        description=(
            "Review government demands for user data, produce what the law allows, prove it."
        ),
    )
    parser.add_argument("--version", action="version", version=f"dueprocess {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from . import _commands

    for register in _commands.REGISTRY:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run_command(args)
    except CommandError as error:
        # Messages quote outside text (ids, file names, stored values): escaped here.
        print(f"dueprocess: {terminal_lines(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (``dueprocess demo | head``): stop quietly, as Unix tools
        # do, and keep Python from complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
