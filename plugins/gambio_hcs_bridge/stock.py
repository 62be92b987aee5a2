"""Push HCS stock to the Gambio shop: compute every SKU's shop stock and write the changed values.

Shop stock of an SKU = HCS ``artikel.bestand``
  − quantities of open HCS orders (Artikel positions of orders with no Lieferschein,
    Sofortrechnung or Storno)
  − quantities of shop orders HCS has not imported yet (paid or another open status)
  − ``settings.stock_buffer``,
never below 0 and rounded down to the 4 decimals of Gambio's stock columns. Amazon FBA orders
count on neither side, because Amazon ships them from its own warehouse.

A run holds a MariaDB named lock on the shop database from its first read to its last write, so
two runs never interleave and a later run always reads data at least as fresh as an earlier one.
It reads the newest shop order before and again after computing, and writes nothing computed
from data older than that order (see :func:`sync_stock`). Products are processed in chunks and
the new values wait in a session table until they are written, so memory does not grow with the
size of the catalogue. docs/stock.md describes the rules for variants and attributes.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import NamedTuple

import MySQLdb

from gambio_hcs_bridge.importer.runfiles import default_work_dir
from gambio_hcs_bridge.importer.transform import line_sku
from gambio_hcs_bridge.settings import Settings
from gambio_hcs_bridge.sql import load_sql, to_qmark
from gambio_hcs_bridge.statuses import resolve_status_id

log = logging.getLogger(__name__)

LOCK_NAME = "gambio_hcs_bridge_stock"
DEFAULT_LOCK_TIMEOUT_SECONDS = 300
DEFAULT_BATCH_SIZE = 1000

# Products read and planned together, which bounds the memory of a run.
PRODUCT_CHUNK_SIZE = 2000
# Values per IN list. HCS databases limit the parameters of a statement: SQL Server to 2100 and
# SAP MaxDB to 2000 (Microsoft and SAP documentation). Fewer, longer lists make the lookups faster.
IN_LIST_SIZE = 2000
# Article numbers per page of the daily check for HCS articles the shop does not use.
HCS_PAGE_SIZE = 5000
# SKUs named in the daily report of articles found on one side only.
REPORT_SAMPLE_SIZE = 20

# A run recomputes once when shop orders arrived while it computed, and writes nothing when
# they arrive again.
MAX_ATTEMPTS = 2

QUANTITY_STEP = Decimal("0.0001")
ZERO = Decimal(0)
ZERO_QUANTITY = ZERO.quantize(QUANTITY_STEP)

# products.use_properties_combis_quantity = 1: the shop checks the product's own stock.
MODE_PRODUCT_STOCK = 1

# Values of hcs_bridge_stock.target: which Gambio column a staged value goes to.
TARGET_PRODUCT = 1
TARGET_COMBI = 2
TARGET_ATTRIBUTE = 3

STATE_FOLDER = "hcs_stock_sync"
STATE_FILE = "unmatched_report.json"


class StockSyncLockTimeout(TimeoutError):
    """Raised when another stock sync holds the shop database's named lock past the timeout."""


@dataclass
class StockSummary:
    """Outcome of one :func:`sync_stock` run. The operator returns ``as_dict()`` to XCom."""

    products_written: int = 0
    combis_written: int = 0
    attributes_written: int = 0
    # Shop values that already equal the computed value.
    unchanged: int = 0
    # Shop rows left as they are: no SKU, or no HCS article with their SKU.
    skipped: int = 0
    # Of the skipped rows, those whose SKU HCS lacks.
    shop_only: int = 0
    # HCS articles no shop row uses. Only the daily report counts them, other runs leave None.
    hcs_only: int | None = None
    # New values computed in the last attempt (written unless the run was stale).
    planned: int = 0
    recomputed: bool = False
    # Shop orders kept arriving while the run computed, so it wrote nothing.
    stale: bool = False
    seconds: float = 0.0
    # Part of seconds spent on the daily report of articles found on one side only.
    report_seconds: float = 0.0
    shop_only_sample: list[str] = field(default_factory=list)
    hcs_only_sample: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.products_written + self.combis_written + self.attributes_written

    def as_dict(self) -> dict:
        return asdict(self)


