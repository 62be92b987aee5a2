"""Spezialliste: form checks, selections with exact counts and sums, xlsx and CSV output.

Selections run against a MariaDB Gambio database and a real HCS database through both ODBC
drivers (SQLite3 and MariaDB Connector/ODBC). HCS orders come from the real import and
documents from the HCS user tool.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from gambio_hcs_bridge.hcs_user import find_auftrag_nr, print_document
from gambio_hcs_bridge.importer.pipeline import run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.reporting.archive import list_archive, prune_archive
from gambio_hcs_bridge.reporting.spezialliste import (
    Criteria,
    FormError,
    Selection,
    build_list,
    csv_text,
    like_escape,
    list_mail_subject,
    parse_form,
    select_orders,
    sku_like_pattern,
)
from gambio_hcs_bridge.settings import parse_settings
from shopdata import HANDED_OVER, PAID, Line, Order, add_articles, add_order, add_paid_statuses

BERLIN = ZoneInfo("Europe/Berlin")
ALLOWED = ("datenteam@example.com", "chef@example.com")
NOVEMBER = {"datum_von": "2026-11-01", "datum_bis": "2026-11-30"}
HYPERLINK = '=HYPERLINK("https://x.de","klick")'


def form(**params) -> Criteria:
    return parse_form(params, allowed_recipients=ALLOWED, default_recipients=("datenteam@example.com",), tz=BERLIN,
                      now=datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc))


def form_problems(**params) -> list[str]:
    with pytest.raises(FormError) as raised:
        form(**params)
    return raised.value.problems


# --- form checks (no database) -------------------------------------------------------------------


def test_form_defaults_previous_month():
    criteria = form()
    assert (criteria.date_from.isoformat(), criteria.date_to.isoformat()) == ("2026-11-01", "2026-11-30")
    assert criteria.recipients == ("datenteam@example.com",)
    assert criteria.output_format == "xlsx"


def test_form_default_month_in_shop_timezone():
    # 31 Dec 23:30 UTC is already 1 Jan in Berlin, so the previous month is December.
    criteria = parse_form({}, allowed_recipients=ALLOWED, default_recipients=(), tz=BERLIN,
                          now=datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))
    assert (criteria.date_from.isoformat(), criteria.date_to.isoformat()) == ("2026-12-01", "2026-12-31")


def test_form_only_end_date_starts_month():
    assert form(datum_bis="2026-10-15").date_from.isoformat() == "2026-10-01"


def test_form_amount_not_a_number():
    assert form_problems(betrag_von="abc") == ["Feld „Betrag von (brutto)“: muss eine Zahl ≥ 0 sein, erhalten: 'abc'."]


def test_form_amount_negative():
    assert form_problems(betrag_bis=-1) == ["Feld „Betrag bis (brutto)“: muss eine Zahl ≥ 0 sein, erhalten: -1."]


def test_form_amount_range_reversed():
    [problem] = form_problems(betrag_von=50, betrag_bis=10)
    assert problem.startswith("Feld „Betrag bis (brutto)“: muss mindestens so groß sein wie „Betrag von“")


def test_form_dates_reversed():
    [problem] = form_problems(datum_von="2026-11-30", datum_bis="2026-11-01")
    assert problem == "Feld „Kaufdatum bis“: darf nicht vor „Kaufdatum von“ (30.11.2026) liegen, erhalten: '2026-11-01'."


def test_form_invalid_date():
    assert form_problems(datum_von="30.11.2026") == [
        "Feld „Kaufdatum von“: muss ein Datum im Format JJJJ-MM-TT sein, erhalten: '30.11.2026'."
    ]


def test_form_recipient_not_allowed():
    [problem] = form_problems(empfaenger=["fremd@example.org"])
    assert problem.startswith("Feld „Empfänger“: diese Adresse ist für die Spezialliste nicht freigegeben")
    assert problem.endswith("erhalten: 'fremd@example.org'.")


def test_form_recipient_allowed_any_case():
    assert form(empfaenger=["Chef@Example.com"]).recipients == ("Chef@Example.com",)


def test_form_pattern_unsafe_characters():
    [problem] = form_problems(artikelnummern="TEE-%*")
    assert problem.startswith("Feld „Artikelnummern“: ein Muster darf nur Buchstaben")


def test_form_pattern_in_list_rejected():
    [problem] = form_problems(artikelnummern="A-1, TEE-*")
    assert "nur allein erlaubt" in problem


def test_form_unknown_marketplace_and_state():
    problems = form_problems(marktplaetze=["ebay", "aliexpress"], hcs_status=["bezahlt"])
    assert problems == [
        "Feld „Marktplätze“: erlaubt sind nur shop, ebay, amazon, hood, hitmeister, otto, erhalten: 'aliexpress'.",
        "Feld „HCS-Stand“: erlaubt sind nur nicht_importiert, importiert, geliefert, berechnet, erhalten: 'bezahlt'.",
    ]


def test_form_status_not_integer():
    assert form_problems(gambio_status=["Versendet"]) == [
        "Feld „Gambio-Status“: muss eine Status-ID (ganze Zahl ≥ 0) sein, erhalten: 'Versendet'."
    ]


def test_form_criteria_round_trip():
    criteria = form(betrag_von=10.5, artikelnummern="A-1, B-2", marktplaetze=["otto"], **NOVEMBER)
    assert Criteria.from_dict(criteria.to_dict()) == criteria
    assert criteria.gross_min == Decimal("10.5")


def test_like_escaping():
    assert like_escape("100%_!x") == "100!%!_!!x"
    assert sku_like_pattern("TEE_*-2*") == "TEE!_%-2%"


def test_csv_cell_formats():
    assert csv_text(Decimal("1234.5"), "money") == "1234,50"
    assert csv_text(datetime(2026, 11, 20, 14, 30), "datetime") == "20.11.2026 14:30"
    assert csv_text(HYPERLINK, "text") == "'" + HYPERLINK
    assert csv_text("-5", "text") == "'-5"
    assert csv_text("\tx", "text") == "'\tx"


def test_mail_subject_german():
    criteria = form(**NOVEMBER)
    assert list_mail_subject(criteria.date_from, criteria.date_to, 4) == "Spezialliste 01.11.2026 – 30.11.2026: 4 Bestellungen"


def test_archive_prunes_only_old_reports(tmp_path):
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    old = datetime(2026, 8, 1, tzinfo=timezone.utc).timestamp()
    for name in ("spezialliste_alt.xlsx", "uebernahme-protokoll_alt.xlsx", "fremd.xlsx"):
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (old, old))
    (tmp_path / "spezialliste_neu.csv").write_bytes(b"abc")
    os.utime(tmp_path / "spezialliste_neu.csv", (now.timestamp(), now.timestamp()))

    assert prune_archive(tmp_path, 90, now=now) == ["spezialliste_alt.xlsx", "uebernahme-protokoll_alt.xlsx"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fremd.xlsx", "spezialliste_neu.csv"]
    assert list_archive(tmp_path) == [{"name": "spezialliste_neu.csv", "size": 3, "modified": "2026-12-01T00:00:00+00:00"}]


# --- selections against Gambio and HCS -----------------------------------------------------------


@pytest.fixture
def shop(gambio_db, hcs_db, tmp_path):
    """Five orders: three imported into HCS (one delivered, one invoiced), one open, one from October."""
    add_paid_statuses(gambio_db)
    add_articles(hcs_db, "ART-1", "ART-2", "TEE-100")
    orders = [
        Order(701, lines=[Line(quantity=Decimal(2))], lastname="Mustermann", city="Köln",
              totals=[("ot_subtotal", Decimal("20.00")), ("ot_tax", Decimal("3.19")), ("ot_total", Decimal("20.00"))]),
        Order(702, status=1, lines=[Line(model="ART-2", price=Decimal("59.90"))], platform="ebay",
              special="110000000702", lastname="Schmidt", city="Berlin",
              totals=[("ot_subtotal", Decimal("59.90")), ("ot_tax", Decimal("9.56")), ("ot_total", Decimal("59.90"))]),
        Order(703, lines=[Line(quantity=Decimal(5))], platform="amazon", special="303-1234567-7654321",
              company="100%_Tee GmbH", lastname="Weber", city="Hamburg",
              totals=[("ot_subtotal", Decimal("50.00")), ("ot_tax", Decimal("7.98")), ("ot_total", Decimal("50.00"))]),
        Order(704, lines=[Line(model="TEE-100", price=Decimal("5.55"))], platform="hitmeister", special="K704",
              firstname="", lastname=HYPERLINK, city="München",
              totals=[("ot_subtotal", Decimal("5.55")), ("ot_tax", Decimal("0.89")), ("ot_total", Decimal("5.55"))]),
        Order(705, status=3, lines=[Line(price=Decimal("12.34"))], purchased=datetime(2026, 10, 31, 23, 30),
              lastname="Oktober", city="Bonn",
              totals=[("ot_subtotal", Decimal("12.34")), ("ot_tax", Decimal("1.97")), ("ot_total", Decimal("12.34"))]),
    ]
    for order in orders:
        order.email = f"kunde{order.orders_id}@example.com"
        add_order(gambio_db, order)
    settings = parse_settings({"status_paid": PAID, "status_handed_over": HANDED_OVER})
    run_import(gambio_db, hcs_db, RunStore(tmp_path, "test", "import"), settings, lauf_id="import",
               now=datetime(2026, 11, 20, 15, 0))
    print_document(hcs_db, find_auftrag_nr(hcs_db, 701), "Lieferschein", printed_at=datetime(2026, 11, 21, 9, 0),
                   tracking_number="00340434161094042557", carrier="DHL")
    print_document(hcs_db, find_auftrag_nr(hcs_db, 703), "Rechnung", printed_at=datetime(2026, 11, 22, 10, 0))
    return gambio_db, hcs_db


def select(shop, page_size: int = 500, **params) -> list[dict]:
    gambio, hcs = shop
    return list(select_orders(gambio, hcs, form(**{**NOVEMBER, **params}), Selection(), page_size=page_size))


def ids_and_gross(rows: list[dict]) -> tuple[list[int], Decimal]:
    return [row["shop_bestellnr"] for row in rows], sum((row["brutto"] for row in rows), Decimal("0"))


def test_select_month(shop):
    assert ids_and_gross(select(shop)) == ([701, 702, 703, 704], Decimal("135.45"))


def test_select_small_pages_same_result(shop):
    assert ids_and_gross(select(shop, page_size=1)) == ([701, 702, 703, 704], Decimal("135.45"))


def test_select_october(shop):
    assert ids_and_gross(select(shop, datum_von="2026-10-01", datum_bis="2026-10-31")) == ([705], Decimal("12.34"))


def test_select_order_values(shop):
    row = select(shop, marktplaetze=["shop"])[0]
    assert row["shop_bestellnr"] == 701
    assert (row["netto"], row["mwst"], row["brutto"]) == (Decimal("16.81"), Decimal("3.19"), Decimal("20.00"))
    assert row["marktplatz"] == "Shop"
    assert row["gambio_status"] == "An HCS übergeben"
    assert row["lieferschein_am"] == datetime(2026, 11, 21, 9, 0)
    assert row["sendungsnummer"] == "00340434161094042557"
    assert row["importiert_am"] == datetime(2026, 11, 20, 15, 0)
    assert row["rechnung_am"] is None


def test_select_invoice_facts(shop):
    [row] = select(shop, hcs_status=["berechnet"])
    assert row["shop_bestellnr"] == 703
    assert row["rechnung_am"] == datetime(2026, 11, 22, 10, 0)
    assert row["rechnungsnummer"] != ""
    assert row["marktplatz"] == "Amazon"
    assert row["marktplatz_bestellnr"] == "303-1234567-7654321"


def test_select_marketplaces(shop):
    assert ids_and_gross(select(shop, marktplaetze=["ebay", "amazon"])) == ([702, 703], Decimal("109.90"))
    assert [row["marktplatz"] for row in select(shop, marktplaetze=["hitmeister"])] == ["Kaufland"]


def test_select_gambio_status(shop):
    assert ids_and_gross(select(shop, gambio_status=[1])) == ([702], Decimal("59.90"))
    assert ids_and_gross(select(shop, gambio_status=[HANDED_OVER])) == ([701, 703, 704], Decimal("75.55"))


def test_select_hcs_states(shop):
    assert ids_and_gross(select(shop, hcs_status=["nicht_importiert"])) == ([702], Decimal("59.90"))
    assert ids_and_gross(select(shop, hcs_status=["importiert"])) == ([704], Decimal("5.55"))
    assert ids_and_gross(select(shop, hcs_status=["geliefert", "berechnet"])) == ([701, 703], Decimal("70.00"))


def test_select_amount_range(shop):
    assert ids_and_gross(select(shop, betrag_von=10, betrag_bis=50)) == ([701, 703], Decimal("70.00"))
    assert ids_and_gross(select(shop, betrag_von="50.00")) == ([702, 703], Decimal("109.90"))


def test_select_sku_list_and_pattern(shop):
    assert ids_and_gross(select(shop, artikelnummern="ART-2, TEE-100")) == ([702, 704], Decimal("65.45"))
    assert ids_and_gross(select(shop, artikelnummern="ART-*")) == ([701, 702, 703], Decimal("129.90"))
    assert ids_and_gross(select(shop, artikelnummern="*-100")) == ([704], Decimal("5.55"))


def test_select_customer_text(shop):
    assert ids_and_gross(select(shop, kunde="schmidt")) == ([702], Decimal("59.90"))
    assert ids_and_gross(select(shop, kunde="HAMBURG")) == ([703], Decimal("50.00"))
    assert ids_and_gross(select(shop, kunde="kunde704@")) == ([704], Decimal("5.55"))


@pytest.mark.parametrize("text", ["' OR 1=1 --", "\\", "'; DROP TABLE orders; --", "%%", "__"])
def test_injection_customer_literal(shop, text):
    assert select(shop, kunde=text) == []


@pytest.mark.parametrize("text", ["' OR 1=1 --", "%", "_", "ART-1' OR '1'='1"])
def test_injection_sku_literal(shop, text):
    assert select(shop, artikelnummern=text) == []


def test_wildcards_match_literally(shop):
    # Only order 703 has a % and a _ in its data (company "100%_Tee GmbH").
    assert ids_and_gross(select(shop, kunde="%")) == ([703], Decimal("50.00"))
    assert ids_and_gross(select(shop, kunde="_")) == ([703], Decimal("50.00"))
    assert ids_and_gross(select(shop, kunde="%_")) == ([703], Decimal("50.00"))
    assert ids_and_gross(select(shop, kunde="100%_tee")) == ([703], Decimal("50.00"))


def test_xlsx_sheets_and_values(shop, tmp_path):
    gambio, hcs = shop
    path = tmp_path / "liste.xlsx"
    selection = build_list(gambio, hcs, form(mit_positionen=True, **NOVEMBER), path)

    assert (selection.orders, selection.gross) == (4, Decimal("135.45"))
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Bestellungen", "Positionen", "Zusammenfassung"]
    orders = workbook["Bestellungen"]
    assert orders["A1"].value == "Shop-Nr."
    assert orders.freeze_panes == "A2"
    assert orders.auto_filter.ref == "A1:R5"
    assert [orders.cell(row, 1).value for row in range(2, 6)] == [701, 702, 703, 704]
    assert orders["K2"].value == 20
    assert orders["K2"].number_format == "#,##0.00 €"
    assert orders["B2"].number_format == "DD.MM.YYYY HH:MM"


def test_xlsx_formula_stays_text(shop, tmp_path):
    gambio, hcs = shop
    path = tmp_path / "liste.xlsx"
    build_list(gambio, hcs, form(marktplaetze=["hitmeister"], **NOVEMBER), path)

    cell = load_workbook(path)["Bestellungen"]["E2"]
    assert cell.value == HYPERLINK
    assert cell.data_type == "s"


def test_xlsx_positions_and_summary(shop, tmp_path):
    gambio, hcs = shop
    path = tmp_path / "liste.xlsx"
    build_list(gambio, hcs, form(mit_positionen=True, datum_von="2026-10-01", datum_bis="2026-11-30"), path)

    workbook = load_workbook(path)
    positions = [[cell.value for cell in row] for row in workbook["Positionen"].iter_rows(min_row=2)]
    assert positions[0] == [701, "ART-1", "Teekanne", 2, 10, 20, 19]
    assert len(positions) == 5
    summary = [[cell.value for cell in row] for row in workbook["Zusammenfassung"].iter_rows(min_row=2)]
    assert summary == [
        ["2026-10", "Shop", 1, 12.34],
        ["2026-11", "Amazon", 1, 50],
        ["2026-11", "Kaufland", 1, 5.55],
        ["2026-11", "Shop", 1, 20],
        ["2026-11", "eBay", 1, 59.9],
        [None, "Summe", 5, 147.79],
    ]


def test_xlsx_empty_selection(shop, tmp_path):
    gambio, hcs = shop
    path = tmp_path / "leer.xlsx"
    selection = build_list(gambio, hcs, form(kunde="niemand", **NOVEMBER), path)

    assert selection.orders == 0
    workbook = load_workbook(path)
    assert workbook["Bestellungen"]["A2"].value == "Keine Treffer"
    assert workbook["Zusammenfassung"]["A2"].value == "Keine Treffer"


def test_csv_bytes(shop, tmp_path):
    gambio, hcs = shop
    path = tmp_path / "liste.csv"
    build_list(gambio, hcs, form(format="csv", marktplaetze=["shop", "hitmeister"], **NOVEMBER), path)

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfShop-Nr.;Kaufdatum;Marktplatz;")
    lines = data.decode("utf-8-sig").split("\r\n")
    first = lines[1].split(";")
    assert first[:3] == ["701", "20.11.2026 14:30", "Shop"]
    assert first[8:11] == ["16,81", "3,19", "20,00"]
    assert lines[2].split(";")[4] == '"\'=HYPERLINK(""https://x.de"",""klick"")"'


def test_csv_with_positions_zip(shop, tmp_path):
    gambio, hcs = shop
    path = tmp_path / "liste.zip"
    build_list(gambio, hcs, form(format="csv", mit_positionen=True, **NOVEMBER), path)

    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["bestellungen.csv", "positionen.csv"]
        positions = archive.read("positionen.csv")
    assert positions.startswith("\ufeffShop-Nr.;Artikelnummer;".encode())
    assert positions.decode("utf-8-sig").split("\r\n")[1] == "701;ART-1;Teekanne;2;10;20,00;19"


def test_english_headers(shop, tmp_path):
    gambio, hcs = shop
    path = tmp_path / "list.xlsx"
    build_list(gambio, hcs, form(**NOVEMBER), path, language="en")

    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Orders", "Summary"]
    assert workbook["Orders"]["L2"].value == "Handed over to HCS"
