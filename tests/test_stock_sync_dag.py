"""The stock DAG hcs_stock_sync: parsing without a database, and one run with dag.test()."""

from __future__ import annotations

import json
import os
from decimal import Decimal

import pyodbc
import pytest

from airflow_env import DAGS_DIR, airflow_home, airflow_home_env, run_dag_test, run_python  # noqa: F401
from gambio_hcs_bridge.devstack.config import gambio_connection, hcs_sqlite_connection, odbc_connection_string
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from shopdata import HANDED_OVER, PAID, Line, Order, add_articles, add_order, add_paid_statuses, gambio_rows

STOCK_DAG_FILE = DAGS_DIR / "hcs_stock_sync.py"

# Parses the DAG file in a child process whose metadata database does not exist and with no
# connection defined, so a database or connection lookup at parse time would fail.
_PARSE_SCRIPT = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags.get("hcs_stock_sync")
result = {"import_errors": {str(k): v for k, v in bag.import_errors.items()}, "dag_ids": sorted(bag.dags),
          "heavy": [m for m in ("openpyxl", "pandas", "great_expectations", "pyodbc", "MySQLdb")
                    if m in sys.modules]}
if dag is not None:
    task = dag.get_task("sync_stock")
    result.update(
        schedule=str(dag.schedule),
        max_active_runs=dag.max_active_runs,
        catchup=dag.catchup,
        tags=sorted(dag.tags),
        owner=dag.owner,
        doc_md=dag.doc_md,
        task_ids=sorted(dag.task_ids),
        task_doc=task.doc_md,
        failure_callback=[getattr(c, "__name__", str(c)) for c in
                          (task.on_failure_callback if isinstance(task.on_failure_callback, list)
                           else [task.on_failure_callback])],
    )
print(MARKER + json.dumps(result, default=str))
""".replace("MARKER", repr("AIRFLOW_TEST_RESULT="))


def _parse(tmp_path_factory, **extra_env) -> dict:
    home = tmp_path_factory.mktemp("parse_home")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    env.update(airflow_home_env(home))
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'missing' / 'airflow.db'}"
    env.update(extra_env)
    return run_python(env, _PARSE_SCRIPT, str(STOCK_DAG_FILE), timeout=180)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    return _parse(tmp_path_factory)


def test_stock_dag_parses_without_database(parsed):
    assert parsed["import_errors"] == {}
    assert parsed["dag_ids"] == ["hcs_stock_sync"]


def test_stock_dag_parse_imports_nothing_heavy(parsed):
    assert parsed["heavy"] == []


def test_stock_dag_schedule_and_single_run(parsed):
    assert parsed["schedule"] == "*/15 * * * *"
    assert parsed["max_active_runs"] == 1
    assert parsed["catchup"] is False


def test_stock_dag_schedule_from_environment(tmp_path_factory):
    parsed = _parse(tmp_path_factory, GAMBIO_HCS_STOCK_SCHEDULE="*/5 * * * *")

    assert parsed["schedule"] == "*/5 * * * *"


def test_stock_dag_tags_owner_docs(parsed):
    assert parsed["tags"] == ["bestand", "gambio", "hcs"]
    assert parsed["owner"] == "datenteam"
    assert "Bestandsabgleich" in parsed["doc_md"]
    assert parsed["task_ids"] == ["sync_stock"]
    assert "Shop-Bestand" in parsed["task_doc"]
    assert parsed["failure_callback"] == ["notify_task_failure"]


@pytest.fixture
def stack(monkeypatch, tmp_path, mariadb, gambio_db):
    """Connections and settings of a DAG run against the test MariaDB and a SQLite HCS."""
    add_paid_statuses(gambio_db)
    hcs = hcs_sqlite_connection(tmp_path / "hcs.sqlite3")
    hcs_conn = pyodbc.connect(odbc_connection_string(hcs), autocommit=False)
    create_hcs_schema(hcs_conn)
    add_articles(hcs_conn, "ART-1", stock=Decimal("12"))
    hcs_conn.close()

    gambio = gambio_connection(mariadb.port, mariadb.root_password, gambio_db.database_name)
    monkeypatch.setenv("AIRFLOW_CONN_GAMBIO_DB", json.dumps(gambio))
    monkeypatch.setenv("AIRFLOW_CONN_HCS_ODBC", json.dumps(hcs))
    monkeypatch.setenv(
        "AIRFLOW_VAR_GAMBIO_HCS_BRIDGE",
        json.dumps({
            "status_paid": PAID,
            "status_handed_over": HANDED_OVER,
            "stock_buffer": 1,
            "work_dir": str(tmp_path / "work"),
        }),
    )
    return gambio_db


@pytest.mark.airflow
@pytest.mark.slow
def test_stock_run_writes_shop_stock(airflow_home, stack):
    gambio = stack
    gambio.cursor().execute(
        "INSERT INTO products (products_id, products_model, products_quantity) VALUES (1, 'ART-1', 0)"
    )
    gambio.commit()
    add_order(gambio, Order(601, lines=[Line(model="ART-1", quantity=Decimal("2"))]))

    result = run_dag_test(airflow_home, STOCK_DAG_FILE, "hcs_stock_sync", {})

    assert result["state"] == "success", result
    assert result["tasks"] == {"sync_stock": "success"}
    assert gambio_rows(gambio, "SELECT products_quantity FROM products WHERE products_id = 1") == [(Decimal("9.0000"),)]
