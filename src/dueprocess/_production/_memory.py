"""In-memory record source and sink, and a source that records what it is asked.

For tests, notebooks and examples; re-exported by :mod:`dueprocess.testing`. They follow
the same contracts as the shipped adapters (:mod:`dueprocess.typing`), so a test written
against them says something about the SQLite store too.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs

from .._base._enums import Category, TargetKind
from .._intake._request import Target
from ..exceptions import StoreError
from ..typing import RecordSource
from ._manifest import is_plain_file_name
from ._records import (
    IDENTITY_KINDS,
    MAX_FIELD_DEPTH,
    Identity,
    Record,
    fields_too_deep,
    identity_key,
    identity_taken,
)

__all__ = ["MemorySink", "MemoryStore", "RecordingSource", "SourceCall"]


@attrs.define
class MemoryStore:
    """A record source held in memory.

    Like the SQLite store it holds a *set* of records: adding the same record twice
    keeps one. Accounts exist once a record or identity names them (or
    :meth:`add_account` does).

    >>> import datetime as dt
    >>> store = MemoryStore()
    >>> store.add(Record("100001", Category.SUBSCRIBER,
    ...     dt.datetime(2016, 5, 1, tzinfo=dt.timezone.utc), {"name": "A. Person"}))
    >>> store.add_identity(Identity("100001", TargetKind.EMAIL, "a@example.com"))
    >>> store.resolve(Target(TargetKind.EMAIL, "A@Example.com"))
    ('100001',)
    >>> [r.fields for r in store.records("100001", Category.SUBSCRIBER, None, None)]
    [{'name': 'A. Person'}]
    """

    _accounts: set[str] = attrs.field(factory=set)
    _identities: dict[tuple[TargetKind, str], set[str]] = attrs.field(factory=dict)
    # Per (account, category): records sorted by (at, canonical bytes), and their keys.
    _records: dict[tuple[str, Category], list[tuple[dt.datetime, bytes, Record]]] = attrs.field(
        factory=dict
    )
    _seen: set[bytes] = attrs.field(factory=set)

    @classmethod
    def of(cls, records: Iterable[Record] = (), identities: Iterable[Identity] = ()) -> MemoryStore:
        """A store holding *records* and *identities*."""
        store = cls()
        store.add_all(records)
        for identity in identities:
            store.add_identity(identity)
        return store

    def add_account(self, account: str) -> None:
        """Make *account* exist (an ``account_id`` target resolves only to those)."""
        self._accounts.add(account)

    def add(self, record: Record) -> None:
        """Add one record (a duplicate of one already held is ignored).

        Raises:
            StoreError: the record cannot be held faithfully (no timezone, an unknown
                category, fields that are not a JSON object), naming it.
        """
        data = _checked(record)
        if data in self._seen:
            return
        self._seen.add(data)
        self._accounts.add(record.account)
        bisect.insort(
            self._records.setdefault((record.account, record.category), []),
            (record.at, data, record),
            key=lambda item: (item[0], item[1]),
        )

    def add_all(self, records: Iterable[Record]) -> None:
        """Add many records."""
        for record in records:
            self.add(record)

    def add_identity(self, identity: Identity) -> None:
        """Record that *identity* identifies its account.

        Raises:
            StoreError: its key (:func:`dueprocess.identity_key`) already identifies
                another account; both are named.
        """
        holders = self._identities.setdefault((identity.kind, identity.key), set())
        others = sorted(holders - {identity.account})
        if others:
            raise identity_taken(identity, others[0])
        self._accounts.add(identity.account)
        holders.add(identity.account)

    def __len__(self) -> int:
        return len(self._seen)

    def resolve(self, target: Target) -> tuple[str, ...]:
        """The accounts *target* identifies, sorted; see :class:`dueprocess.typing.RecordSource`."""
        key = identity_key(target.kind, target.value)
        if target.kind is TargetKind.ACCOUNT_ID:
            return (key,) if key in self._accounts else ()
        if target.kind not in IDENTITY_KINDS:
            return ()
        return tuple(sorted(self._identities.get((target.kind, key), ())))

    def records(
        self,
        account: str,
        category: Category,
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> Iterator[Record]:
        """One account's records of one category from *start* to *end*, in time order."""
        held = self._records.get((account, category), [])
        low = 0 if start is None else bisect.bisect_left(held, start, key=lambda item: item[0])
        for at, _, record in held[low:]:
            if end is not None and at > end:
                break
            yield record


