"""Crashes at every step boundary, reruns and overlapping runs: no duplicate, nothing lost."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal

import pyodbc
import pytest

from gambio_hcs_bridge.devstack.config import odbc_connection_string
from gambio_hcs_bridge.importer import load as load_module
from gambio_hcs_bridge.importer import pipeline as pipeline_module
from gambio_hcs_bridge.importer.extract import extract_orders
from gambio_hcs_bridge.importer.pipeline import resolve_import_statuses, run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.importer.validate import OrderValidator, ValidationRules
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.settings import DEFAULT_SETTINGS, parse_settings
from shopdata import HANDED_OVER, PAID, Order, add_articles, add_order, add_paid_statuses, gambio_rows, hcs_rows

NOW = datetime(2026, 11, 20, 15, 0)
ORDER_IDS = (501, 502, 503, 504, 505)


@pytest.fixture(scope="module")
def validator():
    return OrderValidator(ValidationRules(DEFAULT_SETTINGS.allowed_vat_rates, DEFAULT_SETTINGS.max_unit_price))


@pytest.fixture
def shop(gambio_db, hcs_db):
    add_paid_statuses(gambio_db)
    add_articles(hcs_db, "ART-1")
    for orders_id in ORDER_IDS:
        add_order(gambio_db, Order(orders_id, email=f"kunde{orders_id}@example.com"))
    return gambio_db, hcs_db


def settings(**overrides):
    return parse_settings({"status_paid": PAID, "status_handed_over": HANDED_OVER, **overrides})


def run(gambio, hcs, tmp_path, validator, lauf, **overrides):
    return run_import(gambio, hcs, RunStore(tmp_path, "test", lauf), settings(**overrides), lauf_id=lauf,
                      validator=validator, now=NOW)


def hcs_order_counts(hcs) -> dict[int, int]:
    rows = hcs_rows(hcs, "SELECT shop_bestellnr, COUNT(*) FROM auftraege GROUP BY shop_bestellnr")
    return {int(orders_id): int(count) for orders_id, count in rows}


def handover_history_counts(gambio) -> dict[int, int]:
    rows = gambio_rows(gambio, "SELECT orders_id, COUNT(*) FROM orders_status_history"
                               " WHERE orders_status_id = %s GROUP BY orders_id", (HANDED_OVER,))
    return {int(orders_id): int(count) for orders_id, count in rows}


def statuses(gambio) -> dict[int, int]:
    return dict(gambio_rows(gambio, "SELECT orders_id, orders_status FROM orders"))


def assert_all_handed_over_once(gambio, hcs):
    assert hcs_order_counts(hcs) == {orders_id: 1 for orders_id in ORDER_IDS}
    assert handover_history_counts(gambio) == {orders_id: 1 for orders_id in ORDER_IDS}
    assert statuses(gambio) == {orders_id: HANDED_OVER for orders_id in ORDER_IDS}


def test_crash_after_extract_then_rerun(shop, tmp_path, validator):
    gambio, hcs = shop
    statuses_ids = resolve_import_statuses(gambio, settings())
    extract_orders(gambio, hcs, RunStore(tmp_path, "test", "lauf-1"), status_ids=statuses_ids,
                   tz=settings().tz, chunk_size=2, now=NOW)

    run(gambio, hcs, tmp_path, validator, "lauf-2")

    assert_all_handed_over_once(gambio, hcs)


def test_crash_in_middle_of_load_then_rerun(shop, tmp_path, validator, monkeypatch):
    gambio, hcs = shop
    real_write_batch = load_module.HcsWriter._write_batch
    calls = {"count": 0}

    def failing_second_batch(self, orders):
        calls["count"] += 1
        if calls["count"] == 2:
            raise pyodbc.OperationalError("08S01", "[08S01] connection lost (simulated)")
        return real_write_batch(self, orders)

    monkeypatch.setattr(load_module.HcsWriter, "_write_batch", failing_second_batch)
    with pytest.raises(pyodbc.OperationalError):
        run(gambio, hcs, tmp_path, validator, "lauf-1", load_batch_size=2)
    assert sum(hcs_order_counts(hcs).values()) == 2
    monkeypatch.setattr(load_module.HcsWriter, "_write_batch", real_write_batch)

    result = run(gambio, hcs, tmp_path, validator, "lauf-2", load_batch_size=2)

    assert result.load["imported"] == 3
    assert_all_handed_over_once(gambio, hcs)


def test_status_write_failing_twice_then_three_runs(shop, tmp_path, validator, monkeypatch):
    gambio, hcs = shop
    from gambio_hcs_bridge.importer import mark as mark_module

    real_mark = mark_module.mark_handed_over
    failures = {"left": 2}

    def flaky_mark(*args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("Gambio status write failed (simulated)")
        return real_mark(*args, **kwargs)

    monkeypatch.setattr(mark_module, "mark_handed_over", flaky_mark)
    for lauf in ("lauf-1", "lauf-2"):
        with pytest.raises(RuntimeError):
            run(gambio, hcs, tmp_path, validator, lauf)
    third = run(gambio, hcs, tmp_path, validator, "lauf-3")

    assert third.extract["present_paid"] == len(ORDER_IDS)
    assert third.load["present"] == len(ORDER_IDS)
    assert_all_handed_over_once(gambio, hcs)


@pytest.mark.parametrize("engine", ["InnoDB", "MyISAM"])
def test_crash_between_history_and_status(shop, tmp_path, validator, engine):
    gambio, hcs = shop
    cursor = gambio.cursor()
    for table in ("orders", "orders_status_history"):
        cursor.execute(f"ALTER TABLE {table} ENGINE={engine}")
    gambio.commit()

    # A site override whose status statement fails simulates a crash right after the history
    # rows were written.
    override = tmp_path / "override"
    (override / "gambio").mkdir(parents=True)
    (override / "gambio" / "handover_status.sql").write_text("UPDATE no_such_table SET x = 1")
    with pytest.raises(Exception, match="no_such_table"):
        run(gambio, hcs, tmp_path, validator, "lauf-1", sql_override_dir=str(override))
    gambio.rollback()
    written = sum(handover_history_counts(gambio).values())
    assert written == (len(ORDER_IDS) if engine == "MyISAM" else 0)

    run(gambio, hcs, tmp_path, validator, "lauf-2")

    assert_all_handed_over_once(gambio, hcs)


def test_overlapping_runs_create_no_duplicate(shop, tmp_path, validator, mariadb, hcs_connection):
    gambio, hcs = shop
    for orders_id in range(510, 540):
        add_order(gambio, Order(orders_id, email=f"kunde{orders_id}@example.com"))
    errors = []

    def worker(lauf: str):
        own_gambio = mariadb.connect(gambio.database_name, autocommit=False)
        own_hcs = prepare_hcs_connection(pyodbc.connect(odbc_connection_string(hcs_connection), autocommit=False))
        own_validator = OrderValidator(ValidationRules(DEFAULT_SETTINGS.allowed_vat_rates,
                                                       DEFAULT_SETTINGS.max_unit_price))
        try:
            run(own_gambio, own_hcs, tmp_path, own_validator, lauf, load_batch_size=4)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            own_gambio.close()
            own_hcs.close()

    threads = [threading.Thread(target=worker, args=(f"lauf-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    counts = hcs_order_counts(hcs)
    assert len(counts) == 35
    assert set(counts.values()) == {1}
    history = handover_history_counts(gambio)
    assert len(history) == 35
    assert set(history.values()) == {1}
    assert int(hcs_rows(hcs, "SELECT COUNT(*) FROM kunden")[0][0]) == 35


def test_same_run_id_one_protocol_row(shop, tmp_path, validator):
    gambio, hcs = shop

    run(gambio, hcs, tmp_path, validator, "lauf-1")
    run(gambio, hcs, tmp_path, validator, "lauf-1")

    rows = hcs_rows(hcs, "SELECT shop_bestellnr, ergebnis FROM import_protokoll WHERE lauf_id = :lauf", lauf="lauf-1")
    assert sorted(rows) == [(orders_id, "importiert") for orders_id in ORDER_IDS]


def test_backfill_window_recovers_orders_missing_in_hcs(shop, tmp_path, validator):
    gambio, hcs = shop
    from zoneinfo import ZoneInfo

    from gambio_hcs_bridge.importer.extract import Window

    run(gambio, hcs, tmp_path, validator, "lauf-1")
    # An HCS restore from before the import: order 503 is gone from HCS again.
    cursor = hcs.cursor()
    cursor.execute("DELETE FROM auftragspositionen WHERE auftrag_nr IN"
                   " (SELECT auftrag_nr FROM auftraege WHERE shop_bestellnr = 503)")
    cursor.execute("DELETE FROM auftraege WHERE shop_bestellnr = 503")
    hcs.commit()

    window = Window(datetime(2026, 11, 20, tzinfo=ZoneInfo("Europe/Berlin")),
                    datetime(2026, 11, 21, tzinfo=ZoneInfo("Europe/Berlin")))
    result = run_import(gambio, hcs, RunStore(tmp_path, "test", "nachholen"), settings(), lauf_id="nachholen",
                        window=window, validator=validator, now=NOW)

    assert result.load["imported"] == 1
    assert result.load["present"] == 4
    assert_all_handed_over_once(gambio, hcs)
    assert Decimal(len(ORDER_IDS)) == Decimal(sum(hcs_order_counts(hcs).values()))
