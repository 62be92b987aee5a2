"""Spezialliste: a selection of web-shop orders across Gambio and HCS, as .xlsx or CSV.

Plain functions for the DAG ``webshop_spezialliste``: :func:`parse_form` checks the trigger
form, :func:`select_orders` streams the matching orders, :func:`write_xlsx` and
:func:`write_csv` write them, :func:`send_list_mail` mails the file.

Memory stays bounded: Gambio is read in pages of :data:`PAGE_SIZE` orders (keyset pagination
by ``orders_id``), and the HCS facts of each page are read with bound ``IN`` lists. Only the
ids of the matched orders (for the positions sheet) and the summary per marketplace and
month are kept for the whole run.

The HCS state filter (``hcs_status``) is applied in Python after the HCS lookup of a page,
because Gambio and HCS are separate databases.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from gambio_hcs_bridge.reporting.protocol import marketplace_ids, marketplace_name
from gambio_hcs_bridge.sql import load_sql, to_qmark

log = logging.getLogger(__name__)

MARKETPLACES = ("shop", "ebay", "amazon", "hood", "hitmeister", "otto")
HCS_STATES = ("nicht_importiert", "importiert", "geliefert", "berechnet")
FORMATS = ("xlsx", "csv")
ARCHIVE_PREFIX = "spezialliste"

# Orders per Gambio page and per HCS IN list. SQLite before 3.32 allows 999 bound values.
PAGE_SIZE = 500
MAX_CUSTOMER_TEXT = 100
MAX_SKUS = 200
MAX_SKU_LENGTH = 64
# A wildcard pattern may use only these characters (and * as wildcard), so it cannot carry
# LIKE syntax or quotes. The exact SKU list takes any text because it is compared with =.
_SKU_PATTERN = re.compile(r"^[A-Za-z0-9 ._/+*-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

FIELD_TITLES = {
    "datum_von": "Kaufdatum von",
    "datum_bis": "Kaufdatum bis",
    "marktplaetze": "Marktplätze",
    "gambio_status": "Gambio-Status",
    "hcs_status": "HCS-Stand",
    "artikelnummern": "Artikelnummern",
    "kunde": "Kunde",
    "betrag_von": "Betrag von (brutto)",
    "betrag_bis": "Betrag bis (brutto)",
    "mit_positionen": "Mit Positionen",
    "format": "Format",
    "empfaenger": "Empfänger",
}


class FormError(ValueError):
    """Raised for invalid trigger-form values; the message lists one German sentence per field."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class Criteria:
    """The checked selection of one Spezialliste. Dates are shop-local, ``date_to`` inclusive."""

    date_from: date
    date_to: date
    marketplaces: tuple[str, ...] = ()
    gambio_statuses: tuple[int, ...] = ()
    hcs_states: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    sku_pattern: str | None = None
    customer: str = ""
    gross_min: Decimal | None = None
    gross_max: Decimal | None = None
    with_positions: bool = False
    output_format: str = "xlsx"
    recipients: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the criteria as JSON-compatible values, for XCom."""
        data = asdict(self)
        data["date_from"] = self.date_from.isoformat()
        data["date_to"] = self.date_to.isoformat()
        for key in ("gross_min", "gross_max"):
            data[key] = None if data[key] is None else str(data[key])
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Criteria:
        values = dict(data)
        values["date_from"] = date.fromisoformat(str(values["date_from"]))
        values["date_to"] = date.fromisoformat(str(values["date_to"]))
        for key in ("gross_min", "gross_max"):
            values[key] = None if values.get(key) is None else Decimal(str(values[key]))
        for key in ("marketplaces", "gambio_statuses", "hcs_states", "skus", "recipients"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)


# --- trigger form -----------------------------------------------------------------------------


def previous_month(moment: datetime | None, tz: ZoneInfo) -> tuple[date, date]:
    """Return the first and last day of the calendar month before ``moment`` in the shop's time zone."""
    first_this_month = _local_now(moment, tz).date().replace(day=1)
    last = first_this_month - timedelta(days=1)
    return last.replace(day=1), last


def _local_now(moment: datetime | None, tz: ZoneInfo) -> datetime:
    # A naive moment is taken as shop-local already.
    if moment is None:
        return datetime.now(tz)
    return moment.astimezone(tz) if moment.tzinfo else moment


