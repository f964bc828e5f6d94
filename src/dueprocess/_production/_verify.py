"""Checking a production against its manifest, figure by figure (docs/formats.md).

:func:`verify` is pure: it is given ``manifest.json``'s bytes and each file's bytes (as
streams of chunks, so a large ``records.jsonl`` is never held whole) and recomputes every
figure the manifest states. Each disagreement becomes one :class:`Mismatch`; nothing is
raised for a damaged production, so a report can list everything at once.
``dueprocess.adapters.verify_directory`` feeds it a directory.

What is checked:

* the manifest is a ``dueprocess.manifest/1`` document, in exactly the form dueprocess
  writes it (so even an edit that keeps it valid JSON is caught);
* it lists ``records.jsonl``, ``letter.md`` and ``certificate.md``; every listed file
  is present with the stated SHA-256 and size, and no other file is;
* the certificate restates each figure of the manifest (request, review hash, time,
  period, accounts, counts, digest, root) exactly as the manifest has it;
* ``records.jsonl``: each line is a record in canonical form, of a listed account and a
  counted category, inside the period (subscriber aside), in production order; the
  total, the count per category and the Merkle root equal the manifest's;
* given the review as well, its SHA-256, request id and period, and that each record is
  of a category the review released with only the fields it released.

A changed, removed, added or reordered record changes the Merkle root (the leaves are
hashed in order), so it is always caught, whatever else is also reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from .._base._enums import Category
from .._review._review import Review
from ..exceptions import IntegrityError, InvalidDocument
from ._certificate import manifest_rows
from ._manifest import (
    FILE_CERTIFICATE,
    FILE_LETTER,
    FILE_MANIFEST,
    FILE_RECORDS,
    Manifest,
    parse_manifest,
)
from ._merkle import MerkleBuilder
from ._records import MAX_RECORD_BYTES, Record

if TYPE_CHECKING:
    from hashlib import _Hash

__all__ = ["MAX_LINE_MISMATCHES", "Mismatch", "VerificationResult", "verify"]

#: Line-by-line findings reported for records.jsonl before the rest are summed up in one.
MAX_LINE_MISMATCHES = 100

_CATEGORY_ORDER = {category: position for position, category in enumerate(Category)}
_REQUIRED = (FILE_RECORDS, FILE_LETTER, FILE_CERTIFICATE)
_MAX_CERTIFICATE = 1 << 20


@attrs.frozen
class Mismatch:
    """One way a production differs from what its manifest (or review) says.

    ``subject`` names the file, the manifest key or the line (``records.jsonl line 3``).
    """

    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


@attrs.frozen
class VerificationResult:
    """Every mismatch found; an intact production has none.

    ``manifest`` is the manifest as read (``None`` if it could not be read at all).
    """

    mismatches: tuple[Mismatch, ...]
    manifest: Manifest | None

    @property
    def ok(self) -> bool:
        """Whether the production is intact."""
        return not self.mismatches

    def raise_for_mismatches(self) -> None:
        """Raise :class:`IntegrityError` listing every mismatch, if there is any."""
        if self.mismatches:
            lines = "\n".join(f"  {mismatch}" for mismatch in self.mismatches)
            count = len(self.mismatches)
            raise IntegrityError(
                f"the production does not match its manifest ({count} mismatch"
                f"{'es' if count != 1 else ''}):\n{lines}"
            )

    def __repr__(self) -> str:
        if self.ok:
            return "<VerificationResult: intact>"
        return f"<VerificationResult: {len(self.mismatches)} mismatches>"


def verify(
    manifest: bytes | str,
    files: Mapping[str, bytes | Iterable[bytes]],
    *,
    review: Review | None = None,
) -> VerificationResult:
    """Recompute a production's figures and compare them with its manifest.

    Args:
        manifest: the bytes of ``manifest.json``.
        files: every other file of the production by name, each as its bytes or as an
            iterable of chunks (read once, in order).
        review: the review the production answers, if at hand; adds the checks of the
            review's hash, request id, period and released categories and fields.

    Returns:
        The mismatches, none for an intact production.

    >>> result = verify(b"{}", {})
    >>> result.ok, str(result.mismatches[0])
    (False, 'manifest.json: $.format: required')
    """
    out: list[Mismatch] = []
    try:
        document = json.loads(manifest)
    except (ValueError, RecursionError) as error:
        return VerificationResult((Mismatch(FILE_MANIFEST, f"not JSON: {error}"),), None)
    parsed, problems = parse_manifest(document)
    if parsed is None:
        mismatches = tuple(Mismatch(FILE_MANIFEST, str(problem)) for problem in problems)
        return VerificationResult(mismatches, None)
    raw = manifest.encode("utf-8") if isinstance(manifest, str) else manifest
    if raw != parsed.to_json():
        # dueprocess writes one exact form; any other bytes mean someone edited it.
        out.append(Mismatch(FILE_MANIFEST, "is not in the form dueprocess writes: edited?"))
    if review is not None:
        out += _against_review(parsed, review)
    for name in _REQUIRED:
        if name not in parsed.files:
            out.append(Mismatch(FILE_MANIFEST, f"does not list {name}"))
    for name in files:
        if name not in parsed.files:
            out.append(Mismatch(name, "is not listed in the manifest"))
    for name, digest in parsed.files.items():
        if name not in files:
            out.append(Mismatch(name, "is missing"))
            continue
        if name == FILE_RECORDS:
            checker = _RecordsCheck(parsed, review)
            sha256, size = _hash(checker.feed(_chunks(files[name])))
            out += checker.finish()
        elif name == FILE_CERTIFICATE:
            kept: list[bytes] = []
            sha256, size = _hash(_keep(_chunks(files[name]), kept))
            out += _against_certificate(parsed, b"".join(kept))
        else:
            sha256, size = _hash(_chunks(files[name]))
        if size != digest.size:
            out.append(Mismatch(name, f"is {size} bytes, the manifest says {digest.size}"))
        if sha256 != digest.sha256:
            out.append(Mismatch(name, f"SHA-256 is {sha256}, the manifest says {digest.sha256}"))
    return VerificationResult(tuple(out), parsed)


def _chunks(content: bytes | Iterable[bytes]) -> Iterable[bytes]:
    return (content,) if isinstance(content, bytes) else content


def _keep(chunks: Iterable[bytes], kept: list[bytes]) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size <= _MAX_CERTIFICATE:
            kept.append(chunk)
        yield chunk


def _against_certificate(manifest: Manifest, data: bytes) -> list[Mismatch]:
    """Each figure of the manifest must be stated, as written, in the certificate."""
    try:
        stated = set(data.decode("utf-8").splitlines())
    except UnicodeDecodeError:
        return [Mismatch(FILE_CERTIFICATE, "is not UTF-8 text")]
    if FILE_RECORDS not in manifest.files:
        return []
    return [
        Mismatch(FILE_CERTIFICATE, f"does not state the manifest's figure {row!r}")
        for row in manifest_rows(manifest)
        if row not in stated
    ]


def _hash(chunks: Iterable[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _against_review(manifest: Manifest, review: Review) -> list[Mismatch]:
    out: list[Mismatch] = []
    expected = hashlib.sha256(review.canonical_bytes()).hexdigest()
    if manifest.review_sha256 != expected:
        out.append(
            Mismatch("review_sha256", f"is {manifest.review_sha256}, the review's is {expected}")
        )
    if manifest.request_id != review.request_id:
        out.append(
            Mismatch(
                "request_id", f"is {manifest.request_id!r}, the review's is {review.request_id!r}"
            )
        )
    if manifest.period != review.period:
        out.append(Mismatch("period", "differs from the review's effective period"))
    released = [item.category for item in review.scope.categories]
    if list(manifest.counts) != released:
        names = ", ".join(category.value for category in released) or "nothing"
        out.append(Mismatch("counts", f"categories differ from what the review released: {names}"))
    return out


@attrs.define
class _Line:
    """One line of records.jsonl as its pieces arrive: held whole up to
    ``MAX_RECORD_BYTES``, past that only hashed into its Merkle leaf."""

    pieces: list[bytes] = attrs.field(factory=list)
    size: int = 0
    leaf: _Hash | None = None

    def add(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.leaf is not None:
            self.leaf.update(piece)
        elif self.size > MAX_RECORD_BYTES:
            self.leaf = hashlib.sha256(b"\x00")
            for held in self.pieces:
                self.leaf.update(held)
            self.leaf.update(piece)
            self.pieces = []
        elif piece:
            self.pieces.append(piece)


@attrs.define
class _RecordsCheck:
    """Checks records.jsonl line by line as its chunks stream past."""

    manifest: Manifest
    review: Review | None
    merkle: MerkleBuilder = attrs.field(factory=MerkleBuilder)
    counts: dict[Category, int] = attrs.field(factory=dict)
    lines: list[Mismatch] = attrs.field(factory=list)
    bad_lines: int = 0
    unterminated: bool = False
    _previous: tuple[int, int, dt.datetime, bytes] | None = None
    # Each account's place in the manifest, looked up once per line: verify stays linear
    # in the size of the production however many accounts it lists.
    _positions: dict[str, int] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._positions = {}
        for position, account in enumerate(self.manifest.accounts):
            self._positions.setdefault(account, position)

    def feed(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Pass *chunks* through, checking each complete line.

        A line is held only up to ``MAX_RECORD_BYTES`` (no production writes a longer
        one), in pieces joined once, so time stays linear however the file is cut; the
        rest of a longer line only goes into its Merkle leaf.
        """
        line = _Line()
        number = 0
        for chunk in chunks:
            yield chunk
            if not chunk:
                continue
            parts = chunk.split(b"\n")
            if len(parts) == 1:
                line.add(chunk)
                continue
            line.add(parts[0])
            number += 1
            self._finish_line(number, line)
            for part in parts[1:-1]:
                number += 1
                self._line(number, part)
            line = _Line()
            line.add(parts[-1])
        if line.size:
            number += 1
            self.unterminated = True
            self._finish_line(number, line)

    def _finish_line(self, number: int, line: _Line) -> None:
        if line.leaf is None:
            self._line(number, b"".join(line.pieces))
            return
        self.merkle.append_hash(line.leaf.digest())
        self._problem(number, f"is longer than {MAX_RECORD_BYTES >> 20} MiB: not a record")

    def _problem(self, number: int, message: str) -> None:
        self.bad_lines += 1
        if len(self.lines) < MAX_LINE_MISMATCHES:
            self.lines.append(Mismatch(f"{FILE_RECORDS} line {number}", message))

    def _line(self, number: int, line: bytes) -> None:
        self.merkle.append(line)
        try:
            record = Record.from_dict(json.loads(line), strict=False)
        except InvalidDocument as error:
            problem = error.problems[0] if error.problems else None
            self._problem(number, f"not a record ({problem})")
            return
        except (ValueError, RecursionError) as error:
            self._problem(number, f"not JSON ({error})")
            return
        self.counts[record.category] = self.counts.get(record.category, 0) + 1
        manifest = self.manifest
        if record.canonical_bytes() != line:
            self._problem(number, "not in canonical form")
        position = self._positions.get(record.account)
        if position is None:
            self._problem(number, f"account {record.account!r} is not one of the manifest's")
        if record.category not in manifest.counts:
            self._problem(number, f"category {record.category.value} is not in the manifest")
        elif (
            record.category is not Category.SUBSCRIBER
            and manifest.period is not None
            and not manifest.period.contains(record.at)
        ):
            self._problem(number, "is outside the manifest's period")
        if self.review is not None:
            self._against_review(number, record)
        if position is not None:
            key = (
                position,
                _CATEGORY_ORDER[record.category],
                record.at,
                line,
            )
            if self._previous is not None and key < self._previous:
                self._problem(number, "is out of production order")
            self._previous = key

    def _against_review(self, number: int, record: Record) -> None:
        assert self.review is not None
        for item in self.review.scope.categories:
            if item.category is record.category:
                if item.fields is not None and not set(record.fields) <= set(item.fields):
                    extra = ", ".join(sorted(set(record.fields) - set(item.fields)))
                    self._problem(number, f"holds fields the review withheld: {extra}")
                return
        self._problem(number, f"category {record.category.value} was not released by the review")

    def finish(self) -> list[Mismatch]:
        """The line mismatches, then the totals compared with the manifest."""
        manifest = self.manifest
        out = list(self.lines)
        if self.bad_lines > len(self.lines):
            more = self.bad_lines - len(self.lines)
            out.append(Mismatch(FILE_RECORDS, f"{more} more line problems not listed"))
        if self.unterminated:
            out.append(Mismatch(FILE_RECORDS, "the last line does not end with a newline"))
        if self.merkle.size != manifest.records:
            out.append(
                Mismatch(
                    "records",
                    f"{FILE_RECORDS} holds {self.merkle.size} records,"
                    f" the manifest says {manifest.records}",
                )
            )
        for category in dict.fromkeys([*manifest.counts, *self.counts]):
            found = self.counts.get(category, 0)
            stated = manifest.counts.get(category)
            if stated is not None and found != stated:
                out.append(
                    Mismatch(
                        f"counts.{category.value}",
                        f"{FILE_RECORDS} holds {found}, the manifest says {stated}",
                    )
                )
        if sum(manifest.counts.values()) != manifest.records:
            out.append(Mismatch("counts", "do not add up to the manifest's records"))
        root = self.merkle.root().hex()
        if root != manifest.merkle_root:
            out.append(
                Mismatch(
                    "merkle_root",
                    f"the records' Merkle root is {root}, the manifest says {manifest.merkle_root}",
                )
            )
        return out
