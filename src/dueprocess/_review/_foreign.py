"""Review rules for foreign orders: Regulation (EU) 2023/1543 and CLOUD Act agreements.

Sections "European orders" and "Orders under CLOUD Act agreements" of docs/rules.md, walking
the rows of ``_rules.jurisdictions`` and ``_rules.tables``. Pure, like ``_reviewer``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .._base._enums import Category, Decision, Outcome, ProcessKind
from ._context import Context, finding, listing, words
from ._review import CategoryDecision, Finding
from ._rules import tables as T

__all__ = ["cloud_act", "eu_applies", "eu_categories", "eu_notification", "respond_by"]

K = ProcessKind


# --- European orders ------------------------------------------------------------------------


def eu_applies(ctx: Context) -> Iterator[Finding]:
    """Whether the Regulation applies at all, and who may order preservation."""
    if not ctx.kind.is_eu:
        return
    if ctx.country not in T.EU_MEMBER_STATES:
        yield finding(
            "eu.not_member_state",
            f"{ctx.country} is not a member state bound by Regulation (EU) 2023/1543; "
            "its authorities cannot issue European orders.",
        )
    if ctx.received < T.EU_APPLICABLE_FROM:
        yield finding(
            "eu.not_yet_applicable",
            f"Regulation (EU) 2023/1543 applies from {T.EU_APPLICABLE_FROM}; this order was "
            f"received on {ctx.received}.",
        )
    if ctx.kind is K.EU_PRESERVATION_ORDER:
        yield from _preservation_issuer(ctx)


def _preservation_issuer(ctx: Context) -> Iterator[Finding]:
    process = ctx.request.process
    roles = T.EU_PRESERVATION_COMPETENT
    validator = process.validated_by
    if process.issuer.role in roles or (validator is not None and validator.role in roles):
        return
    if ctx.qualifying_emergency and process.issuer.role in T.EU_EMERGENCY_ISSUERS:
        yield finding(
            "eu.validation_pending",
            f"In an emergency a {words(process.issuer.role.value)} may order preservation "
            f"without prior validation; the order must be validated within "
            f"{T.EU_VALIDATION_HOURS} hours.",
        )
        return
    yield finding(
        "eu.preservation_issuer_not_competent",
        f"A European Preservation Order must be issued or validated by a judge, a court, an "
        f"investigating judge or a prosecutor; this one was issued by a "
        f"{words(process.issuer.role.value)} and not validated. Send it validated by one of "
        "them.",
    )


def _competent(ctx: Context, category: Category) -> bool:
    process = ctx.request.process
    roles = T.EU_COMPETENT[category]
    validator = process.validated_by
    return process.issuer.role in roles or (validator is not None and validator.role in roles)


def threshold_met(ctx: Context) -> bool:
    """Art. 5(4): a three-year maximum sentence, or a listed offence (online where listed)."""
    investigation = ctx.request.investigation
    for offence in T.EU_LISTED_OFFENCES:
        if investigation.area is offence.area and (
            investigation.committed_online or not offence.online_only
        ):
            return True
    years = investigation.max_sentence_years
    return years is not None and years >= T.EU_OFFENCE_MIN_YEARS


def _listed_offences() -> str:
    online = [words(o.area.value) for o in T.EU_LISTED_OFFENCES if o.online_only]
    always = [words(o.area.value) for o in T.EU_LISTED_OFFENCES if not o.online_only]
    parts = [f"{listing(online, 'or')} committed online"] if online else []
    return listing([*parts, *always], "or")


def eu_categories(ctx: Context, decisions: dict[Category, CategoryDecision]) -> list[Finding]:
    """Who may order each category (Art. 4) and the offence threshold (Art. 5(4))."""
    if ctx.kind is not K.EU_PRODUCTION_ORDER:
        return []
    issuer = ctx.request.process.issuer
    incompetent: list[Finding] = []
    emergency_release: list[Category] = []
    threshold: list[Finding] = []
    for category in ctx.categories:
        if _competent(ctx, category):
            continue
        if (
            category in T.EU_IDENTIFYING
            and ctx.qualifying_emergency
            and issuer.role in T.EU_EMERGENCY_ISSUERS
        ):
            emergency_release.append(category)
            continue
        decisions[category] = CategoryDecision(
            category, Decision.WITHHOLD, required="judicial_validation"
        )
        who = "a judge, a court, an investigating judge or a prosecutor"
        if category not in T.EU_IDENTIFYING:
            who = "a judge, a court or an investigating judge"
        incompetent.append(
            finding(
                "eu.issuer_not_competent",
                f"An order for {T.CATEGORY_NAMES[category]} must be issued or "
                f"validated by {who}; this one was issued by a {words(issuer.role.value)} "
                "and not validated.",
                category=category,
                required="judicial_validation",
                citation=T.EU_COMPETENT_CITATION[category],
            )
        )
    if not threshold_met(ctx):
        for category in ctx.categories:
            if category in T.EU_THRESHOLD_CATEGORIES:
                if decisions[category].decision is not Decision.WITHHOLD:
                    decisions[category] = CategoryDecision(category, Decision.WITHHOLD)
                threshold.append(
                    finding(
                        "eu.offence_threshold",
                        f"{T.CATEGORY_NAMES[category].capitalize()} may be ordered only for "
                        f"an offence punishable by at least {T.EU_OFFENCE_MIN_YEARS} years, or "
                        f"for {_listed_offences()}.",
                        category=category,
                    )
                )
    pending: list[Finding] = []
    if emergency_release:
        pending.append(
            finding(
                "eu.validation_pending",
                f"In an emergency a {words(issuer.role.value)} may order "
                f"{listing(T.CATEGORY_NAMES[c] for c in emergency_release)} without prior "
                f"validation; the order must be validated within {T.EU_VALIDATION_HOURS} hours.",
            )
        )
    return incompetent + pending + threshold


def eu_notification(
    ctx: Context, decisions: dict[Category, CategoryDecision], outcome: Outcome
) -> list[Finding]:
    """Art. 8: the enforcing authority is notified unless offence and person are local."""
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
    after = ""
    if not ctx.qualifying_emergency:
        after = (
            f" The data is released at the end of its {T.EU_ENFORCING_DAYS} days, on "
            f"{ctx.received + dt.timedelta(days=T.EU_ENFORCING_DAYS)}, unless it objects."
        )
    return [
        finding(
            "eu.enforcing_authority_notification",
            f"The order releases {listing(T.CATEGORY_NAMES[c] for c in released)}, and the "
            "offence or the person is not known to be in the issuing state; the enforcing "
            "authority is notified." + after,
        )
    ]


def respond_by(ctx: Context) -> dt.datetime | None:
    """Art. 10: 10 days, or 8 hours in an emergency, for every European Production Order."""
    if ctx.kind is not K.EU_PRODUCTION_ORDER:
        return None
    delay = T.EU_RESPOND_EMERGENCY if ctx.qualifying_emergency else T.EU_RESPOND
    return (ctx.request.received_at + delay).astimezone(dt.timezone.utc)


# --- Orders under CLOUD Act agreements ------------------------------------------------------


def _agreements() -> str:
    return listing(
        f"{a.country} ({a.name}, in force from {a.in_force})"
        for a in T.CLOUD_ACT_AGREEMENTS.values()
    )


def cloud_act(ctx: Context) -> Iterator[Finding]:
    """The conditions of 18 U.S.C. 2523 an agreement order must meet."""
    if ctx.kind is not K.CLOUD_ACT_ORDER:
        return
    investigation = ctx.request.investigation
    rejected = False
    if T.agreement_in_force(ctx.country, ctx.received) is None:
        rejected = True
        yield finding(
            "cloud_act.no_agreement",
            f"{ctx.country} has no agreement with the United States under 18 U.S.C. 2523 in "
            f"force on {ctx.received} (agreements: {_agreements()}); without one the data can "
            "be sought only through a mutual legal assistance request.",
        )
    residence = investigation.person_residence
    if investigation.us_person is True or T.is_us_country(residence):
        rejected = True
        who = (
            "a US person (a US citizen or national, permanent resident, or US association or "
            "corporation, wherever located)"
            if investigation.us_person is True
            else f"a person in the United States ({residence})"
        )
        yield finding(
            "cloud_act.us_person",
            f"The order concerns {who}; an order under an agreement may not target a US "
            "person nor a person in the United States (18 U.S.C. 2523(a)(2), (b)(4)(A)). "
            "Only US legal process can reach that data.",
        )
    years = investigation.max_sentence_years
    if years is not None and years < T.CLOUD_ACT_MIN_YEARS:
        rejected = True
        yield finding(
            "cloud_act.not_serious_crime",
            f"The offence is punishable by at most {years:g} years; the agreements cover "
            f"serious crime only, an offence punishable by at least {T.CLOUD_ACT_MIN_YEARS} "
            "years (18 U.S.C. 2523(b)(4)(D)(i)).",
        )
    missing = [
        name
        for name, value in (
            ("whether the person is a US person (us_person)", investigation.us_person),
            ("where the person is (person_residence)", residence),
            ("the maximum sentence (max_sentence_years)", years),
        )
        if value is None
    ]
    if missing and not rejected:
        yield finding(
            "cloud_act.missing_details",
            f"The order does not state {listing(missing)}; all three must be known before "
            "the platform can rely on the agreement (18 U.S.C. 2523(b)(4)). Send them.",
        )