def parse_form(
    params: Mapping[str, object],
    *,
    allowed_recipients: Sequence[str],
    default_recipients: Sequence[str],
    tz: ZoneInfo,
    now: datetime | None = None,
) -> Criteria:
    """Check the trigger-form values and return the :class:`Criteria`.

    ``now`` (the run's logical date) fixes the default period, the previous calendar month in
    ``tz``. Raises :class:`FormError` naming every invalid field with its value.
    """
    problems: list[str] = []

    def fail(key: str, text: str, value: object) -> None:
        problems.append(f"Feld „{FIELD_TITLES[key]}“: {text}, erhalten: {value!r}.")

    date_from = _date(params.get("datum_von"), "datum_von", fail)
    date_to = _date(params.get("datum_bis"), "datum_bis", fail)
    if date_from is None and date_to is None:
        date_from, date_to = previous_month(now, tz)
    elif date_from is None:
        # Only an end date: the list starts on the first day of that month.
        date_from = date_to.replace(day=1)
    elif date_to is None:
        # Only a start date: the list runs up to today in the shop's time zone.
        date_to = max(date_from, _local_now(now, tz).date())
    if date_from > date_to:
        fail("datum_bis", f"darf nicht vor „Kaufdatum von“ ({date_from:%d.%m.%Y}) liegen", params.get("datum_bis"))

    marketplaces = _choices(params.get("marktplaetze"), "marktplaetze", MARKETPLACES, fail)
    hcs_states = _choices(params.get("hcs_status"), "hcs_status", HCS_STATES, fail)
    statuses = _status_ids(params.get("gambio_status"), fail)
    skus, sku_pattern = _skus(params.get("artikelnummern"), fail)
    customer = _customer(params.get("kunde"), fail)

    gross_min = _amount(params.get("betrag_von"), "betrag_von", fail)
    gross_max = _amount(params.get("betrag_bis"), "betrag_bis", fail)
    if gross_min is not None and gross_max is not None and gross_min > gross_max:
        fail("betrag_bis", f"muss mindestens so groß sein wie „Betrag von“ ({gross_min})", params.get("betrag_bis"))

    with_positions = params.get("mit_positionen", False)
    if not isinstance(with_positions, bool):
        fail("mit_positionen", "muss ja oder nein (true/false) sein", with_positions)
        with_positions = False

    output_format = params.get("format") or "xlsx"
    if output_format not in FORMATS:
        fail("format", "muss xlsx oder csv sein", output_format)
        output_format = "xlsx"

    recipients = _recipients(params.get("empfaenger"), allowed_recipients, default_recipients, fail)

    if problems:
        raise FormError(problems)
    return Criteria(
        date_from=date_from,
        date_to=date_to,
        marketplaces=marketplaces,
        gambio_statuses=statuses,
        hcs_states=hcs_states,
        skus=skus,
        sku_pattern=sku_pattern,
        customer=customer,
        gross_min=gross_min,
        gross_max=gross_max,
        with_positions=with_positions,
        output_format=output_format,
        recipients=recipients,
    )


def _date(value: object, key: str, fail) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        fail(key, "muss ein Datum im Format JJJJ-MM-TT sein", value)
        return None


def _as_list(value: object, key: str, fail) -> list:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        fail(key, "muss eine Liste sein", value)
        return []
    return list(value)


def _choices(value: object, key: str, allowed: tuple[str, ...], fail) -> tuple[str, ...]:
    chosen = []
    for item in _as_list(value, key, fail):
        if item not in allowed:
            fail(key, "erlaubt sind nur " + ", ".join(allowed), item)
        elif item not in chosen:
            chosen.append(item)
    return tuple(chosen)


def _status_ids(value: object, fail) -> tuple[int, ...]:
    ids = []
    for item in _as_list(value, "gambio_status", fail):
        if isinstance(item, bool) or not (isinstance(item, int) or (isinstance(item, str) and item.strip().isdigit())):
            fail("gambio_status", "muss eine Status-ID (ganze Zahl ≥ 0) sein", item)
            continue
        number = int(item)
        if number < 0:
            fail("gambio_status", "muss eine Status-ID (ganze Zahl ≥ 0) sein", item)
        elif number not in ids:
            ids.append(number)
    return tuple(ids)


