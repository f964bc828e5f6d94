"""The audit log: append-only and hash-chained (docs/concepts.md, "Audit log").

Every case event becomes one :class:`AuditEntry`. An entry's *canonical bytes* are the
canonical JSON (``dueprocess._base._canonical``) of its body, which includes ``seq`` and
``prev``, the SHA-256 of the previous entry's canonical bytes (64 zeros for the first).
The entry also carries ``digest``, the SHA-256 of its own canonical bytes, so a changed
entry is named itself rather than by its successor. A store also keeps a
:class:`ChainHead` (length and last digest), written with every append, so that entries
cut from the end are caught too.

The last entry of every store write also carries ``case``: the SHA-256 of the case
document exactly as the store wrote it, with its version, state and request id
(:func:`case_binding`), so the stored case is bound to the chain as well
(``_integrity`` checks it).

What the chain proves, and what it cannot: any single change to a stored log — an entry
modified, deleted, inserted or moved, the head removed or changed — breaks it at a named
entry. Someone able to rewrite the whole log *and* its head could forge a consistent
history; publish the head (``dueprocess audit head``) somewhere they cannot reach, and
``verify_chain(..., anchor=published)`` proves the log still extends it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from .._base._canonical import canonical_bytes
from .._base._dates import format_timestamp, parse_timestamp
from ._case import CaseEvent, Detail

__all__ = [
    "EMPTY_HEAD",
    "GENESIS",
    "AuditEntry",
    "ChainBreak",
    "ChainHead",
    "case_binding",
    "chain_events",
    "parse_head",
    "verify_chain",
]

#: ``prev`` of the first entry.
GENESIS = "0" * 64


@attrs.frozen
class ChainHead:
    """The end of a chain: how many entries it has and the digest of the last one.

    ``str(head)`` is ``LENGTH:DIGEST``, the form to publish; :func:`parse_head` reads it.
    """

    length: int
    digest: str

    def __str__(self) -> str:
        return f"{self.length}:{self.digest}"


_DIGEST = re.compile(r"[0-9a-f]{64}\Z")


def parse_head(text: str) -> ChainHead:
    """Read a published head ``LENGTH:DIGEST``; ``ValueError`` naming what is wrong.

    >>> parse_head("3:" + "ab" * 32).length
    3
    """
    length, colon, digest = text.strip().partition(":")
    if not colon or not length.isascii() or not length.isdigit() or len(length) > 18:
        raise ValueError(f"a chain head is LENGTH:DIGEST, got {text!r}")
    if not _DIGEST.match(digest):
        raise ValueError(f"the digest of a chain head is 64 lower-case hex digits, got {digest!r}")
    if int(length) == 0 and digest != GENESIS:
        raise ValueError("the head of an empty chain is 0:" + GENESIS)
    return ChainHead(int(length), digest)


def case_binding(document: bytes, *, version: int, state: str, request_id: str) -> Detail:
    """What an audit entry records of the case document a store wrote: its SHA-256
    over exactly the stored bytes, and the indexed columns a reader could change."""
    return {
        "sha256": hashlib.sha256(document).hexdigest(),
        "version": version,
        "state": state,
        "request_id": request_id,
    }


@attrs.frozen
class AuditEntry:
    """One entry of the audit log.

    Build entries with :meth:`following`, never by hand: it fills ``seq``, ``prev`` and
    ``digest`` from the chain's head. States and actions are kept as plain strings so a
    tampered entry can still be read and named.
    """

    seq: int
    at: dt.datetime
    actor: str
    case_id: str
    action: str
    from_state: str | None
    to_state: str
    reason: str
    detail: Detail
    prev: str
    digest: str
    #: The case document this write stored (:func:`case_binding`), on the last entry of
    #: each store write; ``None`` on the others.
    case: Detail | None = None
    _bytes: bytes | None = attrs.field(default=None, init=False, eq=False, repr=False)
    #: The ``case_id`` column of the row the entry was read from (``None``: no column).
    _stored_case_id: str | None = attrs.field(default=None, init=False, eq=False, repr=False)

    def body(self) -> dict[str, Any]:
        """The entry's document without ``digest``: what its canonical bytes encode."""
        body: dict[str, Any] = {
            "seq": self.seq,
            "at": format_timestamp(self.at),
            "actor": self.actor,
            "case_id": self.case_id,
            "action": self.action,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "detail": dict(self.detail),
            "prev": self.prev,
        }
        if self.case is not None:
            body["case"] = dict(self.case)
        return body

    def canonical_bytes(self) -> bytes:
        """Canonical JSON of :meth:`body` (computed once, then kept)."""
        cached = self._bytes
        if cached is None:
            cached = canonical_bytes(self.body())
            object.__setattr__(self, "_bytes", cached)
        return cached

    @property
    def head(self) -> ChainHead:
        """The chain's head if this entry is the last."""
        return ChainHead(self.seq + 1, self.digest)

    def to_dict(self) -> dict[str, Any]:
        """:meth:`body` with ``digest``."""
        return {**self.body(), "digest": self.digest}

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> AuditEntry:
        """Read an entry back; the stored ``digest`` is taken as claimed, not checked."""
        return cls(
            seq=document["seq"],
            at=parse_timestamp(document["at"]),
            actor=document["actor"],
            case_id=document["case_id"],
            action=document["action"],
            from_state=document["from_state"],
            to_state=document["to_state"],
            reason=document["reason"],
            detail=dict(document["detail"]),
            prev=document["prev"],
            digest=document["digest"],
            case=dict(document["case"]) if document.get("case") is not None else None,
        )

    @property
    def stored_case_id(self) -> str | None:
        """The ``case_id`` column of the row this entry was read from, if any."""
        return self._stored_case_id

    @classmethod
    def from_bytes(
        cls, data: bytes, digest: str, *, stored_case_id: str | None = None
    ) -> AuditEntry:
        """Read an entry from its stored canonical bytes and claimed ``digest``.

        The entry keeps *data* as its canonical bytes, so verification hashes exactly
        what was stored (bytes that are not canonical JSON no longer match the digest).
        Raises ``ValueError`` or ``KeyError`` for bytes that are not an entry.
        """
        document = json.loads(data)
        if not isinstance(document, dict):
            raise ValueError("an audit entry is a JSON object")
        entry = cls.from_dict({**document, "digest": digest})
        object.__setattr__(entry, "_bytes", bytes(data))
        object.__setattr__(entry, "_stored_case_id", stored_case_id)
        return entry

    @classmethod
    def following(
        cls,
        head: ChainHead | None,
        case_id: str,
        event: CaseEvent,
        *,
        case: Detail | None = None,
    ) -> AuditEntry:
        """The entry that records *event* after a chain ending at *head* (``None``: empty).

        >>> import datetime as dt
        >>> from dueprocess._cases._lifecycle import CaseAction, CaseState
        >>> event = CaseEvent(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), "intake",
        ...                   None, CaseState.RECEIVED, "request received", CaseAction.OPEN)
        >>> first = AuditEntry.following(None, "R-1", event)
        >>> first.seq, first.prev == GENESIS, verify_chain([first]) is None
        (0, True, True)
        """
        unsigned = cls(
            seq=head.length if head is not None else 0,
            at=event.at,
            actor=event.actor,
            case_id=case_id,
            action=event.action.value,
            from_state=event.from_state.value if event.from_state is not None else None,
            to_state=event.to_state.value,
            reason=event.reason,
            detail=dict(event.detail),
            prev=head.digest if head is not None else GENESIS,
            digest="",
            case=dict(case) if case is not None else None,
        )
        data = unsigned.canonical_bytes()
        entry = attrs.evolve(unsigned, digest=hashlib.sha256(data).hexdigest())
        object.__setattr__(entry, "_bytes", data)
        return entry


