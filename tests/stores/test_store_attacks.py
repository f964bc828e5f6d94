"""Attacks by a writer of the database, and hostile rows, on every store.

Each attack changes stored rows the way someone with write access to the database (not
to dueprocess) would, then checks that the audit catches it — through the API
(``Cases.verify_audit``, ``Cases.produce``) and, for the stores the command line opens,
through ``dueprocess audit verify`` and ``case produce`` (exit 4, naming the mismatch).
What only a published head catches (a log rewritten whole) is in the last section.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dueprocess._cases._integrity import checked_case
from dueprocess._cli import main
from dueprocess.adapters import SqliteStore
from dueprocess.cases import CaseRow, ChainHead, DisclosureRow, HoldRow, parse_head
from dueprocess.exceptions import CaseNotFound, IntegrityError, StoreError
from dueprocess.testing import MemorySink, MemoryStore

from ..cases_support import FakeProducer, request, shared_request, utc
from .backends import Backend

NOW = utc(2023, 5, 20)


def _scenario(backend: Backend) -> None:
    """READY (content withheld), DONE (produced for 100001), and a preservation hold."""
    producer = FakeProducer(records=[("100001", "subscriber")])
    cases = backend.service(now=NOW, producer=producer)
    cases.open(request(id="READY", categories=["subscriber", "content"]), actor="intake")
    cases.notify("READY", actor="clerk")  # notice before disclosure comes first
    cases.advance("READY", actor="clerk")
    cases.open(request(id="DONE"), actor="intake")
    cases.notify("DONE", actor="clerk")
    cases.produce("DONE", MemoryStore(), MemorySink(), actor="clerk")
    backend.service(now=utc(2024, 2, 1, 11)).open(shared_request("09"), actor="intake")
    assert backend.service().verify_audit() is None


def _problems(backend: Backend, capsys: pytest.CaptureFixture[str], **options: Any) -> str:
    """Every problem the audit names, through the API and (where it can) the CLI."""
    failure = backend.service().verify_audit(**options)
    assert failure is not None
    text = "\n".join(failure.problems())
    if backend.db is not None:
        extra = ["--head", str(options["anchor"])] if "anchor" in options else []
        capsys.readouterr()
        assert main(["audit", "verify", "--db", backend.db, *extra]) == 4
        shown = capsys.readouterr().out
        assert shown.startswith("NOT intact")
        for line in failure.problems():
            assert line in shown
        assert main(["audit", "verify", "--db", backend.db, *extra, "--json"]) == 4
        document = json.loads(capsys.readouterr().out)
        assert (document["intact"], document["problems"]) == (False, failure.problems())
        if "anchor" not in options:
            assert main(["audit", "head", "--db", backend.db]) == 4
            assert capsys.readouterr().out == ""
    return text


# --- the case row ---------------------------------------------------------------------------


def _widen_content(document: dict[str, Any]) -> None:
    document["review"]["categories"]["content"]["decision"] = "disclose"


def _add_target(document: dict[str, Any]) -> None:
    for part in ("request", "review"):
        document[part]["targets"].append({"kind": "account_id", "value": "100002"})


@pytest.mark.parametrize("change", [_widen_content, _add_target], ids=["content", "target"])
def test_an_edited_case_document_is_named_and_never_released(
    backend: Backend,
    change: Callable[[dict[str, Any]], None],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    _scenario(backend)
    backend.edit_document("READY", change)
    problems = _problems(backend, capsys)
    assert "case 'READY': its stored document is not the one audit entry" in problems
    producer = FakeProducer(records=[("100001", "content")])
    sink = MemorySink()
    cases = backend.service(now=NOW, producer=producer)
    entries = len(list(backend.store.audit.entries()))
    with pytest.raises(IntegrityError, match="case 'READY' cannot be released"):
        cases.produce("READY", MemoryStore(), sink, actor="clerk")
    assert (producer.calls, sink.files) == ([], {})
    # Nothing is written but the refusal itself, which the log records.
    logged = list(backend.store.audit.entries())
    assert len(logged) == entries + 1
    assert logged[-1].action == "refuse"
    if backend.db is not None:
        records = tmp_path / "records.sqlite"
        SqliteStore(records).close()
        out = tmp_path / "out"
        command = ["case", "produce", "READY", "--db", backend.db, "--store", str(records)]
        assert main([*command, "--out", str(out), "--now", "2023-05-20T00:00:00Z"]) == 4
        assert "cannot be released" in capsys.readouterr().err
        assert not out.exists()


def test_a_release_check_returns_the_case_the_chain_recorded(backend: Backend) -> None:
    _scenario(backend)
    assert checked_case(backend.store, "READY") == backend.store.get("READY")
    with pytest.raises(CaseNotFound):
        checked_case(backend.store, "NOPE")
    backend.set_audit(0, case_id="DONE")
    with pytest.raises(IntegrityError, match="'READY' cannot be released: audit log broken"):
        checked_case(backend.store, "READY")


def test_a_case_rolled_back_to_an_earlier_version_is_named(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    earlier = backend.row("READY")
    backend.service(now=NOW).close("READY", actor="counsel", reason="withdrawn")
    backend.set_case("READY", **{k: getattr(earlier, k) for k in ("state", "version", "document")})
    problems = _problems(backend, capsys)
    assert "case 'READY': its stored document is not the one audit entry #" in problems
    assert "case 'READY': column state is 'ready' but audit entry" in problems
    with pytest.raises(IntegrityError):
        backend.service(now=NOW).produce("READY", MemoryStore(), MemorySink(), actor="clerk")


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("state", "ready", "column state is 'ready' but audit entry #"),
        ("version", 7, "column version is 7 but audit entry #"),
        ("request_id", "OTHER", "column request_id is 'OTHER' but audit entry #"),
        ("due_at", 0, "column due_at is 0 but its document gives"),
    ],
)
def test_an_edited_indexed_column_is_named(
    backend: Backend, column: str, value: object, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.set_case("DONE", **{column: value})
    assert f"case 'DONE': {named}" in _problems(backend, capsys)


def test_a_deleted_case_is_named(backend: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    _scenario(backend)
    backend.delete_case("READY")
    assert "case 'READY': audit entry #4 records it but the store holds no such case" in (
        _problems(backend, capsys)
    )


def test_a_case_added_outside_dueprocess_is_named(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    row = backend.row("READY")
    document = json.loads(row.document)
    document["id"] = "FORGED"
    backend.insert_case(
        CaseRow("FORGED", row.request_id, row.state, row.version, row.due_at, json.dumps(document))
    )
    assert "case 'FORGED': no audit entry records this case" in _problems(backend, capsys)


def test_a_case_row_holding_another_cases_document_is_refused(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.set_case("READY", document=backend.row("DONE").document)
    with pytest.raises(StoreError, match="'READY' holds the document of case 'DONE'"):
        backend.store.get("READY")
    assert "case 'READY': its stored document is not the one" in _problems(backend, capsys)


# --- the audit rows and the head ---------------------------------------------------------


def test_an_audit_rows_case_id_column_edited_is_a_break(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.set_audit(1, case_id="DONE")
    assert (
        "audit log broken at entry #1: its row's case_id column says 'DONE' but the entry"
        " records 'READY'"
    ) in _problems(backend, capsys)


def test_an_audit_row_with_an_added_key_is_a_break(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    body = backend.audit_body(4)
    backend.set_audit(4, body=body[:-1] + ',"zz":1}')
    assert "audit log broken at entry #4: modified" in _problems(backend, capsys)


def test_a_deleted_head_and_last_entries_are_a_break(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    length = backend.store.audit.head().length
    backend.delete_audit_from(length - 3)
    backend.delete_head()
    problems = _problems(backend, capsys)
    assert f"the log holds {length - 3} entries but no head" in problems


def test_a_deleted_head_with_every_entry_leaves_the_cases_unaccounted_for(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.delete_audit_from(0)
    backend.delete_head()
    problems = _problems(backend, capsys)
    for case_id in ("READY", "DONE", "PRES-2024-0050"):
        assert f"case {case_id!r}: no audit entry records this case" in problems


def test_a_head_that_disagrees_with_the_entries_is_a_break(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    head = backend.store.audit.head()
    backend.set_head(head.length, "f" * 64)
    assert "the last entry is not the one the log's head records" in _problems(backend, capsys)
    backend.set_head(head.length - 1, head.digest)
    assert f"entries after the {head.length - 1} its head records" in _problems(backend, capsys)
    backend.set_head(head.length + 2, head.digest)
    assert f"but its head records {head.length + 2}" in _problems(backend, capsys)


def test_a_write_after_the_head_was_removed_is_refused(backend: Backend) -> None:
    _scenario(backend)
    entries = list(backend.store.audit.entries())
    backend.delete_head()
    with pytest.raises(IntegrityError, match="head"):
        backend.service(now=NOW).close("READY", actor="counsel")
    assert list(backend.store.audit.entries()) == entries


# --- holds and the ledger's index -----------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"extensions": 5},
        {"root": "OTHER"},
        {"case_id": "READY"},
        {"document": '{"expires_on": "2099-01-01"}'},
    ],
    ids=["extensions", "root", "case_id", "document"],
)
def test_an_edited_hold_row_is_named(
    backend: Backend, change: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.set_hold("hold/0/PRES-2024-0050", **change)
    assert (
        "hold 'hold/0/PRES-2024-0050': its row differs from the hold case 'PRES-2024-0050'"
        " records" in _problems(backend, capsys)
    )


def test_a_hold_row_added_outside_dueprocess_is_named(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    (row,) = backend.store.hold_rows()
    backend.insert_hold(HoldRow("FAKE", "PRES-2024-0050", "READY", 1, row.document))
    assert "hold 'FAKE': no stored case records this hold" in _problems(backend, capsys)


def test_a_hold_row_removed_from_the_registry_is_named(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend._delete_holds()
    assert (
        "hold 'hold/0/PRES-2024-0050': case 'PRES-2024-0050' records it"
        " but the hold registry has no row" in _problems(backend, capsys)
    )


def test_a_case_whose_latest_entry_records_no_document_is_named() -> None:
    from dueprocess._cases._audit import chain_events
    from dueprocess._cases._codec import AuditRow

    from .backends import MemoryBackend

    memory = MemoryBackend()
    _scenario(memory)
    log = memory.store.audit
    (entry,) = chain_events(log.head(), "READY", [memory.store.get("READY").events[-1]])
    log._rows.append(AuditRow(entry.seq, "READY", entry.canonical_bytes().decode(), entry.digest))
    log._head = entry.head
    failure = memory.service().verify_audit()
    assert failure is not None
    assert failure.problems() == [
        f"case 'READY': its latest audit entry #{entry.seq} records no stored document"
    ]


@pytest.mark.parametrize(
    ("case_id", "body", "digest"), [("R", b"{}", "d"), ("R", "{}", None), (7, "{}", "d")]
)
def test_an_audit_row_of_the_wrong_types_is_an_integrity_error(
    case_id: object, body: object, digest: object
) -> None:
    from dueprocess._cases._codec import decode_entry

    with pytest.raises(IntegrityError, match=r"audit entry in row 3 cannot be read: .* text"):
        decode_entry(3, case_id, body, digest)


def test_ledger_index_rows_removed_or_added_are_named(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.delete_disclosures("DONE")
    assert "account '100001' is missing, though the case released its data" in (
        _problems(backend, capsys)
    )
    backend.insert_disclosure(DisclosureRow("100001", "DONE"))
    backend.insert_disclosure(DisclosureRow("100002", "DONE"))
    assert "ledger index row ('100002', 'DONE'): no stored case's productions" in (
        _problems(backend, capsys)
    )


# --- hostile rows: a clean error, never a traceback ---------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000
HOSTILE_DOCUMENTS = ["{}", "[]", "garbage", DEEP, '{"format": "dueprocess.case/1"}', "null"]


@pytest.mark.parametrize("document", HOSTILE_DOCUMENTS, ids=range(len(HOSTILE_DOCUMENTS)))
def test_a_hostile_case_row_is_a_store_error(
    backend: Backend, document: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.set_case("READY", document=document)
    with pytest.raises(StoreError, match=r"a stored case cannot be read \('READY'\)"):
        backend.store.get("READY")
    with pytest.raises(StoreError, match="cannot be read"):
        list(backend.store.cases())
    assert "case 'READY': a stored case cannot be read ('READY')" in _problems(backend, capsys)


@pytest.mark.parametrize("document", HOSTILE_DOCUMENTS, ids=range(len(HOSTILE_DOCUMENTS)))
def test_a_hostile_hold_row_is_a_store_error(
    backend: Backend, document: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.set_hold("hold/0/PRES-2024-0050", document=document)
    with pytest.raises(StoreError, match="a stored hold cannot be read"):
        backend.store.hold_chain("hold/0/PRES-2024-0050")
    assert "hold 'hold/0/PRES-2024-0050': its row differs" in _problems(backend, capsys)


@pytest.mark.parametrize("body", HOSTILE_DOCUMENTS, ids=range(len(HOSTILE_DOCUMENTS)))
def test_a_hostile_audit_row_is_an_integrity_error_naming_it(
    backend: Backend, body: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    backend.set_audit(1, body=body)
    with pytest.raises(IntegrityError, match="audit entry in row 1 cannot be read"):
        list(backend.store.audit.entries())
    assert "audit entry in row 1 cannot be read" in _problems(backend, capsys)


# --- the external anchor --------------------------------------------------------------------


def test_the_head_is_printed_for_publishing(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    head = backend.store.audit.head()
    assert parse_head(str(head)) == head
    if backend.db is None:
        return
    capsys.readouterr()
    assert main(["audit", "head", "--db", backend.db]) == 0
    assert capsys.readouterr().out == f"{head.length}:{head.digest}\n"
    assert main(["audit", "head", "--db", backend.db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "length": head.length,
        "digest": head.digest,
        "head": str(head),
    }


def test_a_log_that_grew_still_extends_its_published_head(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    published = backend.store.audit.head()
    backend.service(now=NOW).close("READY", actor="counsel")
    assert backend.service().verify_audit(anchor=published) is None
    if backend.db is not None:
        capsys.readouterr()
        assert main(["audit", "verify", "--db", backend.db, "--head", str(published)]) == 0
        assert f"extends the published head {published}" in capsys.readouterr().out


def test_a_truncated_log_is_caught_by_its_published_head(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    published = backend.store.audit.head()
    entries = list(backend.store.audit.entries())
    # Cut the last write off, and move the head back so the rest is self-consistent.
    backend.delete_audit_from(published.length - 1)
    backend.set_head(published.length - 1, entries[-2].digest)
    problems = _problems(backend, capsys, anchor=published)
    assert f"the published head {published} records {published.length}: truncated" in problems


def test_a_log_rewritten_whole_is_caught_only_by_its_published_head(
    backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    _scenario(backend)
    published = backend.store.audit.head()
    backend.wipe()
    # The writer replays a history of their own making, through dueprocess itself.
    cases = backend.service(now=NOW, producer=FakeProducer(records=[("100001", "content")]))
    cases.open(request(id="READY"), actor="mallory")
    cases.open(request(id="DONE"), actor="mallory")
    cases.notify("DONE", actor="mallory")
    cases.produce("DONE", MemoryStore(), MemorySink(), actor="mallory")
    cases.open(request(id="X"), actor="mallory")
    cases.close("X", actor="mallory")
    cases.open(request(id="Y"), actor="mallory")
    assert backend.store.audit.head().length >= published.length
    assert backend.service().verify_audit() is None  # self-consistent: only the anchor sees it
    problems = _problems(backend, capsys, anchor=published)
    assert f"not the entry of the published head {published}: rewritten" in problems


@pytest.mark.parametrize(
    "text", ["12", "x:" + "0" * 64, "3:" + "A" * 64, "3:abc", "0:" + "1" * 64, "-1:" + "0" * 64]
)
def test_a_malformed_published_head_is_refused(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError, match="head"):
        parse_head(text)
    db = str(tmp_path / "cases.sqlite")
    from dueprocess.adapters import SqliteCaseStore

    SqliteCaseStore(db).close()
    assert main(["audit", "verify", "--db", db, f"--head={text}"]) == 2
    assert "--head:" in capsys.readouterr().err


def test_an_empty_log_has_the_genesis_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dueprocess.adapters import SqliteCaseStore

    db = str(tmp_path / "cases.sqlite")
    SqliteCaseStore(db).close()
    assert main(["audit", "head", "--db", db]) == 0
    out = capsys.readouterr().out.strip()
    assert parse_head(out) == ChainHead(0, "0" * 64)
    assert main(["audit", "verify", "--db", db, "--head", out, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["intact"] is True


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_change_to_a_stored_case_document_is_named(data: st.DataObject) -> None:
    from .backends import MemoryBackend

    memory = MemoryBackend()
    _scenario(memory)
    case_id = data.draw(st.sampled_from(["READY", "DONE", "PRES-2024-0050"]))
    text = memory.row(case_id).document
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    cut = data.draw(st.integers(min_value=0, max_value=3))
    insert = data.draw(st.text(max_size=3))
    changed = text[:at] + insert + text[at + cut :]
    assume(changed != text)
    memory.set_case(case_id, document=changed)
    failure = memory.service().verify_audit()
    assert failure is not None
    assert any(line.startswith(f"case {case_id!r}: ") for line in failure.problems())
    with pytest.raises(IntegrityError, match="cannot be released"):
        checked_case(memory.store, case_id)


@given(
    length=st.integers(min_value=1, max_value=10**17),
    digest=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_a_published_head_reads_back_as_itself(length: int, digest: str) -> None:
    head = ChainHead(length, digest)
    assert parse_head(str(head)) == head
    assert parse_head(f"  {head}\n") == head
