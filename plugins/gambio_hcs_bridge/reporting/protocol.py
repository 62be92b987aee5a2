"""Build the Übernahme-Protokoll (import protocol) of one import run as an .xlsx workbook.

The protocol is rebuilt from the HCS table ``import_protokoll`` alone (plus the orders and
positions it points to), so the protocol of any past run can be produced again, in German
or English. Reading is streamed: each sheet runs its own query and the workbook is
written row by row, so a large backfill run does not have to fit in memory.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from gambio_hcs_bridge.messages import CATALOGUE, Message, load_messages
from gambio_hcs_bridge.reporting.excel import (
    Column,
    SheetSpec,
    Typed,
    to_datetime,
    to_decimal,
    write_workbook,
)
from gambio_hcs_bridge.sql import load_sql, to_qmark

log = logging.getLogger(__name__)

IMPORTED = "importiert"
REJECTED = "abgelehnt"
PRESENT = "vorhanden"
GROWN = "gewachsen"
OUTCOMES = (IMPORTED, REJECTED, PRESENT, GROWN)

# magnalister platform (lower-case module name) -> name the shop staff know.
MARKETPLACE_NAMES = {
    "": "Shop",
    "shop": "Shop",
    "ebay": "eBay",
    "amazon": "Amazon",
    "hood": "Hood",
    "hitmeister": "Kaufland",
    "otto": "OTTO",
}

_OUTCOME_NAMES = {
    "de": {IMPORTED: "Importiert", REJECTED: "Abgelehnt", PRESENT: "Bereits vorhanden", GROWN: "Nach Übernahme geändert"},
    "en": {IMPORTED: "Imported", REJECTED: "Rejected", PRESENT: "Already present", GROWN: "Changed after import"},
}

_POSITION_KINDS = {
    "de": {"Gebuehr": "Gebühr"},
    "en": {
        "Artikel": "Article",
        "Freitext": "Free text",
        "Versand": "Shipping",
        "Gebuehr": "Fee",
        "Gutschein": "Voucher",
        "Rabatt": "Discount",
    },
}

_TEXTS = {
    "de": {
        "run_id": "Lauf-ID (Airflow)",
        "created_at": "Erstellt am",
        "logged_at": "Import protokolliert am",
        "orders": "Bestellungen gesamt",
        "total_gross": "Summe brutto der importierten Aufträge",
        "warnings": "Hinweise",
        "no_reason": "Für diese abgelehnte Bestellung ist kein Grund protokolliert.",
        "grown": "Die Bestellung wurde nach der Übernahme im Shop geändert; bitte den HCS-Auftrag prüfen.",
        "unreadable": "Die gespeicherten Meldungen dieser Bestellung sind nicht lesbar (kein gültiges JSON).",
        "unknown_code": "Unbekannte Meldung {code}",
        "unknown_outcome": "Unbekanntes Ergebnis „{value}“ im Import-Protokoll.",
    },
    "en": {
        "run_id": "Run ID (Airflow)",
        "created_at": "Created at",
        "logged_at": "Import logged at",
        "orders": "Orders in total",
        "total_gross": "Gross total of imported orders",
        "warnings": "Warnings",
        "no_reason": "No reason is recorded for this rejected order.",
        "grown": "The order changed in the shop after its import; please check the HCS order.",
        "unreadable": "The stored messages of this order cannot be read (invalid JSON).",
        "unknown_code": "Unknown message {code}",
        "unknown_outcome": "Unknown outcome '{value}' in the import log.",
    },
}

_SHOP_NO = Column("shop_bestellnr", "Shop-Nr.", "Shop no.", "int")
_HCS_ORDER = Column("auftrag_nr", "HCS-Auftrag", "HCS order no.", "int")
_MARKETPLACE = Column("marktplatz", "Marktplatz", "Marketplace")
_MARKETPLACE_IDS = Column("marktplatz_bestellnr", "Marktplatz-Bestellnr.", "Marketplace order no.")
_CUSTOMER = Column("kunde", "Kunde", "Customer")
_FIELD = Column("feld", "Feld", "Field")
_VALUE = Column("wert", "Wert", "Value")

SUMMARY_SHEET = SheetSpec(
    "Zusammenfassung",
    "Summary",
    (Column("angabe", "Angabe", "Item"), Column("wert", "Wert", "Value", width=40)),
)
IMPORTED_SHEET = SheetSpec(
    "Importiert",
    "Imported",
    (
        _SHOP_NO,
        _MARKETPLACE,
        _MARKETPLACE_IDS,
        _HCS_ORDER,
        Column("kunden_nr", "Kunden-Nr.", "Customer no.", "int"),
        _CUSTOMER,
        Column("auftragsdatum", "Auftragsdatum", "Order date", "datetime"),
        Column("summe_netto", "Netto", "Net", "money"),
        Column("summe_mwst", "MwSt.", "VAT", "money"),
        Column("summe_brutto", "Brutto", "Gross", "money"),
    ),
)
POSITIONS_SHEET = SheetSpec(
    "Positionen",
    "Positions",
    (
        _SHOP_NO,
        _HCS_ORDER,
        Column("pos_nr", "Pos.", "Line", "int"),
        Column("positionsart", "Art", "Type"),
        Column("artikel_nr", "Artikel-Nr.", "Article no."),
        Column("bezeichnung", "Bezeichnung", "Description"),
        Column("menge", "Menge", "Quantity", "qty"),
        Column("einzelpreis_brutto", "Einzelpreis brutto", "Unit price gross", "price"),
        Column("mwst_satz", "MwSt.-Satz %", "VAT rate %", "qty"),
        Column("betrag_netto", "Netto", "Net", "money"),
        Column("mwst_betrag", "MwSt.", "VAT", "money"),
        Column("betrag_brutto", "Brutto", "Gross", "money"),
    ),
)
REJECTED_SHEET = SheetSpec(
    "Abgelehnt",
    "Rejected",
    (_SHOP_NO, _MARKETPLACE, _MARKETPLACE_IDS, _CUSTOMER, _FIELD, _VALUE, Column("grund", "Grund", "Reason")),
)
WARNINGS_SHEET = SheetSpec(
    "Hinweise",
    "Warnings",
    (
        _SHOP_NO,
        Column("ergebnis", "Ergebnis", "Outcome"),
        _HCS_ORDER,
        _MARKETPLACE,
        _MARKETPLACE_IDS,
        _CUSTOMER,
        _FIELD,
        _VALUE,
        Column("hinweis", "Hinweis", "Warning"),
    ),
)
PRESENT_SHEET = SheetSpec(
    "Bereits vorhanden",
    "Already present",
    (_SHOP_NO, _HCS_ORDER, _MARKETPLACE, _MARKETPLACE_IDS, _CUSTOMER),
)

_FETCH_SIZE = 500
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class ProtocolSummary:
    """Counts and gross total of one import run's protocol, and where the workbook was written.

    ``created_at`` is naive local time of the shop's time zone, as in the workbook.
    """

    lauf_id: str
    created_at: datetime
    imported: int
    rejected: int
    present: int
    grown: int
    warnings: int
    total_gross: Decimal
    path: Path

    @property
    def orders(self) -> int:
        return self.imported + self.rejected + self.present + self.grown

    @property
    def needs_mail(self) -> bool:
        """True when the run changed something a person must see: imports, rejections, grown orders."""
        return self.imported > 0 or self.rejected > 0 or self.grown > 0

    def to_dict(self) -> dict[str, object]:
        """Return the summary as JSON-safe values for XCom. :meth:`from_dict` reverses it."""
        return {
            "lauf_id": self.lauf_id,
            "created_at": self.created_at.isoformat(),
            "imported": self.imported,
            "rejected": self.rejected,
            "present": self.present,
            "grown": self.grown,
            "warnings": self.warnings,
            "total_gross": str(self.total_gross),
            "path": str(self.path),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ProtocolSummary:
        return cls(
            lauf_id=str(data["lauf_id"]),
            created_at=datetime.fromisoformat(str(data["created_at"])),
            imported=int(data["imported"]),
            rejected=int(data["rejected"]),
            present=int(data["present"]),
            grown=int(data["grown"]),
            warnings=int(data["warnings"]),
            total_gross=Decimal(str(data["total_gross"])),
            path=Path(str(data["path"])),
        )


@dataclass(frozen=True)
class RunInfo:
    """One import run in ``import_protokoll``: its id, time span and outcome counts."""

    lauf_id: str
    first_logged: datetime | None
    last_logged: datetime | None
    imported: int
    rejected: int
    present: int
    grown: int

    @property
    def orders(self) -> int:
        return self.imported + self.rejected + self.present + self.grown


@dataclass(frozen=True)
class _Note:
    """One rendered message of one order."""

    kind: str
    field: str
    value: str
    text: str


def build_protocol(
    hcs_conn,
    lauf_id: str,
    language: str,
    path: Path,
    *,
    override_dir: str | Path | None = None,
    tz_name: str = "Europe/Berlin",
) -> ProtocolSummary:
    """Write the Übernahme-Protokoll of import run ``lauf_id`` to ``path`` and return its summary.

    ``hcs_conn`` is an open pyodbc connection; the function only reads and leaves the
    transaction to the caller. For a run without log rows, every data sheet contains only
    the row "Keine Treffer" and the summary's ``orders`` is 0.
    """
    if language not in _TEXTS:
        raise ValueError(f"Invalid language {language!r}, expected de or en")
    started = time.monotonic()
    created_at = datetime.now(ZoneInfo(tz_name)).replace(tzinfo=None, microsecond=0)
    reader = _ProtocolReader(hcs_conn, lauf_id, language, override_dir)

    # Pass 1 counts, so the summary sheet can come first in the workbook.
    outcomes: Counter[str] = Counter()
    last_logged: datetime | None = None
    for entry in reader.entries():
        outcomes[entry["ergebnis"]] += 1
        logged_at = entry["protokolliert_am"]
        if logged_at is not None and (last_logged is None or logged_at > last_logged):
            last_logged = logged_at
    warnings = sum(1 for _ in _warning_rows(reader.entries(), language))
    total_gross = Decimal(0)
    for order in reader.imported_orders():
        if order["summe_brutto"] is None:
            log.warning(
                "HCS order %s of shop order %s not found; the protocol shows the total logged at import",
                order["auftrag_nr"],
                order["shop_bestellnr"],
            )
        total_gross += _gross(order) or Decimal(0)

    summary = ProtocolSummary(
        lauf_id=lauf_id,
        created_at=created_at,
        imported=outcomes[IMPORTED],
        rejected=outcomes[REJECTED],
        present=outcomes[PRESENT],
        grown=outcomes[GROWN],
        warnings=warnings,
        total_gross=total_gross.quantize(_CENT, rounding=ROUND_HALF_UP),
        path=Path(path),
    )

    # Pass 2 writes the sheets. Each generator runs its query only when its sheet is written.
    sheets = [
        (SUMMARY_SHEET, _summary_rows(summary, last_logged, sum(outcomes.values()), language)),
        (IMPORTED_SHEET, _imported_rows(reader)),
        (POSITIONS_SHEET, _position_rows(reader.positions(), language)),
        (REJECTED_SHEET, _rejected_rows(reader.entries(), language)),
        (WARNINGS_SHEET, _warning_rows(reader.entries(), language)),
        (PRESENT_SHEET, _present_rows(reader.entries())),
    ]
    summary.path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(summary.path, sheets, language)

    log.info(
        "Built import protocol of run %s: %d imported, %d rejected, %d present, %d grown, %d warnings in %.1f s",
        lauf_id,
        summary.imported,
        summary.rejected,
        summary.present,
        summary.grown,
        summary.warnings,
        time.monotonic() - started,
    )
    return summary


def list_runs(hcs_conn, limit: int = 20, *, override_dir: str | Path | None = None) -> list[RunInfo]:
    """Return the ``limit`` most recently logged import runs, newest first, with outcome counts."""
    if limit < 1:
        raise ValueError(f"Invalid limit {limit}, expected 1 or more")
    runs = []
    for row in _query(hcs_conn, "protokoll_laeufe", {}, override_dir, max_rows=limit):
        runs.append(
            RunInfo(
                lauf_id=str(row["lauf_id"]),
                first_logged=to_datetime(row["erster_eintrag"]),
                last_logged=to_datetime(row["letzter_eintrag"]),
                imported=int(row["importiert"] or 0),
                rejected=int(row["abgelehnt"] or 0),
                present=int(row["vorhanden"] or 0),
                grown=int(row["gewachsen"] or 0),
            )
        )
    return runs


def marketplace_name(platform: str | None) -> str:
    """Return the display name of a magnalister platform. An unknown platform keeps its own name."""
    key = (platform or "").strip().lower()
    return MARKETPLACE_NAMES.get(key, (platform or "").strip())


def marketplace_ids(text: str | None) -> str:
    """Return newline-separated marketplace order ids (merged eBay orders) as one comma-separated line."""
    return ", ".join(part.strip() for part in (text or "").splitlines() if part.strip())


class _ProtocolReader:
    """Queries of one import run's protocol. Each method call starts a new query."""

    def __init__(self, hcs_conn, lauf_id: str, language: str, override_dir: str | Path | None):
        self.hcs_conn = hcs_conn
        self.lauf_id = lauf_id
        self.language = language
        self.override_dir = override_dir
        # The entries are read once per counting pass and once per sheet, but each order's
        # data problems are logged once.
        self._logged_orders: set[int] = set()

    def entries(self) -> Iterator[dict[str, object]]:
        """Yield the log rows of the run with their messages rendered as ``notes``."""
        for row in _query(self.hcs_conn, "protokoll_eintraege", {"lauf_id": self.lauf_id}, self.override_dir):
            entry = {
                "shop_bestellnr": int(row["shop_bestellnr"]),
                "ergebnis": str(row["ergebnis"] or "").strip(),
                "auftrag_nr": _optional_int(row["auftrag_nr"]),
                "marktplatz": marketplace_name(row["marktplatz"]),
                "marktplatz_bestellnr": marketplace_ids(row["marktplatz_bestellnr"]),
                "kunde": row["kunde"] or "",
                "protokolliert_am": to_datetime(row["protokolliert_am"]),
            }
            problems: list[str] = []
            entry["notes"] = _render_notes(entry, row["meldungen"], self.language, problems)
            if problems and entry["shop_bestellnr"] not in self._logged_orders:
                self._logged_orders.add(entry["shop_bestellnr"])
                for problem in problems:
                    log.warning("Shop order %s in import_protokoll of run %s: %s", entry["shop_bestellnr"], self.lauf_id, problem)
            yield entry

    def imported_orders(self) -> Iterator[dict[str, object]]:
        params = {"lauf_id": self.lauf_id, "ergebnis": IMPORTED}
        return _query(self.hcs_conn, "protokoll_importiert", params, self.override_dir)

    def positions(self) -> Iterator[dict[str, object]]:
        params = {"lauf_id": self.lauf_id, "ergebnis": IMPORTED}
        return _query(self.hcs_conn, "protokoll_positionen", params, self.override_dir)


