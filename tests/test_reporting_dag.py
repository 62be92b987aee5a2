"""The reporting DAG webshop_reports: parsing without a database, and full runs with dag.test()."""

from __future__ import annotations

import io
import json
import os

import pyodbc
import pytest
from openpyxl import load_workbook

from airflow_env import DAGS_DIR, airflow_home, airflow_home_env, run_dag_test, run_python  # noqa: F401
from gambio_hcs_bridge.devstack.config import hcs_sqlite_connection, odbc_connection_string, smtp_connection
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from protocol_seed import LAUF_ID, OTHER_LAUF_ID, seed_protocol_run

DAG_FILE = DAGS_DIR / "webshop_reports.py"

# Parses the DAG file in a child whose metadata database URL points into a folder that does
# not exist, so any database access at parse time would fail the parse.
_PARSE_SCRIPT = """
import json, sys, time
started = time.monotonic()
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
seconds = time.monotonic() - started
result = {"import_errors": {str(k): v for k, v in bag.import_errors.items()}, "dag_ids": sorted(bag.dags)}
dag = bag.dags.get("webshop_reports")
if dag is not None:
    asset = dag.timetable.asset_condition
    result.update(
        schedule={"name": asset.name, "uri": asset.uri},
        tags=sorted(dag.tags),
        owner=dag.owner,
        doc_md=dag.doc_md,
        task_ids=sorted(dag.task_ids),
        task_docs={t.task_id: t.doc_md for t in dag.tasks},
        task_retries={t.task_id: t.retries for t in dag.tasks},
        # Plain operators keep a list of callbacks, mapped operators the callable itself.
        callbacks={
            t.task_id: [c.__name__ for c in (t.on_failure_callback if isinstance(t.on_failure_callback, list) else [t.on_failure_callback])]
            for t in dag.tasks
        },
        param={**dag.params.get_param("lauf_id").schema, "description": dag.params.get_param("lauf_id").description},
        heavy=[m for m in ("openpyxl", "pandas", "great_expectations", "pyodbc") if m in sys.modules],
        seconds=seconds,
    )
print(MARKER + json.dumps(result))
"""


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    home = tmp_path_factory.mktemp("parse_home")
    env = {**os.environ, **airflow_home_env(home)}
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'missing' / 'airflow.db'}"
    script = _PARSE_SCRIPT.replace("MARKER", repr("AIRFLOW_TEST_RESULT="))
    return run_python(env, script, str(DAG_FILE), timeout=120)


def test_dag_file_parses(parsed):
    assert parsed["import_errors"] == {}
    assert parsed["dag_ids"] == ["webshop_reports"]


def test_scheduled_on_import_asset(parsed):
    assert parsed["schedule"] == {"name": "gambio_hcs_import_protocol", "uri": "hcs-bridge://import/protocol"}


def test_tags_and_owner(parsed):
    assert parsed["tags"] == ["berichte", "gambio", "hcs"]
    assert parsed["owner"] == "datenteam"


def test_docs_german(parsed):
    assert "Übernahme-Protokoll" in parsed["doc_md"]
    assert "Archivordner" in parsed["doc_md"]
    for task_id, doc in parsed["task_docs"].items():
        assert doc, task_id
    assert "Wiederholungen" in parsed["task_docs"]["mail_protocol"]


def test_trigger_form_param_german(parsed):
    assert parsed["param"]["title"] == "Lauf-ID des Imports"
    assert "Leer lassen" in parsed["param"]["description"]
    assert parsed["param"]["maxLength"] == 250


def test_mail_task_retries(parsed):
    assert parsed["task_retries"]["mail_protocol"] == 3


def test_failure_callback_on_every_task(parsed):
    assert parsed["callbacks"] == {
        "determine_runs": ["notify_task_failure"],
        "build_protocols": ["notify_task_failure"],
        "mail_protocol": ["notify_task_failure"],
    }


def test_no_heavy_imports_at_parse(parsed):
    assert parsed["heavy"] == []


