"""``hcsbridge demo-import``: run the import DAG once in the local stack and show the outcome.

It unpauses and triggers ``gambio_order_import`` through the Airflow CLI of the running
standalone stack, waits for the import runs and the protocol run of ``webshop_reports``, then
prints what was imported, what was set aside and where the protocol workbook is.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from gambio_hcs_bridge.devstack.airflow_standalone import AirflowStandalone
from gambio_hcs_bridge.devstack.config import hcs_sqlite_connection, odbc_connection_string, stack_config

IMPORT_DAG = "gambio_order_import"
REPORT_DAG = "webshop_reports"
OTHER_DAGS = (REPORT_DAG, "hcs_delivery_realtime", "hcs_status_writeback", "hcs_stock_sync")
# Import log verdicts (German, as stored in HCS) as the English words of this output.
VERDICTS = {"importiert": "imported", "abgelehnt": "set aside", "vorhanden": "already present",
            "gewachsen": "changed after import"}
FINISHED = {"success", "failed"}


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser("demo-import", help="run the import DAG once in the local stack and print the result")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the runs (default 600)")
    parser.set_defaults(handler=run_demo_import)


def run_demo_import(args) -> int:
    config = stack_config()
    airflow = AirflowStandalone(config)
    if airflow.health() is None:
        print("The local Airflow is not running: start it with 'hcsbridge stack start'.")
        return 1
    env = airflow.environment()
    deadline = time.monotonic() + args.timeout
    started = datetime.now(timezone.utc)

    if not _retry_until(lambda: _airflow(env, "dags", "unpause", IMPORT_DAG).returncode == 0, deadline):
        print(f"DAG {IMPORT_DAG} did not appear in Airflow in time; see {airflow.log_file}")
        return 1
    # The stack starts every DAG paused, so none runs on an empty shop; the demo needs them all.
    for dag_id in OTHER_DAGS:
        _airflow(env, "dags", "unpause", dag_id)

    # Unpausing lets the scheduler start the latest scheduled run at once. The manual run is
    # queued behind it because only one run may be active, so the outcome covers both.
    run_id = "demo__" + started.strftime("%Y%m%dT%H%M%S")
    triggered = _airflow(env, "dags", "trigger", IMPORT_DAG, "--run-id", run_id)
    if triggered.returncode != 0:
        print(f"Triggering {IMPORT_DAG} failed:\n{triggered.stderr[-2000:]}")
        return 1
    print(f"Triggered {IMPORT_DAG} run {run_id}; waiting for the import runs to finish …")

    runs = _wait_for_runs(env, IMPORT_DAG, started, deadline, must_include=run_id)
    for run in runs:
        print(f"Import run {run['run_id']}: {run['state']}")
    if any(run["state"] != "success" for run in runs):
        print(f"See the task logs in the Airflow UI at {airflow.url}")
        return 1
    _print_outcome(config, [run["run_id"] for run in runs])

    # The import announces a protocol only when a run imported or set aside something new.
    announced = [run["run_id"] for run in runs if _task_state(env, run["run_id"], "announce_protocol") == "success"]
    if not announced:
        print("No protocol this time: these runs found nothing new to report (a repeated rejection is "
              "reported once)")
    else:
        reports = _wait_for_runs(env, REPORT_DAG, started, deadline)
        archive = Path(config.state_dir / "archive")
        workbooks = sorted(archive.glob("*.xlsx"), key=lambda p: p.stat().st_mtime) if archive.is_dir() else []
        if reports and all(run["state"] == "success" for run in reports) and workbooks:
            print(f"Protocol workbook: {workbooks[-1]}")
            print(f"Mailed to the local mail sink in {config.mail_dir} ('hcsbridge stack mails' lists them)")
        else:
            print(f"The protocol run of {REPORT_DAG} did not succeed; see the Airflow UI at {airflow.url}")
            return 1
    print(f"Airflow UI: {airflow.url} (user admin, password in {airflow.password_file})")
    return 0


def _airflow(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["airflow", *args], env=env, capture_output=True, text=True, timeout=120)


def _task_state(env: dict, run_id: str, task_id: str) -> str | None:
    listed = _airflow(env, "tasks", "states-for-dag-run", IMPORT_DAG, run_id, "-o", "json")
    if listed.returncode != 0:
        return None
    try:
        states = json.loads(listed.stdout)
    except json.JSONDecodeError:
        return None
    return next((item.get("state") for item in states if item.get("task_id") == task_id), None)


def _retry_until(condition, deadline: float, interval: float = 3.0) -> bool:
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def _list_runs(env, dag_id: str) -> list[dict]:
    """Runs of ``dag_id`` from ``airflow dags list-runs``; warnings printed before the JSON are skipped."""
    output = _airflow(env, "dags", "list-runs", dag_id, "-o", "json").stdout or ""
    if output.startswith("["):
        text = output
    elif "\n[" in output:
        text = output[output.index("\n[") + 1:]
    else:
        text = "[]"
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return []


def _wait_for_runs(env, dag_id: str, since: datetime, deadline: float, must_include: str | None = None) -> list[dict]:
    """Wait until every run of ``dag_id`` created since ``since`` has finished; return them, oldest first."""
    runs: list[dict] = []
    while time.monotonic() < deadline:
        runs = [run for run in _list_runs(env, dag_id) if _created_since(run, since)]
        ids = {run["run_id"] for run in runs}
        if runs and (must_include is None or must_include in ids) and all(run["state"] in FINISHED for run in runs):
            return sorted(runs, key=lambda run: str(run.get("start_date") or ""))
        time.sleep(3.0)
    return runs


def _created_since(run: dict, since: datetime) -> bool:
    """Tell whether ``run`` started after ``since`` or has not started yet."""
    value = run.get("start_date")
    if not value:
        return True
    try:
        return datetime.fromisoformat(str(value)) >= since - timedelta(seconds=2)
    except ValueError:
        return False


def latest_verdicts(rows: list[tuple]) -> list[tuple]:
    """Keep one import-log row per verdict and shop order, the one of the latest run.

    ``rows`` are (ergebnis, shop_bestellnr, auftrag_nr, meldungen) in run order. The scheduled
    run and the triggered one often both set aside the same order; it is one order to fix.
    """
    latest = {(row[0], row[1]): row for row in rows}
    return sorted(latest.values(), key=lambda row: (row[0], row[1]))


def _print_outcome(config, run_ids: list[str]) -> None:
    """Print the import log of ``run_ids`` from the local HCS database."""
    import pyodbc

    from gambio_hcs_bridge.messages import load_messages
    from gambio_hcs_bridge.odbc import prepare_hcs_connection

    conn = prepare_hcs_connection(pyodbc.connect(odbc_connection_string(hcs_sqlite_connection(config.hcs_sqlite_path))))
    cursor = conn.cursor()
    rows = []
    for run_id in run_ids:
        cursor.execute(
            "SELECT ergebnis, shop_bestellnr, auftrag_nr, meldungen FROM import_protokoll WHERE lauf_id = ?"
            " ORDER BY ergebnis, shop_bestellnr",
            run_id,
        )
        rows.extend(tuple(row) for row in cursor.fetchall())
    conn.close()

    rows = latest_verdicts(rows)
    counts: dict[str, int] = {}
    for ergebnis, *_ in rows:
        counts[ergebnis] = counts.get(ergebnis, 0) + 1
    if not counts:
        print("Outcome: no order needed importing")
        return
    print("Outcome: " + ", ".join(f"{count} {VERDICTS.get(name, name)}" for name, count in sorted(counts.items())))
    rejected = [row for row in rows if row[0] == "abgelehnt"]
    for _, orders_id, _, meldungen in rejected[:20]:
        reasons = "; ".join(m.render("de") for m in load_messages(meldungen) if m.is_error)
        print(f"  set aside: shop order {orders_id}: {reasons}")
    if len(rejected) > 20:
        print(f"  … and {len(rejected) - 20} more set-aside orders (see the protocol workbook)")
