"""Benchmark: verifying an audit chain against a bare loop hashing the same entries.

Target (issue #4): ``verify_chain`` over 1,000,000 entries costs at most 2x a bare loop
that computes the SHA-256 of the same entries' canonical bytes, measured in the same run.
Entries carry their canonical bytes as a store reads them back
(``AuditEntry.from_bytes``), so both loops hash the same bytes; what the ratio shows is
the cost of checking sequence numbers, links and digests on top of the hashing itself.
Run: ``python benchmarks/bench_audit.py [--quick] [--entries N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import sys
import time

from _timing import best_of

from dueprocess._cases._audit import chain_events
from dueprocess.cases import AuditEntry, CaseAction, CaseEvent, CaseState, verify_chain

#: Exit status when a ratio misses its target (a crash exits 1), so CI can tell them apart.
MISSED_TARGET = 3

TARGET = 2.0

# One case's life, as the audit log sees it: open, review, decide, notify, advance,
# produce, close.
_LIFE = (
    (None, CaseState.RECEIVED, CaseAction.OPEN, "request received", {"request_sha256": "a" * 64}),
    (CaseState.RECEIVED, CaseState.IN_REVIEW, CaseAction.REVIEW, "review started", {}),
    (
        CaseState.IN_REVIEW,
        CaseState.NOTICE_PENDING,
        CaseAction.DECIDE,
        "comply: no findings",
        {"outcome": "comply", "review_sha256": "b" * 64, "request_sha256": "a" * 64},
    ),
    (
        CaseState.NOTICE_PENDING,
        CaseState.NOTICE_PENDING,
        CaseAction.NOTIFY,
        "notice to the account holder delivered (before_disclosure)",
        {"timing": "before_disclosure"},
    ),
    (
        CaseState.NOTICE_PENDING,
        CaseState.READY,
        CaseAction.ADVANCE,
        "objection window closed (2026-01-11T00:00:00Z)",
        {},
    ),
    (
        CaseState.READY,
        CaseState.PRODUCED,
        CaseAction.PRODUCE,
        "produced 42 records",
        {"records": 42, "merkle_root": "c" * 64, "notice_delivered": True},
    ),
    (CaseState.PRODUCED, CaseState.CLOSED, CaseAction.CLOSE, "closed", {}),
)


def build(count: int) -> list[AuditEntry]:
    """*count* chained entries, as read back from a store."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    entries: list[AuditEntry] = []
    head = None
    case = 0
    while len(entries) < count:
        at = start + dt.timedelta(minutes=case)
        events = [
            CaseEvent(at, "intake", source, target, reason, action, detail)
            for source, target, action, reason, detail in _LIFE[: count - len(entries)]
        ]
        for entry in chain_events(head, f"REQ-{case:07d}", events):
            # Read back as a store does: the stored bytes become the entry's bytes.
            entries.append(AuditEntry.from_bytes(entry.canonical_bytes(), entry.digest))
        head = entries[-1].head
        case += 1
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 entries, for CI")
    parser.add_argument("--entries", type=int, help="how many entries (default 1,000,000)")
    args = parser.parse_args(argv)
    count = args.entries or (100_000 if args.quick else 1_000_000)
    repeats = 3 if args.quick else 5

    started = time.perf_counter()
    # A million small objects: keep the cyclic collector from rescanning them as they
    # are built, and out of both timed loops alike.
    gc.disable()
    entries = build(count)
    gc.freeze()
    gc.enable()
    head = entries[-1].head
    print(f"entries:              {count:,} (built in {time.perf_counter() - started:.1f} s)")

    def bare_hexdigest() -> None:
        sha256 = hashlib.sha256
        for entry in entries:
            sha256(entry.canonical_bytes()).hexdigest()

    def bare_digest() -> None:
        sha256 = hashlib.sha256
        for entry in entries:
            sha256(entry.canonical_bytes()).digest()

    def verify() -> None:
        if verify_chain(entries, head=head) is not None:
            raise SystemExit("the benchmark's own chain does not verify")

    hexed = best_of(repeats, bare_hexdigest)
    raw = best_of(repeats, bare_digest)
    ours = best_of(repeats, verify)
    print(f"bare sha256 loop:     {hexed:8.3f} s  ({hexed / count * 1e9:6.0f} ns/entry, hex)")
    print(f"bare sha256 loop:     {raw:8.3f} s  ({raw / count * 1e9:6.0f} ns/entry, raw digest)")
    print(f"verify_chain:         {ours:8.3f} s  ({ours / count * 1e9:6.0f} ns/entry)")
    ratio = ours / hexed
    print(f"ratio verify / bare loop (hex digests): {ratio:.2f}x (target <= {TARGET:.0f}x)")
    print(f"ratio verify / bare loop (raw digests): {ours / raw:.2f}x")
    return 0 if ratio <= TARGET else MISSED_TARGET


if __name__ == "__main__":
    sys.exit(main())
