"""Bare ``produce`` keeps the case layer's clock (issue 11.4).

No release before the request's receipt, nor before the review's ``notice.disclose_after``
(the account holder's window to object), unless an override gives a reason; the letter
and the manifest then record it. On the main branch before this change, ``dueprocess
produce`` released data inside the window, with no override and no record.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dueprocess import Manifest, Review, load_request, produce, review
from dueprocess._cli import main
from dueprocess._production._manifest import parse_manifest
from dueprocess.adapters import verify_directory
from dueprocess.exceptions import InvalidArgument, ProductionRefused
from dueprocess.testing import MemorySink, MemoryStore

from ..production_support import login, subscriber
from ..support import make_request

UTC = dt.timezone.utc
# The base request is received 2023-05-10T16:00:00Z; notice rule 7 gives
# disclose_after = 2023-05-20 (ten days later).
RECEIVED = dt.datetime(2023, 5, 10, 16, tzinfo=UTC)
WINDOW_ENDS = dt.datetime(2023, 5, 20, tzinfo=UTC)


def _store() -> MemoryStore:
    return MemoryStore.of([subscriber("100001"), login("100001", "2023-03-05T10:00:00")])


def _review() -> Review:
    result = review(load_request(make_request()))
    assert result.notice.disclose_after == WINDOW_ENDS.date()
    return result


@pytest.mark.parametrize(
    ("when", "said"),
    [
        (WINDOW_ENDS - dt.timedelta(microseconds=1), "before 2023-05-20, the first day"),
        (RECEIVED + dt.timedelta(hours=1), "window to object"),
        (RECEIVED - dt.timedelta(days=1), "before the request was received"),
    ],
)
def test_produce_refuses_before_the_clock_allows(when: dt.datetime, said: str) -> None:
    sink = MemorySink()
    with pytest.raises(ProductionRefused, match=said):
        produce(_review(), _store(), sink, produced_at=when, enforce_window=True)
    assert not sink.pending
    assert not sink.files


def test_produce_from_the_first_day_of_release_needs_no_override() -> None:
    sink = MemorySink()
    manifest = produce(
        _review(),
        _store(),
        sink,
        produced_at=WINDOW_ENDS,
        enforce_window=True,
        override="not needed",
    )
    assert manifest.override is None
    assert "override" not in manifest.to_dict()
    assert b"by override" not in sink.files["letter.md"]


def test_an_override_is_recorded_in_the_letter_and_the_manifest() -> None:
    sink = MemorySink()
    reason = "Court order of 2023-05-11 *shortening* the window"
    manifest = produce(
        _review(),
        _store(),
        sink,
        produced_at=RECEIVED + dt.timedelta(days=2),
        enforce_window=True,
        override=reason,
    )
    assert manifest.override == reason
    document = json.loads(sink.files["manifest.json"])
    assert document["override"] == reason
    assert Manifest.from_json(sink.files["manifest.json"]) == manifest
    letter = sink.files["letter.md"].decode()
    assert "## Produced early, by override" in letter
    assert "before 2023-05-20" in letter
    assert "Reason given: Court order of 2023-05-11 \\*shortening\\* the window" in letter
    # The letter never promises a date that the override set aside (issue 10.5).
    assert "Nothing will be disclosed before" not in letter
    assert "may object until" not in letter
    assert "The review allowed disclosure from 2023-05-20; this production was made" in letter


def test_a_letter_without_an_override_keeps_the_review_dates() -> None:
    sink = MemorySink()
    produce(_review(), _store(), sink, produced_at=WINDOW_ENDS, enforce_window=True)
    letter = sink.files["letter.md"].decode()
    assert "Nothing will be disclosed before 2023-05-20." in letter
    assert "may object until 2023-05-20" in letter


def test_a_target_that_resolved_to_no_account_is_named_not_called_all_records() -> None:
    request = make_request(
        targets=[
            {"kind": "account_id", "value": "100001"},
            {"kind": "account_id", "value": "999999"},
        ]
    )
    sink = MemorySink()
    produce(review(load_request(request)), _store(), sink, produced_at=WINDOW_ENDS)
    letter = sink.files["letter.md"].decode()
    assert ": all records\n" not in letter
    assert "all records of the accounts found" in letter
    assert "No account was found for: account id 999999; nothing is released for them." in letter


def test_when_every_target_resolves_the_letter_says_all_records() -> None:
    sink = MemorySink()
    produce(_review(), _store(), sink, produced_at=WINDOW_ENDS)
    letter = sink.files["letter.md"].decode()
    assert ": all records\n" in letter
    assert "No account was found" not in letter


@pytest.mark.parametrize("reason", ["", "   ", "two\nlines"])
def test_an_override_without_a_one_line_reason_is_refused(reason: str) -> None:
    with pytest.raises(InvalidArgument, match="override"):
        produce(
            _review(),
            _store(),
            MemorySink(),
            produced_at=RECEIVED,
            enforce_window=True,
            override=reason,
        )


@pytest.mark.parametrize("bad", ["", 7, "a\nb"])
def test_a_manifest_override_must_be_a_one_line_reason(bad: object) -> None:
    sink = MemorySink()
    produce(_review(), _store(), sink, produced_at=WINDOW_ENDS)
    document = json.loads(sink.files["manifest.json"])
    document["override"] = bad
    manifest, problems = parse_manifest(document)
    assert manifest is None
    assert [str(p) for p in problems] == ["$.override: expected the override's reason, one line"]


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    records = tmp_path / "records.jsonl"
    records.write_text(
        "".join(
            json.dumps(r.to_dict()) + "\n"
            for r in (subscriber("100001"), login("100001", "2023-03-05T10:00:00"))
        )
    )
    store = tmp_path / "store.sqlite"
    assert main(["store", "import", str(store), str(records)]) == 0
    request = tmp_path / "request.json"
    request.write_text(json.dumps(make_request()))
    return str(request), str(store)


@pytest.mark.parametrize("when", ["2023-05-15T09:00:00Z", "2023-05-01T00:00:00Z"])
def test_the_produce_command_refuses_too_early(
    tmp_path: Path, files: tuple[str, str], capsys: pytest.CaptureFixture[str], when: str
) -> None:
    request, store = files
    out = tmp_path / "out"
    code = main(["produce", request, "--store", store, "--out", str(out), "--produced-at", when])
    assert code == 3
    err = capsys.readouterr().err
    assert "not yet" in err
    assert "--override REASON" in err
    assert not out.exists()


def test_the_produce_command_records_an_override(
    tmp_path: Path, files: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    request, store = files
    out = tmp_path / "out"
    args = ["produce", request, "--store", store, "--out", str(out)]
    args += ["--produced-at", "2023-05-15T09:00:00Z", "--override", "life at risk, counsel: P. Q."]
    assert main(args) == 0
    assert "  override: life at risk, counsel: P. Q.\n" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["override"] == "life at risk, counsel: P. Q."
    assert "Reason given: life at risk, counsel\\: P. Q." in (out / "letter.md").read_text()
    assert verify_directory(out).ok
    assert main(["verify", str(out)]) == 0
