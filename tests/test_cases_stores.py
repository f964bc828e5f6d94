"""The CaseStore / AuditStore contract, held by the in-memory and the SQLite stores alike,
including what a store does when it fails half-way through a write."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import dueprocess
from _cases_support import harness, request, shared_request, utc
from dueprocess import (
    Case,
    CaseNotFound,
    CaseState,
    ConflictError,
    Hold,
    StoreError,
    verify_chain,
)
from dueprocess._cases import _memory
from dueprocess.adapters import SqliteCaseStore
from dueprocess.testing import MemoryCaseStore
from dueprocess.typing import AuditStore, CaseStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "memory":
        yield MemoryCaseStore()
    else:
        with SqliteCaseStore(tmp_path / "cases.sqlite") as opened:
            yield opened


def _opened(store: Any, **changes: Any) -> Case:
    return harness(store).cases.open(request(**changes), actor="intake")


def test_both_stores_satisfy_the_protocols(store: Any) -> None:
    assert isinstance(store, CaseStore)
    assert isinstance(store.audit, AuditStore)


def test_a_created_case_reads_back_equal(store: Any) -> None:
    case = _opened(store)
    assert store.get(case.id) == case
    assert store.cases() == [case]
    assert store.cases(CaseState.NOTICE_PENDING) == [case]
    assert store.cases(CaseState.READY) == []


def test_creating_a_case_audits_each_of_its_events(store: Any) -> None:
    case = _opened(store)
    entries = list(store.audit.entries())
    assert [e.seq for e in entries] == [0, 1, 2]
    assert [e.to_state for e in entries] == ["received", "in_review", "notice_pending"]
    assert {e.case_id for e in entries} == {case.id}
    assert store.audit.head() == entries[-1].head
    assert verify_chain(entries, head=store.audit.head()) is None


def test_an_empty_store_has_no_head(store: Any) -> None:
    assert store.audit.head() is None
    assert list(store.audit.entries()) == []
    assert store.cases() == []


def test_an_update_needs_the_next_version(store: Any) -> None:
    case = _opened(store)
    later = attrs.evolve(case, version=2, state=CaseState.CLOSED)
    store.update(later, [])
    assert store.get(case.id) == later
    with pytest.raises(ConflictError, match="stored version 2, update expects 1"):
        store.update(attrs.evolve(case, version=2), [])
    with pytest.raises(ConflictError):
        store.update(attrs.evolve(case, version=4), [])
    assert store.get(case.id) == later


def test_two_writers_from_one_version_give_one_success_and_one_conflict(store: Any) -> None:
    case = _opened(store)
    cases = harness(store).cases
    first = attrs.evolve(case, version=2)
    second = attrs.evolve(case, version=2, state=CaseState.CLOSED)
    store.update(first, [])
    with pytest.raises(ConflictError):
        store.update(second, [])
    assert store.get(case.id).state is CaseState.NOTICE_PENDING
    assert cases.verify_audit() is None


def test_updating_an_unknown_case_is_case_not_found(store: Any) -> None:
    case = _opened(store)
    with pytest.raises(CaseNotFound):
        store.update(attrs.evolve(case, id="OTHER", version=2), [])
    with pytest.raises(CaseNotFound):
        store.get("OTHER")


def test_creating_a_case_twice_is_a_conflict(store: Any) -> None:
    case = _opened(store)
    with pytest.raises(ConflictError, match="already exists"):
        store.create(case)
    assert len(list(store.audit.entries())) == 3


def test_the_hold_registry_answers_a_chain_by_any_of_its_holds(store: Any) -> None:
    rig = harness(store, now=utc(2024, 2, 1, 11))
    rig.cases.open(shared_request("09"), actor="intake")
    rig.cases.renew("PRES-2024-0050", actor="counsel")
    ids = ["hold/0/PRES-2024-0050", "hold/1/PRES-2024-0050"]
    assert [h.id for h in store.hold_chain("hold/0/PRES-2024-0050")] == ids
    assert [h.id for h in store.hold_chain("hold/1/PRES-2024-0050")] == ids
    assert store.hold_chain("UNKNOWN") == ()


def test_a_hold_id_belongs_to_one_case(store: Any) -> None:
    rig = harness(store, now=utc(2024, 2, 1, 11))
    case = rig.cases.open(shared_request("09"), actor="intake")
    other = _opened(store, id="OTHER")
    stolen = attrs.evolve(other, version=2, holds=case.holds)
    with pytest.raises(ConflictError, match="belongs to case 'PRES-2024-0050'"):
        store.update(stolen, [])
    assert store.get("OTHER") == other


def test_the_service_rereads_through_the_store(store: Any) -> None:
    rig = harness(store)
    case = rig.cases.open(request(requester__email="a@example.com"), actor="intake")
    after = rig.cases.record_callback(case.id, "confirmed", actor="bob")
    assert store.get(case.id) == after
    assert len(list(store.audit.entries())) == len(after.events) == 5


# --- faults ----------------------------------------------------------------------------


def _break_the_next_write(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the store fail after part of its write is done."""
    if isinstance(store, MemoryCaseStore):
        real = _memory.chain_events

        def failing(head: Any, case_id: str, events: Any) -> Any:
            entries = real(head, case_id, events[:1])  # the first entry is built...
            raise StoreError(f"injected failure after {len(entries)} entry")

        monkeypatch.setattr(_memory, "chain_events", failing)
    else:
        # The audit rows go in first; the case row's UPDATE then fails inside the same
        # transaction, as a full disk or a lost lock would.
        store._database.connection.execute(
            "CREATE TRIGGER fail_case_update BEFORE UPDATE ON cases"
            " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )


def test_a_store_failing_mid_transition_leaves_case_and_log_as_they_were(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = harness(store)
    case = rig.cases.open(request(requester__email="a@example.com"), actor="intake")
    entries = list(store.audit.entries())
    head = store.audit.head()
    _break_the_next_write(store, monkeypatch)
    with pytest.raises(StoreError, match="injected failure"):
        rig.cases.record_callback(case.id, "confirmed", actor="bob")
    assert store.get(case.id) == case
    assert list(store.audit.entries()) == entries
    assert store.audit.head() == head
    assert rig.cases.verify_audit() is None


def test_a_store_failing_while_opening_leaves_no_case_and_no_entry(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = harness(store)
    first = rig.cases.open(request(id="FIRST"), actor="intake")
    if isinstance(store, MemoryCaseStore):
        _break_the_next_write(store, monkeypatch)
    else:
        store._database.connection.execute(
            "CREATE TRIGGER fail_case_insert BEFORE INSERT ON cases"
            " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
    with pytest.raises(StoreError, match="injected failure"):
        rig.cases.open(request(id="SECOND"), actor="intake")
    assert store.cases() == [first]
    assert len(list(store.audit.entries())) == 3
    assert rig.cases.verify_audit() is None


def test_a_case_event_that_cannot_be_encoded_writes_nothing(store: Any) -> None:
    case = _opened(store)
    bad = dueprocess.CaseEvent(
        utc(2023, 5, 11),
        "x",
        case.state,
        CaseState.CLOSED,
        "r",
        dueprocess.CaseAction.CLOSE,
        {"figure": float("nan")},  # type: ignore[dict-item]
    )
    good = attrs.evolve(bad, detail={})
    closed = attrs.evolve(case, version=2, state=CaseState.CLOSED, events=(*case.events, good, bad))
    with pytest.raises(ValueError, match="not JSON compliant"):
        store.update(closed, [good, bad])
    assert store.get(case.id) == case
    assert len(list(store.audit.entries())) == 3


def test_hold_values_survive_the_round_trip(store: Any) -> None:
    rig = harness(store, now=utc(2024, 2, 1, 11))
    case = rig.cases.open(shared_request("09"), actor="intake")
    (hold,) = store.hold_chain("hold/0/PRES-2024-0050")
    assert hold == case.holds[0]
    assert Hold.from_dict(hold.to_dict()) == hold


def test_sqlite_write_errors_become_store_errors(tmp_path: Path) -> None:
    with SqliteCaseStore(tmp_path / "c.sqlite") as store:
        case = _opened(store)
        store._database.connection.execute("DROP TABLE audit_head")
        with pytest.raises(StoreError, match="undone"):
            store.update(attrs.evolve(case, version=2), case.events[:1])
        store._database.connection.execute("DROP TABLE holds")
        with pytest.raises(StoreError, match="cannot read cases"):
            store.hold_chain("x")
        assert store.get(case.id) == case
    assert isinstance(sqlite3.Error("x"), Exception)
