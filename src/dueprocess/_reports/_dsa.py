"""EU orders to provide information, in the shape of the DSA transparency template.

Regulation (EU) 2022/2065 (the Digital Services Act), Art. 15(1)(a), asks for the
number of orders received from Member States' authorities, per Member State, and the
median time to inform the authority of their receipt and to give effect to them; the
harmonised template of Implementing Regulation (EU) 2024/2835 (table 3, "Member State
orders") gives them columns. This module builds those columns for orders to provide
information (Art. 10) from cases.

Rules of the road for this module:

* An order is a case whose request comes from an EU Member State (its jurisdiction's
  country, ``EU_MEMBER_STATES``) and is not a preservation or emergency request; it
  counts in the period in which it was received (UTC date), whatever its state.
* Informed of receipt: the case was opened (dueprocess opens a case when it receives a
  request, and that is when the authority is told); the time is ``opened_at`` minus the
  request's ``received_at``.
* Given effect: the first production; orders never given effect count in the number
  of orders but not in that median (as the template's publishers do).
* Medians are in hours with two decimals (half rounds up); the median of an even number
  of times is the mean of the middle two. An empty cell means no order had such a time.
* The columns are the template's, spelled as Meta's published table 3 spells them
  (``Reporting period`` as ``2025-07-01/2025-12-31``; ``Scope`` the Member State, in the
  EU's own codes, so Greece is ``EL``, or ``TOTAL``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Final

import attrs

from .._base._dates import utc_date
from .._base._enums import ProcessKind
from .._review._rules.tables import EU_MEMBER_STATES
from ._csvio import LayoutKind, ReportLayout, round_half_up, write_table
from ._period import PeriodSpec, ReportPeriod, as_period

if TYPE_CHECKING:
    from ..typing import EuOrderCase

__all__ = ["DSA_COLUMNS", "EuOrdersReport", "EuOrdersRow", "eu_orders_report"]

DSA_COLUMNS: Final = (
    "Reporting period",
    "Scope",
    "Number of orders to provide information",
    "Median time to inform the authority of the receipt of the order to provide information",
    "Median time to give effect to the order to provide information",
)


@attrs.frozen
class EuOrdersRow:
    """One Member State's orders (``member_state`` is ``TOTAL`` for the sum of all).

    Attributes:
        member_state: the Member State's EU code (ISO 3166-1 alpha-2, except ``EL`` for
            Greece), or ``TOTAL``.
        orders: orders to provide information received in the period.
        median_hours_to_inform: median hours from receipt to informing the authority.
        median_hours_to_effect: median hours from receipt to the first production.
    """

    member_state: str
    orders: int
    median_hours_to_inform: Fraction | None
    median_hours_to_effect: Fraction | None


@attrs.frozen
class EuOrdersReport:
    """Orders to provide information per Member State, and their total, for one period."""

    period: ReportPeriod
    rows: tuple[EuOrdersRow, ...]
    total: EuOrdersRow

    def to_csv(self) -> str:
        """The rows, then ``TOTAL``, under ``DSA_COLUMNS``; hours with two decimals."""
        span = f"{self.period.start.isoformat()}/{self.period.end.isoformat()}"
        layout = ReportLayout(kind=LayoutKind.GOOGLE, columns=DSA_COLUMNS, name="dsa-orders")

        def hours(value: Fraction | None) -> str:
            return "" if value is None else str(round_half_up(value, 2))

        return write_table(
            layout,
            [
                [
                    span,
                    row.member_state,
                    str(row.orders),
                    hours(row.median_hours_to_inform),
                    hours(row.median_hours_to_effect),
                ]
                for row in (*self.rows, self.total)
            ],
        )


def _median(values: list[Fraction]) -> Fraction | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _hours(start: dt.datetime, end: dt.datetime) -> Fraction:
    delta = end - start
    return Fraction(delta.days * 86400 + delta.seconds, 3600) + Fraction(
        delta.microseconds, 3600 * 10**6
    )


EU_CODES: Final = {"GR": "EL"}
"""Where the EU's country codes differ from ISO 3166-1 (the Interinstitutional Style Guide)."""


def _row(state: str, informed: list[Fraction], effected: list[Fraction]) -> EuOrdersRow:
    return EuOrdersRow(state, len(informed), _median(informed), _median(effected))


def eu_orders_report(cases: Iterable[EuOrderCase], *, period: PeriodSpec) -> EuOrdersReport:
    """Count EU orders to provide information per Member State, with the DSA's medians.

    Args:
        cases: the cases, e.g. everything a case store holds.
        period: as for :func:`dueprocess.reports.transparency_report`.

    >>> report = eu_orders_report([], period="2026-H1")
    >>> report.to_csv().splitlines()[-1]
    '2026-01-01/2026-06-30,TOTAL,0,,'
    """
    chosen = as_period(period)
    informed: dict[str, list[Fraction]] = {}
    effected: dict[str, list[Fraction]] = {}
    for case in cases:
        request = case.request
        state = request.country.upper()
        kind = request.process.kind
        if state not in EU_MEMBER_STATES or kind.is_preservation:
            continue
        if kind is ProcessKind.EMERGENCY_REQUEST or not chosen.contains(
            utc_date(request.received_at)
        ):
            continue
        informed.setdefault(state, []).append(_hours(request.received_at, case.opened_at))
        done = [production.produced_at for production in case.productions]
        effect = effected.setdefault(state, [])
        if done:
            effect.append(_hours(request.received_at, min(done)))
    rows = tuple(
        _row(EU_CODES.get(state, state), informed[state], effected[state])
        for state in sorted(informed, key=lambda code: EU_CODES.get(code, code))
    )
    total = _row(
        "TOTAL",
        [hours for state in informed for hours in informed[state]],
        [hours for state in effected for hours in effected[state]],
    )
    return EuOrdersReport(period=chosen, rows=rows, total=total)
