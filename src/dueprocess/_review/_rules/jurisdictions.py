"""Where law differs by place: territories, states, agreements, the EU (docs/rules.md).

Rules of the road for this module:

* One row per jurisdiction, agreement or listed offence, each with the source a lawyer
  checks it against. ``_reviewer`` reads rows; it never names a state or a country.
* Adding a state's shield law, a CLOUD Act agreement or a listed offence is a new row here
  plus tests, not a new code path.
* Country codes are ISO 3166-1 alpha-2 as ``jurisdiction`` spells them (Greece is ``GR``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from ..._base._enums import Area, Category, Decision, ProcessKind

__all__ = [
    "CLOUD_ACT_AGREEMENTS",
    "EU_LISTED_OFFENCES",
    "EU_MEMBER_STATES",
    "STATE_RULES",
    "US_COUNTRIES",
    "US_TERRITORIES",
    "CloudActAgreement",
    "ListedOffence",
    "StateCell",
    "StateRule",
    "Territory",
    "agreement_in_force",
    "is_us_country",
]

K = ProcessKind
C = Category

# --- The United States ------------------------------------------------------------------


@attrs.frozen
class Territory:
    """A US territory: a "State" for the Stored Communications Act."""

    code: str
    name: str
    citation: str


_SCA_STATE = "18 U.S.C. 2711(1), 2510(3)"

# docs/rules.md, "A US country": US territories are US for every jurisdiction rule.
US_TERRITORIES: tuple[Territory, ...] = (
    Territory("PR", "Puerto Rico", _SCA_STATE),
    Territory("GU", "Guam", _SCA_STATE),
    Territory("VI", "U.S. Virgin Islands", _SCA_STATE),
    Territory("AS", "American Samoa", _SCA_STATE),
    Territory("MP", "Northern Mariana Islands", _SCA_STATE),
    Territory("UM", "U.S. Minor Outlying Islands", _SCA_STATE),
)

US_COUNTRIES: frozenset[str] = frozenset({"US", *(t.code for t in US_TERRITORIES)})


def is_us_country(country: str | None) -> bool:
    """Whether a country code is ``US`` or a US territory.

    >>> is_us_country("PR"), is_us_country("GB"), is_us_country(None)
    (True, False, False)
    """
    return country in US_COUNTRIES


# --- State law ---------------------------------------------------------------------------


@attrs.frozen
class StateCell:
    """How a state's law changes one cell of the process x category table.

    ``fields`` set: the category is ``limited`` to them (finding ``category.limited``);
    ``required`` set: the category is withheld until that process (finding
    ``category.insufficient_process``).
    """

    citation: str
    fields: tuple[str, ...] | None = None
    required: str | None = None

    @property
    def decision(self) -> Decision:
        return Decision.LIMITED if self.fields is not None else Decision.WITHHOLD


@attrs.frozen
class StateRule:
    """A state's own rules for process issued by its authorities (``jurisdiction`` exactly).

    A federal authority in that state uses ``US`` and is not affected.
    """

    jurisdiction: str
    name: str
    kinds: frozenset[ProcessKind]
    cells: Mapping[Category, StateCell]
    warrant_service_days: int | None = None
    warrant_citation: str | None = None


_SUBPOENA_AND_2703D = frozenset(
    {K.SUBPOENA, K.GRAND_JURY_SUBPOENA, K.ADMINISTRATIVE_SUBPOENA, K.COURT_ORDER_2703D}
)

STATE_RULES: Mapping[str, StateRule] = {
    # California Electronic Communications Privacy Act (Cal. Penal Code 1546 ff.): a
    # subpoena or order reaches subscriber information only (1546(l): no payment details);
    # other electronic communication information needs a warrant (1546.1(b)); a warrant
    # must be served within 10 days (Cal. Penal Code 1534(a)).
    "US-CA": StateRule(
        jurisdiction="US-CA",
        name="California law (CalECPA)",
        kinds=_SUBPOENA_AND_2703D,
        cells={
            C.SUBSCRIBER: StateCell(
                "Cal. Penal Code 1546(l)",
                fields=("name", "address", "email", "phone", "service_start", "service_types"),
            ),
            C.SESSION_LOGS: StateCell("Cal. Penal Code 1546.1(b)", required="search_warrant"),
            C.NON_CONTENT: StateCell("Cal. Penal Code 1546.1(b)", required="search_warrant"),
        },
        warrant_service_days=10,
        warrant_citation="Cal. Penal Code 1534(a)",
    ),
}

# --- CLOUD Act agreements (18 U.S.C. 2523) ---------------------------------------------------


@attrs.frozen
class CloudActAgreement:
    """An executive agreement under 18 U.S.C. 2523 and the day it entered into force."""

    country: str
    name: str
    in_force: dt.date
    citation: str


CLOUD_ACT_AGREEMENTS: Mapping[str, CloudActAgreement] = {
    "GB": CloudActAgreement(
        "GB",
        "US-UK Data Access Agreement",
        dt.date(2022, 10, 3),
        "Agreement between the US and the UK on Access to Electronic Data for the Purpose "
        "of Countering Serious Crime (in force 3 October 2022)",
    ),
    "AU": CloudActAgreement(
        "AU",
        "US-Australia CLOUD Act Agreement",
        dt.date(2024, 1, 31),
        "Agreement between the US and Australia on Access to Electronic Data for the "
        "Purpose of Countering Serious Crime (in force 31 January 2024)",
    ),
}

# The agreements cover serious crime: an offence punishable by at least three years.
CLOUD_ACT_MIN_YEARS = 3


def agreement_in_force(country: str, on: dt.date) -> CloudActAgreement | None:
    """The agreement with *country* in force on *on*, if any.

    >>> agreement_in_force("GB", dt.date(2022, 10, 3)).name
    'US-UK Data Access Agreement'
    >>> agreement_in_force("GB", dt.date(2022, 10, 2)) is None
    True
    """
    agreement = CLOUD_ACT_AGREEMENTS.get(country)
    if agreement is None or on < agreement.in_force:
        return None
    return agreement


# --- Regulation (EU) 2023/1543 ---------------------------------------------------------------

# Every EU member state except Denmark, which is not bound (Protocol No 22). Greece is
# GR in ISO 3166-1, not the EU's own "EL".
EU_MEMBER_STATES: frozenset[str] = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})  # fmt: skip


@attrs.frozen
class ListedOffence:
    """An offence for which traffic and content data may be ordered whatever the sentence."""

    area: Area
    online_only: bool
    citation: str


# Art. 5(4)(b) (committed wholly or partly by means of an information system) and (c).
EU_LISTED_OFFENCES: tuple[ListedOffence, ...] = (
    ListedOffence(
        Area.PAYMENT_FRAUD, True, "Reg. (EU) 2023/1543, Art. 5(4)(b); Directive (EU) 2019/713"
    ),
    ListedOffence(
        Area.CHILD_EXPLOITATION, True, "Reg. (EU) 2023/1543, Art. 5(4)(b); Directive 2011/93/EU"
    ),
    ListedOffence(Area.CYBERCRIME, True, "Reg. (EU) 2023/1543, Art. 5(4)(b); Directive 2013/40/EU"),
    ListedOffence(
        Area.TERRORISM, False, "Reg. (EU) 2023/1543, Art. 5(4)(c); Directive (EU) 2017/541"
    ),
)
