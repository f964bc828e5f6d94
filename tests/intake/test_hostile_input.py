"""Hostile input at the command line: only exit 0 or 2, never a traceback or a hang."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess._cli import main
from dueprocess._cli._readers import MAX_DOCUMENT_BYTES

from ..support import ROOT, make_request, run_atheris

VALID = json.dumps(make_request()).encode()


def run_cli(monkeypatch: pytest.MonkeyPatch, data: bytes, *args: str) -> tuple[int, str, str]:
    stdin = io.TextIOWrapper(io.BytesIO(data))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = main([*args, "-"])
    return code, out.getvalue(), err.getvalue()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if action == "flip":
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[position:]
        if not data:
            break
    return bytes(data)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300), mutated()))
def test_any_bytes_on_standard_input_give_a_review_or_exit_2(
    monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    for command in (["review"], ["review", "--json"], ["letter"]):
        code, _out, err = run_cli(monkeypatch, data, *command)
        assert code in (0, 2)
        assert "Traceback" not in err
        if code == 2:
            assert err.startswith("dueprocess: ")


@pytest.mark.parametrize(
    "document",
    [
        b"1" * 5000,
        b'{"id": ' + b"9" * 10000 + b"}",
        b"[" * 200_000,
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b"\xef\xbb\xbf" + VALID,  # a UTF-8 byte-order mark is fine
        b"\x00\x00\x00",
        b'"\\ud800"',
        json.dumps(make_request(id="x" * 100_000)).encode(),
        json.dumps(make_request(investigation__facts="word " * 1_000_000)).encode(),
        json.dumps(make_request(targets=[{"kind": "account_id", "value": "1"}] * 50_000)).encode(),
    ],
    ids=[
        "huge-number", "huge-int-field", "deep", "nan", "infinity", "bom", "nul", "surrogate",
        "long-id", "long-facts", "many-targets",
    ],
)  # fmt: skip
def test_documented_limits_give_clear_errors(
    monkeypatch: pytest.MonkeyPatch, document: bytes
) -> None:
    code, _out, err = run_cli(monkeypatch, document, "review")
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 2:
        assert len(err) < 200_000  # problems are listed, the input is not echoed


def test_a_document_over_the_size_limit_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _out, err = run_cli(monkeypatch, b" " * (MAX_DOCUMENT_BYTES + 1), "review")
    assert code == 2
    assert "larger than 16 MiB" in err


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
def test_the_atheris_fuzzer_finds_no_crash_in_a_short_run(tmp_path: Path) -> None:
    run_atheris("fuzz_intake.py", "corpus", tmp_path, runs=20000, max_len=4096)


def test_the_fuzz_corpus_holds_valid_seeds() -> None:
    seeds = list((ROOT / "fuzz" / "corpus").glob("*.json"))
    assert seeds
    for seed in seeds:
        document: Any = json.loads(seed.read_text(encoding="utf-8"))
        assert document["format"] == "dueprocess.request/1"
