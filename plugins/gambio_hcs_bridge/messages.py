"""Rejection reasons and warnings about single orders, in German (default) and English.

A message is stored as a small dict ``{"code", "field", "value", ...}`` in the HCS
import log, so the protocol of a past run can be rendered again in either language.
Texts are for the shop staff and HCS users; log lines stay English.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
import dataclasses
from dataclasses import asdict, dataclass

# code -> (kind, German template, English template). kind is "error" (the order is set
# aside) or "warning" (the order is imported, the protocol lists the note).
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "missing_field": (
        "error",
        "Pflichtfeld {field} ist leer.",
        "Required field {field} is empty.",
    ),
    "invalid_country": (
        "error",
        "{field} enthält den Ländercode „{value}“, der kein gültiger ISO-3166-Code ist.",
        "{field} holds the country code '{value}', which is not a valid ISO 3166 code.",
    ),
    "no_lines": (
        "error",
        "Die Bestellung hat keine Artikelpositionen (orders_products).",
        "The order has no article lines (orders_products).",
    ),
    "quantity_not_positive": (
        "error",
        "Position {line}: Menge {value} in {field} ist nicht größer als 0.",
        "Line {line}: quantity {value} in {field} is not above 0.",
    ),
    "price_implausible": (
        "error",
        "Position {line}: Preis {value} in {field} ist unplausibel (erlaubt 0 bis {limit}).",
        "Line {line}: price {value} in {field} is implausible (allowed 0 to {limit}).",
    ),
    "line_total_mismatch": (
        "error",
        "Position {line}: final_price {value} passt nicht zu Menge × products_price ({expected}).",
        "Line {line}: final_price {value} does not match quantity × products_price ({expected}).",
    ),
    "vat_rate_invalid": (
        "error",
        "Position {line}: Steuersatz {value} % in {field} ist nicht zulässig (erlaubt: {allowed}).",
        "Line {line}: VAT rate {value} % in {field} is not allowed (allowed: {allowed}).",
    ),
    "totals_mismatch": (
        "error",
        "Summe aus Positionen, Versand, Gebühren, Gutscheinen und Rabatten ({expected}) weicht von "
        "ot_total ({value}) um {difference} ab.",
        "Lines, shipping, fees, coupons and discounts add up to {expected}, but ot_total is {value} "
        "(difference {difference}).",
    ),
    "tax_mismatch": (
        "error",
        "Mehrwertsteuer zu {rate} %: aus den Positionen ergeben sich {expected}, ot_tax weist {value} aus.",
        "VAT at {rate} %: the lines give {expected}, but ot_tax shows {value}.",
    ),
    "total_missing": (
        "error",
        "Die Bestellung hat keine Gesamtsumme (orders_total mit class ot_total).",
        "The order has no grand total (orders_total with class ot_total).",
    ),
    "unknown_total_class": (
        "error",
        "Summenzeile {field} mit Betrag {value} ist unbekannt und kann nicht übernommen werden.",
        "Total line {field} with amount {value} is unknown and cannot be imported.",
    ),
    "unknown_sku": (
        "error",
        "Position {line}: Artikelnummer „{value}“ ({field}) ist in HCS nicht angelegt.",
        "Line {line}: article number '{value}' ({field}) does not exist in HCS.",
    ),
    "currency_unsupported": (
        "error",
        "Währung {value} wird nicht unterstützt; HCS führt Aufträge in EUR.",
        "Currency {value} is not supported; HCS keeps orders in EUR.",
    ),
    "field_too_long": (
        "error",
        "{field} „{value}“ ist länger als das HCS-Feld ({width} Zeichen) und kann nicht gekürzt werden.",
        "{field} '{value}' is longer than the HCS field ({width} characters) and cannot be shortened.",
    ),
    "mixed_price_mode": (
        "error",
        "Die Positionen mischen Brutto- und Nettopreise (allow_tax 0 und 1).",
        "The lines mix gross and net prices (allow_tax 0 and 1).",
    ),
    "hcs_write_failed": (
        "error",
        "HCS hat den Auftrag nicht angenommen: {value}",
        "HCS rejected the order: {value}",
    ),
    "invalid_email": (
        "error",
        "E-Mail-Adresse „{value}“ in {field} ist ungültig.",
        "E-mail address '{value}' in {field} is invalid.",
    ),
    "field_shortened": (
        "warning",
        "{field} war länger als das HCS-Feld ({width} Zeichen) und wurde gekürzt: „{value}“.",
        "{field} was longer than the HCS field ({width} characters) and was shortened: '{value}'.",
    ),
    "encoding_repaired": (
        "warning",
        "{field} war doppelt kodiert und wurde repariert: „{value}“.",
        "{field} was double-encoded and has been repaired: '{value}'.",
    ),
    "encoding_suspect": (
        "warning",
        "{field} enthält vermutlich falsch kodierte Umlaute: „{value}“. Bitte prüfen.",
        "{field} probably contains wrongly encoded umlauts: '{value}'. Please check.",
    ),
    "characters_replaced": (
        "warning",
        "{field} enthielt Zeichen, die HCS nicht speichern kann (z. B. Emoji); sie wurden durch „�“ ersetzt.",
        "{field} contained characters HCS cannot store (such as emoji); they were replaced by '�'.",
    ),
    "free_text_position": (
        "warning",
        "Position {line}: Artikelnummer „{value}“ ist in HCS nicht angelegt und wurde als Freitextposition übernommen.",
        "Line {line}: article number '{value}' does not exist in HCS and was imported as a free-text line.",
    ),
    "order_grown": (
        "warning",
        "Die Bestellung wurde nach der Übernahme im Shop geändert ({value}); HCS-Auftrag {order} bitte von Hand anpassen.",
        "The order changed in the shop after its import ({value}); please adjust HCS order {order} by hand.",
    ),
    "status_write_failed": (
        "warning",
        "Der Status „An HCS übergeben“ konnte nicht geschrieben werden; der nächste Lauf holt das nach.",
        "The status 'An HCS übergeben' could not be written; the next run will catch up.",
    ),
}


@dataclass(frozen=True)
class Message:
    """One rejection reason or warning about one order."""

    code: str
    field: str = ""
    value: str = ""
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def kind(self) -> str:
        return CATALOGUE[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.kind == "error"

    def render(self, language: str = "de") -> str:
        _, german, english = CATALOGUE[self.code]
        template = german if language == "de" else english
        return template.format(field=self.field, value=self.value, **dict(self.params))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["params"] = dict(self.params)
        return data


def message(code: str, field: str = "", value: object = "", **params: object) -> Message:
    if code not in CATALOGUE:
        raise KeyError(f"unknown message code {code}")
    return Message(code, field, "" if value is None else str(value), {k: str(v) for k, v in params.items()})


def dump_messages(messages: Iterable[Message]) -> str:
    items = [m.to_dict() for m in messages]
    # Most imported orders have no warning; json.dumps costs microseconds per call.
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")) if items else "[]"


def load_messages(text: str | None) -> list[Message]:
    if not text:
        return []
    return [
        Message(item["code"], item.get("field", ""), item.get("value", ""), item.get("params", {}))
        for item in json.loads(text)
    ]
