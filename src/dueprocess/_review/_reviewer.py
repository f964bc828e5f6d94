"""The review engine: walks the rule tables over one request (docs/rules.md).

Pure and deterministic: no clock, no I/O; every date comes from the request. Each
section below is one heading of docs/rules.md and returns its findings in the page's order;
European orders and CLOUD Act agreements live in ``_foreign``. Findings whose
effect is ``note`` never change the outcome, so the outcome is computed from the other
findings and the category decisions first, and the notes that depend on it
(``emergency.follow_up_process``, ``eu.enforcing_authority_notification``, the notice
notes) are added afterwards in their place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from .._base._enums import (
    Area,
    Callback,
    Category,
    Decision,
    Effect,
    Nature,
    NondisclosureKind,
    NoticeTiming,
    Outcome,
    ProcessKind,
    TargetKind,
)
from .._intake._request import LegalRequest, Period
from ._citations import cites
from ._context import Context, days, finding, listing, words
from ._foreign import cloud_act, eu_applies, eu_categories, eu_notification, respond_by
from ._policy import DEFAULT_POLICY, Policy
from ._review import CategoryDecision, Finding, Notice, Review
from ._rules import tables as T

__all__ = ["review"]

K = ProcessKind

_CHALLENGE = (
    " A court's warrant or order is not refused: counsel decides whether to move the court "
    "to quash or modify it."
)

# --- Who sent it --------------------------------------------------------------------------


def _is_government(domain: str, policy: Policy) -> bool:
    return any(domain == gov or domain.endswith("." + gov) for gov in policy.government_domains)


def _requester(ctx: Context) -> Iterator[Finding]:
    requester = ctx.request.requester
    policy = ctx.policy
    domain = requester.domain
    email = requester.email.strip().lower()
    if email in policy.blocked_senders or domain in policy.blocked_senders:
        yield finding(
            "requester.blocked",
            f"Requests from {email} are blocked by the platform; the request will not be answered.",
        )
    free = domain in policy.free_mail_domains
    if free:
        yield finding(
            "requester.free_email",
            f"The request came from a free mail address ({domain}); law-enforcement requests "
            "must come from an official government address, and forged requests are commonly "
            "sent from free mail.",
        )
    official = _is_government(domain, policy)
    if not free and not official and requester.callback is not Callback.CONFIRMED:
        yield finding(
            "requester.unrecognized_domain",
            f"The sender's domain ({domain}) is not a recognised government domain; the "
            "requester must be confirmed by calling the agency on an independently found number.",
        )
    if requester.callback is Callback.FAILED:
        yield finding(
            "requester.callback_failed",
            "Calling the agency back on an independently found number did not confirm the "
            "requester; the request is treated as not genuine.",
        )


# --- The instrument ---------------------------------------------------------------------


def _jurisdiction(ctx: Context) -> Iterator[Finding]:
    kind = ctx.kind
    if (kind in T.US_KINDS and not ctx.us) or (kind in T.FOREIGN_ONLY_KINDS and ctx.us):
        where = "the United States" if ctx.us else ctx.country
        yield finding(
            "process.kind_jurisdiction_mismatch",
            f"This {T.PROCESS_NAMES[kind]} comes from an authority in {where}; US process "
            "must be issued in the United States, and a US authority uses US process, not a "
            "request or order meant for foreign authorities.",
        )


def _judicial(ctx: Context) -> Iterator[Finding]:
    judicial = T.JUDICIAL_KINDS.get(ctx.kind)
    issuer = ctx.request.process.issuer
    if judicial is not None and issuer.role not in judicial.roles:
        yield finding(
            "process.not_judicial",
            f"This {T.PROCESS_NAMES[ctx.kind]} was issued by a {words(issuer.role.value)}, not "
            'by a judge or a court. An agency\'s own "warrant" is not a warrant of a court '
            "and reaches no stored data; a warrant or order issued by a judge would.",
            citation=judicial.citation,
        )
    gag = ctx.request.nondisclosure
    if (
        ctx.kind is K.NATIONAL_SECURITY_LETTER
        and gag is not None
        and gag.kind is NondisclosureKind.CERTIFICATION
        and not gag.review_notice
    ):
        yield finding(
            "nondisclosure.incomplete_certification",
            "The letter certifies that telling anyone may cause harm (18 U.S.C. 2709(c)(1)) "
            "but does not give notice of the right to judicial review under 2709(d); without "
            "that notice the gag does not bind, so counsel decides. A letter that gives the "
            "notice would bind the platform to silence.",
        )


def _stale_warrant(ctx: Context) -> Iterator[Finding]:
    process = ctx.request.process
    limit, citation = ctx.policy.warrant_service_days, None
    state = ctx.state
    state_days = state.warrant_service_days if state is not None else None
    if state is not None and state_days is not None and state_days < limit:
        limit, citation = state_days, state.warrant_citation
    age = (ctx.received - process.issued_on).days
    if age > limit:
        yield finding(
            "process.stale_warrant",
            f"The warrant was issued on {process.issued_on} and received {days(age)} "
            f"later; a warrant must be executed within {days(limit)} of issue. A fresh "
            "warrant is needed.",
            citation=citation,
        )


def _instrument(ctx: Context) -> Iterator[Finding]:
    request, kind, policy = ctx.request, ctx.kind, ctx.policy
    process = request.process
    yield from _jurisdiction(ctx)
    if not process.signed and kind is not K.EMERGENCY_REQUEST:
        yield finding(
            "process.unsigned",
            "The instrument is not signed; send a copy bearing the issuer's signature.",
        )
    yield from _judicial(ctx)
    if process.issued_on > ctx.received:
        yield finding(
            "process.issued_after_receipt",
            f"The instrument is dated {process.issued_on}, after it was received on "
            f"{ctx.received}; the requester must be verified before anything is done.",
        )
    if kind is K.SEARCH_WARRANT:
        yield from _stale_warrant(ctx)
    yield from _special_process(ctx)
    if not process.authority.strip() and kind is not K.EMERGENCY_REQUEST:
        yield finding(
            "basis.missing_authority",
            "The request cites no legal authority; state the statute or rule it is made under.",
        )
    if not kind.is_preservation:
        count = len(request.investigation.facts.split())
        if count < policy.min_fact_words:
            yield finding(
                "basis.insufficient_facts",
                f"The factual basis has {count} word{'s' if count != 1 else ''}; at least "
                f"{policy.min_fact_words} are needed to explain why this data, from these "
                "accounts, for this period, is sought.",
            )
    authority = process.authority
    if (
        kind is K.ADMINISTRATIVE_SUBPOENA
        and authority.strip()
        and not any(cites(authority, scope.statute) for scope in policy.authority_scopes)
    ):
        mapped = listing(scope.statute for scope in policy.authority_scopes) or "none"
        yield finding(
            "basis.unrecognized_authority",
            "The subpoena cites no statute whose reach the platform has mapped (mapped: "
            f"{mapped}); counsel decides what the agency's power reaches. Citing the statute "
            "that authorises it lets the platform answer.",
        )


def _special_process(ctx: Context) -> Iterator[Finding]:
    kind = ctx.kind
    if kind in (K.PEN_REGISTER_ORDER, K.WIRETAP_ORDER):
        yield finding(
            "process.prospective",
            f"This {T.PROCESS_NAMES[kind]} orders real-time interception, not a production "
            "of stored records; it goes to counsel.",
        )
    period = ctx.request.period
    if kind is K.CLOUD_ACT_ORDER and period is not None and period.end > ctx.received:
        yield finding(
            "process.prospective",
            f"The order asks for records up to {period.end}, after it was received on "
            f"{ctx.received}; an order under an agreement may require interception, which "
            "goes to counsel.",
            citation="18 U.S.C. 2511(2)(j), 2523(b)(4)(D)",
        )
    if kind is K.FISA_ORDER:
        yield finding(
            "process.fisa",
            "An order of the Foreign Intelligence Surveillance Court goes to counsel.",
        )
    if kind is K.CIVIL_SUBPOENA:
        yield finding(
            "process.civil_litigant",
            "A civil subpoena for a private party goes to counsel: a court may compel "
            "non-content records in a civil case (18 U.S.C. 2702(c)(6)), usually after the "
            "account holder is told; content never goes to a private party without the "
            "account holder's consent.",
        )


# --- What it is for -----------------------------------------------------------------------


def _purpose(ctx: Context) -> Iterator[Finding]:
    investigation = ctx.request.investigation
    kind = ctx.kind
    if kind in T.CRIMINAL_ONLY_KINDS and investigation.nature is not Nature.CRIMINAL:
        yield finding(
            "purpose.not_criminal",
            f"The investigation is {words(investigation.nature.value)}; the platform answers "
            f"compelled process ({T.PROCESS_NAMES[kind]}) only in an official criminal "
            "investigation.",
        )
    if kind is K.NATIONAL_SECURITY_LETTER and investigation.nature is not Nature.NATIONAL_SECURITY:
        yield finding(
            "purpose.not_national_security",
            "A national security letter may be used only in an authorised national-security "
            f"investigation, not a {words(investigation.nature.value)} one.",
        )
    authority = ctx.request.process.authority
    for scope in ctx.policy.authority_scopes:
        if investigation.area not in scope.areas and cites(authority, scope.statute):
            allowed = listing(sorted(words(area.value) for area in scope.areas))
            yield finding(
                "purpose.authority_mismatch",
                f"{scope.statute} reaches {allowed} matters only, not "
                f"{words(investigation.area.value)}.",
                citation=scope.statute,
            )


# --- Whose data ---------------------------------------------------------------------------


def _targets(ctx: Context) -> Iterator[Finding]:
    targets = ctx.request.targets
    if not targets:
        yield finding("target.none", "The request names no account; identify the account.")
    queries = [i for i, target in enumerate(targets) if target.kind is TargetKind.QUERY]
    if queries:
        yield finding(
            "target.not_particular",
            f"Target {listing(str(i + 1) for i in queries)} describes whom to search for rather "
            "than a particular account; the platform does not search for unknown people on "
            "the government's behalf.",
        )
    names = [i for i, target in enumerate(targets) if target.kind is TargetKind.NAME]
    if names:
        yield finding(
            "target.ambiguous",
            f"Target {listing(str(i + 1) for i in names)} is a name only, which does not pick "
            "out one account; give an account id, username, email, phone number or profile URL.",
        )
    if len(targets) > ctx.policy.max_targets:
        yield finding(
            "target.too_many",
            f"The request names {len(targets)} targets; at most {ctx.policy.max_targets} are "
            "answered in one request.",
        )


# --- How much -----------------------------------------------------------------------------


def _scope(ctx: Context) -> tuple[Period | None, list[Finding]]:
    period = ctx.request.period
    preservation = ctx.kind.is_preservation
    findings: list[Finding] = []
    if period is None:
        if not preservation and any(c is not Category.SUBSCRIBER for c in ctx.categories):
            findings.append(
                finding(
                    "scope.period_missing",
                    "The request gives no time period; every category other than subscriber "
                    "data needs one.",
                )
            )
        return None, findings
    received = ctx.received
    effective: Period | None = period
    if ctx.kind not in T.PERIOD_EXEMPT_KINDS:
        if period.start > received:
            effective = None
            findings.append(
                finding(
                    "scope.future_period",
                    f"The period starts on {period.start}, after the request was received on "
                    f"{received}: nothing asked for is stored yet. Records made after receipt "
                    "can be collected only as they come into being, under a pen register or "
                    "wiretap order.",
                )
            )
        elif period.end > received:
            effective = Period(period.start, received)
            cut = "" if ctx.court_issued else f", so the period ends on {received}"
            findings.append(
                finding(
                    "scope.prospective_period",
                    f"The period ends on {period.end}, after the request was received on "
                    f"{received}; a {T.PROCESS_NAMES[ctx.kind]} reaches only records stored "
                    f"when it is received{cut}. Records made after receipt need a pen "
                    "register or wiretap order.",
                )
            )
    limit = ctx.policy.max_period_days
    if effective is not None and not preservation and effective.days > limit:
        narrowed = Period(effective.end - dt.timedelta(days=limit - 1), effective.end)
        verb = "would be" if ctx.court_issued else "is"
        findings.append(
            finding(
                "scope.period_narrowed",
                f"The period {effective.start} to {effective.end} spans {effective.days} days; "
                f"it {verb} narrowed to the last {limit} days, {narrowed.start} to "
                f"{narrowed.end}.",
            )
        )
        effective = narrowed
    if ctx.court_issued:
        # Rule 15: the period stays as the court wrote it; counsel decides.
        return period, findings
    return effective, findings


def _challenge(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """Rule 15: a court's breadth is challenged in court, not refused or cut by the platform."""
    if not ctx.court_issued:
        return findings
    return [
        attrs.evolve(
            item,
            effect=Effect.ESCALATE,
            citation=T.COURT_CHALLENGE_CITATION,
            message=item.message + _CHALLENGE,
        )
        if item.code in T.COURT_CHALLENGE_CODES
        else item
        for item in findings
    ]


