"""Compare providers: the United States in Google's and Meta's files, one table, one chart.

Reads Google's user-data-requests report for 2009-2018 (a copy of the file as
published, in ``examples/data/``), Facebook's 2013-H1 download and Google's national
security letters (counts published only as ranges) from ``tests/data/reports/`` (see the
README there for their sources), puts them in one DataFrame with
:func:`dueprocess.reports.compare_reports` and draws them with
:func:`dueprocess.reports.plot_comparison` into
``docs/_static/provider-comparison.png``.

    python examples/compare_providers.py [--out PATH]

Needs the ``pandas`` and ``plot`` extras.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import dueprocess

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "examples" / "data" / "google-user-data-requests-2009-2018.csv"
SAMPLE = ROOT / "examples" / "data" / "google-user-data-requests-us-sample.csv"
REPORTS = ROOT / "tests" / "data" / "reports"
CHART = ROOT / "docs" / "_static" / "provider-comparison.png"
SOURCES = (
    "Google Transparency Report (user data requests 2009-2018; national security letters),"
    " Facebook Government Requests Report 2013-H1"
)


def providers() -> dict[str, dueprocess.reports.Report]:
    """Each provider's published report, by the name to show."""
    google = PUBLISHED if PUBLISHED.exists() else SAMPLE
    return {
        "Google": dueprocess.reports.read_report_csv(google),
        "Facebook": dueprocess.reports.read_report_csv(
            REPORTS / "meta-government-requests-2013-H1.csv", period="2013-H1"
        ),
        "Google, national security letters": dueprocess.reports.read_report_csv(
            REPORTS / "google-us-national-security-nsl.csv",
            legal_process="National Security Letters",
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CHART, help=f"the PNG to write ({CHART})")
    args = parser.parse_args()
    reports = providers()
    frame = dueprocess.reports.compare_reports(reports, country="US")
    years = frame[frame["period_end"].dt.year.between(2012, 2013)]
    print(years[["provider", "period_end", "requests", "requests_low", "requests_high"]])
    figure = dueprocess.reports.plot_comparison(reports, country="US", source=SOURCES)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # No software or date stamp in the file, so the same figures give the same bytes.
    figure.savefig(args.out, dpi=100, metadata={"Software": None})
    print(f"{args.out}: {len(frame)} provider-periods")


if __name__ == "__main__":
    main()
