"""Test support for productions: reviews built directly, records, and Hypothesis strategies.

Reviews are built from the attrs classes, not by the review engine, so these tests say
what a production does with *any* review, including ones the engine would not give.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from dueprocess import (
    Category,
    Decision,
    Effect,
    Finding,
    LegalRequest,
    Notice,
    Outcome,
    ProcessKind,
    Record,
    Review,
    TargetKind,
)
from dueprocess.parts import (
    Area,
    CategoryDecision,
    Channel,
    Investigation,
    Issuer,
    Nature,
    NoticeTiming,
    Period,
    Process,
    Requester,
    Role,
    Target,
)

from .support import make_request

UTC = dt.timezone.utc
PRODUCED_AT = dt.datetime(2017, 3, 20, 12, 0, tzinfo=UTC)


def at(text: str) -> dt.datetime:
    """An aware instant from ``YYYY-MM-DDTHH:MM:SS`` (UTC)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def make_review(
    *,
    targets: Sequence[tuple[str, str]] = (("account_id", "100001"),),
    decisions: Mapping[str, str | tuple[str, ...]] | None = None,
    period: tuple[str, str] | None = ("2017-01-01", "2017-02-27"),
    outcome: str = "comply",
    findings: Iterable[Finding] = (),
    request_id: str = "REQ-1",
    agency: str = "U.S. Immigration and Customs Enforcement",
) -> Review:
    """A review; a decision given as a tuple of names is ``limited`` to those fields."""
    if decisions is None:
        decisions = {"subscriber": "disclose", "session_logs": "disclose"}
    categories = []
    for name, decision in decisions.items():
        if isinstance(decision, tuple):
            categories.append(CategoryDecision(Category(name), Decision.LIMITED, decision))
        else:
            required = "search_warrant" if decision == "withhold" else None
            categories.append(CategoryDecision(Category(name), Decision(decision), None, required))
    request = LegalRequest(
        id=request_id,
        received_at=at("2017-03-02T15:04:05"),
        channel=Channel.PORTAL,
        jurisdiction="US",
        process=Process(
            kind=ProcessKind.ADMINISTRATIVE_SUBPOENA,
            issued_on=dt.date(2017, 2, 27),
            issuer=Issuer("Special Agent in Charge", Role.AGENCY),
            authority="19 U.S.C. 1509",
            signed=True,
            reference="HSI-CE-17-0042",
        ),
        requester=Requester(agency, "Special Agent J. Doe", "j.doe@ice.dhs.gov"),
        investigation=Investigation(Nature.CRIMINAL, Area.CHILD_EXPLOITATION, "facts " * 20),
        targets=tuple(Target(TargetKind(kind), value) for kind, value in targets),
        categories=tuple(Category(name) for name in decisions),
        period=_period(period),
    )
    return Review(
        request=request,
        policy="default",
        outcome=Outcome(outcome),
        findings=tuple(findings),
        categories=tuple(categories),
        period=_period(period),
        notice=Notice(notify_user=False, timing=NoticeTiming.WITHHELD),
    )


def _period(period: tuple[str, str] | None) -> Period | None:
    if period is None:
        return None
    return Period(dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1]))


def blocking_finding(effect: str = "reject") -> Finding:
    return Finding(
        code="requester.free_email",
        effect=Effect(effect),
        message="The request came from a free mail address.",
        citation="Platform policy",
    )


def subscriber(account: str = "100001", **fields: Any) -> Record:
    values = {"name": "A. Person", "email": f"user{account}@example.com", **fields}
    return Record(account, Category.SUBSCRIBER, at("2015-06-01T08:00:00"), values)


def login(account: str, when: str, ip: str = "203.0.113.7", event: str = "login") -> Record:
    return Record(account, Category.SESSION_LOGS, at(when), {"event": event, "ip": ip})


def record(account: str, category: str, when: str, **fields: Any) -> Record:
    return Record(account, Category(category), at(when), fields)


def lines(data: bytes) -> list[bytes]:
    """records.jsonl's lines, checking each ends with a newline."""
    assert data == b"" or data.endswith(b"\n")
    return data.split(b"\n")[:-1] if data else []


def parsed(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines(data)]


