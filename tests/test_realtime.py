"""The real-time path: a printed delivery note moves the shop status and stock at once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from gambio_hcs_bridge.hcs_user import find_auftrag_nr, print_document
from gambio_hcs_bridge.importer.pipeline import run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.importer.validate import OrderValidator, ValidationRules
from gambio_hcs_bridge.realtime import delivery_note_articles, handle_delivery_notes
from gambio_hcs_bridge.settings import DEFAULT_SETTINGS, parse_settings
from shopdata import HANDED_OVER, PAID, Order, add_articles, add_order, add_paid_statuses, gambio_rows

NOW = datetime(2026, 11, 20, 15, 0)
SHIPPED = 3


@pytest.fixture(scope="module")
def validator():
    return OrderValidator(ValidationRules(DEFAULT_SETTINGS.allowed_vat_rates, DEFAULT_SETTINGS.max_unit_price))


@pytest.fixture
def settings(tmp_path):
    return parse_settings({"status_paid": PAID, "status_handed_over": HANDED_OVER, "work_dir": str(tmp_path / "work")})


@pytest.fixture
def two_imported_orders(gambio_db, hcs_db, tmp_path, validator, settings):
    """Stock 5 of ART-1 in HCS and the shop; two paid orders of one piece each, imported."""
    add_paid_statuses(gambio_db)
    cursor = gambio_db.cursor()
    cursor.execute("INSERT INTO products (products_id, products_model, products_quantity) VALUES (1, 'ART-1', 5)")
    gambio_db.commit()
    add_articles(hcs_db, "ART-1", stock=Decimal("5"))
    add_order(gambio_db, Order(701, email="a@example.com"))
    add_order(gambio_db, Order(702, email="b@example.com", lastname="Beispiel"))
    run_import(gambio_db, hcs_db, RunStore(tmp_path, "test", "lauf-1"), settings, lauf_id="lauf-1",
               validator=validator, now=NOW)
    return gambio_db, hcs_db


def test_delivery_note_articles_lists_unhandled_notes(two_imported_orders):
    gambio, hcs = two_imported_orders
    print_document(hcs, find_auftrag_nr(hcs, 701), "Lieferschein")

    assert delivery_note_articles(hcs) == {"ART-1"}


def test_delivery_note_sets_status_and_stock(two_imported_orders, settings):
    gambio, hcs = two_imported_orders
    print_document(hcs, find_auftrag_nr(hcs, 701), "Lieferschein", tracking_number="00340434161094042557",
                   carrier="DHL")

    summary = handle_delivery_notes(gambio, hcs, settings, now=NOW)

    assert summary["articles"] == 1
    assert gambio_rows(gambio, "SELECT orders_id, orders_status FROM orders ORDER BY orders_id") == [
        (701, SHIPPED), (702, HANDED_OVER)]
    # On hand 4 after the delivery note, minus 1 for order 702 still open in HCS.
    assert gambio_rows(gambio, "SELECT products_quantity FROM products WHERE products_id = 1") == [(Decimal("3.0000"),)]
    assert gambio_rows(gambio, "SELECT tracking_code FROM orders_parcel_tracking_codes WHERE order_id = 701") == [
        ("00340434161094042557",)]


def test_second_call_changes_nothing(two_imported_orders, settings):
    gambio, hcs = two_imported_orders
    print_document(hcs, find_auftrag_nr(hcs, 701), "Lieferschein")
    handle_delivery_notes(gambio, hcs, settings, now=NOW)

    again = handle_delivery_notes(gambio, hcs, settings, now=NOW)

    assert again["articles"] == 0
    assert again["stock"] is None
    assert gambio_rows(gambio, "SELECT COUNT(*) FROM orders_status_history WHERE orders_id = 701") == [(3,)]
