"""EU orders to provide information, in the shape of the DSA transparency template."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import attrs

from dueprocess import LegalRequest, ProcessKind, load_request
from dueprocess.cases import Cases
from dueprocess.reports import eu_orders_report
from dueprocess.testing import ManualClock, MemoryCaseStore

from .. import support
from ..report_fakes import FakeProduction, make_request

K = ProcessKind
UTC = dt.timezone.utc
EXAMPLES = support.EXAMPLES / "requests"


@attrs.frozen
class Order:
    request: LegalRequest
    opened_at: dt.datetime
    productions: tuple[FakeProduction, ...] = ()


def order(
    country: str,
    received: str,
    inform_hours: float,
    effect_hours: float | None = None,
    kind: ProcessKind = K.EU_PRODUCTION_ORDER,
) -> Order:
    request = make_request(kind, jurisdiction=country, received=received)
    start = request.received_at
    done = (
        ()
        if effect_hours is None
        else (FakeProduction(records=1, produced_at=start + dt.timedelta(hours=effect_hours)),)
    )
    return Order(request, start + dt.timedelta(hours=inform_hours), done)


def test_orders_are_counted_per_member_state_with_median_hours() -> None:
    cases = [
        order("DE", "2026-02-01T00:00:00Z", 1, 24),
        order("DE", "2026-03-01T00:00:00Z", 3, 48),
        order("DE", "2026-04-01T00:00:00Z", 2),  # never given effect
        order("FR", "2026-05-01T00:00:00Z", 0.5, 10, K.FOREIGN_DIRECT_REQUEST),
        order("FR", "2026-05-02T00:00:00Z", 1, None, K.EU_PRESERVATION_ORDER),  # preservation
        order("FR", "2026-05-03T00:00:00Z", 1, 1, K.EMERGENCY_REQUEST),  # emergency
        order("US", "2026-05-01T00:00:00Z", 1, 1, K.SEARCH_WARRANT),  # not a member state
        order("DE", "2026-08-01T00:00:00Z", 1, 1),  # another period
        order("GR", "2026-06-01T00:00:00Z", 4, 5),  # Greece is EL in the EU's codes
    ]
    report = eu_orders_report(cases, period="2026-H1")
    de, greece, fr = report.rows
    assert (greece.member_state, greece.orders) == ("EL", 1)
    assert (de.member_state, de.orders) == ("DE", 3)
    assert de.median_hours_to_inform == 2
    assert de.median_hours_to_effect == 36  # the mean of the middle two of 24 and 48
    assert (fr.orders, fr.median_hours_to_inform, fr.median_hours_to_effect) == (
        1,
        Fraction(1, 2),
        10,
    )
    assert report.total.orders == 5
    assert report.total.median_hours_to_inform == 2
    assert report.to_csv().splitlines() == [
        "Reporting period,Scope,Number of orders to provide information,"
        "Median time to inform the authority of the receipt of the order to provide information,"
        "Median time to give effect to the order to provide information",
        "2026-01-01/2026-06-30,DE,3,2.00,36.00",
        "2026-01-01/2026-06-30,EL,1,4.00,5.00",
        "2026-01-01/2026-06-30,FR,1,0.50,10.00",
        "2026-01-01/2026-06-30,TOTAL,5,2.00,17.00",
    ]


def test_the_report_is_built_from_a_case_store() -> None:
    document = json.loads((EXAMPLES / "epoc-de-2026-0107.json").read_text(encoding="utf-8"))
    request = load_request(document)
    # The case is opened three and a half hours after the order was received.
    clock = ManualClock(request.received_at + dt.timedelta(hours=3, minutes=30))
    store = MemoryCaseStore()
    cases = Cases(store, clock)
    cases.open(request, actor="test")
    report = eu_orders_report(
        store.cases(), period=(request.received_at.date(), dt.date(2026, 12, 31))
    )
    (row,) = report.rows
    assert (row.member_state, row.orders) == ("DE", 1)
    opened = clock.now() - request.received_at
    assert row.median_hours_to_inform == Fraction(int(opened.total_seconds()), 3600)
    assert row.median_hours_to_effect is None
    assert (
        report.to_csv()
        .splitlines()[1]
        .endswith(",DE,1," + f"{float(row.median_hours_to_inform):.2f},")
    )
