"""Fixtures that tests of several groups take (a group's own fixtures are in its
``conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Set the operating-system login the command line takes as the actor.

    ``login("clerk")`` makes every later command act as ``clerk`` (``cli`` and ``cases``).
    """
    from dueprocess._cli import _readers

    def set_login(name: str) -> None:
        monkeypatch.setattr(_readers, "_login", lambda: name)

    return set_login


@pytest.fixture
def imported_store(tmp_path: Path) -> str:
    """A SQLite record store that ``dueprocess store import`` filled with the records and
    identities of ``production_support.records_file`` and ``identities_file``; its path
    (``cli`` and ``production``)."""
    from dueprocess._cli import main

    from .production_support import identities_file, records_file

    path = str(tmp_path / "store.sqlite")
    arguments = ["store", "import", path, records_file(tmp_path)]
    assert main([*arguments, "--identities", identities_file(tmp_path)]) == 0
    return path
