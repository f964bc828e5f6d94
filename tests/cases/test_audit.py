"""The hash-chained audit log: every single modification, deletion, insertion or
reordering is caught, at the entry where it happened."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess._base._canonical import canonical_bytes
from dueprocess._cases._audit import chain_events
from dueprocess.cases import (
    GENESIS,
    AuditEntry,
    CaseAction,
    CaseEvent,
    CaseState,
    ChainHead,
    verify_chain,
)

from ..cases_support import harness, request, utc

_text = st.text('aé☃\n "', max_size=6)


@st.composite
def events(draw: st.DrawFn) -> CaseEvent:
    return CaseEvent(
        at=utc(2024, 1, 1) + dt.timedelta(seconds=draw(st.integers(0, 10**8))),
        actor=draw(_text),
        from_state=draw(st.none() | st.sampled_from(CaseState)),
        to_state=draw(st.sampled_from(CaseState)),
        reason=draw(_text),
        action=draw(st.sampled_from(CaseAction)),
        detail=draw(
            st.dictionaries(
                st.sampled_from(["outcome", "override", "é"]),
                st.none() | st.booleans() | st.integers() | _text,
                max_size=2,
            )
        ),
    )


@st.composite
def chains(draw: st.DrawFn, min_size: int = 1) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for _ in range(draw(st.integers(1, 4))):
        case_id = draw(st.sampled_from(["A", "B", "C-Ü"]))
        batch = draw(st.lists(events(), min_size=1, max_size=4))
        entries += chain_events(entries[-1].head if entries else None, case_id, batch)
    if len(entries) < min_size:
        entries += chain_events(entries[-1].head, "Z", [draw(events())] * (min_size - len(entries)))
    return entries


def _modified(entry: AuditEntry, field: str) -> AuditEntry:
    value = getattr(entry, field)
    if field in ("seq",):
        return attrs.evolve(entry, seq=value + 1)
    if field == "at":
        return attrs.evolve(entry, at=value + dt.timedelta(seconds=1))
    if field == "detail":
        return attrs.evolve(entry, detail={**value, "tampered": True})
    if field == "from_state":
        return attrs.evolve(entry, from_state=(value or "") + "x")
    return attrs.evolve(entry, **{field: value + "x"})


FIELDS = [
    "seq",
    "at",
    "actor",
    "case_id",
    "action",
    "from_state",
    "to_state",
    "reason",
    "detail",
    "prev",
    "digest",
]


@settings(max_examples=60, deadline=None)
@given(chain=chains(), data=st.data())
def test_any_single_modification_is_caught_at_that_entry(
    chain: list[AuditEntry], data: st.DataObject
) -> None:
    head = chain[-1].head
    index = data.draw(st.integers(0, len(chain) - 1), label="index")
    field = data.draw(st.sampled_from(FIELDS), label="field")
    tampered = [*chain]
    tampered[index] = _modified(chain[index], field)
    broken = verify_chain(tampered, head=head)
    assert broken is not None
    assert broken.index == index


@settings(max_examples=50, deadline=None)
@given(chain=chains(), data=st.data())
def test_any_single_deletion_is_caught_where_the_entry_was(
    chain: list[AuditEntry], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(chain) - 1), label="index")
    tampered = chain[:index] + chain[index + 1 :]
    broken = verify_chain(tampered, head=chain[-1].head)
    assert broken is not None
    assert broken.index == index


@settings(max_examples=50, deadline=None)
@given(chain=chains(), data=st.data(), forged=events())
def test_any_single_insertion_is_caught_at_or_just_after_it(
    chain: list[AuditEntry], data: st.DataObject, forged: CaseEvent
) -> None:
    index = data.draw(st.integers(0, len(chain)), label="index")
    # The strongest forgery: correctly numbered, linked to its predecessor and hashed.
    predecessor = chain[index - 1].head if index else None
    if data.draw(st.booleans(), label="linked"):
        (entry,) = chain_events(predecessor, "FORGED", [forged])
    else:
        entry = attrs.evolve(chain[data.draw(st.integers(0, len(chain) - 1))])
    tampered = [*chain[:index], entry, *chain[index:]]
    broken = verify_chain(tampered, head=chain[-1].head)
    assert broken is not None
    assert index <= broken.index <= index + 1


@settings(max_examples=50, deadline=None)
@given(chain=chains(min_size=2), data=st.data())
def test_any_reordering_of_two_entries_is_caught_at_the_first(
    chain: list[AuditEntry], data: st.DataObject
) -> None:
    first = data.draw(st.integers(0, len(chain) - 2), label="first")
    second = data.draw(st.integers(first + 1, len(chain) - 1), label="second")
    tampered = [*chain]
    tampered[first], tampered[second] = chain[second], chain[first]
    broken = verify_chain(tampered, head=chain[-1].head)
    assert broken is not None
    assert broken.index == first


@settings(max_examples=40, deadline=None)
@given(chain=chains())
def test_an_untouched_chain_verifies(chain: list[AuditEntry]) -> None:
    assert verify_chain(chain) is None
    assert verify_chain(iter(chain), head=chain[-1].head) is None
    assert [AuditEntry.from_dict(e.to_dict()) for e in chain] == chain


@settings(max_examples=40, deadline=None)
@given(chain=chains(), data=st.data())
def test_a_rewritten_history_with_fresh_digests_is_caught_by_the_head(
    chain: list[AuditEntry], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(chain) - 1), label="index")
    head = chain[-1].head
    rewritten = chain[:index]
    for entry in chain[index:]:
        event = CaseEvent(
            entry.at, "mallory", None, CaseState.CLOSED, entry.reason, CaseAction.CLOSE
        )
        rewritten += chain_events(rewritten[-1].head if rewritten else None, entry.case_id, [event])
    assert verify_chain(rewritten) is None  # consistent in itself...
    broken = verify_chain(rewritten, head=head)  # ...but not with the head kept apart
    assert broken is not None
    assert broken.index == len(chain) - 1


def test_each_entry_holds_the_sha256_of_the_previous_entrys_canonical_bytes() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    first, second, third = rig.store.audit.entries()
    assert first.prev == GENESIS == "0" * 64
    assert second.prev == hashlib.sha256(canonical_bytes(first.body())).hexdigest()
    assert third.prev == hashlib.sha256(second.canonical_bytes()).hexdigest()
    assert json.loads(second.canonical_bytes()) == second.body()
    assert "digest" not in second.body()
    assert second.to_dict()["digest"] == second.digest


def test_cutting_entries_off_the_end_is_caught_only_with_the_head() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    entries = list(rig.store.audit.entries())
    assert verify_chain(entries[:-1]) is None  # the limit of a chain without an anchor
    broken = verify_chain(entries[:-1], head=rig.store.audit.head())
    assert broken is not None
    assert (broken.index, broken.seq) == (2, None)
    assert str(broken) == (
        "audit log broken at entry #2: the log ends after 2 entries but its head records 3"
    )


def test_an_empty_log_against_a_head_is_broken_at_its_start() -> None:
    broken = verify_chain([], head=ChainHead(1, "ab" * 32))
    assert broken is not None
    assert broken.index == 0
    assert verify_chain([]) is None
    assert verify_chain([], head=None) is None


def test_entries_appended_past_the_head_are_named() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    entries = list(rig.store.audit.entries())
    broken = verify_chain(entries, head=ChainHead(2, entries[1].digest))
    assert broken is not None
    assert (broken.index, broken.seq) == (2, 2)
    assert "after the 2 its head records" in broken.reason


def test_a_break_says_which_entry_and_what_it_claims() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    first, _, third = rig.store.audit.entries()
    broken = verify_chain([first, third])
    assert broken is not None
    assert str(broken) == (
        "audit log broken at entry #1 (claims #2): expected sequence number 1:"
        " an entry was deleted, inserted or moved here"
    )


def test_the_log_offers_no_way_to_rewrite_history() -> None:
    from dueprocess.adapters import SqliteAuditLog
    from dueprocess.testing import MemoryAuditLog

    for log in (MemoryAuditLog, SqliteAuditLog):
        public = {name for name in dir(log) if not name.startswith("_")}
        assert public <= {"entries", "head", "close", "path"}


def test_an_entry_is_frozen() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    entry = next(iter(rig.store.audit.entries()))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entry.actor = "mallory"  # type: ignore[misc]


def test_an_entry_whose_link_was_changed_is_named_as_not_following() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    first, second, third = rig.store.audit.entries()
    relinked = attrs.evolve(second, prev="f" * 64)
    broken = verify_chain([first, relinked, third])
    assert broken is not None
    assert broken.index == 1
    assert broken.reason.startswith("does not follow the entry before it")


def test_an_entry_read_from_its_bytes_is_verified_over_exactly_those_bytes() -> None:
    rig = harness()
    rig.cases.open(request(), actor="intake")
    first, second, third = rig.store.audit.entries()
    stored = AuditEntry.from_bytes(second.canonical_bytes(), second.digest)
    assert stored == second
    assert verify_chain([first, stored, third]) is None
    # Same content, different bytes: not what was hashed, so not what was stored.
    spaced = AuditEntry.from_bytes(second.canonical_bytes().replace(b",", b", "), second.digest)
    assert spaced == second
    broken = verify_chain([first, spaced, third])
    assert broken is not None
    assert broken.index == 1
    with pytest.raises(ValueError, match="JSON object"):
        AuditEntry.from_bytes(b"[1, 2]", second.digest)
