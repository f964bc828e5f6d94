"""Test support: where the vendored data lies, and a valid base request document.

A module of the ``tests`` package, imported relatively (``from ..support import
make_request``): plain values and builders, which a test calls with arguments of its own,
so they are not fixtures.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: Vendored data: Google's 2009-2018 report (a copy of ../shared/data), the published
#: excerpts of ``reports/``, and the public example cases of ``cases/``.
DATA = ROOT / "tests" / "data"
#: The public example cases, vendored from ../shared/cases so the tests stand alone;
#: tests/docs/test_vendored_cases.py checks both copies still equal ../shared when it exists.
CASES = DATA / "cases"
SHARED_CASES = SHARED / "cases"
SHARED_DATA = SHARED / "data"
EXAMPLES = ROOT / "examples"

BASE_REQUEST: dict[str, Any] = {
    "format": "dueprocess.request/1",
    "id": "REQ-1",
    "received_at": "2023-05-10T16:00:00Z",
    "channel": "portal",
    "jurisdiction": "US",
    "process": {
        "kind": "grand_jury_subpoena",
        "issued_on": "2023-05-05",
        "issuer": {"name": "Grand Jury, N.D. Cal.", "role": "grand_jury"},
        "authority": "Fed. R. Crim. P. 17",
        "signed": True,
    },
    "requester": {
        "agency": "U.S. Attorney's Office",
        "name": "AUSA A. Example",
        "email": "a.example@usdoj.gov",
    },
    "investigation": {
        "nature": "criminal",
        "area": "fraud",
        "facts": (
            "The account received payment instructions in a wire fraud scheme in April 2023; "
            "its records will identify the person who controls it."
        ),
    },
    "targets": [{"kind": "account_id", "value": "100001"}],
    "categories": ["subscriber", "session_logs"],
    "period": {"start": "2023-03-01", "end": "2023-04-30"},
}


def make_request(**changes: Any) -> dict[str, Any]:
    """A copy of the base document; ``a__b=v`` sets ``doc["a"]["b"] = v``; ``None`` deletes."""
    document = copy.deepcopy(BASE_REQUEST)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = document
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return document


def public_cases() -> list[Path]:
    return sorted(CASES.glob("*.json")) if CASES.is_dir() else []


def load_case(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def run_atheris(harness: str, corpus: str, work: Path, runs: int, max_len: int) -> None:
    """Run an atheris harness of ``fuzz/`` briefly; fail with its output on any crash."""
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / harness), str(work), str(ROOT / "fuzz" / corpus),
         f"-runs={runs}", f"-max_len={max_len}"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert f"Done {runs} runs" in completed.stderr
