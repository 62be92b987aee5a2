"""Write validated orders into HCS, exactly once per shop order, and record every outcome.

Orders are written in batches, each in one transaction that holds the customers, the order
headers, their positions and the import-log rows. The unique key on ``shop_bestellnr``
makes a second write of the same shop order fail; when a batch fails, each of its orders is
retried alone, so one bad order costs only itself. A lost connection is raised and the task
is retried by Airflow; the retry finds the committed orders present and goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pyodbc

from gambio_hcs_bridge.hcs_numbers import allocate_numbers
from gambio_hcs_bridge.importer.extract import hcs_orders_for
from gambio_hcs_bridge.importer.records import (
    AUFTRAGSDATUM,
    HEADER_FIELDS,
    KUNDE_FIELDS,
    POSITION_FIELDS,
    LoadOrder,
)
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.messages import Message, dump_messages, message
from gambio_hcs_bridge.sql import load_sql, qmark_picker, to_qmark

log = logging.getLogger(__name__)

IMPORTED = "importiert"
REJECTED = "abgelehnt"
PRESENT = "vorhanden"
GROWN = "gewachsen"

# SQLSTATE class 08 is a connection problem: retrying later can succeed, so it is raised.
_CONNECTION_SQLSTATES = ("08",)

# Layout of the rows each bulk INSERT receives; the statements may name them in any order.
CUSTOMER_ROW = ("kunden_nr", "suchschluessel", "angelegt_am") + KUNDE_FIELDS
HEADER_ROW = ("auftrag_nr", "kunden_nr", "importiert_am", "import_lauf") + HEADER_FIELDS
POSITION_ROW = ("auftrag_nr", "pos_nr") + POSITION_FIELDS
LOG_ROW = ("lauf_id", "shop_bestellnr", "ergebnis", "auftrag_nr", "marktplatz", "marktplatz_bestellnr", "kunde",
           "summe_brutto", "meldungen", "protokolliert_am")
_ROW_LAYOUTS = {
    "kunde_anlegen": CUSTOMER_ROW,
    "auftrag_anlegen": HEADER_ROW,
    "position_anlegen": POSITION_ROW,
    "protokoll_schreiben": LOG_ROW,
}


@dataclass
class LoadSummary:
    imported: int = 0
    rejected: int = 0
    rejected_new: int = 0
    present: int = 0
    grown: int = 0
    warnings: int = 0
    seconds: float = 0.0
    handover: list[tuple[int, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data.pop("handover")
        return data


class HcsWriter:
    """Writes orders and import-log rows through one pyodbc connection (autocommit off)."""

    def __init__(self, conn, lauf_id: str, now: datetime, override_dir: str | None = None):
        self.conn = conn
        self.lauf_id = lauf_id
        self.now = now
        self.override_dir = override_dir
        self._sql = {
            name: load_sql("hcs", name, override_dir)
            for name in (
                "kunden_suchen",
                "kunde_anlegen",
                "auftrag_anlegen",
                "position_anlegen",
                "protokoll_schreiben",
                "protokoll_eintraege_lauf",
                "protokoll_loeschen",
                "abweichung_melden",
                "auftrag_marktplatz_nummern",
                "ablehnungen_frueher",
            )
        }
        self._bulk = {name: qmark_picker(self._sql[name], layout) for name, layout in _ROW_LAYOUTS.items()}

    # -- orders -------------------------------------------------------------------------

    def write_orders(self, orders: Sequence[LoadOrder], summary: LoadSummary) -> None:
        """Write ``orders``; fall back to one order per transaction when the batch fails."""
        if not orders:
            return
        try:
            written, present = self._write_batch(orders)
        except pyodbc.Error as exc:
            self._rollback()
            if _is_connection_error(exc):
                raise
            if len(orders) == 1:
                self._record_failure(orders[0], exc, summary)
                return
            log.warning("Batch of %d orders failed (%s); writing them one by one", len(orders), _error_text(exc))
            for order in orders:
                self.write_orders([order], summary)
            return

        for order, auftrag_nr in written:
            summary.imported += 1
            summary.warnings += len(order.warnings)
            summary.handover.append((order.orders_id, auftrag_nr))
        for order, auftrag_nr in present:
            summary.present += 1
            summary.handover.append((order.orders_id, auftrag_nr))

    def _write_batch(self, orders: Sequence[LoadOrder]):
        cursor = self.conn.cursor()
        existing = hcs_orders_for_cursor(self, [o.orders_id for o in orders])
        present = [(o, int(existing[o.orders_id]["auftrag_nr"])) for o in orders if o.orders_id in existing]
        fresh = [o for o in orders if o.orders_id not in existing]
        if present:
            self._record_present_rows(cursor, [(o.orders_id, nr, o) for o, nr in present])
        if not fresh:
            self.conn.commit()
            return [], present

        customer_numbers = self._customer_numbers(cursor, fresh)
        first = allocate_numbers(cursor, "auftrag", len(fresh), self.override_dir)
        written = [(order, first + index) for index, order in enumerate(fresh)]

        header_rows, position_rows, log_rows = [], [], []
        run_columns = (self.now, self.lauf_id)
        for order, auftrag_nr in written:
            header = order.header
            if header[AUFTRAGSDATUM] is None:
                header = header[:AUFTRAGSDATUM] + (self.now,) + header[AUFTRAGSDATUM + 1:]
            header_rows.append((auftrag_nr, customer_numbers[order.kunden_suchschluessel]) + run_columns + header)
            position_rows.extend(
                (auftrag_nr, number) + position for number, position in enumerate(order.positions, start=1)
            )
            log_rows.append(self._log_row(order, IMPORTED, auftrag_nr, order.warnings))

        self._executemany(cursor, "auftrag_anlegen", header_rows)
        self._executemany(cursor, "position_anlegen", position_rows)
        self._executemany(cursor, "protokoll_schreiben", log_rows)
        self.conn.commit()
        cursor.close()
        return written, present

    def _customer_numbers(self, cursor, orders: Sequence[LoadOrder]) -> dict[str, int]:
        """Find or create the HCS customer of every order; one customer per search key."""
        keys = sorted({order.kunden_suchschluessel for order in orders})
        numbers: dict[str, int] = {}
        sql, values = to_qmark(self._sql["kunden_suchen"], {"suchschluessel": keys})
        cursor.execute(sql, values)
        for key, kunden_nr in cursor.fetchall():
            numbers[key] = int(kunden_nr)

        missing = [key for key in keys if key not in numbers]
        if missing:
            first = allocate_numbers(cursor, "kunde", len(missing), self.override_dir)
            by_key = {order.kunden_suchschluessel: order for order in orders}
            rows = []
            for index, key in enumerate(missing):
                numbers[key] = first + index
                rows.append((first + index, key, self.now) + by_key[key].kunde)
            self._executemany(cursor, "kunde_anlegen", rows)
        return numbers

    def _log_row(self, order: LoadOrder | None, ergebnis: str, auftrag_nr: int | None,
                 messages: Iterable[Message], orders_id: int | None = None) -> tuple:
        """Return one import_protokoll row, laid out as LOG_ROW."""
        return (
            self.lauf_id,
            order.orders_id if order else orders_id,
            ergebnis,
            auftrag_nr,
            order.marktplatz if order else "",
            order.marktplatz_bestellnr if order else "",
            order.kunde_anzeige if order else "",
            order.summe_brutto if order else None,
            dump_messages(messages),
            self.now,
        )

    # -- outcomes other than "imported" ---------------------------------------------------

    def record_rejected(self, orders: Sequence[LoadOrder], summary: LoadSummary) -> None:
        """Record the set-aside orders with their reasons in one transaction."""
        if not orders:
            return
        cursor = self.conn.cursor()
        sql, values = to_qmark(self._sql["ablehnungen_frueher"],
                               {"shop_bestellnr": [order.orders_id for order in orders], "lauf_id": self.lauf_id})
        cursor.execute(sql, values)
        seen = {(int(orders_id), meldungen) for orders_id, meldungen in cursor.fetchall()}
        for order in orders:
            row = dict(zip(LOG_ROW, self._log_row(order, REJECTED, None, order.messages)))
            self._replace_row(cursor, row)
            if (order.orders_id, row["meldungen"]) not in seen:
                summary.rejected_new += 1
        self.conn.commit()
        cursor.close()
        summary.rejected += len(orders)

    def record_present(self, present: Sequence[dict], summary: LoadSummary) -> None:
        """Record orders HCS already had when the run started."""
        if not present:
            return
        cursor = self.conn.cursor()
        self._record_present_rows(cursor, [(item["orders_id"], item["auftrag_nr"], None) for item in present])
        self.conn.commit()
        cursor.close()
        for item in present:
            summary.present += 1
            if item["needs_status"]:
                summary.handover.append((item["orders_id"], item["auftrag_nr"]))

    def record_grown(self, grown: Sequence[dict], summary: LoadSummary) -> None:
        """Report orders that changed in the shop after their import, once per change."""
        for item in grown:
            ids = list(dict.fromkeys(item["hcs_marketplace_ids"] + item["shop_marketplace_ids"]))
            description = (
                f"Positionen {item['hcs_lines']} → {item['shop_lines']}, "
                f"ot_total {item['hcs_total']} → {item['shop_total'] or '—'}, "
                f"Marktplatz-Nr. {', '.join(ids) or '—'}"
            )
            note = message("order_grown", "orders_products", description, order=item["auftrag_nr"])
            cursor = self.conn.cursor()
            try:
                cursor.execute(*to_qmark(self._sql["abweichung_melden"], {
                    "shop_bestellnr": item["orders_id"],
                    "shop_fingerabdruck": item["fingerprint"],
                    "gemeldet_am": self.now,
                }))
                cursor.execute(*to_qmark(self._sql["auftrag_marktplatz_nummern"], {
                    "marktplatz_bestellnr": "\n".join(ids)[:1000],
                    "auftrag_nr": item["auftrag_nr"],
                }))
                row = dict(zip(LOG_ROW, self._log_row(None, GROWN, item["auftrag_nr"], [note],
                                                      orders_id=item["orders_id"])))
                row["marktplatz_bestellnr"] = "\n".join(ids)[:1000]
                self._replace_row(cursor, row)
                self.conn.commit()
            except pyodbc.IntegrityError:
                # Another run reported this change first.
                self._rollback()
                continue
            finally:
                cursor.close()
            summary.grown += 1
            log.warning("Shop order %s changed after its import as HCS order %s", item["orders_id"], item["auftrag_nr"])

    def _record_present_rows(self, cursor, items: Sequence[tuple[int, int, LoadOrder | None]]) -> None:
        already = self._recorded(cursor, [orders_id for orders_id, _, _ in items])
        rows = [
            self._log_row(order, PRESENT, auftrag_nr, [], orders_id=orders_id)
            for orders_id, auftrag_nr, order in items
            if orders_id not in already
        ]
        self._executemany(cursor, "protokoll_schreiben", rows)

    def _recorded(self, cursor, orders_ids: list[int]) -> set[int]:
        sql, values = to_qmark(self._sql["protokoll_eintraege_lauf"],
                               {"lauf_id": self.lauf_id, "shop_bestellnr": orders_ids})
        cursor.execute(sql, values)
        return {int(row[0]) for row in cursor.fetchall()}

    def _replace_row(self, cursor, row: dict) -> None:
        cursor.execute(*to_qmark(self._sql["protokoll_loeschen"], row))
        if cursor.rowcount == 0 and self._recorded(cursor, [row["shop_bestellnr"]]):
            return  # this run imported the order already, and that verdict is kept
        cursor.execute(*to_qmark(self._sql["protokoll_schreiben"], row))

    def _record_failure(self, order: LoadOrder, exc: pyodbc.Error, summary: LoadSummary) -> None:
        """Record an order HCS refused: present if another writer got there first, else rejected."""
        existing = hcs_orders_for(self.conn, [order.orders_id], self.override_dir)
        if order.orders_id in existing:
            auftrag_nr = int(existing[order.orders_id]["auftrag_nr"])
            cursor = self.conn.cursor()
            self._record_present_rows(cursor, [(order.orders_id, auftrag_nr, order)])
            self.conn.commit()
            summary.present += 1
            summary.handover.append((order.orders_id, auftrag_nr))
            return
        log.error("HCS rejected shop order %s: %s", order.orders_id, _error_text(exc))
        failure = message("hcs_write_failed", "auftraege", _error_text(exc))
        self.record_rejected([order._replace(messages=order.messages + (failure,))], summary)

    # -- helpers ------------------------------------------------------------------------

    def _executemany(self, cursor, name: str, rows: list[tuple]) -> None:
        """Bulk INSERT of rows laid out as the statement's entry in _ROW_LAYOUTS."""
        if rows:
            sql, pick = self._bulk[name]
            cursor.executemany(sql, list(map(pick, rows)))

    def _rollback(self) -> None:
        try:
            self.conn.rollback()
        except pyodbc.Error:
            log.warning("Rollback on HCS failed; the connection is probably gone")


