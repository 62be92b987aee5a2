"""Stock sync HCS → Gambio: the rules with exact values, freshness, overlap, crash and rerun.

The database tests run against a real MariaDB Gambio database and a real HCS database through
both ODBC drivers (SQLite3 and MariaDB Connector/ODBC).
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyodbc
import pytest

from gambio_hcs_bridge import stock
from gambio_hcs_bridge.devstack.config import odbc_connection_string
from gambio_hcs_bridge.hcs_user import book_stock, find_auftrag_nr, print_document
from gambio_hcs_bridge.importer.pipeline import run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.settings import DEFAULT_SETTINGS, parse_settings
from gambio_hcs_bridge.sql import to_qmark
from gambio_hcs_bridge.stock import (
    ShopAttribute,
    ShopCombi,
    ShopProduct,
    StockSyncLockTimeout,
    plan_products,
    shop_stock_value,
    sync_stock,
)
from shopdata import HANDED_OVER, PAID, Line, Order, add_articles, add_order, add_paid_statuses, gambio_rows

BENCH_SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "stock_benchmark.py"
DAY_1 = datetime(2026, 11, 20, 9, 0)
DAY_2 = datetime(2026, 11, 21, 9, 0)
AFN_INTERNALDATA = 'a:1:{s:18:"FulfillmentChannel";s:3:"AFN";}'
MFN_INTERNALDATA = 'a:1:{s:18:"FulfillmentChannel";s:3:"MFN";}'

D = Decimal


# --- rules without a database ----------------------------------------------------------------


def test_value_subtracts_open_orders_and_buffer():
    assert shop_stock_value(D("80"), D("29"), D("0"), D("0")) == D("51.0000")
    assert shop_stock_value(D("10"), D("2"), D("1"), D("3")) == D("4.0000")


def test_value_never_below_zero():
    assert shop_stock_value(D("2"), D("5"), D("0"), D("0")) == D("0.0000")
    assert shop_stock_value(D("2"), D("0"), D("0"), D("2.5")) == D("0.0000")


def test_value_fraction_kept_and_rounded_down():
    assert shop_stock_value(D("2.5"), D("0"), D("0"), D("0")) == D("2.5000")
    assert shop_stock_value(D("2.99999"), D("0"), D("0"), D("0")) == D("2.9999")
    assert shop_stock_value(D("3"), D("0"), D("0"), D("0.00001")) == D("2.9999")


def plan_one(product: ShopProduct, combis, attributes, values):
    return plan_products([product], {product.products_id: combis}, {product.products_id: attributes}, values)


def _variant_product(mode: int) -> tuple[ShopProduct, list[ShopCombi]]:
    product = ShopProduct(10, "SHIRT", D("0"), mode)
    combis = [ShopCombi(101, 10, "SHIRT-S", D("0")), ShopCombi(102, 10, "SHIRT-M", D("0"))]
    return product, combis


@pytest.mark.parametrize(("mode", "product_level"), [(0, D("12")), (1, D("100")), (2, D("12")), (3, D("12"))])
def test_plan_variant_product_level_by_mode(mode, product_level):
    product, combis = _variant_product(mode)
    values = {"SHIRT": D("100"), "SHIRT-S": D("7"), "SHIRT-M": D("5")}

    plan = plan_one(product, combis, [], values)

    assert (stock.TARGET_PRODUCT, 10, product_level) in plan.changes
    assert (stock.TARGET_COMBI, 101, D("7")) in plan.changes
    assert (stock.TARGET_COMBI, 102, D("5")) in plan.changes


def test_plan_mode_1_without_own_article_sums_variants():
    product, combis = _variant_product(1)

    plan = plan_one(product, combis, [], {"SHIRT-S": D("7"), "SHIRT-M": D("5")})

    assert (stock.TARGET_PRODUCT, 10, D("12")) in plan.changes
    assert plan.shop_only == 0


def test_plan_unknown_variant_keeps_quantity_in_sum():
    product = ShopProduct(10, "SHIRT", D("0"), 2)
    combis = [ShopCombi(101, 10, "SHIRT-S", D("0")), ShopCombi(102, 10, "SHIRT-XL", D("3"))]

    plan = plan_one(product, combis, [], {"SHIRT-S": D("7")})

    assert plan.changes == [(stock.TARGET_COMBI, 101, D("7")), (stock.TARGET_PRODUCT, 10, D("10"))]
    assert plan.skipped == 1
    assert plan.shop_only_sample == ["SHIRT-XL"]


def test_plan_unchanged_value_not_planned():
    plan = plan_one(ShopProduct(1, "ART-1", D("4.0000"), 0), [], [], {"ART-1": D("4.0000")})

    assert plan.changes == []
    assert plan.unchanged == 1


def test_plan_product_without_sku_skipped_unreported():
    plan = plan_one(ShopProduct(1, "", D("4"), 0), [], [], {"ART-1": D("1")})

    assert plan.changes == []
    assert plan.skipped == 1
    assert plan.shop_only == 0


def test_plan_attributes_and_product_level():
    product = ShopProduct(20, "TASSE", D("0"), 0)
    attributes = [ShopAttribute(201, 20, "TASSE-ROT", D("0")), ShopAttribute(202, 20, "TASSE-BLAU", None)]

    plan = plan_one(product, [], attributes, {"TASSE": D("9"), "TASSE-ROT": D("4"), "TASSE-BLAU": D("0")})

    assert plan.changes == [
        (stock.TARGET_ATTRIBUTE, 201, D("4")),
        (stock.TARGET_ATTRIBUTE, 202, D("0")),
        (stock.TARGET_PRODUCT, 20, D("9")),
    ]


# --- database helpers ------------------------------------------------------------------------


def add_product(conn, products_id: int, model: str, quantity: Decimal = D("0"), mode: int = 0) -> None:
    conn.cursor().execute(
        "INSERT INTO products (products_id, products_model, products_quantity, use_properties_combis_quantity)"
        " VALUES (%s, %s, %s, %s)",
        (products_id, model, quantity, mode),
    )
    conn.commit()


def add_combi(conn, combi_id: int, products_id: int, model: str, quantity: Decimal = D("0")) -> None:
    conn.cursor().execute(
        "INSERT INTO products_properties_combis (products_properties_combis_id, products_id, combi_model,"
        " combi_quantity, combi_price_type) VALUES (%s, %s, %s, %s, 'calc')",
        (combi_id, products_id, model, quantity),
    )
    conn.commit()


def add_attribute(conn, attributes_id: int, products_id: int, model: str, stock_value: Decimal = D("0")) -> None:
    conn.cursor().execute(
        "INSERT INTO products_attributes (products_attributes_id, products_id, options_id, options_values_id,"
        " attributes_model, attributes_stock) VALUES (%s, %s, 1, %s, %s, %s)",
        (attributes_id, products_id, attributes_id, model, stock_value),
    )
    conn.commit()


def product_quantity(conn, products_id: int) -> Decimal:
    return gambio_rows(conn, "SELECT products_quantity FROM products WHERE products_id = %s", (products_id,))[0][0]


def combi_quantity(conn, combi_id: int) -> Decimal:
    return gambio_rows(conn, "SELECT combi_quantity FROM products_properties_combis"
                             " WHERE products_properties_combis_id = %s", (combi_id,))[0][0]


def attribute_stock(conn, attributes_id: int) -> Decimal:
    return gambio_rows(conn, "SELECT attributes_stock FROM products_attributes WHERE products_attributes_id = %s",
                       (attributes_id,))[0][0]


def add_hcs_order(hcs_conn, auftrag_nr: int, shop_bestellnr: int, lines: list[tuple[str, Decimal]],
                  fba: bool = False) -> None:
    """Insert an HCS order with Artikel positions, as the import writes it (amounts do not matter here)."""
    cursor = hcs_conn.cursor()
    cursor.execute(*to_qmark(
        "INSERT INTO auftraege (auftrag_nr, shop_bestellnr, kunden_nr, auftragsdatum, versand_durch_marktplatz,"
        " summe_netto, summe_mwst, summe_brutto, shop_positionen, shop_fingerabdruck, importiert_am, import_lauf)"
        " VALUES (:nr, :shop, 10001, :at, :fba, 0, 0, 0, :count, :print, :at, 'test')",
        {"nr": auftrag_nr, "shop": shop_bestellnr, "at": datetime(2026, 11, 19, 10, 0), "fba": 1 if fba else 0,
         "count": len(lines), "print": "0" * 40},
    ))
    for pos_nr, (sku, menge) in enumerate(lines, start=1):
        cursor.execute(*to_qmark(
            "INSERT INTO auftragspositionen (auftrag_nr, pos_nr, positionsart, artikel_nr, menge,"
            " einzelpreis_brutto, mwst_satz, betrag_brutto, betrag_netto, mwst_betrag)"
            " VALUES (:nr, :pos, 'Artikel', :sku, :menge, 0, 19, 0, 0, 0)",
            {"nr": auftrag_nr, "pos": pos_nr, "sku": sku, "menge": menge},
        ))
    hcs_conn.commit()


def hcs_bestand(hcs_conn, sku: str) -> Decimal:
    cursor = hcs_conn.cursor()
    cursor.execute("SELECT bestand FROM artikel WHERE artikel_nr = ?", sku)
    value = Decimal(str(cursor.fetchone()[0]))
    hcs_conn.commit()
    return value


@pytest.fixture
def shop(gambio_db, hcs_db, tmp_path):
    """A shop with the paid and handed-over statuses and a runner for stock syncs."""
    add_paid_statuses(gambio_db)

    class Shop:
        gambio = gambio_db
        hcs = hcs_db
        work_dir = tmp_path / "work"

        def settings(self, **overrides):
            return parse_settings({"status_paid": PAID, "status_handed_over": HANDED_OVER,
                                   "work_dir": str(self.work_dir), **overrides})

        def sync(self, skus=None, now=DAY_1, batch_size=1000, **overrides):
            return sync_stock(gambio_db, hcs_db, settings=self.settings(**overrides), skus=skus, now=now,
                              batch_size=batch_size)

    return Shop()


@pytest.fixture(scope="module")
def validator():
    from gambio_hcs_bridge.importer.validate import OrderValidator, ValidationRules

    return OrderValidator(ValidationRules(DEFAULT_SETTINGS.allowed_vat_rates, DEFAULT_SETTINGS.max_unit_price))


# --- the cases -------------------------------------------------------------------------------


def test_delivered_order_other_stays_reserved(shop, tmp_path, validator):
    add_articles(shop.hcs, "ART-1", stock=D("5"))
    add_product(shop.gambio, 1, "ART-1", D("5"))
    add_order(shop.gambio, Order(501, lines=[Line(model="ART-1", quantity=D("1"))], status=PAID))
    add_order(shop.gambio, Order(502, lines=[Line(model="ART-1", quantity=D("1"))], status=1))

    shop.sync()
    assert product_quantity(shop.gambio, 1) == D("3.0000")

    run_import(shop.gambio, shop.hcs, RunStore(tmp_path, "test", "lauf-1"), shop.settings(), lauf_id="lauf-1",
               validator=validator, now=datetime(2026, 11, 20, 15, 0))
    shop.sync()
    assert product_quantity(shop.gambio, 1) == D("3.0000")

    print_document(shop.hcs, find_auftrag_nr(shop.hcs, 501), "Lieferschein")
    assert hcs_bestand(shop.hcs, "ART-1") == D("4")
    shop.sync()

    assert product_quantity(shop.gambio, 1) == D("3.0000")


def test_open_hcs_orders_reserve_stock(shop):
    add_articles(shop.hcs, "ART-1", stock=D("85"))
    add_product(shop.gambio, 1, "ART-1")
    add_hcs_order(shop.hcs, 200001, 601, [("ART-1", D("20"))])
    add_hcs_order(shop.hcs, 200002, 602, [("ART-1", D("9"))])
    print_document(shop.hcs, 200002, "Rechnung")
    add_hcs_order(shop.hcs, 200003, 603, [("ART-1", D("5"))])
    print_document(shop.hcs, 200003, "Lieferschein")
    add_hcs_order(shop.hcs, 200004, 604, [("ART-1", D("7"))])
    print_document(shop.hcs, 200004, "Storno")
    assert hcs_bestand(shop.hcs, "ART-1") == D("80")

    shop.sync(stock_buffer=0)

    assert product_quantity(shop.gambio, 1) == D("51.0000")


def test_sofortrechnung_ends_reservation(shop):
    add_articles(shop.hcs, "ART-1", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    add_hcs_order(shop.hcs, 200001, 601, [("ART-1", D("4"))])
    print_document(shop.hcs, 200001, "Sofortrechnung")

    shop.sync()

    assert product_quantity(shop.gambio, 1) == D("6.0000")


@pytest.mark.parametrize(("mode", "product_level"), [(0, D("12")), (1, D("100")), (2, D("12")), (3, D("12"))])
def test_variant_sets_combi_quantity(shop, mode, product_level):
    add_articles(shop.hcs, "SHIRT", stock=D("100"))
    add_articles(shop.hcs, "SHIRT-S", stock=D("7"))
    add_articles(shop.hcs, "SHIRT-M", stock=D("5"))
    add_product(shop.gambio, 10, "SHIRT", D("40"), mode=mode)
    add_combi(shop.gambio, 101, 10, "SHIRT-S", D("20"))
    add_combi(shop.gambio, 102, 10, "SHIRT-M", D("20"))

    summary = shop.sync()

    assert combi_quantity(shop.gambio, 101) == D("7.0000")
    assert combi_quantity(shop.gambio, 102) == D("5.0000")
    assert product_quantity(shop.gambio, 10) == product_level
    assert summary.combis_written == 2
    assert summary.products_written == 1


def test_variant_order_line_reduces_combi_and_sum(shop):
    add_articles(shop.hcs, "SHIRT-S", stock=D("7"))
    add_articles(shop.hcs, "SHIRT-M", stock=D("5"))
    add_product(shop.gambio, 10, "SHIRT", mode=2)
    add_combi(shop.gambio, 101, 10, "SHIRT-S")
    add_combi(shop.gambio, 102, 10, "SHIRT-M")
    add_order(shop.gambio, Order(701, lines=[Line(model="SHIRT-SHIRT-M", combi_model="SHIRT-M", quantity=D("2"))]))

    shop.sync()

    assert combi_quantity(shop.gambio, 102) == D("3.0000")
    assert product_quantity(shop.gambio, 10) == D("10.0000")


def test_attributes_get_stock_product_own_article(shop):
    add_articles(shop.hcs, "TASSE", stock=D("9"))
    add_articles(shop.hcs, "TASSE-ROT", stock=D("4"))
    add_product(shop.gambio, 20, "TASSE")
    add_attribute(shop.gambio, 201, 20, "TASSE-ROT", D("1"))
    add_attribute(shop.gambio, 202, 20, "TASSE-BLAU", D("2"))

    summary = shop.sync()

    assert attribute_stock(shop.gambio, 201) == D("4.0000")
    assert attribute_stock(shop.gambio, 202) == D("2.0000")
    assert product_quantity(shop.gambio, 20) == D("9.0000")
    assert summary.attributes_written == 1
    assert summary.shop_only == 1


def test_buffer_subtracted(shop):
    add_articles(shop.hcs, "ART-1", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")

    shop.sync(stock_buffer=3)

    assert product_quantity(shop.gambio, 1) == D("7.0000")


def test_never_below_zero(shop):
    add_articles(shop.hcs, "ART-1", stock=D("2"))
    add_product(shop.gambio, 1, "ART-1", D("8"))
    add_hcs_order(shop.hcs, 200001, 601, [("ART-1", D("5"))])

    shop.sync()

    assert product_quantity(shop.gambio, 1) == D("0.0000")


def test_fraction_kept(shop):
    add_articles(shop.hcs, "ART-1", stock=D("2.5"))
    add_product(shop.gambio, 1, "ART-1")

    shop.sync()

    assert product_quantity(shop.gambio, 1) == D("2.5000")


def test_fraction_rounded_down(shop):
    add_articles(shop.hcs, "ART-1", stock=D("3"))
    add_product(shop.gambio, 1, "ART-1")

    shop.sync(stock_buffer="0.00001")

    assert product_quantity(shop.gambio, 1) == D("2.9999")


def test_fractional_open_quantities_summed_exactly(shop):
    # 1 − 0.1 − 0.2 is 0.7 in Decimal; floating point would give 0.6999... and round down to 0.6999.
    add_articles(shop.hcs, "ART-1", stock=D("1"))
    add_product(shop.gambio, 1, "ART-1")
    add_hcs_order(shop.hcs, 200001, 601, [("ART-1", D("0.1")), ("ART-1", D("0.2"))])

    shop.sync()

    assert product_quantity(shop.gambio, 1) == D("0.7000")


def test_second_run_writes_nothing(shop):
    add_articles(shop.hcs, "ART-1", "ART-2", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    add_product(shop.gambio, 2, "ART-2")

    first = shop.sync()
    second = shop.sync()

    assert first.written == 2
    assert second.written == 0
    assert second.unchanged == 2
    assert second.planned == 0


def test_cancelled_and_handed_over_shop_orders_not_reserved(shop):
    add_articles(shop.hcs, "ART-1", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    add_order(shop.gambio, Order(801, lines=[Line(model="ART-1", quantity=D("3"))], status=99))
    add_order(shop.gambio, Order(802, lines=[Line(model="ART-1", quantity=D("3"))], status=HANDED_OVER))
    add_order(shop.gambio, Order(803, lines=[Line(model="ART-1", quantity=D("1"))], status=2))

    shop.sync()

    assert product_quantity(shop.gambio, 1) == D("9.0000")


def test_fba_orders_reserve_nothing(shop):
    add_articles(shop.hcs, "ART-1", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    add_hcs_order(shop.hcs, 200001, 901, [("ART-1", D("3"))], fba=True)
    add_hcs_order(shop.hcs, 200002, 902, [("ART-1", D("1"))])
    add_order(shop.gambio, Order(903, lines=[Line(model="ART-1", quantity=D("2"))], platform="amazon",
                                 special="302-0000000-0000903", internaldata=AFN_INTERNALDATA))
    add_order(shop.gambio, Order(904, lines=[Line(model="ART-1", quantity=D("4"))], platform="amazon",
                                 special="302-0000000-0000904", internaldata='{"FulfillmentChannel": "AFN"}'))
    add_order(shop.gambio, Order(905, lines=[Line(model="ART-1", quantity=D("1"))], platform="amazon",
                                 special="302-0000000-0000905", internaldata=MFN_INTERNALDATA))

    shop.sync()

    assert product_quantity(shop.gambio, 1) == D("8.0000")


def test_skus_limit_sync_to_their_products(shop):
    add_articles(shop.hcs, "ART-1", "ART-2", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    add_product(shop.gambio, 2, "ART-2")

    summary = shop.sync(skus={"ART-1"})

    assert product_quantity(shop.gambio, 1) == D("10.0000")
    assert product_quantity(shop.gambio, 2) == D("0.0000")
    assert summary.products_written == 1


def test_skus_variant_syncs_whole_product(shop):
    add_articles(shop.hcs, "SHIRT-S", stock=D("7"))
    add_articles(shop.hcs, "SHIRT-M", stock=D("5"))
    add_product(shop.gambio, 10, "SHIRT", mode=2)
    add_combi(shop.gambio, 101, 10, "SHIRT-S")
    add_combi(shop.gambio, 102, 10, "SHIRT-M")

    shop.sync(skus={"SHIRT-S"})

    assert combi_quantity(shop.gambio, 102) == D("5.0000")
    assert product_quantity(shop.gambio, 10) == D("12.0000")


def test_crash_after_first_batch_then_rerun(shop, monkeypatch):
    add_articles(shop.hcs, "ART-1", "ART-2", "ART-3", stock=D("10"))
    for products_id in (1, 2, 3):
        add_product(shop.gambio, products_id, f"ART-{products_id}")
    original = stock._write_batch
    calls = []

    def failing_after_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("connection lost")
        return original(*args, **kwargs)

    monkeypatch.setattr(stock, "_write_batch", failing_after_first)
    with pytest.raises(ConnectionError):
        shop.sync(batch_size=1)
    assert [product_quantity(shop.gambio, i) for i in (1, 2, 3)] == [D("10.0000"), D("0.0000"), D("0.0000")]

    monkeypatch.setattr(stock, "_write_batch", original)
    rerun = shop.sync(batch_size=1)

    assert [product_quantity(shop.gambio, i) for i in (1, 2, 3)] == [D("10.0000")] * 3
    assert rerun.products_written == 2
    assert rerun.unchanged == 1


def _insert_order_after_compute(monkeypatch, mariadb, database: str, times: int) -> list[int]:
    """Make the sync's compute step insert a shop order (2 × ART-1) after it finished, ``times`` times."""
    original = stock._compute
    inserted: list[int] = []

    def compute_then_order(*args, **kwargs):
        result = original(*args, **kwargs)
        if len(inserted) < times:
            orders_id = 1000 + len(inserted)
            conn = mariadb.connect(database)
            add_order(conn, Order(orders_id, lines=[Line(model="ART-1", quantity=D("2"))]))
            conn.close()
            inserted.append(orders_id)
        return result

    monkeypatch.setattr(stock, "_compute", compute_then_order)
    return inserted


