"""Reading a JSON Lines file in bounded pieces, and writing one file the way a production
is written: new, whole, and where it was asked.

:func:`read_lines` streams the lines of a records or identities file for
:func:`~dueprocess.read_records` and a store's ``import_records`` (``dueprocess store
import``), never holding more than one record's limit of a line at once.

Every file the command line writes (``report --out``, the notices of ``case notify
--outbox``, the demo's files) goes through :func:`write_file`, which keeps the rules
:class:`~dueprocess.adapters.DirectorySink` keeps for a production:

* **never overwrite**: a file already at the path is an error, unless the caller asked to
  replace it (``--force``); a file that already holds exactly these bytes is left alone
  (writing it again changes nothing);
* **never follow a symbolic link**: a link at the path (or a directory, a FIFO, a device)
  is refused, replace or not, so a planted ``report.csv -> ~/.ssh/authorized_keys`` can
  neither be followed nor silently swapped;
* **atomically**: the bytes go to a hidden temporary file beside the target, are flushed
  to disk, and only then take the target's name (``link`` for a new file, so a file that
  appeared meanwhile is not overwritten; ``rename`` to replace). A failure or a killed
  process leaves the target as it was and no partial file under its name.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .._production._records import MAX_RECORD_BYTES
from ..exceptions import StoreError
from ._directory import _fsync_directory

__all__ = ["check_writable", "read_lines", "write_file"]

_SKIP = 1 << 20


def read_lines(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """Stream the lines of the JSON Lines file *path* (records or identities), line
    breaks kept, for :func:`~dueprocess.read_records`, :func:`~dueprocess.read_identities`
    and a store's ``import_records``.

    A line is read at most one record's limit (16 MiB) and its line break at a time, so a
    file with no line breaks is never held whole: the first part of an over-long line is
    passed on (the reader names it as too long) and the rest is skipped.

    Raises:
        StoreError: the file cannot be read (``PATH: cannot read: reason``).
    """
    limit = MAX_RECORD_BYTES + 2
    try:
        with open(path, "rb") as handle:
            while line := handle.readline(limit):
                if len(line) == limit and not line.endswith(b"\n"):
                    while (rest := handle.readline(_SKIP)) and not rest.endswith(b"\n"):
                        pass
                yield line
    except OSError as error:
        raise StoreError(f"{path}: cannot read: {error.strerror or error}") from None


def _existing(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None  # writing will fail, and say why
    except OSError as error:
        raise StoreError(f"{path}: cannot look at it: {error.strerror or error}") from None


def check_writable(path: str | os.PathLike[str], *, replace: bool = False) -> None:
    """Raise :class:`StoreError` now if :func:`write_file` would refuse *path* (so a
    command can refuse before doing any work)."""
    target = Path(path)
    found = _existing(target)
    if found is None:
        return
    if stat.S_ISLNK(found.st_mode):
        raise StoreError(f"{target} is a symbolic link: dueprocess never writes through one")
    if not stat.S_ISREG(found.st_mode):
        raise StoreError(f"{target} exists and is not a regular file")
    if not replace:
        raise StoreError(f"{target} already exists: choose another name, or --force to replace it")


def write_file(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    replace: bool = False,
    mode: int = 0o600,
    durable: bool = True,
) -> bool:
    """Write *data* as the file *path* under the rules above; return whether it wrote.

    Args:
        path: the file to create (its folder is created if missing).
        data: the whole content.
        replace: replace a regular file already there (never a link or a directory).
        mode: the new file's permissions (before the umask); ``0o600`` by default, as
            what dueprocess writes often holds personal data.
        durable: ``fsync`` the file and its folder.

    Raises:
        StoreError: the path is refused, or the file system failed; the target is as it was.
    """
    target = Path(path)
    found = _existing(target)
    if found is not None and stat.S_ISREG(found.st_mode) and _holds(target, data):
        return False
    check_writable(target, replace=replace)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.partial-", dir=target.parent)
    except OSError as error:
        raise StoreError(f"cannot write beside {target}: {error.strerror or error}") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            os.fchmod(file.fileno(), mode & ~_umask())
            file.write(data)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        if replace and found is not None:
            check_writable(target, replace=True)  # still a regular file, not a new link
            os.replace(temporary, target)
        else:
            # link() fails if anything took the name meanwhile: nothing is overwritten.
            os.link(temporary, target, follow_symlinks=False)
    except FileExistsError:
        raise StoreError(
            f"{target} already exists: choose another name, or --force to replace it"
        ) from None
    except OSError as error:
        raise StoreError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    if durable:
        _fsync_directory(target.parent)
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether the regular file *path* holds exactly *data* (read without following links)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False  # unreadable, or swapped for a link: the checks that follow say why
    with open(descriptor, "rb") as handle:
        return handle.read(len(data) + 1) == data


def _umask() -> int:
    # os.umask can only be read by setting it; this is the usual way, done once per file.
    current = os.umask(0o077)
    os.umask(current)
    return current
