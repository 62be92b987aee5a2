"""
### Gambio → HCS 2000: Auftragsimport

Übernimmt bezahlte Webshop-Bestellungen aus der Gambio-Datenbank (auch die von magnalister
gesammelten eBay-, Amazon-, Hood-, Kaufland- und OTTO-Bestellungen) als Aufträge nach HCS 2000
und setzt sie im Shop auf den Status **„An HCS übergeben“**.

**Ablauf**

1. `extract_orders` – liest alle Bestellungen im Status „Bezahlt“, die HCS noch nicht hat.
   Mit Kaufdatum von/bis (Trigger-Formular) oder in einem Backfill werden alle bezahlten und
   übergebenen Bestellungen dieses Zeitraums neu geprüft; fehlende werden nachgeholt, die
   übrigen als „bereits vorhanden“ gezählt.
2. `validate_orders` – prüft jede Bestellung mit Great Expectations: Pflichtfelder,
   Ländercodes, Mengen, Preise, Steuersätze, Summen auf den Cent, Artikelnummern in HCS,
   Feldlängen. Eine fehlerhafte Bestellung wird mit Grund zurückgestellt und bleibt im Status
   „Bezahlt“; alle anderen laufen weiter.
3. `load_orders` – legt Kunden, Aufträge und Positionen in HCS an, genau einmal je
   Shop-Bestellung, und schreibt das Ergebnis jeder Bestellung ins Import-Protokoll.
4. `mark_handed_over` – setzt den Status „An HCS übergeben“ mit genau einem Eintrag in der
   Statushistorie (ohne Kundenbenachrichtigung).
5. `announce_protocol` – meldet den Lauf an den DAG `webshop_reports`, der das
   Übernahme-Protokoll erstellt und mailt: wenn etwas importiert wurde, eine Bestellung neu oder
   aus anderem Grund zurückgestellt wurde oder sich eine übergebene Bestellung geändert hat.

**Wiederholen ist sicher:** Nach einem Abbruch an beliebiger Stelle entsteht beim nächsten Lauf
kein doppelter Auftrag und keine doppelte Historienzeile.

**Einstellungen:** Airflow-Variable `gambio_hcs_bridge` (JSON), siehe README. Zeitplan über die
Umgebungsvariable `GAMBIO_HCS_IMPORT_SCHEDULE` (Standard: alle 10 Minuten).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import Param, dag, get_current_context, task

from gambio_hcs_bridge.assets import IMPORT_PROTOCOL_ASSET
from gambio_hcs_bridge.operators.order_import import (
    GambioExtractOrdersOperator,
    GambioMarkHandedOverOperator,
    GambioValidateOrdersOperator,
    HcsLoadOrdersOperator,
)
from gambio_hcs_bridge.reporting.mail import notify_task_failure

# Read from the environment, not from a Variable: the schedule is needed while the file is parsed.
SCHEDULE = os.environ.get("GAMBIO_HCS_IMPORT_SCHEDULE", "*/10 * * * *")


@dag(
    dag_id="gambio_order_import",
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["gambio", "hcs", "import"],
    doc_md=__doc__,
    default_args={
        "owner": "datenteam",
        # Retries cover lost connections. Bad order data sets the order aside instead of failing the task.
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "execution_timeout": timedelta(hours=2),
        "on_failure_callback": notify_task_failure,
    },
    params={
        "kaufdatum_von": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Kaufdatum von",
            description="Nur für Nachholläufe: erster Kauftag (Shop-Zeitzone). Leer lassen für den normalen Import.",
        ),
        "kaufdatum_bis": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Kaufdatum bis",
            description="Nur für Nachholläufe: letzter Kauftag, einschließlich.",
        ),
    },
)
def gambio_order_import():
    extract = GambioExtractOrdersOperator(
        task_id="extract_orders",
        window_start="{{ params.kaufdatum_von or '' }}",
        window_end="{{ params.kaufdatum_bis or '' }}",
        doc_md="Liest die zu übernehmenden Bestellungen aus Gambio und legt sie als Dateien des Laufs ab.",
    )
    validate = GambioValidateOrdersOperator(
        task_id="validate_orders",
        doc_md="Prüft die Bestellungen mit Great Expectations und stellt fehlerhafte mit Grund zurück.",
    )
    load = HcsLoadOrdersOperator(
        task_id="load_orders",
        doc_md="Schreibt Kunden, Aufträge und Positionen nach HCS und protokolliert jede Bestellung.",
    )
    mark = GambioMarkHandedOverOperator(
        task_id="mark_handed_over",
        doc_md="Setzt den Gambio-Status „An HCS übergeben“ mit einem Historieneintrag je Bestellung.",
    )

    @task(
        outlets=[IMPORT_PROTOCOL_ASSET],
        doc_md=(
            "Meldet den Lauf an `webshop_reports`, wenn er etwas importiert, neu zurückgestellt oder "
            "eine geänderte Bestellung gefunden hat."
        ),
    )
    def announce_protocol(load_summary: dict) -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        context = get_current_context()
        # An order set aside for the same reasons as in an earlier run is no news: without this
        # one broken order would send a protocol mail every ten minutes until it is fixed.
        if not any(load_summary.get(key) for key in ("imported", "rejected_new", "grown")):
            raise AirflowSkipException("nothing imported, newly set aside or changed: no protocol needed")
        context["outlet_events"][IMPORT_PROTOCOL_ASSET].extra = {"lauf_id": context["run_id"]}
        return load_summary

    extract >> validate >> load >> mark
    announce = announce_protocol(load.output)
    mark >> announce


gambio_order_import()
