"""Workers for the case layer's multi-process tests (run in child processes with
``spawn``, so they live in an importable module)."""

from __future__ import annotations

import contextlib
import io
from typing import Any


def produce_after_barrier(argv: list[str], barrier: Any) -> str:
    """Run ``dueprocess`` with *argv* once every worker is ready; return the exit code
    and the first line of what it wrote to stderr."""
    from dueprocess._cli import main

    barrier.wait(timeout=60)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return f"{code} {err.getvalue().strip()}"
