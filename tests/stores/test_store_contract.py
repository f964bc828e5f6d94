"""The CaseStore / AuditStore contract, held by every store alike: the in-memory store,
the SQLite store, SqlStore on SQLite and SqlStore on PostgreSQL (``backends.py``).

The attacks on a store's rows and the hostile rows are in ``test_store_attacks.py``.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dueprocess
from dueprocess._cases._ledger import ledger_entries
from dueprocess.cases import CaseState, Hold, verify_chain
from dueprocess.exceptions import CaseNotFound, ConflictError, StoreError
from dueprocess.testing import MemorySink, MemoryStore
from dueprocess.typing import AuditStore, CaseStore

from ..cases_support import FakeProducer, request, shared_request, utc
from .backends import Backend, opened


def _close_event(case: dueprocess.cases.Case, **detail: Any) -> dueprocess.cases.CaseEvent:
    return dueprocess.cases.CaseEvent(
        utc(2023, 5, 11),
        "counsel",
        case.state,
        CaseState.CLOSED,
        "closed",
        dueprocess.cases.CaseAction.CLOSE,
        detail,
    )


def _closed(
    case: dueprocess.cases.Case, **detail: Any
) -> tuple[dueprocess.cases.Case, dueprocess.cases.CaseEvent]:
    event = _close_event(case, **detail)
    changed = attrs.evolve(
        case, version=case.version + 1, state=CaseState.CLOSED, events=(*case.events, event)
    )
    return changed, event


def test_every_store_satisfies_the_protocols(backend: Backend) -> None:
    assert isinstance(backend.store, CaseStore)
    assert isinstance(backend.store.audit, AuditStore)


def test_an_empty_store_has_no_head_and_verifies(backend: Backend) -> None:
    store = backend.store
    assert store.audit.head() is None
    assert list(store.audit.entries()) == []
    assert list(store.cases()) == []
    assert backend.service().verify_audit() is None


def test_a_created_case_reads_back_equal_and_is_audited(backend: Backend) -> None:
    store = backend.store
    case = opened(backend)
    assert store.get(case.id) == case
    assert list(store.cases()) == [case]
    assert list(store.cases(CaseState.NOTICE_PENDING)) == [case]
    assert list(store.cases(CaseState.READY)) == []
    entries = list(store.audit.entries())
    assert [e.seq for e in entries] == [0, 1, 2]
    assert [e.to_state for e in entries] == ["received", "in_review", "notice_pending"]
    assert {e.case_id for e in entries} == {case.id}
    assert store.audit.head() == entries[-1].head
    assert verify_chain(entries, head=store.audit.head()) is None
    assert backend.service().verify_audit() is None


def test_the_last_entry_of_each_write_records_the_stored_document(backend: Backend) -> None:
    cases = backend.service()
    case = cases.open(request(requester__email="a@example.com"), actor="intake")
    after = cases.record_callback(case.id, "confirmed", actor="bob")
    entries = list(backend.store.audit.entries())
    assert [e.case is not None for e in entries] == [False, False, True, False, True]
    row = backend.row(case.id)
    assert entries[-1].case == {
        "sha256": hashlib.sha256(row.document.encode("utf-8")).hexdigest(),
        "version": after.version,
        "state": after.state.value,
        "request_id": after.request_id,
    }
    assert (row.version, row.state, row.request_id) == (2, after.state.value, case.id)


def test_an_update_needs_the_next_version(backend: Backend) -> None:
    store = backend.store
    case = opened(backend)
    later, event = _closed(case)
    store.update(later, [event])
    assert store.get(case.id) == later
    with pytest.raises(ConflictError, match="stored version 2, update expects 1"):
        store.update(attrs.evolve(later, version=2), [event])
    with pytest.raises(ConflictError):
        store.update(attrs.evolve(later, version=4), [event])
    assert store.get(case.id) == later
    assert backend.service().verify_audit() is None


def test_a_write_without_an_event_is_refused_and_writes_nothing(backend: Backend) -> None:
    store = backend.store
    case = opened(backend)
    later, _ = _closed(case)
    with pytest.raises(ValueError, match="at least one event"):
        store.update(later, [])
    with pytest.raises(ValueError, match="at least one event"):
        store.create(attrs.evolve(case, id="EMPTY", events=()))
    assert store.get(case.id) == case
    assert [c.id for c in store.cases()] == [case.id]
    assert len(list(store.audit.entries())) == 3


def test_two_writers_from_one_version_give_one_success_and_one_conflict(
    backend: Backend,
) -> None:
    store = backend.store
    case = opened(backend)
    first, event = _closed(case)
    second = attrs.evolve(first, state=CaseState.CLOSED, closed_at=utc(2023, 5, 11))
    store.update(first, [event])
    with pytest.raises(ConflictError):
        store.update(second, [event])
    assert store.get(case.id) == first
    assert backend.service().verify_audit() is None


def test_an_unknown_case_is_case_not_found(backend: Backend) -> None:
    store = backend.store
    case = opened(backend)
    other, event = _closed(attrs.evolve(case, id="OTHER"))
    with pytest.raises(CaseNotFound):
        store.update(other, [event])
    with pytest.raises(CaseNotFound):
        store.get("OTHER")
    assert list(store.case_rows("OTHER")) == []


def test_creating_a_case_twice_is_a_conflict(backend: Backend) -> None:
    case = opened(backend)
    with pytest.raises(ConflictError, match="already exists"):
        backend.store.create(case)
    assert len(list(backend.store.audit.entries())) == 3


def test_the_hold_registry_answers_a_chain_by_any_of_its_holds(backend: Backend) -> None:
    store = backend.store
    cases = backend.service(now=utc(2024, 2, 1, 11))
    case = cases.open(shared_request("09"), actor="intake")
    cases.renew("PRES-2024-0050", actor="counsel")
    ids = ["hold/0/PRES-2024-0050", "hold/1/PRES-2024-0050"]
    assert [h.id for h in store.hold_chain("hold/0/PRES-2024-0050")] == ids
    assert [h.id for h in store.hold_chain("hold/1/PRES-2024-0050")] == ids
    assert tuple(store.hold_chain("UNKNOWN")) == ()
    (first, _) = store.hold_chain("hold/0/PRES-2024-0050")
    assert first == case.holds[0]
    assert Hold.from_dict(first.to_dict()) == first
    assert [row.id for row in store.hold_rows()] == ids
    assert cases.verify_audit() is None


def test_a_hold_id_belongs_to_one_case(backend: Backend) -> None:
    store = backend.store
    case = backend.service(now=utc(2024, 2, 1, 11)).open(shared_request("09"), actor="intake")
    other = opened(backend, id="OTHER")
    stolen, event = _closed(attrs.evolve(other, holds=case.holds))
    with pytest.raises(ConflictError, match="belongs to case 'PRES-2024-0050'"):
        store.update(stolen, [event])
    assert store.get("OTHER") == other
    assert backend.service().verify_audit() is None


def test_the_service_rereads_through_the_store(backend: Backend) -> None:
    cases = backend.service()
    case = cases.open(request(requester__email="a@example.com"), actor="intake")
    after = cases.record_callback(case.id, "confirmed", actor="bob")
    assert backend.store.get(case.id) == after
    assert len(list(backend.store.audit.entries())) == len(after.events) == 5
    assert cases.find("closed") == []


def test_a_case_event_that_cannot_be_encoded_writes_nothing(backend: Backend) -> None:
    store = backend.store
    case = opened(backend)
    good = _close_event(case)
    bad = _close_event(case, figure=float("nan"))
    closed = attrs.evolve(case, version=2, state=CaseState.CLOSED, events=(*case.events, good, bad))
    with pytest.raises(ValueError, match="not JSON compliant"):
        store.update(closed, [good, bad])
    assert store.get(case.id) == case
    assert len(list(store.audit.entries())) == 3


# --- the indexes that answer due() and the ledger ----------------------------------------


def _forbid_full_scans(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read every case instead of asking the index")

    monkeypatch.setattr(type(backend.store), "cases", refuse)


def _populate(backend: Backend) -> None:
    producer = FakeProducer(records=[("100001", "subscriber"), ("100002", "session_logs")])
    ready = backend.service(now=utc(2023, 5, 20), producer=producer)
    ready.open(request(id="DONE"), actor="intake")
    ready.notify("DONE", actor="clerk")  # notice before disclosure comes first
    ready.produce("DONE", MemoryStore(), MemorySink(), actor="clerk")
    ready.open(request(id="NOTICE", targets=[{"kind": "account_id", "value": "100002"}]), actor="i")
    backend.service().open(request(id="WAIT"), actor="intake")
    ready.close(ready.open(request(id="SHUT"), actor="intake").id, actor="counsel")
    preserve = backend.service(now=utc(2024, 2, 1, 11))
    preserve.open(shared_request("09"), actor="intake")
    preserve.renew("PRES-2024-0050", actor="counsel")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(day=st.integers(min_value=0, max_value=800))
def test_due_is_answered_by_the_index_and_equals_a_full_scan(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, day: int
) -> None:
    if not list(backend.store.case_rows()):
        _populate(backend)
    cases = backend.service()
    everything = list(backend.store.cases())
    before = utc(2023, 5, 1) + dt_days(day)
    expected = sorted(
        d
        for case in everything
        for d in case.deadlines
        if d.at < before
        and not (
            d.kind.value == "preserve_until"
            and tuple(backend.store.hold_chain(case.holds[-1].id))[-1].id != case.holds[-1].id
        )
    )
    with monkeypatch.context() as patch:
        _forbid_full_scans(backend, patch)
        assert list(cases.due(before=before)) == expected


def dt_days(days: int) -> Any:
    import datetime as dt

    return dt.timedelta(days=days)


def test_the_ledger_is_answered_by_the_index(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(backend)
    everything = list(backend.store.cases())
    cases = backend.service()
    _forbid_full_scans(backend, monkeypatch)
    for account in ("100001", "100002", "nobody"):
        assert cases.ledger_all(account) == ledger_entries(everything, account)
    assert [entry.case_id for entry in cases.ledger_all("100002")] == ["DONE"]
    assert [e.case_id for e in cases.ledger("100002", now=utc(2023, 5, 20))] == ["DONE"]
    assert [c.id for c in backend.store.disclosed("100001")] == ["DONE"]
    assert [(r.account, r.case_id) for r in sorted(backend.store.disclosure_rows())] == [
        ("100001", "DONE"),
        ("100002", "DONE"),
    ]


def test_a_store_failing_mid_write_leaves_case_and_log_as_they_were(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = backend.service()
    case = cases.open(request(requester__email="a@example.com"), actor="intake")
    entries, head = list(backend.store.audit.entries()), backend.store.audit.head()
    backend.fail_writes(monkeypatch)
    with pytest.raises(StoreError, match="injected failure"):
        cases.record_callback(case.id, "confirmed", actor="bob")
    with pytest.raises(StoreError, match="injected failure"):
        cases.open(request(id="SECOND"), actor="intake")
    assert backend.store.get(case.id) == case
    assert [c.id for c in backend.store.cases()] == [case.id]
    assert list(backend.store.audit.entries()) == entries
    assert backend.store.audit.head() == head
    assert cases.verify_audit() is None
