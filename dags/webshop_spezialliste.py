"""
### Webshop-Berichte: Spezialliste

Stellt eine Auswahl von Webshop-Bestellungen aus Gambio und HCS 2000 als Tabelle zusammen
(.xlsx oder CSV), legt sie im Archivordner ab und schickt sie per E-Mail.

**Auslöser**

- monatlich am 1. um 06:00 (UTC) mit den Standardwerten: alle Bestellungen des Vormonats,
- von Hand über **Trigger** mit dem Formular: Kaufdatum von/bis, Marktplätze, Gambio-Status,
  HCS-Stand, Artikelnummern, Kunde, Betrag von/bis (brutto), mit oder ohne Positionen, Format
  und Empfänger. Leere Felder schränken nicht ein; ohne Kaufdatum gilt der Vormonat in der
  Zeitzone des Shops.

**Inhalt:** je Bestellung Shop-Nr., Kaufdatum, Marktplatz und Marktplatz-Bestellnummern, Kunde,
Land, Netto, MwSt. und Brutto, Gambio-Status, HCS-Auftrag, Importzeit, Lieferschein (Datum,
Sendungsnummer) und Rechnung (Datum, Nummer). Auf Wunsch ein Blatt mit den Positionen. Das
letzte Blatt fasst Anzahl und Bruttosumme je Marktplatz und Monat zusammen. Ohne Treffer
steht „Keine Treffer“ im Blatt.

**CSV:** UTF-8 mit BOM, Trennzeichen `;`, Dezimalkomma, Datum TT.MM.JJJJ. Mit Positionen
entsteht eine ZIP-Datei mit `bestellungen.csv` und `positionen.csv`.

**Archiv:** `spezialliste_<von>_<bis>_<Lauf-ID>.xlsx` (bzw. `.csv`/`.zip`) im Ordner
`archive_dir`. Der Task `clean_archive` löscht Übernahme-Protokolle und Spezialisten, die älter
als `archive_retention_days` Tage (Standard 90) sind, und zeigt den Inhalt des Archivs (Name,
Größe, Datum) als XCom-Rückgabewert des Tasks in der Airflow-Oberfläche.

**Empfänger:** ohne Angabe die Adressen aus `mail_recipients`; jede angegebene Adresse muss in
`report_recipients_allowed` stehen (ist die Liste leer, gilt `mail_recipients`).

**Fehler:** Ungültige Formularwerte lassen `check_form` sofort fehlschlagen, ohne
Wiederholung; die Meldung nennt das Feld und den Wert. Schlägt ein Task fehl, geht eine
Fehlermeldung an `mail_recipients`.

**Einstellungen** (Airflow-Variable `gambio_hcs_bridge`): `language`, `shop_timezone`,
`mail_recipients`, `report_recipients_allowed`, `mail_from`, `archive_dir`,
`archive_retention_days`, `work_dir`, `gambio_conn_id`, `hcs_conn_id`, `smtp_conn_id`,
`sql_override_dir`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import Param, dag, get_current_context, task

from gambio_hcs_bridge.reporting.mail import notify_task_failure

# The same lists as in reporting.spezialliste, repeated here so parsing imports nothing heavy.
MARKETPLACES = ["shop", "ebay", "amazon", "hood", "hitmeister", "otto"]
HCS_STATES = ["nicht_importiert", "importiert", "geliefert", "berechnet"]


@dag(
    dag_id="webshop_spezialliste",
    schedule="0 6 1 * *",
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["gambio", "hcs", "berichte"],
    doc_md=__doc__,
    default_args={"owner": "datenteam", "on_failure_callback": notify_task_failure},
    params={
        "datum_von": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Kaufdatum von",
            description="Erster Kauftag (Zeitzone des Shops). Leer lassen: erster Tag des Vormonats.",
        ),
        "datum_bis": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Kaufdatum bis",
            description="Letzter Kauftag, einschließlich. Leer lassen: letzter Tag des Vormonats "
            "(oder heute, wenn nur „Kaufdatum von“ gesetzt ist).",
        ),
        "marktplaetze": Param(
            None,
            type=["null", "array"],
            items={"type": "string", "enum": MARKETPLACES},
            title="Marktplätze",
            description="Nur Bestellungen dieser Marktplätze (shop = direkt im Shop, hitmeister = Kaufland). "
            "Leer lassen: alle.",
        ),
        "gambio_status": Param(
            None,
            type=["null", "array"],
            items={"type": "integer"},
            title="Gambio-Status",
            description="Nur Bestellungen mit diesen Gambio-Status-IDs (zum Beispiel 3 für „Versendet“). "
            "Leer lassen: alle.",
        ),
        "hcs_status": Param(
            None,
            type=["null", "array"],
            items={"type": "string", "enum": HCS_STATES},
            title="HCS-Stand",
            description="nicht_importiert: kein HCS-Auftrag; importiert: Auftrag ohne Lieferschein und Rechnung; "
            "geliefert: Lieferschein oder Sofortrechnung; berechnet: Rechnung oder Sofortrechnung. "
            "Leer lassen: alle.",
        ),
        "artikelnummern": Param(
            None,
            type=["null", "string"],
            maxLength=2000,
            title="Artikelnummern",
            description="Bestellungen mit mindestens einer dieser Artikelnummern: kommagetrennte Liste "
            "genauer Nummern (TEE-100, TEE-200) oder ein Muster mit * als Platzhalter (TEE-*).",
        ),
        "kunde": Param(
            None,
            type=["null", "string"],
            maxLength=100,
            title="Kunde",
            description="Text, der im Namen, in der Firma, in der E-Mail-Adresse oder im Ort vorkommt "
            "(Groß-/Kleinschreibung egal).",
        ),
        "betrag_von": Param(
            None,
            type=["null", "number"],
            minimum=0,
            title="Betrag von (brutto)",
            description="Kleinster Bestellwert brutto in Euro, einschließlich. Leer lassen: keine Untergrenze.",
        ),
        "betrag_bis": Param(
            None,
            type=["null", "number"],
            minimum=0,
            title="Betrag bis (brutto)",
            description="Größter Bestellwert brutto in Euro, einschließlich. Leer lassen: keine Obergrenze.",
        ),
        "mit_positionen": Param(
            False,
            type="boolean",
            title="Mit Positionen",
            description="Zusätzlich die Bestellpositionen ausgeben (eigenes Blatt bzw. eigene CSV-Datei).",
        ),
        "format": Param(
            "xlsx",
            type="string",
            enum=["xlsx", "csv"],
            title="Format",
            description="xlsx: Excel-Arbeitsmappe. csv: Textdatei mit ; als Trennzeichen "
            "(mit Positionen als ZIP-Datei).",
        ),
        "empfaenger": Param(
            None,
            type=["null", "array"],
            items={"type": "string"},
            title="Empfänger",
            description="E-Mail-Adressen, eine je Zeile. Leer lassen: die eingestellten Empfänger "
            "(mail_recipients). Nur freigegebene Adressen (report_recipients_allowed) sind erlaubt.",
        ),
    },
)
def webshop_spezialliste():
    @task(
        retries=0,
        doc_md="Prüft die Formularwerte und bestimmt den Zeitraum; ungültige Werte lassen den Task "
        "ohne Wiederholung fehlschlagen, die Meldung nennt Feld und Wert.",
    )
    def check_form() -> dict:
        from gambio_hcs_bridge.reporting.spezialliste import check_form_task

        context = get_current_context()
        return check_form_task(context["params"], context.get("logical_date"))

    @task(
        retries=2,
        retry_delay=timedelta(minutes=1),
        doc_md="Liest die Bestellungen seitenweise aus Gambio, ergänzt die HCS-Daten, schreibt die "
        "Datei und legt sie im Archivordner ab.",
    )
    def build_list(criteria: dict) -> dict:
        from gambio_hcs_bridge.reporting.spezialliste import build_list_task

        return build_list_task(criteria, get_current_context()["run_id"])

    @task(
        retries=3,
        retry_delay=timedelta(minutes=2),
        doc_md="Schickt die Spezialliste per E-Mail an die Empfänger; ohne Empfänger übersprungen.",
    )
    def mail_list(built: dict) -> None:
        from gambio_hcs_bridge.reporting.spezialliste import mail_list_task

        mail_list_task(built, get_current_context()["run_id"])

    @task(
        trigger_rule="all_done",
        doc_md="Löscht archivierte Protokolle und Listen, die älter als `archive_retention_days` Tage "
        "sind, und gibt den Inhalt des Archivs (Name, Größe, Datum) als XCom zurück.",
    )
    def clean_archive() -> dict:
        from gambio_hcs_bridge.reporting.spezialliste import clean_archive_task

        return clean_archive_task()

    built = build_list(check_form())
    built >> clean_archive()
    mail_list(built)


webshop_spezialliste()
