"""Import benchmark: the real order import against a naive importer and a raw bulk copy.

For each size N the script generates a demo shop of N orders in a throwaway MariaDB server
(127.0.0.1 only) and imports its paid orders into a fresh HCS database three times:

- ``pipeline``: extract, validate, load and mark of ``gambio_hcs_bridge.importer``, run in a
  fresh child process so that its peak RSS covers the import alone;
- ``naive``: one order at a time, every row its own statement, one commit per order;
- ``raw_copy``: bulk reads and ``executemany`` writes without validation, rules or customer
  matching.

Every contender starts from the same Gambio state: the statuses and history rows the previous
contender changed are restored, and the restore is checked. docs/benchmarks.md describes the
method and lists measured figures.

    .venv/bin/python bench/import_benchmark.py --sizes 1000 10000 100000 [--hcs sqlite|mariadb] [--json out.json]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

# Great Expectations reports usage to its vendor unless this is off, and the benchmark talks
# to no host but 127.0.0.1. It is set before anything can import great_expectations.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import MySQLdb  # noqa: E402
import MySQLdb.cursors  # noqa: E402
import pyodbc  # noqa: E402

from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema  # noqa: E402
from gambio_hcs_bridge.demo.generator import generate_shop  # noqa: E402
from gambio_hcs_bridge.devstack.config import (  # noqa: E402
    hcs_mariadb_connection,
    hcs_sqlite_connection,
    odbc_connection_string,
)
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB  # noqa: E402
from gambio_hcs_bridge.devstack.process import free_port  # noqa: E402
from gambio_hcs_bridge.hcs_fields import HCS_FIELD_WIDTHS  # noqa: E402
from gambio_hcs_bridge.hcs_numbers import allocate_numbers  # noqa: E402
from gambio_hcs_bridge.hcs_schema import create_hcs_schema  # noqa: E402
from gambio_hcs_bridge.hcs_user import seed_articles_from_gambio  # noqa: E402
from gambio_hcs_bridge.odbc import prepare_hcs_connection  # noqa: E402
from gambio_hcs_bridge.statuses import ensure_statuses  # noqa: E402

STATUS_NAMES = {
    "paid": {"de": "Bezahlt", "en": "Paid"},
    "handed_over": {"de": "An HCS übergeben", "en": "Handed over to HCS"},
}
CONTENDERS = ("pipeline", "naive", "raw_copy")
DEFAULT_SIZES = (1000, 10000, 100000)
DEFAULT_SEED = 20250324
DEFAULT_NAIVE_LIMIT = 5000
DEFAULT_CHILD_TIMEOUT = 3 * 3600

# The raw copy reads and writes in chunks of this many orders, the pipeline's default
# extract_chunk_size, and commits once per chunk.
RAW_CHUNK_ORDERS = 5000
# Chunk size of the IN lists that restore the Gambio statuses between contenders.
RESTORE_CHUNK_ORDERS = 5000

TARGETS = {
    "pipeline_vs_naive": 20.0,  # pipeline orders/s at least 20 times the naive importer's
    "pipeline_vs_raw": 0.5,  # pipeline orders/s at least half the raw copy's
    "rss_ratio": 1.3,  # peak RSS at 100k orders below 1.3 times that at 10k
}

CENT = Decimal("0.01")
HISTORY_COMMENT = "An HCS 2000 übergeben, HCS-Auftrag {auftrag_nr}"


# --- timing ----------------------------------------------------------------------------------


class StageClock:
    """Seconds per named stage, measured with time.perf_counter and summed over repeats."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def total(self) -> float:
        return sum(self.seconds.values())


def rounded(seconds: dict[str, float]) -> dict[str, float]:
    return {name: round(value, 3) for name, value in seconds.items()}


