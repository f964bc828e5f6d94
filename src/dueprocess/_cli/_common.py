"""What every command shares: exit codes, reading documents, turning errors into messages."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from typing import Any

from .._base._json import RepeatedKeys
from .._base._json import loads as strict_json
from ..adapters._sql_open import is_in_memory
from ..exceptions import (
    ConflictError,
    DueProcessError,
    IntegrityError,
    InvalidDocument,
    InvalidTransition,
    ProductionRefused,
    StoreError,
)

__all__ = [
    "EXIT_ERROR",
    "EXIT_INVALID",
    "EXIT_NOTHING_RELEASED",
    "EXIT_OK",
    "EXIT_VERIFY_FAILED",
    "MAX_DOCUMENT_BYTES",
    "CommandError",
    "add_production_options",
    "durable_store",
    "json_safe",
    "plural",
    "print_json",
    "read_bytes",
    "read_json",
    "read_text",
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


#: The largest document the command line reads (16 MiB): far above any real request,
#: low enough that a hostile file cannot exhaust memory. See docs/limits.md.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024


def read_bytes(path: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Read a file, or standard input for ``-``, refusing more than *limit* bytes (exit 2)."""
    try:
        if path == "-":
            buffer = getattr(sys.stdin, "buffer", None)
            if buffer is None:  # a text-only stream (an embedding program, a notebook)
                data = sys.stdin.read(limit + 1).encode("utf-8", "surrogatepass")
            else:
                data = buffer.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a file", EXIT_INVALID) from None
    except OSError as error:
        raise CommandError(
            f"{path}: cannot read: {error.strerror or error}", EXIT_INVALID
        ) from None
    if len(data) > limit:
        raise CommandError(
            f"{path}: larger than {limit // (1024 * 1024)} MiB; not a request document",
            EXIT_INVALID,
        )
    return data


def read_text(path: str, limit: int = MAX_DOCUMENT_BYTES) -> str:
    """Read a UTF-8 file (a BOM is allowed), or standard input for ``-``; errors exit 2."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})", EXIT_INVALID
        ) from None


def read_json(path: str) -> Any:
    """Read and parse one JSON document (a request, a policy, a renewal) strictly: malformed
    JSON is exit 2 with line and column, and so is a key repeated in one object, with the
    JSON path of each (``json.loads`` would silently keep the last)."""
    text = read_text(path)
    try:
        return strict_json(text)
    except RepeatedKeys as error:
        problems = "\n".join(f"  {message}" for message in error.messages())
        raise CommandError(f"{path}: a key is repeated:\n{problems}", EXIT_INVALID) from None
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            EXIT_INVALID,
        ) from None
    except RecursionError:
        raise CommandError(f"{path}: JSON nested too deeply", EXIT_INVALID) from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise CommandError(f"{path}: malformed JSON: {error}", EXIT_INVALID) from None


def add_production_options(parser: argparse.ArgumentParser) -> None:
    """``--store`` (where records come from) and ``--out`` (the new production directory)."""
    parser.add_argument(
        "--store",
        required=True,
        metavar="STORE.sqlite",
        help="the record store: a SQLite file or a SQLAlchemy URL",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="the new production directory")


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


def durable_store(spec: str, option: str) -> str:
    """*spec*, unless it names an in-memory database: a command that records cases or
    records there would report success and keep nothing (exit 2).

    >>> durable_store("cases.sqlite", "--db")
    'cases.sqlite'
    """
    if is_in_memory(spec):
        raise CommandError(
            f"{option} {terminal_safe(spec)}: an in-memory database keeps nothing once the"
            " command ends; give a file or a database server",
            EXIT_INVALID,
        )
    return spec


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
    except InvalidDocument as error:
        raise CommandError(str(error), EXIT_INVALID) from None
    except ProductionRefused as error:
        raise CommandError(str(error), EXIT_NOTHING_RELEASED) from None
    except IntegrityError as error:
        raise CommandError(str(error), EXIT_VERIFY_FAILED) from None
    except (StoreError, ConflictError, InvalidTransition) as error:
        raise CommandError(str(error), EXIT_ERROR) from None
    except DueProcessError as error:
        raise CommandError(str(error), EXIT_ERROR) from None
