"""Producing what a review allows, and nothing else (docs/formats.md).

:func:`produce` streams: records flow from the source through canonical encoding, the
SHA-256 of ``records.jsonl`` and the Merkle tree into the sink, so memory does not grow
with the number of records (only with the largest run of records sharing one instant,
which are sorted by their bytes as the format orders them).

Never over-disclose. The source is asked only for what the review's :class:`Scope`
allows: the accounts its targets resolve to, the released categories, and for every
category but ``subscriber`` the effective period, never an unbounded range. And the
source is not trusted to answer only that: every record it returns is checked against
the question (account, category, period, time order) and a stray one stops the
production with :class:`StoreError`. ``limited`` categories keep only their fields.
Any failure calls ``sink.abort()``, so nothing that looks like a production is left.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, NoReturn

import attrs

from .._base._dates import format_date, format_timestamp
from .._base._enums import Category, Effect, Outcome, TargetKind
from .._base._markdown import md_text
from .._review._review import Review, ScopedCategory
from ..exceptions import (
    DueProcessError,
    InvalidArgument,
    Problem,
    ProductionRefused,
    StoreError,
)
from ..typing import RecordSource, Sink
from . import _letter
from ._certificate import DEFAULT_CUSTODIAN, check_certificate_template, render_certificate
from ._manifest import (
    FILE_CERTIFICATE,
    FILE_LETTER,
    FILE_MANIFEST,
    FILE_RECORDS,
    FileDigest,
    Manifest,
)
from ._merkle import MerkleBuilder
from ._records import (
    MAX_FIELD_DEPTH,
    MAX_RECORD_BYTES,
    Record,
    fields_too_deep,
    is_one_line,
)

if TYPE_CHECKING:
    from hashlib import _Hash

__all__ = ["ProductionProgress", "check_producible", "produce", "too_early"]

# Targets that never pick out an account: the platform does not search for people.
_UNRESOLVABLE = frozenset({TargetKind.NAME, TargetKind.QUERY})
_BLOCKING = (Effect.REJECT, Effect.VERIFY, Effect.ESCALATE, Effect.PUSH_BACK)
_CHUNK = 1 << 16


@attrs.frozen
class ProductionProgress:
    """How far a production has come, as :func:`produce` reports it to a callback.

    A production reads one account's records of one category at a time: a *step*.
    ``steps`` is known once the targets are resolved (accounts x released categories),
    so a progress bar can show the time left; ``records`` and ``bytes`` are what has
    been written to ``records.jsonl`` so far.

    Attributes:
        account: the account being read (``None`` once every step is done).
        category: the category being read (``None`` once every step is done).
        step: steps finished so far, from 0 to ``steps``.
        steps: every step of this production.
        records: records written so far.
        bytes: bytes of ``records.jsonl`` written so far.
        step_records: records of this step's account and category read so far (of the
            last step, once every step is done).
        step_fraction: how far through the period the current step's records reach, from
            0 to 1 (0 for subscriber records, which have no period).
        fraction: how much of the production is done, from 0 to 1, for a progress bar:
            the steps finished and how far through its period the current one has read
            (records arrive in time order). A step of subscriber records weighs nothing
            beside the logs and content of a period, unless nothing else is released.
    """

    account: str | None
    category: Category | None
    step: int
    steps: int
    records: int
    bytes: int
    step_records: int = 0
    step_fraction: float = 0.0
    fraction: float = 0.0

    @property
    def done(self) -> bool:
        """Whether every step is finished."""
        return self.step >= self.steps and self.account is None


#: What :func:`produce` calls with a :class:`ProductionProgress`.
ProgressCallback = Callable[[ProductionProgress], None]


def produce(
    review: Review,
    source: RecordSource,
    sink: Sink,
    *,
    produced_at: dt.datetime,
    custodian: str = DEFAULT_CUSTODIAN,
    progress: ProgressCallback | None = None,
    certificate_template: str | None = None,
    enforce_window: bool = False,
    override: str | None = None,
) -> Manifest:
    """Write the production a review allows into *sink* and return its manifest.

    The sink receives ``records.jsonl`` (the released records' canonical bytes, one a
    line, in the format's order), ``letter.md``, ``certificate.md`` and, last,
    ``manifest.json``; then ``sink.commit()``. Producing the same review from the same
    data twice gives byte-identical files (``produced_at`` aside).

    Args:
        review: a review whose outcome is ``comply`` or ``partial``.
        source: where the records come from; asked only for what the review allows.
        sink: where the files go.
        produced_at: when the production is made (the caller's clock; timezone-aware).
        custodian: who signs the certificate.
        progress: called with a :class:`ProductionProgress` as the production goes:
            when each account's category begins and ends, after each chunk of about
            64 KiB of ``records.jsonl`` is written, and once at the end (``done``). It runs in
            the producing thread; an exception it raises stops the production and
            aborts the sink.
        certificate_template: the text of ``certificate.md``
            (:data:`dueprocess.CERTIFICATE_TEMPLATE` by default; docs/certificate.md
            says how to adapt it). Checked before anything is read or written.
        enforce_window: keep the case layer's clock (what ``dueprocess produce`` does):
            refuse a ``produced_at`` before the request was received, or before the
            review's ``notice.disclose_after`` (the first day of release, after the
            user's window to object), unless *override* gives a reason. A caller that
            keeps that clock itself (:class:`~dueprocess.cases.Cases`) leaves it off.
        override: why the production is made early anyway. When it was needed, the
            letter says what was overridden and why, and the manifest carries it
            (``override``); an override that overrides nothing is not recorded.

    Raises:
        ValueError: *certificate_template* is not a usable template.
        ProductionRefused: the review releases nothing (with its outcome and reasons),
            a category other than subscriber is released without a period, or
            (with *enforce_window*) it is too early and no override was given.
        InvalidRequest: *override* is blank or not one line.
        StoreError: the source failed or returned a record it was not asked for; the
            sink has been aborted.
    """
    if produced_at.tzinfo is None or produced_at.utcoffset() is None:
        raise ValueError("produced_at must be timezone-aware")
    plan = _plan(review)
    if certificate_template is not None:
        check_certificate_template(certificate_template)
    early = too_early(review, produced_at)
    if override is not None and (not override.strip() or not is_one_line(override)):
        raise InvalidArgument(
            [Problem("$.override", "an override needs a reason, on one line")],
            what="production override",
        )
    if enforce_window and override is None:
        _refuse_early(review, early)
    used = override.strip() if early and override is not None else None
    accounts, unresolved = _resolve(review, source)
    tally = _Tally(categories=tuple(item.category for item in plan))
    try:
        chunks = _records_jsonl(source, accounts, plan, review, tally, marks=progress is not None)
        if progress is not None:
            chunks = _reported(chunks, tally, progress, steps=len(accounts) * len(plan))
        sink.write(FILE_RECORDS, chunks)
        records_digest = FileDigest(tally.file_hash.hexdigest(), tally.size)
        manifest = Manifest(
            request_id=review.request_id,
            review_sha256=hashlib.sha256(review.canonical_bytes()).hexdigest(),
            produced_at=produced_at,
            period=review.period,
            accounts=accounts,
            counts=dict(tally.counts),
            records=tally.merkle.size,
            merkle_root=tally.merkle.root().hex(),
            files={FILE_RECORDS: records_digest},
            override=used,
        )
        text = _letter.render_letter(review, unresolved=unresolved, overridden=used is not None)
        if used is not None:
            text += _override_section(early, used, produced_at)
        letter = text.encode("utf-8")
        sink.write(FILE_LETTER, [letter])
        # The certificate states the digest of every file written before it.
        manifest = attrs.evolve(
            manifest, files={FILE_RECORDS: records_digest, FILE_LETTER: _digest(letter)}
        )
        certificate = render_certificate(
            review, manifest, custodian=custodian, template=certificate_template
        ).encode("utf-8")
        sink.write(FILE_CERTIFICATE, [certificate])
        manifest = attrs.evolve(
            manifest,
            files={
                FILE_RECORDS: records_digest,
                FILE_LETTER: _digest(letter),
                FILE_CERTIFICATE: _digest(certificate),
            },
        )
        sink.write(FILE_MANIFEST, [manifest.to_json()])
        sink.commit()
    except BaseException:
        _abort(sink)
        raise
    return manifest


def too_early(review: Review, produced_at: dt.datetime) -> list[str]:
    """How *produced_at* comes before the review's clock allows a release, in words;
    empty when it does not.

    The same clock as the case layer: never before the request was received, and not
    before ``notice.disclose_after`` (from 00:00 UTC of that day), the end of the user's
    window to object.
    """
    reasons = []
    received = review.request.received_at
    when = format_timestamp(produced_at)
    if produced_at < received:
        reasons.append(f"at {when}, before the request was received ({format_timestamp(received)})")
    after = review.notice.disclose_after
    if after is not None:
        first = dt.datetime.combine(after, dt.time.min, tzinfo=dt.timezone.utc)
        if produced_at < first:
            reasons.append(
                f"at {when}, before {format_date(after)}, the first day the review allows"
                " release (the account holder's window to object runs until then)"
            )
    return reasons


def _override_section(early: list[str], reason: str, produced_at: dt.datetime) -> str:
    """What the letter says when the production was made early, by override."""
    lines = [
        "",
        "## Produced early, by override",
        "",
        f"This production was made on {format_timestamp(produced_at)}, earlier than the"
        " review allowed: " + "; and ".join(md_text(item) for item in early) + ".",
        "Any date above before which nothing was to be disclosed was overridden.",
        "",
        f"Reason given: {md_text(reason)}",
        "",
    ]
    return "\n".join(lines)


def _abort(sink: Sink) -> None:
    # The first error is the one to report; a sink that also fails to clean up must
    # not hide it.
    with contextlib.suppress(Exception):
        sink.abort()


def _digest(data: bytes) -> FileDigest:
    return FileDigest(hashlib.sha256(data).hexdigest(), len(data))


def check_producible(
    review: Review, produced_at: dt.datetime | None = None, *, override: str | None = None
) -> None:
    """Raise :class:`~dueprocess.exceptions.ProductionRefused` unless :func:`produce`
    would make a production of *review*; reads nothing and writes nothing.

    Call it before opening a store or creating the output, to refuse early: it makes the
    checks :func:`produce` makes first, with its reasons.

    Args:
        review: the review to produce.
        produced_at: when the production would be made. When given, the review's clock
            is kept as :func:`produce` with ``enforce_window`` keeps it: not before the
            request was received, nor before ``notice.disclose_after``.
        override: a reason to produce early anyway (see :func:`produce`).

    Raises:
        ProductionRefused: the review releases nothing (with its outcome and reasons), a
            category other than subscriber is released without a period, or it is too
            early and no *override* was given.
    """
    _plan(review)
    if produced_at is not None and override is None:
        _refuse_early(review, too_early(review, produced_at))


def _refuse_early(review: Review, early: list[str]) -> None:
    if early:
        raise ProductionRefused(
            f"request {review.request_id}: not yet: the production would be made "
            + "; and ".join(early)
            + ". Wait, or give --override REASON (recorded in the letter and the manifest)"
        )


def _plan(review: Review) -> tuple[ScopedCategory, ...]:
    """The released categories, or why nothing may be produced."""
    if not review.releases_data:
        raise ProductionRefused(_refusal(review))
    scope = review.scope
    if not scope.categories:
        raise ProductionRefused(
            f"request {review.request_id}: outcome {review.outcome.value}, but no category"
            " is released"
        )
    timed = [
        item.category.value for item in scope.categories if item.category is not Category.SUBSCRIBER
    ]
    if timed and scope.period is None:
        # Records other than subscriber state are released only inside a period; an
        # unbounded read is never made.
        raise ProductionRefused(
            f"request {review.request_id}: {', '.join(timed)} released without a period"
        )
    return scope.categories


def _refusal(review: Review) -> str:
    reasons = [
        f"{finding.code}: {finding.message}"
        for finding in review.findings
        if finding.effect in _BLOCKING
    ]
    if review.outcome is Outcome.PRESERVE:
        reasons.append("a preservation request keeps records; it releases none")
    if not reasons:
        reasons.append("no requested category may be released")
    lines = "\n".join(f"  {reason}" for reason in reasons)
    return (
        f"request {review.request_id}: outcome {review.outcome.value}, nothing may be"
        f" produced:\n{lines}"
    )


def _resolve(review: Review, source: RecordSource) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The targets' accounts in target order, each once; and the targets (as ``"kind
    value"``) that resolved to no account."""
    accounts: dict[str, None] = {}
    unresolved: list[str] = []
    for target in review.scope.targets:
        if target.kind in _UNRESOLVABLE:
            continue
        try:
            found = list(source.resolve(target))
        except DueProcessError:
            raise
        except Exception as error:
            raise StoreError(
                f"the record source failed to resolve {target.kind.value} {target.value!r}: {error}"
            ) from error
        for account in found:
            if not isinstance(account, str) or not account or not is_one_line(account):
                raise StoreError(
                    f"the record source resolved {target.kind.value} {target.value!r}"
                    f" to {account!r}, not an account id"
                )
            accounts.setdefault(account, None)
        if not found:
            unresolved.append(f"{target.kind.value.replace('_', ' ')} {target.value}")
    return tuple(accounts), tuple(unresolved)


@attrs.define
class _Tally:
    """Running figures of records.jsonl, filled in as it streams."""

    categories: tuple[Category, ...]
    counts: dict[Category, int] = attrs.field(init=False)
    merkle: MerkleBuilder = attrs.field(factory=MerkleBuilder)
    file_hash: _Hash = attrs.field(factory=hashlib.sha256)
    size: int = 0
    # Where the stream is, for progress reports: the step being read and its names.
    step: int = 0
    account: str | None = None
    category: Category | None = None
    step_records: int = 0
    step_fraction: float = 0.0

    def __attrs_post_init__(self) -> None:
        self.counts = dict.fromkeys(self.categories, 0)

    def report_step(
        self,
        count: int,
        last: dt.datetime | None,
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> None:
        """Note how far the current step has read: records arrive in time order, so
        the last one's place in the period is how far through the step the read is."""
        self.step_records = count
        if last is not None and start is not None and end is not None and end > start:
            self.step_fraction = min(max((last - start) / (end - start), 0.0), 1.0)

    def fraction(self, steps: int) -> float:
        """How much is done: steps weighted by whether they read a period."""
        if steps == 0:
            return 1.0
        weights = [int(category is not Category.SUBSCRIBER) for category in self.categories]
        if not any(weights):
            weights = [1] * len(weights)
        per_account = sum(weights)
        done: float = (self.step // len(weights)) * per_account + sum(
            weights[: self.step % len(weights)]
        )
        if self.step < steps:
            done += weights[self.step % len(weights)] * self.step_fraction
        return min(done / (per_account * (steps // len(weights))), 1.0)

    def progress(self, steps: int) -> ProductionProgress:
        return ProductionProgress(
            account=self.account,
            category=self.category,
            step=self.step,
            steps=steps,
            records=self.merkle.size,
            bytes=self.size,
            step_records=self.step_records,
            step_fraction=self.step_fraction,
            fraction=self.fraction(steps),
        )


def _reported(
    chunks: Iterator[bytes], tally: _Tally, progress: ProgressCallback, *, steps: int
) -> Iterator[bytes]:
    """Pass *chunks* on, reporting after each; an empty chunk marks a new step.

    The callback runs here, outside the loop that reads the source, so an error it
    raises is its own and never reported as the source's.
    """
    for chunk in chunks:
        if chunk:
            yield chunk
        progress(tally.progress(steps))
    tally.account = tally.category = None
    progress(tally.progress(steps))


def _records_jsonl(
    source: RecordSource,
    accounts: tuple[str, ...],
    plan: tuple[ScopedCategory, ...],
    review: Review,
    tally: _Tally,
    *,
    marks: bool = False,
) -> Iterator[bytes]:
    """records.jsonl in chunks of about 64 KiB, updating *tally* as each is handed over.

    With *marks*, an empty chunk is yielded as each account's category begins and ends,
    for :func:`_reported` (which drops it).

    One account's records of one category arrive in time order; the lines of records
    sharing an instant are sorted by their bytes (the source guarantees only time order)
    before that instant's lines can be flushed. This loop runs once per record, so it is
    written flat: it is most of what a large production costs.
    """
    period = review.scope.period
    pending: list[bytes] = []
    size = 0
    for account in accounts:
        for item in plan:
            category = item.category
            names = item.fields
            if marks:
                tally.account, tally.category = account, category
                tally.step_records, tally.step_fraction = 0, 0.0
                yield b""
            if category is Category.SUBSCRIBER or period is None:
                start = end = None
            else:
                start, end = period.start_instant(), period.end_instant()
            previous: dt.datetime | None = None
            first = len(pending)  # where the lines of the current instant begin
            tied = False
            count = 0
            try:
                for record in source.records(account, category, start, end):
                    if (
                        type(record) is not Record
                        or record.account != account
                        or record.category is not category
                        or record.at.utcoffset() is None
                        or (end is not None and start is not None and not start <= record.at <= end)
                        or (
                            type(record.fields) is not dict
                            and not isinstance(record.fields, Mapping)
                        )
                    ):
                        _reject(record, account, category, start, end)
                    at = record.at
                    produced = record if names is None else record.only(names)
                    try:
                        data = produced.canonical_bytes()
                    except (TypeError, ValueError) as error:
                        raise _unencodable(record, f"its fields are not JSON ({error})") from error
                    # What a production writes, verify must read back: a record too
                    # large or too deeply nested for that is refused here. Counting
                    # brackets first keeps the walk off the common, flat record.
                    if len(data) > MAX_RECORD_BYTES:
                        raise _unencodable(
                            record, f"it is larger than {MAX_RECORD_BYTES >> 20} MiB"
                        )
                    if data.count(b"{") + data.count(
                        b"["
                    ) > MAX_FIELD_DEPTH + 1 and fields_too_deep(produced.fields):
                        raise _unencodable(
                            record, f"its fields nest more than {MAX_FIELD_DEPTH} levels deep"
                        )
                    if previous is not None and at <= previous:
                        if at < previous:
                            raise StoreError(
                                f"the record source returned {category.value} records of"
                                f" account {account!r} out of time order"
                                f" ({format_timestamp(at)} after {format_timestamp(previous)})"
                            )
                        tied = True
                    else:
                        if tied:
                            pending[first:] = sorted(pending[first:])
                            tied = False
                        if size >= _CHUNK:
                            if marks:
                                tally.report_step(count, previous, start, end)
                            yield _flush(pending, tally)
                            pending.clear()
                            size = 0
                        first = len(pending)
                        previous = at
                    pending.append(data)
                    size += len(data) + 1
                    count += 1
            except DueProcessError:
                raise
            except Exception as error:
                raise StoreError(
                    f"the record source failed while reading {category.value} records of"
                    f" account {account!r}: {error}"
                ) from error
            if tied:
                pending[first:] = sorted(pending[first:])
            tally.counts[category] += count
            tally.step += 1
            tally.step_records, tally.step_fraction = count, 0.0
            if marks:
                yield b""  # the step's end, with its count
    if pending:
        yield _flush(pending, tally)


def _unencodable(record: Record, why: str) -> StoreError:
    """Name the record a production cannot write, and why."""
    return StoreError(
        f"the record source failed while reading {record.category.value} records of account"
        f" {record.account!r}: the record at {format_timestamp(record.at)} cannot be"
        f" produced: {why}"
    )


def _flush(lines: list[bytes], tally: _Tally) -> bytes:
    """Hash *lines* into the Merkle tree and the file digest; return them as one chunk."""
    tally.merkle.extend(lines)
    chunk = b"\n".join(lines) + b"\n"
    tally.file_hash.update(chunk)
    tally.size += len(chunk)
    return chunk


def _reject(
    record: object,
    account: str,
    category: Category,
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> NoReturn:
    """Say how a record fails to answer the question the source was asked."""
    if not isinstance(record, Record):
        raise StoreError(f"the record source returned {type(record).__name__}, not a Record")
    at = record.at
    if record.account != account:
        # Compared code point for code point: a source whose account column matches
        # loosely (a case-insensitive collation) would hand over another account's data.
        raise StoreError(
            f"asked for {category.value} records of account {account!r}, the record source"
            f" returned a record of account {record.account!r}: a source returns each"
            " record's account as stored, and only records of exactly the account asked"
            " for; nothing was produced"
        )
    if record.category is not category:
        raise StoreError(
            f"asked for {category.value} records of account {account!r}, the record source"
            f" returned a record of {getattr(record.category, 'value', record.category)!r}"
        )
    if not isinstance(at, dt.datetime) or at.utcoffset() is None:
        raise StoreError(
            f"the record source returned a {category.value} record of account {account!r}"
            f" without a timezone: {at!r}"
        )
    if not isinstance(record.fields, Mapping):
        raise StoreError(
            f"the record source returned a {category.value} record of account {account!r}"
            f" at {format_timestamp(at)} whose fields are a {type(record.fields).__name__},"
            " not a JSON object"
        )
    assert start is not None
    assert end is not None
    raise StoreError(
        f"asked for {category.value} records of account {account!r} from"
        f" {format_timestamp(start)} to {format_timestamp(end)}, the record source"
        f" returned one at {format_timestamp(at)}"
    )
