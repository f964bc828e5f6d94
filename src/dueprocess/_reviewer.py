"""The review engine (placeholder until implemented)."""

from __future__ import annotations

from ._policy import DEFAULT_POLICY, Policy
from ._request import LegalRequest
from ._review import Review

__all__ = ["review"]


def review(request: LegalRequest, policy: Policy = DEFAULT_POLICY) -> Review:
    raise NotImplementedError