# --- Category decisions ---------------------------------------------------------------------


def _cell_finding(ctx: Context, category: Category, cell: T.Cell, who: str) -> Finding | None:
    name = T.CATEGORY_NAMES[category]
    if cell.code is None:
        return None
    if cell.code == "category.limited":
        message = (
            f"{who} reaches only {listing(cell.fields or ())} of the {name}; nothing else of it "
            "is released."
        )
    elif cell.code == "category.private_party_content":
        message = (
            f"{name.capitalize()} is never disclosed to a private party without "
            f"{T.REQUIRED_NAMES['user_consent']}; the account holder can download and share "
            "it themselves."
        )
    else:
        message = (
            f"{who} does not reach {name}; that needs {T.REQUIRED_NAMES[cell.required or '']}."
        )
    return finding(
        cell.code, message, category=category, required=cell.required, citation=cell.citation
    )


def _table_cell(ctx: Context, category: Category) -> tuple[T.Cell, str]:
    """The process x category cell, with a state's own rule applied, and who it speaks of."""
    who = f"A {T.PROCESS_NAMES[ctx.kind]}"
    state = ctx.state
    if state is not None and ctx.kind in state.kinds and category in state.cells:
        override = state.cells[category]
        code = (
            "category.limited" if override.fields is not None else "category.insufficient_process"
        )
        cell = T.Cell(
            override.decision,
            override.citation,
            required=override.required,
            fields=override.fields,
            code=code,
        )
        return cell, f"Under {state.name}, a {T.PROCESS_NAMES[ctx.kind]}"
    return T.PROCESS_CATEGORIES[ctx.kind][category], who


