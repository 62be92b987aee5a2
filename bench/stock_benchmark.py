"""Stock sync benchmark: sync_stock against a raw copy of HCS stock into the shop.

For each size N the script builds a shop with N SKUs in a throwaway MariaDB server (127.0.0.1
only) and an HCS SQLite database with one article per SKU, open and delivered HCS orders and
open shop orders. It then measures two scenarios, each with both contenders starting from the
same shop values:

- ``full``: the shop's stock differs from HCS almost everywhere (first sync of a shop);
- ``one_percent``: the shop is in sync, then 1 % of the HCS articles change.

Contenders:

- ``sync``: :func:`gambio_hcs_bridge.stock.sync_stock` with all rules. The first sync of each
  size runs in a fresh child process, so that its peak RSS covers the sync alone. The timed
  runs run in this process, alternately with the raw copy;
- ``raw``: read both sides whole, set every shop value whose SKU HCS has to ``artikel.bestand``
  and write the changed rows through the same session table and UPDATE ... JOIN batches. No
  open orders, no buffer, no variant sums, no freshness check, no lock.

docs/benchmarks.md describes the method and lists measured figures.

    .venv/bin/python bench/stock_benchmark.py --sizes 10000 100000 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import MySQLdb
import pyodbc

from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema
from gambio_hcs_bridge.devstack.config import hcs_sqlite_connection, odbc_connection_string
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB
from gambio_hcs_bridge.devstack.process import free_port
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from gambio_hcs_bridge.hcs_user import ArticleSeed, seed_articles
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.settings import parse_settings
from gambio_hcs_bridge.sql import load_sql
from gambio_hcs_bridge.stock import sync_stock

DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_SEED = 20260320
DEFAULT_REPEATS = 3
WRITE_BATCH = 1000
PAID_STATUS = 200
QUANTITY_STEP = Decimal("0.0001")

TARGETS = {
    "sync_vs_raw": 2.0,  # sync seconds at most twice the raw copy's
    "rss_growth": 1.3,  # peak RSS of the sync at the largest size below 1.3 times that at the smallest
}

# Share of the SKUs per level: simple products, variants (4 per product), attributes (2 per product).
VARIANTS_PER_PRODUCT = 4
ATTRIBUTES_PER_PRODUCT = 2
VARIANT_SHARE = 20
ATTRIBUTE_SHARE = 5

# --- benchmark-only SQL (data set, raw contender, save and restore of shop values) -------------

INSERT_PRODUCT = (
    "INSERT INTO products (products_id, products_model, products_quantity, use_properties_combis_quantity)"
    " VALUES (%s, %s, %s, %s)"
)
INSERT_COMBI = (
    "INSERT INTO products_properties_combis (products_properties_combis_id, products_id, combi_model,"
    " combi_quantity, combi_price_type) VALUES (%s, %s, %s, %s, 'calc')"
)
INSERT_ATTRIBUTE = (
    "INSERT INTO products_attributes (products_attributes_id, products_id, options_id, options_values_id,"
    " attributes_model, attributes_stock) VALUES (%s, %s, 1, %s, %s, %s)"
)
INSERT_ORDER = (
    "INSERT INTO orders (orders_id, orders_status, date_purchased, currency, currency_value)"
    " VALUES (%s, %s, %s, 'EUR', 1)"
)
INSERT_ORDER_LINE = (
    "INSERT INTO orders_products (orders_id, products_id, products_model, products_name, products_quantity)"
    " VALUES (%s, 0, %s, 'Artikel', %s)"
)
INSERT_AUFTRAG = (
    "INSERT INTO auftraege (auftrag_nr, shop_bestellnr, kunden_nr, auftragsdatum, versand_durch_marktplatz,"
    " summe_netto, summe_mwst, summe_brutto, shop_positionen, shop_fingerabdruck, importiert_am, import_lauf)"
    " VALUES (?, ?, 10001, ?, ?, 0, 0, 0, ?, ?, ?, 'bench')"
)
INSERT_POSITION = (
    "INSERT INTO auftragspositionen (auftrag_nr, pos_nr, positionsart, artikel_nr, menge, einzelpreis_brutto,"
    " mwst_satz, betrag_brutto, betrag_netto, mwst_betrag) VALUES (?, ?, 'Artikel', ?, ?, 0, 19, 0, 0, 0)"
)
INSERT_BELEG = (
    "INSERT INTO belege (beleg_id, belegart, belegnummer, auftrag_nr, gedruckt_am)"
    " VALUES (?, 'Lieferschein', ?, ?, ?)"
)
SET_BESTAND = "UPDATE artikel SET bestand = ? WHERE artikel_nr = ?"

RAW_READS = {
    1: "SELECT products_id, products_model, products_quantity FROM products",
    2: "SELECT products_properties_combis_id, combi_model, combi_quantity FROM products_properties_combis",
    3: "SELECT products_attributes_id, attributes_model, attributes_stock FROM products_attributes",
}
RAW_HCS_READ = "SELECT artikel_nr, bestand FROM artikel"

# Shop stock columns by level: table, key column, stock column.
LEVELS = {
    1: ("products", "products_id", "products_quantity"),
    2: ("products_properties_combis", "products_properties_combis_id", "combi_quantity"),
    3: ("products_attributes", "products_attributes_id", "attributes_stock"),
}

# Runs one full sync in a fresh process and prints its summary, duration and peak RSS. The peak
# is VmHWM of /proc/self/status. ru_maxrss of a child started by this script reported about the
# parent's size before the child had done anything, so it cannot measure the sync.
_CHILD_SCRIPT = """
import json, sys, time
import MySQLdb, pyodbc
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.settings import parse_settings
from gambio_hcs_bridge.stock import sync_stock

