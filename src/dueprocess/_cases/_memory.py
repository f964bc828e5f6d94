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
from ._audit import AuditEntry, ChainHead, chain_events
from ._case import Case, CaseEvent, CaseNotFound, Hold
from ._lifecycle import CaseState
from ._notice import UserNotice

__all__ = ["ManualClock", "MemoryAuditLog", "MemoryCaseStore", "RecordingNotifier"]


@attrs.define
class MemoryAuditLog:
    """An audit log in a list. It offers no way to change or remove an entry."""

    _entries: list[AuditEntry] = attrs.field(factory=list, init=False)
    _head: ChainHead | None = attrs.field(default=None, init=False)

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry, oldest first (a snapshot: appends during iteration are not seen)."""
        return iter(tuple(self._entries))

    def head(self) -> ChainHead | None:
        """The chain's end as recorded at the last append; ``None`` for an empty log."""
        return self._head

    def __len__(self) -> int:
        return len(self._entries)

    def _extend(self, entries: list[AuditEntry]) -> None:
        if entries:
            self._entries.extend(entries)
            self._head = entries[-1].head


@attrs.define
class MemoryCaseStore:
    """Cases in a dict, appending to :attr:`audit` (a fresh :class:`MemoryAuditLog` unless given).

    >>> store = MemoryCaseStore()
    >>> list(store.cases()), store.audit.head()
    ([], None)
    """

    audit: MemoryAuditLog = attrs.field(factory=MemoryAuditLog)
    _cases: dict[str, Case] = attrs.field(factory=dict, init=False)
    _holds: dict[str, Hold] = attrs.field(factory=dict, init=False)

    def create(self, case: Case) -> None:
        """Store a new case and audit all its events; ``ConflictError`` if the id is taken."""
        if case.id in self._cases:
            raise ConflictError(f"a case {case.id!r} already exists")
        self._write(case, case.events)

    def update(self, case: Case, events: Sequence[CaseEvent]) -> None:
        """Replace version ``case.version - 1`` with *case* and audit *events*."""
        stored = self.get(case.id)
        if stored.version != case.version - 1:
            raise ConflictError(
                f"case {case.id!r} changed since it was read (stored version {stored.version},"
                f" update expects {case.version - 1}); reload it and try again"
            )
        self._write(case, events)

    def _write(self, case: Case, events: Sequence[CaseEvent]) -> None:
        entries = chain_events(self.audit.head(), case.id, events)
        holds = {hold.id: hold for hold in case.holds}
        for hold in holds.values():
            owner = self._holds.get(hold.id)
            if owner is not None and owner.case_id != case.id:
                raise ConflictError(f"hold {hold.id!r} belongs to case {owner.case_id!r}")
        # Nothing above changed the store; the three assignments below cannot fail.
        self.audit._extend(entries)
        self._holds.update(holds)
        self._cases[case.id] = case

    def note(self, case_id: str, events: Sequence[CaseEvent]) -> None:
        """Audit *events* about a stored case without changing it (a refused production:
        the stored case is suspect, so it is not written again)."""
        self.get(case_id)
        self.audit._extend(chain_events(self.audit.head(), case_id, events))

    def get(self, case_id: str) -> Case:
        """The stored case; :class:`~dueprocess.CaseNotFound` if there is none."""
        try:
            return self._cases[case_id]
        except KeyError:
            raise CaseNotFound(case_id) from None

    def cases(self, state: CaseState | None = None) -> list[Case]:
        """Every stored case (in the given *state*), by id."""
        return [
            case for _, case in sorted(self._cases.items()) if state is None or case.state is state
        ]

    def hold_chain(self, hold_id: str) -> tuple[Hold, ...]:
        """The chain *hold_id* belongs to (or roots), oldest first; empty if unknown."""
        named = self._holds.get(hold_id)
        root = named.root if named is not None else hold_id
        chain = [hold for hold in self._holds.values() if hold.root == root]
        return tuple(sorted(chain, key=lambda hold: hold.extensions))


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
