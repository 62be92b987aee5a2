"""Status write-back cases: Gambio statuses and tracking codes follow the documents HCS prints.

HCS orders come from the real import, documents from the HCS user tool. Every database test
runs against a MariaDB Gambio database and a real HCS database through both ODBC drivers
(SQLite3 and MariaDB Connector/ODBC).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pyodbc
import pytest

from gambio_hcs_bridge import writeback
from gambio_hcs_bridge.hcs_user import find_auftrag_nr, print_document
from gambio_hcs_bridge.importer.pipeline import run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.importer.validate import OrderValidator, ValidationRules
from gambio_hcs_bridge.settings import DEFAULT_SETTINGS, parse_settings
from gambio_hcs_bridge.sql import to_qmark
from gambio_hcs_bridge.writeback import ParcelService, resolve_carrier, write_back_statuses
from shopdata import HANDED_OVER, PAID, Order, add_articles, add_order, add_paid_statuses, gambio_rows, hcs_rows

IMPORTED_AT = datetime(2026, 11, 20, 15, 0)
T = datetime(2026, 11, 21, 9, 0)  # the first document's print time
SHIPPED, INVOICED, CANCELLED = 3, 149, 99

DHL_CODE = "00340434161094042557"
DHL_URL_DE = f"http://nolp.dhl.de/nextt-online-public/set_identcodes.do?lang=de&idc={DHL_CODE}&rfn=&extendedSearch=true"
DHL_TEXT_DE = "Die Sendungsverfolgung für Ihre Bestellung können Sie über den oben stehenden Link aufrufen."
FBA_INTERNALDATA = 'a:1:{s:18:"FulfillmentChannel";s:3:"AFN";}'


def minutes(count: int) -> datetime:
    return T + timedelta(minutes=count)


@pytest.fixture(scope="module")
def validator():
    return OrderValidator(ValidationRules(DEFAULT_SETTINGS.allowed_vat_rates, DEFAULT_SETTINGS.max_unit_price))


@pytest.fixture
def shop(gambio_db, hcs_db, tmp_path, validator):
    """Imported shop orders, the HCS user's printer and a runner for write-back runs."""
    add_paid_statuses(gambio_db)
    add_articles(hcs_db, "ART-1")

    class Shop:
        gambio = gambio_db
        hcs = hcs_db
        import_runs = 0

        def imported(self, *orders: Order) -> None:
            """Add paid orders to the shop and import them into HCS."""
            for order in orders:
                order.email = f"kunde{order.orders_id}@example.com"
                add_order(gambio_db, order)
            Shop.import_runs += 1
            lauf = f"import-{Shop.import_runs}"
            settings = parse_settings({"status_paid": PAID, "status_handed_over": HANDED_OVER})
            run_import(gambio_db, hcs_db, RunStore(tmp_path, "test", lauf), settings, lauf_id=lauf,
                       validator=validator, now=IMPORTED_AT)

        def print(self, orders_id: int, belegart: str, at: datetime = T, tracking: str = "", carrier: str = "") -> int:
            return print_document(hcs_db, find_auftrag_nr(hcs_db, orders_id), belegart, printed_at=at,
                                  tracking_number=tracking, carrier=carrier)

        def write_back(self, now: datetime = minutes(10), batch_size: int = 500, **overrides) -> dict:
            settings = parse_settings(overrides)
            return write_back_statuses(gambio_db, hcs_db, settings, now=now, batch_size=batch_size).as_dict()

        def history(self, orders_id: int) -> list[int]:
            rows = gambio_rows(gambio_db, "SELECT orders_status_id FROM orders_status_history WHERE orders_id = %s"
                                          " ORDER BY orders_status_history_id", (orders_id,))
            return [row[0] for row in rows]

        def comments(self, orders_id: int) -> list[tuple]:
            """(status id, comment, customer_notified) of the rows the write-back added."""
            return gambio_rows(gambio_db, "SELECT orders_status_id, comments, customer_notified"
                                          " FROM orders_status_history"
                                          " WHERE orders_id = %s AND orders_status_id NOT IN (%s, %s)"
                                          " ORDER BY orders_status_history_id", (orders_id, PAID, HANDED_OVER))

        def status(self, orders_id: int) -> int:
            return gambio_rows(gambio_db, "SELECT orders_status FROM orders WHERE orders_id = %s", (orders_id,))[0][0]

        def tracking(self, orders_id: int) -> list[tuple]:
            return gambio_rows(gambio_db, "SELECT order_id, tracking_code, parcel_service_id, parcel_service_name,"
                                          " language_id, url, comment FROM orders_parcel_tracking_codes"
                                          " WHERE order_id = %s ORDER BY orders_parcel_tracking_code_id", (orders_id,))

        def records(self) -> dict[int, tuple]:
            rows = hcs_rows(hcs_db, "SELECT beleg_id, shop_bestellnr, ergebnis, meldung, verarbeitet_am"
                                    " FROM beleg_verarbeitung ORDER BY beleg_id")
            return {int(row[0]): (int(row[1]), row[2], row[3], row[4]) for row in rows}

        def ergebnisse(self) -> dict[int, str]:
            return {beleg_id: record[1] for beleg_id, record in self.records().items()}

        def magnalister_confirms_shipping(self, orders_id: int) -> None:
            gambio_rows(gambio_db, "UPDATE magnalister_orders SET orders_status = %s WHERE orders_id = %s",
                        (SHIPPED, orders_id))

        def set_status(self, orders_id: int, status_id: int) -> None:
            gambio_rows(gambio_db, "UPDATE orders SET orders_status = %s WHERE orders_id = %s", (status_id, orders_id))
            gambio_rows(gambio_db, "INSERT INTO orders_status_history (orders_id, orders_status_id, date_added,"
                                   " customer_notified, comments) VALUES (%s, %s, %s, 0, 'von Hand')",
                        (orders_id, status_id, minutes(1)))

    return Shop()


