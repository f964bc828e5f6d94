"""Small case objects that satisfy :class:`dueprocess.typing.ReportCase`, for report tests.

The requests are real :class:`~dueprocess.LegalRequest` values built from the attrs
classes; the case, review and production are fakes holding only what a report reads.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterable, Mapping

import attrs

from dueprocess import Category, LegalRequest, Outcome, ProcessKind, TargetKind
from dueprocess.parts import (
    Area,
    Channel,
    Investigation,
    Issuer,
    Nature,
    Process,
    Requester,
    Role,
    Target,
)

_ids = itertools.count(1)


class FakeState(str, enum.Enum):
    IN_REVIEW = "in_review"
    PRODUCED = "produced"
    CLOSED = "closed"


@attrs.frozen
class FakeProduction:
    records: int
    produced_at: dt.datetime = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    accounts: tuple[str, ...] = ()
    counts: Mapping[str, int] = attrs.field(factory=dict)
    merkle_root: str = "0" * 64


@attrs.frozen
class FakeReview:
    outcome: Outcome


@attrs.frozen
class FakeCase:
    request: LegalRequest
    review: FakeReview | None
    state: FakeState
    productions: tuple[FakeProduction, ...] = ()
    closed_at: dt.datetime | None = None


def make_request(
    kind: ProcessKind = ProcessKind.SEARCH_WARRANT,
    *,
    jurisdiction: str = "US",
    received: str = "2026-08-03T10:00:00Z",
    targets: Iterable[tuple[TargetKind, str]] = ((TargetKind.EMAIL, "a@example.com"),),
    categories: Iterable[Category] = (Category.SUBSCRIBER,),
) -> LegalRequest:
    """A real request of *kind* from *jurisdiction*, received at *received*."""
    return LegalRequest(
        id=f"REQ-{next(_ids)}",
        received_at=dt.datetime.fromisoformat(received.replace("Z", "+00:00")),
        channel=Channel.PORTAL,
        jurisdiction=jurisdiction,
        process=Process(
            kind=kind,
            issued_on=dt.date(2026, 1, 1),
            issuer=Issuer("Court", Role.COURT),
            authority="statute",
            signed=True,
        ),
        requester=Requester(agency="Agency", name="Officer", email="officer@agency.gov"),
        investigation=Investigation(nature=Nature.CRIMINAL, area=Area.FRAUD, facts="facts"),
        targets=tuple(Target(kind, value) for kind, value in targets),
        categories=tuple(categories),
    )


def make_case(
    kind: ProcessKind = ProcessKind.SEARCH_WARRANT,
    *,
    jurisdiction: str = "US",
    received: str = "2026-08-03T10:00:00Z",
    targets: Iterable[tuple[TargetKind, str]] = ((TargetKind.EMAIL, "a@example.com"),),
    categories: Iterable[Category] = (Category.SUBSCRIBER,),
    records: Iterable[int] = (),
    outcome: Outcome | None = Outcome.COMPLY,
    state: FakeState = FakeState.CLOSED,
) -> FakeCase:
    """A case whose productions hold *records* (one production per number)."""
    return FakeCase(
        request=make_request(
            kind,
            jurisdiction=jurisdiction,
            received=received,
            targets=targets,
            categories=categories,
        ),
        review=None if outcome is None else FakeReview(outcome),
        state=state,
        productions=tuple(FakeProduction(count) for count in records),
    )


def email(name: str) -> tuple[TargetKind, str]:
    return (TargetKind.EMAIL, f"{name}@example.com")
