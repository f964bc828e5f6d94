"""``produce``: exactly what the review allows, in the spec's order, streamed, refused
unless the outcome releases data, and never half-written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from dueprocess import Category, Identity, Record, TargetKind, produce, render_letter, verify
from dueprocess._production._produce import check_producible
from dueprocess.exceptions import ProductionRefused, StoreError
from dueprocess.parts import Target
from dueprocess.testing import MemorySink, MemoryStore, RecordingSource, SourceCall

from ..production_support import (
    PRODUCED_AT,
    at,
    blocking_finding,
    canonical,
    lines,
    login,
    make_review,
    parsed,
    record,
    subscriber,
)

UTC = dt.timezone.utc


def motivating_store() -> MemoryStore:
    return MemoryStore.of(
        [
            subscriber("100001", phone="+1 202 555 0100"),
            login("100001", "2016-12-31T23:59:59"),
            login("100001", "2017-01-01T00:00:00", ip="198.51.100.1"),
            login("100001", "2017-01-15T08:00:00", ip="198.51.100.2", event="logout"),
            login("100001", "2017-02-27T23:59:59", ip="198.51.100.3"),
            login("100001", "2017-02-28T00:00:00", ip="198.51.100.4"),
            login("100002", "2017-01-10T00:00:00", ip="192.0.2.9"),
            subscriber("100002"),
            record("100001", "content", "2017-01-10T00:00:00", text="hello"),
            record("100001", "location", "2017-01-10T00:00:00", lat=1.5),
        ]
    )


def run(review: Any, source: Any, **kwargs: Any) -> tuple[Any, MemorySink]:
    sink = MemorySink()
    manifest = produce(review, source, sink, produced_at=PRODUCED_AT, **kwargs)
    return manifest, sink


def test_the_motivating_case_releases_subscriber_data_and_the_logins_of_the_period() -> None:
    manifest, sink = run(make_review(), motivating_store())
    assert parsed(sink.files["records.jsonl"]) == [
        {
            "account": "100001",
            "at": "2015-06-01T08:00:00Z",
            "category": "subscriber",
            "fields": {
                "email": "user100001@example.com",
                "name": "A. Person",
                "phone": "+1 202 555 0100",
            },
        },
        {
            "account": "100001",
            "at": "2017-01-01T00:00:00Z",
            "category": "session_logs",
            "fields": {"event": "login", "ip": "198.51.100.1"},
        },
        {
            "account": "100001",
            "at": "2017-01-15T08:00:00Z",
            "category": "session_logs",
            "fields": {"event": "logout", "ip": "198.51.100.2"},
        },
        {
            "account": "100001",
            "at": "2017-02-27T23:59:59Z",
            "category": "session_logs",
            "fields": {"event": "login", "ip": "198.51.100.3"},
        },
    ]
    assert manifest.records == 4
    assert manifest.counts == {Category.SUBSCRIBER: 1, Category.SESSION_LOGS: 3}
    assert manifest.accounts == ("100001",)


def test_records_jsonl_is_each_records_canonical_bytes_and_a_newline() -> None:
    _, sink = run(make_review(), motivating_store())
    data = sink.files["records.jsonl"]
    assert data.endswith(b"}\n")
    for line in lines(data):
        assert line == canonical(json.loads(line))


def test_the_manifest_states_every_figure_in_the_spec_s_key_order() -> None:
    review = make_review()
    manifest, sink = run(review, motivating_store())
    document = json.loads(sink.files["manifest.json"])
    assert list(document) == [
        "format",
        "request_id",
        "review_sha256",
        "produced_at",
        "period",
        "accounts",
        "counts",
        "records",
        "merkle_root",
        "files",
    ]
    records = sink.files["records.jsonl"]
    leaves = lines(records)
    from dueprocess import merkle_root

    assert document == {
        "format": "dueprocess.manifest/1",
        "request_id": "REQ-1",
        "review_sha256": hashlib.sha256(canonical(review.to_dict())).hexdigest(),
        "produced_at": "2017-03-20T12:00:00Z",
        "period": {"start": "2017-01-01", "end": "2017-02-27"},
        "accounts": ["100001"],
        "counts": {"subscriber": 1, "session_logs": 3},
        "records": 4,
        "merkle_root": merkle_root(leaves).hex(),
        "files": {
            name: {
                "sha256": hashlib.sha256(sink.files[name]).hexdigest(),
                "bytes": len(sink.files[name]),
            }
            for name in ("records.jsonl", "letter.md", "certificate.md")
        },
    }
    assert manifest.to_dict() == document
    assert sink.files["manifest.json"].endswith(b"}\n")


def test_the_same_review_and_data_give_byte_identical_files() -> None:
    first = run(make_review(), motivating_store())[1].files
    second = run(make_review(), motivating_store())[1].files
    assert first == second


def test_the_production_verifies_against_its_manifest() -> None:
    review = make_review()
    _, sink = run(review, motivating_store())
    files = {name: data for name, data in sink.files.items() if name != "manifest.json"}
    result = verify(sink.files["manifest.json"], files, review=review)
    assert result.ok, result.mismatches


def test_the_letter_is_the_review_s_letter() -> None:
    review = make_review()
    _, sink = run(review, motivating_store())
    assert sink.files["letter.md"] == render_letter(review).encode("utf-8")


def test_the_certificate_names_the_custodian_count_digest_and_root() -> None:
    manifest, sink = run(make_review(), motivating_store(), custodian="Pat Example")
    text = sink.files["certificate.md"].decode()
    assert "I, Pat Example, declare" in text
    assert "902(11)" in text
    assert "| Records | 4 |" in text
    assert manifest.files["records.jsonl"].sha256 in text
    assert manifest.merkle_root in text
    assert "HSI-CE-17-0042" in text


def test_request_text_cannot_forge_markdown_structure_in_the_certificate() -> None:
    review = make_review(agency="Agency | forged cell\n# Forged heading\n[link](http://x) <b>")
    _, sink = run(review, motivating_store(), custodian="Eve\n\n## Approved")
    text = sink.files["certificate.md"].decode()
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Certificate of Authenticity of Business Records",
        "## Request",
        "## Records",
        "## Certification of electronic records (Fed. R. Evid. 902(13) and 902(14))",
    ]
    agency_row = next(line for line in text.splitlines() if line.startswith("| Requesting agency"))
    assert agency_row.count("|") - agency_row.count("\\|") == 3
    assert "<b>" not in text
    assert "[link](" not in text
    assert "\\[link\\]" in text


def test_the_source_is_asked_only_what_the_review_allows() -> None:
    review = make_review(
        targets=[("account_id", "100001"), ("name", "J. Doe"), ("query", "everyone")],
        decisions={
            "subscriber": "disclose",
            "session_logs": "disclose",
            "content": "withhold",
            "location": "withhold",
        },
    )
    source = RecordingSource(motivating_store())
    run(review, source)
    start = at("2017-01-01T00:00:00")
    end = dt.datetime(2017, 2, 27, 23, 59, 59, 999999, tzinfo=UTC)
    assert source.calls == [
        SourceCall("resolve", target=Target(TargetKind.ACCOUNT_ID, "100001")),
        SourceCall("records", account="100001", category=Category.SUBSCRIBER),
        SourceCall(
            "records", account="100001", category=Category.SESSION_LOGS, start=start, end=end
        ),
    ]


def test_a_limited_category_carries_only_its_fields() -> None:
    review = make_review(decisions={"subscriber": ("name", "service_start")}, period=None)
    manifest, sink = run(review, motivating_store())
    assert parsed(sink.files["records.jsonl"]) == [
        {
            "account": "100001",
            "at": "2015-06-01T08:00:00Z",
            "category": "subscriber",
            "fields": {"name": "A. Person"},
        }
    ]
    assert manifest.period is None
    assert json.loads(sink.files["manifest.json"])["period"] is None


def test_a_released_category_without_a_period_is_refused_before_anything_is_read() -> None:
    review = make_review(period=None)
    source = RecordingSource(motivating_store())
    sink = MemorySink()
    with pytest.raises(ProductionRefused, match=r"session_logs released without a period"):
        produce(review, source, sink, produced_at=PRODUCED_AT)
    assert source.calls == []
    assert sink.pending == {}
    assert not sink.aborted


@pytest.mark.parametrize("outcome", ["reject", "verify", "escalate", "push_back", "preserve"])
def test_an_outcome_that_releases_nothing_is_refused_with_its_reasons(outcome: str) -> None:
    review = make_review(outcome=outcome, findings=[blocking_finding()])
    source = RecordingSource(motivating_store())
    sink = MemorySink()
    with pytest.raises(ProductionRefused) as caught:
        produce(review, source, sink, produced_at=PRODUCED_AT)
    message = str(caught.value)
    assert f"outcome {outcome}" in message
    assert "requester.free_email: The request came from a free mail address." in message
    assert source.calls == []
    assert sink.files == {}
    assert sink.pending == {}


def test_a_push_back_without_findings_says_nothing_may_be_released() -> None:
    review = make_review(outcome="push_back", decisions={"content": "withhold"})
    with pytest.raises(ProductionRefused, match=r"no requested category may be released"):
        check_producible(review)


def test_a_preservation_says_it_keeps_records_and_releases_none() -> None:
    review = make_review(outcome="preserve", decisions={"content": "preserve"})
    with pytest.raises(ProductionRefused, match=r"keeps records; it releases none"):
        check_producible(review)


def test_a_releasing_outcome_with_nothing_released_is_refused() -> None:
    review = make_review(outcome="partial", decisions={"content": "withhold"})
    with pytest.raises(ProductionRefused, match=r"no category is released"):
        check_producible(review)


def test_each_account_is_produced_once_in_the_order_of_its_first_target() -> None:
    store = motivating_store()
    store.add_identity(Identity("100002", TargetKind.EMAIL, "shared@example.com"))
    review = make_review(
        targets=[
            ("account_id", "100002"),
            ("email", "SHARED@example.com"),
            ("account_id", "100001"),
            ("account_id", "999999"),
        ]
    )
    manifest, sink = run(review, store)
    assert manifest.accounts == ("100002", "100001")
    assert [r["account"] for r in parsed(sink.files["records.jsonl"])] == [
        "100002",
        "100002",
        "100001",
        "100001",
        "100001",
        "100001",
    ]


def test_every_released_category_is_counted_even_when_empty() -> None:
    review = make_review(decisions={"subscriber": "disclose", "non_content": "disclose"})
    manifest, _ = run(review, motivating_store())
    assert manifest.counts == {Category.SUBSCRIBER: 1, Category.NON_CONTENT: 0}
    assert list(manifest.counts) == [Category.SUBSCRIBER, Category.NON_CONTENT]


def test_categories_follow_the_table_order_whatever_order_they_were_requested_in() -> None:
    review = make_review(decisions={"content": "disclose", "subscriber": "disclose"})
    _, sink = run(review, motivating_store())
    assert [r["category"] for r in parsed(sink.files["records.jsonl"])] == ["subscriber", "content"]


def test_no_account_found_gives_an_empty_but_complete_production() -> None:
    review = make_review(targets=[("email", "nobody@example.com")])
    manifest, sink = run(review, motivating_store())
    assert sink.files["records.jsonl"] == b""
    assert manifest.records == 0
    assert manifest.accounts == ()
    assert manifest.merkle_root == hashlib.sha256(b"").hexdigest()
    assert sink.committed


class ListSource:
    """A source that answers every records() question with a fixed list."""

    def __init__(self, answer: Iterable[Any], accounts: Iterable[Any] = ("100001",)) -> None:
        self.answer = list(answer)
        self.accounts = list(accounts)

    def resolve(self, target: Target) -> list[Any]:
        return self.accounts

    def records(self, account: str, category: Category, start: Any, end: Any) -> Iterator[Any]:
        if category is Category.SESSION_LOGS:
            yield from self.answer


def test_records_sharing_an_instant_are_ordered_by_their_bytes() -> None:
    answer = [
        login("100001", "2017-01-05T00:00:00", ip="203.0.113.9"),
        login("100001", "2017-01-05T00:00:00", ip="203.0.113.1"),
        login("100001", "2017-01-05T00:00:00", ip="203.0.113.5", event="logout"),
        login("100001", "2017-01-06T00:00:00", ip="203.0.113.0"),
        login("100001", "2017-01-06T00:00:00", ip="192.0.2.1"),
    ]
    _, sink = run(make_review(), ListSource(answer))
    got = lines(sink.files["records.jsonl"])
    assert got == sorted(got[:3]) + sorted(got[3:])
    assert [json.loads(line)["fields"]["ip"] for line in got] == [
        "203.0.113.1",
        "203.0.113.9",
        "203.0.113.5",  # "logout" sorts after "login"
        "192.0.2.1",
        "203.0.113.0",
    ]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            [login("100002", "2017-01-05T00:00:00")],
            "returned a record of account '100002'",
        ),
        ([record("100001", "content", "2017-01-05T00:00:00")], "returned a record of 'content'"),
        ([login("100001", "2017-03-01T00:00:00")], "returned one at 2017-03-01T00:00:00Z"),
        ([login("100001", "2016-12-31T23:59:59")], "returned one at 2016-12-31T23:59:59Z"),
        (
            [login("100001", "2017-01-06T00:00:00"), login("100001", "2017-01-05T00:00:00")],
            "out of time order",
        ),
        (["not a record"], "returned str, not a Record"),
        (
            [Record("100001", Category.SESSION_LOGS, dt.datetime(2017, 1, 5), {})],
            "without a timezone",
        ),
        (
            [Record("100001", Category.SESSION_LOGS, at("2017-01-05T00:00:00"), {"x": {1, 2}})],
            "failed while reading session_logs records of account '100001'",
        ),
    ],
)
def test_a_record_the_source_was_not_asked_for_stops_the_production(
    answer: list[Any], message: str
) -> None:
    sink = MemorySink()
    with pytest.raises(StoreError, match=message):
        produce(make_review(), ListSource(answer), sink, produced_at=PRODUCED_AT)
    assert sink.aborted
    assert sink.files == {}


def test_a_source_that_fails_mid_stream_gives_a_store_error_and_no_production() -> None:
    class Failing(ListSource):
        def records(self, account: str, category: Category, start: Any, end: Any) -> Iterator[Any]:
            if category is Category.SESSION_LOGS:
                yield login("100001", "2017-01-05T00:00:00")
                raise ConnectionError("database went away")

    sink = MemorySink()
    with pytest.raises(StoreError, match=r"database went away") as caught:
        produce(make_review(), Failing([]), sink, produced_at=PRODUCED_AT)
    assert isinstance(caught.value.__cause__, ConnectionError)
    assert sink.aborted
    assert sink.files == {}
    assert sink.pending == {}


def test_a_store_error_from_the_source_passes_through_unchanged() -> None:
    class Failing(ListSource):
        def records(self, account: str, category: Category, start: Any, end: Any) -> Iterator[Any]:
            raise StoreError("the store's own message")

    with pytest.raises(StoreError, match=r"^the store's own message$"):
        produce(make_review(), Failing([]), MemorySink(), produced_at=PRODUCED_AT)


def test_a_source_that_fails_to_resolve_gives_a_store_error() -> None:
    class Failing(ListSource):
        def resolve(self, target: Target) -> list[Any]:
            raise OSError("disk")

    with pytest.raises(StoreError, match=r"failed to resolve account_id '100001': disk"):
        produce(make_review(), Failing([]), MemorySink(), produced_at=PRODUCED_AT)


def test_a_store_error_while_resolving_passes_through() -> None:
    class Failing(ListSource):
        def resolve(self, target: Target) -> list[Any]:
            raise StoreError("locked")

    with pytest.raises(StoreError, match=r"^locked$"):
        produce(make_review(), Failing([]), MemorySink(), produced_at=PRODUCED_AT)


@pytest.mark.parametrize("account", ["", 100001, None])
def test_a_resolved_value_that_is_not_an_account_id_is_refused(account: Any) -> None:
    with pytest.raises(StoreError, match=r"not an account id"):
        produce(make_review(), ListSource([], [account]), MemorySink(), produced_at=PRODUCED_AT)


def test_a_sink_that_fails_is_aborted_and_its_error_reported() -> None:
    class BrokenSink(MemorySink):
        def commit(self) -> None:
            raise StoreError("disk full")

    sink = BrokenSink()
    with pytest.raises(StoreError, match=r"disk full"):
        produce(make_review(), motivating_store(), sink, produced_at=PRODUCED_AT)
    assert sink.aborted


def test_a_sink_that_also_fails_to_abort_does_not_hide_the_first_error() -> None:
    class BrokenSink(MemorySink):
        def commit(self) -> None:
            raise StoreError("disk full")

        def abort(self) -> None:
            raise OSError("cannot clean up")

    with pytest.raises(StoreError, match=r"disk full"):
        produce(make_review(), motivating_store(), BrokenSink(), produced_at=PRODUCED_AT)


def test_produced_at_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match=r"timezone-aware"):
        produce(
            make_review(), motivating_store(), MemorySink(), produced_at=dt.datetime(2017, 3, 1)
        )


def test_a_large_production_streams_in_chunks_and_still_verifies() -> None:
    chunks: list[int] = []

    class CountingSink(MemorySink):
        def write(self, name: str, data: Iterable[bytes]) -> None:
            if name == "records.jsonl":
                parts = list(data)
                chunks.append(len(parts))
                data = parts
            super().write(name, data)

    start = at("2017-01-01T00:00:00")
    answer = [
        login("100001", (start + dt.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S"))
        for i in range(3000)
    ]
    sink = CountingSink()
    manifest = produce(make_review(), ListSource(answer), sink, produced_at=PRODUCED_AT)
    assert chunks[0] > 1
    assert manifest.records == 3000
    files = {name: data for name, data in sink.files.items() if name != "manifest.json"}
    assert verify(sink.files["manifest.json"], files).ok


def test_the_source_is_read_lazily_as_the_sink_consumes() -> None:
    events: list[str] = []

    class Lazy(ListSource):
        def records(self, account: str, category: Category, start: Any, end: Any) -> Iterator[Any]:
            if category is Category.SESSION_LOGS:
                for i in range(5):
                    events.append(f"read {i}")
                    yield login("100001", f"2017-01-0{i + 1}T00:00:00")

    class Watching(MemorySink):
        def write(self, name: str, data: Iterable[bytes]) -> None:
            events.append(f"write {name}")
            super().write(name, data)

    produce(make_review(), Lazy([]), Watching(), produced_at=PRODUCED_AT)
    assert events[0] == "write records.jsonl"
    assert events[1] == "read 0"


def test_the_memory_sink_keeps_the_sink_contract() -> None:
    sink = MemorySink()
    with pytest.raises(StoreError, match="not a plain file name"):
        sink.write("../x", [b""])
    sink.write("a.txt", [b"x"])
    with pytest.raises(StoreError, match="already written"):
        sink.write("a.txt", [b"y"])
    sink.commit()
    with pytest.raises(StoreError, match="finished"):
        sink.write("b.txt", [b"y"])
    with pytest.raises(StoreError, match="finished"):
        sink.commit()
