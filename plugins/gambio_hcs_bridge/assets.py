"""Airflow assets that connect the bridge's DAGs.

The import DAG's task that writes ``import_protokoll`` lists :data:`IMPORT_PROTOCOL_ASSET`
as an outlet and puts the import run's id into the event as ``extra={"lauf_id": run_id}``.
The reporting DAG ``webshop_reports`` is scheduled on that asset and builds the protocol
of each run named in its triggering events.
"""

from __future__ import annotations

import os

from airflow.sdk import Asset, AssetWatcher

from gambio_hcs_bridge.triggers.hcs_documents import HcsDeliveryNoteTrigger

IMPORT_PROTOCOL_ASSET = Asset(name="gambio_hcs_import_protocol", uri="hcs-bridge://import/protocol")

# Printed delivery notes in HCS. The triggerer polls HCS and emits an event when a new one
# appears; the DAG hcs_delivery_realtime runs on it. The connection id and the poll interval
# are needed while the DAG file is parsed, so they come from the environment, not the settings.
DELIVERY_NOTES_ASSET = Asset(
    name="hcs_lieferscheine",
    uri="hcs-bridge://hcs/lieferscheine",
    watchers=[
        AssetWatcher(
            name="hcs_lieferschein_watcher",
            trigger=HcsDeliveryNoteTrigger(
                hcs_conn_id=os.environ.get("GAMBIO_HCS_WATCH_CONN_ID", "hcs_odbc"),
                poke_interval=float(os.environ.get("GAMBIO_HCS_WATCH_SECONDS", "5")),
            ),
        )
    ],
)
