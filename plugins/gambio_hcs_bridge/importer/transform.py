"""Turn the Gambio rows of one order into the HCS order the bridge writes.

Money is Decimal only. A line's amount is ``final_price`` (the line total). With
``allow_tax=1`` amounts are gross, and net and VAT are derived per VAT rate from the gross sum;
with ``allow_tax=0`` they are net and VAT is added per rate. Coupons and discounts are split over
the VAT rates of the lines in proportion to their amounts. Shipping and fees carry the rate the
shop used (see :func:`_place_fees`). A redeemed gift voucher (``ot_gv``) is a means of payment
and carries no VAT.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from gambio_hcs_bridge.hcs_fields import HCS_FIELD_WIDTHS
from gambio_hcs_bridge.importer.money import (
    CENT,
    ZERO,
    cents,
    net_from_gross,
    split_proportionally,
    to_decimal,
    vat_from_net,
)
from gambio_hcs_bridge.importer.text import clean_text, fit_width, normalise_key
from gambio_hcs_bridge.messages import Message, message

# orders_total classes: informational rows the bridge ignores, and the classes it turns into
# positions with their HCS position type.
INFORMATIONAL_TOTALS = {"ot_subtotal", "ot_subtotal_no_tax", "ot_tax", "ot_total", "ot_total_netto", "ot_gm_tax_free"}
SPLIT_TOTALS = {
    "ot_shipping": ("Versand", "Versandkosten"),
    "ot_cod_fee": ("Gebuehr", "Nachnahmegebühr"),
    "ot_payment": ("Gebuehr", "Zahlartenauf-/abschlag"),
    "ot_loworderfee": ("Gebuehr", "Mindermengenzuschlag"),
    "ot_ps_fee": ("Gebuehr", "Gebühr"),
    "ot_gambioultra": ("Versand", "Versandzuschlag"),
    "ot_coupon": ("Gutschein", "Kupon"),
    "ot_discount": ("Rabatt", "Rabatt"),
}
GIFT_VOUCHER_TOTAL = "ot_gv"

# A house number as people type it: "8", "12a", "12 b", "3-5", "7/1".
_HOUSE_NUMBER = re.compile(r"^\d{1,4}\s?[a-zA-Z]?(\s?[-/]\s?\d{1,4}\s?[a-zA-Z]?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RATE_PLACES = Decimal("0.01")


@dataclass
class Position:
    positionsart: str
    artikel_nr: str | None
    bezeichnung: str
    menge: Decimal
    einzelpreis_brutto: Decimal
    mwst_satz: Decimal
    betrag_brutto: Decimal
    betrag_netto: Decimal = ZERO
    mwst_betrag: Decimal = ZERO


@dataclass
class ImportOrder:
    """One shop order ready for HCS, with the warnings and errors found on the way."""

    orders_id: int
    auftragsdatum: datetime | None
    marktplatz: str
    marktplatz_konto: str
    marktplatz_bestellnr: list[str]
    versand_durch_marktplatz: bool
    waehrung: str
    kunde: dict[str, str]
    lieferung: dict[str, str]
    ustid: str
    zahlungsart: str
    versandart: str
    bemerkung: str
    positions: list[Position]
    ot_total: Decimal | None
    summe_netto: Decimal = ZERO
    summe_mwst: Decimal = ZERO
    summe_brutto: Decimal = ZERO
    shop_positionen: int = 0
    fingerprint: str = ""
    kunden_suchschluessel: str = ""
    messages: list[Message] = field(default_factory=list)
    checks: dict[str, object] = field(default_factory=dict)
    line_checks: list[dict[str, object]] = field(default_factory=list)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.is_error]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if not m.is_error]

    @property
    def kunde_anzeige(self) -> str:
        name = " ".join(part for part in (self.kunde["vorname"], self.kunde["nachname"]) if part)
        return ", ".join(part for part in (self.kunde["firma"], name) if part)[:100]


def order_fingerprint(line_ids: list[int], ot_total: Decimal | None, special: str | None) -> str:
    """Fingerprint of what HCS received: line ids, grand total and marketplace ids."""
    text = "|".join(
        [",".join(str(i) for i in sorted(line_ids)), str(cents(ot_total)) if ot_total is not None else "", special or ""]
    )
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def shop_local(value: datetime | None) -> datetime | None:
    """Map Gambio's empty-date sentinels (0000-00-00, 1000-01-01) to None."""
    if value is None or not isinstance(value, datetime) or value.year <= 1000:
        return None
    return value


