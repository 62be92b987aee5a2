"""Smoke test of bench/import_benchmark.py at a tiny size: it runs, and its contenders agree.

Speed is not checked here. The naive importer and the raw copy do not validate, so they write
every paid order, while the pipeline sets some aside. The checks therefore compare order ids:
the raw copy contains every paid order, the pipeline exactly the ones it accepted, and the
sampled naive importer the first orders of the paid list.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

BENCH_SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "import_benchmark.py"
ORDERS = 200
NAIVE_LIMIT = 50

pytestmark = [pytest.mark.slow, pytest.mark.mariadb, pytest.mark.timeout(180)]


def _missing(reason: str) -> None:
    # Same rule as the conftest fixtures: skip locally, but fail in CI (CI=true), where the servers are installed.
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _load_bench_module():
    spec = importlib.util.spec_from_file_location("import_benchmark", BENCH_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the module up by name while the class body runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _hcs_order_ids(path: str) -> set[int]:
    import pyodbc

    from gambio_hcs_bridge.devstack.config import hcs_sqlite_connection, odbc_connection_string

    conn = pyodbc.connect(odbc_connection_string(hcs_sqlite_connection(Path(path))))
    try:
        return {int(row[0]) for row in conn.cursor().execute("SELECT shop_bestellnr FROM auftraege").fetchall()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    import pyodbc

    if not (shutil.which("mariadbd") or Path("/usr/sbin/mariadbd").exists()):
        _missing("mariadbd not found: install the Debian package mariadb-server")
    if "SQLite3" not in pyodbc.drivers():
        _missing("ODBC driver SQLite3 is not registered (install libsqliteodbc)")

    bench = _load_bench_module()
    work_dir = tmp_path_factory.mktemp("bench")
    return bench.main(["--sizes", str(ORDERS), "--naive-limit", str(NAIVE_LIMIT), "--work-dir", str(work_dir)])


@pytest.fixture(scope="module")
def size(report):
    return report["sizes"][0]


def test_report_top_level_keys(report):
    assert set(report) == {"environment", "options", "targets", "sizes", "rss"}
    assert report["rss"] is None  # a single size has nothing to compare with
    assert {"cpus", "cpu_model", "memory_gib", "mariadb_server", "pyodbc", "hcs_odbc_driver"} <= set(
        report["environment"])


def test_report_contender_keys(size):
    assert size["size"] == ORDERS
    assert set(size["contenders"]) == {"pipeline", "naive", "raw_copy"}
    assert set(size["ratios"]) == {"pipeline_vs_naive", "pipeline_vs_raw"}
    for name, result in size["contenders"].items():
        for key in ("stages", "seconds", "orders", "orders_per_second", "sampled", "hcs",
                    "gambio_handed_over", "gambio_history_rows", "hcs_database"):
            assert key in result, f"{name} lacks {key}"
    pipeline = size["contenders"]["pipeline"]
    assert list(pipeline["stages"]) == ["extract", "validator_setup", "validate", "load", "mark"]
    assert pipeline["detail_missing"] == []
    assert pipeline["peak_rss_mb"] >= pipeline["baseline_rss_mb"] > 0


def test_pipeline_handles_every_paid_order(size):
    paid = size["shop"]["paid_orders"]
    summary = size["contenders"]["pipeline"]["summary"]
    assert paid > NAIVE_LIMIT
    assert summary["extract"]["candidates"] == paid
    assert summary["validate"]["accepted"] + summary["validate"]["rejected"] == paid
    assert summary["load"]["imported"] == summary["validate"]["accepted"]


def test_contenders_write_same_orders(size):
    contenders = size["contenders"]
    paid = size["shop"]["paid_orders"]
    accepted = contenders["pipeline"]["summary"]["validate"]["accepted"]
    pipeline_ids = _hcs_order_ids(contenders["pipeline"]["hcs_database"])
    naive_ids = _hcs_order_ids(contenders["naive"]["hcs_database"])
    raw_ids = _hcs_order_ids(contenders["raw_copy"]["hcs_database"])

    assert len(raw_ids) == paid
    assert len(pipeline_ids) == accepted
    assert pipeline_ids <= raw_ids
    assert len(raw_ids - pipeline_ids) == paid - accepted

    # The naive importer took the first NAIVE_LIMIT paid orders. Among those, the pipeline
    # imported exactly the ones it accepted.
    assert contenders["naive"]["sampled"] is True
    assert naive_ids == set(sorted(raw_ids)[:NAIVE_LIMIT])
    assert pipeline_ids & naive_ids == {orders_id for orders_id in pipeline_ids if orders_id <= max(naive_ids)}


def test_hcs_counts_match_written_orders(size):
    contenders = size["contenders"]
    assert contenders["pipeline"]["hcs"]["auftraege"] == contenders["pipeline"]["summary"]["load"]["imported"]
    assert contenders["naive"]["hcs"]["auftraege"] == NAIVE_LIMIT
    assert contenders["raw_copy"]["hcs"]["auftraege"] == size["shop"]["paid_orders"]
    # Naive and raw copy match no customers, so they write one customer per order.
    assert contenders["naive"]["hcs"]["kunden"] == NAIVE_LIMIT
    assert contenders["raw_copy"]["hcs"]["kunden"] == size["shop"]["paid_orders"]


def test_gambio_status_written_back(size):
    contenders = size["contenders"]
    imported = contenders["pipeline"]["summary"]["load"]["imported"]
    expected = {"pipeline": imported, "naive": NAIVE_LIMIT, "raw_copy": size["shop"]["paid_orders"]}
    for name, count in expected.items():
        assert contenders[name]["gambio_handed_over"] == count, name
        assert contenders[name]["gambio_history_rows"] == count, name