# --- Lieferschein and tracking codes -------------------------------------------------------


def test_lieferschein_sets_versendet(shop):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")

    shop.write_back()

    assert shop.status(701) == SHIPPED
    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED]
    assert shop.comments(701) == [(SHIPPED, f"Lieferschein LS-{beleg_id}, Sendungsnummer {DHL_CODE} (DHL)", 0)]


def test_lieferschein_record_row(shop):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")

    shop.write_back(now=minutes(10))

    assert shop.records() == {
        beleg_id: (701, "geschrieben", f"Sendungsnummer {DHL_CODE} eingetragen. Status „Versendet“ (3) gesetzt.",
                   minutes(10)),
    }


def test_tracking_row_exact_url(shop):
    shop.imported(Order(701))
    shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")

    shop.write_back()

    assert shop.tracking(701) == [(701, DHL_CODE, 1, "DHL", 2, DHL_URL_DE, DHL_TEXT_DE)]


def test_tracking_written_before_versendet(shop, tmp_path):
    shop.imported(Order(701))
    shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")
    cursor = shop.gambio.cursor()
    for table in ("orders", "orders_status_history", "orders_parcel_tracking_codes"):
        cursor.execute(f"ALTER TABLE {table} ENGINE=MyISAM")
    # Without transactions, what ran before the failing history statement stays visible.
    override = tmp_path / "override"
    (override / "gambio").mkdir(parents=True)
    (override / "gambio" / "writeback_history.sql").write_text("INSERT INTO no_such_table VALUES (1)")

    with pytest.raises(Exception, match="no_such_table"):
        shop.write_back(sql_override_dir=str(override))

    assert len(shop.tracking(701)) == 1
    assert shop.history(701) == [PAID, HANDED_OVER]