@pytest.fixture
def seeded_sqlite_hcs(tmp_path):
    connection = hcs_sqlite_connection(tmp_path / "hcs.sqlite3")
    conn = pyodbc.connect(odbc_connection_string(connection), autocommit=False)
    create_hcs_schema(conn)
    seed_protocol_run(conn)
    conn.close()
    return connection


@pytest.fixture
def reporting_env(monkeypatch, tmp_path, seeded_sqlite_hcs, mail_sink):
    archive_dir = tmp_path / "archiv"
    monkeypatch.setenv("AIRFLOW_CONN_HCS_ODBC", json.dumps(seeded_sqlite_hcs))
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(smtp_connection(mail_sink.port)))
    monkeypatch.setenv(
        "AIRFLOW_VAR_GAMBIO_HCS_BRIDGE",
        json.dumps(
            {
                "mail_recipients": ["datenteam@example.com"],
                "mail_from": "hcs-bridge@example.com",
                "archive_dir": str(archive_dir),
                "work_dir": str(tmp_path / "work"),
            }
        ),
    )
    return archive_dir


@pytest.mark.airflow
@pytest.mark.slow
def test_run_builds_archives_and_mails(airflow_home, reporting_env, mail_sink):
    result = run_dag_test(airflow_home, DAG_FILE, "webshop_reports", {"lauf_id": LAUF_ID})
    assert result["state"] == "success", result
    assert result["tasks"] == {
        "determine_runs": "success",
        "build_protocols": "success",
        "mail_protocol[0]": "success",
    }

    [archived] = list(reporting_env.iterdir())
    assert archived.name.startswith("uebernahme-protokoll_")
    assert archived.name.endswith("_scheduled__2025-03-05T06-00-00-00-00.xlsx")

    [mail] = mail_sink.messages()
    assert mail["Subject"].endswith(": 2 importiert, 1 abgelehnt, 1 nach Übernahme geändert")
    assert mail["To"] == "datenteam@example.com"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == archived.name
    workbook = load_workbook(io.BytesIO(attachment.get_content()))
    assert workbook["Importiert"]["J2"].value == 137.4


@pytest.mark.airflow
@pytest.mark.slow
def test_run_without_news_skips_mail(airflow_home, reporting_env, mail_sink, seeded_sqlite_hcs):
    conn = pyodbc.connect(odbc_connection_string(seeded_sqlite_hcs), autocommit=False)
    conn.cursor().execute(
        "INSERT INTO import_protokoll (lauf_id, shop_bestellnr, ergebnis, auftrag_nr, protokolliert_am) "
        "VALUES ('scheduled__quiet', 4999, 'vorhanden', 199990, '2025-03-06 07:00:00')"
    )
    conn.commit()
    conn.close()

    result = run_dag_test(airflow_home, DAG_FILE, "webshop_reports", {"lauf_id": "scheduled__quiet"})
    assert result["state"] == "success", result
    assert result["tasks"]["mail_protocol[0]"] == "skipped"
    assert len(list(reporting_env.iterdir())) == 1
    assert mail_sink.messages() == []


@pytest.mark.airflow
@pytest.mark.slow
def test_empty_form_builds_latest_run(airflow_home, reporting_env, mail_sink):
    result = run_dag_test(airflow_home, DAG_FILE, "webshop_reports", {"lauf_id": ""})
    assert result["state"] == "success", result
    [archived] = list(reporting_env.iterdir())
    assert archived.name.endswith("_scheduled__2025-03-05T06-00-00-00-00.xlsx")
    assert OTHER_LAUF_ID not in mail_sink.messages()[0].get_body(("html",)).get_content()


@pytest.mark.airflow
@pytest.mark.slow
def test_unknown_run_fails_and_alerts(airflow_home, reporting_env, mail_sink):
    result = run_dag_test(airflow_home, DAG_FILE, "webshop_reports", {"lauf_id": "manual__typo"})
    assert result["state"] == "failed", result
    assert result["tasks"]["build_protocols"] == "failed"
    assert not reporting_env.exists() or list(reporting_env.iterdir()) == []

    [alert] = mail_sink.messages()
    assert alert["Subject"] == "Airflow-Fehler: webshop_reports / build_protocols"
    body = alert.get_body(("html",)).get_content()
    assert "AirflowFailException" in body
    assert "sqlite3" not in body


