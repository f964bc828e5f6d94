"""Hypothesis strategies for valid request documents (``dueprocess.request/1``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from dueprocess import Category, ProcessKind

KINDS = [kind.value for kind in ProcessKind]
PRESERVATION = {"preservation_request", "eu_preservation_order"}
CATEGORIES = [category.value for category in Category]

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
offsets = st.sampled_from(["Z", "+00:00", "+02:00", "-05:00", "+05:30", "-11:00", "+14:00"])
words = st.text(alphabet="abcdefghij ", min_size=0, max_size=120)


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    day = draw(dates)
    clock = draw(st.times()).replace(microsecond=0)
    return f"{day.isoformat()}T{clock.isoformat()}{draw(offsets)}"


@st.composite
def targets(draw: st.DrawFn) -> dict[str, str]:
    kind = draw(
        st.sampled_from(["account_id"] * 6 + ["username", "email", "phone", "url", "name", "query"])
    )
    values = {
        "account_id": st.sampled_from(["100001", "100002", "100003", "200001", "999999"]),
        "username": st.sampled_from(["alice", "bob", "carol", "nobody"]),
        "email": st.sampled_from(["alice@example.com", "bob@example.org", "x@y.example"]),
        "phone": st.sampled_from(["+1 202 555 0100", "+44 20 7946 0000", "5550100"]),
        "url": st.sampled_from(["https://example.social/alice", "https://example.social/bob"]),
        "name": st.just("John Smith"),
        "query": st.just("every account that viewed a page"),
    }
    return {"kind": kind, "value": draw(values[kind])}


@st.composite
def request_documents(draw: st.DrawFn, kinds: list[str] | None = None) -> dict[str, Any]:
    """A valid request document with random kind, dates, categories, targets and flags."""
    kind = draw(st.sampled_from(kinds or KINDS))
    received = draw(timestamps())
    received_day = dt.date.fromisoformat(received[:10])
    issued = received_day - dt.timedelta(days=draw(st.integers(-2, 30)))
    if kind in PRESERVATION:
        categories = draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=5))
    else:
        categories = draw(
            st.lists(st.sampled_from(CATEGORIES), unique=True, min_size=1, max_size=5)
        )
    document: dict[str, Any] = {
        "format": "dueprocess.request/1",
        "id": draw(st.from_regex(r"[A-Z]{2,4}-[0-9]{1,6}", fullmatch=True)),
        "received_at": received,
        "channel": draw(st.sampled_from(["portal", "email", "fax", "mail", "in_person"])),
        "jurisdiction": draw(
            st.sampled_from(["US", "US-CA", "PR", "DE", "FR", "GR", "DK", "GB", "AU", "BR"])
        ),
        "process": {
            "kind": kind,
            "issued_on": issued.isoformat(),
            "issuer": {
                "name": "Issuer",
                "role": draw(
                    st.sampled_from(
                        ["judge", "court", "investigating_judge", "prosecutor", "grand_jury",
                         "agency", "police", "private_party"]
                    )
                ),
            },
            "authority": draw(
                st.sampled_from(
                    ["18 U.S.C. 2703(d)", "19 U.S.C. 1509", "", "8 CFR 287.4", "Art. 4",
                     "Title 26, United States Code, Section 7602", "8 U.S.C. 1357(b)"]
                )
            ),
            "signed": draw(st.booleans()),
        },
        "requester": {
            "agency": "Agency",
            "name": "Officer",
            "email": draw(
                st.sampled_from(
                    ["a@fbi.gov", "b@usdoj.gov", "c@sta.justiz.de", "d@gmail.com", "e@example.org"]
                )
            ),
            "callback": draw(st.sampled_from(["confirmed", "failed", "not_attempted"])),
        },
        "investigation": {
            "nature": draw(
                st.sampled_from(
                    ["criminal"] * 4 + ["civil", "civil_immigration", "national_security",
                                        "regulatory", "unknown"]
                )
            ),
            "area": draw(
                st.sampled_from(
                    ["child_exploitation", "controlled_substances", "customs", "immigration",
                     "terrorism", "fraud", "payment_fraud", "health_care_fraud", "tax",
                     "cybercrime", "violent_crime", "threat_to_life", "protectee_threat",
                     "sex_offender_registration", "other"]
                )
            ),
            "facts": draw(st.one_of(words, st.just(" ".join(["fact"] * 20)))),
            "committed_online": draw(st.booleans()),
        },
        "targets": draw(st.lists(targets(), max_size=4)),
        "categories": categories,
    }  # fmt: skip
    if draw(st.booleans()):
        document["investigation"]["max_sentence_years"] = draw(st.integers(0, 10))
    if draw(st.integers(0, 4)):
        start = draw(dates)
        end = start + dt.timedelta(days=draw(st.integers(0, 800)))
        document["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    if draw(st.booleans()):
        document["investigation"]["us_person"] = draw(st.booleans())
    if draw(st.booleans()):
        document["investigation"]["person_residence"] = draw(st.sampled_from(["GB", "US", "DE"]))
    emergency_kinds = ("emergency_request", "eu_production_order", "eu_preservation_order")
    if kind in emergency_kinds and draw(st.booleans()):
        document["emergency"] = {
            "danger": draw(st.sampled_from(["death", "serious_physical_injury", "other"])),
            "imminent": draw(st.booleans()),
            "description": "danger",
        }
    if draw(st.booleans()):
        document["requester"]["supervisor"] = {"name": "Sup", "phone": "+1 202 555 0101"}
    if draw(st.integers(0, 3)) == 0:
        until = draw(st.one_of(st.none(), dates.map(dt.date.isoformat)))
        document["nondisclosure"] = {
            "kind": draw(st.sampled_from(["court_order", "request_letter"])),
            "statute": "18 U.S.C. 2705(b)",
            "until": until,
        }
        if kind == "national_security_letter" and draw(st.booleans()):
            document["nondisclosure"] = {
                "kind": "certification",
                "statute": "18 U.S.C. 2709(c)(1)",
                "until": None,
                "review_notice": draw(st.booleans()),
            }
    if kind in PRESERVATION and draw(st.booleans()):
        document["preservation"] = {
            "extends": "P-1",
            "prior_extensions": draw(st.integers(0, 3)),
            "prior_expires_on": draw(dates).isoformat(),
        }
    if kind == "eu_production_order" and draw(st.booleans()):
        document["investigation"]["offence_location"] = draw(st.sampled_from(["DE", "FR"]))
        document["investigation"]["person_residence"] = draw(st.sampled_from(["DE", "FR"]))
    return document
