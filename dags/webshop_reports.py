"""
### Webshop-Berichte: Übernahme-Protokoll

Erstellt nach jedem Importlauf von `gambio_order_import` das **Übernahme-Protokoll** als
Excel-Arbeitsmappe (.xlsx), legt es im Archivordner ab und schickt es per E-Mail an die
eingestellten Empfänger.

**Auslöser**

- automatisch, sobald der Import das Asset `gambio_hcs_import_protocol` aktualisiert; das
  Ereignis nennt die Lauf-ID des Imports,
- von Hand über **Trigger** mit einer Lauf-ID, um das Protokoll eines früheren Laufs neu zu
  erstellen. Ohne Lauf-ID entsteht das Protokoll des zuletzt protokollierten Importlaufs.

**Inhalt der Arbeitsmappe:** Zusammenfassung, importierte Bestellungen mit Positionen,
abgelehnte Bestellungen mit einem Grund je Problem, Hinweise (zum Beispiel gekürzte Felder
oder nach der Übernahme geänderte Bestellungen) und bereits vorhandene Bestellungen.

**E-Mail:** nur wenn der Lauf etwas importiert, abgelehnt oder eine geänderte Bestellung
gefunden hat; sonst wird der Mail-Task übersprungen. Ein Mailfehler macht keinen Import
rückgängig: der Import ist ein eigener DAG, der Mail-Task wiederholt sich dreimal im Abstand
von zwei Minuten.

**Einstellungen** (Airflow-Variable `gambio_hcs_bridge`): `language`, `mail_recipients`,
`mail_from`, `archive_dir`, `work_dir`, `hcs_conn_id`, `smtp_conn_id`, `shop_timezone`,
`sql_override_dir`. Schlägt ein Task fehl, geht eine Fehlermeldung an `mail_recipients`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import Param, dag, get_current_context, task

from gambio_hcs_bridge.assets import IMPORT_PROTOCOL_ASSET
from gambio_hcs_bridge.reporting.mail import notify_task_failure

# Number of recent import runs named in the error for an unknown Lauf-ID.
RECENT_RUNS_SHOWN = 5


@dag(
    dag_id="webshop_reports",
    schedule=IMPORT_PROTOCOL_ASSET,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["gambio", "hcs", "berichte"],
    doc_md=__doc__,
    default_args={"owner": "datenteam", "on_failure_callback": notify_task_failure},
    params={
        "lauf_id": Param(
            None,
            # Nullable: the Airflow 3.3 trigger form treats an empty non-null string as missing.
            type=["null", "string"],
            maxLength=250,
            title="Lauf-ID des Imports",
            description=(
                "Run-ID des Importlaufs von gambio_order_import, dessen Übernahme-Protokoll neu "
                "erstellt werden soll (zum Beispiel scheduled__2025-03-05T07:00:00+00:00). "
                "Leer lassen: Protokoll des zuletzt protokollierten Importlaufs."
            ),
        ),
    },
)
def webshop_reports():
    @task(
        doc_md=(
            "Bestimmt die Importläufe, deren Protokoll erstellt wird: die Lauf-ID aus dem "
            "Trigger-Formular, sonst die Lauf-IDs aus den auslösenden Asset-Ereignissen, sonst "
            "den zuletzt protokollierten Importlauf."
        )
    )
    def determine_runs() -> list[str]:
        from gambio_hcs_bridge.reporting.protocol_tasks import runs_to_report

        context = get_current_context()
        return runs_to_report(context["params"], context.get("triggering_asset_events"), IMPORT_PROTOCOL_ASSET)

    @task(
        retries=2,
        retry_delay=timedelta(minutes=1),
        doc_md=(
            "Erstellt für jeden Importlauf das Übernahme-Protokoll aus der HCS-Tabelle "
            "`import_protokoll` und legt es im Archivordner ab "
            "(`uebernahme-protokoll_<Datum_Uhrzeit>_<Lauf-ID>.xlsx`). Läufe ohne Einträge "
            "werden übersprungen; eine von Hand angegebene unbekannte Lauf-ID ist ein Fehler."
        ),
    )
    def build_protocols(lauf_ids: list[str]) -> list[dict]:
        from gambio_hcs_bridge.reporting.protocol_tasks import build_and_archive

        by_hand = bool(str(get_current_context()["params"].get("lauf_id") or "").strip())
        return build_and_archive(lauf_ids, by_hand=by_hand, recent_runs_shown=RECENT_RUNS_SHOWN)

    @task(
        retries=3,
        retry_delay=timedelta(minutes=2),
        doc_md=(
            "Schickt ein Übernahme-Protokoll per E-Mail an `mail_recipients`, wenn der Lauf "
            "etwas importiert, abgelehnt oder eine geänderte Bestellung gefunden hat; sonst "
            "übersprungen. Je Protokoll eine Task-Instanz mit eigenen Wiederholungen."
        ),
    )
    def mail_protocol(protocol: dict) -> None:
        from gambio_hcs_bridge.reporting.protocol_tasks import mail_built_protocol

        mail_built_protocol(protocol, get_current_context()["run_id"])

    mail_protocol.expand(protocol=build_protocols(determine_runs()))


webshop_reports()