def _emergency_cell(ctx: Context, category: Category) -> tuple[Decision, Finding | None]:
    if category in T.EMERGENCY_US_ONLY and not ctx.us:
        return Decision.WITHHOLD, finding(
            "emergency.foreign_content",
            f"In an emergency {T.CATEGORY_NAMES[category]} is disclosed only to a US "
            "governmental entity (18 U.S.C. 2702(b)(8), 2711(4)); an authority outside the "
            "United States can seek it through a mutual legal assistance request or, where "
            "one is in force, an order under a CLOUD Act agreement.",
            category=category,
        )
    if category in ctx.policy.emergency_categories:
        return Decision.DISCLOSE, None
    minimum = (T.CATEGORY_NAMES[c] for c in Category if c in ctx.policy.emergency_categories)
    return Decision.WITHHOLD, finding(
        "category.beyond_emergency_minimum",
        f"An emergency releases only {listing(minimum)}; "
        f"{T.CATEGORY_NAMES[category]} needs legal process.",
        category=category,
    )


def _decide(ctx: Context) -> tuple[dict[Category, CategoryDecision], list[Finding]]:
    kind = ctx.kind
    decisions: dict[Category, CategoryDecision] = {}
    findings: list[Finding] = []
    for category in ctx.categories:
        note: Finding | None = None
        if kind.is_preservation:
            decisions[category] = CategoryDecision(category, Decision.PRESERVE)
        elif kind in T.NO_PRODUCTION_KINDS:
            cell = T.NO_PRODUCTION_CELLS.get(kind, {}).get(category)
            required = cell.required if cell is not None else None
            decisions[category] = CategoryDecision(category, Decision.WITHHOLD, required=required)
            if cell is not None:
                note = _cell_finding(ctx, category, cell, "")
        elif kind is K.EMERGENCY_REQUEST:
            decision, note = _emergency_cell(ctx, category)
            decisions[category] = CategoryDecision(category, decision)
        elif kind is K.EU_PRODUCTION_ORDER:
            decisions[category] = CategoryDecision(category, Decision.DISCLOSE)
        else:
            cell, who = _table_cell(ctx, category)
            decisions[category] = CategoryDecision(
                category, cell.decision, fields=cell.fields, required=cell.required
            )
            note = _cell_finding(ctx, category, cell, who)
        if note is not None:
            findings.append(note)
    return decisions, findings


