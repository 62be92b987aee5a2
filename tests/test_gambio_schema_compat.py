"""The project's Gambio DDL agrees with the real Gambio GX 4.8.0.3 installer schema.

Two databases on the test MariaDB server: one loaded from the real installer file (as the shop
loads it, with an empty sql_mode), one created from include/sql/gambio/ddl. The installer has
no magnalister_orders, because the magnalister plugin creates that table itself. The column
comparison therefore leaves it out. The real-schema database gets it from our DDL, so queries
that join it can be checked there too.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import MySQLdb
import pytest

from gambio_hcs_bridge.demo.gambio_schema import (
    GAMBIO_TABLES,
    create_gambio_schema,
    gambio_ddl_statements,
    load_installer_schema,
)
from gambio_hcs_bridge.sql import DEFAULT_SQL_DIR, split_statements

pytestmark = pytest.mark.mariadb

GAMBIO_SQL_DIR = DEFAULT_SQL_DIR / "gambio"
DDL_DIR = GAMBIO_SQL_DIR / "ddl"

# Tables the shop installer creates; magnalister_orders comes from the magnalister plugin.
INSTALLER_TABLES = tuple(table for table in GAMBIO_TABLES if table != "magnalister_orders")

# The bridge's own statements (not the DDL). The import author adds them; the list may be empty.
QUERY_FILES = sorted(GAMBIO_SQL_DIR.glob("*.sql"))

# %(name)s placeholders become NULL for EXPLAIN. After LIMIT/OFFSET NULL is a syntax error and
# after IN MySQLdb would expand a tuple, so those get a number and a one-element list.
_LIMIT_PLACEHOLDER = re.compile(r"\b(LIMIT|OFFSET)(\s+)%\(\w+\)s", re.IGNORECASE)
_IN_PLACEHOLDER = re.compile(r"\bIN(\s*)%\(\w+\)s", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%\(\w+\)s")
_EXPLAINABLE = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture(scope="module")
def _schema_cache(mariadb):
    """Databases shared by the tests of this module, created on first use."""
    cache: dict[str, str] = {}
    yield cache
    for name in cache.values():
        mariadb.drop_database(name)


@pytest.fixture
def schemas(_schema_cache, mariadb, gx48_installer_sql) -> dict[str, str]:
    """Names of the real-installer database ('real') and our-DDL database ('ours')."""
    if not _schema_cache:
        suffix = uuid.uuid4().hex[:8]
        real, ours = f"gx48_real_{suffix}", f"gx48_ours_{suffix}"
        for name in (real, ours):
            mariadb.create_database(name, "utf8")
        with mariadb.connect(real) as conn:
            load_installer_schema(conn, gx48_installer_sql)
            cursor = conn.cursor()
            for statement in gambio_ddl_statements("magnalister_orders"):
                cursor.execute(statement)
        with mariadb.connect(ours) as conn:
            create_gambio_schema(conn)
        _schema_cache.update(real=real, ours=ours)
    return _schema_cache


def _columns(mariadb, database: str) -> dict[tuple[str, str], tuple]:
    with mariadb.connect() as conn:
        cursor = conn.cursor()
        cursor.execute(
            """
            SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
                   CHARACTER_SET_NAME, COLLATION_NAME
            FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = %s
            """,
            (database,),
        )
        return {(row[0], row[1]): row[2:] for row in cursor.fetchall() if row[0] in INSTALLER_TABLES}


def _indexes(mariadb, database: str) -> set[tuple]:
    with mariadb.connect() as conn:
        cursor = conn.cursor()
        cursor.execute(
            """
            SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, SUB_PART
            FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = %s
            """,
            (database,),
        )
        return {row for row in cursor.fetchall() if row[0] in INSTALLER_TABLES}


def _table_options(mariadb, database: str) -> dict[str, tuple]:
    with mariadb.connect() as conn:
        cursor = conn.cursor()
        cursor.execute(
            "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
            (database,),
        )
        return {row[0]: row[1:] for row in cursor.fetchall() if row[0] in GAMBIO_TABLES}


def _rows(mariadb, database: str, query: str) -> list[tuple]:
    with mariadb.connect(database) as conn:
        cursor = conn.cursor()
        cursor.execute(query)
        return list(cursor.fetchall())


def test_ddl_files_match_table_list():
    assert sorted(path.stem for path in DDL_DIR.glob("*.sql")) == sorted(GAMBIO_TABLES)


def test_every_ddl_column_exists_in_real_schema(schemas, mariadb):
    ours = _columns(mariadb, schemas["ours"])
    real = _columns(mariadb, schemas["real"])

    missing = sorted(key for key in ours if key not in real)

    assert missing == []


def test_ddl_columns_have_real_type_null_and_default(schemas, mariadb):
    ours = _columns(mariadb, schemas["ours"])
    real = _columns(mariadb, schemas["real"])

    # (COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, CHARACTER_SET_NAME, COLLATION_NAME)
    different = {key: (ours[key], real[key]) for key in ours if key in real and ours[key] != real[key]}

    assert different == {}


def test_ddl_has_every_real_column(schemas, mariadb):
    """Our tables are complete, so a row written on our DDL fits the real shop too."""
    ours = _columns(mariadb, schemas["ours"])
    real = _columns(mariadb, schemas["real"])

    absent = sorted(key for key in real if key not in ours)

    assert absent == []


def test_ddl_keys_match_real_schema(schemas, mariadb):
    ours = _indexes(mariadb, schemas["ours"])
    real = _indexes(mariadb, schemas["real"])

    assert sorted(ours - real) == []
    assert sorted(real - ours) == []


def test_ddl_engine_and_charset_match_real_schema(schemas, mariadb):
    ours = _table_options(mariadb, schemas["ours"])
    real = _table_options(mariadb, schemas["real"])

    assert {table: ours[table] for table in INSTALLER_TABLES} == {table: real[table] for table in INSTALLER_TABLES}
    assert set(ours.values()) == {("InnoDB", "utf8mb3_general_ci")}


def test_first_order_id_is_400210(schemas, mariadb):
    query = (
        "SELECT TABLE_SCHEMA, AUTO_INCREMENT FROM information_schema.TABLES "
        f"WHERE TABLE_NAME = 'orders' AND TABLE_SCHEMA IN ('{schemas['ours']}', '{schemas['real']}')"
    )
    start_ids = dict(_rows(mariadb, "information_schema", query))

    assert start_ids == {schemas["ours"]: 400210, schemas["real"]: 400210}


@pytest.mark.parametrize(
    ("table", "query"),
    [
        ("languages", "SELECT languages_id, name, code, directory, sort_order, status FROM languages"),
        ("orders_status", "SELECT orders_status_id, language_id, orders_status_name, color FROM orders_status"),
        ("parcel_services", "SELECT parcel_service_id, name, `default` FROM parcel_services"),
        ("parcel_services_description", "SELECT * FROM parcel_services_description"),
        ("countries", "SELECT * FROM countries"),
    ],
)
def test_default_rows_match_real_schema(schemas, mariadb, table, query):
    """Our default rows are a subset of the fresh shop's rows, with the same ids and values."""
    ours = set(_rows(mariadb, schemas["ours"], query))
    real = set(_rows(mariadb, schemas["real"], query))

    assert sorted(ours - real) == []


