"""``hcsbridge demo-data``: fill the local stack's Gambio database with a demo shop."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import MySQLdb

from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema
from gambio_hcs_bridge.demo.generator import MEAN_ORDER_INTERVAL_SECONDS, SHOP_TIMEZONE, generate_shop
from gambio_hcs_bridge.devstack.config import GAMBIO_DATABASE, stack_config
from gambio_hcs_bridge.statuses import DEFAULT_STATUS_NAMES, ensure_statuses


def add_commands(subparsers) -> None:
    """Register ``demo-data`` on the ``hcsbridge`` command line."""
    parser = subparsers.add_parser(
        "demo-data",
        help="fill the local Gambio database with demo products, customers and orders",
        description=(
            "Create the Gambio tables in the local stack's database "
            f"'{GAMBIO_DATABASE}' if missing, create the order statuses 'Bezahlt' and "
            "'An HCS übergeben', and add demo orders from the shop and from marketplaces. "
            "The MariaDB server must already run (hcsbridge stack start)."
        ),
    )
    parser.add_argument("--orders", type=int, default=200, help="number of orders to add (default: %(default)s)")
    parser.add_argument(
        "--seed", type=int, default=42, help="random seed; the same seed gives the same shop (default: %(default)s)"
    )
    parser.add_argument(
        "--products",
        type=int,
        default=None,
        help="number of products (default: one per 20 orders, at least 30, at most 5000)",
    )
    parser.add_argument(
        "--start",
        type=datetime.fromisoformat,
        default=None,
        help=(
            "shop-local time of the first order, e.g. 2025-03-24T06:00 "
            "(default: so that the last order is about now)"
        ),
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help=f"drop and recreate the database '{GAMBIO_DATABASE}' first; without it, orders are added",
    )
    parser.set_defaults(handler=run_demo_data)


def run_demo_data(args: argparse.Namespace) -> int:
    """Handle ``hcsbridge demo-data``; return the process exit code."""
    if args.orders < 0:
        print(f"--orders must be 0 or more, got {args.orders}", file=sys.stderr)
        return 2
    if args.products is not None and args.products < 1:
        print(f"--products must be 1 or more, got {args.products}", file=sys.stderr)
        return 2

    config = stack_config()
    try:
        conn = MySQLdb.connect(
            host="127.0.0.1",
            port=config.mariadb_port,
            user="root",
            password=config.mariadb_root_password(),
            charset="utf8mb4",
            autocommit=True,
            connect_timeout=3,
        )
    except MySQLdb.OperationalError as exc:
        print(
            f"The local stack's MariaDB on 127.0.0.1:{config.mariadb_port} is not reachable "
            f"({exc.args[-1]}). Run `hcsbridge stack start` first, then run this command again.",
            file=sys.stderr,
        )
        return 1

    started = time.perf_counter()
    try:
        cursor = conn.cursor()
        if args.reset:
            cursor.execute(f"DROP DATABASE IF EXISTS `{GAMBIO_DATABASE}`")
        # A Gambio database is utf8 (utf8mb3), as the shop installer sets it.
        cursor.execute(
            f"CREATE DATABASE IF NOT EXISTS `{GAMBIO_DATABASE}` CHARACTER SET utf8 COLLATE utf8_general_ci"
        )
        conn.select_db(GAMBIO_DATABASE)
        create_gambio_schema(conn)
        status_ids = ensure_statuses(conn, DEFAULT_STATUS_NAMES)
        shop = generate_shop(
            conn,
            seed=args.seed,
            orders=args.orders,
            paid_status_id=status_ids["paid"],
            products=args.products,
            start=args.start or _recent_start(args.orders),
        )
        status_names = _status_names(cursor)
    except MySQLdb.Error as exc:
        print(f"Writing the demo shop into the database {GAMBIO_DATABASE} failed: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()

    elapsed = time.perf_counter() - started
    print(f"Demo shop in database {GAMBIO_DATABASE} on 127.0.0.1:{config.mariadb_port} (seed {args.seed}):")
    if shop.orders:
        print(f"  orders {shop.first_order_id}-{shop.last_order_id}: {shop.orders} with {shop.order_lines} lines")
    else:
        print("  no orders added")
    channels = ", ".join(f"{channel} {count}" for channel, count in shop.orders_by_platform.items())
    print(f"  by channel: {channels or '-'}")
    statuses = ", ".join(
        f"{status_names.get(status_id, '?')} ({status_id}) {count}"
        for status_id, count in shop.orders_by_status.items()
    )
    print(f"  by status: {statuses or '-'}")
    print(
        f"  merged eBay orders {shop.merged_ebay_orders}, Amazon FBA orders {shop.fba_orders}, "
        f"lines with unknown SKU {shop.unknown_sku_lines}"
    )
    print(
        f"  products {shop.products} (variants {shop.combis}, attribute values {shop.attributes}), "
        f"customers {shop.customers}"
    )
    print(f"  statuses: paid = {status_ids['paid']}, handed over to HCS = {status_ids['handed_over']}")
    print(f"  took {elapsed:.2f} s")
    return 0


def _recent_start(orders: int) -> datetime:
    """Return a shop-local start time that puts the last order at about the current time."""
    now = datetime.now(ZoneInfo(SHOP_TIMEZONE)).replace(tzinfo=None, second=0, microsecond=0)
    return now - timedelta(seconds=orders * MEAN_ORDER_INTERVAL_SECONDS)


def _status_names(cursor) -> dict[int, str]:
    cursor.execute(
        "SELECT s.orders_status_id, s.orders_status_name FROM orders_status s "
        "JOIN languages l ON l.languages_id = s.language_id WHERE l.code = 'de'"
    )
    return {int(status_id): name for status_id, name in cursor.fetchall()}
