"""Play the HCS user (WinHCS) for the demo and the tests: print documents, book stock.

Every function writes the rows WinHCS would write into the reference HCS schema and
commits them as one transaction, so the bridge reads the same rows a site's HCS contains.
The ``hcs`` command group of ``hcsbridge`` drives the same functions from the shell.

Stock arithmetic runs in Python with Decimal. SQLite stores DECIMAL columns as floating
point, so ``bestand = bestand + ?`` would drift there, and every new stock value is
therefore computed here and written back exactly.
"""

from __future__ import annotations

import argparse
import functools
import logging
import random
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from gambio_hcs_bridge.hcs_fields import HCS_FIELD_WIDTHS
from gambio_hcs_bridge.hcs_numbers import NumberRangeNotFound, allocate_numbers
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.sql import load_sql, qmark_batch, to_qmark

log = logging.getLogger(__name__)

# WinHCS writes local time without a zone. Europe/Berlin is the default shop_timezone of the
# bridge settings, and the demo and the tests run with that default.
HCS_TIMEZONE = ZoneInfo("Europe/Berlin")

# Document type -> prefix of the document number (belegnummer), e.g. "LS-500001".
BELEG_PREFIXES: dict[str, str] = {
    "Lieferschein": "LS",
    "Rechnung": "RE",
    "Sofortrechnung": "SR",
    "Gutschrift": "GS",
    "Storno": "ST",
}

# Document types that deliver the goods of an order and so take them out of stock.
DELIVERING_BELEGARTEN = ("Lieferschein", "Sofortrechnung")

# Stock movements booked without a document (book_stock).
STOCK_BEWEGUNGSARTEN = ("Wareneingang", "Thekenverkauf", "Inventur")

SEED_BATCH_SIZE = 500

# Scales of the schema: quantities and stock DECIMAL(15,4), money DECIMAL(12,2), VAT DECIMAL(5,2).
QUANTITY_STEP = Decimal("0.0001")
CENT = Decimal("0.01")

# Gambio keeps VAT rates in tax_rates, which a demo shop may lack. The fresh-install tax
# classes are 1 = Standardsatz (19 %) and 2 = ermäßigter Satz (7 %), so the seed derives the
# rate from products_tax_class_id and uses 19 % for any other class.
GAMBIO_TAX_CLASS_VAT = {1: Decimal("19"), 2: Decimal("7")}
GAMBIO_DEFAULT_VAT = Decimal("19")


class OrderNotFound(LookupError):
    """Raised when no HCS order (auftraege row) matches the given number."""


class ArticleNotFound(LookupError):
    """Raised when a stock booking names an article that is not in the article master."""


@dataclass(frozen=True)
class ArticleSeed:
    """One row of the HCS article master (table ``artikel``) for :func:`seed_articles`."""

    artikel_nr: str
    bezeichnung: str = ""
    ean: str = ""
    mwst_satz: Decimal = Decimal("19")
    vk_brutto: Decimal = Decimal("0")
    bestand: Decimal = Decimal("0")


@dataclass(frozen=True)
class PrintedDocument:
    """Result of printing a document: its ids and the number of stock movements it booked."""

    beleg_id: int
    belegnummer: str
    belegart: str
    auftrag_nr: int
    stock_movements: int


# --- documents -------------------------------------------------------------------------


def print_document(
    conn,
    auftrag_nr: int,
    belegart: str,
    *,
    printed_at: datetime | None = None,
    tracking_number: str = "",
    carrier: str = "",
    override_dir: str | Path | None = None,
) -> int:
    """Print a document for an HCS order as WinHCS does and return its beleg_id.

    See :func:`print_document_details` for the stock rules.
    """
    return print_document_details(
        conn,
        auftrag_nr,
        belegart,
        printed_at=printed_at,
        tracking_number=tracking_number,
        carrier=carrier,
        override_dir=override_dir,
    ).beleg_id


