"""Stored cases checked against the audit chain (docs/storage.md, "Case and audit stores").

The chain (``_audit``) proves the log itself. The last entry of every store write also
records the SHA-256 of the case document as written and its indexed columns
(``case_binding``); this module checks the store's rows against that record:

* every case row's document hashes to what its case's latest entry recorded, and its
  ``request_id``, ``state`` and ``version`` columns are the ones recorded;
* its ``due_at`` column, its holds in the registry and its rows in the ledger's index
  are exactly what its (verified) document derives;
* no case, hold or index row exists that no entry accounts for, and no case the log
  records is missing.

:func:`verify_store` names every mismatch; :func:`checked_case` is what a release calls:
the chain up to its head, and the one case against it, or :class:`IntegrityError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from .._production._verify import Mismatch
from ..exceptions import CaseNotFound, IntegrityError, StoreError
from ._audit import EMPTY_HEAD, AuditEntry, ChainBreak, ChainHead, verify_chain
from ._case import Case, Detail
from ._codec import CaseRow, DisclosureRow, HoldRow, decode_case, encode_case

if TYPE_CHECKING:
    from ..typing import CaseStore

__all__ = ["AuditFailure", "checked_case", "verify_store"]


@attrs.frozen
class AuditFailure:
    """Why a store's audit does not verify: the chain's first break, if any, and every
    stored row that disagrees with it (a :class:`~dueprocess.parts.Mismatch` whose ``subject``
    names the case, hold or index row)."""

    chain: ChainBreak | None
    mismatches: tuple[Mismatch, ...] = ()

    def problems(self) -> list[str]:
        """One line per problem, the chain's break first."""
        lines = [str(self.chain)] if self.chain is not None else []
        lines += [str(mismatch) for mismatch in self.mismatches]
        return [" ".join(line.split()) for line in lines]

    def __str__(self) -> str:
        return "; ".join(self.problems())


# The latest entry of each case: its number and the case it recorded (None: no record).
_Latest = dict[str, tuple[int, Detail | None]]


def _tap(
    entries: Iterator[AuditEntry], latest: _Latest, only: str | None, read: list[int]
) -> Iterator[AuditEntry]:
    for entry in entries:
        if only is None or entry.case_id == only:
            latest[entry.case_id] = (entry.seq, entry.case)
        read[0] += 1
        yield entry


def _chain(
    store: CaseStore, latest: _Latest, *, anchor: ChainHead | None, only: str | None = None
) -> ChainBreak | None:
    audit = store.audit
    head = audit.head()
    read = [0]
    entries = _tap(iter(audit.entries()), latest, only, read)
    try:
        return verify_chain(entries, head=head if head is not None else EMPTY_HEAD, anchor=anchor)
    except IntegrityError as error:  # a row that is not an entry at all
        return ChainBreak(read[0], None, str(error))


def _case_row(row: CaseRow, recorded: tuple[int, Detail | None] | None) -> list[Mismatch]:
    """What is wrong with one case row, given its latest entry (``None``: it has none)."""
    subject = f"case {row.id!r}"
    if recorded is None:
        return [
            Mismatch(
                subject,
                "no audit entry records this case: its row was added outside dueprocess,"
                " or its entries were removed",
            )
        ]
    seq, binding = recorded
    if binding is None:
        return [Mismatch(subject, f"its latest audit entry #{seq} records no stored document")]
    found = []
    text = row.document if isinstance(row.document, str) else None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None
    if digest != binding.get("sha256"):
        found.append(
            Mismatch(
                subject,
                f"its stored document is not the one audit entry #{seq} recorded"
                f" (sha256 {binding.get('sha256')}, stored {digest})",
            )
        )
    for column in ("request_id", "state", "version"):
        stored = getattr(row, column)
        if stored != binding.get(column):
            found.append(
                Mismatch(
                    subject,
                    f"column {column} is {stored!r} but audit entry #{seq} recorded"
                    f" {binding.get(column)!r}",
                )
            )
    return found


