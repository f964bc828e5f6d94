"""The case's values: documents, reprs, and what a malformed stored document gives."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from dueprocess import Outcome, Review
from dueprocess.cases import Case, CaseState
from dueprocess.exceptions import InvalidCaseDocument, InvalidTransition
from dueprocess.testing import ManualClock, MemorySink, MemoryStore

from ..cases_support import FakeProducer, harness, ready, request, shared_request, utc


def _produced() -> Case:
    rig = harness(now=utc(2023, 6, 1), producer=FakeProducer([("100001", "subscriber")]))
    case = rig.cases.open(request(), actor="<b>intake</b>")
    return rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x", override="now")


def test_a_case_document_rebuilds_the_identical_case() -> None:
    case = _produced()
    document = json.loads(json.dumps(case.to_dict()))
    assert document["format"] == "dueprocess.case/1"
    assert Case.from_dict(document) == case
    held = harness(now=utc(2024, 2, 1, 11)).cases.open(shared_request("09"), actor="x")
    assert Case.from_dict(json.loads(json.dumps(held.to_dict()))) == held


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "dueprocess.case/9"}, "not 'dueprocess.case/1'"),
        ({"state": "lost"}, "'lost' is not a valid CaseState"),
        ({"events": None}, "NoneType"),
        ({"opened_at": "yesterday"}, "expected a timestamp"),
    ],
)
def test_a_malformed_case_document_is_invalid_with_a_reason(
    change: dict[str, object], message: str
) -> None:
    document = {**_produced().to_dict(), **change}
    with pytest.raises(InvalidCaseDocument, match=message) as raised:
        Case.from_dict(document)
    assert raised.value.what == "case document"


def test_a_case_document_without_a_key_names_it() -> None:
    document = _produced().to_dict()
    del document["holds"]
    with pytest.raises(InvalidCaseDocument, match="missing key 'holds'"):
        Case.from_dict(document)


def test_a_case_document_with_an_invalid_request_lists_the_requests_problems() -> None:
    document = _produced().to_dict()
    document["request"]["id"] = ""
    with pytest.raises(InvalidCaseDocument, match=r"\$\.request\.id"):
        Case.from_dict(document)


def test_a_case_shows_itself_briefly_and_as_escaped_html() -> None:
    case = _produced()
    assert repr(case) == "<Case 'REQ-1' produced v3: comply, 6 events>"
    page = case._repr_html_()
    assert "&lt;b&gt;intake&lt;/b&gt;" in page
    assert "<b>intake" not in page
    assert "<td>produce</td>" in page
    pending = harness().cases.open(request(), actor="x")
    assert "<td>disclose_after</td><td>2023-05-20T00:00:00Z</td>" in pending._repr_html_()


def test_a_notice_rule_without_a_date_falls_due_on_the_received_date() -> None:
    def reviewer(req: object, policy: object) -> Review:
        real = __import__("dueprocess").review(req, policy)
        return attrs.evolve(real, notice=attrs.evolve(real.notice, not_before=None))

    rig = harness()
    case = attrs.evolve(rig.cases, reviewer=reviewer).open(request(), actor="x")
    assert case.notice is not None
    assert case.notice.due_at == utc(2023, 5, 10)


def test_a_preserved_case_without_a_hold_has_nothing_to_renew() -> None:
    def reviewer(req: object, policy: object) -> Review:
        real = __import__("dueprocess").review(req, policy)
        return attrs.evolve(real, outcome=Outcome.PRESERVE, preserve_until=None)

    rig = harness(now=utc(2024, 2, 1, 11))
    cases = attrs.evolve(rig.cases, reviewer=reviewer)
    case = cases.open(shared_request("09"), actor="x")
    assert (case.state, case.holds) == (CaseState.PRESERVED, ())
    with pytest.raises(InvalidTransition, match="holds nothing to renew"):
        cases.renew(case.id, actor="x")


def test_a_records_file_without_a_final_newline_counts_its_last_record() -> None:
    class NoNewline(FakeProducer):
        def __call__(self, review, source, sink, *, produced_at):  # type: ignore[no-untyped-def]
            sink.write("records.jsonl", [b'{"account":"1","category":"content"}'])
            sink.commit()
            return type("M", (), {"accounts": ("1",), "counts": {"content": 1},
                                  "records": 1, "merkle_root": "00"})()  # fmt: skip

    rig = harness(now=utc(2023, 6, 1), producer=NoNewline())
    case = ready(rig)
    produced = rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="x")
    assert produced.productions[0].by_account == {"1": {"content": 1}}


def test_the_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(utc(2023, 1, 1))
    assert clock.now() == clock.now() == utc(2023, 1, 1)
    assert clock.set(utc(2024, 1, 1)) == clock.now()
    assert clock.advance(dt.timedelta(hours=1)) == utc(2024, 1, 1, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(dt.datetime(2023, 1, 1))
