"""The progress callback of produce() and the progress display of the command line."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess import Category, ProductionProgress, produce
from dueprocess._cli import _progress
from dueprocess._cli._progress import ProgressDisplay
from dueprocess.testing import MemorySink, MemoryStore

from ..production_support import PRODUCED_AT, login, make_review, subscriber

TWO_ACCOUNTS = make_review(targets=(("account_id", "100001"), ("account_id", "100002")))


def store_of(logins: int) -> MemoryStore:
    records = [subscriber("100001"), subscriber("100002")]
    records += [
        login("100001", f"2017-01-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00")
        for i in range(logins)
    ]
    return MemoryStore.of(records)


def produce_with_events(review: Any, store: MemoryStore) -> tuple[Any, list[ProductionProgress]]:
    events: list[ProductionProgress] = []
    manifest = produce(review, store, MemorySink(), produced_at=PRODUCED_AT, progress=events.append)
    return manifest, events


def test_progress_names_each_account_and_category_in_production_order() -> None:
    _, events = produce_with_events(TWO_ACCOUNTS, store_of(3))
    steps = [(e.account, e.category) for e in events if e.account is not None]
    assert list(dict.fromkeys(steps)) == [
        ("100001", Category.SUBSCRIBER),
        ("100001", Category.SESSION_LOGS),
        ("100002", Category.SUBSCRIBER),
        ("100002", Category.SESSION_LOGS),
    ]
    assert {e.steps for e in events} == {4}


def test_the_last_report_is_done_with_the_manifest_s_figures() -> None:
    manifest, events = produce_with_events(TWO_ACCOUNTS, store_of(5))
    last = events[-1]
    assert last.done
    assert (last.step, last.records) == (4, manifest.records)
    assert last.bytes == manifest.files["records.jsonl"].size
    assert not any(event.done for event in events[:-1])


def test_a_large_production_reports_between_chunks_while_one_category_is_read() -> None:
    # About 4,000 logins of one account are several 64 KiB chunks of one step.
    _, events = produce_with_events(make_review(), store_of(4_000))
    during = [e for e in events if e.category is Category.SESSION_LOGS and e.records > 0]
    assert len({e.records for e in during}) >= 3
    assert len([e for e in during if e.step == 1]) >= 3  # while the step is read


def test_the_fraction_done_follows_the_records_through_the_period() -> None:
    # 4,000 logins one minute apart fill the first days of the period 2017-01-01..02-27.
    _, events = produce_with_events(make_review(), store_of(4_000))
    during = [e for e in events if e.category is Category.SESSION_LOGS and e.step == 1]
    fractions = [e.fraction for e in during]
    assert fractions == sorted(fractions)
    # Day 3 of 58; the subscriber step before weighs nothing beside them.
    assert 0.03 < max(fractions) < 0.06
    assert 0 < during[-1].step_fraction < 0.06
    assert events[-1].fraction == 1.0
    for event in events:
        assert 0.0 <= event.fraction <= 1.0


@settings(max_examples=30, deadline=None)
@given(logins=st.integers(0, 2_500))
def test_records_and_bytes_reported_never_go_back_and_end_at_the_totals(logins: int) -> None:
    manifest, events = produce_with_events(TWO_ACCOUNTS, store_of(logins))
    for before, after in itertools.pairwise(events):
        assert before.records <= after.records
        assert before.bytes <= after.bytes
        assert before.step <= after.step
        assert before.fraction <= after.fraction
    assert events[-1].records == manifest.records
    assert events[-1].fraction == 1.0


def test_an_error_in_the_callback_stops_the_production_and_aborts_the_sink() -> None:
    sink = MemorySink()

    def fail(event: ProductionProgress) -> None:
        raise RuntimeError("the terminal went away")

    with pytest.raises(RuntimeError, match="terminal went away"):
        produce(make_review(), store_of(2), sink, produced_at=PRODUCED_AT, progress=fail)
    assert sink.aborted
    assert not sink.committed


def test_without_a_callback_the_sink_receives_no_empty_chunk() -> None:
    chunks: list[bytes] = []

    class Recording(MemorySink):
        def write(self, name: str, data: Any) -> None:
            data = list(data)
            if name == "records.jsonl":
                chunks.extend(data)
            super().write(name, data)

    produce(TWO_ACCOUNTS, store_of(2), Recording(), produced_at=PRODUCED_AT)
    assert chunks
    assert all(chunks)


# --- the display -------------------------------------------------------------------------


def event(step: int, steps: int = 4, records: int = 10, done: bool = False) -> ProductionProgress:
    return ProductionProgress(
        account=None if done else "100001",
        category=None if done else Category.SESSION_LOGS,
        step=step,
        steps=steps,
        records=records,
        bytes=records * 100,
        fraction=step / steps,
    )


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_without_a_bar_a_plain_line_now_and_then_with_rate_and_time_left() -> None:
    stream, clock = io.StringIO(), Clock()
    display = ProgressDisplay(stream, bar=False, clock=clock, interval=5)
    display(event(0, records=0))
    clock.now = 1
    display(event(1, records=100))
    assert stream.getvalue() == ""  # not yet five seconds
    clock.now = 10
    display(event(2, records=1_000))
    assert stream.getvalue() == (
        "dueprocess: producing: step 2/4, 1000 records (100.0 kB), 100 records/s, about 10 s left\n"
    )
    clock.now = 30
    display(event(4, records=2_000, done=True))
    assert stream.getvalue().count("\n") == 1


def test_on_a_terminal_with_tqdm_a_bar_shows_how_much_is_done() -> None:
    pytest.importorskip("tqdm")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    display = ProgressDisplay(stream)
    display(event(1))
    assert "producing" in stream.getvalue()
    assert " 25%|" in stream.getvalue()
    assert "10 records" in stream.getvalue()
    assert "1.0 kB" in stream.getvalue()
    display(event(4, done=True))
    display.close()


def test_without_tqdm_a_terminal_gets_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_progress, "_tqdm", lambda: None)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    clock = Clock()
    stream = Terminal()
    display = ProgressDisplay(stream, clock=clock, interval=1)
    clock.now = 2
    display(event(1))
    assert stream.getvalue().startswith("dueprocess: producing: step 1/4")


# --- the command line --------------------------------------------------------------------


@pytest.fixture
def request_path(tmp_path: Path) -> str:
    from ..production_support import request_file

    return request_file(tmp_path)


def test_produce_json_prints_files_records_root_and_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], imported_store: str, request_path: str
) -> None:
    from dueprocess._cli import main

    out = tmp_path / "out"
    capsys.readouterr()
    code = main(
        ["produce", request_path, "--store", imported_store, "--out", str(out), "--json", "--quiet"]
    )
    captured = capsys.readouterr()
    assert code == 0
    summary = json.loads(captured.out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert summary["merkle_root"] == manifest["merkle_root"]
    assert summary["records"] == manifest["records"]
    assert summary["files"] == manifest["files"]
    assert summary["counts"] == manifest["counts"]
    assert isinstance(summary["seconds"], float)
    assert summary["seconds"] >= 0
    assert captured.err == ""


def test_produce_quiet_writes_nothing_to_stderr_and_the_usual_summary_to_stdout(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    imported_store: str,
    request_path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dueprocess._cli import main

    calls: list[ProductionProgress] = []
    monkeypatch.setattr(ProgressDisplay, "__call__", lambda self, e: calls.append(e))
    capsys.readouterr()
    code = main(
        [
            "produce",
            request_path,
            "--store",
            imported_store,
            "--out",
            str(tmp_path / "q"),
            "--quiet",
        ]
    )
    assert code == 0
    assert calls == []
    assert capsys.readouterr().out.startswith("produced ")
    main(["produce", request_path, "--store", imported_store, "--out", str(tmp_path / "loud")])
    assert calls
    assert calls[-1].done


def test_each_account_and_category_reports_its_own_records_so_far() -> None:
    _, events = produce_with_events(TWO_ACCOUNTS, store_of(3_000))
    by_step: dict[tuple[Any, Any], list[int]] = {}
    for event in events:
        if event.account is not None:
            by_step.setdefault((event.account, event.category), []).append(event.step_records)
    assert by_step[("100001", Category.SUBSCRIBER)][-1] == 1
    logins = by_step[("100001", Category.SESSION_LOGS)]
    assert logins == sorted(logins)
    assert len(logins) > 3  # read in chunks, reported between them
    assert logins[-1] == 3_000
    assert by_step[("100002", Category.SUBSCRIBER)][-1] == 1
    assert set(by_step[("100002", Category.SESSION_LOGS)]) == {0}


@settings(max_examples=30, deadline=None)
@given(
    logins=st.integers(0, 1_500),
    decisions=st.sampled_from(
        [
            {"subscriber": "disclose"},
            {"session_logs": "disclose"},
            {"subscriber": "disclose", "session_logs": "disclose", "content": "disclose"},
            {"session_logs": ("ip",), "subscriber": ("name",)},
        ]
    ),
    accounts=st.integers(1, 3),
)
def test_the_fraction_done_never_goes_back_whatever_is_released(
    logins: int, decisions: dict[str, Any], accounts: int
) -> None:
    review = make_review(
        targets=[("account_id", f"10000{n}") for n in range(1, accounts + 1)],
        decisions=decisions,
    )
    _, events = produce_with_events(review, store_of(logins))
    fractions = [event.fraction for event in events]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert {event.steps for event in events} == {
        min(accounts, 2) * len(decisions)
    }  # 2 in the store
