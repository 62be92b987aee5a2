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
from gambio_hcs_bridge.importer.runfiles import RunStore
from gambio_hcs_bridge.importer.transform import ImportOrder
from gambio_hcs_bridge.messages import Message, dump_messages, message
from gambio_hcs_bridge.sql import load_sql, qmark_batch, to_qmark

log = logging.getLogger(__name__)

IMPORTED = "importiert"
REJECTED = "abgelehnt"
PRESENT = "vorhanden"
GROWN = "gewachsen"

# SQLSTATE class 08 is a connection problem: retrying later can succeed, so it is raised.
_CONNECTION_SQLSTATES = ("08",)


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

    # -- orders -------------------------------------------------------------------------

    def write_orders(self, orders: Sequence[ImportOrder], summary: LoadSummary) -> None:
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

    def _write_batch(self, orders: Sequence[ImportOrder]):
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
        for order, auftrag_nr in written:
            header_rows.append(self._header_row(order, auftrag_nr, customer_numbers[order.kunden_suchschluessel]))
            position_rows.extend(self._position_rows(order, auftrag_nr))
            log_rows.append(self._log_row(order, IMPORTED, auftrag_nr, order.warnings))

        self._executemany(cursor, "auftrag_anlegen", header_rows)
        self._executemany(cursor, "position_anlegen", position_rows)
        self._executemany(cursor, "protokoll_schreiben", log_rows)
        self.conn.commit()
        cursor.close()
        return written, present

    def _customer_numbers(self, cursor, orders: Sequence[ImportOrder]) -> dict[str, int]:
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
                rows.append({"kunden_nr": first + index, "suchschluessel": key, "angelegt_am": self.now,
                             **by_key[key].kunde})
            self._executemany(cursor, "kunde_anlegen", rows)
        return numbers

    def _header_row(self, order: ImportOrder, auftrag_nr: int, kunden_nr: int) -> dict:
        delivery = order.lieferung
        return {
            "auftrag_nr": auftrag_nr,
            "shop_bestellnr": order.orders_id,
            "kunden_nr": kunden_nr,
            "auftragsdatum": order.auftragsdatum or self.now,
            "marktplatz": order.marktplatz,
            "marktplatz_konto": order.marktplatz_konto,
            "marktplatz_bestellnr": "\n".join(order.marktplatz_bestellnr),
            "versand_durch_marktplatz": 1 if order.versand_durch_marktplatz else 0,
            **{f"liefer_{key}": delivery[key] for key in
               ("firma", "vorname", "nachname", "strasse", "adresszusatz", "plz", "ort", "land")},
            "ustid": order.ustid,
            "waehrung": order.waehrung,
            "zahlungsart": order.zahlungsart,
            "versandart": order.versandart,
            "bemerkung": order.bemerkung,
            "summe_netto": order.summe_netto,
            "summe_mwst": order.summe_mwst,
            "summe_brutto": order.summe_brutto,
            "shop_positionen": order.shop_positionen,
            "shop_fingerabdruck": order.fingerprint,
            "importiert_am": self.now,
            "import_lauf": self.lauf_id,
        }

    @staticmethod
    def _position_rows(order: ImportOrder, auftrag_nr: int) -> list[dict]:
        return [
            {
                "auftrag_nr": auftrag_nr,
                "pos_nr": number,
                "positionsart": p.positionsart,
                "artikel_nr": p.artikel_nr,
                "bezeichnung": p.bezeichnung,
                "menge": p.menge,
                "einzelpreis_brutto": p.einzelpreis_brutto,
                "mwst_satz": p.mwst_satz,
                "betrag_brutto": p.betrag_brutto,
                "betrag_netto": p.betrag_netto,
                "mwst_betrag": p.mwst_betrag,
            }
            for number, p in enumerate(order.positions, start=1)
        ]

    def _log_row(self, order: ImportOrder | None, ergebnis: str, auftrag_nr: int | None,
                 messages: Iterable[Message], orders_id: int | None = None) -> dict:
        return {
            "lauf_id": self.lauf_id,
            "shop_bestellnr": order.orders_id if order else orders_id,
            "ergebnis": ergebnis,
            "auftrag_nr": auftrag_nr,
            "marktplatz": order.marktplatz if order else "",
            "marktplatz_bestellnr": "\n".join(order.marktplatz_bestellnr) if order else "",
            "kunde": order.kunde_anzeige if order else "",
            "summe_brutto": order.summe_brutto if order else None,
            "meldungen": dump_messages(messages),
            "protokolliert_am": self.now,
        }

    # -- outcomes other than "imported" ---------------------------------------------------

    def record_rejected(self, orders: Sequence[ImportOrder], summary: LoadSummary) -> None:
        """Record the set-aside orders with their reasons in one transaction."""
        if not orders:
            return
        cursor = self.conn.cursor()
        sql, values = to_qmark(self._sql["ablehnungen_frueher"],
                               {"shop_bestellnr": [order.orders_id for order in orders], "lauf_id": self.lauf_id})
        cursor.execute(sql, values)
        seen = {(int(orders_id), meldungen) for orders_id, meldungen in cursor.fetchall()}
        for order in orders:
            row = self._log_row(order, REJECTED, None, order.messages)
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
                row = self._log_row(None, GROWN, item["auftrag_nr"], [note], orders_id=item["orders_id"])
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

    def _record_present_rows(self, cursor, items: Sequence[tuple[int, int, ImportOrder | None]]) -> None:
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

    def _record_failure(self, order: ImportOrder, exc: pyodbc.Error, summary: LoadSummary) -> None:
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
        order.messages.append(message("hcs_write_failed", "auftraege", _error_text(exc)))
        self.record_rejected([order], summary)

    # -- helpers ------------------------------------------------------------------------

    def _executemany(self, cursor, name: str, rows: list[dict]) -> None:
        if rows:
            sql, values = qmark_batch(self._sql[name], rows)
            cursor.executemany(sql, values)

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
    for chunk in store.read_chunks("validate"):
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
