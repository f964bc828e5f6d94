"""Intake's limits: how much of a request document is read, and which days it may name.

docs/limits.md explains each limit; the JSON Schema (``dueprocess schema request``) and the
policy's ranges use the same numbers from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

__all__ = [
    "DAY_RANGE",
    "EARLIEST_DATE",
    "EARLIEST_INSTANT",
    "LATEST_DATE",
    "LATEST_INSTANT",
    "LONGEST_TIMESTAMP",
    "MAX_CATEGORIES",
    "MAX_ID_LENGTH",
    "MAX_INTEGER",
    "MAX_PROBLEMS",
    "MAX_STRING_LENGTH",
    "MAX_TARGETS",
    "MAX_TEXT_LENGTH",
]

#: Problems listed before the walk stops; one more problem at ``$`` says the rest were omitted.
MAX_PROBLEMS: Final = 1_000
#: Entries of ``targets``; a demand naming more accounts is a bulk demand, not one request.
MAX_TARGETS: Final = 1_000
#: Entries of ``categories``; only five exist, so anything longer is already wrong.
MAX_CATEGORIES: Final = 1_000
#: ``id`` and ``preservation.extends``, as the request format fixes for ``id``.
MAX_ID_LENGTH: Final = 128
#: The free-text fields ``investigation.facts`` and ``emergency.description``.
MAX_TEXT_LENGTH: Final = 100_000
#: Every other string: names, addresses, citations, target values.
MAX_STRING_LENGTH: Final = 4_096
#: ``preservation.prior_extensions``: fits a signed 32-bit SQL INTEGER column.
MAX_INTEGER: Final = 2**31 - 1
#: Dates and (as UTC instants) timestamps fall within these days, both included.
EARLIEST_DATE: Final = dt.date(1900, 1, 1)
LATEST_DATE: Final = dt.date(2999, 12, 31)
EARLIEST_INSTANT: Final = dt.datetime.combine(EARLIEST_DATE, dt.time.min, dt.timezone.utc)
LATEST_INSTANT: Final = dt.datetime.combine(LATEST_DATE, dt.time.max, dt.timezone.utc)
# A date or timestamp string longer than this cannot be valid; it is not parsed or echoed.
LONGEST_TIMESTAMP: Final = len("2017-03-02T15:04:05.000000+02:00")
DAY_RANGE: Final = f"expected a day from {EARLIEST_DATE} to {LATEST_DATE}"