def print_document_details(
    conn,
    auftrag_nr: int,
    belegart: str,
    *,
    printed_at: datetime | None = None,
    tracking_number: str = "",
    carrier: str = "",
    override_dir: str | Path | None = None,
) -> PrintedDocument:
    """Insert a document (belege row) for order ``auftrag_nr`` and book its stock movements.

    ``belegart`` is one of :data:`BELEG_PREFIXES`. The document number comes from the
    number range ``beleg``, so beleg_id grows strictly with every print.

    Stock rules:

    - A Lieferschein, or a Sofortrechnung (which delivers and invoices at once), books one
      movement per Artikel position: negative menge, bewegungsart ``Lieferschein``. It books
      nothing when the order's goods are already out of stock (a Lieferschein or
      Sofortrechnung booked them and no Storno booked them back), so a Sofortrechnung after
      a Lieferschein and a reprinted Lieferschein book nothing.
    - A Storno books back whatever the order's documents took out, per article, with
      bewegungsart ``Storno``.
    - An order with ``versand_durch_marktplatz = 1`` (Amazon FBA) never moves our stock,
      because the goods leave the marketplace's warehouse.
    - Rechnung and Gutschrift move no stock.

    ``printed_at`` is local time without zone (default: now in Europe/Berlin). The whole
    print is one transaction on ``conn``, which must have autocommit off.
    """
    prefix = BELEG_PREFIXES.get(belegart)
    if prefix is None:
        raise ValueError(f"invalid belegart {belegart!r}: expected one of {', '.join(BELEG_PREFIXES)}")
    _check_width("belege", "sendungsnummer", tracking_number)
    _check_width("belege", "versanddienstleister", carrier)
    _require_transaction(conn)
    printed_at = _local_naive(printed_at)

    cursor = conn.cursor()
    try:
        # Reserve the number first. The update serialises concurrent prints, so the journal
        # read below cannot miss a delivery booked at the same moment.
        beleg_id = allocate_numbers(cursor, "beleg", 1, override_dir)
        order = _fetch_order(cursor, auftrag_nr, override_dir)
        belegnummer = f"{prefix}-{beleg_id}"
        _execute(
            cursor,
            "beleg_einfuegen",
            {
                "beleg_id": beleg_id,
                "belegart": belegart,
                "belegnummer": belegnummer,
                "auftrag_nr": auftrag_nr,
                "gedruckt_am": printed_at,
                "sendungsnummer": tracking_number,
                "versanddienstleister": carrier,
            },
            override_dir,
        )

        movements, bewegungsart = _document_movements(cursor, order, belegart, override_dir)
        if movements:
            _book_movements(cursor, movements, bewegungsart, beleg_id, printed_at, override_dir)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise

    log.info(
        "Printed %s %s (beleg_id %s) for Auftrag %s with %s stock movements",
        belegart,
        belegnummer,
        beleg_id,
        auftrag_nr,
        len(movements),
    )
    return PrintedDocument(beleg_id, belegnummer, belegart, auftrag_nr, len(movements))


def find_auftrag_nr(conn, shop_bestellnr: int, override_dir: str | Path | None = None) -> int:
    """Return the auftrag_nr of the HCS order imported from Gambio order ``shop_bestellnr``."""
    cursor = conn.cursor()
    _execute(cursor, "auftrag_nach_shop_bestellnr", {"shop_bestellnr": shop_bestellnr}, override_dir)
    row = cursor.fetchone()
    if row is None:
        raise OrderNotFound(
            f"no HCS order with shop_bestellnr {shop_bestellnr}, so the Gambio order is not imported yet"
        )
    return int(row[0])


@dataclass(frozen=True)
class _Order:
    auftrag_nr: int
    shipped_by_marketplace: bool


def _fetch_order(cursor, auftrag_nr: int, override_dir) -> _Order:
    _execute(cursor, "auftrag_lesen", {"auftrag_nr": auftrag_nr}, override_dir)
    row = cursor.fetchone()
    if row is None:
        raise OrderNotFound(f"HCS order (Auftrag) {auftrag_nr} not found in table auftraege")
    return _Order(auftrag_nr=int(row.auftrag_nr), shipped_by_marketplace=int(row.versand_durch_marktplatz) == 1)


def _document_movements(
    cursor, order: _Order, belegart: str, override_dir
) -> tuple[list[tuple[str, Decimal]], str]:
    """Return the signed stock movements a document books and their bewegungsart."""
    if order.shipped_by_marketplace or belegart not in (*DELIVERING_BELEGARTEN, "Storno"):
        return [], ""

    goods_out = _goods_out(cursor, order.auftrag_nr, override_dir)
    if belegart == "Storno":
        return [(artikel_nr, menge) for artikel_nr, menge in goods_out.items() if menge != 0], "Storno"

    if any(menge != 0 for menge in goods_out.values()):
        return [], ""
    # A Sofortrechnung delivers like a Lieferschein, and the schema has no bewegungsart Sofortrechnung.
    return _delivery_movements(cursor, order.auftrag_nr, override_dir), "Lieferschein"


