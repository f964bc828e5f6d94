"""dueprocess: answer government demands for user data the way a careful legal team would.

The main verbs and values of the pipeline, intake → review → production, are here:
:func:`load_request`, :func:`review`, :func:`produce`, :func:`verify` and the values they
take and give. The rest has one public home each:

* :mod:`dueprocess.parts` — the values the main ones are made of (a request's parts, a
  review's parts, a policy's, a manifest's) and their closed sets;
* :mod:`dueprocess.cases` — cases: lifecycle, deadlines, holds, notices, audit chain, ledger;
* :mod:`dueprocess.reports` — transparency reports;
* :mod:`dueprocess.exceptions` — every error;
* :mod:`dueprocess.typing` — the Protocols a caller implements (stores, sinks, clocks...);
* :mod:`dueprocess.testing` — in-memory doubles and a settable clock;
* :mod:`dueprocess.adapters` — SQLite, SQL, directory and zip adapters.

Everything else lives in underscore modules, by stage: ``_intake``, ``_review``,
``_production``, ``_cases``, ``_reports``, on a small shared ``_base``.
"""

from __future__ import annotations

# The public submodules, so that ``import dueprocess`` reaches ``dueprocess.cases.Cases``.
from . import cases as cases
from . import exceptions as exceptions
from . import parts as parts
from . import reports as reports
from . import testing as testing
from . import typing as typing
from ._base._enums import Category, Decision, Effect, Outcome, ProcessKind, TargetKind
from ._base._version import __version__
from ._formats._schema import json_schema
from ._intake._reader import load_request
from ._intake._request import LegalRequest
from ._production._certificate import CERTIFICATE_TEMPLATE, render_certificate
from ._production._identity import identity_key
from ._production._letter import render_letter
from ._production._manifest import Manifest
from ._production._merkle import InclusionProof, merkle_root, verify_inclusion
from ._production._produce import ProductionProgress, check_producible, produce
from ._production._records import Identity, Record, read_identities, read_records
from ._production._verify import VerificationResult, verify
from ._review._policy import DEFAULT_POLICY, Policy, load_policy, policy_to_dict
from ._review._policy_diff import compare_reviews, diff_policies
from ._review._review import Finding, Notice, Review, Scope
from ._review._reviewer import review

__all__ = [
    "CERTIFICATE_TEMPLATE",
    "DEFAULT_POLICY",
    "Category",
    "Decision",
    "Effect",
    "Finding",
    "Identity",
    "InclusionProof",
    "LegalRequest",
    "Manifest",
    "Notice",
    "Outcome",
    "Policy",
    "ProcessKind",
    "ProductionProgress",
    "Record",
    "Review",
    "Scope",
    "TargetKind",
    "VerificationResult",
    "__version__",
    "check_producible",
    "compare_reviews",
    "diff_policies",
    "identity_key",
    "json_schema",
    "load_policy",
    "load_request",
    "merkle_root",
    "policy_to_dict",
    "produce",
    "read_identities",
    "read_records",
    "render_certificate",
    "render_letter",
    "review",
    "verify",
    "verify_inclusion",
]
