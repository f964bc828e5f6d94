"""What the commands read, in one place: documents, policies, templates, stores, the case
database, and who acts when.

Each reader turns what the user got wrong into a :class:`CommandError` with exit code 2
and a message naming the file or option. Documents are read strictly (a bounded size,
UTF-8, JSON with no key repeated) before the library sees them.

The command line is the one place that reads the system clock: ``--now`` defaults to it,
and a ``--now`` more than five minutes ahead of it is refused (events cannot be
post-dated). Who acts is the operating-system login of the process (:class:`OsLogin`,
its effective user, not ``$USER``), never a name typed on the command line: ``--actor``
is refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .. import DEFAULT_POLICY, LegalRequest, Policy, load_policy, load_request
from .._base._dates import format_timestamp, parse_timestamp
from .._base._json import RepeatedKeys
from .._base._json import loads as strict_json
from ..adapters import (
    DirectorySink,
    SqliteStore,
    is_in_memory,
    load_table_mappings,
    open_case_store,
    open_record_store,
)
from ..cases import Actor, Cases
from ..exceptions import CaseNotFound, InvalidPolicy
from ..parts import check_certificate_template
from ..typing import Notifier
from ._common import EXIT_INVALID, CommandError, bad_input, terminal_safe

if TYPE_CHECKING:
    from ..adapters import SqlStore  # imported on use only: SQLAlchemy is an extra

__all__ = [
    "MAX_CLOCK_AHEAD",
    "MAX_DOCUMENT_BYTES",
    "OsLogin",
    "certificate_template",
    "clock_from",
    "durable_store",
    "open_cases",
    "open_sink",
    "open_source",
    "policy_from",
    "read_bytes",
    "read_json",
    "read_policy",
    "read_request",
    "read_text",
    "reject_actor_option",
    "timestamp",
]

# --- documents ---------------------------------------------------------------------------

#: The largest document the command line reads (16 MiB): far above any real request,
#: low enough that a hostile file cannot exhaust memory. See docs/limits.md.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024


def read_bytes(path: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Read a file, or standard input for ``-``, refusing more than *limit* bytes (exit 2)."""
    try:
        if path == "-":
            buffer = getattr(sys.stdin, "buffer", None)
            if buffer is None:  # a text-only stream (an embedding program, a notebook)
                data = sys.stdin.read(limit + 1).encode("utf-8", "surrogatepass")
            else:
                data = buffer.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a file", EXIT_INVALID) from None
    except OSError as error:
        raise CommandError(
            f"{path}: cannot read: {error.strerror or error}", EXIT_INVALID
        ) from None
    if len(data) > limit:
        raise CommandError(
            f"{path}: larger than {limit // (1024 * 1024)} MiB; not a request document",
            EXIT_INVALID,
        )
    return data