def test_carrier_name_trimmed_and_case_folded(shop):
    shop.imported(Order(701))
    shop.print(701, "Lieferschein", tracking="01234567890123", carrier="  dpd ")

    shop.write_back()

    [row] = shop.tracking(701)
    assert row[2:6] == (2, "DPD", 2, "https://tracking.dpd.de/parcelstatus?query=01234567890123&locale=de_DE")


def test_unknown_carrier_keeps_code_without_link(shop, caplog):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Lieferschein", tracking="SP-4711", carrier="DHL Express")

    with caplog.at_level(logging.WARNING, logger="gambio_hcs_bridge.writeback"):
        summary = shop.write_back()

    assert shop.tracking(701) == [(701, "SP-4711", 0, "DHL Express", 2, "", "")]
    assert shop.status(701) == SHIPPED
    assert shop.records()[beleg_id][1:3] == (
        "geschrieben",
        "Versanddienstleister „DHL Express“ ist in Gambio nicht angelegt, daher fehlt der Link zur "
        "Sendungsverfolgung. Bitte den Versanddienstleister anlegen oder carrier_mapping ergänzen. "
        "Sendungsnummer SP-4711 eingetragen. Status „Versendet“ (3) gesetzt.",
    )
    assert summary["warnings"] == 1
    assert f"beleg_id {beleg_id}" in caplog.text


def test_carrier_mapping_from_settings(shop):
    shop.imported(Order(701))
    shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL Paket National")

    summary = shop.write_back(carrier_mapping={"dhl paket national": "dhl"})

    assert shop.tracking(701) == [(701, DHL_CODE, 1, "DHL", 2, DHL_URL_DE, DHL_TEXT_DE)]
    assert summary["warnings"] == 0


def test_lieferschein_without_tracking_writes_no_code(shop):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Lieferschein")

    shop.write_back()

    assert shop.tracking(701) == []
    assert shop.comments(701) == [(SHIPPED, f"Lieferschein LS-{beleg_id}", 0)]


@pytest.mark.parametrize(
    ("carrier", "mapping", "expected"),
    [
        ("DHL", {}, (1, "DHL", None)),
        (" dhl ", {}, (1, "DHL", None)),
        ("DHL Express", {}, (0, "DHL Express", "carrier_unknown")),
        ("Hermes Germany", {}, (0, "Hermes Germany", "carrier_unknown")),
        ("", {}, (0, "", "carrier_missing")),
        ("DHL Express", {"DHL express": "DHL"}, (1, "DHL", None)),
        ("Spedition", {"Spedition": "Schenker"}, (0, "Schenker", "carrier_mapping_invalid")),
        ("DHL", {"DHL": "Hermes"}, (4, "Hermes", None)),
    ],
)
def test_resolve_carrier_exact_names_only(carrier, mapping, expected):
    services = {name.casefold(): ParcelService(service_id, name, {}) for service_id, name in
                ((1, "DHL"), (2, "DPD"), (4, "Hermes"))}

    match = resolve_carrier(carrier, services, mapping)

    assert (match.service.parcel_service_id if match.service else 0, match.name, match.problem) == expected


# --- Rechnung, Sofortrechnung (S-04) and status order (S-05) -------------------------------------


def test_lieferschein_then_rechnung_in_order(shop):
    shop.imported(Order(701))
    lieferschein = shop.print(701, "Lieferschein")
    rechnung = shop.print(701, "Rechnung", at=minutes(5))

    shop.write_back()

    assert shop.comments(701) == [(SHIPPED, f"Lieferschein LS-{lieferschein}", 0),
                                  (INVOICED, f"Rechnung RE-{rechnung}", 0)]
    assert shop.status(701) == INVOICED


def test_s04_sofortrechnung_gives_versendet_then_rechnung(shop):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Sofortrechnung")

    shop.write_back()

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]
    assert shop.comments(701) == [(SHIPPED, f"Sofortrechnung SR-{beleg_id}", 0),
                                  (INVOICED, f"Sofortrechnung SR-{beleg_id}", 0)]
    assert shop.status(701) == INVOICED
    assert shop.records()[beleg_id][2] == "Status „Versendet“ (3) gesetzt. Status „Rechnung erstellt“ (149) gesetzt."


