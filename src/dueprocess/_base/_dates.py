"""Strict ISO 8601 dates and timestamps as the request format defines them.

A *date* is ``YYYY-MM-DD``; a *timestamp* is ``YYYY-MM-DDTHH:MM:SS`` with an optional
fraction and a mandatory ``Z`` or ``±HH:MM`` offset. ``datetime.fromisoformat`` alone
accepts far more (week dates, no offset, a space instead of ``T``), so the shape is
checked first. Nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "format_date",
    "format_timestamp",
    "parse_date",
    "parse_timestamp",
    "utc_date",
]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}:\d{2})\Z", re.ASCII
)


def parse_date(text: str) -> dt.date:
    """Parse ``YYYY-MM-DD``; raise ``ValueError`` with a readable reason otherwise.

    >>> parse_date("2024-02-29")
    datetime.date(2024, 2, 29)
    """
    if not _DATE.match(text):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def parse_timestamp(text: str) -> dt.datetime:
    """Parse a timestamp with a ``Z`` or explicit offset into an aware datetime.

    >>> parse_timestamp("2017-03-02T15:04:05+02:00").isoformat()
    '2017-03-02T15:04:05+02:00'
    """
    match = _TIMESTAMP.match(text)
    if not match:
        if _TIMESTAMP.match(text + "Z"):
            raise ValueError(f"timestamp {text!r} has no offset: add Z or +HH:MM")
        raise ValueError(
            f"expected a timestamp as YYYY-MM-DDTHH:MM:SSZ or with an offset, got {text!r}"
        )
    day, time, offset = match.groups()
    if offset == "Z":
        offset = "+00:00"
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"timestamp {text!r} has an impossible offset")
    try:
        return dt.datetime.fromisoformat(f"{day}T{time}{offset}")
    except ValueError:
        raise ValueError(f"{text!r} is not a real date and time") from None


def utc_date(moment: dt.datetime) -> dt.date:
    """The UTC calendar date of an aware datetime.

    >>> utc_date(parse_timestamp("2017-03-02T01:00:00+02:00"))
    datetime.date(2017, 3, 1)
    """
    return moment.astimezone(dt.timezone.utc).date()


def format_date(day: dt.date) -> str:
    """``YYYY-MM-DD``."""
    return day.isoformat()


def format_timestamp(moment: dt.datetime) -> str:
    """UTC with a ``Z``, microseconds only when present.

    >>> format_timestamp(parse_timestamp("2026-10-05T11:30:00+02:00"))
    '2026-10-05T09:30:00Z'
    """
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    utc = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return utc.isoformat() + "Z"
