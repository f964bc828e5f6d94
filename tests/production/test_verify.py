"""``verify``: every figure of the manifest recomputed; every mismatch named."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess import (
    Manifest,
    Review,
    VerificationResult,
    merkle_root,
    produce,
    verify,
    verify_inclusion,
)
from dueprocess._production._verify import MAX_LINE_MISMATCHES
from dueprocess.exceptions import IntegrityError
from dueprocess.parts import Mismatch
from dueprocess.testing import MemorySink, MemoryStore

from ..production_support import PRODUCED_AT, lines, login, make_review, record, subscriber


def store() -> MemoryStore:
    return MemoryStore.of(
        [
            subscriber("100001"),
            subscriber("100002"),
            *(
                login("100001", f"2017-01-{day:02d}T10:00:00", ip=f"203.0.113.{day}")
                for day in range(1, 12)
            ),
            *(
                login("100002", f"2017-02-{day:02d}T10:00:00", ip=f"198.51.100.{day}")
                for day in range(1, 4)
            ),
            record("100001", "content", "2017-01-03T00:00:00", text="withheld"),
        ]
    )


REVIEW = make_review(targets=[("account_id", "100001"), ("account_id", "100002")])


def production(review: Review = REVIEW) -> dict[str, bytes]:
    sink = MemorySink()
    produce(review, store(), sink, produced_at=PRODUCED_AT)
    return dict(sink.files)


def check(files: dict[str, bytes], review: Review | None = None) -> VerificationResult:
    rest = {name: data for name, data in files.items() if name != "manifest.json"}
    return verify(files["manifest.json"], rest, review=review)


def subjects(result: VerificationResult) -> list[str]:
    return [mismatch.subject for mismatch in result.mismatches]


def with_records(files: dict[str, bytes], records: list[bytes]) -> dict[str, bytes]:
    return {**files, "records.jsonl": b"".join(line + b"\n" for line in records)}


def with_manifest(files: dict[str, bytes], /, **changes: Any) -> dict[str, bytes]:
    document = json.loads(files["manifest.json"])
    document.update(changes)
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    return {**files, "manifest.json": data}


def test_an_intact_production_verifies() -> None:
    result = check(production(), REVIEW)
    assert result.ok
    assert result.mismatches == ()
    assert result.manifest is not None
    assert result.manifest.records == 16
    assert repr(result) == "<VerificationResult: intact>"
    result.raise_for_mismatches()


def test_records_may_be_given_as_a_stream_of_chunks() -> None:
    files = production()
    data = files["records.jsonl"]
    chunks = [data[i : i + 7] for i in range(0, len(data), 7)]
    rest = {name: content for name, content in files.items() if name != "manifest.json"}
    result = verify(
        files["manifest.json"].decode(), {**rest, "records.jsonl": iter([b"", *chunks])}
    )
    assert result.ok


def test_a_changed_record_is_caught_by_digest_and_root() -> None:
    files = production()
    records = lines(files["records.jsonl"])
    records[3] = records[3].replace(b"203.0.113.3", b"203.0.113.4")
    result = check(with_records(files, records))
    assert not result.ok
    assert subjects(result) == ["merkle_root", "records.jsonl"]
    assert "SHA-256 is" in str(result.mismatches[1])


def test_a_removed_record_is_caught_by_count_root_size_and_digest() -> None:
    files = production()
    records = lines(files["records.jsonl"])
    del records[4]
    assert subjects(check(with_records(files, records))) == [
        "records",
        "counts.session_logs",
        "merkle_root",
        "records.jsonl",
        "records.jsonl",
    ]


def test_an_added_record_is_caught() -> None:
    files = production()
    records = lines(files["records.jsonl"])
    records.insert(5, records[5])
    result = check(with_records(files, records))
    assert "records" in subjects(result)
    assert "merkle_root" in subjects(result)


def test_reordered_records_are_caught_and_the_line_named() -> None:
    files = production()
    records = lines(files["records.jsonl"])
    records[2], records[3] = records[3], records[2]
    result = check(with_records(files, records))
    assert "records.jsonl line 4" in subjects(result)
    assert "out of production order" in str(result.mismatches[0])
    assert "merkle_root" in subjects(result)


def test_a_record_outside_the_manifest_s_accounts_categories_or_period_is_named() -> None:
    files = production()
    records = lines(files["records.jsonl"])
    records += [
        login("999999", "2017-01-05T00:00:00").canonical_bytes(),
        record("100002", "content", "2017-02-05T00:00:00", text="x").canonical_bytes(),
        login("100002", "2017-03-05T00:00:00").canonical_bytes(),
    ]
    result = check(with_records(files, records), REVIEW)
    messages = [str(m) for m in result.mismatches]
    assert "records.jsonl line 17: account '999999' is not one of the manifest's" in messages
    assert "records.jsonl line 18: category content is not in the manifest" in messages
    assert "records.jsonl line 18: category content was not released by the review" in messages
    assert "records.jsonl line 19: is outside the manifest's period" in messages


def test_a_line_that_is_not_a_canonical_record_is_named() -> None:
    files = production()
    records = lines(files["records.jsonl"])
    records[0] = json.dumps(json.loads(records[0])).encode()
    records[1] = b"{not json"
    records[2] = b'{"account": "100001"}'
    result = check(with_records(files, records))
    messages = [str(m) for m in result.mismatches]
    assert "records.jsonl line 1: not in canonical form" in messages
    assert any(m.startswith("records.jsonl line 2: not JSON") for m in messages)
    assert any(
        m.startswith("records.jsonl line 3: not a record ($.category: required)") for m in messages
    )


def test_a_last_line_without_its_newline_is_named() -> None:
    files = production()
    result = check({**files, "records.jsonl": files["records.jsonl"][:-1]})
    assert "the last line does not end with a newline" in [m.message for m in result.mismatches]


def test_fields_the_review_withheld_are_named_when_the_review_is_given() -> None:
    limited = make_review(
        targets=[("account_id", "100001")],
        decisions={"subscriber": ("name",)},
        period=None,
    )
    files = production(limited)
    records = lines(files["records.jsonl"])
    assert json.loads(records[0])["fields"] == {"name": "A. Person"}
    records[0] = subscriber("100001").canonical_bytes()
    result = check(with_records(files, records), limited)
    assert "records.jsonl line 1: holds fields the review withheld: email" in [
        str(m) for m in result.mismatches
    ]


def test_a_production_checked_against_another_review_is_named() -> None:
    other = make_review(
        targets=[("account_id", "100001")],
        decisions={"subscriber": "disclose", "content": "disclose"},
        period=("2017-01-01", "2017-01-31"),
        request_id="REQ-2",
    )
    result = check(production(), other)
    assert subjects(result)[:4] == ["review_sha256", "request_id", "period", "counts"]


@pytest.mark.parametrize(
    ("changes", "subject"),
    [
        ({"records": 17}, "records"),
        ({"counts": {"subscriber": 3, "session_logs": 13}}, "counts.subscriber"),
        ({"counts": {"subscriber": 2, "session_logs": 13}}, "counts"),
        ({"merkle_root": "0" * 64}, "merkle_root"),
        ({"request_id": "REQ-9"}, "certificate.md"),
        ({"review_sha256": "1" * 64}, "certificate.md"),
        ({"produced_at": "2017-03-21T12:00:00Z"}, "certificate.md"),
        ({"period": {"start": "2017-01-01", "end": "2017-12-31"}}, "certificate.md"),
        ({"period": None}, "certificate.md"),
        ({"accounts": ["100001", "100002", "100003"]}, "certificate.md"),
        ({"accounts": ["100001"]}, "records.jsonl line 13"),
    ],
)
def test_an_edited_manifest_figure_is_named(changes: dict[str, Any], subject: str) -> None:
    result = check(with_manifest(production(), **changes))
    assert subject in subjects(result), result.mismatches


def test_a_reformatted_manifest_is_caught_even_with_the_same_figures() -> None:
    files = production()
    document = json.loads(files["manifest.json"])
    result = check({**files, "manifest.json": json.dumps(document).encode()})
    assert [str(m) for m in result.mismatches] == [
        "manifest.json: is not in the form dueprocess writes: edited?"
    ]


def test_an_edited_letter_or_certificate_is_caught() -> None:
    files = production()
    letter = check({**files, "letter.md": files["letter.md"] + b"P.S."})
    assert subjects(letter) == ["letter.md", "letter.md"]
    certificate = check(
        {**files, "certificate.md": files["certificate.md"].replace(b"| 16 |", b"| 15 |")}
    )
    assert "certificate.md" in subjects(certificate)
    garbled = check({**files, "certificate.md": b"\xff"})
    assert "certificate.md: is not UTF-8 text" in [str(m) for m in garbled.mismatches]


def test_missing_and_unlisted_files_are_named() -> None:
    files = production()
    del files["letter.md"]
    files["notes.txt"] = b"x"
    assert [str(m) for m in check(files).mismatches] == [
        "notes.txt: is not listed in the manifest",
        "letter.md: is missing",
    ]


def test_a_manifest_that_omits_a_required_file_is_named() -> None:
    files = production()
    document = json.loads(files["manifest.json"])
    del document["files"]["records.jsonl"]
    del document["files"]["certificate.md"]
    files = with_manifest(files, files=document["files"])
    messages = [str(m) for m in check(files).mismatches]
    assert "manifest.json: does not list records.jsonl" in messages
    assert "manifest.json: does not list certificate.md" in messages


def test_a_manifest_without_records_jsonl_is_not_checked_against_the_certificate() -> None:
    files = production()
    document = json.loads(files["manifest.json"])
    del document["files"]["records.jsonl"]
    files = with_manifest(files, files=document["files"])
    assert [str(m) for m in check(files).mismatches] == [
        "manifest.json: does not list records.jsonl",
        "records.jsonl: is not listed in the manifest",
    ]


def test_an_oversized_certificate_is_hashed_but_not_held() -> None:
    files = production()
    huge = files["certificate.md"] + b"x" * (2 << 20)
    result = check({**files, "certificate.md": huge})
    assert "certificate.md" in subjects(result)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (b"not json", "manifest.json: not JSON"),
        (b"[]", "manifest.json: $: expected a JSON object"),
        (b'{"format": "dueprocess.manifest/1"}', "manifest.json: $.request_id: required"),
    ],
)
def test_a_manifest_that_cannot_be_read_is_named(manifest: bytes, message: str) -> None:
    result = verify(manifest, {})
    assert not result.ok
    assert result.manifest is None
    assert str(result.mismatches[0]).startswith(message)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"format": "dueprocess.manifest/2"}, "$.format"),
        ({"request_id": ""}, "$.request_id"),
        ({"review_sha256": "ABC"}, "$.review_sha256"),
        ({"merkle_root": 5}, "$.merkle_root"),
        ({"produced_at": "yesterday"}, "$.produced_at"),
        ({"produced_at": 5}, "$.produced_at"),
        ({"period": {"start": "2017-02-01", "end": "2017-01-01"}}, "$.period"),
        ({"period": {"start": "2017-02-01"}}, "$.period"),
        ({"period": {"start": 1, "end": 2}}, "$.period"),
        ({"accounts": ["1", "1"]}, "$.accounts"),
        ({"accounts": "1"}, "$.accounts"),
        ({"counts": []}, "$.counts"),
        ({"counts": {"messages": 1}}, "$.counts.messages"),
        ({"counts": {"subscriber": -1}}, "$.counts.subscriber"),
        ({"counts": {"subscriber": True}}, "$.counts.subscriber"),
        ({"records": "16"}, "$.records"),
        ({"files": []}, "$.files"),
        ({"files": {"../etc/passwd": {"sha256": "0" * 64, "bytes": 1}}}, "$.files.../etc/passwd"),
        ({"files": {"manifest.json": {"sha256": "0" * 64, "bytes": 1}}}, "$.files.manifest.json"),
        ({"files": {"a.txt": {"sha256": "0" * 64}}}, "$.files.a.txt"),
        ({"extra": 1}, "$.extra"),
    ],
)
def test_a_malformed_manifest_names_each_problem(changes: dict[str, Any], path: str) -> None:
    files = with_manifest(production(), **changes)
    result = check(files)
    assert f"manifest.json: {path}:" in " ".join(str(m) for m in result.mismatches)
    with pytest.raises(IntegrityError, match=r"not a dueprocess.manifest/1 document"):
        Manifest.from_json(files["manifest.json"])


def test_manifest_from_json_refuses_what_is_not_json() -> None:
    with pytest.raises(IntegrityError, match=r"not JSON"):
        Manifest.from_json(b"{")


def test_a_very_damaged_file_lists_a_bounded_number_of_lines() -> None:
    files = production()
    garbage = b"x\n" * (MAX_LINE_MISMATCHES + 30)
    result = check({**files, "records.jsonl": garbage})
    line_mismatches = [m for m in result.mismatches if m.subject.startswith("records.jsonl line")]
    assert len(line_mismatches) == MAX_LINE_MISMATCHES
    assert "records.jsonl: 30 more line problems not listed" in [str(m) for m in result.mismatches]


def test_raise_for_mismatches_lists_every_mismatch() -> None:
    result = VerificationResult((Mismatch("a", "one"), Mismatch("b", "two")), None)
    assert repr(result) == "<VerificationResult: 2 mismatches>"
    with pytest.raises(IntegrityError) as caught:
        result.raise_for_mismatches()
    assert str(caught.value) == (
        "the production does not match its manifest (2 mismatches):\n  a: one\n  b: two"
    )


def test_one_record_is_proven_by_its_path_without_the_others() -> None:
    files = production()
    manifest = Manifest.from_json(files["manifest.json"])
    records = files["records.jsonl"].splitlines(keepends=True)
    proof = manifest.inclusion_proof(7, records)
    document = json.loads(json.dumps(proof.to_dict()))
    from dueprocess import InclusionProof

    again = InclusionProof.from_dict(document)
    assert verify_inclusion(records[7].rstrip(b"\n"), again, manifest.merkle_root)
    assert not verify_inclusion(records[8].rstrip(b"\n"), again, manifest.merkle_root)
    assert manifest.merkle_root == merkle_root(lines(files["records.jsonl"])).hex()


def test_a_proof_is_only_issued_for_the_records_the_manifest_describes() -> None:
    files = production()
    manifest = Manifest.from_json(files["manifest.json"])
    records = lines(files["records.jsonl"])
    with pytest.raises(IntegrityError, match=r"Merkle root"):
        manifest.inclusion_proof(0, [records[1], records[0], *records[2:]])
    with pytest.raises(IntegrityError, match=r"expected 16 leaves, read 15"):
        manifest.inclusion_proof(0, records[:-1])
    with pytest.raises(IndexError, match=r"outside a production of 16 records"):
        manifest.inclusion_proof(16, records)
    assert repr(manifest).startswith("<Manifest 'REQ-1': 16 records, root ")


# --- any single change is caught ------------------------------------------------------


@st.composite
def single_changes(draw: st.DrawFn) -> tuple[str, dict[str, bytes]]:
    files = production()
    records = lines(files["records.jsonl"])
    kind = draw(st.sampled_from(["change", "remove", "add", "reorder", "manifest", "byte"]))
    if kind == "change":
        index = draw(st.integers(0, len(records) - 1))
        position = draw(st.integers(0, len(records[index]) - 1))
        value = draw(st.integers(0, 255).filter(lambda v: v != records[index][position]))
        line = bytearray(records[index])
        line[position] = value
        records[index] = bytes(line)
        return kind, with_records(files, records)
    if kind == "remove":
        del records[draw(st.integers(0, len(records) - 1))]
        return kind, with_records(files, records)
    if kind == "add":
        extra = draw(
            st.one_of(
                st.sampled_from(records),
                st.just(login("100001", "2017-01-05T11:00:00").canonical_bytes()),
                st.binary(min_size=1, max_size=20).filter(lambda b: b"\n" not in b),
            )
        )
        records.insert(draw(st.integers(0, len(records))), extra)
        return kind, with_records(files, records)
    if kind == "reorder":
        first = draw(st.integers(0, len(records) - 1))
        second = draw(
            st.integers(0, len(records) - 1).filter(lambda i: records[i] != records[first])
        )
        records[first], records[second] = records[second], records[first]
        return kind, with_records(files, records)
    if kind == "manifest":
        key = draw(
            st.sampled_from(
                [
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
            )
        )
        document = json.loads(files["manifest.json"])
        document[key] = draw(
            st.one_of(
                st.none(),
                st.integers(-1, 20),
                st.text(max_size=5),
                st.just("0" * 64),
                st.just({"start": "2017-01-01", "end": "2017-01-31"}),
                st.just(["100001"]),
                st.just({"subscriber": 2, "session_logs": 14}),
                st.just("2017-03-20T12:00:01Z"),
            ).filter(lambda value: value != document[key])
        )
        return kind, with_manifest(files, **{key: document[key]})
    name = draw(st.sampled_from(sorted(files)))
    data = bytearray(files[name])
    position = draw(st.integers(0, len(data) - 1))
    data[position] = draw(st.integers(0, 255).filter(lambda v: v != files[name][position]))
    return kind, {**files, name: bytes(data)}


@settings(max_examples=150, deadline=None)
@given(single_changes())
def test_any_single_change_to_a_production_is_caught(change: tuple[str, dict[str, bytes]]) -> None:
    kind, files = change
    result = check(files)
    assert not result.ok, kind


class _CountingAccounts(tuple[str, ...]):
    """A manifest's accounts that count how often a line scans them."""

    scans = 0

    def __contains__(self, item: object) -> bool:
        type(self).scans += 1
        return super().__contains__(item)

    def index(self, *args: object) -> int:  # type: ignore[override]
        type(self).scans += 1
        return super().index(*args)  # type: ignore[arg-type]


