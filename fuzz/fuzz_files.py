"""Coverage-guided fuzzing of every parser of files from outside, with atheris.

Run: ``python fuzz/fuzz_files.py fuzz/corpus_files -runs=100000`` (or
``-max_total_time=60``). The first byte of an input picks the parser, the rest is the
file:

0. records, JSON Lines (``store import``): records or :class:`InvalidRecords`, and a
   SQLite store that imports all of them or none;
1. identities, JSON Lines: identities or :class:`InvalidRecords`;
2. a production's ``manifest.json`` (with the real files of a production): a
   verification result, intact only for the real manifest;
3. a production's ``records.jsonl`` (with the real manifest): likewise;
4. a transparency report in Google's CSV layout, and 5. in Meta's: a report (which
   writes back and reads again) or :class:`InvalidReportFile` / :class:`ReportError`.

Any other exception, a hang or a leak is a crash that libFuzzer reports with its input.
Seeds: ``fuzz/corpus_files``, one valid file per parser, named by it.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import datetime as dt

    from dueprocess import Category, Record, produce, read_identities, read_records, verify
    from dueprocess.adapters import SqliteStore
    from dueprocess.exceptions import InvalidRecords, InvalidReportFile, ReportError
    from dueprocess.reports import read_report_csv
    from dueprocess.testing import MemorySink, MemoryStore

PARSERS = ("records", "identities", "manifest", "production", "google", "meta")


def _real_production() -> dict[str, bytes]:
    from dueprocess import load_request, review

    request = load_request(
        {
            "format": "dueprocess.request/1",
            "id": "FUZZ-1",
            "received_at": "2023-05-10T16:00:00Z",
            "channel": "portal",
            "jurisdiction": "US",
            "process": {
                "kind": "grand_jury_subpoena",
                "issued_on": "2023-05-05",
                "issuer": {"name": "Grand Jury", "role": "grand_jury"},
                "authority": "Fed. R. Crim. P. 17",
                "signed": True,
            },
            "requester": {"agency": "USAO", "name": "AUSA", "email": "a@usdoj.gov"},
            "investigation": {"nature": "criminal", "area": "fraud", "facts": "word " * 20},
            "targets": [{"kind": "account_id", "value": "100001"}],
            "categories": ["subscriber", "session_logs"],
            "period": {"start": "2023-03-01", "end": "2023-04-30"},
        }
    )
    utc = dt.timezone.utc
    store = MemoryStore.of(
        [
            Record(
                "100001", Category.SUBSCRIBER, dt.datetime(2016, 1, 1, tzinfo=utc), {"name": "A"}
            ),
            Record(
                "100001",
                Category.SESSION_LOGS,
                dt.datetime(2023, 4, 1, 10, tzinfo=utc),
                {"event": "login", "ip": "203.0.113.7"},
            ),
        ]
    )
    sink = MemorySink()
    produce(review(request), store, sink, produced_at=dt.datetime(2023, 6, 1, tzinfo=utc))
    return sink.files


PRODUCTION = _real_production()


def _require(condition: bool) -> None:
    if not condition:
        raise AssertionError("an error without a message")


def _records(body: bytes) -> None:
    lines = body.split(b"\n")
    try:
        found = list(read_records(lines))
    except InvalidRecords as error:
        _require(bool(error.problems))
        found = None
    with SqliteStore(":memory:") as store:
        try:
            store.import_records(lines)
        except InvalidRecords:
            assert found is None
            assert store.counts()["records"] == 0
        else:
            assert found is not None
            for record in found:
                record.canonical_bytes()


def _identities(body: bytes) -> None:
    try:
        for identity in read_identities(body.split(b"\n")):
            assert identity.key is not None
    except InvalidRecords as error:
        _require(bool(error.problems))


def _verify(manifest: bytes, records: bytes) -> None:
    files = {name: data for name, data in PRODUCTION.items() if name != "manifest.json"}
    files["records.jsonl"] = records
    result = verify(manifest, files)
    intact = manifest == PRODUCTION["manifest.json"] and records == PRODUCTION["records.jsonl"]
    assert result.ok == intact, result.mismatches
    for mismatch in result.mismatches:
        str(mismatch)


def _report(body: bytes, period: str | None) -> None:
    text = body.decode("utf-8", errors="replace")
    try:
        report = read_report_csv(text, period=period)
    except (InvalidReportFile, ReportError) as error:
        _require(bool(str(error)))
        return
    report.to_text()
    report._repr_html_()
    try:
        written = report.to_csv()
    except ReportError:
        return
    assert read_report_csv(written, period=period).rows == report.rows


def test_one_input(data: bytes) -> None:
    if not data:
        return
    parser, body = PARSERS[data[0] % len(PARSERS)], data[1:]
    if parser == "records":
        _records(body)
    elif parser == "identities":
        _identities(body)
    elif parser == "manifest":
        _verify(body, PRODUCTION["records.jsonl"])
    elif parser == "production":
        _verify(PRODUCTION["manifest.json"], body)
    elif parser == "google":
        _report(body, None)
    else:
        _report(body, "2018-H1")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
