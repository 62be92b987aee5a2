"""Event trigger that watches HCS for printed delivery notes the bridge has not handled yet.

It runs in Airflow's triggerer as the watcher of the asset ``hcs_lieferscheine`` and polls
HCS every few seconds. Each time the highest unhandled delivery note id changes, it yields an
event. The asset event starts the DAG ``hcs_delivery_realtime``, which writes the status and
pushes the stock of those articles at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

# Seconds after which delivery notes that are still unhandled produce another event.
REFIRE_SECONDS = 120.0


class HcsDeliveryNoteTrigger(BaseEventTrigger):
    """Yield an event whenever a new unhandled delivery note (or immediate invoice) appears.

    :param hcs_conn_id: Airflow connection id of the HCS ODBC data source.
    :param poke_interval: seconds between two polls of HCS.
    """

    def __init__(self, hcs_conn_id: str = "hcs_odbc", poke_interval: float = 5.0, **kwargs):
        super().__init__(**kwargs)
        self.hcs_conn_id = hcs_conn_id
        self.poke_interval = poke_interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            "gambio_hcs_bridge.triggers.hcs_documents.HcsDeliveryNoteTrigger",
            {"hcs_conn_id": self.hcs_conn_id, "poke_interval": self.poke_interval},
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        last_fired = 0
        fired_at = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                count, highest = await asyncio.to_thread(self._poll)
            except Exception as exc:  # HCS unreachable or broken: keep watching, the next poll may succeed
                # Driver messages name tables and states, not credentials; cut them to keep lines short.
                self.log.warning("Polling HCS for delivery notes failed: %s: %s; retrying in %.0f s",
                                 type(exc).__name__, str(exc)[:300], self.poke_interval * 6)
                await asyncio.sleep(self.poke_interval * 6)
                continue
            # Fire for a new highest id, also a lower one (HCS restored or reset), and fire again
            # for notes still unhandled after REFIRE_SECONDS (the run that took them failed).
            stale = loop.time() - fired_at >= REFIRE_SECONDS
            if count and (highest != last_fired or stale):
                self.log.info("Found %d unhandled delivery notes up to beleg_id %d", count, highest)
                last_fired, fired_at = highest, loop.time()
                yield TriggerEvent({"beleg_id": highest, "pending": count})
            await asyncio.sleep(self.poke_interval)

    def _poll(self) -> tuple[int, int]:
        from gambio_hcs_bridge.hooks.hcs import HcsHook
        from gambio_hcs_bridge.sql import load_sql

        conn = HcsHook(hcs_conn_id=self.hcs_conn_id).get_conn()
        try:
            return pending_delivery_notes(conn, load_sql("hcs", "lieferscheine_offen"))
        finally:
            conn.close()


def pending_delivery_notes(conn, statement: str) -> tuple[int, int]:
    """Count the unhandled delivery notes and return (count, highest beleg_id or 0)."""
    cursor = conn.cursor()
    try:
        count, highest = cursor.execute(statement).fetchone()
    finally:
        cursor.close()
        conn.commit()
    return int(count or 0), int(highest or 0)
