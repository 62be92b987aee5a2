"""Create the Gambio tables the bridge uses, or load a real Gambio installer schema.

The project carries its own DDL in ``include/sql/gambio/ddl/<table>.sql``: one file per table
in the shape of a fresh Gambio GX 4.8.0.3 shop, plus the default rows the bridge needs.
Every statement there can run again (``CREATE TABLE IF NOT EXISTS``, ``INSERT IGNORE``).
"""

from __future__ import annotations

from pathlib import Path

from gambio_hcs_bridge.sql import load_sql, split_statements

# Every Gambio table the bridge reads or writes. magnalister_orders comes from the magnalister
# plugin; the other tables come from the shop installer.
GAMBIO_TABLES = (
    "languages",
    "countries",
    "customers",
    "products",
    "products_description",
    "products_properties_combis",
    "products_attributes",
    "orders",
    "orders_products",
    "orders_products_attributes",
    "orders_products_properties",
    "orders_total",
    "orders_tax_sum_items",
    "orders_status",
    "orders_status_history",
    "orders_parcel_tracking_codes",
    "parcel_services",
    "parcel_services_description",
    "magnalister_orders",
)

# Option of mysql_set_server_option() that allows several statements in one query.
_MULTI_STATEMENTS_ON = 0


def gambio_ddl_statements(table: str) -> list[str]:
    """Return the statements of ``gambio/ddl/<table>.sql``."""
    return split_statements(load_sql("gambio", f"ddl/{table}"))


def create_gambio_schema(conn) -> None:
    """Create every table of :data:`GAMBIO_TABLES` with its default rows in the current database.

    ``conn`` is a MySQLdb connection. Its session keeps ``sql_mode=''`` afterwards, because the
    shop itself connects that way and tests on this connection should run under the shop's rules.
    """
    cursor = conn.cursor()
    cursor.execute("SET SESSION sql_mode=''")
    for table in GAMBIO_TABLES:
        for statement in gambio_ddl_statements(table):
            cursor.execute(statement)
    conn.commit()


def load_installer_schema(conn, path: str | Path) -> None:
    """Run a Gambio installer SQL file (all tables and default data) in the current database.

    The file is sent as one multi-statement query with ``sql_mode=''``, as the shop installer
    does, so quoted semicolons and comments need no parsing here. An error in any statement
    raises ``MySQLdb.Error``. Only for tests and benchmarks: the installer drops and recreates
    all shop tables.
    """
    script = Path(path).read_text(encoding="utf-8")
    cursor = conn.cursor()
    cursor.execute("SET SESSION sql_mode=''")
    conn.set_server_option(_MULTI_STATEMENTS_ON)
    cursor.execute(script)
    # The server runs the statements one after the other and reports an error only when the
    # client reads that statement's result, so every result has to be read.
    while cursor.nextset():
        pass
    cursor.close()
    conn.commit()
