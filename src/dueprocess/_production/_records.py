"""Stored records, format ``dueprocess.record/1``, and the identities that find them.

A record is one stored fact about one account (docs/formats.md). Its *canonical
bytes* are what a production writes, hashes and proves, so they are computed in exactly
one place, :meth:`Record.canonical_bytes`.

Parsing is strict and reports everything at once: :func:`read_records` and
:func:`read_identities` read JSON Lines, yield every good line and, after the last line,
raise :class:`InvalidRecords` naming each bad line and what is wrong with it, so a store
can import a file in one transaction and roll back if anything was wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from .._base._canonical import canonical_bytes
from .._base._dates import format_timestamp, parse_timestamp
from .._base._enums import Category, TargetKind
from .._base._json import RepeatedKeys
from .._base._json import loads as strict_json
from .._base._text import key_path
from ..exceptions import InvalidRecords, Problem, StoreError
from ._identity import identity_key

__all__ = [
    "IDENTITY_KINDS",
    "MAX_FIELD_DEPTH",
    "MAX_RECORD_BYTES",
    "MAX_RECORD_PROBLEMS",
    "RECORD_FORMAT",
    "SESSION_EVENTS",
    "SUBSCRIBER_FIELDS",
    "Identity",
    "InvalidRecords",
    "Record",
    "fields_too_deep",
    "identity_key",
    "identity_taken",
    "is_one_line",
    "read_identities",
    "read_records",
]

RECORD_FORMAT = "dueprocess.record/1"

#: The fields of a ``subscriber`` record, in the request format's order.
SUBSCRIBER_FIELDS = (
    "name",
    "address",
    "email",
    "phone",
    "service_start",
    "service_types",
    "payment",
)

#: The values of a ``session_logs`` record's ``event`` field.
SESSION_EVENTS = ("login", "logout")

#: Target kinds a store's identity table can hold (``name`` and ``query`` never resolve).
IDENTITY_KINDS = (TargetKind.USERNAME, TargetKind.EMAIL, TargetKind.PHONE, TargetKind.URL)

#: The longest record line (and record, as canonical bytes) dueprocess imports, produces
#: or checks: 16 MiB. A production holds and parses one record at a time, so this bounds
#: what one hostile line can make it allocate.
MAX_RECORD_BYTES = 16 * 1024 * 1024

#: How deeply a record's ``fields`` may nest objects and arrays. Far above any real
#: record, and far below Python's recursion limit, so every record that is imported can
#: also be encoded, produced and verified.
MAX_FIELD_DEPTH = 64

#: Bad lines named one by one before the rest of a file's problems are only counted.
MAX_RECORD_PROBLEMS = 1_000

_RECORD_KEYS = ("account", "category", "at", "fields")
_IDENTITY_KEYS = ("account", "kind", "value")
_UTC = dt.timezone.utc


@attrs.frozen
class Record:
    """One stored fact about one account.

    ``at`` is timezone-aware; ``fields`` is the record's JSON object (treat it as
    read-only). Build records from documents with :meth:`from_dict` or
    :func:`read_records`, which check them; the constructor checks nothing.

    >>> record = Record.from_dict({"account": "100001", "category": "session_logs",
    ...     "at": "2017-02-01T10:00:00Z", "fields": {"event": "login", "ip": "203.0.113.7"}})
    >>> record.canonical_bytes()
    b'{"account":"100001","at":"2017-02-01T10:00:00Z","category":"session_logs","fields":{"event":"login","ip":"203.0.113.7"}}'
    """

    account: str
    category: Category
    at: dt.datetime
    fields: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The ``dueprocess.record/1`` object."""
        return {
            "account": self.account,
            "category": self.category.value,
            "at": format_timestamp(self.at),
            "fields": dict(self.fields),
        }

    def canonical_bytes(self) -> bytes:
        """Keys sorted, ``,``/``:`` separators, UTF-8, no trailing newline."""
        fields = self.fields if type(self.fields) is dict else dict(self.fields)
        at = self.at
        # A production encodes millions of records; UTC instants (what stores return)
        # skip the general conversion. isoformat() of a UTC instant ends "+00:00".
        when = at.isoformat()[:-6] + "Z" if at.tzinfo is _UTC else format_timestamp(at)
        return canonical_bytes(
            {"account": self.account, "at": when, "category": self.category.value, "fields": fields}
        )

    def only(self, names: Iterable[str]) -> Record:
        """A copy holding only the named fields; a name the record lacks is left out.

        >>> record = Record("1", Category.SUBSCRIBER, dt.datetime(2017, 1, 1, tzinfo=_UTC),
        ...     {"name": "A", "email": "a@example.com"})
        >>> record.only(["name", "service_start"]).fields
        {'name': 'A'}
        """
        kept = {name: self.fields[name] for name in names if name in self.fields}
        return attrs.evolve(self, fields=kept)

    @classmethod
    def from_dict(cls, document: object, *, strict: bool = True) -> Record:
        """Check and convert one ``dueprocess.record/1`` object.

        With ``strict=False`` only the shape is checked (the four keys, the category,
        a UTC timestamp, a JSON object of fields), not what each category's fields must
        be: a verifier reading a production back needs no more.

        Raises:
            InvalidRecords: listing every problem, each with its JSON path.
        """
        problems: list[Problem] = []
        record = _record(document, "", problems, strict=strict)
        if record is None:
            raise InvalidRecords(problems, what="record")
        return record

    def __repr__(self) -> str:
        aware = self.at.utcoffset() is not None
        when = format_timestamp(self.at) if aware else f"{self.at.isoformat()} (no timezone)"
        return f"Record({self.account!r}, {self.category.value}, {when}, {len(self.fields)} fields)"


