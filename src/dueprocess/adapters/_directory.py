"""A production as a directory: the sink that writes one, and the helpers that read one.

:class:`DirectorySink` writes every file into a hidden temporary folder beside the
target (``.NAME.partial-…``) and renames it into place only on :meth:`~DirectorySink.commit`,
after the files are flushed to disk. A production that fails, or a process that is
killed, leaves at most that hidden folder, never a directory at the target path, so
nothing that looks like a complete production can exist unless one was completed.

The production directory is created readable by its owner only (mode 0700, as
``tempfile.mkdtemp`` makes it): it holds personal data. Share it deliberately.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import attrs

from .._production._manifest import FILE_MANIFEST, FILE_RECORDS, Manifest, is_plain_file_name
from .._production._verify import Mismatch, VerificationResult, verify
from .._review._review import Review
from ..exceptions import IntegrityError, StoreError

__all__ = ["DirectorySink", "read_manifest", "read_record_lines", "verify_directory"]

_READ = 1 << 20

#: The largest ``manifest.json`` a directory is read with: 16 MiB, thousands of times
#: what a production of a thousand accounts needs.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


class DirectorySink:
    """Writes a production into the directory *path*, atomically.

    Args:
        path: the production's directory. It must not exist yet, or be empty (a
            ``--out`` folder made in advance); with ``replace=True`` an existing
            production there is replaced, only once the new one is complete.
        durable: flush every file and the directories to disk before and after the
            rename (``fsync``), so a committed production survives a power cut.

    Raises:
        StoreError: *path* exists and holds something (without ``replace``), or the
            file system fails.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, replace: bool = False, durable: bool = True
    ) -> None:
        self.path = Path(path)
        self.replace = replace
        self.durable = durable
        self._partial: Path | None = None
        self._names: list[str] = []
        self._finished = False
        self._check_target()

    def __repr__(self) -> str:
        return f"DirectorySink({str(self.path)!r})"

    def _check_target(self) -> None:
        if self.replace or not self.path.exists():
            return
        if not self.path.is_dir() or any(self.path.iterdir()):
            raise StoreError(
                f"{self.path} already exists and is not empty: choose another directory"
            )

    def _folder(self) -> Path:
        if self._finished:
            raise StoreError(f"the production for {self.path} is already finished")
        if self._partial is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._partial = Path(
                    tempfile.mkdtemp(prefix=f".{self.path.name}.partial-", dir=self.path.parent)
                )
            except OSError as error:
                raise StoreError(f"cannot write beside {self.path}: {error}") from None
        return self._partial

    def write(self, name: str, chunks: Iterable[bytes]) -> None:
        """Write *chunks* as the file *name* (a plain name, no directories)."""
        if not is_plain_file_name(name):
            raise StoreError(f"{name!r} is not a plain file name")
        if name in self._names:
            raise StoreError(f"{name} was already written")
        folder = self._folder()
        try:
            with open(folder / name, "xb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                if self.durable:
                    handle.flush()
                    os.fsync(handle.fileno())
        except OSError as error:
            raise StoreError(f"cannot write {name} for {self.path}: {error}") from None
        self._names.append(name)

    def commit(self) -> None:
        """Rename the finished production into place."""
        folder = self._folder()
        try:
            self._check_target()
            if self.durable:
                _fsync_directory(folder)
            old: Path | None = None
            if self.path.exists():
                if self.path.is_dir() and not any(self.path.iterdir()):
                    self.path.rmdir()
                else:
                    old = self.path.with_name(f".{self.path.name}.replaced-{folder.name}")
                    self.path.rename(old)
            try:
                folder.rename(self.path)
            except OSError:
                if old is not None:
                    # Put the previous production back: a failed replace changes nothing.
                    old.rename(self.path)
                raise
        except OSError as error:
            raise StoreError(f"cannot move the production into {self.path}: {error}") from None
        # The rename is the commit: from here the production is complete and in place,
        # so nothing after it may report a failure (the caller would record none).
        self._partial = None
        self._finished = True
        if old is not None:
            with contextlib.suppress(OSError):  # a hidden leftover at worst
                if old.is_dir():
                    shutil.rmtree(old)
                else:
                    old.unlink()
        if self.durable:
            _fsync_directory(self.path.parent)

    def abort(self) -> None:
        """Remove everything written; the target path is left as it was."""
        if self._partial is not None:
            shutil.rmtree(self._partial, ignore_errors=True)
            self._partial = None
        self._finished = True


def _fsync_directory(path: Path) -> None:
    # Directories cannot be opened for fsync on every platform (Windows): best effort.
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


class _NotAFile(OSError):
    pass


def _open_regular(path: Path) -> int:
    """Open *path* for reading only if it is a regular file, never following a link.

    A hostile directory may put a FIFO (opening it would wait forever) or a link to
    ``/dev/zero`` (reading it would never end) where a file should be: both are refused
    without blocking, and the check is made on what was opened, not on the name.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _NotAFile("a symbolic link, not a file of a production") from None
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise _NotAFile("not a regular file of a production")
    return descriptor


def _read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file *path*; :class:`_NotAFile` past *limit* bytes."""
    with open(_open_regular(path), "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _NotAFile(f"larger than {limit >> 20} MiB, not a manifest")
    return data


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(_open_regular(path), "rb") as handle:
        while chunk := handle.read(_READ):
            yield chunk


@attrs.frozen
class _Listing:
    files: Mapping[str, Path]
    strays: tuple[Mismatch, ...]


def _listing(directory: Path) -> _Listing:
    files: dict[str, Path] = {}
    strays: list[Mismatch] = []
    for entry in sorted(directory.iterdir()):
        if entry.name == FILE_MANIFEST:
            continue
        if entry.is_file() and not entry.is_symlink():
            files[entry.name] = entry
        else:
            strays.append(Mismatch(entry.name, "is not a regular file of a production"))
    return _Listing(files, tuple(strays))


def verify_directory(
    path: str | os.PathLike[str], *, review: Review | None = None
) -> VerificationResult:
    """Verify the production in directory *path* (see :func:`dueprocess.verify`).

    Files are streamed, never read whole. A missing or unreadable directory or
    manifest is reported as a mismatch, not raised.
    """
    directory = Path(path)
    if not directory.is_dir():
        return VerificationResult((Mismatch(str(directory), "is not a directory"),), None)
    try:
        manifest = _read_limited(directory / FILE_MANIFEST, MAX_MANIFEST_BYTES)
    except OSError as error:
        return VerificationResult((Mismatch(FILE_MANIFEST, _unreadable(error)),), None)
    try:
        listing = _listing(directory)
        result = verify(
            manifest,
            {name: _file_chunks(file) for name, file in listing.files.items()},
            review=review,
        )
    except OSError as error:
        return VerificationResult((Mismatch(str(directory), f"unreadable: {error}"),), None)
    return attrs.evolve(result, mismatches=listing.strays + result.mismatches)


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read the manifest of the production in directory *path*.

    Raises:
        IntegrityError: it is missing or not a ``dueprocess.manifest/1`` document.
    """
    try:
        data = _read_limited(Path(path) / FILE_MANIFEST, MAX_MANIFEST_BYTES)
    except OSError as error:
        raise IntegrityError(f"{path}: cannot read {FILE_MANIFEST}: {_unreadable(error)}") from None
    return Manifest.from_json(data)


def _unreadable(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "is missing"
    return f"unreadable: {error.strerror or error}"


def read_record_lines(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """Stream the records of the production in directory *path*: each line's bytes,
    without the newline, for :meth:`Manifest.inclusion_proof`."""
    try:
        with open(Path(path) / FILE_RECORDS, "rb") as handle:
            for line in handle:
                yield line[:-1] if line.endswith(b"\n") else line
    except OSError as error:
        raise IntegrityError(f"{path}: cannot read {FILE_RECORDS}: {error}") from None
