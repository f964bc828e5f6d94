"""A production as one zip file to deliver, and verifying one received that way.

:func:`bundle_production` packs a production directory into a zip that depends on
nothing but the production: the same production always gives the same bytes.

* Entries are the manifest's files and ``manifest.json``, in sorted order, at the top
  of the archive (no folder), each stored uncompressed: deflate output differs between
  zlib builds, stored bytes do not. A production is mostly JSON and Markdown; compress
  the zip for transport if it matters, the digests inside stay the same.
* Every entry has the same fixed time (1980-01-01 00:00, the earliest a zip can hold),
  Unix permissions ``0644``, no extra fields and no comments.
* The production is verified first, files are read without following links, and each
  file's SHA-256 is checked again as it is packed: a damaged production is never packed.
* The zip is written beside its target and linked into place only when complete; an
  existing file is never overwritten.

:func:`verify_bundle` reads a zip as :func:`verify_directory` reads a directory. A zip
comes from outside, so anything but plain files at the top is reported, never extracted:
paths with folders or ``..``, absolute paths, repeated names, links, directories,
encrypted entries, unknown compression, and entries whose size exceeds what the manifest
allows or that expand more than :data:`MAX_RATIO` times (a zip bomb). Nothing is
written to disk while verifying.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import attrs

from .._production._manifest import FILE_MANIFEST, FileDigest, Manifest, is_plain_file_name
from .._production._verify import Mismatch, VerificationResult, verify
from .._review._review import Review
from ..exceptions import IntegrityError, StoreError
from ._directory import MAX_MANIFEST_BYTES, _open_regular, verify_directory

__all__ = ["MAX_RATIO", "bundle_production", "verify_bundle", "verify_production"]

#: The fixed time of every entry: the earliest a zip can state.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: How many times larger than its compressed size an entry may be: deflate reaches
#: about 1,000 only on data built to do so; records and letters stay far below.
MAX_RATIO = 500
#: Entries a production's zip may hold; more is not a production.
MAX_ENTRIES = 64
_READ = 1 << 20
_UNIX = 3


def _entry(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = _UNIX  # the same on every platform
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.file_size = size  # decides ZIP64 up front, so the bytes never depend on timing
    return info


def bundle_production(directory: str | os.PathLike[str], out: str | os.PathLike[str]) -> Manifest:
    """Pack the production in *directory* into the new zip file *out*.

    Returns:
        The production's manifest.

    Raises:
        IntegrityError: the production does not verify (every mismatch listed), or a
            file changed while it was packed.
        StoreError: *out* exists, or cannot be written.
    """
    source, target = Path(directory), Path(out)
    result = verify_directory(source)
    result.raise_for_mismatches()
    manifest = result.manifest
    assert manifest is not None
    if os.path.lexists(target):
        raise StoreError(f"{target} already exists: choose another name")
    if target.absolute().parent.resolve() == source.resolve():
        # A zip inside the production would become a file the manifest does not list.
        raise StoreError(f"{target} is inside the production: write it elsewhere")
    digests = dict(manifest.files)
    manifest_bytes = manifest.to_json()
    names = sorted([*digests, FILE_MANIFEST])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=f".{target.name}.partial-", dir=target.parent)
    except OSError as error:
        raise StoreError(f"cannot write beside {target}: {error}") from None
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w") as archive:
                for name in names:
                    _pack(archive, source, name, manifest_bytes, digests)
            raw.flush()
            os.fsync(raw.fileno())  # the zip is what gets delivered: make it durable
        _link(Path(partial), target)
    except OSError as error:
        raise StoreError(f"cannot write {target}: {error}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(partial)
    return manifest


def _pack(
    archive: zipfile.ZipFile,
    source: Path,
    name: str,
    manifest_bytes: bytes,
    digests: dict[str, FileDigest],
) -> None:
    if name == FILE_MANIFEST:
        archive.writestr(_entry(name, len(manifest_bytes)), manifest_bytes)
        return
    digest = digests[name]
    hashed = hashlib.sha256()
    with archive.open(_entry(name, digest.size), "w") as entry:
        for chunk in _chunks(source / name):
            hashed.update(chunk)
            entry.write(chunk)
    if hashed.hexdigest() != digest.sha256:
        raise IntegrityError(f"{source / name} changed while it was packed")


def _chunks(path: Path) -> Iterator[bytes]:
    with open(_open_regular(path), "rb") as handle:
        while chunk := handle.read(_READ):
            yield chunk


def _link(partial: Path, target: Path) -> None:
    """Put the finished zip at *target*, never replacing what is there."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise StoreError(f"{target} already exists: choose another name") from None
    except OSError:  # pragma: no cover - a file system without hard links
        if os.path.lexists(target):
            raise StoreError(f"{target} already exists: choose another name") from None
        os.replace(partial, target)


