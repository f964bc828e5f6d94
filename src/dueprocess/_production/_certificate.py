"""The certificate of authenticity that goes with a production (``certificate.md``).

Its text is one template, :data:`CERTIFICATE_TEMPLATE` (``_certificate_template``), that
a platform may replace with its own. Its first part follows Fed. R. Evid. 902(11): a
custodian or other qualified person certifies that the records meet the business-records
conditions of Rule 803(6)(A)-(C) (made at or near the time by someone with knowledge,
kept in the course of a regularly conducted activity, made as a regular practice of it),
signed as a declaration under 28 U.S.C. 1746.
It identifies the records by their count, the SHA-256 of ``records.jsonl`` and the
Merkle root, so the certificate cannot be moved to other records. Its second part is
a 902(13)/(14) certification: the process that generated and copied the records, the
hash algorithm, the SHA-256 of every file written before it and the Merkle root, which a
court can check against the files it holds without a live witness.

The custodian signs it; this module only fills it in. Every text that came from the
request or the store is escaped (:func:`._markdown.md_text`) and can never forge a
heading, a table row, a link or HTML.
"""

from __future__ import annotations

import string

from .._base._dates import format_date, format_timestamp
from .._base._markdown import md_text
from .._base._version import __version__
from .._review._review import Review
from .._review._rules import tables
from ._certificate_template import CERTIFICATE_TEMPLATE, PLACEHOLDERS, REQUIRED_PLACEHOLDERS
from ._manifest import FILE_CERTIFICATE, FILE_MANIFEST, FILE_RECORDS, Manifest

__all__ = [
    "CERTIFICATE_TEMPLATE",
    "DEFAULT_CUSTODIAN",
    "check_certificate_template",
    "manifest_rows",
    "render_certificate",
]

#: Who the certificate names when the caller does not: the role, to be signed by a person.
DEFAULT_CUSTODIAN = "Custodian of Records"


def manifest_rows(manifest: Manifest) -> list[str]:
    """The certificate's table rows that restate the manifest, one per figure.

    :func:`dueprocess.verify` checks that each is in ``certificate.md``, so an edit to
    any figure of the manifest disagrees with the certificate the custodian signed.
    """
    if manifest.period is not None:
        period = f"{format_date(manifest.period.start)} to {format_date(manifest.period.end)}"
    else:
        period = "none (subscriber records only)"
    counts = ", ".join(
        f"{tables.CATEGORY_NAMES[category]}: {count}" for category, count in manifest.counts.items()
    )
    accounts = ", ".join(md_text(account, limit=200) for account in manifest.accounts) or "none"
    records_file = manifest.files[FILE_RECORDS]
    return [
        f"| File | {FILE_RECORDS} ({records_file.size} bytes) |",
        f"| Records | {manifest.records} |",
        f"| By category | {counts or 'none'} |",
        f"| Accounts | {accounts} |",
        f"| Period | {period} |",
        f"| SHA-256 of {FILE_RECORDS} | `{records_file.sha256}` |",
        f"| Merkle root (RFC 6962) | `{manifest.merkle_root}` |",
        f"| Produced at | {format_timestamp(manifest.produced_at)} |",
        f"| Review (SHA-256 of its document) | `{manifest.review_sha256}` |",
        f"| Request | {md_text(manifest.request_id, limit=200)} |",
    ]


def render_certificate(
    review: Review,
    manifest: Manifest,
    *,
    custodian: str = DEFAULT_CUSTODIAN,
    template: str | None = None,
) -> str:
    """Fill in the certificate for a production, as Markdown.

    Args:
        review: the review the production answers.
        manifest: the production's manifest: its figures and the digest of every file
            written before the certificate (``records.jsonl``, ``letter.md``).
        custodian: the name (or title) of the person who will sign.
        template: the certificate's text (:data:`CERTIFICATE_TEMPLATE` when ``None``);
            see :func:`check_certificate_template`.

    Returns:
        The certificate, ready for the custodian to date and sign.

    Raises:
        ValueError: *template* uses an unknown placeholder or lacks a required one.
    """
    text = CERTIFICATE_TEMPLATE if template is None else template
    check_certificate_template(text)
    request = review.request
    process = request.process
    kind = tables.PROCESS_NAMES[process.kind]
    instrument = f"{kind} issued on {format_date(process.issued_on)}"
    if process.reference:
        instrument += f", reference {md_text(process.reference, limit=200)}"
    *records_rows, review_row, request_row = manifest_rows(manifest)
    request_rows = [
        request_row,
        f"| Requesting agency | {md_text(request.requester.agency, limit=200)} |",
        f"| Legal process | {instrument} |",
        f"| Received | {format_timestamp(request.received_at)} |",
        review_row,
    ]
    files_rows = [
        f"| {md_text(name, limit=200)} ({digest.size} bytes) | `{digest.sha256}` |"
        for name, digest in manifest.files.items()
        if name not in (FILE_CERTIFICATE, FILE_MANIFEST)  # they cannot be stated here
    ]
    values = {
        # It also stands on a line alone, so it must not start a Markdown block there.
        "custodian": md_text(custodian, limit=200, line_start=True),
        "request_rows": "\n".join(request_rows),
        "records_rows": "\n".join(records_rows),
        "files_rows": "\n".join(files_rows),
        "hash_algorithm": "SHA-256 (FIPS 180-4)",
        "merkle_root": manifest.merkle_root,
        "software": f"dueprocess {__version__}",
    }
    return string.Template(text).substitute(values)


def check_certificate_template(template: str) -> None:
    """Raise :class:`ValueError` unless *template* can be a certificate.

    It may use only the placeholders of :data:`PLACEHOLDERS` and must keep those of
    :data:`REQUIRED_PLACEHOLDERS`, whose rows :func:`dueprocess.verify` looks for.

    >>> check_certificate_template("${request_rows} ${records_rows} $$5 fee")
    >>> check_certificate_template("${records_rows} $signer")
    Traceback (most recent call last):
    ...
    ValueError: certificate template: unknown placeholder $signer (known: ...); \
missing ${request_rows}
    """
    used: set[str] = set()
    problems: list[str] = []
    for match in string.Template.pattern.finditer(template):
        name = match.group("named") or match.group("braced")
        if name is not None:
            used.add(name)
        elif match.group("invalid") is not None:
            problems.append(f"a lone $ at character {match.start('invalid')} (write $$)")
    unknown = sorted(used - set(PLACEHOLDERS))
    if unknown:
        known = ", ".join(PLACEHOLDERS)
        problems.insert(
            0,
            f"unknown placeholder {', '.join('$' + name for name in unknown)} (known: {known})",
        )
    problems += [f"missing ${{{name}}}" for name in REQUIRED_PLACEHOLDERS if name not in used]
    if problems:
        raise ValueError("certificate template: " + "; ".join(problems))