def _goods_out(cursor, auftrag_nr: int, override_dir) -> dict[str, Decimal]:
    """Return per article the quantity the order's documents took out and did not book back."""
    _execute(cursor, "auftrag_lagerbewegungen", {"auftrag_nr": auftrag_nr}, override_dir)
    out: dict[str, Decimal] = {}
    for artikel_nr, menge in cursor.fetchall():
        out[artikel_nr] = out.get(artikel_nr, Decimal(0)) - _decimal(menge)
    return out


def _delivery_movements(cursor, auftrag_nr: int, override_dir) -> list[tuple[str, Decimal]]:
    _execute(cursor, "auftrag_artikelpositionen", {"auftrag_nr": auftrag_nr}, override_dir)
    movements = []
    for pos_nr, artikel_nr, menge in cursor.fetchall():
        if not artikel_nr:
            raise ArticleNotFound(
                f"Artikel position {pos_nr} of Auftrag {auftrag_nr} has no artikel_nr, so its stock cannot be booked"
            )
        quantity = _decimal(menge)
        # A zero quantity moves nothing, and a journal row for it would only add noise.
        if quantity != 0:
            movements.append((artikel_nr, -quantity))
    return movements


# --- stock -----------------------------------------------------------------------------


def book_stock(
    conn,
    artikel_nr: str,
    menge: Decimal,
    bewegungsart: str,
    *,
    booked_at: datetime | None = None,
    override_dir: str | Path | None = None,
) -> int:
    """Book a stock movement without a document and return its bewegung_id.

    ``bewegungsart`` is Wareneingang, Thekenverkauf or Inventur. For Wareneingang and
    Thekenverkauf ``menge`` is the signed change (a counter sale of 3 pieces is -3, a
    return to the supplier is a negative Wareneingang). For Inventur ``menge`` is the
    counted stock, and the journal row records the difference to the stock on hand,
    which is 0 when the count confirms it. artikel.bestand changes in the same
    transaction on ``conn``, which must have autocommit off.
    """
    if bewegungsart not in STOCK_BEWEGUNGSARTEN:
        raise ValueError(f"invalid bewegungsart {bewegungsart!r}: expected one of {', '.join(STOCK_BEWEGUNGSARTEN)}")
    quantity = _quantity(menge, "menge")
    if bewegungsart == "Inventur" and quantity < 0:
        raise ValueError(f"Inventur needs the counted stock, which cannot be negative, got {quantity}")
    if bewegungsart != "Inventur" and quantity == 0:
        raise ValueError(f"{bewegungsart} needs a non-zero menge")
    _require_transaction(conn)
    booked_at = _local_naive(booked_at)

    cursor = conn.cursor()
    try:
        stock = _lock_articles(cursor, [artikel_nr], booked_at, override_dir)
        change = quantity - stock[artikel_nr] if bewegungsart == "Inventur" else quantity
        bewegung_id = _book_movements(
            cursor, [(artikel_nr, change)], bewegungsart, None, booked_at, override_dir, locked_stock=stock
        )
        conn.commit()
    except BaseException:
        conn.rollback()
        raise

    log.info("Booked %s of %s for article %s (bewegung_id %s)", bewegungsart, change, artikel_nr, bewegung_id)
    return bewegung_id


def _lock_articles(cursor, artikel_nrs: Iterable[str], booked_at: datetime, override_dir) -> dict[str, Decimal]:
    """Lock the articles' rows and return their stock on hand.

    Articles are locked in sorted order, so two bookings of this module cannot deadlock
    each other on MariaDB.
    """
    stock = {}
    for artikel_nr in sorted(set(artikel_nrs)):
        params = {"artikel_nr": artikel_nr, "geaendert_am": booked_at}
        _execute(cursor, "artikel_sperren", params, override_dir)
        _execute(cursor, "artikel_bestand_lesen", params, override_dir)
        row = cursor.fetchone()
        if row is None:
            raise ArticleNotFound(f"article {artikel_nr!r} not found in table artikel. Seed the article master first.")
        stock[artikel_nr] = _decimal(row[0])
    return stock


