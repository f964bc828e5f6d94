"""What both record stores share: JSON Lines imported through the store's own ``add_*``."""

from __future__ import annotations

from collections.abc import Iterable

from .._production._records import Identity, Record, read_identities, read_records

__all__ = ["RecordImports"]


class RecordImports:
    """A mixin for a store that adds records and identities: it imports them from JSON Lines.

    >>> from dueprocess.adapters import SqliteStore
    >>> with SqliteStore(":memory:") as store:
    ...     store.import_records(['{"account": "100001", "category": "subscriber",'
    ...         ' "at": "2016-05-01T00:00:00Z", "fields": {"name": "A. Person"}}'])
    ...     store.import_identities(['{"account": "100001", "kind": "email", "value": "a@b.org"}'])
    1
    1
    """

    def add_records(self, records: Iterable[Record]) -> int:
        raise NotImplementedError

    def add_identities(self, identities: Iterable[Identity]) -> int:
        raise NotImplementedError

    def import_records(self, lines: Iterable[str | bytes], *, what: str = "records") -> int:
        """Import JSON Lines of ``dueprocess.record/1`` objects, all or nothing.

        Returns how many records were new. Every line is checked; if any is bad,
        nothing is imported and :class:`~dueprocess.exceptions.InvalidRecords` names every bad line.
        """
        return self.add_records(read_records(lines, what=what))

    def import_identities(self, lines: Iterable[str | bytes], *, what: str = "identities") -> int:
        """Import JSON Lines of ``{"account", "kind", "value"}`` objects, all or nothing."""
        return self.add_identities(read_identities(lines, what=what))