def _query(
    hcs_conn,
    name: str,
    params: Mapping[str, object],
    override_dir: str | Path | None,
    max_rows: int | None = None,
) -> Iterator[dict[str, object]]:
    sql, values = to_qmark(load_sql("hcs", name, override_dir), params)
    cursor = hcs_conn.cursor()
    try:
        cursor.execute(sql, values)
        columns = [description[0].lower() for description in cursor.description]
        remaining = max_rows
        while remaining is None or remaining > 0:
            size = _FETCH_SIZE if remaining is None else min(_FETCH_SIZE, remaining)
            rows = cursor.fetchmany(size)
            if not rows:
                break
            if remaining is not None:
                remaining -= len(rows)
            for row in rows:
                yield dict(zip(columns, row, strict=True))
    finally:
        cursor.close()


def _summary_rows(
    summary: ProtocolSummary, last_logged: datetime | None, orders: int, language: str
) -> Iterator[dict[str, object]]:
    texts = _TEXTS[language]
    outcome_names = _OUTCOME_NAMES[language]
    items = [
        (texts["run_id"], Typed("text", summary.lauf_id)),
        (texts["created_at"], Typed("datetime", summary.created_at)),
        (texts["logged_at"], Typed("datetime", last_logged)),
        (outcome_names[IMPORTED], Typed("int", summary.imported)),
        (outcome_names[REJECTED], Typed("int", summary.rejected)),
        (outcome_names[PRESENT], Typed("int", summary.present)),
        (outcome_names[GROWN], Typed("int", summary.grown)),
        (texts["orders"], Typed("int", orders)),
        (texts["total_gross"], Typed("money", summary.total_gross)),
        (texts["warnings"], Typed("int", summary.warnings)),
    ]
    for label, value in items:
        yield {"angabe": label, "wert": value}


