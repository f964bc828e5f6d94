"""The response letter: a review in plain words, as Markdown (``dueprocess letter``).

Everything that came from the request is escaped with :func:`_markdown.md_text`, so it
cannot forge headings, lists, links or HTML in the letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .._base._dates import format_date, format_timestamp
from .._base._enums import Decision, Effect, NoticeTiming, Outcome
from .._base._markdown import md_code, md_text
from .._review._review import Review
from .._review._rules import tables as T

__all__ = ["render_letter"]

OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.COMPLY: "We will produce the records your request asks for, as set out below.",
    Outcome.PARTIAL: (
        "We will produce part of what your request asks for. The rest is withheld, for the "
        "reasons and until the process set out below."
    ),
    Outcome.PUSH_BACK: (
        "We cannot answer this request as it stands. Nothing will be produced until the "
        "deficiencies listed below are cured."
    ),
    Outcome.REJECT: "We will not honour this request in any form, for the reasons below.",
    Outcome.VERIFY: (
        "We are holding this request until we can verify that it is genuine. Nothing will be "
        "released until then."
    ),
    Outcome.ESCALATE: (
        "This request has been referred to our legal counsel, who will respond separately."
    ),
    Outcome.PRESERVE: (
        "We have preserved the records described below. Nothing will be disclosed without "
        "valid legal process."
    ),
}


NOTICE_WORDS: dict[NoticeTiming, str] = {
    NoticeTiming.NONE: "Nothing is being disclosed, so the account holder is not notified now.",
    NoticeTiming.BY_ISSUING_AUTHORITY: (
        "Under Article 13 of Regulation (EU) 2023/1543 the issuing authority informs the "
        "person whose data is sought; we do not notify the account holder ourselves."
    ),
    NoticeTiming.WITHHELD: "The account holder will not be notified of this request.",
    NoticeTiming.AFTER_NONDISCLOSURE: (
        "The nondisclosure order is respected; we will notify the account holder once it expires."
    ),
    NoticeTiming.AFTER_EMERGENCY: (
        "We will notify the account holder once the emergency has passed."
    ),
    NoticeTiming.BEFORE_DISCLOSURE: (
        "Our policy is to notify the account holder before disclosing, so that they can object."
    ),
}


def _words(value: str) -> str:
    return value.replace("_", " ")


_PLAIN_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def _field_name(name: str) -> str:
    # Field names are the format's (service_start); a review read back from storage could
    # hold anything, which is escaped. An underscore inside a word is never emphasis.
    return name if _PLAIN_NAME.match(name) else md_text(name)


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {line}" for line in lines]


def render_letter(
    review: Review, *, unresolved: Sequence[str] = (), overridden: bool = False
) -> str:
    """Render the response letter for a review, as Markdown.

    Args:
        review: the review to explain.
        unresolved: for the letter of a production, the targets (as ``"kind value"``)
            that resolved to no account: the letter names them and never says "all
            records" as if they had been searched and found.
        overridden: for the letter of a production made before the review's clock allowed
            it (by override): the letter then promises no date that was overridden.

    Returns:
        The letter: the outcome in plain words, what will be released, what is withheld
        and which process would reach it, what is missing, deadlines and user notice.
    """
    request = review.request
    process = request.process
    out: list[str] = [f"# Response to request {md_text(request.id)}", ""]
    out += [
        f"To: {md_text(request.requester.name)}, {md_text(request.requester.agency)}",
        "",
        f"Received: {format_timestamp(request.received_at)} by {_words(request.channel.value)}",
        "",
        f"Legal process: {T.PROCESS_NAMES[process.kind]} issued on {format_date(process.issued_on)}"
        f" by {md_text(process.issuer.name)} ({_words(process.issuer.role.value)})"
        + (f", reference {md_text(process.reference)}" if process.reference else ""),
        "",
        "Authority cited: " + (md_text(process.authority) if process.authority.strip() else "none"),
        "",
        f"**Outcome: {_words(review.outcome.value)}.** {OUTCOME_WORDS[review.outcome]}",
        "",
    ]

    released = [item for item in review.categories if item.released]
    if review.releases_data and released:
        out += ["## What will be released", ""]
        lines = []
        for item in released:
            if item.decision is Decision.LIMITED and item.fields is not None:
                names = ", ".join(_field_name(name) for name in item.fields)
                lines.append(f"{T.CATEGORY_NAMES[item.category]}: only {names}")
            else:
                every = "all records of the accounts found" if unresolved else "all records"
                lines.append(f"{T.CATEGORY_NAMES[item.category]}: {every}")
        out += _bullets(lines)
        out.append("")
        targets = ", ".join(
            f"{_words(t.kind.value)} {md_text(t.value, limit=200)}" for t in review.targets
        )
        out.append(f"For: {targets}.")
        if unresolved:
            missing = ", ".join(md_text(name, limit=200) for name in unresolved)
            out.append(f"No account was found for: {missing}; nothing is released for them.")
        if review.period is not None:
            out.append(
                f"Period: {format_date(review.period.start)} to {format_date(review.period.end)}"
                " (subscriber records are current and not limited by the period)."
            )
        out.append("")

    preserved = [item for item in review.categories if item.decision is Decision.PRESERVE]
    if review.outcome is Outcome.PRESERVE and review.preserve_until is not None:
        out += ["## What is preserved", ""]
        out += _bullets(T.CATEGORY_NAMES[item.category] for item in preserved)
        out += ["", f"Preserved until {format_date(review.preserve_until)}.", ""]

    withheld = [item for item in review.categories if item.decision is Decision.WITHHOLD]
    if withheld:
        out += ["## What is withheld", ""]
        lines = []
        for item in withheld:
            reason = next(
                (
                    f
                    for f in review.findings
                    if f.category is item.category and f.effect is Effect.WITHHOLD
                ),
                None,
            )
            line = T.CATEGORY_NAMES[item.category]
            if item.required:
                need = T.REQUIRED_NAMES.get(item.required) or md_text(_words(item.required))
                line += f": would need {need}"
            elif reason is not None:
                # No process reaches it (emergency content from abroad, the Regulation's
                # offence threshold): the finding says why.
                line += f": {md_text(reason.message)}"
            if reason is not None:
                line += f" ({md_text(reason.citation)})"
            lines.append(line)
        out += _bullets(lines)
        out.append("")

    blocking = [
        f
        for f in review.findings
        if f.effect in (Effect.PUSH_BACK, Effect.REJECT, Effect.VERIFY, Effect.ESCALATE)
    ]
    if blocking:
        heading = {
            Outcome.PUSH_BACK: "## What is missing",
            Outcome.VERIFY: "## What must be verified",
        }.get(review.outcome, "## Why")
        out += [heading, ""]
        out += _bullets(
            f"{md_text(f.message, line_start=True)} ({md_text(f.citation)})" for f in blocking
        )
        out.append("")

    deadlines = []
    if review.respond_by is not None:
        deadlines.append(f"Response due by {format_timestamp(review.respond_by)}.")
    if review.notice.disclose_after is not None:
        first = format_date(review.notice.disclose_after)
        deadlines.append(
            f"The review allowed disclosure from {first}; this production was made earlier,"
            " by override (see below)."
            if overridden
            else f"Nothing will be disclosed before {first}."
        )
    if review.preserve_until is not None:
        deadlines.append(f"Preservation ends on {format_date(review.preserve_until)}.")
    if process.return_date is not None:
        deadlines.append(
            f"The instrument asks for a response by {format_date(process.return_date)}."
        )
    if deadlines:
        out += ["## Deadlines", "", *_bullets(deadlines), ""]

    notice = review.notice
    out += ["## Notice to the account holder", "", NOTICE_WORDS[notice.timing]]
    if notice.not_before is not None and notice.timing is not NoticeTiming.BEFORE_DISCLOSURE:
        out[-1] += f" Notice is given on or after {format_date(notice.not_before)}."
    if notice.disclose_after is not None:
        told = notice.not_before or notice.disclose_after
        out[-1] += (
            f" The review scheduled the notice for {format_date(told)} and a window to object"
            f" until {format_date(notice.disclose_after)}; this production was made before"
            " that window ended, by override."
            if overridden
            else f" The account holder is told on {format_date(told)}"
            f" and may object until {format_date(notice.disclose_after)}."
        )
    if review.notify_authorities:
        out += [
            "",
            "We will notify: "
            + ", ".join(md_text(_words(a)) for a in review.notify_authorities)
            + ".",
        ]
    out.append("")

    if review.findings:
        out += ["## Findings", ""]
        out += _bullets(
            f"{md_code(f.code)} ({_words(f.effect.value)}"
            + (f", {_words(f.category.value)}" if f.category else "")
            + f"): {md_text(f.message)} Source: {md_text(f.citation)}."
            for f in review.findings
        )
        out.append("")
    policy = f"Reviewed under the {md_text(review.policy)} policy"
    if review.policy_sha256 is not None:
        policy += f" (SHA-256 {md_code(review.policy_sha256)})"
    out.append(policy + ".")
    return "\n".join(out) + "\n"
