"""The public surface: what ``dueprocess`` exports, and the small value helpers."""

from __future__ import annotations
import __future__

import datetime as dt
import re
import types

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dueprocess
from dueprocess import DEFAULT_POLICY, Policy
from dueprocess._base._canonical import canonical_bytes
from dueprocess._base._dates import format_timestamp, parse_date, parse_timestamp, utc_date
from dueprocess._base._markdown import md_code, md_text
from dueprocess._review._citations import cites, normalize_citation
from dueprocess.exceptions import InvalidPolicy, InvalidRequest, Problem


def isort_style(names: list[str]) -> list[str]:
    """Constants, then classes, then the rest, each alphabetical (ruff's RUF022 order)."""

    def group(name: str) -> int:
        bare = name.strip("_")
        if bare.isupper() and len(bare) > 1:
            return 0
        return 1 if bare[:1].isupper() else 2

    return sorted(names, key=lambda name: (group(name), name))


def test_all_is_sorted_and_lists_exactly_the_public_names() -> None:
    assert dueprocess.__all__ == isort_style(dueprocess.__all__)
    public = {
        name
        for name, value in vars(dueprocess).items()
        if not name.startswith("_")
        and not isinstance(value, (types.ModuleType, __future__._Feature))
    }
    assert public | {"__version__"} == set(dueprocess.__all__)
    for name in dueprocess.__all__:
        assert hasattr(dueprocess, name)


@pytest.mark.parametrize("module", ["exceptions", "typing", "testing", "adapters"])
def test_public_submodules_have_sorted_all(module: str) -> None:
    imported = __import__(f"dueprocess.{module}", fromlist=["__all__"])
    assert imported.__all__ == isort_style(imported.__all__)
    for name in imported.__all__:
        assert hasattr(imported, name)


def test_the_default_policy_has_the_spec_defaults() -> None:
    assert DEFAULT_POLICY.name == "default"
    assert DEFAULT_POLICY.max_period_days == 365
    assert DEFAULT_POLICY.max_targets == 25
    assert DEFAULT_POLICY.min_fact_words == 15
    assert DEFAULT_POLICY.warrant_service_days == 14
    assert DEFAULT_POLICY.notice_hold_days == 10
    assert {c.value for c in DEFAULT_POLICY.emergency_categories} == {
        "subscriber", "session_logs", "location"
    }  # fmt: skip
    assert DEFAULT_POLICY.blocked_senders == ()
    assert "gov" in DEFAULT_POLICY.government_domains
    assert "gmail.com" in DEFAULT_POLICY.free_mail_domains
    assert len(DEFAULT_POLICY.authority_scopes) == 6


@pytest.mark.parametrize(
    "changes",
    [
        {"max_period_days": 0},
        {"max_targets": -1},
        {"min_fact_words": 1.5},
        {"notice_hold_days": True},
        {"emergency_categories": ["dna"]},
        {"blocked_senders": "a@b.c"},
        {"authority_scopes": [("19 U.S.C. 1509", ["customs"])]},
    ],
)
def test_an_inconsistent_policy_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidPolicy):
        attrs.evolve(DEFAULT_POLICY, name="custom", **changes)


def test_policy_lists_are_normalised() -> None:
    policy = Policy(name="custom", blocked_senders=["  Bad@Example.COM "])
    assert policy.blocked_senders == ("bad@example.com",)


def test_policies_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        DEFAULT_POLICY.max_targets = 3  # type: ignore[misc]


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2024-02-29", "2000-02-29", "1999-12-31"])
def test_real_dates_parse(text: str) -> None:
    assert parse_date(text).isoformat() == text


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-29",
        "1900-02-29",
        "2024-13-01",
        "2024-1-01",
        "20240101",
        "2024-01-01T00:00:00Z",
        " 2024-01-01",
    ],
)
def test_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2017-03-02T15:04:05Z", "2017-03-02T15:04:05Z"),
        ("2017-03-02T15:04:05+00:00", "2017-03-02T15:04:05Z"),
        ("2017-03-02T15:04:05+02:00", "2017-03-02T13:04:05Z"),
        ("2017-03-02T23:30:00-05:00", "2017-03-03T04:30:00Z"),
        ("2017-03-02T15:04:05.250Z", "2017-03-02T15:04:05.250000Z"),
    ],
)
def test_timestamps_keep_their_instant(text: str, utc: str) -> None:
    assert format_timestamp(parse_timestamp(text)) == utc


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2017-03-02T15:04:05", "no offset"),
        ("2017-03-02 15:04:05Z", "expected a timestamp"),
        ("2017-03-02T25:04:05Z", "not a real date and time"),
        ("2017-02-30T15:04:05Z", "not a real date and time"),
        ("2017-03-02T15:04:05+24:00", "impossible offset"),
        ("2017-03-02", "expected a timestamp"),
    ],
)
def test_malformed_timestamps_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_timestamp(text)


def test_the_received_date_is_the_utc_date() -> None:
    assert utc_date(parse_timestamp("2024-03-01T01:00:00+02:00")) == dt.date(2024, 2, 29)


def test_naive_timestamps_cannot_be_formatted() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp(dt.datetime(2024, 1, 1))


