"""What a transparency report reads from a case: the contract with any case store.

The case layer (``dueprocess._cases``) and any store a platform writes itself satisfy
these Protocols structurally; nothing here imports them. Only the attributes a report
reads are listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .._base._enums import Outcome
from .._intake._request import LegalRequest

__all__ = ["ReportCase", "ReportProduction", "ReportReview", "StateLike"]


class StateLike(Protocol):
    """A case state; a closed case's state has ``value == "closed"``."""

    @property
    def value(self) -> str: ...


class ReportReview(Protocol):
    """The part of a :class:`~dueprocess.Review` a report reads."""

    @property
    def outcome(self) -> Outcome: ...


class ReportProduction(Protocol):
    """The part of a production a report reads: how many records it held."""

    @property
    def records(self) -> int: ...


class ReportCase(Protocol):
    """One case, as a transparency report sees it.

    Contract:

    * ``request`` is the :class:`~dueprocess.LegalRequest` the case follows; its
      ``received_at`` places the case in a period, its ``jurisdiction`` in a country.
    * ``state.value`` is ``"closed"`` once the case is closed; only closed cases count.
    * ``review`` is the review (``None`` if the case closed without one); an outcome of
      ``preserve`` means the request's targets were preserved.
    * ``productions`` are the case's productions; "some data produced" means at least one
      of them holds a record (``records > 0``).
    """

    @property
    def request(self) -> LegalRequest: ...

    @property
    def review(self) -> ReportReview | None: ...

    @property
    def state(self) -> StateLike: ...

    @property
    def productions(self) -> Sequence[ReportProduction]: ...
