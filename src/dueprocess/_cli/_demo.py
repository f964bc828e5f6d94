"""``dueprocess demo``: the whole pipeline on synthetic data, narrated.

It builds a SQLite store of synthetic accounts (a seeded random year of 2017 logins,
plus messages, contacts and locations that a subpoena cannot reach), reviews the example
requests bundled with the package, produces the motivating case (HSI-2017-0042: an
administrative summons for one account's subscriber data and login IP addresses,
2017-01-01 to 2017-02-27), verifies the production, proves one record by its Merkle
path alone, and shows that changing a single record in a copy is caught.

Everything is deterministic (fixed seed, fixed ``produced_at``), so two runs print the
same figures. The synthetic people use reserved names and numbers: ``example.*``
domains, 555-01xx phone numbers and the documentation IP ranges of RFC 5737 and 3849.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from .. import Category, Identity, Record, Review, TargetKind, load_request, produce, review
from .._base._dates import format_date, format_timestamp
from ..adapters import (
    DirectorySink,
    SqliteStore,
    read_manifest,
    read_record_lines,
    verify_directory,
)
from ..exceptions import StoreError
from ..testing import RecordingSource, SourceCall
from ._common import bad_input
from ._options import FORCE, Option, Subcommands, add_command

__all__ = [
    "DEMO_CASE",
    "DEMO_FILES",
    "DEMO_PRODUCED_AT",
    "DEMO_SEED",
    "build_demo_store",
    "demo_folder",
    "demo_identities",
    "demo_records",
    "demo_requests",
    "register",
    "run_demo",
]

DEMO_SEED = 2017
DEMO_CASE = "HSI-2017-0042"
#: The demo's production time: fixed, so every run writes the same bytes.
DEMO_PRODUCED_AT = dt.datetime(2017, 3, 13, 9, 0, tzinfo=dt.timezone.utc)

_UTC = dt.timezone.utc
_YEAR = 2017
_ACCOUNTS = tuple(str(100001 + number) for number in range(12))
_GIVEN = ("Alex", "Blair", "Casey", "Dana", "Emery", "Finley", "Gray", "Harper", "Indy", "Jules")
_FAMILY = ("Rivera", "Okafor", "Lindqvist", "Nakamura", "Moreau", "Kowalski", "Haddad", "Byrne")
_STREETS = ("Elm Street", "Harbor Road", "Mill Lane", "Station Avenue", "Quarry Way")
_IPV4 = ("192.0.2.", "198.51.100.", "203.0.113.")
_PLACES = ((38.8977, -77.0365), (40.7128, -74.006), (47.6062, -122.3321), (52.52, 13.405))
_WORDS = ("see", "you", "at", "the", "station", "tomorrow", "call", "me", "later", "thanks")
#: The production's records file (docs/formats.md): the one the demo tampers with.
_RECORDS = "records.jsonl"


def demo_requests() -> list[tuple[str, dict[str, Any]]]:
    """The example request documents bundled with the package, by file name."""
    folder = resources.files("dueprocess._cli").joinpath("_demo_requests")
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )
    return [(entry.name, json.loads(entry.read_text(encoding="utf-8"))) for entry in entries]


def demo_identities() -> list[Identity]:
    """Each demo account's username, e-mail and phone; 100007 is ``rechnung.service``."""
    out = []
    for number, account in enumerate(_ACCOUNTS):
        user = "rechnung.service" if account == "100007" else f"user{account}"
        out += [
            Identity(account, TargetKind.USERNAME, user),
            Identity(account, TargetKind.EMAIL, f"{user}@example.com"),
            Identity(account, TargetKind.PHONE, f"+1 202 555 01{number:02d}"),
        ]
    return out


def demo_records(seed: int = DEMO_SEED) -> Iterator[Record]:
    """Every record of the demo store, generated from *seed* (same seed, same records)."""
    # Synthetic data, not secrets: a seeded generator is the point (same seed, same data).
    rng = random.Random(seed)  # noqa: S311
    for number, account in enumerate(_ACCOUNTS):
        name = f"{_GIVEN[number % len(_GIVEN)]} {_FAMILY[number % len(_FAMILY)]}"
        started = dt.datetime(2012 + number % 5, 1 + number % 12, 1 + number, 8, tzinfo=_UTC)
        yield Record(
            account,
            Category.SUBSCRIBER,
            started,
            {
                "name": name,
                "address": f"{10 + number} {_STREETS[number % len(_STREETS)]}, Springfield",
                "email": f"user{account}@example.com",
                "phone": f"+1 202 555 01{number:02d}",
                "service_start": format_date(started.date()),
                "service_types": ["messages", "photos"],
                "payment": "none",
            },
        )
        yield from _year_of_activity(rng, account)


