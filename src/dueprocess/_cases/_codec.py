"""The one row codec of every case store: what a case, a hold, a disclosure and an audit
entry look like as rows, and how rows read back.

The in-memory, SQLite and SQL stores all write and read through these functions, so they
keep the same bytes, the same digests and the same errors for the same fault:

* ``CaseRow`` — ``id``, ``request_id``, ``state``, ``version`` (indexed columns),
  ``due_at`` (microseconds since the epoch of the case's earliest open deadline, or
  ``None``: what :meth:`~dueprocess.typing.CaseStore.due` looks up) and ``document``,
  the ``dueprocess.case/1`` JSON text without the derived ``deadlines``.
* ``HoldRow`` — one hold of the registry, ``document`` its canonical JSON.
* ``DisclosureRow`` — ``(account, case_id)``: the case released that account's data
  (what :meth:`~dueprocess.typing.CaseStore.disclosed` looks up for the ledger).
* ``AuditRow`` — ``seq``, ``case_id``, ``body`` (the entry's canonical JSON, exactly as
  hashed) and ``digest``. Reading hashes the stored text's UTF-8 bytes as they are,
  never a re-encoding, so a row with one key added no longer matches its digest.

Every write records, on its last audit entry, the SHA-256 of the case document text as
written (:func:`~dueprocess._cases._audit.case_binding`); ``_integrity`` checks stored
rows against it. A row that cannot be read — whatever a writer of the database put
there, nested a million deep or ``'{}'`` — becomes a :class:`StoreError` (an audit row:
:class:`IntegrityError`) naming it, never a ``KeyError`` or ``RecursionError``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import attrs

from ..exceptions import IntegrityError, InvalidDocument, InvalidPolicy, StoreError
from ._audit import AuditEntry, ChainHead, case_binding, chain_events
from ._case import Case, CaseEvent, Detail, Hold

__all__ = [
    "AuditRow",
    "CaseRow",
    "CaseWrite",
    "DisclosureRow",
    "HoldRow",
    "audit_rows",
    "decode_case",
    "decode_entry",
    "decode_hold",
    "encode_case",
    "micros",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

# What a row written around the store can make reading it raise (anything at all can be
# in a column): each becomes a StoreError naming the row, never a traceback.
_UNREADABLE = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    RecursionError,
    InvalidDocument,
    InvalidPolicy,
)


@attrs.frozen
class CaseRow:
    """A case as a store keeps it: the indexed columns and the document text."""

    id: str
    request_id: str
    state: str
    version: int
    due_at: int | None
    document: str


@attrs.frozen
class HoldRow:
    """A hold as the registry keeps it."""

    id: str
    root: str
    case_id: str
    extensions: int
    document: str


@attrs.frozen(order=True)
class DisclosureRow:
    """One account whose data a case released (the ledger's index)."""

    account: str
    case_id: str


@attrs.frozen
class AuditRow:
    """One audit entry as a store keeps it."""

    seq: int
    case_id: str
    body: str
    digest: str


@attrs.frozen
class CaseWrite:
    """Every row one write of a case stores, and what its audit entry records of it."""

    case: CaseRow
    holds: tuple[HoldRow, ...]
    disclosures: tuple[DisclosureRow, ...]
    binding: Detail


def micros(moment: dt.datetime) -> int:
    """*moment* (timezone-aware) as whole microseconds since 1970-01-01T00:00:00Z.

    An integer compares and sorts the same on every engine, which timestamps do not.

    >>> micros(dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=dt.timezone.utc))
    1000000
    """
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _hold_row(hold: Hold) -> HoldRow:
    return HoldRow(
        id=hold.id,
        root=hold.root,
        case_id=hold.case_id,
        extensions=hold.extensions,
        document=json.dumps(hold.to_dict(), ensure_ascii=False, sort_keys=True, allow_nan=False),
    )


def encode_case(case: Case) -> CaseWrite:
    """The rows that store *case*, and the binding its audit entry records."""
    document = case.to_dict()
    del document["deadlines"]  # derived; recomputed whenever the case is read
    # Key order is kept: a review's categories are in the order they were requested.
    text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    deadlines = case.deadlines
    row = CaseRow(
        id=case.id,
        request_id=case.request_id,
        state=case.state.value,
        version=case.version,
        due_at=micros(deadlines[0].at) if deadlines else None,
        document=text,
    )
    accounts = dict.fromkeys(
        account for production in case.productions for account in production.accounts
    )
    return CaseWrite(
        case=row,
        holds=tuple(_hold_row(hold) for hold in case.holds),
        disclosures=tuple(DisclosureRow(account, case.id) for account in accounts),
        binding=case_binding(
            text.encode("utf-8"),
            version=case.version,
            state=case.state.value,
            request_id=case.request_id,
        ),
    )


def audit_rows(
    head: ChainHead | None,
    written: CaseWrite,
    events: Sequence[CaseEvent],
    *,
    has_entries: bool,
    where: str = "the case store",
) -> tuple[list[AuditRow], ChainHead]:
    """The rows recording *events* after *head*, the last binding *written*, and the
    new head. *has_entries* says whether the log holds any entry now.

    Raises ``ValueError`` for a write without events: its audit entry is what binds
    the stored case, so a case is never written unrecorded. Raises
    :class:`IntegrityError` when the log has entries but no head: it was removed, and
    chaining from nothing would fork the log.
    """
    if head is None and has_entries:
        raise IntegrityError(
            f"{where}: the audit log has entries but no head; it was removed, so appending"
            " could fork the chain"
        )
    if not events:
        raise ValueError(
            f"case {written.case.id!r}: a write needs at least one event; its audit entry"
            " records the stored document"
        )
    entries = chain_events(head, written.case.id, events, case=written.binding)
    rows = [
        AuditRow(entry.seq, written.case.id, entry.canonical_bytes().decode("utf-8"), entry.digest)
        for entry in entries
    ]
    return rows, entries[-1].head


def note_rows(
    head: ChainHead | None,
    case_id: str,
    latest: AuditEntry | None,
    events: Sequence[CaseEvent],
    *,
    where: str = "the case store",
) -> tuple[list[AuditRow], ChainHead]:
    """The rows recording *events* about a case that is not written (a refused
    production), and the new head. The last entry binds what the case's *latest* entry
    bound: the stored case is unchanged, so the chain keeps vouching for the document it
    vouched for, never for a row that was edited since."""
    if head is None and latest is not None:
        raise IntegrityError(
            f"{where}: the audit log has entries but no head; it was removed, so appending"
            " could fork the chain"
        )
    binding = latest.case if latest is not None else None
    entries = chain_events(head, case_id, events, case=binding)
    rows = [
        AuditRow(entry.seq, case_id, entry.canonical_bytes().decode("utf-8"), entry.digest)
        for entry in entries
    ]
    return rows, entries[-1].head


def decode_case(document: object, case_id: str | None = None) -> Case:
    """The case a stored document holds; :class:`StoreError` if it holds none, or
    (with *case_id*) another case than the row's."""
    try:
        case = Case.from_dict(json.loads(document))  # type: ignore[arg-type]
    except _UNREADABLE as error:
        where = f" ({case_id!r})" if case_id is not None else ""
        raise StoreError(f"a stored case cannot be read{where}: {_say(error)}") from None
    if case_id is not None and case.id != case_id:
        raise StoreError(f"the stored case {case_id!r} holds the document of case {case.id!r}")
    return case


def decode_hold(document: object) -> Hold:
    """The hold a registry row holds; :class:`StoreError` if it holds none."""
    try:
        return Hold.from_dict(json.loads(document))  # type: ignore[arg-type]
    except _UNREADABLE as error:
        raise StoreError(f"a stored hold cannot be read: {_say(error)}") from None


def decode_entry(seq: object, case_id: object, body: object, digest: object) -> AuditEntry:
    """The entry an audit row holds, keeping the row's exact bytes and its ``case_id``
    column for :func:`~dueprocess.cases.verify_chain`; :class:`IntegrityError` naming the row
    if it holds none."""
    try:
        if not isinstance(body, str) or not isinstance(digest, str):
            raise TypeError("body and digest must be text")
        if not isinstance(case_id, str):
            raise TypeError("case_id must be text")
        return AuditEntry.from_bytes(body.encode("utf-8"), digest, stored_case_id=case_id)
    except _UNREADABLE as error:
        raise IntegrityError(f"audit entry in row {seq} cannot be read: {_say(error)}") from None


def _say(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return f"missing key {error}"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)
