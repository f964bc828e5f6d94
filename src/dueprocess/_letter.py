"""The response letter (placeholder until implemented)."""

from __future__ import annotations

from ._review import Review

__all__ = ["render_letter"]


def render_letter(review: Review) -> str:
    raise NotImplementedError
