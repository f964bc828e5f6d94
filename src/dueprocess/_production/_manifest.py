"""The production manifest, format ``dueprocess.manifest/1`` (docs/formats.md).

``manifest.json`` states every figure a production can be checked against: how many
records of each category, the SHA-256 and size of each file, and the RFC 6962 Merkle root
over the records. It is written last, so a directory without it is not a production.

Choices the format leaves open, made here:

* ``counts`` has one entry for *every* released category, zero included, in the order
  of the request format's table: "we looked and found none" is part of the answer.
* ``files`` lists ``records.jsonl``, ``letter.md`` and ``certificate.md`` (in the order
  they are written), so an edit to the letter or the certificate is caught too.
* ``manifest.json`` itself is indented JSON in the format's key order with a final
  newline: people read it, and no hash is taken over it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._base._dates import format_timestamp, parse_date, parse_timestamp
from .._base._enums import Category
from .._intake._request import Period
from ..exceptions import IntegrityError, Problem
from ._merkle import InclusionProof, inclusion_proof
from ._records import is_one_line

__all__ = [
    "FILE_CERTIFICATE",
    "FILE_LETTER",
    "FILE_MANIFEST",
    "FILE_RECORDS",
    "MANIFEST_FORMAT",
    "FileDigest",
    "Manifest",
    "is_plain_file_name",
]

MANIFEST_FORMAT = "dueprocess.manifest/1"
FILE_RECORDS = "records.jsonl"
FILE_LETTER = "letter.md"
FILE_CERTIFICATE = "certificate.md"
FILE_MANIFEST = "manifest.json"

_KEYS = (
    "format",
    "request_id",
    "review_sha256",
    "produced_at",
    "period",
    "accounts",
    "counts",
    "records",
    "merkle_root",
    "files",
)
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")


def is_plain_file_name(name: str) -> bool:
    """Whether *name* may be a file of a production: no directories, not hidden.

    >>> is_plain_file_name("records.jsonl"), is_plain_file_name("../x"), is_plain_file_name(".x")
    (True, False, False)
    """
    return bool(_PLAIN_NAME.match(name)) and ".." not in name


@attrs.frozen
class FileDigest:
    """The SHA-256 (lower-case hex) and size in bytes of one file of a production."""

    sha256: str
    size: int

    def to_dict(self) -> dict[str, Any]:
        """``{"sha256": …, "bytes": …}``."""
        return {"sha256": self.sha256, "bytes": self.size}


@attrs.frozen
class Manifest:
    """What a production holds, figure by figure.

    ``counts`` maps each released category to its number of records (zero included);
    ``records`` is their total; ``merkle_root`` is lower-case hex; ``files`` maps each
    file name to its :class:`FileDigest`. Treat the mappings as read-only.
    """

    request_id: str
    review_sha256: str
    produced_at: dt.datetime
    period: Period | None
    accounts: tuple[str, ...]
    counts: Mapping[Category, int]
    records: int
    merkle_root: str
    files: Mapping[str, FileDigest]
    #: Why the production was made before the review's clock allowed it (before the
    #: request's receipt, or inside the user's window to object), or ``None``. Written
    #: as the key ``override`` only when set, so every other manifest is the spec's.
    override: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``dueprocess.manifest/1`` document, keys in the format's order (then
        ``override``, when the production was made by override)."""
        document = self._spec_dict()
        if self.override is not None:
            document["override"] = self.override
        return document

    def _spec_dict(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "request_id": self.request_id,
            "review_sha256": self.review_sha256,
            "produced_at": format_timestamp(self.produced_at),
            "period": self.period.to_dict() if self.period else None,
            "accounts": list(self.accounts),
            "counts": {category.value: count for category, count in self.counts.items()},
            "records": self.records,
            "merkle_root": self.merkle_root,
            "files": {name: digest.to_dict() for name, digest in self.files.items()},
        }

    def to_json(self) -> bytes:
        """``manifest.json``'s bytes: indented UTF-8 JSON with a final newline."""
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
        return (text + "\n").encode("utf-8")

    @classmethod
    def from_dict(cls, document: object) -> Manifest:
        """Check and read a manifest document.

        Raises:
            IntegrityError: naming every way the document departs from the format.
        """
        manifest, problems = parse_manifest(document)
        if manifest is None:
            lines = "\n".join(f"  {problem}" for problem in problems)
            raise IntegrityError(f"manifest.json is not a {MANIFEST_FORMAT} document:\n{lines}")
        return manifest

    @classmethod
    def from_json(cls, data: bytes | str) -> Manifest:
        """Read ``manifest.json``'s bytes; raises :class:`IntegrityError` if malformed."""
        try:
            document = json.loads(data)
        except (ValueError, RecursionError) as error:
            raise IntegrityError(f"manifest.json is not JSON: {error}") from None
        return cls.from_dict(document)

    def inclusion_proof(self, index: int, records: Iterable[bytes]) -> InclusionProof:
        """Prove that record number *index* (from 0) is in this production.

        *records* are the production's records in order, each its canonical bytes: the
        lines of ``records.jsonl``, with or without their newlines (an open binary file
        will do, as will :func:`dueprocess.adapters.read_record_lines`). They are read
        once, in O(log n) memory, and must be the records this manifest describes: their
        Merkle root is checked against :attr:`merkle_root`, so a proof is only ever
        issued for a genuine production. The proof, the record's bytes and the root are
        all a third party needs (:func:`dueprocess.verify_inclusion`).

        Raises:
            IndexError: there is no record *index*.
            IntegrityError: *records* are not the records this manifest describes.
        """
        if not 0 <= index < self.records:
            raise IndexError(f"record {index} is outside a production of {self.records} records")
        try:
            proof, root = inclusion_proof(index, self.records, _strip_newlines(records))
        except ValueError as error:
            raise IntegrityError(f"records.jsonl does not match the manifest: {error}") from None
        if root.hex() != self.merkle_root:
            raise IntegrityError(
                f"records.jsonl does not match the manifest: Merkle root {root.hex()},"
                f" manifest says {self.merkle_root}"
            )
        return proof

    def __repr__(self) -> str:
        return (
            f"<Manifest {self.request_id!r}: {self.records} records, root {self.merkle_root[:16]}…>"
        )


