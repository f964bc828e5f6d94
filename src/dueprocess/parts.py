"""The values the main ones are made of, and their closed sets.

A :class:`~dueprocess.LegalRequest`'s parts (:class:`Process`, :class:`Target`,
:class:`Period`...), a :class:`~dueprocess.Review`'s (:class:`CategoryDecision`,
:class:`ScopedCategory`), a :class:`~dueprocess.Policy`'s (:class:`AuthorityScope`), a
:class:`~dueprocess.Manifest`'s (:class:`FileDigest`), a verification's
(:class:`Mismatch`), a policy comparison's (:class:`PolicyDiff`, :class:`ReviewChange`),
and the enumerations their fields take. You rarely build these yourself: intake and the
review make them. Import them to annotate, or to compare a field with a member.

Two constants name the defaults and choices of the main verbs: :data:`DEFAULT_CUSTODIAN`
(who signs a certificate unless :func:`~dueprocess.produce` is told otherwise) and
:data:`SCHEMA_NAMES` (the documents :func:`~dueprocess.json_schema` describes).
"""

from __future__ import annotations

from ._base._enums import (
    Area,
    Callback,
    Channel,
    Danger,
    Nature,
    NondisclosureKind,
    NoticeTiming,
    Role,
)
from ._formats._schema import SCHEMA_NAMES
from ._intake._request import (
    Emergency,
    Investigation,
    Issuer,
    Nondisclosure,
    Period,
    Preservation,
    Process,
    Requester,
    Supervisor,
    Target,
)
from ._production._certificate import DEFAULT_CUSTODIAN, check_certificate_template
from ._production._manifest import FileDigest
from ._production._verify import Mismatch
from ._review._policy import AuthorityScope
from ._review._policy_diff import PolicyDiff, ReviewChange
from ._review._review import CategoryDecision, ScopedCategory

__all__ = [
    "DEFAULT_CUSTODIAN",
    "SCHEMA_NAMES",
    "Area",
    "AuthorityScope",
    "Callback",
    "CategoryDecision",
    "Channel",
    "Danger",
    "Emergency",
    "FileDigest",
    "Investigation",
    "Issuer",
    "Mismatch",
    "Nature",
    "Nondisclosure",
    "NondisclosureKind",
    "NoticeTiming",
    "Period",
    "PolicyDiff",
    "Preservation",
    "Process",
    "Requester",
    "ReviewChange",
    "Role",
    "ScopedCategory",
    "Supervisor",
    "Target",
    "check_certificate_template",
]
