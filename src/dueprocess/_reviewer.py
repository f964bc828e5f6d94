"""The review engine: walks the rule tables over one request (docs/rules.md).

Pure and deterministic: no clock, no I/O; every date comes from the request. Each
section below is one heading of docs/rules.md and returns its findings in the page's order.
Findings whose effect is ``note`` never change the outcome, so the outcome is computed
from the other findings and the category decisions first, and the notes that depend on
it (``emergency.follow_up_process``, ``eu.enforcing_authority_notification``, the notice
notes) are added afterwards in their place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import attrs

from ._citations import cites
from ._enums import (
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
from ._policy import DEFAULT_POLICY, Policy
from ._request import LegalRequest, Period
from ._review import CategoryDecision, Finding, Notice, Review
from ._rules import tables as T

__all__ = ["review"]

K = ProcessKind


@attrs.frozen
class _Context:
    request: LegalRequest
    policy: Policy
    kind: ProcessKind
    country: str
    received: dt.date
    categories: tuple[Category, ...]

    @property
    def eu_emergency(self) -> bool:
        emergency = self.request.emergency
        return emergency is not None and emergency.qualifies


def _finding(
    code: str,
    message: str,
    *,
    category: Category | None = None,
    required: str | None = None,
    citation: str | None = None,
    effect: Effect | None = None,
) -> Finding:
    rule = T.FINDINGS[code]
    return Finding(
        code=code,
        effect=effect or rule.effect,
        message=message,
        citation=citation or rule.citation,
        category=category,
        required=required,
    )


def _listing(values: Iterable[str]) -> str:
    items = list(values)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


# --- Who sent it --------------------------------------------------------------------------


def _is_government(domain: str, policy: Policy) -> bool:
    return any(domain == gov or domain.endswith("." + gov) for gov in policy.government_domains)


def _requester(ctx: _Context) -> Iterator[Finding]:
    requester = ctx.request.requester
    policy = ctx.policy
    domain = requester.domain
    email = requester.email.strip().lower()
    if email in policy.blocked_senders or domain in policy.blocked_senders:
        yield _finding(
            "requester.blocked",
            f"Requests from {email} are blocked by the platform; the request will not be answered.",
        )
    free = domain in policy.free_mail_domains
    if free:
        yield _finding(
            "requester.free_email",
            f"The request came from a free mail address ({domain}); law-enforcement requests "
            "must come from an official government address, and forged requests are commonly "
            "sent from free mail.",
        )
    official = _is_government(domain, policy)
    if not free and not official and requester.callback is not Callback.CONFIRMED:
        yield _finding(
            "requester.unrecognized_domain",
            f"The sender's domain ({domain}) is not a recognised government domain; the "
            "requester must be confirmed by calling the agency on an independently found number.",
        )
    if requester.callback is Callback.FAILED:
        yield _finding(
            "requester.callback_failed",
            "Calling the agency back on an independently found number did not confirm the "
            "requester; the request is treated as not genuine.",
        )


# --- The instrument ---------------------------------------------------------------------


def _instrument(ctx: _Context) -> Iterator[Finding]:
    request, kind, policy = ctx.request, ctx.kind, ctx.policy
    process = request.process
    if (kind in T.US_KINDS and ctx.country != "US") or (
        kind is K.FOREIGN_DIRECT_REQUEST and ctx.country == "US"
    ):
        where = "the United States" if ctx.country == "US" else ctx.country
        yield _finding(
            "process.kind_jurisdiction_mismatch",
            f"This {T.PROCESS_NAMES[kind]} comes from an authority in {where}; US process "
            "must be issued in the United States, and a US authority uses US process, not a "
            "direct foreign request.",
        )
    if not process.signed and kind is not K.EMERGENCY_REQUEST:
        yield _finding(
            "process.unsigned",
            "The instrument is not signed; send a copy bearing the issuer's signature.",
        )
    if process.issued_on > ctx.received:
        yield _finding(
            "process.issued_after_receipt",
            f"The instrument is dated {process.issued_on}, after it was received on "
            f"{ctx.received}; the requester must be verified before anything is done.",
        )
    if kind is K.SEARCH_WARRANT:
        age = (ctx.received - process.issued_on).days
        if age > policy.warrant_service_days:
            yield _finding(
                "process.stale_warrant",
                f"The warrant was issued on {process.issued_on} and received {_days(age)} "
                f"later; a warrant must be executed within {_days(policy.warrant_service_days)} "
                "of issue. A fresh warrant is needed.",
            )
    if kind in (K.PEN_REGISTER_ORDER, K.WIRETAP_ORDER):
        yield _finding(
            "process.prospective",
            f"This {T.PROCESS_NAMES[kind]} orders real-time interception, not a production "
            "of stored records; it goes to counsel.",
        )
    if kind is K.FISA_ORDER:
        yield _finding(
            "process.fisa",
            "An order of the Foreign Intelligence Surveillance Court goes to counsel.",
        )
    if kind is K.CIVIL_SUBPOENA:
        yield _finding(
            "process.civil_litigant",
            "A civil subpoena for a private party cannot compel the contents of communications "
            "(18 U.S.C. 2702(a)); the account holder can download their own data instead.",
        )
    if not process.authority.strip() and kind is not K.EMERGENCY_REQUEST:
        yield _finding(
            "basis.missing_authority",
            "The request cites no legal authority; state the statute or rule it is made under.",
        )
    if not kind.is_preservation:
        words = len(request.investigation.facts.split())
        if words < policy.min_fact_words:
            yield _finding(
                "basis.insufficient_facts",
                f"The factual basis has {words} word{'s' if words != 1 else ''}; at least "
                f"{policy.min_fact_words} are needed to explain why this data, from these "
                "accounts, for this period, is sought.",
            )


# --- What it is for -----------------------------------------------------------------------


def _purpose(ctx: _Context) -> Iterator[Finding]:
    investigation = ctx.request.investigation
    kind = ctx.kind
    if kind in T.CRIMINAL_ONLY_KINDS and investigation.nature is not Nature.CRIMINAL:
        yield _finding(
            "purpose.not_criminal",
            f"The investigation is {investigation.nature.value.replace('_', ' ')}; the platform "
            f"answers compelled process ({T.PROCESS_NAMES[kind]}) only in an official criminal "
            "investigation.",
        )
    if kind is K.NATIONAL_SECURITY_LETTER and investigation.nature is not Nature.NATIONAL_SECURITY:
        yield _finding(
            "purpose.not_national_security",
            "A national security letter may be used only in an authorised national-security "
            f"investigation, not a {investigation.nature.value.replace('_', ' ')} one.",
        )
    authority = ctx.request.process.authority
    for scope in ctx.policy.authority_scopes:
        if investigation.area not in scope.areas and cites(authority, scope.statute):
            allowed = _listing(sorted(area.value.replace("_", " ") for area in scope.areas))
            yield _finding(
                "purpose.authority_mismatch",
                f"{scope.statute} reaches {allowed} matters only, not "
                f"{investigation.area.value.replace('_', ' ')}.",
                citation=scope.statute,
            )


# --- Whose data ---------------------------------------------------------------------------


def _targets(ctx: _Context) -> Iterator[Finding]:
    targets = ctx.request.targets
    if not targets:
        yield _finding("target.none", "The request names no account; identify the account.")
    queries = [i for i, target in enumerate(targets) if target.kind is TargetKind.QUERY]
    if queries:
        yield _finding(
            "target.not_particular",
            f"Target {_listing(str(i + 1) for i in queries)} describes whom to search for rather "
            "than a particular account; the platform does not search for unknown people on "
            "the government's behalf.",
        )
    names = [i for i, target in enumerate(targets) if target.kind is TargetKind.NAME]
    if names:
        yield _finding(
            "target.ambiguous",
            f"Target {_listing(str(i + 1) for i in names)} is a name only, which does not pick "
            "out one account; give an account id, username, email, phone number or profile URL.",
        )
    if len(targets) > ctx.policy.max_targets:
        yield _finding(
            "target.too_many",
            f"The request names {len(targets)} targets; at most {ctx.policy.max_targets} are "
            "answered in one request.",
        )


# --- How much -----------------------------------------------------------------------------


def _scope(ctx: _Context) -> tuple[Period | None, list[Finding]]:
    period = ctx.request.period
    if ctx.kind.is_preservation:
        return period, []
    findings: list[Finding] = []
    if period is None:
        if any(category is not Category.SUBSCRIBER for category in ctx.categories):
            findings.append(
                _finding(
                    "scope.period_missing",
                    "The request gives no time period; every category other than subscriber "
                    "data needs one.",
                )
            )
        return None, findings
    limit = ctx.policy.max_period_days
    if period.days > limit:
        narrowed = Period(period.end - dt.timedelta(days=limit - 1), period.end)
        findings.append(
            _finding(
                "scope.period_narrowed",
                f"The period {period.start} to {period.end} spans {period.days} days; it is "
                f"narrowed to the last {limit} days, {narrowed.start} to {narrowed.end}.",
            )
        )
        return narrowed, findings
    return period, findings


# --- Category decisions ---------------------------------------------------------------------


def _decide(ctx: _Context) -> tuple[dict[Category, CategoryDecision], list[Finding]]:
    kind = ctx.kind
    decisions: dict[Category, CategoryDecision] = {}
    findings: list[Finding] = []
    for category in ctx.categories:
        if kind.is_preservation:
            decisions[category] = CategoryDecision(category, Decision.PRESERVE)
        elif kind in T.NO_PRODUCTION_KINDS:
            decisions[category] = CategoryDecision(category, Decision.WITHHOLD)
        elif kind is K.EMERGENCY_REQUEST:
            if category in ctx.policy.emergency_categories:
                decisions[category] = CategoryDecision(category, Decision.DISCLOSE)
            else:
                decisions[category] = CategoryDecision(category, Decision.WITHHOLD)
                minimum = (
                    T.CATEGORY_NAMES[c] for c in Category if c in ctx.policy.emergency_categories
                )
                findings.append(
                    _finding(
                        "category.beyond_emergency_minimum",
                        f"An emergency releases only {_listing(minimum)}; "
                        f"{T.CATEGORY_NAMES[category]} needs legal process.",
                        category=category,
                    )
                )
        elif kind is K.EU_PRODUCTION_ORDER:
            decisions[category] = CategoryDecision(category, Decision.DISCLOSE)
        else:
            cell = T.PROCESS_CATEGORIES[kind][category]
            decisions[category] = CategoryDecision(
                category, cell.decision, fields=cell.fields, required=cell.required
            )
            if cell.code == "category.limited":
                findings.append(
                    _finding(
                        cell.code,
                        f"A {T.PROCESS_NAMES[kind]} reaches only "
                        f"{_listing(cell.fields or ())} of the {T.CATEGORY_NAMES[category]}; "
                        "nothing else of it is released.",
                        category=category,
                        citation=cell.citation,
                    )
                )
            elif cell.code is not None:
                findings.append(
                    _finding(
                        cell.code,
                        f"A {T.PROCESS_NAMES[kind]} does not reach {T.CATEGORY_NAMES[category]}; "
                        f"that needs {T.REQUIRED_NAMES[cell.required or '']}.",
                        category=category,
                        required=cell.required,
                        citation=cell.citation,
                    )
                )
    return decisions, findings


# --- Emergencies ----------------------------------------------------------------------------


def _emergency(ctx: _Context) -> Iterator[Finding]:
    if ctx.kind is not K.EMERGENCY_REQUEST:
        return
    requester = ctx.request.requester
    emergency = ctx.request.emergency
    if emergency is None:
        yield _finding(
            "emergency.missing_details",
            "An emergency request must describe the danger: its kind, whether it is imminent, "
            "and what is happening.",
        )
    elif not emergency.qualifies:
        yield _finding(
            "emergency.not_qualifying",
            "The danger described is not an imminent danger of death or serious physical "
            "injury; an emergency disclosure needs one. Send legal process instead.",
        )
    if requester.callback is not Callback.CONFIRMED:
        yield _finding(
            "emergency.unverified",
            "The emergency has not been confirmed by calling the agency back on an "
            "independently found number; forged emergency requests from compromised police "
            "mailboxes are a known attack.",
        )
    if requester.supervisor is None:
        yield _finding(
            "emergency.no_supervisor",
            "The request names no supervisor the platform can call to confirm the emergency.",
        )


def _follow_up(ctx: _Context, outcome: Outcome) -> Iterator[Finding]:
    if ctx.kind is K.EMERGENCY_REQUEST and outcome.releases_data:
        yield _finding(
            "emergency.follow_up_process",
            "Data is released on the emergency alone; legal process for it must follow.",
        )


# --- Preservation ---------------------------------------------------------------------------


def _preservation(ctx: _Context) -> tuple[dt.date | None, list[Finding]]:
    term = T.PRESERVATION_TERMS.get(ctx.kind)
    if term is None:
        return None, []
    renewal = ctx.request.preservation
    if renewal is None:
        return ctx.received + dt.timedelta(days=term.days), []
    if renewal.prior_extensions < term.max_extensions:
        return renewal.prior_expires_on + dt.timedelta(days=term.renewal_days), []
    return None, [
        _finding(
            "preservation.extension_limit",
            f"Preservation {renewal.extends!r} has already been extended "
            f"{renewal.prior_extensions} time{'s' if renewal.prior_extensions != 1 else ''}; "
            f"it may be extended only {term.max_extensions} time "
            f"by {_days(term.renewal_days)}. Serve process to obtain the data.",
            citation=term.citation,
        )
    ]


# --- European orders ------------------------------------------------------------------------


def _eu_applies(ctx: _Context) -> Iterator[Finding]:
    if not ctx.kind.is_eu:
        return
    if ctx.country not in T.EU_MEMBER_STATES:
        yield _finding(
            "eu.not_member_state",
            f"{ctx.country} is not a member state bound by Regulation (EU) 2023/1543; "
            "its authorities cannot issue European orders.",
        )
    if ctx.received < T.EU_APPLICABLE_FROM:
        yield _finding(
            "eu.not_yet_applicable",
            f"Regulation (EU) 2023/1543 applies from {T.EU_APPLICABLE_FROM}; this order was "
            f"received on {ctx.received}.",
        )


def _competent(ctx: _Context, category: Category) -> bool:
    process = ctx.request.process
    roles = T.EU_COMPETENT[category]
    validator = process.validated_by
    return process.issuer.role in roles or (validator is not None and validator.role in roles)


def _threshold_met(ctx: _Context) -> bool:
    investigation = ctx.request.investigation
    if investigation.area in T.EU_ALWAYS_AREAS:
        return True
    if investigation.area in T.EU_ONLINE_AREAS and investigation.committed_online:
        return True
    years = investigation.max_sentence_years
    return years is not None and years >= T.EU_OFFENCE_MIN_YEARS


def _eu_categories(ctx: _Context, decisions: dict[Category, CategoryDecision]) -> list[Finding]:
    if ctx.kind is not K.EU_PRODUCTION_ORDER:
        return []
    issuer = ctx.request.process.issuer
    incompetent: list[Finding] = []
    emergency_release: list[Category] = []
    threshold: list[Finding] = []
    for category in ctx.categories:
        if not _competent(ctx, category):
            if (
                category in T.EU_IDENTIFYING
                and ctx.eu_emergency
                and issuer.role in T.EU_EMERGENCY_ISSUERS
            ):
                emergency_release.append(category)
            else:
                decisions[category] = CategoryDecision(
                    category, Decision.WITHHOLD, required="judicial_validation"
                )
                who = "a judge, a court, an investigating judge or a prosecutor"
                if category not in T.EU_IDENTIFYING:
                    who = "a judge, a court or an investigating judge"
                incompetent.append(
                    _finding(
                        "eu.issuer_not_competent",
                        f"An order for {T.CATEGORY_NAMES[category]} must be issued or "
                        f"validated by {who}; this one was issued by a {issuer.role.value} "
                        "and not validated.",
                        category=category,
                        required="judicial_validation",
                        citation=T.EU_COMPETENT_CITATION[category],
                    )
                )
    if not _threshold_met(ctx):
        for category in ctx.categories:
            if category in T.EU_THRESHOLD_CATEGORIES:
                if decisions[category].decision is not Decision.WITHHOLD:
                    decisions[category] = CategoryDecision(category, Decision.WITHHOLD)
                threshold.append(
                    _finding(
                        "eu.offence_threshold",
                        f"{T.CATEGORY_NAMES[category].capitalize()} may be ordered "
                        "only for an offence punishable by at least "
                        f"{T.EU_OFFENCE_MIN_YEARS} years, or for terrorism, or for online child "
                        "exploitation, cybercrime or fraud.",
                        category=category,
                    )
                )
    pending: list[Finding] = []
    if emergency_release:
        pending.append(
            _finding(
                "eu.validation_pending",
                f"In an emergency a {issuer.role.value} may order "
                f"{_listing(T.CATEGORY_NAMES[c] for c in emergency_release)} without prior "
                "validation; "
                f"the order must be validated within {T.EU_VALIDATION_HOURS} hours.",
            )
        )
    return incompetent + pending + threshold


def _eu_notification(
    ctx: _Context, decisions: dict[Category, CategoryDecision], outcome: Outcome
) -> list[Finding]:
    if ctx.kind is not K.EU_PRODUCTION_ORDER or not outcome.releases_data:
        return []
    released = [c for c, d in decisions.items() if d.released and c in T.EU_THRESHOLD_CATEGORIES]
    investigation = ctx.request.investigation
    local = (
        investigation.offence_location == ctx.country
        and investigation.person_residence == ctx.country
    )
    if not released or local:
        return []
    return [
        _finding(
            "eu.enforcing_authority_notification",
            f"The order releases {_listing(T.CATEGORY_NAMES[c] for c in released)}, and the "
            "offence or the person is not known to be in the issuing state; the enforcing "
            "authority is notified.",
        )
    ]


def _respond_by(ctx: _Context) -> dt.datetime | None:
    if ctx.kind is not K.EU_PRODUCTION_ORDER:
        return None
    delay = T.EU_RESPOND_EMERGENCY if ctx.eu_emergency else T.EU_RESPOND
    return (ctx.request.received_at + delay).astimezone(dt.timezone.utc)


# --- Outcome and notice -------------------------------------------------------------------

_OUTCOME_BY_EFFECT = (
    (Effect.REJECT, Outcome.REJECT),
    (Effect.VERIFY, Outcome.VERIFY),
    (Effect.ESCALATE, Outcome.ESCALATE),
    (Effect.PUSH_BACK, Outcome.PUSH_BACK),
)


def _outcome(
    ctx: _Context, findings: list[Finding], decisions: dict[Category, CategoryDecision]
) -> Outcome:
    effects = {finding.effect for finding in findings}
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


def _notice(ctx: _Context, outcome: Outcome) -> tuple[Notice, list[Finding]]:
    request = ctx.request
    notes: list[Finding] = []
    gag = request.nondisclosure
    if gag is not None and gag.kind is NondisclosureKind.REQUEST_LETTER:
        notes.append(
            _finding(
                "nondisclosure.not_binding",
                "The requester asks that the user not be told, but only a court order can "
                "stop notice; the user will be told as usual.",
            )
        )
    if not outcome.releases_data:
        return Notice(False, NoticeTiming.NONE), notes
    if ctx.kind is K.EU_PRODUCTION_ORDER:
        return Notice(False, NoticeTiming.BY_ISSUING_AUTHORITY), notes
    if ctx.kind is K.NATIONAL_SECURITY_LETTER:
        return Notice(False, NoticeTiming.WITHHELD), notes
    if gag is not None and gag.kind is NondisclosureKind.COURT_ORDER:
        until = gag.until
        if until is None:
            until = request.process.issued_on + dt.timedelta(days=T.INDEFINITE_GAG_DAYS)
            notes.insert(
                0,
                _finding(
                    "nondisclosure.indefinite",
                    "The nondisclosure order gives no end date; the platform will revisit it "
                    f"and tell the user on or after {until}, unless the order is extended.",
                ),
            )
        return Notice(True, NoticeTiming.AFTER_NONDISCLOSURE, not_before=until), notes
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
    kind = request.process.kind
    categories = request.categories
    if kind.is_preservation and not categories:
        categories = tuple(Category)
    ctx = _Context(
        request=request,
        policy=policy,
        kind=kind,
        country=request.country,
        received=request.received_date,
        categories=categories,
    )
    period, scope_findings = _scope(ctx)
    decisions, category_findings = _decide(ctx)
    preserve_until, preservation_findings = _preservation(ctx)
    head = [
        *_requester(ctx),
        *_instrument(ctx),
        *_purpose(ctx),
        *_targets(ctx),
        *scope_findings,
        *category_findings,
        *_emergency(ctx),
    ]
    eu = [*_eu_applies(ctx), *_eu_categories(ctx, decisions)]
    outcome = _outcome(ctx, [*head, *preservation_findings, *eu], decisions)
    notice, notice_notes = _notice(ctx, outcome)
    findings = (
        *head,
        *_follow_up(ctx, outcome),
        *preservation_findings,
        *eu,
        *_eu_notification(ctx, decisions, outcome),
        *notice_notes,
    )
    notify = (
        ("enforcing_authority",)
        if any(f.code == "eu.enforcing_authority_notification" for f in findings)
        else ()
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
        respond_by=_respond_by(ctx),
        notify_authorities=notify,
    )
