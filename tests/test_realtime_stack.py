"""Smoke run of the real-time path through a real Airflow standalone with its triggerer.

A delivery note printed in HCS must reach the shop through the asset watcher, the asset event
and the DAG hcs_delivery_realtime. Everything runs in a temporary state folder on free loopback
ports and is stopped by the test.
"""

from __future__ import annotations

import subprocess
import time
from datetime import datetime
from decimal import Decimal

import pyodbc
import pytest

from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema
from gambio_hcs_bridge.devstack.airflow_standalone import AirflowStandalone
from gambio_hcs_bridge.devstack.config import GAMBIO_DATABASE, hcs_sqlite_connection, odbc_connection_string
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from gambio_hcs_bridge.hcs_user import find_auftrag_nr, print_document
from gambio_hcs_bridge.importer.pipeline import run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.settings import parse_settings
from gambio_hcs_bridge.statuses import DEFAULT_STATUS_NAMES, ensure_statuses
from shopdata import Order, add_articles, add_order, gambio_rows
from stack_env import point_stack_at

SHIPPED = 3
WAIT_SECONDS = 240


@pytest.fixture
def stack(tmp_path, monkeypatch):
    config = point_stack_at(monkeypatch, tmp_path / "state")
    # A fast watcher keeps the test short; the DAG file reads it while being parsed.
    monkeypatch.setenv("GAMBIO_HCS_WATCH_SECONDS", "2")

    server = LocalMariaDB(config.mariadb_dir, config.mariadb_port, config.mariadb_root_password())
    server.start()
    airflow = AirflowStandalone(config)
    try:
        yield config, server, airflow
    finally:
        airflow.stop()
        server.stop()


@pytest.mark.slow
@pytest.mark.airflow
def test_delivery_note_reaches_shop_through_triggerer(stack, tmp_path):
    config, server, airflow = stack
    server.create_database(GAMBIO_DATABASE, "utf8")
    gambio = server.connect(GAMBIO_DATABASE)
    create_gambio_schema(gambio)
    statuses = ensure_statuses(gambio, DEFAULT_STATUS_NAMES)
    add_order(gambio, Order(801, status=statuses["paid"]))

    config.hcs_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    hcs = prepare_hcs_connection(pyodbc.connect(odbc_connection_string(hcs_sqlite_connection(config.hcs_sqlite_path))))
    create_hcs_schema(hcs)
    add_articles(hcs, "ART-1", stock=Decimal("10"))
    settings = parse_settings({"status_paid": statuses["paid"], "status_handed_over": statuses["handed_over"]})
    run_import(gambio, hcs, RunStore(tmp_path, "test", "lauf-1"), settings, lauf_id="lauf-1",
               now=datetime(2026, 11, 20, 15, 0))

    airflow.start()
    env = airflow.environment()
    deadline = time.monotonic() + WAIT_SECONDS
    while subprocess.run(["airflow", "dags", "unpause", "hcs_delivery_realtime"], env=env,
                         capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "hcs_delivery_realtime never appeared in Airflow"
        time.sleep(3)

    print_document(hcs, find_auftrag_nr(hcs, 801), "Lieferschein", tracking_number="00340434161094042557",
                   carrier="DHL")
    printed = time.monotonic()
    while gambio_rows(gambio, "SELECT orders_status FROM orders WHERE orders_id = 801") != [(SHIPPED,)]:
        assert time.monotonic() < deadline, f"status not written; see {airflow.log_file}"
        time.sleep(1)
    print(f"delivery note reached the shop after {time.monotonic() - printed:.1f} s")

    assert gambio_rows(gambio, "SELECT tracking_code FROM orders_parcel_tracking_codes WHERE order_id = 801") == [
        ("00340434161094042557",)]
    hcs.close()
    gambio.close()