# --- Emergencies ----------------------------------------------------------------------------


def _emergency(ctx: Context) -> Iterator[Finding]:
    if ctx.kind is not K.EMERGENCY_REQUEST:
        return
    requester = ctx.request.requester
    emergency = ctx.request.emergency
    if emergency is None:
        yield finding(
            "emergency.missing_details",
            "An emergency request must describe the danger: its kind, whether it is imminent, "
            "and what is happening.",
        )
    elif not emergency.qualifies:
        yield finding(
            "emergency.not_qualifying",
            "The danger described is not an imminent danger of death or serious physical "
            "injury; an emergency disclosure needs one. Send legal process instead.",
        )
    if requester.callback is not Callback.CONFIRMED:
        yield finding(
            "emergency.unverified",
            "The emergency has not been confirmed by calling the agency back on an "
            "independently found number; forged emergency requests from compromised police "
            "mailboxes are a known attack.",
        )
    if requester.supervisor is None:
        yield finding(
            "emergency.no_supervisor",
            "The request names no supervisor the platform can call to confirm the emergency.",
        )


def _follow_up(ctx: Context, outcome: Outcome) -> Iterator[Finding]:
    if ctx.kind is K.EMERGENCY_REQUEST and outcome.releases_data:
        yield finding(
            "emergency.follow_up_process",
            "Data is released on the emergency alone; legal process for it must follow.",
        )