def _year_of_activity(rng: random.Random, account: str) -> Iterator[Record]:
    day = dt.datetime(_YEAR, 1, 1, tzinfo=_UTC)
    home = f"{rng.choice(_IPV4)}{rng.randrange(1, 255)}"
    while day.year == _YEAR:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            login = day + dt.timedelta(seconds=rng.randrange(86_400))
            mobile = rng.random() < 0.3
            ip = f"2001:db8::{rng.randrange(1, 0xFFFF):x}" if mobile else home
            yield Record(account, Category.SESSION_LOGS, login, {"event": "login", "ip": ip})
            logout = login + dt.timedelta(seconds=rng.randrange(60, 7_200))
            yield Record(account, Category.SESSION_LOGS, logout, {"event": "logout", "ip": ip})
            if rng.random() < 0.5:
                peer = rng.choice(_ACCOUNTS)
                sent = login + dt.timedelta(seconds=rng.randrange(1, 60))
                yield Record(account, Category.NON_CONTENT, sent, {"kind": "message", "to": peer})
                text = " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(3, 9)))
                yield Record(account, Category.CONTENT, sent, {"to": peer, "text": text})
            if mobile:
                latitude, longitude = rng.choice(_PLACES)
                yield Record(
                    account,
                    Category.LOCATION,
                    login,
                    {
                        "lat": round(latitude + rng.uniform(-0.05, 0.05), 4),
                        "lon": round(longitude + rng.uniform(-0.05, 0.05), 4),
                    },
                )
        day += dt.timedelta(days=1)


def build_demo_store(path: Path, *, seed: int = DEMO_SEED) -> dict[str, int]:
    """Create the demo SQLite store at *path* (replacing one there); return its counts."""
    if path.exists():
        path.unlink()
    with SqliteStore(path) as store:
        store.add_records(demo_records(seed))
        store.add_identities(demo_identities())
        return store.counts()


def _decisions(result: Review) -> str:
    return ", ".join(f"{item.category.value} {item.decision.value}" for item in result.categories)


def _question(call: SourceCall) -> str:
    if call.target is not None:
        return f"resolve {call.target.kind.value} {call.target.value}"
    category = call.category.value if call.category is not None else "?"
    if call.start is None or call.end is None:
        return f"{category} records of {call.account} (current state, any time)"
    return (
        f"{category} records of {call.account}"
        f" from {format_timestamp(call.start)} to {format_timestamp(call.end)}"
    )


def demo_folder(out: Path, *, force: bool = False) -> None:
    """Check that the demo may write into *out*, as ``produce`` checks its ``--out``.

    *out* must be missing, or an empty folder; with *force*, a folder holding files is
    accepted and the demo's own files in it (``demo.sqlite``, ``hsi-2017-0042``,
    ``hsi-2017-0042-tampered``) are replaced. Never a symbolic link, at *out* or at any
    of the demo's names.

    Raises:
        StoreError: naming what is in the way.
    """
    if out.is_symlink():
        raise StoreError(f"{out} is a symbolic link: dueprocess never writes through one")
    if not out.exists():
        return
    if not out.is_dir():
        raise StoreError(f"{out} already exists and is not a folder: choose another --out")
    if not force and any(out.iterdir()):
        raise StoreError(
            f"{out} already holds files: choose an empty or new folder, or --force to"
            " replace the demo's files in it"
        )
    for name in DEMO_FILES:
        path = out / name
        if path.is_symlink():
            raise StoreError(f"{path} is a symbolic link: dueprocess never writes through one")
        expected = path.is_file if name == "demo.sqlite" else path.is_dir
        if path.exists() and not expected():
            kind = "file" if name == "demo.sqlite" else "folder"
            raise StoreError(f"{path} is in the way: the demo writes a {kind} there")


#: What the demo writes into its folder.
DEMO_FILES = ("demo.sqlite", DEMO_CASE.lower(), f"{DEMO_CASE.lower()}-tampered")


