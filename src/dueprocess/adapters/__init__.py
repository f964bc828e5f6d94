"""Adapters that touch the outside world: SQLite and SQL stores, a directory sink.

The core never imports this package; callers pass adapters in.
"""

from __future__ import annotations

__all__: list[str] = []
