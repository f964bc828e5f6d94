"""Every error dueprocess raises, under one base class.

Catch :class:`DueProcessError` to handle anything the library refuses; catch a subclass
for what you can act on. The command line turns each into one message and an exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

import attrs

__all__ = [
    "CaseNotFound",
    "ConflictError",
    "DueProcessError",
    "IntegrityError",
    "InvalidArgument",
    "InvalidCaseDocument",
    "InvalidDocument",
    "InvalidPolicy",
    "InvalidRecords",
    "InvalidReportFile",
    "InvalidRequest",
    "InvalidTransition",
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


class InvalidDocument(DueProcessError):
    """Something the caller handed in does not fit its format; ``problems`` lists every
    problem at once, each with its JSON path.

    The subclasses say *what* was invalid: :class:`InvalidRequest` (a request document),
    :class:`InvalidRecords` (a records or identities file), :class:`InvalidReportFile` (a
    published transparency-report CSV), :class:`InvalidCaseDocument` (a stored case) and
    :class:`InvalidArgument` (a value passed to a call: a callback result, an override's
    reason, an actor). Catch this class to handle all of them alike; the command line
    reports each with exit code 2.

    Problems are deduplicated and ordered by JSON path (array indices as numbers), or
    by ``order`` when the raiser passes its own sort key.
    """

    problems: tuple[Problem, ...]
    #: What was invalid, in words ("request document", "records", ...): the message's subject.
    what: str
    #: The default ``what`` of each subclass.
    WHAT: ClassVar[str] = "document"

    def __init__(
        self,
        problems: Iterable[Problem],
        what: str | None = None,
        *,
        order: Callable[[Problem], tuple[object, ...]] | None = None,
    ) -> None:
        # ``order`` lets a format list its problems in its own field order (intake does);
        # the sort is stable, so problems with equal keys keep the order they came in.
        key = order or (lambda p: (_path_key(p), p.path, p.message))
        unique = sorted(dict.fromkeys(problems), key=key)
        self._describe(tuple(unique), what)

    def _describe(self, problems: tuple[Problem, ...], what: str | None) -> None:
        self.problems = problems
        self.what = what if what is not None else self.WHAT
        count = len(self.problems)
        lines = [f"invalid {self.what} ({count} problem{'s' if count != 1 else ''}):"]
        lines += [f"  {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class InvalidRequest(InvalidDocument):
    """A request document does not fit the request format (docs/formats.md).

    >>> error = InvalidRequest([Problem("$.id", "must not be empty")])
    >>> print(error)
    invalid request document (1 problem):
      $.id: must not be empty
    """

    WHAT = "request document"


class InvalidRecords(InvalidDocument):
    """A JSON Lines file of records or identities has bad lines; ``problems`` names each.

    Each problem's ``path`` starts with the line number (``line 3, $.at``), and problems
    keep the order of the file: that is the order a person fixes them in.

    >>> print(InvalidRecords([Problem("line 2, $.at", "required")]))
    invalid records (1 problem):
      line 2, $.at: required
    """

    WHAT = "records"

    def __init__(self, problems: Iterable[Problem], what: str | None = None) -> None:
        self._describe(tuple(problems), what)


class InvalidReportFile(InvalidDocument):
    """A published transparency-report CSV cannot be read: each problem names its line
    and column (``line 4, column "Period"``)."""

    WHAT = "transparency report CSV"


class InvalidCaseDocument(InvalidDocument):
    """A stored case document cannot be read back as a case (a store's row was damaged or
    written by something other than dueprocess)."""

    WHAT = "case document"


class InvalidArgument(InvalidDocument, ValueError):
    """A value passed to a call is not acceptable: a callback result other than
    ``confirmed``/``failed``, an override without a reason, an actor who is not the
    authenticated user. ``what`` names the argument."""

    WHAT = "argument"


class InvalidPolicy(DueProcessError):
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

    A malformed CSV file is :class:`InvalidReportFile` instead, with every problem and its line.
    """