def _imported_rows(reader: _ProtocolReader) -> Iterator[dict[str, object]]:
    for row in reader.imported_orders():
        yield {
            "shop_bestellnr": int(row["shop_bestellnr"]),
            "marktplatz": marketplace_name(row["marktplatz"]),
            "marktplatz_bestellnr": marketplace_ids(row["marktplatz_bestellnr"]),
            "auftrag_nr": _optional_int(row["auftrag_nr"]),
            "kunden_nr": _optional_int(row["kunden_nr"]),
            "kunde": row["kunde"] or _customer_name(row),
            "auftragsdatum": to_datetime(row["auftragsdatum"]),
            "summe_netto": to_decimal(row["summe_netto"]),
            "summe_mwst": to_decimal(row["summe_mwst"]),
            "summe_brutto": _gross(row),
        }


def _gross(order: Mapping[str, object]) -> Decimal | None:
    # Without its HCS order (deleted since), the total logged at import time is all that is left.
    gross = to_decimal(order["summe_brutto"])
    return gross if gross is not None else to_decimal(order["protokoll_summe_brutto"])


def _position_rows(rows: Iterator[dict[str, object]], language: str) -> Iterator[dict[str, object]]:
    names = _POSITION_KINDS[language]
    for row in rows:
        kind = str(row["positionsart"] or "")
        yield {
            "shop_bestellnr": int(row["shop_bestellnr"]),
            "auftrag_nr": int(row["auftrag_nr"]),
            "pos_nr": int(row["pos_nr"]),
            "positionsart": names.get(kind, kind),
            "artikel_nr": row["artikel_nr"] or "",
            "bezeichnung": row["bezeichnung"] or "",
            "menge": to_decimal(row["menge"]),
            "einzelpreis_brutto": to_decimal(row["einzelpreis_brutto"]),
            "mwst_satz": to_decimal(row["mwst_satz"]),
            "betrag_netto": to_decimal(row["betrag_netto"]),
            "mwst_betrag": to_decimal(row["mwst_betrag"]),
            "betrag_brutto": to_decimal(row["betrag_brutto"]),
        }


