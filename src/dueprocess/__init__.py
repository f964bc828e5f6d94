"""dueprocess: answer government demands for user data the way a careful legal team would.

The public API is re-exported here by name; the implementation lives in underscore
modules. Public submodules: :mod:`dueprocess.exceptions`, :mod:`dueprocess.typing`
(the Protocols), :mod:`dueprocess.testing` (in-memory doubles) and
:mod:`dueprocess.adapters` (SQLite, SQL, directory sink).
"""

from __future__ import annotations

from ._enums import (
    Area,
    Callback,
    Category,
    Channel,
    Danger,
    Decision,
    Effect,
    Nature,
    NondisclosureKind,
    NoticeTiming,
    Outcome,
    ProcessKind,
    Role,
    TargetKind,
)
from ._intake import load_request
from ._letter import render_letter
from ._policy import DEFAULT_POLICY, AuthorityScope, Policy, load_policy, policy_to_dict
from ._records import Record
from ._request import (
    Emergency,
    Investigation,
    Issuer,
    LegalRequest,
    Nondisclosure,
    Period,
    Preservation,
    Process,
    Requester,
    Supervisor,
    Target,
)
from ._review import CategoryDecision, Finding, Notice, Review, Scope, ScopedCategory
from ._reviewer import review
from ._version import __version__
from .exceptions import (
    ConflictError,
    DueProcessError,
    IntegrityError,
    InvalidRequest,
    InvalidTransition,
    PolicyError,
    Problem,
    ProductionRefused,
    StoreError,
)

__all__ = [
    "DEFAULT_POLICY",
    "Area",
    "AuthorityScope",
    "Callback",
    "Category",
    "CategoryDecision",
    "Channel",
    "ConflictError",
    "Danger",
    "Decision",
    "DueProcessError",
    "Effect",
    "Emergency",
    "Finding",
    "IntegrityError",
    "InvalidRequest",
    "InvalidTransition",
    "Investigation",
    "Issuer",
    "LegalRequest",
    "Nature",
    "Nondisclosure",
    "NondisclosureKind",
    "Notice",
    "NoticeTiming",
    "Outcome",
    "Period",
    "Policy",
    "PolicyError",
    "Preservation",
    "Problem",
    "Process",
    "ProcessKind",
    "ProductionRefused",
    "Record",
    "Requester",
    "Review",
    "Role",
    "Scope",
    "ScopedCategory",
    "StoreError",
    "Supervisor",
    "Target",
    "TargetKind",
    "__version__",
    "load_policy",
    "load_request",
    "policy_to_dict",
    "render_letter",
    "review",
]
