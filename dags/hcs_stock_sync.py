"""
### HCS 2000 → Gambio: Bestandsabgleich

Schreibt den verkaufbaren Bestand jedes HCS-Artikels in den Gambio-Shop. Von dort übernimmt
magnalister ihn auf die Marktplätze.

**Shop-Bestand je Artikelnummer** = Lagerbestand in HCS
− Mengen der HCS-Aufträge ohne Lieferschein, Sofortrechnung und Storno
− Mengen der Shop-Bestellungen, die noch nicht in HCS sind (Status „Bezahlt“ oder ein offener
Status aus `stock_open_statuses`, nicht storniert)
− Sicherheitsbestand `stock_buffer`.
Nie unter 0; Bruchteile werden auf 4 Nachkommastellen abgerundet, nie aufgerundet.
Amazon-FBA-Bestellungen zählen auf keiner Seite, weil Amazon sie aus eigenem Lager versendet.

**Zuordnung:** Artikel `products_model` → `products_quantity`, Varianten `combi_model` →
`combi_quantity`, Zusatzoptionen `attributes_model` → `attributes_stock`. Der Bestand eines
Variantenartikels ist die Summe seiner Varianten; nur bei „Artikelbestand“
(`use_properties_combis_quantity` = 1) und eigener HCS-Artikelnummer gilt dessen Bestand.

**Aktualität:** Der Lauf liest die neueste Shop-Bestellung vor dem Rechnen und noch einmal vor
dem Schreiben. Kam dazwischen eine Bestellung, rechnet er neu; kommt wieder eine, schreibt er
nichts und der nächste Lauf holt es nach. Eine Datenbanksperre im Shop sorgt dafür, dass sich
zwei Abgleiche nie überholen.

**Geschrieben** werden nur geänderte Werte, in Blöcken von 1000 Zeilen mit je einer Transaktion.
Artikelnummern, die es nur im Shop oder nur in HCS gibt, stehen einmal am Tag im Log.

**Einstellungen:** Airflow-Variable `gambio_hcs_bridge` (JSON), siehe README. Zeitplan über die
Umgebungsvariable `GAMBIO_HCS_STOCK_SCHEDULE` (Standard: alle 15 Minuten).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import dag

from gambio_hcs_bridge.operators.stock_sync import HcsStockSyncOperator
from gambio_hcs_bridge.reporting.mail import notify_task_failure

# Read from the environment, not from a Variable: the schedule is needed while the file is parsed.
SCHEDULE = os.environ.get("GAMBIO_HCS_STOCK_SCHEDULE", "*/15 * * * *")


@dag(
    dag_id="hcs_stock_sync",
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["gambio", "hcs", "bestand"],
    doc_md=__doc__,
    default_args={
        "owner": "datenteam",
        # Retries cover lost connections and a lock held by a real-time sync after a delivery note.
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "execution_timeout": timedelta(minutes=30),
        "on_failure_callback": notify_task_failure,
    },
)
def hcs_stock_sync():
    HcsStockSyncOperator(
        task_id="sync_stock",
        doc_md=(
            "Berechnet den Shop-Bestand aller Artikelnummern aus HCS (Lagerbestand minus offene "
            "Aufträge, noch nicht übernommene Shop-Bestellungen und Sicherheitsbestand) und schreibt "
            "die geänderten Werte in `products`, `products_properties_combis` und `products_attributes`."
        ),
    )


hcs_stock_sync()
