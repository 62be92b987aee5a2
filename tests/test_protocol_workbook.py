"""The Übernahme-Protokoll workbook, built from a seeded HCS database on both ODBC drivers."""

from __future__ import annotations

import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gambio_hcs_bridge.messages import dump_messages, message
from gambio_hcs_bridge.reporting.protocol import build_protocol, list_runs
from protocol_seed import (
    HYPERLINK_CUSTOMER,
    LAUF_ID,
    OTHER_LAUF_ID,
    PHONE_CUSTOMER,
    insert_log_row,
    seed_protocol_run,
)

GERMAN_SHEETS = ["Zusammenfassung", "Importiert", "Positionen", "Abgelehnt", "Hinweise", "Bereits vorhanden"]
ENGLISH_SHEETS = ["Summary", "Imported", "Positions", "Rejected", "Warnings", "Already present"]


@pytest.fixture
def seeded(hcs_db):
    seed_protocol_run(hcs_db)
    return hcs_db


@pytest.fixture
def german(seeded, tmp_path):
    summary = build_protocol(seeded, LAUF_ID, "de", tmp_path / "protokoll.xlsx")
    return summary, load_workbook(summary.path)


def header(sheet) -> list:
    return [cell.value for cell in sheet[1]]


def test_summary_counts(german):
    summary, _ = german
    assert summary.imported == 2
    assert summary.rejected == 1
    assert summary.present == 1
    assert summary.grown == 1
    assert summary.warnings == 2
    assert summary.total_gross == Decimal("160.20")
    assert summary.needs_mail is True
    assert summary.lauf_id == LAUF_ID


def test_sheet_names_german(german):
    _, workbook = german
    assert workbook.sheetnames == GERMAN_SHEETS


def test_every_sheet_frozen_and_filtered(german):
    _, workbook = german
    expected_filters = {
        "Zusammenfassung": "A1:B11",
        "Importiert": "A1:J3",
        "Positionen": "A1:L6",
        "Abgelehnt": "A1:G3",
        "Hinweise": "A1:I3",
        "Bereits vorhanden": "A1:E2",
    }
    for title, ref in expected_filters.items():
        assert workbook[title].freeze_panes == "A2", title
        assert workbook[title].auto_filter.ref == ref, title
        assert workbook[title]["A1"].font.bold is True, title


def test_summary_sheet_values(german):
    summary, workbook = german
    sheet = workbook["Zusammenfassung"]
    assert header(sheet) == ["Angabe", "Wert"]
    values = {sheet.cell(row, 1).value: sheet.cell(row, 2) for row in range(2, sheet.max_row + 1)}
    assert values["Lauf-ID (Airflow)"].value == LAUF_ID
    assert values["Erstellt am"].value == summary.created_at
    assert values["Erstellt am"].number_format == "DD.MM.YYYY HH:MM"
    assert values["Import protokolliert am"].value == datetime(2025, 3, 5, 7, 0, 5)
    assert values["Importiert"].value == 2
    assert values["Abgelehnt"].value == 1
    assert values["Bereits vorhanden"].value == 1
    assert values["Nach Übernahme geändert"].value == 1
    assert values["Bestellungen gesamt"].value == 5
    assert values["Summe brutto der importierten Aufträge"].value == 160.2
    assert values["Summe brutto der importierten Aufträge"].number_format == "#,##0.00 €"
    assert values["Hinweise"].value == 2


