"""The fee schedule for cost reimbursement (18 U.S.C. 2706), part of a :class:`Policy`.

18 U.S.C. 2706(a): a governmental entity that obtains records under 2702, 2703 or 2704
pays the provider "a fee for reimbursement for such costs as are reasonably necessary and
directly incurred in searching for, assembling, reproducing, or otherwise providing such
information". The amounts are the platform's own (often agreed with the agency); the
library only applies them: per request, per account produced, per record produced.
Amounts are decimals, never floats: an invoice is money.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from ..exceptions import InvalidPolicy

__all__ = ["FeeSchedule", "load_fees"]

_CURRENCY = re.compile(r"[A-Z]{3}\Z")
#: The largest amount a schedule accepts for one unit: far above any real fee.
MAX_FEE = Decimal("1000000")
_AMOUNTS = ("per_request", "per_account", "per_record")


def _amount(_: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= MAX_FEE:
        raise InvalidPolicy(
            f"fees.{attribute.name} must be an amount from 0 to {MAX_FEE}, got {value!r}"
        )
    if value != value.quantize(Decimal("0.0001")):
        raise InvalidPolicy(f"fees.{attribute.name} has more than four decimal places: {value}")


def _currency(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise InvalidPolicy(f"fees.currency must be an ISO 4217 code such as USD, got {value!r}")


@attrs.frozen
class FeeSchedule:
    """What a production costs the requesting agency, in ``currency``.

    >>> fees = FeeSchedule("USD", Decimal("25"), Decimal("10"), Decimal("0.01"))
    >>> fees.per_record
    Decimal('0.01')
    """

    currency: str = attrs.field(validator=_currency)
    per_request: Decimal = attrs.field(default=Decimal(0), validator=_amount)
    per_account: Decimal = attrs.field(default=Decimal(0), validator=_amount)
    per_record: Decimal = attrs.field(default=Decimal(0), validator=_amount)

    def to_dict(self) -> dict[str, str]:
        """The JSON form :func:`load_fees` reads (amounts as strings)."""
        return {"currency": self.currency, **{key: str(getattr(self, key)) for key in _AMOUNTS}}


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def load_fees(document: object) -> FeeSchedule:
    """A fee schedule from its JSON object; :class:`InvalidPolicy` naming every problem.

    >>> load_fees({"currency": "EUR", "per_request": "40.00"}).per_request
    Decimal('40.00')
    """
    if not isinstance(document, Mapping):
        raise InvalidPolicy("fees: expected an object with currency and amounts")
    problems = [
        f"$.fees.{key}: unknown key" for key in document if key not in ("currency", *_AMOUNTS)
    ]
    values: dict[str, Any] = {}
    if "currency" not in document:
        problems.append("$.fees.currency: required (an ISO 4217 code such as USD)")
    elif not isinstance(document["currency"], str) or not _CURRENCY.match(document["currency"]):
        problems.append("$.fees.currency: expected an ISO 4217 code such as USD")
    else:
        values["currency"] = document["currency"]
    for key in _AMOUNTS:
        if key in document:
            amount = _decimal(document[key])
            if amount is None:
                problems.append(f'$.fees.{key}: expected an amount such as "25.00"')
            else:
                values[key] = amount
    if problems:
        raise InvalidPolicy("invalid fees:\n  " + "\n  ".join(problems))
    return FeeSchedule(**values)
