"""Timing shared by the benchmarks: the best wall time of a few runs."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(repeats: int, work: Callable[[], object], *, rounds: int = 1) -> float:
    """Best wall time of *repeats* runs of *work*, in seconds per round of *rounds* calls."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(rounds):
            work()
        best = min(best, (time.perf_counter() - started) / rounds)
    return best
