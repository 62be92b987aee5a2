"""The validate stage and the pieces every import stage shares: status ids and SKU lookups."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from gambio_hcs_bridge.importer.extract import StatusIds, group_by_order
from gambio_hcs_bridge.importer.records import to_load_order
from gambio_hcs_bridge.importer.runfiles import RunStore, chunk_number, paused_gc, read_chunk
from gambio_hcs_bridge.importer.transform import build_order, line_sku
from gambio_hcs_bridge.importer.validate import OrderValidator, ValidationRules
from gambio_hcs_bridge.settings import Settings
from gambio_hcs_bridge.sql import load_sql, to_qmark
from gambio_hcs_bridge.statuses import resolve_status_id

log = logging.getLogger(__name__)

SKU_LOOKUP_BATCH = 500


@dataclass
class ValidateSummary:
    orders: int = 0
    accepted: int = 0
    rejected: int = 0
    warnings: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def resolve_import_statuses(gambio_conn, settings: Settings) -> StatusIds:
    """Resolve the paid and handed-over roles of the settings to Gambio status ids."""
    paid = resolve_status_id(gambio_conn, settings.status_paid)
    handed_over = resolve_status_id(gambio_conn, settings.status_handed_over)
    if paid == handed_over:
        raise ValueError(
            f"status_paid and status_handed_over both resolve to Gambio status {paid}; "
            "the import needs two different statuses"
        )
    return StatusIds(paid=(paid,), handed_over=handed_over)


def known_skus(hcs_conn, skus: Iterable[str], override_dir: str | None = None) -> set[str]:
    """Return the subset of ``skus`` that exists as an HCS article (artikel.artikel_nr)."""
    wanted = sorted({sku for sku in skus if sku})
    statement = load_sql("hcs", "artikel_vorhanden", override_dir)
    found: set[str] = set()
    cursor = hcs_conn.cursor()
    for start in range(0, len(wanted), SKU_LOOKUP_BATCH):
        sql, values = to_qmark(statement, {"artikel_nr": wanted[start:start + SKU_LOOKUP_BATCH]})
        cursor.execute(sql, values)
        found.update(str(row[0]) for row in cursor.fetchall())
    cursor.close()
    hcs_conn.commit()
    return found


def validate_orders(hcs_conn, store: RunStore, settings: Settings,
                    validator: OrderValidator | None = None) -> ValidateSummary:
    """Build the HCS orders of every extracted chunk, validate them and store the verdicts.

    Building and checking orders is pure computation on the chunk files, so with more than one
    chunk it runs in ``validate_workers`` forked processes. Each writes the validate chunk of
    the same number; the parent only looks up the SKUs in HCS and adds up the results.
    """
    started = time.monotonic()
    summary = ValidateSummary()
    validator = validator or OrderValidator(ValidationRules(settings.allowed_vat_rates, settings.max_unit_price))

    store.reset_stage("validate")
    paths = store.chunk_paths("extract")
    job = _ChunkJob(store, settings, validator, known_skus(hcs_conn, _run_skus(store, paths), settings.sql_override_dir))

    workers = min(validate_workers(settings), len(paths))
    if workers > 1 and multiprocessing.current_process().daemon:
        # A daemonic process may not start children (some executors run tasks in one).
        log.warning("This task runs in a daemonic process; validating %d chunks in one process", len(paths))
        workers = 1
    if workers <= 1:
        results = map(job.run, paths)
        _add_results(summary, results)
    else:
        log.info("Validating %d chunks in %d processes", len(paths), workers)
        global _FORKED_JOB
        _FORKED_JOB = job
        try:
            # fork: the children inherit the job, the Great Expectations context included, and
            # need neither Airflow nor a database connection.
            context = multiprocessing.get_context("fork")
            # gc.freeze: a worker's collections skip what it inherited (modules, the GX context).
            with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=gc.freeze) as pool:
                _add_results(summary, pool.map(_run_forked_job, paths))
        finally:
            _FORKED_JOB = None

    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def validate_workers(settings: Settings) -> int:
    """Processes for the validate task: the setting, or with 0 the usable CPUs (at most 4)."""
    if settings.validate_workers:
        return settings.validate_workers
    return max(1, min(len(os.sched_getaffinity(0)), 4))


@dataclass(frozen=True)
class ChunkResult:
    orders: int
    accepted: int
    rejected: list[tuple[int, str]]
    warnings: int


class _ChunkJob:
    """The work of one validate worker: an extract chunk in, the validate chunk of the same number out."""

    def __init__(self, store: RunStore, settings: Settings, validator: OrderValidator, articles: set[str]):
        self.store = store
        self.settings = settings
        self.validator = validator
        self.articles = articles
        self.vat_rates = frozenset(settings.allowed_vat_rates)

    def run(self, path: Path) -> ChunkResult:
        with paused_gc():
            return self._run(path)

    def _run(self, path: Path) -> ChunkResult:
        payload = read_chunk(path)
        lines = group_by_order(payload["lines"])
        totals = group_by_order(payload["totals"])
        tax_sums = group_by_order(payload["tax_sums"])
        settings = self.settings

        orders = []
        for header in payload["headers"]:
            orders_id = int(header["orders_id"])
            orders.append(build_order(
                header, lines.get(orders_id, []), totals.get(orders_id, []), tax_sums.get(orders_id, []),
                known_skus=self.articles,
                unknown_sku_policy=settings.unknown_sku_policy,
                allowed_vat_rates=self.vat_rates,
                max_unit_price=settings.max_unit_price,
                fee_rate=settings.shipping_vat_rate,
            ))
        self.validator.validate(orders)

        # The load task needs only plain values; see records.py for why they are not pickled as built.
        records = [to_load_order(order) for order in orders]
        accepted = [order for order in records if not order.errors]
        rejected = [order for order in records if order.errors]
        self.store.write_chunk("validate", chunk_number(path), {"accepted": accepted, "rejected": rejected})
        return ChunkResult(
            orders=len(records),
            accepted=len(accepted),
            rejected=[(order.orders_id, ", ".join(f"{m.code}({m.field})" for m in order.errors)) for order in rejected],
            warnings=sum(len(order.warnings) for order in records),
        )


_FORKED_JOB: _ChunkJob | None = None


def _run_forked_job(path: Path) -> ChunkResult:
    return _FORKED_JOB.run(path)


def _add_results(summary: ValidateSummary, results: Iterable[ChunkResult]) -> None:
    # Logged here, in the task's own process, so that lines from the workers never interleave.
    for result in results:
        for orders_id, reasons in result.rejected:
            log.info("Set aside shop order %s: %s", orders_id, reasons)
        summary.orders += result.orders
        summary.accepted += result.accepted
        summary.rejected += len(result.rejected)
        summary.warnings += result.warnings


def _run_skus(store: RunStore, paths: list[Path]) -> list[str]:
    """Return the SKUs of the run's order lines, as the extract task listed them."""
    try:
        return list(store.read_json("extract/skus.json"))
    except FileNotFoundError:
        # Run folders written before the list existed: collect the SKUs from the chunks.
        return sorted({line_sku(line)[0] for path in paths for line in read_chunk(path)["lines"]})


