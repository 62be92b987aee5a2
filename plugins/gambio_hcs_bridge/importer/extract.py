"""Extract the shop orders an import run must handle and store them as run-scoped chunks.

A scheduled run takes every order in a paid status. A run with a window (backfill or
trigger-form dates) re-examines the orders purchased in that window that are paid or
handed over. Orders HCS already has are not extracted again but listed as present. Those
still in a paid status are marked as handed over later, which recovers from a crash between
the HCS commit and the Gambio status write.
"""

from __future__ import annotations

import logging
import queue
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gambio_hcs_bridge.importer.money import cents, to_decimal
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.importer.transform import line_sku, order_fingerprint, shop_local
from gambio_hcs_bridge.sql import load_sql, to_qmark

log = logging.getLogger(__name__)

UTC = ZoneInfo("UTC")
HCS_LOOKUP_BATCH = 500


@dataclass(frozen=True)
class StatusIds:
    """Gambio status ids of the roles the import uses, resolved from the settings."""

    paid: tuple[int, ...]
    handed_over: int


@dataclass(frozen=True)
class Window:
    """A half-open UTC interval [start, end) of purchase times."""

    start: datetime
    end: datetime

    def __post_init__(self):
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("window bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"window end {self.end.isoformat()} is not after its start {self.start.isoformat()}")

    def contains_local(self, local: datetime | None, tz: ZoneInfo) -> bool:
        """Tell whether a shop-local purchase time lies in the window.

        In the repeated autumn hour a local time has two UTC readings. It counts as inside when
        either reading is, because a repeated look at an order is harmless and a missed one is not.
        """
        if local is None:
            return False
        readings = {local.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1)}
        return any(self.start <= reading < self.end for reading in readings)

    def local_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """Shop-local bounds for the SQL filter, an hour wider on each side for the DST edges."""
        low = self.start.astimezone(tz).replace(tzinfo=None) - timedelta(hours=1)
        high = self.end.astimezone(tz).replace(tzinfo=None) + timedelta(hours=1)
        return low, high


@dataclass
class ExtractSummary:
    candidates: int = 0
    to_import: int = 0
    present: int = 0
    present_paid: int = 0
    grown: int = 0
    chunks: int = 0
    seconds: float = 0.0
    window: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def extract_orders(
    gambio_conn,
    hcs_conn,
    store: RunStore,
    *,
    status_ids: StatusIds,
    tz: ZoneInfo,
    chunk_size: int,
    window: Window | None = None,
    grown_lookback_days: int = 30,
    now: datetime | None = None,
    override_dir: str | None = None,
    extra_readers: Sequence = (),
) -> ExtractSummary:
    """Write the orders to import as chunks and the present and grown orders as JSON files.

    ``extra_readers`` are further Gambio connections; with them, chunks are read at once on
    several connections, which the server runs on several cores.
    """
    started = time.monotonic()
    summary = ExtractSummary(window=[window.start.isoformat(), window.end.isoformat()] if window else [])
    for conn in (gambio_conn, *extra_readers):
        _prepare_session(conn)

    candidates = _candidate_orders(gambio_conn, status_ids, tz, window, override_dir)
    summary.candidates = len(candidates)

    existing = hcs_orders_for(hcs_conn, [orders_id for orders_id, _ in candidates], override_dir)
    present = []
    to_import = []
    for orders_id, orders_status in candidates:
        if orders_id in existing:
            present.append(
                {
                    "orders_id": orders_id,
                    "auftrag_nr": int(existing[orders_id]["auftrag_nr"]),
                    "needs_status": orders_status in status_ids.paid,
                }
            )
        else:
            to_import.append(orders_id)
    summary.present = len(present)
    summary.present_paid = sum(1 for item in present if item["needs_status"])
    summary.to_import = len(to_import)

    store.reset_stage("extract")
    skus: set[str] = set()

    def write(number: int, rows: dict) -> None:
        skus.update(line_sku(line)[0] for line in rows["lines"])
        store.write_chunk("extract", number, rows)

    # A chunk is written in a second thread while the next ones are read: MySQLdb lets other
    # threads run while it waits for the server.
    # closing(): after a failed write the reading threads finish before the connections close.
    readers = [gambio_conn, *extra_readers]
    batches = _batches(to_import, even_chunk_size(len(to_import), chunk_size))
    with (ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract-write") as writer,
          closing(_read_in_parallel(readers, batches, override_dir)) as chunks):
        pending = None
        for number, rows in enumerate(chunks, start=1):
            if pending is not None:
                pending.result()
            pending = writer.submit(write, number, rows)
            summary.chunks = number
        if pending is not None:
            pending.result()
    store.write_json("extract/present.json", present)
    # The validate task looks these up in HCS once, before it spreads the chunks over processes.
    store.write_json("extract/skus.json", sorted(sku for sku in skus if sku))

    now = now or datetime.now(tz).replace(tzinfo=None)
    grown = detect_grown_orders(
        gambio_conn, hcs_conn, status_ids.handed_over, now - timedelta(days=grown_lookback_days), override_dir
    ) if grown_lookback_days > 0 else []
    store.write_json("extract/grown.json", grown)
    summary.grown = len(grown)

    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def _prepare_session(gambio_conn) -> None:
    cursor = gambio_conn.cursor()
    # GROUP_CONCAT is cut at 1024 bytes by default; line lists of merged orders can be longer.
    cursor.execute("SET SESSION group_concat_max_len = 1048576")
    cursor.close()


