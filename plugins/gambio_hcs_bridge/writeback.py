"""Set the Gambio status of shop orders from the documents (Belege) HCS 2000 prints.

What each document does to its shop order:

- Lieferschein: its tracking code goes to ``orders_parcel_tracking_codes`` first, then the
  order moves to the shipped status ("Versendet").
- Rechnung: the order moves to the invoiced status ("Rechnung erstellt").
- Sofortrechnung: both, one history row each, "Versendet" first. An order that is already
  shipped gets only the invoice row.
- Storno and Gutschrift: the cancelled status, only with the setting ``cancel_writeback``
  and only for an order that is neither shipped nor invoiced. magnalister would send the
  cancellation to a marketplace that may already have the shipping confirmation, and a
  credit note may cover a partial return, so the shop staff decide.

A status never moves backwards: paid, handed over and every other status rank below
shipped, shipped below invoiced, and cancelled is final. An order already at or past the
target keeps its status.

For a magnalister order, "Rechnung erstellt" waits until ``magnalister_orders.orders_status``
shows the shipped status, because magnalister confirms shipping to the marketplace only
when its run finds the order in that status. The wait ends ``invoice_wait_minutes`` after the later
of the invoice's print time and the order's newest "Versendet" history row. Counting from
the "Versendet" write means a write-back that catches up after downtime still gives
magnalister its full wait. Orders the marketplace ships itself (Amazon FBA) do not wait.

Exactly once: every handled document gets one ``beleg_verarbeitung`` row in HCS, written
after the Gambio commit. A crash in between leaves the document unrecorded, and the rerun
finds the order at its target, so the guarded statements write nothing a second time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from gambio_hcs_bridge.settings import Settings
from gambio_hcs_bridge.sql import load_sql, qmark_batch, to_qmark
from gambio_hcs_bridge.statuses import resolve_status_id

log = logging.getLogger(__name__)

BATCH_SIZE = 500

# Values of beleg_verarbeitung.ergebnis. A waiting document gets no row.
GESCHRIEBEN = "geschrieben"
UNVERAENDERT = "unveraendert"
BESTELLUNG_FEHLT = "bestellung_fehlt"
IGNORIERT = "ignoriert"

# Status roles each document type moves its order to, in this order.
TARGET_ROLES: dict[str, tuple[str, ...]] = {
    "Lieferschein": ("shipped",),
    "Rechnung": ("invoiced",),
    "Sofortrechnung": ("shipped", "invoiced"),
    "Storno": ("cancelled",),
    "Gutschrift": ("cancelled",),
}

# Document types that go with a parcel, so their tracking code is written to Gambio.
PARCEL_BELEGARTEN = ("Lieferschein", "Sofortrechnung")

TRACKING_PLACEHOLDER = "{TRACKING_NUMBER}"
MELDUNG_WIDTH = 1000  # beleg_verarbeitung.meldung
PARCEL_SERVICE_NAME_WIDTH = 45  # orders_parcel_tracking_codes.parcel_service_name

_SQL_FILES = (
    "writeback_order_states",
    "writeback_parcel_services",
    "writeback_languages",
    "writeback_status_names",
    "writeback_tracking_code",
    "writeback_history",
    "writeback_status",
)

# History comments and meldungen, German by default and English by the setting ``language``.
TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "comment": "{document} {belegnummer}",
        "comment_tracking": ", Sendungsnummer {tracking_code}",
        "status_set": "Status „{name}“ ({status_id}) gesetzt.",
        "status_reached": "Status bleibt „{name}“ ({status_id}), weil die Bestellung schon so weit oder weiter ist.",
        "status_cancelled": "Status bleibt „{name}“ ({status_id}), weil die Bestellung storniert ist.",
        "cancel_refused": (
            "Status bleibt „{name}“ ({status_id}): Eine versendete oder berechnete Bestellung wird nicht "
            "automatisch storniert. Bitte im Shop prüfen."
        ),
        "tracking_added": "Sendungsnummer {tracking_code} eingetragen.",
        "tracking_present": "Sendungsnummer {tracking_code} war schon eingetragen.",
        "carrier_unknown": (
            "Versanddienstleister „{carrier}“ ist in Gambio nicht angelegt, daher fehlt der Link zur "
            "Sendungsverfolgung. Bitte den Versanddienstleister anlegen oder carrier_mapping ergänzen."
        ),
        "carrier_missing": "Der Beleg nennt keinen Versanddienstleister, daher fehlt der Link zur Sendungsverfolgung.",
        "carrier_mapping_invalid": (
            "carrier_mapping ordnet „{carrier}“ dem Versanddienstleister „{service}“ zu, der in Gambio nicht "
            "angelegt ist, daher fehlt der Link zur Sendungsverfolgung."
        ),
        "invoice_wait_over": (
            "magnalister hat den Versand nach {minutes} Minuten nicht bestätigt (magnalister_orders.orders_status "
            "{magnalister_status}). „{name}“ wurde trotzdem gesetzt. Bitte prüfen, ob der Marktplatz die "
            "Versandbestätigung erhalten hat."
        ),
        "order_missing": (
            "Die Shop-Bestellung {orders_id} gibt es in Gambio nicht mehr (gelöscht), daher wurde "
            "{document} {belegnummer} nicht übernommen."
        ),
        "cancel_off": "{document} {belegnummer} ändert den Shop-Status nicht, weil cancel_writeback ausgeschaltet ist.",
        "belegart_unknown": "Belegart „{belegart}“ ändert den Shop-Status nicht.",
    },
    "en": {
        "comment": "{document} {belegnummer}",
        "comment_tracking": ", tracking number {tracking_code}",
        "status_set": "Status '{name}' ({status_id}) set.",
        "status_reached": "Status stays '{name}' ({status_id}) because the order is already at or past it.",
        "status_cancelled": "Status stays '{name}' ({status_id}) because the order is cancelled.",
        "cancel_refused": (
            "Status stays '{name}' ({status_id}): a shipped or invoiced order is not cancelled automatically. "
            "Please check the order in the shop."
        ),
        "tracking_added": "Tracking number {tracking_code} added.",
        "tracking_present": "Tracking number {tracking_code} was already present.",
        "carrier_unknown": (
            "Carrier '{carrier}' does not exist in Gambio, so the tracking link is missing. "
            "Please add the carrier or extend carrier_mapping."
        ),
        "carrier_missing": "The document names no carrier, so the tracking link is missing.",
        "carrier_mapping_invalid": (
            "carrier_mapping maps '{carrier}' to the carrier '{service}', which does not exist in Gambio, "
            "so the tracking link is missing."
        ),
        "invoice_wait_over": (
            "magnalister did not confirm shipping within {minutes} minutes (magnalister_orders.orders_status "
            "{magnalister_status}). '{name}' was set anyway. Please check that the marketplace received the "
            "shipping confirmation."
        ),
        "order_missing": (
            "Shop order {orders_id} no longer exists in Gambio (deleted), so {document} {belegnummer} "
            "was not applied."
        ),
        "cancel_off": "{document} {belegnummer} does not change the shop status because cancel_writeback is off.",
        "belegart_unknown": "Document type '{belegart}' does not change the shop status.",
    },
}

DOCUMENT_NAMES: dict[str, dict[str, str]] = {
    "de": {},
    "en": {
        "Lieferschein": "Delivery note",
        "Rechnung": "Invoice",
        "Sofortrechnung": "Immediate invoice",
        "Storno": "Cancellation",
        "Gutschrift": "Credit note",
    },
}


# --- data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One HCS document (belege row) of a shop order."""

    beleg_id: int
    belegart: str
    belegnummer: str
    auftrag_nr: int
    gedruckt_am: datetime
    sendungsnummer: str
    versanddienstleister: str
    shop_bestellnr: int
    shipped_by_marketplace: bool


