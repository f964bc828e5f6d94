"""Transparency reports (docs/concepts.md, "Transparency report").

Build a :class:`Report` from closed cases with :func:`transparency_report`, write it in
Google's or Meta's published layout, band national-security process as 50 U.S.C. 1874(a)
allows, read published files of every known layout (:data:`REPORT_LAYOUTS`) back with
:func:`read_report_csv`, check their figures (:meth:`Report.check`), compare providers
(:func:`compare_reports`), and count EU orders for the DSA (:func:`eu_orders_report`).
What a report reads from a case is :class:`dueprocess.typing.ReportCase`.
"""

from __future__ import annotations

from ._reports._bands import Band, BandCategory, BandRow, Bands, BandsOption
from ._reports._build import transparency_report
from ._reports._check import ReportProblem
from ._reports._compare import ComparisonPoint, compare_reports, plot_comparison
from ._reports._csvio import DateStyle, LayoutKind, ReportLayout
from ._reports._dsa import EuOrdersReport, EuOrdersRow, eu_orders_report
from ._reports._layouts import REPORT_LAYOUTS, KnownLayout
from ._reports._period import ReportPeriod
from ._reports._range import Range
from ._reports._read import read_report_csv
from ._reports._report import Report
from ._reports._rows import ReportRow

__all__ = [
    "REPORT_LAYOUTS",
    "Band",
    "BandCategory",
    "BandRow",
    "Bands",
    "BandsOption",
    "ComparisonPoint",
    "DateStyle",
    "EuOrdersReport",
    "EuOrdersRow",
    "KnownLayout",
    "LayoutKind",
    "Range",
    "Report",
    "ReportLayout",
    "ReportPeriod",
    "ReportProblem",
    "ReportRow",
    "compare_reports",
    "eu_orders_report",
    "plot_comparison",
    "read_report_csv",
    "transparency_report",
]
