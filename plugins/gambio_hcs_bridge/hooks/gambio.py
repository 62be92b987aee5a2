"""Hook for the Gambio shop database (MySQL/MariaDB through mysqlclient)."""

from __future__ import annotations

from airflow.providers.mysql.hooks.mysql import MySqlHook


class GambioHook(MySqlHook):
    """MySqlHook whose sessions read and write utf8mb4 and use strict SQL mode.

    The shop itself connects with an empty sql_mode. The bridge's own session is strict, so a
    value that does not fit raises instead of being cut silently. The charset is utf8mb4 so
    reading a table that holds 4-byte characters never fails.
    """

    conn_name_attr = "gambio_conn_id"
    default_conn_name = "gambio_db"
    hook_name = "Gambio (MySQL/MariaDB)"

    def __init__(self, *args, gambio_conn_id: str = default_conn_name, **kwargs):
        kwargs.setdefault("schema", None)
        super().__init__(*args, **kwargs)
        self.gambio_conn_id = gambio_conn_id

    def get_conn(self):
        conn = super().get_conn()
        conn.set_character_set("utf8mb4")
        cursor = conn.cursor()
        cursor.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")
        cursor.execute("SET SESSION time_zone = SYSTEM")
        cursor.close()
        conn.autocommit(False)
        return conn