@attrs.frozen
class Identity:
    """One identifier of an account in a store's identity table.

    ``value`` is kept as given; stores look identities up by :func:`identity_key`.
    """

    account: str
    kind: TargetKind
    value: str

    @property
    def key(self) -> str:
        """The normalised value a store matches targets against."""
        return identity_key(self.kind, self.value)

    @classmethod
    def from_dict(cls, document: object) -> Identity:
        """Check and convert one ``{"account", "kind", "value"}`` object.

        Raises:
            InvalidRecords: listing every problem, each with its JSON path.
        """
        problems: list[Problem] = []
        identity = _identity(document, "", problems)
        if identity is None:
            raise InvalidRecords(problems, what="identity")
        return identity


def identity_taken(identity: Identity, holder: str) -> StoreError:
    """The error for importing *identity* when its key already belongs to *holder*.

    One identifier finds one account: an address or username that two accounts share
    would release both accounts' records to a demand that names only one person.

    >>> str(identity_taken(Identity("2", TargetKind.EMAIL, "A@b.org"), "1"))[:68]
    "email 'A@b.org' of account '2' is already an identity of account '1'"
    """
    return StoreError(
        f"{identity.kind.value} {identity.value!r} of account {identity.account!r} is already"
        f" an identity of account {holder!r} (key {identity.key!r}); one identifier belongs"
        " to one account"
    )


_Item = TypeVar("_Item")
_Member = TypeVar("_Member", Category, TargetKind)


def read_records(lines: Iterable[str | bytes], *, what: str = "records") -> Iterator[Record]:
    """Parse JSON Lines of records, yielding each good one in file order.

    Blank lines are skipped. After the last line, if any line was bad, raises
    :class:`InvalidRecords` naming every bad line (``line 3, $.at: …``); a caller that
    stores records as they come should do so in a transaction and roll back then.

    >>> list(read_records(['{"account": "1", "category": "content",'
    ...     ' "at": "2017-01-01T00:00:00Z", "fields": {}}']))
    [Record('1', content, 2017-01-01T00:00:00Z, 0 fields)]
    """
    return _read(lines, _record, what)


def read_identities(
    lines: Iterable[str | bytes], *, what: str = "identities"
) -> Iterator[Identity]:
    """Parse JSON Lines of identities, like :func:`read_records`.

    >>> [i.key for i in read_identities(['{"account": "1", "kind": "email", "value": "A@B.org"}'])]
    ['a@b.org']
    """
    return _read(lines, _identity, what)


def _read(
    lines: Iterable[str | bytes],
    parse: Callable[[object, str, list[Problem]], _Item | None],
    what: str,
) -> Iterator[_Item]:
    """Each good item of the lines in file order, then :class:`InvalidRecords` if any was bad."""
    problems: list[Problem] = []
    dropped = 0
    for number, document in _json_lines(lines, problems):
        item = parse(document, f"line {number}, ", problems)
        if item is not None:
            yield item
        dropped += _cap(problems)
    _finish(problems, dropped + _cap(problems), what)