class ShopProduct(NamedTuple):
    """A row of Gambio ``products`` with its stock columns."""

    products_id: int
    products_model: str | None
    products_quantity: Decimal | None
    use_properties_combis_quantity: int


class ShopCombi(NamedTuple):
    """A variant: a row of ``products_properties_combis``."""

    combi_id: int
    products_id: int
    combi_model: str | None
    combi_quantity: Decimal | None


class ShopAttribute(NamedTuple):
    """An attribute value: a row of ``products_attributes``."""

    attributes_id: int
    products_id: int
    attributes_model: str | None
    attributes_stock: Decimal | None


@dataclass
class StockPlan:
    """The new stock values of some products with their variants and attributes."""

    # (target, row id, new quantity) for every value that differs from the shop.
    changes: list[tuple[int, int, Decimal]] = field(default_factory=list)
    unchanged: int = 0
    # Rows left as they are: no SKU, or no HCS article with their SKU.
    skipped: int = 0
    # Of the skipped rows, those with a SKU, and the first of those SKUs.
    shop_only: int = 0
    shop_only_sample: list[str] = field(default_factory=list)


# --- rules -----------------------------------------------------------------------------------


def shop_stock_value(bestand: Decimal, hcs_open: Decimal, shop_open: Decimal, buffer: Decimal) -> Decimal:
    """Return the stock the shop may sell: on hand minus open orders and buffer, at least 0.

    Rounded down to 4 decimals, so the shop never offers a fraction HCS does not have.
    """
    available = bestand - hcs_open - shop_open - buffer
    if available <= 0:
        return ZERO_QUANTITY
    return available.quantize(QUANTITY_STEP, rounding=ROUND_DOWN)


def plan_products(
    products: Iterable[ShopProduct],
    combis: Mapping[int, Sequence[ShopCombi]],
    attributes: Mapping[int, Sequence[ShopAttribute]],
    values: Mapping[str, Decimal],
    *,
    sample_size: int = REPORT_SAMPLE_SIZE,
) -> StockPlan:
    """Plan the new stock of products and of their variants and attributes.

    ``combis`` and ``attributes`` map a products_id to its variants and attribute values.
    ``values`` maps each SKU that HCS has to its shop stock (:func:`shop_stock_value`).

    - A variant gets the value of its ``combi_model``, an attribute that of its ``attributes_model``.
    - The product level (``products_quantity``) gets the value of its own ``products_model`` when
      the product has no variant with an HCS article, or when ``use_properties_combis_quantity`` is 1
      (the shop checks product stock). Otherwise it gets the sum of its variants' new quantities,
      where a variant without an HCS article keeps its shop quantity.
    - A row without an HCS article keeps its value and counts as skipped.

    Values are compared numerically. Both sides have 4 decimals, so equal means equal at 4 decimals.
    """
    plan = StockPlan()
    changes = plan.changes

    def no_article(sku: str) -> None:
        plan.skipped += 1
        if sku:
            plan.shop_only += 1
            if len(plan.shop_only_sample) < sample_size:
                plan.shop_only_sample.append(sku)

    # Flat loops instead of an object per product, because this runs for every row of the shop
    # on every run.
    for product in products:
        products_id = product.products_id
        known_combis = 0
        combi_total = ZERO
        for combi in combis.get(products_id, ()):
            sku = _clean_sku(combi.combi_model)
            new = values.get(sku)
            if new is None:
                no_article(sku)
                if combi.combi_quantity is not None:
                    combi_total += combi.combi_quantity
                continue
            known_combis += 1
            combi_total += new
            if combi.combi_quantity == new:
                plan.unchanged += 1
            else:
                changes.append((TARGET_COMBI, combi.combi_id, new))

        for attribute in attributes.get(products_id, ()):
            sku = _clean_sku(attribute.attributes_model)
            new = values.get(sku)
            if new is None:
                no_article(sku)
            elif attribute.attributes_stock == new:
                plan.unchanged += 1
            else:
                changes.append((TARGET_ATTRIBUTE, attribute.attributes_id, new))

        own_sku = _clean_sku(product.products_model)
        own = values.get(own_sku)
        if known_combis and not (own is not None and product.use_properties_combis_quantity == MODE_PRODUCT_STOCK):
            new = combi_total
        elif own is not None:
            new = own
        else:
            no_article(own_sku)
            continue
        if product.products_quantity == new:
            plan.unchanged += 1
        else:
            changes.append((TARGET_PRODUCT, products_id, new))
    return plan


