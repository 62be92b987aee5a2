"""Latency from a printed delivery note in HCS to the new status and stock in Gambio.

Runs against the local stack with its demo data (``bash scripts/demo.sh`` first): it unpauses
``hcs_delivery_realtime``, prints a delivery note for one handed-over order at a time with the
HCS user tool, and measures two times: until Gambio shows the order as shipped, and until the
run of ``hcs_delivery_realtime`` that handled the note has finished, which is when the stock of
its articles has been written too (read from the stack's SQLite metadata database). Prints every
sample and p50/p95 of both.

    .venv/bin/python bench/latency_benchmark.py --documents 20
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

import MySQLdb

from gambio_hcs_bridge.devstack.airflow_standalone import AirflowStandalone
from gambio_hcs_bridge.devstack.config import GAMBIO_DATABASE, stack_config
from gambio_hcs_bridge.statuses import resolve_status_id

TIMEOUT_SECONDS = 120.0
POLL_SECONDS = 0.25


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20, help="delivery notes to print (default 20)")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between two documents (default 2)")
    parser.add_argument("--json", help="write the samples to this file")
    args = parser.parse_args(argv)

    config = stack_config()
    airflow = AirflowStandalone(config)
    if airflow.health() is None:
        print("The local stack is not running: run 'bash scripts/demo.sh' first.", file=sys.stderr)
        return 1
    env = airflow.environment()
    subprocess.run(["airflow", "dags", "unpause", "hcs_delivery_realtime"], env=env, capture_output=True, check=True)

    gambio = MySQLdb.connect(host="127.0.0.1", port=config.mariadb_port, user="root",
                             password=config.mariadb_root_password(), database=GAMBIO_DATABASE, autocommit=True)
    shipped = resolve_status_id(gambio, 3)
    handed_over = resolve_status_id(gambio, "An HCS übergeben")
    cursor = gambio.cursor()
    cursor.execute("SELECT orders_id FROM orders WHERE orders_status = %s ORDER BY orders_id LIMIT %s",
                   (handed_over, args.documents))
    orders = [row[0] for row in cursor.fetchall()]
    if len(orders) < args.documents:
        print(f"Only {len(orders)} handed-over orders in the demo shop; run scripts/demo.sh with more DEMO_ORDERS.",
              file=sys.stderr)

    metadata = sqlite3.connect(f"file:{config.airflow_home / 'airflow.db'}?mode=ro", uri=True)
    samples, finished_runs = [], []
    for orders_id in orders:
        printed = time.monotonic()
        printed_at = datetime.now(timezone.utc)
        result = subprocess.run(
            ["hcsbridge", "hcs", "lieferschein", str(orders_id), "--shop", "--tracking", f"0034{orders_id}",
             "--carrier", "DHL"],
            env=env, capture_output=True, text=True,
        )
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=sys.stderr)
            return 1
        status_seconds = _wait_for_status(cursor, orders_id, shipped, printed)
        run_seconds = _wait_for_run(metadata, printed_at, printed)
        samples.append(status_seconds)
        finished_runs.append(run_seconds)
        print(f"shop order {orders_id}: status {_text(status_seconds)}, status and stock {_text(run_seconds)}")
        time.sleep(args.pause)
    gambio.close()
    metadata.close()

    report = {"status": _percentiles(samples), "status_and_stock": _percentiles(finished_runs)}
    for name, figures in report.items():
        if figures is None:
            print(f"{name}: no sample finished", file=sys.stderr)
            return 1
        print(f"{name}: documents {len(samples)}, finished {figures['finished']}, p50 {figures['p50']:.1f} s, "
              f"p95 {figures['p95']:.1f} s, max {figures['max']:.1f} s (target p95 <= 30 s)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"status": samples, "status_and_stock": finished_runs, **report}, handle)
    return 0


def _percentiles(samples: list[float | None]) -> dict | None:
    finished = sorted(s for s in samples if s is not None)
    if not finished:
        return None
    return {
        "finished": len(finished),
        "p50": statistics.median(finished),
        "p95": finished[max(0, round(0.95 * len(finished)) - 1)],
        "max": finished[-1],
    }


def _text(seconds: float | None) -> str:
    return f"{seconds:.1f} s" if seconds is not None else "timed out"


def _wait_for_run(metadata, printed_at: datetime, since: float) -> float | None:
    """Seconds from ``since`` until a run of hcs_delivery_realtime that started after the print succeeded."""
    start = printed_at.strftime("%Y-%m-%d %H:%M:%S")
    while time.monotonic() - since < TIMEOUT_SECONDS:
        row = metadata.execute(
            "SELECT COUNT(*) FROM dag_run WHERE dag_id = 'hcs_delivery_realtime' AND state = 'success'"
            " AND start_date >= ?",
            (start,),
        ).fetchone()
        if row[0]:
            return time.monotonic() - since
        time.sleep(POLL_SECONDS)
    return None


def _wait_for_status(cursor, orders_id: int, status_id: int, since: float) -> float | None:
    """Seconds from ``since`` until the order shows ``status_id``, or None after the timeout."""
    while time.monotonic() - since < TIMEOUT_SECONDS:
        cursor.execute("SELECT orders_status FROM orders WHERE orders_id = %s", (orders_id,))
        if cursor.fetchone()[0] == status_id:
            return time.monotonic() - since
        time.sleep(POLL_SECONDS)
    return None


if __name__ == "__main__":
    sys.exit(main())