def test_sofortrechnung_after_lieferschein_adds_only_rechnung(shop):
    shop.imported(Order(701))
    shop.print(701, "Lieferschein")
    shop.write_back()
    shop.print(701, "Sofortrechnung", at=minutes(20))

    shop.write_back(now=minutes(30))

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]


def test_s05_second_run_writes_nothing(shop):
    shop.imported(Order(701))
    shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")
    shop.print(701, "Rechnung", at=minutes(5))
    shop.write_back()

    second = shop.write_back(now=minutes(20))

    assert second["documents"] == 0
    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]
    assert len(shop.tracking(701)) == 1


def test_s05_documents_applied_again_change_nothing(shop):
    shop.imported(Order(701))
    lieferschein = shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")
    rechnung = shop.print(701, "Rechnung", at=minutes(5))
    shop.write_back()
    # As if the records were lost: both documents are read and applied a second time.
    cursor = shop.hcs.cursor()
    cursor.execute("DELETE FROM beleg_verarbeitung")
    shop.hcs.commit()

    again = shop.write_back(now=minutes(20))

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]
    assert len(shop.tracking(701)) == 1
    assert shop.ergebnisse() == {lieferschein: "unveraendert", rechnung: "unveraendert"}
    assert (again["history_rows"], again["tracking_rows"]) == (0, 0)


def test_s05_late_lieferschein_keeps_rechnung_erstellt(shop):
    shop.imported(Order(701))
    shop.print(701, "Rechnung")
    shop.write_back()
    lieferschein = shop.print(701, "Lieferschein", at=minutes(60), tracking=DHL_CODE, carrier="DHL")

    shop.write_back(now=minutes(70))

    assert shop.status(701) == INVOICED
    assert shop.history(701) == [PAID, HANDED_OVER, INVOICED]
    assert len(shop.tracking(701)) == 1
    assert shop.records()[lieferschein][1:3] == (
        "geschrieben",
        "Status bleibt „Rechnung erstellt“ (149), weil die Bestellung schon so weit oder weiter ist. "
        f"Sendungsnummer {DHL_CODE} eingetragen.",
    )


def test_shipped_by_hand_lieferschein_unchanged(shop):
    shop.imported(Order(701))
    shop.set_status(701, SHIPPED)
    beleg_id = shop.print(701, "Lieferschein")

    shop.write_back()

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED]
    assert shop.ergebnisse() == {beleg_id: "unveraendert"}


# --- magnalister (S-03) ------------------------------------------------------------------------------


def test_s03_rechnung_waits_for_magnalister(shop):
    shop.imported(Order(701, platform="ebay", special="110000000701"))
    lieferschein = shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")
    shop.print(701, "Rechnung", at=minutes(5))

    first = shop.write_back(now=minutes(10))

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED]
    assert first["waiting"] == 1
    assert shop.ergebnisse() == {lieferschein: "geschrieben"}


def test_s03_rechnung_keeps_waiting_before_magnalister_run(shop):
    shop.imported(Order(701, platform="ebay", special="110000000701"))
    shop.print(701, "Lieferschein")
    rechnung = shop.print(701, "Rechnung", at=minutes(5))
    shop.write_back(now=minutes(10))

    second = shop.write_back(now=minutes(120))

    assert second["waiting"] == 1
    assert shop.status(701) == SHIPPED
    assert rechnung not in shop.records()


def test_s03_rechnung_written_after_magnalister_confirms(shop):
    shop.imported(Order(701, platform="ebay", special="110000000701"))
    shop.print(701, "Lieferschein")
    rechnung = shop.print(701, "Rechnung", at=minutes(5))
    shop.write_back(now=minutes(10))
    shop.magnalister_confirms_shipping(701)

    summary = shop.write_back(now=minutes(125))

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]
    assert shop.comments(701)[1] == (INVOICED, f"Rechnung RE-{rechnung}", 0)
    assert shop.records()[rechnung][1:4] == ("geschrieben", "Status „Rechnung erstellt“ (149) gesetzt.", minutes(125))
    assert summary["waiting"] == 0