def _clean_sku(value: str | None) -> str:
    return (value or "").strip()


# --- the run ---------------------------------------------------------------------------------


def sync_stock(
    gambio_conn,
    hcs_conn,
    *,
    settings: Settings,
    skus: set[str] | None = None,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    lock_timeout: int = DEFAULT_LOCK_TIMEOUT_SECONDS,
) -> StockSummary:
    """Compute the shop stock of every SKU from HCS and write the values that changed.

    ``skus`` limits the run to the products that carry one of these SKUs as product, variant
    or attribute model, and a variant product is always synced with all its variants. ``None``
    syncs the whole shop. ``now`` (default: the current time) decides the calendar day, in the
    shop's time zone, of the once-a-day report of articles found on one side only. Only full
    runs report.

    Freshness: the newest shop order is read before the inputs and again before writing. If a
    shop order arrived in between, the run computes once more. If another arrives, it writes
    nothing and the next run catches up. Changed values are written in batches of
    ``batch_size`` rows, one transaction each. Raises :class:`StockSyncLockTimeout` when
    another run holds the lock for more than ``lock_timeout`` seconds.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    started = time.monotonic()
    sku_filter = None if skus is None else {_clean_sku(sku) for sku in skus} - {""}
    sql = _Statements(settings.sql_override_dir)
    today = _shop_day(now, settings)
    state_path = _state_path(settings)
    report_due = sku_filter is None and _report_due(state_path, today)

    summary = StockSummary()
    if sku_filter is not None and not sku_filter:
        log.info("Stock sync: no SKU given, nothing to do")
        return summary

    _acquire_lock(gambio_conn, sql, lock_timeout)
    try:
        open_status_ids = _open_status_ids(gambio_conn, settings)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            summary = StockSummary(recomputed=attempt > 1)
            watermark = _compute(gambio_conn, hcs_conn, sql, settings, open_status_ids, sku_filter, summary)
            latest = _read_watermark(gambio_conn, sql)
            if latest == watermark:
                _write_staged(gambio_conn, sql, summary, batch_size)
                break
            log.info(
                "Stock sync: shop orders arrived while computing (newest order %s, line %s -> order %s, line %s)%s",
                *watermark, *latest, "; computing again" if attempt < MAX_ATTEMPTS else "",
            )
        else:
            summary.stale = True
            log.warning(
                "Stock sync: shop orders kept arriving, so %d computed values were not written. "
                "The next run writes them from fresh data", summary.planned,
            )
    finally:
        _finish(gambio_conn, sql)

    if report_due:
        report_started = time.monotonic()
        summary.hcs_only, summary.hcs_only_sample = _hcs_only_articles(gambio_conn, hcs_conn, sql)
        _log_unmatched(summary)
        _mark_reported(state_path, today)
        summary.report_seconds = round(time.monotonic() - report_started, 3)

    summary.seconds = round(time.monotonic() - started, 3)
    log.info(
        "Stock sync%s: wrote %d products, %d variants, %d attributes; %d unchanged, %d skipped "
        "(%d SKUs without HCS article)%s; %.1f s",
        "" if sku_filter is None else f" of {len(sku_filter)} SKUs",
        summary.products_written, summary.combis_written, summary.attributes_written,
        summary.unchanged, summary.skipped, summary.shop_only,
        "; not written, shop orders kept arriving" if summary.stale else "",
        summary.seconds,
    )
    return summary


def _compute(gambio_conn, hcs_conn, sql, settings: Settings, open_status_ids, sku_filter, summary) -> tuple[int, int]:
    """Read the inputs, plan every product, stage the changed values and return the watermark.

    Without one snapshot over all HCS reads, the read order keeps errors on the safe side: shop
    orders, then which of them HCS has, then open HCS orders, then stock on hand. An order
    imported or delivered between two reads is then counted twice (too little stock for one
    run), never missed.
    """
    watermark, shop_lines = _read_shop_orders(gambio_conn, sql, open_status_ids)

    # Start a fresh HCS transaction, which is one snapshot for all reads where the driver provides one.
    hcs_conn.commit()
    present = _hcs_orders_present(hcs_conn, sql, {orders_id for orders_id, _, _ in shop_lines})
    shop_open: dict[str, Decimal] = defaultdict(Decimal)
    for orders_id, sku, quantity in shop_lines:
        if orders_id not in present and sku:
            shop_open[sku] += quantity
    del shop_lines
    hcs_open = _read_hcs_open(hcs_conn, sql)

    _stage_reset(gambio_conn, sql)
    seq = 0
    for products in _product_chunks(gambio_conn, sql, sku_filter):
        combis, attributes = _read_variants(gambio_conn, sql, products, full=sku_filter is None)
        seq = _plan_and_stage(gambio_conn, hcs_conn, sql, products, combis, attributes,
                              hcs_open, shop_open, settings.stock_buffer, summary, seq)
    summary.planned = seq
    hcs_conn.commit()
    return watermark


def _plan_and_stage(gambio_conn, hcs_conn, sql, products: list[ShopProduct], combis, attributes,
                    hcs_open, shop_open, buffer: Decimal, summary: StockSummary, seq: int) -> int:
    """Plan one chunk of products, stage its changed values after ``seq`` and return the last seq used."""
    chunk_skus = {_clean_sku(product.products_model) for product in products}
    chunk_skus.update(_clean_sku(combi.combi_model) for rows in combis.values() for combi in rows)
    chunk_skus.update(_clean_sku(attribute.attributes_model) for rows in attributes.values() for attribute in rows)
    chunk_skus.discard("")
    values = {
        sku: shop_stock_value(bestand, hcs_open.get(sku, ZERO), shop_open.get(sku, ZERO), buffer)
        for sku, bestand in _read_bestand(hcs_conn, sql, chunk_skus).items()
    }

    plan = plan_products(products, combis, attributes, values,
                         sample_size=REPORT_SAMPLE_SIZE - len(summary.shop_only_sample))
    summary.unchanged += plan.unchanged
    summary.skipped += plan.skipped
    summary.shop_only += plan.shop_only
    summary.shop_only_sample.extend(plan.shop_only_sample)

    staged = [{"seq": seq + offset, "target": target, "row_id": row_id, "quantity": quantity}
              for offset, (target, row_id, quantity) in enumerate(plan.changes, start=1)]
    _stage_add(gambio_conn, sql, staged)
    gambio_conn.commit()
    return seq + len(staged)


def _write_staged(gambio_conn, sql, summary: StockSummary, batch_size: int) -> None:
    cursor = gambio_conn.cursor()
    try:
        for first in range(1, summary.planned + 1, batch_size):
            last = min(first + batch_size - 1, summary.planned)
            products, combis, attributes = _write_batch(gambio_conn, cursor, sql, first, last)
            summary.products_written += products
            summary.combis_written += combis
            summary.attributes_written += attributes
    finally:
        cursor.close()


def _write_batch(gambio_conn, cursor, sql, first: int, last: int) -> tuple[int, int, int]:
    """Write staged rows ``first``..``last`` in one transaction and return the rows changed per level."""
    params = {"first_seq": first, "last_seq": last}
    # Explicit, whatever the connection's autocommit mode, so a batch commits whole on InnoDB.
    cursor.execute("START TRANSACTION")
    try:
        counts = []
        for name in ("stock_write_products", "stock_write_combis", "stock_write_attributes"):
            cursor.execute(sql.gambio(name), params)
            counts.append(cursor.rowcount)
        gambio_conn.commit()
    except BaseException:
        gambio_conn.rollback()
        raise
    return counts[0], counts[1], counts[2]


# --- Gambio ----------------------------------------------------------------------------------


class _Statements:
    """SQL texts of the stock sync, from the site's override folder first."""

    def __init__(self, override_dir: str | None):
        self.override_dir = override_dir

    def gambio(self, name: str) -> str:
        return load_sql("gambio", name, self.override_dir)

    def hcs(self, name: str, params: Mapping[str, object]) -> tuple[str, tuple]:
        return to_qmark(load_sql("hcs", name, self.override_dir), params)


