"""The typed, immutable request (docs/formats.md).

These classes hold values only; ``load_request`` (in ``_intake``) builds them from a
document and ``LegalRequest.to_dict`` turns one back into the same document, so a case
store can keep a request as JSON and get the identical request back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from .._base._dates import format_date, format_timestamp, utc_date
from .._base._enums import (
    Area,
    Callback,
    Category,
    Channel,
    Danger,
    Nature,
    NondisclosureKind,
    ProcessKind,
    Role,
    TargetKind,
)

__all__ = [
    "FORMAT",
    "Emergency",
    "Investigation",
    "Issuer",
    "LegalRequest",
    "Nondisclosure",
    "Period",
    "Preservation",
    "Process",
    "Requester",
    "Supervisor",
    "Target",
]

FORMAT = "dueprocess.request/1"


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


@attrs.frozen
class Issuer:
    """Who issued (or validated) an instrument."""

    name: str
    role: Role

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.value}


@attrs.frozen
class Process:
    """The legal instrument itself."""

    kind: ProcessKind
    issued_on: dt.date
    issuer: Issuer
    authority: str
    signed: bool
    validated_by: Issuer | None = None
    reference: str | None = None
    return_date: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "kind": self.kind.value,
                "issued_on": format_date(self.issued_on),
                "issuer": self.issuer.to_dict(),
                "validated_by": self.validated_by.to_dict() if self.validated_by else None,
                "authority": self.authority,
                "signed": self.signed,
                "reference": self.reference,
                "return_date": format_date(self.return_date) if self.return_date else None,
            }
        )


@attrs.frozen
class Supervisor:
    """A supervisor the platform can call to confirm an emergency."""

    name: str
    phone: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "phone": self.phone}


@attrs.frozen
class Requester:
    """Who sent the request."""

    agency: str
    name: str
    email: str
    phone: str | None = None
    supervisor: Supervisor | None = None
    callback: Callback = Callback.NOT_ATTEMPTED

    @property
    def domain(self) -> str:
        """The email's domain, lower case, without a trailing dot."""
        return self.email.rpartition("@")[2].strip().lower().rstrip(".")

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "agency": self.agency,
                "name": self.name,
                "email": self.email,
                "phone": self.phone,
                "supervisor": self.supervisor.to_dict() if self.supervisor else None,
                "callback": self.callback.value,
            }
        )


@attrs.frozen
class Investigation:
    """What the request is for."""

    nature: Nature
    area: Area
    facts: str
    offense: str | None = None
    max_sentence_years: float | None = None
    committed_online: bool = False
    offence_location: str | None = None
    person_residence: str | None = None
    us_person: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        years = self.max_sentence_years
        if years is not None and float(years).is_integer():
            years = int(years)
        return _drop_none(
            {
                "nature": self.nature.value,
                "area": self.area.value,
                "offense": self.offense,
                "max_sentence_years": years,
                "committed_online": self.committed_online,
                "facts": self.facts,
                "offence_location": self.offence_location,
                "person_residence": self.person_residence,
                "us_person": self.us_person,
            }
        )


@attrs.frozen
class Target:
    """One identifier of whose data is asked for."""

    kind: TargetKind
    value: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "value": self.value}


@attrs.frozen
class Period:
    """A range of calendar days, both ends included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Number of days covered, ends included.

        >>> Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).days
        366
        """
        return (self.end - self.start).days + 1

    def start_instant(self) -> dt.datetime:
        """00:00:00Z on ``start``."""
        return dt.datetime.combine(self.start, dt.time(0, 0), tzinfo=dt.timezone.utc)

    def end_instant(self) -> dt.datetime:
        """23:59:59.999999Z on ``end``."""
        return dt.datetime.combine(self.end, dt.time.max, tzinfo=dt.timezone.utc)

    def contains(self, moment: dt.datetime) -> bool:
        """Whether an aware instant falls inside the period (UTC days)."""
        return self.start_instant() <= moment <= self.end_instant()

    def to_dict(self) -> dict[str, str]:
        return {"start": format_date(self.start), "end": format_date(self.end)}


@attrs.frozen
class Emergency:
    """The emergency a requester claims."""

    danger: Danger
    imminent: bool
    description: str

    @property
    def qualifies(self) -> bool:
        """Danger of death or serious physical injury, and imminent (18 U.S.C. 2702(b)(8))."""
        return self.imminent and self.danger in (Danger.DEATH, Danger.SERIOUS_PHYSICAL_INJURY)

    def to_dict(self) -> dict[str, Any]:
        return {
            "danger": self.danger.value,
            "imminent": self.imminent,
            "description": self.description,
        }


@attrs.frozen
class Nondisclosure:
    """A gag order, a certification, or a request not to tell the user.

    ``review_notice`` (with a ``certification``) says the letter gives notice of the right
    to judicial review under 18 U.S.C. 2709(d); the document carries it only when true.
    """

    kind: NondisclosureKind
    statute: str
    until: dt.date | None = None
    review_notice: bool = False

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "kind": self.kind.value,
            "statute": self.statute,
            "until": format_date(self.until) if self.until else None,
        }
        if self.review_notice:
            document["review_notice"] = True
        return document


@attrs.frozen
class Preservation:
    """A renewal of an earlier preservation."""

    extends: str
    prior_extensions: int
    prior_expires_on: dt.date

    def to_dict(self) -> dict[str, Any]:
        return {
            "extends": self.extends,
            "prior_extensions": self.prior_extensions,
            "prior_expires_on": format_date(self.prior_expires_on),
        }


@attrs.frozen
class LegalRequest:
    """A government demand for user data, as the platform recorded it.

    Build one with :func:`dueprocess.load_request`; it never changes afterwards.
    """

    id: str
    received_at: dt.datetime
    channel: Channel
    jurisdiction: str
    process: Process
    requester: Requester
    investigation: Investigation
    targets: tuple[Target, ...]
    categories: tuple[Category, ...]
    period: Period | None = None
    emergency: Emergency | None = None
    nondisclosure: Nondisclosure | None = None
    preservation: Preservation | None = None

    @property
    def country(self) -> str:
        """The part of ``jurisdiction`` before any ``-``."""
        return self.jurisdiction.partition("-")[0]

    @property
    def received_date(self) -> dt.date:
        """The UTC calendar date of ``received_at``."""
        return utc_date(self.received_at)

    def to_dict(self) -> dict[str, Any]:
        """The ``dueprocess.request/1`` document for this request."""
        return _drop_none(
            {
                "format": FORMAT,
                "id": self.id,
                "received_at": format_timestamp(self.received_at),
                "channel": self.channel.value,
                "jurisdiction": self.jurisdiction,
                "process": self.process.to_dict(),
                "requester": self.requester.to_dict(),
                "investigation": self.investigation.to_dict(),
                "targets": [target.to_dict() for target in self.targets],
                "categories": [category.value for category in self.categories],
                "period": self.period.to_dict() if self.period else None,
                "emergency": self.emergency.to_dict() if self.emergency else None,
                "nondisclosure": self.nondisclosure.to_dict() if self.nondisclosure else None,
                "preservation": self.preservation.to_dict() if self.preservation else None,
            }
        )

    def __repr__(self) -> str:
        return (
            f"<LegalRequest {self.id!r} {self.process.kind.value} from {self.jurisdiction}"
            f" received {format_timestamp(self.received_at)}>"
        )