def to_utc(local: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Interpret a server-local naive datetime in the shop's time zone and return it in UTC.

    In the repeated hour after the autumn DST change the earlier (summer time) reading is
    used. A time inside the spring gap is read with the offset before the change.
    """
    if local is None:
        return None
    return local.replace(tzinfo=tz, fold=0).astimezone(ZoneInfo("UTC"))


def build_order(
    header: dict,
    lines: list[dict],
    totals: list[dict],
    tax_sums: list[dict],
    *,
    known_skus: set[str],
    unknown_sku_policy: str,
    allowed_vat_rates: frozenset[Decimal],
    max_unit_price: Decimal,
    fee_rate: Decimal | None = None,
) -> ImportOrder:
    """Build the HCS order for one Gambio order; problems become messages, never exceptions."""
    messages: list[Message] = []
    orders_id = int(header["orders_id"])

    kunde = _party(header, "billing", "kunden", messages)
    lieferung = _party(header, "delivery", "auftraege", messages)
    email = clean_text(header.get("customers_email_address"), "customers_email_address", messages)
    if email and not _EMAIL.match(email):
        messages.append(message("invalid_email", "customers_email_address", email))
    kunde["email"] = _fit_strict(email, "kunden", "email", "customers_email_address", messages)
    kunde["telefon"] = _fit("kunden", "telefon", "customers_telephone",
                            clean_text(header.get("customers_telephone"), "customers_telephone", messages), messages)
    ustid = clean_text(header.get("customers_vat_id"), "customers_vat_id", messages, placeholder_empty=True)
    ustid = _fit_strict(ustid.replace(" ", ""), "kunden", "ustid", "customers_vat_id", messages)
    kunde["ustid"] = ustid

    special = header.get("special") or ""
    marketplace_ids = [part.strip() for part in str(special).splitlines() if part.strip()]
    platform = (header.get("platform") or "").strip().lower() or "shop"
    waehrung = (header.get("currency") or "EUR").strip().upper()

    positions, line_checks, price_mode = _line_positions(
        orders_id, lines, known_skus, unknown_sku_policy, allowed_vat_rates, max_unit_price, messages
    )
    ot_total, total_positions, fees = _total_positions(totals, positions, messages)
    positions, worst_tax = _place_fees(positions + total_positions, fees, tax_sums, price_mode, fee_rate)

    order = ImportOrder(
        orders_id=orders_id,
        auftragsdatum=shop_local(header.get("date_purchased")),
        marktplatz=_fit("auftraege", "marktplatz", "magnalister_orders.platform", platform, messages),
        marktplatz_konto=str(header.get("mpID") or ""),
        marktplatz_bestellnr=marketplace_ids,
        versand_durch_marktplatz=bool(header.get("fba")),
        waehrung=waehrung,
        kunde=kunde,
        lieferung=lieferung,
        ustid=ustid,
        zahlungsart=_fit("auftraege", "zahlungsart", "payment_method",
                         clean_text(header.get("payment_method"), "payment_method", messages), messages),
        versandart=_fit("auftraege", "versandart", "shipping_method",
                        clean_text(header.get("shipping_method"), "shipping_method", messages), messages),
        bemerkung=_fit("auftraege", "bemerkung", "comments",
                       clean_text(header.get("comments"), "comments", messages), messages),
        positions=positions,
        ot_total=ot_total,
        shop_positionen=len(lines),
        fingerprint=order_fingerprint([int(line["orders_products_id"]) for line in lines], ot_total, special),
        messages=messages,
        line_checks=line_checks,
    )
    joined_ids = "\n".join(marketplace_ids)
    _fit_strict(joined_ids, "auftraege", "marktplatz_bestellnr", "magnalister_orders.special", messages)

    order.summe_brutto = sum((p.betrag_brutto for p in positions), ZERO)
    order.summe_netto = sum((p.betrag_netto for p in positions), ZERO)
    order.summe_mwst = sum((p.mwst_betrag for p in positions), ZERO)
    order.kunden_suchschluessel = customer_key(kunde)
    order.checks = _order_checks(order, header, price_mode, worst_tax)
    return order


def customer_key(kunde: dict[str, str]) -> str:
    """SHA-1 of e-mail, name and billing address, folded so spelling variants match.

    Name and address are part of the key so that marketplace relay addresses shared by
    different buyers never merge two people into one customer.
    """
    parts = [
        kunde["email"].casefold(),
        normalise_key(kunde["firma"]),
        normalise_key(kunde["vorname"] + kunde["nachname"]),
        normalise_key(kunde["strasse"]),
        normalise_key(kunde["plz"]),
        normalise_key(kunde["ort"]),
        kunde["land"].upper(),
    ]
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()


_PARTY_NAMES = ("firstname", "lastname", "name", "company", "street_address", "house_number", "additional_info",
                "suburb", "postcode", "city", "country_iso_code_2")
# Gambio column of each address part, per party: {"billing": {"city": "billing_city", ...}, ...}
_PARTY_COLUMNS = {prefix: {name: f"{prefix}_{name}" for name in _PARTY_NAMES} for prefix in ("billing", "delivery")}
# HCS width of each address field: customers (kunden) and the delivery address of orders (auftraege).
_PARTY_WIDTHS = {
    table: {key: HCS_FIELD_WIDTHS[(table, key if table == "kunden" else f"liefer_{key}")]
            for key in ("firma", "vorname", "nachname", "strasse", "adresszusatz", "plz", "ort")}
    for table in ("kunden", "auftraege")
}


def _party(header: dict, prefix: str, table: str, messages: list[Message]) -> dict[str, str]:
    """Address block of the billing or delivery party, fitted to the HCS widths of ``table``."""
    columns = _PARTY_COLUMNS[prefix]
    widths = _PARTY_WIDTHS[table]

    def text(name: str, placeholder_empty: bool = False) -> str:
        column = columns[name]
        return clean_text(header.get(column), column, messages, placeholder_empty=placeholder_empty)

    firstname, lastname = text("firstname"), text("lastname")
    if not firstname and not lastname:
        full = text("name")
        firstname, _, lastname = full.rpartition(" ") if " " in full else ("", "", full)

    street, additional = _street_lines(text("street_address"), text("house_number"), text("additional_info"))
    suburb = text("suburb", placeholder_empty=True)
    if suburb and not additional:
        additional = suburb

    return {
        "firma": fit_width(text("company", placeholder_empty=True), widths["firma"], columns["company"], messages),
        "vorname": fit_width(firstname, widths["vorname"], columns["firstname"], messages),
        "nachname": fit_width(lastname, widths["nachname"], columns["lastname"], messages),
        "strasse": fit_width(street, widths["strasse"], columns["street_address"], messages),
        "adresszusatz": fit_width(additional, widths["adresszusatz"], columns["additional_info"], messages),
        "plz": _within_width(text("postcode"), widths["plz"], columns["postcode"], messages),
        "ort": fit_width(text("city"), widths["ort"], columns["city"], messages),
        "land": (header.get(columns["country_iso_code_2"]) or "").strip().upper(),
    }


def _street_lines(street: str, house_number: str, additional: str) -> tuple[str, str]:
    """Merge street and house number; a bare house number in the additional line moves up.

    With Gambio's split-street option the number is in ``*_house_number``; some checkouts put
    it into ``*_additional_info`` instead. A Packstation's Postnummer (six to ten digits) is
    not a house number and stays in the additional line.
    """
    if house_number:
        return f"{street} {house_number}".strip(), additional
    if additional and not re.search(r"\d", street) and _HOUSE_NUMBER.match(additional):
        return f"{street} {additional}".strip(), ""
    return street, additional


def _fit(table: str, column: str, field_name: str, text: str, messages: list[Message]) -> str:
    return fit_width(text, HCS_FIELD_WIDTHS[(table, column)], field_name, messages)


def _fit_strict(text: str, table: str, column: str, field_name: str, messages: list[Message]) -> str:
    """Values that lose their meaning when cut (e-mail, postcode, VAT id) are rejected instead."""
    return _within_width(text, HCS_FIELD_WIDTHS[(table, column)], field_name, messages)


def _within_width(text: str, width: int, field_name: str, messages: list[Message]) -> str:
    if len(text) > width:
        messages.append(message("field_too_long", field_name, text, width=width))
        return text[:width]
    return text


def line_sku(line: dict) -> tuple[str, str]:
    """Article number of a line and the Gambio column it came from (variant, attribute, product)."""
    for column in ("properties_combi_model", "combi_model", "attributes_model", "products_model"):
        value = (line.get(column) or "").strip()
        if value and value != "&nbsp;":
            return value, f"orders_products.{column}" if column != "attributes_model" else "products_attributes.attributes_model"
    return "", "orders_products.products_model"


def _line_positions(orders_id, lines, known_skus, unknown_sku_policy, allowed_vat_rates, max_unit_price, messages):
    positions: list[Position] = []
    checks: list[dict[str, object]] = []
    modes = set()

    if not lines:
        messages.append(message("no_lines", "orders_products", ""))

    for number, line in enumerate(lines, start=1):
        quantity = to_decimal(line.get("products_quantity"))
        unit_price = to_decimal(line.get("products_price"))
        final_price = to_decimal(line.get("final_price"))
        rate = to_decimal(line.get("products_tax")).quantize(RATE_PLACES)
        allow_tax = int(line.get("allow_tax") or 0)
        modes.add(allow_tax)
        sku, sku_field = line_sku(line)
        known = sku in known_skus
        expected_total = cents(unit_price * quantity)
        checks.append(
            {
                "orders_id": orders_id,
                "line": number,
                "products_quantity": quantity,
                "products_price": unit_price,
                "final_price": final_price,
                "final_price_difference": abs(cents(final_price) - expected_total),
                "expected_total": expected_total,
                "products_tax": rate,
                "sku": sku,
                "sku_field": sku_field,
                "sku_known": known or unknown_sku_policy == "free_text",
            }
        )

        name = clean_text(line.get("products_name"), "orders_products.products_name", messages)
        details = line.get("properties_text") or line.get("attributes_text") or ""
        if details:
            name = f"{name} ({clean_text(details, 'orders_products_properties', messages)})"
        width = HCS_FIELD_WIDTHS[("auftragspositionen", "bezeichnung")]
        if known:
            # The article number identifies the article in HCS; a shortened name loses nothing.
            name = name[:width].rstrip()
        else:
            name = _fit("auftragspositionen", "bezeichnung", "orders_products.products_name", name, messages)

        if known:
            kind, article = "Artikel", sku
        else:
            kind, article = "Freitext", None
            if unknown_sku_policy == "free_text":
                messages.append(message("free_text_position", sku_field, sku or "—", line=number))

        unit_gross = unit_price if allow_tax else (unit_price * (100 + rate) / 100).quantize(Decimal("0.0001"))
        positions.append(
            Position(kind, article, name, quantity, unit_gross, rate, cents(final_price))
        )

    if len(modes) > 1:
        messages.append(message("mixed_price_mode", "orders_products.allow_tax", "0/1"))
    price_mode = "net" if modes == {0} else "gross"
    return positions, checks, price_mode


def _total_positions(totals, line_positions, messages):
    """Positions for coupons, discounts and vouchers, the fees to place, and the ot_total value.

    Coupons and discounts are split over the lines' VAT rates in proportion to their amounts.
    Shipping and fees are returned as (kind, label, amount) for :func:`_place_fees`.
    """
    weights = _rate_weights(line_positions)
    ot_total = None
    positions: list[Position] = []
    fees: list[tuple[str, str, Decimal]] = []
    for row in totals:
        total_class = (row.get("class") or "").strip()
        value = to_decimal(row.get("value"))
        if total_class == "ot_total":
            ot_total = cents(value)
            continue
        if total_class in INFORMATIONAL_TOTALS:
            continue
        if total_class == GIFT_VOUCHER_TOTAL:
            amount = -cents(abs(value))
            positions.append(Position("Gutschein", None, "Geschenkgutschein", Decimal(1), amount, Decimal("0.00"), amount))
            continue
        if total_class not in SPLIT_TOTALS:
            if value != 0:
                messages.append(message("unknown_total_class", f"orders_total.{total_class}", cents(value)))
            continue

        kind, label = SPLIT_TOTALS[total_class]
        amount = cents(value)
        if total_class in ("ot_coupon", "ot_discount"):
            positions.extend(_split_positions(kind, label, -abs(amount), weights))
        else:
            fees.append((kind, label, amount))

    if ot_total is None:
        messages.append(message("total_missing", "orders_total.ot_total", ""))
    return ot_total, positions, fees


def _rate_weights(line_positions: list[Position]) -> dict[Decimal, Decimal]:
    weights: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for position in line_positions:
        weights[position.mwst_satz] += position.betrag_brutto
    if not weights:
        weights[Decimal("19.00")] = ZERO
    return weights


def _split_positions(kind: str, label: str, amount: Decimal, weights: dict[Decimal, Decimal]) -> list[Position]:
    positions = []
    for rate, part in sorted(split_proportionally(amount, weights).items(), reverse=True):
        title = label if len(weights) == 1 else f"{label} {_plain(rate)} %"
        positions.append(Position(kind, None, title, Decimal(1), part, rate, part))
    return positions


def _place_fees(base: list[Position], fees, tax_sums, price_mode: str,
                fee_rate: Decimal | None) -> tuple[list[Position], dict]:
    """Add the shipping and fee positions at the VAT rate the shop used, and settle all positions.

    Gambio taxes shipping with the tax class of the shipping module (often 19 % even for 7 %
    goods), while the usual German rule splits it over the goods' rates. With ``fee_rate``
    set, that rate is used. Otherwise the shop's own tax sums decide: the proportional split
    is tried first, then each rate of the tax sums, and the first placement whose VAT per
    rate matches them is taken. Without tax sums the split is proportional.
    """
    weights = _rate_weights([p for p in base if p.positionsart in ("Artikel", "Freitext")])
    candidates: list[Decimal | None] = [fee_rate] if fee_rate is not None else [None]
    if fee_rate is None and fees and tax_sums:
        shop_rates = sorted({to_decimal(row.get("tax_rate")).quantize(RATE_PLACES) for row in tax_sums}, reverse=True)
        candidates += shop_rates

    # Later candidates start again from the unsettled positions, so those are copied.
    copy = len(candidates) > 1
    shop_taxes = _shop_taxes(tax_sums)
    first = None
    for candidate in candidates:
        placed = _placement(base, fees, weights, candidate, price_mode, copy)
        worst = _tax_comparison(placed, shop_taxes)
        if worst["excess"] <= 0:
            return placed, worst
        first = first or (placed, worst)
    # No placement matches the shop's tax sums: keep the first one; the tax check reports it.
    return first


def _placement(base, fees, weights, rate: Decimal | None, price_mode: str, copy: bool) -> list[Position]:
    placed = [_copy_position(p) for p in base] if copy else list(base)
    for kind, label, amount in fees:
        if rate is None:
            placed.extend(_split_positions(kind, label, amount, weights))
        else:
            placed.append(Position(kind, None, label, Decimal(1), amount, rate, amount))
    _settle_positions(placed, price_mode)
    return placed


def _copy_position(p: Position) -> Position:
    # Faster than dataclasses.replace, which matters at one call per position and candidate.
    return Position(p.positionsart, p.artikel_nr, p.bezeichnung, p.menge, p.einzelpreis_brutto, p.mwst_satz,
                    p.betrag_brutto, p.betrag_netto, p.mwst_betrag)


def _settle_positions(positions: list[Position], price_mode: str) -> None:
    """Fill net and VAT of every position so that they add up per rate without a cent lost.

    The per-rate figures are computed from the rate's sum (net and VAT derived from the gross
    total, or VAT added to the net total); the rounding difference against the per-position
    figures goes to the position with the largest amount at that rate.
    """
    by_rate: dict[Decimal, list[Position]] = defaultdict(list)
    for position in positions:
        by_rate[position.mwst_satz].append(position)

    for rate, group in by_rate.items():
        amount_sum = sum((p.betrag_brutto for p in group), ZERO)
        if price_mode == "gross":
            rate_net = net_from_gross(amount_sum, rate)
            rate_gross = amount_sum
            for p in group:
                p.betrag_netto = net_from_gross(p.betrag_brutto, rate)
        else:
            rate_net = amount_sum
            rate_gross = amount_sum + vat_from_net(amount_sum, rate)
            for p in group:
                p.betrag_netto = p.betrag_brutto
                p.betrag_brutto = p.betrag_netto + vat_from_net(p.betrag_netto, rate)

        largest = max(group, key=lambda p: abs(p.betrag_brutto))
        largest.betrag_brutto += rate_gross - sum((p.betrag_brutto for p in group), ZERO)
        largest.betrag_netto += rate_net - sum((p.betrag_netto for p in group), ZERO)
        for p in group:
            p.mwst_betrag = p.betrag_brutto - p.betrag_netto


def _shop_taxes(tax_sums: list[dict]) -> list[tuple[Decimal, Decimal]]:
    """Return the shop's VAT per rate as (rate, cents) pairs, from orders_tax_sum_items."""
    return [(to_decimal(row.get("tax_rate")).quantize(RATE_PLACES), cents(to_decimal(row.get("tax"))))
            for row in tax_sums]