def canonical(document: Mapping[str, Any]) -> bytes:
    """Canonical bytes written out independently of dueprocess (the spec's definition)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- Hypothesis strategies -----------------------------------------------------------

ACCOUNTS = ("100001", "100002", "200001")
FIELD_NAMES = ("name", "email", "phone", "address", "event", "ip", "text", "to")

# A few days around a small period, so records fall inside, outside and on its edges.
_DAY0 = dt.datetime(2017, 1, 1, tzinfo=UTC)


@st.composite
def instants(draw: st.DrawFn) -> dt.datetime:
    day = draw(st.integers(min_value=-1, max_value=5))
    edge = draw(
        st.sampled_from(
            [dt.timedelta(0), dt.timedelta(days=1, microseconds=-1), dt.timedelta(hours=12)]
        )
    )
    jitter = draw(st.sampled_from([dt.timedelta(0), dt.timedelta(microseconds=1)]))
    return _DAY0 + dt.timedelta(days=day) + edge + jitter


field_values = st.one_of(
    st.text(max_size=6), st.integers(-5, 5), st.booleans(), st.none(), st.just("é😀")
)


@st.composite
def records(draw: st.DrawFn) -> Record:
    category = draw(st.sampled_from(list(Category)))
    names = draw(st.lists(st.sampled_from(FIELD_NAMES), unique=True, max_size=4))
    fields = {name: draw(field_values) for name in names}
    return Record(draw(st.sampled_from(ACCOUNTS)), category, draw(instants()), fields)


@st.composite
def reviews(draw: st.DrawFn) -> Review:
    """Random releasing reviews: targets, decisions (some limited), period or none."""
    first = ("account_id", draw(st.sampled_from(ACCOUNTS)))
    targets = [
        first,
        *draw(
            st.lists(
                st.one_of(
                    st.tuples(st.just("account_id"), st.sampled_from([*ACCOUNTS, "999999"])),
                    st.tuples(
                        st.just("email"), st.sampled_from(["a@example.com", "B@example.com"])
                    ),
                    st.tuples(st.sampled_from(["name", "query"]), st.just("someone")),
                ),
                max_size=3,
            )
        ),
    ]
    chosen = draw(st.lists(st.sampled_from(list(Category)), unique=True, min_size=1))
    decisions: dict[str, str | tuple[str, ...]] = {}
    for category in chosen:
        kind = draw(st.sampled_from(["disclose", "disclose", "limited", "withhold"]))
        if kind == "limited":
            decisions[category.value] = tuple(
                draw(st.lists(st.sampled_from(FIELD_NAMES), unique=True, min_size=1, max_size=3))
            )
        else:
            decisions[category.value] = kind
    if all(value == "withhold" for value in decisions.values()):
        decisions[chosen[0].value] = "disclose"
    timed = any(name != "subscriber" and value != "withhold" for name, value in decisions.items())
    start = draw(st.integers(0, 3))
    length = draw(st.integers(0, 2))
    no_period = not timed and draw(st.booleans())
    period = None if no_period else (f"2017-01-0{1 + start}", f"2017-01-0{1 + start + length}")
    outcome = draw(st.sampled_from(["comply", "partial"]))
    return make_review(targets=targets, decisions=decisions, period=period, outcome=outcome)


# --- files the command line reads ---------------------------------------------------


def write_lines(path: Path, documents: list[Any]) -> str:
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    return str(path)


def records_file(tmp_path: Path) -> str:
    documents = [
        subscriber("100001").to_dict(),
        *(login("100001", f"2023-03-{day:02d}T10:00:00").to_dict() for day in range(1, 11)),
        login("100001", "2023-05-01T10:00:00").to_dict(),
        record("100001", "content", "2023-03-05T00:00:00", text="private").to_dict(),
        login("100002", "2023-03-02T10:00:00").to_dict(),
    ]
    return write_lines(tmp_path / "records.jsonl", documents)


def identities_file(tmp_path: Path) -> str:
    return write_lines(
        tmp_path / "ids.jsonl",
        [
            {"account": "100001", "kind": "email", "value": "suspect@example.com"},
            {"account": "100002", "kind": "username", "value": "other"},
        ],
    )


def request_file(tmp_path: Path, **changes: Any) -> str:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(make_request(**changes)), encoding="utf-8")
    return str(path)
