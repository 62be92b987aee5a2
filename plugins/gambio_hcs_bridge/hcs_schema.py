"""Create the reference HCS schema in an empty database reached over ODBC."""

from __future__ import annotations

from gambio_hcs_bridge.sql import load_sql, split_statements


def create_hcs_schema(conn, override_dir: str | None = None) -> int:
    """Run ``hcs/schema.sql`` on the pyodbc connection ``conn``; return the statement count."""
    statements = split_statements(load_sql("hcs", "schema", override_dir))
    cursor = conn.cursor()
    for statement in statements:
        cursor.execute(statement)
    conn.commit()
    return len(statements)


def hcs_schema_exists(conn) -> bool:
    """Tell whether the number ranges table exists, which the schema script creates first."""
    cursor = conn.cursor()
    return any(row.table_name.lower() == "nummernkreise" for row in cursor.tables(tableType="TABLE"))