def test_s03_wait_counts_from_versendet_write(shop):
    shop.imported(Order(701, platform="ebay", special="110000000701"))
    shop.print(701, "Lieferschein")
    rechnung = shop.print(701, "Rechnung", at=minutes(5))
    shop.write_back(now=minutes(10), invoice_wait_minutes=60)

    # 64 minutes after the invoice was printed, but only 59 after "Versendet" was written.
    later = shop.write_back(now=minutes(69), invoice_wait_minutes=60)

    assert later["waiting"] == 1
    assert rechnung not in shop.records()


def test_s03_rechnung_written_when_wait_ends(shop, caplog):
    shop.imported(Order(701, platform="ebay", special="110000000701"))
    shop.print(701, "Lieferschein")
    rechnung = shop.print(701, "Rechnung", at=minutes(5))
    shop.write_back(now=minutes(10), invoice_wait_minutes=60)

    with caplog.at_level(logging.WARNING, logger="gambio_hcs_bridge.writeback"):
        summary = shop.write_back(now=minutes(70), invoice_wait_minutes=60)

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]
    assert shop.records()[rechnung][1:3] == (
        "geschrieben",
        "magnalister hat den Versand nach 60 Minuten nicht bestätigt (magnalister_orders.orders_status 200). "
        "„Rechnung erstellt“ wurde trotzdem gesetzt. Bitte prüfen, ob der Marktplatz die Versandbestätigung "
        "erhalten hat. Status „Rechnung erstellt“ (149) gesetzt.",
    )
    assert summary["warnings"] == 1
    assert "did not confirm shipping of shop order 701 within 60 minutes" in caplog.text


def test_s03_sofortrechnung_waits_after_versendet(shop):
    shop.imported(Order(701, platform="ebay", special="110000000701"))
    beleg_id = shop.print(701, "Sofortrechnung", tracking=DHL_CODE, carrier="DHL")

    first = shop.write_back(now=minutes(10))
    shop.magnalister_confirms_shipping(701)
    second = shop.write_back(now=minutes(130))

    assert (first["waiting"], second["waiting"]) == (1, 0)
    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]
    assert len(shop.tracking(701)) == 1
    assert shop.ergebnisse() == {beleg_id: "geschrieben"}


def test_waiting_rechnung_lets_later_lieferschein_through(shop):
    shop.imported(Order(701, platform="ebay", special="110000000701"))
    rechnung = shop.print(701, "Rechnung")
    lieferschein = shop.print(701, "Lieferschein", at=minutes(5))

    summary = shop.write_back(now=minutes(10))

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED]
    assert summary["waiting"] == 1
    assert shop.ergebnisse() == {lieferschein: "geschrieben"}
    assert rechnung not in shop.records()


def test_marketplace_shipped_order_does_not_wait(shop):
    shop.imported(Order(701, platform="amazon", special="302-1234567-1234567", internaldata=FBA_INTERNALDATA))
    shop.print(701, "Rechnung")

    summary = shop.write_back(now=minutes(10))

    assert shop.history(701) == [PAID, HANDED_OVER, INVOICED]
    assert summary["waiting"] == 0


# --- Storno and Gutschrift ---------------------------------------------------------------------------


def test_storno_ignored_without_cancel_writeback(shop):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Storno")

    summary = shop.write_back()

    assert shop.status(701) == HANDED_OVER
    assert shop.records()[beleg_id][1:3] == (
        "ignoriert", f"Storno ST-{beleg_id} ändert den Shop-Status nicht, weil cancel_writeback ausgeschaltet ist.",
    )
    assert summary["ignoriert"] == 1


