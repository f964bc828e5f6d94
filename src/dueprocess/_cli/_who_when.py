"""Who acts and when, on the command line: the operating-system login and the clock.

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
import os

from .._base._dates import format_timestamp, parse_timestamp
from ..cases import Actor
from ._common import EXIT_INVALID, CommandError

__all__ = ["MAX_CLOCK_AHEAD", "OsLogin", "clock_from", "reject_actor_option", "timestamp"]


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
    if getattr(args, "actor", None) is not None:
        raise CommandError(
            "--actor is not accepted: who acts is the operating-system login"
            f" ({_login()!r}); run the command as the person who acts",
            EXIT_INVALID,
        )


def clock_from(args: argparse.Namespace) -> _FixedClock | _SystemClock:
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