gambio_params, hcs_dsn, raw_settings = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
gambio = MySQLdb.connect(**gambio_params)
cursor = gambio.cursor()
cursor.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")
cursor.close()
gambio.autocommit(False)
hcs = prepare_hcs_connection(pyodbc.connect(hcs_dsn, autocommit=False))
settings = parse_settings(raw_settings)

def peak_rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

rss_before = peak_rss_kib()
started = time.perf_counter()
summary = sync_stock(gambio, hcs, settings=settings)
seconds = time.perf_counter() - started
print("BENCH_RESULT=" + json.dumps({"seconds": seconds, "report_seconds": summary.report_seconds,
                                    "written": summary.written, "planned": summary.planned,
                                    "unchanged": summary.unchanged, "skipped": summary.skipped,
                                    "stale": summary.stale, "rss_before_kib": rss_before,
                                    "peak_rss_kib": peak_rss_kib()}))
"""


# --- data set ---------------------------------------------------------------------------------


class Dataset:
    """The shop database and HCS file of one size, and which SKUs the generated orders touch."""

    def __init__(self, server: LocalMariaDB, work_dir: Path, size: int, seed: int):
        self.server = server
        self.size = size
        self.rng = random.Random(seed + size)
        self.database = f"stock_bench_{size}_{uuid.uuid4().hex[:6]}"
        self.hcs_path = work_dir / f"hcs_{size}_{uuid.uuid4().hex[:6]}.sqlite3"
        self.hcs_dsn = odbc_connection_string(hcs_sqlite_connection(self.hcs_path))
        self.state_dir = work_dir / f"state_{size}_{uuid.uuid4().hex[:6]}"
        self.skus: list[str] = []
        self.simple_skus: list[str] = []
        self.ordered_skus: set[str] = set()

    def gambio_params(self) -> dict:
        return {"host": "127.0.0.1", "port": self.server.port, "user": "root",
                "password": self.server.root_password, "database": self.database, "charset": "utf8mb4"}

    def gambio(self) -> MySQLdb.Connection:
        conn = MySQLdb.connect(**self.gambio_params())
        cursor = conn.cursor()
        cursor.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")
        cursor.close()
        conn.autocommit(False)
        return conn

    def hcs(self):
        return prepare_hcs_connection(pyodbc.connect(self.hcs_dsn, autocommit=False))

    def build(self) -> None:
        self.server.create_database(self.database, "utf8")
        conn = self.server.connect(self.database)
        create_gambio_schema(conn)
        hcs = self.hcs()
        try:
            create_hcs_schema(hcs)
            self._catalogue(conn, hcs)
            self._orders(conn, hcs)
        finally:
            conn.close()
            hcs.close()

    def drop(self) -> None:
        self.server.drop_database(self.database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.hcs_path}{suffix}").unlink(missing_ok=True)

    def _catalogue(self, conn, hcs) -> None:
        rng = self.rng
        variant_products = self.size * VARIANT_SHARE // 100 // VARIANTS_PER_PRODUCT
        attribute_products = self.size * ATTRIBUTE_SHARE // 100 // ATTRIBUTES_PER_PRODUCT
        simple = self.size - variant_products * VARIANTS_PER_PRODUCT - attribute_products * ATTRIBUTES_PER_PRODUCT

        # Kinds are shuffled over the product ids, as in a real shop, so every chunk of the sync
        # gets a similar mix of simple, variant and attribute products.
        kinds = ["simple"] * simple + ["variant"] * variant_products + ["attribute"] * attribute_products
        rng.shuffle(kinds)
        counters = {"simple": 0, "variant": 0, "attribute": 0}
        products, combis, attributes = [], [], []
        combi_id = attributes_id = 0
        for products_id, kind in enumerate(kinds, start=1):
            number = counters[kind]
            counters[kind] += 1
            if kind == "simple":
                sku = f"P{number:07d}"
                products.append((products_id, sku, rng.randint(0, 50), 0))
                self.simple_skus.append(sku)
            elif kind == "variant":
                products.append((products_id, f"V{number:07d}", 0, rng.choice((0, 0, 0, 1, 2, 3))))
                for size in range(VARIANTS_PER_PRODUCT):
                    combi_id += 1
                    combis.append((combi_id, products_id, f"V{number:07d}-{size}", rng.randint(0, 50)))
            else:
                products.append((products_id, f"A{number:07d}", rng.randint(0, 50), 0))
                for colour in range(ATTRIBUTES_PER_PRODUCT):
                    attributes_id += 1
                    attributes.append((attributes_id, products_id, attributes_id, f"A{number:07d}-{colour}",
                                       rng.randint(0, 50)))

        cursor = conn.cursor()
        for sql, rows in ((INSERT_PRODUCT, products), (INSERT_COMBI, combis), (INSERT_ATTRIBUTE, attributes)):
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[start:start + 5000])
        conn.commit()

        self.skus = self.simple_skus + [row[2] for row in combis] + [row[3] for row in attributes]
        articles = []
        for sku in self.skus:
            whole = rng.randint(0, 120)
            bestand = Decimal(whole) + (Decimal("0.5") if rng.random() < 0.1 else 0)
            articles.append(ArticleSeed(artikel_nr=sku, bestand=bestand))
        seed_articles(hcs, articles)

    def _orders(self, conn, hcs) -> None:
        """Open and delivered HCS orders (some FBA) and open shop orders, some already in HCS."""
        rng = self.rng
        now = datetime(2026, 3, 20, 12, 0)
        hcs_orders = max(10, self.size // 100)
        shop_orders = max(10, self.size // 200)
        imported_but_paid = max(2, self.size // 1000)

        cursor = hcs.cursor()
        auftraege, positionen, belege = [], [], []
        for number in range(hcs_orders):
            auftrag_nr = 200001 + number
            lines = [(rng.choice(self.skus), rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
            auftraege.append((auftrag_nr, 1 + number, now, 1 if rng.random() < 0.1 else 0, len(lines), "0" * 40, now))
            for pos_nr, (sku, menge) in enumerate(lines, start=1):
                positionen.append((auftrag_nr, pos_nr, sku, menge))
                self.ordered_skus.add(sku)
            if number % 2:
                belege.append((500001 + number, f"LS-{500001 + number}", auftrag_nr, now))
        cursor.executemany(INSERT_AUFTRAG, auftraege)
        cursor.executemany(INSERT_POSITION, positionen)
        cursor.executemany(INSERT_BELEG, belege)
        hcs.commit()
        cursor.close()

        orders, lines = [], []
        shop_ids = [1 + number for number in range(imported_but_paid)]
        shop_ids += [900001 + number for number in range(shop_orders)]
        for orders_id in shop_ids:
            orders.append((orders_id, PAID_STATUS, now))
            for _ in range(rng.randint(1, 2)):
                sku = rng.choice(self.simple_skus)
                lines.append((orders_id, sku, rng.randint(1, 2)))
                self.ordered_skus.add(sku)
        gambio_cursor = conn.cursor()
        gambio_cursor.executemany(INSERT_ORDER, orders)
        gambio_cursor.executemany(INSERT_ORDER_LINE, lines)
        conn.commit()

    def settings(self) -> dict:
        return {"status_paid": PAID_STATUS, "stock_open_statuses": [], "work_dir": str(self.state_dir)}

    # --- shop values: save, restore, compare ---

    def save_shop(self, name: str) -> None:
        conn = self.server.connect(self.database)
        cursor = conn.cursor()
        for level, (table, key, column) in LEVELS.items():
            # Identifiers come from the constant LEVELS, never from input.
            cursor.execute(f"DROP TABLE IF EXISTS bench_{name}_{level}")
            cursor.execute(f"CREATE TABLE bench_{name}_{level} (PRIMARY KEY ({key})) AS SELECT {key}, {column} FROM {table}")
        conn.close()

    def restore_shop(self, name: str) -> None:
        conn = self.server.connect(self.database)
        cursor = conn.cursor()
        for level, (table, key, column) in LEVELS.items():
            cursor.execute(f"UPDATE {table} t JOIN bench_{name}_{level} s USING ({key}) SET t.{column} = s.{column}")
        conn.close()

    def changed_since(self, name: str) -> int:
        conn = self.server.connect(self.database)
        cursor = conn.cursor()
        changed = 0
        for level, (table, key, column) in LEVELS.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table} t JOIN bench_{name}_{level} s USING ({key})"
                           f" WHERE NOT (t.{column} <=> s.{column})")
            changed += int(cursor.fetchone()[0])
        conn.close()
        return changed

    def mismatches(self) -> int:
        """Count shop rows of SKUs no order touches whose value differs from artikel.bestand.

        For those SKUs the rules reduce to the stock on hand (buffer 0), so this check needs no
        second implementation of the rules.
        """
        hcs = self.hcs()
        bestand = {row[0]: Decimal(str(row[1])).quantize(QUANTITY_STEP)
                   for row in hcs.cursor().execute(RAW_HCS_READ).fetchall()}
        hcs.close()
        conn = self.server.connect(self.database)
        cursor = conn.cursor()
        wrong = 0
        for level in LEVELS:
            cursor.execute(RAW_READS[level])
            for _, sku, value in cursor.fetchall():
                if sku in bestand and sku not in self.ordered_skus and value != bestand[sku]:
                    wrong += 1
        conn.close()
        return wrong

    def change_one_percent(self) -> int:
        """Add 1 to the stock of 1 % of the simple products no order touches and return how many."""
        candidates = [sku for sku in self.simple_skus if sku not in self.ordered_skus]
        chosen = self.rng.sample(candidates, max(1, self.size // 100))
        hcs = self.hcs()
        cursor = hcs.cursor()
        current = {row[0]: Decimal(str(row[1])) for row in cursor.execute(RAW_HCS_READ).fetchall()}
        cursor.executemany(SET_BESTAND, [(current[sku] + 1, sku) for sku in chosen])
        hcs.commit()
        hcs.close()
        return len(chosen)


# --- contenders -------------------------------------------------------------------------------


def run_raw(dataset: Dataset) -> dict:
    """Copy artikel.bestand into every shop row whose SKU HCS has and return seconds and rows written."""
    gambio, hcs = dataset.gambio(), dataset.hcs()
    try:
        started = time.perf_counter()
        cursor = hcs.cursor()
        cursor.execute(RAW_HCS_READ)
        bestand = {artikel_nr: Decimal(str(value)).quantize(QUANTITY_STEP) for artikel_nr, value in cursor.fetchall()}
        hcs.commit()

        gambio_cursor = gambio.cursor()
        staged = []
        for level, sql in RAW_READS.items():
            gambio_cursor.execute(sql)
            for row_id, sku, value in gambio_cursor.fetchall():
                new = bestand.get((sku or "").strip())
                if new is not None and value != new:
                    staged.append({"seq": len(staged) + 1, "target": level, "row_id": row_id, "quantity": new})
        gambio.commit()

        gambio_cursor.execute(load_sql("gambio", "stock_stage_drop"))
        gambio_cursor.execute(load_sql("gambio", "stock_stage_create"))
        gambio_cursor.executemany(load_sql("gambio", "stock_stage_add"), staged)
        gambio.commit()
        written = 0
        for first in range(1, len(staged) + 1, WRITE_BATCH):
            params = {"first_seq": first, "last_seq": min(first + WRITE_BATCH - 1, len(staged))}
            gambio_cursor.execute("START TRANSACTION")
            for name in ("stock_write_products", "stock_write_combis", "stock_write_attributes"):
                gambio_cursor.execute(load_sql("gambio", name), params)
                written += gambio_cursor.rowcount
            gambio.commit()
        seconds = time.perf_counter() - started
    finally:
        gambio.close()
        hcs.close()
    return {"seconds": seconds, "written": written}


def run_sync(dataset: Dataset) -> dict:
    """Run sync_stock in this process and return its duration and rows written."""
    gambio, hcs = dataset.gambio(), dataset.hcs()
    try:
        started = time.perf_counter()
        summary = sync_stock(gambio, hcs, settings=parse_settings(dataset.settings()))
        seconds = time.perf_counter() - started
    finally:
        gambio.close()
        hcs.close()
    return {"seconds": seconds, "written": summary.written}


def run_sync_child(dataset: Dataset) -> dict:
    """Run sync_stock in a fresh Python process and return its duration, counts and peak RSS."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD_SCRIPT, json.dumps(dataset.gambio_params()), dataset.hcs_dsn,
         json.dumps(dataset.settings())],
        capture_output=True, text=True, timeout=3600,
    )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("BENCH_RESULT="):
            return json.loads(line[len("BENCH_RESULT="):])
    raise RuntimeError(f"sync child exited with code {result.returncode}:\n{result.stderr[-4000:]}")


