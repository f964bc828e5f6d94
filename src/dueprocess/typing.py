"""The plug-in contract: Protocols that callers implement to give dueprocess storage,
output, time and transport.

The core never opens a file, a socket or a database and never reads a clock: it is
handed objects that satisfy these Protocols. :mod:`dueprocess.testing` ships in-memory
implementations, :mod:`dueprocess.adapters` SQLite and directory ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

# Only names: this module imports no implementation at run time, so any part of the library
# (and any caller) can import it without pulling in the rest (tests/base/test_architecture.py).
if TYPE_CHECKING:
    from ._base._enums import Category, Outcome
    from ._cases._actor import Actor
    from ._cases._audit import AuditEntry, ChainHead
    from ._cases._case import Case, CaseEvent, Hold
    from ._cases._codec import CaseRow, DisclosureRow, HoldRow
    from ._cases._lifecycle import CaseState
    from ._cases._notice import UserNotice
    from ._intake._request import LegalRequest, Target
    from ._production._records import Record
    from ._review._policy import Policy
    from ._review._review import Review

__all__ = [
    "AuditStore",
    "CaseStore",
    "Clock",
    "EuOrderCase",
    "IdentityProvider",
    "ManifestLike",
    "Notifier",
    "ProducedAt",
    "Producer",
    "RecordSource",
    "ReportCase",
    "ReportProduction",
    "ReportReview",
    "Reviewer",
    "Sink",
    "StateLike",
]


@runtime_checkable
class RecordSource(Protocol):
    """Where the service's records come from.

    Contract:

    * :meth:`resolve` maps one target to account ids: ``account_id`` directly (when the
      account exists); ``username``, ``email``, ``phone`` and ``url`` through the store's
      identity table, keyed by :func:`dueprocess.identity_key` (which never casefolds:
      ``straße`` is not ``strasse``); ``name`` and ``query`` resolve to nothing. An
      unknown identifier resolves to an empty sequence, never an error.
    * :meth:`records` yields one account's records of one category whose ``at`` lies
      between ``start`` and ``end`` inclusive (``None`` means unbounded), in ascending
      ``at`` order. It must not yield another account's or another category's records,
      and each record carries its account *as stored*, never the one asked for: a
      column that compares loosely (a case-insensitive collation) is then caught.
      Records sharing one instant may come in any order. ``start`` and ``end`` are
      timezone-aware; dueprocess passes ``None`` for ``subscriber`` records only (they
      are current state), and for every other category the review's period, from
      00:00:00Z on its first day to 23:59:59.999999Z on its last. Yield lazily: a
      production streams, and may hold millions of records.
    * Failures raise :class:`dueprocess.exceptions.StoreError`.

    dueprocess asks only for what a review allows, and checks every record it gets
    back against the question (a stray record stops the production with a
    ``StoreError``; the account code point for code point);
    :class:`dueprocess.testing.RecordingSource` shows what was asked.
    Implementations: :class:`dueprocess.testing.MemoryStore`,
    :class:`dueprocess.adapters.SqliteStore`, :class:`dueprocess.adapters.SqlStore`.
    """

    def resolve(self, target: Target) -> Sequence[str]: ...

    def records(
        self,
        account: str,
        category: Category,
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> Iterable[Record]: ...


@runtime_checkable
class Sink(Protocol):
    """Where a production's files go.

    Contract: :meth:`write` consumes *chunks* completely and stores them as the file
    *name* (a plain file name, no directories); :meth:`commit` makes every written file
    visible at once, as one complete production; :meth:`abort` discards everything
    written so far. Until ``commit`` nothing may look like a complete production.

    *chunks* is often a lazy generator that reads the store as it is consumed, so
    ``write`` should not hold it whole, and an exception raised while iterating it must
    propagate (dueprocess then calls ``abort``). Implementations:
    :class:`dueprocess.testing.MemorySink`, :class:`dueprocess.adapters.DirectorySink`.
    """

    def write(self, name: str, chunks: Iterable[bytes]) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


@runtime_checkable
class Clock(Protocol):
    """Tells the time. Must return a timezone-aware datetime."""

    def now(self) -> dt.datetime: ...


@runtime_checkable
class AuditStore(Protocol):
    """The audit log, as it is read back: append-only and hash-chained.

    Contract:

    * :meth:`entries` yields every entry, ``seq`` 0, 1, 2… in order, exactly as stored:
      a store must not repair, skip or re-hash anything, so that
      :func:`dueprocess.cases.verify_chain` sees what is really there. Reading may stream.
    * :meth:`head` returns the :class:`~dueprocess.cases.ChainHead` (length and last digest)
      the store recorded with its last append, kept apart from the entries so that
      entries cut from the end are caught; ``None`` while the log is empty.
    * Entries are appended only by the paired :class:`CaseStore`, in the same
      transaction as the case change they record; nothing may change or remove one.
    * Entries are read from their rows with ``dueprocess._cases._codec.decode_entry``,
      which keeps the row's exact bytes and its ``case_id`` column for the check.
    * Failures raise :class:`dueprocess.exceptions.StoreError`.
    """

    def entries(self) -> Iterable[AuditEntry]: ...

    def head(self) -> ChainHead | None: ...


@runtime_checkable
class CaseStore(Protocol):
    """Where cases live, with their holds and the audit log of every change.

    Contract:

    * :meth:`create` stores a new case (``version`` 1) and appends one audit entry for
      each of ``case.events``; :class:`~dueprocess.exceptions.ConflictError` if a case
      with that id exists.
    * :meth:`update` stores *case* in place of the stored case only if the stored
      ``version`` is ``case.version - 1``, and appends one entry for each of *events*;
      otherwise :class:`~dueprocess.exceptions.ConflictError` (another writer won), or
      :class:`~dueprocess.exceptions.CaseNotFound` if there is no such case. Two writers that
      read the same version can never both succeed.
    * Both writes are atomic: the case, its holds, its ledger index rows and its audit
      entries are written together or not at all. Rows are encoded with
      ``dueprocess._cases._codec.encode_case`` and the entries with its
      ``audit_rows``, from the head read *inside* the same transaction; the last entry
      records the SHA-256 of the case document exactly as stored, and the head is
      updated with them. A write needs at least one event (``ValueError`` otherwise).
    * :meth:`get` returns the case as stored or raises :class:`~dueprocess.exceptions.CaseNotFound`;
      :meth:`cases` returns every case (only those in *state*, if given), by id.
    * :meth:`due` returns the cases whose ``due_at`` column (their earliest open
      deadline) lies strictly before *before*, earliest first; :meth:`disclosed` the
      cases whose productions released *account*'s data, by id. Both are answered from
      an index, without reading every case.
    * :meth:`case_rows`, :meth:`hold_rows` and :meth:`disclosure_rows` return the rows
      exactly as stored (:class:`CaseRow`, :class:`HoldRow`, :class:`DisclosureRow`),
      for :meth:`dueprocess.cases.Cases.verify_audit` to check against the audit chain.
    * :meth:`hold_chain` is the hold registry: every hold of every stored case whose
      ``root`` is that of the hold named *hold_id* (or is *hold_id* itself, for a chain
      whose first hold was never stored), ordered by ``extensions``; empty if unknown.
    * :attr:`audit` is the log this store appends to.
    * Optionally, ``note(case_id, events)`` appends audit entries about a stored case
      without writing the case (a refused production is audited this way, since the
      stored row is suspect); the shipped stores all have it.
    * Failures raise :class:`dueprocess.exceptions.StoreError`.
    """

    @property
    def audit(self) -> AuditStore: ...

    def create(self, case: Case) -> None: ...

    def update(self, case: Case, events: Sequence[CaseEvent]) -> None: ...

    def get(self, case_id: str) -> Case: ...

    def cases(self, state: CaseState | None = None) -> Iterable[Case]: ...

    def due(self, before: dt.datetime) -> Iterable[Case]: ...

    def disclosed(self, account: str) -> Iterable[Case]: ...

    def hold_chain(self, hold_id: str) -> Sequence[Hold]: ...

    def case_rows(self, case_id: str | None = None) -> Iterable[CaseRow]: ...

    def hold_rows(self) -> Iterable[HoldRow]: ...

    def disclosure_rows(self) -> Iterable[DisclosureRow]: ...


@runtime_checkable
class Notifier(Protocol):
    """Tells an account holder about a request for their data.

    Contract: :meth:`deliver` hands the notice on (mail, in-app message, a queue) and
    returns once it is accepted; raising means it was not delivered and the case does
    not record it. It may be called again for a notice after a failure elsewhere, so
    delivery should tolerate repeats (the notice's ``case_id`` identifies it).
    """

    def deliver(self, notice: UserNotice) -> None: ...


@runtime_checkable
class IdentityProvider(Protocol):
    """Says who is acting: the authenticated user behind every case event.

    Contract: :meth:`current` returns the :class:`~dueprocess.cases.Actor` authenticated for
    the operation under way (a web service's signed-in user, the operating-system login
    of a command-line session); it never takes the identity from text the actor typed.
    Raise :class:`dueprocess.exceptions.DueProcessError` when no one is authenticated.
    :class:`dueprocess.testing.FixedIdentity` always returns the same actor.
    """

    def current(self) -> Actor: ...


# --- The case layer's reviewer and producer (Cases(reviewer=..., producer=...)) --------


class Reviewer(Protocol):
    """The signature of :func:`dueprocess.review`: a request and a policy in, a review out.

    The case layer reviews each request (and reviews it again before it releases
    anything) through this; it must be pure and deterministic, as ``review`` is.
    """

    def __call__(self, request: LegalRequest, policy: Policy, /) -> Review: ...


class ManifestLike(Protocol):
    """The figures of a production's manifest the case keeps."""

    @property
    def accounts(self) -> tuple[str, ...]: ...

    @property
    def counts(self) -> Mapping[Category, int] | Mapping[str, int]: ...

    @property
    def records(self) -> int: ...

    @property
    def merkle_root(self) -> str: ...


class Producer(Protocol):
    """The signature of :func:`dueprocess.produce`."""

    def __call__(
        self, review: Review, source: RecordSource, sink: Sink, *, produced_at: dt.datetime
    ) -> ManifestLike: ...


# --- What reports read from a case (any store's cases satisfy these structurally) -----


class StateLike(Protocol):
    """A case state; a closed case's state has ``value == "closed"``."""

    @property
    def value(self) -> str: ...


class ReportReview(Protocol):
    """The part of a :class:`~dueprocess.Review` a report reads."""

    @property
    def outcome(self) -> Outcome: ...


class ReportProduction(Protocol):
    """The part of a production a report reads: how many records it held."""

    @property
    def records(self) -> int: ...


class ReportCase(Protocol):
    """One case, as a transparency report sees it.

    Contract:

    * ``request`` is the :class:`~dueprocess.LegalRequest` the case follows; its
      ``received_at`` places the case in a period, its ``jurisdiction`` in a country.
    * ``state.value`` is ``"closed"`` once the case is closed; only closed cases count.
    * ``review`` is the review (``None`` if the case closed without one); an outcome of
      ``preserve`` means the request's targets were preserved.
    * ``productions`` are the case's productions; "some data produced" means at least one
      of them holds a record (``records > 0``).
    """

    @property
    def request(self) -> LegalRequest: ...

    @property
    def review(self) -> ReportReview | None: ...

    @property
    def state(self) -> StateLike: ...

    @property
    def productions(self) -> Sequence[ReportProduction]: ...


class ProducedAt(Protocol):
    """The part of a production an EU orders report reads: when it was produced."""

    @property
    def produced_at(self) -> dt.datetime: ...


class EuOrderCase(Protocol):
    """What :func:`eu_orders_report` reads from a case (a stored ``Case`` has it all)."""

    @property
    def request(self) -> LegalRequest: ...

    @property
    def opened_at(self) -> dt.datetime: ...

    @property
    def productions(self) -> Sequence[ProducedAt]: ...