class CallTimer:
    """Seconds spent inside selected importer functions, which shows where a stage spends its time.

    A wrapper costs about a microsecond per call (an estimate), under 1 % of the time per order
    of any wrapped stage.
    """

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.missing: list[str] = []
        # Run files are written and read in helper threads too.
        self._lock = threading.Lock()

    def _add(self, label: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        with self._lock:
            self.seconds[label] = self.seconds.get(label, 0.0) + elapsed

    def wrap(self, owner, attribute: str, label: str) -> None:
        original = getattr(owner, attribute, None)
        if original is None:
            # A renamed importer function costs only this detail, and the stage figures stay right.
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{attribute}")
            return

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._add(label, started)

        setattr(owner, attribute, timed)


# --- connections -----------------------------------------------------------------------------


def open_gambio_session(port: int, password: str, database: str):
    """Open a Gambio session set up as GambioHook sets it: utf8mb4, strict mode, no autocommit."""
    conn = MySQLdb.connect(host="127.0.0.1", port=port, user="root", password=password,
                           database=database, charset="utf8mb4")
    cursor = conn.cursor()
    cursor.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")
    cursor.execute("SET SESSION time_zone = SYSTEM")
    cursor.close()
    conn.autocommit(False)
    return conn


def open_hcs(connection: dict):
    """Open a pyodbc connection to HCS with the settings every bridge connection gets."""
    conn = pyodbc.connect(odbc_connection_string(connection), autocommit=False)
    return prepare_hcs_connection(conn)


def hcs_counts(connection: dict) -> dict[str, int]:
    conn = open_hcs(connection)
    cursor = conn.cursor()
    counts = {}
    for table in ("auftraege", "auftragspositionen", "kunden", "import_protokoll"):
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        counts[table] = int(cursor.fetchone()[0])
    conn.commit()
    conn.close()
    return counts


# --- the Gambio shop and its reset -----------------------------------------------------------


@dataclass
class ShopState:
    """Snapshot of the Gambio rows the contenders change, taken once after generating the shop."""

    database: str
    paid_status_id: int
    handed_over_status_id: int
    paid_ids: list[int]
    history_max_id: int
    history_rows: int


def generate_gambio_shop(server: LocalMariaDB, database: str, orders: int, seed: int) -> tuple[ShopState, dict]:
    """Create a Gambio database with the bridge's statuses and ``orders`` demo orders."""
    server.create_database(database, "utf8")
    conn = server.connect(database)
    try:
        create_gambio_schema(conn)
        status_ids = ensure_statuses(conn, STATUS_NAMES)
        generated = generate_shop(conn, seed=seed, orders=orders, paid_status_id=status_ids["paid"])
        cursor = conn.cursor()
        cursor.execute("SELECT orders_id FROM orders WHERE orders_status = %s ORDER BY orders_id",
                       (status_ids["paid"],))
        paid_ids = [int(row[0]) for row in cursor.fetchall()]
        cursor.execute("SELECT COUNT(*) FROM orders WHERE orders_status = %s", (status_ids["handed_over"],))
        if cursor.fetchone()[0]:
            raise RuntimeError("the generated shop already has handed-over orders; the reset between "
                               "contenders assumes none")
        cursor.execute("SELECT COUNT(*), COALESCE(MAX(orders_status_history_id), 0) FROM orders_status_history")
        history_rows, history_max_id = (int(value) for value in cursor.fetchone())
        cursor.execute("SELECT COUNT(*) FROM orders_products")
        lines = int(cursor.fetchone()[0])
    finally:
        conn.close()
    state = ShopState(database, status_ids["paid"], status_ids["handed_over"], paid_ids, history_max_id, history_rows)
    info = {"orders": generated.orders, "order_lines": lines, "paid_orders": len(paid_ids),
            "unknown_sku_lines": generated.unknown_sku_lines, "merged_ebay_orders": generated.merged_ebay_orders}
    return state, info


def gambio_changes(server: LocalMariaDB, state: ShopState) -> dict[str, int]:
    """Count what a contender changed in Gambio: orders now handed over and history rows added."""
    conn = server.connect(state.database)
    cursor = conn.cursor()
    cursor.execute("SELECT COUNT(*) FROM orders WHERE orders_status = %s", (state.handed_over_status_id,))
    handed_over = int(cursor.fetchone()[0])
    cursor.execute("SELECT COUNT(*) FROM orders_status_history WHERE orders_status_history_id > %s",
                   (state.history_max_id,))
    history = int(cursor.fetchone()[0])
    conn.close()
    return {"gambio_handed_over": handed_over, "gambio_history_rows": history}


def restore_shop(server: LocalMariaDB, state: ShopState) -> None:
    """Put every paid order back into the paid status and delete the history rows added since.

    Cheaper than generating the shop again, and checked afterwards so that a contender never
    starts from a different state.
    """
    conn = server.connect(state.database)
    cursor = conn.cursor()
    cursor.execute("DELETE FROM orders_status_history WHERE orders_status_history_id > %s", (state.history_max_id,))
    for start in range(0, len(state.paid_ids), RESTORE_CHUNK_ORDERS):
        chunk = tuple(state.paid_ids[start:start + RESTORE_CHUNK_ORDERS])
        cursor.execute("UPDATE orders SET orders_status = %s WHERE orders_id IN %s AND orders_status <> %s",
                       (state.paid_status_id, chunk, state.paid_status_id))
    conn.commit()

    cursor.execute("SELECT COUNT(*) FROM orders WHERE orders_status = %s", (state.paid_status_id,))
    paid = int(cursor.fetchone()[0])
    cursor.execute("SELECT COUNT(*) FROM orders WHERE orders_status = %s", (state.handed_over_status_id,))
    handed_over = int(cursor.fetchone()[0])
    cursor.execute("SELECT COUNT(*) FROM orders_status_history")
    history = int(cursor.fetchone()[0])
    conn.close()
    if (paid, handed_over, history) != (len(state.paid_ids), 0, state.history_rows):
        raise RuntimeError(
            f"restoring the Gambio database {state.database} failed: {paid} paid orders (expected "
            f"{len(state.paid_ids)}), {handed_over} handed over (expected 0), {history} history rows "
            f"(expected {state.history_rows})"
        )


def warm_up(server: LocalMariaDB, state: ShopState) -> None:
    """Read every Gambio row any contender reads, through the indexes it uses, untimed.

    Without this the first contender after generating the shop met a colder InnoDB buffer pool
    than the later ones. A shop's recent orders are usually in memory anyway, because the shop
    wrote them moments before. The pipeline's extract queries read a superset of the naive
    importer's and the raw copy's rows, so they serve as the warm-up for all three.
    """
    from gambio_hcs_bridge.importer.extract import fetch_order_rows

    conn = open_gambio_session(server.port, server.root_password, state.database)
    try:
        for start in range(0, len(state.paid_ids), RAW_CHUNK_ORDERS):
            fetch_order_rows(conn, state.paid_ids[start:start + RAW_CHUNK_ORDERS])
            conn.commit()
    finally:
        conn.close()


# --- HCS databases ---------------------------------------------------------------------------


def create_hcs_database(server: LocalMariaDB, kind: str, work_dir: Path, name: str, database: str) -> dict:
    """Create an HCS database with the schema and the shop's articles; return its connection dict."""
    if kind == "sqlite":
        path = work_dir / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        connection = hcs_sqlite_connection(path)
    else:
        server.drop_database(name)
        server.create_database(name, "utf8mb4")
        connection = hcs_mariadb_connection(server.port, server.root_password, name)

    hcs = open_hcs(connection)
    gambio = server.connect(database)
    try:
        create_hcs_schema(hcs)
        seed_articles_from_gambio(gambio, hcs, seed=1)
    finally:
        gambio.close()
        hcs.close()
    return connection


# --- contender 1: the pipeline, in a child process -------------------------------------------


def run_pipeline_child(spec: dict, work_dir: Path, timeout: float) -> dict:
    """Run the pipeline in a fresh interpreter and return the timings and peak RSS it reports."""
    spec_path = work_dir / f"pipeline_{spec['run_id']}.json"
    result_path = work_dir / f"pipeline_{spec['run_id']}.result.json"
    result_path.unlink(missing_ok=True)
    # The spec contains the throwaway server's password, so only this user may read it.
    spec_path.write_text(json.dumps(spec))
    spec_path.chmod(0o600)
    try:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(spec_path), str(result_path)],
                       check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the pipeline child for run {spec['run_id']} did not finish within {timeout:.0f} s; "
                           "raise --child-timeout") from None
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"the pipeline child for run {spec['run_id']} failed with exit status {exc.returncode}; "
                           "its traceback is printed above") from None
    finally:
        spec_path.unlink(missing_ok=True)
    return json.loads(result_path.read_text())