def _book_movements(
    cursor,
    movements: list[tuple[str, Decimal]],
    bewegungsart: str,
    beleg_id: int | None,
    booked_at: datetime,
    override_dir,
    locked_stock: dict[str, Decimal] | None = None,
) -> int:
    """Write one journal row per movement, update artikel.bestand and return the first bewegung_id."""
    if locked_stock is None:
        locked_stock = _lock_articles(cursor, (artikel_nr for artikel_nr, _ in movements), booked_at, override_dir)
    stock = dict(locked_stock)

    first_id = allocate_numbers(cursor, "lagerbewegung", len(movements), override_dir)
    rows = []
    for offset, (artikel_nr, menge) in enumerate(movements):
        rows.append(
            {
                "bewegung_id": first_id + offset,
                "artikel_nr": artikel_nr,
                "menge": menge,
                "bewegungsart": bewegungsart,
                "beleg_id": beleg_id,
                "gebucht_am": booked_at,
            }
        )
        stock[artikel_nr] += menge
    cursor.executemany(*qmark_batch(load_sql("hcs", "lagerbewegung_einfuegen", override_dir), rows))

    for artikel_nr, bestand in stock.items():
        if bestand != locked_stock[artikel_nr]:
            _execute(
                cursor,
                "artikel_bestand_setzen",
                {"artikel_nr": artikel_nr, "bestand": bestand.quantize(QUANTITY_STEP)},
                override_dir,
            )
    return first_id


# --- article master --------------------------------------------------------------------