# --- Preservation ---------------------------------------------------------------------------


def _preservation(ctx: Context) -> tuple[dt.date | None, list[Finding]]:
    term = T.PRESERVATION_TERMS.get(ctx.kind)
    if term is None:
        return None, []
    renewal = ctx.request.preservation
    if renewal is None:
        return ctx.received + dt.timedelta(days=term.days), []
    if renewal.prior_extensions < term.max_extensions:
        return renewal.prior_expires_on + dt.timedelta(days=term.renewal_days), []
    return None, [
        finding(
            "preservation.extension_limit",
            f"Preservation {renewal.extends!r} has already been extended "
            f"{renewal.prior_extensions} time{'s' if renewal.prior_extensions != 1 else ''}; "
            f"it may be extended only {term.max_extensions} time "
            f"by {days(term.renewal_days)}. Serve process to obtain the data.",
            citation=term.citation,
        )
    ]


# --- Outcome and notice -------------------------------------------------------------------

_OUTCOME_BY_EFFECT = (
    (Effect.REJECT, Outcome.REJECT),
    (Effect.VERIFY, Outcome.VERIFY),
    (Effect.ESCALATE, Outcome.ESCALATE),
    (Effect.PUSH_BACK, Outcome.PUSH_BACK),
)


def _outcome(
    ctx: Context, findings: list[Finding], decisions: dict[Category, CategoryDecision]
) -> Outcome:
    effects = {item.effect for item in findings}
    for effect, outcome in _OUTCOME_BY_EFFECT:
        if effect in effects:
            return outcome
    if ctx.kind.is_preservation:
        return Outcome.PRESERVE
    if not any(decision.released for decision in decisions.values()):
        return Outcome.PUSH_BACK
    every_disclosed = all(d.decision is Decision.DISCLOSE for d in decisions.values())
    if every_disclosed and Effect.NARROW not in effects:
        return Outcome.COMPLY
    return Outcome.PARTIAL