def pipeline_child(spec_path: str, result_path: str) -> None:
    """Run extract, validate, load and mark once as run_import chains them, timing each stage.

    Module imports and connections are outside the timed region, because a DAG task pays them
    once per task whatever the number of orders. Building the OrderValidator (the Great
    Expectations context and suites) is timed as its own stage: each validate task builds one.
    """
    spec = json.loads(Path(spec_path).read_text())

    # One-time imports stay outside the timing, because importing great_expectations takes seconds.
    import great_expectations  # noqa: F401
    import great_expectations.expectations  # noqa: F401
    import pandas  # noqa: F401
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: F401

    from gambio_hcs_bridge.importer import extract, load, pipeline, runfiles, validate
    from gambio_hcs_bridge.importer.extract import extract_orders
    from gambio_hcs_bridge.importer.load import load_orders
    from gambio_hcs_bridge.importer.mark import mark_handed_over
    from gambio_hcs_bridge.importer.pipeline import resolve_import_statuses, validate_orders, validate_workers
    from gambio_hcs_bridge.importer.runfiles import RunStore
    from gambio_hcs_bridge.importer.validate import OrderValidator, ValidationRules
    from gambio_hcs_bridge.settings import parse_settings

    # The stage functions look these names up when they run, so the wrappers take effect.
    calls = CallTimer()
    calls.wrap(extract, "fetch_order_rows", "extract: Gambio order queries")
    calls.wrap(runfiles.RunStore, "write_chunk", "run files: pickle write")
    calls.wrap(runfiles, "read_chunk", "run files: pickle read")
    calls.wrap(pipeline, "read_chunk", "run files: pickle read")
    calls.wrap(pipeline, "known_skus", "validate: SKU lookup in HCS")
    calls.wrap(pipeline, "build_order", "validate: build_order")
    calls.wrap(validate.OrderValidator, "validate", "validate: Great Expectations")
    calls.wrap(load.HcsWriter, "_executemany", "load: executemany")

    gambio = open_gambio_session(spec["port"], spec["password"], spec["database"])
    hcs = open_hcs(spec["hcs_connection"])
    store = RunStore(spec["work_dir"], "bench", spec["run_id"])
    # The extract task opens extract_connections - 1 more Gambio connections; so does the child.
    readers = [open_gambio_session(spec["port"], spec["password"], spec["database"])
               for _ in range(parse_settings({}).extract_connections - 1)]
    baseline_kb = _status_kb("VmHWM")
    clock = StageClock()
    profiler = None
    if spec.get("profile"):
        import cProfile

        Path(spec["profile"]).parent.mkdir(parents=True, exist_ok=True)
        profiler = cProfile.Profile()
        profiler.enable()

    with clock.stage("extract"):
        settings = parse_settings({"status_paid": spec["paid_status_id"],
                                   "status_handed_over": spec["handed_over_status_id"],
                                   "validate_workers": spec.get("validate_workers", 0)})
        statuses = resolve_import_statuses(gambio, settings)
        now = datetime.now(settings.tz).replace(tzinfo=None, microsecond=0)
        extracted = extract_orders(
            gambio, hcs, store, status_ids=statuses, tz=settings.tz, chunk_size=settings.extract_chunk_size,
            grown_lookback_days=settings.grown_order_lookback_days, now=now,
            override_dir=settings.sql_override_dir, extra_readers=readers,
        )
    with clock.stage("validator_setup"):
        validator = OrderValidator(ValidationRules(settings.allowed_vat_rates, settings.max_unit_price))
    with clock.stage("validate"):
        validated = validate_orders(hcs, store, settings, validator)
    with clock.stage("load"):
        loaded = load_orders(hcs, store, lauf_id=spec["run_id"], now=now, batch_size=settings.load_batch_size,
                             override_dir=settings.sql_override_dir)
    with clock.stage("mark"):
        marked = mark_handed_over(
            gambio, [tuple(item) for item in store.read_json("load/handover.json")],
            paid_status_ids=statuses.paid, handed_over_status_id=statuses.handed_over, now=now,
            language=settings.language, override_dir=settings.sql_override_dir,
        )

    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(spec["profile"])

    # ru_maxrss is in KiB on Linux; for the children it is the largest validate worker.
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    for conn in (gambio, hcs, *readers):
        conn.close()
    result = {
        "stages": rounded(clock.seconds),
        "seconds": round(clock.total(), 3),
        "orders": extracted.candidates,
        "summary": {"extract": extracted.as_dict(), "validate": validated.as_dict(),
                    "load": loaded.as_dict(), "mark": marked.as_dict()},
        "detail": rounded(calls.seconds),
        "detail_missing": calls.missing,
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "peak_rss_worker_mb": round(workers_kb / 1024, 1) if workers_kb else None,
        "baseline_rss_mb": round(baseline_kb / 1024, 1),
        "settings": {"extract_chunk_size": settings.extract_chunk_size,
                     "load_batch_size": settings.load_batch_size,
                     "validate_workers": validate_workers(settings),
                     "extract_connections": 1 + len(readers)},
    }
    Path(result_path).write_text(json.dumps(result))


