"""Read a published transparency report, check it, and set your own figures beside it.

1. Reads Google's user-data-requests report for 2009-2018 from the copy of the file
   as published in ``examples/data/`` (or the tiny sample below if it was removed).
2. Writes it out again from its rows and checks the bytes are the same.
3. Prints the United States rows of the last period.
4. Builds a report of your own from the example requests in ``examples/requests/``
   (reviewed, then closed with a pretend production when the review releases data) and
   prints it in Google's layout, Meta's layout and the national-security bands.

    python examples/report_from_published_csv.py
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from pathlib import Path

import attrs

import dueprocess

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "examples" / "data" / "google-user-data-requests-2009-2018.csv"
REQUESTS = ROOT / "examples" / "requests"

# Ten rows of Google's published file (period ending 2018-06-30), for when it is absent.
SAMPLE = (
    "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
    "Percentage of requests where some data produced,Users/Accounts Specified\n"
    "2018-06-30,Germany,DE,Emergency Disclosure Requests,69,51,164\n"
    "2018-06-30,Germany,DE,Other Legal Requests,7347,60,10065\n"
    "2018-06-30,Germany,DE,Preservation Requests,34,,86\n"
    "2018-06-30,United States,US,Emergency Disclosure Requests,808,74,1737\n"
    "2018-06-30,United States,US,Other Court Orders,1658,81,8719\n"
    "2018-06-30,United States,US,Pen Register Orders,344,95,825\n"
    "2018-06-30,United States,US,Preservation Requests,8698,,22030\n"
    "2018-06-30,United States,US,Search Warrants,6900,85,18091\n"
    "2018-06-30,United States,US,Subpoenas,11223,80,32766\n"
    "2018-06-30,United States,US,Wiretap Orders,3,100,4\n"
)


class State(str, enum.Enum):
    CLOSED = "closed"


@attrs.frozen
class Production:
    records: int


@attrs.frozen
class ClosedCase:
    """The least a report needs of a case (see dueprocess.typing.ReportCase)."""

    request: dueprocess.LegalRequest
    review: dueprocess.Review
    state: State = State.CLOSED
    productions: tuple[Production, ...] = ()


def published() -> dueprocess.reports.Report:
    if PUBLISHED.is_file():
        # newline="" keeps the file's line endings, so the comparison is byte for byte.
        with PUBLISHED.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        print(f"read {PUBLISHED.name}")
    else:
        text = SAMPLE
        print("read the bundled sample (examples/data has no copy of the file)")
    report = dueprocess.reports.read_report_csv(text)
    same = report.to_csv() == text
    print(f"{report!r}; written out again byte for byte: {same}")
    return report


def own_cases() -> list[ClosedCase]:
    cases = []
    for path in sorted(REQUESTS.glob("*.json")):
        request = dueprocess.load_request(json.loads(path.read_text(encoding="utf-8")))
        review = dueprocess.review(request)
        produced = (Production(records=3),) if review.releases_data else ()
        cases.append(ClosedCase(request, review, productions=produced))
    return cases


def main() -> None:
    report = published()
    last = report.period_ends[-1]
    print(f"\nUnited States, period ending {last}:")
    for row in report.rows:
        if row.period_end == last and row.country_code == "US":
            percent = "-" if row.percent_with_data is None else f"{row.percent_with_data}%"
            print(f"  {row.legal_process:<30} {row.requests:>6} requests, {percent} with data")

    ours = dueprocess.reports.transparency_report(
        own_cases(), period=(dt.date(2017, 1, 1), dt.date(2026, 12, 31))
    )
    print(f"\nOur own figures from {len(list(REQUESTS.glob('*.json')))} example requests:")
    print(ours.to_google_csv(), end="")
    print("\nMeta's layout, second half of 2026:")
    print(ours.to_meta_csv(dt.date(2026, 12, 31)), end="")
    print("\nNational-security process, option (4) of 50 U.S.C. 1874(a):")
    bands = ours.to_bands(dueprocess.reports.BandsOption.COMBINED_100_ANNUAL)
    for row in bands.rows:
        if row.period_end.year == 2020:
            print(f"  {row.period_end}  {row.category.value}: {row.band}")


if __name__ == "__main__":
    main()