# --- one size ---------------------------------------------------------------------------------


def run_size(server: LocalMariaDB, work_dir: Path, size: int, seed: int = DEFAULT_SEED,
             repeats: int = DEFAULT_REPEATS) -> dict:
    """Build the data set of ``size`` SKUs, measure both scenarios and return the figures.

    The first sync is the first run of the day, so it also checks for HCS articles the shop
    does not use. It runs in a child process, its peak RSS is the memory figure and its check
    time is reported on its own. The timed runs after it are regular runs. Each figure is the
    median of ``repeats`` runs, every run starting from the same shop values.
    """
    dataset = Dataset(server, work_dir, size, seed)
    started = time.perf_counter()
    dataset.build()
    build_seconds = time.perf_counter() - started
    try:
        dataset.save_shop("start")
        first = run_sync_child(dataset)
        expected_full = dataset.changed_since("start")
        mismatches = dataset.mismatches()
        dataset.save_shop("synced")
        full = _measure(dataset, "start", repeats)
        full.update(expected_changes=expected_full, mismatches_after_sync=mismatches,
                    first_sync_seconds=first["seconds"], daily_check_seconds=first["report_seconds"])

        changed = dataset.change_one_percent()
        one_percent = _measure(dataset, "synced", repeats)
        one_percent.update(expected_changes=changed)
    finally:
        dataset.drop()
    return {
        "articles": len(dataset.skus),
        "build_seconds": build_seconds,
        "full": full,
        "one_percent": one_percent,
        "rss_before_kib": first["rss_before_kib"],
        "peak_rss_kib": first["peak_rss_kib"],
    }