def _candidate_orders(gambio_conn, status_ids, tz, window, override_dir) -> list[tuple[int, int]]:
    cursor = gambio_conn.cursor()
    if window is None:
        cursor.execute(load_sql("gambio", "orders_to_import", override_dir),
                       {"paid_status_ids": tuple(status_ids.paid)})
        rows = [(int(orders_id), int(status)) for orders_id, status, _ in cursor.fetchall()]
    else:
        local_from, local_to = window.local_bounds(tz)
        cursor.execute(
            load_sql("gambio", "orders_in_window", override_dir),
            {
                "status_ids": tuple(status_ids.paid) + (status_ids.handed_over,),
                "local_from": local_from,
                "local_to": local_to,
            },
        )
        rows = [
            (int(orders_id), int(status))
            for orders_id, status, purchased in cursor.fetchall()
            if window.contains_local(shop_local(purchased), tz)
        ]
    cursor.close()
    return rows


def fetch_order_rows(gambio_conn, orders_ids: Sequence[int], override_dir: str | None = None) -> dict:
    """Read headers, lines, totals and tax sums of ``orders_ids`` with one query each."""
    import MySQLdb.cursors

    params = {"orders_ids": tuple(orders_ids)}
    result = {}
    cursor = gambio_conn.cursor(MySQLdb.cursors.DictCursor)
    for key, name in (
        ("headers", "order_headers"),
        ("lines", "order_lines"),
        ("totals", "order_totals"),
        ("tax_sums", "order_tax_sums"),
    ):
        cursor.execute(load_sql("gambio", name, override_dir), params)
        result[key] = list(cursor.fetchall())
    cursor.close()
    return result


def _read_in_parallel(connections: Sequence, batches: Iterable[Sequence[int]],
                      override_dir: str | None) -> Iterator[dict]:
    """Yield ``fetch_order_rows`` of each batch in order, with one batch in flight per connection."""
    if len(connections) == 1:
        for batch in batches:
            yield fetch_order_rows(connections[0], batch, override_dir)
        return

    # A connection is used by one thread at a time: a reading thread takes one from the queue.
    free: queue.SimpleQueue = queue.SimpleQueue()
    for conn in connections:
        free.put(conn)

    def fetch(batch: Sequence[int]) -> dict:
        conn = free.get()
        try:
            return fetch_order_rows(conn, batch, override_dir)
        finally:
            free.put(conn)

    with ThreadPoolExecutor(max_workers=len(connections), thread_name_prefix="extract-read") as pool:
        in_flight: deque = deque()
        for batch in batches:
            in_flight.append(pool.submit(fetch, batch))
            if len(in_flight) >= len(connections):
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


