"""The reference HCS schema on both ODBC drivers: tables, number ranges, money, field widths."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from gambio_hcs_bridge.hcs_fields import HCS_FIELD_TABLES, HCS_FIELD_WIDTHS
from gambio_hcs_bridge.hcs_numbers import allocate_numbers

HCS_TABLES = {
    "nummernkreise",
    "kunden",
    "artikel",
    "auftraege",
    "auftragspositionen",
    "belege",
    "lagerbewegungen",
    "import_protokoll",
    "shop_abweichungen",
}

CREATED_AT = datetime(2024, 3, 31, 2, 30, 15)


def _is_sqlite(hcs_connection: dict) -> bool:
    return hcs_connection["extra"]["driver"] == "SQLite3"


def test_schema_creates_every_table(hcs_db):
    tables = {row.table_name.lower() for row in hcs_db.cursor().tables(tableType="TABLE")}

    assert HCS_TABLES <= tables


def test_number_ranges_start_values(hcs_db):
    cursor = hcs_db.cursor()
    cursor.execute("SELECT nummernkreis, letzte_nr FROM nummernkreise")
    last_numbers = {name: int(last) for name, last in cursor.fetchall()}

    assert last_numbers["kunde"] == 10000
    assert last_numbers["auftrag"] == 200000
    assert last_numbers["beleg"] == 500000
    assert last_numbers["lagerbewegung"] == 0


def test_number_ranges_first_numbers(hcs_db):
    cursor = hcs_db.cursor()

    assert allocate_numbers(cursor, "kunde", 1) == 10001
    assert allocate_numbers(cursor, "auftrag", 1) == 200001
    assert allocate_numbers(cursor, "beleg", 1) == 500001


def test_money_round_trips_exactly(hcs_db):
    cursor = hcs_db.cursor()
    prices = [Decimal("137.40"), Decimal("0.10"), Decimal("9999999999.99"), Decimal("-19.99")]
    for index, price in enumerate(prices):
        cursor.execute(
            "INSERT INTO artikel (artikel_nr, vk_brutto, bestand, geaendert_am) VALUES (?, ?, ?, ?)",
            (f"M-{index}", price, Decimal("2.5"), CREATED_AT),
        )
    hcs_db.commit()

    cursor.execute("SELECT artikel_nr, vk_brutto, bestand, geaendert_am FROM artikel ORDER BY artikel_nr")
    rows = cursor.fetchall()

    # SQLite's ODBC driver returns DECIMAL as str, MariaDB's as Decimal; both must compare exactly.
    assert [Decimal(str(row.vk_brutto)) for row in rows] == prices
    assert {Decimal(str(row.bestand)) for row in rows} == {Decimal("2.5")}
    assert {row.geaendert_am for row in rows} == {CREATED_AT}


def test_money_in_order_round_trips_exactly(hcs_db):
    cursor = hcs_db.cursor()
    cursor.execute(
        "INSERT INTO auftraege (auftrag_nr, shop_bestellnr, kunden_nr, auftragsdatum, summe_netto,"
        " summe_mwst, summe_brutto, shop_positionen, shop_fingerabdruck, importiert_am, import_lauf)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            200001,
            400210,
            10001,
            CREATED_AT,
            Decimal("115.46"),
            Decimal("21.94"),
            Decimal("137.40"),
            1,
            "0" * 40,
            CREATED_AT,
            "manual__2024-03-31",
        ),
    )
    hcs_db.commit()

    cursor.execute("SELECT summe_netto, summe_mwst, summe_brutto FROM auftraege WHERE auftrag_nr = ?", (200001,))
    netto, mwst, brutto = (Decimal(str(value)) for value in cursor.fetchone())

    assert brutto == Decimal("137.40")
    assert netto == Decimal("115.46")
    assert mwst == Decimal("21.94")
    assert netto + mwst == brutto


def _declared_widths_odbc_catalog(conn) -> dict[tuple[str, str], int]:
    widths = {}
    cursor = conn.cursor()
    for table in sorted(HCS_FIELD_TABLES):
        for column in cursor.columns(table=table).fetchall():
            type_name = column.type_name.upper()
            if type_name.startswith(("VARCHAR", "CHAR")):
                widths[(table, column.column_name.lower())] = int(column.column_size)
    return widths


@pytest.mark.parametrize("hcs_connection", ["mariadb"], indirect=True)
def test_field_widths_match_information_schema(hcs_db):
    placeholders = ", ".join("?" for _ in HCS_FIELD_TABLES)
    cursor = hcs_db.cursor()
    cursor.execute(
        "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS"
        " WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE IN ('varchar', 'char')"
        f" AND TABLE_NAME IN ({placeholders})",
        tuple(sorted(HCS_FIELD_TABLES)),
    )
    declared = {(table.lower(), column.lower()): int(width) for table, column, width in cursor.fetchall()}

    assert HCS_FIELD_TABLES == {"kunden", "auftraege", "auftragspositionen", "artikel", "belege"}
    assert declared == HCS_FIELD_WIDTHS


def test_field_widths_match_odbc_catalog(hcs_db):
    assert _declared_widths_odbc_catalog(hcs_db) == HCS_FIELD_WIDTHS
