"""The case's values: the case itself, its events, its productions and its holds.

A :class:`Case` is a frozen snapshot; every operation of :class:`~dueprocess.cases.Cases`
derives a new snapshot with ``attrs.evolve`` and stores it under the next ``version``.
``Case.to_dict()`` is the ``dueprocess.case/1`` document a store keeps and the command
line prints; :meth:`Case.from_dict` rebuilds the identical case from it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .._base._dates import format_date, format_timestamp, parse_date, parse_timestamp
from .._base._enums import TargetKind
from .._intake._reader import load_request
from .._intake._request import LegalRequest, Target
from .._review._policy import Policy, load_policy, policy_to_dict
from .._review._review import Review
from ..exceptions import CaseNotFound, InvalidCaseDocument, InvalidPolicy, InvalidRequest, Problem
from ._lifecycle import CaseAction, CaseState

if TYPE_CHECKING:
    from ._deadlines import Deadline
    from ._notice import UserNotice

__all__ = [
    "CASE_FORMAT",
    "Case",
    "CaseEvent",
    "CaseNotFound",
    "Detail",
    "Hold",
    "ProductionRecord",
]

CASE_FORMAT = "dueprocess.case/1"

#: The JSON scalars an event's ``detail`` may hold.
Scalar = str | int | bool | None
Detail = Mapping[str, Scalar]


def _ts(moment: dt.datetime | None) -> str | None:
    return format_timestamp(moment) if moment is not None else None


def _parse_ts(text: str | None) -> dt.datetime | None:
    return parse_timestamp(text) if text is not None else None


@attrs.frozen
class CaseEvent:
    """One transition of a case: who moved it, when, from where to where, and why.

    ``from_state`` is ``None`` for the event that opens the case. ``detail`` holds what
    the audit needs beyond the reason: the review's digest and outcome, a production's
    Merkle root, an override.
    """

    at: dt.datetime
    actor: str
    from_state: CaseState | None
    to_state: CaseState
    reason: str
    action: CaseAction
    detail: Detail = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": format_timestamp(self.at),
            "actor": self.actor,
            "action": self.action.value,
            "from_state": self.from_state.value if self.from_state is not None else None,
            "to_state": self.to_state.value,
            "reason": self.reason,
            "detail": dict(self.detail),
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> CaseEvent:
        from_state = document["from_state"]
        return cls(
            at=parse_timestamp(document["at"]),
            actor=document["actor"],
            from_state=CaseState(from_state) if from_state is not None else None,
            to_state=CaseState(document["to_state"]),
            reason=document["reason"],
            action=CaseAction(document["action"]),
            detail=dict(document.get("detail", {})),
        )


@attrs.frozen
class ProductionRecord:
    """What one production of a case released, as its manifest states it.

    ``counts`` is records per category over the whole production; ``by_account`` splits
    them per account (an account that appears with no records released nothing).
    ``override`` is the reason given for producing before ``disclose_after``, if any.
    """

    produced_at: dt.datetime
    accounts: tuple[str, ...]
    counts: Mapping[str, int]
    records: int
    merkle_root: str
    review_sha256: str
    by_account: Mapping[str, Mapping[str, int]] = attrs.field(factory=dict)
    override: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "produced_at": format_timestamp(self.produced_at),
            "accounts": list(self.accounts),
            "counts": dict(self.counts),
            "records": self.records,
            "merkle_root": self.merkle_root,
            "review_sha256": self.review_sha256,
            "by_account": {account: dict(counts) for account, counts in self.by_account.items()},
            "override": self.override,
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> ProductionRecord:
        return cls(
            produced_at=parse_timestamp(document["produced_at"]),
            accounts=tuple(document["accounts"]),
            counts=dict(document["counts"]),
            records=document["records"],
            merkle_root=document["merkle_root"],
            review_sha256=document["review_sha256"],
            by_account={
                account: dict(counts) for account, counts in document.get("by_account", {}).items()
            },
            override=document.get("override"),
        )


@attrs.frozen
class Hold:
    """A preservation hold: what is kept, until when, and which hold it extends.

    Holds form chains: the first hold of a chain has ``extensions`` 0 and ``root`` equal
    to its own id; each renewal names the hold it ``extends``, shares its ``root`` and
    counts one more extension. A renewal of a hold the registry never saw (placed before
    the platform kept cases) starts its chain at the id the requester named.
    """

    id: str
    case_id: str
    request_id: str
    root: str
    extends: str | None
    extensions: int
    placed_at: dt.datetime
    expires_on: dt.date
    targets: tuple[Target, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_id": self.case_id,
            "request_id": self.request_id,
            "root": self.root,
            "extends": self.extends,
            "extensions": self.extensions,
            "placed_at": format_timestamp(self.placed_at),
            "expires_on": format_date(self.expires_on),
            "targets": [target.to_dict() for target in self.targets],
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Hold:
        return cls(
            id=document["id"],
            case_id=document["case_id"],
            request_id=document["request_id"],
            root=document["root"],
            extends=document["extends"],
            extensions=document["extensions"],
            placed_at=parse_timestamp(document["placed_at"]),
            expires_on=parse_date(document["expires_on"]),
            targets=tuple(
                Target(TargetKind(item["kind"]), item["value"]) for item in document["targets"]
            ),
        )


@attrs.frozen
class Case:
    """One request followed from receipt to close.

    The case id is the request's id (the platform's own reference for it), so one
    request has one case. ``review`` is the latest review of ``request``; ``events`` is
    every transition, oldest first; ``version`` counts stored updates and guards against
    lost updates.
    """

    id: str
    request: LegalRequest
    review: Review
    state: CaseState
    version: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None
    events: tuple[CaseEvent, ...] = ()
    productions: tuple[ProductionRecord, ...] = ()
    holds: tuple[Hold, ...] = ()
    notice_delivered_at: dt.datetime | None = None
    #: The policy of the latest review, so a re-review can apply the same standards.
    policy: Policy | None = None
    #: The day a gag order ended early (lifted, or an NSL certification withdrawn).
    gag_lifted_on: dt.date | None = None

    @property
    def request_id(self) -> str:
        """The id of the request the case follows."""
        return self.request.id

    @property
    def deadlines(self) -> tuple[Deadline, ...]:
        """Every deadline still open on this case, earliest first."""
        from ._deadlines import case_deadlines

        return case_deadlines(self)

    @property
    def notice(self) -> UserNotice | None:
        """The notice to the account holder the review schedules, or ``None``."""
        from ._notice import scheduled_notice

        return scheduled_notice(self)

    def to_dict(self) -> dict[str, Any]:
        """The ``dueprocess.case/1`` document (``deadlines`` is derived, for readers)."""
        return {
            "format": CASE_FORMAT,
            "id": self.id,
            "request_id": self.request_id,
            "state": self.state.value,
            "version": self.version,
            "opened_at": format_timestamp(self.opened_at),
            "closed_at": _ts(self.closed_at),
            "notice_delivered_at": _ts(self.notice_delivered_at),
            "gag_lifted_on": (
                format_date(self.gag_lifted_on) if self.gag_lifted_on is not None else None
            ),
            "request": self.request.to_dict(),
            "review": self.review.to_dict(),
            "policy": policy_to_dict(self.policy) if self.policy is not None else None,
            "deadlines": [deadline.to_dict() for deadline in self.deadlines],
            "events": [event.to_dict() for event in self.events],
            "productions": [production.to_dict() for production in self.productions],
            "holds": [hold.to_dict() for hold in self.holds],
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Case:
        """Rebuild a case from its document; a malformed document raises
        :class:`~dueprocess.exceptions.InvalidCaseDocument` (a stored request that no longer
        loads is listed with its problems under ``$.request``)."""
        try:
            if document.get("format") != CASE_FORMAT:
                raise ValueError(f"format is {document.get('format')!r}, not {CASE_FORMAT!r}")
            request = load_request(document["request"])
            return cls(
                id=document["id"],
                request=request,
                review=Review.from_dict(document["review"], request),
                state=CaseState(document["state"]),
                version=document["version"],
                opened_at=parse_timestamp(document["opened_at"]),
                closed_at=_parse_ts(document.get("closed_at")),
                events=tuple(CaseEvent.from_dict(item) for item in document["events"]),
                productions=tuple(
                    ProductionRecord.from_dict(item) for item in document["productions"]
                ),
                holds=tuple(Hold.from_dict(item) for item in document["holds"]),
                notice_delivered_at=_parse_ts(document.get("notice_delivered_at")),
                policy=load_policy(document["policy"]) if document.get("policy") else None,
                gag_lifted_on=(
                    parse_date(document["gag_lifted_on"])
                    if document.get("gag_lifted_on") is not None
                    else None
                ),
            )
        except InvalidRequest as error:
            raise InvalidCaseDocument(
                [
                    Problem("$.request" + problem.path[1:], problem.message)
                    for problem in error.problems
                ]
            ) from None
        except (KeyError, TypeError, ValueError, AttributeError, InvalidPolicy) as error:
            detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
            raise InvalidCaseDocument([Problem("$", detail)]) from None

    def __repr__(self) -> str:
        return (
            f"<Case {self.id!r} {self.state.value} v{self.version}:"
            f" {self.review.outcome.value}, {len(self.events)} events>"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        events = "".join(
            f"<tr><td>{esc(format_timestamp(e.at))}</td><td>{esc(e.actor)}</td>"
            f"<td>{esc(e.action.value)}</td>"
            f"<td>{esc(e.from_state.value if e.from_state else '')}</td>"
            f"<td>{esc(e.to_state.value)}</td><td>{esc(e.reason)}</td></tr>"
            for e in self.events
        )
        deadlines = "".join(
            f"<tr><td>{esc(d.kind.value)}</td><td>{esc(format_timestamp(d.at))}</td></tr>"
            for d in self.deadlines
        )
        return (
            f"<div><strong>Case {esc(self.id)}</strong>: <code>{esc(self.state.value)}</code>"
            f" (review: <code>{esc(self.review.outcome.value)}</code>, version {self.version})"
            "<table><thead><tr><th>at</th><th>actor</th><th>action</th><th>from</th>"
            f"<th>to</th><th>reason</th></tr></thead><tbody>{events}</tbody></table>"
            "<table><thead><tr><th>deadline</th><th>due</th></tr></thead>"
            f"<tbody>{deadlines}</tbody></table></div>"
        )
