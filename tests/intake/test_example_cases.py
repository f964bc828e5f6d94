"""The public example cases (tests/cases) go through intake as their ``expect`` says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dueprocess import load_request
from dueprocess.exceptions import InvalidRequest

from ..support import CASES

FILES = sorted(CASES.glob("*.json")) if CASES.is_dir() else []
needs_cases = pytest.mark.skipif(
    not FILES, reason=f"the public cases are not beside the project (looked in {CASES})"
)


def read(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def valid_files() -> list[Path]:
    return [path for path in FILES if not read(path)["expect"].get("invalid")]


def invalid_files() -> list[Path]:
    return [path for path in FILES if read(path)["expect"].get("invalid")]


@needs_cases
def test_the_cases_include_valid_and_invalid_documents() -> None:
    assert valid_files()
    assert invalid_files()


@needs_cases
@pytest.mark.parametrize("path", valid_files(), ids=lambda path: path.stem)
def test_a_valid_case_loads_and_round_trips(path: Path) -> None:
    document = read(path)["request"]
    request = load_request(document)
    assert request.id == document["id"]
    assert load_request(request.to_dict()) == request


@needs_cases
@pytest.mark.parametrize("path", invalid_files(), ids=lambda path: path.stem)
def test_an_invalid_case_lists_exactly_the_expected_paths(path: Path) -> None:
    case = read(path)
    with pytest.raises(InvalidRequest) as caught:
        load_request(case["request"])
    assert [problem.path for problem in caught.value.problems] == case["expect"]["paths"]