def _acquire_lock(gambio_conn, sql: _Statements, timeout: int) -> None:
    cursor = gambio_conn.cursor()
    cursor.execute(sql.gambio("stock_lock"), {"lock_name": LOCK_NAME, "timeout_seconds": timeout})
    (held,) = cursor.fetchone()
    cursor.close()
    gambio_conn.commit()
    if held != 1:
        raise StockSyncLockTimeout(
            f"timed out after {timeout} s waiting for the database lock {LOCK_NAME!r}, because another "
            "stock sync is still running against this shop database. Retry later. If the lock stays "
            "taken, look for a hanging sync task or database session."
        )


def _finish(gambio_conn, sql: _Statements) -> None:
    """Drop the session table and release the lock, also after a failure."""
    try:
        gambio_conn.rollback()
        cursor = gambio_conn.cursor()
        cursor.execute(sql.gambio("stock_stage_drop"))
        cursor.execute(sql.gambio("stock_unlock"), {"lock_name": LOCK_NAME})
        cursor.fetchall()
        cursor.close()
        gambio_conn.commit()
    except MySQLdb.Error:
        # A lost connection releases the lock and drops the session table by itself.
        log.warning("Stock sync: failed to release the lock %r. Closing the connection releases it", LOCK_NAME,
                    exc_info=True)