def _skus(value: object, fail) -> tuple[tuple[str, ...], str | None]:
    if value is None:
        return (), None
    if not isinstance(value, str):
        fail("artikelnummern", "muss Text sein", value)
        return (), None
    text = value.strip()
    if not text:
        return (), None
    if "*" in text:
        if "," in text:
            fail("artikelnummern", "ein Muster mit * ist nur allein erlaubt, nicht in einer Liste", value)
        elif len(text) > MAX_SKU_LENGTH or not _SKU_PATTERN.match(text):
            fail(
                "artikelnummern",
                f"ein Muster darf nur Buchstaben, Ziffern, Leerzeichen, . _ / + - und * enthalten "
                f"und höchstens {MAX_SKU_LENGTH} Zeichen lang sein",
                value,
            )
        else:
            return (), text
        return (), None
    skus = []
    for part in text.split(","):
        sku = part.strip()
        if not sku:
            continue
        if len(sku) > MAX_SKU_LENGTH:
            fail("artikelnummern", f"eine Artikelnummer hat höchstens {MAX_SKU_LENGTH} Zeichen", sku)
        elif sku not in skus:
            skus.append(sku)
    if len(skus) > MAX_SKUS:
        fail("artikelnummern", f"höchstens {MAX_SKUS} Artikelnummern", f"{len(skus)} Artikelnummern")
    return tuple(skus), None


def _customer(value: object, fail) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        fail("kunde", "muss Text sein", value)
        return ""
    text = value.strip()
    if len(text) > MAX_CUSTOMER_TEXT:
        fail("kunde", f"höchstens {MAX_CUSTOMER_TEXT} Zeichen", value)
    return text


def _amount(value: object, key: str, fail) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = None
    if not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number < 0:
        fail(key, "muss eine Zahl ≥ 0 sein", value)
        return None
    return number


def _recipients(value: object, allowed: Sequence[str], default: Sequence[str], fail) -> tuple[str, ...]:
    chosen = []
    allowed_lower = {address.lower() for address in allowed}
    for item in _as_list(value, "empfaenger", fail):
        address = item.strip() if isinstance(item, str) else item
        if not isinstance(address, str) or not _EMAIL.match(address):
            fail("empfaenger", "muss eine E-Mail-Adresse sein", item)
        elif address.lower() not in allowed_lower:
            fail(
                "empfaenger",
                "diese Adresse ist für die Spezialliste nicht freigegeben "
                "(Einstellung report_recipients_allowed)",
                address,
            )
        elif address not in chosen:
            chosen.append(address)
    return tuple(chosen) if chosen else tuple(default)


# --- selection ---------------------------------------------------------------------------------


@dataclass
class Selection:
    """The running totals of one selection, filled while its rows are streamed."""

    orders: int = 0
    gross: Decimal = Decimal("0")
    order_ids: list[int] = field(default_factory=list)
    # (marketplace display name, "YYYY-MM") -> [order count, gross sum]
    by_month: dict[tuple[str, str], list] = field(default_factory=dict)

    def add(self, row: Mapping[str, object]) -> None:
        self.orders += 1
        gross = row["brutto"] or Decimal("0")
        self.gross += gross
        self.order_ids.append(int(row["shop_bestellnr"]))
        purchased = row["kaufdatum"]
        key = (str(row["marktplatz"]), f"{purchased:%Y-%m}" if purchased else "")
        entry = self.by_month.setdefault(key, [0, Decimal("0")])
        entry[0] += 1
        entry[1] += gross


def select_orders(gambio_conn, hcs_conn, criteria: Criteria, selection: Selection, *,
                  language: str = "de", override_dir: str | Path | None = None,
                  page_size: int = PAGE_SIZE) -> Iterator[dict[str, object]]:
    """Yield one row per selected order, in ``orders_id`` order, and count it into ``selection``."""
    sql = load_sql("gambio", "spezialliste_bestellungen", override_dir)
    params = _gambio_params(criteria, language, page_size)
    after_id = 0
    pages = 0
    while True:
        params["after_id"] = after_id
        cursor = gambio_conn.cursor()
        try:
            cursor.execute(sql, params)
            columns = [description[0].lower() for description in cursor.description]
            page = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()
        # Each page is its own transaction, so a long selection holds no snapshot open.
        gambio_conn.commit()
        if not page:
            break
        pages += 1
        after_id = int(page[-1]["orders_id"])
        facts = _hcs_facts(hcs_conn, [int(row["orders_id"]) for row in page], override_dir)
        for header in page:
            fact = facts.get(int(header["orders_id"]), {})
            if criteria.hcs_states and not (hcs_states_of(fact) & set(criteria.hcs_states)):
                continue
            row = _order_row(header, fact)
            selection.add(row)
            yield row
        if len(page) < page_size:
            break
    log.info("Spezialliste selected %d orders from %d Gambio pages", selection.orders, pages)


