"""Injection: hostile strings reach every sink of text as data, never as structure.

Each test is parametrised over the hostile strings of ``hostile.py`` (quotes, SQL,
``../``, NUL, line breaks, terminal escapes, 100,000 characters, non-BMP characters,
spreadsheet formulas, HTML, Markdown). Intake refuses control characters in one-line
fields, so values are put past it with ``attrs.evolve`` to test each sink's own defence;
records are free text typed by users and reach the sinks as they are.

Sinks: the SQLite and SQL record stores and the SQLite case store (bound parameters only),
the production directory (no path outside it), the letter and the certificate (Markdown
whose shape cannot change), records.jsonl (one JSON line per record), CSV (no formula,
no forged row), HTML reprs (no element), and the terminal (no control sequence).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from dueprocess import (
    Category,
    Decision,
    Identity,
    LegalRequest,
    Record,
    Review,
    TargetKind,
    load_request,
    produce,
    render_certificate,
    render_letter,
    review,
)
from dueprocess._cli import main
from dueprocess.adapters import (
    DirectorySink,
    SqliteCaseStore,
    SqliteStore,
    verify_directory,
)
from dueprocess.cases import Actor, Case, Cases, verify_chain
from dueprocess.exceptions import InvalidArgument, InvalidRecords, InvalidRequest, StoreError
from dueprocess.parts import CategoryDecision, Target
from dueprocess.reports import Report, ReportRow, read_report_csv, transparency_report
from dueprocess.testing import ManualClock, MemoryCaseStore, MemorySink, MemoryStore

from ..production_support import PRODUCED_AT, make_review, subscriber
from ..support import make_request
from .hostile import (
    assert_same_markdown_shape,
    hostile_params,
    html_tags,
    is_one_line,
    no_terminal_controls,
)

UTC = dt.timezone.utc
BENIGN = "Benign"

# --- building values past intake ------------------------------------------------------


def _request(**changes: Any) -> LegalRequest:
    # A subpoena asking for content too: the letter then has every section (released,
    # withheld, findings, deadlines, notice).
    return load_request(
        make_request(categories=["subscriber", "session_logs", "content"], **changes)
    )


BASE_REVIEW = review(_request())


def _with_request(result: Review, **changes: Any) -> Review:
    return attrs.evolve(result, request=attrs.evolve(result.request, **changes))


def _set_id(result: Review, text: str) -> Review:
    return _with_request(result, id=text)


def _set_requester(field: str) -> Callable[[Review, str], Review]:
    def change(result: Review, text: str) -> Review:
        requester = attrs.evolve(result.request.requester, **{field: text})
        return _with_request(result, requester=requester)

    return change


def _set_process(field: str) -> Callable[[Review, str], Review]:
    def change(result: Review, text: str) -> Review:
        process = result.request.process
        if field == "issuer":
            process = attrs.evolve(process, issuer=attrs.evolve(process.issuer, name=text))
        else:
            process = attrs.evolve(process, **{field: text})
        return _with_request(result, process=process)

    return change


def _set_target(result: Review, text: str) -> Review:
    return _with_request(result, targets=(Target(TargetKind.USERNAME, text),))


def _set_finding(field: str) -> Callable[[Review, str], Review]:
    def change(result: Review, text: str) -> Review:
        findings = tuple(attrs.evolve(f, **{field: text}) for f in result.findings)
        return attrs.evolve(result, findings=findings)

    return change


def _set_policy(result: Review, text: str) -> Review:
    return attrs.evolve(result, policy=text)


def _set_required(result: Review, text: str) -> Review:
    categories = tuple(
        attrs.evolve(item, required=text) if item.decision is Decision.WITHHOLD else item
        for item in result.categories
    )
    return attrs.evolve(result, categories=categories)


def _set_limited_field(result: Review, text: str) -> Review:
    first, *rest = result.categories
    limited = CategoryDecision(first.category, Decision.LIMITED, (text, "name"))
    return attrs.evolve(result, categories=(limited, *rest))


def _set_authorities(result: Review, text: str) -> Review:
    return attrs.evolve(result, notify_authorities=(text,))


LETTER_FIELDS: dict[str, Callable[[Review, str], Review]] = {
    "request-id": _set_id,
    "requester-name": _set_requester("name"),
    "agency": _set_requester("agency"),
    "issuer": _set_process("issuer"),
    "reference": _set_process("reference"),
    "authority": _set_process("authority"),
    "target": _set_target,
    "finding-message": _set_finding("message"),
    "finding-citation": _set_finding("citation"),
    "finding-code": _set_finding("code"),
    "policy": _set_policy,
    "required": _set_required,
    "limited-field": _set_limited_field,
    "notify": _set_authorities,
}


def test_the_base_review_reaches_every_section_of_the_letter() -> None:
    letter = render_letter(BASE_REVIEW)
    for heading in ("## What will be released", "## What is withheld", "## Findings"):
        assert heading in letter
    assert BASE_REVIEW.findings


# --- the letter ---------------------------------------------------------------------------


@hostile_params()
@pytest.mark.parametrize("field", list(LETTER_FIELDS))
def test_hostile_text_in_any_field_never_changes_the_letters_shape(field: str, text: str) -> None:
    change = LETTER_FIELDS[field]
    benign = render_letter(change(BASE_REVIEW, BENIGN))
    hostile = render_letter(change(BASE_REVIEW, text))
    assert_same_markdown_shape(benign, hostile)
    assert no_terminal_controls(hostile)


# --- the certificate --------------------------------------------------------------------


def _production(result: Review, account: str = "100001") -> tuple[Any, MemorySink]:
    store = MemoryStore.of([subscriber(account)])
    sink = MemorySink()
    manifest = produce(result, store, sink, produced_at=PRODUCED_AT)
    return manifest, sink


BASE_PRODUCTION_REVIEW = make_review()
BASE_MANIFEST, _ = _production(BASE_PRODUCTION_REVIEW)

CERTIFICATE_FIELDS: dict[str, Callable[[str], str]] = {
    "request-id": lambda text: render_certificate(
        _set_id(BASE_PRODUCTION_REVIEW, text), attrs.evolve(BASE_MANIFEST, request_id=text)
    ),
    "agency": lambda text: render_certificate(
        _set_requester("agency")(BASE_PRODUCTION_REVIEW, text), BASE_MANIFEST
    ),
    "reference": lambda text: render_certificate(
        _set_process("reference")(BASE_PRODUCTION_REVIEW, text), BASE_MANIFEST
    ),
    "custodian": lambda text: render_certificate(
        BASE_PRODUCTION_REVIEW, BASE_MANIFEST, custodian=text
    ),
    "accounts": lambda text: render_certificate(
        BASE_PRODUCTION_REVIEW, attrs.evolve(BASE_MANIFEST, accounts=(text, "100002"))
    ),
}


@hostile_params()
@pytest.mark.parametrize("field", list(CERTIFICATE_FIELDS))
def test_hostile_text_in_any_field_never_changes_the_certificates_shape(
    field: str, text: str
) -> None:
    render = CERTIFICATE_FIELDS[field]
    hostile = render(text)
    assert_same_markdown_shape(render(BENIGN), hostile)
    assert no_terminal_controls(hostile)


@hostile_params()
def test_a_production_for_a_hostile_account_and_request_id_stays_in_its_folder_and_verifies(
    tmp_path: Path, text: str
) -> None:
    result = make_review(targets=(("account_id", text),), request_id=text)
    store = MemoryStore.of([subscriber(text)])
    out = tmp_path / "out"
    if text != text.strip():
        # The target is stripped (identity_key) and names no stored account.
        manifest = produce(result, store, DirectorySink(out), produced_at=PRODUCED_AT)
        assert manifest.accounts == ()
        assert manifest.records == 0
        return
    if not is_one_line(text):
        # A record store may hold any account id; one that could forge a line in the
        # certificate, a ledger or a terminal is refused before anything is written.
        with pytest.raises(StoreError, match="not an account id"):
            produce(result, store, DirectorySink(out), produced_at=PRODUCED_AT)
        assert list(tmp_path.iterdir()) == []
        return
    manifest = produce(result, store, DirectorySink(out), produced_at=PRODUCED_AT)
    assert manifest.accounts == (text,)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "out",
        "out/certificate.md",
        "out/letter.md",
        "out/manifest.json",
        "out/records.jsonl",
    ]
    assert verify_directory(out).ok
    benign_dir = tmp_path.parent / f"{tmp_path.name}-benign"
    produce(
        make_review(targets=(("account_id", BENIGN),), request_id=BENIGN),
        MemoryStore.of([subscriber(BENIGN)]),
        DirectorySink(benign_dir),
        produced_at=PRODUCED_AT,
    )
    for name in ("certificate.md", "letter.md"):
        assert_same_markdown_shape(
            (benign_dir / name).read_text(encoding="utf-8"),
            (out / name).read_text(encoding="utf-8"),
        )


@hostile_params()
def test_no_hostile_text_is_a_file_name_a_sink_accepts(tmp_path: Path, text: str) -> None:
    sink = DirectorySink(tmp_path / "out")
    with pytest.raises(StoreError, match="not a plain file name"):
        sink.write(text, [b"x"])
    with pytest.raises(StoreError, match="not a plain file name"):
        MemorySink().write(text, [b"x"])
    sink.abort()
    assert list(tmp_path.iterdir()) == []


# --- records.jsonl ------------------------------------------------------------------------


@hostile_params()
def test_hostile_record_fields_are_one_json_line_each_and_read_back_unchanged(text: str) -> None:
    fields = {"name": text, "address": text}
    records = [
        Record("100001", Category.SUBSCRIBER, PRODUCED_AT, fields),
        Record("100001", Category.SESSION_LOGS, dt.datetime(2017, 1, 5, tzinfo=UTC), {
            "event": "login", "ip": text, text: text,
        }),
    ]  # fmt: skip
    _, sink = _production(BASE_PRODUCTION_REVIEW)
    sink = MemorySink()
    produce(BASE_PRODUCTION_REVIEW, MemoryStore.of(records), sink, produced_at=PRODUCED_AT)
    lines = sink.files["records.jsonl"].split(b"\n")
    assert lines[-1] == b""
    assert [json.loads(line)["fields"] for line in lines[:-1]] == [r.fields for r in records]


# --- SQL: the SQLite record store ---------------------------------------------------------


def _schema(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()


@hostile_params()
def test_hostile_ids_reach_the_sqlite_store_only_as_values(tmp_path: Path, text: str) -> None:
    path = tmp_path / "store.sqlite"
    with SqliteStore(path) as store:
        schema = _schema(path)
        store.add_records([subscriber("100001"), subscriber(text)])
        store.add_identities([Identity(text, TargetKind.USERNAME, "victim")])
        store.add_identities([Identity("100001", TargetKind.USERNAME, text)])
        # An account_id target is stripped of surrounding blanks (identity_key): an
        # account stored with them is never named by one (imports refuse such ids).
        named = (text,) if text == text.strip() else ()
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, text)) == named
        assert store.resolve(Target(TargetKind.USERNAME, "victim")) == (text,)
        username = Target(TargetKind.USERNAME, text)
        expected = () if not text.strip().removeprefix("@") else ("100001",)
        assert store.resolve(username) == expected
        assert [r.account for r in store.records(text, Category.SUBSCRIBER, None, None)] == [text]
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, text + "x")) == ()
        assert store.counts() == {"accounts": 2, "identities": 2, "records": 2}
    assert _schema(path) == schema


@hostile_params()
def test_hostile_json_lines_import_into_the_sqlite_store_as_data_or_not_at_all(
    tmp_path: Path, text: str
) -> None:
    line = json.dumps({
        "account": text, "category": "content", "at": "2017-01-05T00:00:00Z",
        "fields": {text: text},
    })  # fmt: skip
    with SqliteStore(tmp_path / "store.sqlite") as store:
        if not is_one_line(text) or text != text.strip():
            with pytest.raises(InvalidRecords, match=r"\$\.account"):
                store.import_records([line])
            assert store.counts()["records"] == 0
            return
        assert store.import_records([line]) == 1
        (found,) = store.records(text, Category.CONTENT, None, None)
        assert found.fields == {text: text}


def test_the_sqlite_record_store_builds_no_sql_from_values() -> None:
    source = Path(sys.modules[SqliteStore.__module__].__file__ or "").read_text(encoding="utf-8")
    # Every statement with a value uses "?"; the only f-strings in SQL name a table from
    # a fixed tuple or a constant.
    formatted = re.findall(r'execute\w*\(\s*f"([^"]*)"', source)
    assert formatted == ["PRAGMA user_version = {SCHEMA_VERSION:d}", "SELECT count(*) FROM {table}"]


# --- SQL: the SQLite case store --------------------------------------------------------------


def _open_case(store: Any, text: str, *, actor_only: bool = False) -> Case:
    """Open a case whose id, agency, requester, actor and reason are *text* (or, with
    *actor_only*, only the actor and reason: free text that no intake checks)."""
    clock = ManualClock(dt.datetime(2023, 5, 10, 17, tzinfo=UTC))
    request = _request()
    if not actor_only:
        request = attrs.evolve(
            request, id=text, requester=attrs.evolve(request.requester, agency=text, name=text)
        )
    return Cases(store, clock).open(request, actor=_actor(text), reason=text)


def _actor(text: str) -> str:
    """*text* where it is a valid actor id; an actor with control or bidirectional
    characters is refused at the boundary (see the test below), so a stand-in acts."""
    try:
        return Actor(text).id
    except ValueError:
        return "clerk"


@hostile_params()
def test_an_actor_with_control_or_bidirectional_characters_is_refused(text: str) -> None:
    if _actor(text) == text:
        return  # a hostile text that is still one line of visible text
    clock = ManualClock(dt.datetime(2023, 5, 10, 17, tzinfo=UTC))
    with pytest.raises(InvalidArgument, match="invalid actor"):
        Cases(MemoryCaseStore(), clock).open(_request(), actor=text)


def _intake_accepts(text: str) -> bool:
    # The id (at most 128 characters) and the agency and name (one line each).
    return is_one_line(text) and bool(text.strip()) and len(text) <= 128


@hostile_params()
def test_hostile_case_ids_reach_the_sqlite_case_store_only_as_values(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "cases.sqlite"
    with SqliteCaseStore(path) as store:
        schema = _schema(path)
        other = _open_case(store, "REQ-OTHER")
        if not _intake_accepts(text):
            # A request built past intake is refused before anything is stored: the
            # store reads cases back through intake and could never list them again.
            with pytest.raises(InvalidRequest, match=r"\$\.id"):
                _open_case(store, text)
            assert store.cases() == [other]
            assert len(store.audit) == len(other.events)
            return
        case = _open_case(store, text)
        assert store.get(text) == case
        assert store.get("REQ-OTHER") == other
        assert [c.id for c in store.cases()] == sorted(["REQ-OTHER", text])
        assert verify_chain(store.audit.entries(), head=store.audit.head()) is None
        assert store.hold_chain(text) == ()
    assert _schema(path) == schema


# --- SQL: SqlStore on SQLite ------------------------------------------------------------------


@hostile_params()
def test_hostile_ids_reach_the_sql_store_only_as_values(tmp_path: Path, text: str) -> None:
    pytest.importorskip("sqlalchemy", reason="the SQL store needs the sql extra")
    from dueprocess.adapters import SqlStore

    path = tmp_path / "sql.sqlite"
    with SqlStore(f"sqlite:///{path}") as store:
        schema = _schema(path)
        store.add_records([subscriber("100001"), subscriber(text)])
        store.add_identities([Identity(text, TargetKind.USERNAME, "victim")])
        # An account_id target is stripped of surrounding blanks (identity_key): an
        # account stored with them is never named by one (imports refuse such ids).
        named = (text,) if text == text.strip() else ()
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, text)) == named
        assert store.resolve(Target(TargetKind.USERNAME, "victim")) == (text,)
        assert [r.account for r in store.records(text, Category.SUBSCRIBER, None, None)] == [text]
        assert store.resolve(Target(TargetKind.ACCOUNT_ID, text + "x")) == ()
        if _intake_accepts(text):
            case = _open_case(store, text)
            assert store.get(text) == case
            assert verify_chain(store.audit.entries(), head=store.audit.head()) is None
    assert _schema(path) == schema


# --- CSV ----------------------------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _report(text: str) -> Report:
    rows = (
        ReportRow(dt.date(2023, 6, 30), text, text, text, 3, None, 2),
        ReportRow(dt.date(2023, 6, 30), "Germany", "DE", "Other Legal Requests", 1, None, 1),
    )
    return Report(rows=rows)


@hostile_params()
@pytest.mark.parametrize("layout", ["google", "meta"])
def test_hostile_report_cells_neither_run_as_formulas_nor_forge_rows(
    layout: str, text: str
) -> None:
    report = _report(text)
    written = report.to_google_csv() if layout == "google" else report.to_meta_csv()
    table = list(csv.reader(io.StringIO(written, newline=""), strict=True))
    assert len(table) == 3
    assert all(len(row) == len(table[0]) for row in table)
    for row in table[1:]:
        assert not any(cell.startswith(_FORMULA) for cell in row)
    period = None if layout == "google" else "2023-H1"
    back = read_report_csv(written, period=period)
    assert back.rows[0].country == text.strip(" \n")
    assert back.to_csv() == written


@hostile_params()
def test_hostile_report_cells_stay_in_their_line_of_the_text_table(text: str) -> None:
    shown = _report(text).to_text()
    assert len(shown.splitlines()) == 3
    assert no_terminal_controls(shown)


@hostile_params()
def test_text_from_requests_and_records_never_reaches_a_transparency_report(text: str) -> None:
    # Reports count cases: names come from CLDR and the layout's labels, never from a
    # request or a record, so no hostile text can reach a spreadsheet.
    clock = ManualClock(dt.datetime(2023, 5, 20, tzinfo=UTC))
    from dueprocess.testing import MemoryCaseStore

    cases = Cases(MemoryCaseStore(), clock)
    request = _request()
    if _intake_accepts(text):
        request = attrs.evolve(
            request,
            id=text,
            requester=attrs.evolve(request.requester, agency=text),
            targets=(Target(TargetKind.ACCOUNT_ID, text),),
        )
    opened = cases.open(request, actor=_actor(text), reason=text)
    cases.close(opened.id, actor=_actor(text), reason=text)
    report = transparency_report(cases.find(), period="2023-H1")
    assert [row.requests for row in report.rows] == [1]
    for written in (report.to_google_csv(), report.to_meta_csv(), report.to_text()):
        if len(text.strip()) > 2:
            assert text.strip() not in written
        assert "United States" in written


# --- HTML reprs -------------------------------------------------------------------------------


@hostile_params()
def test_hostile_text_never_adds_an_element_to_a_reviews_html(text: str) -> None:
    def html(value: str) -> str:
        changed = _set_finding("message")(_set_id(BASE_REVIEW, value), value)
        changed = _set_finding("citation")(_set_finding("code")(changed, value), value)
        return _set_limited_field(changed, value)._repr_html_()

    hostile = html(text)
    assert html_tags(hostile) == html_tags(html(BENIGN))
    assert "<script" not in hostile


@hostile_params()
def test_hostile_text_never_adds_an_element_to_a_cases_html(text: str) -> None:
    from dueprocess.testing import MemoryCaseStore

    def html(value: str) -> str:
        store = MemoryCaseStore()
        return _open_case(store, value, actor_only=not _intake_accepts(value))._repr_html_()

    hostile = html(text)
    assert html_tags(hostile) == html_tags(html(BENIGN))
    assert "<script" not in hostile


@hostile_params()
def test_hostile_text_never_adds_an_element_to_a_reports_html(text: str) -> None:
    hostile = _report(text)._repr_html_()
    assert html_tags(hostile) == html_tags(_report(BENIGN)._repr_html_())
    assert "<script" not in hostile


# --- the terminal -------------------------------------------------------------------------


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@hostile_params()
def test_hostile_stored_cases_print_on_the_terminal_without_control_sequences(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The id, agency and requester go through intake; the actor and the reason are free
    # text that nothing checks, so they hold the hostile text whatever it is.
    outputs = {}
    for value in (BENIGN, text):
        db = tmp_path / f"{len(outputs)}.sqlite"
        with SqliteCaseStore(db) as store:
            case = _open_case(store, value, actor_only=not _intake_accepts(value))
        account = value.replace("\x00", "")  # no command line can hold a NUL
        shown = []
        database = ["--db", str(db)]
        for arguments in (
            ["case", "show", *database, "--", case.id],
            ["case", "list", *database],
            ["ledger", *database, "--", account],
        ):
            code, out, err = _cli(arguments, capsys)
            assert code == 0, err
            assert no_terminal_controls(out)
            shown.append(out)
        outputs[value] = shown
    # The same lines, whatever the id, agency, actor and reason hold.
    assert [len(out.splitlines()) for out in outputs[text]] == [
        len(out.splitlines()) for out in outputs[BENIGN]
    ]
