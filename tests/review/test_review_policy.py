"""A review names its policy honestly: its name, its SHA-256, and ``default`` reserved."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import attrs
import pytest

from dueprocess import (
    DEFAULT_POLICY,
    Policy,
    Review,
    load_policy,
    load_request,
    policy_to_dict,
    render_letter,
    review,
)
from dueprocess.exceptions import InvalidPolicy

from ..support import make_request

STRICT = attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=30)


def test_the_hash_is_the_sha256_of_the_canonical_policy_document() -> None:
    # Canonical: keys sorted, no spaces, UTF-8 (spec/policy.md), computed here by hand.
    document = policy_to_dict(DEFAULT_POLICY)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert DEFAULT_POLICY.sha256 == expected
    assert len(expected) == 64


def test_equal_policies_share_a_hash_and_different_ones_do_not() -> None:
    assert Policy().sha256 == DEFAULT_POLICY.sha256
    assert load_policy(policy_to_dict(STRICT)).sha256 == STRICT.sha256
    assert STRICT.sha256 != DEFAULT_POLICY.sha256
    # The name is part of what a review names: renaming changes the hash.
    assert attrs.evolve(STRICT, name="strict-2").sha256 != STRICT.sha256


def test_the_review_document_carries_the_policy_hash_beside_its_name() -> None:
    document = review(load_request(make_request()), STRICT).to_dict()
    assert list(document)[2:4] == ["policy", "policy_sha256"]
    assert (document["policy"], document["policy_sha256"]) == ("strict", STRICT.sha256)


def test_a_stored_review_reads_back_with_its_hash_and_without_one() -> None:
    request = load_request(make_request())
    document = review(request, STRICT).to_dict()
    again = Review.from_dict(document, request)
    assert again.policy_sha256 == STRICT.sha256
    assert again.to_dict() == document
    older: dict[str, Any] = {k: v for k, v in document.items() if k != "policy_sha256"}
    stored = Review.from_dict(older, request)
    assert stored.policy_sha256 is None
    assert stored.to_dict() == older  # byte for byte as it was stored


def test_the_letter_shows_the_policy_name_and_hash() -> None:
    letter = render_letter(review(load_request(make_request()), STRICT))
    assert f"Reviewed under the strict policy (SHA-256 `{STRICT.sha256}`)." in letter


@pytest.mark.parametrize("name", ["default", "Default", " default "])
def test_the_default_name_is_reserved_for_the_default_policy(name: str) -> None:
    with pytest.raises(InvalidPolicy, match="reserved for DEFAULT_POLICY"):
        load_policy({"name": name, "free_mail_domains": []})
    with pytest.raises(InvalidPolicy, match="give it its own name"):
        Policy(name=name, max_targets=3)
    with pytest.raises(InvalidPolicy, match="reserved"):
        attrs.evolve(DEFAULT_POLICY, max_period_days=90)


def test_a_policy_left_unchanged_may_keep_the_default_name() -> None:
    assert load_policy({"name": "default"}) == DEFAULT_POLICY
    assert load_policy(policy_to_dict(DEFAULT_POLICY)) == DEFAULT_POLICY
    assert load_policy({"max_targets": 25}) == DEFAULT_POLICY


def test_a_changed_policy_without_a_name_of_its_own_is_refused() -> None:
    with pytest.raises(InvalidPolicy, match="reserved"):
        load_policy({"max_targets": 3})
    assert load_policy({"name": "small", "max_targets": 3}).max_targets == 3


def test_a_review_in_a_notebook_shows_its_policy_and_hash() -> None:
    page = review(load_request(make_request()), STRICT)._repr_html_()
    assert "under the strict <small>" in page
    assert STRICT.sha256 in page