def _string_keys(fields: Mapping[object, object]) -> bool:
    """Whether every object key in *fields*, at any depth, is a string (iteratively)."""
    stack: list[object] = [fields]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            if not all(isinstance(key, str) for key in value):
                return False
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
    return True


def _checked(record: object) -> bytes:
    """The record's canonical bytes, or a :class:`StoreError` saying what is wrong."""
    # A Record's constructor checks nothing, so each attribute is looked at as an object.
    account: object = getattr(record, "account", None)
    category: object = getattr(record, "category", None)
    at: object = getattr(record, "at", None)
    fields: object = getattr(record, "fields", None)
    problem = None
    if not isinstance(record, Record):
        problem = f"a {type(record).__name__}, not a Record"
    elif not isinstance(account, str) or not account:
        problem = "no account id"
    elif not isinstance(category, Category):
        problem = f"the category {category!r} is not one of the five"
    elif not isinstance(at, dt.datetime) or at.utcoffset() is None:
        problem = "an instant without a timezone" if isinstance(at, dt.datetime) else "no instant"
    elif not isinstance(fields, Mapping):
        problem = "fields that are not a JSON object"
    elif fields_too_deep(fields):
        problem = f"fields nested more than {MAX_FIELD_DEPTH} levels deep"
    elif not _string_keys(fields):
        # JSON would turn 1 into "1": the record read back would not be the one held.
        problem = "fields with a key that is not a string"
    else:
        try:
            return record.canonical_bytes()
        except (TypeError, ValueError, RecursionError) as error:
            problem = f"fields that are not JSON ({error})"
    raise StoreError(f"cannot hold the record of account {account!r} at {at!r}: {problem}")


@attrs.define
class MemorySink:
    """A sink that keeps a production's files in memory.

    ``files`` holds the committed files by name (empty until :meth:`commit`);
    ``aborted`` tells whether :meth:`abort` was called.

    >>> sink = MemorySink()
    >>> sink.write("a.txt", [b"x", b"y"])
    >>> sink.files, sink.pending
    ({}, {'a.txt': b'xy'})
    >>> sink.commit()
    >>> sink.files
    {'a.txt': b'xy'}
    """

    files: dict[str, bytes] = attrs.field(factory=dict)
    pending: dict[str, bytes] = attrs.field(factory=dict)
    committed: bool = False
    aborted: bool = False

    def write(self, name: str, chunks: Iterable[bytes]) -> None:
        """Consume *chunks* as the file *name*."""
        self._open()
        if not is_plain_file_name(name):
            raise StoreError(f"{name!r} is not a plain file name")
        if name in self.pending:
            raise StoreError(f"{name} was already written")
        self.pending[name] = b"".join(chunks)

    def commit(self) -> None:
        """Make the written files visible as one production."""
        self._open()
        self.files = dict(self.pending)
        self.pending = {}
        self.committed = True

    def abort(self) -> None:
        """Discard what was written."""
        self.pending = {}
        self.aborted = True

    def _open(self) -> None:
        if self.committed or self.aborted:
            raise StoreError("this sink is finished (committed or aborted)")


@attrs.frozen
class SourceCall:
    """One question a :class:`RecordingSource` was asked.

    ``method`` is ``"resolve"`` (with ``target``) or ``"records"`` (with ``account``,
    ``category``, ``start`` and ``end``).
    """

    method: str
    target: Target | None = None
    account: str | None = None
    category: Category | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@attrs.define
class RecordingSource:
    """Wraps a record source and remembers every question asked of it, in order.

    Use it to show what a production read: ``calls`` lists each :class:`SourceCall`.
    """

    source: RecordSource
    calls: list[SourceCall] = attrs.field(factory=list)

    def resolve(self, target: Target) -> Sequence[str]:
        """Ask the wrapped source, and remember the question."""
        self.calls.append(SourceCall("resolve", target=target))
        return self.source.resolve(target)

    def records(
        self,
        account: str,
        category: Category,
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> Iterable[Record]:
        """Ask the wrapped source, and remember the question."""
        self.calls.append(
            SourceCall("records", account=account, category=category, start=start, end=end)
        )
        return self.source.records(account, category, start, end)
