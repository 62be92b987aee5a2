"""Operator of the stock sync: HCS stock on hand, less open orders and buffer, goes to the shop."""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseOperator


class HcsStockSyncOperator(BaseOperator):
    """Compute the shop stock of every SKU from HCS and write the changed values to Gambio.

    The work is :func:`gambio_hcs_bridge.stock.sync_stock`; see there and docs/stock.md for the
    rules. Returns the run's counts for XCom.

    :param gambio_conn_id: Airflow connection of the Gambio database (default: setting ``gambio_conn_id``).
    :param hcs_conn_id: Airflow connection of the HCS ODBC data source (default: setting ``hcs_conn_id``).
    :param skus: sync only the products with these SKUs; ``None`` syncs the whole shop.
    :param batch_size: changed values written per transaction.
    """

    ui_color = "#fdf3e1"

    def __init__(
        self,
        *,
        gambio_conn_id: str | None = None,
        hcs_conn_id: str | None = None,
        skus: list[str] | None = None,
        batch_size: int = 1000,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.gambio_conn_id = gambio_conn_id
        self.hcs_conn_id = hcs_conn_id
        self.skus = skus
        self.batch_size = batch_size

    def execute(self, context) -> dict[str, Any]:
        from gambio_hcs_bridge.hooks.gambio import GambioHook
        from gambio_hcs_bridge.hooks.hcs import HcsHook
        from gambio_hcs_bridge.settings import load_settings
        from gambio_hcs_bridge.stock import sync_stock

        settings = load_settings()
        skus = set(self.skus) if self.skus is not None else None

        gambio = GambioHook(gambio_conn_id=self.gambio_conn_id or settings.gambio_conn_id).get_conn()
        try:
            hcs = HcsHook(hcs_conn_id=self.hcs_conn_id or settings.hcs_conn_id).get_conn()
            try:
                summary = sync_stock(gambio, hcs, settings=settings, skus=skus, batch_size=self.batch_size)
            finally:
                hcs.close()
        finally:
            gambio.close()

        return summary.as_dict()
