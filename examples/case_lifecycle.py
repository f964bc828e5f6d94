"""Follow requests as cases, from receipt to close, with in-memory stores.

Run it from the repository: ``python examples/case_lifecycle.py``. It opens a search
warrant's case, tells the account holder, waits out the objection window, produces,
closes; it preserves an account and renews the hold once (a second renewal is refused);
then it lists what falls due, verifies the audit chain, shows that a tampered entry is
caught, and prints the account holder's disclosure ledger. Nothing touches the disk or
the system clock: the clock is a ``ManualClock`` the example moves by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs

import dueprocess
from dueprocess import Category, Record
from dueprocess.testing import (
    ManualClock,
    MemoryCaseStore,
    MemorySink,
    MemoryStore,
    RecordingNotifier,
)

UTC = dt.timezone.utc
REQUESTS = Path(__file__).parent / "requests"


def records() -> MemoryStore:
    """The target's subscriber record and a login a week in the spring of 2023."""
    store = MemoryStore()
    store.add(
        Record(
            "100001",
            Category.SUBSCRIBER,
            dt.datetime(2016, 5, 1, tzinfo=UTC),
            {"name": "A. Person", "email": "a.person@example.com", "service_start": "2016-05-01"},
        )
    )
    for day in range(0, 60, 7):
        store.add(
            Record(
                "100001",
                Category.SESSION_LOGS,
                dt.datetime(2023, 3, 1, 9, tzinfo=UTC) + dt.timedelta(days=day),
                {"event": "login", "ip": "203.0.113.7"},
            )
        )
    return store


def preservation_request() -> dueprocess.LegalRequest:
    return dueprocess.load_request(
        {
            "format": "dueprocess.request/1",
            "id": "PRES-2023-0007",
            "received_at": "2023-05-12T10:00:00Z",
            "channel": "portal",
            "jurisdiction": "US",
            "process": {
                "kind": "preservation_request",
                "issued_on": "2023-05-12",
                "issuer": {"name": "Det. A. Ruiz", "role": "police"},
                "authority": "18 U.S.C. 2703(f)",
                "signed": True,
            },
            "requester": {"agency": "Phoenix Police Department", "name": "Det. A. Ruiz",
                          "email": "a.ruiz@phoenix.gov"},
            "investigation": {"nature": "criminal", "area": "violent_crime", "facts": ""},
            "targets": [{"kind": "account_id", "value": "100001"}],
            "categories": [],
        }
    )  # fmt: skip


def main() -> None:
    clock = ManualClock(dt.datetime(2023, 5, 10, 16, 30, tzinfo=UTC))
    store = MemoryCaseStore()
    notifier = RecordingNotifier()
    cases = dueprocess.cases.Cases(store, clock, notifier=notifier)

    # 1. A search warrant arrives: the user is told first and may object for ten days.
    warrant = dueprocess.load_request(json.loads((REQUESTS / "sw-2023-118.json").read_text()))
    case = cases.open(warrant, actor="intake")
    print(f"opened {case.id}: {case.state.value}")
    for deadline in cases.due(before=dt.datetime(2024, 1, 1, tzinfo=UTC)):
        print(f"  due {deadline.at:%Y-%m-%d} {deadline.kind.value}")
    cases.notify(case.id, actor="scheduler")
    print(f"notice delivered to the holder of {notifier.delivered[0].targets[0].value}")
    try:
        cases.produce(case.id, records(), MemorySink(), actor="counsel")
    except dueprocess.exceptions.InvalidTransition as refusal:
        print(f"refused: {refusal}")
    clock.set(dt.datetime(2023, 5, 20, 9, tzinfo=UTC))
    sink = MemorySink()
    case = cases.produce(case.id, records(), sink, actor="counsel")
    production = case.productions[0]
    print(f"produced {production.records} records, merkle root {production.merkle_root[:16]}…")
    case = cases.close(case.id, actor="counsel", reason="answered")
    print(f"{case.id}: {case.state.value} after {len(case.events)} events")

    # 2. A preservation, renewed once from the registry; a second renewal is refused.
    held = cases.open(preservation_request(), actor="intake")
    print(f"opened {held.id}: {held.state.value} until {held.holds[-1].expires_on}")
    clock.set(dt.datetime(2023, 8, 1, tzinfo=UTC))
    held = cases.renew(held.id, actor="counsel")
    print(f"renewed: hold {held.holds[-1].id} until {held.holds[-1].expires_on}")
    try:
        cases.renew(held.id, actor="counsel")
    except dueprocess.exceptions.RenewalRefused as refusal:
        print(f"renewed again: refused, the hold stands ({refusal})")

    # 3. The audit chain proves what happened; one changed entry is named.
    print(f"audit log: {len(store.audit)} entries, intact: {cases.verify_audit() is None}")
    rows = store.audit._rows  # what an attacker with access to the storage could do
    rows[3] = attrs.evolve(rows[3], body=rows[3].body.replace('"actor":"', '"actor":"x', 1))
    print(f"after tampering: {cases.verify_audit()}")

    # 4. The account holder asks what was disclosed about them.
    for entry in cases.ledger("100001", now=clock.now()):
        print(
            f"ledger: {entry.produced_at:%Y-%m-%d} to {entry.agency} under"
            f" {entry.process.value}: {entry.records} records"
            f" ({', '.join(c.value for c in entry.categories)})"
        )


if __name__ == "__main__":
    main()