def _open_status_ids(gambio_conn, settings: Settings) -> tuple[int, ...]:
    """Status ids of shop orders that still take stock: paid and ``stock_open_statuses``, not cancelled."""
    ids = {_status_id(gambio_conn, settings.status_paid)}
    ids.update(_status_id(gambio_conn, value) for value in settings.stock_open_statuses)
    ids.discard(_status_id(gambio_conn, settings.status_cancelled))
    gambio_conn.commit()
    return tuple(sorted(ids))


def _status_id(gambio_conn, value: int | str) -> int:
    # An id needs no lookup: an id the shop lacks matches no order. Names must exist.
    return value if isinstance(value, int) else resolve_status_id(gambio_conn, value)


def _read_watermark(gambio_conn, sql: _Statements) -> tuple[int, int]:
    # NOTE: a status change of an existing order (for example into the paid status) moves
    # neither maximum, so a run in progress misses it. The next run counts the order.
    # Commit first, because in a REPEATABLE READ transaction MAX() would repeat the old snapshot.
    gambio_conn.commit()
    cursor = gambio_conn.cursor()
    cursor.execute(sql.gambio("stock_watermark"))
    row = cursor.fetchone()
    cursor.close()
    gambio_conn.commit()
    return int(row[0]), int(row[1])


def _read_shop_orders(gambio_conn, sql: _Statements, open_status_ids) -> tuple[tuple[int, int], list]:
    """Read the watermark and the open shop order lines in one snapshot.

    Returns the watermark and (orders_id, sku, quantity) per line, with the SKU the import
    would use for the line.
    """
    gambio_conn.commit()
    cursor = gambio_conn.cursor()
    cursor.execute("START TRANSACTION")
    cursor.execute(sql.gambio("stock_watermark"))
    row = cursor.fetchone()
    watermark = (int(row[0]), int(row[1]))

    lines = []
    if open_status_ids:
        cursor.execute(sql.gambio("stock_open_order_lines"), {"open_status_ids": open_status_ids})
        for orders_id, quantity, properties_combi_model, combi_model, attributes_model, products_model in cursor:
            sku, _ = line_sku({
                "properties_combi_model": properties_combi_model,
                "combi_model": combi_model,
                "attributes_model": attributes_model,
                "products_model": products_model,
            })
            lines.append((int(orders_id), sku, _decimal(quantity)))
    cursor.close()
    gambio_conn.commit()
    return watermark, lines


