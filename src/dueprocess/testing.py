"""In-memory doubles of every port, for tests, notebooks and examples.

Nothing here touches a file, a database or a clock.
"""

from __future__ import annotations

__all__: list[str] = []
