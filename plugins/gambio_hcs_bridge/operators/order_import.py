"""Operators of the order import: extract, validate, load into HCS, mark as handed over.

Each operator resolves its hooks and settings when it runs, calls one plain function of
``gambio_hcs_bridge.importer`` and returns a small summary for XCom. The batches travel
between the tasks as run-scoped files (see ``importer.runfiles``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airflow.sdk import BaseOperator


class _ImportStepOperator(BaseOperator):
    """Shared plumbing: settings, hooks and the run folder of the current DAG run."""

    ui_color = "#e8f1fb"

    def __init__(self, *, gambio_conn_id: str | None = None, hcs_conn_id: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.gambio_conn_id = gambio_conn_id
        self.hcs_conn_id = hcs_conn_id

    def _settings(self):
        from gambio_hcs_bridge.settings import load_settings

        return load_settings()

    def _gambio_conn(self, settings):
        from gambio_hcs_bridge.hooks.gambio import GambioHook

        return GambioHook(gambio_conn_id=self.gambio_conn_id or settings.gambio_conn_id).get_conn()

    def _hcs_conn(self, settings):
        from gambio_hcs_bridge.hooks.hcs import HcsHook

        return HcsHook(hcs_conn_id=self.hcs_conn_id or settings.hcs_conn_id).get_conn()

    @staticmethod
    def _store(settings, context):
        from gambio_hcs_bridge.importer.runfiles import RunStore

        return RunStore(settings.work_dir, context["dag"].dag_id, context["run_id"])

    @staticmethod
    def _now(settings) -> datetime:
        return datetime.now(settings.tz).replace(tzinfo=None, microsecond=0)


class GambioExtractOrdersOperator(_ImportStepOperator):
    """Extract the paid shop orders HCS lacks, or re-examine a purchase window.

    :param window_start: start of a purchase-time window (ISO 8601, UTC if no offset). (templated)
    :param window_end: end of the window, exclusive. (templated)
    """

    template_fields = ("window_start", "window_end")

    def __init__(self, *, window_start: str | None = None, window_end: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.window_start = window_start
        self.window_end = window_end

    def execute(self, context) -> dict[str, Any]:
        from gambio_hcs_bridge.importer.extract import extract_orders
        from gambio_hcs_bridge.importer.pipeline import resolve_import_statuses

        settings = self._settings()
        window = import_window(context, self.window_start, self.window_end, settings.tz)
        gambio, hcs = self._gambio_conn(settings), self._hcs_conn(settings)
        readers = []

        try:
            readers.extend(self._gambio_conn(settings) for _ in range(settings.extract_connections - 1))
            statuses = resolve_import_statuses(gambio, settings)
            summary = extract_orders(
                gambio, hcs, self._store(settings, context), status_ids=statuses, tz=settings.tz,
                chunk_size=settings.extract_chunk_size, window=window,
                grown_lookback_days=settings.grown_order_lookback_days, now=self._now(settings),
                override_dir=settings.sql_override_dir, extra_readers=readers,
            )
        finally:
            for conn in (gambio, hcs, *readers):
                conn.close()

        self.log.info(
            "Extracted %d candidate orders: %d to import in %d chunks, %d already in HCS (%d still paid), "
            "%d changed after import; %.1f s",
            summary.candidates, summary.to_import, summary.chunks, summary.present, summary.present_paid,
            summary.grown, summary.seconds,
        )
        return summary.as_dict()


class GambioValidateOrdersOperator(_ImportStepOperator):
    """Build the HCS orders and check them with Great Expectations; set aside failing ones."""

    def execute(self, context) -> dict[str, Any]:
        from gambio_hcs_bridge.importer.pipeline import validate_orders

        settings = self._settings()
        hcs = self._hcs_conn(settings)
        try:
            summary = validate_orders(hcs, self._store(settings, context), settings)
        finally:
            hcs.close()

        self.log.info(
            "Validated %d orders: %d accepted, %d set aside, %d warnings; %.1f s",
            summary.orders, summary.accepted, summary.rejected, summary.warnings, summary.seconds,
        )
        return summary.as_dict()


class HcsLoadOrdersOperator(_ImportStepOperator):
    """Write the accepted orders into HCS and record every outcome in the import log."""

    def execute(self, context) -> dict[str, Any]:
        from gambio_hcs_bridge.importer.load import load_orders

        settings = self._settings()
        hcs = self._hcs_conn(settings)
        try:
            summary = load_orders(
                hcs, self._store(settings, context), lauf_id=context["run_id"], now=self._now(settings),
                batch_size=settings.load_batch_size, override_dir=settings.sql_override_dir,
            )
        finally:
            hcs.close()

        self.log.info(
            "Loaded into HCS: %d imported, %d set aside, %d already present, %d changed after import, "
            "%d warnings; %.1f s",
            summary.imported, summary.rejected, summary.present, summary.grown, summary.warnings, summary.seconds,
        )
        return summary.as_dict()


class GambioMarkHandedOverOperator(_ImportStepOperator):
    """Set the imported orders to the handed-over status with one history row each."""

    def execute(self, context) -> dict[str, Any]:
        from gambio_hcs_bridge.importer.mark import mark_handed_over
        from gambio_hcs_bridge.importer.pipeline import resolve_import_statuses

        settings = self._settings()
        store = self._store(settings, context)
        handover = [tuple(item) for item in store.read_json("load/handover.json")]
        gambio = self._gambio_conn(settings)
        try:
            statuses = resolve_import_statuses(gambio, settings)
            summary = mark_handed_over(
                gambio, handover, paid_status_ids=statuses.paid, handed_over_status_id=statuses.handed_over,
                now=self._now(settings), language=settings.language, override_dir=settings.sql_override_dir,
            )
        finally:
            gambio.close()

        self.log.info(
            "Marked %d of %d orders as handed over (%d history rows); %.1f s",
            summary.status_changed, summary.requested, summary.history_rows, summary.seconds,
        )
        return summary.as_dict()


def import_window(context, start: str | None, end: str | None, tz):
    """Return the purchase window of this run: trigger-form dates, a backfill's data interval, or none.

    Scheduled runs import by status and have no window, so an order is never skipped
    because of the time between its purchase and the run. Dates without a time are whole
    days in the shop's time zone, the end day included.
    """
    from gambio_hcs_bridge.importer.extract import Window

    if start or end:
        if not (start and end):
            raise ValueError("a window needs both a start and an end date")
        return Window(_parse_instant(start, "start", tz), _parse_instant(end, "end", tz))

    dag_run = context.get("dag_run")
    run_type = str(getattr(dag_run, "run_type", "") or "").lower()
    interval_start, interval_end = context.get("data_interval_start"), context.get("data_interval_end")
    if "backfill" in run_type and interval_start and interval_end and interval_end > interval_start:
        return Window(interval_start, interval_end)
    return None


def _parse_instant(text: str, which: str, tz) -> datetime:
    from datetime import timedelta

    text = str(text).strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"window {which} {text!r} is not an ISO 8601 date or datetime") from None
    if len(text) == 10:
        # A bare date: local midnight, and for the end the midnight after that day.
        if which == "end":
            value += timedelta(days=1)
        return value.replace(tzinfo=tz)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value
