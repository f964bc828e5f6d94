"""``dueprocess review`` and ``dueprocess letter`` from the command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dueprocess import DEFAULT_POLICY, __version__
from dueprocess._cli import main

from ..support import make_request


def write(tmp_path: Path, document: Any, name: str = "request.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_review_prints_a_readable_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["review", write(tmp_path, make_request(categories=["subscriber", "content"]))]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("REQ-1: partial\n")
    assert "  content     withhold - needs search_warrant\n" in out
    assert "category.insufficient_process [content]" in out
    assert "source: 18 U.S.C. 2703(a)" in out


def test_review_json_prints_the_review_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "--json", write(tmp_path, make_request())]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format"] == "dueprocess.review/1"
    assert document["outcome"] == "comply"


@pytest.mark.parametrize("outcome_changes", [{"targets": []}, {"requester__email": "a@gmail.com"}])
def test_every_outcome_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], outcome_changes: dict[str, Any]
) -> None:
    assert main(["review", write(tmp_path, make_request(**outcome_changes))]) == 0


def test_review_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(make_request())))
    assert main(["review", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["request_id"] == "REQ-1"


def test_an_invalid_document_exits_2_listing_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = make_request(id="", channel="pigeon", surprise=True)
    assert main(["review", write(tmp_path, document)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "$.id" in captured.err
    assert "$.channel" in captured.err
    assert "$.surprise" in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "malformed JSON at line 1, column 2"),
        ("", "malformed JSON"),
        ("[1, 2]", "$"),
        ('"text"', "$"),
    ],
)
def test_malformed_input_exits_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["review", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_file_that_is_not_utf8_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"id": "\xe9"}')
    assert main(["review", str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_deeply_nested_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["review", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_letter_prints_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["letter", write(tmp_path, make_request())]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Response to request REQ-1\n")
    assert "**Outcome: comply.**" in out


def test_terminal_output_cannot_be_forged_by_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = make_request(id="REQ\x1b[2J\nFAKE: comply")
    assert main(["review", write(tmp_path, document)]) in (0, 2)
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err
    assert "\nFAKE" not in out + err


def test_version() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "dueprocess", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"dueprocess {__version__}"


def test_the_installed_script_runs_the_same_command_line(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "dueprocess", "review", "--json", write(tmp_path, make_request())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["outcome"] == "comply"


def test_a_policy_file_changes_the_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = write(tmp_path, {"name": "strict", "max_period_days": 30}, "policy.json")
    assert main(["review", "--json", "--policy", policy, write(tmp_path, make_request())]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["policy"] == "strict"
    assert document["outcome"] == "partial"


def test_a_bad_policy_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = write(tmp_path, {"max_period_days": "a year", "colour": "red"}, "policy.json")
    assert main(["letter", "--policy", policy, write(tmp_path, make_request())]) == 2
    err = capsys.readouterr().err
    assert "$.max_period_days" in err
    assert "$.colour: unknown policy key" in err


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    # A reader that went away (| head) makes every write raise BrokenPipeError.
    script = f"""
import sys
class Closed:
    def write(self, text): raise BrokenPipeError(32, "Broken pipe")
    def flush(self): pass
    def fileno(self): return sys.__stdout__.fileno()
sys.stdout = Closed()
from dueprocess._cli import main
sys.stderr.write(f"exit={{main(['review', {write(tmp_path, make_request())!r}])}}")
"""
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert completed.stderr == "exit=1"


def test_a_policy_file_that_borrows_the_default_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = write(tmp_path, {"name": "default", "free_mail_domains": []}, "policy.json")
    code = main(["review", "--policy", policy, write(tmp_path, make_request())])
    assert code == 2
    assert "reserved for DEFAULT_POLICY" in capsys.readouterr().err


def test_review_json_names_the_policy_and_its_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = write(tmp_path, {"name": "lenient", "free_mail_domains": []}, "policy.json")
    assert main(["review", "--json", "--policy", policy, write(tmp_path, make_request())]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["policy"] == "lenient"
    assert len(document["policy_sha256"]) == 64
    assert document["policy_sha256"] != DEFAULT_POLICY.sha256