def test_storno_cancels_with_cancel_writeback(shop):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Storno")

    shop.write_back(cancel_writeback=True)

    assert shop.status(701) == CANCELLED
    assert shop.comments(701) == [(CANCELLED, f"Storno ST-{beleg_id}", 0)]


def test_gutschrift_leaves_invoiced_order(shop, caplog):
    shop.imported(Order(701))
    shop.print(701, "Sofortrechnung")
    gutschrift = shop.print(701, "Gutschrift", at=minutes(30))

    with caplog.at_level(logging.WARNING, logger="gambio_hcs_bridge.writeback"):
        shop.write_back(now=minutes(40), cancel_writeback=True)

    assert shop.status(701) == INVOICED
    assert shop.records()[gutschrift][1:3] == (
        "unveraendert",
        "Status bleibt „Rechnung erstellt“ (149): Eine versendete oder berechnete Bestellung wird nicht "
        "automatisch storniert. Bitte im Shop prüfen.",
    )
    assert f"GS-{gutschrift}" in caplog.text


def test_cancelled_order_stays_cancelled(shop):
    shop.imported(Order(701))
    shop.set_status(701, CANCELLED)
    beleg_id = shop.print(701, "Lieferschein")

    shop.write_back()

    assert shop.status(701) == CANCELLED
    assert shop.history(701) == [PAID, HANDED_OVER, CANCELLED]
    assert shop.records()[beleg_id][1:3] == (
        "unveraendert", "Status bleibt „Storniert“ (99), weil die Bestellung storniert ist.",
    )


def test_unknown_belegart_ignored(shop):
    shop.imported(Order(701))
    auftrag_nr = find_auftrag_nr(shop.hcs, 701)
    cursor = shop.hcs.cursor()
    cursor.execute(*to_qmark(
        "INSERT INTO belege (beleg_id, belegart, belegnummer, auftrag_nr, gedruckt_am)"
        " VALUES (:id, 'Angebot', 'AN-1', :auftrag_nr, :at)", {"id": 900001, "auftrag_nr": auftrag_nr, "at": T}))
    shop.hcs.commit()

    shop.write_back()

    assert shop.status(701) == HANDED_OVER
    assert shop.records()[900001][1:3] == ("ignoriert", "Belegart „Angebot“ ändert den Shop-Status nicht.")


# --- vanished orders, crashes, batches ---------------------------------------------------------------


def test_deleted_order_recorded_and_run_goes_on(shop, caplog):
    shop.imported(Order(701), Order(702))
    deleted = shop.print(702, "Lieferschein", tracking=DHL_CODE, carrier="DHL")
    remaining = shop.print(701, "Lieferschein", at=minutes(1))
    # The shop admin's delete removes the order with its history rows.
    for table in ("orders", "orders_status_history", "orders_products", "orders_total"):
        gambio_rows(shop.gambio, f"DELETE FROM {table} WHERE orders_id = 702")

    with caplog.at_level(logging.WARNING, logger="gambio_hcs_bridge.writeback"):
        summary = shop.write_back()

    assert shop.records()[deleted][:3] == (
        702, "bestellung_fehlt",
        f"Die Shop-Bestellung 702 gibt es in Gambio nicht mehr (gelöscht), daher wurde Lieferschein LS-{deleted} "
        "nicht übernommen.",
    )
    assert shop.ergebnisse()[remaining] == "geschrieben"
    assert shop.tracking(702) == []
    assert (summary["bestellung_fehlt"], summary["geschrieben"]) == (1, 1)
    assert f"Shop order 702 of HCS order {find_auftrag_nr(shop.hcs, 702)} no longer exists" in caplog.text


