"""``dueprocess case …``: follow requests as cases, from receipt to close.

A thin shell over :class:`dueprocess.cases.Cases` with a case database (``--db``). Who
acts and when come from ``_readers``: the operating-system login, and the system clock or
a ``--now`` no more than five minutes ahead of it. Every ``case`` command prints JSON with
``--json`` so other programs can drive them. Exit codes: 0 done, 2 invalid input (a bad
document or timestamp, an unknown case or database), 1 an illegal transition or a
conflicting writer, 4 a case that does not match the audit log.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path

import attrs

from .. import produce
from .._base._dates import format_timestamp, parse_date
from ..adapters import OutboxNotifier
from ..cases import Case, Cases, CaseState, UserNotice
from ._common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    CommandError,
    plural,
    print_json,
    terminal_safe,
)
from ._options import (
    CASE,
    CASE_MOVE,
    CERTIFICATE,
    CUSTODIAN,
    FORCE,
    POLICY,
    PRODUCTION,
    QUIET,
    REQUEST,
    Option,
    Subcommands,
    add_command,
    add_group,
)
from ._progress import progress_for
from ._readers import (
    certificate_template,
    durable_store,
    open_cases,
    open_sink,
    open_source,
    read_request,
    timestamp,
)

__all__ = ["register"]


def _print_case(case: Case, args: argparse.Namespace, *, detail: bool = False) -> None:
    if args.json:
        print_json(case.to_dict())
    elif detail:
        print(_summary(case))
    else:
        print(f"{terminal_safe(case.id)} {case.state.value}")


def _summary(case: Case) -> str:
    safe = terminal_safe
    request, review = case.request, case.review
    lines = [
        f"{safe(case.id)}: {case.state.value} (version {case.version})",
        f"  request: {request.process.kind.value} from {safe(request.jurisdiction)},"
        f" received {format_timestamp(request.received_at)}",
        f"  review: {review.outcome.value} ({safe(', '.join(review.codes)) or 'no findings'})",
        f"  opened: {format_timestamp(case.opened_at)}"
        + (f"; closed: {format_timestamp(case.closed_at)}" if case.closed_at else ""),
    ]
    if case.deadlines:
        lines.append("  deadlines:")
        lines += [f"    {format_timestamp(d.at)}  {d.kind.value}" for d in case.deadlines]
    for hold in case.holds:
        lines.append(
            f"  hold {safe(hold.id)}: until {hold.expires_on.isoformat()}"
            + (f" (extends {safe(hold.extends)})" if hold.extends else "")
        )
    for production in case.productions:
        lines.append(
            f"  produced {format_timestamp(production.produced_at)}:"
            f" {plural(production.records, 'record')}, merkle root {production.merkle_root}"
            + (f" (override: {safe(production.override)})" if production.override else "")
        )
    lines.append("  events:")
    lines += [
        f"    {format_timestamp(e.at)}  {safe(e.actor)}  {e.action.value}"
        f" -> {e.to_state.value}: {safe(e.reason)}"
        for e in case.events
    ]
    return "\n".join(lines)


# --- handlers ----------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> int:
    request = read_request(args.file)
    with open_cases(args, create=True) as cases:
        _print_case(cases.open(request), args)
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        _print_case(cases.get(args.id), args, detail=True)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        found = cases.find(args.state)
        if args.json:
            print_json([case.to_dict() for case in found])
        for case in [] if args.json else found:
            print(
                f"{terminal_safe(case.id)}  {case.state.value}  {case.review.outcome.value}"
                f"  opened {format_timestamp(case.opened_at)}"
            )
    return EXIT_OK


def _due(args: argparse.Namespace) -> int:
    before = timestamp(args.before, "--before")
    with open_cases(args) as cases:
        deadlines = cases.due(before=before)
    if args.json:
        print_json([deadline.to_dict() for deadline in deadlines])
    for deadline in [] if args.json else deadlines:
        print(
            f"{format_timestamp(deadline.at)}  {terminal_safe(deadline.case_id)}  {deadline.kind}"
        )
    return EXIT_OK


def _same_policy(cases: Cases, args: argparse.Namespace) -> Cases:
    """Re-review under the policy the case was reviewed with, unless ``--policy`` is given."""
    if args.policy is not None:
        return cases
    stored = cases.get(args.id).policy
    return cases.reviewing_with(stored) if stored is not None else cases


def _callback(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        case = _same_policy(cases, args).record_callback(args.id, args.result)
        _print_case(case, args)
    return EXIT_OK


def _review(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        _print_case(_same_policy(cases, args).review(args.id, reason=args.reason), args)
    return EXIT_OK


def _cure(args: argparse.Namespace) -> int:
    request = read_request(args.file)
    with open_cases(args) as cases:
        _print_case(_same_policy(cases, args).cure(args.id, request), args)
    return EXIT_OK


def _renew(args: argparse.Namespace) -> int:
    request = read_request(args.file) if args.file else None
    with open_cases(args) as cases:
        case = _same_policy(cases, args).renew(args.id, request=request)
        _print_case(case, args)
    return EXIT_OK


def _produce(args: argparse.Namespace) -> int:
    durable_store(args.store, "--store")
    template = certificate_template(args)
    display = progress_for(args, sys.stderr)
    # The service runs the producer; the certificate and the progress display are the
    # producer's options, so the command line hands it a producer with them set.
    producer = functools.partial(
        produce, custodian=args.custodian, certificate_template=template, progress=display
    )
    with open_cases(args) as service:
        cases = attrs.evolve(service, producer=producer)
        case = cases.get(args.id)
        source = open_source(args)
        try:
            sink = open_sink(args.out)
        except CommandError:
            source.close()
            raise
        try:
            with source:
                case = cases.produce(case.id, source, sink, override=args.override)
        finally:
            if display is not None:
                display.close()
    if args.json:
        print_json(case.to_dict())
    else:
        production = case.productions[-1]
        print(
            f"{terminal_safe(case.id)} {case.state.value}:"
            f" {plural(production.records, 'record')} into {terminal_safe(args.out)},"
            f" merkle root {production.merkle_root}"
        )
    return EXIT_OK


def _notify(args: argparse.Namespace) -> int:
    outbox = _CountingOutbox(args.outbox, replace=args.force)
    with open_cases(args, notifier=outbox) as cases:
        if args.store is None:
            case = cases.notify(args.id)
        else:
            with open_source(args) as source:
                case = cases.notify(args.id, source=source)
    if args.json:
        print_json(case.to_dict())
    else:
        print(
            f"{terminal_safe(case.id)} {case.state.value}:"
            f" {plural(outbox.count, 'notice')} (one per account holder) written to"
            f" {terminal_safe(str(outbox.directory))}"
        )
    return EXIT_OK


class _CountingOutbox(OutboxNotifier):
    count = 0

    def deliver(self, notice: UserNotice) -> None:
        super().deliver(notice)
        self.count += 1


def _invoice(args: argparse.Namespace) -> int:
    prefix = Path(args.out)
    targets = [prefix.with_name(prefix.name + suffix) for suffix in (".md", ".csv")]
    # Both files are created (exclusively: never replacing a file or following a link)
    # before the invoice is recorded, and removed again if it is not.
    handles = []
    try:
        for target in targets:
            handles.append(open(target, "x", encoding="utf-8", newline=""))  # noqa: SIM115
    except OSError as error:
        for handle in handles:
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
        code = EXIT_INVALID if isinstance(error, FileExistsError) else EXIT_ERROR
        raise CommandError(f"cannot write {error.filename}: {error.strerror}", code) from None
    try:
        with open_cases(args) as cases:
            case, bill = cases.invoice(args.id)
        for handle, text in zip(handles, (bill.to_markdown(), bill.to_csv()), strict=True):
            handle.write(text)
    except BaseException:
        for handle in handles:
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
        raise
    for handle in handles:
        handle.close()
    if args.json:
        print_json(case.to_dict())
    else:
        print(
            f"{terminal_safe(case.id)}: invoice {terminal_safe(bill.number)},"
            f" {bill.total} {bill.currency}, written to {targets[0]} and {targets[1]}"
        )
    return EXIT_OK


def _approve(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        _print_case(cases.approve(args.id, reason=args.reason), args)
    return EXIT_OK


def _lift_gag(args: argparse.Namespace) -> int:
    try:
        on = parse_date(args.on)
    except ValueError as error:
        raise CommandError(f"--on: {error}", EXIT_INVALID) from None
    with open_cases(args) as cases:
        _print_case(cases.lift_gag(args.id, on=on, reason=args.reason), args)
    return EXIT_OK


def _advance(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        _print_case(cases.advance(args.id), args)
    return EXIT_OK


def _close(args: argparse.Namespace) -> int:
    with open_cases(args) as cases:
        _print_case(cases.close(args.id, reason=args.reason), args)
    return EXIT_OK


# --- parsers -----------------------------------------------------------------------------

_ID = Option("id", metavar="ID", help="the case id (the request's id)")
_REASON = Option("--reason")


def _action(
    actions: Subcommands,
    name: str,
    summary: str,
    description: str,
    handler: Callable[[argparse.Namespace], int],
    *options: Option,
) -> None:
    """An action that moves a case: its event is recorded with the login and ``--now``."""
    add_command(
        actions,
        name,
        summary,
        f"{description} Who acts is the operating-system login.",
        handler,
        *options,
    )


def register(subparsers: Subcommands) -> None:
    """Add ``case``."""
    actions = add_group(
        subparsers,
        "case",
        "follow requests as cases, from receipt to close",
        "Open, move and inspect cases in a case database. Every change is an"
        " event in the hash-chained audit log, recorded with the operating-system login.",
    )
    _action(
        actions,
        "open",
        "open a case for a request and review it",
        "Open a case for a request received and review it; the review's outcome decides the"
        " state (ready, notice_pending, awaiting_verification, pushed_back, rejected,"
        " escalated or preserved). A preservation renewal must name a hold this platform"
        " placed for the same agency and targets.",
        _open,
        REQUEST,
        *CASE_MOVE,
        POLICY,
    )
    add_command(
        actions,
        "show",
        "show one case",
        "Show one case: its state, review, deadlines, holds, productions and events.",
        _show,
        _ID,
        *CASE,
    )
    add_command(
        actions,
        "list",
        "list cases",
        "List every case, or those in one state, by id.",
        _list,
        Option(
            "--state",
            choices=[state.value for state in CaseState],
            help="only cases in this state",
        ),
        *CASE,
    )
    add_command(
        actions,
        "due",
        "list deadlines falling due before an instant",
        "List every open deadline falling due before an instant (respond_by,"
        " disclose_after, notices due, preservations ending): run it from a scheduler.",
        _due,
        Option("--before", required=True, metavar="TIMESTAMP", help="the instant"),
        *CASE,
    )
    _action(
        actions,
        "callback",
        "record a callback result and review again",
        "Record the result of calling the requester back on a number found independently;"
        " the only way a verification finding is lifted. The case is reviewed again.",
        _callback,
        _ID,
        Option("result", choices=["confirmed", "failed"], help="the callback's result"),
        *CASE_MOVE,
        POLICY,
    )
    _action(
        actions,
        "review",
        "review a case's request again",
        "Review an open, not yet produced case's request again, under the policy it was"
        " reviewed with or the one --policy names (after the policy changed, or to correct"
        " a decision); the new review decides the state.",
        _review,
        _ID,
        _REASON.but(help="why it is reviewed again"),
        *CASE_MOVE,
        POLICY,
    )
    _action(
        actions,
        "cure",
        "replace the request with a corrected document",
        "Replace a pushed-back, escalated or unverified case's request with a corrected"
        " document and review it again. A cure may correct the instrument, investigation,"
        " targets and period; it cannot change the requester or record a callback.",
        _cure,
        _ID,
        REQUEST.but(help="the corrected request (same id)"),
        *CASE_MOVE,
        POLICY,
    )
    _action(
        actions,
        "renew",
        "renew the preservation a case holds",
        "Renew the preservation a case holds (18 U.S.C. 2703(f)(2): once). A refused"
        " renewal leaves the case and its hold as they were and is recorded (exit 1).",
        _renew,
        _ID,
        REQUEST.but(nargs="?", help="the renewal document (same id), if any"),
        *CASE_MOVE,
        POLICY,
    )
    _action(
        actions,
        "approve",
        "approve a production as the second person the policy requires",
        "Record your approval of producing the case's current decision, where the policy's"
        " second_approver requires one (an objection-window override, an emergency release,"
        " content). Someone else must then produce.",
        _approve,
        _ID,
        _REASON.but(help="why it is approved"),
        *CASE_MOVE,
    )
    _action(
        actions,
        "produce",
        "produce what a case's review releases",
        "Produce what a fresh review of the case's request allows, after checking the stored"
        " case against the audit log (exit 4 on a mismatch). A case waiting for its notice"
        " before disclosure or its objection window needs --override.",
        _produce,
        _ID,
        *PRODUCTION,
        CUSTODIAN,
        CERTIFICATE,
        QUIET,
        Option(
            "--override",
            metavar="REASON",
            help="produce before the notice was given or before disclose_after, for this"
            " reason (audited)",
        ),
        *CASE_MOVE,
    )
    _action(
        actions,
        "notify",
        "give the account holders the notice the review schedules, once due",
        "Give each account holder the notice the review schedules, once due: one notice per"
        " account, naming only its own identifiers. With --store, targets are resolved to"
        " accounts; without, each identifier gets its own notice.",
        _notify,
        _ID,
        Option(
            "--outbox",
            required=True,
            metavar="DIR",
            help="where the notices are written as JSON for the service's mailer to send",
        ),
        Option(
            "--store", metavar="STORE", help="the record store that resolves targets to accounts"
        ),
        FORCE.but(help="replace a different notice file already in the outbox for this case"),
        *CASE_MOVE,
    )
    _action(
        actions,
        "invoice",
        "bill the agency for a produced case (18 U.S.C. 2706)",
        "Bill the requesting agency for what a produced case released, under the fee"
        " schedule (fees) of the case's policy: writes OUT.md and OUT.csv (never replacing"
        " a file) and records the invoice in the audit log.",
        _invoice,
        _ID,
        Option("--out", required=True, metavar="OUT", help="where to write OUT.md and OUT.csv"),
        *CASE_MOVE,
    )
    _action(
        actions,
        "lift-gag",
        "record that a gag order ended, so the user's notice becomes due",
        "Record that a nondisclosure order was lifted, or an NSL's certification withdrawn,"
        " on a day: from then the notice is due (case due lists it, case notify sends it) and"
        " the account holder's ledger shows the disclosure.",
        _lift_gag,
        _ID,
        Option("--on", required=True, metavar="DATE", help="the day the gag ended"),
        _REASON.but(help="the order or letter that lifted it"),
        *CASE_MOVE,
    )
    _action(
        actions,
        "advance",
        "move a notice_pending case to ready once the objection window closes",
        "Move a notice_pending case to ready once the notice due before disclosure was given"
        " and disclose_after has come.",
        _advance,
        _ID,
        *CASE_MOVE,
    )
    _action(
        actions,
        "close",
        "close a case",
        "Close a case: answered, withdrawn, released or abandoned.",
        _close,
        _ID,
        _REASON.but(default="closed", help="why (default: closed)"),
        *CASE_MOVE,
    )
