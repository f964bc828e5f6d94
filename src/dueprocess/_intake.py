"""Intake: a request document becomes a LegalRequest (placeholder until implemented)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._request import LegalRequest

__all__ = ["load_request"]


def load_request(document: Mapping[str, Any]) -> LegalRequest:
    raise NotImplementedError