def seed_articles(
    conn,
    articles: Iterable[ArticleSeed],
    *,
    batch_size: int = SEED_BATCH_SIZE,
    override_dir: str | Path | None = None,
) -> int:
    """Insert articles into the HCS article master and return how many were inserted.

    Plain INSERTs, so an artikel_nr that already exists fails the whole call, which runs
    as one transaction. Rows go in batches of ``batch_size`` through executemany without
    pyodbc's fast_executemany, which crashes the SQLite3 ODBC driver.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    _require_transaction(conn)
    changed_at = _local_naive(None)
    sql = load_sql("hcs", "artikel_einfuegen", override_dir)

    cursor = conn.cursor()
    inserted = 0
    try:
        for batch in _batches((_article_row(article, changed_at) for article in articles), batch_size):
            cursor.executemany(*qmark_batch(sql, batch))
            inserted += len(batch)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise

    log.info("Seeded %s articles into the HCS article master", inserted)
    return inserted


def _article_row(article: ArticleSeed, changed_at: datetime) -> dict[str, object]:
    if not article.artikel_nr:
        raise ValueError("artikel_nr must not be empty")
    for column in ("artikel_nr", "bezeichnung", "ean"):
        _check_width("artikel", column, getattr(article, column))
    return {
        "artikel_nr": article.artikel_nr,
        "bezeichnung": article.bezeichnung,
        "ean": article.ean,
        "mwst_satz": _scaled(article.mwst_satz, CENT, f"mwst_satz of article {article.artikel_nr!r}"),
        "vk_brutto": _scaled(article.vk_brutto, CENT, f"vk_brutto of article {article.artikel_nr!r}"),
        "bestand": _scaled(article.bestand, QUANTITY_STEP, f"bestand of article {article.artikel_nr!r}"),
        "geaendert_am": changed_at,
    }


def seed_articles_from_gambio(
    gambio_conn,
    hcs_conn,
    *,
    seed: int,
    stock_range: tuple[int, int] = (0, 120),
    language_code: str = "de",
    override_dir: str | Path | None = None,
) -> int:
    """Copy every SKU of a Gambio shop into the HCS article master with a made-up stock.

    SKUs are products_model, combi_model (variants) and attributes_model, skipping empty
    ones and ones longer than artikel_nr allows. A SKU found twice keeps its first
    occurrence (product before variant before attribute). Names come in the language
    ``language_code`` and are shortened to the width of artikel.bezeichnung. Each SKU's
    stock is a whole number in ``stock_range`` (inclusive) drawn from ``seed`` and the
    SKU, so the same shop and seed always give the same stock. Returns the number of
    articles inserted.
    """
    low, high = stock_range
    if not 0 <= low <= high:
        raise ValueError(f"invalid stock_range {stock_range!r}: expected (low, high) with 0 <= low <= high")

    sku_width = HCS_FIELD_WIDTHS[("artikel", "artikel_nr")]
    cursor = gambio_conn.cursor()
    cursor.execute(
        load_sql("gambio", "demo_article_skus", override_dir),
        {"language_code": language_code, "max_sku_length": sku_width},
    )
    rows = cursor.fetchall()
    cursor.close()

    articles = []
    seen: set[str] = set()
    duplicates = 0
    for sku, name, ean, net_price, tax_class_id in rows:
        # NOTE: MariaDB's default collation also compares case-insensitively and ignores
        # trailing spaces, so such SKUs count as one here. Other collation equivalences
        # (for example ß and s) are not caught and fail the insert on MariaDB.
        key = sku.rstrip(" ").casefold()
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        articles.append(_gambio_article(sku, name, ean, net_price, tax_class_id, seed, low, high))

    if duplicates:
        log.warning("Skipped %s Gambio SKUs that occur more than once", duplicates)
    return seed_articles(hcs_conn, articles, override_dir=override_dir)


def _gambio_article(sku, name, ean, net_price, tax_class_id, seed: int, low: int, high: int) -> ArticleSeed:
    vat = GAMBIO_TAX_CLASS_VAT.get(int(tax_class_id or 0), GAMBIO_DEFAULT_VAT)
    # Gambio stores net prices. An attribute with a "-" surcharge can push one below zero,
    # and the article master gets 0 then.
    net = max(_decimal(net_price or 0), Decimal(0))
    gross = (net * (100 + vat) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    ean = (ean or "").strip()
    if len(ean) > HCS_FIELD_WIDTHS[("artikel", "ean")]:
        # Longer than any EAN/GTIN, so it is no usable EAN.
        ean = ""
    stock = random.Random(f"{seed}:{sku}").randint(low, high)
    return ArticleSeed(
        artikel_nr=sku,
        bezeichnung=(name or sku)[: HCS_FIELD_WIDTHS[("artikel", "bezeichnung")]],
        ean=ean,
        mwst_satz=vat,
        vk_brutto=gross,
        bestand=Decimal(stock),
    )


# --- helpers ---------------------------------------------------------------------------


def _execute(cursor, name: str, params: dict[str, object], override_dir) -> None:
    cursor.execute(*to_qmark(load_sql("hcs", name, override_dir), params))


def _require_transaction(conn) -> None:
    if getattr(conn, "autocommit", False):
        raise ValueError("the HCS connection must have autocommit off, so a booking commits as one transaction")


def _local_naive(moment: datetime | None) -> datetime:
    """Return ``moment`` as HCS stores it: Europe/Berlin local time, no zone, whole seconds.

    MariaDB's DATETIME drops fractions of a second while SQLite keeps them, so both drop them here.
    """
    if moment is None:
        moment = datetime.now(HCS_TIMEZONE)
    if moment.tzinfo is not None:
        moment = moment.astimezone(HCS_TIMEZONE).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _check_width(table: str, column: str, value: str) -> None:
    width = HCS_FIELD_WIDTHS[(table, column)]
    if len(value) > width:
        raise ValueError(f"value too long for {table}.{column} (max {width} characters, got {len(value)}): {value!r}")


def _decimal(value) -> Decimal:
    # SQLite's ODBC driver returns DECIMAL columns as str, MariaDB's as Decimal.
    return Decimal(str(value))


def _quantity(value, label: str) -> Decimal:
    return _scaled(value, QUANTITY_STEP, label)


def _scaled(value, step: Decimal, label: str) -> Decimal:
    """Convert ``value`` to Decimal and reject more decimal places than the column stores."""
    try:
        number = _decimal(value)
    except InvalidOperation:
        raise ValueError(f"{label} is not a number: {value!r}") from None
    if not number.is_finite() or number != number.quantize(step):
        places = -step.as_tuple().exponent
        raise ValueError(f"{label} must be a finite number with at most {places} decimal places, got {value!r}")
    return number


def _batches(rows: Iterable[dict[str, object]], size: int) -> Iterator[list[dict[str, object]]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- command line ----------------------------------------------------------------------

# Sub-command name -> document type it prints.
_PRINT_COMMANDS = {
    "lieferschein": "Lieferschein",
    "rechnung": "Rechnung",
    "sofortrechnung": "Sofortrechnung",
    "gutschrift": "Gutschrift",
    "storno": "Storno",
}


def add_commands(subparsers) -> None:
    """Register ``hcsbridge hcs ...``: print documents and book stock in the local stack's HCS."""
    hcs = subparsers.add_parser(
        "hcs",
        help="act as the HCS user on the local stack: print documents, book stock, create and seed HCS",
        description="Write what WinHCS writes into the local stack's HCS database.",
    )
    commands = hcs.add_subparsers(dest="hcs_command", required=True)

    target = argparse.ArgumentParser(add_help=False)
    target.add_argument(
        "--target",
        choices=("sqlite", "mariadb"),
        default="sqlite",
        help="HCS database: the local stack's SQLite file (default) or database 'hcs' on the local MariaDB",
    )

    for command, belegart in _PRINT_COMMANDS.items():
        parser = commands.add_parser(command, parents=[target], help=f"print a {belegart} for an order")
        parser.add_argument(
            "auftrag", type=int, metavar="AUFTRAG", help="HCS auftrag_nr, or the Gambio orders_id with --shop"
        )
        parser.add_argument(
            "--shop", action="store_true", help="read AUFTRAG as a Gambio orders_id (auftraege.shop_bestellnr)"
        )
        parser.add_argument(
            "--printed-at",
            type=datetime.fromisoformat,
            help="print time as ISO date and time, local time of Europe/Berlin (default: now)",
        )
        if belegart in DELIVERING_BELEGARTEN:
            parser.add_argument("--tracking", default="", help="parcel tracking number (sendungsnummer)")
            parser.add_argument("--carrier", default="", help="carrier name, for example DHL (versanddienstleister)")
        parser.set_defaults(handler=_reporting_errors(_print_command), belegart=belegart)

    lager = commands.add_parser("lager", parents=[target], help="book a stock movement without a document")
    lager.add_argument("artikel", metavar="ARTIKEL", help="artikel_nr")
    lager.add_argument(
        "menge",
        type=Decimal,
        metavar="MENGE",
        help="signed change in stock units (negative removes stock), or the counted stock for Inventur",
    )
    lager.add_argument("--art", required=True, choices=STOCK_BEWEGUNGSARTEN, help="bewegungsart of the movement")
    lager.set_defaults(handler=_reporting_errors(_stock_command))

    init = commands.add_parser("init", parents=[target], help="create the reference HCS schema unless it exists")
    init.add_argument("--reset", action="store_true", help="delete the HCS database first and start empty")
    init.set_defaults(handler=_reporting_errors(_init_command))

    seed = commands.add_parser(
        "seed-articles", parents=[target], help="copy every SKU of the local Gambio shop into the HCS article master"
    )
    seed.add_argument("--seed", type=int, default=1, help="random seed of the made-up stock (default: 1)")
    seed.add_argument("--stock-min", type=int, default=0, help="lowest made-up stock per article (default: 0)")
    seed.add_argument("--stock-max", type=int, default=120, help="highest made-up stock per article (default: 120)")
    seed.set_defaults(handler=_reporting_errors(_seed_command))


