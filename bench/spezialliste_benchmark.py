"""Spezialliste benchmark: seconds and peak memory of one selection written as .xlsx.

Generates a demo shop of N orders (default 100,000) with ``generate_shop`` in a throwaway
MariaDB server on a free port of 127.0.0.1 and creates an empty HCS database (SQLite3 ODBC
driver). A fresh child process then selects every order into one .xlsx file and reports its
seconds and peak RSS (``ru_maxrss``). docs/benchmarks.md lists measured figures.

    .venv/bin/python bench/spezialliste_benchmark.py [--orders 100000] [--positions] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema
from gambio_hcs_bridge.demo.generator import generate_shop
from gambio_hcs_bridge.devstack.config import hcs_sqlite_connection, odbc_connection_string
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB
from gambio_hcs_bridge.devstack.process import free_port
from gambio_hcs_bridge.statuses import ensure_statuses

SEED = 20250324

# Runs in the child: the selection alone, so its peak RSS covers nothing else.
_CHILD = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
import MySQLdb, pyodbc
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.reporting.spezialliste import Criteria, build_list

args = json.loads(sys.argv[1])
gambio = MySQLdb.connect(host="127.0.0.1", port=args["port"], user="root", passwd=args["password"],
                         db=args["database"], charset="utf8mb4")
hcs = prepare_hcs_connection(pyodbc.connect(args["odbc"], autocommit=False))
criteria = Criteria(date_from=date(2000, 1, 1), date_to=date(2099, 12, 31), with_positions=args["positions"])
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
selection = build_list(gambio, hcs, criteria, Path(args["output"]))
seconds = time.perf_counter() - started
print("RESULT=" + json.dumps({
    "orders": selection.orders, "gross": str(selection.gross), "seconds": round(seconds, 2),
    "rss_before_mb": round(rss_before / 1024), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "file_mb": round(Path(args["output"]).stat().st_size / 1e6, 1),
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--positions", action="store_true", help="also write the positions sheet")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="spezialliste-bench-") as scratch:
        folder = Path(scratch)
        server = LocalMariaDB(folder / "mariadb", free_port(), secrets.token_hex(16))
        server.start()
        try:
            server.create_database("gambio", "utf8")
            conn = server.connect("gambio")
            create_gambio_schema(conn)
            statuses = ensure_statuses(conn, {"paid": {"de": "Bezahlt", "en": "Paid"}})
            started = time.perf_counter()
            generate_shop(conn, seed=SEED, orders=args.orders, paid_status_id=statuses["paid"])
            generated = time.perf_counter() - started
            conn.close()

            hcs = hcs_sqlite_connection(folder / "hcs.sqlite3")
            import pyodbc

            from gambio_hcs_bridge.hcs_schema import create_hcs_schema

            hcs_conn = pyodbc.connect(odbc_connection_string(hcs), autocommit=False)
            create_hcs_schema(hcs_conn)
            hcs_conn.close()

            child_args = {
                "port": server.port, "password": server.root_password, "database": "gambio",
                "odbc": odbc_connection_string(hcs), "positions": args.positions,
                "output": str(folder / "spezialliste.xlsx"),
            }
            result = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(child_args)],
                                    capture_output=True, text=True, check=True)
            line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT="))
            figures = {"generated_orders": args.orders, "generate_seconds": round(generated, 1),
                       "positions": args.positions, **json.loads(line[len("RESULT="):])}
        finally:
            server.stop()
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