def _status_kb(field: str) -> int:
    """Read a memory figure (VmHWM, VmRSS) of this process from /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/self/status")


# --- rows written by the naive importer and the raw copy --------------------------------------

# Both contenders write the same rows with the same minimal mapping: one customer per order
# (no matching), the header, one position per order line (no shipping, fee or coupon
# positions) and, in Gambio, the status change with one history row.

ORDER_COLUMNS = """
    o.orders_id, o.date_purchased, o.customers_email_address, o.customers_telephone, o.customers_vat_id,
    o.billing_firstname, o.billing_lastname, o.billing_company, o.billing_street_address,
    o.billing_house_number, o.billing_postcode, o.billing_city, o.billing_country_iso_code_2,
    o.delivery_firstname, o.delivery_lastname, o.delivery_company, o.delivery_street_address,
    o.delivery_house_number, o.delivery_additional_info, o.delivery_postcode, o.delivery_city,
    o.delivery_country_iso_code_2, o.currency, o.payment_method, o.shipping_method, o.comments"""
LINE_COLUMNS = """
    op.orders_id, op.orders_products_id, op.products_model, op.products_name, op.products_quantity,
    op.products_price, op.final_price, op.products_tax"""

PAID_IDS_SQL = "SELECT orders_id FROM orders WHERE orders_status = %s ORDER BY orders_id"
NAIVE_ORDER_SQL = f"SELECT {ORDER_COLUMNS} FROM orders o WHERE o.orders_id = %s"
NAIVE_LINES_SQL = f"SELECT {LINE_COLUMNS} FROM orders_products op WHERE op.orders_id = %s ORDER BY op.orders_products_id"
NAIVE_TOTALS_SQL = "SELECT class, value FROM orders_total WHERE orders_id = %s"
RAW_ORDERS_SQL = f"""SELECT {ORDER_COLUMNS},
    (SELECT ot.value FROM orders_total ot WHERE ot.orders_id = o.orders_id AND ot.class = 'ot_total'
      LIMIT 1) AS ot_total,
    (SELECT SUM(ot.value) FROM orders_total ot WHERE ot.orders_id = o.orders_id AND ot.class = 'ot_tax') AS ot_tax
