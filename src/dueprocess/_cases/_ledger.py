"""The disclosure ledger (docs/concepts.md, "Disclosure ledger").

For one account, every disclosure of its data — when, to which agency, under which
process, which categories, how many records, and the production's Merkle root — so the
platform can answer the account holder's own access request. The ledger is derived from
the stored cases' productions; it holds nothing of its own that could drift from them.

Two views (issue: "The ledger keeps gags"). The account holder's view lists a disclosure
only once its notice to the account holder was given or is due: a disclosure under a gag
order still in force, or whose notice is withheld or left to the issuing authority, is
not shown to the person it was kept from. Counsel's view lists every disclosure with its
notice status (:attr:`LedgerEntry.notice_status`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._base._dates import format_timestamp
from .._base._enums import Category, NoticeTiming, ProcessKind
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
    #: When the account holder is told, as the review schedules it.
    notice_timing: NoticeTiming = NoticeTiming.NONE
    #: From when the notice is due (``None``: never at any known time).
    notice_due_at: dt.datetime | None = None
    notice_delivered_at: dt.datetime | None = None

    def visible_at(self, now: dt.datetime) -> bool:
        """True if the account holder may see this disclosure at *now*."""
        if self.notice_delivered_at is not None:
            return True
        return self.notice_due_at is not None and self.notice_due_at <= now

    def notice_status(self, now: dt.datetime | None = None) -> str:
        """The notice's status in words, for counsel."""
        if self.notice_delivered_at is not None:
            return f"notice delivered {format_timestamp(self.notice_delivered_at)}"
        if self.notice_due_at is None:
            if self.notice_timing is NoticeTiming.AFTER_NONDISCLOSURE:
                return "gag order without an end date: not due"
            return f"no notice by the platform ({self.notice_timing.value})"
        if now is not None and self.notice_due_at > now:
            return f"notice not due until {format_timestamp(self.notice_due_at)}"
        return f"notice due since {format_timestamp(self.notice_due_at)}, not yet delivered"

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
            "notice": {
                "timing": self.notice_timing.value,
                "due_at": (
                    format_timestamp(self.notice_due_at) if self.notice_due_at is not None else None
                ),
                "delivered_at": (
                    format_timestamp(self.notice_delivered_at)
                    if self.notice_delivered_at is not None
                    else None
                ),
            },
        }


def ledger_entries(cases: Iterable[Case], account: str) -> tuple[LedgerEntry, ...]:
    """Every production in *cases* that released *account*'s data, oldest first."""
    found = []
    for case in cases:
        request = case.request
        notice = case.notice
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
                    notice_timing=case.review.notice.timing,
                    notice_due_at=notice.due_at if notice is not None else None,
                    notice_delivered_at=case.notice_delivered_at,
                )
            )
    found.sort(key=lambda entry: (entry.produced_at, entry.case_id))
    return tuple(found)
