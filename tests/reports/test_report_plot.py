"""Charts people can read: their properties (labels, legend, limits, ticks), not pixels."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from dueprocess._reports._plot import MARKERS, PALETTE, half_year_ends
from dueprocess.reports import (
    Report,
    ReportRow,
    compare_reports,
    plot_comparison,
    read_report_csv,
)

from .. import support

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.dates import date2num  # noqa: E402

DATA = support.DATA / "reports"


def google() -> Report:
    return read_report_csv(DATA / "google-user-data-requests-2025.csv")


def legend_is_outside(figure: object) -> None:
    figure.draw_without_rendering()  # type: ignore[attr-defined]
    (legend,) = figure.legends  # type: ignore[attr-defined]
    box = legend.get_window_extent()
    for axes in figure.axes:  # type: ignore[attr-defined]
        assert box.x0 >= axes.get_window_extent().x1


def test_the_legend_sits_outside_every_axes() -> None:
    legend_is_outside(google().plot(country="US"))


def test_every_half_year_has_a_tick_and_labels_name_the_half() -> None:
    figure = google().plot(country="US")
    bottom = figure.axes[1]
    ends = half_year_ends(dt.date(2009, 12, 31), dt.date(2025, 6, 30))
    # Matplotlib drops a minor tick where a major one stands: together they are every end.
    ticks = {*bottom.get_xticks(), *bottom.get_xticks(minor=True)}
    assert ticks == {date2num(day) for day in ends}
    assert len(ends) == 32
    figure.draw_without_rendering()
    labels = [label.get_text() for label in bottom.get_xticklabels()]
    assert labels[0] == "2009 H2"
    assert all(label.endswith(("H1", "H2")) for label in labels)


def test_the_switch_from_all_rows_to_per_process_rows_is_marked() -> None:
    figure = google().plot(country="US")
    middle = date2num(dt.date(2012, 6, 30) + (dt.date(2012, 12, 31) - dt.date(2012, 6, 30)) / 2)
    for axes in figure.axes:
        marks = [line for line in axes.get_lines() if line.get_gid() == "category-change"]
        assert [line.get_xdata()[0] for line in marks] == [middle]
    texts = [text.get_text() for text in figure.axes[1].texts]
    assert any("categories change" in text for text in texts)


def test_series_far_apart_get_a_log_axis_and_close_ones_do_not() -> None:
    figure = google().plot(country="US")
    assert figure.axes[0].get_yscale() == "symlog"
    assert "log scale" in figure.axes[0].get_ylabel()
    ireland = google().plot(country="IE")
    assert ireland.axes[0].get_yscale() == "symlog"
    chile = Report(
        rows=tuple(
            ReportRow(end, "Chile", "CL", process, count, None, None)
            for end in (dt.date(2020, 6, 30), dt.date(2020, 12, 31))
            for process, count in (("A", 40), ("B", 90))
        )
    ).plot(country="CL")
    assert chile.axes[0].get_yscale() == "linear"
    assert chile.axes[0].get_ylim()[0] == 0


def test_percentages_keep_room_above_100_and_the_caption_names_source_and_units() -> None:
    figure = google().plot(country="US")
    bottom = figure.axes[1]
    assert bottom.get_ylim() == (0, 105)
    assert list(bottom.get_yticks()) == [0, 20, 40, 60, 80, 100]
    assert all(not line.get_clip_on() for line in bottom.get_lines() if line.get_gid() is None)
    caption = figure.get_supxlabel()
    assert "Source: Google Transparency Report" in caption
    assert "Units: requests received per half-year" in caption
    assert "Source: my notes" in google().plot(country="US", source="my notes").get_supxlabel()


def test_series_have_colour_blind_safe_colours_and_distinct_markers() -> None:
    figure = google().plot(country="US")
    lines = [line for line in figure.axes[0].get_lines() if line.get_gid() is None]
    looks = {(line.get_color(), line.get_marker(), line.get_linestyle()) for line in lines}
    assert len(looks) == len(lines) > 8
    assert {line.get_color() for line in lines} <= set(PALETTE)
    assert {line.get_marker() for line in lines} <= set(MARKERS)


def test_a_missing_half_year_breaks_the_line_instead_of_inventing_a_point() -> None:
    rows = tuple(
        ReportRow(end, "Chile", "CL", "All", 5, None, None)
        for end in (dt.date(2020, 6, 30), dt.date(2021, 6, 30))
    )
    (line,) = Report(rows=rows).plot(country="CL").axes[0].get_lines()
    values = list(line.get_ydata())
    assert values[0] == values[2] == 5
    assert math.isnan(values[1])


def test_a_range_is_drawn_as_a_band_never_as_a_point() -> None:
    report = read_report_csv(
        DATA / "google-us-national-security-nsl.csv", legal_process="National Security Letters"
    )
    figure = report.plot(country="US")
    top = figure.axes[0]
    assert top.get_lines() == []
    bars = [patch for patch in top.patches if patch.get_gid() == "range"]
    assert len(bars) == len(report.rows)
    newest = max(bars, key=lambda bar: bar.get_x())
    assert (newest.get_y(), newest.get_y() + newest.get_height()) == (500, 999)
    legend_is_outside(figure)


# --- several providers --------------------------------------------------------------


def providers() -> dict[str, Report]:
    return {
        "Google": google(),
        "Meta": read_report_csv(DATA / "meta-government-requests-2013-H1.csv", period="2013-H1"),
        "X": read_report_csv(DATA / "x-information-requests-2021-H2.csv"),
    }


def test_compare_reports_gives_one_frame_with_ranges_as_ends() -> None:
    pandas = pytest.importorskip("pandas")
    frame = compare_reports(providers(), country="US")
    assert list(frame.columns) == [
        "provider",
        "period_end",
        "requests",
        "requests_low",
        "requests_high",
        "percent_with_data",
        "legal_processes",
    ]
    meta = frame[frame["provider"] == "Meta"].iloc[0]
    assert pandas.isna(meta["requests"])
    assert (meta["requests_low"], meta["requests_high"]) == (11000, 12000)
    assert meta["percent_with_data"] == 79.0
    google_2012 = frame[
        (frame["provider"] == "Google") & (frame["period_end"] == pandas.Timestamp("2012-12-31"))
    ].iloc[0]
    assert google_2012["requests"] == 758 + 1896 + 5784
    assert pandas.isna(google_2012["percent_with_data"])  # published percentages never mixed
    assert "Preservation" not in " ".join(frame["legal_processes"])
    x = frame[frame["provider"] == "X"].iloc[0]
    assert (x["requests"], x["percent_with_data"]) == (3000, 69.0)


def test_compare_uses_an_all_row_alone_where_a_period_also_has_process_rows() -> None:
    from dueprocess._reports._compare import comparison_points

    end = dt.date(2013, 6, 30)
    both = Report(
        rows=(
            ReportRow(end, "Chile", "CL", "All", 10, None, None),
            ReportRow(end, "Chile", "CL", "Subpoenas", 6, None, None),
        )
    )
    (point,) = comparison_points({"Google": both}, country="Chile")
    assert (point.requests, point.legal_processes) == (10, ("All",))


def test_compare_refuses_a_country_no_report_has() -> None:
    from dueprocess.exceptions import ReportError

    with pytest.raises(ReportError, match="Narnia"):
        plot_comparison(providers(), country="Narnia")


def test_the_comparison_chart_has_one_series_per_provider_and_its_caption() -> None:
    figure = plot_comparison(providers(), country="US", source="the providers' downloads")
    (axes,) = figure.axes
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["Google", "Meta (published as a range)", "X"]
    (meta_bar,) = [patch for patch in axes.patches if patch.get_gid() == "range"]
    assert (meta_bar.get_y(), meta_bar.get_height()) == (11000, 1000)
    assert "Source: the providers' downloads." in figure.get_supxlabel()
    legend_is_outside(figure)


def test_a_report_from_cases_names_its_cases_as_the_source() -> None:
    from dueprocess.reports import transparency_report

    from ..report_fakes import make_case

    report = transparency_report([make_case(records=[1])], period="2026-H2")
    assert "Source: closed cases" in report.plot().get_supxlabel()
