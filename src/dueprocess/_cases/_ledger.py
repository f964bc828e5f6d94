"""The disclosure ledger (docs/concepts.md, "Disclosure ledger").

For one account, every disclosure of its data — when, to which agency, under which
process, which categories, how many records, and the production's Merkle root — so the
platform can answer the account holder's own access request. The ledger is derived from
the stored cases' productions; it holds nothing of its own that could drift from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._dates import format_timestamp
from .._enums import Category, ProcessKind
from ._case import Case

__all__ = ["LedgerEntry", "ledger_entries"]


@attrs.frozen
class LedgerEntry:
    """One disclosure of one account's data.

    ``counts`` is records per category for this account only; ``categories`` lists those
    with at least one record, in the order of the request format's table. ``merkle_root`` is the
    root of the whole production the records were part of.
    """

    account: str
    produced_at: dt.datetime
    case_id: str
    request_id: str
    agency: str
    jurisdiction: str
    process: ProcessKind
    counts: Mapping[str, int]
    records: int
    merkle_root: str

    @property
    def categories(self) -> tuple[Category, ...]:
        """The categories disclosed, in table order."""
        return tuple(category for category in Category if self.counts.get(category.value, 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "produced_at": format_timestamp(self.produced_at),
            "case_id": self.case_id,
            "request_id": self.request_id,
            "agency": self.agency,
            "jurisdiction": self.jurisdiction,
            "process": self.process.value,
            "categories": [category.value for category in self.categories],
            "counts": dict(self.counts),
            "records": self.records,
            "merkle_root": self.merkle_root,
        }


def ledger_entries(cases: Iterable[Case], account: str) -> tuple[LedgerEntry, ...]:
    """Every production in *cases* that released *account*'s data, oldest first."""
    found = []
    for case in cases:
        request = case.request
        for production in case.productions:
            if account not in production.accounts:
                continue
            counts = dict(production.by_account.get(account, {}))
            found.append(
                LedgerEntry(
                    account=account,
                    produced_at=production.produced_at,
                    case_id=case.id,
                    request_id=request.id,
                    agency=request.requester.agency,
                    jurisdiction=request.jurisdiction,
                    process=request.process.kind,
                    counts=counts,
                    records=sum(counts.values()),
                    merkle_root=production.merkle_root,
                )
            )
    found.sort(key=lambda entry: (entry.produced_at, entry.case_id))
    return tuple(found)