def _product_chunks(gambio_conn, sql: _Statements, sku_filter: set[str] | None) -> Iterator[list[ShopProduct]]:
    """Yield the products to sync in chunks of :data:`PRODUCT_CHUNK_SIZE`, in id order."""
    cursor = gambio_conn.cursor()
    try:
        if sku_filter is None:
            after = 0
            while True:
                cursor.execute(sql.gambio("stock_products_after"), {"after_id": after, "limit": PRODUCT_CHUNK_SIZE})
                products = list(map(ShopProduct._make, cursor.fetchall()))
                if not products:
                    return
                yield products
                after = products[-1].products_id
        else:
            ids: set[int] = set()
            for batch in _batches(sorted(sku_filter), IN_LIST_SIZE):
                cursor.execute(sql.gambio("stock_products_for_skus"), {"skus": tuple(batch)})
                ids.update(int(row[0]) for row in cursor.fetchall())
            for batch in _batches(sorted(ids), PRODUCT_CHUNK_SIZE):
                cursor.execute(sql.gambio("stock_products_by_id"), {"products_ids": tuple(batch)})
                products = list(map(ShopProduct._make, cursor.fetchall()))
                # Empty when the products were deleted since the lookup, and IN () is invalid SQL.
                if products:
                    yield products
    finally:
        cursor.close()


def _read_variants(gambio_conn, sql: _Statements, products: list[ShopProduct], full: bool):
    """Return the variants and the attributes of the products, each grouped by products_id.

    A full sync reads by id range: its chunks are consecutive products, and a range needs no
    list of thousands of ids escaped and parsed per query.
    """
    if full:
        names = ("stock_combis_in_range", "stock_attributes_in_range")
        params = {"first_id": products[0].products_id, "last_id": products[-1].products_id}
    else:
        names = ("stock_combis_of_products", "stock_attributes_of_products")
        params = {"products_ids": tuple(product.products_id for product in products)}
    combis: dict[int, list[ShopCombi]] = defaultdict(list)
    attributes: dict[int, list[ShopAttribute]] = defaultdict(list)
    cursor = gambio_conn.cursor()
    cursor.execute(sql.gambio(names[0]), params)
    for row in cursor.fetchall():
        combis[row[1]].append(ShopCombi._make(row))
    cursor.execute(sql.gambio(names[1]), params)
    for row in cursor.fetchall():
        attributes[row[1]].append(ShopAttribute._make(row))
    cursor.close()
    return combis, attributes


def _stage_reset(gambio_conn, sql: _Statements) -> None:
    cursor = gambio_conn.cursor()
    cursor.execute(sql.gambio("stock_stage_drop"))
    cursor.execute(sql.gambio("stock_stage_create"))
    cursor.close()
    gambio_conn.commit()


def _stage_add(gambio_conn, sql: _Statements, rows: list[dict]) -> None:
    if not rows:
        return
    cursor = gambio_conn.cursor()
    cursor.executemany(sql.gambio("stock_stage_add"), rows)
    cursor.close()


# --- HCS -------------------------------------------------------------------------------------


def _hcs_orders_present(hcs_conn, sql: _Statements, orders_ids: set[int]) -> set[int]:
    present: set[int] = set()
    cursor = hcs_conn.cursor()
    for batch in _batches(sorted(orders_ids), IN_LIST_SIZE):
        cursor.execute(*sql.hcs("bestand_auftraege_vorhanden", {"shop_bestellnr": batch}))
        present.update(int(row[0]) for row in cursor.fetchall())
    cursor.close()
    return present


def _read_hcs_open(hcs_conn, sql: _Statements) -> dict[str, Decimal]:
    """Sum the quantities of open HCS orders per article, in Decimal."""
    open_quantities: dict[str, Decimal] = defaultdict(Decimal)
    cursor = hcs_conn.cursor()
    cursor.execute(*sql.hcs("bestand_offene_positionen", {}))
    while rows := cursor.fetchmany(IN_LIST_SIZE):
        for artikel_nr, menge in rows:
            open_quantities[artikel_nr] += _decimal(menge)
    cursor.close()
    return open_quantities


