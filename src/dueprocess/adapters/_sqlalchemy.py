"""SQLAlchemy, the ``sql`` extra, imported on demand with a clear error when it is missing.

Its own module so that both the SQL stores and the store openers can ask for it without
importing each other.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..exceptions import StoreError

__all__ = ["SQL_EXTRA_HINT", "SqlExtraMissing", "require_sqlalchemy"]

SQL_EXTRA_HINT = "install the sql extra: pip install 'dueprocess[sql]'"


class SqlExtraMissing(StoreError, ImportError):
    """A SQLAlchemy URL was given but SQLAlchemy (the ``sql`` extra) is not installed.

    It is both a :class:`~dueprocess.exceptions.StoreError`, so the command line reports
    it as one clear message, and an :class:`ImportError`, which is what it is.
    """


def require_sqlalchemy() -> Any:
    """Import and return :mod:`sqlalchemy`, or raise :class:`SqlExtraMissing`."""
    try:
        return importlib.import_module("sqlalchemy")
    except ImportError as error:
        raise SqlExtraMissing(
            f"SQL stores need SQLAlchemy, which is not installed: {SQL_EXTRA_HINT}",
            name="sqlalchemy",
        ) from error