def _tax_comparison(positions: list[Position], shop_taxes: list[tuple[Decimal, Decimal]]) -> dict:
    """Find the rate whose VAT differs most from the shop's tax sums, beyond one cent per position."""
    worst = {"rate": "", "expected": "", "value": "", "excess": ZERO}
    if not shop_taxes:
        return worst
    vat_by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    count_by_rate: dict[Decimal, int] = defaultdict(int)
    for position in positions:
        vat_by_rate[position.mwst_satz] += position.mwst_betrag
        count_by_rate[position.mwst_satz] += 1

    for rate, shop_tax in shop_taxes:
        ours = vat_by_rate.get(rate, ZERO)
        # Gambio rounds VAT per line, the bridge per rate: allow one cent per position.
        excess = abs(shop_tax - ours) - CENT * max(count_by_rate.get(rate, 0), 1)
        if excess > worst["excess"]:
            worst = {"rate": _plain(rate), "expected": f"{ours:.2f}", "value": f"{shop_tax:.2f}", "excess": excess}
    return worst


def _order_checks(order: ImportOrder, header: dict, price_mode: str, worst_tax: dict) -> dict[str, object]:
    """Per-order figures the Great Expectations suite checks."""
    difference = None if order.ot_total is None else order.summe_brutto - order.ot_total
    return {
        "orders_id": order.orders_id,
        "delivery_lastname": order.lieferung["nachname"] or order.lieferung["firma"],
        "delivery_street_address": order.lieferung["strasse"],
        "delivery_postcode": order.lieferung["plz"],
        "delivery_city": order.lieferung["ort"],
        "delivery_country_iso_code_2": order.lieferung["land"],
        "billing_country_iso_code_2": order.kunde["land"],
        "currency": order.waehrung,
        "line_count": order.shop_positionen,
        "totals_difference": difference if difference is not None else ZERO,
        "has_total": order.ot_total is not None,
        "tax_excess": worst_tax["excess"],
        "tax_detail": worst_tax,
        "price_mode": price_mode,
        "date_purchased": header.get("date_purchased"),
    }


def _plain(value: Decimal) -> str:
    """Decimal without trailing zeros or exponent: 19.00 -> 19, 5.50 -> 5.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