def _measure(dataset: Dataset, start_state: str, repeats: int) -> dict:
    """Time both contenders ``repeats`` times from the saved shop values ``start_state``.

    Both run in this process, alternately, so neither pays for a cold start the other skips.
    """
    raw_runs, sync_runs = [], []
    for _ in range(repeats):
        dataset.restore_shop(start_state)
        raw_runs.append(run_raw(dataset))
        dataset.restore_shop(start_state)
        sync_runs.append(run_sync(dataset))
    raw_seconds = statistics.median(run["seconds"] for run in raw_runs)
    sync_seconds = statistics.median(run["seconds"] for run in sync_runs)
    return {
        "raw_seconds": raw_seconds, "raw_written": raw_runs[-1]["written"],
        "sync_seconds": sync_seconds, "sync_written": sync_runs[-1]["written"],
        "ratio": sync_seconds / raw_seconds,
    }


# --- report -----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_gib, 1),
            "python": platform.python_version(), "system": platform.platform()}


def print_report(results: list[dict], server_version: str) -> None:
    info = machine()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB RAM; {info['system']}")
    print(f"Python {info['python']}, MariaDB {server_version}, HCS on SQLite through the SQLite3 ODBC driver")
    print()
    print("| SKUs | scenario | raw s | raw rows | sync s | sync rows | sync / raw |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for result in results:
        for scenario in ("full", "one_percent"):
            figures = result[scenario]
            print(f"| {result['articles']:,} | {scenario} | {figures['raw_seconds']:.2f} | {figures['raw_written']:,} "
                  f"| {figures['sync_seconds']:.2f} | {figures['sync_written']:,} | {figures['ratio']:.2f} |")
    print()
    print("| SKUs | first sync of the day s | of which daily check s | RSS before sync MiB | peak RSS MiB |")
    print("|---:|---:|---:|---:|---:|")
    for result in results:
        full = result["full"]
        print(f"| {result['articles']:,} | {full['first_sync_seconds']:.2f} | {full['daily_check_seconds']:.2f} "
              f"| {result['rss_before_kib'] / 1024:.1f} | {result['peak_rss_kib'] / 1024:.1f} |")
    if len(results) > 1:
        growth = results[-1]["peak_rss_kib"] / results[0]["peak_rss_kib"]
        print(f"\nPeak RSS growth {results[0]['articles']:,} → {results[-1]['articles']:,} SKUs: {growth:.2f}× "
              f"(target < {TARGETS['rss_growth']}×)")
    # The time target is for the largest size. Smaller sizes are printed above for comparison.
    largest = results[-1]
    print(f"Sync / raw at {largest['articles']:,} SKUs: full {largest['full']['ratio']:.2f}, "
          f"1 % changed {largest['one_percent']['ratio']:.2f} (target ≤ {TARGETS['sync_vs_raw']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="numbers of SKUs")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the data set")
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS,
                        help="timed runs per contender and scenario; the median counts (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="stock-bench-") as folder:
        work_dir = Path(folder)
        server = LocalMariaDB(work_dir / "mariadb", free_port(), secrets.token_hex(16))
        server.start()
        try:
            with server.connect() as conn:
                cursor = conn.cursor()
                cursor.execute("SELECT VERSION()")
                server_version = cursor.fetchone()[0]
            results = []
            for size in sorted(args.sizes):
                print(f"Measuring {size:,} SKUs ...", file=sys.stderr, flush=True)
                results.append(run_size(server, work_dir, size, args.seed, args.repeats))
        finally:
            server.stop()

    print_report(results, server_version)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "mariadb": server_version, "results": results},
                                        indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
