"""The DAG webshop_spezialliste: parsing without a database, and a full run with dag.test()."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from decimal import Decimal

import pyodbc
import pytest
from openpyxl import load_workbook

from airflow_env import DAGS_DIR, airflow_home, airflow_home_env, run_dag_test, run_python  # noqa: F401
from gambio_hcs_bridge.devstack.config import gambio_connection, hcs_sqlite_connection, odbc_connection_string, smtp_connection
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from shopdata import Line, Order, add_order, add_paid_statuses

DAG_FILE = DAGS_DIR / "webshop_spezialliste.py"

TITLES = {
    "datum_von": "Kaufdatum von",
    "datum_bis": "Kaufdatum bis",
    "marktplaetze": "Marktplätze",
    "gambio_status": "Gambio-Status",
    "hcs_status": "HCS-Stand",
    "artikelnummern": "Artikelnummern",
    "kunde": "Kunde",
    "betrag_von": "Betrag von (brutto)",
    "betrag_bis": "Betrag bis (brutto)",
    "mit_positionen": "Mit Positionen",
    "format": "Format",
    "empfaenger": "Empfänger",
}

# Parses the DAG file in a child whose metadata database does not exist and with no
# connection or Variable defined, so any lookup at parse time would fail the parse.
_PARSE_SCRIPT = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
result = {"import_errors": {str(k): v for k, v in bag.import_errors.items()}, "dag_ids": sorted(bag.dags)}
dag = bag.dags.get("webshop_spezialliste")
if dag is not None:
    result.update(
        schedule=str(dag.schedule),
        catchup=dag.catchup,
        max_active_runs=dag.max_active_runs,
        tags=sorted(dag.tags),
        owner=dag.owner,
        doc_md=dag.doc_md,
        task_docs={t.task_id: t.doc_md for t in dag.tasks},
        task_retries={t.task_id: t.retries for t in dag.tasks},
        callbacks={t.task_id: [c.__name__ for c in t.on_failure_callback] for t in dag.tasks},
        params={k: {**dag.params.get_param(k).schema, "description": dag.params.get_param(k).description,
                    "default": dag.params.get_param(k).value} for k in dag.params.keys()},
        heavy=[m for m in ("openpyxl", "pandas", "great_expectations", "pyodbc", "MySQLdb") if m in sys.modules],
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
    return run_python(env, script, str(DAG_FILE), timeout=120)


def test_dag_file_parses(parsed):
    assert parsed["import_errors"] == {}
    assert parsed["dag_ids"] == ["webshop_spezialliste"]


def test_schedule_monthly_single_run(parsed):
    assert parsed["schedule"] == "0 6 1 * *"
    assert parsed["catchup"] is False
    assert parsed["max_active_runs"] == 1


def test_tags_owner_docs(parsed):
    assert parsed["tags"] == ["berichte", "gambio", "hcs"]
    assert parsed["owner"] == "datenteam"
    assert "Spezialliste" in parsed["doc_md"]
    assert "archive_retention_days" in parsed["doc_md"]
    assert all(parsed["task_docs"].values())


def test_param_titles_exact(parsed):
    assert {key: param["title"] for key, param in parsed["params"].items()} == TITLES


def test_param_descriptions_german(parsed):
    for key, param in parsed["params"].items():
        assert param["description"], key
    assert "Vormonat" in parsed["params"]["datum_von"]["description"]


def test_param_types_and_defaults(parsed):
    params = parsed["params"]
    assert params["datum_von"]["type"] == ["null", "string"]
    assert params["datum_von"]["format"] == "date"
    assert params["marktplaetze"]["items"]["enum"] == ["shop", "ebay", "amazon", "hood", "hitmeister", "otto"]
    assert params["hcs_status"]["items"]["enum"] == ["nicht_importiert", "importiert", "geliefert", "berechnet"]
    assert params["gambio_status"]["items"] == {"type": "integer"}
    assert params["betrag_von"]["type"] == ["null", "number"]
    assert params["format"]["enum"] == ["xlsx", "csv"]
    # Every optional field is nullable: the trigger form treats an empty non-null field as missing.
    assert params["artikelnummern"]["type"] == ["null", "string"]
    assert params["marktplaetze"]["type"] == ["null", "array"]
    defaults = {key: param["default"] for key, param in params.items()}
    assert defaults == {
        "datum_von": None, "datum_bis": None, "marktplaetze": None, "gambio_status": None, "hcs_status": None,
        "artikelnummern": None, "kunde": None, "betrag_von": None, "betrag_bis": None, "mit_positionen": False,
        "format": "xlsx", "empfaenger": None,
    }


def test_form_check_not_retried(parsed):
    assert parsed["task_retries"]["check_form"] == 0
    assert parsed["task_retries"]["mail_list"] == 3


def test_failure_callback_on_every_task(parsed):
    assert set(parsed["callbacks"]) == {"check_form", "build_list", "mail_list", "clean_archive"}
    assert all(names == ["notify_task_failure"] for names in parsed["callbacks"].values())


def test_no_heavy_imports_at_parse(parsed):
    assert parsed["heavy"] == []


@pytest.fixture
def stack(monkeypatch, tmp_path, mariadb, gambio_db, mail_sink):
    """Two November orders and one December order in Gambio, an empty SQLite HCS and an old archive file."""
    add_paid_statuses(gambio_db)
    add_order(gambio_db, Order(801, lines=[Line(price=Decimal("19.99"))], lastname="Alpha"))
    add_order(gambio_db, Order(802, lines=[Line(price=Decimal("5.01"))], platform="otto", special="OTTO-802"))
    add_order(gambio_db, Order(803, purchased=datetime(2026, 12, 1, 10, 0)))
    hcs = hcs_sqlite_connection(tmp_path / "hcs.sqlite3")
    hcs_conn = pyodbc.connect(odbc_connection_string(hcs), autocommit=False)
    create_hcs_schema(hcs_conn)
    hcs_conn.close()

    archive = tmp_path / "archiv"
    archive.mkdir()
    old = archive / "uebernahme-protokoll_2025-01-01_000000_alt.xlsx"
    old.write_bytes(b"alt")
    os.utime(old, (datetime(2025, 1, 1).timestamp(),) * 2)

    gambio = gambio_connection(mariadb.port, mariadb.root_password, gambio_db.database_name)
    monkeypatch.setenv("AIRFLOW_CONN_GAMBIO_DB", json.dumps(gambio))
    monkeypatch.setenv("AIRFLOW_CONN_HCS_ODBC", json.dumps(hcs))
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(mail_sink.port)))
    monkeypatch.setenv(
        "AIRFLOW_VAR_GAMBIO_HCS_BRIDGE",
        json.dumps({
            "mail_recipients": ["datenteam@example.com"],
            "report_recipients_allowed": ["datenteam@example.com", "chef@example.com"],
            "work_dir": str(tmp_path / "work"),
            "archive_dir": str(archive),
        }),
    )
    return archive


@pytest.mark.airflow
@pytest.mark.slow
def test_run_builds_archives_mails_and_cleans(airflow_home, stack, mail_sink):
    result = run_dag_test(airflow_home, DAG_FILE, "webshop_spezialliste",
                          {"datum_von": "2026-11-01", "datum_bis": "2026-11-30", "empfaenger": ["chef@example.com"]})

    assert result["state"] == "success", result
    assert result["tasks"] == {
        "check_form": "success", "build_list": "success", "mail_list": "success", "clean_archive": "success",
    }
    [archived] = [path.name for path in stack.iterdir()]
    assert archived.startswith("spezialliste_2026-11-01_2026-11-30_")
    assert archived.endswith(".xlsx")

    [mail] = mail_sink.messages()
    assert mail["Subject"] == "Spezialliste 01.11.2026 – 30.11.2026: 2 Bestellungen"
    assert mail["To"] == "chef@example.com"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == archived
    workbook = load_workbook(io.BytesIO(attachment.get_content()))
    sheet = workbook["Bestellungen"]
    assert [sheet["A2"].value, sheet["A3"].value, sheet["A4"].value] == [801, 802, None]
    assert workbook["Zusammenfassung"]["D4"].value == 25