def test_default_statuses_are_complete(schemas, mariadb):
    query = "SELECT orders_status_id, language_id, orders_status_name FROM orders_status ORDER BY 1, 2"

    assert _rows(mariadb, schemas["ours"], query) == _rows(mariadb, schemas["real"], query)


def test_default_countries_cover_demo_shop(schemas, mariadb):
    rows = _rows(mariadb, schemas["ours"], "SELECT countries_iso_code_2 FROM countries")

    assert {"DE", "AT", "CH", "FR", "NL", "IT", "PL", "GB", "US"} <= {row[0] for row in rows}


def _bind_nulls(statement: str) -> str:
    text = _LIMIT_PLACEHOLDER.sub(r"\1\g<2>1", statement)
    text = _IN_PLACEHOLDER.sub(r"IN\1(NULL)", text)
    return _PLACEHOLDER.sub("NULL", text).replace("%%", "%")


def _first_keyword(statement: str) -> str:
    return statement.lstrip("( \n").split(None, 1)[0].upper()


def _explainable_statements(path: Path) -> list[str]:
    # EXPLAIN takes only data statements; others (SET, CREATE ...) have no columns to resolve.
    statements = [_bind_nulls(statement) for statement in split_statements(path.read_text(encoding="utf-8"))]
    return [statement for statement in statements if _first_keyword(statement) in _EXPLAINABLE]


def _temporary_tables() -> list[str]:
    """CREATE TEMPORARY TABLE statements of all query files: some statements use a session
    table that another file creates, so every session under test gets them first."""
    return [
        _bind_nulls(statement)
        for path in QUERY_FILES
        for statement in split_statements(path.read_text(encoding="utf-8"))
        if re.match(r"CREATE\s+TEMPORARY\s+TABLE", statement, re.IGNORECASE)
    ]


@pytest.mark.parametrize("sql_file", QUERY_FILES, ids=lambda path: path.name)
def test_query_columns_exist_in_real_schema(schemas, mariadb, sql_file):
    """EXPLAIN resolves every table and column, so a typo or a missing column fails here."""
    statements = _explainable_statements(sql_file)
    for database in (schemas["real"], schemas["ours"]):
        with mariadb.connect(database) as conn:
            cursor = conn.cursor()
            cursor.execute("SET SESSION sql_mode=''")
            for statement in _temporary_tables():
                cursor.execute(statement)
            for statement in statements:
                try:
                    cursor.execute(f"EXPLAIN {statement}")
                except MySQLdb.Error as exc:
                    pytest.fail(f"{sql_file.name} does not run on {database}: {exc}\n{statement}")
                cursor.fetchall()
