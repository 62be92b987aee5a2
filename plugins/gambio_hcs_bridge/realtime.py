"""The real-time path after a delivery note: status write-back, then stock of its articles."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from gambio_hcs_bridge.settings import Settings
from gambio_hcs_bridge.sql import load_sql

log = logging.getLogger(__name__)


def delivery_note_articles(hcs_conn, override_dir: str | None = None) -> set[str]:
    """Article numbers on the delivery notes the status write-back has not handled yet."""
    cursor = hcs_conn.cursor()
    try:
        cursor.execute(load_sql("hcs", "lieferscheine_offen_artikel", override_dir))
        return {str(row[0]) for row in cursor.fetchall()}
    finally:
        cursor.close()
        hcs_conn.commit()


def handle_delivery_notes(gambio_conn, hcs_conn, settings: Settings, *, now: datetime | None = None) -> dict:
    """Write the statuses of all new HCS documents and push the stock of the delivered articles.

    The articles are read before the write-back, which marks the documents as handled.
    """
    from gambio_hcs_bridge.stock import sync_stock
    from gambio_hcs_bridge.writeback import write_back_statuses

    started = time.monotonic()
    articles = delivery_note_articles(hcs_conn, settings.sql_override_dir)
    written = write_back_statuses(gambio_conn, hcs_conn, settings, now=now)
    stock = sync_stock(gambio_conn, hcs_conn, settings=settings, skus=articles, now=now) if articles else None

    summary = {
        "articles": len(articles),
        "writeback": written.as_dict(),
        "stock": stock.as_dict() if stock is not None else None,
        "seconds": round(time.monotonic() - started, 3),
    }
    log.info(
        "Handled delivery notes: %d documents, %d articles pushed to the shop; %.1f s",
        summary["writeback"].get("documents", 0), len(articles), summary["seconds"],
    )
    return summary
