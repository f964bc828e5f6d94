"""Transparency reports (docs/concepts.md, "Transparency report").

Build a :class:`Report` from closed cases with :func:`transparency_report`, write it in
Google's or Meta's published layout, band national-security process as 50 U.S.C. 1874(a)
allows, and read published files back with :func:`read_report_csv`.
"""

from __future__ import annotations

from ._bands import Band, BandCategory, BandRow, Bands, BandsOption
from ._build import transparency_report
from ._csvio import DateStyle, LayoutKind, ReportLayout
from ._errors import ReportError
from ._period import ReportPeriod
from ._protocols import ReportCase, ReportProduction, ReportReview
from ._read import read_report_csv
from ._report import Report
from ._rows import ReportRow

__all__ = [
    "Band",
    "BandCategory",
    "BandRow",
    "Bands",
    "BandsOption",
    "DateStyle",
    "LayoutKind",
    "Report",
    "ReportCase",
    "ReportError",
    "ReportLayout",
    "ReportPeriod",
    "ReportProduction",
    "ReportReview",
    "ReportRow",
    "read_report_csv",
    "transparency_report",
]
