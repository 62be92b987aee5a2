"""Order import cases from the field, each with the exact expected outcome.

Every test runs against a real MariaDB Gambio database and a real HCS database through
both ODBC drivers (SQLite3 and MariaDB Connector/ODBC).
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest

from gambio_hcs_bridge.importer.pipeline import run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.importer.validate import OrderValidator, ValidationRules
from gambio_hcs_bridge.messages import load_messages
from gambio_hcs_bridge.settings import DEFAULT_SETTINGS, parse_settings
from shopdata import HANDED_OVER, PAID, Line, Order, add_articles, add_order, add_paid_statuses, gambio_rows, hcs_rows

NOW = datetime(2026, 11, 20, 15, 0)


@pytest.fixture(scope="session")
def validator():
    return OrderValidator(ValidationRules(DEFAULT_SETTINGS.allowed_vat_rates, DEFAULT_SETTINGS.max_unit_price))


@pytest.fixture
def shop(gambio_db, hcs_db, tmp_path, validator):
    """A shop with the paid/handed-over statuses and a runner for import runs."""
    add_paid_statuses(gambio_db)

    class Shop:
        gambio = gambio_db
        hcs = hcs_db

        def run(self, lauf: str = "lauf-1", now: datetime = NOW, **overrides):
            settings = parse_settings({"status_paid": PAID, "status_handed_over": HANDED_OVER, **overrides})
            return run_import(gambio_db, hcs_db, RunStore(tmp_path, "test", lauf), settings,
                              lauf_id=lauf, validator=validator, now=now)

        def protocol(self, lauf: str = "lauf-1") -> dict[int, tuple]:
            rows = hcs_rows(hcs_db, "SELECT shop_bestellnr, ergebnis, auftrag_nr, meldungen FROM import_protokoll"
                                    " WHERE lauf_id = :lauf", lauf=lauf)
            return {int(r[0]): (r[1], r[2], load_messages(r[3])) for r in rows}

        def header(self, orders_id: int) -> dict:
            cursor = hcs_db.cursor()
            cursor.execute("SELECT * FROM auftraege WHERE shop_bestellnr = ?", orders_id)
            columns = [c[0] for c in cursor.description]
            row = cursor.fetchone()
            hcs_db.commit()
            return dict(zip(columns, row)) if row else {}

        def positions(self, orders_id: int) -> list[dict]:
            cursor = hcs_db.cursor()
            cursor.execute(
                "SELECT p.* FROM auftragspositionen p JOIN auftraege a ON a.auftrag_nr = p.auftrag_nr"
                " WHERE a.shop_bestellnr = ? ORDER BY p.pos_nr", orders_id)
            columns = [c[0] for c in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
            hcs_db.commit()
            return rows

        def customer(self, orders_id: int) -> dict:
            cursor = hcs_db.cursor()
            cursor.execute("SELECT k.* FROM kunden k JOIN auftraege a ON a.kunden_nr = k.kunden_nr"
                           " WHERE a.shop_bestellnr = ?", orders_id)
            columns = [c[0] for c in cursor.description]
            row = cursor.fetchone()
            hcs_db.commit()
            return dict(zip(columns, row))

        def count(self, table: str) -> int:
            return int(hcs_rows(hcs_db, f"SELECT COUNT(*) FROM {table}")[0][0])

        def history(self, orders_id: int, status_id: int) -> int:
            return gambio_rows(gambio_db, "SELECT COUNT(*) FROM orders_status_history"
                                          " WHERE orders_id = %s AND orders_status_id = %s", (orders_id, status_id))[0][0]

        def status(self, orders_id: int) -> int:
            return gambio_rows(gambio_db, "SELECT orders_status FROM orders WHERE orders_id = %s", (orders_id,))[0][0]

    return Shop()


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_line_price_gross_total_exact(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(401, lines=[Line(quantity=Decimal(12), price=Decimal("11.45"))]))

    shop.run()

    header = shop.header(401)
    assert money(header["summe_brutto"]) == Decimal("137.40")
    assert money(header["summe_netto"]) == Decimal("115.46")
    assert money(header["summe_mwst"]) == Decimal("21.94")
    article = shop.positions(401)[0]
    assert money(article["betrag_netto"]) == Decimal("115.46")
    assert Decimal(str(article["menge"])) == Decimal("12")


def test_export_zero_vat_net_equals_gross(shop):
    add_articles(shop.hcs, "ART-1")
    lines = [Line(price=Decimal("50.00"), tax=Decimal("0"), allow_tax=0)]
    add_order(shop.gambio, Order(402, lines=lines, iso="CH", country="Schweiz", postcode="8001", city="Zürich"))

    shop.run()

    header = shop.header(402)
    assert money(header["summe_netto"]) == Decimal("50.00")
    assert money(header["summe_brutto"]) == Decimal("50.00")
    assert money(header["summe_mwst"]) == Decimal("0.00")


def test_house_number_in_additional_info_joins_street(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(403, street="Musterweg", additional_info="8"))

    shop.run()

    header = shop.header(403)
    assert header["liefer_strasse"] == "Musterweg 8"
    assert header["liefer_adresszusatz"] == ""
    assert shop.protocol()[403][0] == "importiert"


def test_packstation_keeps_postnummer(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(404, street="Packstation 123", additional_info="123456789", company=""))

    shop.run()

    header = shop.header(404)
    assert header["liefer_strasse"] == "Packstation 123"
    assert header["liefer_adresszusatz"] == "123456789"


def test_long_company_is_shortened_with_warning(shop):
    add_articles(shop.hcs, "ART-1")
    company = "Großhandel " + "Ä" * 189
    add_order(shop.gambio, Order(405, company=company, vat_id="DE123456789"))

    shop.run()

    customer = shop.customer(405)
    assert customer["firma"] == company[:50]
    assert customer["ustid"] == "DE123456789"
    verdict, _, messages = shop.protocol()[405]
    assert verdict == "importiert"
    shortened = [m for m in messages if m.code == "field_shortened"]
    assert [m.field for m in shortened] == ["billing_company", "delivery_company"]
    assert shortened[0].params["width"] == "50"


@pytest.mark.parametrize(
    ("platform", "special"),
    [("ebay", "5f0c8a1e-3b2d-4c6f-9a7e-1d2c3b4a5f60"), ("amazon", "303-1234567-1234567")],
)
def test_marketplace_order_id_stored_in_full(shop, platform, special):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(406, platform=platform, special=special))

    shop.run()

    header = shop.header(406)
    assert header["marktplatz_bestellnr"] == special
    assert header["marktplatz"] == platform
    protocol = hcs_rows(shop.hcs, "SELECT marktplatz_bestellnr FROM import_protokoll WHERE shop_bestellnr = :id", id=406)
    assert protocol == [(special,)]


def test_order_just_after_midnight_is_imported(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(407, purchased=datetime(2026, 3, 29, 0, 30)))

    result = shop.run(now=datetime(2026, 3, 29, 0, 45))

    assert result.load["imported"] == 1
    assert shop.header(407)["auftragsdatum"] == datetime(2026, 3, 29, 0, 30)


def test_coupon_equal_to_order_gives_zero_total(shop):
    add_articles(shop.hcs, "ART-1")
    totals = [("ot_subtotal", Decimal("10.00")), ("ot_coupon", Decimal("-10.00")), ("ot_total", Decimal("0.00"))]
    add_order(shop.gambio, Order(408, lines=[Line(price=Decimal("10.00"))], totals=totals))

    shop.run()

    header = shop.header(408)
    assert money(header["summe_brutto"]) == Decimal("0.00")
    coupon = [p for p in shop.positions(408) if p["positionsart"] == "Gutschein"]
    assert len(coupon) == 1
    assert money(coupon[0]["betrag_brutto"]) == Decimal("-10.00")


def test_free_shipping_position_is_zero(shop):
    add_articles(shop.hcs, "ART-1")
    totals = [("ot_subtotal", Decimal("20.00")), ("ot_shipping", Decimal("0.00")), ("ot_total", Decimal("20.00"))]
    add_order(shop.gambio, Order(409, lines=[Line(price=Decimal("20.00"))], totals=totals))

    shop.run()

    shipping = [p for p in shop.positions(409) if p["positionsart"] == "Versand"]
    assert len(shipping) == 1
    assert money(shipping[0]["betrag_brutto"]) == Decimal("0.00")
    assert money(shipping[0]["mwst_betrag"]) == Decimal("0.00")


def test_empty_company_stays_empty(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(410, company=None, platform="ebay", special="110123456789"))

    shop.run()

    assert shop.customer(410)["firma"] == ""
    assert shop.header(410)["liefer_firma"] == ""


def test_repeated_guest_orders_share_one_customer(shop):
    add_articles(shop.hcs, "ART-1")
    for orders_id, customers_id in ((411, 0), (412, 0), (413, 77)):
        add_order(shop.gambio, Order(orders_id, customers_id=customers_id))

    shop.run()

    assert shop.count("kunden") == 1
    assert shop.count("auftraege") == 3


def test_relay_address_does_not_merge_buyers(shop):
    add_articles(shop.hcs, "ART-1")
    relay = "a1b2c3@marketplace.amazon.de"
    add_order(shop.gambio, Order(414, email=relay, firstname="Anna", lastname="Schmidt"))
    add_order(shop.gambio, Order(415, email=relay, firstname="Jonas", lastname="Weber", street="Ringstraße 9"))

    shop.run()

    assert shop.count("kunden") == 2


def test_coupon_split_over_mixed_rates(shop):
    add_articles(shop.hcs, "A19", "A7")
    lines = [Line(model="A19", price=Decimal("4.50"), tax=Decimal("19")),
             Line(model="A7", price=Decimal("4.50"), tax=Decimal("7"))]
    totals = [("ot_subtotal", Decimal("9.00")), ("ot_coupon", Decimal("-9.00")), ("ot_total", Decimal("0.00"))]
    add_order(shop.gambio, Order(416, lines=lines, totals=totals))

    shop.run()

    coupons = {Decimal(str(p["mwst_satz"])): money(p["betrag_brutto"])
               for p in shop.positions(416) if p["positionsart"] == "Gutschein"}
    assert coupons == {Decimal("19"): Decimal("-4.50"), Decimal("7"): Decimal("-4.50")}
    per_rate: dict[Decimal, Decimal] = {}
    for p in shop.positions(416):
        rate = Decimal(str(p["mwst_satz"]))
        per_rate[rate] = per_rate.get(rate, Decimal("0")) + money(p["betrag_brutto"])
    assert per_rate[Decimal("19")] == Decimal("0.00")
    assert per_rate[Decimal("7")] == Decimal("0.00")


def test_grown_order_reported_once_with_both_ids(shop):
    add_articles(shop.hcs, "ART-1", "ART-2")
    add_order(shop.gambio, Order(417, platform="ebay", special="110000000001",
                                 totals=[("ot_subtotal", Decimal("10.00")), ("ot_total", Decimal("10.00"))]))
    shop.run("lauf-1")

    cursor = shop.gambio.cursor()
    cursor.execute("INSERT INTO orders_products (orders_id, products_model, products_name, products_price,"
                   " final_price, products_tax, products_quantity, allow_tax) VALUES (417, 'ART-2', 'Tasse', 5, 5, 19, 1, 1)")
    cursor.execute("UPDATE orders_total SET value = 19.90 WHERE orders_id = 417 AND class = 'ot_total'")
    cursor.execute("UPDATE magnalister_orders SET special = '110000000001\n110000000002' WHERE orders_id = 417")
    shop.gambio.commit()

    shop.run("lauf-2")
    shop.run("lauf-3")

    verdict, auftrag_nr, messages = shop.protocol("lauf-2")[417]
    assert verdict == "gewachsen"
    assert [m.code for m in messages] == ["order_grown"]
    assert shop.protocol("lauf-3") == {}
    assert shop.count("auftraege") == 1
    assert shop.header(417)["marktplatz_bestellnr"] == "110000000001\n110000000002"


def test_umlauts_kept_and_emoji_replaced_visibly(shop):
    add_articles(shop.hcs, "ART-1")
    cursor = shop.gambio.cursor()
    # Upgraded shops can hold 4-byte characters in the comment column.
    cursor.execute("ALTER TABLE orders MODIFY comments TEXT CHARACTER SET utf8mb4")
    shop.gambio.commit()
    add_order(shop.gambio, Order(418, firstname="Jürgen", lastname="Müßig-Çelik", city="Köln",
                                 comments="Bitte klingeln 🙂 danke"))

    shop.run()

    header = shop.header(418)
    assert header["liefer_nachname"] == "Müßig-Çelik"
    assert header["liefer_ort"] == "Köln"
    assert header["bemerkung"] == "Bitte klingeln \ufffd danke"
    codes = [m.code for m in shop.protocol()[418][2]]
    assert codes == ["characters_replaced"]


def test_double_encoded_name_is_repaired(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(419, firstname="JÃ¼rgen", lastname="MÃ¼ÃŸig"))

    shop.run()

    assert shop.customer(419)["vorname"] == "Jürgen"
    assert shop.customer(419)["nachname"] == "Müßig"
    messages = shop.protocol()[419][2]
    assert {m.code for m in messages} == {"encoding_repaired"}


def test_bad_order_set_aside_rest_imported(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(420))
    add_order(shop.gambio, Order(421, iso="XX"))
    add_order(shop.gambio, Order(422, lines=[Line(model="UNBEKANNT-7")]))
    add_order(shop.gambio, Order(423, totals=[("ot_subtotal", Decimal("10.00")), ("ot_total", Decimal("12.00"))]))

    result = shop.run()

    assert result.load["imported"] == 1
    assert result.load["rejected"] == 3
    protocol = shop.protocol()
    assert [(m.code, m.field, m.value) for m in protocol[421][2]] == [
        ("invalid_country", "delivery_country_iso_code_2", "XX"),
        ("invalid_country", "billing_country_iso_code_2", "XX"),
    ]
    assert [(m.code, m.value) for m in protocol[422][2]] == [("unknown_sku", "UNBEKANNT-7")]
    totals = protocol[423][2][0]
    assert totals.code == "totals_mismatch"
    assert totals.render("de") == (
        "Summe aus Positionen, Versand, Gebühren, Gutscheinen und Rabatten (10.00) weicht von ot_total (12.00) um -2.00 ab."
    )
    assert shop.status(421) == PAID
    assert shop.status(420) == HANDED_OVER


def test_rejected_order_listed_again_next_run(shop):
    add_order(shop.gambio, Order(424, lines=[Line(model="FEHLT")]))

    shop.run("lauf-1")
    shop.run("lauf-2")

    assert shop.protocol("lauf-2")[424][0] == "abgelehnt"
    assert shop.status(424) == PAID


def test_unknown_sku_as_free_text_by_setting(shop):
    add_order(shop.gambio, Order(425, lines=[Line(model="FREI-1", name="Sonderanfertigung")]))

    shop.run(unknown_sku_policy="free_text")

    position = shop.positions(425)[0]
    assert position["positionsart"] == "Freitext"
    assert position["artikel_nr"] is None
    assert [m.code for m in shop.protocol()[425][2]] == ["free_text_position"]


def test_variant_line_uses_combi_model(shop):
    add_articles(shop.hcs, "SHIRT-RED-L")
    add_order(shop.gambio, Order(426, lines=[Line(model="SHIRT-SHIRT-RED-L", combi_model="SHIRT-RED-L")]))

    shop.run()

    assert shop.positions(426)[0]["artikel_nr"] == "SHIRT-RED-L"


def test_fba_order_flagged(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(427, platform="amazon", special="302-7654321-7654321",
                                 internaldata='a:1:{s:18:"FulfillmentChannel";s:3:"AFN";}'))

    shop.run()

    assert int(shop.header(427)["versand_durch_marktplatz"]) == 1


def test_history_comment_names_hcs_order(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(428))

    shop.run()

    auftrag_nr = shop.header(428)["auftrag_nr"]
    comments = gambio_rows(shop.gambio, "SELECT comments, customer_notified FROM orders_status_history"
                                        " WHERE orders_id = 428 AND orders_status_id = %s", (HANDED_OVER,))
    assert comments == [(f"An HCS 2000 übergeben, HCS-Auftrag {auftrag_nr}", 0)]


def test_protocol_messages_are_json(shop):
    add_order(shop.gambio, Order(429, lines=[Line(model="FEHLT")]))

    shop.run()

    raw = hcs_rows(shop.hcs, "SELECT meldungen FROM import_protokoll WHERE shop_bestellnr = :id", id=429)[0][0]
    assert json.loads(raw)[0]["code"] == "unknown_sku"


def test_shipping_vat_follows_shop_tax_sums(shop):
    add_articles(shop.hcs, "BUCH-1")
    lines = [Line(model="BUCH-1", price=Decimal("10.70"), tax=Decimal("7"))]
    totals = [("ot_subtotal", Decimal("10.70")), ("ot_shipping", Decimal("4.90")), ("ot_total", Decimal("15.60"))]
    # The shop's shipping module taxes shipping at 19 % although the book has 7 %.
    add_order(shop.gambio, Order(430, lines=lines, totals=totals,
                                 tax_sums=[(Decimal("7"), Decimal("0.70")), (Decimal("19"), Decimal("0.78"))]))

    shop.run()

    shipping = [p for p in shop.positions(430) if p["positionsart"] == "Versand"]
    assert [(Decimal(str(p["mwst_satz"])), money(p["mwst_betrag"])) for p in shipping] == [(Decimal("19"), Decimal("0.78"))]
    assert money(shop.header(430)["summe_mwst"]) == Decimal("1.48")


def test_shipping_split_over_mixed_rates_without_tax_sums(shop):
    add_articles(shop.hcs, "A19", "A7")
    lines = [Line(model="A19", price=Decimal("30.00"), tax=Decimal("19")),
             Line(model="A7", price=Decimal("10.00"), tax=Decimal("7"))]
    totals = [("ot_subtotal", Decimal("40.00")), ("ot_shipping", Decimal("4.00")), ("ot_total", Decimal("44.00"))]
    add_order(shop.gambio, Order(431, lines=lines, totals=totals))

    shop.run()

    shipping = {Decimal(str(p["mwst_satz"])): money(p["betrag_brutto"])
                for p in shop.positions(431) if p["positionsart"] == "Versand"}
    assert shipping == {Decimal("19"): Decimal("3.00"), Decimal("7"): Decimal("1.00")}


def test_tax_sums_that_match_no_placement_reject(shop):
    add_articles(shop.hcs, "ART-1")
    totals = [("ot_subtotal", Decimal("10.00")), ("ot_total", Decimal("10.00"))]
    add_order(shop.gambio, Order(432, totals=totals, tax_sums=[(Decimal("19"), Decimal("1.90"))]))

    shop.run()

    verdict, _, messages = shop.protocol()[432]
    assert verdict == "abgelehnt"
    assert [(m.code, m.value, m.params["expected"]) for m in messages] == [("tax_mismatch", "1.90", "1.60")]


def test_same_rejection_again_is_no_news(shop):
    add_order(shop.gambio, Order(433, lines=[Line(model="FEHLT")]))

    first = shop.run("lauf-1")
    second = shop.run("lauf-2")

    assert first.load["rejected_new"] == 1
    assert second.load["rejected"] == 1
    assert second.load["rejected_new"] == 0


def test_country_code_one_letter_or_empty_set_aside(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(460, iso="D"))
    add_order(shop.gambio, Order(461, iso=""))
    add_order(shop.gambio, Order(462, iso="at"))

    shop.run()

    protocol = shop.protocol()
    assert [(m.code, m.value) for m in protocol[460][2]] == [("invalid_country", "D"), ("invalid_country", "D")]
    assert [(m.code, m.value) for m in protocol[461][2]] == [("invalid_country", ""), ("invalid_country", "")]
    assert shop.status(462) == HANDED_OVER


def test_empty_purchase_date_takes_run_time(shop):
    add_articles(shop.hcs, "ART-1")
    add_order(shop.gambio, Order(463, purchased=datetime(1000, 1, 1, 0, 0)))

    shop.run()

    assert shop.header(463)["auftragsdatum"] == NOW
