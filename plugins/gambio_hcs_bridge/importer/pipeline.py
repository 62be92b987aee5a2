"""The validate stage and the pieces every import stage shares: status ids and SKU lookups."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from gambio_hcs_bridge.importer.extract import StatusIds, group_by_order
from gambio_hcs_bridge.importer.runfiles import RunStore
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
    """Build the HCS orders of every extracted chunk, validate them and store the verdicts."""
    started = time.monotonic()
    summary = ValidateSummary()
    validator = validator or OrderValidator(ValidationRules(settings.allowed_vat_rates, settings.max_unit_price))

    store.reset_stage("validate")
    for number, payload in enumerate(store.read_chunks("extract"), start=1):
        lines = group_by_order(payload["lines"])
        totals = group_by_order(payload["totals"])
        tax_sums = group_by_order(payload["tax_sums"])
        articles = known_skus(hcs_conn, (line_sku(line)[0] for line in payload["lines"]), settings.sql_override_dir)

        orders = [
            build_order(
                header,
                lines.get(int(header["orders_id"]), []),
                totals.get(int(header["orders_id"]), []),
                tax_sums.get(int(header["orders_id"]), []),
                known_skus=articles,
                unknown_sku_policy=settings.unknown_sku_policy,
                allowed_vat_rates=frozenset(settings.allowed_vat_rates),
                max_unit_price=settings.max_unit_price,
                fee_rate=settings.shipping_vat_rate,
            )
            for header in payload["headers"]
        ]
        validator.validate(orders)

        # Only the validator reads the per-order and per-line check figures. Leaving them out
        # makes the chunk files a quarter smaller and faster to write and read.
        for order in orders:
            order.checks = {}
            order.line_checks = []
        accepted = [order for order in orders if not order.errors]
        rejected = [order for order in orders if order.errors]
        for order in rejected:
            log.info("Set aside shop order %s: %s", order.orders_id,
                     ", ".join(f"{m.code}({m.field})" for m in order.errors))
        store.write_chunk("validate", number, {"accepted": accepted, "rejected": rejected})

        summary.orders += len(orders)
        summary.accepted += len(accepted)
        summary.rejected += len(rejected)
        summary.warnings += sum(len(order.warnings) for order in orders)

    summary.seconds = round(time.monotonic() - started, 3)
    return summary


@dataclass
class ImportResult:
    extract: dict
    validate: dict
    load: dict
    mark: dict


def run_import(gambio_conn, hcs_conn, store: RunStore, settings: Settings, *, lauf_id: str,
               window=None, now=None, validator: OrderValidator | None = None) -> ImportResult:
    """Run extract, validate, load and mark in one process, as the DAG's four tasks do."""
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
        override_dir=settings.sql_override_dir,
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
