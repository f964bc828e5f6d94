"""Cases: a request followed from receipt to close (docs/concepts.md, "Case").

:class:`Cases` is the service: open a case from a request document, review it, hold
preservation, give notice, produce under the case's control, close it, and answer what is
due and who received an account's data. It keeps every change in a hash-chained audit log
that :func:`verify_chain` and :meth:`Cases.verify_audit` check. The rows a
:class:`~dueprocess.typing.CaseStore` keeps are :class:`CaseRow`, :class:`HoldRow` and
:class:`DisclosureRow`.
"""

from __future__ import annotations

from ._cases._actor import Actor
from ._cases._audit import (
    GENESIS,
    AuditEntry,
    ChainBreak,
    ChainHead,
    parse_head,
    verify_chain,
)
from ._cases._case import Case, CaseEvent, Hold, ProductionRecord
from ._cases._codec import CaseRow, DisclosureRow, HoldRow
from ._cases._deadlines import Deadline, DeadlineKind
from ._cases._integrity import AuditFailure
from ._cases._invoice import Invoice, InvoiceLine
from ._cases._ledger import LedgerEntry
from ._cases._lifecycle import TRANSITIONS, CaseAction, CaseState, Condition, next_state
from ._cases._notice import UserNotice
from ._cases._service import Cases
from ._review._fees import FeeSchedule, load_fees

__all__ = [
    "GENESIS",
    "TRANSITIONS",
    "Actor",
    "AuditEntry",
    "AuditFailure",
    "Case",
    "CaseAction",
    "CaseEvent",
    "CaseRow",
    "CaseState",
    "Cases",
    "ChainBreak",
    "ChainHead",
    "Condition",
    "Deadline",
    "DeadlineKind",
    "DisclosureRow",
    "FeeSchedule",
    "Hold",
    "HoldRow",
    "Invoice",
    "InvoiceLine",
    "LedgerEntry",
    "ProductionRecord",
    "UserNotice",
    "load_fees",
    "next_state",
    "parse_head",
    "verify_chain",
]
