"""verify --request: a production is what the fresh review of its request allows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dueprocess import load_policy, load_request, review
from dueprocess._cli import main
from dueprocess.adapters import bundle_production, verify_production

from ..support import make_request


@pytest.fixture
def setup(
    tmp_path: Path, imported_store: str, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    from ..production_support import request_file

    request = request_file(tmp_path)
    out = tmp_path / "out"
    assert main(["produce", request, "--store", imported_store, "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    return out, request


def write(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_the_production_is_what_the_review_of_its_request_allows(
    setup: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out, request = setup
    assert main(["verify", str(out), "--request", request]) == 0
    printed = capsys.readouterr().out
    assert f"\n  and is what the review of {request} allows (policy default, outcome " in printed
    bundle_production(out, tmp_path / "p.zip")
    assert main(["verify", str(tmp_path / "p.zip"), "--request", request]) == 0


def test_under_another_policy_the_review_differs_and_verify_exits_4(
    setup: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out, request = setup
    policy = write(tmp_path, "strict.json", {"name": "strict"})
    assert main(["verify", str(out), "--request", request, "--policy", policy]) == 4
    printed = capsys.readouterr().out
    assert "\n  review_sha256: is " in printed
    assert "another --policy" in printed


def test_a_different_request_is_caught(
    setup: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out, _ = setup
    other = write(tmp_path, "other.json", make_request(id="REQ-2"))
    assert main(["verify", str(out), "--request", other]) == 4
    printed = capsys.readouterr().out
    assert "review_sha256" in printed
    assert "request_id: is 'REQ-1', the review's is 'REQ-2'" in printed


def test_a_policy_without_a_request_or_a_bad_request_is_exit_2(
    setup: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out, _ = setup
    policy = write(tmp_path, "p.json", {})
    assert main(["verify", str(out), "--policy", policy]) == 2
    assert "--policy needs --request" in capsys.readouterr().err
    bad = write(tmp_path, "bad.json", {"format": "dueprocess.request/1"})
    assert main(["verify", str(out), "--request", bad]) == 2
    assert "$.id: is required" in capsys.readouterr().err


def test_the_api_takes_the_fresh_review(setup: tuple[Path, str]) -> None:
    out, request = setup
    document = json.loads(Path(request).read_text())
    assert verify_production(out, review=review(load_request(document))).ok
    strict = review(load_request(document), load_policy({"name": "strict"}))
    result = verify_production(out, review=strict)
    assert [m.subject for m in result.mismatches] == ["review_sha256"]
