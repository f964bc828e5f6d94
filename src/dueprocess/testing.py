"""In-memory doubles of every port, for tests, notebooks and examples.

Nothing here touches a file, a database or a clock.
"""

from __future__ import annotations

from ._cases._actor import FixedIdentity
from ._cases._memory import ManualClock, MemoryAuditLog, MemoryCaseStore, RecordingNotifier
from ._production._memory import MemorySink, MemoryStore, RecordingSource, SourceCall

__all__: list[str] = [
    "FixedIdentity",
    "ManualClock",
    "MemoryAuditLog",
    "MemoryCaseStore",
    "MemorySink",
    "MemoryStore",
    "RecordingNotifier",
    "RecordingSource",
    "SourceCall",
]