def _cap(problems: list[Problem]) -> int:
    """Keep the first ``MAX_RECORD_PROBLEMS`` problems; return how many were dropped."""
    extra = len(problems) - MAX_RECORD_PROBLEMS
    if extra <= 0:
        return 0
    del problems[MAX_RECORD_PROBLEMS:]
    return extra


def _finish(problems: list[Problem], dropped: int, what: str) -> None:
    if dropped:
        problems.append(Problem("…", f"{dropped} more problems, not listed"))
    if problems:
        raise InvalidRecords(problems, what=what)


# --- checking ------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys; another reader may keep the first.
    # A record must mean one thing to every reader, so a repeated key is refused.
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# NaN and the infinities are not JSON; json.loads would accept them.
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_refuse_constant)


def decode_fields(text: str | bytes) -> Any:
    """Strict JSON for a stored record's fields: no repeated key, no NaN or infinity.

    Stores that keep fields as JSON text use this rather than ``json.loads``, which keeps
    the last of two equal keys. Raises ``ValueError`` naming what is wrong.

    >>> decode_fields('{"event": "login", "event": "logout"}')
    Traceback (most recent call last):
    ...
    ValueError: the fields repeat the key 'event'
    """
    try:
        return _DECODER.decode(text.decode("utf-8") if isinstance(text, bytes) else text)
    except _DuplicateKey as error:
        raise ValueError(f"the fields repeat the key {error.args[0]!r}") from None
    except RecursionError:
        raise ValueError("the fields are nested too deeply") from None


def _json_lines(
    lines: Iterable[str | bytes], problems: list[Problem]
) -> Iterator[tuple[int, object]]:
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_RECORD_BYTES and len(raw.rstrip()) > MAX_RECORD_BYTES:
            problems.append(
                Problem(f"line {number}", f"longer than {MAX_RECORD_BYTES // 1024 // 1024} MiB")
            )
            continue
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                problems.append(Problem(f"line {number}", f"not UTF-8 ({error.reason})"))
                continue
        else:
            text = raw
        if not text.strip():
            continue
        if text.startswith("\ufeff"):
            problems.append(Problem(f"line {number}", "starts with a byte-order mark (U+FEFF)"))
            continue
        try:
            yield number, strict_json(text)
        except RepeatedKeys as error:
            problems.extend(
                Problem(f"line {number}, {path}", message) for path, message in error.located()
            )
        except json.JSONDecodeError as error:
            problems.append(
                Problem(f"line {number}", f"malformed JSON at column {error.colno}: {error.msg}")
            )
        except RecursionError:
            problems.append(Problem(f"line {number}", "JSON nested too deeply"))
        except ValueError as error:  # NaN, or an integer too long to convert
            problems.append(Problem(f"line {number}", f"malformed JSON: {error}"))


def _object(
    document: object, keys: tuple[str, ...], where: str, problems: list[Problem]
) -> dict[str, Any] | None:
    if not isinstance(document, dict):
        problems.append(Problem(f"{where}$", "expected a JSON object"))
        return None
    found = len(problems)
    for key in document:
        if key not in keys:
            problems.append(Problem(key_path(f"{where}$", key), "unknown key"))
    for key in keys:
        if key not in document:
            problems.append(Problem(f"{where}$.{key}", "required"))
    return document if len(problems) == found else None


# The same characters intake refuses in a one-line string: an account id or identifier
# is matched against request targets, which can never hold them, and is printed on one
# line of a certificate, a ledger or a terminal. Unpaired surrogates cannot be UTF-8.
_BAD_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def is_one_line(value: str) -> bool:
    """Whether *value* may be an account id or identifier: no control characters, line
    separators or unpaired surrogates (what intake refuses in a one-line string).

    >>> is_one_line("100001"), is_one_line("a\\nb")
    (True, False)
    """
    return _BAD_IN_LINE.search(value) is None


def _one_line(value: str, path: str, problems: list[Problem]) -> bool:
    bad = _BAD_IN_LINE.search(value)
    if bad is None:
        return True
    char = ord(bad.group())
    what = "an unpaired surrogate" if 0xD800 <= char <= 0xDFFF else "a control character"
    problems.append(Problem(path, f"contains {what} (U+{char:04X}) at position {bad.start()}"))
    return False


def _account(value: object, path: str, problems: list[Problem]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(path, "expected a non-empty string (the account id)"))
        return None
    if value != value.strip():
        problems.append(Problem(path, "must not start or end with white space"))
        return None
    if not _one_line(value, path, problems):
        return None
    return value


