"""The import DAG gambio_order_import: parsing without a database, and a full run with dag.test()."""

from __future__ import annotations

import io
import json
import os
from decimal import Decimal

import pyodbc
import pytest
from openpyxl import load_workbook

from airflow_env import DAGS_DIR, airflow_home, airflow_home_env, run_dag_test, run_python  # noqa: F401
from gambio_hcs_bridge.devstack.config import gambio_connection, hcs_sqlite_connection, odbc_connection_string, smtp_connection
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from shopdata import HANDED_OVER, PAID, Line, Order, add_articles, add_order, add_paid_statuses, gambio_rows

IMPORT_DAG_FILE = DAGS_DIR / "gambio_order_import.py"
REPORT_DAG_FILE = DAGS_DIR / "webshop_reports.py"

# Parses the whole DAG folder in a child process whose metadata database does not exist and
# with no connection defined, so a database or connection lookup at parse time would fail.
_PARSE_SCRIPT = """
import json, sys, time
started = time.monotonic()
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
seconds = time.monotonic() - started
dag = bag.dags.get("gambio_order_import")
realtime = bag.dags.get("hcs_delivery_realtime")
result = {"import_errors": {str(k): v for k, v in bag.import_errors.items()}, "dag_ids": sorted(bag.dags),
          "seconds": seconds, "heavy": [m for m in ("openpyxl", "pandas", "great_expectations", "pyodbc", "MySQLdb")
                                        if m in sys.modules]}
if realtime is not None:
    asset = realtime.timetable.asset_condition
    result["realtime"] = {
        "asset": asset.name,
        "watchers": [(w.name, w.trigger.serialize()) for w in asset.watchers],
        "max_active_runs": realtime.max_active_runs,
    }
if dag is not None:
    result.update(
        schedule=str(dag.schedule),
        max_active_runs=dag.max_active_runs,
        catchup=dag.catchup,
        tags=sorted(dag.tags),
        owner=dag.owner,
        doc_md=dag.doc_md,
        task_ids=[t.task_id for t in dag.topological_sort()] if hasattr(dag, "topological_sort") else sorted(dag.task_ids),
        task_docs={t.task_id: t.doc_md for t in dag.tasks},
        outlets={t.task_id: [a.name for a in t.outlets] for t in dag.tasks},
        params={k: dag.params.get_param(k).schema for k in dag.params.keys()},
    )
print(MARKER + json.dumps(result, default=str))
"""


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    home = tmp_path_factory.mktemp("parse_home")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    env.update(airflow_home_env(home))
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'missing' / 'airflow.db'}"
    script = _PARSE_SCRIPT.replace("MARKER", repr("AIRFLOW_TEST_RESULT="))
    return run_python(env, script, str(DAGS_DIR), timeout=180)


def test_dag_folder_parses_without_database(parsed):
    assert parsed["import_errors"] == {}
    assert parsed["dag_ids"] == [
        "gambio_order_import", "hcs_delivery_realtime", "hcs_status_writeback", "hcs_stock_sync", "webshop_reports",
        "webshop_spezialliste",
    ]


def test_dag_folder_parse_imports_nothing_heavy(parsed):
    assert parsed["heavy"] == []


def test_import_schedule_and_single_active_run(parsed):
    assert parsed["schedule"] == "*/10 * * * *"
    assert parsed["max_active_runs"] == 1
    assert parsed["catchup"] is False


def test_import_tags_owner_docs(parsed):
    assert parsed["tags"] == ["gambio", "hcs", "import"]
    assert parsed["owner"] == "datenteam"
    assert "An HCS übergeben" in parsed["doc_md"]
    assert all(parsed["task_docs"].values())


def test_import_emits_protocol_asset_last(parsed):
    assert parsed["outlets"]["announce_protocol"] == ["gambio_hcs_import_protocol"]
    assert parsed["outlets"]["load_orders"] == []


def test_realtime_dag_watches_delivery_notes(parsed):
    assert parsed["realtime"]["asset"] == "hcs_lieferscheine"
    assert parsed["realtime"]["watchers"] == [[
        "hcs_lieferschein_watcher",
        ["gambio_hcs_bridge.triggers.hcs_documents.HcsDeliveryNoteTrigger", {"hcs_conn_id": "hcs_odbc", "poke_interval": 5.0}],
    ]]
    assert parsed["realtime"]["max_active_runs"] == 1


def test_trigger_form_labels_german(parsed):
    assert parsed["params"]["kaufdatum_von"]["title"] == "Kaufdatum von"
    assert parsed["params"]["kaufdatum_bis"]["title"] == "Kaufdatum bis"


@pytest.fixture
def stack(monkeypatch, tmp_path, mariadb, gambio_db, mail_sink):
    """Connections and settings of a DAG run against the test MariaDB, a SQLite HCS and the mail sink."""
    add_paid_statuses(gambio_db)
    hcs = hcs_sqlite_connection(tmp_path / "hcs.sqlite3")
    hcs_conn = pyodbc.connect(odbc_connection_string(hcs), autocommit=False)
    create_hcs_schema(hcs_conn)
    add_articles(hcs_conn, "ART-1")
    hcs_conn.close()

    gambio = gambio_connection(mariadb.port, mariadb.root_password, gambio_db.database_name)
    monkeypatch.setenv("AIRFLOW_CONN_GAMBIO_DB", json.dumps(gambio))
    monkeypatch.setenv("AIRFLOW_CONN_HCS_ODBC", json.dumps(hcs))
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(mail_sink.port)))
    monkeypatch.setenv(
        "AIRFLOW_VAR_GAMBIO_HCS_BRIDGE",
        json.dumps({
            "status_paid": PAID,
            "status_handed_over": HANDED_OVER,
            "mail_recipients": ["datenteam@example.com"],
            "work_dir": str(tmp_path / "work"),
            "archive_dir": str(tmp_path / "archiv"),
        }),
    )
    return gambio_db, hcs, tmp_path / "archiv"


