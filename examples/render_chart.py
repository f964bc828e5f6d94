"""Render the README's chart: Google's published US figures, drawn by ``Report.plot()``.

Reads Google's user-data-requests report for 2009-2018 from the copy of the file as
published in ``examples/data/``, and saves the chart as ``docs/_static/report-chart.png``.

    python examples/render_chart.py [--out PATH]

Needs the ``plot`` extra (matplotlib).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import dueprocess

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "examples" / "data" / "google-user-data-requests-2009-2018.csv"
SAMPLE = ROOT / "examples" / "data" / "google-user-data-requests-us-sample.csv"
CHART = ROOT / "docs" / "_static" / "report-chart.png"


def published_report() -> dueprocess.reports.Report:
    """Google's published report: the whole file if at hand, else the US sample."""
    source = PUBLISHED if PUBLISHED.exists() else SAMPLE
    return dueprocess.reports.read_report_csv(source.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CHART, help=f"the PNG to write ({CHART})")
    args = parser.parse_args()
    report = published_report()
    figure = report.plot(country="US")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # No software or date stamp in the file, so the same figures give the same bytes.
    figure.savefig(args.out, dpi=100, metadata={"Software": None})
    us_rows = sum(1 for row in report.rows if row.country_code == "US")
    print(f"{args.out}: {us_rows} US rows, {len(report.period_ends)} periods")


if __name__ == "__main__":
    main()