FROM orders o WHERE o.orders_id IN %s ORDER BY o.orders_id"""
RAW_LINES_SQL = (f"SELECT {LINE_COLUMNS} FROM orders_products op WHERE op.orders_id IN %s "
                 "ORDER BY op.orders_id, op.orders_products_id")
STATUS_SQL = "UPDATE orders SET orders_status = %s WHERE orders_id = %s"
BULK_STATUS_SQL = "UPDATE orders SET orders_status = %s WHERE orders_id IN %s"
# Every value is a placeholder: MySQLdb's executemany sends one multi-row INSERT only then and
# otherwise falls back to one statement per row.
HISTORY_SQL = ("INSERT INTO orders_status_history (orders_id, orders_status_id, date_added, customer_notified, "
               "comments) VALUES (%s, %s, %s, %s, %s)")

CUSTOMER_COLUMNS = ("kunden_nr", "suchschluessel", "firma", "vorname", "nachname", "strasse", "plz", "ort", "land",
                    "email", "telefon", "ustid", "angelegt_am")
HEADER_COLUMNS = ("auftrag_nr", "shop_bestellnr", "kunden_nr", "auftragsdatum", "liefer_firma", "liefer_vorname",
                  "liefer_nachname", "liefer_strasse", "liefer_adresszusatz", "liefer_plz", "liefer_ort",
                  "liefer_land", "ustid", "waehrung", "zahlungsart", "versandart", "bemerkung", "summe_netto",
                  "summe_mwst", "summe_brutto", "shop_positionen", "shop_fingerabdruck", "importiert_am",
                  "import_lauf")
POSITION_COLUMNS = ("auftrag_nr", "pos_nr", "positionsart", "artikel_nr", "bezeichnung", "menge",
                    "einzelpreis_brutto", "mwst_satz", "betrag_brutto", "betrag_netto", "mwst_betrag")


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


CUSTOMER_INSERT = _insert_sql("kunden", CUSTOMER_COLUMNS)
HEADER_INSERT = _insert_sql("auftraege", HEADER_COLUMNS)
POSITION_INSERT = _insert_sql("auftragspositionen", POSITION_COLUMNS)


def _fit(value, table: str, column: str) -> str:
    """Cut text to the HCS column width, because MariaDB in strict mode rejects longer text."""
    return str(value or "")[:HCS_FIELD_WIDTHS[(table, column)]]


def _street(row: dict, prefix: str) -> str:
    return f"{row[prefix + '_street_address'] or ''} {row[prefix + '_house_number'] or ''}".strip()


def customer_row(order: dict, kunden_nr: int, now: datetime) -> tuple:
    # No matching: the search key only has to be unique, so it derives from the order id.
    key = hashlib.sha1(f"bench-order:{order['orders_id']}".encode()).hexdigest()
    return (
        kunden_nr, key,
        _fit(order["billing_company"], "kunden", "firma"),
        _fit(order["billing_firstname"], "kunden", "vorname"),
        _fit(order["billing_lastname"], "kunden", "nachname"),
        _fit(_street(order, "billing"), "kunden", "strasse"),
        _fit(order["billing_postcode"], "kunden", "plz"),
        _fit(order["billing_city"], "kunden", "ort"),
        _fit(order["billing_country_iso_code_2"], "kunden", "land"),
        _fit(order["customers_email_address"], "kunden", "email"),
        _fit(order["customers_telephone"], "kunden", "telefon"),
        _fit(order["customers_vat_id"], "kunden", "ustid"),
        now,
    )


def header_row(order: dict, auftrag_nr: int, kunden_nr: int, ot_total, ot_tax, line_count: int,
               now: datetime, run_id: str) -> tuple:
    gross = Decimal(ot_total or 0).quantize(CENT, ROUND_HALF_UP)
    vat = Decimal(ot_tax or 0).quantize(CENT, ROUND_HALF_UP)
    purchased = order["date_purchased"] if isinstance(order["date_purchased"], datetime) else now
    # Not the pipeline's fingerprint: the column only needs 40 characters here.
    fingerprint = hashlib.sha1(str(order["orders_id"]).encode()).hexdigest()
    return (
        auftrag_nr, int(order["orders_id"]), kunden_nr, purchased,
        _fit(order["delivery_company"], "auftraege", "liefer_firma"),
        _fit(order["delivery_firstname"], "auftraege", "liefer_vorname"),
        _fit(order["delivery_lastname"], "auftraege", "liefer_nachname"),
        _fit(_street(order, "delivery"), "auftraege", "liefer_strasse"),
        _fit(order["delivery_additional_info"], "auftraege", "liefer_adresszusatz"),
        _fit(order["delivery_postcode"], "auftraege", "liefer_plz"),
        _fit(order["delivery_city"], "auftraege", "liefer_ort"),
        _fit(order["delivery_country_iso_code_2"], "auftraege", "liefer_land"),
        _fit(order["customers_vat_id"], "auftraege", "ustid"),
        _fit(order["currency"] or "EUR", "auftraege", "waehrung"),
        _fit(order["payment_method"], "auftraege", "zahlungsart"),
        _fit(order["shipping_method"], "auftraege", "versandart"),
        _fit(order["comments"], "auftraege", "bemerkung"),
        gross - vat, vat, gross, line_count, fingerprint, now, run_id,
    )


def position_rows(lines: list[dict], auftrag_nr: int) -> list[tuple]:
    rows = []
    for number, line in enumerate(lines, start=1):
        gross = Decimal(line["final_price"]).quantize(CENT, ROUND_HALF_UP)
        rate = Decimal(line["products_tax"])
        net = (gross * 100 / (100 + rate)).quantize(CENT, ROUND_HALF_UP)
        rows.append((
            auftrag_nr, number, "Artikel",
            _fit(line["products_model"], "auftragspositionen", "artikel_nr") or None,
            _fit(line["products_name"], "auftragspositionen", "bezeichnung"),
            line["products_quantity"], line["products_price"], rate, gross, net, gross - net,
        ))
    return rows


def _history_row(orders_id: int, handed_over_status_id: int, auftrag_nr: int, now: datetime) -> tuple:
    return (orders_id, handed_over_status_id, now, 0, HISTORY_COMMENT.format(auftrag_nr=auftrag_nr))


# --- contender 2: naive, one order at a time --------------------------------------------------


def run_naive(server: LocalMariaDB, state: ShopState, hcs_connection: dict, limit: int, run_id: str) -> dict:
    """Import paid orders one by one: a statement per row, both databases committed per order.

    HCS has no AUTO_INCREMENT, so each customer and order number is reserved from the number
    ranges on its own, as an importer that writes one order at a time has to.
    """
    gambio = open_gambio_session(server.port, server.root_password, state.database)
    hcs = open_hcs(hcs_connection)
    reader = gambio.cursor(MySQLdb.cursors.DictCursor)
    writer = gambio.cursor()
    hcs_cursor = hcs.cursor()
    clock = StageClock()
    now = datetime.now().replace(microsecond=0)

    with clock.stage("read"):
        reader.execute(PAID_IDS_SQL, (state.paid_status_id,))
        paid_ids = [int(row["orders_id"]) for row in reader.fetchall()]
        gambio.commit()
    selected = paid_ids[:limit] if limit > 0 else paid_ids

    for orders_id in selected:
        with clock.stage("read"):
            reader.execute(NAIVE_ORDER_SQL, (orders_id,))
            order = reader.fetchone()
            reader.execute(NAIVE_LINES_SQL, (orders_id,))
            lines = list(reader.fetchall())
            reader.execute(NAIVE_TOTALS_SQL, (orders_id,))
            totals = list(reader.fetchall())
        ot_total = next((row["value"] for row in totals if row["class"] == "ot_total"), None)
        ot_tax = sum((row["value"] for row in totals if row["class"] == "ot_tax"), Decimal(0))

        with clock.stage("write_hcs"):
            kunden_nr = allocate_numbers(hcs_cursor, "kunde", 1)
            hcs_cursor.execute(CUSTOMER_INSERT, customer_row(order, kunden_nr, now))
            auftrag_nr = allocate_numbers(hcs_cursor, "auftrag", 1)
            hcs_cursor.execute(HEADER_INSERT, header_row(order, auftrag_nr, kunden_nr, ot_total, ot_tax,
                                                         len(lines), now, run_id))
            for row in position_rows(lines, auftrag_nr):
                hcs_cursor.execute(POSITION_INSERT, row)
            hcs.commit()
        with clock.stage("write_gambio"):
            writer.execute(STATUS_SQL, (state.handed_over_status_id, orders_id))
            writer.execute(HISTORY_SQL, _history_row(orders_id, state.handed_over_status_id, auftrag_nr, now))
            gambio.commit()

    gambio.close()
    hcs.close()
    return {
        "stages": rounded(clock.seconds),
        "seconds": round(clock.total(), 3),
        "orders": len(selected),
        "paid_orders": len(paid_ids),
        "sampled": len(selected) < len(paid_ids),
    }


# --- contender 3: raw bulk copy ----------------------------------------------------------------


def run_raw_copy(server: LocalMariaDB, state: ShopState, hcs_connection: dict, run_id: str) -> dict:
    """Copy every paid order in chunks: one SELECT for headers and one for lines per chunk,
    executemany into HCS with one transaction per chunk, then one history INSERT and one
    status UPDATE per chunk in Gambio. No validation, no rules, no customer matching."""
    gambio = open_gambio_session(server.port, server.root_password, state.database)
    hcs = open_hcs(hcs_connection)
    reader = gambio.cursor(MySQLdb.cursors.DictCursor)
    writer = gambio.cursor()
    hcs_cursor = hcs.cursor()
    clock = StageClock()
    now = datetime.now().replace(microsecond=0)

    with clock.stage("read"):
        reader.execute(PAID_IDS_SQL, (state.paid_status_id,))
        paid_ids = [int(row["orders_id"]) for row in reader.fetchall()]
    if not paid_ids:
        gambio.close()
        hcs.close()
        return {"stages": rounded(clock.seconds), "seconds": round(clock.total(), 3), "orders": 0,
                "paid_orders": 0, "sampled": False}

    with clock.stage("write_hcs"):
        # The numbers for the whole run are reserved once and committed with the first chunk.
        next_kunde = allocate_numbers(hcs_cursor, "kunde", len(paid_ids))
        next_auftrag = allocate_numbers(hcs_cursor, "auftrag", len(paid_ids))

    for start in range(0, len(paid_ids), RAW_CHUNK_ORDERS):
        chunk = tuple(paid_ids[start:start + RAW_CHUNK_ORDERS])
        with clock.stage("read"):
            reader.execute(RAW_ORDERS_SQL, (chunk,))
            orders = list(reader.fetchall())
            reader.execute(RAW_LINES_SQL, (chunk,))
            lines_by_order: dict[int, list[dict]] = {}
            for line in reader.fetchall():
                lines_by_order.setdefault(int(line["orders_id"]), []).append(line)
            gambio.commit()

        with clock.stage("map"):
            customers, headers, positions, history = [], [], [], []
            for order in orders:
                orders_id = int(order["orders_id"])
                lines = lines_by_order.get(orders_id, [])
                customers.append(customer_row(order, next_kunde, now))
                headers.append(header_row(order, next_auftrag, next_kunde, order["ot_total"], order["ot_tax"],
                                          len(lines), now, run_id))
                positions.extend(position_rows(lines, next_auftrag))
                history.append(_history_row(orders_id, state.handed_over_status_id, next_auftrag, now))
                next_kunde += 1
                next_auftrag += 1

        with clock.stage("write_hcs"):
            hcs_cursor.executemany(CUSTOMER_INSERT, customers)
            hcs_cursor.executemany(HEADER_INSERT, headers)
            hcs_cursor.executemany(POSITION_INSERT, positions)
            hcs.commit()
        with clock.stage("write_gambio"):
            writer.executemany(HISTORY_SQL, history)
            writer.execute(BULK_STATUS_SQL, (state.handed_over_status_id, chunk))
            gambio.commit()

    gambio.close()
    hcs.close()
    return {
        "stages": rounded(clock.seconds),
        "seconds": round(clock.total(), 3),
        "orders": len(paid_ids),
        "paid_orders": len(paid_ids),
        "sampled": False,
    }


# --- one size ---------------------------------------------------------------------------------


def bench_size(server: LocalMariaDB, size: int, options, work_dir: Path) -> dict:
    """Generate a shop of ``size`` orders and run every contender on it from the same state."""
    database = f"bench_gambio_{size}"
    server.drop_database(database)
    started = time.perf_counter()
    state, shop = generate_gambio_shop(server, database, size, options.seed)
    shop["generate_seconds"] = round(time.perf_counter() - started, 1)
    print(f"\nN = {size}: generated {shop['orders']} orders ({shop['paid_orders']} paid, "
          f"{shop['order_lines']} lines) in {shop['generate_seconds']} s", flush=True)

    results = {}
    for contender in options.contenders:
        restore_shop(server, state)
        warm_up(server, state)
        name = f"hcs_{size}_{contender}"
        connection = create_hcs_database(server, options.hcs, work_dir, name, database)
        run_id = f"bench-{size}-{contender}"
        print(f"  running {contender} …", flush=True)
        if contender == "pipeline":
            spec = {
                "port": server.port, "password": server.root_password, "database": database,
                "hcs_connection": connection, "work_dir": str(work_dir / "runs"), "run_id": run_id,
                "paid_status_id": state.paid_status_id, "handed_over_status_id": state.handed_over_status_id,
                "profile": str(options.profile.resolve() / f"pipeline_{size}.prof") if options.profile else None,
                "validate_workers": options.validate_workers,
            }
            result = run_pipeline_child(spec, work_dir, options.child_timeout)
            result["sampled"] = False
        elif contender == "naive":
            result = run_naive(server, state, connection, options.naive_limit, run_id)
        else:
            result = run_raw_copy(server, state, connection, run_id)

        result["orders_per_second"] = round(result["orders"] / result["seconds"], 1) if result["seconds"] else None
        result["hcs"] = hcs_counts(connection)
        result.update(gambio_changes(server, state))
        result["hcs_database"] = connection["schema"]
        results[contender] = result
    restore_shop(server, state)
    server.drop_database(database)

    return {"size": size, "shop": shop, "contenders": results, "ratios": contender_ratios(results)}


def contender_ratios(results: dict) -> dict:
    def ratio(a: str, b: str):
        if a not in results or b not in results:
            return None
        low = results[b]["orders_per_second"]
        high = results[a]["orders_per_second"]
        return round(high / low, 2) if low and high else None

    return {"pipeline_vs_naive": ratio("pipeline", "naive"), "pipeline_vs_raw": ratio("pipeline", "raw_copy")}


def rss_comparison(sizes: list[dict]) -> dict | None:
    """Compare the pipeline's peak RSS at the largest size with 10,000 orders (or the smallest size).

    The figure per size is that of the pipeline's largest process: the task process or a
    validate worker, whichever peaked higher.
    """
    rss = {entry["size"]: max(entry["contenders"]["pipeline"]["peak_rss_mb"],
                              entry["contenders"]["pipeline"]["peak_rss_worker_mb"] or 0)
           for entry in sizes if "pipeline" in entry["contenders"]}
    if len(rss) < 2:
        return None
    high = max(rss)
    low = 10000 if 10000 in rss and high != 10000 else min(rss)
    return {"from_size": low, "to_size": high, "from_mb": rss[low], "to_mb": rss[high],
            "ratio": round(rss[high] / rss[low], 2)}


# --- environment and report --------------------------------------------------------------------


def environment(server: LocalMariaDB, hcs_connection: dict | None) -> dict:
    """Machine, server and driver versions the figures were measured with."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor())
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:"))
    conn = server.connect()
    cursor = conn.cursor()
    cursor.execute("SELECT VERSION()")
    mariadb_version = cursor.fetchone()[0]
    conn.close()

    info = {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "mariadb_server": mariadb_version,
        "mysqlclient": importlib.metadata.version("mysqlclient"),
        "libmariadb_client": MySQLdb.get_client_info(),
        "pyodbc": pyodbc.version,
        "great_expectations": importlib.metadata.version("great_expectations"),
        "pandas": importlib.metadata.version("pandas"),
    }
    if hcs_connection is not None:
        hcs = open_hcs(hcs_connection)
        info["hcs_odbc_driver"] = f"{hcs.getinfo(pyodbc.SQL_DRIVER_NAME)} {hcs.getinfo(pyodbc.SQL_DRIVER_VER)}"
        info["hcs_dbms"] = f"{hcs.getinfo(pyodbc.SQL_DBMS_NAME)} {hcs.getinfo(pyodbc.SQL_DBMS_VER)}"
        hcs.close()
    return info


