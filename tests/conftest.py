"""Fixtures that tests of several groups take (a group's own fixtures are in its
``conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Set the operating-system login the command line takes as the actor.

    ``login("clerk")`` makes every later command act as ``clerk`` (``cli`` and ``cases``).
    """
    from dueprocess._cli import _who_when

    def set_login(name: str) -> None:
        monkeypatch.setattr(_who_when, "_login", lambda: name)

    return set_login
