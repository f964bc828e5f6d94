"""The document formats, generated from the readers' own tables and from real files.

A page holds markers alone on a line::

    % formats: request-fields

Each becomes Markdown made when Sphinx reads the page:

* the **keys** of a request object are the sets intake accepts
  (``dueprocess._intake._fields``), in the order it reports problems; whether a key is
  required and what type it holds come from the attrs class intake builds
  (``dueprocess._intake._request``), the allowed values from the enums;
* the keys of the review, manifest, record, policy and case documents are those of a
  real document made at build time (the bundled example requests, the demo production,
  ``DEFAULT_POLICY``), so a key the code adds appears in the next build;
* only the one-line meaning of each key is written here, in :data:`MEANINGS`. A key
  with no meaning fails the build (a warning, and the build runs with ``-W``), naming
  the key and this file.

Examples come from real files: ``examples/requests/*.json`` and the production that
``dueprocess demo`` writes, made again at every build (the demo is deterministic).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import json
import os
import re
import tempfile
import textwrap
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

import dueprocess as dp

__all__ = ["MARKER", "MEANINGS", "SECTIONS", "render", "render_document", "setup", "undescribed"]

MARKER = re.compile(r"^% formats: (?P<name>[a-z0-9-]+)[ \t]*$", re.MULTILINE)
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "requests"
MOTIVATING = EXAMPLES / "hsi-2017-0042.json"

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~$])")


def text(value: object) -> str:
    return _SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --- what each key means --------------------------------------------------------------

#: Format → key path (``process.kind``, ``targets[].value``) → its meaning, one line.
MEANINGS: Mapping[str, Mapping[str, str]] = {
    "request": {
        "format": "version of the format",
        "id": "the platform's own reference for the request",
        "received_at": "when it reached the platform; every deadline runs from here",
        "channel": "how it arrived",
        "jurisdiction": (
            "where the issuing authority sits: `US` for a federal authority, `US-CA` for a "
            "California state or local one, `DE` for Germany"
        ),
        "process": "the legal instrument",
        "requester": "who sent it",
        "investigation": "what it is for",
        "targets": "whose data; may be empty (that is a review finding, not a format error)",
        "categories": "what data; no duplicates; empty only for the preservation kinds",
        "period": "the time range asked for, both ends included",
        "emergency": "only when the requester claims an emergency",
        "nondisclosure": "a gag order, or a request not to tell the user",
        "preservation": "for preservation kinds: the renewal of an earlier preservation",
        "process.kind": "the kind of instrument (see [the rules](rules.md#process-kinds))",
        "process.issued_on": "the date on the instrument",
        "process.issuer": "who issued it",
        "process.validated_by": "EU: the judicial authority that validated an order",
        "process.authority": "the legal basis cited, e.g. `19 U.S.C. 1509`; may be empty",
        "process.signed": "whether it bears the issuer's signature",
        "process.reference": "docket, case or file number",
        "process.return_date": "the date the instrument asks for a response by",
        "issuer.name": "the issuing person or office",
        "issuer.role": "what the issuer is",
        "requester.agency": "e.g. `U.S. Immigration and Customs Enforcement`",
        "requester.name": "the official who sent it",
        "requester.email": "the address it came from (decides how much checking it needs)",
        "requester.phone": "a phone number",
        "requester.supervisor": "a supervisor the platform can call",
        "requester.callback": (
            "the outcome of calling the agency back on an independently found number"
        ),
        "supervisor.name": "the supervisor's name",
        "supervisor.phone": "the supervisor's phone number",
        "investigation.nature": "the kind of proceeding",
        "investigation.area": "its subject matter",
        "investigation.offense": "the offence cited, e.g. `18 U.S.C. 2422(b)`",
        "investigation.max_sentence_years": "maximum custodial sentence in the issuing state",
        "investigation.committed_online": (
            "wholly or partly committed through an information system"
        ),
        "investigation.facts": "why this data, from these accounts, for this period; may be empty",
        "investigation.offence_location": "EU: where the offence was committed",
        "investigation.person_residence": "EU: where the person whose data is sought lives",
        "investigation.us_person": (
            "the person is a US person (18 U.S.C. 2523(a)(2)); absent: unknown"
        ),
        "targets[].kind": "what the value names",
        "targets[].value": "the account id, address, number, name or description",
        "period.start": "first day asked for",
        "period.end": "last day asked for (on or after `start`)",
        "emergency.danger": "the danger claimed",
        "emergency.imminent": "whether it is imminent",
        "emergency.description": "what the emergency is",
        "nondisclosure.kind": "a court's order, an NSL certification, or only a request",
        "nondisclosure.statute": "the statute it relies on, e.g. `18 U.S.C. 2705(b)`",
        "nondisclosure.until": "when it ends; absent or null: no end date given",
        "nondisclosure.review_notice": "NSL: the letter gives notice of judicial review",
        "preservation.extends": "the `id` of the preservation this renews",
        "preservation.prior_extensions": "how often that one has been renewed already",
        "preservation.prior_expires_on": "when that one expires",
    },
    "review": {
        "format": "version of the format",
        "request_id": "the request's `id`",
        "policy": "the name of the policy applied",
        "policy_sha256": "SHA-256 of the policy document applied",
        "outcome": "the answer to the request as a whole (see [the rules](rules.md))",
        "findings": "every reason, in the order the rules are applied",
        "findings[].code": "stable code; every code is listed in [the rules](rules.md#findings)",
        "findings[].effect": "what the finding does",
        "findings[].category": "the category it concerns, or null",
        "findings[].required": "for a withheld category: the process that would reach it",
        "findings[].message": "one line, in plain words",
        "findings[].citation": "the source of the rule",
        "categories": "one decision per requested category",
        "categories.*.decision": "`disclose`, `limited`, `withhold` or `preserve`",
        "categories.*.fields": "for `limited`: the only fields released; otherwise null",
        "categories.*.required": "for `withhold`: the process that would reach it",
        "targets": "the request's targets",
        "period": "the effective period (after any narrowing), or null",
        "period.start": "first day",
        "period.end": "last day",
        "targets[].kind": "as in the request",
        "targets[].value": "as in the request",
        "preserve_until": "for preservation: the day the records may be let go",
        "respond_by": "the deadline for an answer, when the law sets one",
        "notify_authorities": "authorities the platform must inform (EU Art. 8)",
        "notice": "whether and when the account holder is told",
        "notice.notify_user": "whether the platform tells the user",
        "notice.timing": "when (see [the rules](rules.md#telling-the-user))",
        "notice.not_before": "the earliest day the user may be told",
        "notice.disclose_after": "the earliest day data may be released",
    },
    "policy": {
        "name": "a name for the policy, quoted in every review",
        "max_period_days": "a longer period is narrowed to its last so many days",
        "max_targets": "more targets than this is too many for one request",
        "min_fact_words": "a statement of facts needs at least so many words",
        "warrant_service_days": "a search warrant must be served within so many days of issue",
        "notice_hold_days": "days between telling the user and releasing data",
        "emergency_categories": "what an emergency request may release",
        "government_domains": "email domains of government senders",
        "free_mail_domains": "free mail domains, refused outright",
        "blocked_senders": "addresses or domains refused outright",
        "authority_scopes": "statute → the investigation areas it may serve",
        "second_approver": "actions that need a second, different person's approval",
        "fees": "the fee schedule for cost reimbursement, or null",
    },
    "record": {
        "account": "the platform's account id",
        "category": "one of the five categories",
        "at": "the UTC instant the fact refers to (for `subscriber`: the service start)",
        "fields": "the fact itself; for `subscriber` the fields below",
    },
    "manifest": {
        "format": "version of the format",
        "request_id": "the request's `id`",
        "review_sha256": "SHA-256 of the review document's canonical bytes",
        "produced_at": "when it was produced; given by the caller, never read from a clock",
        "period": "the effective period",
        "period.start": "first day",
        "period.end": "last day",
        "accounts": "the accounts the targets resolved to, in target order",
        "counts": "records per category",
        "records": "records in `records.jsonl`",
        "merkle_root": "RFC 6962 Merkle tree hash over the records' canonical bytes",
        "files": "every other file of the production",
        "files.*.sha256": "SHA-256 of the file",
        "files.*.bytes": "its size in bytes",
        "override": "why it was produced before the review's clock allowed (only when set)",
    },
    "case": {
        "format": "version of the format",
        "id": "the case's id (the request's `id`)",
        "request_id": "the request's `id`",
        "state": "where the case stands (see [the lifecycle](concepts.md#case))",
        "version": "the number of stored changes; a store refuses a stale write",
        "opened_at": "when the case was opened",
        "closed_at": "when it was closed, or null",
        "notice_delivered_at": "when the user was told, or null",
        "gag_lifted_on": "the day a court lifted the nondisclosure order, or null",
        "request": "the request document",
        "review": "the review document",
        "policy": "the policy document the review applied",
        "deadlines": "what falls due, and when",
        "events": "every transition, in order; each is chained into the audit log",
        "events[].at": "when",
        "events[].actor": "who",
        "events[].action": "what was done",
        "events[].from_state": "the state before, or null",
        "events[].to_state": "the state after",
        "events[].reason": "why, in words",
        "events[].detail": "figures that prove what was done (digests, counts)",
        "holds": "the preservation holds the case placed",
        "productions": "every production made for the case",
        "productions[].by_account": "records per account and category",
        "productions[].override": "the reason given for producing before `disclose_after`, or null",
        "productions[].produced_at": "when",
        "productions[].records": "how many records",
        "productions[].counts": "records per category",
        "productions[].accounts": "the accounts released",
        "productions[].merkle_root": "the production's Merkle root",
        "productions[].review_sha256": "the review it answered",
    },
}

# --- the request: from intake's own tables --------------------------------------------


def _request_objects() -> list[tuple[str, str, type, frozenset[str] | None]]:
    """(heading, path prefix, attrs class, accepted keys) for every object of a request."""
    from dueprocess._intake import _request as R

    schema: Any
    try:
        from dueprocess._intake import _fields as schema
    except ImportError:  # pragma: no cover - the schema moved; fall back to the classes
        schema = types.SimpleNamespace()

    def keys(name: str) -> frozenset[str] | None:
        return getattr(schema, name, None)

    return [
        ("The request", "", R.LegalRequest, keys("REQUEST_KEYS")),
        ("`process`", "process", R.Process, keys("PROCESS_KEYS")),
        ("`process.issuer`, `process.validated_by`", "issuer", R.Issuer, keys("ISSUER_KEYS")),
        ("`requester`", "requester", R.Requester, keys("REQUESTER_KEYS")),
        ("`requester.supervisor`", "supervisor", R.Supervisor, keys("SUPERVISOR_KEYS")),
        ("`investigation`", "investigation", R.Investigation, keys("INVESTIGATION_KEYS")),
        ("`targets[]`", "targets[]", R.Target, keys("TARGET_KEYS")),
        ("`period`", "period", R.Period, keys("PERIOD_KEYS")),
        ("`emergency`", "emergency", R.Emergency, keys("EMERGENCY_KEYS")),
        ("`nondisclosure`", "nondisclosure", R.Nondisclosure, keys("NONDISCLOSURE_KEYS")),
        ("`preservation`", "preservation", R.Preservation, keys("PRESERVATION_KEYS")),
    ]


def _field_order() -> Mapping[str, int]:
    try:
        from dueprocess._intake import _fields as schema
    except ImportError:  # pragma: no cover
        return {}
    return getattr(schema, "FIELD_ORDER", {})


def _type_text(hint: Any) -> str:
    """A type as the document spells it."""
    origin = typing.get_origin(hint)
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_text(arg) for arg in args)
    if origin in (tuple, list, frozenset):
        return f"array of {_type_text(args[0])}" if args else "array"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "one of " + " ".join(f"`{member.value}`" for member in hint)
    if hint is dt.datetime:
        return "timestamp (`2017-03-02T15:04:05Z`, or with an offset)"
    if hint is dt.date:
        return "date (`YYYY-MM-DD`)"
    if hint is str:
        return "string"
    if hint is bool:
        return "boolean"
    if hint is int:
        return "integer"
    if hint is float:
        return "number"
    if isinstance(hint, type) and attrs.has(hint):
        return "object (below)"
    return text(getattr(hint, "__name__", hint))


def request_fields() -> str:
    """One table per object of a request: key, type, required, meaning."""
    order = _field_order()
    parts = []
    for heading, prefix, cls, accepted in _request_objects():
        hints = typing.get_type_hints(cls)
        by_name = {field.name: field for field in attrs.fields(cls)}
        if accepted is not None:
            names = set(accepted)
        else:
            names = set(by_name) | ({"format"} if not prefix else set())
        rows = []
        for key in sorted(names, key=lambda name: (order.get(name, len(order)), name)):
            path = f"{prefix}.{key}" if prefix else key
            field = by_name.get(key)
            if key == "format" and not prefix:
                kind, required = f"`{dp._request.FORMAT}`", "yes"
            elif field is None:
                kind, required = "—", "no"
            else:
                kind = _type_text(hints.get(key, field.type))
                required = "no" if field.default is not attrs.NOTHING else "yes"
            rows.append([f"`{key}`", kind, required, _meaning("request", path)])
        parts.append(f"### {heading}\n\n" + table(["key", "type", "required", "meaning"], rows))
    return "\n\n".join(parts)


# --- the other documents: from real ones -----------------------------------------------


_WARNINGS: list[str] = []


def _meaning(fmt: str, path: str) -> str:
    meaning = MEANINGS.get(fmt, {}).get(path)
    if meaning is None:
        _WARNINGS.append(f"the {fmt} document's key {path!r} has no meaning in formats.MEANINGS")
        return "*(not described)*"
    return meaning


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) for every key of a document; lists by their first item, dicts whose
    keys are data (categories, files) as ``*``."""
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        here = f"{path}.{key}" if path else key
        yield here, item
        if isinstance(item, list) and item and isinstance(item[0], dict):
            merged: dict[str, Any] = {}
            for entry in item:
                for sub, sub_value in entry.items():
                    merged.setdefault(sub, sub_value)
            yield from _walk(merged, f"{here}[]")
        elif (
            isinstance(item, dict)
            and item
            and all(isinstance(sub, dict) for sub in item.values())
            and here in _DATA_KEYED
        ):
            first = next(iter(item.values()))
            yield from _walk(first, f"{here}.*")
        elif isinstance(item, dict) and here not in _OPAQUE:
            yield from _walk(item, here)


