"""The review rules as tables (docs/rules.md).

Rules of the road for this module:

* Every row here can be checked line by line against docs/rules.md and the statute or policy
  it cites. Nothing in this module decides anything; ``_reviewer`` walks these tables.
* A rule that a platform may tune is a default here and a field of ``Policy``; a rule the
  law fixes (the process x category table, the EU member states, deadlines in days) is a
  constant here.
* Adding a process kind is a change to these tables plus tests: add its column to
  ``PROCESS_CATEGORIES`` (or list it in ``NO_PRODUCTION_KINDS``), its purpose rule in
  ``CRIMINAL_ONLY_KINDS``, and its report label in the reports module. Law that differs by
  place (territories, states, agreements, EU listed offences) is a row in
  ``jurisdictions``; finding codes and the words of letters are rows in ``findings``.
* Strings are the exact codes and citations of the ``dueprocess.review/1`` document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from ..._base._enums import Area, Category, Decision, NoticeTiming, ProcessKind, Role
from .findings import (
    CATEGORY_NAMES,
    COURT_CHALLENGE_CITATION,
    EMERGENCY_CITATION,
    EU,
    FINDINGS,
    PROCESS_NAMES,
    REQUIRED_NAMES,
    FindingRule,
)
from .jurisdictions import (
    CLOUD_ACT_AGREEMENTS,
    CLOUD_ACT_MIN_YEARS,
    EU_LISTED_OFFENCES,
    EU_MEMBER_STATES,
    STATE_RULES,
    US_COUNTRIES,
    US_TERRITORIES,
    agreement_in_force,
    is_us_country,
)

__all__ = [
    "AUTHORITY_SCOPES",
    "CATEGORY_NAMES",
    "CLOUD_ACT_AGREEMENTS",
    "CLOUD_ACT_MIN_YEARS",
    "COURT_CHALLENGE_CITATION",
    "COURT_CHALLENGE_CODES",
    "CRIMINAL_ONLY_KINDS",
    "EMERGENCY_CATEGORIES",
    "EMERGENCY_CITATION",
    "EMERGENCY_US_ONLY",
    "EU",
    "EU_APPLICABLE_FROM",
    "EU_ENFORCING_DAYS",
    "EU_LISTED_OFFENCES",
    "EU_MEMBER_STATES",
    "EU_PRESERVATION_COMPETENT",
    "FINDINGS",
    "FOREIGN_ONLY_KINDS",
    "FREE_MAIL_DOMAINS",
    "GOVERNMENT_DOMAINS",
    "JUDICIAL_KINDS",
    "NO_PRODUCTION_CELLS",
    "NO_PRODUCTION_KINDS",
    "PERIOD_EXEMPT_KINDS",
    "PRESERVATION_TERMS",
    "PROCESS_CATEGORIES",
    "PROCESS_NAMES",
    "REQUIRED_NAMES",
    "STATE_RULES",
    "US_COUNTRIES",
    "US_KINDS",
    "US_TERRITORIES",
    "AuthorityScopeRow",
    "Cell",
    "FindingRule",
    "JudicialKind",
    "agreement_in_force",
    "is_us_country",
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
# A foreign_direct_request or cloud_act_order from a US country is a mismatch too
# (FOREIGN_ONLY_KINDS).
US_KINDS: frozenset[ProcessKind] = frozenset(ProcessKind) - {
    K.EMERGENCY_REQUEST, K.FOREIGN_DIRECT_REQUEST, K.EU_PRODUCTION_ORDER,
    K.EU_PRESERVATION_ORDER, K.CLOUD_ACT_ORDER,
}  # fmt: skip
FOREIGN_ONLY_KINDS: frozenset[ProcessKind] = frozenset(
    {K.FOREIGN_DIRECT_REQUEST, K.CLOUD_ACT_ORDER}
)


@attrs.frozen
class JudicialKind:
    """A kind only a court may issue: any other issuer gives ``process.not_judicial``."""

    kind: ProcessKind
    roles: frozenset[Role]
    citation: str


_COURT = frozenset({Role.JUDGE, Role.COURT})

# docs/rules.md, process.not_judicial: an agency's own "warrant" (Forms I-200/I-205) is not a
# court's. Pen register, wiretap and FISA process stay escalated (emergency starts).
JUDICIAL_KINDS: Mapping[ProcessKind, JudicialKind] = {
    K.SEARCH_WARRANT: JudicialKind(K.SEARCH_WARRANT, _COURT, "18 U.S.C. 2703(a), 2711(3)"),
    K.COURT_ORDER_2703D: JudicialKind(K.COURT_ORDER_2703D, _COURT, "18 U.S.C. 2703(d), 2711(3)"),
}

# docs/rules.md, rule 15: for a court's search warrant or 2703(d) order these breadth
# findings escalate (counsel moves to quash or modify) and leave the period as written.
COURT_CHALLENGE_CODES: frozenset[str] = frozenset({
    "target.not_particular", "target.too_many", "scope.period_narrowed",
    "scope.prospective_period", "scope.future_period",
})  # fmt: skip

# docs/rules.md, scope.future_period and scope.prospective_period: process that may lawfully
# reach records made after receipt (interception orders, FISA, agreement orders).
PERIOD_EXEMPT_KINDS: frozenset[ProcessKind] = frozenset({
    K.PEN_REGISTER_ORDER, K.WIRETAP_ORDER, K.FISA_ORDER, K.CLOUD_ACT_ORDER,
})  # fmt: skip

# docs/rules.md, purpose.not_criminal: compelled process only in an official criminal
# investigation; Reg. (EU) 2023/1543 Art. 2 covers criminal proceedings only.
CRIMINAL_ONLY_KINDS: frozenset[ProcessKind] = frozenset({
    K.SUBPOENA, K.GRAND_JURY_SUBPOENA, K.ADMINISTRATIVE_SUBPOENA, K.COURT_ORDER_2703D,
    K.SEARCH_WARRANT, K.PRESERVATION_REQUEST, K.FOREIGN_DIRECT_REQUEST,
    K.EU_PRODUCTION_ORDER, K.EU_PRESERVATION_ORDER, K.CLOUD_ACT_ORDER,
})  # fmt: skip

# docs/rules.md, last paragraph of "Category decisions": escalated and rejected kinds withhold
# every category with no per-category finding.
NO_PRODUCTION_KINDS: frozenset[ProcessKind] = frozenset({
    K.PEN_REGISTER_ORDER, K.WIRETAP_ORDER, K.FISA_ORDER, K.CIVIL_SUBPOENA,
})  # fmt: skip


@attrs.frozen
class AuthorityScopeRow:
    """A statute an agency's subpoena may cite, what it is, and the areas it reaches."""

    statute: str
    instrument: str
    areas: tuple[Area, ...]