def _record(
    document: object, where: str, problems: list[Problem], *, strict: bool = True
) -> Record | None:
    found = len(problems)
    doc = _object(document, _RECORD_KEYS, where, problems)
    if doc is None:
        return None
    account = _account(doc["account"], f"{where}$.account", problems)
    category = _one_of(doc["category"], tuple(Category), f"{where}$.category", problems)
    at = _utc_timestamp(doc["at"], f"{where}$.at", problems)
    fields = doc["fields"]
    if not isinstance(fields, dict):
        problems.append(Problem(f"{where}$.fields", "expected a JSON object"))
    else:
        _check_fields(category if strict else None, fields, f"{where}$.fields", problems)
    if len(problems) != found:
        return None
    assert account is not None
    assert category is not None
    assert at is not None
    return Record(account=account, category=category, at=at, fields=fields)


def _one_of(
    value: object, members: tuple[_Member, ...], path: str, problems: list[Problem]
) -> _Member | None:
    """The member whose value *value* is, or ``None`` and a problem listing them."""
    member = next((member for member in members if member.value == value), None)
    if member is None:
        names = ", ".join(member.value for member in members)
        problems.append(Problem(path, f"expected one of {names}"))
    return member


def _utc_timestamp(value: object, path: str, problems: list[Problem]) -> dt.datetime | None:
    if not isinstance(value, str):
        problems.append(Problem(path, "expected a timestamp string"))
        return None
    try:
        moment = parse_timestamp(value)
    except ValueError as error:
        problems.append(Problem(path, str(error)))
        return None
    # The format fixes UTC with a Z: a record's canonical bytes must be the bytes it
    # was stored with, and an offset would be silently rewritten.
    if not value.endswith("Z"):
        problems.append(Problem(path, "must be UTC, ending in Z"))
        return None
    return moment


def _check_fields(
    category: Category | None, fields: dict[str, Any], path: str, problems: list[Problem]
) -> None:
    if fields_too_deep(fields):
        problems.append(Problem(path, f"nested more than {MAX_FIELD_DEPTH} levels deep"))
        return
    try:
        canonical_bytes(fields)
    except (TypeError, ValueError) as error:
        problems.append(Problem(path, f"not representable as JSON: {error}"))
        return
    if category is Category.SUBSCRIBER:
        for name in fields:
            if name not in SUBSCRIBER_FIELDS:
                allowed = ", ".join(SUBSCRIBER_FIELDS)
                problems.append(
                    Problem(key_path(path, name), f"not a subscriber field (expected {allowed})")
                )
    elif category is Category.SESSION_LOGS:
        event = fields.get("event")
        if event not in SESSION_EVENTS:
            problems.append(Problem(f"{path}.event", "required: 'login' or 'logout'"))
        ip = fields.get("ip")
        if not isinstance(ip, str) or not ip.strip():
            problems.append(Problem(f"{path}.ip", "required: the IP address, a string"))


def fields_too_deep(fields: Mapping[str, Any]) -> bool:
    """Whether *fields* nests objects and arrays more than ``MAX_FIELD_DEPTH`` deep.

    The fields object itself is level 1. Iterative, so that checking a deep value cannot
    itself exhaust the stack.

    >>> fields_too_deep({"a": [1, {"b": 2}]}), fields_too_deep({"a": [[[]]] * 2})
    (False, False)
    """
    stack: list[tuple[object, int]] = [(fields, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_FIELD_DEPTH:
            return True
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend((item, depth + 1) for item in value)
    return False


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


def _identity(document: object, where: str, problems: list[Problem]) -> Identity | None:
    found = len(problems)
    doc = _object(document, _IDENTITY_KEYS, where, problems)
    if doc is None:
        return None
    account = _account(doc["account"], f"{where}$.account", problems)
    kind = _one_of(doc["kind"], IDENTITY_KINDS, f"{where}$.kind", problems)
    value = doc["value"]
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(f"{where}$.value", "expected a non-empty string"))
    elif not _one_line(value, f"{where}$.value", problems):
        pass
    elif kind is TargetKind.EMAIL and not _EMAIL.match(value.strip()):
        problems.append(Problem(f"{where}$.value", "not an e-mail address"))
    elif kind is TargetKind.PHONE and not 7 <= len(identity_key(kind, value)) <= 15:
        problems.append(Problem(f"{where}$.value", "a phone number has 7 to 15 digits"))
    if len(problems) != found:
        return None
    assert account is not None
    assert kind is not None
    return Identity(account=account, kind=kind, value=value)
