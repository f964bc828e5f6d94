"""The plug-in contract: Protocols that callers implement to give dueprocess storage,
output, time and transport.

The core never opens a file, a socket or a database and never reads a clock: it is
handed objects that satisfy these Protocols. :mod:`dueprocess.testing` ships in-memory
implementations, :mod:`dueprocess.adapters` SQLite and directory ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from ._enums import Category
from ._records import Record
from ._request import Target

__all__ = ["Clock", "RecordSource", "Sink"]


@runtime_checkable
class RecordSource(Protocol):
    """Where the service's records come from.

    Contract:

    * :meth:`resolve` maps one target to account ids: ``account_id`` directly (when the
      account exists); ``username``, ``email``, ``phone`` and ``url`` through the store's
      identity table; ``name`` and ``query`` resolve to nothing. An unknown identifier
      resolves to an empty sequence, never an error.
    * :meth:`records` yields one account's records of one category whose ``at`` lies
      between ``start`` and ``end`` inclusive (``None`` means unbounded), in ascending
      ``at`` order. It must not yield another account's or another category's records.
    * Failures raise :class:`dueprocess.exceptions.StoreError`.

    dueprocess asks only for what a review allows; a source can log what it is asked.
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
    """

    def write(self, name: str, chunks: Iterable[bytes]) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


@runtime_checkable
class Clock(Protocol):
    """Tells the time. Must return a timezone-aware datetime."""

    def now(self) -> dt.datetime: ...
