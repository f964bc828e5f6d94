"""A report in a notebook: HTML table, pandas DataFrame, plot."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

import pytest

from dueprocess import ProcessKind
from dueprocess.exceptions import ReportError
from dueprocess.reports import Report, ReportRow, read_report_csv, transparency_report

from ..report_fakes import make_case

K = ProcessKind
GOOGLE = (
    "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
    "Percentage of requests where some data produced,Users/Accounts Specified\n"
)


def two_periods() -> Report:
    cases = [
        make_case(K.SEARCH_WARRANT, received="2026-02-01T00:00:00Z", records=[1]),
        make_case(K.SEARCH_WARRANT, received="2026-09-01T00:00:00Z"),
        make_case(
            K.SEARCH_WARRANT, jurisdiction="DE", received="2026-09-01T00:00:00Z", records=[1]
        ),
        make_case(K.PRESERVATION_REQUEST, received="2026-09-01T00:00:00Z"),
    ]
    return transparency_report(cases, period="2026")


def test_html_is_an_escaped_table() -> None:
    row = ReportRow(
        dt.date(2026, 12, 31), "<script>x</script>", "XX", "A&B", 3, Decimal("33.33"), 1
    )
    html = Report(rows=(row,))._repr_html_()
    assert html.startswith("<table><thead><tr><th>Period Ending</th>")
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "<td>A&amp;B</td>" in html
    assert "<td>33.33</td>" in html


def test_html_of_a_long_report_shows_the_first_rows_and_says_how_many_more() -> None:
    rows = tuple(
        ReportRow(dt.date(2026, 12, 31), f"C{i:03}", "XX", "All", i, None, None) for i in range(75)
    )
    html = Report(rows=rows)._repr_html_()
    assert html.count("<tr>") == 61
    assert html.endswith("<p>… and 15 more rows</p>")


def test_repr_is_short() -> None:
    assert repr(two_periods()) == "<Report 4 rows, 2 periods 2026-06-30..2026-12-31, google layout>"
    assert repr(Report(rows=())) == "<Report 0 rows, 0 periods no period, google layout>"


def test_text_table_aligns_columns() -> None:
    assert two_periods().to_text() == (
        "Period Ending  Country        Code  Legal Process          Requests  % data  Accounts\n"
        "2026-06-30     United States  US    Search Warrants               1  100.00         1\n"
        "2026-12-31     Germany        DE    Other Legal Requests          1  100.00         1\n"
        "2026-12-31     United States  US    Preservation Requests         1                 1\n"
        "2026-12-31     United States  US    Search Warrants               1    0.00         1\n"
    )


def test_to_pandas_gives_typed_columns() -> None:
    pandas = pytest.importorskip("pandas")
    frame = two_periods().to_pandas()
    assert list(frame.columns) == [
        "period_end",
        "country",
        "country_code",
        "legal_process",
        "requests",
        "percent_with_data",
        "accounts",
        "requests_with_data",
        "accounts_preserved",
        "requests_low",
        "requests_high",
        "accounts_low",
        "accounts_high",
    ]
    assert len(frame) == 4
    assert str(frame["requests"].dtype) == "Int64"
    assert frame["percent_with_data"].iloc[0] == 100.0
    assert pandas.isna(frame["percent_with_data"].iloc[2])
    assert frame["accounts_preserved"].iloc[2] == 0
    assert frame["period_end"].iloc[0] == pandas.Timestamp("2026-06-30")


def test_to_pandas_names_the_extra_when_pandas_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ReportError, match=r"dueprocess\[pandas\]"):
        two_periods().to_pandas()


def test_plot_draws_requests_and_rate_per_process() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    figure = two_periods().plot()
    assert isinstance(figure, Figure)
    top, bottom = figure.axes
    assert {line.get_label() for line in top.get_lines()} == {
        "Other Legal Requests",
        "Preservation Requests",
        "Search Warrants",
    }
    warrants = next(line for line in bottom.get_lines() if line.get_label() == "Search Warrants")
    assert list(warrants.get_ydata()) == [100.0, 0.0]
    assert not bottom.texts
    figure.savefig(__import__("io").BytesIO(), format="png")


def test_plot_of_published_rows_needs_a_country_to_show_rates() -> None:
    pytest.importorskip("matplotlib")
    report = read_report_csv(
        GOOGLE
        + "2018-06-30,Chile,CL,All,10,50,12\n2018-06-30,Peru,PE,All,3,7,1\n"
        + "2018-12-31,Chile,CL,All,4,25,4\n"
    )
    figure = report.plot()
    assert "cannot be combined" in figure.axes[1].texts[0].get_text()
    chile = report.plot(country="cl")
    (line,) = chile.axes[1].get_lines()
    assert list(line.get_ydata()) == [50.0, 25.0]
    assert not chile.axes[1].texts


def test_plot_refuses_an_unknown_country_and_undated_rows() -> None:
    pytest.importorskip("matplotlib")
    with pytest.raises(ReportError, match="no rows for country"):
        two_periods().plot(country="Narnia")
    undated = Report(rows=(ReportRow(None, "Chile", "CL", "All", 3, None, None),))
    with pytest.raises(ReportError, match="without a period"):
        undated.plot()


def test_plot_names_the_extra_when_matplotlib_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ReportError, match=r"dueprocess\[plot\]"):
        two_periods().plot()


def test_an_empty_report_plots_empty_panels() -> None:
    pytest.importorskip("matplotlib")
    figure = transparency_report([], period="2026-H2").plot()
    assert [axes.get_lines() for axes in figure.axes] == [[], []]
    assert figure.axes[0].get_legend() is None


def test_a_row_without_requests_has_no_rate_point() -> None:
    pytest.importorskip("matplotlib")
    row = ReportRow(dt.date(2026, 12, 31), "Chile", "CL", "All", 0, None, 0, requests_with_data=0)
    figure = Report(rows=(row,)).plot()
    assert len(figure.axes[0].get_lines()) == 1
    assert figure.axes[1].get_lines() == []
