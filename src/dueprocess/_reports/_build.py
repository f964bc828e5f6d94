"""Building a :class:`Report` from closed cases."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from .._base._dates import utc_date
from .._base._enums import Outcome
from ..exceptions import ReportError
from ._bands import NationalSecurityTally
from ._cldr import territory_name
from ._csvio import round_half_up
from ._google import NATIONAL_SECURITY_KINDS, label_for
from ._period import PeriodSpec, ReportPeriod, as_period
from ._report import Report
from ._rows import PRESERVATION, ReportRow

if TYPE_CHECKING:
    from ..typing import ReportCase

__all__ = ["transparency_report"]

CLOSED = "closed"


@attrs.define
class _Tally:
    """The running figures of one (period, country, legal process) row."""

    requests: int = 0
    with_data: int = 0
    targets: set[tuple[str, str]] = attrs.Factory(set)
    preserved: set[tuple[str, str]] = attrs.Factory(set)

    def add(self, case: ReportCase) -> None:
        targets = {(target.kind.value, target.value) for target in case.request.targets}
        self.requests += 1
        self.targets |= targets
        if any(production.records > 0 for production in case.productions):
            self.with_data += 1
        if case.review is not None and case.review.outcome is Outcome.PRESERVE:
            self.preserved |= targets


def transparency_report(cases: Iterable[ReportCase], *, period: PeriodSpec) -> Report:
    """Count closed cases per period, country and kind of legal process.

    A case counts when its state is ``closed`` and the UTC date on which its request was
    *received* lies in the period (reports count requests received). The country is the
    part of the request's ``jurisdiction`` before ``-``; its name is CLDR's English name.
    A period longer than a half-year is split into half-years.

    For each row: ``requests``; ``accounts``, the distinct targets (kind and value) the
    requests named; ``requests_with_data``, requests with at least one production holding
    a record, and ``percent_with_data``, their share in percent with two decimals (rounded
    half up, from the counts); for ``Preservation Requests`` rows no percentage but
    ``accounts_preserved``, the distinct targets of requests whose review outcome was
    ``preserve``. Emergency requests and disclosures are the ``Emergency Disclosure
    Requests`` row's ``requests`` and ``requests_with_data``. Which kinds count under
    which label, and which never appear (national-security process, available only as
    :meth:`Report.to_bands`; civil subpoenas, not government requests), is the table in
    :mod:`dueprocess._reports._google`.

    Args:
        cases: anything satisfying :class:`~dueprocess.typing.ReportCase`.
        period: ``"2026-H1"``/``"2026-H2"`` (also ``"2026"`` or ``"START..END"``), a
            ``(start, end)`` pair of dates, or a :class:`ReportPeriod`.

    Raises:
        ReportError: a bad period, or a counted case whose country code has no CLDR name.

    >>> report = transparency_report([], period="2026-H2")
    >>> report.rows, report.periods
    ((), (ReportPeriod('2026-H2'),))
    """
    halves = as_period(period).halves()
    tallies: dict[tuple[ReportPeriod, str, str], _Tally] = {}
    security = {half: NationalSecurityTally(half) for half in halves}
    unknown: set[str] = set()
    for case in cases:
        if case.state.value != CLOSED:
            continue
        request = case.request
        day = utc_date(request.received_at)
        half = next((half for half in halves if half.contains(day)), None)
        if half is None:
            continue
        kind = request.process.kind
        if kind in NATIONAL_SECURITY_KINDS:
            security[half] = security[half].add(request)
            continue
        code = request.country.upper()
        label = label_for(code, kind)
        if label is None:
            continue
        if territory_name(code) is None:
            unknown.add(code)
            continue
        tallies.setdefault((half, code, label), _Tally()).add(case)
    if unknown:
        raise ReportError(
            "no CLDR territory name for jurisdiction country code(s) "
            + ", ".join(sorted(repr(code) for code in unknown))
        )
    rows = sorted(
        (_row(half, code, label, tally) for (half, code, label), tally in tallies.items()),
        key=lambda row: (row.period_end, row.country, row.legal_process),
    )
    return Report(
        rows=tuple(rows),
        periods=halves,
        national_security=tuple(security[half] for half in halves),
    )


def _row(half: ReportPeriod, code: str, label: str, tally: _Tally) -> ReportRow:
    # A preservation row counts what was preserved; no data is produced for it.
    preservation = label == PRESERVATION
    return ReportRow(
        period_end=half.end,
        country=territory_name(code) or code,
        country_code=code,
        legal_process=label,
        requests=tally.requests,
        percent_with_data=(
            None
            if preservation
            else round_half_up(Fraction(100 * tally.with_data, tally.requests), 2)
        ),
        accounts=len(tally.targets),
        requests_with_data=None if preservation else tally.with_data,
        accounts_preserved=len(tally.preserved) if preservation else None,
    )