def chain_events(
    head: ChainHead | None,
    case_id: str,
    events: Sequence[CaseEvent],
    *,
    case: Detail | None = None,
) -> list[AuditEntry]:
    """The entries that record *events* of one case after a chain ending at *head*.

    *case* (a :func:`case_binding`) goes on the last entry: the case as this write
    stores it.
    """
    entries = []
    last = len(events) - 1
    for index, event in enumerate(events):
        entry = AuditEntry.following(head, case_id, event, case=case if index == last else None)
        entries.append(entry)
        head = entry.head
    return entries


@attrs.frozen
class ChainBreak:
    """Where a chain breaks: ``index`` is the position in the sequence checked (equal to
    the number of entries when entries are missing at the end), ``seq`` the sequence
    number the entry there claims (``None`` past the end)."""

    index: int
    seq: int | None
    reason: str

    def __str__(self) -> str:
        claimed = (
            f" (claims #{self.seq})" if self.seq is not None and self.seq != self.index else ""
        )
        return f"audit log broken at entry #{self.index}{claimed}: {self.reason}"


#: The head of an empty log, for :func:`verify_chain`'s ``head`` when a store has none.
EMPTY_HEAD = ChainHead(0, GENESIS)


def verify_chain(
    entries: Iterable[AuditEntry],
    *,
    head: ChainHead | None = None,
    anchor: ChainHead | None = None,
) -> ChainBreak | None:
    """Check a chain entry by entry; return the first break, or ``None`` when intact.

    Each entry must carry its position as ``seq``, name the previous entry's digest as
    ``prev``, hash to its own ``digest``, and (read from a row with a ``case_id``
    column) sit in the row of its own case. With *head* (the store's record of the
    chain's end; :data:`EMPTY_HEAD` for a store that records none) the chain must also
    end exactly there, so cutting entries off the end is caught. With *anchor* (a head
    published earlier, out of the store's reach) the chain must still pass through it:
    its entry number ``anchor.length - 1`` must have ``anchor.digest``, which a log
    truncated or rewritten since cannot. *entries* is read once, in order, in constant
    memory.
    """
    sha256 = hashlib.sha256
    previous = GENESIS
    index = -1
    mark = anchor.length - 1 if anchor is not None else -2
    for index, entry in enumerate(entries):
        if entry.seq != index:
            return ChainBreak(index, entry.seq, _MOVED.format(index=index))
        if entry.prev != previous:
            return ChainBreak(index, entry.seq, _UNLINKED)
        digest = sha256(entry.canonical_bytes()).hexdigest()
        if digest != entry.digest:
            return ChainBreak(index, entry.seq, _MODIFIED)
        stored = entry.stored_case_id
        if stored is not None and stored != entry.case_id:
            return ChainBreak(
                index,
                entry.seq,
                f"its row's case_id column says {stored!r} but the entry records {entry.case_id!r}",
            )
        if index == mark and anchor is not None and digest != anchor.digest:
            return ChainBreak(
                index, entry.seq, f"not the entry of the published head {anchor}: rewritten"
            )
        previous = digest
    length = index + 1
    if anchor is not None and anchor.length > length:
        return ChainBreak(
            length,
            None,
            f"the log ends after {length} entries but the published head {anchor}"
            f" records {anchor.length}: truncated",
        )
    if anchor is not None and anchor.length == 0 and anchor.digest != GENESIS:
        return ChainBreak(0, None, f"the published head {anchor} is not a head of any log")
    if head is None or (head.length == length and head.digest == previous):
        return None
    if head.length == 0 and length:
        return ChainBreak(
            0, 0, f"the log holds {length} entries but no head: its head row was removed"
        )
    if head.length > length:
        return ChainBreak(
            length, None, f"the log ends after {length} entries but its head records {head.length}"
        )
    if head.length < length:
        return ChainBreak(
            head.length, head.length, f"entries after the {head.length} its head records"
        )
    return ChainBreak(index, index, "the last entry is not the one the log's head records")


_MOVED = "expected sequence number {index}: an entry was deleted, inserted or moved here"
_UNLINKED = (
    "does not follow the entry before it: an entry before it was deleted, inserted or changed"
)
_MODIFIED = "modified: its content does not hash to its digest"
