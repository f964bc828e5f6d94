"""What a careful reader flags in a report's figures (:meth:`Report.check`).

Rules of the road for this module:

* Each check is one function over the rows, returning :class:`ReportProblem` values
  that name the rows and the numbers; ``CHECKS`` lists them in the order they run.
* A stated total (X's ``TOTAL`` row, Meta's total columns) covers the rows of its period
  and country; a total whose country is no row's country (``TOTAL``) covers every row
  of its period. Preservation rows are never part of a total of requests for data.
* Ranges are compared honestly: a total and a sum disagree only when no value can be
  both, that is when their ranges do not overlap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Final

import attrs

from ._range import Count, Range, count_high, count_low
from ._rows import ReportRow

__all__ = ["CHECKS", "ReportProblem", "check_report"]


@attrs.frozen
class ReportProblem:
    """One thing wrong with a report's figures.

    Attributes:
        code: what kind of problem: ``duplicate_row``, ``percent_out_of_range``,
            ``total_mismatch`` or ``negative_count``.
        message: the problem in words, with the rows and numbers.
        rows: the rows concerned (for a total, the total first).
    """

    code: str
    message: str
    rows: tuple[ReportRow, ...]

    def __str__(self) -> str:
        return self.message


def _name(row: ReportRow) -> str:
    period = row.period_end.isoformat() if row.period_end else "no period"
    return f"{period} {row.country} {row.legal_process}"


def _shown(count: Count) -> str:
    return f"{count.low:,}-{count.high:,}" if isinstance(count, Range) else f"{count:,}"


def duplicates(rows: Sequence[ReportRow], _totals: Sequence[ReportRow]) -> list[ReportProblem]:
    """The same period, country and legal process on more than one row."""
    groups: dict[tuple[dt.date | None, str, str], list[ReportRow]] = {}
    for row in rows:
        key = (row.period_end, row.country_code or row.country, row.legal_process)
        groups.setdefault(key, []).append(row)
    return [
        ReportProblem(
            "duplicate_row",
            f"{_name(members[0])} appears {len(members)} times (requests "
            + ", ".join(_shown(row.requests) for row in members)
            + ")",
            tuple(members),
        )
        for members in groups.values()
        if len(members) > 1
    ]


def percentages(rows: Sequence[ReportRow], totals: Sequence[ReportRow]) -> list[ReportProblem]:
    """A percentage below 0 or above 100."""
    return [
        ReportProblem(
            "percent_out_of_range",
            f"{_name(row)}: {row.percent_with_data}% is outside 0-100",
            (row,),
        )
        for row in (*rows, *totals)
        if row.percent_with_data is not None and not 0 <= row.percent_with_data <= 100
    ]


def negatives(rows: Sequence[ReportRow], totals: Sequence[ReportRow]) -> list[ReportProblem]:
    """A count below zero."""
    problems = []
    for row in (*rows, *totals):
        counts = {
            "requests": row.requests,
            "accounts": row.accounts,
            "requests with data": row.requests_with_data,
            "accounts preserved": row.accounts_preserved,
        }
        for what, value in counts.items():
            if value is not None and count_low(value) < 0:
                problems.append(
                    ReportProblem(
                        "negative_count", f"{_name(row)}: {what} is {_shown(value)}", (row,)
                    )
                )
    return problems


def _disagree(stated: Count, added: Count) -> bool:
    return count_high(stated) < count_low(added) or count_high(added) < count_low(stated)


def stated_totals(rows: Sequence[ReportRow], totals: Sequence[ReportRow]) -> list[ReportProblem]:
    """A stated total that the rows it covers do not add up to."""
    countries = {row.country for row in rows}
    problems = []
    for total in totals:
        covered = [
            row
            for row in rows
            if row.period_end == total.period_end
            and not row.is_preservation
            and (total.country not in countries or row.country == total.country)
        ]
        where = (
            f"{total.period_end.isoformat() if total.period_end else 'no period'} {total.country}"
        )
        figures = {"requests": (total.requests, [row.requests for row in covered])}
        if total.accounts is not None and all(row.accounts is not None for row in covered):
            figures["accounts"] = (total.accounts, [row.accounts or 0 for row in covered])
        for what, (stated, parts) in figures.items():
            added = sum(parts)
            if _disagree(stated, added):
                problems.append(
                    ReportProblem(
                        "total_mismatch",
                        f"{where}: the stated total is {_shown(stated)} {what}, but its"
                        f" {len(covered)} rows add up to {_shown(added)}",
                        (total, *covered),
                    )
                )
    return problems


CHECKS: Final[
    tuple[Callable[[Sequence[ReportRow], Sequence[ReportRow]], list[ReportProblem]], ...]
] = (duplicates, percentages, stated_totals, negatives)


def check_report(
    rows: Sequence[ReportRow], totals: Sequence[ReportRow]
) -> tuple[ReportProblem, ...]:
    """Every problem every check finds, check by check."""
    return tuple(problem for check in CHECKS for problem in check(rows, totals))
