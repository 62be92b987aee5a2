"""The compact form in which the validate task hands an order to the load task.

A built :class:`ImportOrder` is a tree of dataclasses holding many ``Decimal`` values, and
pickling that tree into the run files took longer than building it. The validate task stores
each order as a :class:`LoadOrder` instead: tuples of ``str``, ``int`` and ``datetime`` in
the field orders below, money as exact decimal text ("16.31", never an exponent). Both ODBC
drivers store that text in a DECIMAL column exactly as they store the ``Decimal``.

The load task binds these tuples by name (:func:`gambio_hcs_bridge.sql.qmark_picker`), so a
site's overridden INSERT may name the columns in any order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from gambio_hcs_bridge.importer.transform import ImportOrder
from gambio_hcs_bridge.messages import Message

# Customer master data, in this order in LoadOrder.kunde.
KUNDE_FIELDS = (
    "firma", "vorname", "nachname", "strasse", "adresszusatz", "plz", "ort", "land", "email", "telefon", "ustid",
)

# Order header columns known after validation, in this order in LoadOrder.header. The load
# task adds auftrag_nr, kunden_nr, importiert_am and import_lauf.
HEADER_FIELDS = (
    "shop_bestellnr", "auftragsdatum", "marktplatz", "marktplatz_konto", "marktplatz_bestellnr",
    "versand_durch_marktplatz", "liefer_firma", "liefer_vorname", "liefer_nachname", "liefer_strasse",
    "liefer_adresszusatz", "liefer_plz", "liefer_ort", "liefer_land", "ustid", "waehrung", "zahlungsart",
    "versandart", "bemerkung", "summe_netto", "summe_mwst", "summe_brutto", "shop_positionen",
    "shop_fingerabdruck",
)
AUFTRAGSDATUM = HEADER_FIELDS.index("auftragsdatum")

# One position, in this order in each tuple of LoadOrder.positions; the load task puts
# auftrag_nr and pos_nr in front.
POSITION_FIELDS = (
    "positionsart", "artikel_nr", "bezeichnung", "menge", "einzelpreis_brutto", "mwst_satz",
    "betrag_brutto", "betrag_netto", "mwst_betrag",
)

_DELIVERY_KEYS = ("firma", "vorname", "nachname", "strasse", "adresszusatz", "plz", "ort", "land")


class LoadOrder(NamedTuple):
    """One validated order as plain values. ``messages`` contains its warnings, or the reasons it was set aside."""

    orders_id: int
    kunden_suchschluessel: str
    kunde: tuple
    header: tuple
    positions: tuple[tuple, ...]
    marktplatz: str
    marktplatz_bestellnr: str
    kunde_anzeige: str
    summe_brutto: str
    messages: tuple[Message, ...]

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.is_error]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if not m.is_error]


def money_text(value: Decimal) -> str:
    """Return plain decimal text of ``value``: 16.31, -5.00, 0.0000; never an exponent."""
    text = str(value)
    # str() is several times faster than format(); only values such as 1E+2 need the latter.
    return f"{value:f}" if "E" in text else text


def to_load_order(order: ImportOrder) -> LoadOrder:
    """Flatten a built and validated order into the tuples the load task writes."""
    kunde = order.kunde
    delivery = order.lieferung
    marketplace_ids = "\n".join(order.marktplatz_bestellnr)
    header = (
        order.orders_id,
        order.auftragsdatum,
        order.marktplatz,
        order.marktplatz_konto,
        marketplace_ids,
        1 if order.versand_durch_marktplatz else 0,
        *(delivery[key] for key in _DELIVERY_KEYS),
        order.ustid,
        order.waehrung,
        order.zahlungsart,
        order.versandart,
        order.bemerkung,
        money_text(order.summe_netto),
        money_text(order.summe_mwst),
        money_text(order.summe_brutto),
        order.shop_positionen,
        order.fingerprint,
    )
    positions = tuple(
        (
            p.positionsart,
            p.artikel_nr,
            p.bezeichnung,
            money_text(p.menge),
            money_text(p.einzelpreis_brutto),
            money_text(p.mwst_satz),
            money_text(p.betrag_brutto),
            money_text(p.betrag_netto),
            money_text(p.mwst_betrag),
        )
        for p in order.positions
    )
    return LoadOrder(
        orders_id=order.orders_id,
        kunden_suchschluessel=order.kunden_suchschluessel,
        kunde=tuple(kunde[key] for key in KUNDE_FIELDS),
        header=header,
        positions=positions,
        marktplatz=order.marktplatz,
        marktplatz_bestellnr=marketplace_ids,
        kunde_anzeige=order.kunde_anzeige,
        summe_brutto=money_text(order.summe_brutto),
        messages=tuple(order.messages),
    )
