"""The public example cases (tests/cases, vendored from ../shared/cases): each request gets
the review it must get.

Matching is partial, as ../shared/README.md says: only the keys under ``expect`` are
checked; ``codes`` must be present and ``absent`` must not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dueprocess import load_request, review
from dueprocess._cli import main
from dueprocess.exceptions import InvalidRequest

from ..support import load_case, public_cases

CASE_FILES = public_cases()


def mismatches(expect: dict[str, Any], document: dict[str, Any]) -> list[str]:
    codes = [finding["code"] for finding in document["findings"]]
    problems: list[str] = []
    for key, wanted in expect.items():
        if key == "codes":
            problems += [f"code {code} missing" for code in wanted if code not in codes]
        elif key == "absent":
            problems += [f"code {code} present" for code in wanted if code in codes]
        elif key in ("categories", "required", "fields"):
            field = {"categories": "decision"}.get(key, key)
            for category, value in wanted.items():
                got = document["categories"].get(category, {}).get(field)
                if got != value:
                    problems.append(f"{key}.{category}: {got!r} != {value!r}")
        elif key == "notice":
            for name, value in wanted.items():
                if document["notice"].get(name) != value:
                    problems.append(f"notice.{name}: {document['notice'].get(name)!r} != {value!r}")
        elif document.get(key) != wanted:
            problems.append(f"{key}: {document.get(key)!r} != {wanted!r}")
    return problems


@pytest.mark.parametrize("path", CASE_FILES, ids=[path.stem for path in CASE_FILES])
def test_public_case(path: Path) -> None:
    case = load_case(path)
    expect = case["expect"]
    if expect.get("invalid"):
        with pytest.raises(InvalidRequest) as raised:
            load_request(case["request"])
        assert [problem.path for problem in raised.value.problems] == expect["paths"]
        return
    document = review(load_request(case["request"])).to_dict()
    assert mismatches(expect, document) == []


@pytest.mark.parametrize("path", CASE_FILES, ids=[path.stem for path in CASE_FILES])
def test_public_case_through_the_command_line(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = load_case(path)
    request = tmp_path / "request.json"
    request.write_text(json.dumps(case["request"]), encoding="utf-8")
    code = main(["review", "--json", str(request)])
    captured = capsys.readouterr()
    if case["expect"].get("invalid"):
        assert code != 0
        for wanted in case["expect"]["paths"]:
            assert wanted in captured.err
        return
    assert code == 0
    assert mismatches(case["expect"], json.loads(captured.out)) == []


def test_the_matcher_reports_what_differs() -> None:
    document = {
        "outcome": "comply",
        "findings": [{"code": "a"}],
        "categories": {"content": {"decision": "withhold", "required": "x", "fields": None}},
        "notice": {"timing": "none"},
    }
    expect = {
        "outcome": "reject",
        "codes": ["b"],
        "absent": ["a"],
        "categories": {"content": "disclose"},
        "required": {"content": "y"},
        "notice": {"timing": "withheld"},
    }
    assert len(mismatches(expect, document)) == 6
