"""In-memory case and audit stores (re-exported by :mod:`dueprocess.testing`).

They keep the contracts of :class:`~dueprocess.typing.CaseStore` and
:class:`~dueprocess.typing.AuditStore` exactly, including the version check and the
all-or-nothing write of a case with its audit entries: every new value is computed
first and only then put in place, so an error half-way leaves both untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import attrs

from ..exceptions import ConflictError
from . import _codec as codec
from ._audit import AuditEntry, ChainHead
from ._case import Case, CaseEvent, CaseNotFound, Hold
from ._lifecycle import CaseState
from ._notice import UserNotice

__all__ = ["ManualClock", "MemoryAuditLog", "MemoryCaseStore", "RecordingNotifier"]


@attrs.define
class MemoryAuditLog:
    """An audit log in a list of rows. It offers no way to change or remove an entry."""

    _rows: list[codec.AuditRow] = attrs.field(factory=list, init=False)
    _head: ChainHead | None = attrs.field(default=None, init=False)

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry, oldest first (a snapshot: appends during iteration are not seen)."""
        for row in tuple(self._rows):
            yield codec.decode_entry(row.seq, row.case_id, row.body, row.digest)

    def head(self) -> ChainHead | None:
        """The chain's end as recorded at the last append; ``None`` for an empty log."""
        return self._head

    def __len__(self) -> int:
        return len(self._rows)


@attrs.define
class MemoryCaseStore:
    """Cases in a dict, appending to :attr:`audit` (a fresh :class:`MemoryAuditLog` unless given).

    It keeps the same rows as the SQL stores (``dueprocess._cases._codec``), so it
    reads back, and fails, exactly as they do.

    >>> store = MemoryCaseStore()
    >>> list(store.cases()), store.audit.head()
    ([], None)
    """

    audit: MemoryAuditLog = attrs.field(factory=MemoryAuditLog)
    _cases: dict[str, codec.CaseRow] = attrs.field(factory=dict, init=False)
    _holds: dict[str, codec.HoldRow] = attrs.field(factory=dict, init=False)
    _disclosures: set[codec.DisclosureRow] = attrs.field(factory=set, init=False)

    def create(self, case: Case) -> None:
        """Store a new case and audit all its events; ``ConflictError`` if the id is taken."""
        if case.id in self._cases:
            raise ConflictError(f"a case {case.id!r} already exists")
        self._write(case, case.events)

    def update(self, case: Case, events: Sequence[CaseEvent]) -> None:
        """Replace version ``case.version - 1`` with *case* and audit *events*."""
        stored = self._cases.get(case.id)
        if stored is None:
            raise CaseNotFound(case.id)
        if stored.version != case.version - 1:
            raise ConflictError(
                f"case {case.id!r} changed since it was read (stored version {stored.version},"
                f" update expects {case.version - 1}); reload it and try again"
            )
        self._write(case, events)

    def _write(self, case: Case, events: Sequence[CaseEvent]) -> None:
        written = codec.encode_case(case)
        log = self.audit
        rows, head = codec.audit_rows(log.head(), written, events, has_entries=bool(log._rows))
        for hold in written.holds:
            owner = self._holds.get(hold.id)
            if owner is not None and owner.case_id != case.id:
                raise ConflictError(f"hold {hold.id!r} belongs to case {owner.case_id!r}")
        # Nothing above changed the store; the assignments below cannot fail.
        log._rows.extend(rows)
        log._head = head
        for hold in written.holds:
            self._holds.setdefault(hold.id, hold)
        self._disclosures.update(written.disclosures)
        self._cases[case.id] = written.case

    def note(self, case_id: str, events: Sequence[CaseEvent]) -> None:
        """Audit *events* about a stored case without changing it (a refused production:
        the stored case is suspect, so it is not written again)."""
        if case_id not in self._cases:
            raise CaseNotFound(case_id)
        log = self.audit
        mine = [row for row in log._rows if row.case_id == case_id]
        latest = (
            codec.decode_entry(mine[-1].seq, case_id, mine[-1].body, mine[-1].digest)
            if mine
            else None
        )
        rows, head = codec.note_rows(log.head(), case_id, latest, events)
        log._rows.extend(rows)
        log._head = head

    def get(self, case_id: str) -> Case:
        """The stored case; :class:`~dueprocess.exceptions.CaseNotFound` if there is none."""
        row = self._cases.get(case_id)
        if row is None:
            raise CaseNotFound(case_id)
        return codec.decode_case(row.document, case_id)

    def cases(self, state: CaseState | None = None) -> list[Case]:
        """Every stored case (in the given *state*), by id."""
        return [
            codec.decode_case(row.document, row.id)
            for _, row in sorted(self._cases.items())
            if state is None or row.state == state.value
        ]

    def due(self, before: dt.datetime) -> list[Case]:
        """Every case with an open deadline strictly before *before*, earliest first."""
        limit = codec.micros(before)
        rows = sorted(
            (row for row in self._cases.values() if row.due_at is not None and row.due_at < limit),
            key=lambda row: (row.due_at or 0, row.id),
        )
        return [codec.decode_case(row.document, row.id) for row in rows]

    def disclosed(self, account: str) -> list[Case]:
        """Every case whose productions released *account*'s data, by id."""
        ids = sorted({row.case_id for row in self._disclosures if row.account == account})
        rows = [self._cases[case_id] for case_id in ids if case_id in self._cases]
        return [codec.decode_case(row.document, row.id) for row in rows]

    def hold_chain(self, hold_id: str) -> tuple[Hold, ...]:
        """The chain *hold_id* belongs to (or roots), oldest first; empty if unknown."""
        named = self._holds.get(hold_id)
        root = named.root if named is not None else hold_id
        chain = sorted(
            (row for row in self._holds.values() if row.root == root),
            key=lambda row: (row.extensions, row.id),
        )
        return tuple(codec.decode_hold(row.document) for row in chain)

    def case_rows(self, case_id: str | None = None) -> list[codec.CaseRow]:
        """The stored case rows (only *case_id*'s, if given), by id."""
        if case_id is not None:
            row = self._cases.get(case_id)
            return [row] if row is not None else []
        return [row for _, row in sorted(self._cases.items())]

    def hold_rows(self) -> list[codec.HoldRow]:
        """Every row of the hold registry, by id."""
        return [row for _, row in sorted(self._holds.items())]

    def disclosure_rows(self) -> list[codec.DisclosureRow]:
        """Every row of the ledger's index."""
        return sorted(self._disclosures)


@attrs.define
class RecordingNotifier:
    """A notifier that keeps every notice it is given, in :attr:`delivered`."""

    delivered: list[UserNotice] = attrs.field(factory=list)

    def deliver(self, notice: UserNotice) -> None:
        self.delivered.append(notice)


@attrs.define
class ManualClock:
    """A clock that tells the time it is set to and moves only when told.

    >>> import datetime as dt
    >>> clock = ManualClock(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    >>> clock.advance(dt.timedelta(days=10)).date()
    datetime.date(2026, 1, 11)
    """

    _now: dt.datetime = attrs.field()

    @_now.validator
    def _aware(self, attribute: object, value: dt.datetime) -> None:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a ManualClock needs a timezone-aware datetime")

    def now(self) -> dt.datetime:
        """The time the clock is set to."""
        return self._now

    def set(self, moment: dt.datetime) -> dt.datetime:
        """Set the clock to *moment* (timezone-aware) and return it."""
        self._now = moment  # attrs runs the validator on assignment
        return moment

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move the clock on by *delta* and return the new time."""
        self._now = self._now + delta
        return self._now
