"""Declared widths of the text columns of the reference HCS schema (``hcs/schema.sql``).

Code that shortens shop text to fit HCS reads the width here instead of repeating it.
tests/test_hcs_schema.py checks this map against the widths the databases report, so a
change to schema.sql without a change here fails the tests.
"""

from __future__ import annotations

# (table, column) -> maximum length in characters, for every VARCHAR and CHAR column of
# the tables the bridge and the HCS user tool write text into.
HCS_FIELD_WIDTHS: dict[tuple[str, str], int] = {
    ("kunden", "suchschluessel"): 40,
    ("kunden", "firma"): 50,
    ("kunden", "vorname"): 40,
    ("kunden", "nachname"): 40,
    ("kunden", "strasse"): 50,
    ("kunden", "adresszusatz"): 50,
    ("kunden", "plz"): 10,
    ("kunden", "ort"): 40,
    ("kunden", "land"): 2,
    ("kunden", "email"): 96,
    ("kunden", "telefon"): 30,
    ("kunden", "ustid"): 20,
    ("auftraege", "marktplatz"): 20,
    ("auftraege", "marktplatz_konto"): 20,
    ("auftraege", "marktplatz_bestellnr"): 1000,
    ("auftraege", "liefer_firma"): 50,
    ("auftraege", "liefer_vorname"): 40,
    ("auftraege", "liefer_nachname"): 40,
    ("auftraege", "liefer_strasse"): 50,
    ("auftraege", "liefer_adresszusatz"): 50,
    ("auftraege", "liefer_plz"): 10,
    ("auftraege", "liefer_ort"): 40,
    ("auftraege", "liefer_land"): 2,
    ("auftraege", "ustid"): 20,
    ("auftraege", "waehrung"): 3,
    ("auftraege", "zahlungsart"): 100,
    ("auftraege", "versandart"): 100,
    ("auftraege", "bemerkung"): 1000,
    ("auftraege", "shop_fingerabdruck"): 40,
    ("auftraege", "import_lauf"): 250,
    ("auftragspositionen", "positionsart"): 12,
    ("auftragspositionen", "artikel_nr"): 30,
    ("auftragspositionen", "bezeichnung"): 60,
    ("artikel", "artikel_nr"): 30,
    ("artikel", "bezeichnung"): 60,
    ("artikel", "ean"): 20,
    ("belege", "belegart"): 20,
    ("belege", "belegnummer"): 20,
    ("belege", "sendungsnummer"): 64,
    ("belege", "versanddienstleister"): 40,
}

HCS_FIELD_TABLES: frozenset[str] = frozenset(table for table, _ in HCS_FIELD_WIDTHS)
