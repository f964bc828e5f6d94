"""Rules v2 (docs/rules.md, "Rules v2: what changed from v1, and why"), each at its boundaries."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from dueprocess import DEFAULT_POLICY, Category, Policy, ProcessKind, load_request, review
from dueprocess._review._rules import tables as T

from ..support import make_request

CONTENT_IN_EMERGENCIES = attrs.evolve(
    DEFAULT_POLICY, name="content-in-emergencies", emergency_categories=list(Category)
)
SUPERVISOR = {"name": "Sgt. B. Example", "phone": "+1 202 555 0199"}
DANGER = {"danger": "death", "imminent": True, "description": "A threat to life, today."}


def run(policy: Policy = DEFAULT_POLICY, **changes: Any) -> dict[str, Any]:
    return review(load_request(make_request(**changes)), policy).to_dict()


def codes(document: dict[str, Any]) -> list[str]:
    return [finding["code"] for finding in document["findings"]]


def found(document: dict[str, Any], code: str) -> dict[str, Any]:
    [finding] = [f for f in document["findings"] if f["code"] == code]
    return finding


def decision(document: dict[str, Any], category: str) -> str:
    result: str = document["categories"][category]["decision"]
    return result


# --- 1. a court's process needs a court ------------------------------------------------------

ROLES = ["judge", "court", "investigating_judge", "prosecutor", "grand_jury", "agency",
         "police", "private_party"]  # fmt: skip


@pytest.mark.parametrize("kind", ["search_warrant", "court_order_2703d"])
@pytest.mark.parametrize("role", ROLES)
def test_search_warrants_and_2703d_orders_need_a_judge_or_a_court(kind: str, role: str) -> None:
    document = run(process__kind=kind, process__issuer={"name": "X", "role": role})
    if role in ("judge", "court"):
        assert "process.not_judicial" not in codes(document)
        assert document["outcome"] in ("comply", "partial")
    else:
        finding = found(document, "process.not_judicial")
        assert finding["effect"] == "reject"
        assert "2711(3)" in finding["citation"]
        assert document["outcome"] == "reject"


def test_a_judges_validation_does_not_make_an_agency_warrant_a_courts() -> None:
    document = run(
        process__kind="search_warrant",
        process__issuer={"name": "ERO officer", "role": "agency"},
        process__validated_by={"name": "Judge", "role": "judge"},
    )
    assert "process.not_judicial" in codes(document)


@pytest.mark.parametrize("kind", ["pen_register_order", "wiretap_order", "fisa_order"])
def test_interception_and_fisa_process_stays_escalated_whoever_issued_it(kind: str) -> None:
    document = run(
        process__kind=kind,
        process__issuer={"name": "AG", "role": "agency"},
        investigation__nature="national_security" if kind == "fisa_order" else "criminal",
    )
    assert "process.not_judicial" not in codes(document)
    assert document["outcome"] == "escalate"


# --- 2. US territories are US ----------------------------------------------------------------


@pytest.mark.parametrize("territory", [t.code for t in T.US_TERRITORIES])
def test_us_process_from_a_territory_is_us_process(territory: str) -> None:
    document = run(jurisdiction=territory)
    assert "process.kind_jurisdiction_mismatch" not in codes(document)
    assert document["outcome"] == "comply"


@pytest.mark.parametrize("territory", ["PR", "GU", "US"])
@pytest.mark.parametrize("kind", ["foreign_direct_request", "cloud_act_order"])
def test_foreign_kinds_from_a_us_country_are_a_mismatch(territory: str, kind: str) -> None:
    document = run(jurisdiction=territory, process__kind=kind)
    assert "process.kind_jurisdiction_mismatch" in codes(document)


@pytest.mark.parametrize("jurisdiction", ["CA", "MX", "GB"])
def test_us_process_from_elsewhere_is_a_mismatch(jurisdiction: str) -> None:
    assert "process.kind_jurisdiction_mismatch" in codes(run(jurisdiction=jurisdiction))


# --- 3. California ---------------------------------------------------------------------------

CALECPA_KINDS = ["subpoena", "grand_jury_subpoena", "administrative_subpoena", "court_order_2703d"]


def california(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "jurisdiction": "US-CA",
        "process__authority": "21 U.S.C. 876",
        "investigation__area": "controlled_substances",
        "process__issuer": {"name": "Superior Court", "role": "court"},
    }
    return run(**(base | changes))


@pytest.mark.parametrize("kind", CALECPA_KINDS)
def test_california_process_reaches_subscriber_data_without_payment(kind: str) -> None:
    document = california(process__kind=kind, categories=["subscriber"])
    assert document["categories"]["subscriber"] == {
        "decision": "limited",
        "fields": ["name", "address", "email", "phone", "service_start", "service_types"],
        "required": None,
    }
    finding = found(document, "category.limited")
    assert finding["citation"] == "Cal. Penal Code 1546(l)"
    assert "California" in finding["message"]
    assert document["outcome"] == "partial"


@pytest.mark.parametrize("kind", CALECPA_KINDS)
@pytest.mark.parametrize("category", ["session_logs", "non_content"])
def test_california_process_needs_a_warrant_for_logs_and_records(kind: str, category: str) -> None:
    document = california(process__kind=kind, categories=[category])
    assert document["categories"][category] == {
        "decision": "withhold", "fields": None, "required": "search_warrant"
    }  # fmt: skip
    assert found(document, "category.insufficient_process")["citation"] == (
        "Cal. Penal Code 1546.1(b)"
    )


@pytest.mark.parametrize("kind", CALECPA_KINDS)
def test_a_federal_authority_in_california_is_not_affected(kind: str) -> None:
    document = run(process__kind=kind, process__authority="21 U.S.C. 876",
                   investigation__area="controlled_substances",
                   categories=["subscriber", "session_logs"])  # fmt: skip
    assert decision(document, "subscriber") == "disclose"
    assert decision(document, "session_logs") == "disclose"


def test_a_california_warrant_reaches_everything() -> None:
    document = california(
        process__kind="search_warrant",
        process__issuer={"name": "Superior Court", "role": "court"},
        categories=list(Category),
    )
    assert {document["categories"][c]["decision"] for c in Category} == {"disclose"}


def warrant_age(jurisdiction: str, days: int, policy: Policy = DEFAULT_POLICY) -> dict[str, Any]:
    import datetime as dt

    issued = dt.date(2023, 5, 10) - dt.timedelta(days=days)
    return run(
        policy,
        jurisdiction=jurisdiction,
        process__kind="search_warrant",
        process__issuer={"name": "Court", "role": "court"},
        process__issued_on=issued.isoformat(),
    )


@pytest.mark.parametrize(("days", "stale"), [(9, False), (10, False), (11, True), (14, True)])
def test_a_california_warrant_must_be_served_within_ten_days(days: int, stale: bool) -> None:
    document = warrant_age("US-CA", days)
    assert ("process.stale_warrant" in codes(document)) is stale
    if stale:
        assert found(document, "process.stale_warrant")["citation"] == "Cal. Penal Code 1534(a)"


@pytest.mark.parametrize(("days", "stale"), [(11, False), (14, False), (15, True)])
def test_a_federal_warrant_keeps_the_policys_fourteen_days(days: int, stale: bool) -> None:
    document = warrant_age("US", days)
    assert ("process.stale_warrant" in codes(document)) is stale
    if stale:
        assert (
            found(document, "process.stale_warrant")["citation"] == "Fed. R. Crim. P. 41(e)(2)(A)"
        )


def test_a_stricter_policy_than_californias_ten_days_wins() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, name="strict", warrant_service_days=7)
    document = warrant_age("US-CA", 8, policy)
    assert found(document, "process.stale_warrant")["citation"] == "Fed. R. Crim. P. 41(e)(2)(A)"
    assert "process.stale_warrant" not in codes(warrant_age("US-CA", 7, policy))


# --- 4. no prospective collection through stored-records process ------------------------------
# The base request is received 2023-05-10T16:00:00Z.


@pytest.mark.parametrize(
    ("start", "end", "code", "effective"),
    [
        ("2023-04-01", "2023-05-09", None, ("2023-04-01", "2023-05-09")),
        ("2023-04-01", "2023-05-10", None, ("2023-04-01", "2023-05-10")),
        ("2023-04-01", "2023-05-11", "scope.prospective_period", ("2023-04-01", "2023-05-10")),
        ("2023-05-10", "2023-06-30", "scope.prospective_period", ("2023-05-10", "2023-05-10")),
        ("2023-05-11", "2023-06-30", "scope.future_period", None),
    ],
)
def test_the_period_is_cut_at_the_received_date(
    start: str, end: str, code: str | None, effective: tuple[str, str] | None
) -> None:
    document = run(period={"start": start, "end": end})
    scope_codes = [c for c in codes(document) if c.startswith("scope.")]
    assert scope_codes == ([code] if code else [])
    expected = {"start": effective[0], "end": effective[1]} if effective else None
    assert document["period"] == expected
    if code == "scope.prospective_period":
        assert found(document, code)["effect"] == "narrow"
        assert document["outcome"] == "partial"
        assert "pen register or wiretap order" in found(document, code)["message"]
    if code == "scope.future_period":
        assert found(document, code)["effect"] == "push_back"
        assert document["outcome"] == "push_back"


def test_the_received_date_is_the_utc_calendar_date() -> None:
    # 2023-05-10T21:00-05:00 is 2023-05-11 in UTC: records of the 11th are stored.
    document = run(
        received_at="2023-05-10T21:00:00-05:00", period={"start": "2023-04-01", "end": "2023-05-11"}
    )
    assert "scope.prospective_period" not in codes(document)


def test_the_cut_comes_before_the_policys_maximum_period() -> None:
    document = run(
        received_at="2024-06-01T12:00:00Z", period={"start": "2023-01-01", "end": "2024-12-31"}
    )
    assert codes(document) == ["scope.prospective_period", "scope.period_narrowed"]
    assert document["period"] == {"start": "2023-06-03", "end": "2024-06-01"}


@pytest.mark.parametrize("kind", ["preservation_request", "eu_preservation_order"])
def test_preservation_is_cut_at_the_received_date_too(kind: str) -> None:
    changes: dict[str, Any] = {"process__kind": kind, "categories": []}
    if kind == "eu_preservation_order":
        changes |= {"jurisdiction": "DE", "received_at": "2026-10-05T12:00:00Z",
                    "process__issued_on": "2026-10-01",
                    "process__issuer": {"name": "StA", "role": "prosecutor"},
                    "period": {"start": "2026-09-01", "end": "2026-12-31"}}  # fmt: skip
    else:
        changes["period"] = {"start": "2023-04-01", "end": "2023-12-31"}
    document = run(**changes)
    assert "scope.prospective_period" in codes(document)
    assert document["outcome"] == "preserve"
    assert document["period"]["end"] == changes.get("received_at", "2023-05-10")[:10]


@pytest.mark.parametrize("kind", ["emergency_request", "foreign_direct_request"])
def test_voluntary_disclosures_are_cut_by_policy(kind: str) -> None:
    document = run(
        process__kind=kind,
        jurisdiction="US" if kind == "emergency_request" else "DE",
        emergency=DANGER if kind == "emergency_request" else None,
        requester__callback="confirmed",
        requester__supervisor=SUPERVISOR,
        period={"start": "2023-05-01", "end": "2023-05-20"},
    )
    assert "scope.prospective_period" in codes(document)
    assert document["period"] == {"start": "2023-05-01", "end": "2023-05-10"}


@pytest.mark.parametrize("kind", ["pen_register_order", "wiretap_order", "fisa_order"])
def test_interception_kinds_are_not_cut(kind: str) -> None:
    document = run(process__kind=kind, period={"start": "2023-05-11", "end": "2023-06-30"})
    assert not [c for c in codes(document) if c.startswith("scope.")]


# --- 15. a court's order is challenged, not refused ---------------------------------------------

QUERY = [{"kind": "query", "value": "every account near the bank at noon"}]


@pytest.mark.parametrize("kind", ["search_warrant", "court_order_2703d"])
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"targets": QUERY}, "target.not_particular"),
        ({"targets": [{"kind": "account_id", "value": str(n)} for n in range(26)]},
         "target.too_many"),
        ({"received_at": "2025-01-01T00:00:00Z",
          "period": {"start": "2022-01-01", "end": "2024-12-31"}}, "scope.period_narrowed"),
        ({"period": {"start": "2023-04-01", "end": "2023-06-30"}}, "scope.prospective_period"),
        ({"period": {"start": "2023-05-11", "end": "2023-06-30"}}, "scope.future_period"),
    ],
)  # fmt: skip
def test_a_courts_breadth_escalates_and_keeps_the_period(
    kind: str, changes: dict[str, Any], code: str
) -> None:
    issued = {"process__issued_on": changes.get("received_at", "2023-05-09")[:10]}
    document = run(process__kind=kind, process__issuer={"name": "C", "role": "court"},
                   **issued, **changes)  # fmt: skip
    finding = found(document, code)
    assert finding["effect"] == "escalate"
    assert finding["citation"] == "18 U.S.C. 2703(d)"
    assert "quash or modify" in finding["message"]
    assert document["outcome"] == "escalate"
    requested = changes.get("period", {"start": "2023-03-01", "end": "2023-04-30"})
    assert document["period"] == requested


@pytest.mark.parametrize(
    ("kind", "role", "effect"),
    [
        ("search_warrant", "agency", "reject"),
        ("grand_jury_subpoena", "grand_jury", "reject"),
        ("subpoena", "court", "reject"),
    ],
)
def test_breadth_is_not_escalated_for_other_process(kind: str, role: str, effect: str) -> None:
    document = run(process__kind=kind, process__issuer={"name": "X", "role": role}, targets=QUERY)
    assert found(document, "target.not_particular")["effect"] == effect


def test_a_courts_period_cut_is_pushed_back_for_a_subpoena_but_escalated_for_a_warrant() -> None:
    future = {"start": "2023-05-11", "end": "2023-06-30"}
    assert found(run(period=future), "scope.future_period")["effect"] == "push_back"


# --- 5. citations and unmapped statutes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("authority", "area", "expected"),
    [
        ("8 U.S.C. 1357(b)", "immigration", ["basis.unrecognized_authority"]),
        ("19 USC Sec. 1509", "customs", []),
        ("Title 19, United States Code, Section 1509", "customs", []),
        ("19 U.S.C.A. § 1509", "child_exploitation", []),
        ("19 U.S.C. 15090", "customs", ["basis.unrecognized_authority"]),
        ("19 U.S.C. 1509; 21 U.S.C. 876", "customs", ["purpose.authority_mismatch"]),
        ("", "customs", ["basis.missing_authority"]),
    ],
)
def test_an_agency_subpoena_under_an_unmapped_statute_goes_to_counsel(
    authority: str, area: str, expected: list[str]
) -> None:
    document = run(process__kind="administrative_subpoena", process__authority=authority,
                   investigation__area=area)  # fmt: skip
    assert codes(document) == expected
    if expected == ["basis.unrecognized_authority"]:
        assert document["outcome"] == "escalate"
        assert found(document, expected[0])["effect"] == "escalate"


def test_only_administrative_subpoenas_need_a_mapped_statute() -> None:
    document = run(process__authority="Fed. R. Crim. P. 17")
    assert "basis.unrecognized_authority" not in codes(document)


def test_with_no_mapped_statutes_every_agency_subpoena_goes_to_counsel() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, name="unmapped", authority_scopes=[])
    document = run(policy, process__kind="administrative_subpoena",
                   process__authority="21 U.S.C. 876")  # fmt: skip
    assert codes(document) == ["basis.unrecognized_authority"]


# --- 7. emergencies from abroad -------------------------------------------------------------------


def emergency(jurisdiction: str, policy: Policy = DEFAULT_POLICY) -> dict[str, Any]:
    return run(
        policy,
        jurisdiction=jurisdiction,
        process__kind="emergency_request",
        process__issuer={"name": "Watch Commander", "role": "police"},
        process__authority="",
        requester__callback="confirmed",
        requester__supervisor=SUPERVISOR,
        investigation__area="threat_to_life",
        emergency=DANGER,
        categories=["subscriber", "content"],
    )


@pytest.mark.parametrize("jurisdiction", ["GB", "DE", "AU", "BR"])
@pytest.mark.parametrize("policy", [DEFAULT_POLICY, CONTENT_IN_EMERGENCIES])
def test_an_emergency_from_abroad_never_releases_content(jurisdiction: str, policy: Policy) -> None:
    document = emergency(jurisdiction, policy)
    assert document["categories"]["content"] == {
        "decision": "withhold", "fields": None, "required": None
    }  # fmt: skip
    finding = found(document, "emergency.foreign_content")
    assert (finding["effect"], finding["category"]) == ("withhold", "content")
    assert "2711(4)" in finding["citation"]
    assert "category.beyond_emergency_minimum" not in codes(document)
    assert decision(document, "subscriber") == "disclose"


@pytest.mark.parametrize("jurisdiction", ["US", "US-CA", "PR", "GU"])
def test_a_us_emergency_releases_content_only_if_the_policy_says_so(jurisdiction: str) -> None:
    assert decision(emergency(jurisdiction), "content") == "withhold"
    assert "emergency.foreign_content" not in codes(emergency(jurisdiction))
    assert decision(emergency(jurisdiction, CONTENT_IN_EMERGENCIES), "content") == "disclose"


# --- 8. civil subpoenas ---------------------------------------------------------------------


def test_a_civil_subpoena_for_content_needs_the_users_consent() -> None:
    document = run(process__kind="civil_subpoena", investigation__nature="civil",
                   categories=["subscriber", "non_content", "content"])  # fmt: skip
    assert codes(document) == ["process.civil_litigant", "category.private_party_content"]
    assert document["categories"]["content"]["required"] == "user_consent"
    assert document["categories"]["subscriber"] == {
        "decision": "withhold", "fields": None, "required": None
    }  # fmt: skip
    assert found(document, "process.civil_litigant")["citation"] == "18 U.S.C. 2702(c)(6)"
    assert document["outcome"] == "escalate"


# --- 11, 12. European orders --------------------------------------------------------------------


def eu(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "jurisdiction": "DE",
        "received_at": "2026-10-05T09:30:00Z",
        "process__kind": "eu_production_order",
        "process__issued_on": "2026-10-01",
        "process__issuer": {"name": "Ermittlungsrichter", "role": "investigating_judge"},
        "process__authority": "Regulation (EU) 2023/1543",
        "requester__email": "m.weber@sta-koeln.justiz.de",
        "investigation__max_sentence_years": 5,
        "investigation__offence_location": "DE",
        "investigation__person_residence": "FR",
        "categories": ["subscriber", "content"],
        "period": {"start": "2026-06-01", "end": "2026-08-31"},
    }
    return run(**(base | changes))


def test_a_notified_order_is_released_at_the_end_of_the_enforcing_authoritys_ten_days() -> None:
    document = eu()
    assert document["notice"]["disclose_after"] == "2026-10-15"
    assert document["notice"]["timing"] == "by_issuing_authority"
    assert "2026-10-15" in found(document, "eu.enforcing_authority_notification")["message"]


@pytest.mark.parametrize(
    "changes",
    [
        {"investigation__person_residence": "DE"},  # local: no notification
        {"categories": ["subscriber"]},  # identifying data only: no notification
        {"emergency": DANGER},  # an emergency goes out at once
    ],
)
def test_otherwise_a_european_order_has_no_release_date(changes: dict[str, Any]) -> None:
    assert eu(**changes)["notice"]["disclose_after"] is None


def preservation_order(role: str, **changes: Any) -> dict[str, Any]:
    return eu(process__kind="eu_preservation_order", categories=[],
              process__issuer={"name": "Issuer", "role": role}, **changes)  # fmt: skip


@pytest.mark.parametrize(
    ("role", "changes", "expected", "outcome"),
    [
        ("prosecutor", {}, [], "preserve"),
        ("investigating_judge", {}, [], "preserve"),
        ("judge", {}, [], "preserve"),
        ("court", {}, [], "preserve"),
        ("police", {}, ["eu.preservation_issuer_not_competent"], "push_back"),
        ("grand_jury", {}, ["eu.preservation_issuer_not_competent"], "push_back"),
        ("police", {"process__validated_by": {"name": "StA", "role": "prosecutor"}}, [],
         "preserve"),
        ("police", {"emergency": DANGER}, ["eu.validation_pending"], "preserve"),
        ("agency", {"emergency": DANGER}, ["eu.validation_pending"], "preserve"),
        ("private_party", {"emergency": DANGER}, ["eu.preservation_issuer_not_competent"],
         "push_back"),
        ("police", {"emergency": dict(DANGER, imminent=False)},
         ["eu.preservation_issuer_not_competent"], "push_back"),
    ],
)  # fmt: skip
def test_a_european_preservation_order_needs_a_competent_issuer(
    role: str, changes: dict[str, Any], expected: list[str], outcome: str
) -> None:
    document = preservation_order(role, **changes)
    assert codes(document) == expected
    assert document["outcome"] == outcome


# --- 14. CLOUD Act agreements ------------------------------------------------------------------


def agreement(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "jurisdiction": "GB",
        "received_at": "2025-03-10T10:00:00Z",
        "process__kind": "cloud_act_order",
        "process__issued_on": "2025-03-06",
        "process__issuer": {"name": "Crown Court", "role": "judge"},
        "process__authority": "Crime (Overseas Production Orders) Act 2019",
        "requester__email": "h.patel@met.police.uk",
        "investigation__max_sentence_years": 30,
        "investigation__person_residence": "GB",
        "investigation__us_person": False,
        "categories": list(Category),
        "period": {"start": "2025-01-01", "end": "2025-02-28"},
    }
    return run(**(base | changes))


def test_an_order_under_an_agreement_in_force_reaches_every_category() -> None:
    document = agreement()
    assert document["outcome"] == "comply"
    assert codes(document) == []


@pytest.mark.parametrize(
    ("jurisdiction", "received", "in_force"),
    [
        ("GB", "2022-10-02T23:59:59Z", False),
        ("GB", "2022-10-03T00:00:00Z", True),
        ("AU", "2024-01-30T12:00:00Z", False),
        ("AU", "2024-01-31T12:00:00Z", True),
        ("AU", "2024-01-31T08:00:00+10:00", False),  # 2024-01-30 in UTC
        ("DE", "2025-03-10T10:00:00Z", False),
        ("CA", "2025-03-10T10:00:00Z", False),
    ],
)
def test_the_agreement_must_be_in_force_on_the_received_date(
    jurisdiction: str, received: str, in_force: bool
) -> None:
    document = agreement(jurisdiction=jurisdiction, received_at=received,
                         process__issued_on=received[:8] + "01",
                         period={"start": received[:8] + "01", "end": received[:8] + "01"},
                         investigation__person_residence=jurisdiction)  # fmt: skip
    assert ("cloud_act.no_agreement" in codes(document)) is not in_force
    if not in_force:
        message = found(document, "cloud_act.no_agreement")["message"]
        assert "2523" in message
        assert "2022-10-03" in message


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"investigation__us_person": True}, "cloud_act.us_person"),
        ({"investigation__person_residence": "US"}, "cloud_act.us_person"),
        ({"investigation__person_residence": "PR"}, "cloud_act.us_person"),
        ({"investigation__max_sentence_years": 2.5}, "cloud_act.not_serious_crime"),
    ],
)
def test_an_agreement_order_is_refused_when_2523_forbids_it(
    changes: dict[str, Any], code: str
) -> None:
    document = agreement(**changes)
    assert codes(document) == [code]
    assert document["outcome"] == "reject"
    assert "2523" in found(document, code)["citation"]


def test_three_years_is_serious_crime() -> None:
    assert codes(agreement(investigation__max_sentence_years=3)) == []


@pytest.mark.parametrize(
    "missing",
    ["investigation__us_person", "investigation__person_residence",
     "investigation__max_sentence_years"],
)  # fmt: skip
def test_every_detail_2523_needs_must_be_known(missing: str) -> None:
    document = agreement(**{missing: None})
    assert codes(document) == ["cloud_act.missing_details"]
    assert document["outcome"] == "push_back"
    assert missing.split("__")[1] in found(document, "cloud_act.missing_details")["message"]


def test_missing_details_are_not_asked_for_when_the_order_is_refused_anyway() -> None:
    document = agreement(investigation__us_person=True, investigation__max_sentence_years=None)
    assert codes(document) == ["cloud_act.us_person"]


@pytest.mark.parametrize(("end", "escalated"), [("2025-03-10", False), ("2025-03-11", True)])
def test_an_agreement_order_reaching_past_receipt_goes_to_counsel(
    end: str, escalated: bool
) -> None:
    document = agreement(period={"start": "2025-01-01", "end": end})
    assert ("process.prospective" in codes(document)) is escalated
    assert "scope.prospective_period" not in codes(document)
    if escalated:
        assert found(document, "process.prospective")["citation"].startswith("18 U.S.C. 2511")


def test_an_agreement_order_is_for_criminal_matters_only() -> None:
    assert "purpose.not_criminal" in codes(agreement(investigation__nature="civil"))


def test_agreement_cells_cite_2702() -> None:
    column = T.PROCESS_CATEGORIES[ProcessKind.CLOUD_ACT_ORDER]
    assert column[Category.CONTENT].citation == "18 U.S.C. 2702(b)(9)"
    assert column[Category.SUBSCRIBER].citation == "18 U.S.C. 2702(c)(7)"


# --- law as data: a new row is a new rule, with no new code path ----------------------------


def test_a_new_state_row_is_applied_without_new_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from dueprocess._review._rules.jurisdictions import StateCell, StateRule

    row = StateRule(
        jurisdiction="US-ZZ",
        name="a test state's shield law",
        kinds=frozenset({ProcessKind.GRAND_JURY_SUBPOENA}),
        cells={Category.SESSION_LOGS: StateCell("Test Code 1(a)", required="search_warrant")},
        warrant_service_days=3,
        warrant_citation="Test Code 2(b)",
    )
    monkeypatch.setattr(T, "STATE_RULES", {**T.STATE_RULES, "US-ZZ": row})
    document = run(jurisdiction="US-ZZ")
    assert document["categories"]["session_logs"]["required"] == "search_warrant"
    assert found(document, "category.insufficient_process")["citation"] == "Test Code 1(a)"
    stale = warrant_age("US-ZZ", 4)
    assert found(stale, "process.stale_warrant")["citation"] == "Test Code 2(b)"
    assert "process.stale_warrant" not in codes(warrant_age("US-ZZ", 3))


def test_a_new_agreement_row_is_applied_without_new_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from dueprocess._review._rules import jurisdictions
    from dueprocess._review._rules.jurisdictions import CloudActAgreement

    row = CloudActAgreement("CA", "US-Canada test agreement", dt.date(2025, 3, 10), "Test")
    agreements = {**jurisdictions.CLOUD_ACT_AGREEMENTS, "CA": row}
    monkeypatch.setattr(jurisdictions, "CLOUD_ACT_AGREEMENTS", agreements)
    canada = {"jurisdiction": "CA", "investigation__person_residence": "CA"}
    assert codes(agreement(**canada)) == []
    before = agreement(**canada, received_at="2025-03-09T23:00:00Z")
    assert codes(before) == ["cloud_act.no_agreement"]