def hcs_states_of(fact: Mapping[str, object]) -> set[str]:
    """Return the HCS states an order is in. An order both delivered and invoiced is in both."""
    if not fact.get("auftrag_nr"):
        return {"nicht_importiert"}
    kinds = fact.get("belegarten", set())
    states = set()
    if kinds & {"Lieferschein", "Sofortrechnung"}:
        states.add("geliefert")
    if kinds & {"Rechnung", "Sofortrechnung"}:
        states.add("berechnet")
    if not kinds & {"Lieferschein", "Rechnung"} and "Sofortrechnung" not in kinds:
        states.add("importiert")
    return states


def _gambio_params(criteria: Criteria, language: str, page_size: int) -> dict[str, object]:
    local_from = datetime.combine(criteria.date_from, datetime.min.time())
    local_to = datetime.combine(criteria.date_to + timedelta(days=1), datetime.min.time())
    return {
        "language_code": language,
        "local_from": local_from,
        "local_to": local_to,
        "filter_platforms": 1 if criteria.marketplaces else 0,
        "platforms": criteria.marketplaces or ("",),
        "filter_statuses": 1 if criteria.gambio_statuses else 0,
        "status_ids": criteria.gambio_statuses or (-1,),
        "gross_min": criteria.gross_min,
        "gross_max": criteria.gross_max,
        "customer_like": f"%{like_escape(criteria.customer)}%" if criteria.customer else None,
        "filter_skus": 1 if criteria.skus else 0,
        "skus": criteria.skus or ("",),
        "sku_like": sku_like_pattern(criteria.sku_pattern) if criteria.sku_pattern else None,
        "page_size": page_size,
    }


def like_escape(text: str) -> str:
    """Escape the LIKE wildcards % and _ (and the escape character !) so ``text`` matches literally."""
    return re.sub(r"([!%_])", r"!\1", text)


def sku_like_pattern(pattern: str) -> str:
    """Turn an SKU pattern with * wildcards into a LIKE pattern with escape character !."""
    return "%".join(like_escape(part) for part in pattern.split("*"))


def _hcs_facts(hcs_conn, shop_ids: list[int], override_dir) -> dict[int, dict[str, object]]:
    facts: dict[int, dict[str, object]] = {}
    for row in _hcs_query(hcs_conn, "spezialliste_auftraege", {"shop_bestellnrn": shop_ids}, override_dir):
        facts[int(row["shop_bestellnr"])] = {
            "auftrag_nr": int(row["auftrag_nr"]),
            "importiert_am": _to_datetime(row["importiert_am"]),
            "belegarten": set(),
        }
    if not facts:
        return facts
    for row in _hcs_query(hcs_conn, "spezialliste_belege", {"shop_bestellnrn": sorted(facts)}, override_dir):
        fact = facts[int(row["shop_bestellnr"])]
        kind = str(row["belegart"]).strip()
        fact["belegarten"].add(kind)
        printed = _to_datetime(row["gedruckt_am"])
        # Rows come oldest first, so the latest document of each kind wins.
        if kind in ("Lieferschein", "Sofortrechnung"):
            fact["lieferschein_am"] = printed
            fact["sendungsnummer"] = str(row["sendungsnummer"] or "").strip() or fact.get("sendungsnummer", "")
        if kind in ("Rechnung", "Sofortrechnung"):
            fact["rechnung_am"] = printed
            fact["rechnungsnummer"] = str(row["belegnummer"] or "").strip()
    return facts


