"""Cost reimbursement: the invoice for a produced case (18 U.S.C. 2706).

The invoice is derived from the case's productions and the fee schedule of the policy the
case was reviewed under (:attr:`dueprocess.Policy.fees`): one line per request, one per
account whose data was produced, one per record. ``Cases.invoice`` records each invoice as
an ``invoice`` event with its number, total and the digest of its CSV form.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal

import attrs

from .._base._dates import format_timestamp
from .._base._markdown import md_text
from .._base._text import neutralise
from .._review._fees import FeeSchedule
from .._review._policy import Policy
from ..exceptions import InvalidTransition
from ._case import Case
from ._lifecycle import CaseAction
from ._steps import move

__all__ = ["Invoice", "InvoiceLine", "bill_case", "invoice_for"]

_CENT = Decimal("0.01")


@attrs.frozen
class InvoiceLine:
    """One line: what is billed, how many, at what unit price, for how much."""

    item: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@attrs.frozen
class Invoice:
    """The invoice for a produced case; :meth:`to_markdown` and :meth:`to_csv` render it."""

    number: str
    case_id: str
    request_id: str
    agency: str
    jurisdiction: str
    issued_at: dt.datetime
    currency: str
    lines: tuple[InvoiceLine, ...]

    @property
    def total(self) -> Decimal:
        """The sum of the lines, to the cent."""
        return sum((line.amount for line in self.lines), Decimal(0)).quantize(_CENT)

    @property
    def basis(self) -> str:
        """The law the reimbursement rests on."""
        if self.jurisdiction == "US":
            return "18 U.S.C. 2706 (cost reimbursement)"
        return "the cost reimbursement the applicable law provides"

    def to_markdown(self) -> str:
        """The invoice as Markdown (text from the request is escaped)."""
        rows = [
            f"| {line.item} | {line.quantity} | {line.unit_price} | {line.amount} |"
            for line in self.lines
        ]
        return "\n".join(
            [
                f"# Invoice {md_text(self.number)}",
                "",
                f"To: {md_text(self.agency)}",
                "",
                f"For: request {md_text(self.request_id)} (case {md_text(self.case_id)})",
                "",
                f"Issued: {format_timestamp(self.issued_at)}",
                "",
                f"Basis: {self.basis}.",
                "",
                f"| item | quantity | unit price ({self.currency}) | amount ({self.currency}) |",
                "|---|---:|---:|---:|",
                *rows,
                f"| **total** | | | **{self.total}** |",
                "",
            ]
        )

    def to_csv(self) -> str:
        """The invoice as CSV: one row per line and a total (cells safe in spreadsheets)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["invoice", "case_id", "item", "quantity", "unit_price", "amount", "currency"]
        )
        for line in self.lines:
            writer.writerow(
                [neutralise(self.number), neutralise(self.case_id), line.item,
                 line.quantity, line.unit_price, line.amount, self.currency]
            )  # fmt: skip
        writer.writerow(
            [neutralise(self.number), neutralise(self.case_id), "total", "", "", self.total,
             self.currency]
        )  # fmt: skip
        return out.getvalue()

    def csv_sha256(self) -> str:
        """SHA-256 of :meth:`to_csv`'s UTF-8 bytes (what the audit log records)."""
        return hashlib.sha256(self.to_csv().encode("utf-8")).hexdigest()


def invoice_for(case: Case, fees: FeeSchedule, *, number: str, issued_at: dt.datetime) -> Invoice:
    """The invoice for everything *case* produced, under *fees*."""
    accounts = {account for production in case.productions for account in production.accounts}
    records = sum(production.records for production in case.productions)
    quantities = (("request", 1, fees.per_request), ("account", len(accounts), fees.per_account),
                  ("record", records, fees.per_record))  # fmt: skip
    lines = tuple(
        InvoiceLine(item, quantity, price, (price * quantity).quantize(_CENT))
        for item, quantity, price in quantities
    )
    request = case.request
    return Invoice(
        number=number,
        case_id=case.id,
        request_id=request.id,
        agency=request.requester.agency,
        jurisdiction=request.jurisdiction,
        issued_at=issued_at,
        currency=fees.currency,
        lines=lines,
    )


def bill_case(case: Case, policy: Policy, now: dt.datetime, actor: str) -> tuple[Case, Invoice]:
    """*case* with an ``invoice`` event, and the invoice, under *policy*'s fee schedule.

    Refused (:class:`InvalidTransition`) for a case that produced nothing or a policy
    without fees.
    """
    fees = policy.fees
    if fees is None:
        raise InvalidTransition(
            f"case {case.id!r}: the policy {policy.name!r} has no fee schedule (fees)"
        )
    if not case.productions:
        raise InvalidTransition(f"case {case.id!r} produced nothing to invoice")
    issued = sum(event.action is CaseAction.INVOICE for event in case.events)
    bill = invoice_for(case, fees, number=f"{case.id}-{issued + 1}", issued_at=now)
    moved = move(
        case,
        CaseAction.INVOICE,
        now,
        actor,
        f"invoice {bill.number}: {bill.total} {bill.currency}",
        {"number": bill.number, "total": str(bill.total), "currency": bill.currency,
         "csv_sha256": bill.csv_sha256()},
    )  # fmt: skip
    return moved, bill