def print_size(entry: dict) -> None:
    print(f"\nN = {entry['size']} orders generated, {entry['shop']['paid_orders']} paid")
    print(f"  {'contender':<10} {'orders':>7} {'HCS rows':>9} {'total s':>9} {'orders/s':>9}  stages (s)")
    for name, result in entry["contenders"].items():
        stages = " · ".join(f"{stage} {seconds:.2f}" for stage, seconds in result["stages"].items())
        print(f"  {name:<10} {result['orders']:>7} {sum(result['hcs'].values()):>9} {result['seconds']:>9.2f} "
              f"{result['orders_per_second'] or 0:>9.1f}  {stages}")
    naive = entry["contenders"].get("naive")
    if naive and naive["sampled"]:
        estimate = naive["paid_orders"] / naive["orders_per_second"] if naive["orders_per_second"] else 0
        print(f"  naive was SAMPLED: {naive['orders']} of {naive['paid_orders']} paid orders; its rate is "
              f"extrapolated (estimate for all: {estimate:.1f} s)")
    pipeline = entry["contenders"].get("pipeline")
    if pipeline is None:
        return
    detail = " · ".join(f"{label} {seconds:.2f}" for label, seconds in pipeline["detail"].items())
    print(f"  pipeline detail (s): {detail}")
    if pipeline["detail_missing"]:
        print(f"  pipeline detail lacks {', '.join(pipeline['detail_missing'])}: not found in the importer")
    load = pipeline["summary"]["load"]
    workers = pipeline["settings"]["validate_workers"]
    worker_rss = f", largest validate worker {pipeline['peak_rss_worker_mb']} MB" if pipeline["peak_rss_worker_mb"] else ""
    print(f"  pipeline: {load['imported']} imported, {load['rejected']} set aside; {workers} validate "
          f"process(es); peak RSS {pipeline['peak_rss_mb']} MB (after imports: {pipeline['baseline_rss_mb']} MB)"
          f"{worker_rss}")
    for key, label in (("pipeline_vs_naive", "pipeline ÷ naive"), ("pipeline_vs_raw", "pipeline ÷ raw copy")):
        value = entry["ratios"][key]
        if value is None:
            print(f"  {label}: not measured (a contender did not run)")
            continue
        verdict = "met" if value >= TARGETS[key] else "MISSED"
        print(f"  {label}: {value}× (target ≥ {TARGETS[key]}×: {verdict})")