def read_text(path: str, limit: int = MAX_DOCUMENT_BYTES) -> str:
    """Read a UTF-8 file (a BOM is allowed), or standard input for ``-``; errors exit 2."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})", EXIT_INVALID
        ) from None


def read_json(path: str) -> Any:
    """Read and parse one JSON document (a request, a policy, a renewal) strictly: malformed
    JSON is exit 2 with line and column, and so is a key repeated in one object, with the
    JSON path of each (``json.loads`` would silently keep the last)."""
    text = read_text(path)
    try:
        return strict_json(text)
    except RepeatedKeys as error:
        problems = "\n".join(f"  {message}" for message in error.messages())
        raise CommandError(f"{path}: a key is repeated:\n{problems}", EXIT_INVALID) from None
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            EXIT_INVALID,
        ) from None
    except RecursionError:
        raise CommandError(f"{path}: JSON nested too deeply", EXIT_INVALID) from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise CommandError(f"{path}: malformed JSON: {error}", EXIT_INVALID) from None


def read_request(path: str) -> LegalRequest:
    """The request document at *path* (``-``: standard input); a bad one is exit 2."""
    return load_request(read_json(path))


def read_policy(path: str) -> Policy:
    """The policy document at *path*; a bad one is exit 2, naming the file."""
    try:
        return load_policy(read_json(path))
    except InvalidPolicy as error:
        raise CommandError(f"{path}: {error}", EXIT_INVALID) from None


def policy_from(args: argparse.Namespace) -> Policy:
    """The policy named by ``--policy FILE``, or the default policy."""
    path: str | None = getattr(args, "policy", None)
    return DEFAULT_POLICY if path is None else read_policy(path)


def certificate_template(args: argparse.Namespace) -> str | None:
    """The template ``--certificate-template`` names, checked; a bad one is exit 2."""
    path: str | None = getattr(args, "certificate_template", None)
    if path is None:
        return None
    text = read_text(path)
    try:
        check_certificate_template(text)
    except ValueError as error:
        raise CommandError(f"{path}: {error}", EXIT_INVALID) from None
    return text


# --- stores and output -------------------------------------------------------------------


def durable_store(spec: str, option: str) -> str:
    """*spec*, unless it names an in-memory database: a command that records cases or
    records there would report success and keep nothing (exit 2).

    >>> durable_store("cases.sqlite", "--db")
    'cases.sqlite'
    """
    if is_in_memory(spec):
        raise CommandError(
            f"{option} {terminal_safe(spec)}: an in-memory database keeps nothing once the"
            " command ends; give a file or a database server",
            EXIT_INVALID,
        )
    return spec


def open_source(args: argparse.Namespace) -> SqliteStore | SqlStore:
    """The record store of ``--store`` (and ``--mapping``, the service's own tables read
    through SQLAlchemy), opened to read; a store that is missing, foreign or wrongly
    mapped is bad input (exit 2)."""
    durable_store(args.store, "--store")  # never an in-memory database
    path: str | None = getattr(args, "mapping", None)
    mapping = None
    if path is not None:
        with bad_input("--mapping: "):
            mapping = load_table_mappings(path)
    with bad_input():
        return open_record_store(args.store, create=False, readonly=True, mapping=mapping)


def open_sink(out: str) -> DirectorySink:
    """The new production directory *out*; a path in the way is exit 2."""
    with bad_input():
        return DirectorySink(out)


@contextmanager
def open_cases(
    args: argparse.Namespace, *, create: bool = False, notifier: Notifier | None = None
) -> Iterator[Cases]:
    """A Cases service over ``--db`` (with ``--now`` and ``--policy``); a missing or
    foreign database, or an unknown case, is exit 2."""
    with bad_input():
        # A SQLite path or a SQLAlchemy URL, never an in-memory database.
        store = open_case_store(durable_store(args.db, "--db"), create=create)
    try:
        clock = clock_from(args)
        reject_actor_option(args)
    except CommandError:
        store.close()
        raise
    try:
        yield Cases(store, clock, policy=policy_from(args), notifier=notifier, identity=OsLogin())
    except CaseNotFound as error:
        raise CommandError(f"{args.db}: {error}", EXIT_INVALID) from None
    finally:
        store.close()


# --- who acts, and when ------------------------------------------------------------------


class _SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class _FixedClock:
    def __init__(self, moment: dt.datetime) -> None:
        self._moment = moment

    def now(self) -> dt.datetime:
        return self._moment


#: How far ahead of the machine's clock ``--now`` may be (clocks drift a little).
MAX_CLOCK_AHEAD = dt.timedelta(minutes=5)


def timestamp(text: str, option: str) -> dt.datetime:
    """The timestamp an option gives; a malformed one is exit 2, naming *option*."""
    try:
        return parse_timestamp(text)
    except ValueError as error:
        raise CommandError(f"{option}: {error}", EXIT_INVALID) from None


def _login() -> str:
    """The operating-system login of the process (its effective user), not an
    environment variable anyone can set."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):  # no pwd (Windows), or a uid without a name
        pass
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "dueprocess-cli"


class OsLogin:
    """The command line's identity provider: the operating-system login."""

    def current(self) -> Actor:
        return Actor(_login())


def reject_actor_option(args: argparse.Namespace) -> None:
    """Refuse ``--actor`` (exit 2): who acts is the operating-system login."""
    if getattr(args, "actor", None) is not None:
        raise CommandError(
            "--actor is not accepted: who acts is the operating-system login"
            f" ({_login()!r}); run the command as the person who acts",
            EXIT_INVALID,
        )


def clock_from(args: argparse.Namespace) -> _FixedClock | _SystemClock:
    """The clock of ``--now``, or the system clock; a ``--now`` ahead of it is exit 2."""
    now = getattr(args, "now", None)
    if now is None:
        return _SystemClock()
    moment = timestamp(now, "--now")
    machine = _SystemClock().now()
    if moment > machine + MAX_CLOCK_AHEAD:
        raise CommandError(
            f"--now {format_timestamp(moment)} is more than five minutes ahead of this"
            f" machine's clock ({format_timestamp(machine)}); events cannot be post-dated",
            EXIT_INVALID,
        )
    return _FixedClock(moment)
