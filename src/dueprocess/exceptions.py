"""Every error dueprocess raises, under one base class.

Catch :class:`DueProcessError` to handle anything the library refuses; catch a subclass
for what you can act on. The command line turns each into one message and an exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

__all__ = [
    "CaseNotFound",
    "ConflictError",
    "DueProcessError",
    "IntegrityError",
    "InvalidRequest",
    "InvalidTransition",
    "PolicyError",
    "Problem",
    "ProductionRefused",
    "RenewalRefused",
    "ReportError",
    "StoreError",
]


class DueProcessError(Exception):
    """Base class of every error dueprocess raises on purpose."""


@attrs.frozen(order=True)
class Problem:
    """One thing wrong with a document: where (a JSONPath, ``$.targets[0].value``) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _path_key(problem: Problem) -> tuple[tuple[int, int | str], ...]:
    # Order by JSON path with array indices compared as numbers, so $.targets[10]
    # follows $.targets[9]; within one path keep messages in alphabetical order.
    parts: list[tuple[int, int | str]] = []
    token = ""
    for char in problem.path[1:]:
        if char in ".[]":
            if token:
                parts.append((0, int(token)) if token.isdigit() else (1, token))
            token = ""
        else:
            token += char
    if token:
        parts.append((0, int(token)) if token.isdigit() else (1, token))
    return tuple(parts)


class InvalidRequest(DueProcessError):
    """A document does not fit its format; ``problems`` lists every problem at once.

    Problems are deduplicated and ordered by JSON path (array indices as numbers), or
    by ``order`` when the raiser passes its own sort key.

    >>> error = InvalidRequest([Problem("$.id", "must not be empty")])
    >>> print(error)
    invalid request document (1 problem):
      $.id: must not be empty
    """

    problems: tuple[Problem, ...]

    def __init__(
        self,
        problems: Iterable[Problem],
        what: str = "request document",
        *,
        order: Callable[[Problem], tuple[object, ...]] | None = None,
    ) -> None:
        # ``order`` lets a format list its problems in its own field order (intake does);
        # the sort is stable, so problems with equal keys keep the order they came in.
        key = order or (lambda p: (_path_key(p), p.path, p.message))
        unique = sorted(dict.fromkeys(problems), key=key)
        self.problems = tuple(unique)
        self.what = what
        count = len(self.problems)
        lines = [f"invalid {what} ({count} problem{'s' if count != 1 else ''}):"]
        lines += [f"  {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class PolicyError(DueProcessError):
    """A :class:`~dueprocess.Policy` is inconsistent (a negative limit, an unknown category)."""


class ProductionRefused(DueProcessError):
    """The review does not allow a production (its outcome releases nothing)."""


class StoreError(DueProcessError):
    """A store or sink failed, or holds a record that cannot be produced faithfully."""


class IntegrityError(DueProcessError):
    """A production, manifest or audit chain does not match what it claims."""


class ConflictError(DueProcessError):
    """Another writer changed a case since it was read; reload and try again."""


class InvalidTransition(DueProcessError):
    """A case was asked to move to a state its lifecycle does not allow from where it is."""


class RenewalRefused(InvalidTransition):
    """A preservation renewal was refused; the case and its hold stand as they were.

    The refusal is recorded as an event; :attr:`case` is the case with that event.
    """

    def __init__(self, message: str, *, case: object = None) -> None:
        super().__init__(message)
        self.case = case


class CaseNotFound(StoreError):
    """No case with that id is stored."""

    def __init__(self, case_id: str) -> None:
        super().__init__(f"no case {case_id!r}")
        self.case_id = case_id


class ReportError(DueProcessError, ValueError):
    """A report cannot be built or rendered as asked (a bad period, a layout it cannot fill).

    A malformed CSV file is :class:`InvalidRequest` instead, with every problem and its line.
    """
