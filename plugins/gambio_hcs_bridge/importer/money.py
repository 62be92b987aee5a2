"""Exact money arithmetic for the import: Decimal only, cents rounded half up as invoices do."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value: object) -> Decimal:
    """Convert a database value to Decimal without passing through binary floating point."""
    if value is None:
        return Decimal("0")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # Only the SQLite ODBC driver hands out floats for NUMERIC columns; repr() is exact
        # for the two- and four-place values stored there.
        return Decimal(repr(value))
    return Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def net_from_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """Net amount of a gross amount at ``rate`` percent, rounded to the cent."""
    return cents(gross * 100 / (100 + rate))


def vat_from_net(net: Decimal, rate: Decimal) -> Decimal:
    return cents(net * rate / 100)


def split_proportionally(amount: Decimal, weights: Mapping[Decimal, Decimal]) -> dict[Decimal, Decimal]:
    """Split ``amount`` (in cents) over VAT rates in proportion to ``weights``.

    The parts add up to ``amount`` exactly: cents left over after rounding down go to the
    rates with the largest remainders. With no positive weight (for example a coupon on an
    order whose lines are all free) the whole amount goes to the highest rate.
    """
    amount = cents(amount)
    positive = {rate: weight for rate, weight in weights.items() if weight > 0}
    if not positive:
        highest = max(weights) if weights else Decimal("0")
        return {highest: amount}
    if len(positive) == 1:
        # One rate takes it all; most orders have goods at a single VAT rate.
        [rate] = positive
        return {rate: amount if amount else ZERO}

    total_weight = sum(positive.values())
    sign = -1 if amount < 0 else 1
    total_cents = int(abs(amount) / CENT)

    shares = {rate: Decimal(total_cents) * weight / total_weight for rate, weight in positive.items()}
    floors = {rate: int(share) for rate, share in shares.items()}
    left = total_cents - sum(floors.values())
    by_remainder = sorted(positive, key=lambda rate: (shares[rate] - floors[rate], rate), reverse=True)
    for rate in by_remainder[:left]:
        floors[rate] += 1
    return {rate: sign * Decimal(count) * CENT for rate, count in floors.items()}
