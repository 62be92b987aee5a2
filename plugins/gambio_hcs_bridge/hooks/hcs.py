"""Hook for the HCS 2000 database, reached through an ODBC data source."""

from __future__ import annotations

from airflow.providers.odbc.hooks.odbc import OdbcHook


class HcsHook(OdbcHook):
    """OdbcHook that hands out connections with autocommit off and long text bound whole.

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
        from gambio_hcs_bridge.odbc import prepare_hcs_connection

        return prepare_hcs_connection(super().get_conn())
