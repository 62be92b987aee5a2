"""Order totals of the demo shop, booked the way a Gambio shop books them.

Money is Decimal throughout and rounded half up to the cent, as the shop rounds for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round ``value`` half up to whole cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def net_of(gross: Decimal, rate: Decimal) -> Decimal:
    """Return the unrounded net amount of ``gross`` at ``rate`` percent VAT."""
    return gross * 100 / (100 + rate)


def euro_text(value: Decimal) -> str:
    """Format an amount as the German shop shows it, e.g. ``1.234,56 EUR``."""
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} EUR"


def rate_text(rate: Decimal) -> str:
    """Format a VAT rate without trailing zeros, e.g. ``19`` or ``7``."""
    return f"{rate.normalize():f}"


@dataclass(frozen=True)
class OrderTotals:
    """The amounts of one order, all gross when the order shows VAT.

    ``coupon`` is negative or zero (``ot_coupon``); ``voucher`` is the positive amount paid with
    a gift voucher (``ot_gv``). ``tax_by_rate`` maps each VAT rate to its gross and tax.
    """

    subtotal: Decimal
    shipping: Decimal
    cod_fee: Decimal
    coupon: Decimal
    voucher: Decimal
    tax_by_rate: dict[Decimal, tuple[Decimal, Decimal]]
    total: Decimal


def compute_totals(
    line_amounts: Iterable[tuple[Decimal, Decimal]],
    *,
    shipping: Decimal,
    cod_fee: Decimal,
    coupon: Decimal,
    voucher: Decimal,
    fee_rate: Decimal,
) -> OrderTotals:
    """Sum an order from its lines, given as (VAT rate, line total) pairs.

    ``coupon`` is the positive coupon amount. It lowers each rate's gross in proportion to that
    rate's goods, so the VAT shrinks with it. Shipping and the cash-on-delivery fee carry
    ``fee_rate``. A gift voucher (``voucher``) is a means of payment: it lowers the total but
    neither gross nor VAT.
    """
    goods_by_rate: dict[Decimal, Decimal] = {}
    for rate, amount in line_amounts:
        goods_by_rate[rate] = goods_by_rate.get(rate, ZERO) + amount
    subtotal = sum(goods_by_rate.values(), ZERO)

    gross_by_rate = dict(goods_by_rate)
    if coupon:
        # The last rate takes the rounding remainder, so the parts add up to the coupon exactly.
        rates = sorted(goods_by_rate, reverse=True)
        remaining = coupon
        for index, rate in enumerate(rates):
            last = index == len(rates) - 1
            part = remaining if last else cents(coupon * goods_by_rate[rate] / subtotal)
            gross_by_rate[rate] -= part
            remaining -= part
    if shipping or cod_fee:
        gross_by_rate[fee_rate] = gross_by_rate.get(fee_rate, ZERO) + shipping + cod_fee

    tax_by_rate = {
        rate: (gross, cents(gross * rate / (100 + rate)))
        for rate, gross in sorted(gross_by_rate.items(), reverse=True)
    }
    total = subtotal + shipping + cod_fee - coupon - voucher
    return OrderTotals(subtotal, shipping, cod_fee, -coupon, voucher, tax_by_rate, total)
