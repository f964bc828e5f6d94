"""``dueprocess case …``, ``dueprocess audit head|verify`` and ``dueprocess ledger``.

A thin shell over :class:`dueprocess.cases.Cases` with a SQLite case database. Who acts and
when come from ``_who_when``: the operating-system login, and the system clock or a
``--now`` no more than five minutes ahead of it. Every ``case`` command and ``ledger``
print JSON with ``--json`` so other programs can drive them. Exit codes: 0 done, 2
invalid input (a bad document or timestamp, an unknown case or database), 1 an illegal
transition or a conflicting writer, 4 a broken audit log or a case that does not match it.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from .. import load_request, produce
from .._base._dates import format_timestamp, parse_date
from .._production._certificate import DEFAULT_CUSTODIAN
from ..adapters import DirectorySink, OutboxNotifier, open_case_store, open_record_store
from ..cases import Case, Cases, CaseState, ChainHead, UserNotice, parse_head
from ..exceptions import CaseNotFound, StoreError
from ..typing import Notifier
from ._certificate_option import add_certificate_option, certificate_template
from ._common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_VERIFY_FAILED,
    CommandError,
    add_production_options,
    durable_store,
    plural,
    print_json,
    read_json,
    terminal_safe,
)
from ._mapping_option import add_mapping_option, open_source
from ._progress import add_progress_options, progress_for
from ._review_cmds import add_policy_option, policy_from
from ._who_when import OsLogin, clock_from, reject_actor_option, timestamp

__all__ = ["register"]


@contextmanager
def _service(
    args: argparse.Namespace, *, create: bool = False, notifier: Notifier | None = None
) -> Iterator[Cases]:
    """A Cases service over ``--db``; a missing or foreign database is exit 2."""
    try:
        # A SQLite path or a SQLAlchemy URL, never an in-memory database.
        store = open_case_store(durable_store(args.db, "--db"), create=create)
    except StoreError as error:
        raise CommandError(str(error), EXIT_INVALID) from None
    try:
        clock = clock_from(args)
        reject_actor_option(args)
    except CommandError:
        store.close()
        raise
    try:
        yield Cases(store, clock, policy=policy_from(args), notifier=notifier, identity=OsLogin())
    except CaseNotFound as error:
        raise CommandError(f"{args.db}: {error}", EXIT_INVALID) from None
    finally:
        store.close()


def _print_json(document: Any) -> None:
    print_json(document)


def _print_case(case: Case, args: argparse.Namespace, *, detail: bool = False) -> None:
    if args.json:
        _print_json(case.to_dict())
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
    request = load_request(read_json(args.file))
    with _service(args, create=True) as cases:
        _print_case(cases.open(request), args)
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    with _service(args) as cases:
        _print_case(cases.get(args.id), args, detail=True)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    with _service(args) as cases:
        found = cases.find(args.state)
        if args.json:
            _print_json([case.to_dict() for case in found])
        for case in [] if args.json else found:
            print(
                f"{terminal_safe(case.id)}  {case.state.value}  {case.review.outcome.value}"
                f"  opened {format_timestamp(case.opened_at)}"
            )
    return EXIT_OK


def _due(args: argparse.Namespace) -> int:
    before = timestamp(args.before, "--before")
    with _service(args) as cases:
        deadlines = cases.due(before=before)
    if args.json:
        _print_json([deadline.to_dict() for deadline in deadlines])
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
    with _service(args) as cases:
        case = _same_policy(cases, args).record_callback(args.id, args.result)
        _print_case(case, args)
    return EXIT_OK


def _review(args: argparse.Namespace) -> int:
    with _service(args) as cases:
        _print_case(_same_policy(cases, args).review(args.id, reason=args.reason), args)
    return EXIT_OK


def _cure(args: argparse.Namespace) -> int:
    request = load_request(read_json(args.file))
    with _service(args) as cases:
        _print_case(_same_policy(cases, args).cure(args.id, request), args)
    return EXIT_OK


def _renew(args: argparse.Namespace) -> int:
    request = load_request(read_json(args.file)) if args.file else None
    with _service(args) as cases:
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
    with _service(args) as service:
        cases = attrs.evolve(service, producer=producer)
        case = cases.get(args.id)
        source = open_source(args)
        try:
            sink = DirectorySink(args.out)
        except StoreError as error:
            source.close()
            raise CommandError(str(error), EXIT_INVALID) from None
        try:
            with source:
                case = cases.produce(case.id, source, sink, override=args.override)
        finally:
            if display is not None:
                display.close()
    if args.json:
        _print_json(case.to_dict())
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
    with _service(args, notifier=outbox) as cases:
        if args.store is None:
            case = cases.notify(args.id)
        else:
            try:
                source = open_record_store(
                    durable_store(args.store, "--store"), create=False, readonly=True
                )
            except StoreError as error:
                raise CommandError(str(error), EXIT_INVALID) from None
            with source:
                case = cases.notify(args.id, source=source)
    if args.json:
        _print_json(case.to_dict())
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
        with _service(args) as cases:
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
        _print_json(case.to_dict())
    else:
        print(
            f"{terminal_safe(case.id)}: invoice {terminal_safe(bill.number)},"
            f" {bill.total} {bill.currency}, written to {targets[0]} and {targets[1]}"
        )
    return EXIT_OK


def _approve(args: argparse.Namespace) -> int:
    with _service(args) as cases:
        _print_case(cases.approve(args.id, reason=args.reason), args)
    return EXIT_OK


def _lift_gag(args: argparse.Namespace) -> int:
    try:
        on = parse_date(args.on)
    except ValueError as error:
        raise CommandError(f"--on: {error}", EXIT_INVALID) from None
    with _service(args) as cases:
        _print_case(cases.lift_gag(args.id, on=on, reason=args.reason), args)
    return EXIT_OK


def _advance(args: argparse.Namespace) -> int:
    with _service(args) as cases:
        _print_case(cases.advance(args.id), args)
    return EXIT_OK


def _close(args: argparse.Namespace) -> int:
    with _service(args) as cases:
        _print_case(cases.close(args.id, reason=args.reason), args)
    return EXIT_OK


def _head_json(head: ChainHead) -> dict[str, Any]:
    return {"length": head.length, "digest": head.digest, "head": str(head)}


def _audit_head(args: argparse.Namespace) -> int:
    with _service(args) as cases:
        failure = cases.verify_audit()
        head = cases.store.audit.head() or ChainHead(0, "0" * 64)
    if failure is not None:
        # A head is published to vouch for a log: never print one for a broken log.
        raise CommandError(
            f"{terminal_safe(args.db)}: the audit log does not verify:"
            f" {terminal_safe(str(failure))}",
            EXIT_VERIFY_FAILED,
        )
    if args.json:
        _print_json(_head_json(head))
    else:
        print(head)
    return EXIT_OK


def _audit_verify(args: argparse.Namespace) -> int:
    anchor = None
    if args.head is not None:
        try:
            anchor = parse_head(args.head)
        except ValueError as error:
            raise CommandError(f"--head: {error}", EXIT_INVALID) from None
    with _service(args) as cases:
        failure = cases.verify_audit(anchor=anchor)
        head = cases.store.audit.head()
    if args.json:
        _print_json(
            {
                "intact": failure is None,
                "head": _head_json(head) if head is not None else None,
                "extends": str(anchor) if anchor is not None else None,
                "problems": failure.problems() if failure is not None else [],
            }
        )
        return EXIT_OK if failure is None else EXIT_VERIFY_FAILED
    if failure is not None:
        print(f"NOT intact: {terminal_safe(args.db)}:")
        for problem in failure.problems():
            print(f"  {terminal_safe(problem)}")
        return EXIT_VERIFY_FAILED
    extends = f"; extends the published head {anchor}" if anchor is not None else ""
    if head is None:
        print(f"intact: {terminal_safe(args.db)}: the audit log is empty{extends}")
    else:
        print(
            f"intact: {terminal_safe(args.db)}: {plural(head.length, 'entry', 'entries')},"
            f" head {head}{extends}"
        )
    return EXIT_OK


def _ledger(args: argparse.Namespace) -> int:
    with _service(args) as cases:
        now = clock_from(args).now()
        entries = (
            cases.ledger_all(args.account) if args.all else cases.ledger(args.account, now=now)
        )
    if args.json:
        documents = []
        for entry in entries:
            document = entry.to_dict()
            if not args.all:
                del document["notice"]  # counsel's view only
            documents.append(document)
        _print_json(documents)
        return EXIT_OK
    if not entries:
        print(f"no disclosures of account {terminal_safe(args.account)}")
    for entry in entries:
        categories = ", ".join(f"{name} {count}" for name, count in entry.counts.items())
        print(
            f"{format_timestamp(entry.produced_at)}  {terminal_safe(entry.agency)}"
            f" ({terminal_safe(entry.jurisdiction)}), {entry.process.value},"
            f" case {terminal_safe(entry.case_id)}: {plural(entry.records, 'record')}"
            f" ({categories or 'none'}), merkle root {entry.merkle_root}"
            + (f"; {entry.notice_status(now)}" if args.all else "")
        )
    return EXIT_OK


# --- parsers -----------------------------------------------------------------------------

_DB_HELP = "the case database: a SQLite file or a SQLAlchemy URL"


def _common(parser: argparse.ArgumentParser, *, moves: bool = False) -> None:
    parser.add_argument("--db", required=True, metavar="CASES.sqlite", help=_DB_HELP)
    parser.add_argument("--json", action="store_true", help="print JSON for other programs")
    if moves:
        parser.add_argument(
            "--now",
            metavar="TIMESTAMP",
            help="the time of this event (default: now, from the system clock; at most five"
            " minutes ahead of it, and not before the case's last event)",
        )
        # Refused with a clear message: who acts is the operating-system login.
        parser.add_argument("--actor", help=argparse.SUPPRESS)


def _action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    return actions.add_parser(
        name,
        help=summary,
        description=f"{description} Who acts is the operating-system login.",
    )


def _id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the case id (the request's id)")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``case``, ``audit`` and ``ledger``."""
    case = subparsers.add_parser(
        "case",
        help="follow requests as cases, from receipt to close",
        description="Open, move and inspect cases in a case database. Every change is an"
        " event in the hash-chained audit log, recorded with the operating-system login.",
    )
    actions = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    parser = _action(
        actions,
        "open",
        "open a case for a request and review it",
        "Open a case for a request received and review it; the review's outcome decides the"
        " state (ready, notice_pending, awaiting_verification, pushed_back, rejected,"
        " escalated or preserved). A preservation renewal must name a hold this platform"
        " placed for the same agency and targets.",
    )
    parser.add_argument("file", metavar="REQUEST.json", help="the request document, or - for stdin")
    _common(parser, moves=True)
    add_policy_option(parser)
    parser.set_defaults(handler=_open)

    parser = actions.add_parser(
        "show",
        help="show one case",
        description="Show one case: its state, review, deadlines, holds, productions and events.",
    )
    _id(parser)
    _common(parser)
    parser.set_defaults(handler=_show)

    parser = actions.add_parser(
        "list", help="list cases", description="List every case, or those in one state, by id."
    )
    parser.add_argument(
        "--state", choices=[state.value for state in CaseState], help="only cases in this state"
    )
    _common(parser)
    parser.set_defaults(handler=_list)

    parser = actions.add_parser(
        "due",
        help="list deadlines falling due before an instant",
        description="List every open deadline falling due before an instant (respond_by,"
        " disclose_after, notices due, preservations ending): run it from a scheduler.",
    )
    parser.add_argument("--before", required=True, metavar="TIMESTAMP", help="the instant")
    _common(parser)
    parser.set_defaults(handler=_due)

    parser = _action(
        actions,
        "callback",
        "record a callback result and review again",
        "Record the result of calling the requester back on a number found independently;"
        " the only way a verification finding is lifted. The case is reviewed again.",
    )
    _id(parser)
    parser.add_argument("result", choices=["confirmed", "failed"], help="the callback's result")
    _common(parser, moves=True)
    add_policy_option(parser)
    parser.set_defaults(handler=_callback)

    parser = _action(
        actions,
        "review",
        "review a case's request again",
        "Review an open, not yet produced case's request again, under the policy it was"
        " reviewed with or the one --policy names (after the policy changed, or to correct"
        " a decision); the new review decides the state.",
    )
    _id(parser)
    parser.add_argument("--reason", help="why it is reviewed again")
    _common(parser, moves=True)
    add_policy_option(parser)
    parser.set_defaults(handler=_review)

    parser = _action(
        actions,
        "cure",
        "replace the request with a corrected document",
        "Replace a pushed-back, escalated or unverified case's request with a corrected"
        " document and review it again. A cure may correct the instrument, investigation,"
        " targets and period; it cannot change the requester or record a callback.",
    )
    _id(parser)
    parser.add_argument("file", metavar="REQUEST.json", help="the corrected request (same id)")
    _common(parser, moves=True)
    add_policy_option(parser)
    parser.set_defaults(handler=_cure)

    parser = _action(
        actions,
        "renew",
        "renew the preservation a case holds",
        "Renew the preservation a case holds (18 U.S.C. 2703(f)(2): once). A refused"
        " renewal leaves the case and its hold as they were and is recorded (exit 1).",
    )
    _id(parser)
    parser.add_argument(
        "file", nargs="?", metavar="REQUEST.json", help="the renewal document (same id), if any"
    )
    _common(parser, moves=True)
    add_policy_option(parser)
    parser.set_defaults(handler=_renew)

    parser = _action(
        actions,
        "approve",
        "approve a production as the second person the policy requires",
        "Record your approval of producing the case's current decision, where the policy's"
        " second_approver requires one (an objection-window override, an emergency release,"
        " content). Someone else must then produce.",
    )
    _id(parser)
    parser.add_argument("--reason", help="why it is approved")
    _common(parser, moves=True)
    parser.set_defaults(handler=_approve)

    parser = _action(
        actions,
        "produce",
        "produce what a case's review releases",
        "Produce what a fresh review of the case's request allows, after checking the stored"
        " case against the audit log (exit 4 on a mismatch). A case waiting for its notice"
        " before disclosure or its objection window needs --override.",
    )
    _id(parser)
    add_production_options(parser)
    add_mapping_option(parser)
    parser.add_argument(
        "--custodian",
        default=DEFAULT_CUSTODIAN,
        metavar="NAME",
        help=f"who signs the certificate (default: {DEFAULT_CUSTODIAN})",
    )
    add_certificate_option(parser)
    add_progress_options(parser)
    parser.add_argument(
        "--override",
        metavar="REASON",
        help="produce before the notice was given or before disclose_after, for this reason"
        " (audited)",
    )
    _common(parser, moves=True)
    parser.set_defaults(handler=_produce)

    parser = _action(
        actions,
        "notify",
        "give the account holders the notice the review schedules, once due",
        "Give each account holder the notice the review schedules, once due: one notice per"
        " account, naming only its own identifiers. With --store, targets are resolved to"
        " accounts; without, each identifier gets its own notice.",
    )
    _id(parser)
    parser.add_argument(
        "--outbox",
        required=True,
        metavar="DIR",
        help="where the notices are written as JSON for the service's mailer to send",
    )
    parser.add_argument(
        "--store", metavar="STORE", help="the record store that resolves targets to accounts"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a different notice file already in the outbox for this case",
    )
    _common(parser, moves=True)
    parser.set_defaults(handler=_notify)

    parser = _action(
        actions,
        "invoice",
        "bill the agency for a produced case (18 U.S.C. 2706)",
        "Bill the requesting agency for what a produced case released, under the fee"
        " schedule (fees) of the case's policy: writes OUT.md and OUT.csv (never replacing"
        " a file) and records the invoice in the audit log.",
    )
    _id(parser)
    parser.add_argument(
        "--out", required=True, metavar="OUT", help="where to write OUT.md and OUT.csv"
    )
    _common(parser, moves=True)
    parser.set_defaults(handler=_invoice)

    parser = _action(
        actions,
        "lift-gag",
        "record that a gag order ended, so the user's notice becomes due",
        "Record that a nondisclosure order was lifted, or an NSL's certification withdrawn,"
        " on a day: from then the notice is due (case due lists it, case notify sends it) and"
        " the account holder's ledger shows the disclosure.",
    )
    _id(parser)
    parser.add_argument("--on", required=True, metavar="DATE", help="the day the gag ended")
    parser.add_argument("--reason", help="the order or letter that lifted it")
    _common(parser, moves=True)
    parser.set_defaults(handler=_lift_gag)

    parser = _action(
        actions,
        "advance",
        "move a notice_pending case to ready once the objection window closes",
        "Move a notice_pending case to ready once the notice due before disclosure was given"
        " and disclose_after has come.",
    )
    _id(parser)
    _common(parser, moves=True)
    parser.set_defaults(handler=_advance)

    parser = _action(
        actions,
        "close",
        "close a case",
        "Close a case: answered, withdrawn, released or abandoned.",
    )
    _id(parser)
    parser.add_argument("--reason", default="closed", help="why (default: closed)")
    _common(parser, moves=True)
    parser.set_defaults(handler=_close)

    audit = subparsers.add_parser(
        "audit",
        help="check the case audit log",
        description="Check the hash-chained audit log of a case database.",
    )
    audit_actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    parser = audit_actions.add_parser(
        "verify",
        help="verify the audit chain and every stored case against it (exit 4 naming each problem)",
        description=(
            "Verify the hash chain against its head, and every stored case, hold and index"
            " row against the chain. With --head, also prove the log still extends a head"
            " published earlier (catches a log truncated or rewritten since)."
        ),
    )
    parser.add_argument(
        "--head",
        metavar="LENGTH:DIGEST",
        help="a head printed earlier by 'audit head': the log must still extend it",
    )
    _common(parser)
    parser.set_defaults(handler=_audit_verify)
    parser = audit_actions.add_parser(
        "head",
        help="print the chain's head (LENGTH:DIGEST) for publishing",
        description=(
            "Verify the log, then print its head as LENGTH:DIGEST. Publish it where a writer"
            " of the database cannot reach (the transparency report, a ticket, a"
            " transparency log); 'audit verify --head' later proves the log extends it."
        ),
    )
    _common(parser)
    parser.set_defaults(handler=_audit_head)

    parser = subparsers.add_parser(
        "ledger",
        help="every disclosure of one account's data",
        description="List the disclosures of one account's data recorded in a case database."
        " By default the account holder's view: disclosures whose notice is withheld or not"
        " yet due (a gag order in force) are left out. --all is counsel's view: every"
        " disclosure with its notice status.",
    )
    parser.add_argument("account", metavar="ACCOUNT", help="the account id")
    parser.add_argument(
        "--all", action="store_true", help="counsel's view: every disclosure, with notice status"
    )
    parser.add_argument("--now", metavar="TIMESTAMP", help="the instant of the view (default: now)")
    _common(parser)
    parser.set_defaults(handler=_ledger)
