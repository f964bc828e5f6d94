"""Every finding code with its effect and source, and the words letters use (docs/rules.md).

Rules of the road for this module:

* One row per finding code, in docs/rules.md's order; the code is stable API.
* ``citation`` is the default source; a finding made from a table row (a statute in
  ``authority_scopes``, a state's rule, a cell) cites that row instead.
* Words are what a requester reads: they name things as the law does, never the codes.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ..._base._enums import Category, Effect, ProcessKind

__all__ = [
    "CATEGORY_NAMES",
    "COURT_CHALLENGE_CITATION",
    "EMERGENCY_CITATION",
    "EU",
    "FINDINGS",
    "PROCESS_NAMES",
    "REQUIRED_NAMES",
    "FindingRule",
]

K = ProcessKind
C = Category

EU = "Regulation (EU) 2023/1543"
EMERGENCY_CITATION = "18 U.S.C. 2702(b)(8), (c)(4)"
NSL = "18 U.S.C. 2709"
# docs/rules.md, rule 15: a court's warrant or 2703(d) order is challenged, not refused.
COURT_CHALLENGE_CITATION = "18 U.S.C. 2703(d)"


@attrs.frozen
class FindingRule:
    """A finding code: its effect and the source of the rule."""

    effect: Effect
    citation: str


_POLICY = "Platform law-enforcement guidelines"
_STORED = (
    "18 U.S.C. 2703 (stored records) vs. 18 U.S.C. 3121, 2518 (collection as it happens); "
    f"{EU}, Art. 3(8)"
)

FINDINGS: Mapping[str, FindingRule] = {
    # Who sent it
    "requester.blocked": FindingRule(Effect.REJECT, f"{_POLICY}: blocked senders"),
    "requester.free_email": FindingRule(
        Effect.REJECT, f"{_POLICY}: requests must come from an official government address"
    ),
    "requester.unrecognized_domain": FindingRule(
        Effect.VERIFY, f"{_POLICY}: verification of the requester's identity"
    ),
    "requester.callback_failed": FindingRule(
        Effect.REJECT, f"{_POLICY}: independent call-back verification"
    ),
    # The instrument
    "process.kind_jurisdiction_mismatch": FindingRule(
        Effect.PUSH_BACK, "18 U.S.C. 2711(3) (court of competent jurisdiction); 18 U.S.C. 2523"
    ),
    "process.unsigned": FindingRule(
        Effect.PUSH_BACK, f"{_POLICY}: the instrument must bear the issuer's signature"
    ),
    "process.not_judicial": FindingRule(Effect.REJECT, "18 U.S.C. 2703(a), (d), 2711(3)"),
    "nondisclosure.incomplete_certification": FindingRule(
        Effect.ESCALATE, "18 U.S.C. 2709(c)(1)(A), (d)"
    ),
    "process.issued_after_receipt": FindingRule(
        Effect.VERIFY, f"{_POLICY}: an instrument dated after receipt is a forgery signal"
    ),
    "process.stale_warrant": FindingRule(Effect.PUSH_BACK, "Fed. R. Crim. P. 41(e)(2)(A)"),
    "process.prospective": FindingRule(
        Effect.ESCALATE, "18 U.S.C. 3121-3127 (pen registers); 18 U.S.C. 2518 (wiretaps)"
    ),
    "process.fisa": FindingRule(Effect.ESCALATE, "50 U.S.C. 1801 et seq."),
    "process.civil_litigant": FindingRule(Effect.ESCALATE, "18 U.S.C. 2702(c)(6)"),
    "basis.missing_authority": FindingRule(
        Effect.PUSH_BACK, f"{_POLICY}: a request must state its legal basis"
    ),
    "basis.insufficient_facts": FindingRule(
        Effect.PUSH_BACK, f"{_POLICY}: a detailed legal and factual basis is required"
    ),
    "basis.unrecognized_authority": FindingRule(
        Effect.ESCALATE,
        f"{_POLICY}: an agency's own subpoena is answered only under a statute whose reach "
        "is mapped",
    ),
    # What it is for
    "purpose.not_criminal": FindingRule(
        Effect.REJECT,
        f"{_POLICY}: compelled process only in official criminal investigations; {EU}, Art. 2",
    ),
    "purpose.not_national_security": FindingRule(Effect.REJECT, "18 U.S.C. 2709(b)"),
    "purpose.authority_mismatch": FindingRule(Effect.REJECT, "the cited statute"),
    # Whose data
    "target.none": FindingRule(Effect.PUSH_BACK, f"{_POLICY}: particularity"),
    "target.not_particular": FindingRule(
        Effect.REJECT, f"{_POLICY}: no searches for unknown users; U.S. Const. amend. IV"
    ),
    "target.ambiguous": FindingRule(Effect.PUSH_BACK, f"{_POLICY}: particularity"),
    "target.too_many": FindingRule(Effect.PUSH_BACK, f"{_POLICY}: overbroad requests"),
    # How much
    "scope.period_missing": FindingRule(Effect.PUSH_BACK, f"{_POLICY}: overbroad requests"),
    "scope.future_period": FindingRule(Effect.PUSH_BACK, _STORED),
    "scope.prospective_period": FindingRule(Effect.NARROW, _STORED),
    "scope.period_narrowed": FindingRule(Effect.NARROW, f"{_POLICY}: overbroad requests"),
    # Category decisions
    "category.insufficient_process": FindingRule(Effect.WITHHOLD, "the process x category table"),
    "category.limited": FindingRule(Effect.LIMIT, NSL),
    "category.beyond_emergency_minimum": FindingRule(Effect.WITHHOLD, EMERGENCY_CITATION),
    "category.private_party_content": FindingRule(Effect.WITHHOLD, "18 U.S.C. 2702(a)(1), (2)"),
    "emergency.foreign_content": FindingRule(Effect.WITHHOLD, "18 U.S.C. 2702(b)(8), 2711(4)"),
    # Emergencies
    "emergency.missing_details": FindingRule(Effect.PUSH_BACK, EMERGENCY_CITATION),
    "emergency.not_qualifying": FindingRule(Effect.PUSH_BACK, "18 U.S.C. 2702(b)(8)"),
    "emergency.unverified": FindingRule(
        Effect.VERIFY, f"{_POLICY}: call-back verification of emergency requests"
    ),
    "emergency.no_supervisor": FindingRule(
        Effect.VERIFY, f"{_POLICY}: a supervisor must be reachable to confirm an emergency"
    ),
    "emergency.follow_up_process": FindingRule(
        Effect.NOTE, f"{_POLICY}: emergency disclosure is followed by legal process"
    ),
    # Preservation (the citation depends on the kind: PRESERVATION_TERMS)
    "preservation.extension_limit": FindingRule(Effect.REJECT, "18 U.S.C. 2703(f)(2)"),
    # European orders
    "eu.not_member_state": FindingRule(
        Effect.REJECT, f"{EU}, Art. 1; Protocol No 22 on the position of Denmark"
    ),
    "eu.not_yet_applicable": FindingRule(Effect.REJECT, f"{EU}, Art. 34"),
    "eu.preservation_issuer_not_competent": FindingRule(Effect.PUSH_BACK, f"{EU}, Art. 4(3)"),
    "eu.issuer_not_competent": FindingRule(Effect.WITHHOLD, f"{EU}, Art. 4"),
    "eu.validation_pending": FindingRule(Effect.NOTE, f"{EU}, Art. 4(5)"),
    "eu.offence_threshold": FindingRule(Effect.WITHHOLD, f"{EU}, Art. 5(4)"),
    "eu.enforcing_authority_notification": FindingRule(Effect.NOTE, f"{EU}, Art. 8, 10(2)"),
    # Orders under CLOUD Act agreements
    "cloud_act.no_agreement": FindingRule(Effect.REJECT, "18 U.S.C. 2523(b)"),
    "cloud_act.us_person": FindingRule(Effect.REJECT, "18 U.S.C. 2523(a)(2), (b)(4)(A)"),
    "cloud_act.not_serious_crime": FindingRule(Effect.REJECT, "18 U.S.C. 2523(b)(4)(D)(i)"),
    "cloud_act.missing_details": FindingRule(Effect.PUSH_BACK, "18 U.S.C. 2523(b)(4)"),
    # Telling the user
    "nondisclosure.indefinite": FindingRule(
        Effect.NOTE,
        f"18 U.S.C. 2705(b); {_POLICY}: the prosecutor is asked each year whether an "
        "order without an end date must still stand",
    ),
    "nondisclosure.not_binding": FindingRule(Effect.NOTE, "18 U.S.C. 2705(b)"),
}

# --- Words ------------------------------------------------------------------------------
# How findings and letters name things; a lawyer reads these, not the codes.

PROCESS_NAMES: Mapping[ProcessKind, str] = {
    K.SUBPOENA: "subpoena",
    K.GRAND_JURY_SUBPOENA: "grand jury subpoena",
    K.ADMINISTRATIVE_SUBPOENA: "administrative subpoena",
    K.COURT_ORDER_2703D: "court order under 18 U.S.C. 2703(d)",
    K.SEARCH_WARRANT: "search warrant",
    K.PEN_REGISTER_ORDER: "pen register order",
    K.WIRETAP_ORDER: "wiretap order",
    K.NATIONAL_SECURITY_LETTER: "national security letter",
    K.FISA_ORDER: "order of the Foreign Intelligence Surveillance Court",
    K.EMERGENCY_REQUEST: "emergency disclosure request",
    K.PRESERVATION_REQUEST: "preservation request",
    K.FOREIGN_DIRECT_REQUEST: "direct request from a foreign authority",
    K.EU_PRODUCTION_ORDER: "European Production Order",
    K.EU_PRESERVATION_ORDER: "European Preservation Order",
    K.CIVIL_SUBPOENA: "civil subpoena",
    K.CLOUD_ACT_ORDER: "order under a CLOUD Act agreement (18 U.S.C. 2523)",
}

CATEGORY_NAMES: Mapping[Category, str] = {
    C.SUBSCRIBER: "subscriber data",
    C.SESSION_LOGS: "session logs",
    C.NON_CONTENT: "non-content records",
    C.LOCATION: "location data",
    C.CONTENT: "content",
}

# The values of a category's ``required`` and what each means to a requester.
REQUIRED_NAMES: Mapping[str, str] = {
    "search_warrant": "a search warrant",
    "court_order_2703d": "a court order under 18 U.S.C. 2703(d)",
    "fisa_order": "an order of the Foreign Intelligence Surveillance Court",
    "mlat": "a request through a mutual legal assistance treaty",
    "judicial_validation": (
        "an order issued or validated by a judge, a court or an investigating judge"
    ),
    "user_consent": "the account holder's own consent",
}