def test_created_at_is_shop_local_time(german):
    summary, _ = german
    from zoneinfo import ZoneInfo

    berlin_now = datetime.now(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
    assert abs(berlin_now - summary.created_at) < timedelta(minutes=2)


def test_imported_sheet(german):
    _, workbook = german
    sheet = workbook["Importiert"]
    assert header(sheet) == [
        "Shop-Nr.",
        "Marktplatz",
        "Marktplatz-Bestellnr.",
        "HCS-Auftrag",
        "Kunden-Nr.",
        "Kunde",
        "Auftragsdatum",
        "Netto",
        "MwSt.",
        "Brutto",
    ]
    assert [cell.value for cell in sheet[2]] == [
        5001,
        "eBay",
        "12-34567-89012, 12-34567-89013",
        200001,
        10001,
        "Jürgen Müßig-Çelik",
        datetime(2025, 3, 5, 0, 30),
        115.46,
        21.94,
        137.4,
    ]
    assert sheet["B3"].value == "Amazon"
    assert sheet["C3"].value == "303-1234567-1234567"
    assert sheet["J3"].value == 22.8
    assert sheet["G2"].number_format == "DD.MM.YYYY HH:MM"
    assert sheet["A2"].number_format == "0"
    for coordinate in ("H2", "I2", "J2"):
        assert sheet[coordinate].number_format == "#,##0.00 €", coordinate


def test_customer_formula_stays_text(german):
    _, workbook = german
    cell = workbook["Importiert"]["F3"]
    assert cell.value == HYPERLINK_CUSTOMER
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def test_phone_customer_stays_text(german):
    _, workbook = german
    cell = workbook["Abgelehnt"]["D2"]
    assert cell.value == PHONE_CUSTOMER
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def test_workbook_xml_has_no_formula(german):
    summary, _ = german
    with zipfile.ZipFile(summary.path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 6
        for name in sheets:
            assert b"<f>" not in archive.read(name), name
            assert b"<f " not in archive.read(name), name


def test_positions_sheet(german):
    _, workbook = german
    sheet = workbook["Positionen"]
    assert header(sheet) == [
        "Shop-Nr.",
        "HCS-Auftrag",
        "Pos.",
        "Art",
        "Artikel-Nr.",
        "Bezeichnung",
        "Menge",
        "Einzelpreis brutto",
        "MwSt.-Satz %",
        "Netto",
        "MwSt.",
        "Brutto",
    ]
    assert [cell.value for cell in sheet[2]] == [5001, 200001, 1, "Artikel", "A-100", "Tasse", 12, 11.45, 19, 115.46, 21.94, 137.4]
    assert [cell.value for cell in sheet[6]] == [5002, 200002, 4, "Gutschein", None, "Gutschein", 1, -5, 7, -4.67, -0.33, -5]
    assert sheet["G2"].number_format == "#,##0"
    assert sheet["G4"].value == 1.5
    assert sheet["G4"].number_format == "#,##0.####"
    assert sheet["H2"].number_format == "#,##0.00## €"
    assert sheet["L2"].number_format == "#,##0.00 €"


def test_rejected_sheet_one_row_per_reason(german):
    _, workbook = german
    sheet = workbook["Abgelehnt"]
    assert header(sheet) == ["Shop-Nr.", "Marktplatz", "Marktplatz-Bestellnr.", "Kunde", "Feld", "Wert", "Grund"]
    assert [cell.value for cell in sheet[2]] == [
        5003,
        "Kaufland",
        "K-1",
        PHONE_CUSTOMER,
        "delivery_postcode",
        None,
        "Pflichtfeld delivery_postcode ist leer.",
    ]
    assert sheet["E3"].value == "delivery_country_iso_code_2"
    assert sheet["F3"].value == "XX"
    assert sheet["G3"].value == (
        "delivery_country_iso_code_2 enthält den Ländercode „XX“, der kein gültiger ISO-3166-Code ist."
    )
    assert sheet.max_row == 3


def test_warnings_sheet(german):
    _, workbook = german
    sheet = workbook["Hinweise"]
    assert header(sheet) == [
        "Shop-Nr.",
        "Ergebnis",
        "HCS-Auftrag",
        "Marktplatz",
        "Marktplatz-Bestellnr.",
        "Kunde",
        "Feld",
        "Wert",
        "Hinweis",
    ]
    grown = [cell.value for cell in sheet[2]]
    assert grown[:6] == [4998, "Nach Übernahme geändert", 199980, "eBay", "111, 222", "Hans Huber"]
    assert grown[8] == (
        "Die Bestellung wurde nach der Übernahme im Shop geändert (1 neue Position); "
        "HCS-Auftrag 199980 bitte von Hand anpassen."
    )
    shortened = [cell.value for cell in sheet[3]]
    assert shortened[:3] == [5002, "Importiert", 200002]
    assert shortened[6] == "delivery_company"
    assert shortened[8] == (
        "delivery_company war länger als das HCS-Feld (50 Zeichen) und wurde gekürzt: „=HYPERLINK(\"http://x\")“."
    )
    assert sheet["H3"].data_type == "s"


def test_present_sheet(german):
    _, workbook = german
    sheet = workbook["Bereits vorhanden"]
    assert header(sheet) == ["Shop-Nr.", "HCS-Auftrag", "Marktplatz", "Marktplatz-Bestellnr.", "Kunde"]
    assert [cell.value for cell in sheet[2]] == [4999, 199990, "Shop", None, "Erika Mustermann"]


def test_english_names_and_texts(seeded, tmp_path):
    summary = build_protocol(seeded, LAUF_ID, "en", tmp_path / "protocol.xlsx")
    workbook = load_workbook(summary.path)
    assert workbook.sheetnames == ENGLISH_SHEETS
    assert header(workbook["Imported"])[:4] == ["Shop no.", "Marketplace", "Marketplace order no.", "HCS order no."]
    assert workbook["Summary"]["A2"].value == "Run ID (Airflow)"
    assert workbook["Rejected"]["G2"].value == "Required field delivery_postcode is empty."
    assert workbook["Positions"]["D5"].value == "Shipping"
    assert workbook["Positions"]["D6"].value == "Voucher"
    assert workbook["Warnings"]["B2"].value == "Changed after import"


def test_empty_run_says_no_matches(seeded, tmp_path):
    summary = build_protocol(seeded, "manual__never", "de", tmp_path / "leer.xlsx")
    workbook = load_workbook(summary.path)
    assert summary.orders == 0
    assert summary.needs_mail is False
    assert summary.total_gross == Decimal("0.00")
    for title in GERMAN_SHEETS[1:]:
        assert workbook[title]["A2"].value == "Keine Treffer", title
        assert workbook[title].max_row == 2, title


def test_empty_run_english(seeded, tmp_path):
    summary = build_protocol(seeded, "manual__never", "en", tmp_path / "empty.xlsx")
    assert load_workbook(summary.path)["Imported"]["A2"].value == "No matches"


def test_only_present_needs_no_mail(hcs_db, tmp_path):
    insert_log_row(hcs_db, "run_present", 7001, "vorhanden", auftrag_nr=300001)
    summary = build_protocol(hcs_db, "run_present", "de", tmp_path / "p.xlsx")
    assert summary.present == 1
    assert summary.needs_mail is False


def test_rejected_without_reason_is_listed(hcs_db, tmp_path):
    insert_log_row(hcs_db, "run_bare", 7002, "abgelehnt", kunde="Anna")
    summary = build_protocol(hcs_db, "run_bare", "de", tmp_path / "p.xlsx")
    sheet = load_workbook(summary.path)["Abgelehnt"]
    assert sheet["A2"].value == 7002
    assert sheet["G2"].value == "Für diese abgelehnte Bestellung ist kein Grund protokolliert."


def test_unreadable_messages_become_warning(hcs_db, tmp_path):
    insert_log_row(hcs_db, "run_broken", 7003, "importiert", meldungen="{not json", auftrag_nr=300003)
    summary = build_protocol(hcs_db, "run_broken", "de", tmp_path / "p.xlsx")
    sheet = load_workbook(summary.path)["Hinweise"]
    assert summary.warnings == 1
    assert sheet["I2"].value == "Die gespeicherten Meldungen dieser Bestellung sind nicht lesbar (kein gültiges JSON)."


def test_unreadable_messages_logged_once(hcs_db, tmp_path, caplog):
    insert_log_row(hcs_db, "run_broken", 7003, "abgelehnt", meldungen="[{]")
    caplog.set_level("WARNING", logger="gambio_hcs_bridge.reporting.protocol")
    build_protocol(hcs_db, "run_broken", "de", tmp_path / "p.xlsx")
    problems = [record.getMessage() for record in caplog.records if "7003" in record.getMessage()]
    assert len(problems) == 1
    assert "meldungen is not a valid message list" in problems[0]


def test_unknown_message_code_is_shown(hcs_db, tmp_path):
    stored = dump_messages([message("missing_field", "x")]).replace("missing_field", "new_future_code")
    insert_log_row(hcs_db, "run_future", 7004, "abgelehnt", meldungen=stored)
    summary = build_protocol(hcs_db, "run_future", "de", tmp_path / "p.xlsx")
    sheet = load_workbook(summary.path)["Abgelehnt"]
    assert sheet["E2"].value == "x"
    assert sheet["G2"].value == "Unbekannte Meldung new_future_code"


def test_deleted_order_uses_logged_total(hcs_db, tmp_path):
    insert_log_row(hcs_db, "run_gone", 7005, "importiert", auftrag_nr=300005, summe_brutto=Decimal("12.34"), kunde="Bea")
    summary = build_protocol(hcs_db, "run_gone", "de", tmp_path / "p.xlsx")
    sheet = load_workbook(summary.path)["Importiert"]
    assert summary.total_gross == Decimal("12.34")
    assert sheet["J2"].value == 12.34
    assert sheet["H2"].value is None


def test_list_runs_newest_first(seeded):
    runs = list_runs(seeded, 10)
    assert [run.lauf_id for run in runs] == [LAUF_ID, OTHER_LAUF_ID]
    assert (runs[0].imported, runs[0].rejected, runs[0].present, runs[0].grown) == (2, 1, 1, 1)
    assert runs[0].orders == 5
    assert runs[0].last_logged == datetime(2025, 3, 5, 7, 0, 5)
    assert runs[1].imported == 1


def test_list_runs_limit(seeded):
    assert [run.lauf_id for run in list_runs(seeded, 1)] == [LAUF_ID]
