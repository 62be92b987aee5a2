"""Operator of the status write-back: Gambio order statuses follow the documents HCS prints."""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseOperator


class HcsStatusWritebackOperator(BaseOperator):
    """Apply every new HCS document (Lieferschein, Rechnung, ...) to the status of its Gambio order.

    The work is :func:`gambio_hcs_bridge.writeback.write_back_statuses`; see there for the
    rules. Returns the run's counts for XCom.

    :param gambio_conn_id: Airflow connection of the Gambio database (default: setting ``gambio_conn_id``).
    :param hcs_conn_id: Airflow connection of the HCS ODBC data source (default: setting ``hcs_conn_id``).
    :param batch_size: documents read and applied per batch.
    """

    ui_color = "#eaf6ea"

    def __init__(
        self,
        *,
        gambio_conn_id: str | None = None,
        hcs_conn_id: str | None = None,
        batch_size: int = 500,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.gambio_conn_id = gambio_conn_id
        self.hcs_conn_id = hcs_conn_id
        self.batch_size = batch_size

    def execute(self, context) -> dict[str, Any]:
        from gambio_hcs_bridge.hooks.gambio import GambioHook
        from gambio_hcs_bridge.hooks.hcs import HcsHook
        from gambio_hcs_bridge.settings import load_settings
        from gambio_hcs_bridge.writeback import write_back_statuses

        settings = load_settings()

        gambio = GambioHook(gambio_conn_id=self.gambio_conn_id or settings.gambio_conn_id).get_conn()
        try:
            hcs = HcsHook(hcs_conn_id=self.hcs_conn_id or settings.hcs_conn_id).get_conn()
            try:
                summary = write_back_statuses(gambio, hcs, settings, batch_size=self.batch_size)
            finally:
                hcs.close()
        finally:
            gambio.close()

        return summary.as_dict()