def verify_bundle(
    path: str | os.PathLike[str], *, review: Review | None = None
) -> VerificationResult:
    """Verify the production in the zip file *path* (see :func:`dueprocess.verify`).

    Entries are streamed from the archive, never extracted. Anything that makes the zip
    unsafe or not a production is a mismatch, not an exception.
    """
    where = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        return VerificationResult((Mismatch(where, f"not a readable zip file: {error}"),), None)
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            crowded = f"holds {len(entries)} entries; a production has a handful"
            return VerificationResult((Mismatch(where, crowded),), None)
        strays: list[Mismatch] = []
        usable: dict[str, zipfile.ZipInfo] = {}
        seen: set[str] = set()
        for info in entries:
            unsafe = _unsafe(info, seen)
            seen.add(info.filename)
            if unsafe is not None:
                strays.append(Mismatch(info.filename, unsafe))
                usable.pop(info.filename, None)
            else:
                usable[info.filename] = info
        manifest_info = usable.pop(FILE_MANIFEST, None)
        if manifest_info is None:
            problem = "is missing" if FILE_MANIFEST not in seen else "is not usable"
            return VerificationResult((*strays, Mismatch(FILE_MANIFEST, problem)), None)
        if manifest_info.file_size > MAX_MANIFEST_BYTES:
            problem = f"larger than {MAX_MANIFEST_BYTES >> 20} MiB, not a manifest"
            return VerificationResult((*strays, Mismatch(FILE_MANIFEST, problem)), None)
        try:
            manifest_bytes = archive.read(manifest_info)
            files = {name: _entry_chunks(archive, info) for name, info in usable.items()}
            result = verify(manifest_bytes, files, review=review)
        except (
            OSError,
            zipfile.BadZipFile,
            ValueError,
            EOFError,
            NotImplementedError,  # an entry whose local header disagrees with the listing
            RuntimeError,
        ) as error:
            problem = f"a damaged entry: {error}"
            return VerificationResult((*strays, Mismatch(where, problem)), None)
    return attrs.evolve(result, mismatches=(*strays, *result.mismatches))


def _unsafe(info: zipfile.ZipInfo, seen: set[str]) -> str | None:
    """Why an entry cannot be a file of a production, or ``None``."""
    name = info.filename
    if name in seen:
        return "appears more than once in the zip"
    if not is_plain_file_name(name):
        return "is not a plain file name at the top of the zip (folders, .. and / are refused)"
    mode = info.external_attr >> 16
    if info.is_dir() or (stat.S_IFMT(mode) and not stat.S_ISREG(mode)):
        return "is not a regular file (a link or a folder)"
    if info.flag_bits & 0x1:
        return "is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"uses a compression method dueprocess does not read ({info.compress_type})"
    if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (
            f"expands {info.file_size} bytes from {info.compress_size}: more than"
            f" {MAX_RATIO} times, refused as a zip bomb"
        )
    return None


def _entry_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    # zipfile stops at the declared size and checks the CRC at the end, so an entry can
    # never expand past the size its header states (checked against the ratio above).
    with archive.open(info) as entry:
        while chunk := entry.read(_READ):
            yield chunk


def verify_production(
    path: str | os.PathLike[str], *, review: Review | None = None
) -> VerificationResult:
    """Verify a production given as a directory or as a zip made by :func:`bundle_production`.

    >>> verify_production("/nonexistent").mismatches[0].message
    'is neither a production directory nor a zip file'
    """
    if os.path.isdir(path):
        return verify_directory(path, review=review)
    if os.path.isfile(path):
        return verify_bundle(path, review=review)
    where = str(path)
    return VerificationResult(
        (Mismatch(where, "is neither a production directory nor a zip file"),), None
    )
