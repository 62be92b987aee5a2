"""The production topology without Docker: PostgreSQL, Redis and Airflow with the CeleryExecutor.

The import DAG must run end to end on the Celery worker against a small shop, and stop() must
leave no process and no open port behind. Everything runs on free loopback ports in a
temporary state folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pyodbc
import pytest

from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema
from gambio_hcs_bridge.devstack.celery_stack import IMPORT_DAG, CeleryStack, celery_stack_ports
from gambio_hcs_bridge.devstack.config import GAMBIO_DATABASE, hcs_sqlite_connection, odbc_connection_string
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB
from gambio_hcs_bridge.devstack.process import port_open
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.statuses import DEFAULT_STATUS_NAMES, ensure_statuses
from shopdata import Order, add_articles, add_order, gambio_rows, hcs_rows
from stack_env import point_stack_at

ORDER_IDS = (901, 902, 903)
IMPORT_TASKS = ("extract_orders", "validate_orders", "load_orders", "mark_handed_over")


def _processes_mentioning(text: str) -> list[str]:
    """Return 'pid: command' of every live process whose command line or environment contains ``text``."""
    found = []
    needle = text.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and (needle in cmdline or needle in environ):
            command = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {command[:200]}")
    return found


@pytest.fixture
def topology(monkeypatch):
    if not Path("/usr/lib/postgresql").is_dir() or shutil.which("redis-server") is None:
        pytest.skip("PostgreSQL or Redis missing: install the Debian packages postgresql and redis-server")
    # Not pytest's tmp_path: its parent /tmp/pytest-of-root is private to root, and the PostgreSQL
    # server runs as the OS user postgres, which must reach its data folder.
    root = Path(tempfile.mkdtemp(prefix="gambio-hcs-celery-"))
    root.chmod(0o755)
    config = point_stack_at(monkeypatch, root / "state", ("GAMBIO_HCS_POSTGRES_PORT", "GAMBIO_HCS_REDIS_PORT"))

    server = LocalMariaDB(config.mariadb_dir, config.mariadb_port, config.mariadb_root_password())
    stack = CeleryStack(config, celery_stack_ports())
    server.start()
    try:
        yield config, server, stack
    finally:
        stack.stop()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.airflow
def test_import_runs_on_celery_worker(topology):
    config, server, stack = topology
    started = time.monotonic()

    server.create_database(GAMBIO_DATABASE, "utf8")
    gambio = server.connect(GAMBIO_DATABASE)
    create_gambio_schema(gambio)
    statuses = ensure_statuses(gambio, DEFAULT_STATUS_NAMES)
    for orders_id in ORDER_IDS:
        add_order(gambio, Order(orders_id, status=statuses["paid"]))

    config.hcs_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    hcs = prepare_hcs_connection(pyodbc.connect(odbc_connection_string(hcs_sqlite_connection(config.hcs_sqlite_path))))
    create_hcs_schema(hcs)
    add_articles(hcs, "ART-1", stock=Decimal("10"))

    stack.start()
    run_id = "celery_test_run"
    run = stack.trigger_and_wait(IMPORT_DAG, run_id, timeout=150)
    assert run["state"] == "success", f"run {run_id} ended {run['state']}; logs in {stack.log_dir}"
    runs = stack.finished_runs(IMPORT_DAG)
    assert all(other["state"] == "success" for other in runs), runs

    states = {task["task_id"]: task["state"] for task in stack.task_states(IMPORT_DAG, run_id)}
    for task_id in IMPORT_TASKS:
        assert states.get(task_id) == "success", states

    # The worker logs the log path of every workload it executes: dag, run and task id.
    worker_log = stack.log_file("celery-worker").read_text()
    for task_id in IMPORT_TASKS:
        assert f"run_id={run_id}/task_id={task_id}/" in worker_log, f"{task_id} not executed by the Celery worker"
    results = [status for status, _ in stack.celery_task_results()]
    assert results.count("SUCCESS") >= len(IMPORT_TASKS), results
    assert "FAILURE" not in results

    imported = hcs_rows(hcs, "SELECT shop_bestellnr FROM import_protokoll WHERE ergebnis = 'importiert' ORDER BY shop_bestellnr")
    assert [int(row[0]) for row in imported] == list(ORDER_IDS)
    handed_over = gambio_rows(gambio, "SELECT orders_id FROM orders WHERE orders_status = %s ORDER BY orders_id",
                              (statuses["handed_over"],))
    assert [row[0] for row in handed_over] == list(ORDER_IDS)
    hcs.close()
    gambio.close()

    stack.stop()
    assert stack.processes() == []
    assert _processes_mentioning(str(stack.base_dir)) == []
    for port in (stack.ports.postgres, stack.ports.redis, config.api_port, config.worker_log_port, config.trigger_log_port):
        assert not port_open(port), f"port {port} still open after stop()"
    print(f"Celery topology check took {time.monotonic() - started:.0f} s")
