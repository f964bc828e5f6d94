"""The command line is a thin shell: every command documented, the library's own checks used.

The public names the command line needed (``check_producible``, ``ReportPeriod``'s range,
``dueprocess.adapters.read_lines``) are tested here through the library, and the command
line's use of them through ``main``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path

import pytest

import dueprocess
from dueprocess import check_producible, load_request, review
from dueprocess._cli import build_parser, main
from dueprocess._cli._demo import DEMO_CASE, build_demo_store, demo_requests
from dueprocess.adapters import read_lines
from dueprocess.exceptions import ProductionRefused, ReportError, StoreError
from dueprocess.parts import DEFAULT_CUSTODIAN, SCHEMA_NAMES
from dueprocess.reports import ReportPeriod

# --- every command has its words ---------------------------------------------------------


def undocumented(parser: argparse.ArgumentParser, prefix: str = "dueprocess") -> list[str]:
    """Each subcommand without a summary or a description, and each argument without
    help, anywhere below *parser* (a hidden option, ``help=SUPPRESS``, is documented as
    hidden on purpose)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                command = f"{prefix} {name}"
                if not summaries.get(name):
                    found.append(f"{command}: no summary")
                if not sub.description:
                    found.append(f"{command}: no description")
                found += undocumented(sub, command)
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)) and (
            not action.help
        ):
            found.append(f"{prefix} {'/'.join(action.option_strings) or action.dest}: no help")
    return found


def test_every_subcommand_has_a_summary_and_a_description_and_every_option_help() -> None:
    assert undocumented(build_parser()) == []


def test_the_walk_names_a_subcommand_or_an_option_left_undocumented() -> None:
    parser = argparse.ArgumentParser(prog="x")
    commands = parser.add_subparsers()
    group = commands.add_parser("group", help="a group", description="Groups.")
    actions = group.add_subparsers()
    bare = actions.add_parser("bare")
    bare.add_argument("--flag")
    bare.add_argument("--hidden", help=argparse.SUPPRESS)
    told = actions.add_parser("told", help="told", description="Told.")
    told.add_argument("thing", help="a thing")
    assert undocumented(parser, "x") == [
        "x group bare: no summary",
        "x group bare: no description",
        "x group bare --flag: no help",
    ]


def test_the_options_take_their_defaults_and_choices_from_the_public_api() -> None:
    parser = build_parser()
    args = parser.parse_args(["produce", "r.json", "--store", "s.sqlite", "--out", "o"])
    assert args.custodian == DEFAULT_CUSTODIAN
    assert [parser.parse_args(["schema", name]).name for name in SCHEMA_NAMES] == [
        "request",
        "review",
        "policy",
        "manifest",
    ]


# --- check_producible: the refusal the command line makes before touching anything -----


def _demo_review() -> dueprocess.Review:
    document = dict(demo_requests())[f"{DEMO_CASE.lower()}.json"]
    return review(load_request(document))


def test_check_producible_refuses_a_production_before_the_request_was_received() -> None:
    result = _demo_review()
    received = result.request.received_at
    check_producible(result)  # no time given: only whether anything is released
    check_producible(result, received)
    with pytest.raises(ProductionRefused, match=r"not yet: .* before the request was received"):
        check_producible(result, received - dt.timedelta(days=1))
    check_producible(result, received - dt.timedelta(days=1), override="life at risk")


def test_check_producible_refuses_what_produce_refuses_with_the_same_words() -> None:
    from dueprocess.testing import MemorySink, MemoryStore

    result = _demo_review()
    early = result.request.received_at - dt.timedelta(days=1)
    with pytest.raises(ProductionRefused) as checked:
        check_producible(result, early)
    with pytest.raises(ProductionRefused) as produced:
        dueprocess.produce(
            result, MemoryStore(), MemorySink(), produced_at=early, enforce_window=True
        )
    assert str(checked.value) == str(produced.value)
    assert "--override REASON" in str(checked.value)


# --- report periods lie within the days a request may carry -----------------------------


@pytest.mark.parametrize("text", ["9999-H2", "1899", "1899-12-31..2000-01-01", "0000-H1"])
def test_a_report_period_outside_the_days_a_request_may_carry_is_a_report_error(
    text: str,
) -> None:
    # Before, 9999-H2 parsed and then overflowed when cut into halves, and 0000-H1
    # raised a bare ValueError.
    with pytest.raises(ReportError, match=re.escape(f"period '{text}'")):
        ReportPeriod.parse(text)
    with pytest.raises(ReportError, match=r"lies within 1900-01-01\.\.2999-12-31"):
        ReportPeriod(dt.date(2999, 7, 1), dt.date(3000, 1, 1))


def test_the_report_command_refuses_year_zero_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "cases.sqlite"
    assert main(["case", "list", "--db", str(database)]) == 2  # no database yet
    capsys.readouterr()
    with dueprocess.adapters.open_case_store(database):
        pass
    assert main(["report", "--db", str(database), "--period", "0000-H1"]) == 2
    err = capsys.readouterr().err
    assert "period '0000-H1'" in err
    assert "Traceback" not in err


# --- read_lines: a records file in bounded lines ----------------------------------------


def test_read_lines_streams_the_lines_with_their_breaks(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}')
    assert list(read_lines(path)) == [b'{"a": 1}\n', b'{"b": 2}']


def test_read_lines_of_a_missing_file_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"missing\.jsonl: cannot read"):
        list(read_lines(tmp_path / "missing.jsonl"))


# --- what the command line prints --------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> tuple[str, str]:
    store = tmp_path / "demo.sqlite"
    build_demo_store(store)
    request = tmp_path / "request.json"
    request.write_text(json.dumps(dict(demo_requests())[f"{DEMO_CASE.lower()}.json"]))
    return str(request), str(store)


def test_the_produce_summary_escapes_bidirectional_marks_like_every_json_output(
    tmp_path: Path, demo: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # docs/cli.md: outside text is printed escaped, "in --json output too"; the produce
    # summary and policy diff used to print a directory or file name as it came.
    request, store = demo
    out = str(tmp_path / "out\u202eput")
    args = ["produce", request, "--store", store, "--out", out, "--json", "--quiet"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "\u202e" not in printed
    assert json.loads(printed)["directory"] == out


def test_an_override_without_a_reason_is_bad_input(
    tmp_path: Path, demo: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    request, store = demo
    args = ["produce", request, "--store", store, "--out", str(tmp_path / "out")]
    args += ["--produced-at", "2017-01-01T00:00:00Z", "--override", "   "]
    assert main(args) == 2
    assert "an override needs a reason" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