def print_report(report: dict) -> None:
    env = report["environment"]
    print("\n=== Import benchmark ===")
    print(f"machine: {env['cpus']} CPUs ({env['cpu_model']}), {env['memory_gib']} GiB, Linux {env['kernel']}")
    print(f"MariaDB {env['mariadb_server']}; HCS: {env.get('hcs_dbms')} via {env.get('hcs_odbc_driver')}; "
          f"pyodbc {env['pyodbc']}; mysqlclient {env['mysqlclient']}")
    for entry in report["sizes"]:
        print_size(entry)
    rss = report["rss"]
    if rss:
        verdict = "met" if rss["ratio"] < TARGETS["rss_ratio"] else "MISSED"
        print(f"\npeak RSS of the pipeline: {rss['from_mb']} MB at {rss['from_size']} → {rss['to_mb']} MB at "
              f"{rss['to_size']} orders: {rss['ratio']}× (target < {TARGETS['rss_ratio']}×: {verdict})")


# --- entry points -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the Gambio → HCS order import against a naive "
                                                 "per-order importer and a raw bulk copy.")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="numbers of generated shop orders, one benchmark each (default: 1000 10000 100000)")
    parser.add_argument("--hcs", choices=("sqlite", "mariadb"), default="sqlite",
                        help="HCS database: a SQLite file through the SQLite3 ODBC driver (default) or a database "
                             "in the benchmark's MariaDB server through MariaDB Connector/ODBC")
    parser.add_argument("--naive-limit", type=int, default=DEFAULT_NAIVE_LIMIT,
                        help="import at most this many orders with the naive importer and extrapolate its rate; "
                             f"0 imports all (default {DEFAULT_NAIVE_LIMIT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the demo shop generator")
    parser.add_argument("--json", type=Path, help="also write the report as JSON to this file")
    parser.add_argument("--work-dir", type=Path,
                        help="folder for the MariaDB data, HCS files and run files; kept afterwards "
                             "(default: a temporary folder, deleted afterwards)")
    parser.add_argument("--contenders", nargs="+", choices=CONTENDERS, default=list(CONTENDERS),
                        help="run only these contenders (default: all three; a ratio needs both of its contenders)")
    parser.add_argument("--validate-workers", type=int, default=0,
                        help="the pipeline's validate_workers setting (default 0: usable CPUs, at most 4); "
                             "with 1, the detail timers also cover build_order and Great Expectations")
    parser.add_argument("--profile", type=Path,
                        help="write cProfile statistics of the pipeline child to this folder, one file per "
                             "size (profiling slows the pipeline down; its figures are then not comparable)")
    parser.add_argument("--child-timeout", type=float, default=DEFAULT_CHILD_TIMEOUT,
                        help=f"seconds the pipeline child of one size may take (default {DEFAULT_CHILD_TIMEOUT})")
    options = parser.parse_args(argv)
    if any(size < 1 for size in options.sizes):
        parser.error(f"--sizes must be positive numbers of orders, got {options.sizes}")
    if options.naive_limit < 0:
        parser.error(f"--naive-limit must be 0 (no limit) or positive, got {options.naive_limit}")
    return options


