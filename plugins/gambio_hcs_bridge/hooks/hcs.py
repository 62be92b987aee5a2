"""Hook for the HCS 2000 database, reached through an ODBC data source."""

from __future__ import annotations

from airflow.providers.odbc.hooks.odbc import OdbcHook


# MariaDB Connector/ODBC 3.1.15 corrupts or rejects (HY001 in SQLPutData) string parameters
# of 128 characters or more, which pyodbc 5.5 streams with SQLPutData by default. Raising
# pyodbc's maxwrite binds values up to this size whole.
MAX_INLINE_PARAMETER_BYTES = 1 << 20


class HcsHook(OdbcHook):
    """OdbcHook that hands out connections with autocommit off.

    Every write of the bridge to HCS runs in an explicit transaction. The connection's extra
    must set ``"placeholder": "?"`` because pyodbc binds with question marks.
    """

    conn_name_attr = "hcs_conn_id"
    default_conn_name = "hcs_odbc"
    hook_name = "HCS 2000 (ODBC)"

    def __init__(self, *args, hcs_conn_id: str = default_conn_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.hcs_conn_id = hcs_conn_id

    def get_conn(self):
        conn = super().get_conn()
        conn.autocommit = False
        conn.maxwrite = MAX_INLINE_PARAMETER_BYTES
        return conn
