"""Airflow assets that connect the bridge's DAGs.

The import DAG's task that writes ``import_protokoll`` lists :data:`IMPORT_PROTOCOL_ASSET`
as an outlet and puts the import run's id into the event as ``extra={"lauf_id": run_id}``.
The reporting DAG ``webshop_reports`` is scheduled on that asset and builds the protocol
of each run named in its triggering events.
"""

from __future__ import annotations

from airflow.sdk import Asset

IMPORT_PROTOCOL_ASSET = Asset(name="gambio_hcs_import_protocol", uri="hcs-bridge://import/protocol")