def start_server(work_dir: Path) -> LocalMariaDB:
    """Start the throwaway MariaDB server (its temporary tables stay in its own folder)."""
    server = LocalMariaDB(work_dir / "mariadb", free_port(), secrets.token_urlsafe(18))
    try:
        server.start()
    except BaseException:
        # start() can time out with mariadbd still running; stop() ends it through its pid file.
        server.stop()
        raise
    return server


def run_benchmark(options: argparse.Namespace, work_dir: Path) -> dict:
    server = start_server(work_dir)
    try:
        sizes = [bench_size(server, size, options, work_dir) for size in options.sizes]
        first_hcs = next(iter(sizes[0]["contenders"].values()))
        probe = hcs_sqlite_connection(Path(first_hcs["hcs_database"])) if options.hcs == "sqlite" else (
            hcs_mariadb_connection(server.port, server.root_password, first_hcs["hcs_database"]))
        env = environment(server, probe)
    finally:
        server.stop()
    return {
        "environment": env,
        "options": {"sizes": options.sizes, "contenders": options.contenders, "hcs": options.hcs,
                    "validate_workers": options.validate_workers, "naive_limit": options.naive_limit,
                    "seed": options.seed, "raw_chunk_orders": RAW_CHUNK_ORDERS},
        "targets": TARGETS,
        "sizes": sizes,
        "rss": rss_comparison(sizes),
    }


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print the table and return the report."""
    options = parse_args(argv)
    if options.work_dir:
        options.work_dir.mkdir(parents=True, exist_ok=True)
        report = run_benchmark(options, options.work_dir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="import_bench_") as folder:
            report = run_benchmark(options, Path(folder))
    print_report(report)
    if options.json:
        options.json.write_text(json.dumps(report, indent=2, default=str))
        print(f"\nJSON report: {options.json}")
    return report


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        pipeline_child(sys.argv[2], sys.argv[3])
    else:
        main()