def _print_command(args) -> int:
    with _hcs_session(args.target) as conn:
        auftrag_nr = find_auftrag_nr(conn, args.auftrag) if args.shop else args.auftrag
        printed = print_document_details(
            conn,
            auftrag_nr,
            args.belegart,
            printed_at=args.printed_at,
            tracking_number=getattr(args, "tracking", ""),
            carrier=getattr(args, "carrier", ""),
        )
    print(
        f"Printed {printed.belegart} {printed.belegnummer} (beleg_id {printed.beleg_id}) "
        f"for Auftrag {printed.auftrag_nr} and booked {printed.stock_movements} stock movements."
    )
    return 0


def _stock_command(args) -> int:
    with _hcs_session(args.target) as conn:
        bewegung_id = book_stock(conn, args.artikel, args.menge, args.art)
    print(f"Booked {args.art} for article {args.artikel} as bewegung_id {bewegung_id}.")
    return 0


def _init_command(args) -> int:
    from gambio_hcs_bridge.hcs_schema import create_hcs_schema, hcs_schema_exists

    location = _prepare_database(args.target, reset=args.reset)
    with _hcs_session(args.target, must_exist=False) as conn:
        if hcs_schema_exists(conn):
            print(f"The HCS schema already exists in {location}; nothing changed.")
            return 0
        count = create_hcs_schema(conn)
    print(f"Created the HCS schema in {location} ({count} statements).")
    return 0


