"""The case layer: a request followed from receipt to close (docs/concepts.md).

``_lifecycle`` is the transition table, ``_case`` the values, ``_service`` the
operations, ``_audit`` the hash-chained log, ``_codec`` the rows every store keeps,
``_integrity`` the stored rows checked against the log, ``_deadlines``, ``_notice``, ``_holds`` and
``_ledger`` what is derived from cases, ``_memory`` the in-memory stores.
"""

from __future__ import annotations

from ._actor import Actor
from ._audit import GENESIS, AuditEntry, ChainBreak, ChainHead, parse_head, verify_chain
from ._case import Case, CaseEvent, CaseNotFound, Hold, ProductionRecord
from ._deadlines import Deadline, DeadlineKind
from ._integrity import AuditFailure, checked_case, verify_store
from ._invoice import Invoice, InvoiceLine
from ._ledger import LedgerEntry
from ._lifecycle import TRANSITIONS, CaseAction, CaseState
from ._notice import UserNotice
from ._service import Cases

__all__ = [
    "GENESIS",
    "TRANSITIONS",
    "Actor",
    "AuditEntry",
    "AuditFailure",
    "Case",
    "CaseAction",
    "CaseEvent",
    "CaseNotFound",
    "CaseState",
    "Cases",
    "ChainBreak",
    "ChainHead",
    "Deadline",
    "DeadlineKind",
    "Hold",
    "Invoice",
    "InvoiceLine",
    "LedgerEntry",
    "ProductionRecord",
    "UserNotice",
    "checked_case",
    "parse_head",
    "verify_chain",
    "verify_store",
]
