"""``dueprocess review`` and ``dueprocess letter``."""

from __future__ import annotations

import argparse
import sys

from .. import Review, render_letter, review
from .._base._dates import format_date, format_timestamp
from ._common import EXIT_OK, print_json, terminal_lines, terminal_safe
from ._options import JSON, POLICY, REQUEST, Subcommands, add_command
from ._readers import policy_from, read_request

__all__ = ["register", "summary"]


def summary(result: Review) -> str:
    """A readable, fixed-layout summary of a review for the terminal."""
    lines = [f"{terminal_safe(result.request.id)}: {result.outcome.value}"]
    width = max((len(item.category.value) for item in result.categories), default=0)
    for item in result.categories:
        line = f"  {item.category.value:<{width}}  {item.decision.value}"
        if item.fields is not None:
            line += f" ({', '.join(item.fields)})"
        if item.required:
            line += f" - needs {item.required}"
        lines.append(line)
    if result.period is not None:
        lines.append(
            f"  period: {format_date(result.period.start)} to {format_date(result.period.end)}"
        )
    if result.preserve_until is not None:
        lines.append(f"  preserve until: {format_date(result.preserve_until)}")
    if result.respond_by is not None:
        lines.append(f"  respond by: {format_timestamp(result.respond_by)}")
    notice = result.notice
    told = "user notified" if notice.notify_user else "user not notified"
    line = f"  notice: {told} ({notice.timing.value})"
    if notice.not_before is not None:
        line += f", not before {format_date(notice.not_before)}"
    if notice.disclose_after is not None:
        line += f", disclose after {format_date(notice.disclose_after)}"
    lines.append(line)
    if result.notify_authorities:
        lines.append(f"  notify: {', '.join(result.notify_authorities)}")
    if result.findings:
        lines.append("findings:")
        for finding in result.findings:
            where = f" [{finding.category.value}]" if finding.category else ""
            lines.append(f"  {finding.effect.value:<9} {finding.code}{where}")
            lines.append(f"            {terminal_safe(finding.message)}")
            lines.append(f"            source: {terminal_safe(finding.citation)}")
    return "\n".join(lines)


def _review(args: argparse.Namespace) -> int:
    result = review(read_request(args.file), policy_from(args))
    if args.json:
        print_json(result.to_dict())
    else:
        print(summary(result))
    return EXIT_OK


def _letter(args: argparse.Namespace) -> int:
    letter = render_letter(review(read_request(args.file), policy_from(args)))
    # The letter neutralises what Markdown could misread; the terminal escapes the rest
    # (C1 controls, bidirectional marks) like every print of outside text.
    sys.stdout.write(terminal_lines(letter))
    return EXIT_OK


def register(subparsers: Subcommands) -> None:
    """Add ``review`` and ``letter``."""
    add_command(
        subparsers,
        "review",
        "review a request document",
        "Review a request document (dueprocess.request/1).",
        _review,
        REQUEST,
        JSON.but(help="print the dueprocess.review/1 document"),
        POLICY,
    )
    add_command(
        subparsers,
        "letter",
        "print the response letter for a request",
        "Review a request and print the response letter (Markdown).",
        _letter,
        REQUEST,
        POLICY,
    )