def _strip_newlines(lines: Iterable[bytes]) -> Iterable[bytes]:
    # A canonical record is a JSON object: it ends with "}", never with a newline.
    for line in lines:
        yield line[:-1] if line.endswith(b"\n") else line


def parse_manifest(document: object) -> tuple[Manifest | None, list[Problem]]:
    """Check a manifest document; return it (or ``None``) and every problem found."""
    problems: list[Problem] = []
    if not isinstance(document, dict):
        return None, [Problem("$", "expected a JSON object")]
    for key in document:
        if key not in _KEYS and key != "override":
            problems.append(Problem(f"$.{key}", "unknown key"))
    override = document.get("override")
    if "override" in document and (
        not isinstance(override, str) or not override.strip() or not is_one_line(override)
    ):
        problems.append(Problem("$.override", "expected the override's reason, one line"))
    for key in _KEYS:
        if key not in document:
            problems.append(Problem(f"$.{key}", "required"))
    if problems:
        return None, problems
    if document["format"] != MANIFEST_FORMAT:
        problems.append(Problem("$.format", f"expected {MANIFEST_FORMAT!r}"))
    request_id = document["request_id"]
    if not isinstance(request_id, str) or not request_id:
        problems.append(Problem("$.request_id", "expected a non-empty string"))
    for key in ("review_sha256", "merkle_root"):
        if not isinstance(document[key], str) or not _HEX64.match(document[key]):
            problems.append(Problem(f"$.{key}", "expected 64 lower-case hex digits"))
    produced_at = _timestamp(document["produced_at"], problems)
    period = _period(document["period"], problems)
    accounts = _accounts(document["accounts"], problems)
    counts = _counts(document["counts"], problems)
    records = document["records"]
    if not _count(records):
        problems.append(Problem("$.records", "expected a whole number >= 0"))
    files = _files(document["files"], problems)
    if problems:
        return None, problems
    assert produced_at is not None
    assert accounts is not None
    assert counts is not None
    assert files is not None
    return (
        Manifest(
            request_id=request_id,
            review_sha256=document["review_sha256"],
            produced_at=produced_at,
            period=period,
            accounts=accounts,
            counts=counts,
            records=records,
            merkle_root=document["merkle_root"],
            files=files,
            override=override,
        ),
        problems,
    )


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _timestamp(value: object, problems: list[Problem]) -> dt.datetime | None:
    try:
        if isinstance(value, str):
            moment = parse_timestamp(value)
            # An offset can carry an instant past year 9999 in UTC, which cannot be
            # written back (the manifest is compared in the form dueprocess writes).
            format_timestamp(moment)
            return moment
    except (ValueError, OverflowError):
        pass
    problems.append(Problem("$.produced_at", "expected a timestamp"))
    return None


def _period(value: object, problems: list[Problem]) -> Period | None:
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"start", "end"}:
        try:
            period = Period(parse_date(value["start"]), parse_date(value["end"]))
        except (TypeError, ValueError):
            pass
        else:
            if period.start <= period.end:
                return period
    problems.append(Problem("$.period", 'expected null or {"start": date, "end": date}'))
    return None


def _accounts(value: object, problems: list[Problem]) -> tuple[str, ...] | None:
    if (
        isinstance(value, list)
        and all(isinstance(item, str) and item for item in value)
        and len(set(value)) == len(value)
    ):
        return tuple(value)
    problems.append(Problem("$.accounts", "expected a list of distinct account ids"))
    return None


def _counts(value: object, problems: list[Problem]) -> dict[Category, int] | None:
    if not isinstance(value, dict):
        problems.append(Problem("$.counts", "expected an object"))
        return None
    counts: dict[Category, int] = {}
    for name, count in value.items():
        try:
            category = Category(name)
        except ValueError:
            problems.append(Problem(f"$.counts.{name}", "not a category"))
            continue
        if not _count(count):
            problems.append(Problem(f"$.counts.{name}", "expected a whole number >= 0"))
            continue
        counts[category] = count
    return counts


def _files(value: object, problems: list[Problem]) -> dict[str, FileDigest] | None:
    if not isinstance(value, dict):
        problems.append(Problem("$.files", "expected an object"))
        return None
    files: dict[str, FileDigest] = {}
    for name, digest in value.items():
        if not is_plain_file_name(name) or name == FILE_MANIFEST:
            problems.append(Problem(f"$.files.{name}", "not a plain file name of a production"))
        elif (
            isinstance(digest, dict)
            and set(digest) == {"sha256", "bytes"}
            and isinstance(digest["sha256"], str)
            and _HEX64.match(digest["sha256"])
            and _count(digest["bytes"])
        ):
            files[name] = FileDigest(sha256=digest["sha256"], size=digest["bytes"])
        else:
            problems.append(
                Problem(f"$.files.{name}", 'expected {"sha256": 64 hex digits, "bytes": n}')
            )
    return files