def test_order_during_compute_recomputes(shop, monkeypatch, mariadb):
    add_articles(shop.hcs, "ART-1", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    inserted = _insert_order_after_compute(monkeypatch, mariadb, shop.gambio.database_name, times=1)

    summary = shop.sync()

    assert inserted == [1000]
    assert summary.recomputed is True
    assert summary.stale is False
    assert product_quantity(shop.gambio, 1) == D("8.0000")


def test_orders_keep_arriving_nothing_written(shop, monkeypatch, mariadb):
    add_articles(shop.hcs, "ART-1", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1", D("10"))
    inserted = _insert_order_after_compute(monkeypatch, mariadb, shop.gambio.database_name, times=2)

    summary = shop.sync()

    assert len(inserted) == 2
    assert summary.stale is True
    assert summary.planned == 1
    assert summary.written == 0
    assert product_quantity(shop.gambio, 1) == D("10.0000")


def _hcs_connection(hcs_connection):
    return prepare_hcs_connection(pyodbc.connect(odbc_connection_string(hcs_connection), autocommit=False))


def test_overlapping_runs_end_with_newest_value(shop, monkeypatch, mariadb, hcs_connection):
    add_articles(shop.hcs, "ART-1", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    settings = shop.settings()
    computed = threading.Event()
    original = stock._compute

    def slow_compute(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.current_thread().name == "slow":
            computed.set()
            time.sleep(1.5)
        return result

    monkeypatch.setattr(stock, "_compute", slow_compute)
    results: dict[str, object] = {}
    finished: list[str] = []

    def run(name: str) -> None:
        gambio = mariadb.connect(shop.gambio.database_name)
        hcs = _hcs_connection(hcs_connection)
        try:
            results[name] = sync_stock(gambio, hcs, settings=settings, now=DAY_1)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread's asserts
            results[name] = exc
        finally:
            finished.append(name)
            gambio.close()
            hcs.close()

    slow = threading.Thread(target=run, args=("slow",), name="slow")
    slow.start()
    assert computed.wait(30)
    book_stock(shop.hcs, "ART-1", D("-3"), "Thekenverkauf")
    fast = threading.Thread(target=run, args=("fast",), name="fast")
    fast.start()
    slow.join(60)
    fast.join(60)

    assert finished == ["slow", "fast"]
    assert results["slow"].products_written == 1
    assert results["fast"].products_written == 1
    assert product_quantity(shop.gambio, 1) == D("7.0000")


def test_lock_timeout_raises(shop, mariadb):
    other = mariadb.connect(shop.gambio.database_name)
    other.cursor().execute("SELECT GET_LOCK(%s, 0)", (stock.LOCK_NAME,))
    try:
        with pytest.raises(StockSyncLockTimeout, match="another stock sync"):
            sync_stock(shop.gambio, shop.hcs, settings=shop.settings(), now=DAY_1, lock_timeout=1)
    finally:
        other.close()


def test_unmatched_articles_reported_once_a_day(shop, caplog):
    add_articles(shop.hcs, "ART-1", "NUR-HCS", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    add_product(shop.gambio, 2, "NUR-SHOP")
    caplog.set_level(logging.INFO, logger="gambio_hcs_bridge.stock")

    first = shop.sync(now=DAY_1)
    first_log = caplog.text
    caplog.clear()
    same_day = shop.sync(now=datetime(2026, 11, 20, 23, 59))
    same_day_log = caplog.text
    caplog.clear()
    next_day = shop.sync(now=DAY_2)

    assert (first.shop_only, first.hcs_only) == (1, 1)
    assert first.shop_only_sample == ["NUR-SHOP"]
    assert first.hcs_only_sample == ["NUR-HCS"]
    assert "1 shop SKUs have no HCS article" in first_log
    assert "1 HCS articles have no shop SKU; first 1: NUR-HCS" in first_log
    assert same_day.hcs_only is None
    assert "no HCS article" not in same_day_log
    assert next_day.hcs_only == 1
    assert "NUR-SHOP" in caplog.text
    assert (shop.work_dir / "hcs_stock_sync" / "unmatched_report.json").is_file()


def test_limited_sync_never_reports(shop):
    add_articles(shop.hcs, "ART-1", "NUR-HCS", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")

    summary = shop.sync(skus={"ART-1"})

    assert summary.hcs_only is None
    assert not (shop.work_dir / "hcs_stock_sync" / "unmatched_report.json").exists()


def test_status_names_resolved(shop):
    add_articles(shop.hcs, "ART-1", stock=D("10"))
    add_product(shop.gambio, 1, "ART-1")
    add_order(shop.gambio, Order(1101, lines=[Line(model="ART-1", quantity=D("1"))], status=PAID))

    shop.sync(status_paid="Bezahlt", stock_open_statuses=[])

    assert product_quantity(shop.gambio, 1) == D("9.0000")


# --- benchmark smoke test --------------------------------------------------------------------


def _load_bench_module():
    spec = importlib.util.spec_from_file_location("stock_benchmark", BENCH_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.mariadb
def test_benchmark_smoke(mariadb, tmp_path):
    bench = _load_bench_module()

    result = bench.run_size(mariadb, tmp_path, 500, repeats=1)

    assert result["articles"] == 500
    assert result["full"]["sync_written"] == result["full"]["expected_changes"]
    assert result["one_percent"]["sync_written"] == result["one_percent"]["expected_changes"]
    assert result["full"]["mismatches_after_sync"] == 0
    assert result["peak_rss_kib"] > 0
