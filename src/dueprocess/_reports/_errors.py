"""The one error the reports package raises for a caller's mistake (see ``exceptions``)."""

from __future__ import annotations

from ..exceptions import ReportError

__all__ = ["ReportError"]
