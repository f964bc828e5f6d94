"""What this engine never does, checked over the whole finite space of requests.

docs/rules.md ("What this engine never does") lists each invariant with the test below
that proves it. The space enumerated once, shared by every test:

process kind x category x issuer role x validator role x jurisdiction class (US, a US
territory, US-CA, GB, AU, an EU member, Denmark, another country) x nature x emergency
(qualifying, not qualifying, none — on the three kinds the format lets carry one; any other
kind with an ``emergency`` is refused at intake and never reaches a review).

It is enumerated twice: under ``DEFAULT_POLICY`` with a period that ends before receipt,
and under a permissive policy (every threshold opened, every category an emergency
category) with a period that reaches past receipt, so the received-date cut is what stands
between a request and records that did not exist yet. The validator is every role (or
none) for the two European kinds, the only ones whose validator the rules read, and none or
a judge for the others: a judge's signature under an agency's warrant must not make it a
court's. ``test_future_periods_release_nothing`` covers a period that starts after receipt.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections import Counter
from collections.abc import Iterator

import attrs
import pytest

from dueprocess import (
    DEFAULT_POLICY,
    Category,
    Decision,
    Effect,
    LegalRequest,
    Outcome,
    Policy,
    ProcessKind,
    Review,
    load_request,
    review,
)
from dueprocess._review._policy import POLICY_RANGES
from dueprocess._review._rules import tables as T
from dueprocess.parts import Area, Danger, Emergency, Issuer, Nature, Period, Role

from ..support import make_request

K = ProcessKind

RECEIVED = dt.date(2026, 10, 5)
PAST = Period(dt.date(2026, 8, 1), dt.date(2026, 9, 30))
PAST_RECEIPT = Period(dt.date(2026, 9, 1), dt.date(2026, 12, 31))
FUTURE = Period(dt.date(2026, 10, 6), dt.date(2026, 12, 31))

JURISDICTIONS = {
    "US": "US",
    "US territory": "PR",
    "US-CA": "US-CA",
    "GB": "GB",
    "AU": "AU",
    "EU member": "DE",
    "Denmark": "DK",
    "other": "BR",
}
EMERGENCIES: dict[str, Emergency | None] = {
    "qualifying": Emergency(Danger.DEATH, True, "A threat to shoot at a school today."),
    "not qualifying": Emergency(Danger.OTHER, False, "Someone may be upset."),
    "none": None,
}
EMERGENCY_KINDS = frozenset({K.EMERGENCY_REQUEST, K.EU_PRODUCTION_ORDER, K.EU_PRESERVATION_ORDER})
JUDICIAL = frozenset({Role.JUDGE, Role.COURT})
EU_JUDICIAL = frozenset({Role.JUDGE, Role.COURT, Role.INVESTIGATING_JUDGE})
BLOCKING = frozenset({Effect.REJECT, Effect.VERIFY, Effect.ESCALATE, Effect.PUSH_BACK})

PERMISSIVE = attrs.evolve(
    DEFAULT_POLICY,
    name="permissive",
    max_period_days=POLICY_RANGES["max_period_days"][1],
    max_targets=POLICY_RANGES["max_targets"][1],
    min_fact_words=0,
    warrant_service_days=POLICY_RANGES["warrant_service_days"][1],
    notice_hold_days=0,
    emergency_categories=list(Category),
    free_mail_domains=[],
    authority_scopes=[
        attrs.evolve(scope, areas=frozenset(Area)) for scope in DEFAULT_POLICY.authority_scopes
    ],
)


def _base() -> LegalRequest:
    """A request that passes every check a requester controls: verified, signed, detailed."""
    document = make_request(
        received_at="2026-10-05T12:00:00Z",
        process__issued_on="2026-10-03",
        process__authority="21 U.S.C. 876",
        requester__email="agent@dea.gov",
        requester__callback="confirmed",
        requester__supervisor={"name": "Supervisor", "phone": "+1 202 555 0100"},
        investigation__area="controlled_substances",
        investigation__max_sentence_years=5,
        investigation__us_person=False,
    )
    return load_request(document)


@attrs.frozen
class Seen:
    """One review, reduced to what the invariants read."""

    policy: str
    kind: ProcessKind
    category: Category
    issuer: Role
    validator: Role | None
    jurisdiction: str
    nature: Nature
    emergency: str
    requested: Period
    outcome: Outcome
    decision: Decision
    fields: tuple[str, ...] | None
    period: Period | None
    effects: frozenset[Effect]
    released: bool

    @property
    def country(self) -> str:
        return self.jurisdiction.partition("-")[0]


def _validators(kind: ProcessKind) -> list[Role | None]:
    return [None, *Role] if kind.is_eu else [None, Role.JUDGE]


def _requests(base: LegalRequest, period: Period) -> Iterator[tuple[str, LegalRequest]]:
    # The parts are built once and combined last, so the enumeration costs little more
    # than the reviews themselves.
    investigations = {
        (nature, jurisdiction): attrs.evolve(
            base.investigation,
            nature=nature,
            person_residence=jurisdiction.partition("-")[0],
            offence_location=jurisdiction.partition("-")[0],
        )
        for nature in Nature
        for jurisdiction in JURISDICTIONS.values()
    }
    for kind in ProcessKind:
        emergencies = list(EMERGENCIES) if kind in EMERGENCY_KINDS else ["none"]
        for emergency, validator, issuer in itertools.product(emergencies, _validators(kind), Role):
            process = attrs.evolve(
                base.process,
                kind=kind,
                issuer=Issuer("Issuer", issuer),
                validated_by=Issuer("Validator", validator) if validator else None,
            )
            template = attrs.evolve(
                base, process=process, period=period, emergency=EMERGENCIES[emergency]
            )
            for jurisdiction, nature, category in itertools.product(
                JURISDICTIONS.values(), Nature, Category
            ):
                yield (
                    emergency,
                    attrs.evolve(
                        template,
                        jurisdiction=jurisdiction,
                        investigation=investigations[nature, jurisdiction],
                        categories=(category,),
                    ),
                )


def _seen(emergency: str, request: LegalRequest, result: Review) -> Seen:
    [decision] = result.categories
    assert request.period is not None
    return Seen(
        policy=result.policy,
        kind=request.process.kind,
        category=decision.category,
        issuer=request.process.issuer.role,
        validator=request.process.validated_by.role if request.process.validated_by else None,
        jurisdiction=request.jurisdiction,
        nature=request.investigation.nature,
        emergency=emergency,
        requested=request.period,
        outcome=result.outcome,
        decision=decision.decision,
        fields=decision.fields,
        period=result.period,
        effects=frozenset(f.effect for f in result.findings),
        released=result.releases_data and decision.released,
    )


def _enumerate() -> list[Seen]:
    base = _base()
    seen = []
    for policy, period in ((DEFAULT_POLICY, PAST), (PERMISSIVE, PAST_RECEIPT)):
        for emergency, request in _requests(base, period):
            seen.append(_seen(emergency, request, review(request, policy)))
    return seen


@pytest.fixture(scope="module")
def space() -> list[Seen]:
    # A third of a million reviews prove invariants, not coverage (the other tests cover
    # the same lines): the line tracer is paused meanwhile so the run stays well under a
    # minute under ``pytest --cov`` too.
    tracer = sys.gettrace()
    sys.settrace(None)
    try:
        return _enumerate()
    finally:
        sys.settrace(tracer)


def _content_path(s: Seen, policy: Policy) -> str | None:
    """Which lawful path releases this content, or None."""
    us = T.is_us_country(s.country)
    if s.kind is K.SEARCH_WARRANT and s.issuer in JUDICIAL and us:
        return "court warrant"
    if (
        s.kind is K.EU_PRODUCTION_ORDER
        and s.country in T.EU_MEMBER_STATES
        and (s.issuer in EU_JUDICIAL or s.validator in EU_JUDICIAL)
    ):
        return "judicial EU order"  # the base's five-year offence meets Art. 5(4)
    if s.kind is K.CLOUD_ACT_ORDER and T.agreement_in_force(s.country, RECEIVED) is not None:
        return "agreement order"  # not a US person, not in the US, five years
    if (
        s.kind is K.EMERGENCY_REQUEST
        and us
        and s.emergency == "qualifying"
        and Category.CONTENT in policy.emergency_categories
    ):
        return "US emergency under a policy that lists content"
    return None


# --- the invariants ------------------------------------------------------------------------


def test_the_space_is_the_whole_product(space: list[Seen]) -> None:
    per_policy = Counter(s.policy for s in space)
    kinds = sum(
        (3 if kind in EMERGENCY_KINDS else 1) * len(_validators(kind)) for kind in ProcessKind
    )
    expected = kinds * len(Role) * len(JURISDICTIONS) * len(Nature) * len(Category)
    assert per_policy == {"default": expected, "permissive": expected}


def test_content_is_released_only_by_a_court_warrant_a_judicial_eu_order_or_an_agreement_order(
    space: list[Seen],
) -> None:
    policies = {"default": DEFAULT_POLICY, "permissive": PERMISSIVE}
    paths: Counter[str | None] = Counter()
    for s in space:
        if s.category is Category.CONTENT and s.released:
            path = _content_path(s, policies[s.policy])
            assert path is not None, s
            assert s.nature is Nature.CRIMINAL or s.kind is K.EMERGENCY_REQUEST, s
            paths[path] += 1
    # The enumeration reaches every lawful path, so the check above is not vacuous.
    assert set(paths) == {
        "court warrant",
        "judicial EU order",
        "agreement order",
        "US emergency under a policy that lists content",
    }


def test_nothing_is_released_to_a_non_judicial_issuer_of_a_judicial_kind(
    space: list[Seen],
) -> None:
    judicial = [s for s in space if s.kind in T.JUDICIAL_KINDS]
    assert judicial
    for s in judicial:
        if s.issuer not in JUDICIAL:
            assert not s.released, s
            assert s.outcome is Outcome.REJECT, s


def test_nothing_is_released_for_a_civil_civil_immigration_or_regulatory_matter(
    space: list[Seen],
) -> None:
    matters = {Nature.CIVIL, Nature.CIVIL_IMMIGRATION, Nature.REGULATORY}
    for s in space:
        if s.nature in matters and s.released:
            # Only a qualifying emergency (danger to life, not a proceeding) releases then,
            # and never content from abroad or beyond the policy's emergency categories.
            assert s.kind is K.EMERGENCY_REQUEST, s
            assert s.emergency == "qualifying", s


def test_nothing_is_released_outside_the_received_period(space: list[Seen]) -> None:
    cut = 0
    for s in space:
        if s.released and s.period is not None:
            assert s.period.end <= RECEIVED, s
            assert s.period.start <= RECEIVED, s
            cut += s.requested.end > RECEIVED
        court = s.kind in T.JUDICIAL_KINDS and s.issuer in JUDICIAL
        if court and s.requested.end > RECEIVED:
            # A court's warrant is challenged, not cut: the period stays as written.
            assert s.period == s.requested, s
            assert not s.released, s
    assert cut


def test_no_emergency_from_abroad_releases_content(space: list[Seen]) -> None:
    abroad = [
        s
        for s in space
        if s.kind is K.EMERGENCY_REQUEST
        and s.category is Category.CONTENT
        and not T.is_us_country(s.country)
    ]
    assert {s.policy for s in abroad} == {"default", "permissive"}
    for s in abroad:
        assert s.decision is Decision.WITHHOLD, s
        assert not s.released, s


def test_only_comply_and_partial_release_and_only_released_categories(
    space: list[Seen],
) -> None:
    for s in space:
        if s.released:
            assert s.outcome in (Outcome.COMPLY, Outcome.PARTIAL), s
            assert not s.effects & BLOCKING, s
            assert s.decision in (Decision.DISCLOSE, Decision.LIMITED), s
        if s.outcome is Outcome.COMPLY:
            assert s.decision is Decision.DISCLOSE, s


def test_escalated_kinds_and_national_security_letters_release_no_more_than_their_cell(
    space: list[Seen],
) -> None:
    for s in space:
        if s.kind in T.NO_PRODUCTION_KINDS:
            assert not s.released, s
        if s.kind is K.NATIONAL_SECURITY_LETTER and s.released:
            assert s.category is Category.SUBSCRIBER, s
            assert s.fields == ("name", "service_start"), s
            assert s.nature is Nature.NATIONAL_SECURITY, s


def test_future_periods_release_nothing() -> None:
    base = _base()
    for kind, issuer, jurisdiction in itertools.product(ProcessKind, Role, JURISDICTIONS.values()):
        request = attrs.evolve(
            base,
            jurisdiction=jurisdiction,
            process=attrs.evolve(base.process, kind=kind, issuer=Issuer("Issuer", issuer)),
            period=FUTURE,
        )
        for policy in (DEFAULT_POLICY, PERMISSIVE):
            result = review(request, policy)
            assert not result.releases_data, (kind, issuer, jurisdiction)


def test_the_enumeration_is_deterministic(space: list[Seen]) -> None:
    base = _base()
    sample = itertools.islice(_requests(base, PAST), 0, None, 997)
    by_key = {
        (s.kind, s.category, s.issuer, s.validator, s.jurisdiction, s.nature, s.emergency): s
        for s in space
        if s.policy == "default"
    }
    for emergency, request in sample:
        again = _seen(emergency, request, review(request))
        key = (again.kind, again.category, again.issuer, again.validator, again.jurisdiction,
               again.nature, again.emergency)  # fmt: skip
        assert by_key[key] == again