def _notice(ctx: Context, outcome: Outcome, notified: bool) -> tuple[Notice, list[Finding]]:
    request = ctx.request
    notes: list[Finding] = []
    gag = request.nondisclosure
    if gag is not None and gag.kind is NondisclosureKind.REQUEST_LETTER:
        notes.append(
            finding(
                "nondisclosure.not_binding",
                "The requester asks that the user not be told, but only a court order can "
                "stop notice; the user will be told as usual.",
            )
        )
    if not outcome.releases_data:
        return Notice(False, NoticeTiming.NONE), notes
    if ctx.kind is K.EU_PRODUCTION_ORDER:
        after = None
        if notified and not ctx.qualifying_emergency:
            after = ctx.received + dt.timedelta(days=T.EU_ENFORCING_DAYS)
        return Notice(False, NoticeTiming.BY_ISSUING_AUTHORITY, disclose_after=after), notes
    if (
        ctx.kind is K.NATIONAL_SECURITY_LETTER
        and gag is not None
        and gag.kind is NondisclosureKind.CERTIFICATION
        and gag.review_notice
    ):
        return Notice(False, NoticeTiming.WITHHELD), notes
    if gag is not None and gag.kind is NondisclosureKind.COURT_ORDER:
        if gag.until is None:
            notes.insert(
                0,
                finding(
                    "nondisclosure.indefinite",
                    "The nondisclosure order gives no end date, so it binds until a court "
                    "lifts it; the user is told once it is lifted. The platform asks the "
                    "prosecutor each year whether the order must still stand.",
                ),
            )
        return Notice(True, NoticeTiming.AFTER_NONDISCLOSURE, not_before=gag.until), notes
    if request.investigation.area is Area.CHILD_EXPLOITATION:
        return Notice(False, NoticeTiming.WITHHELD), notes
    if ctx.kind is K.EMERGENCY_REQUEST:
        return Notice(True, NoticeTiming.AFTER_EMERGENCY), notes
    hold = dt.timedelta(days=ctx.policy.notice_hold_days)
    return (
        Notice(
            True,
            NoticeTiming.BEFORE_DISCLOSURE,
            not_before=ctx.received,
            disclose_after=ctx.received + hold,
        ),
        notes,
    )


# --- The review -----------------------------------------------------------------------------


def review(request: LegalRequest, policy: Policy = DEFAULT_POLICY) -> Review:
    """Review one request under a policy.

    Pure and deterministic: the same request and policy always give the same review.

    Args:
        request: a request from :func:`dueprocess.load_request`.
        policy: the platform's standards; :data:`dueprocess.DEFAULT_POLICY` by default.

    Returns:
        The :class:`~dueprocess.Review`, whose ``to_dict()`` is the ``dueprocess.review/1``
        document.
    """
    ctx = Context.of(request, policy)
    categories = ctx.categories
    period, scope_findings = _scope(ctx)
    decisions, category_findings = _decide(ctx)
    preserve_until, preservation_findings = _preservation(ctx)
    head = _challenge(
        ctx,
        [
            *_requester(ctx),
            *_instrument(ctx),
            *_purpose(ctx),
            *_targets(ctx),
            *scope_findings,
            *category_findings,
            *_emergency(ctx),
        ],
    )
    foreign = [*eu_applies(ctx), *eu_categories(ctx, decisions), *cloud_act(ctx)]
    outcome = _outcome(ctx, [*head, *preservation_findings, *foreign], decisions)
    notification = eu_notification(ctx, decisions, outcome)
    notice, notice_notes = _notice(ctx, outcome, bool(notification))
    eu = [item for item in foreign if item.code.startswith("eu.")]
    agreement = [item for item in foreign if not item.code.startswith("eu.")]
    findings = (
        *head,
        *_follow_up(ctx, outcome),
        *preservation_findings,
        *eu,
        *notification,
        *agreement,
        *notice_notes,
    )
    return Review(
        request=request,
        policy=policy.name,
        outcome=outcome,
        findings=findings,
        categories=tuple(decisions[category] for category in categories),
        period=period,
        notice=notice,
        preserve_until=preserve_until if outcome is Outcome.PRESERVE else None,
        respond_by=respond_by(ctx),
        notify_authorities=("enforcing_authority",) if notification else (),
        policy_sha256=policy.sha256,
    )
