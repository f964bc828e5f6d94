"""Strict JSON for documents read from text: no repeated key, no NaN or infinity.

``json.loads`` keeps the last of two equal keys; another reader (a court's, an agency's,
a database's) may keep the first. A request, a policy, a renewal or a record must mean
one thing to every reader, so a document that repeats a key in one object is refused,
with the JSON path of every repeated key. Every place that reads such a document from
text (the command line, the record importers) goes through :func:`loads`.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ._text import key_path

__all__ = ["RepeatedKeys", "loads"]


class RepeatedKeys(ValueError):
    """A JSON document repeats a key in one object; ``paths`` names each, in order."""

    def __init__(self, paths: list[tuple[str, str]]) -> None:
        #: (the object's path, the key) of each repeated key.
        self.paths = tuple(paths)
        super().__init__("; ".join(self.messages()))

    def located(self) -> list[tuple[str, str]]:
        """(``$.targets[0].kind``, what is wrong) for each repeated key."""
        return [
            (key_path(where, key), "the key appears twice in one object")
            for where, key in self.paths
        ]

    def messages(self) -> list[str]:
        """``$.targets[0].kind: the key appears twice in one object``, for each."""
        return [f"{path}: {message}" for path, message in self.located()]


class _Repeated(dict[str, Any]):
    """An object that repeated a key; ``keys_seen_twice`` says which."""

    keys_seen_twice: list[str]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# Whether the document being decoded (in this thread) repeated a key: the walk that
# finds the paths runs only then, so a well-formed document costs one decode.
_STATE = threading.local()


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) == len(pairs):
        return document
    _STATE.repeated = True
    repeated = _Repeated(document)
    seen: set[str] = set()
    repeated.keys_seen_twice = []
    for key, _ in pairs:
        if key in seen and key not in repeated.keys_seen_twice:
            repeated.keys_seen_twice.append(key)
        seen.add(key)
    return repeated


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_refuse_constant)


def loads(text: str | bytes) -> Any:
    """Parse one JSON document strictly.

    Raises:
        RepeatedKeys: an object repeats a key (a ``ValueError``), naming the path of each.
        json.JSONDecodeError: the text is not JSON.
        ValueError: NaN or an infinity, or an integer too long to convert.
        RecursionError: nested too deeply.

    >>> loads('{"id": "A", "targets": [{"kind": "email", "kind": "username"}]}')
    Traceback (most recent call last):
    ...
    dueprocess._base._json.RepeatedKeys: $.targets[0].kind: the key appears twice in one object
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    _STATE.repeated = False
    document = _DECODER.decode(text)
    if _STATE.repeated:
        raise RepeatedKeys(_repeated_paths(document))
    return document


def _repeated_paths(document: Any) -> list[tuple[str, str]]:
    """Every (path, key) of a repeated key, in document order; iterative (no recursion)."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("$", document)]
    while stack:
        path, value = stack.pop()
        children: list[tuple[str, Any]] = []
        if isinstance(value, dict):
            if type(value) is _Repeated:
                found.extend((path, key) for key in value.keys_seen_twice)
            children = [(key_path(path, key), item) for key, item in value.items()]
        elif isinstance(value, list):
            children = [(f"{path}[{index}]", item) for index, item in enumerate(value)]
        stack.extend(reversed([(p, v) for p, v in children if isinstance(v, (dict, list))]))
    return found