# --- citations, canonical bytes, markdown -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("19 U.S.C. § 1509(a)(1)", "19 usc 1509(a)(1)"),
        ("19  U.S.C.\t§1509", "19 usc 1509"),
        ("8 C.F.R. 287.4", "8 cfr 2874"),
        ("8 C. F. R. 287.4", "8 cfr 2874"),
        ("18 U. S. C. 2703(d)", "18 usc 2703(d)"),
        ("Title 19, U.S.C.", "19 usc"),
        ("19 U.S.C.1509", "19 usc 1509"),
        ("19 USC Sec. 1509", "19 usc 1509"),
        ("19 U.S.C.A. § 1509", "19 usc 1509"),
        ("19 U.S.C.S. §§ 1509", "19 usc 1509"),
        ("Title 19, United States Code, Section 1509", "19 usc 1509"),
        ("Title 19, United States Code Annotated, Sections 1509", "19 usc 1509"),
        ("Title 19 United States Code Service ss 1509", "19 usc 1509"),
        ("8 Code of Federal Regulations 287.4", "8 cfr 2874"),
        ("usc1509", "usc 1509"),
        ("26 USCA Secs. 7602", "26 usc 7602"),
        ("Subsection 3 of the Titles", "subsection 3 of the titles"),
    ],
)
def test_citations_are_normalised(text: str, normal: str) -> None:
    assert normalize_citation(text) == normal


def test_an_empty_key_cites_nothing() -> None:
    assert not cites("19 U.S.C. 1509", " ")


def test_a_key_matches_only_as_whole_words() -> None:
    assert cites("see 19 U.S.C. 1509, 1510", "19 U.S.C. 1509")
    assert not cites("19 U.S.C. 15090", "19 U.S.C. 1509")
    assert not cites("219 U.S.C. 1509", "19 U.S.C. 1509")
    assert not cites("19 U.S.C. 1509", "9 U.S.C. 1509")
    # docs/rules.md puts a space between a digit and a letter that touch, so "1509a" reads
    # as "1509 a" and cites 1509.
    assert cites("19 U.S.C. 1509a", "19 U.S.C. 1509")


def test_canonical_bytes_sort_keys_and_keep_utf8() -> None:
    assert canonical_bytes({"b": [1, 2], "a": "Köln"}) == '{"a":"Köln","b":[1,2]}'.encode()
    with pytest.raises(ValueError, match="JSON compliant"):
        canonical_bytes({"x": float("nan")})


def test_markdown_text_is_one_escaped_line() -> None:
    assert md_text("a\nb\tc") == "a b c"
    assert md_text("x" * 600).endswith("…")
    assert len(md_text("x" * 600)) == 500
    assert md_code("plain") == "`plain`"
    assert md_code("a``b") == "``` a``b ```"


# --- errors -------------------------------------------------------------------------------


def test_problems_are_deduplicated_and_ordered() -> None:
    error = InvalidRequest(
        [Problem("$.b", "x"), Problem("$.a", "y"), Problem("$.b", "x")],
    )
    assert [p.path for p in error.problems] == ["$.a", "$.b"]
    assert str(error).splitlines()[0] == "invalid request document (2 problems):"


# --- policies as JSON ---------------------------------------------------------------------


def test_a_policy_round_trips_through_json() -> None:
    strict = attrs.evolve(DEFAULT_POLICY, name="strict", blocked_senders=["x@y.example"])
    assert dueprocess.load_policy(dueprocess.policy_to_dict(strict)) == strict


def test_load_policy_keeps_the_base_for_keys_left_out() -> None:
    policy = dueprocess.load_policy(
        {"name": "customs", "authority_scopes": {"19 U.S.C. 1509": ["customs"]}}
    )
    assert policy.max_period_days == 365
    assert [scope.statute for scope in policy.authority_scopes] == ["19 U.S.C. 1509"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "JSON object"),
        ({"name": ""}, "$.name"),
        ({"max_targets": -1}, "$.max_targets"),
        ({"max_targets": True}, "$.max_targets"),
        ({"government_domains": "gov"}, "$.government_domains"),
        ({"authority_scopes": ["19 U.S.C. 1509"]}, "$.authority_scopes"),
        ({"authority_scopes": {"19 U.S.C. 1509": ["speech"]}}, "1509"),
        ({"emergency_categories": ["dna"]}, "emergency_categories"),
        ({"surprise": 1}, "$.surprise: unknown policy key"),
    ],
)
def test_load_policy_names_every_problem(document: object, message: str) -> None:
    with pytest.raises(InvalidPolicy, match=re.escape(message)):
        dueprocess.load_policy(document)  # type: ignore[arg-type]


def test_a_policy_repr_is_short() -> None:
    assert len(repr(DEFAULT_POLICY)) < 120


# --- citations typed however: a property over every mapped statute ---------------------------

_STATUTES = [row.statute for row in dueprocess._review._rules.tables.AUTHORITY_SCOPES]


@st.composite
def _typed(draw: st.DrawFn) -> tuple[str, str]:
    """A mapped statute as a person might type it, and the statute."""
    statute = draw(st.sampled_from(_STATUTES))
    title, code, section = statute.split(" ", 2)
    code_words = {
        "U.S.C.": ["U.S.C.", "USC", "U. S. C.", "U.S.C.A.", "USCS", "United States Code",
                   "United States Code Annotated"],
        "CFR": ["CFR", "C.F.R.", "C. F. R.", "Code of Federal Regulations"],
    }[code]  # fmt: skip
    spelled = draw(st.sampled_from(code_words))
    mark = draw(st.sampled_from(["", "§ ", "Sec. ", "Section ", "ss "]))
    space = draw(st.sampled_from([" ", "  ", "\t"]))
    if draw(st.booleans()):
        text = f"Title {title},{space}{spelled},{space}{mark}{section}"
    else:
        text = f"{title}{space}{spelled}{space}{mark}{section}"
    return draw(st.sampled_from([text, text.upper(), text.lower()])), statute


@given(_typed())
def test_a_mapped_statute_is_recognised_however_it_is_typed(typed: tuple[str, str]) -> None:
    text, statute = typed
    assert cites(text, statute)
    assert not cites(text + "0", statute)
