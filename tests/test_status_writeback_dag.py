"""The DAG hcs_status_writeback: parsing without a database, and one run with dag.test()."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pyodbc
import pytest

from airflow_env import DAGS_DIR, RESULT_MARKER, airflow_home, airflow_home_env, run_dag_test, run_python  # noqa: F401
from gambio_hcs_bridge.devstack.config import gambio_connection, hcs_sqlite_connection, odbc_connection_string
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from gambio_hcs_bridge.hcs_user import find_auftrag_nr, print_document
from gambio_hcs_bridge.importer.pipeline import run_import
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.settings import parse_settings
from shopdata import HANDED_OVER, PAID, Order, add_articles, add_order, add_paid_statuses, gambio_rows

WRITEBACK_DAG_FILE = DAGS_DIR / "hcs_status_writeback.py"

# Parses the DAG file in a child process whose metadata database does not exist and with no
# connection or Variable defined, so a lookup at parse time would fail.
_PARSE_SCRIPT = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags.get("hcs_status_writeback")
result = {"import_errors": {str(k): v for k, v in bag.import_errors.items()}, "dag_ids": sorted(bag.dags),
          "heavy": [m for m in ("openpyxl", "pandas", "great_expectations", "pyodbc", "MySQLdb") if m in sys.modules]}
if dag is not None:
    callback = dag.default_args.get("on_failure_callback")
    result.update(
        schedule=str(dag.schedule),
        max_active_runs=dag.max_active_runs,
        catchup=dag.catchup,
        tags=sorted(dag.tags),
        owner=dag.owner,
        doc_md=dag.doc_md,
        task_ids=sorted(dag.task_ids),
        task_docs={t.task_id: t.doc_md for t in dag.tasks},
        operators={t.task_id: type(t).__name__ for t in dag.tasks},
        on_failure_callback=f"{callback.__module__}.{callback.__qualname__}" if callback else None,
    )
print(MARKER + json.dumps(result, default=str))
""".replace("MARKER", repr(RESULT_MARKER))


def _parse(tmp_path_factory, **extra_env) -> dict:
    home = tmp_path_factory.mktemp("parse_home")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    env.pop("GAMBIO_HCS_WRITEBACK_SCHEDULE", None)
    env.update(airflow_home_env(home))
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'missing' / 'airflow.db'}"
    env.update(extra_env)
    return run_python(env, _PARSE_SCRIPT, str(WRITEBACK_DAG_FILE), timeout=180)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    return _parse(tmp_path_factory)


def test_writeback_dag_parses_without_database(parsed):
    assert parsed["import_errors"] == {}
    assert parsed["dag_ids"] == ["hcs_status_writeback"]


def test_writeback_dag_parse_imports_nothing_heavy(parsed):
    assert parsed["heavy"] == []


def test_writeback_schedule_and_single_active_run(parsed):
    assert parsed["schedule"] == "*/5 * * * *"
    assert parsed["max_active_runs"] == 1
    assert parsed["catchup"] is False


def test_writeback_schedule_from_environment(tmp_path_factory):
    result = _parse(tmp_path_factory, GAMBIO_HCS_WRITEBACK_SCHEDULE="*/2 * * * *")

    assert result["schedule"] == "*/2 * * * *"


def test_writeback_tags_owner_docs(parsed):
    assert parsed["tags"] == ["gambio", "hcs", "status"]
    assert parsed["owner"] == "datenteam"
    assert "Status-Rückmeldung" in parsed["doc_md"]
    assert parsed["task_docs"]["write_back_statuses"].startswith("Liest die noch nicht verarbeiteten HCS-Belege")


def test_writeback_task_and_failure_alert(parsed):
    assert parsed["operators"] == {"write_back_statuses": "HcsStatusWritebackOperator"}
    assert parsed["on_failure_callback"] == "gambio_hcs_bridge.reporting.mail.notify_task_failure"


@pytest.mark.airflow
@pytest.mark.slow
def test_writeback_run_sets_versendet(airflow_home, monkeypatch, tmp_path, mariadb, gambio_db):
    add_paid_statuses(gambio_db)
    add_order(gambio_db, Order(801))
    hcs = hcs_sqlite_connection(tmp_path / "hcs.sqlite3")
    hcs_conn = prepare_hcs_connection(pyodbc.connect(odbc_connection_string(hcs), autocommit=False))
    create_hcs_schema(hcs_conn)
    add_articles(hcs_conn, "ART-1")
    settings = {"status_paid": PAID, "status_handed_over": HANDED_OVER}
    run_import(gambio_db, hcs_conn, RunStore(tmp_path / "work", "test", "import"), parse_settings(settings),
               lauf_id="import", now=datetime(2026, 11, 20, 15, 0))
    beleg_id = print_document(hcs_conn, find_auftrag_nr(hcs_conn, 801), "Lieferschein",
                              printed_at=datetime(2026, 11, 21, 9, 0), tracking_number="00340434161094042557",
                              carrier="DHL")
    hcs_conn.close()
    monkeypatch.setenv("AIRFLOW_CONN_GAMBIO_DB", json.dumps(gambio_connection(mariadb.port, mariadb.root_password,
                                                                              gambio_db.database_name)))
    monkeypatch.setenv("AIRFLOW_CONN_HCS_ODBC", json.dumps(hcs))
    monkeypatch.setenv("AIRFLOW_VAR_GAMBIO_HCS_BRIDGE", json.dumps(settings))

    result = run_dag_test(airflow_home, WRITEBACK_DAG_FILE, "hcs_status_writeback", {})

    assert result["state"] == "success", result
    assert result["tasks"] == {"write_back_statuses": "success"}
    assert gambio_rows(gambio_db, "SELECT orders_status FROM orders WHERE orders_id = 801") == [(3,)]
    assert gambio_rows(gambio_db, "SELECT tracking_code FROM orders_parcel_tracking_codes WHERE order_id = 801") == [
        ("00340434161094042557",)
    ]
    conn = pyodbc.connect(odbc_connection_string(hcs))
    rows = conn.cursor().execute("SELECT beleg_id, shop_bestellnr, ergebnis FROM beleg_verarbeitung").fetchall()
    conn.close()
    assert [tuple(row) for row in rows] == [(beleg_id, 801, "geschrieben")]
