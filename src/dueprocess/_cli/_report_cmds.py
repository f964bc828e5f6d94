"""``dueprocess report``: a transparency report from the case store."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ..adapters import check_writable, is_url, open_case_store, write_file
from ..cases import CaseState
from ..exceptions import ReportError
from ..reports import ReportPeriod, eu_orders_report, transparency_report
from ..typing import ReportCase
from ._common import EXIT_INVALID, EXIT_OK, CommandError, bad_input
from ._options import DB, FORCE, Option, Subcommands, add_command
from ._readers import durable_store

__all__ = ["load_cases", "register"]

FORMATS = ("google", "google-2018", "meta", "bands", "dsa", "table")


def load_cases(path: str, *, closed_only: bool = True) -> Sequence[ReportCase]:
    """The closed cases (every case with *closed_only* false) in the case store at *path*,
    which must exist already.

    Raises:
        CommandError: no such file, or not a dueprocess case database (exit 2).
    """
    durable_store(path, "--db")
    if not is_url(path) and not os.path.isfile(path):
        raise CommandError(f"{path}: no such case store", EXIT_INVALID)
    with bad_input():
        store = open_case_store(path, create=False)  # a SQLite path or a SQLAlchemy URL
    with store:
        return store.cases(CaseState.CLOSED if closed_only else None)


def _write(text: str, out: str | None, *, force: bool) -> None:
    if out is None or out == "-":
        sys.stdout.write(text)
        return
    # A new file, written whole, never through a link; --force replaces one (produce's
    # rules, dueprocess.adapters.write_file). The layout's own line endings are kept.
    write_file(out, text.encode("utf-8"), replace=force, mode=0o644)


def _report(args: argparse.Namespace) -> int:
    # A period outside the days a request may carry is refused here too (ReportError).
    try:
        period = ReportPeriod.parse(args.period)
    except ReportError as error:
        raise CommandError(str(error), EXIT_INVALID) from None
    if args.out not in (None, "-"):
        with bad_input():
            check_writable(args.out, replace=args.force)
    if args.format == "meta" and len(period.halves()) > 1:
        raise CommandError(
            f"Meta's layout holds one half-year and {period} spans {len(period.halves())}:"
            " give --period YYYY-H1 or YYYY-H2",
            EXIT_INVALID,
        )
    if args.format == "bands" and args.bands_option is None:
        raise CommandError(
            "--format bands needs --bands-option 1, 2, 3 or 4 (50 U.S.C. 1874(a))", EXIT_INVALID
        )
    if args.format == "dsa":
        # EU orders count from receipt, closed or not (see dueprocess._reports._dsa).
        cases = load_cases(args.db, closed_only=False)
        # A stored Case has what both Protocols ask; load_cases is typed for reports.
        text = eu_orders_report(cases, period=period).to_csv()  # type: ignore[arg-type]
        _write(text, args.out, force=args.force)
        return EXIT_OK
    report = transparency_report(load_cases(args.db), period=period)
    if args.format == "google":
        text = report.to_google_csv()
    elif args.format == "google-2018":
        text = report.to_google_csv("google-2018")
    elif args.format == "meta":
        text = report.to_meta_csv()
    elif args.format == "bands":
        text = report.to_bands(args.bands_option).to_csv()
    else:
        text = report.to_text()
    _write(text, args.out, force=args.force)
    return EXIT_OK


def register(subparsers: Subcommands) -> None:
    """Add ``report``."""
    add_command(
        subparsers,
        "report",
        "write a transparency report from the case store",
        "Count the closed cases whose request was received in PERIOD, per country and"
        " kind of legal process, and write Google's or Meta's CSV layout, the"
        " national-security bands of 50 U.S.C. 1874(a), or a readable table; or, with"
        " --format dsa, the EU orders to provide information received in PERIOD per"
        " Member State, with the median times of the DSA transparency template.",
        _report,
        DB.but(help="the case store: a SQLite file or a SQLAlchemy URL"),
        Option(
            "--period",
            required=True,
            metavar="PERIOD",
            help="2026-H1, 2026-H2, 2026 (both halves) or 2026-01-01..2026-03-31",
        ),
        Option("--format", choices=FORMATS, default="table", help="default: table"),
        Option(
            "--out",
            metavar="FILE",
            help="write here instead of standard output (a new file; never through a link)",
        ),
        FORCE.but(help="replace the --out file if it exists"),
        Option(
            "--bands-option",
            type=int,
            choices=(1, 2, 3, 4),
            metavar="N",
            help="for --format bands: the reporting option of 50 U.S.C. 1874(a), 1 to 4",
        ),
    )