class FakeEvent:
    def __init__(self, extra):
        self.id = 1
        self.extra = extra


def test_runs_from_asset_events():
    from gambio_hcs_bridge.assets import IMPORT_PROTOCOL_ASSET
    from gambio_hcs_bridge.reporting.protocol_tasks import runs_to_report

    events = {
        IMPORT_PROTOCOL_ASSET: [
            FakeEvent({"lauf_id": "scheduled__a"}),
            FakeEvent({}),
            FakeEvent({"lauf_id": "scheduled__b"}),
            FakeEvent({"lauf_id": "scheduled__a"}),
        ]
    }
    assert runs_to_report({"lauf_id": ""}, events, IMPORT_PROTOCOL_ASSET) == ["scheduled__a", "scheduled__b"]


def test_form_run_id_wins_over_events():
    from gambio_hcs_bridge.assets import IMPORT_PROTOCOL_ASSET
    from gambio_hcs_bridge.reporting.protocol_tasks import runs_to_report

    events = {IMPORT_PROTOCOL_ASSET: [FakeEvent({"lauf_id": "scheduled__a"})]}
    assert runs_to_report({"lauf_id": " manual__x "}, events, IMPORT_PROTOCOL_ASSET) == ["manual__x"]


def test_no_form_and_no_events_means_latest():
    from gambio_hcs_bridge.assets import IMPORT_PROTOCOL_ASSET
    from gambio_hcs_bridge.reporting.protocol_tasks import runs_to_report

    assert runs_to_report({"lauf_id": ""}, None, IMPORT_PROTOCOL_ASSET) == []
    assert runs_to_report({}, {}, IMPORT_PROTOCOL_ASSET) == []


@pytest.fixture
def hcs_env(monkeypatch, seeded_sqlite_hcs):
    monkeypatch.setenv("AIRFLOW_CONN_HCS_ODBC", json.dumps(seeded_sqlite_hcs))
    monkeypatch.setenv("AIRFLOW__PROVIDERS_ODBC__ALLOW_DRIVER_IN_EXTRA", "True")


def test_unknown_run_names_recent_runs(hcs_env, tmp_path):
    from airflow.sdk.exceptions import AirflowFailException

    from gambio_hcs_bridge.reporting.protocol_tasks import build_and_archive
    from gambio_hcs_bridge.settings import parse_settings

    settings = parse_settings({"archive_dir": str(tmp_path / "archiv")})
    expected = f"no rows for lauf_id 'manual__typo'. Recent run ids: {LAUF_ID}, {OTHER_LAUF_ID}"
    with pytest.raises(AirflowFailException) as raised:
        build_and_archive(["manual__typo"], by_hand=True, settings=settings)
    assert expected in str(raised.value)


def test_unknown_run_from_event_skipped(hcs_env, tmp_path):
    from gambio_hcs_bridge.reporting.protocol_tasks import build_and_archive
    from gambio_hcs_bridge.settings import parse_settings

    settings = parse_settings({"archive_dir": str(tmp_path / "archiv")})
    built = build_and_archive(["scheduled__nothing", LAUF_ID], by_hand=False, settings=settings)
    assert [protocol["lauf_id"] for protocol in built] == [LAUF_ID]
    assert built[0]["imported"] == 2
    assert built[0]["total_gross"] == "160.20"


def test_missing_archive_dir_fails(hcs_env):
    from airflow.sdk.exceptions import AirflowFailException

    from gambio_hcs_bridge.reporting.protocol_tasks import build_and_archive
    from gambio_hcs_bridge.settings import parse_settings

    with pytest.raises(AirflowFailException, match="archive_dir is missing"):
        build_and_archive([LAUF_ID], by_hand=False, settings=parse_settings({}))
