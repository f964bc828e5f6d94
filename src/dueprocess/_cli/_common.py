"""What every command shares on the way out: exit codes, errors turned into messages, and
text that is safe to print.

Reading what a command is given (files, stores, the clock) is :mod:`._readers`; the
options every command adds the same way are :mod:`._options`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..exceptions import (
    DueProcessError,
    IntegrityError,
    InvalidDocument,
    ProductionRefused,
    StoreError,
)

__all__ = [
    "EXIT_ERROR",
    "EXIT_INVALID",
    "EXIT_NOTHING_RELEASED",
    "EXIT_OK",
    "EXIT_VERIFY_FAILED",
    "CommandError",
    "bad_input",
    "json_safe",
    "plural",
    "print_json",
    "run_command",
    "terminal_lines",
    "terminal_safe",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INVALID = 2
EXIT_NOTHING_RELEASED = 3
EXIT_VERIFY_FAILED = 4

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A message for the user and the exit code that goes with it."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@contextmanager
def bad_input(prefix: str = "") -> Iterator[None]:
    """A :class:`StoreError` raised inside is the user's input refused (a missing or
    foreign store, a path in the way): exit 2 with its message, after *prefix*."""
    try:
        yield
    except StoreError as error:
        raise CommandError(f"{prefix}{error}", EXIT_INVALID) from None


# Control characters (C0, DEL, C1), line and paragraph separators, the bidirectional
# marks, embeddings, overrides and isolates (which can make text display in another
# order than it reads: "Trojan Source"), and unpaired surrogates (a file name that is
# not UTF-8 arrives holding them; printing one to a UTF-8 terminal would raise).
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff]"
)

# In JSON text, C0 controls inside strings are escaped already and the line breaks
# outside strings are the layout's: everything else of the above is escaped.
_JSON_UNSAFE = re.compile(
    r"[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def terminal_safe(text: str) -> str:
    """Outside text for a terminal, on one line: control and bidirectional characters
    and unpaired surrogates shown as escapes (``\\x1b``, ``\\u202e``), never obeyed.

    Every command prints text that came from a request, a store or a file name through
    this function (letters neutralise the same characters, see ``_markdown``).

    >>> print(terminal_safe("a\\x1b[2Jb\\udcff\\u202egnp.exe"))
    a\\x1b[2Jb\\udcff\\u202egnp.exe
    """
    return _UNSAFE.sub(_escape, text)


def terminal_lines(text: str) -> str:
    """Like :func:`terminal_safe`, but keeping line breaks (a multi-line message).

    >>> print(terminal_lines("bad:\\n  \\u202eid"))
    bad:
      \\u202eid
    """
    return "\n".join(terminal_safe(line) for line in text.split("\n"))


def json_safe(text: str) -> str:
    """JSON text for a terminal: the same characters as :func:`terminal_safe` written as
    JSON's own ``\\uXXXX`` escapes, so the document means the same and displays as it reads.

    >>> print(json_safe('{"id": "\\u202eA\\x85"}'))
    {"id": "\\u202eA\\u0085"}
    """
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def print_json(document: Any) -> None:
    """Print a JSON document for other programs, with :func:`json_safe` escapes."""
    sys.stdout.write(json_safe(json.dumps(document, indent=2, ensure_ascii=False)) + "\n")


def _escape(match: re.Match[str]) -> str:
    char = ord(match.group())
    return f"\\x{char:02x}" if char < 0x100 else f"\\u{char:04x}"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 record``, ``2 records``, ``1 identity``, ``3 identities``.

    >>> plural(1, "record"), plural(2, "identity", "identities")
    ('1 record', '2 identities')
    """
    return f"{count} {noun if count == 1 else (plural_form or noun + 's')}"


def run_command(args: argparse.Namespace) -> int:
    """Call the command's handler and map the library's errors to exit codes."""
    handler: Handler = args.handler
    try:
        return handler(args)
    except InvalidDocument as error:  # a request, records, a report file...: every problem
        raise CommandError(str(error), EXIT_INVALID) from None
    except ProductionRefused as error:
        raise CommandError(str(error), EXIT_NOTHING_RELEASED) from None
    except IntegrityError as error:
        raise CommandError(str(error), EXIT_VERIFY_FAILED) from None
    except DueProcessError as error:  # a store that failed, an illegal transition...
        raise CommandError(str(error), EXIT_ERROR) from None