def test_verify_never_scans_the_account_list_per_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 11.7: a list lookup per line made verify cost accounts x lines, and a
    # large hostile manifest hang it. Each account's place is looked up once.
    from dueprocess._production import _verify

    files, manifest = _counting_production()
    real = _verify.parse_manifest

    def parse(document: object) -> tuple[object, object]:
        parsed, problems = real(document)
        assert parsed is not None
        accounts = _CountingAccounts(parsed.accounts)
        return attrs.evolve(parsed, accounts=accounts), problems

    monkeypatch.setattr(_verify, "parse_manifest", parse)
    _CountingAccounts.scans = 0
    result = verify(manifest, files)
    assert result.ok, result.mismatches
    assert _CountingAccounts.scans == 0


def _counting_production() -> tuple[dict[str, bytes], bytes]:
    accounts = [str(100001 + number) for number in range(30)]
    store = MemoryStore.of(
        [login(account, f"2017-01-{day:02d}T08:00:00") for account in accounts for day in (3, 9)]
    )
    review = make_review(
        targets=[("account_id", account) for account in accounts],
        decisions={"session_logs": "disclose"},
    )
    sink = MemorySink()
    produce(review, store, sink, produced_at=PRODUCED_AT)
    manifest = sink.files.pop("manifest.json")
    return sink.files, manifest