@dataclass
class ImportResult:
    extract: dict
    validate: dict
    load: dict
    mark: dict


def run_import(gambio_conn, hcs_conn, store: RunStore, settings: Settings, *, lauf_id: str,
               window=None, now=None, validator: OrderValidator | None = None,
               extra_gambio_readers=()) -> ImportResult:
    """Run extract, validate, load and mark in one process, as the DAG's four tasks do.

    ``extra_gambio_readers`` are further Gambio connections for the extract step.
    """
    from datetime import datetime

    from gambio_hcs_bridge.importer.extract import extract_orders
    from gambio_hcs_bridge.importer.load import load_orders
    from gambio_hcs_bridge.importer.mark import mark_handed_over

    tz = settings.tz
    now = now or datetime.now(tz).replace(tzinfo=None, microsecond=0)
    statuses = resolve_import_statuses(gambio_conn, settings)

    extracted = extract_orders(
        gambio_conn, hcs_conn, store, status_ids=statuses, tz=tz, chunk_size=settings.extract_chunk_size,
        window=window, grown_lookback_days=settings.grown_order_lookback_days, now=now,
        override_dir=settings.sql_override_dir, extra_readers=extra_gambio_readers,
    )
    validated = validate_orders(hcs_conn, store, settings, validator)
    loaded = load_orders(hcs_conn, store, lauf_id=lauf_id, now=now, batch_size=settings.load_batch_size,
                         override_dir=settings.sql_override_dir)
    marked = mark_handed_over(
        gambio_conn, [tuple(item) for item in store.read_json("load/handover.json")],
        paid_status_ids=statuses.paid, handed_over_status_id=statuses.handed_over, now=now,
        language=settings.language, override_dir=settings.sql_override_dir,
    )
    return ImportResult(extracted.as_dict(), validated.as_dict(), loaded.as_dict(), marked.as_dict())
