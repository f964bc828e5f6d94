"""Progress of a long production on stderr, and the ``--json`` summary of one.

On a terminal, with the optional ``progress`` extra (tqdm) installed, a bar shows how
much of the production is done (its steps, one account's records of one category each,
and how far through the period the current step has read), the time taken and left, the
records written with their rate, and the bytes. Without tqdm, or when stderr
is not a terminal (a log file, CI), a plain line is written now and then instead.
``--quiet`` shows nothing. Standard output stays the command's result either way.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import time
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from .. import Manifest, ProductionProgress
from .._base._dates import format_timestamp

__all__ = ["ProgressDisplay", "production_summary", "progress_for"]

#: Seconds between two plain progress lines.
LINE_INTERVAL = 5.0


class _Bar(Protocol):
    n: int

    def set_postfix_str(self, text: str, refresh: bool = ...) -> None: ...
    def refresh(self) -> None: ...
    def close(self) -> None: ...


def _size(count: int) -> str:
    """``512 B``, ``1.5 MB``: bytes for a person.

    >>> _size(512), _size(1_500_000), _size(3 * 10**9)
    ('512 B', '1.5 MB', '3.0 GB')
    """
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def _tqdm() -> Any | None:
    try:
        return importlib.import_module("tqdm").tqdm
    except ImportError:
        return None


class ProgressDisplay:
    """A production's progress callback that draws on *stream*.

    Args:
        stream: where progress goes (stderr).
        bar: draw a bar with tqdm (``None``: when *stream* is a terminal and tqdm is
            installed).
        clock: seconds, for the rate and time left (monotonic).
        interval: seconds between plain lines.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        bar: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval: float = LINE_INTERVAL,
    ) -> None:
        self._stream = stream
        self._clock = clock
        self._interval = interval
        self._started = clock()
        self._last_line = self._started
        factory = _tqdm() if bar is not False else None
        isatty = getattr(stream, "isatty", None)
        if bar is None and not (callable(isatty) and isatty()):
            factory = None
        self._factory = factory
        self._bar: _Bar | None = None

    def __call__(self, event: ProductionProgress) -> None:
        if self._factory is not None:
            self._draw(event)
        else:
            self._line(event)

    def _draw(self, event: ProductionProgress) -> None:
        if self._bar is None:
            assert self._factory is not None
            size = _size_of(self._stream)
            self._bar = self._factory(
                total=1000,  # per mille of the production (ProductionProgress.fraction)
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}{postfix}",
                desc="producing",
                file=self._stream,
                leave=False,
                # A terminal that reports no size (a bare pseudo-terminal) would get
                # no bar at all: give it the usual 80 x 24.
                dynamic_ncols=size is None,
                ncols=None if size is None else size[0],
                nrows=None if size is None else size[1],
            )
        bar = self._bar
        bar.n = round(event.fraction * 1000)
        elapsed = self._clock() - self._started
        rate = f" ({event.records / elapsed:.0f}/s)" if elapsed > 0 else ""
        bar.set_postfix_str(f"{event.records} records{rate}, {_size(event.bytes)}", refresh=False)
        bar.refresh()
        if event.done:
            self.close()

    def _line(self, event: ProductionProgress) -> None:
        now = self._clock()
        if now - self._last_line < self._interval or event.done:
            return
        self._last_line = now
        elapsed = now - self._started
        rate = event.records / elapsed if elapsed > 0 else 0.0
        left = ""
        if 0 < event.fraction < 1:
            seconds = elapsed * (1 - event.fraction) / event.fraction
            left = f", about {_duration(seconds)} left"
        self._stream.write(
            f"dueprocess: producing: step {event.step}/{event.steps},"
            f" {event.records} records ({_size(event.bytes)}),"
            f" {rate:.0f} records/s{left}\n"
        )
        self._stream.flush()

    def close(self) -> None:
        """Take the bar off the terminal (a production that failed leaves none either)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _size_of(stream: TextIO) -> tuple[int, int] | None:
    """``None`` for a terminal that reports its size, else 80 columns by 24 lines."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return (80, 24)
    return None if size.columns > 0 and size.lines > 0 else (80, 24)


def _duration(seconds: float) -> str:
    """``45 s``, ``3 min``, ``2.5 h``.

    >>> _duration(45.2), _duration(200), _duration(9000)
    ('45 s', '3 min', '2.5 h')
    """
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def progress_for(args: argparse.Namespace, stream: TextIO) -> ProgressDisplay | None:
    """The progress display a command shows, or ``None`` with ``--quiet``."""
    if getattr(args, "quiet", False):
        return None
    return ProgressDisplay(stream)


def production_summary(
    manifest: Manifest, *, outcome: str, out: str, seconds: float
) -> dict[str, Any]:
    """The ``--json`` summary of a production: what a program needs to carry on."""
    return {
        "request_id": manifest.request_id,
        "outcome": outcome,
        "directory": out,
        "produced_at": format_timestamp(manifest.produced_at),
        "accounts": list(manifest.accounts),
        "records": manifest.records,
        "counts": {category.value: count for category, count in manifest.counts.items()},
        "merkle_root": manifest.merkle_root,
        "files": {name: digest.to_dict() for name, digest in manifest.files.items()},
        "seconds": round(seconds, 3),
    } | ({"override": manifest.override} if manifest.override is not None else {})
