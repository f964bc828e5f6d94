"""Describing outside input safely in messages: short quotes, JSON paths, close matches.

Every message that names a value, a key or a path from a document the caller gave us goes
through here, so no message echoes more than ``QUOTE_LIMIT`` characters of it or lets a
control character through unescaped.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Final

__all__ = ["QUOTE_LIMIT", "describe", "key_path", "neutralise", "quote", "restore", "unknown_key"]

#: Characters of an input string a message quotes before cutting it short.
QUOTE_LIMIT: Final = 60
# A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV
# injection"); the CSV writers of reports and invoices neutralise them.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
# A key that can be written as ``$.key`` in a path.
_KEY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


def quote(text: str) -> str:
    """``repr`` of at most ``QUOTE_LIMIT`` characters: control characters come out escaped."""
    if len(text) <= QUOTE_LIMIT:
        return repr(text)
    return f"{text[:QUOTE_LIMIT]!r}... ({len(text)} characters)"


def describe(value: object) -> str:
    """What a value is, in JSON's words, without echoing more than a short quote."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return f"string {quote(value)}"
    if isinstance(value, int):
        # str() of an int past 4,300 digits raises; nobody needs to see it anyway.
        return f"number {int(value)}" if value.bit_length() <= 64 else "a very large number"
    if isinstance(value, float):
        return f"number {float(value)!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a value of Python type {quote(type(value).__name__)}, which is not JSON"


def key_path(path: str, key: str) -> str:
    """``$.key`` for a plain key, ``$["odd key"]`` (JSON-escaped, cut short) otherwise."""
    if len(key) <= QUOTE_LIMIT and _KEY.fullmatch(key):
        return f"{path}.{key}"
    shown = key if len(key) <= QUOTE_LIMIT else key[:QUOTE_LIMIT] + "..."
    return f"{path}[{json.dumps(shown)}]"


def unknown_key(key: str, allowed: frozenset[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1) if len(key) <= QUOTE_LIMIT else []
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return "unknown key; the keys allowed here are " + ", ".join(sorted(allowed))


def _runs_as_formula(text: str) -> bool:
    # Apostrophes already in front count too, so that neutralise/restore are inverses
    # even for text that itself starts with "'=".
    return text.lstrip("'").startswith(_FORMULA_START)


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula.

    >>> neutralise("=1+1"), neutralise("Germany"), neutralise("'=1")
    ("'=1+1", 'Germany', "''=1")
    """
    return "'" + text if _runs_as_formula(text) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: drop the apostrophe it added.

    >>> restore("'=1+1"), restore("''=1"), restore("'s-Hertogenbosch")
    ('=1+1', "'=1", "'s-Hertogenbosch")
    """
    if text.startswith("'") and _runs_as_formula(text):
        return text[1:]
    return text
