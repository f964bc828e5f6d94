"""Properties of the review over random valid requests."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings

from dueprocess import Decision, Effect, Outcome, load_request, review
from dueprocess._review._rules import tables as T

from .strategies import request_documents


@settings(max_examples=300)
@given(request_documents())
def test_the_same_request_always_gets_the_same_review(document: dict[str, Any]) -> None:
    first = review(load_request(copy.deepcopy(document)))
    second = review(load_request(document))
    assert first == second
    assert first.to_dict() == second.to_dict()
    assert first.canonical_bytes() == second.canonical_bytes()


@settings(max_examples=300)
@given(request_documents())
def test_only_comply_and_partial_release_anything(document: dict[str, Any]) -> None:
    result = review(load_request(document))
    released = result.scope.categories
    if result.outcome in (Outcome.COMPLY, Outcome.PARTIAL):
        assert released
        assert all(result.decision(item.category).released for item in released)
    else:
        assert released == ()
        assert result.notice.notify_user is False


@settings(max_examples=300)
@given(request_documents())
def test_the_outcome_follows_the_first_applicable_line(document: dict[str, Any]) -> None:
    result = review(load_request(document))
    effects = {finding.effect for finding in result.findings}
    ranked = [
        (Effect.REJECT, Outcome.REJECT),
        (Effect.VERIFY, Outcome.VERIFY),
        (Effect.ESCALATE, Outcome.ESCALATE),
        (Effect.PUSH_BACK, Outcome.PUSH_BACK),
    ]
    for effect, outcome in ranked:
        if effect in effects:
            assert result.outcome is outcome
            return
    if result.request.process.kind.is_preservation:
        assert result.outcome is Outcome.PRESERVE
        assert result.preserve_until is not None
    elif result.outcome is Outcome.COMPLY:
        assert all(item.decision is Decision.DISCLOSE for item in result.categories)
        assert Effect.NARROW not in effects
    else:
        assert result.outcome in (Outcome.PARTIAL, Outcome.PUSH_BACK)


@settings(max_examples=300)
@given(request_documents())
def test_every_withheld_category_is_explained(document: dict[str, Any]) -> None:
    result = review(load_request(document))
    kind = result.request.process.kind
    if kind.value in ("pen_register_order", "wiretap_order", "fisa_order", "civil_subpoena"):
        return
    for item in result.categories:
        if item.decision is Decision.WITHHOLD:
            reasons = [f for f in result.findings if f.category is item.category]
            assert reasons, item
            assert reasons[0].required == item.required


@settings(max_examples=200)
@given(request_documents())
def test_the_effective_period_never_exceeds_the_policy(document: dict[str, Any]) -> None:
    result = review(load_request(document))
    request = result.request
    kind = request.process.kind
    judicial = T.JUDICIAL_KINDS.get(kind)
    if judicial is not None and request.process.issuer.role in judicial.roles:
        # Rule 15: a court's period stays as written; counsel decides.
        assert result.period == request.period
    elif result.period is not None and not kind.is_preservation:
        assert result.period.days <= 365
        assert request.period is not None
        end = request.period.end
        if kind not in T.PERIOD_EXEMPT_KINDS:
            end = min(end, request.received_date)  # the received-date cut
        assert result.period.end == end