@dataclass
class OrderState:
    """Status, language and magnalister state of a Gambio order, updated as the run writes."""

    orders_id: int
    orders_status: int
    language: str
    magnalister_status: int | None  # None: not a magnalister order
    shipped_at: datetime | None


@dataclass(frozen=True)
class Record:
    """One beleg_verarbeitung row."""

    beleg_id: int
    shop_bestellnr: int
    ergebnis: str
    meldung: str
    verarbeitet_am: datetime


@dataclass(frozen=True)
class WritebackStatuses:
    """Gambio status ids of the three write-back roles and the order between them."""

    shipped: int
    invoiced: int
    cancelled: int

    def id_of(self, role: str) -> int:
        return getattr(self, role)

    def rank(self, status_id: int) -> int:
        """Rank of a status: 1 for any status before shipping, 2 shipped, 3 invoiced."""
        return {self.shipped: 2, self.invoiced: 3}.get(status_id, 1)

    def blocked(self, role: str) -> tuple[int, ...]:
        """Statuses from which an order must not move to ``role``: the SQL guard of a write."""
        if role == "shipped":
            return (self.shipped, self.invoiced, self.cancelled)
        if role == "invoiced":
            return (self.invoiced, self.cancelled)
        return (self.cancelled, self.shipped, self.invoiced)