def _read_bestand(hcs_conn, sql: _Statements, skus: set[str]) -> dict[str, Decimal]:
    """Return the stock on hand of those ``skus`` HCS has, keyed by the exact article number."""
    stock = {}
    cursor = hcs_conn.cursor()
    for batch in _batches(list(skus), IN_LIST_SIZE):
        cursor.execute(*sql.hcs("bestand_artikel", {"artikel_nr": batch}))
        for artikel_nr, bestand in cursor.fetchall():
            stock[artikel_nr] = _decimal(bestand)
    cursor.close()
    return stock


# --- daily report of articles found on one side only -------------------------------------------


def _hcs_only_articles(gambio_conn, hcs_conn, sql: _Statements) -> tuple[int, list[str]]:
    """Count the HCS articles no shop row uses and return the count and the first article numbers.

    Pages through the article master, so memory stays bounded for any size.
    """
    count = 0
    sample: list[str] = []
    after = ""
    hcs_cursor = hcs_conn.cursor()
    gambio_cursor = gambio_conn.cursor()
    try:
        while True:
            hcs_cursor.execute(*sql.hcs("bestand_artikel_seite", {"nach": after, "anzahl": HCS_PAGE_SIZE}))
            page = [row[0] for row in hcs_cursor.fetchall()]
            if not page:
                break
            after = page[-1]
            gambio_cursor.execute(sql.gambio("stock_skus_in_shop"), {"skus": tuple(page)})
            # The shop database compares case-insensitively, but the sync matches exact SKUs.
            used = {_clean_sku(row[0]) for row in gambio_cursor.fetchall()}
            gambio_conn.commit()
            for artikel_nr in page:
                if artikel_nr not in used:
                    count += 1
                    if len(sample) < REPORT_SAMPLE_SIZE:
                        sample.append(artikel_nr)
    finally:
        hcs_cursor.close()
        gambio_cursor.close()
        hcs_conn.commit()
    return count, sample


def _log_unmatched(summary: StockSummary) -> None:
    if summary.shop_only:
        log.warning(
            "Stock sync: %d shop SKUs have no HCS article and keep their shop stock; first %d: %s",
            summary.shop_only, len(summary.shop_only_sample), ", ".join(summary.shop_only_sample),
        )
    if summary.hcs_only:
        log.warning(
            "Stock sync: %d HCS articles have no shop SKU; first %d: %s",
            summary.hcs_only, len(summary.hcs_only_sample), ", ".join(summary.hcs_only_sample),
        )
    if not summary.shop_only and not summary.hcs_only:
        log.info("Stock sync: every shop SKU has an HCS article and every HCS article a shop SKU")


def _state_path(settings: Settings) -> Path:
    base = Path(settings.work_dir) if settings.work_dir else default_work_dir()
    return base / STATE_FOLDER / STATE_FILE


def _shop_day(now: datetime | None, settings: Settings) -> date:
    if now is None:
        return datetime.now(settings.tz).date()
    if now.tzinfo is not None:
        return now.astimezone(settings.tz).date()
    return now.date()


def _report_due(path: Path, today: date) -> bool:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return True
    except (OSError, ValueError) as exc:
        log.warning("Stock sync: failed to read %s (%s), so unmatched articles are reported again", path, exc)
        return True
    return not isinstance(state, dict) or state.get("last_reported_day") != today.isoformat()


def _mark_reported(path: Path, today: date) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps({"last_reported_day": today.isoformat()}), encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        # The sync itself succeeded, and the report only repeats on the next run.
        log.warning("Stock sync: failed to write %s (%s), so the next run reports unmatched articles again",
                    path, exc)


# --- helpers ---------------------------------------------------------------------------------


def _batches(values: Sequence, size: int) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield list(values[start:start + size])


def _decimal(value) -> Decimal:
    # The SQLite3 ODBC driver returns DECIMAL columns as text, MySQLdb and MariaDB ODBC as Decimal.
    return value if type(value) is Decimal else Decimal(str(value))


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_LOCK_TIMEOUT_SECONDS",
    "LOCK_NAME",
    "ShopAttribute",
    "ShopCombi",
    "ShopProduct",
    "StockPlan",
    "StockSummary",
    "StockSyncLockTimeout",
    "plan_products",
    "shop_stock_value",
    "sync_stock",
]
