"""The response letter: plain words, every section, and no forged structure."""

from __future__ import annotations

import re
from typing import Any

import attrs
import pytest

from dueprocess import TargetKind, load_request, render_letter, review
from dueprocess.parts import Target

from ..support import make_request


def letter(**changes: Any) -> str:
    return render_letter(review(load_request(make_request(**changes))))


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


def test_a_partial_letter_says_what_is_released_withheld_and_what_would_reach_it() -> None:
    text = letter(categories=["subscriber", "content"])
    assert headings(text) == [
        "# Response to request REQ-1",
        "## What will be released",
        "## What is withheld",
        "## Deadlines",
        "## Notice to the account holder",
        "## Findings",
    ]
    assert "**Outcome: partial.**" in text
    assert "- subscriber data: all records" in text
    assert "- content: would need a search warrant (18 U.S.C. 2703(a))" in text
    assert "Nothing will be disclosed before 2023-05-20." in text
    assert "may object until 2023-05-20" in text


def test_a_push_back_letter_lists_what_is_missing() -> None:
    text = letter(process__signed=False, investigation__facts="Ongoing investigation.")
    assert "## What is missing" in text
    assert "## What will be released" not in text
    assert "not signed" in text
    assert "factual basis has 2 words" in text


def test_a_verify_letter_says_what_must_be_verified() -> None:
    assert "## What must be verified" in letter(requester__email="x@sheriff.example.org")


def test_a_rejection_says_why() -> None:
    text = letter(requester__email="x@gmail.com")
    assert "## Why" in text
    assert "will not honour this request in any form" in text


def test_a_limited_category_lists_its_fields() -> None:
    text = letter(
        process__kind="national_security_letter",
        investigation__nature="national_security",
        categories=["subscriber"],
        nondisclosure={
            "kind": "certification",
            "statute": "18 U.S.C. 2709(c)(1)",
            "until": None,
            "review_notice": True,
        },
    )
    assert "- subscriber data: only name, service_start" in text
    assert "will not be notified" in text


def test_a_preservation_letter_gives_the_end_date() -> None:
    text = letter(process__kind="preservation_request", categories=[], period=None)
    assert "## What is preserved" in text
    assert "Preserved until 2023-08-08." in text


def test_an_eu_letter_gives_the_deadline_and_who_is_notified() -> None:
    text = letter(
        jurisdiction="DE",
        received_at="2026-10-05T09:30:00Z",
        process__kind="eu_production_order",
        process__issued_on="2026-10-01",
        process__issuer={"name": "AG", "role": "judge"},
        investigation__max_sentence_years=5,
        categories=["content"],
        period={"start": "2026-06-01", "end": "2026-08-31"},
    )
    assert "Response due by 2026-10-15T09:30:00Z." in text
    assert "We will notify: enforcing authority." in text
    assert "Article 13" in text


def test_a_gag_order_letter_gives_the_date_notice_resumes() -> None:
    gag = {"kind": "court_order", "statute": "18 U.S.C. 2705(b)", "until": "2024-06-30"}
    assert "Notice is given on or after 2024-06-30." in letter(nondisclosure=gag)


def test_the_return_date_of_the_instrument_is_a_deadline() -> None:
    assert "asks for a response by 2023-06-01" in letter(process__return_date="2023-06-01")