def run_demo(out: Path | None, *, echo: Callable[[str], None], force: bool = False) -> int:
    """Run the demo in *out* (a new temporary directory if ``None``); return an exit code.

    Raises:
        StoreError: *out* is refused (see :func:`demo_folder`); nothing was written.
    """
    if out is not None:
        demo_folder(out, force=force)
    folder = Path(tempfile.mkdtemp(prefix="dueprocess-demo-")) if out is None else out
    folder.mkdir(parents=True, exist_ok=True)
    echo(f"dueprocess demo: working in {folder}")
    echo("")

    store_path = folder / "demo.sqlite"
    held = build_demo_store(store_path)
    echo(
        f"1. Built {store_path.name}: {held['accounts']} synthetic accounts,"
        f" {held['identities']} identities and {held['records']:,} records"
        f" (a year of {_YEAR} logins with their IP addresses, plus messages, contacts and"
        f" locations; seed {DEMO_SEED})."
    )
    echo("")

    echo("2. Reviewed the bundled example requests:")
    reviews: dict[str, Review] = {}
    for _, document in demo_requests():
        result = review(load_request(document))
        reviews[result.request_id] = result
        kind = result.request.process.kind.value
        echo(
            f"   {result.request_id:<18} {kind:<25} {result.outcome.value:<8} {_decisions(result)}"
        )
    echo("")

    chosen = reviews[DEMO_CASE]
    target = folder / DEMO_CASE.lower()
    with SqliteStore(store_path, readonly=True) as store:
        asked = RecordingSource(store)
        manifest = produce(
            chosen, asked, DirectorySink(target, replace=True), produced_at=DEMO_PRODUCED_AT
        )
    counts = ", ".join(f"{c.value} {n}" for c, n in manifest.counts.items())
    period = chosen.period
    assert period is not None
    echo(
        f"3. Produced {DEMO_CASE} ({chosen.request.process.kind.value}, outcome"
        f" {chosen.outcome.value}) into {target.name}/:"
    )
    echo("   The store was asked only:")
    for call in asked.calls:
        echo(f"     {_question(call)}")
    echo(
        f"   records.jsonl holds {manifest.records} records ({counts}); the other"
        f" {held['records'] - manifest.records:,} records never left the store."
    )
    echo(f"   Merkle root {manifest.merkle_root}")
    echo("   Also written: letter.md, certificate.md, manifest.json.")
    echo("")

    checked = verify_directory(target, review=chosen)
    if not checked.ok:  # pragma: no cover - the demo's own production is intact
        echo("4. Verification FAILED:")
        for mismatch in checked.mismatches:
            echo(f"     {mismatch}")
        return 4
    index = min(2, manifest.records - 1)
    proof = read_manifest(target).inclusion_proof(index, read_record_lines(target))
    echo("4. Verified: every figure of manifest.json recomputed from the files matches.")
    echo(
        f"   Record {index} alone, with {len(proof.path)} hashes of its Merkle path, proves it"
        f" was produced without showing the other {manifest.records - 1} records."
    )
    echo("")

    tampered = folder / f"{DEMO_CASE.lower()}-tampered"
    if tampered.exists():
        shutil.rmtree(tampered)
    shutil.copytree(target, tampered)
    lines = (tampered / _RECORDS).read_bytes().split(b"\n")
    lines[-2] = lines[-2].replace(b'"ip":"', b'"ip":"10.', 1)
    (tampered / _RECORDS).write_bytes(b"\n".join(lines))
    caught = verify_directory(tampered)
    echo(f"5. Changed one IP address in a copy ({tampered.name}/); verify reports:")
    for mismatch in caught.mismatches:
        echo(f"     {mismatch}")
    echo("")
    echo(f"Try: dueprocess verify {target}")
    return 4 if caught.ok else 0


def _demo(args: argparse.Namespace) -> int:
    with bad_input():
        return run_demo(Path(args.out) if args.out else None, echo=print, force=args.force)


def register(subparsers: Subcommands) -> None:
    """Add ``demo``."""
    add_command(
        subparsers,
        "demo",
        "run the whole pipeline on synthetic data",
        "Build a demo store of synthetic accounts, review the bundled example requests,"
        " produce the motivating one (HSI-2017-0042), verify it and show that tampering"
        " is caught.",
        _demo,
        Option(
            "--out",
            metavar="DIR",
            help="a new or empty folder for the demo's files (default: a new temp dir)",
        ),
        FORCE.but(help="use a --out folder that holds files, replacing the demo's own files in it"),
    )