def _rejected_rows(entries: Iterator[dict[str, object]], language: str) -> Iterator[dict[str, object]]:
    for entry in entries:
        if entry["ergebnis"] != REJECTED:
            continue
        reasons = [note for note in entry["notes"] if note.kind == "error"]
        if not reasons:
            reasons = [_Note("error", "", "", _TEXTS[language]["no_reason"])]
        for note in reasons:
            yield {
                "shop_bestellnr": entry["shop_bestellnr"],
                "marktplatz": entry["marktplatz"],
                "marktplatz_bestellnr": entry["marktplatz_bestellnr"],
                "kunde": entry["kunde"],
                "feld": note.field,
                "wert": note.value,
                "grund": note.text,
            }


def _warning_rows(entries: Iterator[dict[str, object]], language: str) -> Iterator[dict[str, object]]:
    """Yield one row per warning: warnings of every order, all notes of grown orders, odd outcomes."""
    texts = _TEXTS[language]
    for entry in entries:
        outcome = entry["ergebnis"]
        notes = entry["notes"]
        if outcome == REJECTED:
            # The reasons of a rejected order are on the rejected sheet.
            notes = [note for note in notes if note.kind != "error"]
        if outcome == GROWN and not notes:
            notes = [_Note("warning", "", "", texts["grown"])]
        if outcome not in OUTCOMES:
            notes = [_Note("warning", "ergebnis", outcome, texts["unknown_outcome"].format(value=outcome)), *notes]
        for note in notes:
            yield {
                "shop_bestellnr": entry["shop_bestellnr"],
                "ergebnis": _OUTCOME_NAMES[language].get(outcome, outcome),
                "auftrag_nr": entry["auftrag_nr"],
                "marktplatz": entry["marktplatz"],
                "marktplatz_bestellnr": entry["marktplatz_bestellnr"],
                "kunde": entry["kunde"],
                "feld": note.field,
                "wert": note.value,
                "hinweis": note.text,
            }


