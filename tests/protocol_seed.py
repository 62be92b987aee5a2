"""Import-log rows of one import run, with their HCS orders, for the protocol tests.

The run has two imported orders (one with a fractional quantity, a voucher and a
shortened-field warning), one rejected order with two reasons, one already present order
and one order that grew after its import. A second run exists so that tests see the
filter by lauf_id work.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from gambio_hcs_bridge.messages import dump_messages, message

LAUF_ID = "scheduled__2025-03-05T06:00:00+00:00"
OTHER_LAUF_ID = "manual__2025-03-04T10:00:00+00:00"

HYPERLINK_CUSTOMER = '=HYPERLINK("http://x")'
PHONE_CUSTOMER = "+49 170"

_KUNDE = (
    "INSERT INTO kunden (kunden_nr, suchschluessel, firma, vorname, nachname, ort, land, angelegt_am) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_AUFTRAG = (
    "INSERT INTO auftraege (auftrag_nr, shop_bestellnr, kunden_nr, auftragsdatum, marktplatz, "
    "marktplatz_bestellnr, summe_netto, summe_mwst, summe_brutto, shop_positionen, shop_fingerabdruck, "
    "importiert_am, import_lauf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_POSITION = (
    "INSERT INTO auftragspositionen (auftrag_nr, pos_nr, positionsart, artikel_nr, bezeichnung, menge, "
    "einzelpreis_brutto, mwst_satz, betrag_brutto, betrag_netto, mwst_betrag) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_PROTOKOLL = (
    "INSERT INTO import_protokoll (lauf_id, shop_bestellnr, ergebnis, auftrag_nr, marktplatz, "
    "marktplatz_bestellnr, kunde, summe_brutto, meldungen, protokolliert_am) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

LOGGED_AT = datetime(2025, 3, 5, 7, 0, 5)


def seed_protocol_run(conn) -> None:
    """Insert the orders and import-log rows described in the module docstring and commit."""
    d = Decimal
    cursor = conn.cursor()
    created = datetime(2025, 3, 5, 7, 0, 0)

    cursor.execute(_KUNDE, (10001, "a" * 40, "", "Jürgen", "Müßig-Çelik", "Köln", "DE", created))
    cursor.execute(_KUNDE, (10002, "b" * 40, HYPERLINK_CUSTOMER, "Max", "Muster", "Berlin", "DE", created))

    cursor.execute(
        _AUFTRAG,
        (200001, 5001, 10001, datetime(2025, 3, 5, 0, 30), "ebay", "12-34567-89012\n12-34567-89013",
         d("115.46"), d("21.94"), d("137.40"), 1, "f" * 40, created, LAUF_ID),
    )
    cursor.execute(_POSITION, (200001, 1, "Artikel", "A-100", "Tasse", d("12"), d("11.45"), d("19"), d("137.40"), d("115.46"), d("21.94")))

    cursor.execute(
        _AUFTRAG,
        (200002, 5002, 10002, datetime(2025, 3, 5, 6, 15), "amazon", "303-1234567-1234567",
         d("21.31"), d("1.49"), d("22.80"), 3, "e" * 40, created, LAUF_ID),
    )
    positions = [
        (1, "Artikel", "B-7", "Buch", d("2"), d("9.95"), d("7"), d("19.90"), d("18.60"), d("1.30")),
        (2, "Artikel", "C-1", "Mehl lose", d("1.5"), d("2.0000"), d("7"), d("3.00"), d("2.80"), d("0.20")),
        (3, "Versand", None, "Versand DHL", d("1"), d("4.90"), d("7"), d("4.90"), d("4.58"), d("0.32")),
        (4, "Gutschein", None, "Gutschein", d("1"), d("-5.00"), d("7"), d("-5.00"), d("-4.67"), d("-0.33")),
    ]
    for position in positions:
        cursor.execute(_POSITION, (200002, *position))

    shortened = message("field_shortened", "delivery_company", HYPERLINK_CUSTOMER, width=50)
    reasons = [
        message("missing_field", "delivery_postcode"),
        message("invalid_country", "delivery_country_iso_code_2", "XX"),
    ]
    grown = message("order_grown", "", "1 neue Position", order=199980)
    log_rows = [
        (LAUF_ID, 5001, "importiert", 200001, "ebay", "12-34567-89012\n12-34567-89013", "Jürgen Müßig-Çelik", d("137.40"), "", LOGGED_AT),
        (LAUF_ID, 5002, "importiert", 200002, "amazon", "303-1234567-1234567", HYPERLINK_CUSTOMER, d("22.80"), dump_messages([shortened]), LOGGED_AT),
        (LAUF_ID, 5003, "abgelehnt", None, "hitmeister", "K-1", PHONE_CUSTOMER, d("59.00"), dump_messages(reasons), LOGGED_AT),
        (LAUF_ID, 4999, "vorhanden", 199990, "", "", "Erika Mustermann", None, "", LOGGED_AT),
        (LAUF_ID, 4998, "gewachsen", 199980, "ebay", "111\n222", "Hans Huber", d("80.00"), dump_messages([grown]), LOGGED_AT),
        (OTHER_LAUF_ID, 4000, "importiert", 199000, "otto", "O-1", "Otto Normal", d("10.00"), "", datetime(2025, 3, 4, 10, 0, 5)),
    ]
    for row in log_rows:
        cursor.execute(_PROTOKOLL, row)
    conn.commit()
    cursor.close()


def insert_log_row(conn, lauf_id: str, shop_bestellnr: int, ergebnis: str, meldungen: str = "", **values) -> None:
    """Insert one import-log row with defaults for the columns not given, and commit."""
    row = {
        "auftrag_nr": None,
        "marktplatz": "",
        "marktplatz_bestellnr": "",
        "kunde": "",
        "summe_brutto": None,
        "protokolliert_am": LOGGED_AT,
        **values,
    }
    cursor = conn.cursor()
    cursor.execute(
        _PROTOKOLL,
        (lauf_id, shop_bestellnr, ergebnis, row["auftrag_nr"], row["marktplatz"], row["marktplatz_bestellnr"],
         row["kunde"], row["summe_brutto"], meldungen, row["protokolliert_am"]),
    )
    conn.commit()
    cursor.close()
