"""Set imported orders to "An HCS übergeben" in Gambio with one history row each.

Statements are set-based over a session table of the batch, guarded so that a rerun writes
no second history row and moves no status twice. The history row is written before the
status, which keeps MyISAM shops (no transactions) consistent after a crash as well.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from gambio_hcs_bridge.sql import load_sql

log = logging.getLogger(__name__)

HISTORY_COMMENTS = {
    "de": "An HCS 2000 übergeben, HCS-Auftrag {auftrag_nr}",
    "en": "Handed over to HCS 2000, HCS order {auftrag_nr}",
}


@dataclass
class MarkSummary:
    requested: int = 0
    history_rows: int = 0
    status_changed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def mark_handed_over(
    gambio_conn,
    handover: Sequence[tuple[int, int]],
    *,
    paid_status_ids: Sequence[int],
    handed_over_status_id: int,
    now: datetime,
    language: str = "de",
    batch_size: int = 1000,
    override_dir: str | None = None,
) -> MarkSummary:
    """Mark ``handover`` (pairs of shop order id and HCS order number) as handed over."""
    started = time.monotonic()
    summary = MarkSummary(requested=len(handover))
    if not handover:
        return summary

    template = HISTORY_COMMENTS[language]
    params = {
        "handed_over_status_id": handed_over_status_id,
        "paid_status_ids": tuple(paid_status_ids),
        "date_added": now,
    }
    sql = {name: load_sql("gambio", name, override_dir) for name in
           ("handover_prepare", "handover_clear", "handover_add", "handover_history", "handover_status")}

    cursor = gambio_conn.cursor()
    cursor.execute(sql["handover_prepare"])
    for start in range(0, len(handover), batch_size):
        batch = handover[start:start + batch_size]
        # Explicit, whatever the connection's autocommit mode: history and status of a batch
        # commit together on InnoDB.
        cursor.execute("START TRANSACTION")
        cursor.execute(sql["handover_clear"])
        cursor.executemany(
            sql["handover_add"],
            [{"orders_id": orders_id, "comments": template.format(auftrag_nr=auftrag_nr)}
             for orders_id, auftrag_nr in batch],
        )
        cursor.execute(sql["handover_history"], params)
        summary.history_rows += cursor.rowcount
        cursor.execute(sql["handover_status"], params)
        summary.status_changed += cursor.rowcount
        gambio_conn.commit()
    cursor.close()

    summary.seconds = round(time.monotonic() - started, 3)
    log.info(
        "Marked %d of %d orders as handed over (%d history rows) in %.1f s",
        summary.status_changed, summary.requested, summary.history_rows, summary.seconds,
    )
    return summary
