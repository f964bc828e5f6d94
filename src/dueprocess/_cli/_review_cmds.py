"""``dueprocess review`` and ``dueprocess letter``."""

from __future__ import annotations

import argparse
import sys

from .. import DEFAULT_POLICY, Policy, Review, load_policy, load_request, render_letter, review
from .._base._dates import format_date, format_timestamp
from ..exceptions import InvalidPolicy
from ._common import (
    EXIT_INVALID,
    EXIT_OK,
    CommandError,
    print_json,
    read_json,
    terminal_lines,
    terminal_safe,
)

__all__ = ["add_policy_option", "policy_from", "register", "summary", "terminal_safe"]


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


def policy_from(args: argparse.Namespace) -> Policy:
    """The policy named by ``--policy FILE``, or the default policy."""
    path: str | None = getattr(args, "policy", None)
    if path is None:
        return DEFAULT_POLICY
    try:
        return load_policy(read_json(path))
    except InvalidPolicy as error:
        raise CommandError(f"{path}: {error}", EXIT_INVALID) from None


def add_policy_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--policy FILE`` (a JSON object of Policy fields; see ``dueprocess.load_policy``)."""
    parser.add_argument(
        "--policy",
        metavar="POLICY.json",
        help="the platform's policy as JSON (fields of dueprocess.Policy); default: DEFAULT_POLICY",
    )


def _review(args: argparse.Namespace) -> int:
    result = review(load_request(read_json(args.file)), policy_from(args))
    if args.json:
        print_json(result.to_dict())
    else:
        print(summary(result))
    return EXIT_OK


def _letter(args: argparse.Namespace) -> int:
    letter = render_letter(review(load_request(read_json(args.file)), policy_from(args)))
    # The letter neutralises what Markdown could misread; the terminal escapes the rest
    # (C1 controls, bidirectional marks) like every print of outside text.
    sys.stdout.write(terminal_lines(letter))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``review`` and ``letter``."""
    parser = subparsers.add_parser(
        "review",
        help="review a request document",
        description="Review a request document (dueprocess.request/1).",
    )
    parser.add_argument("file", metavar="REQUEST.json", help="the request document, or - for stdin")
    parser.add_argument(
        "--json", action="store_true", help="print the dueprocess.review/1 document"
    )
    add_policy_option(parser)
    parser.set_defaults(handler=_review)

    parser = subparsers.add_parser(
        "letter",
        help="print the response letter for a request",
        description="Review a request and print the response letter (Markdown).",
    )
    parser.add_argument("file", metavar="REQUEST.json", help="the request document, or - for stdin")
    add_policy_option(parser)
    parser.set_defaults(handler=_letter)