@pytest.mark.parametrize(
    "hostile",
    [
        "x\n# Forged heading",
        "x\r\n## Forged",
        "x\u2028# Forged",
        "[click](https://evil.example)",
        "<script>alert(1)</script>",
        "| a | b |",
        "**bold** _em_ `code`",
        "https://evil.example/phish",
    ],
)
def test_text_from_the_request_cannot_forge_structure(hostile: str) -> None:
    # Intake already refuses control characters in one-line fields; the letter must be
    # safe on its own too, since a request can be built without intake.
    request = load_request(make_request(process__reference="R"))
    request = attrs.evolve(
        request,
        id=hostile,
        requester=attrs.evolve(request.requester, name=hostile, agency=hostile),
        process=attrs.evolve(
            request.process,
            reference=hostile,
            authority=hostile,
            issuer=attrs.evolve(request.process.issuer, name=hostile),
        ),
        targets=(Target(TargetKind.USERNAME, hostile),),
    )
    text = render_letter(review(request))
    assert all(not re.match(r"#+ Forged", line) for line in text.splitlines())
    assert "<script>" not in text
    assert "](https://" not in text
    assert "| a | b |" not in text
    assert "**bold**" not in text
    assert "https://evil" not in text


def test_the_letter_is_deterministic() -> None:
    assert letter() == letter()


@pytest.mark.parametrize(
    ("hostile", "absent"),
    [
        ("visit www.evil.example now", "www.evil"),
        ("WWW.EVIL.EXAMPLE", "WWW.EVIL"),
        ("user\u202egnp.exe", "\u202e"),
        ("a\u2066b\u2069c", "\u2066"),
    ],
)
def test_request_text_cannot_become_a_link_or_reorder_itself(hostile: str, absent: str) -> None:
    request = load_request(make_request())
    request = attrs.evolve(
        request, requester=attrs.evolve(request.requester, name=hostile, agency=hostile)
    )
    text = render_letter(review(request))
    assert absent not in text


# --- rules v2: each new finding says what is wrong and what would cure it ---------------------


def test_an_agency_warrant_letter_says_a_judges_warrant_would_reach_the_data() -> None:
    text = letter(
        process__kind="search_warrant",
        process__issuer={"name": "ERO", "role": "agency"},
        categories=["content"],
    )
    assert "not a warrant of a court" in text
    assert "issued by a judge would" in text


def test_a_prospective_period_letter_names_the_process_for_records_after_receipt() -> None:
    text = letter(period={"start": "2023-04-01", "end": "2023-06-30"})
    assert "pen register or wiretap order" in text
    assert "Period: 2023-04-01 to 2023-05-10" in text


def test_a_future_period_letter_says_nothing_is_stored_yet() -> None:
    text = letter(period={"start": "2023-06-01", "end": "2023-06-30"})
    assert "## What is missing" in text
    assert "nothing asked for is stored yet" in text


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"jurisdiction": "DE"}, "no agreement with the United States under 18 U.S.C. 2523"),
        ({"investigation__us_person": True}, "may not target a US person"),
        ({"investigation__max_sentence_years": 1}, "serious crime only"),
        ({"investigation__us_person": None}, "whether the person is a US person"),
    ],
)
def test_an_agreement_order_letter_names_the_missing_condition_of_2523(
    changes: dict[str, Any], words: str
) -> None:
    base: dict[str, Any] = {
        "jurisdiction": "GB",
        "process__kind": "cloud_act_order",
        "requester__email": "h.patel@met.police.uk",
        "investigation__max_sentence_years": 10,
        "investigation__person_residence": "GB",
        "investigation__us_person": False,
    }
    text = letter(**(base | changes))
    assert words in text


def test_a_foreign_emergency_letter_explains_why_content_is_withheld() -> None:
    text = letter(
        jurisdiction="GB",
        process__kind="emergency_request",
        process__issuer={"name": "Watch", "role": "police"},
        requester__email="h.patel@met.police.uk",
        requester__callback="confirmed",
        requester__supervisor={"name": "DI", "phone": "+44 20 7946 0000"},
        emergency={"danger": "death", "imminent": True, "description": "Threat today."},
        categories=["subscriber", "content"],
    )
    assert "- content: In an emergency content is disclosed only to a US governmental" in text


def test_a_civil_subpoena_letter_asks_for_the_account_holders_consent() -> None:
    text = letter(
        process__kind="civil_subpoena", investigation__nature="civil", categories=["content"]
    )
    assert "- content: would need the account holder's own consent" in text
