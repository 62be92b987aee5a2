"""
### HCS → Gambio in Echtzeit: Lieferschein gedruckt

Läuft, sobald in HCS ein neuer Lieferschein (oder eine Sofortrechnung) zu einer
Webshop-Bestellung gedruckt wurde. Der Triggerer von Airflow fragt HCS dafür alle paar Sekunden
ab (Asset `hcs_lieferscheine` mit einem AssetWatcher).

1. Status: setzt wie `hcs_status_writeback` den Gambio-Status („Versendet“, „Rechnung erstellt“)
   mit Sendungsnummer und genau einem Historieneintrag.
2. Bestand: schreibt sofort den Shop-Bestand der gelieferten Artikel, nach denselben Regeln wie
   `hcs_stock_sync`.

Wiederholen ist sicher: bereits verarbeitete Belege werden übersprungen. Verbindung und
Abfrageintervall des Watchers: Umgebungsvariablen `GAMBIO_HCS_WATCH_CONN_ID` (Standard
`hcs_odbc`) und `GAMBIO_HCS_WATCH_SECONDS` (Standard 5).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import dag, task

from gambio_hcs_bridge.assets import DELIVERY_NOTES_ASSET
from gambio_hcs_bridge.reporting.mail import notify_task_failure


@dag(
    dag_id="hcs_delivery_realtime",
    schedule=DELIVERY_NOTES_ASSET,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["gambio", "hcs", "status", "bestand"],
    doc_md=__doc__,
    default_args={
        "owner": "datenteam",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "execution_timeout": timedelta(minutes=30),
        "on_failure_callback": notify_task_failure,
    },
)
def hcs_delivery_realtime():
    @task(doc_md="Schreibt Status und Sendungsnummern der neuen Belege und den Bestand der gelieferten Artikel.")
    def handle_delivery_notes() -> dict:
        from gambio_hcs_bridge.hooks.gambio import GambioHook
        from gambio_hcs_bridge.hooks.hcs import HcsHook
        from gambio_hcs_bridge.realtime import handle_delivery_notes as handle
        from gambio_hcs_bridge.settings import load_settings

        settings = load_settings()
        gambio = GambioHook(gambio_conn_id=settings.gambio_conn_id).get_conn()
        hcs = HcsHook(hcs_conn_id=settings.hcs_conn_id).get_conn()
        try:
            return handle(gambio, hcs, settings)
        finally:
            hcs.close()
            gambio.close()

    handle_delivery_notes()


hcs_delivery_realtime()