def test_crash_before_record_then_rerun(shop, monkeypatch):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")

    def lost_connection(*args, **kwargs):
        raise pyodbc.OperationalError("08S01", "[08S01] connection lost (simulated)")

    monkeypatch.setattr(writeback, "record_documents", lost_connection)
    with pytest.raises(pyodbc.OperationalError):
        shop.write_back()
    assert shop.records() == {}
    monkeypatch.undo()

    shop.write_back(now=minutes(20))

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED]
    assert len(shop.tracking(701)) == 1
    assert shop.records()[beleg_id][1:3] == (
        "unveraendert",
        "Status bleibt „Versendet“ (3), weil die Bestellung schon so weit oder weiter ist. "
        f"Sendungsnummer {DHL_CODE} war schon eingetragen.",
    )


@pytest.mark.parametrize("engine", ["InnoDB", "MyISAM"])
def test_crash_between_history_and_status(shop, tmp_path, engine):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")
    cursor = shop.gambio.cursor()
    for table in ("orders", "orders_status_history", "orders_parcel_tracking_codes"):
        cursor.execute(f"ALTER TABLE {table} ENGINE={engine}")
    # A site override whose status statement fails simulates a crash right after the
    # tracking code and the history row were written.
    override = tmp_path / "override"
    (override / "gambio").mkdir(parents=True)
    (override / "gambio" / "writeback_status.sql").write_text("UPDATE no_such_table SET x = 1")

    with pytest.raises(Exception, match="no_such_table"):
        shop.write_back(sql_override_dir=str(override))
    written = 1 if engine == "MyISAM" else 0
    assert shop.history(701).count(SHIPPED) == written
    assert len(shop.tracking(701)) == written
    assert shop.status(701) == HANDED_OVER

    shop.write_back(now=minutes(20))

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED]
    assert len(shop.tracking(701)) == 1
    assert shop.status(701) == SHIPPED
    assert shop.ergebnisse() == {beleg_id: "geschrieben"}


def test_batches_keep_order_per_shop_order(shop):
    shop.imported(Order(701), Order(702), Order(703))
    first = shop.print(701, "Lieferschein")
    shop.print(702, "Lieferschein", at=minutes(1))
    shop.print(703, "Lieferschein", at=minutes(2))
    last = shop.print(701, "Rechnung", at=minutes(3))

    summary = shop.write_back(batch_size=2)

    assert summary["documents"] == 4
    assert summary["geschrieben"] == 4
    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]
    assert sorted(shop.records()) == list(range(first, last + 1))


def test_summary_counts(shop):
    shop.imported(Order(701), Order(702, platform="ebay", special="110000000702"), Order(703))
    shop.print(701, "Lieferschein")
    shop.print(702, "Sofortrechnung")
    shop.print(703, "Storno")

    summary = shop.write_back()
    summary.pop("seconds")

    assert summary == {
        "documents": 3, "geschrieben": 1, "unveraendert": 0, "bestellung_fehlt": 0, "ignoriert": 1,
        "waiting": 1, "history_rows": 2, "tracking_rows": 0, "warnings": 0,
    }


def test_nothing_to_do_is_clean(shop):
    summary = shop.write_back()

    assert summary["documents"] == 0


# --- settings ------------------------------------------------------------------------------------------


def test_english_comment_and_meldung(shop):
    shop.imported(Order(701))
    beleg_id = shop.print(701, "Lieferschein", tracking=DHL_CODE, carrier="DHL")

    shop.write_back(language="en")

    assert shop.comments(701) == [(SHIPPED, f"Delivery note LS-{beleg_id}, tracking number {DHL_CODE} (DHL)", 0)]
    assert shop.records()[beleg_id][2] == f"Tracking number {DHL_CODE} added. Status 'Dispatched' (3) set."


def test_statuses_configured_by_name(shop):
    shop.imported(Order(701))
    shop.print(701, "Sofortrechnung")

    shop.write_back(status_shipped="Versendet", status_invoiced="Rechnung erstellt")

    assert shop.history(701) == [PAID, HANDED_OVER, SHIPPED, INVOICED]


def test_same_status_for_two_roles_rejected(shop):
    with pytest.raises(ValueError, match="three different Gambio statuses, got 3, 3 and 99"):
        shop.write_back(status_invoiced=3)
