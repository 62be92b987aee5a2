"""``hcsbridge demo-import``: run the import DAG once in the local stack and show the outcome.

It triggers ``gambio_order_import`` through the Airflow CLI of the running standalone stack,
waits for the run and the protocol run of ``webshop_reports``, then prints what was imported,
what was set aside and where the protocol workbook is.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from gambio_hcs_bridge.devstack.airflow_standalone import AirflowStandalone
from gambio_hcs_bridge.devstack.config import hcs_sqlite_connection, odbc_connection_string, stack_config

IMPORT_DAG = "gambio_order_import"
REPORT_DAG = "webshop_reports"
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

    if not _retry_until(lambda: _airflow(env, "dags", "unpause", IMPORT_DAG).returncode == 0, deadline):
        print(f"DAG {IMPORT_DAG} did not appear in Airflow in time; see {airflow.log_file}")
        return 1
    _airflow(env, "dags", "unpause", REPORT_DAG)

    run_id = "demo__" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    triggered = _airflow(env, "dags", "trigger", IMPORT_DAG, "--run-id", run_id)
    if triggered.returncode != 0:
        print(f"Triggering {IMPORT_DAG} failed:\n{triggered.stderr[-2000:]}")
        return 1
    print(f"Triggered {IMPORT_DAG} run {run_id}; waiting for it to finish …")

    state = _wait_for_state(env, IMPORT_DAG, lambda run: run["run_id"] == run_id, deadline)
    print(f"Import run {run_id}: {state}")
    if state != "success":
        print(f"See the task logs in the Airflow UI at {airflow.url}")
        return 1

    _print_outcome(config, run_id)
    # The protocol run is started by the asset event of the import run; the newest one is ours.
    report_state = _wait_for_state(env, REPORT_DAG, lambda run: True, deadline)
    archive = Path(config.state_dir / "archive")
    workbooks = sorted(archive.glob("*.xlsx"), key=lambda p: p.stat().st_mtime) if archive.is_dir() else []
    if report_state == "success" and workbooks:
        print(f"Protocol workbook: {workbooks[-1]}")
        print(f"Mails received by the local mail sink: {config.mail_dir} ('hcsbridge stack mails' lists them)")
    else:
        print(f"Protocol run of {REPORT_DAG}: {report_state or 'not started'}; see the Airflow UI at {airflow.url}")
    print(f"Airflow UI: {airflow.url} (user admin, password in {airflow.password_file})")
    return 0


def _airflow(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["airflow", *args], env=env, capture_output=True, text=True, timeout=120)


def _retry_until(condition, deadline: float, interval: float = 3.0) -> bool:
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def _wait_for_state(env, dag_id, matches, deadline) -> str | None:
    """Poll the runs of ``dag_id`` until the matching run has finished; return its state."""
    state = None
    while time.monotonic() < deadline:
        listed = _airflow(env, "dags", "list-runs", dag_id, "-o", "json")
        try:
            runs = json.loads(listed.stdout or "[]")
        except json.JSONDecodeError:
            runs = []
        candidates = [run for run in runs if matches(run)]
        if candidates:
            state = str(candidates[0].get("state"))
            if state in FINISHED:
                return state
        time.sleep(3.0)
    return state


def _print_outcome(config, run_id: str) -> None:
    """Print the import log of ``run_id`` from the local HCS database."""
    import pyodbc

    from gambio_hcs_bridge.messages import load_messages

    conn = pyodbc.connect(odbc_connection_string(hcs_sqlite_connection(config.hcs_sqlite_path)))
    cursor = conn.cursor()
    cursor.execute(
        "SELECT ergebnis, shop_bestellnr, auftrag_nr, meldungen FROM import_protokoll WHERE lauf_id = ?"
        " ORDER BY ergebnis, shop_bestellnr",
        run_id,
    )
    rows = cursor.fetchall()
    conn.close()

    counts: dict[str, int] = {}
    for ergebnis, *_ in rows:
        counts[ergebnis] = counts.get(ergebnis, 0) + 1
    print("Outcome: " + ", ".join(f"{count} {name}" for name, count in sorted(counts.items())) if counts
          else "Outcome: no order needed importing")
    rejected = [row for row in rows if row[0] == "abgelehnt"]
    for _, orders_id, _, meldungen in rejected[:20]:
        reasons = "; ".join(m.render("de") for m in load_messages(meldungen) if m.is_error)
        print(f"  set aside: shop order {orders_id}: {reasons}")
    if len(rejected) > 20:
        print(f"  … and {len(rejected) - 20} more set-aside orders (see the protocol workbook)")
