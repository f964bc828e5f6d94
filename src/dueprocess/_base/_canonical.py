"""Canonical JSON bytes: the one serialisation every hash in dueprocess is taken over.

Keys sorted, separators ``,`` and ``:``, non-ASCII kept as UTF-8, no trailing newline
(docs/formats.md, "Canonical bytes of a record"). NaN and infinities are not JSON
and are refused rather than written as ``NaN``.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["canonical_bytes"]

_ENCODER = json.JSONEncoder(
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=False,
    allow_nan=False,
)


def canonical_bytes(value: Any) -> bytes:
    """Return the canonical JSON encoding of *value*.

    >>> canonical_bytes({"b": 1, "a": "é"})
    b'{"a":"\\xc3\\xa9","b":1}'
    """
    return _ENCODER.encode(value).encode("utf-8")