# docs/rules.md, authority_scopes (the policy's default): statute -> investigation areas.
AUTHORITY_SCOPES: tuple[AuthorityScopeRow, ...] = (
    AuthorityScopeRow("19 U.S.C. 1509", "customs summons", (Area.CUSTOMS, Area.CHILD_EXPLOITATION)),
    AuthorityScopeRow("8 U.S.C. 1225(d)", "immigration subpoena", (Area.IMMIGRATION,)),
    AuthorityScopeRow("8 CFR 287.4", "immigration subpoena", (Area.IMMIGRATION,)),
    AuthorityScopeRow("21 U.S.C. 876", "drug subpoena", (Area.CONTROLLED_SUBSTANCES,)),
    # 3486(a)(1)(A): federal health care offences, child exploitation, unregistered sex
    # offenders, threats against Secret Service protectees.
    AuthorityScopeRow(
        "18 U.S.C. 3486",
        "administrative subpoena of 18 U.S.C. 3486(a)(1)(A)",
        (
            Area.CHILD_EXPLOITATION,
            Area.HEALTH_CARE_FRAUD,
            Area.SEX_OFFENDER_REGISTRATION,
            Area.PROTECTEE_THREAT,
        ),
    ),
    AuthorityScopeRow("26 U.S.C. 7602", "tax summons", (Area.TAX,)),
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
_AGREEMENT_CONTENT = "18 U.S.C. 2702(b)(9)"
_AGREEMENT_RECORDS = "18 U.S.C. 2702(c)(7)"
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
    # 18 U.S.C. 2523: an order under an agreement in force may reach every category.
    K.CLOUD_ACT_ORDER: {
        C.SUBSCRIBER: _open(_AGREEMENT_RECORDS),
        C.SESSION_LOGS: _open(_AGREEMENT_RECORDS),
        C.NON_CONTENT: _open(_AGREEMENT_RECORDS),
        C.LOCATION: _open(_AGREEMENT_RECORDS),
        C.CONTENT: _open(_AGREEMENT_CONTENT),
    },
}

# docs/rules.md, last paragraph of "Category decisions": the escalated kinds withhold every
# category with no finding, except these cells, which say why.
NO_PRODUCTION_CELLS: Mapping[ProcessKind, Mapping[Category, Cell]] = {
    # Content never goes to a private party without the user's consent.
    K.CIVIL_SUBPOENA: {
        C.CONTENT: Cell(
            Decision.WITHHOLD,
            "18 U.S.C. 2702(a)(1), (2)",
            required="user_consent",
            code="category.private_party_content",
        ),
    },
}

# docs/rules.md, Policy: emergency_categories default.
EMERGENCY_CATEGORIES: frozenset[Category] = frozenset({C.SUBSCRIBER, C.SESSION_LOGS, C.LOCATION})
# docs/rules.md, note 3: emergency content goes only to a US governmental entity, whatever the
# policy's emergency_categories (18 U.S.C. 2702(b)(8), 2711(4)).
EMERGENCY_US_ONLY: frozenset[Category] = frozenset({C.CONTENT})

# --- Regulation (EU) 2023/1543 ----------------------------------------------------------

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
# years, or for the listed offences (EU_LISTED_OFFENCES) whatever the sentence.
EU_OFFENCE_MIN_YEARS = 3
EU_THRESHOLD_CATEGORIES = frozenset({C.NON_CONTENT, C.LOCATION, C.CONTENT})
# Art. 4(3): who may issue (or validate) a European Preservation Order.
EU_PRESERVATION_COMPETENT = frozenset(
    {Role.JUDGE, Role.COURT, Role.INVESTIGATING_JUDGE, Role.PROSECUTOR}
)

# Art. 10: deadlines to answer a European Production Order; Art. 10(2), 12: when the
# enforcing authority is notified, data goes out at the end of its 10 days.
EU_RESPOND = dt.timedelta(days=10)
EU_ENFORCING_DAYS = 10
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

NOTICE_TIMINGS = tuple(NoticeTiming)