def group_by_order(rows: Iterable[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[int(row["orders_id"])].append(row)
    return grouped


def hcs_orders_for(hcs_conn, orders_ids: Sequence[int], override_dir: str | None = None) -> dict[int, dict]:
    """HCS orders that exist for ``orders_ids``, keyed by shop order id."""
    statement = load_sql("hcs", "auftraege_vorhanden", override_dir)
    found: dict[int, dict] = {}
    cursor = hcs_conn.cursor()
    for batch in _batches(list(orders_ids), HCS_LOOKUP_BATCH):
        sql, values = to_qmark(statement, {"shop_bestellnr": list(batch)})
        cursor.execute(sql, values)
        columns = [column[0] for column in cursor.description]
        for row in cursor.fetchall():
            record = dict(zip(columns, row))
            found[int(record["shop_bestellnr"])] = record
    cursor.close()
    hcs_conn.commit()
    return found


def detect_grown_orders(gambio_conn, hcs_conn, handed_over_id: int, local_since: datetime,
                        override_dir: str | None = None) -> list[dict]:
    """Handed-over orders whose lines, total or marketplace ids changed after their import.

    Each change is returned once: a fingerprint already reported (table shop_abweichungen)
    is left out.
    """
    cursor = gambio_conn.cursor()
    cursor.execute(
        load_sql("gambio", "handed_over_fingerprints", override_dir),
        {"handed_over_status_id": handed_over_id, "local_since": local_since},
    )
    shop = {}
    for orders_id, line_ids, ot_total, special in cursor.fetchall():
        ids = [int(part) for part in (line_ids or "").split(",") if part]
        total = cents(to_decimal(ot_total)) if ot_total is not None else None
        shop[int(orders_id)] = (order_fingerprint(ids, total, special), len(ids), total, special or "")
    cursor.close()
    if not shop:
        return []

    hcs = hcs_orders_for(hcs_conn, list(shop), override_dir)
    changed = {orders_id for orders_id, record in hcs.items() if record["shop_fingerabdruck"] != shop[orders_id][0]}
    reported = _reported_fingerprints(hcs_conn, sorted(changed), override_dir)

    grown = []
    for orders_id in sorted(changed):
        fingerprint, line_count, total, special = shop[orders_id]
        if (orders_id, fingerprint) in reported:
            continue
        record = hcs[orders_id]
        grown.append(
            {
                "orders_id": orders_id,
                "auftrag_nr": int(record["auftrag_nr"]),
                "fingerprint": fingerprint,
                "hcs_lines": int(record["shop_positionen"]),
                "shop_lines": line_count,
                "hcs_total": str(cents(to_decimal(record["summe_brutto"]))),
                "shop_total": str(total) if total is not None else "",
                "hcs_marketplace_ids": [p for p in str(record["marktplatz_bestellnr"] or "").splitlines() if p],
                "shop_marketplace_ids": [p.strip() for p in special.splitlines() if p.strip()],
            }
        )
    return grown


def _reported_fingerprints(hcs_conn, orders_ids: list[int], override_dir) -> set[tuple[int, str]]:
    statement = load_sql("hcs", "abweichungen_gemeldet", override_dir)
    reported = set()
    cursor = hcs_conn.cursor()
    for batch in _batches(orders_ids, HCS_LOOKUP_BATCH):
        sql, values = to_qmark(statement, {"shop_bestellnr": list(batch)})
        cursor.execute(sql, values)
        reported.update((int(orders_id), fingerprint) for orders_id, fingerprint in cursor.fetchall())
    cursor.close()
    hcs_conn.commit()
    return reported


def even_chunk_size(count: int, chunk_size: int) -> int:
    """Return the size of equal chunks, at most ``chunk_size``, for ``count`` orders.

    6,840 orders with a chunk size of 5,000 become two chunks of 3,420 rather than 5,000 and
    1,840, so that the validate task's processes get equal shares.
    """
    if count <= chunk_size:
        return max(count, 1)
    chunks = -(-count // chunk_size)
    return -(-count // chunks)


def _batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


__all__ = [
    "ExtractSummary",
    "StatusIds",
    "Window",
    "extract_orders",
    "fetch_order_rows",
    "group_by_order",
    "hcs_orders_for",
]
