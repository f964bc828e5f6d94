"""The review rules as tables (docs/rules.md).

Rules of the road for this module:

* Every row here can be checked line by line against docs/rules.md and the statute or policy
  it cites. Nothing in this module decides anything; ``_reviewer`` walks these tables.
* A rule that a platform may tune is a default here and a field of ``Policy``; a rule the
  law fixes (the process x category table, the EU member states, deadlines in days) is a
  constant here.
* Adding a process kind or a jurisdiction is a change to these tables plus tests: add its
  column to ``PROCESS_CATEGORIES`` (or list it in ``NO_PRODUCTION_KINDS``), its purpose rule
  in ``CRIMINAL_ONLY_KINDS``, and its report label in the reports module.
* Strings are the exact codes and citations of the ``dueprocess.review/1`` document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from .._enums import Area, Category, Decision, Effect, NoticeTiming, ProcessKind, Role

__all__ = [
    "AUTHORITY_SCOPES",
    "CRIMINAL_ONLY_KINDS",
    "EMERGENCY_CATEGORIES",
    "EU_APPLICABLE_FROM",
    "EU_MEMBER_STATES",
    "FINDINGS",
    "FREE_MAIL_DOMAINS",
    "GOVERNMENT_DOMAINS",
    "NO_PRODUCTION_KINDS",
    "PRESERVATION_TERMS",
    "PROCESS_CATEGORIES",
    "US_KINDS",
    "Cell",
    "FindingRule",
]

K = ProcessKind
C = Category

# The day the statutes, regulations and policy below were last checked against their
# sources; the rule reference prints it. Move it whenever a row is checked again.
CURRENT_AS_OF = dt.date(2026, 11, 30)

# --- Who may send requests -------------------------------------------------------------

# docs/rules.md, requester.unrecognized_domain: a domain is governmental when it equals, or
# ends with "." + one of, these.
GOVERNMENT_DOMAINS: tuple[str, ...] = (
    "gov", "mil", "gov.uk", "police.uk", "gouv.fr", "justice.fr", "bund.de", "polizei.de",
    "justiz.de", "politie.nl", "om.nl", "gob.es", "policia.es", "giustizia.it",
    "poliziadistato.it", "gov.ie", "garda.ie", "gc.ca", "gov.au", "govt.nz", "europa.eu",
)  # fmt: skip

# docs/rules.md, requester.free_email: forged requests come from free mail.
FREE_MAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com",
    "aol.com", "icloud.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "mail.ru",
    "yandex.ru", "qq.com",
)  # fmt: skip

# --- Which process kinds are which ----------------------------------------------------

# docs/rules.md, process.kind_jurisdiction_mismatch: every kind except these is a US kind.
US_KINDS: frozenset[ProcessKind] = frozenset(ProcessKind) - {
    K.EMERGENCY_REQUEST, K.FOREIGN_DIRECT_REQUEST, K.EU_PRODUCTION_ORDER,
    K.EU_PRESERVATION_ORDER,
}  # fmt: skip

# docs/rules.md, purpose.not_criminal: compelled process only in an official criminal
# investigation; Reg. (EU) 2023/1543 Art. 2 covers criminal proceedings only.
CRIMINAL_ONLY_KINDS: frozenset[ProcessKind] = frozenset({
    K.SUBPOENA, K.GRAND_JURY_SUBPOENA, K.ADMINISTRATIVE_SUBPOENA, K.COURT_ORDER_2703D,
    K.SEARCH_WARRANT, K.PRESERVATION_REQUEST, K.FOREIGN_DIRECT_REQUEST,
    K.EU_PRODUCTION_ORDER, K.EU_PRESERVATION_ORDER,
})  # fmt: skip

# docs/rules.md, last paragraph of "Category decisions": escalated and rejected kinds withhold
# every category with no per-category finding.
NO_PRODUCTION_KINDS: frozenset[ProcessKind] = frozenset({
    K.PEN_REGISTER_ORDER, K.WIRETAP_ORDER, K.FISA_ORDER, K.CIVIL_SUBPOENA,
})  # fmt: skip

# docs/rules.md, authority_scopes: statute -> investigation areas it may serve.
AUTHORITY_SCOPES: tuple[tuple[str, tuple[Area, ...]], ...] = (
    ("19 U.S.C. 1509", (Area.CUSTOMS, Area.CHILD_EXPLOITATION)),
    ("8 U.S.C. 1225(d)", (Area.IMMIGRATION,)),
    ("8 CFR 287.4", (Area.IMMIGRATION,)),
    ("21 U.S.C. 876", (Area.CONTROLLED_SUBSTANCES,)),
    ("18 U.S.C. 3486", (Area.CHILD_EXPLOITATION, Area.FRAUD, Area.THREAT_TO_LIFE)),
    ("26 U.S.C. 7602", (Area.FRAUD,)),
)

# --- Which process reaches which data --------------------------------------------------


@attrs.frozen
class Cell:
    """One cell of the process x category table.

    ``required`` names the process that would reach a withheld category; ``fields`` lists
    what a ``limited`` category releases; ``code`` and ``citation`` make its finding.
    """

    decision: Decision
    citation: str
    required: str | None = None
    fields: tuple[str, ...] | None = None
    code: str | None = None


_SUBSCRIBER = "18 U.S.C. 2703(c)(2)(A),(B),(D),(E),(F)"
_SESSION_LOGS = "18 U.S.C. 2703(c)(2)(C),(E)"
_NON_CONTENT = "18 U.S.C. 2703(c)(1), (d)"
_LOCATION = (
    "Platform policy: stored location is treated like content and needs a warrant "
    "(cf. Carpenter v. United States, 585 U.S. 296 (2018))"
)
_CONTENT = "18 U.S.C. 2703(a)"
_NSL = "18 U.S.C. 2709"
_FISA = "18 U.S.C. 2709(b); 50 U.S.C. 1801 et seq."
_MLAT = "18 U.S.C. 2702(a); 18 U.S.C. 3512 (mutual legal assistance)"
_INSUFFICIENT = "category.insufficient_process"


def _open(citation: str) -> Cell:
    return Cell(Decision.DISCLOSE, citation)


def _needs(required: str, citation: str) -> Cell:
    return Cell(Decision.WITHHOLD, citation, required=required, code=_INSUFFICIENT)


_SUBPOENA_COLUMN: Mapping[Category, Cell] = {
    C.SUBSCRIBER: _open(_SUBSCRIBER),
    C.SESSION_LOGS: _open(_SESSION_LOGS),
    C.NON_CONTENT: _needs("court_order_2703d", _NON_CONTENT),
    C.LOCATION: _needs("search_warrant", _LOCATION),
    C.CONTENT: _needs("search_warrant", _CONTENT),
}

# docs/rules.md, "Category decisions". The emergency column is read through the policy's
# emergency_categories instead (18 U.S.C. 2702(b)(8), (c)(4)); the EU production order
# starts from "disclose" and is narrowed by the Regulation's own rules below.
PROCESS_CATEGORIES: Mapping[ProcessKind, Mapping[Category, Cell]] = {
    K.SUBPOENA: _SUBPOENA_COLUMN,
    K.GRAND_JURY_SUBPOENA: _SUBPOENA_COLUMN,
    K.ADMINISTRATIVE_SUBPOENA: _SUBPOENA_COLUMN,
    K.COURT_ORDER_2703D: {
        C.SUBSCRIBER: _open(_SUBSCRIBER),
        C.SESSION_LOGS: _open(_SESSION_LOGS),
        C.NON_CONTENT: _open(_NON_CONTENT),
        C.LOCATION: _needs("search_warrant", _LOCATION),
        C.CONTENT: _needs("search_warrant", _CONTENT),
    },
    K.SEARCH_WARRANT: {
        C.SUBSCRIBER: _open(_SUBSCRIBER),
        C.SESSION_LOGS: _open(_SESSION_LOGS),
        C.NON_CONTENT: _open(_NON_CONTENT),
        C.LOCATION: _open("18 U.S.C. 2703(a), (b), (c)(1)(A)"),
        C.CONTENT: _open("18 U.S.C. 2703(a), (b)(1)(A)"),
    },
    K.NATIONAL_SECURITY_LETTER: {
        C.SUBSCRIBER: Cell(
            Decision.LIMITED, _NSL, fields=("name", "service_start"), code="category.limited"
        ),
        C.SESSION_LOGS: _needs("fisa_order", _FISA),
        C.NON_CONTENT: _needs("fisa_order", _FISA),
        C.LOCATION: _needs("fisa_order", _FISA),
        C.CONTENT: _needs("fisa_order", _FISA),
    },
    K.FOREIGN_DIRECT_REQUEST: {
        C.SUBSCRIBER: _open("18 U.S.C. 2702(c)(6)"),
        C.SESSION_LOGS: _open("18 U.S.C. 2702(c)(6)"),
        C.NON_CONTENT: _needs("mlat", _MLAT),
        C.LOCATION: _needs("mlat", _MLAT),
        C.CONTENT: _needs("mlat", _MLAT),
    },
}

# docs/rules.md, Policy: emergency_categories default.
EMERGENCY_CATEGORIES: frozenset[Category] = frozenset({C.SUBSCRIBER, C.SESSION_LOGS, C.LOCATION})
EMERGENCY_CITATION = "18 U.S.C. 2702(b)(8), (c)(4)"

# --- Regulation (EU) 2023/1543 ----------------------------------------------------------

EU = "Regulation (EU) 2023/1543"

# Every EU member state except Denmark, which is not bound (Protocol No 22). Greece is
# GR in ISO 3166-1, not the EU's own "EL".
EU_MEMBER_STATES: frozenset[str] = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})  # fmt: skip

# Art. 34: the Regulation applies from 18 August 2026.
EU_APPLICABLE_FROM = dt.date(2026, 8, 18)

# Art. 4(1), 4(2): who may issue (or validate) an order for each category.
EU_IDENTIFYING = frozenset({C.SUBSCRIBER, C.SESSION_LOGS})
EU_COMPETENT: Mapping[Category, frozenset[Role]] = {
    C.SUBSCRIBER: frozenset({Role.JUDGE, Role.COURT, Role.INVESTIGATING_JUDGE, Role.PROSECUTOR}),
    C.SESSION_LOGS: frozenset({Role.JUDGE, Role.COURT, Role.INVESTIGATING_JUDGE, Role.PROSECUTOR}),
    C.NON_CONTENT: frozenset({Role.JUDGE, Role.COURT, Role.INVESTIGATING_JUDGE}),
    C.LOCATION: frozenset({Role.JUDGE, Role.COURT, Role.INVESTIGATING_JUDGE}),
    C.CONTENT: frozenset({Role.JUDGE, Role.COURT, Role.INVESTIGATING_JUDGE}),
}
EU_COMPETENT_CITATION: Mapping[Category, str] = {
    C.SUBSCRIBER: f"{EU}, Art. 4(1)",
    C.SESSION_LOGS: f"{EU}, Art. 4(1)",
    C.NON_CONTENT: f"{EU}, Art. 4(2)",
    C.LOCATION: f"{EU}, Art. 4(2)",
    C.CONTENT: f"{EU}, Art. 4(2)",
}
# Art. 4(5): an emergency lets an unvalidated police or agency issuer order these two.
EU_EMERGENCY_ISSUERS = frozenset({Role.POLICE, Role.AGENCY})
EU_VALIDATION_HOURS = 48

# Art. 5(4): traffic and content data only for offences punishable by at least three
# years, or for these offences whatever the sentence.
EU_OFFENCE_MIN_YEARS = 3
EU_THRESHOLD_CATEGORIES = frozenset({C.NON_CONTENT, C.LOCATION, C.CONTENT})
EU_ALWAYS_AREAS = frozenset({Area.TERRORISM})
EU_ONLINE_AREAS = frozenset({Area.CHILD_EXPLOITATION, Area.CYBERCRIME, Area.FRAUD})

# Art. 10: deadlines to answer a European Production Order.
EU_RESPOND = dt.timedelta(days=10)
EU_RESPOND_EMERGENCY = dt.timedelta(hours=8)

# --- Preservation -----------------------------------------------------------------------


@attrs.frozen
class PreservationTerm:
    """How long a preservation lasts and how often it may be renewed."""

    days: int
    renewal_days: int
    max_extensions: int
    citation: str


PRESERVATION_TERMS: Mapping[ProcessKind, PreservationTerm] = {
    # 18 U.S.C. 2703(f)(2): 90 days, extended once for another 90 days.
    K.PRESERVATION_REQUEST: PreservationTerm(90, 90, 1, "18 U.S.C. 2703(f)(2)"),
    # Reg. 2023/1543 Art. 11(1): 60 days, extended once by 30 days.
    K.EU_PRESERVATION_ORDER: PreservationTerm(60, 30, 1, f"{EU}, Art. 11(1)"),
}

# --- Notice -----------------------------------------------------------------------------

# docs/rules.md, "Telling the user", rule 4: a gag order without an end date is revisited
# after this many days from issue.
INDEFINITE_GAG_DAYS = 365
NOTICE_TIMINGS = tuple(NoticeTiming)

# --- Findings ---------------------------------------------------------------------------


@attrs.frozen
class FindingRule:
    """A finding code: its effect and the source of the rule."""

    effect: Effect
    citation: str


_POLICY = "Platform law-enforcement guidelines"

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
        Effect.PUSH_BACK, "18 U.S.C. 2711(3) (court of competent jurisdiction)"
    ),
    "process.unsigned": FindingRule(
        Effect.PUSH_BACK, f"{_POLICY}: the instrument must bear the issuer's signature"
    ),
    "process.issued_after_receipt": FindingRule(
        Effect.VERIFY, f"{_POLICY}: an instrument dated after receipt is a forgery signal"
    ),
    "process.stale_warrant": FindingRule(Effect.PUSH_BACK, "Fed. R. Crim. P. 41(e)(2)(A)"),
    "process.prospective": FindingRule(
        Effect.ESCALATE, "18 U.S.C. 3121-3127 (pen registers); 18 U.S.C. 2518 (wiretaps)"
    ),
    "process.fisa": FindingRule(Effect.ESCALATE, "50 U.S.C. 1801 et seq."),
    "process.civil_litigant": FindingRule(Effect.REJECT, "18 U.S.C. 2702(a)"),
    "basis.missing_authority": FindingRule(
        Effect.PUSH_BACK, f"{_POLICY}: a request must state its legal basis"
    ),
    "basis.insufficient_facts": FindingRule(
        Effect.PUSH_BACK, f"{_POLICY}: a detailed legal and factual basis is required"
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
    "scope.period_narrowed": FindingRule(Effect.NARROW, f"{_POLICY}: overbroad requests"),
    # Category decisions
    "category.insufficient_process": FindingRule(Effect.WITHHOLD, "the process x category table"),
    "category.limited": FindingRule(Effect.LIMIT, _NSL),
    "category.beyond_emergency_minimum": FindingRule(Effect.WITHHOLD, EMERGENCY_CITATION),
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
    "eu.issuer_not_competent": FindingRule(Effect.WITHHOLD, f"{EU}, Art. 4"),
    "eu.validation_pending": FindingRule(Effect.NOTE, f"{EU}, Art. 4(5)"),
    "eu.offence_threshold": FindingRule(Effect.WITHHOLD, f"{EU}, Art. 5(4)"),
    "eu.enforcing_authority_notification": FindingRule(Effect.NOTE, f"{EU}, Art. 8"),
    # Telling the user
    "nondisclosure.indefinite": FindingRule(
        Effect.NOTE, f"18 U.S.C. 2705(b); {_POLICY}: indefinite gag orders are revisited yearly"
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
}
