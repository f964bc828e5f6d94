"""The request the case and SQL benchmarks review: a grand jury subpoena for one account.

A sibling module of the benchmark scripts (each runs as ``python benchmarks/bench_*.py``,
so this folder is on ``sys.path``).
"""

from __future__ import annotations

import copy
from typing import Any

_BASE: dict[str, Any] = {
    "format": "dueprocess.request/1",
    "id": "BENCH-1",
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
    "targets": [{"kind": "account_id", "value": "TARGET"}],
    "categories": ["subscriber", "session_logs"],
    "period": {"start": "2023-03-01", "end": "2023-04-30"},
}


def subpoena(request_id: str, account: str) -> dict[str, Any]:
    """A fresh copy of the request, with its id and its one target's account."""
    document = copy.deepcopy(_BASE)
    document["id"] = request_id
    document["targets"] = [{"kind": "account_id", "value": account}]
    return document
