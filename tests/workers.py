"""Work for the multi-process tests, and the runner that starts it.

Each function runs in a child process started with ``spawn``, which imports it by its
module's name (``tests.workers``): so it lives here, in an importable module of the
``tests`` package, and not in a test module or a conftest. pytest's default import mode
puts the repository on ``sys.path``, and the children inherit it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import multiprocessing
from typing import Any

import attrs


def produce_after_barrier(argv: list[str], barrier: Any) -> str:
    """Run ``dueprocess`` with *argv* once every worker is ready; return the exit code
    and the first line of what it wrote to stderr."""
    from dueprocess._cli import main

    barrier.wait(timeout=60)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return f"{code} {err.getvalue().strip()}"


def run_in_processes(worker: Any, arguments: list[tuple[Any, ...]]) -> list[str]:
    """Run *worker* once per argument tuple, each in a process of its own, all at once.

    Every call gets a barrier shared by all of them as its last argument; the results
    come back in the order of *arguments*.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(arguments))
    results = context.Queue()
    processes = [
        context.Process(target=_report, args=(index, worker, (*args, barrier), results))
        for index, args in enumerate(arguments)
    ]
    for process in processes:
        process.start()
    try:
        found = dict(results.get(timeout=180) for _ in processes)
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():  # pragma: no cover - only when a worker hangs
                process.kill()
    return [found[index] for index in range(len(arguments))]


def _report(index: int, worker: Any, args: tuple[Any, ...], results: Any) -> None:
    try:
        outcome = worker(*args)
    except BaseException as error:  # the parent reports it; a child has no test to fail
        outcome = f"{type(error).__name__}: {error}"
    results.put((index, outcome))


def update_after_barrier(
    url: str, schema: str | None, case_id: str, actor: str, barrier: Any
) -> str:
    """Read the case, wait for the other worker to have read it too, then update it.

    Returns ``"ok"``, ``"conflict"`` or the error's text.
    """
    import dueprocess
    from dueprocess.adapters import SqlStore
    from dueprocess.cases import CaseAction, CaseEvent, CaseState

    with SqlStore(url, schema=schema, create=False) as store:
        case = store.get(case_id)
        barrier.wait(timeout=60)
        event = CaseEvent(
            dt.datetime(2023, 5, 12, tzinfo=dt.timezone.utc),
            actor,
            case.state,
            CaseState.CLOSED,
            f"closed by {actor}",
            CaseAction.CLOSE,
        )
        changed = attrs.evolve(
            case, version=case.version + 1, state=CaseState.CLOSED, events=(*case.events, event)
        )
        try:
            store.update(changed, [event])
        except dueprocess.exceptions.ConflictError:
            return "conflict"
        except Exception as error:  # reported to the parent, which fails the test
            return f"{type(error).__name__}: {error}"
        return "ok"


def open_cases_after_barrier(
    url: str, schema: str | None, worker: int, count: int, barrier: Any
) -> str:
    """Open *count* cases through the case service, all writers starting together."""
    import dueprocess
    from dueprocess.adapters import SqlStore
    from dueprocess.testing import ManualClock

    from .cases_support import request

    clock = ManualClock(dt.datetime(2023, 5, 10, 17, tzinfo=dt.timezone.utc))
    with SqlStore(url, schema=schema, create=False) as store:
        cases = dueprocess.cases.Cases(store, clock)
        barrier.wait(timeout=60)
        try:
            for number in range(count):
                opened = cases.open(request(id=f"W{worker}-{number}"), actor=f"worker {worker}")
                cases.close(opened.id, actor=f"worker {worker}", reason="done")
        except Exception as error:  # reported to the parent, which fails the test
            return f"{type(error).__name__}: {error}"
    return "ok"
