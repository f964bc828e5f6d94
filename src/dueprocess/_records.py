"""Stored records, format ``dueprocess.record/1`` (spec: production.md).

A record is one stored fact about one account. Its *canonical bytes* are what a
production writes, hashes and proves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from ._canonical import canonical_bytes
from ._dates import format_timestamp
from ._enums import Category

__all__ = ["Record"]


@attrs.frozen
class Record:
    """One stored fact about one account.

    ``fields`` is the record's JSON object; treat it as read-only.
    """

    account: str
    category: Category
    at: dt.datetime
    fields: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The ``dueprocess.record/1`` object."""
        return {
            "account": self.account,
            "category": self.category.value,
            "at": format_timestamp(self.at),
            "fields": dict(self.fields),
        }

    def canonical_bytes(self) -> bytes:
        """Keys sorted, ``,``/``:`` separators, UTF-8, no trailing newline."""
        return canonical_bytes(self.to_dict())