@pytest.mark.airflow
@pytest.mark.slow
def test_import_run_then_protocol_mail(airflow_home, stack, mail_sink):
    gambio, hcs, archive = stack
    add_order(gambio, Order(601, lines=[Line(quantity=Decimal(12), price=Decimal("11.45"))], platform="ebay",
                            special="110000000601"))
    add_order(gambio, Order(602, lines=[Line(model="GIBT-ES-NICHT")]))

    imported = run_dag_test(airflow_home, IMPORT_DAG_FILE, "gambio_order_import", {})

    assert imported["state"] == "success", imported
    assert imported["tasks"] == {
        "extract_orders": "success",
        "validate_orders": "success",
        "load_orders": "success",
        "mark_handed_over": "success",
        "announce_protocol": "success",
    }
    assert dict(gambio_rows(gambio, "SELECT orders_id, orders_status FROM orders")) == {601: HANDED_OVER, 602: PAID}

    reported = run_dag_test(airflow_home, REPORT_DAG_FILE, "webshop_reports", {"lauf_id": imported["run_id"]})

    assert reported["state"] == "success", reported
    [mail] = mail_sink.messages()
    assert mail["Subject"].endswith(": 1 importiert, 1 abgelehnt")
    [attachment] = list(mail.iter_attachments())
    workbook = load_workbook(io.BytesIO(attachment.get_content()))
    assert workbook["Importiert"]["A2"].value == 601
    assert [path.name for path in archive.iterdir()] == [attachment.get_filename()]


@pytest.mark.airflow
@pytest.mark.slow
def test_validate_task_forks_workers_inside_airflow(airflow_home, stack, monkeypatch):
    gambio, hcs, _ = stack
    settings = json.loads(os.environ["AIRFLOW_VAR_GAMBIO_HCS_BRIDGE"])
    monkeypatch.setenv("AIRFLOW_VAR_GAMBIO_HCS_BRIDGE",
                       json.dumps({**settings, "extract_chunk_size": 1, "validate_workers": 2}))
    for orders_id in (611, 612, 614):
        add_order(gambio, Order(orders_id))
    add_order(gambio, Order(613, lines=[Line(model="GIBT-ES-NICHT")]))

    result = run_dag_test(airflow_home, IMPORT_DAG_FILE, "gambio_order_import", {})

    assert result["state"] == "success", result
    assert dict(gambio_rows(gambio, "SELECT orders_id, orders_status FROM orders")) == {
        611: HANDED_OVER, 612: HANDED_OVER, 613: PAID, 614: HANDED_OVER,
    }


@pytest.mark.airflow
@pytest.mark.slow
def test_quiet_run_skips_protocol(airflow_home, stack):
    result = run_dag_test(airflow_home, IMPORT_DAG_FILE, "gambio_order_import", {})

    assert result["state"] == "success", result
    assert result["tasks"]["announce_protocol"] == "skipped"


@pytest.mark.airflow
@pytest.mark.slow
def test_trigger_form_window_reexamines_orders(airflow_home, stack):
    gambio, hcs, _ = stack
    from datetime import datetime

    add_order(gambio, Order(603, status=HANDED_OVER, purchased=datetime(2026, 11, 2, 10, 0)))

    result = run_dag_test(airflow_home, IMPORT_DAG_FILE, "gambio_order_import",
                          {"kaufdatum_von": "2026-11-02", "kaufdatum_bis": "2026-11-02"})

    assert result["state"] == "success", result
    conn = pyodbc.connect(odbc_connection_string(hcs))
    rows = conn.cursor().execute("SELECT shop_bestellnr FROM auftraege").fetchall()
    conn.close()
    assert [tuple(row) for row in rows] == [(603,)]
    assert gambio_rows(gambio, "SELECT COUNT(*) FROM orders_status_history WHERE orders_id = 603")[0][0] == 1


@pytest.mark.airflow
@pytest.mark.slow
def test_mail_failure_keeps_import_and_retry_sends(airflow_home, stack, mail_sink, monkeypatch):
    gambio, hcs, archive = stack
    add_order(gambio, Order(604))
    imported = run_dag_test(airflow_home, IMPORT_DAG_FILE, "gambio_order_import", {})
    assert imported["state"] == "success", imported

    # The mail server is down: nothing listens on this loopback port.
    from gambio_hcs_bridge.devstack.process import free_port

    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(free_port())))
    failed = run_dag_test(airflow_home, REPORT_DAG_FILE, "webshop_reports", {"lauf_id": imported["run_id"]})
    assert failed["tasks"]["mail_protocol[0]"] == "failed"
    conn = pyodbc.connect(odbc_connection_string(hcs))
    assert conn.cursor().execute("SELECT COUNT(*) FROM auftraege").fetchone()[0] == 1
    conn.close()
    assert gambio_rows(gambio, "SELECT orders_status FROM orders WHERE orders_id = 604") == [(HANDED_OVER,)]

    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(mail_sink.port)))
    retried = run_dag_test(airflow_home, REPORT_DAG_FILE, "webshop_reports", {"lauf_id": imported["run_id"]})
    assert retried["state"] == "success", retried
    assert len(mail_sink.messages()) == 1