def _present_rows(entries: Iterator[dict[str, object]]) -> Iterator[dict[str, object]]:
    for entry in entries:
        if entry["ergebnis"] == PRESENT:
            yield {key: entry[key] for key in ("shop_bestellnr", "auftrag_nr", "marktplatz", "marktplatz_bestellnr", "kunde")}


def _render_notes(entry: Mapping[str, object], stored: str | None, language: str, problems: list[str]) -> list[_Note]:
    """Render the stored messages of one log row and append what is wrong with them to ``problems``."""
    if entry["ergebnis"] not in OUTCOMES:
        problems.append(f"unknown outcome {entry['ergebnis']!r}")
    try:
        messages = load_messages(stored)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        problems.append(f"meldungen is not a valid message list ({exc})")
        return [_Note("warning", "meldungen", "", _TEXTS[language]["unreadable"])]
    return [_render(message, entry, language, problems) for message in messages]


def _render(message: Message, entry: Mapping[str, object], language: str, problems: list[str]) -> _Note:
    if message.code in CATALOGUE:
        try:
            return _Note(message.kind, message.field, message.value, message.render(language))
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(f"message {message.code} cannot be rendered ({exc!r})")
    else:
        problems.append(f"unknown message code {message.code}")
    # A message from a newer or older version of the bridge: show what is known.
    kind = "error" if entry["ergebnis"] == REJECTED else "warning"
    details = json.dumps(dict(message.params), ensure_ascii=False) if message.params else ""
    text = " ".join(filter(None, (_TEXTS[language]["unknown_code"].format(code=message.code), details)))
    return _Note(kind, message.field, message.value, text)


def _customer_name(row: Mapping[str, object]) -> str:
    person = " ".join(filter(None, (row["vorname"], row["nachname"])))
    return ", ".join(filter(None, (row["firma"], person)))


def _optional_int(value: object) -> int | None:
    return None if value is None or value == "" else int(value)
