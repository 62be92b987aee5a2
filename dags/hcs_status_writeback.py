"""
### HCS 2000 → Gambio: Status-Rückmeldung

Setzt den Status der Shop-Bestellungen nach den Belegen, die in HCS 2000 gedruckt werden.

| Beleg in HCS | Gambio-Status danach |
|---|---|
| Lieferschein | „Versendet“; die Sendungsnummer steht vorher in der Sendungsverfolgung der Bestellung |
| Rechnung | „Rechnung erstellt“ |
| Sofortrechnung | „Versendet“, danach „Rechnung erstellt“ (zwei Einträge in der Statushistorie) |
| Storno, Gutschrift | „Storniert“, nur mit `cancel_writeback` und nur vor „Versendet“ und „Rechnung erstellt“ |

**Regeln**

- Ein Status geht nie zurück: Eine Bestellung, die schon „Rechnung erstellt“ hat, wird durch
  einen späteren Lieferschein nicht wieder „Versendet“. Eine stornierte Bestellung bleibt
  storniert.
- magnalister-Bestellungen: „Rechnung erstellt“ wartet, bis magnalister den Versand an den
  Marktplatz gemeldet hat (`magnalister_orders.orders_status` zeigt „Versendet“), höchstens
  `invoice_wait_minutes` Minuten (Standard 240) ab dem späteren Zeitpunkt von Rechnungsdruck
  und „Versendet“. Danach wird der Status trotzdem gesetzt und ein Hinweis vermerkt.
- Der Versanddienstleister des Belegs wird über den exakten Namen (ohne Groß-/Kleinschreibung)
  oder über `carrier_mapping` einem Gambio-Versanddienstleister zugeordnet. Ist er unbekannt,
  wird die Sendungsnummer ohne Link eingetragen und ein Hinweis vermerkt.
- Kunden werden nicht benachrichtigt.

**Nachvollziehbar:** Jeder verarbeitete Beleg bekommt in HCS eine Zeile in
`beleg_verarbeitung` mit dem Ergebnis (`geschrieben`, `unveraendert`, `bestellung_fehlt`,
`ignoriert`) und einer Meldung. Eine im Shop gelöschte Bestellung bricht den Lauf nicht ab.

**Wiederholen ist sicher:** Nach einem Abbruch an beliebiger Stelle entsteht beim nächsten
Lauf keine doppelte Historienzeile und keine doppelte Sendungsnummer.

**Einstellungen:** Airflow-Variable `gambio_hcs_bridge` (JSON), siehe README. Zeitplan über die
Umgebungsvariable `GAMBIO_HCS_WRITEBACK_SCHEDULE` (Standard: alle 5 Minuten).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import dag

from gambio_hcs_bridge.operators.status_writeback import HcsStatusWritebackOperator
from gambio_hcs_bridge.reporting.mail import notify_task_failure

# Read from the environment, not from a Variable: the schedule is needed while the file is parsed.
SCHEDULE = os.environ.get("GAMBIO_HCS_WRITEBACK_SCHEDULE", "*/5 * * * *")


@dag(
    dag_id="hcs_status_writeback",
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["gambio", "hcs", "status"],
    doc_md=__doc__,
    default_args={
        "owner": "datenteam",
        # Retries cover lost connections. A document the bridge cannot apply (deleted order, unknown
        # carrier or document type) is recorded in beleg_verarbeitung and does not fail the task.
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "execution_timeout": timedelta(minutes=30),
        "on_failure_callback": notify_task_failure,
    },
)
def hcs_status_writeback():
    HcsStatusWritebackOperator(
        task_id="write_back_statuses",
        doc_md=(
            "Liest die noch nicht verarbeiteten HCS-Belege der Shop-Bestellungen, trägt Sendungsnummern "
            "ein, setzt die Gambio-Status mit je einem Historieneintrag und vermerkt jeden Beleg in "
            "`beleg_verarbeitung`."
        ),
    )


hcs_status_writeback()
