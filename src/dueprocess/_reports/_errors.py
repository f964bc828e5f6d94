"""The one error the reports package raises for a caller's mistake."""

from __future__ import annotations

from ..exceptions import DueProcessError

__all__ = ["ReportError"]


class ReportError(DueProcessError, ValueError):
    """A report cannot be built or rendered as asked (a bad period, a layout it cannot fill).

    A malformed CSV file is :class:`~dueprocess.exceptions.InvalidRequest` instead, with
    every problem and its line.
    """