@dataclass(frozen=True)
class ParcelService:
    """A Gambio carrier with its tracking url and customer text per language id."""

    parcel_service_id: int
    name: str
    descriptions: Mapping[int, tuple[str, str]]


@dataclass(frozen=True)
class CarrierMatch:
    """The Gambio carrier of a document, or why there is none (a TEXTS key)."""

    service: ParcelService | None
    name: str
    problem: str | None = None


@dataclass
class WritebackSummary:
    documents: int = 0
    geschrieben: int = 0
    unveraendert: int = 0
    bestellung_fehlt: int = 0
    ignoriert: int = 0
    waiting: int = 0
    history_rows: int = 0
    tracking_rows: int = 0
    warnings: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Run:
    """Everything one write-back run reads once and every document uses."""

    statuses: WritebackStatuses
    services: dict[str, ParcelService]
    carrier_mapping: dict[str, str]
    language_ids_by_directory: dict[str, int]
    language_id: int | None
    status_names: dict[int, str]
    texts: dict[str, str]
    document_names: dict[str, str]
    cancel_writeback: bool
    invoice_wait_minutes: int
    now: datetime
    sql: dict[str, str]
    summary: WritebackSummary = field(default_factory=WritebackSummary)

    def text(self, key: str, **values) -> str:
        return self.texts[key].format(**values)

    def document_name(self, doc: Document) -> str:
        return self.document_names.get(doc.belegart, doc.belegart)

    def status_name(self, status_id: int) -> str:
        return self.status_names.get(status_id, str(status_id))

    def order_language_id(self, state: OrderState) -> int | None:
        return self.language_ids_by_directory.get(state.language, self.language_id)


class _Waiting:
    """Outcome of a document that waits for magnalister.

    It gets no beleg_verarbeitung row, so the next run reads it again.
    """


WAITING = _Waiting()


# --- the run -----------------------------------------------------------------------------


