"""Hostile files at every entry point that reads one: only a clear error, never a
traceback, a hang or an unbounded allocation.

Entry points: ``store import`` (JSON Lines of records and identities), ``verify DIR``
(a production directory and its manifest), :func:`dueprocess.reports.read_report_csv` (a
published CSV), ``case open`` (a request document) and the case database behind
``case``, ``report`` and ``audit verify``. Each gets random and mutated input from
Hypothesis, and the documented limits and known attacks by name. The atheris harness
``fuzz/fuzz_files.py`` covers the same parsers with coverage guidance; a short run of it
is part of the suite.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess import read_records
from dueprocess._cli import main
from dueprocess._production._records import MAX_RECORD_BYTES, MAX_RECORD_PROBLEMS
from dueprocess._production._verify import MAX_LINE_MISMATCHES
from dueprocess.adapters import (
    DirectorySink,
    SqliteCaseStore,
    SqliteStore,
    read_manifest,
    verify_directory,
)
from dueprocess.adapters._directory import MAX_MANIFEST_BYTES
from dueprocess.exceptions import (
    IntegrityError,
    InvalidRecords,
    InvalidReportFile,
    ReportError,
)
from dueprocess.reports import read_report_csv
from dueprocess.testing import MemoryStore

from ..production_support import PRODUCED_AT, login, make_review, subscriber
from ..support import ROOT, make_request, run_atheris

HUGE = "a number too long to convert"

QUICK = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@st.composite
def mutated(draw: st.DrawFn, valid: bytes) -> bytes:
    """*valid* with a few bytes flipped, deleted, inserted, or the tail cut off."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "newline"]))
        if action == "flip":
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif action == "newline":
            data[position:position] = b"\n"
        else:
            del data[position:]
    return bytes(data)


# --- store import: JSON Lines ------------------------------------------------------------

RECORD_LINES = (
    "".join(
        json.dumps(record.to_dict()) + "\n"
        for record in [
            subscriber("100001"),
            login("100001", "2017-01-05T10:00:00"),
            login("100001", "2017-01-06T10:00:00", event="logout"),
        ]
    )
).encode()
IDENTITY_LINES = b'{"account": "100001", "kind": "email", "value": "a@example.com"}\n'


def _import(
    capsys: pytest.CaptureFixture[str], folder: Path, records: bytes, identities: bytes
) -> tuple[int, str, Path]:
    (folder / "records.jsonl").write_bytes(records)
    (folder / "ids.jsonl").write_bytes(identities)
    store = folder / "store.sqlite"
    code, _out, err = run(
        capsys, "store", "import", str(store), str(folder / "records.jsonl"),
        "--identities", str(folder / "ids.jsonl"),
    )  # fmt: skip
    return code, err, store


@QUICK
@given(
    records=st.one_of(st.binary(max_size=400), mutated(RECORD_LINES)),
    identities=st.one_of(st.just(IDENTITY_LINES), mutated(IDENTITY_LINES)),
)
def test_any_json_lines_import_whole_or_not_at_all_with_exit_0_or_2(
    capsys: pytest.CaptureFixture[str], records: bytes, identities: bytes
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        code, err, store = _import(capsys, folder, records, identities)
        assert code in (0, 2), err
        if code == 2:
            assert err.startswith("dueprocess: ")
            assert not store.exists()  # a failed first import leaves no store behind
        else:
            with SqliteStore(store, readonly=True) as opened:
                assert opened.counts()["records"] == len(list(read_records(records.split(b"\n"))))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"account":"1","account":"2","category":"content","at":"2017-01-01T00:00:00Z",'
         b'"fields":{}}', "appears twice"),
        (b'{"account":"1","category":"content","at":"2017-01-01T00:00:00Z",'
         b'"fields":{"a":1,"a":2}}', "appears twice"),
        (b'{"account":"1","category":"content","at":"2017-01-01T00:00:00Z",'
         b'"fields":{"a":NaN}}', "NaN is not a JSON number"),
        (b'{"account":"1","category":"content","at":"2017-01-01T00:00:00Z",'
         b'"fields":{"a":-Infinity}}', "-Infinity is not a JSON number"),
        (b'{"account":"1","category":"content","at":"2017-01-01T00:00:00Z",'
         b'"fields":{"a":' + b"9" * 5000 + b"}}", "integer string conversion"),
        (b'{"account":"1","category":"content","at":"2017-01-01T00:00:00Z",'
         b'"fields":' + b'{"a":' * 70 + b"1" + b"}" * 70 + b"}", "nested more than 64"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"account":"a\\u0000b","category":"content","at":"2017-01-01T00:00:00Z",'
         b'"fields":{}}', "control character (U+0000)"),
        (b'{"account":"\\ud800","category":"content","at":"2017-01-01T00:00:00Z",'
         b'"fields":{}}', "unpaired surrogate"),
        (b'{"account":"1","category":"content","at":"2017-01-01T00:00:00Z","fields":{},'
         b'"x\\n  line 9: forged\\u001b[2J":1}', "unknown key"),
        (b"\xef\xbb\xbf{}", "byte-order mark"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"\x00" * 100, "malformed JSON"),
    ],
    ids=[
        "duplicate-key", "duplicate-field", "nan", "infinity", "huge-integer", "deep-fields",
        "deep-json", "nul-account", "surrogate-account", "forging-key", "bom", "not-utf8", "nul",
    ],
)  # fmt: skip
def test_a_hostile_record_line_is_refused_by_line_number_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: bytes, message: str
) -> None:
    code, err, store = _import(capsys, tmp_path, RECORD_LINES + line + b"\n", IDENTITY_LINES)
    assert code == 2
    assert "line 4" in err
    assert message in err
    assert not store.exists()
    # Every line of the message is one problem; nothing from the input forged a line.
    assert all(line.startswith(("dueprocess: ", "  line 4")) for line in err.splitlines())
    assert "\x1b" not in err


