"""Fixtures of the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path: Path) -> str:
    """Where ``--db`` puts the case store of one test (a SQLite file not created yet)."""
    return str(tmp_path / "cases.sqlite")