# Objects whose keys are data (a category, a file name), not names of the format.
_DATA_KEYED = {"categories", "files"}
# Objects documented elsewhere on the page, or free-form.
_OPAQUE = {
    "request",
    "review",
    "policy",
    "counts",
    "authority_scopes",
    "events[].detail",
    "fields",
    "productions[].counts",
    "productions[].by_account",
}


def _json_block(body: str) -> str:
    """A JSON code block whose long lines (digests, records) wrap at the column."""
    return "```{code-block} json\n:class: dp-wrap\n\n" + body + "\n```"


def _example(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > 40:
        shown = shown[:37] + "…"
    return f"`{shown.replace('|', '¦')}`"


def key_table(fmt: str, document: Mapping[str, Any], skip: tuple[str, ...] = ()) -> str:
    """Every key of *document*: key, example value, meaning."""
    rows = []
    for path, value in _walk(dict(document)):
        if path in skip:
            continue
        rows.append([f"`{path}`", _example(value), _meaning(fmt, path)])
    return table(["key", "example", "meaning"], rows)


@functools.cache
def demo() -> tuple[str, dict[str, str]]:
    """What ``dueprocess demo`` prints, and the files of its production, made now."""
    from dueprocess._cli._demo import run_demo

    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder, _cwd(Path(folder)):
        status = run_demo(Path("demo"), echo=lines.append)
        if status != 0:
            raise RuntimeError(f"dueprocess demo exited {status}")
        production = next(
            path
            for path in sorted(Path("demo").iterdir())
            if path.is_dir() and "tampered" not in path.name
        )
        files = {path.name: path.read_text("utf-8") for path in sorted(production.iterdir())}
    return "\n".join(lines), files


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _motivating_review() -> dict[str, Any]:
    document = json.loads(MOTIVATING.read_text("utf-8"))
    return dp.review(dp.load_request(document)).to_dict()


def _all_reviews() -> dict[str, Any]:
    """The keys of every bundled example's review, merged: the table sees every key."""
    merged: dict[str, Any] = {}
    for path in sorted(EXAMPLES.glob("*.json")):
        document = dp.review(dp.load_request(json.loads(path.read_text("utf-8")))).to_dict()
        for key, value in document.items():
            if key not in merged or (not merged[key] and value):
                merged[key] = value
    return merged


def review_fields() -> str:
    return key_table("review", _all_reviews())


def review_example() -> str:
    # A review with findings shows more than the motivating one, which has none.
    document = json.loads((EXAMPLES / "gj-2019-2231.json").read_text("utf-8"))
    review = dp.review(dp.load_request(document)).to_dict()
    return _json_block(json.dumps(review, indent=2, ensure_ascii=False))


def policy_fields() -> str:
    document = dp.policy_to_dict(dp.DEFAULT_POLICY)
    rows = []
    for field in attrs.fields(dp.Policy):
        value = document.get(field.name)
        rows.append([f"`{field.name}`", _example(value), _meaning("policy", field.name)])
    return table(["key", "default", "meaning"], rows)


def policy_example() -> str:
    strict = attrs.evolve(dp.DEFAULT_POLICY, name="strict", max_period_days=90, notice_hold_days=14)
    document = {
        key: value
        for key, value in dp.policy_to_dict(strict).items()
        if key in ("name", "max_period_days", "notice_hold_days", "blocked_senders")
    }
    return _json_block(json.dumps(document, indent=2))


def _first_records() -> list[str]:
    _, files = demo()
    return files["records.jsonl"].splitlines()[:3]


def record_fields() -> str:
    document = json.loads(_first_records()[0])
    rows = key_table("record", document)
    from dueprocess._production._records import SUBSCRIBER_FIELDS

    subscriber = ", ".join(f"`{name}`" for name in SUBSCRIBER_FIELDS)
    return (
        rows + f"\n\nA `subscriber` record's `fields`, in this order: {subscriber}. A"
        " `session_logs` record has at least `event` (`login` or `logout`) and `ip`; the"
        " other categories' fields are free."
    )


def record_example() -> str:
    return _json_block("\n".join(_first_records()))


def manifest_fields() -> str:
    _, files = demo()
    return key_table("manifest", json.loads(files["manifest.json"]))


def manifest_example() -> str:
    _, files = demo()
    return _json_block(files["manifest.json"].rstrip("\n"))


def _case() -> dict[str, Any]:
    from dueprocess._cli._demo import demo_records
    from dueprocess.testing import ManualClock, MemoryCaseStore, MemorySink, MemoryStore

    request = dp.load_request(json.loads(MOTIVATING.read_text("utf-8")))
    clock = ManualClock(dt.datetime(2017, 3, 2, 16, 0, tzinfo=dt.timezone.utc))
    cases = dp.cases.Cases(MemoryCaseStore(), clock)
    case = cases.open(request, actor="intake")
    clock.advance(dt.timedelta(days=10))
    case = cases.produce(case.id, MemoryStore.of(demo_records()), MemorySink(), actor="legal")
    case = cases.close(case.id, actor="legal", reason="answered")
    return case.to_dict()


def case_fields() -> str:
    return key_table("case", _case())


def case_example() -> str:
    document = _case()
    for key in ("request", "review", "policy"):
        if key in document:
            document[key] = f"… the {key} document …"
    return _json_block(json.dumps(document, indent=2, ensure_ascii=False))


def _production_file(name: str, language: str) -> Callable[[], str]:
    def render() -> str:
        _, files = demo()
        body = files[name].rstrip("\n")
        if name == "records.jsonl":
            body = "\n".join(body.splitlines()[:4])
        return f"```{{code-block}} {language}\n:caption: {name}\n:class: dp-wrap\n\n{body}\n```"

    return render


#: Characters of a code line that fit the content column at 1280 px.
COLUMN = 88


def wrap_output(output: str, width: int = COLUMN) -> str:
    """Long lines of program output folded at *width*, continued one step further in."""
    lines = []
    for line in output.splitlines():
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines += textwrap.wrap(
            line.strip(),
            width,
            initial_indent=indent,
            subsequent_indent=indent + "    ",
            break_on_hyphens=False,
        )
    return "\n".join(lines)


def demo_output() -> str:
    output, _ = demo()
    return "```text\n" + wrap_output(output) + "\n```"


SECTIONS: Mapping[str, Callable[[], str]] = {
    "request-fields": request_fields,
    "review-fields": review_fields,
    "review-example": review_example,
    "policy-fields": policy_fields,
    "policy-example": policy_example,
    "record-fields": record_fields,
    "record-example": record_example,
    "manifest-fields": manifest_fields,
    "manifest-example": manifest_example,
    "case-fields": case_fields,
    "case-example": case_example,
    "letter": _production_file("letter.md", "markdown"),
    "certificate": _production_file("certificate.md", "markdown"),
    "records": _production_file("records.jsonl", "json"),
    "manifest": _production_file("manifest.json", "json"),
    "demo-output": demo_output,
}


def render(name: str) -> str:
    return SECTIONS[name]().strip() + "\n"


def render_document(source: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in SECTIONS:
            raise ValueError(f"unknown formats section {name!r} (known: {', '.join(SECTIONS)})")
        return render(name)

    return MARKER.sub(replace, source)


def undescribed(source: str) -> list[str]:
    """Render *source* and return the keys it met with no meaning."""
    _WARNINGS.clear()
    render_document(source)
    return sorted(set(_WARNINGS))


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    from sphinx.util import logging

    if not MARKER.search(source[0]):
        return
    _WARNINGS.clear()
    source[0] = render_document(source[0])
    logger = logging.getLogger(__name__)
    for warning in sorted(set(_WARNINGS)):
        logger.warning("formats: %s (docs/_ext/formats.py)", warning, location=docname)


def setup(app: Any) -> dict[str, Any]:
    """Register with Sphinx."""
    app.connect("source-read", _source_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
