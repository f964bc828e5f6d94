"""The public cases (tests/data/cases) and Google's published report (tests/data) are vendored,
so the tests stand alone in a fresh clone.

When ``../shared/cases`` is beside the project (every CI run has it), the copy must still
equal it byte for byte: a changed or new public case must be copied in, not missed.
"""

from __future__ import annotations

import pytest

from ..support import CASES, DATA, SHARED_CASES, SHARED_DATA, public_cases

needs_shared = pytest.mark.skipif(
    not SHARED_CASES.is_dir(), reason=f"{SHARED_CASES} is not beside the project"
)


def test_the_public_cases_are_in_the_repository() -> None:
    files = public_cases()
    assert CASES.is_dir()
    assert len(files) >= 28
    assert {path.name[:2] for path in files} >= {f"{n:02d}" for n in range(1, 29)}


@needs_shared
def test_the_vendored_cases_are_the_shared_cases_file_for_file() -> None:
    shared = sorted(path.name for path in SHARED_CASES.glob("*.json"))
    vendored = sorted(path.name for path in CASES.glob("*.json"))
    assert vendored == shared


@needs_shared
@pytest.mark.parametrize("name", sorted(p.name for p in SHARED_CASES.glob("*.json")))
def test_each_vendored_case_equals_its_shared_original_byte_for_byte(name: str) -> None:
    assert (CASES / name).read_bytes() == (SHARED_CASES / name).read_bytes()


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is not beside the project")
def test_the_vendored_published_report_equals_the_shared_one() -> None:
    name = "google-user-data-requests-2009-2018.csv"
    assert (DATA / name).read_bytes() == (SHARED_DATA / name).read_bytes()