@pytest.mark.parametrize(
    ("value", "message"),
    [("a\\u0000b", "control character (U+0000)"), ("\\ud800", "unpaired surrogate"),
     ("a\\nb", "control character (U+000A)")],
    ids=["nul", "surrogate", "newline"],
)  # fmt: skip
def test_a_hostile_identity_is_refused_by_line_number_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    line = b'{"account": "100001", "kind": "username", "value": "' + value.encode() + b'"}'
    code, err, store = _import(capsys, tmp_path, RECORD_LINES, IDENTITY_LINES + line + b"\n")
    assert code == 2
    assert f"line 2, $.value: contains {'an' if 'surrogate' in message else 'a'} {message}" in err
    assert not store.exists()


def test_a_file_without_line_breaks_is_refused_without_being_held_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "records.jsonl"
    with big.open("wb") as handle:
        handle.write(RECORD_LINES)
        chunk = b"x" * (1 << 20)
        for _ in range(MAX_RECORD_BYTES // len(chunk) * 3):  # 48 MiB in one line
            handle.write(chunk)
        handle.write(b"\n" + RECORD_LINES)
    started = time.perf_counter()
    code, _out, err = run(capsys, "store", "import", str(tmp_path / "s.sqlite"), str(big))
    assert time.perf_counter() - started < 60
    assert code == 2
    assert "line 4: longer than 16 MiB" in err
    assert len(err) < 1_000


def test_a_file_of_countless_bad_lines_lists_the_first_thousand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, _ = _import(capsys, tmp_path, b"not json\n" * 5_000, IDENTITY_LINES)
    assert code == 2
    assert err.count("malformed JSON") == MAX_RECORD_PROBLEMS
    assert "4000 more problems, not listed" in err


def test_read_records_caps_its_problems_but_reads_every_line() -> None:
    lines = ["{"] * (MAX_RECORD_PROBLEMS + 5) + [RECORD_LINES.decode().splitlines()[0]]
    seen = []
    with pytest.raises(InvalidRecords) as caught:
        seen.extend(read_records(lines))
    assert len(seen) == 1
    assert len(caught.value.problems) == MAX_RECORD_PROBLEMS + 1
    assert caught.value.problems[-1].message == "5 more problems, not listed"


# --- verify DIR: a production directory -----------------------------------------------


@pytest.fixture
def production(tmp_path: Path) -> Path:
    store = MemoryStore.of([subscriber("100001"), login("100001", "2017-01-05T10:00:00")])
    target = tmp_path / "production"
    produce_ok = __import__("dueprocess").produce
    produce_ok(make_review(), store, DirectorySink(target), produced_at=PRODUCED_AT)
    return target


def _verify_in_a_subprocess(directory: Path) -> subprocess.CompletedProcess[str]:
    # A regression could make reading block forever: a child with a timeout turns that
    # into a failure instead of a hung suite.
    return subprocess.run(
        [sys.executable, "-m", "dueprocess", "verify", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory", "dangling", "huge"])
def test_a_manifest_that_is_not_a_small_regular_file_is_refused_without_reading_it(
    production: Path, kind: str
) -> None:
    manifest = production / "manifest.json"
    manifest.unlink()
    if kind == "fifo":
        os.mkfifo(manifest)
    elif kind == "dev-zero":
        manifest.symlink_to("/dev/zero")
    elif kind == "directory":
        manifest.mkdir()
    elif kind == "dangling":
        manifest.symlink_to(production / "nowhere")
    else:
        with manifest.open("wb") as handle:
            handle.truncate(MAX_MANIFEST_BYTES + 1)  # sparse: costs no disk
    completed = _verify_in_a_subprocess(production)
    assert completed.returncode == 4, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "manifest.json: unreadable" in completed.stdout
    with pytest.raises(IntegrityError, match=r"cannot read manifest\.json"):
        read_manifest(production)


def test_a_record_file_that_is_a_fifo_is_named_without_blocking(production: Path) -> None:
    (production / "records.jsonl").unlink()
    os.mkfifo(production / "records.jsonl")
    completed = _verify_in_a_subprocess(production)
    assert completed.returncode == 4
    assert "records.jsonl: is not a regular file of a production" in completed.stdout


def test_a_huge_line_without_a_break_is_checked_in_linear_time(production: Path) -> None:
    records = production / "records.jsonl"
    original = records.read_bytes()
    with records.open("ab") as handle:
        chunk = b"x" * (1 << 20)
        for _ in range(200):  # 200 MiB in one unterminated line
            handle.write(chunk)
    started = time.perf_counter()
    result = verify_directory(production)
    assert time.perf_counter() - started < 60
    messages = [str(mismatch) for mismatch in result.mismatches]
    assert "records.jsonl line 3: is longer than 16 MiB: not a record" in messages
    assert "records.jsonl: the last line does not end with a newline" in messages
    records.write_bytes(original)
    assert verify_directory(production).ok


def test_a_long_line_is_hashed_into_the_merkle_root_all_the_same(production: Path) -> None:
    # The root is recomputed over every byte, so a forged long line cannot hide.
    from dueprocess import merkle_root

    records = production / "records.jsonl"
    long_line = b"y" * (MAX_RECORD_BYTES + 10)
    lines = [*records.read_bytes().split(b"\n")[:-1], long_line]
    records.write_bytes(b"\n".join(lines) + b"\n")
    messages = [str(m) for m in verify_directory(production).mismatches]
    root = merkle_root(lines).hex()
    assert f"merkle_root: the records' Merkle root is {root}" in " ".join(messages)


@pytest.mark.parametrize(
    "name",
    ["x\nrecords.jsonl: intact", "\x1b[2Jcleared", "bad\udcffname", "\u202eevil", "a" * 250],
    ids=["newline", "escape", "not-utf8", "bidi", "long"],
)
def test_hostile_file_names_in_a_production_print_on_one_line_each(
    production: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = os.path.join(os.fsencode(production), os.fsencode(name))
    with open(path, "wb") as handle:
        handle.write(b"x")
    code, out, _err = run(capsys, "verify", str(production))
    assert code == 4
    lines = out.splitlines()
    assert len(lines) == 2
    assert "\x1b" not in out
    assert lines[1].endswith("is not listed in the manifest")


@pytest.mark.parametrize(
    "document",
    [
        {"format": "dueprocess.manifest/1", "x\n  forged: ok\x1b[2J": 1},
        {"counts": {"x\nforged": 1}},
        {"files": {"../../etc/passwd": {"sha256": "0" * 64, "bytes": 1}}},
        {"records": HUGE},
        {"accounts": ["a"] * 100_000},
        {"period": {"start": "0001-01-01", "end": "9999-12-31"}},
        {"produced_at": "9999-12-31T23:59:59-23:59"},
    ],
    ids=["forging-key", "forging-count", "path", "huge-count", "many", "period", "time"],
)
def test_a_hostile_manifest_gives_mismatches_on_one_line_each(
    production: Path, capsys: pytest.CaptureFixture[str], document: dict[str, Any]
) -> None:
    manifest = json.loads((production / "manifest.json").read_text())
    huge = document.get("records") == HUGE
    manifest.update({key: value for key, value in document.items() if value != HUGE})
    text = json.dumps(manifest)
    if huge:  # more digits than Python turns into an int: written by hand
        text = text.replace('"records": 2', '"records": ' + "9" * 5000)
        assert "9" * 5000 in text
    (production / "manifest.json").write_text(text, encoding="utf-8")
    code, out, _err = run(capsys, "verify", str(production))
    assert code == 4
    assert "\x1b" not in out
    for line in out.splitlines()[1:]:
        assert line.startswith("  ")
    assert not (production.parent.parent / "etc").exists()


RECORDS_OF_A_PRODUCTION = b"".join(
    json.dumps(r.to_dict(), sort_keys=True, separators=(",", ":")).encode() + b"\n"
    for r in [subscriber("100001"), login("100001", "2017-01-05T10:00:00")]
)


@QUICK
@given(
    manifest=st.one_of(st.binary(max_size=300), st.just(b"")),
    records=st.one_of(st.binary(max_size=300), mutated(RECORDS_OF_A_PRODUCTION)),
)
def test_any_directory_contents_give_a_verification_result_never_an_exception(
    manifest: bytes, records: bytes
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "manifest.json").write_bytes(manifest)
        (folder / "records.jsonl").write_bytes(records)
        result = verify_directory(folder)
        assert not result.ok
        assert all(isinstance(str(mismatch), str) for mismatch in result.mismatches)


@QUICK
@given(data=st.data())
def test_a_mutated_manifest_of_a_real_production_is_never_intact_or_a_crash(
    data: st.DataObject,
) -> None:
    with tempfile.TemporaryDirectory() as name:
        target = Path(name) / "p"
        store = MemoryStore.of([subscriber("100001"), login("100001", "2017-01-05T10:00:00")])
        __import__("dueprocess").produce(
            make_review(), store, DirectorySink(target, durable=False), produced_at=PRODUCED_AT
        )
        original = (target / "manifest.json").read_bytes()
        changed = data.draw(mutated(original))
        (target / "manifest.json").write_bytes(changed)
        result = verify_directory(target)
        assert result.ok == (changed == original)


def test_a_records_file_of_many_bad_lines_lists_a_bounded_number(production: Path) -> None:
    (production / "records.jsonl").write_bytes(b"{}\n" * 10_000)
    result = verify_directory(production)
    assert len(result.mismatches) < MAX_LINE_MISMATCHES + 20
    assert any("more line problems not listed" in str(m) for m in result.mismatches)


# --- read_report_csv: a published CSV -----------------------------------------------------

GOOGLE_CSV = (
    "Period Ending,Country,CLDR Territory Code,Legal Process,User Data Requests,"
    "Percentage of requests where some data produced,Users/Accounts Specified\n"
    "2018-06-30,Uruguay,UY,Other Legal Requests,3,0,3\n"
    "2018-06-30,United States,US,Search Warrants,1200,81,2000\n"
)
META_CSV = (
    "Country,Total Requests for User Data,Total User Accounts Referenced,"
    "Total Percentage of Requests Where Some Data Produced,Preservations Requested,"
    "Users/Accounts Preserved\n"
    "Germany,1000,1200,80.65%,10,12\n"
)


def _read_any(text: str) -> None:
    for period in (None, "2018-H1"):
        try:
            report = read_report_csv(text, period=period)
        except (InvalidReportFile, ReportError) as error:
            messages = str(error).splitlines()
            assert messages
            assert messages[0]
            continue
        report.to_text()
        report._repr_html_()
        # A file read back that Meta's layout cannot hold is refused with ReportError.
        with contextlib.suppress(ReportError):
            assert read_report_csv(report.to_csv(), period=period).rows == report.rows


@QUICK
@given(
    st.one_of(
        st.text(max_size=300),
        mutated(GOOGLE_CSV.encode()).map(lambda b: b.decode("utf-8", "replace")),
        mutated(META_CSV.encode()).map(lambda b: b.decode("utf-8", "replace")),
    )
)
def test_any_text_reads_as_a_report_or_a_clear_error(text: str) -> None:
    _read_any(text)


@pytest.mark.parametrize(
    "row",
    [
        "2018-06-30,Uruguay,UY,Other Legal Requests," + "9" * 5000 + ",0,3",
        "2018-06-30,Uruguay,UY,Other Legal Requests,3,1." + "0" * 100_000 + ",3",
        "2018-06-30," + "x" * 200_000 + ",UY,Other Legal Requests,3,0,3",
        '2018-06-30,"Uru\x00guay",UY,Other Legal Requests,3,0,3',
        '2018-06-30,"unterminated,UY,Other Legal Requests,3,0,3',
        "2018-06-30,Uruguay,UY,Other Legal Requests,3,0,3," * 1000,
        "99999-06-30,Uruguay,UY,Other Legal Requests,3,0,3",
        "2018-02-30,Uruguay,UY,Other Legal Requests,3,0,3",
        "2018-06-30,'=cmd|' /C calc'!A0,UY,Other Legal Requests,3,0,3",
        "2018-06-30,Uruguay,UY,Other Legal Requests,3,NaN,3",
        "2018-06-30,Uruguay,UY,Other Legal Requests,-3,0,3",
    ],
    ids=[
        "huge-count", "huge-decimals", "huge-cell", "nul", "open-quote", "long-row", "year",
        "date", "formula", "nan", "negative",
    ],
)  # fmt: skip
def test_a_hostile_report_row_gives_a_report_or_a_clear_error_quickly(row: str) -> None:
    started = time.perf_counter()
    _read_any(GOOGLE_CSV + row + "\n")
    assert time.perf_counter() - started < 10


# --- case open and the case database ----------------------------------------------------

REQUEST = json.dumps(make_request()).encode()


@QUICK
@given(st.one_of(st.binary(max_size=300), mutated(REQUEST)))
def test_any_bytes_open_a_case_or_exit_2_and_the_audit_log_stays_intact(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    with tempfile.TemporaryDirectory() as name:
        db = str(Path(name) / "cases.sqlite")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        code, _out, err = run(
            capsys, "case", "open", "-", "--db", db, "--now", "2023-05-11T00:00:00Z"
        )
        assert code in (0, 2), err
        if code == 2:
            assert err.startswith("dueprocess: ")
        if os.path.exists(db):
            assert run(capsys, "audit", "verify", "--db", db)[0] == 0
            listed = run(capsys, "case", "list", "--db", db)[1]
            assert len(listed.splitlines()) == (1 if code == 0 else 0)


def _case_database(tmp_path: Path) -> Path:
    db = tmp_path / "cases.sqlite"
    request = tmp_path / "request.json"
    request.write_bytes(REQUEST)
    assert (
        main(["case", "open", str(request), "--db", str(db), "--now", "2023-05-11T00:00:00Z"]) == 0
    )
    return db


@pytest.mark.parametrize(
    "document",
    ["not json", "[" * 100_000, "{}", "null", "42", '{"format": "dueprocess.case/1"}'],
    ids=["not-json", "deep", "empty", "null", "number", "partial"],
)
@pytest.mark.parametrize(
    "command",
    [["case", "list"], ["case", "show", "REQ-1"], ["report", "--period", "2023-H1"]],
    ids=["list", "show", "report"],
)
def test_a_case_row_written_around_the_store_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str, command: list[str]
) -> None:
    db = _case_database(tmp_path)
    connection = sqlite3.connect(db)
    connection.execute("UPDATE cases SET document = ?, state = 'closed'", (document,))
    connection.commit()
    connection.close()
    capsys.readouterr()
    code, _out, err = run(capsys, *command, "--db", str(db))
    assert code == 1
    assert err.startswith("dueprocess: a stored case cannot be read")


@pytest.mark.parametrize("body", ["not json", "[" * 100_000, "{}", "42"])
def test_an_audit_row_written_around_the_store_fails_verification_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    db = _case_database(tmp_path)
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER audit_no_update")
    connection.execute("UPDATE audit SET body = ? WHERE seq = 0", (body,))
    connection.commit()
    connection.close()
    capsys.readouterr()
    code, out, _err = run(capsys, "audit", "verify", "--db", str(db))
    assert code == 4
    assert "audit entry in row 0 cannot be read" in out


def test_a_hold_row_written_around_the_store_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "cases.sqlite"
    with SqliteCaseStore(db) as store:
        connection = sqlite3.connect(db)
        connection.execute(
            "INSERT INTO holds VALUES ('H-1', 'H-1', 'REQ-1', 0, ?)", ("[" * 100_000,)
        )
        connection.commit()
        connection.close()
        with pytest.raises(Exception, match="a stored hold cannot be read") as caught:
            store.hold_chain("H-1")
        assert type(caught.value).__name__ == "StoreError"


# --- the atheris harness -------------------------------------------------------------------


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
def test_the_atheris_file_fuzzer_finds_no_crash_in_a_short_run(tmp_path: Path) -> None:
    run_atheris("fuzz_files.py", "corpus_files", tmp_path, runs=5000, max_len=2048)


def test_the_file_fuzz_corpus_holds_a_seed_for_each_parser() -> None:
    seeds = {path.name.split("-")[0] for path in (ROOT / "fuzz" / "corpus_files").iterdir()}
    assert seeds == {"records", "identities", "manifest", "production", "google", "meta"}


def test_every_test_and_harness_security_md_cites_exists() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"`((?:tests|fuzz)/[\w/]+\.py)(?:::(\w+))?`", text))
    assert len(cited) > 10
    for path, name in cited:
        source = (ROOT / path).read_text(encoding="utf-8")
        if name:
            assert f"def {name}(" in source, (path, name)
