"""``hcsbridge demo-delivery``: print a delivery note in the simulated HCS and show what the shop got.

For a handed-over demo order (or the one given), it prints a Lieferschein with a tracking
number, waits until the real-time DAG ``hcs_delivery_realtime`` has handled it, and shows the
Gambio status, the history rows, the tracking row and the shop stock of the order's articles
before and after.
"""

from __future__ import annotations

import subprocess
import time

import MySQLdb

from gambio_hcs_bridge.devstack.airflow_standalone import AirflowStandalone
from gambio_hcs_bridge.devstack.config import GAMBIO_DATABASE, stack_config
from gambio_hcs_bridge.statuses import resolve_status_id

SHIPPED_STATUS = 3


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo-delivery",
        help="print a delivery note for a demo order in the simulated HCS and show the shop's status and stock",
    )
    parser.add_argument("--shop-order", type=int, help="Gambio orders_id (default: the first handed-over order)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the shop (default 120)")
    parser.set_defaults(handler=run_demo_delivery)


def run_demo_delivery(args) -> int:
    config = stack_config()
    airflow = AirflowStandalone(config)
    if airflow.health() is None:
        print("The local Airflow is not running: run 'bash scripts/demo.sh' first.")
        return 1
    env = airflow.environment()
    subprocess.run(["airflow", "dags", "unpause", "hcs_delivery_realtime"], env=env, capture_output=True)

    gambio = MySQLdb.connect(host="127.0.0.1", port=config.mariadb_port, user="root",
                             password=config.mariadb_root_password(), database=GAMBIO_DATABASE,
                             charset="utf8mb4", autocommit=True)
    cursor = gambio.cursor()
    orders_id = args.shop_order or _first_handed_over(cursor, resolve_status_id(gambio, "An HCS übergeben"))
    if orders_id is None:
        print("No handed-over order in the demo shop: run 'bash scripts/demo.sh' first.")
        return 1

    before = _stock(cursor, orders_id)
    tracking = f"00340434{orders_id:010d}"
    printed = subprocess.run(
        ["hcsbridge", "hcs", "lieferschein", str(orders_id), "--shop", "--tracking", tracking, "--carrier", "DHL"],
        env=env, capture_output=True, text=True,
    )
    print(printed.stdout.strip())
    if printed.returncode != 0:
        print(printed.stderr.strip())
        return 1

    started = time.monotonic()
    while _status(cursor, orders_id) != SHIPPED_STATUS:
        if time.monotonic() - started > args.timeout:
            print(f"Shop order {orders_id} did not reach status Versendet ({SHIPPED_STATUS}) within "
                  f"{args.timeout:.0f} s. The delivery-note watcher runs in the triggerer: check its log "
                  f"lines in {airflow.log_file} and the runs of hcs_delivery_realtime at {airflow.url}")
            return 1
        time.sleep(0.5)
    # The stock is written right after the status, in the same task.
    time.sleep(2.0)
    print(f"Shop order {orders_id} reached status Versendet ({SHIPPED_STATUS}) after "
          f"{time.monotonic() - started:.1f} s.")

    print("\nGambio orders_status_history:")
    cursor.execute("SELECT date_added, orders_status_id, customer_notified, comments FROM orders_status_history"
                   " WHERE orders_id = %s ORDER BY orders_status_history_id", (orders_id,))
    for date_added, status_id, notified, comments in cursor.fetchall():
        print(f"  {date_added}  status {status_id}  customer_notified {notified}  {comments}")

    print("\nGambio orders_parcel_tracking_codes:")
    cursor.execute("SELECT tracking_code, parcel_service_name, url FROM orders_parcel_tracking_codes WHERE order_id = %s",
                   (orders_id,))
    for code, service, url in cursor.fetchall():
        print(f"  {code}  {service}  {url}")

    print("\nShop stock of the order's articles (before → after):")
    after = _stock(cursor, orders_id)
    for sku in sorted(after):
        print(f"  {sku}: {before.get(sku)} → {after[sku]}")
    gambio.close()
    return 0


def _first_handed_over(cursor, status_id: int) -> int | None:
    cursor.execute("SELECT MIN(orders_id) FROM orders WHERE orders_status = %s", (status_id,))
    return cursor.fetchone()[0]


def _status(cursor, orders_id: int) -> int | None:
    cursor.execute("SELECT orders_status FROM orders WHERE orders_id = %s", (orders_id,))
    row = cursor.fetchone()
    return row[0] if row else None


def _stock(cursor, orders_id: int) -> dict[str, str]:
    """Shop stock per SKU of the order's lines: variant, attribute or product level."""
    cursor.execute(
        "SELECT op.products_model, op.properties_combi_model, p.products_quantity, ppc.combi_quantity"
        " FROM orders_products op"
        " LEFT JOIN products p ON p.products_id = op.products_id"
        " LEFT JOIN products_properties_combis ppc ON ppc.combi_model = op.properties_combi_model"
        "   AND op.properties_combi_model <> ''"
        " WHERE op.orders_id = %s",
        (orders_id,),
    )
    stock = {}
    for model, combi_model, product_quantity, combi_quantity in cursor.fetchall():
        if combi_model:
            stock[combi_model] = str(combi_quantity)
        else:
            stock[model] = str(product_quantity)
    return stock