def write_back_statuses(
    gambio_conn,
    hcs_conn,
    settings: Settings,
    *,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> WritebackSummary:
    """Apply every HCS document not yet recorded in beleg_verarbeitung to its Gambio order.

    ``gambio_conn`` is a MySQLdb connection, ``hcs_conn`` a pyodbc connection with
    autocommit off. ``now`` is the shop's local time without zone (default: the clock in
    ``shop_timezone``); it stamps the history rows and decides whether an invoice still waits.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    started = time.monotonic()
    if now is None:
        now = datetime.now(settings.tz).replace(tzinfo=None, microsecond=0)
    run = _prepare_run(gambio_conn, settings, now)

    after = 0
    while True:
        documents = read_open_documents(hcs_conn, after, batch_size, settings.sql_override_dir)
        if not documents:
            break
        after = documents[-1].beleg_id
        records = _process_batch(gambio_conn, documents, run, settings.sql_override_dir)
        record_documents(hcs_conn, records, settings.sql_override_dir)
        if len(documents) < batch_size:
            break

    summary = run.summary
    summary.seconds = round(time.monotonic() - started, 3)
    log.info(
        "Status write-back: %d documents, %d written, %d unchanged, %d order missing, %d ignored, %d waiting; "
        "%d history rows, %d tracking codes, %d warnings; %.1f s",
        summary.documents, summary.geschrieben, summary.unveraendert, summary.bestellung_fehlt,
        summary.ignoriert, summary.waiting, summary.history_rows, summary.tracking_rows, summary.warnings,
        summary.seconds,
    )
    return summary


def _prepare_run(gambio_conn, settings: Settings, now: datetime) -> _Run:
    override_dir = settings.sql_override_dir
    sql = {name: load_sql("gambio", name, override_dir) for name in _SQL_FILES}
    statuses = resolve_writeback_statuses(gambio_conn, settings)

    cursor = gambio_conn.cursor()
    cursor.execute(sql["writeback_languages"])
    languages = [(int(language_id), code, directory or "") for language_id, code, directory in cursor.fetchall()]
    status_ids = (statuses.shipped, statuses.invoiced, statuses.cancelled)
    cursor.execute(sql["writeback_status_names"], {"status_ids": status_ids})
    name_rows = cursor.fetchall()
    cursor.close()
    gambio_conn.commit()

    language_id = next((language_id for language_id, code, _ in languages if code == settings.language), None)
    names: dict[int, str] = {}
    for status_id, _, name in sorted(name_rows, key=lambda row: row[1] != language_id):
        names.setdefault(int(status_id), name)

    return _Run(
        statuses=statuses,
        services=load_parcel_services(gambio_conn, override_dir),
        carrier_mapping=dict(settings.carriers),
        language_ids_by_directory={directory: language_id for language_id, _, directory in languages if directory},
        language_id=language_id,
        status_names=names,
        texts=TEXTS[settings.language],
        document_names=DOCUMENT_NAMES[settings.language],
        cancel_writeback=settings.cancel_writeback,
        invoice_wait_minutes=settings.invoice_wait_minutes,
        now=now,
        sql=sql,
    )


def resolve_writeback_statuses(gambio_conn, settings: Settings) -> WritebackStatuses:
    """Resolve the shipped, invoiced and cancelled roles of the settings to Gambio status ids."""
    ids = {
        role: resolve_status_id(gambio_conn, settings.status_setting(role))
        for role in ("shipped", "invoiced", "cancelled")
    }
    gambio_conn.commit()
    if len(set(ids.values())) < len(ids):
        raise ValueError(
            "status_shipped, status_invoiced and status_cancelled must be three different Gambio statuses, "
            f"got {ids['shipped']}, {ids['invoiced']} and {ids['cancelled']}"
        )
    return WritebackStatuses(**ids)


def _process_batch(gambio_conn, documents: Sequence[Document], run: _Run, override_dir) -> list[Record]:
    states = read_order_states(
        gambio_conn, {doc.shop_bestellnr for doc in documents}, run.statuses.shipped, override_dir
    )
    by_order: dict[int, list[Document]] = {}
    for doc in documents:
        by_order.setdefault(doc.shop_bestellnr, []).append(doc)

    records: list[Record] = []
    for orders_id, order_documents in by_order.items():
        records.extend(_process_order(gambio_conn, order_documents, states.get(orders_id), run))
    records.sort(key=lambda record: record.beleg_id)
    return records


def _process_order(gambio_conn, documents: Sequence[Document], state: OrderState | None, run: _Run) -> list[Record]:
    """Apply one order's documents in beleg_id order, all Gambio writes in one transaction."""
    records = []
    cursor = gambio_conn.cursor()
    gambio_conn.begin()
    try:
        for doc in documents:
            outcome = _handle_document(cursor, doc, state, run)
            run.summary.documents += 1
            if outcome is WAITING:
                run.summary.waiting += 1
                continue
            ergebnis, notes = outcome
            setattr(run.summary, ergebnis, getattr(run.summary, ergebnis) + 1)
            meldung = " ".join(notes)[:MELDUNG_WIDTH]
            records.append(Record(doc.beleg_id, doc.shop_bestellnr, ergebnis, meldung, run.now))
        gambio_conn.commit()
    except BaseException:
        # On MyISAM what ran stays written, and the guards make the rerun skip it.
        gambio_conn.rollback()
        raise
    finally:
        cursor.close()
    return records


def _handle_document(cursor, doc: Document, state: OrderState | None, run: _Run):
    """Write what ``doc`` means for its order and return (ergebnis, meldung parts), or WAITING."""
    document = run.document_name(doc)
    roles = TARGET_ROLES.get(doc.belegart)
    if roles is None:
        return IGNORIERT, [run.text("belegart_unknown", belegart=doc.belegart)]
    if roles == ("cancelled",) and not run.cancel_writeback:
        return IGNORIERT, [run.text("cancel_off", document=document, belegnummer=doc.belegnummer)]
    if state is None:
        log.warning(
            "Shop order %s of HCS order %s no longer exists in Gambio; recorded %s %s (beleg_id %s) as order missing",
            doc.shop_bestellnr, doc.auftrag_nr, doc.belegart, doc.belegnummer, doc.beleg_id,
        )
        run.summary.warnings += 1
        return BESTELLUNG_FEHLT, [
            run.text("order_missing", orders_id=doc.shop_bestellnr, document=document, belegnummer=doc.belegnummer)
        ]

    notes: list[str] = []
    written = False
    carrier_name = ""
    tracking_code = doc.sendungsnummer.strip()
    if doc.belegart in PARCEL_BELEGARTEN and tracking_code:
        inserted, carrier_name = _add_tracking_code(cursor, doc, state, run, notes)
        written = written or inserted

    status_noted = False
    for role in roles:
        step = _next_step(role, state.orders_status, run.statuses)
        if step == "refuse":
            current = state.orders_status
            notes.append(run.text("cancel_refused", name=run.status_name(current), status_id=current))
            log.warning(
                "%s %s (beleg_id %s) not applied: shop order %s is in status %s, which is not cancelled automatically",
                doc.belegart, doc.belegnummer, doc.beleg_id, state.orders_id, state.orders_status,
            )
            run.summary.warnings += 1
            status_noted = True
        if step != "move":
            continue

        if role == "invoiced":
            wait = _invoice_wait(doc, state, run)
            if wait == "wait":
                log.debug(
                    "%s (beleg_id %s) waits for magnalister on shop order %s",
                    doc.belegnummer, doc.beleg_id, state.orders_id,
                )
                return WAITING
            if wait == "over":
                notes.append(run.text(
                    "invoice_wait_over", minutes=run.invoice_wait_minutes, magnalister_status=state.magnalister_status,
                    name=run.status_name(run.statuses.invoiced),
                ))
                log.warning(
                    "magnalister did not confirm shipping of shop order %s within %d minutes (magnalister status %s); "
                    "setting status %s for %s (beleg_id %s) anyway",
                    state.orders_id, run.invoice_wait_minutes, state.magnalister_status, run.statuses.invoiced,
                    doc.belegnummer, doc.beleg_id,
                )
                run.summary.warnings += 1

        comment = run.text("comment", document=document, belegnummer=doc.belegnummer)
        if role == "shipped" and tracking_code:
            comment += run.text("comment_tracking", tracking_code=tracking_code)
            if carrier_name:
                comment += f" ({carrier_name})"
        if _move_status(cursor, state, role, comment, run):
            written = True
            status_id = run.statuses.id_of(role)
            notes.append(run.text("status_set", name=run.status_name(status_id), status_id=status_id))
            status_noted = True

    if not status_noted:
        key = "status_cancelled" if state.orders_status == run.statuses.cancelled else "status_reached"
        notes.insert(0, run.text(key, name=run.status_name(state.orders_status), status_id=state.orders_status))
    return (GESCHRIEBEN if written else UNVERAENDERT), notes


def _next_step(role: str, current: int, statuses: WritebackStatuses) -> str:
    """Return "move", "reached" (at or past the target, or cancelled) or "refuse" (no automatic cancel)."""
    if current == statuses.cancelled:
        return "reached"
    rank = statuses.rank(current)
    if role == "cancelled":
        return "move" if rank == 1 else "refuse"
    return "move" if rank < statuses.rank(statuses.id_of(role)) else "reached"


def _invoice_wait(doc: Document, state: OrderState, run: _Run) -> str | None:
    """Return "wait" while magnalister has not confirmed shipping, "over" after the wait, else None."""
    if state.magnalister_status is None or doc.shipped_by_marketplace or run.invoice_wait_minutes == 0:
        return None
    if state.magnalister_status == run.statuses.shipped:
        return None
    wait_from = doc.gedruckt_am if state.shipped_at is None else max(doc.gedruckt_am, state.shipped_at)
    if run.now < wait_from + timedelta(minutes=run.invoice_wait_minutes):
        return "wait"
    return "over"


def _move_status(cursor, state: OrderState, role: str, comment: str, run: _Run) -> bool:
    """Write the history row, then the status, both guarded, and return whether a row changed."""
    status_id = run.statuses.id_of(role)
    params = {
        "orders_id": state.orders_id,
        "status_id": status_id,
        "blocked_status_ids": run.statuses.blocked(role),
        "changed_at": run.now,
        "comments": comment,
    }
    cursor.execute(run.sql["writeback_history"], params)
    history_rows = cursor.rowcount
    cursor.execute(run.sql["writeback_status"], params)
    moved = cursor.rowcount

    run.summary.history_rows += history_rows
    if moved:
        state.orders_status = status_id
        if role == "shipped":
            state.shipped_at = run.now
    return bool(history_rows or moved)


def _add_tracking_code(cursor, doc: Document, state: OrderState, run: _Run, notes: list[str]) -> tuple[bool, str]:
    """Insert the document's tracking code unless the order has it, and return (inserted, carrier name)."""
    tracking_code = doc.sendungsnummer.strip()
    match = resolve_carrier(doc.versanddienstleister, run.services, run.carrier_mapping)
    language_id = run.order_language_id(state)
    url, customer_text = "", ""
    if match.service is not None:
        language_id, (template, customer_text) = _description(match.service, language_id, run.language_id)
        url = template.replace(TRACKING_PLACEHOLDER, quote(tracking_code, safe=""))

    cursor.execute(run.sql["writeback_tracking_code"], {
        "orders_id": state.orders_id,
        "tracking_code": tracking_code,
        "parcel_service_id": match.service.parcel_service_id if match.service else 0,
        "parcel_service_name": match.name,
        "language_id": language_id or 0,
        "url": url,
        "comment": customer_text,
    })
    inserted = cursor.rowcount == 1
    run.summary.tracking_rows += cursor.rowcount

    if inserted and match.problem:
        notes.append(run.text(match.problem, carrier=doc.versanddienstleister.strip(), service=match.name))
        log.warning(
            "Tracking code of %s (beleg_id %s) added to shop order %s without a Gambio carrier: %s (carrier %r)",
            doc.belegnummer, doc.beleg_id, state.orders_id, match.problem, doc.versanddienstleister.strip(),
        )
        run.summary.warnings += 1
    notes.append(run.text("tracking_added" if inserted else "tracking_present", tracking_code=tracking_code))
    return inserted, match.name


def _description(
    service: ParcelService, order_language_id: int | None, language_id: int | None
) -> tuple[int, tuple[str, str]]:
    """Pick the carrier's url and text in the order's language, else the settings' language, else any."""
    for candidate in (order_language_id, language_id):
        if candidate in service.descriptions:
            return candidate, service.descriptions[candidate]
    if service.descriptions:
        first = min(service.descriptions)
        return first, service.descriptions[first]
    return order_language_id or language_id or 0, ("", "")


# --- carriers ----------------------------------------------------------------------------


def resolve_carrier(carrier: str, services: Mapping[str, ParcelService], mapping: Mapping[str, str]) -> CarrierMatch:
    """Find the Gambio carrier of an HCS carrier name (belege.versanddienstleister).

    ``mapping`` (HCS name -> Gambio name) is tried first, then the Gambio names. Both match
    the whole name, trimmed and ignoring case, and never a part of it: "DHL Express" is not
    "DHL". ``services`` is keyed by the folded Gambio name (see :func:`load_parcel_services`).
    Without a match the HCS name is kept for ``parcel_service_name`` and ``problem`` names the reason.
    """
    text = carrier.strip()
    if not text:
        return CarrierMatch(None, "", "carrier_missing")

    mapped = {key.strip().casefold(): value.strip() for key, value in mapping.items()}.get(text.casefold())
    if mapped is not None:
        service = services.get(mapped.casefold())
        if service is None:
            return CarrierMatch(None, mapped[:PARCEL_SERVICE_NAME_WIDTH], "carrier_mapping_invalid")
        return CarrierMatch(service, service.name)

    service = services.get(text.casefold())
    if service is None:
        return CarrierMatch(None, text[:PARCEL_SERVICE_NAME_WIDTH], "carrier_unknown")
    return CarrierMatch(service, service.name)


def load_parcel_services(gambio_conn, override_dir: str | None = None) -> dict[str, ParcelService]:
    """Read the shop's carriers, keyed by their name trimmed and folded for case.

    Of two carriers with the same name the one with the lower parcel_service_id wins.
    """
    cursor = gambio_conn.cursor()
    cursor.execute(load_sql("gambio", "writeback_parcel_services", override_dir))
    rows = cursor.fetchall()
    cursor.close()
    gambio_conn.commit()

    names: dict[int, str] = {}
    descriptions: dict[int, dict[int, tuple[str, str]]] = {}
    for parcel_service_id, name, language_id, url, comment in rows:
        names[int(parcel_service_id)] = name
        entries = descriptions.setdefault(int(parcel_service_id), {})
        if language_id is not None:
            entries[int(language_id)] = (url or "", comment or "")

    services: dict[str, ParcelService] = {}
    for parcel_service_id in sorted(names):
        key = names[parcel_service_id].strip().casefold()
        if key and key not in services:
            services[key] = ParcelService(parcel_service_id, names[parcel_service_id], descriptions[parcel_service_id])
    return services


# --- reading and recording -----------------------------------------------------------------


def read_open_documents(hcs_conn, after_beleg_id: int, limit: int, override_dir: str | None = None) -> list[Document]:
    """Return up to ``limit`` unrecorded documents of shop orders with beleg_id above ``after_beleg_id``."""
    sql, values = to_qmark(
        load_sql("hcs", "belege_offen", override_dir), {"nach_beleg_id": after_beleg_id, "anzahl": limit}
    )
    cursor = hcs_conn.cursor()
    try:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    finally:
        cursor.close()
        # Ends the read transaction, so WinHCS printing at the same time is not held up.
        hcs_conn.commit()
    return [
        Document(
            beleg_id=int(row.beleg_id),
            belegart=str(row.belegart).strip(),
            belegnummer=str(row.belegnummer),
            auftrag_nr=int(row.auftrag_nr),
            gedruckt_am=_as_datetime(row.gedruckt_am),
            sendungsnummer=str(row.sendungsnummer or ""),
            versanddienstleister=str(row.versanddienstleister or ""),
            shop_bestellnr=int(row.shop_bestellnr),
            shipped_by_marketplace=int(row.versand_durch_marktplatz or 0) == 1,
        )
        for row in rows
    ]


def read_order_states(
    gambio_conn, orders_ids: Iterable[int], shipped_status_id: int, override_dir: str | None = None
) -> dict[int, OrderState]:
    """Read status, language and magnalister state of the given Gambio orders in one query.

    Orders missing from the result no longer exist in the shop.
    """
    ids = tuple(sorted(set(orders_ids)))
    if not ids:
        return {}
    cursor = gambio_conn.cursor()
    cursor.execute(
        load_sql("gambio", "writeback_order_states", override_dir),
        {"orders_ids": ids, "shipped_status_id": shipped_status_id},
    )
    rows = cursor.fetchall()
    cursor.close()
    # Ends the read snapshot, so the next batch sees what this run has committed.
    gambio_conn.commit()
    return {
        int(orders_id): OrderState(
            orders_id=int(orders_id),
            orders_status=int(orders_status),
            language=language or "",
            magnalister_status=None if magnalister_status is None else int(magnalister_status),
            shipped_at=shipped_at if isinstance(shipped_at, datetime) else None,
        )
        for orders_id, orders_status, language, magnalister_status, shipped_at in rows
    }


def record_documents(hcs_conn, records: Sequence[Record], override_dir: str | None = None) -> None:
    """Insert the beleg_verarbeitung rows of handled documents in one HCS transaction.

    A document recorded by a concurrent run makes the insert fail on the primary key. The
    task then fails, and its retry finds the document recorded and the order unchanged.
    """
    if not records:
        return
    sql, rows = qmark_batch(
        load_sql("hcs", "beleg_verarbeitung_schreiben", override_dir),
        [
            {
                "beleg_id": record.beleg_id,
                "shop_bestellnr": record.shop_bestellnr,
                "ergebnis": record.ergebnis,
                "meldung": record.meldung,
                "verarbeitet_am": record.verarbeitet_am,
            }
            for record in records
        ],
    )
    cursor = hcs_conn.cursor()
    try:
        # No fast_executemany: it crashes the SQLite3 ODBC driver.
        cursor.executemany(sql, rows)
        hcs_conn.commit()
    except BaseException:
        hcs_conn.rollback()
        raise
    finally:
        cursor.close()


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


__all__ = [
    "BESTELLUNG_FEHLT",
    "CarrierMatch",
    "Document",
    "GESCHRIEBEN",
    "IGNORIERT",
    "OrderState",
    "ParcelService",
    "Record",
    "UNVERAENDERT",
    "WritebackStatuses",
    "WritebackSummary",
    "load_parcel_services",
    "read_open_documents",
    "read_order_states",
    "record_documents",
    "resolve_carrier",
    "resolve_writeback_statuses",
    "write_back_statuses",
]