def _seed_command(args) -> int:
    import MySQLdb

    from gambio_hcs_bridge.devstack.config import gambio_connection, stack_config

    config = stack_config()
    gambio = gambio_connection(config.mariadb_port, config.mariadb_root_password())
    try:
        gambio_conn = MySQLdb.connect(
            host=gambio["host"],
            port=gambio["port"],
            user=gambio["login"],
            password=gambio["password"],
            database=gambio["schema"],
            charset="utf8mb4",
        )
    except MySQLdb.OperationalError as exc:
        raise _CommandError(
            f"cannot connect to the Gambio database {gambio['schema']!r} on 127.0.0.1:{gambio['port']} "
            f"({exc}). Start the local stack and load the demo shop first."
        ) from None

    try:
        with _hcs_session(args.target) as hcs_conn:
            count = seed_articles_from_gambio(
                gambio_conn, hcs_conn, seed=args.seed, stock_range=(args.stock_min, args.stock_max)
            )
    finally:
        gambio_conn.close()
    print(f"Seeded {count} articles into the HCS article master.")
    return 0


class _CommandError(Exception):
    """Raised for a failure that a command reports as one line, without a traceback."""


@contextmanager
def _hcs_session(target: str, must_exist: bool = True):
    """Open an ODBC connection (autocommit off) to the local stack's HCS database."""
    import pyodbc

    from gambio_hcs_bridge.devstack.config import (
        hcs_mariadb_connection,
        hcs_sqlite_connection,
        odbc_connection_string,
        stack_config,
    )

    config = stack_config()
    if target == "sqlite":
        path = config.hcs_sqlite_path
        # The SQLite3 ODBC driver creates a missing file, which would hide a forgotten init.
        if must_exist and not path.is_file():
            raise _CommandError(f"HCS database {path} not found. Run 'hcsbridge hcs init' first.")
        connection = hcs_sqlite_connection(path)
    else:
        connection = hcs_mariadb_connection(config.mariadb_port, config.mariadb_root_password())
    try:
        conn = prepare_hcs_connection(pyodbc.connect(odbc_connection_string(connection), autocommit=False))
    except pyodbc.Error as exc:
        raise _CommandError(f"cannot open the HCS database ({target}): {exc}") from None
    try:
        yield conn
    finally:
        conn.close()


def _reporting_errors(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Wrap a command handler so errors a developer can act on print one line and exit with 1."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        import pyodbc

        try:
            return handler(args)
        except (_CommandError, OrderNotFound, ArticleNotFound, NumberRangeNotFound, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
        except pyodbc.Error as exc:
            print(f"error: HCS database call failed: {exc}", file=sys.stderr)
        return 1

    return run


def _prepare_database(target: str, reset: bool = False) -> str:
    """Create the folder (SQLite) or the database (MariaDB) for the HCS schema and return its location.

    With ``reset`` the existing database is deleted first (SQLite file with its WAL files, or
    the MariaDB database).
    """
    from gambio_hcs_bridge.devstack.config import HCS_MARIADB_DATABASE, stack_config

    config = stack_config()
    if target == "sqlite":
        config.hcs_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        if reset:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{config.hcs_sqlite_path}{suffix}").unlink(missing_ok=True)
        return str(config.hcs_sqlite_path)

    import MySQLdb

    from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB

    server = LocalMariaDB(config.mariadb_dir, config.mariadb_port, config.mariadb_root_password())
    try:
        if reset:
            server.drop_database(HCS_MARIADB_DATABASE)
        server.create_database(HCS_MARIADB_DATABASE, "utf8mb4")
    except MySQLdb.OperationalError as exc:
        raise _CommandError(
            f"cannot reach the local MariaDB on 127.0.0.1:{config.mariadb_port} ({exc}). Start the local stack first."
        ) from None
    return f"database {HCS_MARIADB_DATABASE!r} on 127.0.0.1:{config.mariadb_port}"