def _hcs_query(hcs_conn, name: str, params: Mapping[str, object], override_dir) -> list[dict[str, object]]:
    sql, values = to_qmark(load_sql("hcs", name, override_dir), params)
    cursor = hcs_conn.cursor()
    try:
        cursor.execute(sql, values)
        columns = [description[0].lower() for description in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        cursor.close()
        hcs_conn.commit()


def _order_row(header: Mapping[str, object], fact: Mapping[str, object]) -> dict[str, object]:
    gross = _to_decimal(header["gross"])
    vat = _to_decimal(header["vat"]) or Decimal("0")
    customer = str(header["customers_name"] or "").strip()
    company = str(header["customers_company"] or "").strip()
    platform = str(header["platform"] or "").strip()
    return {
        "shop_bestellnr": int(header["orders_id"]),
        "kaufdatum": _to_datetime(header["date_purchased"]),
        "marktplatz": marketplace_name(platform or "shop"),
        "marktplatz_bestellnr": marketplace_ids(header["special"]),
        "kunde": f"{company}, {customer}" if company and customer else (company or customer),
        "email": str(header["customers_email_address"] or ""),
        "ort": str(header["customers_city"] or ""),
        "land": str(header["delivery_country_iso_code_2"] or header["billing_country_iso_code_2"] or ""),
        "netto": None if gross is None else gross - vat,
        "mwst": vat,
        "brutto": gross,
        "gambio_status": str(header["orders_status_name"] or header["orders_status"]),
        "auftrag_nr": fact.get("auftrag_nr"),
        "importiert_am": fact.get("importiert_am"),
        "lieferschein_am": fact.get("lieferschein_am"),
        "sendungsnummer": fact.get("sendungsnummer", ""),
        "rechnung_am": fact.get("rechnung_am"),
        "rechnungsnummer": fact.get("rechnungsnummer", ""),
    }


def position_rows(gambio_conn, order_ids: Sequence[int], *, override_dir=None,
                  page_size: int = PAGE_SIZE) -> Iterator[dict[str, object]]:
    """Yield the order lines of ``order_ids``, read in chunks of ``page_size`` orders."""
    sql = load_sql("gambio", "spezialliste_positionen", override_dir)
    for start in range(0, len(order_ids), page_size):
        chunk = tuple(order_ids[start : start + page_size])
        cursor = gambio_conn.cursor()
        try:
            cursor.execute(sql, {"orders_ids": chunk})
            columns = [description[0].lower() for description in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()
        gambio_conn.commit()
        for row in rows:
            yield {
                "shop_bestellnr": int(row["orders_id"]),
                "artikelnummer": str(row["properties_combi_model"] or "").strip() or str(row["products_model"] or ""),
                "bezeichnung": row["products_name"] or "",
                "menge": _to_decimal(row["products_quantity"]),
                "einzelpreis": _to_decimal(row["products_price"]),
                "gesamt": _to_decimal(row["final_price"]),
                "mwst_satz": _to_decimal(row["products_tax"]),
            }


def summary_rows(selection: Selection) -> Iterator[dict[str, object]]:
    """Yield one row per marketplace and month, then a total row, for the summary sheet."""
    for (marketplace, month), (count, gross) in sorted(selection.by_month.items(), key=lambda item: (item[0][1], item[0][0])):
        yield {"monat": month, "marktplatz": marketplace, "anzahl": count, "brutto": gross}
    if selection.orders:
        yield {"monat": "", "marktplatz": "Summe", "anzahl": selection.orders, "brutto": selection.gross}


def _to_decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _to_datetime(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).strip())


# --- output ------------------------------------------------------------------------------------

# (key, German header, English header, kind) of the orders sheet, left to right.
ORDER_COLUMNS = (
    ("shop_bestellnr", "Shop-Nr.", "Shop no.", "int"),
    ("kaufdatum", "Kaufdatum", "Purchase date", "datetime"),
    ("marktplatz", "Marktplatz", "Marketplace", "text"),
    ("marktplatz_bestellnr", "Marktplatz-Bestellnr.", "Marketplace order no.", "text"),
    ("kunde", "Kunde", "Customer", "text"),
    ("email", "E-Mail", "E-mail", "text"),
    ("ort", "Ort", "City", "text"),
    ("land", "Land", "Country", "text"),
    ("netto", "Netto", "Net", "money"),
    ("mwst", "MwSt.", "VAT", "money"),
    ("brutto", "Brutto", "Gross", "money"),
    ("gambio_status", "Gambio-Status", "Gambio status", "text"),
    ("auftrag_nr", "HCS-Auftrag", "HCS order no.", "int"),
    ("importiert_am", "Importiert am", "Imported at", "datetime"),
    ("lieferschein_am", "Lieferschein am", "Delivery note at", "datetime"),
    ("sendungsnummer", "Sendungsnummer", "Tracking no.", "text"),
    ("rechnung_am", "Rechnung am", "Invoice at", "datetime"),
    ("rechnungsnummer", "Rechnungsnummer", "Invoice no.", "text"),
)
POSITION_COLUMNS = (
    ("shop_bestellnr", "Shop-Nr.", "Shop no.", "int"),
    ("artikelnummer", "Artikelnummer", "SKU", "text"),
    ("bezeichnung", "Bezeichnung", "Description", "text"),
    ("menge", "Menge", "Quantity", "qty"),
    ("einzelpreis", "Einzelpreis brutto", "Unit price gross", "price"),
    ("gesamt", "Gesamt brutto", "Line total gross", "money"),
    ("mwst_satz", "MwSt.-Satz %", "VAT rate %", "qty"),
)
SUMMARY_COLUMNS = (
    ("monat", "Monat", "Month", "text"),
    ("marktplatz", "Marktplatz", "Marketplace", "text"),
    ("anzahl", "Bestellungen", "Orders", "int"),
    ("brutto", "Summe brutto", "Gross total", "money"),
)
SHEET_TITLES = {
    "orders": ("Bestellungen", "Orders"),
    "positions": ("Positionen", "Positions"),
    "summary": ("Zusammenfassung", "Summary"),
}


def _sheet(name: str, columns) -> object:
    from gambio_hcs_bridge.reporting.excel import Column, SheetSpec

    title_de, title_en = SHEET_TITLES[name]
    return SheetSpec(title_de, title_en, tuple(Column(key, de, en, kind) for key, de, en, kind in columns))


def write_xlsx(path: Path, orders: Iterator[dict[str, object]], selection: Selection, *,
               positions, language: str = "de") -> dict[str, int]:
    """Write the workbook: orders, optional positions, then the summary by marketplace and month.

    The summary is the last sheet because the orders are streamed and counted while they are
    written. ``positions`` is a callable returning the position rows, or None for no sheet.
    """
    from gambio_hcs_bridge.reporting.excel import write_workbook

    sheets = [(_sheet("orders", ORDER_COLUMNS), orders)]
    if positions is not None:
        sheets.append((_sheet("positions", POSITION_COLUMNS), _deferred(positions)))
    sheets.append((_sheet("summary", SUMMARY_COLUMNS), _deferred(lambda: summary_rows(selection))))
    return write_workbook(path, sheets, language)


def _deferred(factory) -> Iterator[dict[str, object]]:
    # Starts the query only when the workbook writer reaches this sheet, after the orders.
    yield from factory()


def csv_text(value: object, kind: str, language: str = "de") -> str:
    """Format one CSV cell: German decimal comma and dd.mm.yyyy dates, formula-safe text."""
    if value is None:
        return ""
    if kind == "text":
        text = str(value)
        if text.startswith(_CSV_FORMULA_START) or text.lstrip().startswith(_CSV_FORMULA_START):
            return "'" + text
        return text
    if kind in ("date", "datetime"):
        form = "%d.%m.%Y" if language == "de" else "%Y-%m-%d"
        if kind == "datetime" and isinstance(value, datetime):
            form += " %H:%M"
        return value.strftime(form)
    if kind == "int":
        return str(int(value))
    number = Decimal(str(value))
    text = f"{number.quantize(Decimal('0.01')):f}" if kind == "money" else f"{number.normalize():f}"
    return text.replace(".", ",") if language == "de" else text


def _write_csv_stream(stream, rows, columns, language: str) -> int:
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow([de if language == "de" else en for _, de, en, _ in columns])
    count = 0
    for row in rows:
        writer.writerow([csv_text(row.get(key), kind, language) for key, _, _, kind in columns])
        count += 1
    return count


def write_csv(path: Path, orders: Iterator[dict[str, object]], *, positions, language: str = "de") -> int:
    """Write the orders as CSV (UTF-8 with BOM, ``;``), or a zip of orders and positions.

    With ``positions`` (a callable returning position rows) the file is a zip archive with
    ``bestellungen.csv`` and ``positionen.csv``. Returns the number of orders written.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if positions is None:
            with partial.open("w", encoding="utf-8-sig", newline="") as stream:
                count = _write_csv_stream(stream, orders, ORDER_COLUMNS, language)
        else:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                with archive.open("bestellungen.csv", "w") as raw:
                    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
                        count = _write_csv_stream(stream, orders, ORDER_COLUMNS, language)
                with archive.open("positionen.csv", "w") as raw:
                    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
                        _write_csv_stream(stream, positions(), POSITION_COLUMNS, language)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def output_suffix(criteria: Criteria) -> str:
    """Return the file suffix: .xlsx, .csv, or .zip for CSV with positions."""
    if criteria.output_format == "xlsx":
        return ".xlsx"
    return ".zip" if criteria.with_positions else ".csv"


def archive_name(criteria: Criteria, run_id: str) -> str:
    """Return ``spezialliste_<von>_<bis>_<safe run id><suffix>``."""
    from gambio_hcs_bridge.reporting.mail import safe_file_part

    return (
        f"{ARCHIVE_PREFIX}_{criteria.date_from.isoformat()}_{criteria.date_to.isoformat()}_"
        f"{safe_file_part(run_id)}{output_suffix(criteria)}"
    )


def build_list(gambio_conn, hcs_conn, criteria: Criteria, path: Path, *, language: str = "de",
               override_dir: str | Path | None = None, page_size: int = PAGE_SIZE) -> Selection:
    """Select the orders of ``criteria`` and write them to ``path`` in the chosen format."""
    selection = Selection()
    orders = select_orders(gambio_conn, hcs_conn, criteria, selection, language=language,
                           override_dir=override_dir, page_size=page_size)
    positions = None
    if criteria.with_positions:
        def positions():
            return position_rows(gambio_conn, selection.order_ids, override_dir=override_dir, page_size=page_size)
    if criteria.output_format == "xlsx":
        write_xlsx(path, orders, selection, positions=positions, language=language)
    else:
        write_csv(path, orders, positions=positions, language=language)
    return selection


# --- mail --------------------------------------------------------------------------------------

_MAIL_TEXTS = {
    "de": {
        "subject": "Spezialliste {von} – {bis}: {count} Bestellungen",
        "body": "Hallo,\n\nanbei die Spezialliste der Kaufdaten {von} bis {bis}: {count} Bestellungen, "
                "Summe brutto {gross}.",
        "footer": "Gesendet von Airflow (DAG webshop_spezialliste, Lauf {run}).",
    },
    "en": {
        "subject": "Special list {von} – {bis}: {count} orders",
        "body": "Hello,\n\nattached is the special list of purchase dates {von} to {bis}: {count} orders, "
                "gross total {gross}.",
        "footer": "Sent by Airflow (DAG webshop_spezialliste, run {run}).",
    },
}


def list_mail_subject(date_from: date, date_to: date, count: int, language: str = "de") -> str:
    """Return the subject, for example "Spezialliste 01.05.2026 – 31.05.2026: 12 Bestellungen"."""
    form = "%d.%m.%Y" if language == "de" else "%Y-%m-%d"
    return _MAIL_TEXTS[language]["subject"].format(von=date_from.strftime(form), bis=date_to.strftime(form), count=count)


def send_list_mail(smtp_conn_id: str, recipients: Sequence[str], mail_from: str, *, date_from: date,
                   date_to: date, count: int, gross: Decimal, attachment: Path, run_id: str,
                   language: str = "de") -> None:
    """Mail the archived list ``attachment`` to ``recipients`` through the SMTP connection."""
    import html

    from airflow.providers.smtp.hooks.smtp import SmtpHook

    from gambio_hcs_bridge.reporting.mail import format_euro

    texts = _MAIL_TEXTS[language]
    form = "%d.%m.%Y" if language == "de" else "%Y-%m-%d"
    body = texts["body"].format(von=date_from.strftime(form), bis=date_to.strftime(form), count=count,
                                gross=format_euro(gross, language))
    paragraphs = [*body.split("\n\n"), texts["footer"].format(run=run_id)]
    with SmtpHook(smtp_conn_id=smtp_conn_id) as hook:
        hook.send_email_smtp(
            to=list(recipients),
            from_email=mail_from,
            subject=list_mail_subject(date_from, date_to, count, language),
            html_content="\n".join(f"<p>{html.escape(part)}</p>" for part in paragraphs),
            files=[str(attachment)],
        )
    log.info("Mailed Spezialliste %s to %d recipients", Path(attachment).name, len(recipients))


# --- DAG tasks ---------------------------------------------------------------------------------


def check_form_task(params: Mapping[str, object], logical_date: datetime | None, settings=None) -> dict[str, object]:
    """Check the trigger form for the DAG. Invalid input raises AirflowFailException, which is not retried."""
    from airflow.sdk.exceptions import AirflowFailException

    from gambio_hcs_bridge.settings import load_settings

    settings = settings or load_settings()
    try:
        criteria = parse_form(
            params,
            allowed_recipients=settings.allowed_report_recipients,
            default_recipients=settings.mail_recipients,
            tz=settings.tz,
            now=logical_date,
        )
    except FormError as exc:
        raise AirflowFailException(str(exc)) from None
    log.info("Spezialliste for purchase dates %s to %s, format %s", criteria.date_from, criteria.date_to,
             criteria.output_format)
    return criteria.to_dict()


def build_list_task(criteria_data: Mapping[str, object], run_id: str, settings=None) -> dict[str, object]:
    """Select, write and archive the list; return what the mail task needs."""
    import tempfile

    from airflow.sdk.exceptions import AirflowFailException

    from gambio_hcs_bridge.hooks.gambio import GambioHook
    from gambio_hcs_bridge.hooks.hcs import HcsHook
    from gambio_hcs_bridge.reporting.mail import archive_file
    from gambio_hcs_bridge.settings import load_settings

    settings = settings or load_settings()
    if not settings.archive_dir:
        raise AirflowFailException(
            "Setting archive_dir is missing. Set it in the gambio_hcs_bridge Variable to the folder that keeps the lists"
        )
    criteria = Criteria.from_dict(criteria_data)
    name = archive_name(criteria, run_id)
    work_dir = Path(settings.work_dir) if settings.work_dir else None
    if work_dir:
        work_dir.mkdir(parents=True, exist_ok=True)

    gambio_conn = GambioHook(gambio_conn_id=settings.gambio_conn_id).get_conn()
    try:
        hcs_conn = HcsHook(hcs_conn_id=settings.hcs_conn_id).get_conn()
        try:
            with tempfile.TemporaryDirectory(prefix="spezialliste-", dir=work_dir) as scratch:
                path = Path(scratch) / name
                selection = build_list(gambio_conn, hcs_conn, criteria, path, language=settings.language,
                                       override_dir=settings.sql_override_dir)
                archived = archive_file(path, settings.archive_dir, name)
        finally:
            hcs_conn.close()
    finally:
        gambio_conn.close()
    return {
        "path": str(archived),
        "orders": selection.orders,
        "gross": str(selection.gross),
        "date_from": criteria.date_from.isoformat(),
        "date_to": criteria.date_to.isoformat(),
        "recipients": list(criteria.recipients),
    }


def mail_list_task(built: Mapping[str, object], run_id: str, settings=None) -> None:
    """Mail the archived list, or skip when no recipient is set."""
    from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

    from gambio_hcs_bridge.settings import load_settings

    settings = settings or load_settings()
    recipients = list(built.get("recipients") or [])
    if not recipients:
        log.warning("Spezialliste %s not mailed: no recipients and mail_recipients is empty", built["path"])
        raise AirflowSkipException("No recipients: the list is only archived")
    path = Path(str(built["path"]))
    if not path.is_file():
        raise AirflowFailException(f"Archived list {path} not found. Trigger webshop_spezialliste again to rebuild it")
    send_list_mail(
        settings.smtp_conn_id,
        recipients,
        settings.mail_from,
        date_from=date.fromisoformat(str(built["date_from"])),
        date_to=date.fromisoformat(str(built["date_to"])),
        count=int(built["orders"]),
        gross=Decimal(str(built["gross"])),
        attachment=path,
        run_id=run_id,
        language=settings.language,
    )


def clean_archive_task(settings=None) -> dict[str, object]:
    """Apply archive_retention_days and return the deleted names and the archive listing."""
    from airflow.sdk.exceptions import AirflowSkipException

    from gambio_hcs_bridge.reporting.archive import list_archive, prune_archive
    from gambio_hcs_bridge.settings import load_settings

    settings = settings or load_settings()
    if not settings.archive_dir:
        raise AirflowSkipException("Setting archive_dir is missing, so there is no archive to clean")
    removed = prune_archive(settings.archive_dir, settings.archive_retention_days)
    files = list_archive(settings.archive_dir)
    for entry in files:
        log.info("Archive: %s, %d bytes, %s", entry["name"], entry["size"], entry["modified"])
    return {"deleted": removed, "files": files}