def _derived(
    row: CaseRow, holds: dict[str, HoldRow], disclosures: set[DisclosureRow]
) -> list[Mismatch]:
    """Check *row*'s derived column, and note the holds and index rows it derives."""
    try:
        case = decode_case(row.document, row.id)
    except StoreError as error:
        return [Mismatch(f"case {row.id!r}", str(error))]
    written = encode_case(case)
    for hold in written.holds:
        holds[hold.id] = hold
    disclosures.update(written.disclosures)
    if written.case.due_at != row.due_at:
        return [
            Mismatch(
                f"case {row.id!r}",
                f"column due_at is {row.due_at!r} but its document gives {written.case.due_at!r}",
            )
        ]
    return []


def verify_store(store: CaseStore, *, anchor: ChainHead | None = None) -> AuditFailure | None:
    """Verify the audit chain and every stored row against it; ``None`` when all agree.

    With *anchor* (a head published earlier) the log must also still extend it. Where
    the chain is broken, only its first break is named, and stored cases are checked
    only for what they derive (what the chain recorded of them cannot be trusted). Reads
    the log once and every row once; it keeps one small record per case in memory.
    """
    latest: _Latest = {}
    broken = _chain(store, latest, anchor=anchor)
    mismatches: list[Mismatch] = []
    holds: dict[str, HoldRow] = {}
    disclosures: set[DisclosureRow] = set()
    for row in store.case_rows():
        recorded = latest.pop(row.id, None)
        if broken is None:  # a broken chain's records are not to be trusted
            mismatches += _case_row(row, recorded)
        mismatches += _derived(row, holds, disclosures)
    if broken is None:
        for case_id, (seq, _) in sorted(latest.items()):
            mismatches.append(
                Mismatch(
                    f"case {case_id!r}",
                    f"audit entry #{seq} records it but the store holds no such case",
                )
            )
    for hold in store.hold_rows():
        expected = holds.pop(hold.id, None)
        if expected is None:
            mismatches.append(Mismatch(f"hold {hold.id!r}", "no stored case records this hold"))
        elif expected != hold:
            mismatches.append(
                Mismatch(
                    f"hold {hold.id!r}",
                    f"its row differs from the hold case {expected.case_id!r} records",
                )
            )
    for hold_id, expected in sorted(holds.items()):
        mismatches.append(
            Mismatch(
                f"hold {hold_id!r}",
                f"case {expected.case_id!r} records it but the hold registry has no row",
            )
        )
    for disclosure in store.disclosure_rows():
        if disclosure in disclosures:
            disclosures.discard(disclosure)
            continue
        mismatches.append(
            Mismatch(
                f"ledger index row ({disclosure.account!r}, {disclosure.case_id!r})",
                "no stored case's productions released this account",
            )
        )
    for disclosure in sorted(disclosures):
        mismatches.append(
            Mismatch(
                f"ledger index of case {disclosure.case_id!r}",
                f"account {disclosure.account!r} is missing, though the case released its data",
            )
        )
    if broken is None and not mismatches:
        return None
    return AuditFailure(broken, tuple(mismatches))


def checked_case(store: CaseStore, case_id: str) -> Case:
    """The stored case *case_id*, once the chain verifies to its head and the stored
    row is the one its latest entry recorded.

    Call it before releasing anything: the returned case is decoded from the verified
    bytes, so its request and review are the ones the chain recorded.

    Raises:
        IntegrityError: the chain is broken, or the stored case disagrees with it.
        CaseNotFound: no such case is stored.
    """
    rows = list(store.case_rows(case_id))
    if not rows:
        raise CaseNotFound(case_id)
    latest: _Latest = {}
    broken = _chain(store, latest, anchor=None, only=case_id)
    if broken is not None:
        raise IntegrityError(f"case {case_id!r} cannot be released: {broken}")
    (row,) = rows
    problems = _case_row(row, latest.get(case_id))
    if problems:
        raise IntegrityError(
            f"case {case_id!r} cannot be released: " + "; ".join(m.message for m in problems)
        )
    return decode_case(row.document, case_id)
