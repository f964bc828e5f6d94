"""Transparency reports (docs/concepts.md, "Transparency report").

Build a :class:`Report` from closed cases with :func:`transparency_report`, write it in
Google's or Meta's published layout, band national-security process as 50 U.S.C. 1874(a)
allows, read published files of every known layout (:data:`REPORT_LAYOUTS`) back with
:func:`read_report_csv`, check their figures (:meth:`Report.check`), compare providers
(:func:`compare_reports`), and count EU orders for the DSA (:func:`eu_orders_report`).
"""

from __future__ import annotations

from ._bands import Band, BandCategory, BandRow, Bands, BandsOption
from ._build import transparency_report
from ._check import ReportProblem
from ._compare import ComparisonPoint, compare_reports, plot_comparison
from ._csvio import DateStyle, LayoutKind, ReportLayout
from ._dsa import EuOrdersReport, EuOrdersRow, eu_orders_report
from ._errors import ReportError
from ._layouts import REPORT_LAYOUTS, KnownLayout
from ._period import ReportPeriod
from ._protocols import ReportCase, ReportProduction, ReportReview
from ._range import Range
from ._read import read_report_csv
from ._report import Report
from ._rows import ReportRow

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
    "ReportCase",
    "ReportError",
    "ReportLayout",
    "ReportPeriod",
    "ReportProblem",
    "ReportProduction",
    "ReportReview",
    "ReportRow",
    "compare_reports",
    "eu_orders_report",
    "plot_comparison",
    "read_report_csv",
    "transparency_report",
]
