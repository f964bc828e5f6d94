"""SqlStore under concurrent processes, on SQLite and on a real PostgreSQL server.

Each worker is a separate process (``spawn``) with its own connections, as two
instances of a service would be. Barriers make the workers collide on purpose.
"""

from __future__ import annotations

import attrs
import pytest

from dueprocess.cases import CaseState, verify_chain

from ..cases_support import harness, request
from ..sql import SqlDatabase
from ..workers import open_cases_after_barrier, run_in_processes, update_after_barrier

WRITERS = 8
CASES_PER_WRITER = 4


def test_two_processes_working_one_case_give_one_success_and_one_conflict(
    sql_database: SqlDatabase,
) -> None:
    with sql_database.store() as store:
        case = harness(store).cases.open(request(), actor="intake")
    url, schema = sql_database.url, sql_database.schema
    outcomes = run_in_processes(
        update_after_barrier,
        [(url, schema, case.id, "alice"), (url, schema, case.id, "bob")],
    )
    assert sorted(outcomes) == ["conflict", "ok"]
    with sql_database.store(create=False) as store:
        stored = store.get(case.id)
        assert stored.state is CaseState.CLOSED
        assert stored.version == case.version + 1
        winner = "alice" if outcomes[0] == "ok" else "bob"
        assert stored.events[-1].actor == winner
        entries = list(store.audit.entries())
        assert [entry.actor for entry in entries[3:]] == [winner]
        assert verify_chain(entries, head=store.audit.head()) is None


def test_the_audit_chain_stays_whole_under_eight_concurrent_writers(
    sql_database: SqlDatabase,
) -> None:
    sql_database.store().close()  # the tables exist before the writers start
    url, schema = sql_database.url, sql_database.schema
    outcomes = run_in_processes(
        open_cases_after_barrier,
        [(url, schema, worker, CASES_PER_WRITER) for worker in range(WRITERS)],
    )
    assert outcomes == ["ok"] * WRITERS
    with sql_database.store(create=False) as store:
        entries = list(store.audit.entries())
        # Opening a case writes three events and closing it one more.
        assert len(entries) == WRITERS * CASES_PER_WRITER * 4
        assert [entry.seq for entry in entries] == list(range(len(entries)))
        assert verify_chain(entries, head=store.audit.head()) is None
        cases = store.cases()
        assert len(cases) == WRITERS * CASES_PER_WRITER
        assert {case.state for case in cases} == {CaseState.CLOSED}
        # Every case's own events are in the log, in the order they happened.
        for case in cases:
            mine = [(e.action, e.to_state) for e in entries if e.case_id == case.id]
            assert mine == [(e.action.value, e.to_state.value) for e in case.events]


def test_a_stale_writer_in_one_process_loses_to_a_fresh_one(sql_database: SqlDatabase) -> None:
    with sql_database.store() as first, sql_database.store(create=False) as second:
        case = harness(first).cases.open(request(), actor="intake")
        stale = second.get(case.id)
        harness(first).cases.close(case.id, actor="alice")
        with pytest.raises(Exception, match="changed since it was read"):
            second.update(attrs.evolve(stale, version=stale.version + 1), [])
        assert second.get(case.id).events[-1].actor == "alice"
