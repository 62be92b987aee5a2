"""Extract on several connections and validate in several processes give the same run files as
one connection and one process, and a broken chunk fails the task."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from gambio_hcs_bridge.importer.extract import extract_orders
from gambio_hcs_bridge.importer.pipeline import resolve_import_statuses, validate_orders, validate_workers
from gambio_hcs_bridge.importer.records import money_text
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.importer.validate import OrderValidator, ValidationRules
from gambio_hcs_bridge.settings import DEFAULT_SETTINGS, parse_settings
from shopdata import HANDED_OVER, PAID, Line, Order, add_articles, add_order, add_paid_statuses

NOW = datetime(2026, 11, 20, 15, 0)
GOOD_IDS = (601, 602, 603, 605, 606, 607)
UNKNOWN_SKU_ID = 604


@pytest.fixture(scope="module")
def validator():
    return OrderValidator(ValidationRules(DEFAULT_SETTINGS.allowed_vat_rates, DEFAULT_SETTINGS.max_unit_price))


@pytest.fixture
def shop(gambio_db, hcs_db):
    """Seven paid orders; order 604 has an unknown SKU."""
    add_paid_statuses(gambio_db)
    add_articles(hcs_db, "ART-1")
    for orders_id in GOOD_IDS:
        add_order(gambio_db, Order(orders_id, email=f"kunde{orders_id}@example.com"))
    add_order(gambio_db, Order(UNKNOWN_SKU_ID, email="unbekannt@example.com", lines=[Line(model="GIBT-ES-NICHT")]))
    return gambio_db, hcs_db


def extract(gambio, hcs, store: RunStore, extra_readers=()):
    """Extract in four chunks of at most two orders."""
    statuses = resolve_import_statuses(gambio, settings())
    return extract_orders(gambio, hcs, store, status_ids=statuses, tz=settings().tz, chunk_size=2, now=NOW,
                          extra_readers=extra_readers)


@pytest.fixture
def extracted(shop, tmp_path):
    gambio, hcs = shop
    store = RunStore(tmp_path, "test", "parallel")
    extract(gambio, hcs, store)
    return hcs, store


@pytest.fixture
def second_reader(mariadb, gambio_db):
    conn = mariadb.connect(gambio_db.database_name)
    yield conn
    conn.close()


def test_two_connections_read_the_same_chunks(shop, tmp_path, second_reader):
    gambio, hcs = shop
    serial = RunStore(tmp_path, "test", "one-connection")
    parallel = RunStore(tmp_path, "test", "two-connections")
    extract(gambio, hcs, serial)
    extract(gambio, hcs, parallel, extra_readers=[second_reader])
    assert list(parallel.read_chunks("extract")) == list(serial.read_chunks("extract"))


def test_two_connections_keep_chunk_order(shop, tmp_path, second_reader):
    gambio, hcs = shop
    store = RunStore(tmp_path, "test", "two")
    extract(gambio, hcs, store, extra_readers=[second_reader])
    first_ids = [chunk["headers"][0]["orders_id"] for chunk in store.read_chunks("extract")]
    assert first_ids == [601, 603, 605, 607]


def test_extract_lists_the_run_skus(extracted):
    _, store = extracted
    assert store.read_json("extract/skus.json") == ["ART-1", "GIBT-ES-NICHT"]


def settings(**overrides):
    return parse_settings({"status_paid": PAID, "status_handed_over": HANDED_OVER, **overrides})


def validate_chunks(store: RunStore) -> list[dict]:
    return list(store.read_chunks("validate"))


def test_two_processes_count_every_order(extracted, validator):
    hcs, store = extracted
    summary = validate_orders(hcs, store, settings(validate_workers=2), validator)
    assert (summary.orders, summary.accepted, summary.rejected) == (7, 6, 1)


def test_two_processes_write_one_chunk_per_extract_chunk(extracted, validator):
    hcs, store = extracted
    validate_orders(hcs, store, settings(validate_workers=2), validator)
    assert [path.name for path in store.chunk_paths("validate")] == [
        "chunk_00001.pkl", "chunk_00002.pkl", "chunk_00003.pkl", "chunk_00004.pkl",
    ]


def test_two_processes_set_aside_the_unknown_sku(extracted, validator):
    hcs, store = extracted
    validate_orders(hcs, store, settings(validate_workers=2), validator)
    rejected = [order for chunk in validate_chunks(store) for order in chunk["rejected"]]
    assert [(order.orders_id, [m.code for m in order.errors]) for order in rejected] == [
        (UNKNOWN_SKU_ID, ["unknown_sku"]),
    ]


def test_two_processes_match_one_process(extracted, validator):
    hcs, store = extracted
    validate_orders(hcs, store, settings(validate_workers=1), validator)
    serial = validate_chunks(store)
    validate_orders(hcs, store, settings(validate_workers=2), validator)
    assert validate_chunks(store) == serial


def test_accepted_order_carries_money_as_text(extracted, validator):
    hcs, store = extracted
    validate_orders(hcs, store, settings(validate_workers=2), validator)
    first = validate_chunks(store)[0]["accepted"][0]
    assert first.positions[0][3:] == ("1.0000", "10.0000", "19.00", "10.00", "8.40", "1.60")


def test_broken_chunk_fails_the_task(extracted, validator):
    hcs, store = extracted
    store.chunk_paths("extract")[2].write_bytes(b"not a pickle")
    with pytest.raises(Exception) as failure:
        validate_orders(hcs, store, settings(validate_workers=2), validator)
    assert type(failure.value).__name__ == "UnpicklingError"


def test_zero_workers_means_usable_cpus_at_most_four():
    assert 1 <= validate_workers(settings(validate_workers=0)) <= 4


def test_workers_setting_taken_as_given():
    assert validate_workers(settings(validate_workers=3)) == 3


@pytest.mark.parametrize("value, text", [
    (Decimal("-5.00"), "-5.00"),
    (Decimal("0E-2"), "0.00"),
    (Decimal("1E+2"), "100"),
    (Decimal("16.3100"), "16.3100"),
])
def test_money_text_has_no_exponent(value, text):
    assert money_text(value) == text


def test_missing_sku_list_read_from_chunks(extracted, validator):
    hcs, store = extracted
    validate_orders(hcs, store, settings(validate_workers=2), validator)
    with_list = validate_chunks(store)
    (store.root / "extract" / "skus.json").unlink()
    summary = validate_orders(hcs, store, settings(validate_workers=2), validator)
    assert (summary.accepted, summary.rejected) == (6, 1)
    assert validate_chunks(store) == with_list
