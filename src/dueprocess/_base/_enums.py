"""The closed sets of the request and review formats (docs/formats.md, docs/rules.md).

Every member's value is the exact string the JSON documents use, so ``Kind(text)``
parses and ``member.value`` serialises.
"""

from __future__ import annotations

import enum

__all__ = [
    "Area",
    "Callback",
    "Category",
    "Channel",
    "Danger",
    "Decision",
    "Effect",
    "Nature",
    "NondisclosureKind",
    "NoticeTiming",
    "Outcome",
    "ProcessKind",
    "Role",
    "TargetKind",
]


class _Str(str, enum.Enum):
    """A closed set of strings (every stage's): ``str()`` is the value, ``repr()`` the member."""

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


class Channel(_Str):
    """How a request arrived."""

    PORTAL = "portal"
    EMAIL = "email"
    FAX = "fax"
    MAIL = "mail"
    IN_PERSON = "in_person"


class ProcessKind(_Str):
    """The legal instrument (docs/formats.md, "Process kinds")."""

    SUBPOENA = "subpoena"
    GRAND_JURY_SUBPOENA = "grand_jury_subpoena"
    ADMINISTRATIVE_SUBPOENA = "administrative_subpoena"
    COURT_ORDER_2703D = "court_order_2703d"
    SEARCH_WARRANT = "search_warrant"
    PEN_REGISTER_ORDER = "pen_register_order"
    WIRETAP_ORDER = "wiretap_order"
    NATIONAL_SECURITY_LETTER = "national_security_letter"
    FISA_ORDER = "fisa_order"
    EMERGENCY_REQUEST = "emergency_request"
    PRESERVATION_REQUEST = "preservation_request"
    FOREIGN_DIRECT_REQUEST = "foreign_direct_request"
    EU_PRODUCTION_ORDER = "eu_production_order"
    EU_PRESERVATION_ORDER = "eu_preservation_order"
    CIVIL_SUBPOENA = "civil_subpoena"
    CLOUD_ACT_ORDER = "cloud_act_order"

    @property
    def is_preservation(self) -> bool:
        """``preservation_request`` and ``eu_preservation_order``."""
        return self in (ProcessKind.PRESERVATION_REQUEST, ProcessKind.EU_PRESERVATION_ORDER)

    @property
    def is_eu(self) -> bool:
        """The two kinds of Regulation (EU) 2023/1543."""
        return self in (ProcessKind.EU_PRODUCTION_ORDER, ProcessKind.EU_PRESERVATION_ORDER)


class Role(_Str):
    """Who issued or validated an instrument."""

    JUDGE = "judge"
    COURT = "court"
    INVESTIGATING_JUDGE = "investigating_judge"
    PROSECUTOR = "prosecutor"
    GRAND_JURY = "grand_jury"
    AGENCY = "agency"
    POLICE = "police"
    PRIVATE_PARTY = "private_party"


class Callback(_Str):
    """Outcome of calling the agency back on an independently found number."""

    CONFIRMED = "confirmed"
    FAILED = "failed"
    NOT_ATTEMPTED = "not_attempted"


class Nature(_Str):
    """The kind of proceeding."""

    CRIMINAL = "criminal"
    CIVIL = "civil"
    CIVIL_IMMIGRATION = "civil_immigration"
    NATIONAL_SECURITY = "national_security"
    REGULATORY = "regulatory"
    UNKNOWN = "unknown"


class Area(_Str):
    """Subject matter of the investigation."""

    CHILD_EXPLOITATION = "child_exploitation"
    CONTROLLED_SUBSTANCES = "controlled_substances"
    CUSTOMS = "customs"
    IMMIGRATION = "immigration"
    TERRORISM = "terrorism"
    FRAUD = "fraud"
    PAYMENT_FRAUD = "payment_fraud"
    HEALTH_CARE_FRAUD = "health_care_fraud"
    TAX = "tax"
    CYBERCRIME = "cybercrime"
    VIOLENT_CRIME = "violent_crime"
    THREAT_TO_LIFE = "threat_to_life"
    PROTECTEE_THREAT = "protectee_threat"
    SEX_OFFENDER_REGISTRATION = "sex_offender_registration"
    OTHER = "other"


class TargetKind(_Str):
    """How a target identifies whose data is asked for."""

    ACCOUNT_ID = "account_id"
    USERNAME = "username"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    NAME = "name"
    QUERY = "query"


class Category(_Str):
    """Data categories, in the order of the request format's table (also production order)."""

    SUBSCRIBER = "subscriber"
    SESSION_LOGS = "session_logs"
    NON_CONTENT = "non_content"
    LOCATION = "location"
    CONTENT = "content"


class Danger(_Str):
    """The danger an emergency request claims."""

    DEATH = "death"
    SERIOUS_PHYSICAL_INJURY = "serious_physical_injury"
    OTHER = "other"


class NondisclosureKind(_Str):
    """A court's gag order, a national security letter's certification, or only a request."""

    COURT_ORDER = "court_order"
    CERTIFICATION = "certification"
    REQUEST_LETTER = "request_letter"


class Effect(_Str):
    """What a finding does to the outcome or to one category."""

    REJECT = "reject"
    VERIFY = "verify"
    ESCALATE = "escalate"
    PUSH_BACK = "push_back"
    NARROW = "narrow"
    WITHHOLD = "withhold"
    LIMIT = "limit"
    NOTE = "note"


class Outcome(_Str):
    """The review's answer to the request as a whole."""

    REJECT = "reject"
    VERIFY = "verify"
    ESCALATE = "escalate"
    PUSH_BACK = "push_back"
    PRESERVE = "preserve"
    COMPLY = "comply"
    PARTIAL = "partial"

    @property
    def releases_data(self) -> bool:
        """Only ``comply`` and ``partial`` release data."""
        return self in (Outcome.COMPLY, Outcome.PARTIAL)


class Decision(_Str):
    """What happens to one requested category."""

    DISCLOSE = "disclose"
    LIMITED = "limited"
    WITHHOLD = "withhold"
    PRESERVE = "preserve"


class NoticeTiming(_Str):
    """When, if ever, the account holder is told."""

    NONE = "none"
    BY_ISSUING_AUTHORITY = "by_issuing_authority"
    WITHHELD = "withheld"
    AFTER_NONDISCLOSURE = "after_nondisclosure"
    AFTER_EMERGENCY = "after_emergency"
    BEFORE_DISCLOSURE = "before_disclosure"
