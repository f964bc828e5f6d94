"""The certificate of authenticity that goes with a production (``certificate.md``).

Its shape follows Fed. R. Evid. 902(11): a custodian or other qualified person certifies
that the records meet the business-records conditions of Rule 803(6)(A)-(C) (made at or
near the time by someone with knowledge, kept in the course of a regularly conducted
activity, made as a regular practice of it), signed as a declaration under 28 U.S.C. 1746.
It identifies the records by their count, the SHA-256 of ``records.jsonl`` and the
Merkle root, so the certificate cannot be moved to other records.

The custodian signs it; this module only fills it in. Every text that came from the
request or the store is escaped (:func:`._markdown.md_text`) and can never forge a
heading, a table row, a link or HTML.
"""

from __future__ import annotations

from ._dates import format_date, format_timestamp
from ._manifest import FILE_RECORDS, Manifest
from ._markdown import md_text
from ._review import Review
from ._rules import tables

__all__ = ["DEFAULT_CUSTODIAN", "manifest_rows", "render_certificate"]

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
    review: Review, manifest: Manifest, *, custodian: str = DEFAULT_CUSTODIAN
) -> str:
    """Fill in the business-records certificate for a production, as Markdown.

    Args:
        review: the review the production answers.
        manifest: the production's manifest (its figures and ``records.jsonl``'s digest;
            other files are not needed).
        custodian: the name (or title) of the person who will sign.

    Returns:
        The certificate, ready for the custodian to date and sign.
    """
    request = review.request
    process = request.process
    kind = tables.PROCESS_NAMES[process.kind]
    instrument = f"{kind} issued on {format_date(process.issued_on)}"
    if process.reference:
        instrument += f", reference {md_text(process.reference, limit=200)}"
    *records_rows, review_row, request_row = manifest_rows(manifest)
    who = md_text(custodian, limit=200, line_start=True)  # it also stands on a line alone
    lines = [
        "# Certificate of Authenticity of Business Records",
        "",
        "Federal Rules of Evidence 803(6) and 902(11); declaration under 28 U.S.C. 1746.",
        "",
        f"I, {who}, declare:",
        "",
        "1. I am a custodian of records of the provider of the online service whose records"
        " are described below, or am otherwise qualified by my duties to make this"
        " certification, and I am familiar with how those records are created and kept.",
        "2. The records described below are true duplicates of records of the provider that"
        " were (a) made at or near the time of the occurrence of the matters they set forth,"
        " by, or from information transmitted by, a person with knowledge of those matters;"
        " (b) kept in the course of the provider's regularly conducted activity; and"
        " (c) made as a regular practice of that activity.",
        "3. The records were produced in response to the request described below, and are"
        " identified by the count, the SHA-256 digest and the Merkle root given here: any"
        " change to any record changes the digest and the root.",
        "",
        "## Request",
        "",
        "| | |",
        "|---|---|",
        request_row,
        f"| Requesting agency | {md_text(request.requester.agency, limit=200)} |",
        f"| Legal process | {instrument} |",
        f"| Received | {format_timestamp(request.received_at)} |",
        review_row,
        "",
        "## Records",
        "",
        "| | |",
        "|---|---|",
        *records_rows,
        "",
        "I declare under penalty of perjury under the laws of the United States of America"
        " that the foregoing is true and correct.",
        "",
        "Executed on: ____________________",
        "",
        "Signature: ____________________",
        "",
        who,
        "",
    ]
    return "\n".join(lines)
