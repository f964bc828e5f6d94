"""Each review rule of review.md, directly, with its boundaries."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

import dueprocess
from dueprocess import DEFAULT_POLICY, Policy, load_request, review
from dueprocess.parts import AuthorityScope

from ..support import make_request

EMERGENCY = {"danger": "death", "imminent": True, "description": "A threat to shoot."}
SUPERVISOR = {"name": "Sgt. B", "phone": "+1 202 555 0142"}
FACTS_15 = " ".join(["word"] * 15)


def run(policy: Policy = DEFAULT_POLICY, **changes: Any) -> dict[str, Any]:
    return review(load_request(make_request(**changes)), policy).to_dict()


def codes(document: dict[str, Any]) -> list[str]:
    return [finding["code"] for finding in document["findings"]]


def decisions(document: dict[str, Any]) -> dict[str, str]:
    return {name: value["decision"] for name, value in document["categories"].items()}


def emergency_request(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "process__kind": "emergency_request",
        "process__issuer": {"name": "Watch Commander", "role": "police"},
        "process__signed": False,
        "process__authority": "",
        "requester__callback": "confirmed",
        "requester__supervisor": SUPERVISOR,
        "investigation__area": "threat_to_life",
        "emergency": EMERGENCY,
        "categories": ["subscriber", "session_logs", "location", "content"],
    }
    base.update(changes)
    return run(**base)


def eu_order(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "jurisdiction": "DE",
        "received_at": "2026-10-05T09:30:00Z",
        "process__kind": "eu_production_order",
        "process__issued_on": "2026-10-01",
        "process__issuer": {"name": "Amtsgericht", "role": "investigating_judge"},
        "process__authority": "Regulation (EU) 2023/1543, Art. 4(2)",
        "requester__email": "m.weber@sta-koeln.justiz.de",
        "investigation__max_sentence_years": 5,
        "investigation__offence_location": "DE",
        "investigation__person_residence": "DE",
        "categories": ["subscriber", "content"],
        "period": {"start": "2026-06-01", "end": "2026-08-31"},
    }
    base.update(changes)
    return run(**base)


# --- the document ---------------------------------------------------------------------


def test_a_clean_subpoena_for_subscriber_data_and_logs_is_complied_with() -> None:
    document = run()
    assert document["outcome"] == "comply"
    assert document["findings"] == []
    assert document["format"] == "dueprocess.review/1"
    assert document["request_id"] == "REQ-1"
    assert document["policy"] == "default"
    assert document["categories"] == {
        "subscriber": {"decision": "disclose", "fields": None, "required": None},
        "session_logs": {"decision": "disclose", "fields": None, "required": None},
    }
    assert document["targets"] == [{"kind": "account_id", "value": "100001"}]
    assert document["period"] == {"start": "2023-03-01", "end": "2023-04-30"}
    assert document["preserve_until"] is None
    assert document["respond_by"] is None
    assert document["notify_authorities"] == []


def test_the_review_document_has_exactly_the_specified_keys() -> None:
    document = run(categories=["content"])
    assert list(document) == [
        "format", "request_id", "policy", "policy_sha256", "outcome", "findings", "categories",
        "targets",
        "period", "preserve_until", "respond_by", "notify_authorities", "notice",
    ]  # fmt: skip
    assert set(document["findings"][0]) == {
        "code", "effect", "category", "required", "message", "citation"
    }  # fmt: skip
    assert set(document["notice"]) == {"notify_user", "timing", "not_before", "disclose_after"}


def test_every_finding_has_a_message_and_a_citation() -> None:
    document = run(categories=["subscriber", "content", "location", "non_content"])
    for finding in document["findings"]:
        assert finding["message"].strip()
        assert "\n" not in finding["message"]
        assert finding["citation"].strip()


def test_the_review_document_is_json_serialisable() -> None:
    document = run()
    assert json.loads(json.dumps(document)) == document


# --- who sent it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["x@gmail.com", "x@GMAIL.com", "x@proton.me", "x@qq.com", "x@yandex.ru"]
)
def test_free_mail_is_rejected(email: str) -> None:
    document = run(requester__email=email)
    assert document["outcome"] == "reject"
    assert "requester.free_email" in codes(document)
    assert "requester.unrecognized_domain" not in codes(document)


@pytest.mark.parametrize(
    "email", ["a@usdoj.gov", "a@fbi.gov", "a@army.mil", "a@met.police.uk", "a@bka.bund.de"]
)
def test_government_domains_and_their_subdomains_are_recognised(email: str) -> None:
    assert "requester.unrecognized_domain" not in codes(run(requester__email=email))


@pytest.mark.parametrize(
    "email", ["a@notgov.example", "a@evilgov.com", "a@gov.com", "a@police.uk.evil.com"]
)
def test_look_alike_domains_must_be_verified(email: str) -> None:
    document = run(requester__email=email)
    assert "requester.unrecognized_domain" in codes(document)
    assert document["outcome"] == "verify"


def test_a_confirmed_callback_clears_an_unrecognised_domain() -> None:
    document = run(requester__email="a@sheriff.example.org", requester__callback="confirmed")
    assert "requester.unrecognized_domain" not in codes(document)
    assert document["outcome"] == "comply"


def test_a_failed_callback_rejects() -> None:
    document = run(requester__callback="failed")
    assert "requester.callback_failed" in codes(document)
    assert document["outcome"] == "reject"


def test_blocked_senders_by_address_or_domain_are_rejected() -> None:
    by_address = attrs.evolve(
        DEFAULT_POLICY, name="custom", blocked_senders=["A.Example@usdoj.gov"]
    )
    by_domain = attrs.evolve(DEFAULT_POLICY, name="custom", blocked_senders=["usdoj.gov"])
    assert "requester.blocked" in codes(run(by_address))
    assert "requester.blocked" in codes(run(by_domain))
    assert run(by_domain)["outcome"] == "reject"
    assert "requester.blocked" not in codes(run())


def test_policy_domain_lists_change_behaviour() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, name="custom", government_domains=["example.org"])
    assert "requester.unrecognized_domain" in codes(run(policy))
    assert "requester.unrecognized_domain" not in codes(
        run(policy, requester__email="a@police.example.org")
    )
    free = attrs.evolve(DEFAULT_POLICY, name="custom", free_mail_domains=["usdoj.gov"])
    assert "requester.free_email" in codes(run(free))


# --- the instrument ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "jurisdiction", "mismatch"),
    [
        ("grand_jury_subpoena", "US", False),
        ("grand_jury_subpoena", "US-CA", False),
        ("grand_jury_subpoena", "GB", True),
        ("search_warrant", "DE", True),
        ("foreign_direct_request", "GB", False),
        ("foreign_direct_request", "US", True),
        ("foreign_direct_request", "US-NY", True),
    ],
)
def test_process_kind_must_fit_the_jurisdiction(
    kind: str, jurisdiction: str, mismatch: bool
) -> None:
    document = run(process__kind=kind, jurisdiction=jurisdiction)
    assert ("process.kind_jurisdiction_mismatch" in codes(document)) is mismatch


def test_emergency_requests_come_from_anywhere() -> None:
    document = emergency_request(jurisdiction="GB", requester__email="a@met.police.uk")
    assert "process.kind_jurisdiction_mismatch" not in codes(document)


def test_an_unsigned_instrument_is_pushed_back_except_an_emergency_request() -> None:
    document = run(process__signed=False)
    assert "process.unsigned" in codes(document)
    assert document["outcome"] == "push_back"
    assert "process.unsigned" not in codes(emergency_request())


@pytest.mark.parametrize(
    ("issued_on", "received_at", "after"),
    [
        ("2023-05-10", "2023-05-10T16:00:00Z", False),
        ("2023-05-11", "2023-05-10T16:00:00Z", True),
        # received 2023-05-11 01:00 in Berlin is 2023-05-10 in UTC
        ("2023-05-11", "2023-05-11T01:00:00+02:00", True),
        ("2023-05-11", "2023-05-11T01:00:00-02:00", False),
    ],
)
def test_an_instrument_dated_after_receipt_must_be_verified(
    issued_on: str, received_at: str, after: bool
) -> None:
    document = run(process__issued_on=issued_on, received_at=received_at)
    assert ("process.issued_after_receipt" in codes(document)) is after
    if after:
        assert document["outcome"] == "verify"


@pytest.mark.parametrize(("age", "stale"), [(0, False), (14, False), (15, True), (40, True)])
def test_a_search_warrant_is_stale_after_fourteen_days(age: int, stale: bool) -> None:
    import datetime as dt

    issued = dt.date(2023, 5, 10) - dt.timedelta(days=age)
    document = run(process__kind="search_warrant", process__issued_on=issued.isoformat())
    assert ("process.stale_warrant" in codes(document)) is stale


def test_warrant_service_days_is_a_policy() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, name="custom", warrant_service_days=3)
    document = run(policy, process__kind="search_warrant")  # issued 5 days before receipt
    assert "process.stale_warrant" in codes(document)


def test_stale_applies_to_search_warrants_only() -> None:
    assert "process.stale_warrant" not in codes(run(process__issued_on="2023-01-01"))


@pytest.mark.parametrize("kind", ["pen_register_order", "wiretap_order"])
def test_prospective_orders_are_escalated_and_withhold_everything(kind: str) -> None:
    document = run(process__kind=kind)
    assert "process.prospective" in codes(document)
    assert document["outcome"] == "escalate"
    assert set(decisions(document).values()) == {"withhold"}
    assert not any(f["category"] for f in document["findings"])


def test_fisa_orders_are_escalated() -> None:
    document = run(process__kind="fisa_order", investigation__nature="national_security")
    assert codes(document) == ["process.fisa"]
    assert document["outcome"] == "escalate"
    assert all(v["required"] is None for v in document["categories"].values())


def test_civil_subpoenas_go_to_counsel_and_release_nothing() -> None:
    document = run(process__kind="civil_subpoena", investigation__nature="civil")
    assert codes(document) == ["process.civil_litigant"]
    assert document["outcome"] == "escalate"
    assert set(decisions(document).values()) == {"withhold"}
    assert all(v["required"] is None for v in document["categories"].values())


@pytest.mark.parametrize("authority", ["", "   "])
def test_a_blank_authority_is_pushed_back_except_for_emergencies(authority: str) -> None:
    assert "basis.missing_authority" in codes(run(process__authority=authority))
    assert "basis.missing_authority" not in codes(emergency_request(process__authority=authority))


@pytest.mark.parametrize(("words", "thin"), [(0, True), (14, True), (15, False), (40, False)])
def test_facts_need_fifteen_words(words: int, thin: bool) -> None:
    facts = " \n\t".join(["word"] * words)
    document = run(investigation__facts=facts)
    assert ("basis.insufficient_facts" in codes(document)) is thin


def test_facts_are_not_required_for_preservation() -> None:
    document = run(process__kind="preservation_request", investigation__facts="", categories=[])
    assert "basis.insufficient_facts" not in codes(document)
    assert document["outcome"] == "preserve"


def test_min_fact_words_is_a_policy() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, name="custom", min_fact_words=16)
    assert "basis.insufficient_facts" in codes(run(policy, investigation__facts=FACTS_15))
    assert "basis.insufficient_facts" not in codes(run(investigation__facts=FACTS_15))


# --- what it is for ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        "subpoena", "grand_jury_subpoena", "administrative_subpoena", "court_order_2703d",
        "search_warrant", "preservation_request", "foreign_direct_request",
    ],
)  # fmt: skip
@pytest.mark.parametrize("nature", ["civil", "civil_immigration", "regulatory", "unknown"])
def test_compelled_process_needs_a_criminal_investigation(kind: str, nature: str) -> None:
    document = run(process__kind=kind, investigation__nature=nature)
    assert "purpose.not_criminal" in codes(document)
    assert document["outcome"] == "reject"


def test_eu_orders_need_criminal_proceedings() -> None:
    assert "purpose.not_criminal" in codes(eu_order(investigation__nature="regulatory"))


@pytest.mark.parametrize("kind", ["emergency_request", "national_security_letter"])
def test_not_criminal_does_not_apply_to_other_kinds(kind: str) -> None:
    document = run(process__kind=kind, investigation__nature="civil")
    assert "purpose.not_criminal" not in codes(document)


def test_a_national_security_letter_needs_a_national_security_investigation() -> None:
    document = run(process__kind="national_security_letter", investigation__nature="criminal")
    assert "purpose.not_national_security" in codes(document)
    ok = run(process__kind="national_security_letter", investigation__nature="national_security")
    assert "purpose.not_national_security" not in codes(ok)


@pytest.mark.parametrize(
    ("authority", "area", "mismatch"),
    [
        ("19 U.S.C. 1509", "customs", False),
        ("19 U.S.C. 1509", "child_exploitation", False),
        ("19 U.S.C. 1509", "other", True),
        ("19 U.S.C. § 1509(a)(1)", "immigration", True),
        ("19 USC 1509", "fraud", True),
        ("19 U. S. C. 1509", "fraud", True),
        ("19 U.S.C. 15090", "other", False),
        ("119 U.S.C. 1509", "other", False),
        ("8 CFR 287.4", "fraud", True),
        ("8 C.F.R. § 287.4", "immigration", False),
        ("8 C.F.R. 287.41", "fraud", False),
        ("8 U.S.C. 1225(d)", "customs", True),
        ("8 U.S.C. § 1225(d)(4)", "customs", True),
        ("18 U.S.C. 1225(d)", "customs", False),
        ("21 U.S.C. 876", "controlled_substances", False),
        ("21 U.S.C. 876", "terrorism", True),
        ("18 U.S.C. 3486", "threat_to_life", True),
        ("18 U.S.C. 3486", "fraud", True),
        ("18 U.S.C. 3486", "health_care_fraud", False),
        ("18 U.S.C. 3486", "child_exploitation", False),
        ("18 U.S.C. 3486", "sex_offender_registration", False),
        ("18 U.S.C. 3486", "protectee_threat", False),
        ("18 U.S.C. 3486", "customs", True),
        ("26 U.S.C. 7602", "tax", False),
        ("26 U.S.C. 7602", "fraud", True),
        ("26 U.S.C. 7602", "cybercrime", True),
        ("Fed. R. Crim. P. 17", "other", False),
    ],
)
def test_an_agency_statute_reaches_only_its_own_subject_matter(
    authority: str, area: str, mismatch: bool
) -> None:
    document = run(
        process__kind="administrative_subpoena",
        process__authority=authority,
        investigation__area=area,
    )
    assert ("purpose.authority_mismatch" in codes(document)) is mismatch


def test_authority_mismatch_cites_the_statute() -> None:
    document = run(process__authority="19 U.S.C. 1509", investigation__area="other")
    [finding] = [f for f in document["findings"] if f["code"] == "purpose.authority_mismatch"]
    assert finding["citation"] == "19 U.S.C. 1509"
    assert finding["effect"] == "reject"


def test_authority_scopes_are_a_policy() -> None:
    policy = attrs.evolve(
        DEFAULT_POLICY,
        name="custom",
        authority_scopes=[
            AuthorityScope("Fed. R. Crim. P. 17", frozenset({dueprocess.parts.Area.CUSTOMS}))
        ],
    )
    assert "purpose.authority_mismatch" in codes(run(policy))
    assert "purpose.authority_mismatch" not in codes(
        run(policy, process__authority="19 U.S.C. 1509", investigation__area="other")
    )


# --- whose data ---------------------------------------------------------------------------


def test_no_target_is_pushed_back() -> None:
    document = run(targets=[])
    assert "target.none" in codes(document)
    assert document["outcome"] == "push_back"


def test_a_query_target_is_rejected() -> None:
    document = run(
        targets=[{"kind": "account_id", "value": "1"}, {"kind": "query", "value": "all"}]
    )
    assert "target.not_particular" in codes(document)
    assert document["outcome"] == "reject"


def test_a_name_only_target_is_pushed_back() -> None:
    document = run(targets=[{"kind": "name", "value": "John Smith"}])
    assert "target.ambiguous" in codes(document)
    assert document["outcome"] == "push_back"


@pytest.mark.parametrize(("count", "too_many"), [(1, False), (25, False), (26, True)])
def test_at_most_twenty_five_targets(count: int, too_many: bool) -> None:
    targets = [{"kind": "account_id", "value": str(100000 + i)} for i in range(count)]
    document = run(targets=targets)
    assert ("target.too_many" in codes(document)) is too_many


def test_max_targets_is_a_policy() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, name="custom", max_targets=1)
    two = [{"kind": "account_id", "value": "1"}, {"kind": "username", "value": "u"}]
    assert "target.too_many" in codes(run(policy, targets=two))


# --- how much -----------------------------------------------------------------------------


def test_a_missing_period_is_pushed_back_unless_only_subscriber_data_is_asked() -> None:
    document = run(period=None)
    assert "scope.period_missing" in codes(document)
    assert document["outcome"] == "push_back"
    only_subscriber = run(period=None, categories=["subscriber"])
    assert "scope.period_missing" not in codes(only_subscriber)
    assert only_subscriber["outcome"] == "comply"
    assert only_subscriber["period"] is None


@pytest.mark.parametrize(
    ("start", "end", "narrowed_start"),
    [
        ("2022-05-01", "2023-04-30", None),  # 365 days
        ("2022-04-30", "2023-04-30", "2022-05-01"),  # 366 days
        ("2023-03-01", "2024-02-29", "2023-03-02"),  # 366 days with a leap day
        ("2023-02-28", "2024-02-29", "2023-03-02"),  # 367 days
        ("2014-03-01", "2017-02-27", "2016-02-29"),
        ("2023-01-01", "2023-01-01", None),
    ],
)
def test_a_period_longer_than_a_year_is_narrowed_to_its_last_365_days(
    start: str, end: str, narrowed_start: str | None
) -> None:
    # Received after every end, so no period reaches past receipt.
    document = run(period={"start": start, "end": end}, received_at="2024-06-01T12:00:00Z")
    import datetime as dt

    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
    if days > 365:
        assert "scope.period_narrowed" in codes(document)
        assert document["period"]["end"] == end
        expected = dt.date.fromisoformat(end) - dt.timedelta(days=364)
        assert document["period"]["start"] == expected.isoformat()
        if narrowed_start:
            assert document["period"]["start"] == narrowed_start
        assert document["outcome"] == "partial"
    else:
        assert "scope.period_narrowed" not in codes(document)
        assert document["period"] == {"start": start, "end": end}
        assert document["outcome"] == "comply"


def test_max_period_days_is_a_policy() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=30)
    document = run(policy)
    assert document["policy"] == "strict"
    assert document["period"] == {"start": "2023-04-01", "end": "2023-04-30"}
    assert [f["effect"] for f in document["findings"]] == ["narrow"]


def test_scope_rules_do_not_apply_to_preservation() -> None:
    document = run(
        process__kind="preservation_request",
        period={"start": "2010-01-01", "end": "2023-01-01"},
        categories=[],
    )
    assert "scope.period_narrowed" not in codes(document)
    assert run(process__kind="preservation_request", period=None)["outcome"] == "preserve"


# --- category decisions -------------------------------------------------------------------

ALL = ["subscriber", "session_logs", "non_content", "location", "content"]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("subpoena", {"subscriber": ("disclose", None), "session_logs": ("disclose", None),
                      "non_content": ("withhold", "court_order_2703d"),
                      "location": ("withhold", "search_warrant"),
                      "content": ("withhold", "search_warrant")}),
        ("administrative_subpoena", {"non_content": ("withhold", "court_order_2703d")}),
        ("court_order_2703d", {"non_content": ("disclose", None),
                               "location": ("withhold", "search_warrant"),
                               "content": ("withhold", "search_warrant")}),
        ("search_warrant", dict.fromkeys(ALL, ("disclose", None))),
        ("foreign_direct_request", {"subscriber": ("disclose", None),
                                    "session_logs": ("disclose", None),
                                    "non_content": ("withhold", "mlat"),
                                    "location": ("withhold", "mlat"),
                                    "content": ("withhold", "mlat")}),
        ("national_security_letter", {"subscriber": ("limited", None),
                                      "session_logs": ("withhold", "fisa_order"),
                                      "content": ("withhold", "fisa_order")}),
    ],
)  # fmt: skip
def test_the_process_category_table(kind: str, expected: dict[str, tuple[str, str | None]]) -> None:
    jurisdiction = "GB" if kind == "foreign_direct_request" else "US"
    nature = "national_security" if kind == "national_security_letter" else "criminal"
    document = run(
        process__kind=kind,
        jurisdiction=jurisdiction,
        investigation__nature=nature,
        investigation__area="violent_crime",
        categories=ALL,
    )
    for category, (decision, required) in expected.items():
        assert document["categories"][category]["decision"] == decision, category
        assert document["categories"][category]["required"] == required, category
    withheld = [c for c, v in document["categories"].items() if v["decision"] == "withhold"]
    findings = [f for f in document["findings"] if f["code"] == "category.insufficient_process"]
    assert [f["category"] for f in findings] == withheld
    assert all(f["effect"] == "withhold" and f["required"] for f in findings)


def test_a_national_security_letter_releases_name_and_length_of_service_only() -> None:
    document = run(
        process__kind="national_security_letter",
        investigation__nature="national_security",
        categories=["subscriber"],
        nondisclosure=CERTIFIED,
    )
    assert document["categories"]["subscriber"] == {
        "decision": "limited", "fields": ["name", "service_start"], "required": None
    }  # fmt: skip
    [finding] = document["findings"]
    assert (finding["code"], finding["effect"], finding["citation"]) == (
        "category.limited", "limit", "18 U.S.C. 2709"
    )  # fmt: skip
    assert document["outcome"] == "partial"
    assert document["notice"]["timing"] == "withheld"


CERTIFIED = {
    "kind": "certification",
    "statute": "18 U.S.C. 2709(c)(1)",
    "until": None,
    "review_notice": True,
}


def test_a_national_security_letter_without_a_certification_does_not_gag() -> None:
    document = run(
        process__kind="national_security_letter",
        investigation__nature="national_security",
        categories=["subscriber"],
    )
    assert document["outcome"] == "partial"
    assert document["notice"]["timing"] == "before_disclosure"
    assert document["notice"]["notify_user"] is True


def test_a_certification_without_notice_of_judicial_review_goes_to_counsel() -> None:
    document = run(
        process__kind="national_security_letter",
        investigation__nature="national_security",
        categories=["subscriber"],
        nondisclosure=dict(CERTIFIED, review_notice=False),
    )
    assert codes(document)[0] == "nondisclosure.incomplete_certification"
    assert document["outcome"] == "escalate"
    assert document["notice"]["timing"] == "none"
    finding = document["findings"][0]
    assert finding["effect"] == "escalate"
    assert "2709(c)(1)(A)" in finding["citation"]


def test_nothing_releasable_is_pushed_back() -> None:
    document = run(categories=["content", "location"])
    assert document["outcome"] == "push_back"
    assert decisions(document) == {"content": "withhold", "location": "withhold"}


def test_categories_keep_the_requested_order() -> None:
    document = run(categories=["content", "subscriber"])
    assert list(document["categories"]) == ["content", "subscriber"]


# --- emergencies ----------------------------------------------------------------------------


def test_a_verified_emergency_releases_the_emergency_minimum() -> None:
    document = emergency_request()
    assert document["outcome"] == "partial"
    assert decisions(document) == {
        "subscriber": "disclose", "session_logs": "disclose", "location": "disclose",
        "content": "withhold",
    }  # fmt: skip
    assert codes(document) == ["category.beyond_emergency_minimum", "emergency.follow_up_process"]
    assert document["categories"]["content"]["required"] is None
    assert document["notice"] == {
        "notify_user": True, "timing": "after_emergency", "not_before": None,
        "disclose_after": None,
    }  # fmt: skip


def test_emergency_categories_are_a_policy() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, name="custom", emergency_categories=["subscriber"])
    document = emergency_request(policy=policy)
    assert decisions(document)["location"] == "withhold"


def test_an_emergency_without_details_is_pushed_back() -> None:
    document = emergency_request(emergency=None)
    assert "emergency.missing_details" in codes(document)
    assert document["outcome"] == "push_back"


@pytest.mark.parametrize(
    "emergency",
    [
        {"danger": "other", "imminent": True, "description": "x"},
        {"danger": "death", "imminent": False, "description": "x"},
        {"danger": "serious_physical_injury", "imminent": False, "description": "x"},
    ],
)
def test_an_emergency_must_be_imminent_danger_of_death_or_injury(emergency: dict[str, Any]) -> None:
    document = emergency_request(emergency=emergency)
    assert "emergency.not_qualifying" in codes(document)
    assert "emergency.follow_up_process" not in codes(document)


def test_serious_physical_injury_qualifies() -> None:
    document = emergency_request(
        emergency={"danger": "serious_physical_injury", "imminent": True, "description": "x"}
    )
    assert "emergency.not_qualifying" not in codes(document)


def test_an_unconfirmed_emergency_must_be_verified() -> None:
    document = emergency_request(requester__callback="not_attempted")
    assert "emergency.unverified" in codes(document)
    assert document["outcome"] == "verify"
    assert document["notice"]["timing"] == "none"


def test_an_emergency_without_a_supervisor_must_be_verified() -> None:
    document = emergency_request(requester__supervisor=None)
    assert "emergency.no_supervisor" in codes(document)
    assert document["outcome"] == "verify"


def test_a_forged_emergency_from_free_mail_is_rejected_before_anything_else() -> None:
    document = emergency_request(requester__email="police.dispatch@gmail.com")
    assert document["outcome"] == "reject"


# --- preservation ---------------------------------------------------------------------------


def preservation(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "process__kind": "preservation_request",
        "process__authority": "18 U.S.C. 2703(f)",
        "received_at": "2024-02-01T10:00:00Z",
        "process__issued_on": "2024-02-01",
        "categories": [],
        "period": None,
    }
    base.update(changes)
    return run(**base)


def test_a_preservation_request_preserves_every_category_for_ninety_days() -> None:
    document = preservation()
    assert document["outcome"] == "preserve"
    assert document["preserve_until"] == "2024-05-01"
    assert decisions(document) == dict.fromkeys(ALL, "preserve")
    assert document["notice"]["timing"] == "none"


def test_a_preservation_of_named_categories_preserves_those() -> None:
    document = preservation(categories=["content"])
    assert decisions(document) == {"content": "preserve"}


def test_a_first_renewal_extends_ninety_days_from_the_prior_expiry() -> None:
    renewal = {"extends": "PRES-1", "prior_extensions": 0, "prior_expires_on": "2024-04-30"}
    document = preservation(preservation=renewal)
    assert document["preserve_until"] == "2024-07-29"


def test_a_second_renewal_is_rejected() -> None:
    renewal = {"extends": "PRES-1", "prior_extensions": 1, "prior_expires_on": "2024-07-29"}
    document = preservation(preservation=renewal)
    assert codes(document) == ["preservation.extension_limit"]
    assert document["outcome"] == "reject"
    assert document["preserve_until"] is None


def test_preserve_until_is_null_unless_the_outcome_is_preserve() -> None:
    assert preservation(process__signed=False)["preserve_until"] is None


def eu_preservation(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "process__kind": "eu_preservation_order",
        "categories": [],
        "emergency": None,
        "investigation__facts": "",
    }
    base.update(changes)
    return eu_order(**base)


def test_an_eu_preservation_order_preserves_sixty_days_and_renews_once_by_thirty() -> None:
    assert eu_preservation()["preserve_until"] == "2026-12-04"
    renewal = {"extends": "E-1", "prior_extensions": 0, "prior_expires_on": "2026-12-04"}
    assert eu_preservation(preservation=renewal)["preserve_until"] == "2027-01-03"
    again = {"extends": "E-1", "prior_extensions": 1, "prior_expires_on": "2027-01-03"}
    document = eu_preservation(preservation=again)
    assert "preservation.extension_limit" in codes(document)
    assert document["respond_by"] is None


def test_preservation_dates_cross_leap_days() -> None:
    document = preservation(
        received_at="2023-12-31T23:30:00-05:00", process__issued_on="2023-12-31"
    )  # received 2024-01-01 UTC
    assert document["preserve_until"] == "2024-03-31"


# --- European orders ------------------------------------------------------------------------


def test_an_eu_order_from_a_judge_for_content_is_complied_with_and_due_in_ten_days() -> None:
    document = eu_order()
    assert document["outcome"] == "comply"
    assert document["respond_by"] == "2026-10-15T09:30:00Z"
    assert document["notice"] == {
        "notify_user": False, "timing": "by_issuing_authority", "not_before": None,
        "disclose_after": None,
    }  # fmt: skip
    assert document["notify_authorities"] == []


def test_respond_by_is_utc_with_z_whatever_the_offset_received() -> None:
    document = eu_order(received_at="2026-10-05T11:30:00+02:00")
    assert document["respond_by"] == "2026-10-15T09:30:00Z"


def test_respond_by_is_eight_hours_in_an_emergency() -> None:
    document = eu_order(emergency=EMERGENCY)
    assert document["respond_by"] == "2026-10-05T17:30:00Z"
    not_imminent = dict(EMERGENCY, imminent=False)
    assert eu_order(emergency=not_imminent)["respond_by"] == "2026-10-15T09:30:00Z"


def test_respond_by_is_set_whatever_the_outcome() -> None:
    document = eu_order(process__signed=False)
    assert document["outcome"] == "push_back"
    assert document["respond_by"] == "2026-10-15T09:30:00Z"


@pytest.mark.parametrize(
    ("country", "member"),
    [("DE", True), ("GR", True), ("DK", False), ("EL", False), ("GB", False), ("US", False)],
)
def test_only_bound_member_states_issue_eu_orders(country: str, member: bool) -> None:
    document = eu_order(jurisdiction=country)
    assert ("eu.not_member_state" in codes(document)) is not member


@pytest.mark.parametrize(
    ("received_at", "early"),
    [
        ("2026-08-17T23:59:59Z", True),
        ("2026-08-18T00:00:00Z", False),
        ("2026-08-18T01:00:00+02:00", True),
    ],
)
def test_eu_orders_apply_from_18_august_2026(received_at: str, early: bool) -> None:
    document = eu_order(received_at=received_at, process__issued_on="2026-08-01")
    assert ("eu.not_yet_applicable" in codes(document)) is early


@pytest.mark.parametrize(
    ("role", "validator", "withheld"),
    [
        ("judge", None, []),
        ("court", None, []),
        ("investigating_judge", None, []),
        ("prosecutor", None, ["non_content", "content"]),
        ("police", None, ALL),
        ("agency", None, ALL),
        ("prosecutor", "judge", []),
        ("police", "prosecutor", ["non_content", "content"]),
        ("police", "court", []),
    ],
)
def test_eu_issuer_competence_per_category(
    role: str, validator: str | None, withheld: list[str]
) -> None:
    changes: dict[str, Any] = {"process__issuer": {"name": "X", "role": role}}
    if validator:
        changes["process__validated_by"] = {"name": "Y", "role": validator}
    document = eu_order(
        categories=["subscriber", "session_logs", "non_content", "content"], **changes
    )
    found = [f["category"] for f in document["findings"] if f["code"] == "eu.issuer_not_competent"]
    assert found == [
        c for c in ["subscriber", "session_logs", "non_content", "content"] if c in withheld
    ]
    for category in found:
        assert document["categories"][category] == {
            "decision": "withhold", "fields": None, "required": "judicial_validation"
        }  # fmt: skip


def test_eu_emergency_lets_police_order_identifying_data_pending_validation() -> None:
    document = eu_order(
        process__issuer={"name": "Polizei", "role": "police"},
        emergency=EMERGENCY,
        categories=["subscriber", "session_logs", "content"],
    )
    assert decisions(document) == {
        "subscriber": "disclose", "session_logs": "disclose", "content": "withhold"
    }  # fmt: skip
    assert codes(document) == ["eu.issuer_not_competent", "eu.validation_pending"]
    assert document["outcome"] == "partial"


def test_a_non_imminent_emergency_gives_police_no_power() -> None:
    document = eu_order(
        process__issuer={"name": "Polizei", "role": "police"},
        emergency=dict(EMERGENCY, imminent=False),
        categories=["subscriber"],
    )
    assert "eu.validation_pending" not in codes(document)
    assert document["outcome"] == "push_back"


@pytest.mark.parametrize(
    ("changes", "withheld"),
    [
        ({"investigation__max_sentence_years": 3}, False),
        ({"investigation__max_sentence_years": 2.99}, True),
        ({"investigation__max_sentence_years": None}, True),
        ({"investigation__max_sentence_years": 1, "investigation__area": "terrorism"}, False),
        ({"investigation__max_sentence_years": 1, "investigation__committed_online": True}, True),
        ({"investigation__max_sentence_years": 1, "investigation__area": "payment_fraud",
          "investigation__committed_online": True}, False),
        ({"investigation__max_sentence_years": 1, "investigation__area": "payment_fraud",
          "investigation__committed_online": False}, True),
        ({"investigation__max_sentence_years": 1, "investigation__area": "cybercrime",
          "investigation__committed_online": True}, False),
        ({"investigation__max_sentence_years": 1, "investigation__area": "child_exploitation",
          "investigation__committed_online": True}, False),
        ({"investigation__max_sentence_years": 1, "investigation__area": "violent_crime",
          "investigation__committed_online": True}, True),
        ({"investigation__max_sentence_years": 1, "investigation__committed_online": False}, True),
    ],
)  # fmt: skip
def test_eu_traffic_and_content_data_need_a_serious_offence(
    changes: dict[str, Any], withheld: bool
) -> None:
    document = eu_order(categories=["subscriber", "non_content", "location", "content"], **changes)
    found = [f["category"] for f in document["findings"] if f["code"] == "eu.offence_threshold"]
    assert found == (["non_content", "location", "content"] if withheld else [])
    assert document["categories"]["subscriber"]["decision"] == "disclose"
    if withheld:
        assert document["categories"]["content"] == {
            "decision": "withhold", "fields": None, "required": None
        }  # fmt: skip


def test_required_comes_from_the_first_finding_that_withheld() -> None:
    document = eu_order(
        process__issuer={"name": "StA", "role": "prosecutor"},
        investigation__max_sentence_years=1,
        categories=["content"],
    )
    assert codes(document) == ["eu.issuer_not_competent", "eu.offence_threshold"]
    assert document["categories"]["content"]["required"] == "judicial_validation"


@pytest.mark.parametrize(
    ("offence", "residence", "categories", "notify"),
    [
        ("DE", "DE", ["subscriber", "content"], False),
        ("DE", "FR", ["subscriber", "content"], True),
        ("FR", "DE", ["location"], True),
        (None, "DE", ["non_content"], True),
        ("DE", None, ["non_content"], True),
        ("DE", "FR", ["subscriber", "session_logs"], False),
    ],
)
def test_the_enforcing_authority_is_notified_of_cross_border_traffic_and_content(
    offence: str | None, residence: str | None, categories: list[str], notify: bool
) -> None:
    document = eu_order(
        investigation__offence_location=offence,
        investigation__person_residence=residence,
        categories=categories,
    )
    assert ("eu.enforcing_authority_notification" in codes(document)) is notify
    assert document["notify_authorities"] == (["enforcing_authority"] if notify else [])


# --- telling the user -----------------------------------------------------------------------


def test_notice_before_disclosure_opens_a_ten_day_window() -> None:
    document = run(received_at="2024-02-25T23:00:00-03:00")  # 2024-02-26 UTC
    assert document["notice"] == {
        "notify_user": True, "timing": "before_disclosure", "not_before": "2024-02-26",
        "disclose_after": "2024-03-07",
    }  # fmt: skip


def test_notice_hold_days_is_a_policy() -> None:
    document = run(attrs.evolve(DEFAULT_POLICY, name="custom", notice_hold_days=0))
    assert document["notice"]["disclose_after"] == document["notice"]["not_before"]


def test_no_notice_when_nothing_is_released() -> None:
    document = run(targets=[])
    assert document["notice"] == {
        "notify_user": False, "timing": "none", "not_before": None, "disclose_after": None
    }  # fmt: skip


def test_child_exploitation_cases_get_no_notice() -> None:
    document = run(investigation__area="child_exploitation")
    assert document["notice"]["timing"] == "withheld"
    assert document["notice"]["notify_user"] is False


def test_a_court_gag_order_defers_notice_until_it_ends() -> None:
    gag = {"kind": "court_order", "statute": "18 U.S.C. 2705(b)", "until": "2024-01-31"}
    document = run(nondisclosure=gag)
    assert document["notice"] == {
        "notify_user": True, "timing": "after_nondisclosure", "not_before": "2024-01-31",
        "disclose_after": None,
    }  # fmt: skip
    assert "nondisclosure.indefinite" not in codes(document)


def test_a_court_gag_order_without_end_binds_until_a_court_lifts_it() -> None:
    gag = {"kind": "court_order", "statute": "18 U.S.C. 2705(b)", "until": None}
    document = run(nondisclosure=gag, process__issued_on="2023-05-05")
    assert document["notice"] == {
        "notify_user": True, "timing": "after_nondisclosure", "not_before": None,
        "disclose_after": None,
    }  # fmt: skip
    [note] = [f for f in document["findings"] if f["code"] == "nondisclosure.indefinite"]
    assert note["effect"] == "note"
    assert "each year" in note["message"]
    assert document["outcome"] == "comply"


def test_a_gag_order_outranks_the_child_safety_exception() -> None:
    gag = {"kind": "court_order", "statute": "18 U.S.C. 2705(b)", "until": "2024-01-31"}
    document = run(nondisclosure=gag, investigation__area="child_exploitation")
    assert document["notice"]["timing"] == "after_nondisclosure"


def test_a_requesters_letter_does_not_stop_notice() -> None:
    letter = {"kind": "request_letter", "statute": "none", "until": None}
    document = run(nondisclosure=letter)
    assert "nondisclosure.not_binding" in codes(document)
    assert document["notice"]["timing"] == "before_disclosure"
    assert document["outcome"] == "comply"


def test_a_gag_order_does_not_outrank_eu_or_nsl_rules() -> None:
    gag = {"kind": "court_order", "statute": "x", "until": None}
    assert eu_order(nondisclosure=gag)["notice"]["timing"] == "by_issuing_authority"
    nsl = run(
        process__kind="national_security_letter",
        investigation__nature="national_security",
        nondisclosure=CERTIFIED,
        investigation__area="other",
    )
    assert nsl["notice"]["timing"] == "withheld"
    assert "nondisclosure.indefinite" not in codes(nsl)


# --- outcome precedence -------------------------------------------------------------------


def test_reject_outranks_verify_outranks_escalate_outranks_push_back() -> None:
    assert run(requester__email="a@gmail.com", process__kind="fisa_order")["outcome"] == "reject"
    assert run(requester__email="a@x.example", process__kind="fisa_order")["outcome"] == "verify"
    assert run(process__kind="fisa_order", process__signed=False)["outcome"] == "escalate"


def test_push_back_outranks_preserve() -> None:
    document = run(process__kind="preservation_request", targets=[], categories=[])
    assert document["outcome"] == "push_back"


# --- the Review object ----------------------------------------------------------------------


def test_the_review_rebuilds_from_its_document() -> None:
    request = load_request(make_request(categories=ALL, process__kind="court_order_2703d"))
    result = review(request)
    assert dueprocess.Review.from_dict(result.to_dict(), request) == result


def test_scope_lists_only_released_categories_in_table_order() -> None:
    request = load_request(make_request(categories=["content", "session_logs", "subscriber"]))
    scope = review(request).scope
    assert [item.category.value for item in scope.categories] == ["subscriber", "session_logs"]


def test_scope_is_empty_when_nothing_is_released() -> None:
    request = load_request(make_request(targets=[]))
    assert review(request).scope.categories == ()


def test_decision_lookup_names_unrequested_categories() -> None:
    result = review(load_request(make_request()))
    assert result.decision("subscriber").decision is dueprocess.Decision.DISCLOSE
    with pytest.raises(KeyError, match="content"):
        result.decision("content")


def test_review_repr_and_html_are_short_and_escaped() -> None:
    result = review(load_request(make_request(id="<script>alert(1)</script>")))
    assert "comply" in repr(result)
    html = result._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