def hcs_orders_for_cursor(writer: HcsWriter, orders_ids: list[int]) -> dict[int, dict]:
    """Look up existing HCS orders inside the writer's open transaction (no commit)."""
    statement = load_sql("hcs", "auftraege_vorhanden", writer.override_dir)
    sql, values = to_qmark(statement, {"shop_bestellnr": orders_ids})
    cursor = writer.conn.cursor()
    cursor.execute(sql, values)
    columns = [column[0] for column in cursor.description]
    found = {int(row[0]): dict(zip(columns, row)) for row in cursor.fetchall()}
    cursor.close()
    return found


def load_orders(hcs_conn, store: RunStore, *, lauf_id: str, now: datetime, batch_size: int,
                override_dir: str | None = None) -> LoadSummary:
    """Write every validated chunk of the run into HCS and store the hand-over list."""
    started = time.monotonic()
    summary = LoadSummary()
    writer = HcsWriter(hcs_conn, lauf_id, now, override_dir)

    writer.record_present(store.read_json("extract/present.json"), summary)
    for chunk in store.read_chunks_ahead("validate"):
        writer.record_rejected(chunk["rejected"], summary)
        accepted = chunk["accepted"]
        for start in range(0, len(accepted), batch_size):
            writer.write_orders(accepted[start:start + batch_size], summary)
    writer.record_grown(store.read_json("extract/grown.json"), summary)

    store.write_json("load/handover.json", summary.handover)
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def _is_connection_error(exc: pyodbc.Error) -> bool:
    if isinstance(exc, pyodbc.OperationalError | pyodbc.InterfaceError):
        return True
    state = str(exc.args[0]) if exc.args else ""
    return state.startswith(_CONNECTION_SQLSTATES)


def _error_text(exc: pyodbc.Error) -> str:
    """Return the driver's message without connection details, at most 300 characters."""
    text = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
    return text[:300]
